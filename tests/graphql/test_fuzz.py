"""Schemathesis fuzzes /graphql/ over HTTP with tokens: never a 500, never a change it may not make.

``make test`` runs about ``FUZZ_EXAMPLES`` (default 50) generated requests in all, spread over
every query and mutation; ``make fuzz`` sets FUZZ_EXAMPLES=2000. Two tokens are used: a
read-only token (may read everything, change nothing) and a läsare's full token (no write
permission anywhere). After the run every register table and every history table must hold
exactly what it held before.
"""

import os

import pytest
import requests
import schemathesis
from django.apps import apps
from hypothesis import HealthCheck, given, settings

from accounts.models import ApiToken
from accounts.roles import Role, sync_role_groups
from tests import factories as f

pytestmark = [pytest.mark.fuzz, pytest.mark.live, pytest.mark.django_db(transaction=True)]

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "50"))


def register_counts() -> dict[str, int]:
    counts = {}
    for app in ("portfolio", "gdpr"):
        for model in apps.get_app_config(app).get_models():
            counts[model._meta.label] = model._default_manager.count()
    return counts


@pytest.fixture
def fuzz_target(live_server):
    sync_role_groups()
    board = f.BoardFactory()
    for _ in range(3):
        app = f.ApplicationFactory()
        f.RoleAssignmentFactory(application=app)
        f.CostFactory(application=app)
        f.TransferFactory(processing_activity=f.ProcessingActivityFactory(controller=board))
    f.DpiaFactory()
    read_only = ApiToken.issue(f.UserFactory(username="fuzz-it", role=Role.IT), read_only=True)[1]
    reader = ApiToken.issue(f.UserFactory(username="fuzz-lasare", role=Role.READER))[1]
    return live_server.url + "/graphql/", read_only, reader


def fuzz(schema, operations, token: str, per_operation: int, failures: list) -> int:
    """Send generated requests for every operation; return how many were sent."""
    headers = {"Authorization": f"Bearer {token}"}
    session = requests.Session()
    sent = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=per_operation, deadline=None, database=None, derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            response = case.call(headers=headers, session=session, timeout=30)
            sent.append(response.status_code)
            if response.status_code >= 500:
                failures.append((case.operation.label, case.body, response.status_code, response.text[:500]))

        run()
    return len(sent)


def test_fuzzed_requests_never_fail_with_a_server_error_nor_change_data(fuzz_target):
    url, read_only, reader = fuzz_target
    schema = schemathesis.graphql.from_url(url, headers={"Authorization": f"Bearer {read_only}"}, timeout=30)
    queries = [schema["Query"][name] for name in schema["Query"]]
    mutations = [schema["Mutation"][name] for name in schema["Mutation"]]
    per_operation = max(1, EXAMPLES // (len(queries) + 2 * len(mutations)))
    before = register_counts()
    history_before = {
        label: apps.get_model(label).history.count()
        for label in before
        if hasattr(apps.get_model(label), "history")
    }
    failures: list = []
    sent = fuzz(schema, queries + mutations, read_only, per_operation, failures)
    sent += fuzz(schema, mutations, reader, per_operation, failures)
    assert sent >= len(queries) + 2 * len(mutations)
    assert failures == []
    assert register_counts() == before
    assert {label: apps.get_model(label).history.count() for label in history_before} == history_before

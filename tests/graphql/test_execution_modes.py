"""The endpoint answers the same JSON with its short execution path on and off.

``GRAPHQL_FAST_EXECUTION`` chooses between ``RegisterExecutionContext`` (production) and
graphql-core's stock execution. The rest of ``tests/graphql`` runs every test both ways; the tests
here put the two answers side by side for every documented query, as every role, byte for byte —
data, errors, their messages and paths.
"""

from __future__ import annotations

import json

import pytest
from django.db import transaction
from graphql import ExecutionContext
from graphql_relay import from_global_id, to_global_id

from config.graphql.execution import RegisterExecutionContext, execution_options, never_awaitable
from gdpr.models import ProcessingActivity
from tests.factories import ApplicationFactory, UserFactory
from tests.graphql.conftest import execute, post
from tests.graphql.test_docs import examples
from tests.graphql.test_loader import PLANNED, UNPLANNED

pytestmark = pytest.mark.django_db

ROLES = ("reader", "it_user", "strategist", "data_protection_coordinator")


def _answer_both_ways(both_execution_modes, ask, *args) -> tuple:
    """(graphql-core's answer, the short path's answer) to ``ask(*args)``."""
    answers = []
    for mode in ("stock", "fast"):
        with both_execution_modes(mode):
            answers.append(ask(*args))
    return answers[0], answers[1]


def _post_json(client, query: str, variables: dict | None) -> dict:
    return post(client, query, variables).json()


def _documented_mutation_variables(variables: dict) -> dict:
    """The doc's example id and version, pointed at the first record of this register."""
    variables = json.loads(json.dumps(variables))
    type_name, _pk = from_global_id(variables["input"]["id"])
    activity = ProcessingActivity.objects.order_by("pk").first()
    variables["input"].update(id=to_global_id(type_name, activity.pk), version=activity.version)
    return variables


def test_the_setting_chooses_the_execution_context(both_execution_modes):
    with both_execution_modes("fast"):
        assert execution_options() == {
            "is_awaitable": never_awaitable,
            "execution_context_class": RegisterExecutionContext,
        }
    with both_execution_modes("stock"):
        # graphql-core's defaults: its own ExecutionContext and its own awaitable check.
        assert execution_options() == {}


def test_the_endpoint_runs_the_short_path_only_when_the_setting_is_on(
    both_execution_modes, monkeypatch, it_user
):
    contexts = []
    original = ExecutionContext.build.__func__

    def observed(cls, *args, **kwargs):
        contexts.append(cls)
        return original(cls, *args, **kwargs)

    monkeypatch.setattr(ExecutionContext, "build", classmethod(observed))
    for mode in ("fast", "stock"):
        with both_execution_modes(mode):
            assert execute(it_user, "{ vendors(first: 1) { totalCount } }").errors == []
    assert contexts == [RegisterExecutionContext, ExecutionContext]


@pytest.mark.parametrize("role", ROLES)
def test_every_documented_query_gives_the_same_json_both_ways(
    request, client, demo, both_execution_modes, role
):
    """Over HTTP, as each role (whose permissions hide rows and refuse fields differently)."""
    client.force_login(request.getfixturevalue(role))
    compared = 0
    for query, variables in examples():
        if query.lstrip().startswith("mutation"):
            continue
        stock, fast = _answer_both_ways(both_execution_modes, _post_json, client, query, variables)
        assert fast == stock, query
        compared += 1
    assert compared >= 12


def test_the_documented_mutation_gives_the_same_json_both_ways(
    client, demo, data_protection_coordinator, reader, both_execution_modes
):
    """Written (and rolled back) once each way, as the coordinator; refused as a läsare."""
    [(query, variables)] = [(q, v) for q, v in examples() if q.lstrip().startswith("mutation")]
    for user in (data_protection_coordinator, reader):
        client.force_login(user)

        def write(user=user):
            with transaction.atomic():
                body = post(client, query, _documented_mutation_variables(variables)).json()
                transaction.set_rollback(True)
            return body

        stock, fast = _answer_both_ways(both_execution_modes, write)
        assert fast == stock
    assert stock["data"]["updateProcessingActivity"]["processingActivity"] is None  # the läsare's
    assert stock["data"]["updateProcessingActivity"]["errors"]


def test_planned_and_unplanned_register_queries_give_the_same_answers_both_ways(
    demo, it_user, both_execution_modes
):
    for query, variables in [*PLANNED, *((q, {"all": True} if "$all" in q else None) for q in UNPLANNED)]:
        stock, fast = _answer_both_ways(both_execution_modes, execute, it_user, query, variables)
        assert fast == stock, query
        assert stock.errors == [] and stock.data


@pytest.mark.parametrize(
    "query",
    [
        # Errors at a path beside data that is answered: a malformed id, a filter value refused.
        '{ node(id: "x") { id } applications(first: 2) { edges { node { id name vendor { name } '
        "processingActivities { edges { node { name } } } } } } }",
        '{ applications(first: 2, vendor: "abc") { totalCount } '
        "vendors(first: 2) { edges { node { name } } } }",
        # A resolver that refuses its argument, and one that refuses the user.
        "{ completeness(months: -5) { percent } }",
    ],
)
@pytest.mark.parametrize("role", ["reader", "without_role"])
def test_errors_and_partial_answers_are_the_same_both_ways(request, both_execution_modes, query, role):
    for name in ("Skola24", "Unikum"):
        ApplicationFactory(name=name)
    user = UserFactory(username="utan-roll") if role == "without_role" else request.getfixturevalue(role)
    stock, fast = _answer_both_ways(both_execution_modes, execute, user, query)
    assert fast == stock
    assert stock.errors and all(error["path"] for error in stock.errors)

"""The alias limit on its boundary: ``MAX_ALIASES`` pass, one more is refused wherever it hides.

Aliases let one document ask the same field many times (30 × an expensive field); the guard counts
every alias in the document — at the root, nested, inside fragments and on cheap fields alike —
and refuses the document before anything runs.
"""

from __future__ import annotations

import pytest
from graphql_relay import to_global_id

from config.graphql.guards import MAX_ALIASES
from gdpr.models import ProcessingActivity
from tests.factories import ApplicationFactory, ProcessingActivityFactory
from tests.graphql.conftest import post

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, reader):
    client.force_login(reader)
    return client


def aliased(count: int, field: str = "applications(first: 1) { totalCount }", prefix: str = "a") -> str:
    return " ".join(f"{prefix}{i}: {field}" for i in range(count))


def refused_for_aliases(response) -> None:
    assert response.status_code == 400, response.content[:300]
    body = response.json()
    assert body.get("data") is None
    assert any(f"fler än {MAX_ALIASES} alias" in error["message"] for error in body["errors"]), body


def test_exactly_the_limit_of_aliases_is_answered(api):
    ApplicationFactory()
    response = post(api, "{ " + aliased(MAX_ALIASES) + " }")
    assert response.status_code == 200
    body = response.json()
    assert "errors" not in body, body["errors"]
    assert body["data"] == {f"a{i}": {"totalCount": 1} for i in range(MAX_ALIASES)}


def test_one_alias_over_the_limit_is_refused(api):
    refused_for_aliases(post(api, "{ " + aliased(MAX_ALIASES + 1) + " }"))


def test_aliases_are_counted_across_nesting_levels(api):
    half = MAX_ALIASES // 2 + 1
    nested = "applications(first: 1) { edges { node { " + aliased(half, "name", "n") + " } } }"
    refused_for_aliases(post(api, "{ " + aliased(half) + " " + nested + " }"))


def test_aliases_inside_a_fragment_are_counted(api):
    fragment = "fragment Many on Query { " + aliased(MAX_ALIASES + 1) + " }"
    refused_for_aliases(post(api, "query { ...Many } " + fragment))


def test_aliases_of_cheap_fields_and_of_the_fields_own_name_count_too(api):
    same_name = "applications: applications(first: 1) { totalCount }"
    refused_for_aliases(post(api, "{ " + same_name + " " + aliased(MAX_ALIASES, "__typename", "t") + " }"))


def test_aliased_mutations_over_the_limit_write_nothing(client, data_protection_coordinator):
    activity = ProcessingActivityFactory(last_reviewed_on=None)
    client.force_login(data_protection_coordinator)
    node_id = to_global_id("ProcessingActivity", activity.pk)
    arguments = f'{{id: "{node_id}", version: {activity.version}}}'
    field = f"markReviewed(input: {arguments}) {{ errors {{ message }} }}"
    refused_for_aliases(post(client, "mutation { " + aliased(MAX_ALIASES + 1, field, "m") + " }"))
    activity.refresh_from_db()
    assert activity.last_reviewed_on is None
    assert ProcessingActivity.history.filter(id=activity.pk).count() == 1
    # The same field once is a valid write: the refusal above was for the aliases alone.
    body = post(client, "mutation { " + aliased(1, field, "m") + " }").json()
    assert body["data"]["m0"]["errors"] == []
    activity.refresh_from_db()
    assert activity.last_reviewed_on is not None

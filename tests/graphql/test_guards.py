"""Hostile queries are refused before they run: depth, aliases, page size, cost, batches, size."""

import json

import pytest

from config.graphql.guards import (
    MAX_ALIASES,
    MAX_COST,
    MAX_DEPTH,
    MAX_PAGE_SIZE,
    MAX_SELECTIONS,
    MAX_TOKENS,
)
from config.graphql.view import MAX_BODY_BYTES
from tests.factories import ApplicationFactory
from tests.graphql.conftest import post

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, reader):
    client.force_login(reader)
    return client


def refused(response, *words: str) -> str:
    assert response.status_code in (400, 413), response.content[:300]
    body = response.json()
    assert "data" not in body or body["data"] is None
    message = " ".join(e["message"] for e in body["errors"])
    for word in words:
        assert word in message, message
    return message


def nested(levels: int) -> str:
    """applications → vendor → applications → vendor … ``levels`` connection levels deep."""
    inner = "name"
    for _ in range(levels):
        inner = f"applications(first: 1) {{ edges {{ node {{ name vendor {{ {inner} }} }} }} }}"
    return "{ " + inner.replace("vendor { name }", "name", 1) + " }"


def test_a_query_deeper_than_the_limit_is_refused(api):
    response = post(api, nested(4))
    refused(response, "nästlad", str(MAX_DEPTH))


def test_a_normal_nested_query_passes(api):
    ApplicationFactory()
    response = post(api, nested(2))
    assert response.status_code == 200 and "errors" not in response.json()


def test_too_many_aliases_are_refused(api):
    aliases = " ".join(f"a{i}: applications(first: 1) {{ totalCount }}" for i in range(MAX_ALIASES + 1))
    refused(post(api, "{ " + aliases + " }"), "alias")


def test_a_page_larger_than_the_maximum_is_refused(api):
    refused(post(api, f"{{ applications(first: {MAX_PAGE_SIZE + 1}) {{ totalCount }} }}"), "sidstorlek")


def test_a_too_large_page_given_in_a_variable_is_refused_at_run_time(api):
    response = post(
        api, "query($n: Int) { applications(first: $n) { totalCount } }", {"n": MAX_PAGE_SIZE + 1}
    )
    body = response.json()
    assert body["data"]["applications"] is None
    assert str(MAX_PAGE_SIZE) in body["errors"][0]["message"]


def test_nested_connections_multiply_into_a_refused_cost(api):
    query = """{ organisations(first: 100) { edges { node {
        children(first: 100) { edges { node {
          children(first: 100) { edges { node { name } } } } } } } } } }"""
    message = refused(post(api, query), "taket")
    assert str(MAX_COST) in message


def test_cost_counts_fragments_once_per_use_without_blowing_up(api):
    """A chain of fragments each spreading the next twice: measured in linear time, and refused."""
    fragments = ["fragment F0 on Application { name }"]
    for i in range(1, 40):
        fragments.append(f"fragment F{i} on Application {{ ...F{i - 1} ...F{i - 1} }}")
    query = "{ applications(first: 100) { edges { node { ...F39 } } } } " + " ".join(fragments)
    refused(post(api, query), "fragmenten", str(MAX_SELECTIONS))


def test_undefined_and_cyclic_fragments_are_validation_errors_not_crashes(api):
    refused(post(api, "{ applications { edges { node { ...Missing } } } }"), "Missing")
    cyclic = (
        "{ applications { edges { node { ...A } } } } "
        "fragment A on Application { ...B } fragment B on Application { ...A }"
    )
    refused(post(api, cyclic))


def test_unknown_fields_are_still_refused_by_the_standard_rules(api):
    refused(post(api, "{ applications { edges { node { secretField } } } }"), "secretField")


def test_batched_requests_are_refused(api):
    body = json.dumps([{"query": "{ applications { totalCount } }"}] * 3)
    refused(api.post("/graphql/", body, content_type="application/json"), "Batchade")


def test_a_very_large_body_is_refused_before_parsing(api):
    query = "{ applications { totalCount } }" + " " * (MAX_BODY_BYTES + 1)
    refused(post(api, query), "för stor")


def test_a_document_with_too_many_tokens_is_refused(api):
    query = "{ " + " ".join("x" for _ in range(MAX_TOKENS + 10)) + " }"
    refused(post(api, query), str(MAX_TOKENS))


@pytest.mark.parametrize(
    "body",
    [
        "not json", "[]", "42", '"text"', '{"query": 42}',
        '{"query": "{ applications { totalCount } }", "variables": 1}',
    ],
)
def test_malformed_bodies_get_a_clear_error_not_a_500(api, body):
    response = api.post("/graphql/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"]


def test_introspection_works_for_logged_in_users_and_typename_is_allowed(api):
    response = post(api, "{ __typename __schema { queryType { name } } }")
    assert response.json()["data"] == {"__typename": "Query", "__schema": {"queryType": {"name": "Query"}}}

"""Malformed requests to /graphql/ get a 400 with a clear JSON message, never an HTML 500."""

import json

import pytest

from config.graphql.view import MAX_VARIABLE_DEPTH

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged_in(client, it_user):
    client.force_login(it_user)
    client.raise_request_exception = False
    return client


def _refused(response, words: str) -> None:
    assert response.status_code == 400, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    assert words in json.loads(response.content)["errors"][0]["message"]


def test_an_application_graphql_body_that_is_not_utf8_is_a_400(logged_in):
    body = b"{ applications { totalCount } }" + b"\xff\xfe\xc3"
    _refused(logged_in.post("/graphql/", body, content_type="application/graphql"), "UTF-8")


def test_an_application_graphql_body_in_utf8_still_runs(logged_in):
    response = logged_in.post("/graphql/", "{ vendors { totalCount } }", content_type="application/graphql")
    assert response.status_code == 200
    assert response.json()["data"]["vendors"]["totalCount"] == 0


def test_variables_nested_5000_deep_are_a_400(logged_in):
    deep = "[" * 5000 + "]" * 5000
    body = '{"query": "{ vendors { totalCount } }", "variables": {"a": ' + deep + "}}"
    _refused(logged_in.post("/graphql/", body, content_type="application/json"), "för djupt")


def test_variables_nested_past_the_limit_but_within_json_are_a_400(logged_in):
    deep = "[" * (MAX_VARIABLE_DEPTH + 1) + "]" * (MAX_VARIABLE_DEPTH + 1)
    body = '{"query": "{ vendors { totalCount } }", "variables": {"a": ' + deep + "}}"
    _refused(logged_in.post("/graphql/", body, content_type="application/json"), "för djupt")


def test_ordinary_nested_variables_pass(logged_in):
    query = "query($v: [ID]) { applications(vendor: $v) { totalCount } }"
    body = json.dumps({"query": query, "variables": {"v": [], "extra": {"a": [[{"b": 1}]]}}})
    response = logged_in.post("/graphql/", body, content_type="application/json")
    assert response.status_code == 200, response.content

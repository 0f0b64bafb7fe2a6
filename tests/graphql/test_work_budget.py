"""Fields that compute over the whole register have a cost, and a request has a budget of work.

Issue 13, item 4: with a Läsare's read-only token at demo scale 10, thirty aliases of
``ropa(asOf: …)`` took 19 s, of ``standardisationCandidates`` 13 s and of ``completeness(months: 36)``
11 s — a few such requests hold every worker. They are refused now before anything runs, and the
refusal names the fields and what they cost.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config.graphql.guards import AS_OF_WORK, MAX_ALIASES, MAX_WORK, WORK
from tests.factories import ApplicationFactory, ProcessingActivityFactory
from tests.graphql.conftest import post

pytestmark = pytest.mark.django_db

HEAVY = {
    "ropa(asOf)": ('ropa(asOf: "2026-01-01") { name }', WORK["ropa"] + AS_OF_WORK),
    "standardisationCandidates": (
        "standardisationCandidates { __typename }",
        WORK["standardisationCandidates"],
    ),
    "completeness(months: 36)": ("completeness(months: 36) { percent }", WORK["completeness"] + 6),
}


def aliases(field: str, count: int = MAX_ALIASES) -> str:
    return "{ " + " ".join(f"a{n}: {field}" for n in range(count)) + " }"


@pytest.fixture
def reader_token(reader, token_for):
    return token_for(reader, read_only=True)


def register_queries(queries) -> list[str]:
    """The SQL that read the register (its tables or their history), not the token check."""
    return [q["sql"] for q in queries if any(t in q["sql"] for t in ("portfolio_", "gdpr_", "stewardship_"))]


@pytest.mark.parametrize("label", list(HEAVY))
def test_thirty_aliases_of_a_heavy_field_are_refused_before_anything_runs(client, reader_token, label):
    ApplicationFactory()
    ProcessingActivityFactory()
    field, units = HEAVY[label]
    with CaptureQueriesContext(connection) as queries:
        response = post(client, aliases(field), HTTP_AUTHORIZATION=f"Bearer {reader_token}")
    assert response.status_code == 400, response.content[:300]
    body = response.json()
    assert body.get("data") is None
    message = " ".join(e["message"] for e in body["errors"])
    assert f"{label} {MAX_ALIASES} × {units} = {MAX_ALIASES * units}" in message
    assert f"taket per förfrågan är {MAX_WORK}" in message
    assert register_queries(queries.captured_queries) == []


@pytest.mark.parametrize("label", list(HEAVY))
def test_one_heavy_field_runs(client, reader_token, label):
    ProcessingActivityFactory()
    field, _units = HEAVY[label]
    response = post(client, "{ " + field + " }", HTTP_AUTHORIZATION=f"Bearer {reader_token}")
    assert response.status_code == 200, response.content[:300]
    assert "errors" not in response.json()


def test_a_few_different_analyses_fit_in_one_request(client, reader):
    client.force_login(reader)
    query = "{ ssoCoverage { __typename } pm3Gaps { code } equityMatrix { __typename } ropa { name } }"
    response = post(client, query)
    assert response.status_code == 200, response.content[:300]


def test_every_as_of_list_costs_work_whatever_its_page_size(client, reader):
    client.force_login(reader)
    body = post(
        client, aliases('applications(asOf: "2026-01-01T00:00:00Z", first: 1) { totalCount }', 11)
    ).json()
    assert "applications(asOf) 11 × 2 = 22" in body["errors"][0]["message"]
    body = post(client, aliases("applications(first: 1) { totalCount }", 11)).json()
    assert "errors" not in body


def test_a_variable_month_count_is_weighed_at_its_worst(client, reader):
    client.force_login(reader)
    one = "query($m: Int) { completeness(months: $m) { percent } }"
    assert "errors" not in post(client, one, {"m": 0}).json()
    two = "query($m: Int) { a: completeness(months: $m) { percent } b: completeness(months: $m) { percent } }"
    body = post(client, two, {"m": 0}).json()
    assert "completeness(months: 36) 2 × 11 = 22" in body["errors"][0]["message"]


def test_heavy_fields_inside_fragments_count(client, reader):
    client.force_login(reader)
    field = "standardisationCandidates { __typename }"
    query = (
        "query { ...A ...B } "
        f"fragment A on Query {{ a1: {field} a2: {field} }} "
        f"fragment B on Query {{ b1: {field} b2: {field} b3: {field} }}"
    )
    body = post(client, query).json()
    assert "standardisationCandidates 5 × 5 = 25" in body["errors"][0]["message"]

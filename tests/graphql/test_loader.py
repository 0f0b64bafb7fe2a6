"""The GraphQL loader (portfolio.graphql.loader) answers exactly as the query optimizer does.

The loader serves the queries it can plan; everything else still goes to the optimizer. These
tests run the same queries both ways on the demo municipality and compare the answers field for
field, and show from the SQL which path answered (the optimizer pages nested lists with a
``ROW_NUMBER()`` window; the loader reads each relation with one plain query).
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from graphql_relay import offset_to_cursor

from portfolio.models import Application
from tests.factories import UserFactory
from tests.graphql.conftest import LANDSCAPE_QUERY, execute
from tests.graphql.test_docs import examples

pytestmark = pytest.mark.django_db

#: Queries the loader plans: nested connections, foreign keys of nested rows, fragments, filters,
#: ordering and pages on the root connection, computed fields over the row's own columns.
PLANNED = [
    (LANDSCAPE_QUERY, {"first": 100}),
    (
        """query($after: String) { applications(first: 7, after: $after, ordering: "-name") {
            totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
            edges { cursor node { ...System } } } }
        fragment System on Application { id name vendor { name isThirdCountry } dataLocation }""",
        {"after": "YXJyYXljb25uZWN0aW9uOjY="},
    ),
    (
        """{ organisations(kind: ["skolenhet"], first: 30) { totalCount edges { node {
            name schoolUnitCode parent { name parent { name } }
            ... on Organisation {
                processingActivities(first: 10) { edges { node { name hasSpecialCategories } } } }
            children(first: 10) { totalCount } } } } }""",
        None,
    ),
    (
        """{ processingActivities(first: 50) { edges { node { name legalBasis controller { name }
            applications(first: 10) { edges { node { name vendor { name } } } }
            transfers(first: 10) { edges { node { country mechanism } } } } } } }""",
        None,
    ),
    (
        """{ roleAssignments(role: ["systemagare"], first: 60) { totalCount edges { node {
            role person { name email organisation { name } } application { name } } } } }""",
        None,
    ),
]

#: A per-kind nested connection with a total: the optimizer prefetches its page into a list.
PER_KIND_TOTAL = [
    (
        """{ capabilities(first: 40) { edges { node { name parent { name }
            applications(first: 20) { edges { node { name
                costs(first: 5) { edges { node { year amount pm3Part } } } } } }
            learningResources(last: 3) { totalCount edges { node { name } } } } } } }""",
        None,
    ),
    (
        """{ vendors(first: 20) { edges { node { name country
            applications(first: 30) { totalCount edges { node {
                name managementObject { name ownerOrganisation { name } } } } }
            firstContracts: contracts(first: 1) { edges { node { name } } }
            contracts(first: 20) { totalCount edges { node { name dpaSignedOn } } } } } } }""",
        None,
    ),
]

#: Queries the loader leaves to the optimizer: filters on a nested connection, directives.
UNPLANNED = [
    """{ vendors(first: 20) { edges { node {
        name applications(first: 5, lifecycleStatus: ["i_drift"]) { edges { node { name } } } } } } }""",
    """query($all: Boolean!) { applications(first: 20) { edges { node { name
        organisations @include(if: $all) { edges { node { name } } } } } } }""",
]


def answer(user, query: str, variables: dict | None, *, loader: bool, settings) -> tuple[dict, list[str]]:
    settings.GRAPHQL_LOADER = loader
    with CaptureQueriesContext(connection) as queries:
        result = execute(user, query, variables)
    assert not result.errors, result.errors
    return result.data, [q["sql"] for q in queries.captured_queries]


def windowed(statements: list[str]) -> bool:
    return any("ROW_NUMBER()" in sql.upper() for sql in statements)


def test_loader_answers_exactly_as_the_optimizer(demo, it_user, settings):
    for query, variables in PLANNED:
        expected, _sql = answer(it_user, query, variables, loader=False, settings=settings)
        loaded, statements = answer(it_user, query, variables, loader=True, settings=settings)
        assert loaded == expected, query
        assert not windowed(statements), f"the optimizer answered: {query}"


def test_the_optimizer_counts_a_per_kind_nested_connection_like_the_loader(demo, it_user, settings):
    for query, variables in PER_KIND_TOTAL:
        expected, _sql = answer(it_user, query, variables, loader=False, settings=settings)
        loaded, _statements = answer(it_user, query, variables, loader=True, settings=settings)
        assert loaded == expected, query


def test_the_optimizer_counts_a_per_kind_nested_connection_in_constant_queries(demo, it_user, settings):
    query = """query($vendors: Int) { vendors(first: $vendors) { edges { node { name
        applications(first: 30) { totalCount pageInfo { hasNextPage } edges { node { name } } }
        learningresources(last: 2) { totalCount edges { cursor } } } } } }"""
    answer(it_user, query, {"vendors": 1}, loader=False, settings=settings)  # the user's permissions read
    few, few_sql = answer(it_user, query, {"vendors": 5}, loader=False, settings=settings)
    many, many_sql = answer(it_user, query, {"vendors": 60}, loader=False, settings=settings)
    assert len(few_sql) == len(many_sql) and windowed(many_sql)
    nodes = [edge["node"] for edge in many["vendors"]["edges"]]
    systems = {n["name"]: n["applications"]["totalCount"] for n in nodes}
    assert systems == {name: Application.objects.filter(vendor__name=name).count() for name in systems}
    assert max(systems.values()) > 30
    for node in nodes:
        assert node["applications"]["pageInfo"]["hasNextPage"] == (node["applications"]["totalCount"] > 30)
        total = node["learningresources"]["totalCount"]
        # The last page's cursors count from the start of the whole list, not of the page.
        expected = [offset_to_cursor(offset) for offset in range(max(total - 2, 0), total)]
        assert [edge["cursor"] for edge in node["learningresources"]["edges"]] == expected


def test_the_loader_plans_a_per_kind_nested_connection_with_its_total(demo, it_user, settings):
    for query, variables in PER_KIND_TOTAL:
        loaded, statements = answer(it_user, query, variables, loader=True, settings=settings)
        assert not windowed(statements), query
    vendors, _statements = answer(it_user, PER_KIND_TOTAL[-1][0], None, loader=True, settings=settings)
    totals = {v["node"]["name"]: v["node"]["applications"]["totalCount"] for v in vendors["vendors"]["edges"]}
    counted = {name: Application.objects.filter(vendor__name=name).count() for name in totals}
    assert totals == counted and max(totals.values()) > 30, totals


def test_every_documented_read_gives_the_same_answer_either_way(demo, it_user, settings):
    for query, variables in examples():
        if query.lstrip().startswith("mutation"):
            continue
        expected, _sql = answer(it_user, query, variables, loader=False, settings=settings)
        loaded, _sql = answer(it_user, query, variables, loader=True, settings=settings)
        assert loaded == expected, query


def test_queries_the_loader_cannot_plan_go_to_the_optimizer(demo, it_user, settings):
    for query in UNPLANNED:
        variables = {"all": True} if "$all" in query else None
        expected, _sql = answer(it_user, query, variables, loader=False, settings=settings)
        loaded, statements = answer(it_user, query, variables, loader=True, settings=settings)
        assert loaded == expected
        assert windowed(statements)


def test_nested_rows_of_a_model_the_user_may_not_view_stay_hidden(demo, settings):
    """A user who may read systems but not the GDPR register gets empty processing-activity lists."""
    user = UserFactory(username="bara-system")
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="portfolio", codename__startswith="view_")
    )
    query = LANDSCAPE_QUERY
    expected, _sql = answer(user, query, {"first": 50}, loader=False, settings=settings)
    loaded, _sql = answer(user, query, {"first": 50}, loader=True, settings=settings)
    assert loaded == expected
    nodes = [edge["node"] for edge in loaded["applications"]["edges"]]
    assert nodes and all(node["processingActivities"]["edges"] == [] for node in nodes)
    assert any(node["organisations"]["edges"] for node in nodes)


def test_a_nested_total_count_counts_every_row_even_past_the_page(demo, it_user, settings):
    """``totalCount`` is the number of matching rows whatever the page. The optimizer reads it from
    the first row of the page and so says 0 for a page past the end; the loader counts the rows."""
    query = """{ vendors(first: 50) { edges { node { name
        contracts(first: 5, after: "YXJyYXljb25uZWN0aW9uOjA=") { totalCount edges { node { name } } }
        allContracts: contracts { totalCount } } } } }"""
    loaded, _sql = answer(it_user, query, None, loader=True, settings=settings)
    nodes = [edge["node"] for edge in loaded["vendors"]["edges"]]
    assert any(node["allContracts"]["totalCount"] == 1 for node in nodes)
    for node in nodes:
        assert node["contracts"]["totalCount"] == node["allContracts"]["totalCount"]
        assert len(node["contracts"]["edges"]) == max(0, min(5, node["allContracts"]["totalCount"] - 1))


def test_an_aliased_per_kind_nested_connection_answers_like_the_unaliased_one(demo, it_user, settings):
    """``tail: learningresources(last: 2)`` on the optimizer's path: the prefetched page is filed
    under the field's name, and the alias must find it there (it raised "no attribute 'tail'")."""
    plain = """{ vendors(first: 8) { edges { node { name
        applications(first: 3) { totalCount edges { node { name } } }
        learningresources(last: 2) { totalCount edges { cursor node { name } } } } } } }"""
    aliased = """{ vendors(first: 8) { edges { node { name
        head: applications(first: 3) { totalCount edges { node { name } } }
        tail: learningresources(last: 2) { totalCount edges { cursor node { name } } } } } } }"""
    for loader in (False, True):
        expected, _sql = answer(it_user, plain, None, loader=loader, settings=settings)
        got, _sql = answer(it_user, aliased, None, loader=loader, settings=settings)
        for before, after in zip(expected["vendors"]["edges"], got["vendors"]["edges"], strict=True):
            assert after["node"]["head"] == before["node"]["applications"], loader
            assert after["node"]["tail"] == before["node"]["learningresources"], loader


def test_two_aliases_of_one_per_kind_connection_get_their_own_pages(demo, it_user, settings):
    settings.GRAPHQL_LOADER = False
    query = """{ vendors(first: 8) { edges { node {
        two: applications(first: 2) { totalCount edges { node { name } } }
        five: applications(first: 5) { totalCount edges { node { name } } } } } } }"""
    got, _sql = answer(it_user, query, None, loader=False, settings=settings)
    for edge in got["vendors"]["edges"]:
        two, five = edge["node"]["two"], edge["node"]["five"]
        assert two["totalCount"] == five["totalCount"]
        assert len(two["edges"]) == min(2, two["totalCount"])
        assert len(five["edges"]) == min(5, five["totalCount"])
        assert two["edges"] == five["edges"][: len(two["edges"])]

"""The endpoint's execution shortcuts change nothing in the answers.

``RegisterExecutionContext`` reads plain column fields directly, and the view keeps documents
that passed validation. Both are compared here with graphql-core's own behaviour: the same data,
the same errors at the same paths, and refusals that stay refusals.
"""

from __future__ import annotations

import json

import graphene
import pytest
from graphql import ExecutionContext, execute, parse

from config.graphql.execution import RegisterExecutionContext, never_awaitable
from config.graphql.guards import MAX_DEPTH
from config.graphql.view import VALID_DOCUMENTS, ValidDocuments
from tests.graphql.conftest import execute as execute_as
from tests.graphql.conftest import post
from tests.graphql.test_loader import PLANNED


class Row:
    def __init__(self, **values):
        self.__dict__.update(values)


class Thing(graphene.ObjectType):
    name = graphene.String()
    required = graphene.String(required=True)
    count = graphene.Int()
    when = graphene.Date()
    tags = graphene.List(graphene.String)
    strict_tags = graphene.List(graphene.NonNull(graphene.String))
    parent = graphene.Field(lambda: Thing)


class Query(graphene.ObjectType):
    things = graphene.List(Thing)
    strict_things = graphene.List(graphene.NonNull(Thing))

    @staticmethod
    def resolve_things(root, info):
        return root["things"]

    @staticmethod
    def resolve_strict_things(root, info):
        return root["things"]

    one = graphene.Field(Thing)

    @staticmethod
    def resolve_one(root, info):
        return root["things"][0]


SCHEMA = graphene.Schema(query=Query).graphql_schema


def both_ways(rows: list, query: str = "{ things { name required count when tags } }") -> tuple:
    document = parse(query)
    answers = []
    ways = ((ExecutionContext, None), (RegisterExecutionContext, never_awaitable))
    for context_class, is_awaitable in ways:
        result = execute(
            SCHEMA, document, root_value={"things": rows},
            execution_context_class=context_class, is_awaitable=is_awaitable,
        )
        errors = [(error.message, error.path) for error in result.errors or ()]
        answers.append((result.data, errors))
    return tuple(answers)


def test_plain_columns_read_directly_give_graphql_cores_values():
    rows = [
        Row(name="Skola24", required="x", count=3, when=None, tags=["a", "b"]),
        Row(name=None, required="y", count=0, when=None, tags=None),
    ]
    standard, shortcut = both_ways(rows)
    assert shortcut == standard
    assert standard[0]["things"][0] == {
        "name": "Skola24",
        "required": "x",
        "count": 3,
        "when": None,
        "tags": ["a", "b"],
    }


def test_a_null_in_a_required_field_is_the_same_error_at_the_same_path():
    rows = [
        Row(name="a", required="ok", count=1, when=None, tags=[]),
        Row(name="b", required=None, count=2, when=None, tags=[]),
    ]
    standard, shortcut = both_ways(rows)
    assert shortcut == standard
    assert standard[1] and standard[1][0][1] == ["things", 1, "required"]


def test_a_value_the_scalar_cannot_serialise_is_the_same_error():
    rows = [Row(name="a", required="ok", count="many", when="not a date", tags=[])]
    standard, shortcut = both_ways(rows)
    assert shortcut == standard
    assert {tuple(path) for _message, path in standard[1]} == {("things", 0, "count"), ("things", 0, "when")}


def test_the_shortcut_reads_plain_columns_without_a_resolve_info():
    """Only ``things`` (a resolver of its own) gets a ResolveInfo; its columns are read directly."""
    built = []

    class Observed(RegisterExecutionContext):
        def build_resolve_info(self, field_def, field_nodes, parent_type, path):
            built.append(field_nodes[0].name.value)
            return super().build_resolve_info(field_def, field_nodes, parent_type, path)

    result = execute(
        SCHEMA, parse("{ things { name count } }"), root_value={"things": [Row(name="a", count=1)] * 3},
        execution_context_class=Observed, is_awaitable=never_awaitable,
    )
    assert result.data == {"things": [{"name": "a", "count": 1}] * 3}
    assert built == ["things"]


def test_null_items_of_object_lists_are_completed_as_graphql_core_does():
    rows = [Row(name="a", required="ok"), None, Row(name="c", required="ok")]
    query = "{ things { name } strictThings { name } }"
    standard, shortcut = both_ways(rows, query)
    assert shortcut == standard
    assert standard[0]["things"][1] is None and standard[0]["strictThings"] is None
    assert [path for _message, path in standard[1]] == [["strictThings", 1]]


def test_an_error_inside_a_list_item_nulls_that_item_only():
    rows = [Row(name="a", required="ok"), Row(name="b", required=None), Row(name="c", required="ok")]
    standard, shortcut = both_ways(rows, "{ things { name required } }")
    assert shortcut == standard
    assert standard[0]["things"][1] is None and standard[0]["things"][2]["name"] == "c"


ONE = "{ one { __typename name count tags strictTags parent { name required parent { name } } } }"


def test_an_object_of_columns_and_nested_objects_is_serialised_as_graphql_core_does():
    row = Row(name="a", required="r", count=2, when=None, tags=["x", None], strict_tags=["y"], parent=None)
    row.parent = Row(name="p", required="q", parent=Row(name="pp", required="s", parent=None))
    standard, shortcut = both_ways([row], ONE)
    assert shortcut == standard
    one = standard[0]["one"]
    assert one["__typename"] == "Thing" and one["parent"]["parent"]["name"] == "pp"


def test_nulls_and_bad_values_inside_a_nested_object_are_the_same_errors_at_the_same_paths():
    cases = [
        Row(name="a", required="r", count=1, tags=[], strict_tags=["y", None], parent=None),
        Row(name="a", required="r", count="many", tags=[], strict_tags=[], parent=None),
        Row(name="a", required="r", count=1, tags=[], strict_tags=[], parent=Row(name="p", required=None)),
    ]
    for row in cases:
        standard, shortcut = both_ways([row], ONE)
        assert shortcut == standard
        assert standard[1], "each case is an error"


def test_a_missing_attribute_reads_as_null_both_ways():
    standard, shortcut = both_ways([Row(required="ok")])
    assert shortcut == standard
    assert standard[0]["things"][0]["name"] is None


@pytest.mark.django_db
def test_the_endpoint_answers_as_plain_execution_does(client, demo, it_user, both_execution_modes):
    """Through the view (shortcut execution, kept documents) and in-process with graphql-core's
    own execution context: the same JSON for the planned register queries, asked twice."""
    client.force_login(it_user)
    for query, variables in PLANNED:
        with both_execution_modes("stock"):
            expected = json.loads(json.dumps(execute_as(it_user, query, variables).data))
        for _attempt in range(2):
            with both_execution_modes("fast"):
                body = post(client, query, variables).json()
            assert "errors" not in body, body.get("errors")
            assert body["data"] == expected, query


@pytest.mark.django_db
def test_a_refused_document_stays_refused_and_is_not_kept(client, it_user):
    client.force_login(it_user)
    nested = "vendor { applications(first: 1) { edges { node { "
    query = "{ applications(first: 1) { edges { node { " + nested * 3 + "name" + " } } } }" * 4
    for _attempt in range(2):
        body = post(client, query).json()
        assert not body.get("data")
        assert any(f"högst {MAX_DEPTH} tillåts" in error["message"] for error in body["errors"]), body
    assert all(key[-1] != query for key in VALID_DOCUMENTS._documents)


def test_kept_documents_are_bounded_to_the_most_recent():
    documents = ValidDocuments(size=2)
    for text in ("{ a }", "{ b }", "{ c }"):
        documents.add(("schema", (), text), parse(text))
    assert documents.get(("schema", (), "{ a }")) is None
    assert documents.get(("schema", (), "{ c }")) is not None

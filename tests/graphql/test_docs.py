"""Every example in docs/graphql.md runs against the demo register, through the real endpoint."""

import datetime
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from graphql_relay import from_global_id, to_global_id

from gdpr.models import ProcessingActivity
from integrations.demo.backdate import DAYS
from tests.graphql.conftest import post

DOC = Path(settings.BASE_DIR) / "docs" / "graphql.md"
BLOCKS = re.findall(r"```(graphql|json)\n(.*?)```", DOC.read_text(), flags=re.S)


#: A documented ``asOf: "…"`` instant; the demo's history is relative to the day it is built.
AS_OF = re.compile(r'asOf: "(\d{4}-\d\d-\d\d)(T[^"]*)?"')


def within_the_demo_history(query: str) -> str:
    """The query with each documented ``asOf`` date moved into the demo's back-dated history.

    The demo spreads its history over the :data:`~integrations.demo.backdate.DAYS` days before
    it is seeded, so a fixed date in the docs falls before the register once enough time has
    passed. The test asks the middle of that window instead, keeping the time of day and zone the
    docs show, so the example is run as documented and always has a register to answer from.
    """
    middle = datetime.date.today() - datetime.timedelta(days=DAYS // 2)
    return AS_OF.sub(lambda m: f'asOf: "{middle.isoformat()}{m.group(2) or ""}"', query)


def examples() -> list[tuple[str, dict | None]]:
    """(query, variables) for each ```graphql block; a ```json block right after gives its variables."""
    out = []
    for index, (kind, text) in enumerate(BLOCKS):
        if kind != "graphql":
            continue
        variables = None
        if index + 1 < len(BLOCKS) and BLOCKS[index + 1][0] == "json":
            variables = json.loads(BLOCKS[index + 1][1])
        out.append((within_the_demo_history(text), variables))
    return out


def test_the_doc_has_a_dozen_examples():
    assert len([q for q, _v in examples() if not q.lstrip().startswith("mutation")]) >= 12


@pytest.mark.parametrize(("query", "variables"), examples(), ids=lambda v: str(v)[:40] if v else "-")
def test_doc_example_runs(client, demo, it_user, data_protection_coordinator, query, variables):
    is_mutation = query.lstrip().startswith("mutation")
    if variables and "id" in variables.get("input", {}):
        type_name, _pk = from_global_id(variables["input"]["id"])
        assert type_name == "ProcessingActivity"
        activity = ProcessingActivity.objects.order_by("pk").first()
        variables["input"].update(id=to_global_id(type_name, activity.pk), version=activity.version)
    client.force_login(data_protection_coordinator if is_mutation else it_user)
    body = post(client, query, variables).json()
    assert "errors" not in body, body.get("errors")
    assert body["data"]
    assert all(value is not None for key, value in body["data"].items() if key != "node")
    if is_mutation:
        payload = next(iter(body["data"].values()))
        assert payload["errors"] == []
    if AS_OF.search(query):
        # An answer as of a past day has the register as it was then, not an empty one.
        assert all(value["totalCount"] > 0 for value in body["data"].values()), body["data"]


def test_documented_as_of_examples_are_moved_into_the_demo_history():
    as_of = [query for query, _variables in examples() if "asOf:" in query]
    assert as_of
    earliest = datetime.date.today() - datetime.timedelta(days=DAYS)
    for query in as_of:
        dates = [datetime.date.fromisoformat(match.group(1)) for match in AS_OF.finditer(query)]
        assert dates, query  # an asOf the pattern does not read would keep its fixed date
        assert all(date > earliest for date in dates)

"""Every example in docs/graphql.md runs against the demo register, through the real endpoint."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from graphql_relay import from_global_id, to_global_id

from gdpr.models import ProcessingActivity
from tests.graphql.conftest import post

DOC = Path(settings.BASE_DIR) / "docs" / "graphql.md"
BLOCKS = re.findall(r"```(graphql|json)\n(.*?)```", DOC.read_text(), flags=re.S)


def examples() -> list[tuple[str, dict | None]]:
    """(query, variables) for each ```graphql block; a ```json block right after gives its variables."""
    out = []
    for index, (kind, text) in enumerate(BLOCKS):
        if kind != "graphql":
            continue
        variables = None
        if index + 1 < len(BLOCKS) and BLOCKS[index + 1][0] == "json":
            variables = json.loads(BLOCKS[index + 1][1])
        out.append((text, variables))
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

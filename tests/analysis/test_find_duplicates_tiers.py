"""``find_duplicates --format json``: every cluster carries its tier, its members and its reasons."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from portfolio.models import DuplicateDecision
from tests.duplicate_cases import family_pair, same_product_pair
from tests.factories import LearningResourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def registrations():
    flip, flipgrid = same_product_pair(LearningResourceFactory)
    vklass, bokning = family_pair()
    return {"flip": flip, "flipgrid": flipgrid, "vklass": vklass, "bokning": bokning}


def clusters(*args) -> list[dict]:
    out = io.StringIO()
    call_command("find_duplicates", "--format=json", *args, stdout=out)
    return json.loads(out.getvalue())


def member_names(cluster: dict) -> set[str]:
    return {m["name"] for m in cluster["members"]}


def test_each_cluster_in_json_has_tier_members_and_reasons(registrations):
    found = clusters()
    by_names = {frozenset(member_names(c)): c for c in found}
    flip = by_names[frozenset({"Flip", "Flipgrid"})]
    vklass = by_names[frozenset({"Vklass", "Vklass Bokning"})]
    assert flip["tier"] == "same_product"
    assert vklass["tier"] == "family"
    for cluster in found:
        assert cluster["reasons"] and all(isinstance(r, str) and r for r in cluster["reasons"])
        for member in cluster["members"]:
            assert set(member) >= {"service_type", "service_id", "name", "vendor", "role"}
    flip_ids = {(m["service_type"], m["service_id"]) for m in flip["members"]}
    assert flip_ids == {
        ("learning_resource", registrations["flip"].pk),
        ("learning_resource", registrations["flipgrid"].pk),
    }


@pytest.mark.parametrize(
    ("tier", "expected"), [("same_product", {"Flip", "Flipgrid"}), ("family", {"Vklass", "Vklass Bokning"})]
)
def test_tier_option_keeps_one_tier(registrations, tier, expected):
    found = clusters("--tier", tier)
    assert [member_names(c) for c in found] == [expected]
    assert {c["tier"] for c in found} == {tier}


def test_an_unknown_tier_is_refused():
    with pytest.raises(CommandError):
        call_command("find_duplicates", "--tier", "maybe", stdout=io.StringIO())


def test_a_pair_decided_not_the_same_is_not_printed(registrations, strategist):
    from portfolio.duplicate_decisions import decide_not_same_product

    decide_not_same_product(
        [("application", registrations["vklass"].pk), ("application", registrations["bokning"].pk)],
        user=strategist,
    )
    assert DuplicateDecision.objects.count() == 1
    assert {"Vklass", "Vklass Bokning"} not in [member_names(c) for c in clusters()]


def test_the_table_and_csv_show_the_tier(registrations):
    out = io.StringIO()
    call_command("find_duplicates", "--format=csv", stdout=out)
    header = out.getvalue().splitlines()[0]
    assert header.split(";")[0] == "tier"
    assert "same_product" in out.getvalue() and "family" in out.getvalue()

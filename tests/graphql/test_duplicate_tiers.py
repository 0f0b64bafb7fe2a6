"""GraphQL: duplicateClusters(tier:) and each cluster's tier and reasons."""

import pytest

from tests.duplicate_cases import family_pair, same_product_pair
from tests.graphql.conftest import execute

pytestmark = pytest.mark.django_db

CLUSTERS = """
query Clusters($tier: DuplicateTier) {
  duplicateClusters(tier: $tier) { tier reasons members { serviceType serviceId name } }
}
"""


@pytest.fixture
def registrations():
    flip, flipgrid = same_product_pair()
    vklass, bokning = family_pair()
    return {"flip": flip, "flipgrid": flipgrid, "vklass": vklass, "bokning": bokning}


def names(clusters):
    return [{m["name"] for m in c["members"]} for c in clusters]


def test_every_cluster_says_its_tier_and_its_reasons(reader, registrations):
    answer = execute(reader, CLUSTERS)
    assert not answer.errors
    by_names = {
        frozenset(n): c
        for n, c in zip(
            names(answer.data["duplicateClusters"]), answer.data["duplicateClusters"], strict=True
        )
    }
    assert by_names[frozenset({"Flip", "Flipgrid"})]["tier"] == "SAME_PRODUCT"
    assert by_names[frozenset({"Vklass", "Vklass Bokning"})]["tier"] == "FAMILY"
    assert all(c["reasons"] for c in answer.data["duplicateClusters"])


@pytest.mark.parametrize(
    ("tier", "expected"), [("SAME_PRODUCT", {"Flip", "Flipgrid"}), ("FAMILY", {"Vklass", "Vklass Bokning"})]
)
def test_the_tier_argument_filters(reader, registrations, tier, expected):
    answer = execute(reader, CLUSTERS, {"tier": tier})
    assert not answer.errors
    assert names(answer.data["duplicateClusters"]) == [expected]
    assert {c["tier"] for c in answer.data["duplicateClusters"]} == {tier}


def test_an_unknown_tier_is_refused_by_the_schema(reader, registrations):
    answer = execute(reader, CLUSTERS, {"tier": "MAYBE"})
    assert answer.errors and answer.data is None

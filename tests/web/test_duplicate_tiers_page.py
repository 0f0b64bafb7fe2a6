"""The duplicates page shows both tiers of the finder, each cluster with its reasons in Swedish."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.duplicate_cases import family_pair, same_product_pair

pytestmark = pytest.mark.django_db

DUPLICATES = "analysis:duplicates"


@pytest.fixture
def same_product():
    return same_product_pair()


@pytest.fixture
def family():
    return family_pair()


def clusters_on_page(response):
    return [{m["member"].name for m in row["members"]} for row in response.context["rows"]]


def test_the_page_shows_both_tiers_with_their_reasons_in_swedish(client, reader, same_product, family):
    client.force_login(reader)
    response = client.get(reverse(DUPLICATES))
    tiers = {tier["key"]: tier for tier in response.context["tiers"]}
    assert [t["key"] for t in response.context["tiers"]] == ["same_product", "family"]
    same = [{m["member"].name for m in row["members"]} for row in tiers["same_product"]["rows"]]
    review = [{m["member"].name for m in row["members"]} for row in tiers["family"]["rows"]]
    assert {"Flip", "Flipgrid"} in same
    assert {"Vklass", "Vklass Bokning"} in review
    content = response.content.decode()
    assert "Samma produkt" in content and "Samma produktfamilj — granska" in content
    for row in response.context["rows"]:
        assert row["cluster"].reasons
        for reason in row["cluster"].reasons:
            assert reason in content


def test_the_tier_filter_shows_one_tier(client, reader, same_product, family):
    client.force_login(reader)
    response = client.get(reverse(DUPLICATES), {"niva": "family"})
    assert [t["key"] for t in response.context["tiers"]] == ["family"]
    assert clusters_on_page(response) == [{"Vklass", "Vklass Bokning"}]


def test_the_export_names_each_clusters_tier(client, reader, same_product, family):
    client.force_login(reader)
    response = client.get(reverse(DUPLICATES), {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    tier_column = rows[0].index("Nivå")
    assert {row[tier_column] for row in rows[1:]} == {"Samma produkt", "Samma produktfamilj — granska"}


def test_undoing_a_decision_lets_the_pair_return(client, strategist, family):
    keys = [f"application:{s.pk}" for s in family]
    client.force_login(strategist)
    client.post(reverse("analysis:not_same_product"), {"services": keys})
    assert {"Vklass", "Vklass Bokning"} not in clusters_on_page(client.get(reverse(DUPLICATES)))
    client.post(reverse("analysis:undo_not_same_product"), {"services": keys})
    assert {"Vklass", "Vklass Bokning"} in clusters_on_page(client.get(reverse(DUPLICATES)))

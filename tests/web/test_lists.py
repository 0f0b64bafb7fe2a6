"""Register lists: filtered by the model's FilterSet, sorted by its ordering, exported as shown."""

import io

import openpyxl
import pytest
from django.urls import reverse

from portfolio.choices import AuthenticationMethod, IdentityProvider, LifecycleStatus
from tests.factories import ApplicationFactory, CapabilityFactory, VendorFactory

pytestmark = pytest.mark.django_db


def shown_names(response) -> list[str]:
    return [row["cells"][0]["text"] for row in response.context["rows"]]


def workbook_rows(response) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.fixture
def systems(db):
    return [
        ApplicationFactory(name="Örebro skolwebb", lifecycle_status=LifecycleStatus.IN_USE),
        ApplicationFactory(
            name="Äldre elevregister",
            lifecycle_status=LifecycleStatus.RETIRED,
            retired_on="2024-06-30",
            authentication=AuthenticationMethod.LOCAL,
            identity_provider=IdentityProvider.VENDOR,
        ),
        ApplicationFactory(name="Schemaläggaren", vendor=VendorFactory(name="Aardvark AB")),
    ]


def test_list_filters_with_the_filtersets_parameters(client, reader, systems):
    client.force_login(reader)
    url = reverse("portfolio:application_list")
    assert shown_names(client.get(url, {"q": "örebro"})) == ["Örebro skolwebb"]
    assert shown_names(client.get(url, {"lifecycle_status": "avvecklad"})) == ["Äldre elevregister"]
    assert shown_names(client.get(url, {"sso": "false"})) == ["Äldre elevregister"]


def test_list_sorts_by_the_filtersets_ordering_both_ways(client, reader, systems):
    client.force_login(reader)
    url = reverse("portfolio:application_list")
    by_vendor = shown_names(client.get(url, {"ordering": "vendor"}))
    assert by_vendor[0] == "Schemaläggaren"
    ascending = shown_names(client.get(url, {"ordering": "name"}))
    assert shown_names(client.get(url, {"ordering": "-name"})) == list(reversed(ascending))


def test_list_is_paginated(client, reader):
    ApplicationFactory.create_batch(55)
    client.force_login(reader)
    url = reverse("portfolio:application_list")
    first, second = client.get(url), client.get(url, {"page": 2})
    assert len(first.context["rows"]) == 50 and len(second.context["rows"]) == 5
    assert not set(shown_names(first)) & set(shown_names(second))


def test_export_holds_exactly_the_filtered_rows_in_the_shown_order_and_columns(client, reader, systems):
    client.force_login(reader)
    params = {"lifecycle_status": ["i_drift", "avvecklad"], "ordering": "-name"}
    page = client.get(reverse("portfolio:application_list"), params)
    export = client.get(reverse("portfolio:application_export"), params)
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = workbook_rows(export)
    assert rows[0] == [str(h["column"].label) for h in page.context["headers"]]
    assert [r[0] for r in rows[1:]] == shown_names(page)
    for shown, exported in zip(page.context["rows"], rows[1:], strict=True):
        texts = [c["text"] for c in shown["cells"]]
        assert texts[1] == (exported[1] or "")  # the vendor column, as text


def test_every_register_list_exports(client, reader, landscape):
    from portfolio.views import REGISTERS

    client.force_login(reader)
    for _prefix, model, *_rest in REGISTERS:
        name = model._meta.model_name
        page = client.get(reverse(f"portfolio:{name}_list"))
        rows = workbook_rows(client.get(reverse(f"portfolio:{name}_export")))
        assert len(rows) - 1 == page.context["paginator"].count, name


def test_capability_filter_form_lists_areas_and_capabilities(client, reader):
    area = CapabilityFactory(name="Undervisning")
    CapabilityFactory(name="Lärplattform", parent=area)
    client.force_login(reader)
    content = client.get(reverse("portfolio:application_list")).content.decode()
    assert "Undervisning › Lärplattform" in content


def test_a_filter_with_very_many_records_is_not_drawn_but_still_filters(client, reader, systems, monkeypatch):
    from portfolio import views_generic

    monkeypatch.setattr(views_generic, "CHOICE_LIMIT", 2)
    client.force_login(reader)
    vendor = systems[2].vendor
    response = client.get(reverse("portfolio:application_list"), {"vendor": vendor.pk})
    assert "vendor" not in [f.name for f in response.context["filter_fields"]]
    assert shown_names(response) == ["Schemaläggaren"]
    assert f'<input type="hidden" name="vendor" value="{vendor.pk}"' in response.content.decode()


def test_list_offers_a_review_round_of_its_selection_to_round_managers(client, strategist, reader, systems):
    from urllib.parse import parse_qs, urlparse

    url = reverse("portfolio:application_list")
    client.force_login(reader)
    assert client.get(url).context["review_url"] is None
    client.force_login(strategist)
    review = client.get(url, {"lifecycle_status": "i_drift", "page": "1"}).context["review_url"]
    query = parse_qs(urlparse(review).query)
    assert urlparse(review).path == reverse("stewardship:round_create")
    assert query == {"filter_application": ["lifecycle_status=i_drift"]}
    assert client.get(review).status_code == 200

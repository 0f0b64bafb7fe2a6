"""Country names in Swedish, in Swedish alphabetical order (å, ä, ö after z), wherever they are listed."""

import pytest
from django.urls import reverse
from django.utils import translation

from portfolio.countries import order_by_country_name, swedish_sort_key
from portfolio.forms import VendorForm
from portfolio.models import Vendor
from tests.factories import VendorFactory

pytestmark = pytest.mark.django_db


def test_swedish_order_puts_a_ring_a_umlaut_and_o_umlaut_after_z_and_folds_other_accents():
    names = ["Österrike", "Zambia", "Åland", "Ärlig", "Éire", "Afghanistan", "Öland", "ecuador"]
    assert sorted(names, key=swedish_sort_key) == [
        "Afghanistan", "ecuador", "Éire", "Zambia", "Åland", "Ärlig", "Öland", "Österrike",
    ]


def test_the_vendor_forms_countries_are_swedish_names_in_swedish_order():
    with translation.override("sv"):
        names = [str(label) for code, label in VendorForm().fields["country"].choices if code]
    assert names[0] == "Afghanistan"
    assert names[-3:] == ["Åland", "Österrike", "Östtimor"]
    assert "Tyskland" in names and "USA" in names


def test_the_vendor_list_orders_by_the_countrys_name_not_its_code(client, reader):
    for name, code in (("Wien AB", "AT"), ("Berlin AB", "DE"), ("Mariehamn AB", "AX"), ("Kabul AB", "AF")):
        VendorFactory(name=name, country=code)
    client.force_login(reader)
    url = reverse("portfolio:vendor_list")
    ascending = [row["object"].name for row in client.get(url, {"ordering": "country"}).context["rows"]]
    # Afghanistan, Tyskland, Åland, Österrike — by code it would be AF, AT, AX, DE.
    assert ascending == ["Kabul AB", "Berlin AB", "Mariehamn AB", "Wien AB"]
    descending = [row["object"].name for row in client.get(url, {"ordering": "-country"}).context["rows"]]
    assert descending == ascending[::-1]


def test_ordering_by_country_name_leaves_vendors_without_a_country_first():
    VendorFactory(name="Okänd", country="")
    VendorFactory(name="Österrikisk", country="AT")
    VendorFactory(name="Svensk", country="SE")
    with translation.override("sv"):
        ordered = list(order_by_country_name(Vendor.objects.all()).values_list("name", flat=True))
    assert ordered == ["Okänd", "Svensk", "Österrikisk"]


def test_the_questionnaire_lists_countries_by_name(client, data_protection_coordinator):
    client.force_login(data_protection_coordinator)
    page = client.get(reverse("gdpr:questionnaire")).content.decode()
    assert '<option value="CN">Kina</option>' in page
    positions = [page.index(f">{name}</option>") for name in ("Zimbabwe", "Åland", "Österrike")]
    assert positions == sorted(positions)

"""Importing catalogue entries from a spreadsheet: all or nothing, row and column named on error."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from integrations.forms import permitted_kinds
from integrations.spreadsheets import CREATED, ERROR, UNCHANGED, UPDATED, import_file
from portfolio.models import CatalogueProduct
from tests.factories import CapabilityFactory, UserFactory
from tests.integrations.helpers import csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db

HEADERS = [
    "Produktnamn",
    "Tidigare namn",
    "Alias",
    "Produktfamilj",
    "Leverantör",
    "Organisationsnummer",
    "Domäner",
    "SAML entity ID",
    "Tillägg som är egna produkter",
    "Verksamhetsförmåga",
    "Källa",
]


@pytest.fixture
def importer():
    return UserFactory(username="katalog-importer", role=Role.STRATEGIST)


def test_a_csv_of_entries_is_imported_with_every_column(importer):
    CapabilityFactory(name="Lärplattform")
    rows = [
        HEADERS,
        [
            "Skolappen",
            "Skolappen Classic",
            "SA; Skol-appen",
            "Skolsviten",
            "Exempel AB",
            "5560160680",
            "www.skolappen.se; skolappen.com",
            "https://sso.skolappen.se/saml",
            "Bokning",
            "Lärplattform",
            "https://www.skolappen.se/om",
        ],
        ["Elevwebben", "", "", "", "", "", "", "", "", "", "Kommunens beslut"],
    ]
    report = import_file(csv_bytes(rows), "katalog.csv", user=importer)
    assert report.kind == "catalogue"
    assert report.applied, report.errors
    assert [row.status for row in report.rows] == [CREATED, CREATED]
    entry = CatalogueProduct.objects.get(name="Skolappen")
    assert entry.aliases.splitlines() == ["SA", "Skol-appen"]
    assert entry.domains.splitlines() == ["skolappen.se", "skolappen.com"]
    assert entry.vendor_orgnr == "556016-0680"
    assert entry.separate_qualifiers == "Bokning"
    assert entry.capability.name == "Lärplattform"
    assert entry.history.get().history_user == importer
    assert entry.history.get().history_change_reason == "Import: katalog.csv"


def test_an_xlsx_updates_an_entry_matched_by_name_and_a_second_import_changes_nothing(importer):
    CatalogueProduct.objects.create(name="Skolappen", aliases="SA")
    data = xlsx_bytes(
        [["Produktnamn", "Alias", "Källa"], ["SKOLAPPEN", "SA; Skolapp", "Leverantörens webb"]],
        sheet="Produktkatalog",
    )
    report = import_file(data, "katalog.xlsx", user=importer)
    assert report.applied, report.errors
    assert [row.status for row in report.rows] == [UPDATED]
    entry = CatalogueProduct.objects.get()  # matched by name, case-folded: no second entry
    assert entry.aliases.splitlines() == ["SA", "Skolapp"]
    again = import_file(data, "katalog.xlsx", user=importer)
    assert [row.status for row in again.rows] == [UNCHANGED]


def test_a_bad_row_refuses_the_whole_file_and_names_row_and_column(importer):
    rows = [
        ["Produktnamn", "Organisationsnummer", "Verksamhetsförmåga"],
        ["Skolappen", "5560160680", ""],
        ["Elevwebben", "556016-0681", ""],
        ["Tredje", "", "Finns inte"],
    ]
    report = import_file(csv_bytes(rows), "katalog.csv", user=importer)
    assert not report.applied
    assert [row.status for row in report.rows] == [CREATED, ERROR, ERROR]
    first, second = report.errors
    assert (first.row, first.column) == (3, "Organisationsnummer")
    assert (second.row, second.column) == (4, "Verksamhetsförmåga")
    assert not CatalogueProduct.objects.exists()


def test_only_roles_that_change_the_catalogue_may_import_it():
    strateg = UserFactory(username="k-strateg", role=Role.STRATEGIST)
    assert "catalogue" in {spec.key for spec in permitted_kinds(strateg)}
    for role in (Role.IT, Role.DATA_PROTECTION, Role.READER):
        user = UserFactory(username=f"k-{role}", role=role)
        assert "catalogue" not in {spec.key for spec in permitted_kinds(user)}


def test_the_upload_page_offers_the_catalogue_to_the_strateg(client, importer):
    client.force_login(importer)
    content = client.get(reverse("integrations:import_upload")).content.decode()
    assert 'value="catalogue"' in content

"""After a merge the importer finds the kept service by the merged names (its aliases).

Re-importing last year's spreadsheet, which still spells the duplicate's name, must update the
kept registration and not create the duplicate again (issue 14, item 3).
"""

import pytest

from accounts.roles import Role
from integrations.spreadsheets import CREATED, ERROR, UNCHANGED, UPDATED, import_file
from portfolio.merge import merge_services
from portfolio.models import Application, LearningResource
from tests.factories import (
    ApplicationFactory,
    LearningResourceFactory,
    UserFactory,
    VendorFactory,
)
from tests.integrations.helpers import csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def importer():
    return UserFactory(username="importer", role=Role.STRATEGIST)


@pytest.fixture(params=[True, False], ids=["bulk", "row-by-row"])
def bulk(request):
    return request.param


def _merged_flip(user):
    """Flip kept, Flipgrid (another vendor record, as last year's file named it) merged into it."""
    microsoft = VendorFactory(name="Microsoft Corporation")
    flipgrid_vendor = VendorFactory(name="Flipgrid, Inc.")
    kept = LearningResourceFactory(name="Flip", vendor=microsoft, url="https://info.flip.com")
    duplicate = LearningResourceFactory(name="Flipgrid", vendor=flipgrid_vendor, url="https://flipgrid.com")
    merge_services(kept, duplicate, user=user)
    kept.refresh_from_db()
    return kept


def test_reimport_after_merge_updates_the_kept_service_instead_of_recreating_the_duplicate(importer, bulk):
    kept = _merged_flip(importer)
    assert kept.aliases == "Flipgrid"
    last_year = csv_bytes(
        [
            ["Lärresurs", "Leverantör", "Beskrivning"],
            ["Flipgrid", "Flipgrid, Inc.", "Videorespons för klassen"],
        ]
    )

    report = import_file(last_year, "lararesurser-2025.csv", user=importer, bulk=bulk)

    assert report.applied, report.errors
    assert [row.status for row in report.rows] == [UPDATED]
    assert LearningResource.objects.count() == 1
    kept.refresh_from_db()
    assert kept.name == "Flip"  # the merge's decision stands: the old name stays an alias
    assert kept.vendor.name == "Microsoft Corporation"
    assert kept.description == "Videorespons för klassen"
    assert "Flipgrid" in kept.aliases.splitlines()
    assert any("Flipgrid" in note and "Flip" in note for note in report.rows[0].notes)


def test_alias_match_is_case_folded_like_the_name_match(importer, bulk):
    kept = ApplicationFactory(name="Microsoft Entra ID", aliases="Azure AD\nAAD")
    report = import_file(
        csv_bytes([["Systemnamn", "Beskrivning"], ["AZURE ad", "Inloggning"], ["Ö-systemet", "Nytt"]]),
        "system.csv",
        user=importer,
        bulk=bulk,
    )
    assert report.applied, report.errors
    assert [row.status for row in report.rows] == [UPDATED, CREATED]
    kept.refresh_from_db()
    assert kept.name == "Microsoft Entra ID"
    assert kept.description == "Inloggning"
    assert Application.objects.count() == 2


def test_a_name_match_wins_over_an_alias_match(importer):
    owner_of_alias = ApplicationFactory(name="Unikum", aliases="Skolplattformen")
    named = ApplicationFactory(name="Skolplattformen", vendor=owner_of_alias.vendor)
    report = import_file(
        csv_bytes([["Systemnamn", "Beskrivning"], ["Skolplattformen", "Stockholms plattform"]]),
        "system.csv",
        user=importer,
    )
    assert report.applied, report.errors
    named.refresh_from_db()
    owner_of_alias.refresh_from_db()
    assert named.description == "Stockholms plattform"
    assert owner_of_alias.description == ""


def test_an_alias_shared_by_two_services_is_reported_as_ambiguous_not_guessed(importer, bulk):
    ApplicationFactory(name="UR Play", aliases="UR")
    ApplicationFactory(name="Utbildningsradion", aliases="ur")
    before = Application.objects.count()

    report = import_file(
        xlsx_bytes([["Systemnamn", "Beskrivning"], ["UR", "Filmer"]]), "system.xlsx", user=importer, bulk=bulk
    )

    assert not report.applied
    assert [row.status for row in report.rows] == [ERROR]
    message = str(report.errors[0])
    assert "UR Play" in message and "Utbildningsradion" in message
    assert Application.objects.count() == before


def test_an_ambiguous_alias_is_settled_by_the_external_id(importer):
    ApplicationFactory(name="UR Play", aliases="UR", external_id="ur-play")
    wanted = ApplicationFactory(name="Utbildningsradion", aliases="UR", external_id="")
    report = import_file(
        csv_bytes([["Systemnamn", "Externt id", "Beskrivning"], ["UR", "ur-1", "Filmer"]]),
        "system.csv",
        user=importer,
    )
    assert report.applied, report.errors
    wanted.refresh_from_db()
    assert wanted.description == "Filmer"
    assert wanted.external_id == "ur-1"


def test_a_row_that_matches_by_alias_keeps_the_merged_aliases_when_it_brings_its_own(importer):
    kept = ApplicationFactory(name="Microsoft Entra ID", aliases="Azure AD")
    report = import_file(
        csv_bytes([["Systemnamn", "Alias"], ["Azure AD", "Azure Active Directory"]]),
        "system.csv",
        user=importer,
    )
    assert report.applied, report.errors
    kept.refresh_from_db()
    assert kept.aliases.splitlines() == ["Azure AD", "Azure Active Directory"]


def test_reimporting_the_same_file_after_the_alias_update_changes_nothing(importer):
    kept = _merged_flip(importer)
    data = csv_bytes([["Lärresurs", "Beskrivning"], ["Flipgrid", "Video"]])
    assert import_file(data, "a.csv", user=importer).applied
    history = kept.history.count()
    report = import_file(data, "a.csv", user=importer)
    assert [row.status for row in report.rows] == [UNCHANGED]
    assert kept.history.count() == history


def test_a_reference_by_a_merged_name_finds_the_kept_service(importer):
    kept = ApplicationFactory(name="Microsoft Entra ID", aliases="Azure AD")
    report = import_file(
        csv_bytes(
            [
                ["År", "System", "Kategori", "Budget eller utfall", "Belopp (kr)"],
                ["2026", "Azure AD", "Licens", "Utfall", "1000"],
            ]
        ),
        "kostnader.csv",
        user=importer,
    )
    assert report.applied, report.errors
    assert kept.costs.count() == 1

"""The usage sheet ("Användning"): users per school of each service, imported all or nothing."""

from io import StringIO

import pandas as pd
import pytest
from django.core.management import call_command

from accounts.roles import Role
from integrations.spreadsheets import CREATED, ERROR, UNCHANGED, UPDATED, import_file
from portfolio.models import ServiceUsage
from tests.factories import ApplicationFactory, LearningResourceFactory, SchoolUnitFactory, UserFactory
from tests.integrations.helpers import csv_bytes, register_counts

pytestmark = pytest.mark.django_db

HEADERS = ["System", "Lärresurs", "Skola", "Användare"]


@pytest.fixture
def importer():
    return UserFactory(username="importer", role=Role.IT)


@pytest.fixture
def landscape():
    skola24 = ApplicationFactory(name="Skola24")
    polyglutt = LearningResourceFactory(name="Polyglutt")
    alle = SchoolUnitFactory(name="Alléskolan", school_unit_code="12345678")
    bjork = SchoolUnitFactory(name="Björkskolan")
    ServiceUsage.objects.create(service=skola24, organisation=bjork, users=100)
    return {"skola24": skola24, "polyglutt": polyglutt, "alle": alle, "bjork": bjork}


def users(service) -> dict[str, int]:
    return dict(ServiceUsage.objects.filter(service=service).values_list("organisation__name", "users"))


def test_users_per_school_are_set_and_new_schools_added_with_history(importer, landscape):
    rows = [
        HEADERS,
        ["Skola24", "", "Björkskolan", "130"],
        ["Skola24", "", "12345678", "45"],  # a school by its skolenhetskod
        ["", "Polyglutt", "Alléskolan", "20"],
    ]
    report = import_file(csv_bytes(rows), "anvandning.csv", user=importer)
    assert report.kind == "usage" and report.applied, report.errors
    assert [row.status for row in report.rows] == [UPDATED, CREATED, CREATED]
    assert report.rows[0].label == "Skola24 – Björkskolan"
    assert users(landscape["skola24"]) == {"Björkskolan": 130, "Alléskolan": 45}
    assert users(landscape["polyglutt"]) == {"Alléskolan": 20}
    latest = ServiceUsage.history.filter(organisation=landscape["bjork"]).latest()
    assert latest.history_user == importer and latest.history_change_reason == "Import: anvandning.csv"
    again = import_file(csv_bytes(rows), "anvandning.csv", user=importer)
    assert [row.status for row in again.rows] == [UNCHANGED, UNCHANGED, UNCHANGED]


def test_a_bad_row_changes_nothing_and_names_its_row_and_column(importer, landscape):
    rows = [
        HEADERS,
        ["Skola24", "", "Alléskolan", "45"],
        ["Skola24", "", "Björkskolan", "många"],
        ["Skola24", "", "Ekskolan", "3"],
    ]
    before = register_counts()
    report = import_file(csv_bytes(rows), "anvandning.csv", user=importer)
    assert not report.applied
    assert register_counts() == before
    assert users(landscape["skola24"]) == {"Björkskolan": 100}
    assert [row.status for row in report.rows] == [CREATED, ERROR, ERROR]
    first, second = report.errors
    assert (first.row, first.column, first.value) == (3, "Användare", "många")
    assert (second.row, second.column, second.value) == (4, "Skola", "Ekskolan")


def test_a_row_needs_exactly_one_service(importer, landscape):
    rows = [HEADERS, ["", "", "Alléskolan", "5"], ["Skola24", "Polyglutt", "Alléskolan", "5"]]
    report = import_file(csv_bytes(rows), "anvandning.csv", user=importer)
    assert not report.applied
    assert [row.status for row in report.rows] == [ERROR, ERROR]
    assert {error.column for error in report.errors} <= {"System", "Lärresurs", ""}
    assert not ServiceUsage.objects.filter(organisation=landscape["alle"]).exists()


def test_a_negative_count_is_refused_by_the_form(importer, landscape):
    report = import_file(csv_bytes([HEADERS, ["Skola24", "", "Björkskolan", "-4"]]), "a.csv", user=importer)
    assert not report.applied and report.errors[0].column == "Användare"
    assert users(landscape["skola24"]) == {"Björkskolan": 100}


def test_the_systems_and_learning_resources_sheets_keep_their_kinds(importer):
    usage = [["System", "Skola", "Användare"], ["Skola24", "Alléskolan", "3"]]
    assert import_file(csv_bytes(usage), "x.csv", user=importer, dry_run=True).kind == "usage"
    systems = [["Systemnamn", "Leverantör"], ["Skola24", "Skola24 AB"]]
    assert import_file(csv_bytes(systems), "x.csv", user=importer, dry_run=True).kind == "systems"
    resources = [["Lärresurs", "Licensmodell"], ["Polyglutt", "Kommunlicens"]]
    report = import_file(csv_bytes(resources), "x.csv", user=importer, dry_run=True)
    assert report.kind == "learning_resources"


def test_the_inventory_template_has_the_usage_sheet_and_filled_in_it_imports(tmp_path, landscape):
    target = tmp_path / "anvandning.xlsx"
    call_command("inventory_template", "--kind", "usage", "--out", str(target), stdout=StringIO())
    sheets = pd.read_excel(target, sheet_name=None, dtype=str)
    data_sheet, explained = list(sheets.values())
    assert list(sheets)[0] == "Användning"
    assert list(data_sheet.columns) == HEADERS == list(explained["Kolumn"])
    frame = data_sheet.copy()
    frame.loc[0, ["System", "Skola", "Användare"]] = ["Skola24", "Alléskolan", "12"]
    filled = tmp_path / "ifylld.xlsx"
    with pd.ExcelWriter(filled) as writer:
        frame.to_excel(writer, sheet_name="Användning", index=False)
    report = import_file(filled.read_bytes(), "ifylld.xlsx")
    assert report.applied, report.errors
    assert users(landscape["skola24"]) == {"Björkskolan": 100, "Alléskolan": 12}

"""The spreadsheet import: the web Forms validate each row, all or nothing, history names the file."""

import datetime
from decimal import Decimal

import pytest

from accounts.roles import Role
from gdpr.models import ProcessingActivity
from integrations.spreadsheets import (
    CREATED,
    ERROR,
    UNCHANGED,
    UPDATED,
    ImportError_,
    import_file,
    parse_date,
)
from portfolio.models import Application, Contract, Cost, LearningResource, Person, RoleAssignment, Vendor
from tests.factories import (
    ApplicationFactory,
    BoardFactory,
    CapabilityFactory,
    ManagementObjectFactory,
    SchoolUnitFactory,
    UserFactory,
    VendorFactory,
)
from tests.integrations.helpers import csv_bytes, register_counts, xlsx_bytes

pytestmark = pytest.mark.django_db

SYSTEMS = [
    [
        "Systemnamn",
        "Leverantör",
        "Livscykelstatus",
        "Inloggningsmetod",
        "Identitetsleverantör",
        "I drift från",
        "Användargrupper",
        "Externt id",
        "Systemägare",
    ],
    [
        "Skola24",
        "Skola24 AB",
        "I drift",
        "SAML",
        "Kommunens IdP",
        "2025-08-01",
        "Elever; Personal",
        "S24",
        "anna.berg@mittkoping.se",
    ],
    ["Infomentor", "Infomentor AB", "i_drift", "Lokala konton", "", "01.08.2025", "personal", "", ""],
]


@pytest.fixture
def importer():
    return UserFactory(username="importer", role=Role.STRATEGIST)


def test_dry_run_reports_every_row_and_writes_nothing(importer):
    before = register_counts()
    report = import_file(csv_bytes(SYSTEMS), "system.csv", user=importer, dry_run=True)
    assert [row.status for row in report.rows] == [CREATED, CREATED]
    assert not report.applied
    assert register_counts() == before


def test_real_run_records_the_importing_user_and_the_file_in_history(importer):
    report = import_file(csv_bytes(SYSTEMS), "system.csv", user=importer)
    assert report.applied and report.counts[CREATED] == 2
    skola24 = Application.objects.get(external_id="S24")
    assert skola24.vendor.name == "Skola24 AB"
    assert skola24.in_use_from == datetime.date(2025, 8, 1)
    assert skola24.user_groups == ["elever", "personal"]
    entry = skola24.history.get()
    assert entry.history_user == importer
    assert entry.history_change_reason == "Import: system.csv"
    owner = RoleAssignment.objects.get(service=skola24)
    assert owner.role == "systemagare" and owner.person.email == "anna.berg@mittkoping.se"
    assert Vendor.history.filter(history_change_reason="Import: system.csv").count() == 2


def test_importing_the_same_file_again_changes_nothing_and_writes_no_history(importer):
    import_file(csv_bytes(SYSTEMS), "system.csv", user=importer)
    before = register_counts()
    report = import_file(csv_bytes(SYSTEMS), "system.csv", user=importer)
    assert [row.status for row in report.rows] == [UNCHANGED, UNCHANGED]
    assert register_counts() == before


def test_one_bad_row_means_nothing_is_written_and_the_error_names_row_column_and_value(importer):
    rows = [*SYSTEMS, ["Trasig", "X AB", "I drift", "Telepati", "", "", "", "", ""]]
    before = register_counts()
    report = import_file(csv_bytes(rows), "system.csv", user=importer)
    assert not report.applied
    assert register_counts() == before
    (error,) = report.errors
    assert (error.row, error.column, error.value) == (4, "Inloggningsmetod", "Telepati")
    assert "SAML (saml)" in error.message  # the allowed values are listed
    assert [row.status for row in report.rows] == [CREATED, CREATED, ERROR]


def test_a_row_is_validated_by_the_same_form_as_the_web_page(importer):
    # The model's clean(): a federated service logs in with SAML or OpenID Connect.
    rows = [["Namn", "Federation", "Inloggningsmetod"], ["Lokal app", "Skolfederation", "Lokala konton"]]
    report = import_file(csv_bytes(rows), "system.csv", kind="systems", user=importer)
    (error,) = report.errors
    assert error.column == "Inloggningsmetod"
    assert "SAML" in error.message
    assert not Application.objects.exists()


def test_an_existing_system_is_updated_by_external_id_and_keeps_what_the_file_leaves_out(importer):
    app = ApplicationFactory(name="Gammalt namn", external_id="S24", description="Behålls")
    rows = [["Name", "External ID", "Hosting"], ["Skola24", "S24", "SaaS"]]
    report = import_file(csv_bytes(rows, sep=","), "systems.csv", user=importer)
    assert [row.status for row in report.rows] == [UPDATED]
    app.refresh_from_db()
    assert (app.name, app.hosting, app.description) == ("Skola24", "saas", "Behålls")
    assert app.history.first().history_change_reason == "Import: systems.csv"


def test_without_external_id_a_system_is_matched_by_name_and_vendor(importer):
    vendor = VendorFactory(name="Skolon AB")
    app = ApplicationFactory(name="Skolon", vendor=vendor)
    other_vendor_app = ApplicationFactory(name="Skolon", vendor=VendorFactory(name="Annan AB"))
    rows = [["Systemnamn", "Leverantör", "Driftform"], ["SKOLON", "skolon ab", "Molntjänst (SaaS)"]]
    report = import_file(csv_bytes(rows), "s.csv", user=importer)
    assert [row.status for row in report.rows] == [UPDATED]
    app.refresh_from_db()
    other_vendor_app.refresh_from_db()
    assert app.hosting == "saas" and other_vendor_app.hosting == ""


def test_an_empty_cell_leaves_the_stored_value(importer):
    app = ApplicationFactory(name="Skola24", external_id="S24", hosting="saas")
    rows = [["Systemnamn", "Externt id", "Driftform"], ["Skola24", "S24", ""]]
    report = import_file(csv_bytes(rows), "s.csv", user=importer)
    assert [row.status for row in report.rows] == [UNCHANGED]
    app.refresh_from_db()
    assert app.hosting == "saas"


def test_windows_1252_semicolon_csv_with_swedish_letters_is_read(importer):
    rows = [["Systemnamn", "Leverantör"], ["Läroplattform Öst", "Åkesson AB"]]
    report = import_file(csv_bytes(rows, encoding="cp1252"), "system.csv", user=importer)
    assert report.applied
    assert Application.objects.get().name == "Läroplattform Öst"
    assert Vendor.objects.get().name == "Åkesson AB"


def test_xlsx_with_numeric_looking_ids_and_date_cells_is_read_as_text(importer):
    rows = [
        ["Systemnamn", "Externt id", "I drift från"],
        ["Skola24", "0012345", datetime.datetime(2024, 8, 1)],
    ]
    report = import_file(xlsx_bytes(rows), "system.xlsx", user=importer)
    assert report.applied, report.errors
    app = Application.objects.get()
    assert app.external_id == "0012345"
    assert app.in_use_from == datetime.date(2024, 8, 1)


@pytest.mark.parametrize(
    "text", ["2025-08-01", "2025/08/01", "01.08.2025", "1.8.2025", "1/8/2025", "2025-08-01 00:00:00"]
)
def test_dates_are_read_in_iso_and_day_first_formats(text):
    assert parse_date(text) == datetime.date(2025, 8, 1)


@pytest.mark.parametrize("text", ["08/32/2025", "2025-13-01", "i augusti", "31.02.2025"])
def test_impossible_or_unknown_dates_are_refused(text):
    with pytest.raises(ValueError):
        parse_date(text)


def test_an_unknown_date_names_the_cell(importer):
    rows = [["Systemnamn", "I drift från"], ["Skola24", "förra hösten"]]
    report = import_file(csv_bytes(rows), "s.csv", user=importer)
    (error,) = report.errors
    assert (error.row, error.column, error.value) == (2, "I drift från", "förra hösten")


def test_a_missing_required_header_refuses_the_file(importer):
    with pytest.raises(ImportError_, match="Systemnamn"):
        import_file(csv_bytes([["Leverantör", "Driftform"], ["X AB", "SaaS"]]), "s.csv", kind="systems")


def test_a_field_given_twice_refuses_the_file(importer):
    rows = [["Systemnamn", "Name", "Leverantör"], ["A", "B", "C"]]
    with pytest.raises(ImportError_, match="samma uppgift"):
        import_file(csv_bytes(rows), "s.csv", kind="systems")


def test_unknown_headers_are_reported_and_ignored(importer):
    rows = [["Systemnamn", "Färgkod"], ["Skola24", "blå"]]
    report = import_file(csv_bytes(rows), "s.csv", kind="systems", user=importer)
    assert report.applied
    assert any("Färgkod" in warning for warning in report.warnings)


def test_learning_resources_with_capabilities_schools_and_school_years(importer):
    capability = CapabilityFactory(name="Läromedel", parent=CapabilityFactory(name="Undervisning"))
    school = SchoolUnitFactory(name="Norrskolan", school_unit_code="12345678")
    rows = [
        ["Lärresurs", "Typ", "Verksamhetsförmågor", "Används av", "Från årskurs", "Till årskurs", "Ämnen"],
        ["NE Skola", "Digitalt läromedel", "Undervisning › Läromedel", "12345678", "4", "9", "SO; NO"],
    ]
    report = import_file(csv_bytes(rows), "lr.csv", user=importer)
    assert report.kind == "learning_resources" and report.applied, report.errors
    resource = LearningResource.objects.get()
    assert list(resource.capabilities.all()) == [capability]
    assert list(resource.organisations.all()) == [school]
    assert (resource.school_year_from, resource.school_year_to, resource.subject_list) == (4, 9, ["SO", "NO"])
    report = import_file(csv_bytes(rows), "lr.csv", user=importer)
    assert [row.status for row in report.rows] == [UNCHANGED]


def test_a_reference_to_something_not_in_the_register_is_an_error(importer):
    rows = [["Systemnamn", "Förvaltningsobjekt"], ["Skola24", "Finns inte"]]
    report = import_file(csv_bytes(rows), "s.csv", user=importer)
    (error,) = report.errors
    assert error.column == "Förvaltningsobjekt" and "finns inte" in error.message


def test_processing_activities_are_imported_with_choices_by_label_or_code(importer):
    board = BoardFactory(name="Barn- och utbildningsnämnden")
    app = ApplicationFactory(name="Skola24")
    rows = [
        [
            "Behandling",
            "Personuppgiftsansvarig",
            "Rättslig grund",
            "Kategorier av registrerade",
            "Känsliga personuppgifter",
            "Undantag enligt art. 9.2",
            "System",
            "Status",
            "Rör barn",
        ],
        [
            "Schemaläggning",
            "Barn- och utbildningsnämnden",
            "e",
            "Elever och barn, Personal",
            "",
            "",
            "Skola24",
            "Aktiv",
            "ja",
        ],
        [
            "Elevhälsa",
            "Barn- och utbildningsnämnden",
            "Uppgift av allmänt intresse eller myndighetsutövning",
            "elever",
            "Hälsa",
            "h",
            "",
            "utkast",
            "nej",
        ],
    ]
    report = import_file(csv_bytes(rows), "ropa.csv", user=importer)
    assert report.kind == "processing_activities" and report.applied, report.errors
    schedule = ProcessingActivity.objects.get(name="Schemaläggning")
    assert schedule.controller == board and schedule.legal_basis == "e" and schedule.involves_children
    assert schedule.data_subject_categories == ["elever", "personal"]
    assert list(schedule.services.all()) == [app]
    health = ProcessingActivity.objects.get(name="Elevhälsa")
    assert health.special_categories == ["halsa"] and health.special_category_condition == "h"
    assert health.history.get().history_user == importer


def test_people_and_their_roles_are_imported_once(importer):
    app = ApplicationFactory(name="Skola24")
    rows = [
        ["Namn", "E-post", "Titel", "Roll", "Roll på system"],
        ["Anna Berg", "Anna.Berg@mittkoping.se", "IT-strateg", "Systemägare", "Skola24"],
    ]
    report = import_file(csv_bytes(rows), "personer.csv", kind="people", user=importer)
    assert report.applied, report.errors
    person = Person.objects.get()
    assert person.email == "anna.berg@mittkoping.se"
    assert RoleAssignment.objects.get().service == app
    report = import_file(csv_bytes(rows), "personer.csv", kind="people", user=importer)
    assert [row.status for row in report.rows] == [UNCHANGED]
    assert RoleAssignment.objects.count() == 1


def test_costs_by_target_year_category_and_kind(importer):
    ApplicationFactory(name="Skola24")
    ManagementObjectFactory(name="Elevadministration")
    rows = [
        ["Belopp (kr)", "År", "System", "Förvaltningsobjekt", "Kategori", "Budget eller utfall", "PM3-del"],
        ["1 250 000,50", "2026", "Skola24", "", "Licens", "Utfall", ""],
        ["300000", "2026", "", "Elevadministration", "Drift", "Budget", "IT – vidmakthållande"],
    ]
    report = import_file(csv_bytes(rows), "kostnader.csv", user=importer)
    assert report.kind == "costs" and report.applied, report.errors
    assert Cost.objects.get(service__name="Skola24").amount == Decimal("1250000.50")
    assert Cost.objects.get(management_object__name="Elevadministration").pm3_part == "it_vidmakthallande"
    changed = [rows[0], ["1 300 000", "2026", "Skola24", "", "Licens", "Utfall", ""]]
    report = import_file(csv_bytes(changed), "kostnader.csv", user=importer)
    assert [row.status for row in report.rows] == [UPDATED]
    assert Cost.objects.count() == 2


def test_a_negative_cost_is_refused_by_the_cost_form(importer):
    ApplicationFactory(name="Skola24")
    rows = [
        ["Belopp", "År", "System", "Kategori", "Budget eller utfall"],
        ["-5", "2026", "Skola24", "Licens", "Budget"],
    ]
    report = import_file(csv_bytes(rows), "k.csv", user=importer)
    (error,) = report.errors
    assert error.column == "Belopp" and "negativt" in error.message


def test_contracts_link_systems_and_read_the_processor_agreement_date(importer):
    vendor = VendorFactory(name="Skola24 AB")
    app = ApplicationFactory(name="Skola24", vendor=vendor)
    rows = [
        [
            "Avtal",
            "Leverantör",
            "System",
            "Startdatum",
            "Slutdatum",
            "PUB-avtal undertecknat",
            "Årligt värde (kr)",
        ],
        ["Skolplattform 2024", "Skola24 AB", "Skola24", "2024/01/01", "31.12.2027", "15.1.2024", "450000"],
    ]
    report = import_file(csv_bytes(rows), "avtal.csv", user=importer)
    assert report.kind == "contracts" and report.applied, report.errors
    contract = Contract.objects.get()
    assert contract.vendor == vendor and list(contract.services.all()) == [app]
    assert contract.dpa_signed_on == datetime.date(2024, 1, 15)
    report = import_file(csv_bytes(rows), "avtal.csv", user=importer)
    assert [row.status for row in report.rows] == [UNCHANGED]


def test_the_kind_is_told_apart_from_the_headers(importer):
    rows = [["Lärresurs", "Licensmodell"], ["Polyglutt", "Kommunlicens"]]
    assert import_file(csv_bytes(rows), "x.csv", user=importer, dry_run=True).kind == "learning_resources"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_blank_rows_are_skipped_but_errors_keep_the_row_number_the_spreadsheet_shows(importer, fmt):
    rows = [["Systemnamn", "Driftform"], ["Skola24", "SaaS"], ["", ""], ["", ""], ["Trasig", "I molnet"]]
    data = csv_bytes(rows) if fmt == "csv" else xlsx_bytes(rows)
    report = import_file(data, f"s.{fmt}", user=importer)
    assert [row.row for row in report.rows] == [2, 5]
    (error,) = report.errors
    assert (error.row, error.column, error.value) == (5, "Driftform", "I molnet")


def test_a_user_who_may_not_assign_roles_cannot_create_owners_through_an_import():
    it_user = UserFactory(username="it-import", role=Role.IT)
    before = register_counts()
    report = import_file(csv_bytes(SYSTEMS), "system.csv", user=it_user)
    assert not report.applied
    assert register_counts() == before
    assert any(error.column == "Systemägare" and "behörighet" in error.message for error in report.errors)


def test_the_same_user_may_import_systems_without_owners():
    it_user = UserFactory(username="it-import", role=Role.IT)
    rows = [row[:-1] for row in SYSTEMS]
    report = import_file(csv_bytes(rows), "system.csv", user=it_user)
    assert report.applied, report.errors

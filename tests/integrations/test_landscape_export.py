"""The landscape workbook: key facts, owners, SSO, costs per year, GDPR findings, PM3 costs."""

import io
from decimal import Decimal

import pandas as pd
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from integrations.landscape_export import build_landscape, landscape_xlsx
from integrations.spreadsheets import import_file
from portfolio.choices import RoleChoices
from tests.factories import (
    ApplicationFactory,
    CostFactory,
    LearningResourceFactory,
    ManagementObjectFactory,
    ManagementPlanFactory,
    ProcessingActivityFactory,
    RoleAssignmentFactory,
)
from tests.integrations.helpers import register_counts

pytestmark = pytest.mark.django_db


@pytest.fixture
def landscape():
    mo = ManagementObjectFactory(name="Elevadministration")
    ManagementPlanFactory(management_object=mo, year=2026, budget_it_maintenance=Decimal("100000"))
    app = ApplicationFactory(name="Skola24", management_object=mo)
    local = ApplicationFactory(
        name='=HYPERLINK("http://x")', authentication="lokala_konton", identity_provider=""
    )
    RoleAssignmentFactory(application=app, role=RoleChoices.SYSTEM_OWNER, person__name="Anna Berg")
    RoleAssignmentFactory(
        application=None, management_object=mo, role=RoleChoices.OBJECT_OWNER, person__name="Olle Ek"
    )
    CostFactory(
        application=app, year=2025, kind="utfall", amount=Decimal("40000"), pm3_part="it_vidmakthallande"
    )
    CostFactory(
        application=app, year=2026, kind="budget", amount=Decimal("45000"), pm3_part="it_vidmakthallande"
    )
    resource = LearningResourceFactory(name="NE", kind="digital_larobok")
    # A record without a legal basis: a GDPR finding that touches the system it is carried out in.
    activity = ProcessingActivityFactory(legal_basis="", status="aktiv")
    activity.services.add(app)
    return {"app": app, "local": local, "resource": resource, "mo": mo}


def test_every_system_has_its_owners_sso_costs_per_year_and_gdpr_findings(landscape):
    sheets = build_landscape()
    systems = sheets["System"].set_index("Namn")
    row = systems.loc["Skola24"]
    assert row["Systemägare"] == "Anna Berg" and row["Objektägare"] == "Olle Ek"
    assert row["Förvaltningsobjekt"] == "Elevadministration"
    assert row["Enkel inloggning (SSO)"] == "ja"
    assert row["Kostnad 2025 (utfall, kr)"] == Decimal("40000")
    assert row["Kostnad 2026 (budget, kr)"] == Decimal("45000")
    assert row["Öppna GDPR-brister"] >= 1 and row["GDPR-brister"]
    assert systems.loc['=HYPERLINK("http://x")']["Enkel inloggning (SSO)"] == "nej"
    assert list(sheets["Lärresurser"]["Namn"]) == ["NE"]
    findings = sheets["GDPR-brister per tjänst"]
    assert "Skola24" in set(findings["Tjänst"])


def test_costs_per_management_object_and_pm3_part(landscape):
    sheets = build_landscape()
    per_object = sheets["Kostnad per förvaltningsobjekt"]
    it = per_object[(per_object["År"] == 2026) & (per_object["PM3-del"] == "IT – vidmakthållande")].iloc[0]
    assert it["Förvaltningsobjekt"] == "Elevadministration"
    assert it["Budget i förvaltningsplan (kr)"] == Decimal("100000")
    assert it["Kostnader, budget (kr)"] == Decimal("45000")
    pm3 = sheets["Kostnad per PM3-del"]
    outcome_2025 = pm3[(pm3["År"] == 2025) & (pm3["PM3-del"] == "IT – vidmakthållande")].iloc[0]
    assert outcome_2025["Kostnader, utfall (kr)"] == Decimal("40000")


def test_the_workbook_neutralises_formulas_in_stored_text(landscape):
    workbook = pd.read_excel(io.BytesIO(landscape_xlsx()), sheet_name=None, dtype=str)
    assert list(workbook) == [
        "System",
        "Lärresurser",
        "GDPR-brister per tjänst",
        "Kostnad per förvaltningsobjekt",
        "Kostnad per PM3-del",
    ]
    assert '\'=HYPERLINK("http://x")' in set(workbook["System"]["Namn"])


def test_the_export_needs_the_same_number_of_queries_at_two_sizes(landscape):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            build_landscape()
        return len(queries)

    small = count()
    for n in range(15):
        app = ApplicationFactory(management_object=landscape["mo"])
        CostFactory(application=app, year=2024 + n % 3)
        RoleAssignmentFactory(application=app)
        LearningResourceFactory()
    assert count() == small


def test_the_command_writes_the_workbook(landscape, tmp_path):
    target = tmp_path / "landskap.xlsx"
    call_command("export_landscape", "--out", str(target), stdout=io.StringIO())
    assert "System" in pd.ExcelFile(target).sheet_names


def test_the_demo_landscape_exported_and_imported_again_changes_nothing(demo):
    """Export, (edit in Excel,) import: the export's headers are import headers, and labels read back.

    Only the demo's planted duplicate registrations (same name and vendor, no external id) are
    refused, as ambiguous, rather than guessed.
    """
    before = register_counts()
    report = import_file(landscape_xlsx(), "landskap.xlsx", kind="systems")
    assert report.counts["created"] == report.counts["updated"] == 0
    assert report.counts["unchanged"] > 200
    planted = {name for group in demo.duplicate_groups for name in group}
    for row in report.rows:
        if row.errors:
            assert row.label in planted and "externt id" in row.errors[0].message
    assert register_counts() == before

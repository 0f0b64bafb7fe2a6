"""The Article 30 register out: every column, the content of a known row, as-of, and three formats."""

import csv
import datetime
import io
import json

import openpyxl
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gdpr.forms import ProcessingActivityForm
from gdpr.models import ProcessingActivity, ProcessingActivityService
from gdpr.ropa import ROPA_COLUMNS, ropa_rows
from integrations.ropa import export_ropa
from portfolio.services import save_form
from tests.factories import (
    ApplicationFactory,
    BoardFactory,
    ContractFactory,
    DpiaFactory,
    LearningResourceFactory,
    ProcessingActivityFactory,
    TransferFactory,
    VendorFactory,
)

pytestmark = pytest.mark.django_db

ARTICLE_30_HEADERS = [
    "Personuppgiftsansvarig (art. 30.1 a)",
    "Kontaktuppgifter till personuppgiftsansvarig (art. 30.1 a)",
    "Dataskyddsombud (art. 30.1 a)",
    "Gemensamt personuppgiftsansvarig (art. 30.1 a)",
    "Behandling",
    "Ändamål (art. 30.1 b)",
    "Kategorier av registrerade (art. 30.1 c)",
    "Kategorier av personuppgifter (art. 30.1 c)",
    "Kategorier av mottagare (art. 30.1 d)",
    "Överföringar till tredjeland och skyddsåtgärder (art. 30.1 e)",
    "Gallringsfrister (art. 30.1 f)",
    "Tekniska och organisatoriska säkerhetsåtgärder (art. 30.1 g)",
    "Rättslig grund och bestämmelse (art. 6.1, 6.3)",
    "Information till de registrerade (art. 13–14)",
    "Övervakningens avgränsning (art. 5.1 c)",
    "Känsliga personuppgifter (art. 9.1)",
    "Undantag enligt art. 9.2",
    "System",
    "Lärresurser",
    "Personuppgiftsbiträden",
    "Personuppgiftsbiträdesavtal",
    "Konsekvensbedömning (art. 35)",
    "Senast granskad",
    "Status",
    "Personuppgiftsbiträde för (art. 30.2 a)",
]


@pytest.fixture
def register():
    board = BoardFactory(
        name="Barn- och utbildningsnämnden",
        contact_email="bun@mittkoping.se",
        dpo_contact="dso@mittkoping.se",
    )
    other = BoardFactory(name="Kultur- och fritidsnämnden")
    vendor = VendorFactory(name="Skolsoft AB", country="SE")
    us_vendor = VendorFactory(name="Quizlet Inc.", country="US", dpf_listed=True)
    app = ApplicationFactory(name="Skolsoft", vendor=vendor)
    resource = LearningResourceFactory(name="Quizlet", vendor=us_vendor)
    ContractFactory(name="Skolsoftavtalet", vendor=vendor, dpa_signed_on=datetime.date(2024, 2, 1))
    activity = ProcessingActivityFactory(
        name="Elevers närvaro",
        controller=board,
        special_categories=["halsa"],
        special_category_condition="g",
        last_reviewed_on=datetime.date(2026, 1, 15),
    )
    ProcessingActivityService.objects.create(processing_activity=activity, service=app)
    ProcessingActivityService.objects.create(
        processing_activity=activity, service=resource
    )
    TransferFactory(
        processing_activity=activity, recipient="Quizlet Inc.", country="US", mechanism="dpf", tia_done=False
    )
    DpiaFactory(processing_activity=activity, residual_risk="medel")
    ProcessingActivityFactory(name="Lovaktiviteter", controller=other)
    ProcessingActivityFactory(name="Avslutad behandling", controller=board, status="avslutad")
    ProcessingActivityFactory(
        name="Biträde åt Region", controller=board, acts_as_processor=True, on_behalf_of="Region Mitt"
    )
    return activity


def test_columns_are_every_article_30_item_in_swedish():
    assert [c.label for c in ROPA_COLUMNS] == ARTICLE_30_HEADERS


def test_workbook_has_a_summary_and_one_sheet_per_controller_with_the_known_row(register, tmp_path):
    path = tmp_path / "ropa.xlsx"
    assert export_ropa(str(path), fmt="xlsx") == 2
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == [
        "Sammanfattning",
        "Barn- och utbildningsnämnden",
        "Kultur- och fritidsnämnden",
    ]
    sheet = workbook["Barn- och utbildningsnämnden"]
    assert [c.value for c in sheet[1]] == ARTICLE_30_HEADERS
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    assert sheet.max_row == 2  # the retired and the processor records are not in the Art. 30(1) register
    row = dict(zip(ARTICLE_30_HEADERS, [c.value for c in sheet[2]], strict=True))
    assert row["Behandling"] == "Elevers närvaro"
    assert row["Kontaktuppgifter till personuppgiftsansvarig (art. 30.1 a)"] == "bun@mittkoping.se"
    assert row["Dataskyddsombud (art. 30.1 a)"] == "dso@mittkoping.se"
    assert row["Kategorier av registrerade (art. 30.1 c)"] == "Elever och barn"
    assert (
        row["Rättslig grund och bestämmelse (art. 6.1, 6.3)"]
        == "e) Uppgift av allmänt intresse eller myndighetsutövning – skollagen (2010:800) 29 kap. 14 §"
    )
    assert row["Känsliga personuppgifter (art. 9.1)"] == "Hälsa"
    assert row["Undantag enligt art. 9.2"] == "g) Viktigt allmänt intresse"
    assert row["Överföringar till tredjeland och skyddsåtgärder (art. 30.1 e)"] == (
        "Quizlet Inc. (US): EU–US Data Privacy Framework (art. 45)"
    )
    assert row["Gallringsfrister (art. 30.1 f)"].splitlines()[0] == "Frist: 3 år"
    assert row["System"] == "Skolsoft" and row["Lärresurser"] == "Quizlet"
    assert row["Personuppgiftsbiträden"] == "Quizlet Inc. (US)\nSkolsoft AB (SE)"
    assert row["Personuppgiftsbiträdesavtal"] == (
        "Quizlet Inc.: biträdesavtal saknas\nSkolsoft AB: Skolsoftavtalet (2024-02-01)"
    )
    assert row["Konsekvensbedömning (art. 35)"] == "Klar 2025-03-01, kvarvarande risk medel"
    # A real date, shown as one; multi-line cells wrap, one item a line.
    assert row["Senast granskad"] == datetime.datetime(2026, 1, 15)
    headers = [c.value for c in sheet[1]]
    assert sheet.cell(2, headers.index("Senast granskad") + 1).number_format == "yyyy-mm-dd"
    assert sheet.cell(2, headers.index("Personuppgiftsbiträden") + 1).alignment.wrap_text
    summary = workbook["Sammanfattning"]
    assert [c.value for c in summary[2]][:3] == ["Barn- och utbildningsnämnden", 1, 1]


def test_processor_view_is_the_article_30_2_register(register):
    rows = ropa_rows(processor=True)
    assert [(r["name"], r["on_behalf_of"]) for r in rows] == [("Biträde åt Region", "Region Mitt")]


def test_controller_filter(register):
    assert [r["name"] for r in ropa_rows(controller=register.controller)] == ["Elevers närvaro"]


def test_csv_and_json_have_the_same_columns_as_the_workbook(register):
    csv_out, json_out = io.StringIO(), io.StringIO()
    export_ropa(csv_out, fmt="csv")
    export_ropa(json_out, fmt="json")
    reader = csv.reader(io.StringIO(csv_out.getvalue()), delimiter=";")
    header = next(reader)
    assert header == ARTICLE_30_HEADERS
    records = json.loads(json_out.getvalue())
    assert [list(r) for r in records] == [ARTICLE_30_HEADERS, ARTICLE_30_HEADERS]
    assert {r["Behandling"] for r in records} == {"Elevers närvaro", "Lovaktiviteter"}


def test_formula_in_a_record_is_neutralised_in_csv():
    ProcessingActivityFactory(purposes='=HYPERLINK("http://evil")')
    out = io.StringIO()
    export_ropa(out, fmt="csv")
    assert "'=HYPERLINK" in out.getvalue()


def _tick() -> datetime.datetime:
    moment = timezone.now()
    while timezone.now() == moment:
        pass
    return moment


def test_as_of_gives_the_register_as_it_stood_relations_included(register, data_protection_coordinator):
    before = _tick()
    other_app = ApplicationFactory(name="Nytt system")
    form = ProcessingActivityForm(
        data={
            **_form_data(register),
            "purposes": "Ett helt nytt ändamål för närvaron.",
            "applications": [other_app.pk],
        },
        instance=register,
    )
    assert form.is_valid(), form.errors
    save_form(form, user=data_protection_coordinator, expected_version=register.version)
    register.controller.dpo_contact = "ny@mittkoping.se"
    register.controller.save()
    then = {r["name"]: r for r in ropa_rows(as_of=before)}["Elevers närvaro"]
    now = {r["name"]: r for r in ropa_rows()}["Elevers närvaro"]
    assert then["purposes"] == "Att dokumentera elevers närvaro enligt skollagen."
    assert then["applications"] == "Skolsoft" and then["dpo_contact"] == "dso@mittkoping.se"
    assert now["purposes"] == "Ett helt nytt ändamål för närvaron."
    assert now["applications"] == "Nytt system" and now["dpo_contact"] == "ny@mittkoping.se"


def test_export_command_as_of_a_date(register, tmp_path):
    ProcessingActivity.history.update(history_date=timezone.now() - datetime.timedelta(days=10))
    register.name = "Omdöpt behandling"
    register.save()
    five_days_ago = (timezone.localdate() - datetime.timedelta(days=5)).isoformat()
    path = tmp_path / "old.json"
    call_command("export_ropa", "--format", "json", "--as-of", five_days_ago, "--output", str(path))
    names = {r["Behandling"] for r in json.loads(path.read_text())}
    assert "Elevers närvaro" in names and "Omdöpt behandling" not in names
    call_command(
        "export_ropa",
        "--format",
        "json",
        "--output",
        str(path),
        "--controller",
        "Barn- och utbildningsnämnden",
    )
    assert [r["Behandling"] for r in json.loads(path.read_text())] == ["Omdöpt behandling"]


def _form_data(activity):
    form = ProcessingActivityForm(instance=activity)
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None or value is False or value == "":
            continue
        if isinstance(value, list | tuple):
            data[name] = [getattr(v, "pk", v) for v in value]
        else:
            data[name] = getattr(value, "pk", value)
    return data


def _build(size: int) -> None:
    for n in range(size):
        activity = ProcessingActivityFactory(controller=BoardFactory())
        ProcessingActivityService.objects.create(
            processing_activity=activity, service=ApplicationFactory()
        )
        TransferFactory(processing_activity=activity)
        DpiaFactory(processing_activity=activity)
        ContractFactory(dpa_signed_on=datetime.date(2024, 1, n + 1))


@pytest.mark.parametrize("as_of", [False, True])
def test_export_query_count_does_not_grow_with_rows(as_of, tmp_path):
    def run():
        when = timezone.now() if as_of else None
        with CaptureQueriesContext(connection) as ctx:
            export_ropa(str(tmp_path / "r.xlsx"), as_of=when)
        return len(ctx.captured_queries)

    _build(2)
    small = run()
    _build(8)
    assert run() == small


def test_the_register_carries_information_and_monitoring_scope():
    from gdpr.ropa import ropa_rows
    from tests.factories import ProcessingActivityFactory

    ProcessingActivityFactory(
        name="Kamerabevakning",
        systematic_monitoring=True,
        monitoring_areas="Entréer",
        monitoring_around_the_clock=True,
        monitoring_around_the_clock_reason="Inbrott nattetid",
        monitoring_access="Säkerhetssamordnaren",
        monitoring_retention_days=1,
        information_updated_on=datetime.date(2026, 2, 3),
    )
    ProcessingActivityFactory(name="Närvaro", information_reference="")
    rows = {row["name"]: row for row in ropa_rows()}
    assert rows["Kamerabevakning"]["monitoring"].splitlines() == [
        "Områden: Entréer",
        "Tider: dygnet runt",
        "Skäl till bevakning dygnet runt: Inbrott nattetid",
        "Åtkomst: Säkerhetssamordnaren",
        "Lagring: 1 dag",
    ]
    assert rows["Kamerabevakning"]["information"] == (
        "https://www.mittkoping.se/dataskydd/skola (uppdaterad 2026-02-03)"
    )
    assert rows["Närvaro"]["information"] == "Saknas" and rows["Närvaro"]["monitoring"] == ""


def test_an_activity_that_needs_no_dpia_says_so_instead_of_missing():
    from gdpr.ropa import ropa_rows
    from tests.factories import ProcessingActivityFactory

    ProcessingActivityFactory(name="Personalens e-post", data_subject_categories=["personal"])
    ProcessingActivityFactory(name="Elevhälsa", special_categories=["halsa"], special_category_condition="h")
    rows = {row["name"]: row for row in ropa_rows()}
    assert rows["Personalens e-post"]["dpia"] == "Krävs inte"
    assert rows["Elevhälsa"]["dpia"] == "Saknas"

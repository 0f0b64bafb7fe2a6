"""The import commands: progress, summary, --user, --dry-run, the template workbook, query counts."""

from io import StringIO

import pandas as pd
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from integrations.spreadsheets import import_file
from portfolio.models import Application
from tests.factories import UserFactory
from tests.integrations.helpers import csv_bytes, register_counts

pytestmark = pytest.mark.django_db


def systems_file(tmp_path, rows: int, name: str = "system.csv"):
    path = tmp_path / name
    path.write_bytes(
        csv_bytes(
            [["Systemnamn", "Driftform", "Externt id"], *[[f"S{n}", "SaaS", f"X{n}"] for n in range(rows)]]
        )
    )
    return path


def test_the_command_imports_with_the_named_user_and_prints_progress_and_a_summary(tmp_path):
    user = UserFactory(username="it-avdelningen")
    out, err = StringIO(), StringIO()
    call_command(
        "import_inventory",
        str(systems_file(tmp_path, 40)),
        "--user",
        "it-avdelningen",
        stdout=out,
        stderr=err,
    )
    assert "40 rader – skapade: 40," in out.getvalue()
    assert "Importerar: 40/40 rader" in err.getvalue()  # not a terminal: progress lines
    assert (
        Application.history.filter(history_user=user, history_change_reason="Import: system.csv").count()
        == 40
    )


def test_a_dry_run_lists_every_row_and_writes_nothing(tmp_path):
    out = StringIO()
    before = register_counts()
    call_command(
        "import_inventory", str(systems_file(tmp_path, 3)), "--dry-run", stdout=out, stderr=StringIO()
    )
    assert "rad 2: skapas – S0" in out.getvalue() and "Provkörning" in out.getvalue()
    assert register_counts() == before


def test_errors_fail_the_command_and_name_the_cell(tmp_path):
    path = tmp_path / "fel.csv"
    path.write_bytes(csv_bytes([["Systemnamn", "Driftform"], ["A", "SaaS"], ["B", "I molnet"]]))
    err = StringIO()
    with pytest.raises(CommandError, match="1 fel"):
        call_command("import_inventory", str(path), stdout=StringIO(), stderr=err)
    assert "rad 3, kolumn ”Driftform”, värde ”I molnet”" in err.getvalue()
    assert not Application.objects.exists()


def test_an_unknown_user_or_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match="finns inte"):
        call_command("import_inventory", str(systems_file(tmp_path, 1)), "--user", "ingen")
    with pytest.raises(CommandError, match="finns inte"):
        call_command("import_inventory", str(tmp_path / "saknas.csv"))


@pytest.mark.parametrize("kind", ["systems", "processing_activities", "costs"])
def test_the_template_has_the_headers_and_explains_each_column_and_its_values(tmp_path, kind):
    target = tmp_path / f"{kind}.xlsx"
    call_command("inventory_template", "--kind", kind, "--out", str(target), stdout=StringIO())
    sheets = pd.read_excel(target, sheet_name=None, dtype=str)
    data_sheet, explained = list(sheets.values())
    assert list(data_sheet.columns) == list(explained["Kolumn"])
    assert {"Engelsk rubrik", "Obligatorisk", "Format", "Tillåtna värden", "Förklaring"} <= set(
        explained.columns
    )
    if kind == "processing_activities":
        legal_basis = explained.set_index("Kolumn").loc["Rättslig grund", "Tillåtna värden"]
        assert "e) Uppgift av allmänt intresse eller myndighetsutövning (e)" in legal_basis


def test_the_template_filled_in_imports(tmp_path):
    target = tmp_path / "mall.xlsx"
    call_command("inventory_template", "--kind", "systems", "--out", str(target), stdout=StringIO())
    frame = pd.read_excel(target, sheet_name="System", dtype=str)
    frame.loc[0, "Systemnamn"] = "Skola24"
    frame.loc[0, "Livscykelstatus"] = "I drift"
    filled = tmp_path / "ifylld.xlsx"
    with pd.ExcelWriter(filled) as writer:
        frame.to_excel(writer, sheet_name="System", index=False)
    report = import_file(filled.read_bytes(), "ifylld.xlsx")
    assert report.applied and report.counts["created"] == 1


def test_re_importing_unchanged_rows_costs_the_same_queries_whatever_their_number(tmp_path):
    def queries_for(rows: int) -> int:
        data = systems_file(tmp_path, rows, f"s{rows}.csv").read_bytes()
        import_file(data, "s.csv")
        with CaptureQueriesContext(connection) as captured:
            report = import_file(data, "s.csv")
        assert report.counts["unchanged"] == rows
        Application.objects.all().delete()
        return len(captured)

    assert queries_for(5) == queries_for(30)

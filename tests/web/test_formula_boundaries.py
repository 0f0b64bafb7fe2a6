"""Formula neutralising in every spreadsheet export, on its boundaries.

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab, a carriage return or a line feed is
run by Excel or LibreOffice as a formula (CSV/formula injection, OWASP); each gets a leading
apostrophe, in the workbook and in CSV, in data cells and in header cells. Only the first
character matters: the same characters later in the text, numbers, and empty cells are left as
they are, so the export stays faithful.
"""

from __future__ import annotations

import csv
import io

import openpyxl
import pandas as pd
import pytest
from django.urls import reverse

from portfolio.spreadsheets import neutralise, write_csv, xlsx_bytes
from tests.factories import ProcessingActivityFactory

#: One payload per character that starts a formula (DDE and HYPERLINK among them).
STARTS = {
    "=": '=HYPERLINK("http://evil.example","klicka")',
    "+": "+cmd|' /C calc'!A0",
    "-": "-2+3+cmd|' /C calc'!A0",
    "@": "@SUM(1+1)*cmd|' /C calc'!A0",
    "tab": "\t=1+1",
    "cr": "\r=1+1",
    "lf": "\n=1+1",
}

#: Text with the same characters later on: nothing to neutralise.
HARMLESS = [
    "Kostnad = 5 000 kr",
    "e-post: elev@skola.mittkoping.se",
    "Åk 7-9",
    "a+b",
    "Rad ett\n=inte en formel, andra raden",
    "'=redan text",
    "",
]


def workbook_cells(frame: pd.DataFrame) -> list[list[openpyxl.cell.Cell]]:
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes({"Blad": frame}))).active
    return [list(row) for row in sheet.iter_rows()]


@pytest.mark.parametrize("payload", STARTS.values(), ids=STARTS.keys())
def test_each_formula_start_is_neutralised_in_the_workbook_and_in_csv(payload):
    frame = pd.DataFrame({"Namn": [payload]})
    [_header, [cell]] = workbook_cells(frame)
    assert cell.data_type == "s" and cell.value == "'" + payload
    [row] = list(csv.DictReader(io.StringIO(write_csv(frame)), delimiter=";"))
    assert row["Namn"] == "'" + payload


@pytest.mark.parametrize("payload", STARTS.values(), ids=STARTS.keys())
def test_a_header_made_of_stored_text_is_neutralised_too(payload):
    frame = pd.DataFrame({payload: ["x"]})
    [[header], _row] = workbook_cells(frame)
    assert header.data_type == "s" and header.value == "'" + payload
    assert next(csv.reader(io.StringIO(write_csv(frame)), delimiter=";")) == ["'" + payload]


@pytest.mark.parametrize("text", HARMLESS)
def test_formula_characters_after_the_first_leave_the_text_as_it_is(text):
    assert neutralise(text) == text
    [_header, [cell]] = workbook_cells(pd.DataFrame({"Namn": [text]}))
    assert cell.value == (text or None) and cell.data_type != "f"


def test_numbers_and_empty_cells_are_not_turned_into_text():
    frame = pd.DataFrame({"Belopp": [-5, 0, 12.5], "Namn": [None, "x", pd.NA]})
    rows = workbook_cells(frame)[1:]
    assert [row[0].value for row in rows] == [-5, 0, 12.5]
    assert all(row[0].data_type == "n" for row in rows)
    assert [row[1].value for row in rows] == [None, "x", None]
    assert write_csv(frame).splitlines()[1:] == ["-5.0;", "0.0;x", "12.5;"]


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_article_30_download_neutralises_every_formula_start(client, reader, fmt):
    for number, payload in enumerate(STARTS.values()):
        ProcessingActivityFactory(name=f"Behandling {number}", purposes=payload)
    client.force_login(reader)
    response = client.get(reverse("gdpr:ropa_download"), {"format": fmt})
    assert response.status_code == 200
    if fmt == "xlsx":
        workbook = openpyxl.load_workbook(io.BytesIO(response.content))
        cells = [cell for sheet in workbook for row in sheet.iter_rows() for cell in row]
        assert all(cell.data_type != "f" for cell in cells)
        texts = {cell.value for cell in cells if isinstance(cell.value, str)}
    else:
        rows = csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";")
        texts = {value for row in rows for value in row.values()}
    assert {"'" + payload for payload in STARTS.values()} <= texts
    assert not set(STARTS.values()) & texts

"""Hostile spreadsheets are refused while they are read, in bounded memory, with the limit named.

Issue 13, item 3: a 1.6 KB workbook with cells A2, XFD2 and A1048576 made pandas pad every row to
full width (1,048,576 × 16,384) until the worker was killed; a 10 MB CSV of one row of five million
separators ran two minutes and then raised MemoryError (a 500 on the web). The files are built
here, in the test; the peak memory of reading them is measured with ``tracemalloc``.
"""

import datetime
import io
import tracemalloc
import zipfile
from io import StringIO

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from integrations.models import ImportUpload
from integrations.spreadsheets import (
    MAX_COLUMNS,
    MAX_LINE_CHARS,
    MAX_ROWS,
    ImportError_,
    import_file,
    read_sheet,
)
from tests.integrations.helpers import csv_bytes, register_counts, xlsx_bytes

pytestmark = pytest.mark.django_db

#: What reading a hostile file may allocate at its peak (the file's own bytes not counted).
MEMORY_BOUND = 25 * 1024 * 1024


def far_cells_workbook() -> bytes:
    """The issue's workbook: a header, and cells at A2, XFD2 and A1048576, written by openpyxl."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "System"
    sheet["A1"] = "Systemnamn"
    sheet["A2"] = "Skola24"
    sheet["XFD2"] = "långt bort"
    sheet["A1048576"] = "längst ned"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def handmade_workbook(
    cells: dict[str, str], dimension: str | None, extra: dict[str, str] | None = None
) -> bytes:
    """A minimal .xlsx whose sheet declares ``dimension`` (or nothing) whatever cells it holds."""
    rows: dict[int, list[str]] = {}
    for ref, text in cells.items():
        row = int("".join(ch for ch in ref if ch.isdigit()))
        rows.setdefault(row, []).append(f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>')
    sheet_data = "".join(f'<row r="{n}">{"".join(cs)}</row>' for n, cs in sorted(rows.items()))
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{main}" xmlns:r="{rel}">'
            '<sheets><sheet name="System" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{main}">{dim}'
            f"<sheetData>{sheet_data}</sheetData></worksheet>"
        ),
    }
    parts.update(extra or {})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def separators_csv() -> bytes:
    """The issue's CSV: a header line, then one row of five million separators (10 MB)."""
    return b"Systemnamn;Leverant\xc3\xb6r\n" + b";;" * 2_500_000 + b"\n"


def refused_in_bounded_memory(data: bytes, filename: str, *words: str) -> str:
    """Import ``data``; assert it is refused naming ``words``, in bounded memory, writing nothing."""
    before = register_counts()
    tracemalloc.start()
    try:
        with pytest.raises(ImportError_) as refusal:
            import_file(data, filename)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    message = str(refusal.value)
    for word in words:
        assert word in message, message
    assert peak < MEMORY_BOUND, f"reading the refused file peaked at {peak / 1e6:.0f} MB"
    assert register_counts() == before
    return message


#
# Workbooks
#


def test_the_issues_workbook_is_tiny_and_refused_by_its_declared_size():
    data = far_cells_workbook()
    assert len(data) < 10_000
    refused_in_bounded_memory(
        data, "bomb.xlsx", "XFD1048576", f"{MAX_ROWS} datarader", f"{MAX_COLUMNS} kolumner"
    )


def test_a_workbook_declaring_less_than_it_holds_is_refused_at_the_first_cell_outside():
    cells = {"A1": "Systemnamn", "A2": "Skola24", "XFD2": "långt bort", "A1048576": "längst ned"}
    refused_in_bounded_memory(
        handmade_workbook(cells, "A1:B2"), "ljuger.xlsx", "XFD2", f"{MAX_COLUMNS} kolumner"
    )


def test_a_workbook_without_a_declared_size_is_refused_at_a_far_row():
    cells = {"A1": "Systemnamn", "A2": "Skola24", "A1048576": "längst ned"}
    refused_in_bounded_memory(
        handmade_workbook(cells, None), "utan.xlsx", "A1048576", f"{MAX_ROWS} datarader"
    )


def test_the_limits_are_settings_and_a_workbook_within_them_is_read(settings):
    settings.IMPORT_MAX_ROWS = 3
    settings.IMPORT_MAX_COLUMNS = 4
    rows = [["Systemnamn", "Leverantör"], *[[f"System {n}", "Nova AB"] for n in range(3)]]
    assert len(read_sheet(xlsx_bytes(rows), "s.xlsx").rows) == 3
    refused_in_bounded_memory(xlsx_bytes([*rows, ["System 4", "Nova AB"]]), "s.xlsx", "3 datarader")
    wide = [["Systemnamn", "Leverantör", "A", "B", "C"], ["System", "Nova AB", "", "", ""]]
    refused_in_bounded_memory(xlsx_bytes(wide), "s.xlsx", "4 kolumner")


def test_blank_cells_far_out_do_not_count_and_values_keep_their_row_numbers():
    cells = {"A1": "Systemnamn", "B1": "Driftform", "A3": "Skola24", "B3": "SaaS", "A5": "Unikum"}
    sheet = read_sheet(handmade_workbook(cells, "A1:B5"), "s.xlsx")
    assert sheet.headers == ["Systemnamn", "Driftform"]
    assert sheet.rows == [["Skola24", "SaaS"], ["Unikum"]]
    assert sheet.numbers == [3, 5]


def test_workbook_cells_are_read_as_the_text_a_person_sees():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Systemnamn", "Antal", "Belopp", "Datum", "Id"])
    sheet.append(["Skola24", 12, 12.5, datetime.datetime(2025, 8, 1), "0012345678"])
    buffer = io.BytesIO()
    book.save(buffer)
    assert read_sheet(buffer.getvalue(), "s.xlsx").rows == [
        ["Skola24", "12", "12.5", "2025-08-01 00:00:00", "0012345678"]
    ]


def test_a_tiny_workbook_of_a_million_shared_strings_is_refused_before_openpyxl_loads_them():
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    # Named as a worksheet, not sharedStrings.xml: every part is counted, whatever its name.
    strings = f'<sst xmlns="{main}">' + "<si><t>a</t></si>" * 1_000_000 + "</sst>"
    data = handmade_workbook({"A1": "Systemnamn"}, "A1", {"xl/worksheets/strings.xml": strings})
    assert len(data) < 100_000
    refused_in_bounded_memory(data, "strangar.xlsx", "fler än 500000 olika textvärden")


def test_the_shared_strings_limit_is_a_setting(settings):
    settings.IMPORT_MAX_SHARED_STRINGS = 10

    def workbook(count: int) -> bytes:
        strings = "<sst>" + "".join(f"<si><t>Text {n}</t></si>" for n in range(count)) + "</sst>"
        cells = {"A1": "Systemnamn", "A2": "Skola24"}
        return handmade_workbook(cells, "A1:A2", {"xl/sharedStrings.xml": strings})

    assert read_sheet(workbook(10), "s.xlsx").rows == [["Skola24"]]
    refused_in_bounded_memory(workbook(11), "s.xlsx", "fler än 10 olika textvärden")


#
# CSV
#


def test_the_issues_csv_of_five_million_separators_is_refused_by_its_line_length():
    data = separators_csv()
    assert len(data) > 5_000_000
    refused_in_bounded_memory(data, "separatorer.csv", "Rad 2", f"{MAX_LINE_CHARS} tecken")


def test_a_csv_row_with_more_columns_than_allowed_is_refused(settings):
    settings.IMPORT_MAX_COLUMNS = 10
    data = csv_bytes([["Systemnamn"] + [f"K{n}" for n in range(10)], ["Skola24"]])
    refused_in_bounded_memory(data, "bred.csv", "Rad 1", "11 kolumner", "högst 10")


def test_a_quoted_cell_spanning_lines_counts_towards_one_record(settings):
    settings.IMPORT_MAX_LINE_CHARS = 1_000
    line = "x" * 100 + "\n"
    data = ('Systemnamn;Beskrivning\nSkola24;"' + line * 20 + '"\n').encode()
    refused_in_bounded_memory(data, "lang.csv", "Rad 2", "1000 tecken")
    short = ('Systemnamn;Beskrivning\nSkola24;"' + line * 5 + '"\n').encode()
    assert read_sheet(short, "s.csv").rows == [["Skola24", (line * 5).strip()]]


def test_a_csv_with_more_data_rows_than_allowed_is_refused_while_read(settings):
    settings.IMPORT_MAX_ROWS = 5
    data = csv_bytes([["Systemnamn"], *[[f"System {n}"] for n in range(6)]])
    refused_in_bounded_memory(data, "lang.csv", "fler än 5 datarader")


def test_a_csv_with_old_mac_line_ends_is_still_read():
    assert read_sheet(b"Systemnamn;Driftform\rSkola24;SaaS\r", "s.csv").rows == [["Skola24", "SaaS"]]


#
# Every face: the command and the upload page
#


@pytest.mark.parametrize(
    ("name", "build", "words"),
    [("bomb.xlsx", far_cells_workbook, "XFD1048576"), ("separatorer.csv", separators_csv, "tecken")],
)
def test_the_import_command_refuses_the_hostile_files_and_saves_nothing(tmp_path, name, build, words):
    path = tmp_path / name
    path.write_bytes(build())
    before = register_counts()
    with pytest.raises(CommandError, match=words):
        call_command("import_inventory", str(path), stdout=StringIO(), stderr=StringIO())
    assert register_counts() == before


@pytest.mark.parametrize(
    ("name", "build", "words"),
    [("bomb.xlsx", far_cells_workbook, "XFD1048576"), ("separatorer.csv", separators_csv, "tecken")],
)
def test_the_upload_page_refuses_the_hostile_files_with_a_form_error(client, strategist, name, build, words):
    client.force_login(strategist)
    client.raise_request_exception = False
    before = register_counts()
    response = client.post("/import/", {"file": SimpleUploadedFile(name, build()), "kind": ""})
    assert response.status_code == 400
    assert words in response.content.decode()
    assert not ImportUpload.objects.exists()
    assert register_counts() == before


def test_a_confirmation_after_the_limits_were_lowered_is_refused_cleanly(client, strategist, settings):
    client.force_login(strategist)
    rows = [["Systemnamn"], ["Skola24"], ["Unikum"]]
    assert client.post("/import/", {"file": SimpleUploadedFile("s.csv", csv_bytes(rows))}).status_code == 200
    stored = ImportUpload.objects.get()
    settings.IMPORT_MAX_ROWS = 1
    before = register_counts()
    response = client.post(f"/import/{stored.pk}/bekrafta/", follow=True)
    assert response.status_code == 200
    assert "fler än 1 datarader" in response.content.decode()
    stored.refresh_from_db()
    assert stored.status == ImportUpload.Status.REFUSED and bytes(stored.content) == b""
    assert register_counts() == before

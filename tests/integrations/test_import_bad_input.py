"""Bad input: every broken or hostile file gets a clear refusal and changes nothing."""

import csv
import io
import os
import zipfile
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from integrations.columns import KINDS
from integrations.spreadsheets import (
    DEFAULT_MAX_IMPORT_BYTES,
    ERROR,
    ImportError_,
    import_file,
    read_sheet,
)
from tests.factories import ApplicationFactory
from tests.integrations.helpers import csv_bytes, register_counts, xlsx_bytes

pytestmark = pytest.mark.django_db

ROWS = [["Systemnamn", "Leverantör"], ["Skola24", "Skola24 AB"]]


def refused(data: bytes, filename: str, match: str, **kwargs) -> None:
    before = register_counts()
    with pytest.raises(ImportError_, match=match):
        import_file(data, filename, **kwargs)
    assert register_counts() == before


def test_a_corrupt_workbook_is_refused():
    good = xlsx_bytes(ROWS)
    refused(good[: len(good) // 2], "trasig.xlsx", "skadad")


def test_a_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hej.txt", "hej")
    refused(buffer.getvalue(), "paket.xlsx", "ingen Excel-arbetsbok")


def test_a_workbook_that_unpacks_to_a_huge_size_is_refused_unread(settings):
    settings.IMPORT_MAX_UNPACKED_BYTES = 1024 * 1024  # 200 MB in production
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (2 * 1024 * 1024))
    assert len(buffer.getvalue()) < 20 * 1024
    refused(buffer.getvalue(), "bomb.xlsx", "packas upp")


def test_a_password_protected_workbook_is_refused():
    # Excel saves an encrypted workbook as an OLE2 compound file, whatever its .xlsx name.
    encrypted = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8
    refused(encrypted, "hemlig.xlsx", "lösenordsskyddad")


def test_a_file_in_neither_utf8_nor_windows_1252_is_refused():
    refused("Systemnamn,Leverantör\nSkola24,X\n".encode("utf-16"), "s.csv", "binära data")


def test_utf8_with_a_byte_order_mark_and_commas_is_read():
    data = "\ufeffSystemnamn,Leverantör\nSkola24,Nova AB\n".encode()
    report = import_file(data, "s.csv")
    assert report.applied


def test_a_file_of_only_headers_imports_nothing_cleanly():
    report = import_file(csv_bytes([ROWS[0]]), "s.csv")
    assert report.applied and report.rows == []


def test_a_50_megabyte_file_is_refused_before_it_is_parsed(tmp_path):
    big = tmp_path / "stor.csv"
    with big.open("wb") as handle:
        handle.write(b"Systemnamn;Leverant\xc3\xb6r\r\n")
        line = b"System med ett l\xc3\xa5ngt namn;Leverant\xc3\xb6r AB\r\n"
        handle.write(line * (50 * 1024 * 1024 // len(line) + 1))
    assert big.stat().st_size > 50 * 1024 * 1024 > DEFAULT_MAX_IMPORT_BYTES
    before = register_counts()
    with pytest.raises(CommandError, match="gränsen för en import är 20.0 MB"):
        call_command("import_inventory", str(big), stdout=StringIO(), stderr=StringIO())
    refused(big.read_bytes(), "stor.csv", "gränsen för en import")
    assert register_counts() == before


def test_a_row_with_more_cells_than_headers_is_refused_rather_than_guessed():
    data = b"Systemnamn;Leverant\xc3\xb6r\r\nSkola24;Nova AB;extra\r\n"
    with pytest.raises(ImportError_, match="CSV-filen kan inte läsas"):
        read_sheet(data, "s.csv")


def test_duplicate_rows_in_one_file_create_one_record():
    report = import_file(csv_bytes([ROWS[0], ROWS[1], ROWS[1]]), "s.csv")
    assert [r.status for r in report.rows] == ["created", "unchanged"]


def test_an_ambiguous_name_is_an_error_not_a_guess():
    ApplicationFactory(name="Skola24", vendor=None)
    ApplicationFactory(name="Skola24", vendor=None)
    report = import_file(csv_bytes([["Systemnamn", "Driftform"], ["Skola24", "SaaS"]]), "s.csv")
    assert [r.status for r in report.rows] == [ERROR]
    assert "externt id" in report.errors[0].message


#
# Property: random rows give a clean import or a clean refusal, never an exception or a partial write.
#

HEADERS = [column.sv for column in KINDS["systems"].columns] + ["Okänd kolumn", ""]
CELL = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "",
            "SaaS",
            "I drift",
            "saml",
            "ja",
            "nej",
            "2025-08-01",
            "31.02.2025",
            "1/8/2025",
            "Elever; Personal",
            "SE",
            "Sverige",
            '=HYPERLINK("x")',
            "x" * 300,
            "0012345",
            "nan",
            "None",
            "Skolfederation",
            "-1",
            "1e400",
        ]
    ),
)


@pytest.mark.fuzz
@settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "50")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    headers=st.lists(st.sampled_from(HEADERS), min_size=1, max_size=8),
    rows=st.lists(st.lists(CELL, max_size=9), max_size=6),
    sep=st.sampled_from([";", ","]),
    encoding=st.sampled_from(["utf-8", "cp1252"]),
    real=st.booleans(),
)
def test_random_rows_are_imported_cleanly_or_refused_cleanly(headers, rows, sep, encoding, real):
    buffer = StringIO()
    csv.writer(buffer, delimiter=sep).writerows([headers, *rows])
    try:
        data = buffer.getvalue().encode(encoding)
    except UnicodeEncodeError:
        data = buffer.getvalue().encode("utf-8")
    before = register_counts()
    try:
        report = import_file(data, "fuzz.csv", kind="systems", dry_run=not real)
    except ImportError_ as exc:
        assert str(exc)  # a refusal says why
        assert register_counts() == before
        return
    if report.applied:
        assert not report.errors
    else:
        assert register_counts() == before  # a dry run or a run with errors wrote nothing
    for row in report.rows:
        assert (row.status == ERROR) == bool(row.errors)
        for error in row.errors:
            assert error.row >= 2 and error.message

"""Spreadsheets in: read an inventory (.xlsx/.csv), map its rows to the register's Forms, import.

The promise to the municipality is that a file either goes in whole or not at all, and that
every refusal says where and why. So:

* The file is checked before it is parsed (size, type, a zip bomb, a password) and read as
  text only ("0012345678" stays a string, blanks become ""), one row at a time: a workbook with
  openpyxl's read-only parser, a CSV with the ``csv`` module. Rows, columns and record length are
  checked against ``import_limits()`` as they are read, so a tiny hostile file (a cell at
  XFD1048576, one line of five million separators) is refused before it is materialised.
* Each row is validated by the *same* Form as the web page (``portfolio/forms.py``,
  ``gdpr/forms.py``) and written through ``portfolio.services`` (``save_form``, or in bulk
  ``create_with_history`` and ``update_with_history``), so history records the importing user
  and a change reason naming the file.
* 10,000 rows take seconds, not minutes: ``integrations/bulk.py`` answers the Forms' existence
  checks from memory and writes new and changed records in bulk. Where the database refuses a
  bulk write, or a row fails after its record was collected, the file is imported again row by
  row, so what is stored and reported is always what the row-by-row import stores and reports.
* The whole import runs in one transaction. A dry run, or a run with any error, is rolled
  back; what the report says would happen is exactly what the same code did before the
  rollback. A real run with no error commits.
* Rows that would change nothing are not saved (and write no history), so importing the same
  file twice changes nothing.
"""

from __future__ import annotations

import csv
import datetime
import functools
import io
import re
import zipfile
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import DatabaseError, IntegrityError, connections, models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_countries import countries

from integrations.bulk import BulkWriter, BulkWriteRefused, KnownRecords, bulk_capable
from integrations.columns import (
    BOOL,
    CHOICE,
    CHOICES,
    COUNTRY,
    DATE,
    DECIMAL,
    INTEGER,
    KINDS,
    LINES,
    REF,
    REFS,
    Column,
    KindSpec,
    header_key,
)
from portfolio.forms import PersonForm, RoleAssignmentForm, VendorForm
from portfolio.models import (
    Application,
    Capability,
    Cost,
    LearningResource,
    ManagementObject,
    Organisation,
    Person,
    RoleAssignment,
    ServiceUsage,
    Vendor,
    per_kind_ids,
)
from portfolio.services import save_form
from portfolio.text import fold, split_lines

__all__ = [
    "ImportError_",
    "ImportLimits",
    "ImportReport",
    "RowError",
    "RowResult",
    "Sheet",
    "detect_kind",
    "form_would_change",
    "import_file",
    "import_limits",
    "import_rows",
    "instance_form_data",
    "map_headers",
    "max_import_bytes",
    "parse_date",
    "read_sheet",
    "snapshot_fields",
    "template_sheets",
]

#: Files above this size are refused before they are parsed (setting IMPORT_MAX_BYTES).
DEFAULT_MAX_IMPORT_BYTES = 20 * 1024 * 1024
#: An .xlsx is a zip; its unpacked parts may not exceed this (a "zip bomb" is refused; setting
#: IMPORT_MAX_UNPACKED_BYTES).
MAX_UNPACKED_XLSX_BYTES = 200 * 1024 * 1024
#: More data rows than this are refused (a register has thousands of systems, not millions;
#: setting IMPORT_MAX_ROWS).
MAX_ROWS = 50_000
#: A sheet or CSV row reaching further right than this is refused (the widest kind has under
#: 40 columns; setting IMPORT_MAX_COLUMNS).
MAX_COLUMNS = 100
#: A CSV record longer than this many characters is refused (setting IMPORT_MAX_LINE_CHARS).
MAX_LINE_CHARS = 100_000
#: A workbook with more distinct texts than this is refused unread: openpyxl holds them all in memory
#: (about 90 bytes each) before the first row is read (setting IMPORT_MAX_SHARED_STRINGS).
MAX_SHARED_STRINGS = 500_000

CREATED = "created"
UPDATED = "updated"
UNCHANGED = "unchanged"
ERROR = "error"

#: What a row will do (dry run, or a file refused for its errors) …
STATUS_LABELS = {
    CREATED: gettext_lazy("skapas"),
    UPDATED: gettext_lazy("uppdateras"),
    UNCHANGED: gettext_lazy("oförändrad"),
    ERROR: gettext_lazy("fel"),
}
#: … and what it did, once the import is confirmed and saved.
DONE_STATUS_LABELS = {
    CREATED: gettext_lazy("skapad"),
    UPDATED: gettext_lazy("uppdaterad"),
    UNCHANGED: gettext_lazy("oförändrad"),
    ERROR: gettext_lazy("fel"),
}

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"


def max_import_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_BYTES", DEFAULT_MAX_IMPORT_BYTES))


@dataclass(frozen=True)
class ImportLimits:
    """What one imported file may hold; each is checked while the file is read."""

    rows: int
    columns: int
    line_chars: int
    unpacked_bytes: int
    shared_strings: int


def import_limits() -> ImportLimits:
    """The limits in force: the settings ``IMPORT_MAX_*``, else the defaults above."""
    return ImportLimits(
        rows=int(getattr(settings, "IMPORT_MAX_ROWS", MAX_ROWS)),
        columns=int(getattr(settings, "IMPORT_MAX_COLUMNS", MAX_COLUMNS)),
        line_chars=int(getattr(settings, "IMPORT_MAX_LINE_CHARS", MAX_LINE_CHARS)),
        unpacked_bytes=int(getattr(settings, "IMPORT_MAX_UNPACKED_BYTES", MAX_UNPACKED_XLSX_BYTES)),
        shared_strings=int(getattr(settings, "IMPORT_MAX_SHARED_STRINGS", MAX_SHARED_STRINGS)),
    )


class ImportError_(Exception):  # noqa: N801 - not the builtin ImportError
    """The file as a whole is refused (size, type, encoding, headers); nothing was written."""


@dataclass
class RowError:
    row: int
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        where = _("rad %(row)s") % {"row": self.row}
        if self.column:
            where += _(", kolumn ”%(column)s”") % {"column": self.column}
        if self.value:
            where += _(", värde ”%(value)s”") % {"value": self.value[:80]}
        return f"{where}: {self.message}"


@dataclass
class RowResult:
    row: int
    status: str
    label: str = ""
    errors: list[RowError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: Set when the import this row belongs to has been saved: its label then says what was done.
    applied: bool = False

    @property
    def status_label(self) -> str:
        return str((DONE_STATUS_LABELS if self.applied else STATUS_LABELS)[self.status])


@dataclass
class ImportReport:
    kind: str
    filename: str
    dry_run: bool
    rows: list[RowResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    applied: bool = False

    @property
    def errors(self) -> list[RowError]:
        return [error for row in self.rows for error in row.errors]

    @property
    def counts(self) -> dict[str, int]:
        counts = {CREATED: 0, UPDATED: 0, UNCHANGED: 0, ERROR: 0}
        for row in self.rows:
            counts[row.status] += 1
        return counts

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        """One line for the page and the command: the rows counted, then what was or would be done.

        Each count stands after its label ("skapas: 3"), so no word has to agree with it; the number
        of rows goes through ngettext ("1 rad", "2 rader"), one whole message per outcome.
        """
        values = {"total": len(self.rows), **self.counts}
        if self.applied:
            message = ngettext(
                "%(total)s rad – skapade: %(created)s, uppdaterade: %(updated)s, oförändrade: "
                "%(unchanged)s. Importen är genomförd.",
                "%(total)s rader – skapade: %(created)s, uppdaterade: %(updated)s, oförändrade: "
                "%(unchanged)s. Importen är genomförd.",
                values["total"],
            )
        elif self.dry_run:
            message = ngettext(
                "%(total)s rad – skapas: %(created)s, uppdateras: %(updated)s, oförändrade: "
                "%(unchanged)s, fel: %(error)s. Provkörning: inget har sparats.",
                "%(total)s rader – skapas: %(created)s, uppdateras: %(updated)s, oförändrade: "
                "%(unchanged)s, fel: %(error)s. Provkörning: inget har sparats.",
                values["total"],
            )
        else:
            message = ngettext(
                "%(total)s rad – skapas: %(created)s, uppdateras: %(updated)s, oförändrade: "
                "%(unchanged)s, fel: %(error)s. Inget har sparats eftersom filen innehåller fel.",
                "%(total)s rader – skapas: %(created)s, uppdateras: %(updated)s, oförändrade: "
                "%(unchanged)s, fel: %(error)s. Inget har sparats eftersom filen innehåller fel.",
                values["total"],
            )
        return message % values


@dataclass
class Sheet:
    """The text of one sheet: its headers as written, and its non-blank rows of cells.

    ``numbers`` gives each row's number as the spreadsheet program shows it (the header is
    row 1 unless blank rows come first), so that a report points at the right line even when
    blank rows were skipped.
    """

    headers: list[str]
    rows: list[list[str]]
    numbers: list[int] = field(default_factory=list)

    def number(self, position: int) -> int:
        return self.numbers[position] if position < len(self.numbers) else position + 2


#
# Reading files
#


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252, the two encodings Swedish Excel writes."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise ImportError_(
            _(
                "Filen är varken UTF-8 eller Windows-1252 (byte %(pos)s kan inte läsas). "
                "Spara den som CSV UTF-8."
            )
            % {"pos": exc.start}
        ) from exc
    if "\x00" in text:
        raise ImportError_(_("Filen innehåller binära data och är ingen CSV-fil."))
    return text


def _delimiter(text: str) -> str:
    first = text[: import_limits().line_chars].split("\n", 1)[0]
    counts = {sep: first.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _clean(value: Any) -> str:
    """A cell's value as the text the importer reads: blanks, None and NaN become ""."""
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        if value.is_integer():
            value = int(value)  # Excel stores 12 as 12.0: read "12", as pandas did
    text = str(value).replace("\r\n", "\n").strip()
    return "" if text.lower() == "nan" else text


class _SheetBuilder:
    """Collects rows one at a time into a :class:`Sheet`, refusing more data rows than allowed.

    Blank rows are skipped but keep their number; the first non-blank row is the header. Data
    rows are cut to the header's width: a value under no header is never read, so it is not kept.
    """

    def __init__(self, limits: ImportLimits) -> None:
        self.limits = limits
        self.headers: list[str] | None = None
        self.rows: list[list[str]] = []
        self.numbers: list[int] = []

    def add(self, number: int, cells: list[str]) -> None:
        if not any(cells):
            return
        if self.headers is None:
            while cells and not cells[-1]:
                cells.pop()
            self.headers = cells
            return
        if len(self.rows) >= self.limits.rows:
            raise ImportError_(
                _("Filen har fler än %(max)s datarader; högst %(max)s tas emot per import.")
                % {"max": self.limits.rows}
            )
        self.rows.append(cells[: len(self.headers)])
        self.numbers.append(number)

    def sheet(self) -> Sheet:
        if self.headers is None:
            raise ImportError_(_("Filen är tom: den saknar rubrikrad."))
        return Sheet(headers=self.headers, rows=self.rows, numbers=self.numbers)


class _BoundedLines:
    """The lines of a CSV text for ``csv.reader``, refusing a record longer than ``limit`` characters.

    Lines are cut from the text with ``str.find`` bounded by what is left of the limit, so a file
    that is one 10 MB line is refused without being copied (``io.StringIO`` would hold four bytes a
    character). ``record_done`` starts the count again when the reader has returned a record: a
    quoted cell may span lines, so the limit is on the record, not the physical line.
    """

    def __init__(self, text: str, limit: int) -> None:
        if "\r" in text and "\n" not in text:
            text = text.replace("\r", "\n")  # old Mac line ends
        self.text = text
        self.limit = limit
        self.position = 0
        self.used = 0

    def __iter__(self):
        return self

    def __next__(self) -> str:
        text, start = self.text, self.position
        if start >= len(text):
            raise StopIteration
        stop = start + self.limit - self.used
        end = text.find("\n", start, stop)
        if end == -1:
            if len(text) > stop:
                raise _RecordTooLong
            end = len(text) - 1
        self.position = end + 1
        self.used += end + 1 - start
        return text[start : end + 1]

    def record_done(self) -> None:
        self.used = 0


class _RecordTooLong(Exception):
    pass


def _read_csv(data: bytes) -> Sheet:
    limits = import_limits()
    text = _decode(data)
    sep = _delimiter(text)
    lines = _BoundedLines(text, limits.line_chars)
    reader = csv.reader(lines, delimiter=sep, quotechar='"', doublequote=True)
    builder = _SheetBuilder(limits)
    number = 0
    try:
        for number, record in enumerate(reader, start=1):
            lines.record_done()
            if len(record) > limits.columns:
                raise ImportError_(
                    _("Rad %(row)s i CSV-filen har %(n)s kolumner; högst %(max)s kolumner läses.")
                    % {"row": number, "n": len(record), "max": limits.columns}
                )
            cells = [_clean(value) for value in record]
            if builder.headers is not None and any(cells[len(builder.headers) :]):
                raise ImportError_(
                    _("CSV-filen kan inte läsas: rad %(row)s har fler värden (%(n)s) än rubrikraden (%(m)s).")
                    % {"row": number, "n": len(cells), "m": len(builder.headers)}
                )
            builder.add(number, cells)
    except _RecordTooLong:
        raise ImportError_(
            _("Rad %(row)s i CSV-filen är längre än %(max)s tecken och läses inte.")
            % {"row": number + 1, "max": limits.line_chars}
        ) from None
    except csv.Error as exc:
        raise ImportError_(
            _("CSV-filen kan inte läsas: %(reason)s") % {"reason": f"rad {number + 1}: {str(exc)[:200]}"}
        ) from exc
    return builder.sheet()


#: Elements openpyxl loads whole when it opens a workbook, before any row is read: shared strings
#: (``<si>``) and styles. They are counted in every part of the zip (a hostile file may name its
#: parts as it likes), so a 40 KB workbook of a million one-letter strings is refused unread.
_EAGER_ELEMENTS = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(si|xf|dxf|font|fill|border|numFmt)[\s/>]")
#: Excel itself allows 64,000 cell formats; a workbook with more style elements is not a real one.
MAX_STYLE_ELEMENTS = 200_000


def _count_eager_elements(archive: zipfile.ZipFile, max_strings: int) -> tuple[int, int]:
    """(shared strings, style elements) in all parts, read in chunks: never a whole part at once.

    Counting stops as soon as either is over its limit: the answer is then only "too many".
    """
    counts = {"strings": 0, "styles": 0}

    def count(block: bytes, end: int) -> bool:
        for match in _EAGER_ELEMENTS.finditer(block, 0, end):
            counts["strings" if match.group(1) == b"si" else "styles"] += 1
        return counts["strings"] > max_strings or counts["styles"] > MAX_STYLE_ELEMENTS

    for info in archive.infolist():
        tail = b""
        with archive.open(info) as part:
            while chunk := part.read(1 << 20):
                block = tail + chunk
                # A tag cut at the chunk's end is counted with the next chunk, never twice.
                cut = block.rfind(b"<", max(0, len(block) - 64))
                cut = len(block) if cut == -1 else cut
                if count(block, cut):
                    return counts["strings"], counts["styles"]
                tail = block[cut:]
        if count(tail, len(tail)):
            break
    return counts["strings"], counts["styles"]


def _check_zip(data: bytes) -> None:
    limits = import_limits()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            names = set(archive.namelist())
            if unpacked <= limits.unpacked_bytes and "xl/workbook.xml" in names:
                strings, styles = _count_eager_elements(archive, limits.shared_strings)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise ImportError_(_("Arbetsboken är skadad och kan inte öppnas (ingen giltig .xlsx-fil).")) from exc
    if unpacked > limits.unpacked_bytes:
        raise ImportError_(
            _("Arbetsboken packas upp till mer än %(mb)s MB och tas inte emot.")
            % {"mb": limits.unpacked_bytes // (1024 * 1024)}
        )
    if "xl/workbook.xml" not in names:
        raise ImportError_(_("Filen är en zip-fil men ingen Excel-arbetsbok (.xlsx)."))
    if strings > limits.shared_strings:
        raise ImportError_(
            _("Arbetsboken har fler än %(max)s olika textvärden; högst %(max)s tas emot per import.")
            % {"max": limits.shared_strings}
        )
    if styles > MAX_STYLE_ELEMENTS:
        raise ImportError_(
            _("Arbetsboken har fler än %(max)s formatdefinitioner och är ingen vanlig arbetsbok.")
            % {"max": MAX_STYLE_ELEMENTS}
        )


def _xlsx_value(cell: dict) -> str:
    """A parsed cell's text; an error cell (#N/A, #REF!) is blank, as pandas read it."""
    if cell.get("data_type") == "e":
        return ""
    return _clean(cell.get("value"))


def _sheet_too_large(sheet: str, where: str, limits: ImportLimits) -> ImportError_:
    return ImportError_(
        _(
            "Bladet ”%(sheet)s” når %(where)s; högst %(rows)s datarader och %(columns)s kolumner "
            "tas emot per import. Ta bort tomma rader och kolumner längst ned och till höger, eller "
            "dela upp filen."
        )
        % {"sheet": sheet, "where": where, "rows": limits.rows, "columns": limits.columns}
    )


def _stream_xlsx_rows(book, worksheet, limits: ImportLimits) -> Iterable[tuple[int, list[str]]]:
    """(row number, cells as text) of each row of ``worksheet`` holding a value, one at a time.

    The rows are read straight from the sheet's XML with openpyxl's own read-only parser, so a row
    is never padded to the sheet's width and a gap of a million rows costs nothing. Every cell's
    coordinate is checked against the limits before its row is built.
    """
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet._reader import WorkSheetParser

    last_row = limits.rows + 1  # the header and the data rows
    with worksheet._get_source() as source:
        parser = WorkSheetParser(
            source,
            worksheet._shared_strings,
            data_only=True,
            epoch=book.epoch,
            date_formats=book._date_formats,
            timedelta_formats=book._timedelta_formats,
        )
        for number, cells in parser.parse():
            values = [(cell["column"], _xlsx_value(cell)) for cell in cells]
            values = [(column, text) for column, text in values if text]
            if not values:
                continue
            widest = max(column for column, _text in values)
            if widest > limits.columns or number > last_row:
                column = widest if widest > limits.columns else values[0][0]
                raise _sheet_too_large(worksheet.title, f"{get_column_letter(column)}{number}", limits)
            row = [""] * widest
            for column, text in values:
                row[column - 1] = text
            yield number, row


def _read_xlsx(data: bytes, sheet_hint: Iterable[str] = ()) -> Sheet:
    if data.startswith(_OLE2_MAGIC):
        raise ImportError_(
            _(
                "Arbetsboken är lösenordsskyddad (krypterad) eller i det gamla .xls-formatet. "
                "Ta bort lösenordet och spara som .xlsx."
            )
        )
    _check_zip(data)
    limits = import_limits()
    import openpyxl
    from openpyxl.utils import get_column_letter

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
        try:
            names = book.sheetnames
            wanted = {header_key(h) for h in sheet_hint}
            sheet_name = next((n for n in names if header_key(n) in wanted), names[0] if names else None)
            if sheet_name is None:
                raise ImportError_(_("Arbetsboken har inga blad."))
            worksheet = book[sheet_name]
            # The size the sheet declares (<dimension ref="A1:XFD1048576"/>) is refused unread; a
            # sheet that declares less than it holds is caught cell by cell below.
            declared_rows, declared_columns = worksheet.max_row or 0, worksheet.max_column or 0
            if declared_rows > limits.rows + 1 or declared_columns > limits.columns:
                corner = f"{get_column_letter(max(declared_columns, 1))}{max(declared_rows, 1)}"
                raise _sheet_too_large(sheet_name, corner, limits)
            builder = _SheetBuilder(limits)
            for number, row in _stream_xlsx_rows(book, worksheet, limits):
                builder.add(number, row)
        finally:
            book.close()
    except ImportError_:
        raise
    except MemoryError:
        raise
    except Exception as exc:  # openpyxl raises many types on a damaged workbook
        raise ImportError_(
            _("Arbetsboken är skadad och kan inte läsas: %(reason)s")
            % {"reason": f"{type(exc).__name__}: {str(exc)[:150]}"}
        ) from exc
    return builder.sheet()


def read_sheet(data: bytes, filename: str, *, sheet_hint: Iterable[str] = ()) -> Sheet:
    """Read ``data`` (the bytes of ``filename``) as a sheet of text, or refuse it with a reason.

    Every limit of :func:`import_limits` is checked while the file is read, before the next row
    is built; what still runs out of memory is refused too, never a server error.
    """
    limit = max_import_bytes()
    if len(data) > limit:
        raise ImportError_(
            _("Filen är %(size)s MB; gränsen för en import är %(limit)s MB.")
            % {"size": round(len(data) / 1024 / 1024, 1), "limit": round(limit / 1024 / 1024, 1)}
        )
    if not data.strip():
        raise ImportError_(_("Filen är tom."))
    suffix = Path(filename).suffix.lower()
    try:
        if data.startswith((_ZIP_MAGIC, _OLE2_MAGIC)) or suffix in (".xlsx", ".xlsm", ".xls"):
            if suffix not in (".xlsx", ".xlsm", ".xls", ""):
                raise ImportError_(
                    _("Filen har ändelsen %(suffix)s men är en arbetsbok; döp om den till .xlsx.")
                    % {"suffix": suffix}
                )
            return _read_xlsx(data, sheet_hint)
        if suffix not in (".csv", ".txt", ""):
            raise ImportError_(
                _("Filtypen %(suffix)s tas inte emot: använd .xlsx eller .csv.") % {"suffix": suffix}
            )
        return _read_csv(data)
    except (MemoryError, RecursionError) as exc:
        raise ImportError_(
            _("Filen är för stor eller för invecklad för att läsas in. Dela upp den i mindre filer.")
        ) from exc


#
# Reading cells
#

_DATE_FORMATS = (
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), "ymd"),
    (re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"), "ymd"),
    (re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$"), "dmy"),
    (re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$"), "dmy"),
)


def parse_date(text: str) -> datetime.date:
    """A date written 2025-08-01 (ISO, also 2025/08/01), 01.08.2025 or 1/8/2025 (day first).

    Excel date cells arrive as "2025-08-01 00:00:00"; the midnight time is dropped. Month-first
    American dates are not accepted: "1/8/2025" is the first of August.
    """
    text = text.strip()
    text = re.sub(r"[ T]00:00(:00(\.0+)?)?$", "", text)
    for pattern, order in _DATE_FORMATS:
        match = pattern.match(text)
        if match:
            a, b, c = (int(g) for g in match.groups())
            year, month, day = (a, b, c) if order == "ymd" else (c, b, a)
            try:
                return datetime.date(year, month, day)
            except ValueError as exc:
                raise ValueError(_("datumet finns inte")) from exc
    raise ValueError(_("okänt datumformat; skriv 2025-08-01, 01.08.2025 eller 1/8/2025"))


_TRUE = {"ja", "j", "yes", "y", "true", "sant", "1", "x"}
_FALSE = {"nej", "n", "no", "false", "falskt", "0"}


def _parse_bool(text: str) -> bool:
    key = fold(text)
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise ValueError(_("skriv ja eller nej"))


def _parse_number(text: str, *, integer: bool) -> str:
    cleaned = re.sub(r"(?i)\s*(kr|sek|:-)\s*$", "", text).replace("\u00a0", "").replace(" ", "")
    cleaned = cleaned.replace("\u2212", "-")
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        number = Decimal(cleaned)
    except ArithmeticError as exc:
        raise ValueError(_("inte ett tal")) from exc
    if not number.is_finite():
        raise ValueError(_("inte ett tal"))
    if integer:
        if number != number.to_integral_value():
            raise ValueError(_("inte ett heltal"))
        return str(int(number))
    return str(number)


@functools.cache
def _choice_index(choices: type[models.TextChoices]) -> dict[str, str]:
    index: dict[str, str] = {}
    for code, label in choices.choices:
        if code == "":
            continue
        index[header_key(code)] = code
        index[header_key(label)] = code
        # "e) Uppgift av allmänt intresse …": the letter alone and the text alone both work.
        match = re.match(r"^([a-j])\)\s*(.+)$", str(label))
        if match:
            index[header_key(match.group(2))] = code
    return index


def _allowed(choices: type[models.TextChoices]) -> str:
    return ", ".join(f"{label} ({code})" for code, label in choices.choices if code)


def _split(text: str, separators: str = ";\n") -> list[str]:
    parts = re.split("[" + re.escape(separators) + "]", text)
    return [p.strip() for p in parts if p.strip()]


#
# Finding related records
#


#: Prefix of the alias keys in :class:`Lookups`' index (a name is never looked up with it).
ALIAS_KEY = "alias\x00"


class Lookups:
    """Every record a row can refer to, loaded once per import (a query per register, not per row)."""

    def __init__(self) -> None:
        self._by_ref: dict[str, dict[str, list[models.Model]]] = {}

    def _index(self, ref: str) -> dict[str, list[models.Model]]:
        if ref not in self._by_ref:
            index: dict[str, list[models.Model]] = defaultdict(list)
            for obj in self._queryset(ref):
                for key in self._keys(ref, obj):
                    if key and obj not in index[key]:
                        index[key].append(obj)
            self._by_ref[ref] = index
        return self._by_ref[ref]

    @staticmethod
    def _queryset(ref: str):
        return {
            "vendor": Vendor.objects.all,
            "capability": lambda: Capability.objects.select_related("parent"),
            "organisation": Organisation.objects.all,
            "management_object": ManagementObject.objects.all,
            "person": Person.objects.all,
            "application": Application.objects.all,
            "learning_resource": LearningResource.objects.all,
        }[ref]()

    @staticmethod
    def _keys(ref: str, obj: models.Model) -> list[str]:
        keys = [fold(getattr(obj, "name", ""))]
        if getattr(obj, "external_id", ""):
            keys.append("id:" + fold(obj.external_id))
        if ref == "vendor" and obj.organisation_number:
            keys.append(re.sub(r"\D", "", obj.organisation_number))
        if ref == "capability" and obj.parent_id:
            keys.append(fold(f"{obj.parent.name} › {obj.name}"))
        if ref == "organisation" and obj.school_unit_code:
            keys.append(obj.school_unit_code)
        if ref == "person" and obj.email:
            keys.append(fold(obj.email))
        if ref in ("application", "learning_resource"):
            # A merge leaves the duplicate's names here; kept apart from the names so that a
            # name always wins over an alias (see :meth:`find_alias`).
            keys.extend(ALIAS_KEY + fold(alias) for alias in split_lines(obj.aliases))
        return keys

    def find(self, ref: str, text: str) -> list[models.Model]:
        index = self._index(ref)
        candidates = [fold(text), "id:" + fold(text)]
        if ref == "capability":
            candidates.append(fold(re.sub(r"\s*(>|/|»)\s*", " › ", text)))
        if ref == "vendor":
            digits = re.sub(r"\D", "", text)
            if len(digits) == 10:
                candidates.append(digits)
        found: list[models.Model] = []
        for key in candidates:
            for obj in index.get(key, []):
                if obj not in found:
                    found.append(obj)
            if found:
                break
        return found

    def find_alias(self, ref: str, text: str) -> list[models.Model]:
        """The services of ``ref`` with ``text`` (case-folded) among their aliases.

        After a merge the kept registration holds the duplicate's names as aliases, so last
        year's spreadsheet, which still says "Flipgrid", finds "Flip" instead of creating
        "Flipgrid" again.
        """
        return list(self._index(ref).get(ALIAS_KEY + fold(text), []))

    def add(self, ref: str, obj: models.Model) -> None:
        """Make a record created during this import findable by later rows."""
        index = self._index(ref)
        for key in self._keys(ref, obj):
            if key and obj not in index[key]:
                index[key].append(obj)


#
# Rows to forms
#


def _form_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, models.Model):
        # A record collected for a bulk insert has no key yet; the import's choice fields take it as is.
        return value.pk if value.pk is not None else value
    if isinstance(value, (list, tuple, set)) or hasattr(value, "all"):
        items = value.all() if hasattr(value, "all") else value
        return [_form_value(v) for v in items]
    if isinstance(value, (datetime.date, Decimal, bool, int)):
        return value
    return str(value)


def instance_form_data(form_class: type, instance: models.Model) -> dict[str, Any]:
    """The form data that reproduces ``instance`` (or a new record's defaults) unchanged."""
    names = list(form_class._meta.fields)
    # The form's own initial: per-kind service fields and a learning resource's type included.
    initial = form_class(instance=instance).initial_values()
    return {name: _form_value(initial.get(name)) for name in names}


_BOOKKEEPING = {"created", "updated", "version", "search_text"}


def _stored_values_match(instance: models.Model, values: dict[str, Any]) -> bool:
    """Whether every value read from the row equals what ``instance`` already stores."""
    for name, value in values.items():
        if name.startswith("_"):
            continue
        try:
            field_ = instance._meta.get_field(name)
        except FieldDoesNotExist:
            return False  # a form field over another one (a service per kind): let the form decide
        if name == "kind" and getattr(instance, "resource_type", None) is not None:
            if instance.resource_type != (value or ""):
                return False
            continue
        if field_.many_to_many:
            stored = {obj.pk for obj in getattr(instance, name).all()}  # prefetched when read
            if stored != {obj.pk for obj in value}:
                return False
            continue
        current = getattr(instance, field_.attname)
        if field_.is_relation:
            if current != getattr(value, "pk", value) or _is_waiting(value):
                return False
        elif isinstance(current, list) or isinstance(value, list):
            if sorted(current or []) != sorted(value or []):
                return False
        elif isinstance(current, Decimal) or isinstance(current, int) and not isinstance(current, bool):
            try:
                if Decimal(str(value)) != Decimal(current):
                    return False
            except ArithmeticError:
                return False
        elif current != value and str(current) != str(value):
            return False
    return True


def snapshot_fields(instance: models.Model) -> dict[str, Any]:
    return {
        f.attname: f.value_from_object(instance)
        for f in instance._meta.concrete_fields
        if f.attname not in _BOOKKEEPING
    }


def form_would_change(form, snapshot: dict[str, Any]) -> bool:
    """Whether saving ``form`` would change its record or links.

    Compared on the model instance after the Form and the model's ``clean()`` have run, so that
    what they normalise (an organisationsnummer's dash, the order of a set of choices) does
    not count as a change; links are compared as sets of primary keys.
    """
    return bool(changed_fields(form, snapshot)) or links_would_change(form)


def changed_fields(form, snapshot: dict[str, Any]) -> list[str]:
    """The names of the fields whose values saving ``form`` would change (see :func:`form_would_change`)."""
    instance = form.instance
    changed = []
    for model_field in instance._meta.concrete_fields:
        if model_field.attname not in snapshot:
            continue
        before, after = snapshot[model_field.attname], getattr(instance, model_field.attname)
        points_at_new = (
            model_field.many_to_one
            and model_field.is_cached(instance)
            and _is_waiting(model_field.get_cached_value(instance))
        )
        if points_at_new:
            changed.append(model_field.name)  # it now points at a record this import creates
        elif isinstance(before, list) or isinstance(after, list):
            if sorted(before or []) != sorted(after or []):
                changed.append(model_field.name)
        elif str(before or "") != str(after or "") and before != after:
            changed.append(model_field.name)
    return changed


def links_would_change(form) -> bool:
    """Whether saving ``form`` would change its record's links (compared as sets of keys)."""
    instance = form.instance
    per_kind = {name for name, link in getattr(form, "link_fields", {}).items() if len(link) == 4}
    for name in form.fields:
        is_link = name in per_kind or name in {f.name for f in instance._meta.many_to_many}
        if not is_link:
            continue
        initial = form.get_initial_for_field(form.fields[name], name)
        before = {getattr(obj, "pk", obj) for obj in initial or []}
        after = {obj.pk for obj in form.cleaned_data.get(name) or []}
        if before != after:
            return True
    return False


def _is_waiting(value: Any) -> bool:
    """Whether ``value`` is a record created by this import and still waiting for its bulk insert."""
    return isinstance(value, models.Model) and value.pk is None


def _record_key(obj: models.Model | None) -> Any:
    """A record's identity: its primary key, or the object itself while it waits for a bulk insert."""
    if obj is None or obj.pk is not None:
        return getattr(obj, "pk", None)
    return ("new", id(obj))


def _points_at(obj: models.Model, field_name: str) -> Any:
    """The :func:`_record_key` of the record ``obj``'s foreign key ``field_name`` points at."""
    field = obj._meta.get_field(field_name)
    if field.is_cached(obj):
        related = field.get_cached_value(obj)
        if related is not None and related.pk is None:
            return _record_key(related)
    return getattr(obj, field.attname)


class _StoredState:
    """An existing record's attributes before a row's Form wrote its values onto it.

    A Form writes the row's values onto its instance while it validates, also when it then
    refuses them; a later row matched to the same record must compare with what is stored.
    """

    def __init__(self, instance: models.Model) -> None:
        self.instance = instance
        self.attributes = dict(instance.__dict__)
        self.related = dict(instance._state.fields_cache)

    def restore(self) -> None:
        self.instance.__dict__.clear()
        self.instance.__dict__.update(self.attributes)
        self.instance._state.fields_cache = dict(self.related)


@dataclass
class _Cell:
    column: Column
    header: str
    raw: str


class RowImporter:
    """Turns the rows of one kind into form submissions and saves them; see :func:`import_rows`.

    ``bulk``: validate without a query per row and collect new and changed records for a bulk
    write (``integrations.bulk``). Anything that would make the outcome differ from the row-by-row
    import — the database refusing a row, a row failing after its record was saved — raises
    :class:`~integrations.bulk.BulkWriteRefused`, and :func:`import_rows` imports the file again
    row by row.
    """

    def __init__(self, spec: KindSpec, *, user, reason: str, bulk: bool = False) -> None:
        self.spec = spec
        self.user = user
        self.reason = reason
        self.lookups = Lookups()
        self._role_keys: set[tuple] | None = None
        self._by_external_id: dict[str, models.Model] | None = None
        self.known = KnownRecords() if bulk else None
        #: Roles on records still waiting for their insert: checked and collected once they have keys.
        self._deferred_roles: list[tuple] = []
        # Kinds matched by a query (costs, activities, contracts) would not see records still
        # waiting for their insert; they are saved row by row.
        # The database must hand back the keys of inserted rows (links and roles point at them).
        self.writer = (
            BulkWriter(user=user, reason=reason, known=self.known)
            if bulk
            and spec.match in ("service", "person")
            and bulk_capable(spec.form_class)
            and connections[spec.model._default_manager.db].features.can_return_rows_from_bulk_insert
            else None
        )

    # -- validating and saving ----------------------------------------------------------------

    def _form(self, form_class: type, **kwargs: Any):
        """``form_class(**kwargs)``; in a bulk import one whose choice fields answer from memory."""
        return form_class(**kwargs) if self.known is None else self.known.form(form_class, **kwargs)

    def _is_valid(self, form) -> bool:
        """``form.is_valid()``; in a bulk import answered without a query per row.

        With a bulk writer, constraints are the database's to check: every write of a bulk
        import that the database refuses makes the file go in again row by row.
        """
        if self.known is None:
            return form.is_valid()
        with self.known.validating(form, constraints_by_database=self.writer is not None):
            return form.is_valid()

    def _create(self, form) -> models.Model:
        """Save the new record of a valid ``form``: collected for the bulk insert, or at once."""
        if self.writer is not None:
            return self.writer.create(form)
        return save_form(form, user=self.user, reason=self.reason)

    def flush(self) -> None:
        """Write the records collected for the bulk insert (before a row needs them in the database)."""
        while self.writer is not None and (self.writer.pending or self._deferred_roles):
            self.writer.flush()
            self._role_keys = None  # reread: roles just written are in the database now
            deferred, self._deferred_roles = self._deferred_roles, []
            for person, role, target_field, target, dates, cell, row, errors in deferred:
                self._ensure_role(person, role, target_field, target, dates, cell, row, errors)
                if errors:
                    raise BulkWriteRefused("a role of a row failed after the row's record was collected")

    # -- cells ------------------------------------------------------------------------------

    def convert(self, cell: _Cell, errors: list[RowError], row: int) -> Any:
        column, raw = cell.column, cell.raw

        def fail(message: str) -> None:
            errors.append(RowError(row, cell.header, raw, message))

        try:
            if column.kind == LINES:
                return "\n".join(_split(raw))
            if column.kind == CHOICE:
                code = _choice_index(column.choices).get(header_key(raw))
                if code is None:
                    fail(_("okänt val; tillåtna värden: %(allowed)s") % {"allowed": _allowed(column.choices)})
                return code
            if column.kind == CHOICES:
                index = _choice_index(column.choices)
                codes = []
                for part in _split(raw, ";,\n"):
                    code = index.get(header_key(part))
                    if code is None:
                        fail(
                            _("okänt val ”%(part)s”; tillåtna värden: %(allowed)s")
                            % {"part": part, "allowed": _allowed(column.choices)}
                        )
                    else:
                        codes.append(code)
                return codes
            if column.kind == DATE:
                return parse_date(raw)
            if column.kind == BOOL:
                return _parse_bool(raw)
            if column.kind in (DECIMAL, INTEGER):
                return _parse_number(raw, integer=column.kind == INTEGER)
            if column.kind == COUNTRY:
                if len(raw) == 2 and raw.upper() in dict(countries):
                    return raw.upper()
                code = countries.by_name(raw) or countries.by_name(raw, language="sv")
                if not code:
                    fail(_("okänt land; skriv landskoden, t.ex. SE, IE eller US"))
                return code
            if column.kind == REF:
                return self._resolve(column, raw, fail)
            if column.kind == REFS:
                found = [self._resolve(column, part, fail) for part in _split(raw)]
                return [obj for obj in found if obj is not None]
        except ValueError as exc:
            fail(str(exc))
            return None
        if column.field == "email":
            return raw.lower()  # Person.save() stores e-mail addresses in lower case
        return raw

    def _resolve(self, column: Column, text: str, fail: Callable[[str], None]) -> models.Model | None:
        found = self.lookups.find(column.ref, text)
        if not found and column.ref in ("application", "learning_resource"):
            found = self.lookups.find_alias(column.ref, text)  # a name merged into another service
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            fail(_("%(n)s poster heter så; ange externt id i stället") % {"n": len(found)})
            return None
        if column.ref == "vendor":
            return self._create_vendor(text, fail)
        if column.field == "_owner":
            return self._create_person(text, fail)
        fail(_("finns inte i registret (%(what)s)") % {"what": column.ref.replace("_", " ")})
        return None

    def _create_vendor(self, text: str, fail: Callable[[str], None]) -> Vendor | None:
        form = self._form(VendorForm, data={"name": text})
        if not self._is_valid(form):
            fail("; ".join(str(m) for ms in form.errors.values() for m in ms))
            return None
        vendor = self._create(form)
        self.lookups.add("vendor", vendor)
        self.notes.append(_("ny leverantör: %(name)s") % {"name": vendor.name})
        return vendor

    def _may(self, permission: str) -> bool:
        """Whether the importing user may make this kind of side change (commands without a user may)."""
        return self.user is None or self.user.has_perm(permission)

    def _create_person(self, text: str, fail: Callable[[str], None]) -> Person | None:
        if not self._may("portfolio.add_person"):
            fail(_("du saknar behörighet att lägga till personer; lägg upp personen först"))
            return None
        data = {"name": text, "active": True}
        if "@" in text:
            data["email"] = text.lower()
        form = self._form(PersonForm, data=data)
        if not self._is_valid(form):
            fail("; ".join(str(m) for ms in form.errors.values() for m in ms))
            return None
        person = self._create(form)
        self.lookups.add("person", person)
        self.notes.append(_("ny person: %(name)s") % {"name": person.name})
        return person

    # -- matching ---------------------------------------------------------------------------

    def existing(self, values: dict[str, Any]) -> tuple[models.Model | None, str]:
        """The record this row updates, or None for a new one; or an error message."""
        spec = self.spec
        model = spec.model
        external_id = values.get("external_id") or ""
        if external_id:
            if self._by_external_id is None:
                self._by_external_id = {
                    o.external_id: o for o in model._default_manager.exclude(external_id="")
                }
            match = self._by_external_id.get(external_id)
            if match is not None:
                return match, ""
        if spec.match == "usage":
            service = values.get("application") or values.get("learning_resource")
            if service is None or values.get("organisation") is None:
                return None, ""  # the Form says which is missing
            usage = ServiceUsage.objects.filter(service=service, organisation=values["organisation"])
            return usage.first(), ""
        if spec.match == "cost":
            targets = {f: values.get(f) for f in ("management_object", "application", "learning_resource")}
            if not any(targets.values()):
                return None, ""
            rows = Cost.objects.filter(
                year=values.get("year"),
                category=values.get("category") or "",
                kind=values.get("kind") or "",
                pm3_part=values.get("pm3_part") or "",
                management_object=targets["management_object"],
                service=targets["application"] or targets["learning_resource"],
            )
            rows = rows.filter(external_id__in=["", external_id]) if external_id else rows
            found = list(rows[:2])
        else:
            name = values.get("name") or ""
            service_ref = "application" if spec.key == "systems" else "learning_resource"
            ref = {
                "service": service_ref,
                "activity": None,
                "contract": None,
                "catalogue": None,
                "person": "person",
            }[spec.match]
            if spec.match == "person" and values.get("email"):
                found = [p for p in self.lookups.find("person", values["email"]) if p.email]
                if found:
                    return found[0], ""
            if ref:
                candidates = [obj for obj in self.lookups.find(ref, name) if fold(obj.name) == fold(name)]
            else:
                candidates = [
                    obj
                    for obj in model._default_manager.filter(search_text__contains=fold(name))
                    if fold(obj.name) == fold(name)
                ]
            partner = {"service": "vendor", "contract": "vendor", "activity": "controller"}.get(spec.match)
            if partner and partner in values:
                wanted = _record_key(values.get(partner))
                candidates = [obj for obj in candidates if _points_at(obj, partner) == wanted]
            if external_id:
                candidates = [obj for obj in candidates if obj.external_id in ("", external_id)]
            if not candidates and spec.match == "service" and name:
                return self._existing_by_alias(ref, name, external_id)
            found = candidates[:2]
        if len(found) > 1:
            return None, _("flera befintliga poster matchar raden; ange externt id")
        return (found[0] if found else None), ""

    def _existing_by_alias(self, ref: str, name: str, external_id: str) -> tuple[models.Model | None, str]:
        """The one service that has ``name`` as an alias (a name merged into it), or an error.

        No vendor check here, unlike the match by name: a merge keeps one vendor, and the old
        spreadsheet may still name the old one (a product bought and renamed). Two services
        with the same alias are not guessed between.
        """
        owners = self.lookups.find_alias(ref, name)
        if external_id:
            owners = [obj for obj in owners if obj.external_id in ("", external_id)]
        if len(owners) > 1:
            names = ", ".join(sorted((f"”{obj.name}”" for obj in owners), key=str.casefold))
            return None, _(
                "”%(name)s” är alias för flera tjänster (%(names)s); ange externt id eller det "
                "nuvarande namnet"
            ) % {"name": name, "names": names}
        if owners:
            self.matched_alias = owners[0]
            return owners[0], ""
        return None, ""

    def _apply_alias_match(self, instance: models.Model, values: dict[str, Any]) -> None:
        """Keep what the merge decided when a row matched ``instance`` by one of its aliases.

        The row's name is the old name: the kept registration keeps its own name (and its
        vendor, when it has one), and its aliases are extended, not replaced, by the row's.
        """
        alias = values.pop("name", "")
        if instance.vendor_id is not None and "vendor" in values:
            if _record_key(values["vendor"]) != instance.vendor_id:
                self.notes.append(
                    _("leverantören i raden används inte; %(name)s behåller sin") % {"name": instance.name}
                )
            values.pop("vendor")
        if "aliases" in values:
            merged: dict[str, str] = {}
            for line in [*split_lines(instance.aliases), *split_lines(values["aliases"])]:
                merged.setdefault(fold(line), line)
            values["aliases"] = "\n".join(merged.values())
        self.notes.append(
            _("”%(alias)s” är ett tidigare namn för %(name)s; raden uppdaterar den")
            % {"alias": alias, "name": instance.name}
        )

    # -- one row ----------------------------------------------------------------------------

    def import_row(self, row_number: int, cells: list[_Cell]) -> RowResult:
        errors: list[RowError] = []
        self.notes: list[str] = []
        values: dict[str, Any] = {}
        raw_by_field: dict[str, _Cell] = {}
        for cell in cells:
            raw_by_field[cell.column.field] = cell
            if cell.raw == "":
                continue  # an empty cell leaves the field as it is
            values[cell.column.field] = self.convert(cell, errors, row_number)
        # A row is named by its record's name; a usage row, which has none, by its service and school.
        usage = ("application", "learning_resource", "organisation")
        named = usage if self.spec.match == "usage" else ("name",)
        label = " – ".join(raw_by_field[f].raw for f in named if f in raw_by_field and raw_by_field[f].raw)
        result = RowResult(row=row_number, status=ERROR, label=label, errors=errors, notes=self.notes)
        for column in self.spec.required_columns:
            if column.field not in values:
                cell = raw_by_field.get(column.field)
                errors.append(RowError(row_number, cell.header if cell else column.sv, "", _("värde saknas")))
        if errors:
            return result

        self.matched_alias = None
        instance, problem = self.existing(values)
        if problem:
            errors.append(RowError(row_number, "", "", problem))
            return result
        if instance is not None and instance is self.matched_alias:
            self._apply_alias_match(instance, values)
        if self.writer is not None and self.writer.is_pending(instance):
            self.flush()  # an earlier row of this file created it: update it in the database
        is_new = instance is None
        link_fields = getattr(self.spec.form_class, "link_fields", {})
        if not is_new and self.known is not None and link_fields.keys() & values.keys():
            self.known.give_links(instance, link_fields)
        if not is_new and _stored_values_match(instance, values):
            # Nothing to change: no form round, no save, no history. A stored record already
            # passed its Form when it was saved.
            changed, form, links_changed = False, None, False
        else:
            if not is_new and self.known is not None:
                self.known.give_links(instance, link_fields)
            stored = _StoredState(instance) if not is_new else None
            instance = instance or self.spec.model()
            snapshot = snapshot_fields(instance)
            # The form's data is filled from its own initial values (the record as stored, or a
            # new record's defaults) and then the row's cells, so that a column the file leaves
            # out keeps its value. Filling the bound dict in place reads the record only once.
            data: dict[str, Any] = {}
            form = self._form(self.spec.form_class, data=data, instance=instance)
            data.update({name: _form_value(value) for name, value in form.initial_values().items()})
            for name, value in values.items():
                if not name.startswith("_"):
                    data[name] = _form_value(value)
            if not self._is_valid(form):
                self._form_errors(form, raw_by_field, row_number, errors)
                if not is_new:
                    stored.restore()  # the refused row's values must not stick to the record
                return result
            links_changed = links_would_change(form)
            changed = is_new or links_changed or bool(changed_fields(form, snapshot))
        if not changed and not self._has_extras(values):
            result.status = UNCHANGED
            return result
        fields_only = changed and not is_new and not links_changed and not self._has_extras(values)
        if fields_only and self.writer is not None:
            # A change of fields only: collected for a bulk update (links and roles are saved row by row).
            instance = self.writer.update(form)
            self._remember(instance, is_new)
            result.status = UPDATED
            return result
        if is_new and self.writer is not None:
            instance = self.writer.create(form)
            self._remember(instance, is_new)
            self._extras(instance, values, raw_by_field, row_number, errors)
            if errors:
                raise BulkWriteRefused("a row failed after its record was collected")
            result.status = CREATED
            return result
        self.flush()  # a save now must see every earlier row in the database
        try:
            with transaction.atomic():
                if changed:
                    instance = save_form(form, user=self.user, reason=self.reason)
                    instance.__dict__.pop("_prefetched_objects_cache", None)  # its links may have changed
                    if self.known is not None:
                        self.known.note_links(form)
                    self._remember(instance, is_new)
                extra_changed = self._extras(instance, values, raw_by_field, row_number, errors)
                if errors:
                    raise _RowFailed
        except _RowFailed:
            if self.known is not None:
                raise BulkWriteRefused("a row failed after its record was saved") from None
            return result
        except (IntegrityError, ValidationError, DatabaseError) as exc:
            if self.known is not None:
                raise BulkWriteRefused(str(exc)) from exc
            errors.append(
                RowError(row_number, "", "", _("kunde inte sparas: %(reason)s") % {"reason": str(exc)[:200]})
            )
            return result
        result.status = CREATED if is_new else (UPDATED if changed or extra_changed else UNCHANGED)
        return result

    def _remember(self, instance: models.Model, is_new: bool) -> None:
        if self._by_external_id is not None and getattr(instance, "external_id", ""):
            self._by_external_id[instance.external_id] = instance
        ref = {"systems": "application", "learning_resources": "learning_resource", "people": "person"}.get(
            self.spec.key
        )
        if ref:
            # A record updated by its external id may have been renamed by the row: a later row
            # naming it by its new name must find it, as row by row it would (the stale key under
            # the old name is harmless, since a match also compares the record's current name).
            self.lookups.add(ref, instance)

    def _form_errors(self, form, raw_by_field: dict[str, _Cell], row: int, errors: list[RowError]) -> None:
        for name, messages in form.errors.items():
            cell = raw_by_field.get(name)
            header = cell.header if cell else ("" if name == "__all__" else self._header_for(name))
            for message in messages:
                errors.append(RowError(row, header, cell.raw if cell else "", str(message)))

    def _header_for(self, field_name: str) -> str:
        for column in self.spec.columns:
            if column.field == field_name:
                return column.sv
        return field_name

    # -- extra columns: system owner, person's role -----------------------------------------

    def _existing_roles(self) -> set[tuple]:
        if self._role_keys is None:
            self._role_keys = set(
                RoleAssignment.objects.annotate(**per_kind_ids()).values_list(
                    "person_id",
                    "role",
                    "management_object_id",
                    "application_id",
                    "learning_resource_id",
                    "organisation_id",
                )
            )
        return self._role_keys

    def _ensure_role(
        self,
        person: Person,
        role: str,
        target_field: str,
        target: models.Model,
        dates: dict[str, Any],
        cell: _Cell,
        row: int,
        errors: list[RowError],
    ) -> bool:
        writer = self.writer
        if writer is not None and (writer.is_pending(person) or writer.is_pending(target)):
            # The role's Form needs their keys: it is checked and collected when they are written.
            self._deferred_roles.append((person, role, target_field, target, dates, cell, row, errors))
            return True
        targets: dict[str, models.Model | None] = {
            f: None for f in ("management_object", "application", "learning_resource", "organisation")
        }
        targets[target_field] = target
        key = (person.pk, role, *(t.pk if t is not None else None for t in targets.values()))
        if key in self._existing_roles():
            return False
        if not self._may("portfolio.add_roleassignment"):
            message = _("du saknar behörighet att tilldela roller; lämna kolumnen tom eller be en strateg")
            errors.append(RowError(row, cell.header, cell.raw, str(message)))
            return False
        data = {
            "person": _form_value(person),
            "role": role,
            **{k: _form_value(v) for k, v in targets.items()},
            "starts_on": dates.get("starts_on") or "",
            "ends_on": dates.get("ends_on") or "",
        }
        form = self._form(RoleAssignmentForm, data=data)
        collect = writer is not None
        if not self._is_valid(form):
            for messages in form.errors.values():
                for message in messages:
                    errors.append(RowError(row, cell.header, cell.raw, str(message)))
            return False
        if collect:
            self.writer.create(form)
        else:
            save_form(form, user=self.user, reason=self.reason)
        self._role_keys.add(key)
        return True

    def _has_extras(self, values: dict[str, Any]) -> bool:
        return self.spec.key == "people" or values.get("_owner") is not None

    def _extras(self, instance, values, raw_by_field, row, errors) -> bool:
        from portfolio.choices import RoleChoices

        if "_owner" in values and values["_owner"] is not None:
            target_field = "application" if isinstance(instance, Application) else "learning_resource"
            return self._ensure_role(
                values["_owner"],
                RoleChoices.SYSTEM_OWNER,
                target_field,
                instance,
                {},
                raw_by_field["_owner"],
                row,
                errors,
            )
        if self.spec.key == "people":
            role_targets = [
                f
                for f in ("management_object", "application", "learning_resource", "organisation")
                if values.get(f"_role_{f}") is not None
            ]
            if "_role" not in values:
                if role_targets:
                    errors.append(
                        RowError(
                            row,
                            raw_by_field[f"_role_{role_targets[0]}"].header,
                            "",
                            _("ange också rollen i kolumnen Roll"),
                        )
                    )
                return False
            cell = raw_by_field["_role"]
            if len(role_targets) != 1:
                errors.append(
                    RowError(
                        row,
                        cell.header,
                        cell.raw,
                        _(
                            "rollen ska gälla exakt ett förvaltningsobjekt, system, en lärresurs "
                            "eller en organisation"
                        ),
                    )
                )
                return False
            target = role_targets[0]
            dates = {"starts_on": values.get("_role_starts_on"), "ends_on": values.get("_role_ends_on")}
            return self._ensure_role(
                instance, values["_role"], target, values[f"_role_{target}"], dates, cell, row, errors
            )
        return False


class _RowFailed(Exception):
    pass


#
# The import
#


def detect_kind(headers: list[str]) -> tuple[KindSpec, str]:
    """The kind the headers fit best, and a warning when that was a close call.

    Only kinds whose required headers are all present count; a header that only one kind knows
    weighs more than one that several share ("Licensmodell" says learning resources, "Namn"
    says little). On a tie the first kind in ``KINDS`` order is taken, and the warning says so.
    """
    owners: dict[str, int] = {}
    for spec in KINDS.values():
        for h in {header_key(h) for h in headers if h and spec.column_for(h) is not None}:
            owners[h] = owners.get(h, 0) + 1
    scores = []
    for spec in KINDS.values():
        matched = [header_key(h) for h in headers if h and spec.column_for(h) is not None]
        fields = {spec.column_for(h).field for h in headers if h and spec.column_for(h) is not None}
        if not matched or any(c.field not in fields for c in spec.required_columns):
            continue
        scores.append((sum(10 if owners[h] == 1 else 1 for h in matched), spec))
    if not scores:
        raise ImportError_(_("Rubrikerna känns inte igen som någon importtyp; ange typ (--kind)."))
    scores.sort(key=lambda s: -s[0])  # stable: KINDS order on a tie
    warning = ""
    if len(scores) > 1 and scores[0][0] == scores[1][0]:
        warning = _(
            "Rubrikerna passar lika bra för %(a)s och %(b)s; filen lästes som %(a)s (ange annars typ)."
        ) % {
            "a": scores[0][1].label_text,
            "b": scores[1][1].label_text,
        }
    return scores[0][1], warning


def map_headers(spec: KindSpec, headers: list[str]) -> tuple[dict[int, Column], list[str]]:
    """Column index → Column for the recognised headers, and warnings for the others.

    Refuses missing required headers and a field given twice (also "Systemnamn" next to "Name").
    """
    mapping: dict[int, Column] = {}
    seen: dict[str, str] = {}
    warnings: list[str] = []
    problems: list[str] = []
    for index, header in enumerate(headers):
        if not header:
            continue
        column = spec.column_for(header)
        if column is None:
            warnings.append(_("Kolumnen ”%(header)s” känns inte igen och läses inte.") % {"header": header})
            continue
        if column.field in seen:
            problems.append(
                _("Kolumnerna ”%(a)s” och ”%(b)s” anger samma uppgift (%(field)s).")
                % {"a": seen[column.field], "b": header, "field": column.sv}
            )
            continue
        seen[column.field] = header
        mapping[index] = column
    for column in spec.required_columns:
        if column.field not in seen:
            problems.append(
                _("Kolumnen ”%(sv)s” (eller ”%(en)s”) saknas.") % {"sv": column.sv, "en": column.en}
            )
    if problems:
        raise ImportError_(" ".join(problems))
    return mapping, warnings


def import_rows(
    spec: KindSpec,
    sheet: Sheet,
    *,
    filename: str,
    user=None,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
    bulk: bool = True,
) -> ImportReport:
    """Import ``sheet`` as ``spec``: all or nothing, in one transaction; see the module docstring.

    ``bulk`` (the default) validates and writes in bulk (``integrations.bulk``) and falls back to
    row by row where that could change the outcome; ``bulk=False`` imports row by row from the
    start. Both write the same records and history and give the same report.
    """
    mapping, warnings = map_headers(spec, sheet.headers)
    report = ImportReport(kind=spec.key, filename=filename, dry_run=dry_run, warnings=warnings)
    reason = f"Import: {Path(filename).name}"
    total = len(sheet.rows)

    def run(importer: RowImporter) -> list[RowResult]:
        results = []
        for position, row in enumerate(sheet.rows):
            cells = [
                _Cell(column, sheet.headers[index], row[index] if index < len(row) else "")
                for index, column in mapping.items()
            ]
            results.append(importer.import_row(sheet.number(position), cells))
            if progress is not None:
                progress(position + 1, total)
        importer.flush()
        return results

    with transaction.atomic():
        try:
            if not bulk:
                raise BulkWriteRefused("row by row asked for")
            with transaction.atomic():
                report.rows = run(RowImporter(spec, user=user, reason=reason, bulk=True))
        except BulkWriteRefused:
            # The fast path cannot say exactly what went wrong; the row-by-row import can.
            report.rows = run(RowImporter(spec, user=user, reason=reason))
        if dry_run or report.errors:
            transaction.set_rollback(True)
        else:
            report.applied = True
            for row in report.rows:
                row.applied = True
    return report


def import_file(
    data: bytes,
    filename: str,
    *,
    kind: str | None = None,
    user=None,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
    bulk: bool = True,
) -> ImportReport:
    """Read and import one file. Raises :class:`ImportError_` when the file as a whole is refused."""
    spec = None
    if kind:
        from integrations.columns import kind_for

        spec = kind_for(kind)
        if spec is None:
            raise ImportError_(
                _("Okänd importtyp ”%(kind)s”; välj en av %(kinds)s.")
                % {"kind": kind, "kinds": ", ".join(KINDS)}
            )
    hint = (spec.label_text, spec.key) if spec else ()
    sheet = read_sheet(data, filename, sheet_hint=hint)
    warning = ""
    if spec is None:
        spec, warning = detect_kind(sheet.headers)
    report = import_rows(
        spec, sheet, filename=filename, user=user, dry_run=dry_run, progress=progress, bulk=bulk
    )
    if warning:
        report.warnings.insert(0, warning)
    return report


#
# The template workbook
#

_FORMATS = {
    "text": gettext_lazy("Text"),
    LINES: gettext_lazy("Text; flera värden åtskilda med semikolon"),
    CHOICE: gettext_lazy("Ett av de tillåtna värdena (benämning eller kod)"),
    CHOICES: gettext_lazy("Ett eller flera av de tillåtna värdena, åtskilda med semikolon eller komma"),
    DATE: gettext_lazy("Datum: 2025-08-01, 2025/08/01, 01.08.2025 eller 1/8/2025 (dag först)"),
    BOOL: gettext_lazy("ja eller nej"),
    DECIMAL: gettext_lazy("Belopp i kronor, t.ex. 1 250 000,50"),
    INTEGER: gettext_lazy("Heltal"),
    COUNTRY: gettext_lazy("Landskod (SE) eller landets namn"),
    REF: gettext_lazy("Namn eller externt id på en post i registret"),
    REFS: gettext_lazy("Namn eller externa id, åtskilda med semikolon"),
}


def column_format(column: Column) -> str:
    return str(_FORMATS.get(column.kind, _FORMATS["text"]))


def column_allowed_values(column: Column) -> str:
    if column.choices is None:
        return ""
    return "; ".join(f"{label} ({code})" for code, label in column.choices.choices if code)


def column_description(spec: KindSpec, column: Column) -> str:
    if column.help:
        return str(column.help)
    try:
        field_ = spec.model._meta.get_field(column.field)
    except Exception:  # an extra column, documented by its help
        return ""
    text = str(field_.verbose_name)
    text = text[:1].upper() + text[1:]
    return f"{text}. {field_.help_text}" if field_.help_text else text


def template_sheets(spec: KindSpec) -> dict[str, pd.DataFrame]:
    """An empty sheet with the expected headers, and a sheet explaining each column."""
    explained = pd.DataFrame(
        [
            {
                _("Kolumn"): column.sv,
                _("Engelsk rubrik"): column.en,
                _("Andra rubriker som känns igen"): ", ".join(column.aliases),
                _("Obligatorisk"): _("ja") if column.required else _("nej"),
                _("Format"): column_format(column),
                _("Tillåtna värden"): column_allowed_values(column),
                _("Förklaring"): column_description(spec, column),
            }
            for column in spec.columns
        ]
    )
    return {spec.label_text: pd.DataFrame(columns=[c.sv for c in spec.columns]), _("Förklaring"): explained}

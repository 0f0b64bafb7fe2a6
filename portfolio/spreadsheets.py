"""Writing spreadsheets for people: every export (lists, landscape, Article 30) goes through here.

Text that a spreadsheet program would run as a formula (CSV/formula injection: ``=HYPERLINK(…)``,
``+cmd``, ``@SUM(…)``) is neutralised with a leading apostrophe, datetimes are given in Swedish
local time without a zone (openpyxl refuses aware ones), and sheets get a frozen header,
filters and readable column widths.
"""

import datetime
import io
import re
from collections.abc import Mapping
from typing import IO, Any
from zoneinfo import ZoneInfo

import pandas as pd
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

__all__ = ["neutralise", "prepare", "write_csv", "write_xlsx", "xlsx_bytes"]

STOCKHOLM = ZoneInfo("Europe/Stockholm")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
MAX_COLUMN_WIDTH = 60


def neutralise(value: Any) -> Any:
    """Make ``value`` safe to put in a spreadsheet cell: formulas become plain text."""
    if isinstance(value, str):
        if value.startswith(_FORMULA_START):
            return "'" + value
        return value
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return value.astimezone(STOCKHOLM).replace(tzinfo=None)
    return value


def prepare(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with local naive datetimes and every text cell neutralised — the header
    too: a column named after stored text would otherwise be written as a formula."""
    frame = frame.copy()
    frame.columns = [neutralise(column) for column in frame.columns]
    for column in frame.columns:
        series = frame[column]
        if isinstance(series.dtype, pd.DatetimeTZDtype):
            frame[column] = series.dt.tz_convert(STOCKHOLM).dt.tz_localize(None)
        elif series.dtype == object or pd.api.types.is_string_dtype(series.dtype):
            frame[column] = series.map(neutralise, na_action="ignore").astype(object)
    return frame


def _sheet_name(name: str, taken: set[str]) -> str:
    base = _SHEET_FORBIDDEN.sub(" ", name).strip()[:31] or "Blad"
    candidate, n = base, 2
    while candidate.lower() in taken:
        suffix = f" ({n})"
        candidate = base[: 31 - len(suffix)] + suffix
        n += 1
    taken.add(candidate.lower())
    return candidate


def _format_cells(worksheet) -> None:
    """Multi-line text wraps (one item a line, as written) and dates read as dates, not numbers."""
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in worksheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str) and "\n" in cell.value:
                cell.alignment = wrap
            elif isinstance(cell.value, datetime.datetime | datetime.date):
                cell.number_format = "yyyy-mm-dd" if _is_midnight(cell.value) else "yyyy-mm-dd hh:mm"


def _is_midnight(value) -> bool:
    return not isinstance(value, datetime.datetime) or value.time() == datetime.time(0)


def write_xlsx(sheets: Mapping[str, pd.DataFrame], target: str | IO[bytes]) -> None:
    """Write one sheet per entry of ``sheets`` (in order) to ``target`` (a path or binary stream)."""
    taken: set[str] = set()
    with pd.ExcelWriter(target, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            sheet_name = _sheet_name(name, taken)
            prepare(frame).to_excel(writer, sheet_name=sheet_name, index=False)
            worksheet = writer.sheets[sheet_name]
            worksheet.freeze_panes = "A2"
            if frame.shape[1]:
                worksheet.auto_filter.ref = worksheet.dimensions
            for cell in worksheet[1]:
                cell.font = Font(bold=True)
            _format_cells(worksheet)
            for index, column in enumerate(frame.columns, start=1):
                values = [str(column), *(str(v) for v in frame[column].head(500).tolist() if v is not None)]
                longest = max(len(line) for v in values for line in (v.splitlines() or [""]))
                width = min(MAX_COLUMN_WIDTH, longest + 2)
                worksheet.column_dimensions[get_column_letter(index)].width = max(width, 8)


def xlsx_bytes(sheets: Mapping[str, pd.DataFrame]) -> bytes:
    """The workbook as bytes, for an HTTP response."""
    buffer = io.BytesIO()
    write_xlsx(sheets, buffer)
    return buffer.getvalue()


def write_csv(frame: pd.DataFrame, target: str | IO[str] | None = None, *, sep: str = ";") -> str | None:
    """Write ``frame`` as CSV the way Swedish Excel opens it: semicolons, UTF-8 with BOM (for paths).

    With no ``target`` the CSV text is returned.
    """
    text = prepare(frame).to_csv(index=False, sep=sep, lineterminator="\r\n")
    if target is None:
        return text
    if isinstance(target, str):
        with open(target, "w", encoding="utf-8-sig", newline="") as handle:
            handle.write(text)
        return None
    target.write(text)
    return None

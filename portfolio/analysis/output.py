"""One way for the analysis commands to print their findings: table, CSV or JSON.

Rows are flat dictionaries (lists joined with "; "); CSV goes through
:func:`portfolio.spreadsheets.write_csv`, which neutralises formula injection; JSON keeps the
full nested dataclasses so that scripts get everything the analysis knows.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import pandas as pd

from portfolio.spreadsheets import write_csv

__all__ = ["FORMATS", "add_format_argument", "flatten", "render", "to_jsonable"]

FORMATS = ("table", "csv", "json")


def add_format_argument(parser) -> None:
    parser.add_argument(
        "--format", choices=FORMATS, default="table", help="Utdataformat: table (läsbar), csv eller json."
    )


def to_jsonable(value: Any) -> Any:
    """Dataclasses, Decimals, dates and tuples as plain JSON values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value) if f.repr}
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [to_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return float(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def flatten(value: Any) -> Any:
    """A cell value: lists joined with "; ", None as ""."""
    if value is None:
        return ""
    if isinstance(value, list | tuple | set):
        return "; ".join(str(flatten(v)) for v in value)
    if isinstance(value, Decimal):
        return float(value)
    return value


def render(
    stdout,
    fmt: str,
    rows: Sequence[dict[str, Any]],
    columns: Sequence[str],
    *,
    full: Any = None,
    summary: str = "",
    table_columns: Iterable[str] | None = None,
) -> None:
    """Write ``rows`` in ``fmt``; for JSON write ``full`` (the analysis result) when given."""
    if fmt == "json":
        payload = to_jsonable(full if full is not None else list(rows))
        stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    flat = [{c: flatten(row.get(c)) for c in columns} for row in rows]
    if fmt == "csv":
        stdout.write(write_csv(pd.DataFrame(flat, columns=list(columns))), ending="")
        return
    shown = list(table_columns or columns)
    widths = {c: min(60, max([len(c)] + [len(str(r[c])) for r in flat])) for c in shown}
    stdout.write("  ".join(c.ljust(widths[c]) for c in shown).rstrip())
    for row in flat:
        cells = []
        for c in shown:
            text = str(row[c])
            if len(text) > widths[c]:
                text = text[: widths[c] - 1] + "…"
            cells.append(text.ljust(widths[c]))
        stdout.write("  ".join(cells).rstrip())
    if summary:
        stdout.write(summary)

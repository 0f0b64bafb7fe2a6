"""The Article 30 register out: Excel (one sheet per controller plus a summary), CSV and JSON.

The rows come from ``gdpr.ropa`` (the same rows GraphQL ``ropa`` and the web download show);
this module only writes them in each format, through ``portfolio.spreadsheets`` so that every
cell is safe from formula injection and the sheets are readable (widths, frozen header, filters).
"""

from __future__ import annotations

import datetime
from typing import IO

from gdpr.ropa import ropa_frames, ropa_json, ropa_rows, rows_frame
from portfolio.models import Organisation
from portfolio.spreadsheets import write_csv, write_xlsx

__all__ = ["FORMATS", "export_ropa", "ropa_json"]

FORMATS = ("xlsx", "csv", "json")


def export_ropa(
    target: str | IO,
    *,
    fmt: str = "xlsx",
    controller: Organisation | int | None = None,
    as_of: datetime.date | datetime.datetime | None = None,
    processor: bool = False,
) -> int:
    """Write the register to ``target`` (a path, or a binary stream for xlsx, a text stream otherwise).

    Returns the number of processing activities written.
    """
    if fmt not in FORMATS:
        raise ValueError(f"Unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    rows = ropa_rows(controller=controller, as_of=as_of, processor=processor)
    on = as_of.date() if isinstance(as_of, datetime.datetime) else as_of
    if fmt == "xlsx":
        write_xlsx(ropa_frames(rows, on=on), target)
    elif fmt == "csv":
        write_csv(rows_frame(rows), target)
    else:
        text = ropa_json(rows)
        if isinstance(target, str):
            with open(target, "w", encoding="utf-8") as handle:
                handle.write(text)
        else:
            target.write(text)
    return len(rows)

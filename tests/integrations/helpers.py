"""Small builders for import tests: CSV text and workbooks made in memory, history counts."""

import csv
import io

import pandas as pd
from django.apps import apps


def csv_bytes(rows: list[list[str]], *, sep: str = ";", encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=sep).writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list[object]], sheet: str = "System") -> bytes:
    buffer = io.BytesIO()
    frame = pd.DataFrame(rows[1:], columns=rows[0])
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame.to_excel(writer, sheet_name=sheet, index=False)
    return buffer.getvalue()


def register_counts() -> dict[str, int]:
    """Rows and history rows of every portfolio and GDPR model: the register's fingerprint."""
    counts: dict[str, int] = {}
    for label in ("portfolio", "gdpr"):
        for model in apps.get_app_config(label).get_models():
            counts[model._meta.label] = model._default_manager.count()
    return counts

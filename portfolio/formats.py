"""Numbers as people read them: one place, through Django's localisation.

Every count, sum of kronor and percentage the register shows — on pages, in analysis texts, in
chart labels — goes through these helpers, so the active language decides the grouping: Swedish
groups with a non-breaking space ("48 202", Django's ``sv`` ``THOUSAND_SEPARATOR``), English with
a comma ("48,202"). Years and codes are not numbers to group: callers leave them as they are.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.formats import number_format

__all__ = ["decimal_number", "kronor", "percent", "whole_number"]

NBSP = "\u00a0"


def whole_number(value: Any) -> str:
    """``48202`` → "48 202" (Swedish) or "48,202" (English); rounded half to even."""
    return number_format(round(Decimal(value)), 0, force_grouping=True)


def decimal_number(value: Any, places: int = 1) -> str:
    """``98.94`` → "98,9" (Swedish) or "98.9" (English), grouped like :func:`whole_number`."""
    return number_format(round(value, places), places, force_grouping=True)


def kronor(value: Any) -> str:
    """``1234567.5`` → "1 234 568 kr": whole kronor, the unit after a non-breaking space."""
    return whole_number(value) + NBSP + "kr"


def percent(share: float) -> str:
    """A share 0–1 as a whole percentage: ``0.5`` → "50 %" (Swedish typography: a space before %)."""
    return f"{round(float(share) * 100):d}{NBSP}%"

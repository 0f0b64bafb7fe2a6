"""The one definition of "valid on a day" for rows with ``starts_on`` and ``ends_on``.

A contract is *in force* and a role assignment *current* on a day when the day falls within its
period, both ends included; a missing start or end leaves that side open. The rule is written
once in SQL (:func:`valid_on_q`, for querysets) and once in Python (:func:`valid_on`, for rows
already in memory: analysis rows, history snapshots), and tests hold the two to the same
boundaries.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.db.models import Q

__all__ = ["valid_on", "valid_on_q"]


def valid_on_q(on: datetime.date, *, prefix: str = "") -> Q:
    """Rows whose period contains ``on``; ``prefix`` reaches a related row (``"contract__"``)."""
    return (Q(**{f"{prefix}starts_on__isnull": True}) | Q(**{f"{prefix}starts_on__lte": on})) & (
        Q(**{f"{prefix}ends_on__isnull": True}) | Q(**{f"{prefix}ends_on__gte": on})
    )


def valid_on(record: Any, on: datetime.date) -> bool:
    """Whether ``record`` (a model instance, a historical one, or a ``values()`` dict) is valid on ``on``."""
    if isinstance(record, Mapping):
        starts_on, ends_on = record.get("starts_on"), record.get("ends_on")
    else:
        starts_on, ends_on = record.starts_on, record.ends_on
    return (starts_on is None or starts_on <= on) and (ends_on is None or ends_on >= on)

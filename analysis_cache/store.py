"""Save and load computed results, and the lease that lets one process at a time recompute them.

Every function here costs a fixed number of queries whatever the number of results: loading is
one query, saving is one upsert, claiming the lease two statements. Values are pickled: they are
the analyses' own dataclasses, written and read only by this application's code (the table is
not part of backups, so a restored file never brings pickles with it).
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import pickle
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

from django.db.models import Q
from django.utils import timezone

from .models import AnalysisRefresh, AnalysisResult

__all__ = [
    "Stored",
    "claim_lease",
    "lease_expires",
    "load",
    "purge",
    "release_lease",
    "renew_lease",
    "save",
    "source_digest",
    "states",
]

logger = logging.getLogger(__name__)

#: A lease not renewed for this long belongs to a process that died mid-refresh (a worker recycled
#: or killed); another may take it over. The holder renews it after every analysis, and the longest
#: single analysis takes seconds at demo scale 30, so this is only the wait after a death.
LEASE_TIMEOUT = datetime.timedelta(minutes=2)


@dataclass
class Stored:
    """One stored result as read from the database; ``value()`` unpickles it."""

    name: str
    language: str
    state: str
    computed_from: datetime.datetime
    computed_at: datetime.datetime
    seconds: float
    data: bytes

    def value(self) -> Any:
        """The result, or ``None`` when it cannot be read back (written by another version of the code)."""
        try:
            return pickle.loads(self.data)
        except Exception:  # noqa: BLE001 - an unreadable cache entry is only a cache miss
            logger.warning("Stored analysis %s (%s) is unreadable; recomputing it", self.name, self.language)
            return None


def load(names: Iterable[str], language: str) -> dict[str, Stored]:
    """The stored results of ``names`` in ``language``, by name (one query)."""
    rows = AnalysisResult.objects.filter(language=language, name__in=list(names)).values_list(
        "name", "language", "state", "computed_from", "computed_at", "seconds", "value"
    )
    return {row[0]: Stored(*row[:6], bytes(row[6])) for row in rows}


def purge(prefixes: Iterable[str], older_than: datetime.datetime) -> int:
    """Delete the results whose name starts with one of ``prefixes`` and that were last computed
    before ``older_than``; how many rows went (one statement). For results keyed by something
    open-ended — a plan and a date — that would otherwise accumulate for as long as the
    installation runs."""
    condition = Q()
    for prefix in prefixes:
        condition |= Q(name__startswith=prefix)
    if not condition:
        return 0
    deleted, _per_model = AnalysisResult.objects.filter(condition, computed_at__lt=older_than).delete()
    return deleted


def states(names: Iterable[str], language: str) -> dict[str, str]:
    """The state each stored result of ``names`` was computed from, without the values (one query)."""
    return dict(
        AnalysisResult.objects.filter(language=language, name__in=list(names)).values_list("name", "state")
    )


def save(
    values: dict[str, Any],
    *,
    language: str,
    state: str | dict[str, str],
    computed_from: datetime.datetime,
    seconds: dict[str, float] | None = None,
) -> datetime.datetime:
    """Store ``values`` (name → result), replacing what was stored under those names (one upsert).

    ``state`` is one state for all, or one per name. Returns the time stored as ``computed_at``.
    """
    computed_at = timezone.now()
    seconds = seconds or {}
    rows = [
        AnalysisResult(
            name=name,
            language=language,
            state=state if isinstance(state, str) else state[name],
            computed_from=computed_from,
            computed_at=computed_at,
            seconds=seconds.get(name, 0.0),
            value=pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL),
        )
        for name, value in values.items()
    ]
    if rows:
        AnalysisResult.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["name", "language"],
            update_fields=["state", "computed_from", "computed_at", "seconds", "value"],
        )
    return computed_at


def claim_lease(language: str) -> datetime.datetime | None:
    """Take the refresh lease of ``language``: its start time if this caller got it, else ``None``.

    Two statements, atomic on SQLite and PostgreSQL alike: make sure the lease row exists, then
    take it only if nobody holds it (or its holder has held it past :data:`LEASE_TIMEOUT`).
    """
    AnalysisRefresh.objects.bulk_create([AnalysisRefresh(language=language)], ignore_conflicts=True)
    started = timezone.now()
    abandoned = Q(renewed_at__lt=started - LEASE_TIMEOUT) | Q(renewed_at__isnull=True)
    taken = (
        AnalysisRefresh.objects.filter(language=language)
        .filter(Q(started_at__isnull=True) | abandoned)
        .update(started_at=started, renewed_at=started)
    )
    return started if taken else None


def renew_lease(language: str, started: datetime.datetime) -> bool:
    """Say the holder of the lease taken at ``started`` is still at work; false if it was taken over."""
    held = AnalysisRefresh.objects.filter(language=language, started_at=started)
    return bool(held.update(renewed_at=timezone.now()))


def lease_expires(language: str) -> datetime.datetime | None:
    """When the lease of ``language`` may be taken over unless renewed; ``None`` when nobody holds it."""
    row = AnalysisRefresh.objects.filter(language=language, started_at__isnull=False).values_list(
        "renewed_at", "started_at"
    ).first()
    if row is None:
        return None
    return (row[0] or row[1]) + LEASE_TIMEOUT


def release_lease(language: str, started: datetime.datetime) -> None:
    """Give the lease back (only if it is still the one taken at ``started``)."""
    AnalysisRefresh.objects.filter(language=language, started_at=started).update(
        started_at=None, renewed_at=None, finished_at=timezone.now()
    )


@cache
def source_digest(*modules: ModuleType) -> str:
    """A digest of the source of ``modules`` (a package: every ``.py`` file in it).

    Part of a stored result's state, so results computed by other code (a new release that
    weighs or words things differently) count as never computed rather than being shown.
    """
    digest = hashlib.sha256()
    for module in modules:
        path = Path(module.__file__)
        files = sorted(path.parent.glob("*.py")) if path.name == "__init__.py" else [path]
        for file in files:
            digest.update(file.name.encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]

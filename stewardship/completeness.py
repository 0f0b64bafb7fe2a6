"""The whole register's completeness: the portfolio's and the GDPR side's scores composed.

``portfolio`` may not know ``gdpr``, so the composition lives here (stewardship stands where
``integrations`` does in the dependency direction): the dashboard, GraphQL and the review round
read these functions.
"""

import datetime
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation

from analysis_cache import store
from gdpr.completeness import activity_completeness, activity_completeness_at, by_controller
from portfolio.analysis.completeness import (
    Aggregate,
    Completeness,
    MonthPoint,
    application_completeness,
    by_management_object,
    by_owner,
    learning_resource_completeness,
    management_object_completeness,
    month_ends,
    month_point,
    point_from_records,
    portfolio_completeness_at,
    total,
)
from portfolio.history import Snapshot

__all__ = ["CompletenessSummary", "completeness_over_time", "completeness_summary", "records_by_kind"]

KIND_LABELS = {
    "application": "System",
    "learning_resource": "Lärresurser",
    "management_object": "Förvaltningsobjekt",
    "processing_activity": "Behandlingar",
}


@dataclass
class CompletenessSummary:
    """Everything the dashboard and GraphQL show about completeness."""

    overall: Aggregate
    by_kind: list[Aggregate]
    by_management_object: list[Aggregate]
    by_owner: list[Aggregate]
    by_controller: list[Aggregate]
    records: dict[str, list[Completeness]]
    over_time: list[MonthPoint] = field(default_factory=list)

    @property
    def least_complete(self) -> list[Completeness]:
        """The ten records with the lowest score, for a "fix these first" list."""
        every = [r for results in self.records.values() for r in results]
        return sorted(every, key=lambda r: (r.percent, r.name))[:10]


def records_by_kind(today: datetime.date | None = None) -> dict[str, list[Completeness]]:
    """Every current record's completeness, per kind (eight queries whatever the size)."""
    return {
        "application": application_completeness(today=today),
        "learning_resource": learning_resource_completeness(today=today),
        "management_object": management_object_completeness(today=today),
        "processing_activity": activity_completeness(today=today),
    }


def completeness_summary(*, today: datetime.date | None = None, months: int = 0) -> CompletenessSummary:
    """The register's completeness now, aggregated; with ``months`` > 0 also the month-end series."""
    today = today or timezone.localdate()
    records = records_by_kind(today)
    every = [r for results in records.values() for r in results]
    portfolio_side = [*records["application"], *records["management_object"]]
    return CompletenessSummary(
        overall=total(every, "Hela registret"),
        by_kind=[total(results, KIND_LABELS[kind]) for kind, results in records.items()],
        by_management_object=by_management_object(portfolio_side),
        by_owner=by_owner(every),
        by_controller=by_controller(records["processing_activity"]),
        records=records,
        over_time=completeness_over_time(months, today, current=records) if months else [],
    )


def _register_at(snapshot: Snapshot, day: datetime.date) -> dict[str, list[Completeness]]:
    return {**portfolio_completeness_at(snapshot, day), **activity_completeness_at(snapshot, day)}


#: Past month-ends are history, which is only ever appended to: a past month-end's figure never
#: changes. Each is computed once and stored (``analysis_cache``, shared by every process and kept
#: across restarts) under the code that scored it; this process also keeps it in Django's cache.
#: Only the running month (today) is computed on every call.
MONTH_CACHE_SECONDS = 24 * 60 * 60


def _month_state() -> str:
    """What a stored month-end figure depends on besides history: the code that scores it."""
    return store.source_digest(
        sys.modules[month_point.__module__],
        sys.modules[activity_completeness_at.__module__],
        sys.modules[Snapshot.__module__],
        sys.modules[__name__],
    )


def _cache_key(language: str, state: str, day: datetime.date) -> str:
    return f"stewardship:completeness:{language}:{state}:{day.isoformat()}"


def _past_points(days: list[datetime.date], language: str, state: str) -> dict[datetime.date, MonthPoint]:
    """The stored figures of past month-ends ``days``: this process's cache, else one query."""
    keys = {day: _cache_key(language, state, day) for day in days}
    found = cache.get_many(list(keys.values()))
    points = {day: found[key] for day, key in keys.items() if key in found}
    missing = [day for day in days if day not in points]
    if missing:
        stored = store.load([f"completeness_month:{day.isoformat()}" for day in missing], language)
        for day in missing:
            row = stored.get(f"completeness_month:{day.isoformat()}")
            point = row.value() if row is not None and row.state == state else None
            if point is not None:
                points[day] = point
                cache.set(keys[day], point, MONTH_CACHE_SECONDS)
    return points


def completeness_over_time(
    months: int = 12,
    today: datetime.date | None = None,
    *,
    use_cache: bool = True,
    current: Mapping[str, list[Completeness]] | None = None,
) -> list[MonthPoint]:
    """How complete the register was at each month's end, read from history (Snapshot per month).

    Past month-ends are computed once and kept (see :data:`MONTH_CACHE_SECONDS`); with
    ``use_cache=False`` every point is computed afresh and nothing is kept. ``current``: today's
    records as :func:`records_by_kind` scored them, if the caller has them; when ``today`` is
    the real today they are the register at today's end, so the running month is not read back
    from history (the costliest point: every row's latest history).
    """
    real_today = timezone.localdate()
    today = today or real_today
    days = month_ends(months, today)
    past = [day for day in days if day < today]
    language = translation.get_language() or settings.LANGUAGE_CODE
    state = _month_state()
    known = _past_points(past, language, state) if use_cache and past else {}
    computed: dict[str, MonthPoint] = {}
    points = []
    for day in days:
        point = known.get(day)
        if point is None and day == today == real_today and current is not None:
            point = point_from_records(day, current)
        if point is None:
            point = month_point(_register_at, day)
            if use_cache and day < today:
                computed[f"completeness_month:{day.isoformat()}"] = point
                cache.set(_cache_key(language, state, day), point, MONTH_CACHE_SECONDS)
        points.append(point)
    if computed:
        store.save(computed, language=language, state=state, computed_from=timezone.now())
    return points

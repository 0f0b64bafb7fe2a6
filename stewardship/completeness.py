"""The whole register's completeness: the portfolio's and the GDPR side's scores composed.

``portfolio`` may not know ``gdpr``, so the composition lives here (stewardship stands where
``integrations`` does in the dependency direction): the dashboard, GraphQL and the review round
read these functions.
"""

import datetime
from dataclasses import dataclass, field

from django.core.cache import cache
from django.utils import timezone

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
        over_time=completeness_over_time(months, today) if months else [],
    )


def _register_at(snapshot: Snapshot, day: datetime.date) -> dict[str, list[Completeness]]:
    return {**portfolio_completeness_at(snapshot, day), **activity_completeness_at(snapshot, day)}


#: Past month-ends are history and do not change, so their figures are cached for a day; only
#: the running month (today) is computed on every call.
MONTH_CACHE_SECONDS = 24 * 60 * 60


def completeness_over_time(
    months: int = 12, today: datetime.date | None = None, *, use_cache: bool = True
) -> list[MonthPoint]:
    """How complete the register was at each month's end, read from history (Snapshot per month)."""
    today = today or timezone.localdate()
    points = []
    for day in month_ends(months, today):
        key = f"stewardship:completeness:{day.isoformat()}"
        point = cache.get(key) if use_cache and day < today else None
        if point is None:
            point = month_point(_register_at, day)
            if use_cache and day < today:
                cache.set(key, point, MONTH_CACHE_SECONDS)
        points.append(point)
    return points

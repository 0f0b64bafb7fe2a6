"""Effektmål: the value of a goal's metric in a state of the register, today, at the plan's end
and month by month from history.

Every metric is read off a :class:`planning.future.FutureState`, which the analyses' own functions
computed: the goal adds no figure of its own. Shares are given in percent (one decimal), counts as
counts and costs in kronor, in the unit the goal's target is written in.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from portfolio.analysis.shapes import attr

from .choices import Metric
from .future import FutureState
from .models import Goal

__all__ = ["METRIC_FIGURES", "GoalProgress", "GoalValue", "figures_for", "goal_progress", "metric_value"]

#: The group of figures (``planning.future.FIGURES``) each metric is read from.
METRIC_FIGURES = {
    Metric.SSO_COVERAGE_USERS: "sso",
    Metric.SERVICES_PER_CAPABILITY: "sso",
    Metric.SKOLFEDERATION_SHARE: "sso",
    Metric.YEARLY_COST: "cost",
    Metric.OPEN_GDPR_GAPS: "gaps",
    Metric.EQUITY_SHARE: "equity",
    Metric.COMPLETENESS: "completeness",
}


def figures_for(goals: Iterable[Goal]) -> frozenset[str]:
    """The figure groups ``goals`` need: compute no whole-register analysis no goal reads."""
    return frozenset(METRIC_FIGURES[goal.metric] for goal in goals)

_ONE_DECIMAL = Decimal("0.1")


def _percent(share: float | None) -> Decimal | None:
    if share is None:
        return None
    return (Decimal(str(share)) * 100).quantize(_ONE_DECIMAL, rounding=ROUND_HALF_UP)


def metric_value(goal: Goal, state: FutureState) -> Decimal | None:
    """The goal's metric in ``state``; None when it cannot be computed (no school of the form)."""
    metric = goal.metric
    if metric == Metric.SSO_COVERAGE_USERS:
        return _percent(state.sso_coverage_by_users)
    if metric == Metric.SERVICES_PER_CAPABILITY:
        return Decimal(state.services_for(goal.capability_id)) if goal.capability_id else None
    if metric == Metric.OPEN_GDPR_GAPS:
        return Decimal(state.open_gaps(goal.severity)) if goal.severity else None
    if metric == Metric.EQUITY_SHARE:
        if not (goal.capability_id and goal.school_form):
            return None
        return _percent(state.equity_share(goal.capability_id, goal.school_form))
    if metric == Metric.YEARLY_COST:
        return Decimal(state.yearly_cost).quantize(Decimal("1"))
    if metric == Metric.SKOLFEDERATION_SHARE:
        return _percent(state.skolfederation_share)
    if metric == Metric.COMPLETENESS:
        return Decimal(state.completeness)
    raise ValueError(f"Unknown metric {metric!r}")


@dataclass
class GoalValue:
    """A goal's value on one day (a point of its series)."""

    day: datetime.date = attr(help="Dagen (månadens sista dag, eller idag).")
    value: Decimal | None = attr(help="Måttets värde den dagen.")


@dataclass
class GoalProgress:
    """An effektmål today and at the plan's date: "idag → vid planens slut"."""

    goal_id: int = attr(help="Effektmålets primärnyckel.")
    name: str = attr(help="Effektmålets namn.")
    metric: str = attr(help="Måttets kod.")
    comparison: str = attr(help="gte (minst) eller lte (högst).")
    target: Decimal = attr(help="Målvärdet.")
    target_label: str = attr(help="Målet i ord, t.ex. ”≥ 95”.")
    target_date: datetime.date = attr(help="När målet ska vara nått.")
    today: Decimal | None = attr(help="Värdet idag.")
    at_end: Decimal | None = attr(help="Värdet vid planens slut, med åtgärderna tillämpade.")
    met_today: bool | None = attr(help="Om målet är nått idag.")
    met_at_end: bool | None = attr(help="Om målet nås vid planens slut.")
    without_plan: Decimal | None = attr(
        help="Värdet samma dag utan planens åtgärder: det som ändras ändå (granskningar som hinner bli "
        "gamla, avtal som löper ut). Skillnaden mot at_end är planens egen effekt.",
        default=None,
    )


def goal_progress(
    goals: Iterable[Goal], today: FutureState, at_end: FutureState, without_plan: FutureState | None = None
) -> list[GoalProgress]:
    """Each goal's value today and in the future state, and whether it meets its target; with
    ``without_plan`` (the same day with no action applied) also the value the plan is weighed against."""
    progress = []
    for goal in goals:
        now, then = metric_value(goal, today), metric_value(goal, at_end)
        progress.append(
            GoalProgress(
                goal_id=goal.pk,
                name=goal.name,
                metric=goal.metric,
                comparison=goal.comparison,
                target=goal.target_value,
                target_label=goal.target_label,
                target_date=goal.target_date,
                today=now,
                at_end=then,
                met_today=goal.is_met(now),
                met_at_end=goal.is_met(then),
                without_plan=metric_value(goal, without_plan) if without_plan is not None else None,
            )
        )
    return progress

"""Background tasks of the färdplan (Django's Tasks API, on the backend ``settings.TASKS`` names).

A goal's month-by-month line puts the register back as it stood at each month's end (seconds per
month at scale); the plan page never waits for that, it enqueues the months it lacks here.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone, translation
from django_tasks import task

from .followup import compute_months, month_ends
from .goals import figures_for
from .models import Plan
from .workbook import GOAL_SERIES_MONTHS

__all__ = ["compute_goal_months_task", "compute_running_plans_months_task", "purge_plan_figures_task"]

#: Kept figures keyed by a plan and a date (``planning.figures``, the map at a plan's date) not
#: computed again for this long are deleted nightly: a date once asked for is seldom asked again,
#: a deleted plan's are never, and the rest are recomputed when asked. Month-ends of the goal
#: lines are history and stay.
PLAN_FIGURES_KEPT = datetime.timedelta(days=30)
PLAN_FIGURE_PREFIXES = ("planning.future:", "planning.without_plan:", "planning.capability_map_at.")


@task()
def compute_goal_months_task(days: list[str], include: list[str], today: str, language: str) -> int:
    """Compute and keep the figures of the month-ends ``days`` (ISO dates) for the figure groups
    ``include``; months kept already are skipped. Returns how many were computed."""
    with translation.override(language):
        return compute_months(
            [datetime.date.fromisoformat(day) for day in days], include, datetime.date.fromisoformat(today)
        )


@task()
def compute_running_plans_months_task() -> int:
    """Nightly: every running plan's goal lines up to date (a new month-end appears once a month),
    so the first reader of a plan page after the turn of the month sees the whole line."""
    today = timezone.localdate()
    days = month_ends(GOAL_SERIES_MONTHS, today)
    computed = 0
    for plan in Plan.objects.running().prefetch_related("goals"):
        goals = list(plan.goals.all())
        if not goals:
            continue
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                computed += compute_months(days, figures_for(goals), today)
    return computed


@task()
def purge_plan_figures_task() -> int:
    """Nightly: delete kept plan figures not computed for :data:`PLAN_FIGURES_KEPT`; how many."""
    from analysis_cache import store

    return store.purge(PLAN_FIGURE_PREFIXES, timezone.now() - PLAN_FIGURES_KEPT)

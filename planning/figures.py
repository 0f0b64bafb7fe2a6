"""The färdplan's figures kept until what they are computed from changes.

Today's figures and a plan's figures at a date are whole-register analyses: at demo scale 30 a
future state with every figure takes seconds. The plan page, its printable page, its workbook,
``plan_report`` and GraphQL show the same figures again and again between two edits, so they are
kept in the analysis store (``analysis_cache``: shared by every process, kept across restarts)
under the state they were computed from, and read *exactly*: a figure is shown only for the
register and plan as they are now, recomputed on the first read after a change. (The dashboard
may show last-known figures; a strateg who has just added an action must see it counted.)

What a state depends on:

* **today's figures** — the register (``stewardship.analyses.register_fingerprint``: the newest
  history row of every portfolio and gdpr table, and the measured evidence), the day, the
  analysis code and this app's computing code; the same for every plan;
* **a plan's figures at a date** — the same, and the plan's actions (the newest history row of
  the färdplan's tables: any action saved moves it) and the date.

The GDPR findings behind the gap counts are not kept (no figure needs them, and they are most of
the size); the equity matrix is, since the equity goals read it.
"""

from __future__ import annotations

import datetime
import hashlib
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable

from django.apps import apps
from django.db import connection
from django.utils import timezone, translation

from analysis_cache import store
from stewardship.analyses import Analyses, analysis_state, register_fingerprint

from . import future
from .future import FIGURES, FutureState
from .goals import GoalProgress, figures_for, goal_progress
from .models import Goal, Plan

__all__ = [
    "goals_today_and_at",
    "planning_fingerprint",
    "refresh_plan_figures",
    "stored_future_state",
    "stored_today_state",
]


def planning_fingerprint() -> tuple:
    """The newest history row of every färdplan table: any plan, goal or action saved moves it. One query."""
    selects = [
        f"SELECT MAX(history_id), MAX(history_date) FROM {connection.ops.quote_name(model._meta.db_table)}"
        for model in apps.get_app_config("planning").get_models()
        if model.__name__.startswith("Historical")
    ]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(selects))
        return tuple((row[0], str(row[1])) for row in cursor.fetchall())


def _code() -> str:
    return store.source_digest(sys.modules[future.__name__], sys.modules[__name__])


def _include_key(include: Iterable[str]) -> str:
    return "+".join(sorted(set(include) & FIGURES))


#: The last values read or computed in this process, newest last: a page reads today's figures
#: twice (the goals, the running month of their lines), and unpickling a state with its equity
#: matrix costs tens of milliseconds at scale. Keyed by name, language and state, so never stale.
_RECENT: OrderedDict[tuple[str, str, str], FutureState] = OrderedDict()
_RECENT_SIZE = 16
_RECENT_LOCK = threading.Lock()


def forget() -> None:
    """Empty this process's copies (the stored figures stay): a new process, for tests and benches."""
    with _RECENT_LOCK:
        _RECENT.clear()


def _kept(name: str, state: str, compute: Callable[[], FutureState]) -> FutureState:
    """The value stored under ``name`` if it was computed from ``state``, else computed and stored."""
    language = translation.get_language() or "sv"
    key = (name, language, state)
    with _RECENT_LOCK:
        value = _RECENT.get(key)
        if value is not None:
            _RECENT.move_to_end(key)
            return value
    stored = store.load([name], language).get(name)
    value = stored.value() if stored is not None and stored.state == state else None
    if value is None:
        started = timezone.now()
        value = compute()
        value.gaps = []  # no figure reads the findings themselves; they are most of the size
        store.save({name: value}, language=language, state=state, computed_from=started)
    with _RECENT_LOCK:
        _RECENT[key] = value
        while len(_RECENT) > _RECENT_SIZE:
            _RECENT.popitem(last=False)
    return value


def _state(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def stored_today_state(
    today: datetime.date | None = None, *, include: Iterable[str] = FIGURES
) -> FutureState:
    """:func:`planning.future.today_state`, kept until the register, the day or the code changes."""
    today = today or timezone.localdate()
    include = frozenset(include)
    state = _state(analysis_state(register_fingerprint(), today), _code())
    name = f"planning.today:{_include_key(include)}"
    # Today's SSO, gaps, equity and completeness are the analysis suite's results, which the
    # dashboard keeps for the register as it is now: taken from there rather than computed again.
    suite = Analyses().get if today == timezone.localdate() else None
    return _kept(name, state, lambda: future.today_state(today, include=include, suite=suite))


def stored_future_state(
    plan: Plan, on: datetime.date | None = None, *, include: Iterable[str] = FIGURES
) -> FutureState:
    """:func:`planning.future.future_state`, kept until the register, the plan, the day or the code
    changes. One stored value per plan, date and figure groups (the last date asked replaces none
    of the others: a plan is usually read at its horizon and at a few dates on its roadmap)."""
    on = on or plan.horizon
    include = frozenset(include)
    today = timezone.localdate()
    state = _state(analysis_state(register_fingerprint(), today), planning_fingerprint(), _code())
    name = f"planning.future:{plan.pk}:{on.isoformat()}:{_include_key(include)}"
    return _kept(name, state, lambda: future.future_state(plan, on, include=include))


def goals_today_and_at(
    plan: Plan, goals: list[Goal], on: datetime.date | None = None, today: datetime.date | None = None
) -> list[GoalProgress]:
    """Each of ``goals`` today and at ``on`` with ``plan`` carried out ("idag → vid planens slut"),
    from the kept figures, computing only the figure groups the goals read: what the plan page,
    the beslutsunderlag and GraphQL's ``planGoals`` show."""
    if not goals:
        return []
    include = figures_for(goals)
    return goal_progress(
        goals, stored_today_state(today, include=include), stored_future_state(plan, on, include=include)
    )


def refresh_plan_figures(language: str | None = None) -> int:
    """Bring the figures of every plan not closed — today's and at its horizon, for the figure
    groups its goals read — up to the register as it is now; how many plans were looked at.

    Registered in ``stewardship.analyses.REFRESH_HOOKS`` (``PlanningConfig.ready``): the analyses'
    background refresh (after a change the dashboard or the map noticed, and nightly) runs it, so
    the first view of a plan page reads its figures instead of computing them. Figures already
    current are only read.
    """
    from .choices import PlanStatus

    plans = Plan.objects.exclude(status=PlanStatus.CLOSED).prefetch_related("goals").order_by("pk")
    looked_at = 0
    with translation.override(language or translation.get_language()):
        for plan in plans:
            goals = list(plan.goals.all())
            if goals:
                goals_today_and_at(plan, goals)
                looked_at += 1
    return looked_at

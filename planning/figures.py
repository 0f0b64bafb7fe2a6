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
from collections.abc import Callable, Iterable

from django.apps import apps
from django.db import connection
from django.utils import timezone, translation

from analysis_cache import store
from stewardship.analyses import analysis_state, register_fingerprint

from . import future
from .future import FIGURES, FutureState
from .goals import GoalProgress, figures_for, goal_progress
from .models import Goal, Plan

__all__ = ["goals_today_and_at", "planning_fingerprint", "stored_future_state", "stored_today_state"]


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


def _kept(name: str, state: str, compute: Callable[[], FutureState]) -> FutureState:
    """The value stored under ``name`` if it was computed from ``state``, else computed and stored."""
    language = translation.get_language() or "sv"
    stored = store.load([name], language).get(name)
    if stored is not None and stored.state == state:
        value = stored.value()
        if value is not None:
            return value
    started = timezone.now()
    value = compute()
    value.gaps = []  # no figure reads the findings themselves; they are most of the size
    store.save({name: value}, language=language, state=state, computed_from=started)
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
    return _kept(name, state, lambda: future.today_state(today, include=include))


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

"""Following a plan up: what happened against what was planned, read from the register and its
history.

* :func:`action_followup` — an action marked klar whose service is still in use at the affected
  schools after its planned end; an overdue action (planned end passed, neither klar nor
  stoppad); an action whose finding has gone away on its own (the service is behind SSO already,
  the GDPR gap no longer fires, the service is no longer in use) although the action is not done.
* :func:`goal_series` — each effektmål month by month: at every month's end the register is put
  back as it stood then (every tracked table from its own history, inside a transaction that is
  rolled back, as :mod:`planning.future` does for the future) and read by the same analyses;
  the running month is today's register. Past month-ends never change (history is only appended
  to), so each is computed once per process and kept in Django's cache under the code that
  computed it, as the completeness series does.
* :func:`open_plans_followup` — the follow-up of every decided plan still running, the section
  of the yearly review round (``stewardship.review_sections``).
"""

from __future__ import annotations

import datetime
import logging
import re
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from analysis_cache import store
from portfolio.analysis.completeness import month_ends
from portfolio.analysis.shapes import attr
from portfolio.history import as_of, end_of_day
from portfolio.models import SSO_CONDITION, Service, ServiceUsage
from stewardship.analyses import Analyses

from . import future
from .choices import ActionKind, ActionStatus, FindingKind, gap_matches, gap_reference
from .figures import stored_today_state
from .goals import GoalValue, figures_for, metric_value
from .models import Action, ActionSchool, Plan

__all__ = [
    "ActionFollowUp",
    "FollowUpKind",
    "PlanFollowUp",
    "action_followup",
    "compute_months",
    "goal_series",
    "open_plans_followup",
    "pending_months",
    "plan_followup",
    "register_as_of",
    "schedule_months",
]

logger = logging.getLogger(__name__)

#: The apps whose tables the analyses read; each tracked model of them is put back as of a day.
HISTORY_APPS = ("portfolio", "gdpr")


class FollowUpKind:
    DONE_STILL_IN_USE = "done_still_in_use"
    OVERDUE = "overdue"
    FINDING_GONE = "finding_gone"


@dataclass
class ActionFollowUp:
    action_id: int = attr(help="Åtgärdens primärnyckel.")
    action: str = attr(help="Åtgärden i ord.")
    kind: str = attr(help="done_still_in_use, overdue eller finding_gone.")
    planned_end: datetime.date = attr(help="Åtgärdens planerade slut.")
    explanation: str = attr(help="Vad uppföljningen visar, i ord.")


@dataclass
class PlanFollowUp:
    plan_id: int = attr(help="Färdplanens primärnyckel.")
    plan: str = attr(help="Färdplanens namn.")
    actions: list[ActionFollowUp] = attr(help="Åtgärder som behöver uppmärksammas.", default_factory=list)
    goals_not_met: list[str] = attr(
        help="Effektmål vars måldatum passerat utan att målet nåtts.", default_factory=list
    )


#: The tables each group of figures reads (``planning.future.FIGURES``); the GDPR gap rules and
#: completeness read most of the record, so for them every tracked table is put back.
_LANDSCAPE = (
    "portfolio.Service", "portfolio.ServiceUsage", "portfolio.ServiceCapability", "portfolio.Capability",
    "portfolio.Organisation", "portfolio.Vendor",
)
FIGURE_MODELS = {
    "sso": _LANDSCAPE,
    "equity": _LANDSCAPE,
    "cost": (*_LANDSCAPE, "portfolio.Cost", "portfolio.ManagementObject"),
}


def _tracked_models(include: Iterable[str] | None = None) -> list[type[models.Model]]:
    """Concrete models of :data:`HISTORY_APPS` with history that the figures ``include`` read."""
    include = set(include or ())
    wanted = None
    if include and include <= set(FIGURE_MODELS):
        wanted = {label for group in include for label in FIGURE_MODELS[group]}
    return [
        model
        for label in HISTORY_APPS
        for model in apps.get_app_config(label).get_models()
        if not model._meta.proxy
        and hasattr(model._meta, "simple_history_manager_attribute")
        and (wanted is None or model._meta.label in wanted)
    ]


@contextmanager
def register_as_of(day: datetime.date, include: Iterable[str] | None = None) -> Iterator[None]:
    """Inside the block the tracked tables hold their rows as they stood at the end of ``day``.

    ``include`` (groups of figures) limits the tables to those the figures read; by default every
    tracked table. Rows are deleted and the historical ones inserted raw (their own timestamps
    kept, no signals, no history written), in a transaction that is always rolled back. Foreign
    keys are checked at commit, which never comes.
    """
    when = end_of_day(day)
    with transaction.atomic():
        try:
            for model in _tracked_models(include):
                rows = list(as_of(model, when))
                model._base_manager.all()._raw_delete(model._base_manager.db)
                if rows:
                    fields = [f for f in model._meta.concrete_fields]
                    size = connection.ops.bulk_batch_size(fields, rows) or len(rows)
                    for start in range(0, len(rows), size):
                        model._base_manager._insert(rows[start : start + size], fields=fields, raw=True)
            yield
        finally:
            transaction.set_rollback(True)


def _code_state() -> str:
    return store.source_digest(sys.modules[future.__name__], sys.modules[__name__])


def _language() -> str:
    return translation.get_language() or settings.LANGUAGE_CODE


def _month_name(day: datetime.date, include: frozenset[str]) -> str:
    return f"planning_month:{day.isoformat()}:{'+'.join(sorted(include))}"


def _state_on(
    day: datetime.date, today: datetime.date, include: frozenset[str], *, compute: bool = True
) -> future.FutureState | None:
    """The register's figures at the end of ``day``: today's register for today, else history.

    A past month-end never changes (history is only appended to): it is computed once and kept in
    ``analysis_cache`` (shared by every process, kept across restarts) under the code that
    computed it, and in this process's cache. With ``compute`` false a month-end not computed yet
    is None (the plan page: :func:`schedule_months` computes it in the background).
    """
    if day >= today:
        return stored_today_state(today, include=include)
    name = _month_name(day, include)
    language = _language()
    code = _code_state()
    key = f"planning:{language}:{name}:{code}"
    state = cache.get(key)
    if state is None:
        stored = store.load([name], language).get(name)
        state = stored.value() if stored is not None and stored.state == code else None
    if state is None:
        if not compute:
            return None
        try:
            with register_as_of(day, include):
                state = future.state_of_register(day, include=include)
        except IntegrityError:
            # History older than a constraint added since cannot be put back; the point is left out.
            return None
        state.gaps = []  # not needed by any metric; keeps the stored value small
        store.save({name: state}, language=language, state=code, computed_from=timezone.now())
    cache.set(key, state, 24 * 60 * 60)
    return state


def compute_months(days: Iterable[datetime.date], include: Iterable[str], today: datetime.date) -> int:
    """Compute and keep the figures of each past month-end of ``days`` not kept yet; returns how many."""
    include = frozenset(include)
    pending = set(pending_months(days, include, today))
    for day in sorted(pending):
        _state_on(day, today, include)
    return len(pending)


def pending_months(
    days: Iterable[datetime.date], include: Iterable[str], today: datetime.date
) -> list[datetime.date]:
    """The past month-ends of ``days`` whose figures are not kept yet (one query)."""
    include = frozenset(include)
    past = [day for day in days if day < today]
    if not past:
        return []
    code = _code_state()
    kept = store.states([_month_name(day, include) for day in past], _language())
    return [day for day in past if kept.get(_month_name(day, include)) != code]


def schedule_months(days: list[datetime.date], include: Iterable[str], today: datetime.date) -> bool:
    """Compute the month-ends ``days`` off the request path (``planning.tasks``); true when they
    were computed already (the immediate backend of the tests runs the task at once).

    A page read many times while a worker computes enqueues the task once (per process) per quarter
    of an hour: the months take seconds each at scale, and a lost task is enqueued again after that.
    """
    from .tasks import compute_goal_months_task

    include = sorted(frozenset(include))
    key = f"planning:months-enqueued:{_language()}:{'+'.join(include)}:{days[0]}:{days[-1]}"
    if not cache.add(key, True, 15 * 60):
        return False
    try:
        result = compute_goal_months_task.enqueue(
            [day.isoformat() for day in days], include, today.isoformat(), _language()
        )
    except Exception:
        cache.delete(key)
        logger.exception("Could not enqueue the goal months %s–%s", days[0], days[-1])
        return False
    return result.is_finished


def goal_series(
    plan: Plan, months: int = 12, today: datetime.date | None = None, *, wait: bool = True
) -> dict[int, list[GoalValue]]:
    """Each of the plan's goals at every month's end for ``months`` months up to today.

    With ``wait`` false, a month-end not computed yet has the value None (its computation is the
    caller's to schedule, :func:`schedule_months`), so a page never waits for history to be put back.
    """
    today = today or timezone.localdate()
    goals = list(plan.goals.all())
    series: dict[int, list[GoalValue]] = {goal.pk: [] for goal in goals}
    if not goals:
        return series
    include = figures_for(goals)
    for day in month_ends(months, today):
        state = _state_on(day, today, include, compute=wait)
        for goal in goals:
            series[goal.pk].append(GoalValue(day, metric_value(goal, state) if state is not None else None))
    return series


def _describe(action: Action) -> str:
    return str(action)


def action_followup(plan: Plan, today: datetime.date | None = None) -> list[ActionFollowUp]:
    """The plan's actions that need attention; a fixed number of queries."""
    today = today or timezone.localdate()
    actions = list(plan.actions.select_related("service", "replacement").order_by("planned_end", "pk"))
    schools: dict[int, set[int]] = {}
    for action_id, organisation_id in ActionSchool.objects.filter(action__plan=plan).values_list(
        "action_id", "organisation_id"
    ):
        schools.setdefault(action_id, set()).add(organisation_id)
    service_ids = {a.service_id for a in actions if a.service_id}
    in_use_at: dict[int, set[int]] = {}
    for service_id, organisation_id in ServiceUsage.objects.filter(service_id__in=service_ids).values_list(
        "service_id", "organisation_id"
    ):
        in_use_at.setdefault(service_id, set()).add(organisation_id)
    services = Service.objects.filter(pk__in=service_ids)
    live = set(services.in_use().values_list("pk", flat=True))
    behind_sso = set(services.filter(SSO_CONDITION).values_list("pk", flat=True))
    open_actions = [a for a in actions if a.status not in (ActionStatus.DONE, ActionStatus.STOPPED)]
    gap_codes = {
        gap_reference(a.finding_ref)[0]
        for a in open_actions
        if a.finding_kind == FindingKind.GDPR_GAP and a.finding_ref
    }
    # Today's findings as the analysis pages have them (kept until the register changes), not the
    # GDPR rules run again over the whole record on every view of the plan.
    analyses = Analyses()
    gaps = [g for g in analyses.get("find_gaps") if g.code in gap_codes] if gap_codes else []
    standing = _standing_findings(open_actions, analyses)

    found: list[ActionFollowUp] = []

    def note(action: Action, kind: str, explanation: str) -> None:
        found.append(ActionFollowUp(action.pk, _describe(action), kind, action.planned_end, explanation))

    for action in actions:
        if action.status == ActionStatus.DONE and action.kind in (ActionKind.PHASE_OUT, ActionKind.REPLACE):
            still = in_use_at.get(action.service_id, set())
            affected = schools.get(action.pk) or still
            remaining = still & affected
            if remaining and action.planned_end < today:
                note(
                    action, FollowUpKind.DONE_STILL_IN_USE,
                    ngettext(
                        "Markerad klar, men %(service)s används fortfarande vid %(count)d skola "
                        "efter %(end)s.",
                        "Markerad klar, men %(service)s används fortfarande vid %(count)d skolor "
                        "efter %(end)s.",
                        len(remaining),
                    )
                    % {"service": action.service, "count": len(remaining), "end": action.planned_end},
                )
        if action in open_actions and action.planned_end < today:
            note(
                action, FollowUpKind.OVERDUE,
                _("Försenad: skulle ha varit klar %(end)s.") % {"end": action.planned_end},
            )
        if action in open_actions:
            gone = _finding_gone(action, live, behind_sso, gaps) or _analysis_finding_gone(
                action, schools.get(action.pk, set()), standing
            )
            if gone:
                note(action, FollowUpKind.FINDING_GONE, gone)
    return found


def _finding_gone(action: Action, live: set[int], behind_sso: set[int], gaps: list) -> str:
    """Why the finding behind an open action no longer holds, or "" while it does."""
    if action.finding_kind == FindingKind.OUTSIDE_SSO and action.service_id in behind_sso:
        return _("Fyndet finns inte längre: tjänsten ligger redan bakom SSO.")
    gap_ref = action.finding_ref if action.finding_kind == FindingKind.GDPR_GAP else ""
    if gap_ref and not any(gap_matches(gap_ref, action.service_id, g) for g in gaps):
        code = gap_reference(gap_ref)[0]
        return _("Fyndet finns inte längre: bristen %(code)s slår inte längre till.") % {"code": code}
    if (
        action.finding_kind
        and action.kind != ActionKind.INTRODUCE
        and action.service_id
        and action.service_id not in live
    ):
        return _("Fyndet finns inte längre: tjänsten är inte längre i bruk.")
    return ""


#: A standardisation candidate's key as the analysis gives it ("capability-12"; also written "capability:12").
_CANDIDATE_REF = re.compile(r"capability[-:](\d+)")


def _standing_findings(actions: list[Action], analyses: Analyses) -> dict[str, Any]:
    """What today's analyses (as the analysis pages keep them) still find, for the kinds of
    finding the open ``actions`` name: duplicate clusters by name, standardisation candidates by
    key, and the equity matrix's (school, column) cells. Each analysis read only when needed."""
    kinds = {a.finding_kind for a in actions if a.finding_ref}
    standing: dict[str, Any] = {}
    if FindingKind.DUPLICATE_CLUSTER in kinds:
        clusters = analyses.duplicates(include_test_environments=True)
        standing["clustered"] = {member.service_id for cluster in clusters for member in cluster.members}
    if FindingKind.STANDARDISATION in kinds:
        standing["candidates"] = {c.key for c in analyses.standardisation(with_gaps=False).candidates}
    if FindingKind.EQUITY_HOLE in kinds:
        standing["cells"] = {(c.school_id, c.column_key) for c in analyses.equity().cells}
    return standing


def _analysis_finding_gone(action: Action, schools: set[int], standing: dict[str, Any]) -> str:
    """Why a duplicate cluster, a standardisation candidate or an equity hole behind an open action
    is no longer found by today's analyses, or "" while it is (or cannot be told)."""
    ref = action.finding_ref
    if not ref:
        return ""
    # A cluster's name may change as registrations come and go: the acted-on service is what counts.
    clustered = standing.get("clustered")
    if (
        action.finding_kind == FindingKind.DUPLICATE_CLUSTER
        and clustered is not None
        and action.service_id
        and action.service_id not in clustered
    ):
        return _("Fyndet finns inte längre: tjänsten ingår inte längre i något dubblettkluster.")
    capability = _CANDIDATE_REF.fullmatch(ref)
    candidates = standing.get("candidates")
    if (
        action.finding_kind == FindingKind.STANDARDISATION
        and capability
        and candidates is not None
        and f"capability-{capability.group(1)}" not in candidates
    ):
        return _("Fyndet finns inte längre: förmågan är inte längre en standardiseringskandidat.")
    if action.finding_kind == FindingKind.EQUITY_HOLE and schools and "cells" in standing:
        # The ref is the matrix column ("capability:12", then the school form): every school the
        # action names now has a service for it.
        column = ":".join(ref.split(":")[:2])
        if all((school, column) in standing["cells"] for school in schools):
            return _("Fyndet finns inte längre: skolorna har redan en tjänst för det som saknades.")
    return ""


def plan_followup(plan: Plan, today: datetime.date | None = None) -> PlanFollowUp:
    """The plan's actions needing attention and the goals whose date has passed unmet (today's register)."""
    today = today or timezone.localdate()
    result = PlanFollowUp(plan.pk, plan.name, action_followup(plan, today))
    due = [goal for goal in plan.goals.all() if goal.target_date <= today]
    if due:
        state = stored_today_state(today, include=figures_for(due))
        result.goals_not_met = [goal.name for goal in due if goal.is_met(metric_value(goal, state)) is False]
    return result


def open_plans_followup(today: datetime.date | None = None) -> list[PlanFollowUp]:
    """The follow-up of every decided plan still running (beslutad or genomförs)."""
    plans = Plan.objects.running().order_by("name", "pk")
    return [plan_followup(plan, today) for plan in plans]

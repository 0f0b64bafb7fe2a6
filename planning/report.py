"""A plan as data: målbild, effektmål today and at a date, actions with their findings, conflicts
and follow-up — one plain dict that every face presents (``plan_report`` JSON, table and
workbook; the pages' beslutsunderlag reads the same dict).

Numbers are plain floats and dates ISO strings, so the dict is JSON as it is.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone

from .conflicts import plan_conflicts
from .figures import stored_future_state, stored_state_without_plan, stored_today_state
from .followup import action_followup
from .future import FutureState
from .goals import goal_progress
from .models import Action, ActionSchool, Plan

__all__ = ["find_plan", "plan_report"]


def find_plan(reference: str) -> Plan | None:
    """The plan an id or a name names (a name case-insensitively, exactly), or None."""
    reference = str(reference).strip()
    if reference.isdigit():
        found = Plan.objects.filter(pk=int(reference)).first()
        if found is not None:
            return found
    matches = [plan for plan in Plan.objects.filter(Q(name__iexact=reference) | Q(name=reference))]
    if not matches:
        folded = reference.casefold()
        matches = [plan for plan in Plan.objects.all() if plan.name.casefold() == folded]
    return matches[0] if len(matches) == 1 else None


def _number(value: Decimal | float | int | None) -> float | None:
    return None if value is None else float(value)


def _day(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def _figures(state: FutureState) -> dict[str, Any]:
    return {
        "on": _day(state.on),
        "sso_coverage_by_users": round(state.sso_coverage_by_users, 4),
        "sso_coverage_by_services": round(state.sso_coverage_by_services, 4),
        "skolfederation_share": round(state.skolfederation_share, 4),
        "yearly_cost": _number(state.yearly_cost),
        "planned_yearly_cost_effect": _number(state.planned_yearly_cost_effect),
        "gdpr_gaps_by_severity": {line.severity: line.count for line in state.gdpr_gaps_by_severity},
        "services_in_use": state.sso.services,
        "equity_lacking": state.equity.lacking,
        "completeness": state.completeness,
    }


def _action(action: Action, schools: list[str]) -> dict[str, Any]:
    return {
        "id": action.pk,
        "kind": action.kind,
        "kind_label": str(action.get_kind_display()),
        "name": str(action),
        "service": str(action.service) if action.service_id else None,
        "replacement": str(action.replacement) if action.replacement_id else None,
        "schools": schools,
        "planned_start": _day(action.planned_start),
        "planned_end": _day(action.planned_end),
        "responsible": str(action.responsible) if action.responsible_id else None,
        "status": action.status,
        "status_label": str(action.get_status_display()),
        "completed_on": _day(action.completed_on),
        "one_off_cost": _number(action.one_off_cost),
        "yearly_cost_effect": _number(action.yearly_cost_effect),
        "finding": action.finding_display,
        "finding_kind": action.finding_kind,
        "finding_ref": action.finding_ref,
    }


def plan_report(plan: Plan, on: datetime.date | None = None, *, today: datetime.date | None = None) -> dict:
    """Everything the nämnd is shown about ``plan``, at ``on`` (default: its horizon)."""
    on = on or plan.horizon
    today = today or timezone.localdate()
    now, then = stored_today_state(today), stored_future_state(plan, on)
    without = stored_state_without_plan(on)
    goals = list(plan.goals.select_related("capability"))
    actions = list(
        plan.actions.select_related("service", "replacement", "responsible").order_by("planned_end", "pk")
    )
    schools: dict[int, list[str]] = {}
    for link in (
        ActionSchool.objects.filter(action__plan=plan)
        .select_related("organisation")
        .order_by("organisation__name")
    ):
        schools.setdefault(link.action_id, []).append(link.organisation.name)
    return {
        "plan": {
            "id": plan.pk,
            "name": plan.name,
            "status": plan.status,
            "status_label": str(plan.get_status_display()),
            "owner": str(plan.owner) if plan.owner_id else None,
            "horizon": _day(plan.horizon),
            "decided_by": plan.decided_by,
            "decided_by_label": str(plan.get_decided_by_display()) if plan.decided_by else "",
            "decided_on": _day(plan.decided_on),
            "diarienummer": plan.diarienummer,
            "target_state": plan.target_state,
        },
        "on": _day(on),
        "today": _day(today),
        "goals": [
            {
                "name": progress.name,
                "metric": progress.metric,
                "target": _number(progress.target),
                "target_label": progress.target_label,
                "target_date": _day(progress.target_date),
                "today": _number(progress.today),
                "at_end": _number(progress.at_end),
                "met_today": progress.met_today,
                "met_at_end": progress.met_at_end,
                "without_plan": _number(progress.without_plan),
            }
            for progress in goal_progress(goals, now, then, without)
        ],
        "actions": [_action(action, schools.get(action.pk, [])) for action in actions],
        "totals": {
            "one_off_cost": _number(sum((a.one_off_cost for a in actions), Decimal(0))),
            "yearly_cost_effect": _number(sum((a.yearly_cost_effect for a in actions), Decimal(0))),
        },
        "figures": {"today": _figures(now), "at_end": _figures(then), "without_plan": _figures(without)},
        "conflicts": [
            {"kind": c.kind, "service": c.service, "action_ids": c.action_ids, "explanation": c.explanation}
            for c in plan_conflicts(plan)
        ],
        "follow_up": [
            {
                "action_id": f.action_id,
                "action": f.action,
                "kind": f.kind,
                "planned_end": _day(f.planned_end),
                "explanation": f.explanation,
            }
            for f in action_followup(plan, today)
        ],
    }


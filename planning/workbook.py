"""The plan as a beslutsunderlag: what the nämnd is handed — målbild and decision, effektmål today →
at the plan's end, the actions with costs and schools, and the findings behind them.

:func:`plan_summary` gathers it once (a constant number of queries, whatever the number of
actions); the plan page, the printable page and :func:`plan_workbook` (also what
``plan_report --format xlsx`` writes) all present that one summary.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pandas as pd
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from portfolio.spreadsheets import xlsx_bytes

from .models import Action, ActionSchool, Goal, Plan

__all__ = ["ActionRow", "GoalRow", "PlanSummary", "plan_summary", "plan_workbook"]


@dataclass
class GoalRow:
    """An effektmål with its figure today, at the plan's end, and month by month since the plan began."""

    goal: Goal
    today: Decimal | None
    at_end: Decimal | None
    met_today: bool | None
    met_at_end: bool | None
    #: (first day of the month, the figure then) from history, oldest first.
    series: list[tuple[datetime.date, Decimal | None]] = field(default_factory=list)
    unit: str = ""


@dataclass
class ActionRow:
    action: Action
    services: list[Any]
    schools: list[Any]
    overdue: bool
    capabilities: list[str]
    management_object: str


@dataclass
class PlanSummary:
    plan: Plan
    today: datetime.date
    on: datetime.date
    goals: list[GoalRow]
    actions: list[ActionRow]
    conflicts: list[Any] = field(default_factory=list)
    followup: list[Any] = field(default_factory=list)
    #: Month-ends of the goal lines still being computed in the background (the plan page says so).
    pending_months: list[datetime.date] = field(default_factory=list)

    @property
    def one_off_total(self) -> Decimal:
        return sum((row.action.one_off_cost for row in self.actions), Decimal(0))

    @property
    def yearly_total(self) -> Decimal:
        return sum((row.action.yearly_cost_effect for row in self.actions), Decimal(0))

    @property
    def conflicts_with_actions(self) -> list[tuple[Any, list[tuple[int, str, bool]]]]:
        """Each conflict with its actions as (id, name, whether in this plan): what the page links."""
        mine = {row.action.pk for row in self.actions}
        return [
            (conflict, [
                (pk, name, pk in mine)
                for pk, name in zip(conflict.action_ids, self.action_names(conflict.action_ids), strict=True)
            ])
            for conflict in self.conflicts
        ]

    @property
    def at_label(self) -> str:
        """The heading of the figures at ``on``: "Vid planens slut" at the horizon, else the day."""
        if self.on == self.plan.horizon:
            return _("Vid planens slut")
        return _("Den %(day)s") % {"day": self.on.isoformat()}

    def action_names(self, action_ids: list[int]) -> list[str]:
        """The names of the actions ``action_ids`` (another plan's by their id: not in this summary)."""
        names = {row.action.pk: str(row.action) for row in self.actions}
        return [names.get(pk, _("åtgärd %(id)s i en annan färdplan") % {"id": pk}) for pk in action_ids]

    @property
    def findings(self) -> list[ActionRow]:
        """The actions that name the finding behind them."""
        return [row for row in self.actions if row.action.finding_kind or row.action.finding_label]


def _actions(plan: Plan) -> list[Action]:
    """The plan's actions with their services, capabilities and schools: three queries."""
    from portfolio.models import Capability

    return list(
        plan.actions.select_related("responsible", "contract", "service__management_object", "replacement")
        .prefetch_related(
            Prefetch("service__capabilities", queryset=Capability.objects.select_related("parent")),
            Prefetch(
                "school_links",
                queryset=ActionSchool.objects.select_related("organisation").order_by(
                    "organisation__name", "pk"
                ),
            ),
        )
        .order_by("planned_end", "pk")
    )


def _action_row(action: Action, today: datetime.date) -> ActionRow:
    from planning.choices import ActionStatus

    services = [s for s in (action.service, action.replacement) if s is not None]
    capabilities = sorted({str(c) for c in action.service.capabilities.all()}) if action.service else []
    management_object = (
        action.service.management_object.name if action.service and action.service.management_object else ""
    )
    return ActionRow(
        action=action,
        services=services,
        schools=[link.organisation for link in action.school_links.all()],
        overdue=action.status in (ActionStatus.PLANNED, ActionStatus.RUNNING) and action.planned_end < today,
        capabilities=capabilities,
        management_object=management_object,
    )


def plan_summary(
    plan: Plan, on: datetime.date | None = None, *, today: datetime.date | None = None, series: bool = False
) -> PlanSummary:
    """Everything the plan's pages and its workbook show, gathered once.

    ``on`` is the date "at the end" means (the plan's horizon unless given); ``today`` is the
    date "today" means (the local date unless given — tests and the yearly follow-up set it).
    ``series`` adds each goal's month-by-month line (the plan page shows it; the workbook not).
    """
    today = today or timezone.localdate()
    on = on or plan.horizon
    goals = list(plan.goals.select_related("capability__parent").order_by("target_date", "name", "pk"))
    actions = [_action_row(action, today) for action in _actions(plan)]
    goal_rows, pending = _goal_rows(plan, goals, today, on, series=series)
    return PlanSummary(
        plan=plan,
        today=today,
        on=on,
        goals=goal_rows,
        actions=actions,
        pending_months=pending,
        conflicts=_conflicts(plan),
        followup=_followup(plan, today),
    )


def _figure(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _met(value: bool | None) -> str:
    return "" if value is None else _("ja") if value else _("nej")


def summary_frames(summary: PlanSummary) -> dict[str, pd.DataFrame]:
    """The workbook's sheets as tables: Målbild, Effektmål, Åtgärder, Underlag, Konflikter, Uppföljning."""
    plan = summary.plan
    facts = [
        (_("Färdplan"), plan.name),
        (_("Status"), plan.get_status_display()),
        (_("Ägare"), str(plan.owner) if plan.owner else ""),
        (_("Planens slut"), plan.horizon),
        (_("Beslutad av"), plan.get_decided_by_display()),
        (_("Beslutsdatum"), plan.decided_on),
        (_("Diarienummer"), plan.diarienummer),
        (_("Målbild"), plan.target_state),
        (_("Engångskostnad totalt (kr)"), float(summary.one_off_total)),
        (_("Årlig kostnadseffekt totalt (kr)"), float(summary.yearly_total)),
        (_("Underlaget avser"), summary.today),
        (_("Jämförs med registret den"), summary.on),
    ]
    target_state = pd.DataFrame(facts, columns=[_("Uppgift"), _("Värde")], dtype=object)
    at_label = summary.at_label
    if summary.on == plan.horizon:
        reached_label = _("Uppnått vid planens slut")
    else:
        reached_label = _("Uppnått den %(day)s") % {"day": summary.on.isoformat()}
    goals = pd.DataFrame(
        [
            {
                _("Effektmål"): row.goal.name,
                _("Mått"): row.goal.get_metric_display(),
                _("Mål"): row.goal.target_label,
                _("Måldatum"): row.goal.target_date,
                _("Idag"): _figure(row.today),
                _("Uppnått idag"): _met(row.met_today),
                at_label: _figure(row.at_end),
                reached_label: _met(row.met_at_end),
            }
            for row in summary.goals
        ],
        columns=[
            _("Effektmål"),
            _("Mått"),
            _("Mål"),
            _("Måldatum"),
            _("Idag"),
            _("Uppnått idag"),
            at_label,
            reached_label,
        ],
        dtype=object,
    )
    actions = pd.DataFrame(
        [
            {
                _("Åtgärd"): str(row.action),
                _("Typ"): row.action.get_kind_display(),
                _("Tjänster"): "\n".join(s.name for s in row.services),
                _("Skolor"): "\n".join(s.name for s in row.schools) or _("alla som använder tjänsten"),
                _("Start"): row.action.planned_start,
                _("Slut"): row.action.planned_end,
                _("Ansvarig"): str(row.action.responsible) if row.action.responsible else "",
                _("Status"): row.action.get_status_display() + (f" ({_('försenad')})" if row.overdue else ""),
                _("Engångskostnad (kr)"): float(row.action.one_off_cost),
                _("Årlig kostnadseffekt (kr)"): float(row.action.yearly_cost_effect),
            }
            for row in summary.actions
        ],
        columns=[
            _("Åtgärd"),
            _("Typ"),
            _("Tjänster"),
            _("Skolor"),
            _("Start"),
            _("Slut"),
            _("Ansvarig"),
            _("Status"),
            _("Engångskostnad (kr)"),
            _("Årlig kostnadseffekt (kr)"),
        ],
        dtype=object,
    )
    findings = pd.DataFrame(
        [
            {
                _("Åtgärd"): str(row.action),
                _("Fynd"): row.action.get_finding_kind_display(),
                _("Beskrivning"): row.action.finding_display,
                _("Referens"): row.action.finding_ref,
            }
            for row in summary.findings
        ],
        columns=[_("Åtgärd"), _("Fynd"), _("Beskrivning"), _("Referens")],
        dtype=object,
    )
    conflicts = pd.DataFrame(
        [
            {
                _("Tjänst"): conflict.service,
                _("Åtgärder"): "\n".join(summary.action_names(conflict.action_ids)),
                _("Konflikt"): conflict.explanation,
            }
            for conflict in summary.conflicts
        ],
        columns=[_("Tjänst"), _("Åtgärder"), _("Konflikt")],
        dtype=object,
    )
    followup = pd.DataFrame(
        [
            {
                _("Åtgärd"): finding.action,
                _("Planerat slut"): finding.planned_end,
                _("Uppföljning"): finding.explanation,
            }
            for finding in summary.followup
        ],
        columns=[_("Åtgärd"), _("Planerat slut"), _("Uppföljning")],
        dtype=object,
    )
    return {
        _("Målbild"): target_state,
        _("Effektmål"): goals,
        _("Åtgärder"): actions,
        _("Underlag"): findings,
        _("Konflikter"): conflicts,
        _("Uppföljning"): followup,
    }


def plan_workbook(plan: Plan, on: datetime.date | None = None) -> bytes:
    """The beslutsunderlag as an Excel workbook (bytes): wrapped text, real dates, one sheet a part."""
    return xlsx_bytes(summary_frames(plan_summary(plan, on)))


def _goal_rows(
    plan: Plan, goals: list[Goal], today: datetime.date, on: datetime.date, *, series: bool
) -> tuple[list[GoalRow], list[datetime.date]]:
    """Each effektmål today and at ``on`` (``planning.goals``: the same analyses over the register
    as it is and as it will be), with its month-by-month line from history when ``series``; and
    the month-ends of that line still being computed in the background."""
    if not goals:
        return [], []
    from portfolio.analysis.completeness import month_ends

    from .figures import goals_today_and_at
    from .followup import goal_series, pending_months, schedule_months
    from .goals import figures_for

    include = figures_for(goals)  # only the whole-register figures the goals read
    progress = {p.goal_id: p for p in goals_today_and_at(plan, goals, on, today)}
    lines, pending = {}, []
    if series:
        # History is put back month by month (seconds each at scale): months not computed yet
        # are computed by a background task, and the page shows the line so far meanwhile.
        days = month_ends(GOAL_SERIES_MONTHS, today)
        pending = pending_months(days, include, today)
        if pending and schedule_months(pending, include, today):
            pending = []
        lines = goal_series(plan, months=GOAL_SERIES_MONTHS, today=today, wait=False)
    rows = [
        GoalRow(
            goal=goal,
            today=progress[goal.pk].today,
            at_end=progress[goal.pk].at_end,
            met_today=progress[goal.pk].met_today,
            met_at_end=progress[goal.pk].met_at_end,
            series=[(point.day, point.value) for point in lines.get(goal.pk, [])],
        )
        for goal in goals
    ]
    return rows, pending


#: How many months back a goal's follow-up line reaches.
GOAL_SERIES_MONTHS = 12


def _conflicts(plan: Plan) -> list[Any]:
    from .conflicts import plan_conflicts

    return plan_conflicts(plan)


def _followup(plan: Plan, today: datetime.date) -> list[Any]:
    from .followup import action_followup

    return action_followup(plan, today)

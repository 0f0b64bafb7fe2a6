"""Actions that contradict each other, within a plan or between decided plans.

Three conflicts are found among actions that are not stopped, over the plan's own actions and —
when the plan is decided and not closed (beslutad or genomförs) — those of every other such plan:

* **phased out target** — an action phases out (or replaces away) the service another action
  moves schools to (a replacement's new service, or a service introduced);
* **decided differently** — two decided plans give one service different fates (phased out in
  one, introduced or kept as the replacement in the other, or replaced by different services);
* **overlapping replacements** — two actions replace one service at the same schools by
  different services;
* **phased out before replaced** — an action phases a service out before another replaces it at
  the same schools: the replacement finds nobody left to move, and the users are lost.

Each needs the two actions to meet at a school: an empty list of schools is every school, and
actions at different schools do not contradict each other (one plan moves the north schools
from A to B, another the south ones to C; schools move to B while another school leaves it).

A draft is not a decision: it is often the next version of a decided plan and differs from it on
purpose, so it is checked against itself only, and no plan is checked against it; once decided it
is checked against the other decided plans. A closed plan is history: its actions were carried
out or not, and contradict nothing planned now, so it too is checked against itself only.

Three queries whatever the number of actions.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations

from django.db.models import Q
from django.utils.translation import gettext as _

from portfolio.analysis.shapes import attr
from portfolio.models import Service

from .choices import ActionKind, ActionStatus, PlanStatus
from .models import Action, ActionSchool, Plan

__all__ = ["Conflict", "ConflictKind", "plan_conflicts"]


class ConflictKind:
    PHASED_OUT_TARGET = "phased_out_target"
    DECIDED_DIFFERENTLY = "decided_differently"
    OVERLAPPING_REPLACEMENTS = "overlapping_replacements"
    PHASED_OUT_BEFORE_REPLACED = "phased_out_before_replaced"


@dataclass
class Conflict:
    kind: str = attr(
        help="phased_out_target, decided_differently, overlapping_replacements eller "
        "phased_out_before_replaced."
    )
    service_id: int = attr(help="Tjänsten konflikten gäller.")
    service: str = attr(help="Tjänstens namn.")
    action_ids: list[int] = attr(help="Åtgärderna som står mot varandra.")
    plan_ids: list[int] = attr(help="Färdplanerna de hör till.")
    explanation: str = attr(help="Konflikten i ord.")


@dataclass
class _Row:
    pk: int
    plan_id: int
    plan: str
    kind: str
    service_id: int | None
    replacement_id: int | None
    planned_end: object = None
    schools: frozenset[int] = frozenset()


def _fate(row: _Row, service_id: int) -> str | None:
    """What ``row`` decides for ``service_id``: goes, comes, or is replaced by a named service."""
    if row.kind == ActionKind.PHASE_OUT and row.service_id == service_id:
        return "goes"
    if row.kind == ActionKind.INTRODUCE and row.service_id == service_id:
        return "comes"
    if row.kind == ActionKind.REPLACE:
        if row.service_id == service_id:
            return f"replaced:{row.replacement_id}"
        if row.replacement_id == service_id:
            return "comes"
    return None


def _schools_overlap(a: _Row, b: _Row) -> bool:
    return not a.schools or not b.schools or bool(a.schools & b.schools)


def plan_conflicts(plan: Plan) -> list[Conflict]:
    """The conflicts that involve at least one of ``plan``'s actions (see the module's docstring
    for which other plans' actions they are looked for among)."""
    running = [PlanStatus.DECIDED, PlanStatus.IN_PROGRESS]
    considered = Q(plan=plan)
    if plan.status in running:
        considered |= Q(plan__status__in=running)
    actions = (
        Action.objects.filter(considered)
        .exclude(status=ActionStatus.STOPPED)
        .order_by("pk")
        .values_list("pk", "plan_id", "plan__name", "kind", "service_id", "replacement_id", "planned_end")
    )
    rows = {row[0]: _Row(*row) for row in actions}
    schools: dict[int, set[int]] = defaultdict(set)
    for action_id, organisation_id in ActionSchool.objects.filter(action_id__in=list(rows)).values_list(
        "action_id", "organisation_id"
    ):
        schools[action_id].add(organisation_id)
    for pk, found in schools.items():
        rows[pk].schools = frozenset(found)
    ids = {r.service_id for r in rows.values()} | {r.replacement_id for r in rows.values()}
    names = dict(Service.objects.filter(pk__in=ids - {None}).values_list("pk", "name"))

    conflicts: list[Conflict] = []
    seen: set[tuple] = set()

    def add(kind: str, service_id: int, pair: tuple[_Row, _Row], explanation: str) -> None:
        key = (kind, service_id, *sorted(r.pk for r in pair))
        if key in seen or all(r.plan_id != plan.pk for r in pair):
            return
        seen.add(key)
        conflicts.append(
            Conflict(
                kind=kind,
                service_id=service_id,
                service=names.get(service_id, ""),
                action_ids=sorted(r.pk for r in pair),
                plan_ids=sorted({r.plan_id for r in pair}),
                explanation=explanation,
            )
        )

    by_service: dict[int, list[_Row]] = defaultdict(list)
    for row in rows.values():
        for service_id in {row.service_id, row.replacement_id} - {None}:
            by_service[service_id].append(row)

    for service_id, touching in sorted(by_service.items()):
        name = names.get(service_id, "")
        for a, b in combinations(touching, 2):
            fates = (_fate(a, service_id), _fate(b, service_id))
            if None in fates or not _schools_overlap(a, b):
                continue
            going = {"goes"} | {f for f in fates if f.startswith("replaced:")}
            if "comes" in fates and any(f in going for f in fates):
                add(
                    ConflictKind.PHASED_OUT_TARGET, service_id, (a, b),
                    _("%(service)s avvecklas eller ersätts av en åtgärd medan en annan flyttar skolor dit.")
                    % {"service": name},
                )
            elif "goes" in fates and any(f.startswith("replaced:") for f in fates):
                out, replaced = (a, b) if fates[0] == "goes" else (b, a)
                if out.planned_end and replaced.planned_end and out.planned_end < replaced.planned_end:
                    add(
                        ConflictKind.PHASED_OUT_BEFORE_REPLACED, service_id, (a, b),
                        _(
                            "%(service)s avvecklas %(out)s, före ersättningen %(replaced)s: då finns inga "
                            "användare kvar att flytta."
                        )
                        % {"service": name, "out": out.planned_end, "replaced": replaced.planned_end},
                    )
            elif (
                a.kind == b.kind == ActionKind.REPLACE
                and a.service_id == b.service_id == service_id
                and a.replacement_id != b.replacement_id
            ):
                add(
                    ConflictKind.OVERLAPPING_REPLACEMENTS, service_id, (a, b),
                    _("%(service)s ersätts av två olika tjänster vid samma skolor.") % {"service": name},
                )
            if a.plan_id != b.plan_id and fates[0] != fates[1]:
                add(
                    ConflictKind.DECIDED_DIFFERENTLY, service_id, (a, b),
                    _("Färdplanerna %(first)s och %(second)s beslutar olika om %(service)s.")
                    % {"first": a.plan, "second": b.plan, "service": name},
                )
    conflicts.sort(key=lambda c: (c.service.casefold(), c.kind, c.action_ids))
    return conflicts

"""Actions that contradict each other are flagged, within a plan and between decided plans."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from planning.choices import ActionKind, ActionStatus, PlanStatus
from planning.conflicts import ConflictKind, plan_conflicts
from planning.models import ActionSchool
from tests import factories

pytestmark = pytest.mark.django_db


def decided_plan(name):
    return factories.PlanFactory(
        name=name, status=PlanStatus.DECIDED, decided_by="namnd", decided_on=datetime.date(2026, 11, 1)
    )


def test_phasing_out_the_service_another_action_moves_schools_to_is_a_conflict():
    plan = factories.PlanFactory()
    old, target = factories.ApplicationFactory(), factories.ApplicationFactory(name="Nya plattformen")
    moving = factories.ActionFactory(plan=plan, kind=ActionKind.REPLACE, service=old, replacement=target)
    going = factories.ActionFactory(plan=plan, kind=ActionKind.PHASE_OUT, service=target)

    conflicts = plan_conflicts(plan)

    assert [(c.kind, c.service, c.action_ids) for c in conflicts] == [
        (ConflictKind.PHASED_OUT_TARGET, "Nya plattformen", sorted([moving.pk, going.pk]))
    ]


def test_two_decided_plans_deciding_differently_for_one_service_conflict():
    service = factories.ApplicationFactory(name="Schemat")
    ours, theirs = decided_plan("Färdplan skola"), decided_plan("Färdplan IT")
    factories.ActionFactory(plan=ours, kind=ActionKind.PHASE_OUT, service=service)
    factories.ActionFactory(plan=theirs, kind=ActionKind.INTRODUCE, service=service)

    kinds = {c.kind for c in plan_conflicts(ours)}

    assert ConflictKind.DECIDED_DIFFERENTLY in kinds
    differently = [c for c in plan_conflicts(ours) if c.kind == ConflictKind.DECIDED_DIFFERENTLY]
    assert [len(c.plan_ids) for c in differently] == [2]


def test_a_draft_plan_elsewhere_and_a_stopped_action_do_not_conflict():
    service = factories.ApplicationFactory()
    ours = decided_plan("Vår")
    draft = factories.PlanFactory(name="Utkast")
    factories.ActionFactory(plan=ours, kind=ActionKind.PHASE_OUT, service=service)
    factories.ActionFactory(plan=draft, kind=ActionKind.INTRODUCE, service=service)
    factories.ActionFactory(
        plan=ours, kind=ActionKind.INTRODUCE, service=service, status=ActionStatus.STOPPED
    )

    assert plan_conflicts(ours) == []


def test_replacing_one_service_by_two_others_at_the_same_schools_overlaps():
    plan = factories.PlanFactory()
    old = factories.ApplicationFactory()
    north, south = factories.SchoolUnitFactory(), factories.SchoolUnitFactory()
    first = factories.ActionFactory(plan=plan, kind=ActionKind.REPLACE, service=old,
                                    replacement=factories.ApplicationFactory())
    second = factories.ActionFactory(plan=plan, kind=ActionKind.REPLACE, service=old,
                                     replacement=factories.ApplicationFactory())
    ActionSchool.objects.create(action=first, organisation=north)
    ActionSchool.objects.create(action=second, organisation=north)

    assert [c.kind for c in plan_conflicts(plan)] == [ConflictKind.OVERLAPPING_REPLACEMENTS]

    ActionSchool.objects.filter(action=second).update(organisation=south)
    assert plan_conflicts(plan) == []


def test_finding_conflicts_takes_three_queries_however_many_actions():
    plan = factories.PlanFactory()
    for _ in range(15):
        factories.ActionFactory(plan=plan, kind=ActionKind.PHASE_OUT)
    with CaptureQueriesContext(connection) as queries:
        plan_conflicts(plan)
    assert len(queries) == 3

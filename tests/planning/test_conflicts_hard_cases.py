"""Conflicts on the cases real plans contain: schools that do or do not overlap, two decided
plans, drafts, stopped actions and closed plans."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from planning.choices import ActionKind, ActionStatus, PlanStatus
from planning.conflicts import ConflictKind, plan_conflicts
from planning.models import ActionSchool
from tests import factories

pytestmark = pytest.mark.django_db


def decided_plan(name, status=PlanStatus.DECIDED):
    return factories.PlanFactory(
        name=name, status=status, decided_by="namnd", decided_on=datetime.date(2026, 11, 1)
    )


def action(plan, kind, service, *, schools=(), **fields):
    made = factories.ActionFactory(plan=plan, kind=kind, service=service, **fields)
    for school in schools:
        ActionSchool.objects.create(action=made, organisation=school)
    return made


def kinds(plan):
    return sorted((c.kind, c.service, tuple(c.action_ids)) for c in plan_conflicts(plan))


@pytest.fixture
def services():
    return [factories.ApplicationFactory(name=name) for name in ("Gamla", "Nya", "Tredje")]


def test_phasing_out_the_replacement_at_the_schools_moved_to_it_conflicts(schools, services):
    plan = factories.PlanFactory()
    old, new, _third = services
    moving = action(plan, ActionKind.REPLACE, old, replacement=new, schools=schools[:2])
    going = action(plan, ActionKind.PHASE_OUT, new, schools=schools[1:])

    assert kinds(plan) == [(ConflictKind.PHASED_OUT_TARGET, "Nya", tuple(sorted([moving.pk, going.pk])))]


def test_phasing_out_the_replacement_at_other_schools_than_those_moved_to_it_does_not_conflict(
    schools, services
):
    """Schools 1–2 move from A to B while school 3 leaves B: both can happen."""
    plan = factories.PlanFactory()
    old, new, _third = services
    action(plan, ActionKind.REPLACE, old, replacement=new, schools=schools[:2])
    action(plan, ActionKind.PHASE_OUT, new, schools=schools[2:])

    assert plan_conflicts(plan) == []


def test_phasing_out_the_replacement_everywhere_conflicts_with_a_replacement_at_some_schools(
    schools, services
):
    plan = factories.PlanFactory()
    old, new, _third = services
    action(plan, ActionKind.REPLACE, old, replacement=new, schools=schools[:1])
    action(plan, ActionKind.PHASE_OUT, new)

    assert [c.kind for c in plan_conflicts(plan)] == [ConflictKind.PHASED_OUT_TARGET]


def test_phasing_out_the_replacement_in_another_decided_plan_conflicts_on_both_plans(schools, services):
    ours, theirs = decided_plan("Skolans plan"), decided_plan("IT-planen")
    old, new, _third = services
    action(ours, ActionKind.REPLACE, old, replacement=new)
    action(theirs, ActionKind.PHASE_OUT, new)

    for plan in (ours, theirs):
        found = {c.kind for c in plan_conflicts(plan)}
        assert ConflictKind.PHASED_OUT_TARGET in found
        assert all(c.plan_ids == sorted([ours.pk, theirs.pk]) for c in plan_conflicts(plan))


def test_replacing_onward_the_service_schools_are_moved_to_conflicts(schools, services):
    plan = factories.PlanFactory()
    old, new, third = services
    action(plan, ActionKind.REPLACE, old, replacement=new, schools=schools[:1])
    action(plan, ActionKind.REPLACE, new, replacement=third, schools=schools[:1])

    assert [(c.kind, c.service) for c in plan_conflicts(plan)] == [(ConflictKind.PHASED_OUT_TARGET, "Nya")]


def test_introducing_and_replacing_into_one_service_agree(schools, services):
    plan = factories.PlanFactory()
    old, new, _third = services
    action(plan, ActionKind.INTRODUCE, new, schools=schools[:1])
    action(plan, ActionKind.REPLACE, old, replacement=new)

    assert plan_conflicts(plan) == []


def test_two_decided_plans_giving_one_service_different_fates_at_one_school_conflict(schools, services):
    ours, theirs = decided_plan("Skolans plan"), decided_plan("IT-planen")
    old, new, third = services
    action(ours, ActionKind.REPLACE, old, replacement=new, schools=schools[:2])
    action(theirs, ActionKind.REPLACE, old, replacement=third, schools=schools[1:])

    found = {c.kind for c in plan_conflicts(ours)}

    assert ConflictKind.DECIDED_DIFFERENTLY in found
    assert found == {c.kind for c in plan_conflicts(theirs)}


def test_two_decided_plans_replacing_one_service_at_different_schools_do_not_conflict(schools, services):
    """One plan moves the north schools to B, another the south ones to C: two decisions that fit."""
    ours, theirs = decided_plan("Norr"), decided_plan("Söder")
    old, new, third = services
    action(ours, ActionKind.REPLACE, old, replacement=new, schools=schools[:1])
    action(theirs, ActionKind.REPLACE, old, replacement=third, schools=schools[1:])

    assert plan_conflicts(ours) == []
    assert plan_conflicts(theirs) == []


def test_two_decided_plans_phasing_out_one_service_at_different_schools_and_introducing_it_do_not_conflict(
    schools, services
):
    ours, theirs = decided_plan("Norr"), decided_plan("Söder")
    service = services[0]
    action(ours, ActionKind.PHASE_OUT, service, schools=schools[:1])
    action(theirs, ActionKind.INTRODUCE, service, schools=schools[1:])

    assert plan_conflicts(ours) == []


def test_two_decided_plans_deciding_the_same_do_not_conflict(services):
    ours, theirs = decided_plan("Skolans plan"), decided_plan("IT-planen")
    action(ours, ActionKind.PHASE_OUT, services[0])
    action(theirs, ActionKind.PHASE_OUT, services[0])

    assert plan_conflicts(ours) == []


def test_a_draft_plan_neither_conflicts_with_a_decided_plan_nor_is_checked_against_one(services):
    """A draft is not a decision: often it is the next version of a decided plan, differing on
    purpose. It is checked against itself; against the decided plans once it is decided."""
    decided, draft = decided_plan("Beslutad"), factories.PlanFactory(name="Utkast")
    old, new, _third = services
    action(decided, ActionKind.REPLACE, old, replacement=new)
    action(draft, ActionKind.PHASE_OUT, new)
    action(draft, ActionKind.INTRODUCE, old)

    assert plan_conflicts(decided) == []
    assert plan_conflicts(draft) == []

    draft.status = PlanStatus.DECIDED
    draft.save()
    assert {c.kind for c in plan_conflicts(draft)} >= {ConflictKind.PHASED_OUT_TARGET}


def test_a_draft_plan_still_shows_its_own_conflicts(services):
    draft = factories.PlanFactory(name="Utkast")
    old, new, _third = services
    action(draft, ActionKind.REPLACE, old, replacement=new)
    action(draft, ActionKind.PHASE_OUT, new)

    assert [c.kind for c in plan_conflicts(draft)] == [ConflictKind.PHASED_OUT_TARGET]


@pytest.mark.parametrize("where", ["same plan", "other decided plan"])
def test_a_stopped_action_conflicts_with_nothing(services, where):
    ours = decided_plan("Vår")
    other = ours if where == "same plan" else decided_plan("Annan")
    old, new, _third = services
    action(ours, ActionKind.REPLACE, old, replacement=new)
    action(other, ActionKind.PHASE_OUT, new, status=ActionStatus.STOPPED)

    assert plan_conflicts(ours) == []
    assert plan_conflicts(other) == []


def test_a_closed_plans_actions_are_history_not_conflicts(services):
    ours, closed = decided_plan("Vår"), decided_plan("Förra", status=PlanStatus.CLOSED)
    old, new, _third = services
    action(ours, ActionKind.REPLACE, old, replacement=new)
    action(closed, ActionKind.PHASE_OUT, new)

    assert plan_conflicts(ours) == []
    assert plan_conflicts(closed) == []


def test_a_plan_being_carried_out_is_checked_like_a_decided_one(services):
    ours, running = decided_plan("Vår"), decided_plan("Pågående", status=PlanStatus.IN_PROGRESS)
    old, new, _third = services
    action(ours, ActionKind.REPLACE, old, replacement=new)
    action(running, ActionKind.PHASE_OUT, new)

    assert ConflictKind.PHASED_OUT_TARGET in {c.kind for c in plan_conflicts(running)}


def test_finding_conflicts_with_schools_and_other_plans_takes_three_queries(schools, services):
    ours, theirs = decided_plan("Vår"), decided_plan("Deras")
    for index in range(12):
        plan = ours if index % 2 else theirs
        action(
            plan,
            ActionKind.REPLACE,
            factories.ApplicationFactory(),
            replacement=services[1],
            schools=schools[: index % 3],
        )
    with CaptureQueriesContext(connection) as queries:
        plan_conflicts(ours)
    assert len(queries) == 3


def test_a_phase_out_dated_before_a_replacement_of_the_same_service_conflicts(schools, services):
    """The replacement would find nobody left to move: the users are lost."""
    plan = factories.PlanFactory(horizon=datetime.date(2027, 12, 31))
    old, new, _third = services
    out = action(plan, ActionKind.PHASE_OUT, old, schools=schools[:2], planned_end=datetime.date(2027, 3, 31))
    moved = action(
        plan,
        ActionKind.REPLACE,
        old,
        replacement=new,
        schools=schools[1:],
        planned_end=datetime.date(2027, 6, 30),
    )

    [conflict] = plan_conflicts(plan)

    assert conflict.kind == ConflictKind.PHASED_OUT_BEFORE_REPLACED
    assert conflict.action_ids == sorted([out.pk, moved.pk])
    assert "2027-03-31" in conflict.explanation and "inga användare kvar" in conflict.explanation


def test_a_phase_out_after_the_replacement_has_moved_the_users_does_not_conflict(schools, services):
    plan = factories.PlanFactory(horizon=datetime.date(2027, 12, 31))
    old, new, _third = services
    action(plan, ActionKind.REPLACE, old, replacement=new, planned_end=datetime.date(2027, 3, 31))
    action(plan, ActionKind.PHASE_OUT, old, planned_end=datetime.date(2027, 6, 30))

    assert plan_conflicts(plan) == []


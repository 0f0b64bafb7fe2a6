"""The demo municipality's färdplan: decided, halfway through, tied to the demo's real findings,
so every face of the plan shows something on first start."""

import pytest
from django.utils import timezone

from planning.choices import ActionKind, ActionStatus, FindingKind, PlanStatus
from planning.conflicts import plan_conflicts
from planning.followup import FollowUpKind, action_followup
from planning.future import future_state, today_state
from planning.goals import goal_progress
from planning.models import Plan

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_decided_plan_halfway_through_with_done_running_and_overdue_actions(demo):
    plan = Plan.objects.get(name=demo.plan)
    today = timezone.localdate()

    assert plan.status == PlanStatus.IN_PROGRESS and plan.decided_by and plan.diarienummer
    assert plan.decided_on < today < plan.horizon
    assert {"done", "running", "overdue", "planned"} <= set(demo.plan_actions)
    assert set(plan.actions.values_list("status", flat=True)) >= {ActionStatus.DONE, ActionStatus.RUNNING}
    assert set(plan.actions.values_list("finding_kind", flat=True)) >= {
        FindingKind.DUPLICATE_CLUSTER,
        FindingKind.OUTSIDE_SSO,
        FindingKind.GDPR_GAP,
    }
    assert plan.goals.count() >= 4


def test_the_demo_plan_history_is_dated_as_it_lived(demo):
    plan = Plan.objects.get(name=demo.plan)
    first, decided = plan.history.order_by("history_date")
    assert first.status == PlanStatus.DRAFT and decided.status == PlanStatus.IN_PROGRESS
    assert timezone.localtime(decided.history_date).date() == plan.decided_on
    done = plan.actions.get(status=ActionStatus.DONE)
    marked = done.history.order_by("history_date").last()
    assert timezone.localtime(marked.history_date).date() == done.completed_on


def test_the_demo_plan_is_followed_up_and_moves_its_goals(demo):
    plan = Plan.objects.get(name=demo.plan)

    kinds = {f.kind for f in action_followup(plan)}
    assert {FollowUpKind.OVERDUE, FollowUpKind.DONE_STILL_IN_USE} <= kinds

    progress = {g.metric: g for g in goal_progress(plan.goals.all(), today_state(), future_state(plan))}
    sso = progress["sso_coverage_users"]
    assert sso.at_end > sso.today
    per_capability = progress["services_per_capability"]
    assert per_capability.at_end < per_capability.today
    assert plan_conflicts(plan) == []
    assert plan.actions.filter(kind=ActionKind.DPIA).exists()


def test_the_demo_plan_closes_a_critical_gap_by_its_end(demo):
    from planning.figures import goals_today_and_at

    plan = Plan.objects.get(name=demo.plan)
    assert plan.actions.filter(kind=ActionKind.FIX_GDPR_GAP, service=None).exists()
    [critical] = [
        p
        for p in goals_today_and_at(plan, list(plan.goals.all()))
        if p.name == "Inga öppna kritiska dataskyddsbrister"
    ]
    assert critical.at_end < critical.without_plan


def test_the_demo_plans_own_findings_still_stand_except_where_it_says_why(demo):
    """The demo's standardisation and equity actions name findings today's analyses still find:
    the follow-up must not call them gone."""
    plan = Plan.objects.get(name=demo.plan)
    gone = {f.action_id for f in action_followup(plan) if f.kind == FollowUpKind.FINDING_GONE}
    for kind in (FindingKind.STANDARDISATION, FindingKind.EQUITY_HOLE):
        for action in plan.actions.filter(finding_kind=kind).exclude(status__in=["klar", "stoppad"]):
            assert action.pk not in gone, action

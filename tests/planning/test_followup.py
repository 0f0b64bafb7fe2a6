"""Following a plan up: actions against what happened, and each effektmål month by month from history."""

import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.utils import timezone

from planning.choices import ActionKind, ActionStatus, FindingKind, Metric, PlanStatus
from planning.followup import (
    FollowUpKind,
    action_followup,
    goal_series,
    open_plans_followup,
    register_as_of,
)
from portfolio.choices import AuthenticationMethod, IdentityProvider
from portfolio.models import Service, ServiceUsage
from tests import factories
from tests.planning.history_data import back_dated_sso_history

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2027, 3, 15)
PAST = datetime.date(2027, 1, 31)


def kinds(found):
    return {(f.action_id, f.kind) for f in found}


def test_an_action_marked_done_whose_service_is_still_used_after_its_end_is_flagged():
    school = factories.SchoolUnitFactory()
    service = factories.ApplicationFactory()
    ServiceUsage.objects.create(service=service, organisation=school, users=40)
    done = factories.ActionFactory(
        kind=ActionKind.PHASE_OUT, service=service, planned_end=PAST, status=ActionStatus.DONE,
        completed_on=PAST,
    )

    assert kinds(action_followup(done.plan, TODAY)) == {(done.pk, FollowUpKind.DONE_STILL_IN_USE)}
    ServiceUsage.objects.filter(service=service).delete()
    assert action_followup(done.plan, TODAY) == []


def test_an_action_past_its_end_that_is_neither_done_nor_stopped_is_overdue():
    plan = factories.PlanFactory()
    late = factories.ActionFactory(plan=plan, planned_end=PAST, status=ActionStatus.RUNNING)
    factories.ActionFactory(plan=plan, planned_end=PAST, status=ActionStatus.STOPPED)
    factories.ActionFactory(plan=plan, planned_end=TODAY + datetime.timedelta(days=30))

    assert kinds(action_followup(plan, TODAY)) == {(late.pk, FollowUpKind.OVERDUE)}


def test_an_action_whose_service_went_behind_sso_on_its_own_has_lost_its_finding():
    service = factories.ApplicationFactory(authentication=AuthenticationMethod.LOCAL, identity_provider="")
    action = factories.ActionFactory(
        kind=ActionKind.MOVE_BEHIND_SSO, service=service, finding_kind=FindingKind.OUTSIDE_SSO,
        planned_end=TODAY + datetime.timedelta(days=90),
    )
    assert action_followup(action.plan, TODAY) == []

    Service.objects.filter(pk=service.pk).update(
        authentication=AuthenticationMethod.SAML, identity_provider=IdentityProvider.MUNICIPAL
    )

    assert kinds(action_followup(action.plan, TODAY)) == {(action.pk, FollowUpKind.FINDING_GONE)}


def test_an_action_whose_gdpr_gap_no_longer_fires_has_lost_its_finding():
    vendor = factories.VendorFactory()
    service = factories.ApplicationFactory(vendor=vendor)
    activity = factories.ProcessingActivityFactory(large_scale=True)
    activity.service_links.create(service=service)
    action = factories.ActionFactory(
        kind=ActionKind.DPIA, service=service, finding_kind=FindingKind.GDPR_GAP,
        finding_ref=f"DPIA_REQUIRED_NOT_DONE:processing_activity:{activity.pk}",
        planned_end=TODAY + datetime.timedelta(days=90),
    )
    assert action_followup(action.plan, TODAY) == []

    factories.DpiaFactory(processing_activity=activity)

    assert kinds(action_followup(action.plan, TODAY)) == {(action.pk, FollowUpKind.FINDING_GONE)}


def test_the_register_as_of_a_day_is_read_from_history_and_nothing_of_it_remains():
    school = factories.SchoolUnitFactory()
    service = factories.ApplicationFactory(authentication=AuthenticationMethod.LOCAL, identity_provider="")
    ServiceUsage.objects.create(service=service, organisation=school, users=10)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    counts = {m._meta.label: m._default_manager.count() for m in apps.get_models()}

    with register_as_of(yesterday):
        assert not Service.objects.exists()
        assert not ServiceUsage.objects.exists()

    assert {m._meta.label: m._default_manager.count() for m in apps.get_models()} == counts
    assert Service.objects.get().authentication == AuthenticationMethod.LOCAL


def test_a_goal_is_tracked_month_by_month_from_history():
    today = timezone.localdate()
    # The service's and its use's history back-dated two months, then put behind SSO today.
    plan, goal = back_dated_sso_history()

    series = goal_series(plan, months=3, today=today)[goal.pk]

    assert [point.value for point in series] == [Decimal("0.0"), Decimal("0.0"), Decimal("100.0")]
    assert series[-1].day == today


def test_open_plans_followup_covers_decided_running_plans_only():
    decided = factories.PlanFactory(status=PlanStatus.IN_PROGRESS, decided_by="namnd", decided_on=PAST)
    factories.PlanFactory(status=PlanStatus.DRAFT)
    factories.ActionFactory(plan=decided, planned_end=PAST, status=ActionStatus.PLANNED)
    factories.GoalFactory(plan=decided, metric=Metric.SSO_COVERAGE_USERS, target_date=PAST)

    followups = open_plans_followup(TODAY)

    assert [f.plan_id for f in followups] == [decided.pk]
    assert [a.kind for a in followups[0].actions] == [FollowUpKind.OVERDUE]
    assert followups[0].goals_not_met == [decided.goals.get().name]


def test_the_review_rounds_page_shows_the_follow_up_of_plans_being_carried_out(client, strategist):
    from django.urls import reverse

    from stewardship.models import ReviewRound

    plan = factories.PlanFactory(
        name="Färdplan skola", status=PlanStatus.IN_PROGRESS, decided_by="namnd", decided_on=PAST
    )
    factories.ActionFactory(
        plan=plan, name="Flytta Schemat bakom SSO", status=ActionStatus.RUNNING,
        planned_end=timezone.localdate() - datetime.timedelta(days=3),
    )
    round_ = ReviewRound.objects.create(
        name="Årlig genomgång", deadline=timezone.localdate() + datetime.timedelta(days=30)
    )
    client.force_login(strategist)

    page = client.get(reverse("stewardship:round_detail", args=[round_.pk])).content.decode()

    assert "Färdplanernas uppföljning" in page
    assert "Färdplan skola: Flytta Schemat bakom SSO" in page


def test_a_past_month_end_is_computed_once_and_kept():
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from analysis_cache.models import AnalysisResult

    school = factories.SchoolUnitFactory()
    service = factories.ApplicationFactory()
    ServiceUsage.objects.create(service=service, organisation=school, users=10)
    plan = factories.PlanFactory()
    factories.GoalFactory(plan=plan, metric=Metric.SSO_COVERAGE_USERS)
    today = timezone.localdate()

    with CaptureQueriesContext(connection) as first:
        goal_series(plan, months=2, today=today)
    assert AnalysisResult.objects.filter(name__startswith="planning_month:").count() == 1
    cache.clear()  # another process: only the stored figure is left
    with CaptureQueriesContext(connection) as second:
        again = goal_series(plan, months=2, today=today)

    assert len(second) < len(first)
    assert [point.value for point in again[plan.goals.get().pk]][-1] == Decimal("100.0")

"""The färdplan's figures are kept until what they are computed from changes, and a goal's
month-by-month line is computed off the request path."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from analysis_cache.models import AnalysisResult
from planning.choices import ActionKind, Metric, PlanStatus
from planning.figures import stored_future_state, stored_today_state
from planning.followup import goal_series, pending_months
from planning.models import Plan
from portfolio.analysis.completeness import month_ends
from portfolio.choices import AuthenticationMethod, IdentityProvider
from portfolio.models import ServiceUsage
from tests import factories
from tests.planning.history_data import back_dated_sso_history

pytestmark = pytest.mark.django_db

DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def outside_sso_plan():
    """A plan that moves the one service in use (40 users, outside SSO) behind single sign-on."""
    school = factories.SchoolUnitFactory()
    service = factories.ApplicationFactory(authentication=AuthenticationMethod.LOCAL, identity_provider="")
    ServiceUsage.objects.create(service=service, organisation=school, users=40)
    plan = factories.PlanFactory()
    factories.GoalFactory(plan=plan, metric=Metric.SSO_COVERAGE_USERS, target_value=Decimal("95"))
    return plan, service


def _queries(function):
    with CaptureQueriesContext(connection) as queries:
        result = function()
    return result, len(queries)


def test_a_plans_future_figures_are_read_back_until_the_plan_changes(outside_sso_plan):
    plan, service = outside_sso_plan
    first, computing = _queries(lambda: stored_future_state(plan, include={"sso"}))
    again, reading = _queries(lambda: stored_future_state(plan, include={"sso"}))
    assert first.sso_coverage_by_users == again.sso_coverage_by_users == 0.0
    assert reading < computing and reading <= 4  # the two fingerprints and one load

    factories.ActionFactory(plan=plan, kind=ActionKind.MOVE_BEHIND_SSO, service=service)

    assert stored_future_state(plan, include={"sso"}).sso_coverage_by_users == 1.0


def test_todays_figures_are_read_back_until_the_register_changes(outside_sso_plan):
    _plan, service = outside_sso_plan
    assert stored_today_state(include={"sso"}).sso_coverage_by_users == 0.0
    _state, reading = _queries(lambda: stored_today_state(include={"sso"}))
    assert reading <= 3

    service.authentication, service.identity_provider = AuthenticationMethod.SAML, IdentityProvider.MUNICIPAL
    service.save()

    assert stored_today_state(include={"sso"}).sso_coverage_by_users == 1.0


def test_each_plan_date_and_figure_group_is_kept_on_its_own(outside_sso_plan):
    plan, _service = outside_sso_plan
    other = factories.PlanFactory()
    stored_future_state(plan, include={"sso"})
    stored_future_state(plan, plan.horizon - datetime.timedelta(days=30), include={"sso"})
    stored_future_state(other, include={"sso", "cost"})
    assert AnalysisResult.objects.filter(name__startswith="planning.future:").count() == 3


def test_the_kept_figures_hold_no_gdpr_findings():
    factories.ProcessingActivityFactory()
    plan = factories.PlanFactory()
    state = stored_future_state(plan, include={"gaps"})
    assert state.gaps == [] and sum(line.count for line in state.gdpr_gaps_by_severity) > 0


def _back_dated_sso_history():
    """The register of :func:`back_dated_sso_history`, with a plan being carried out."""
    return back_dated_sso_history(
        status=PlanStatus.IN_PROGRESS, decided_by="namnd", decided_on=timezone.localdate()
    )


@override_settings(TASKS=DUMMY_TASKS)
def test_the_plan_page_does_not_wait_for_the_goal_months_and_says_they_are_being_computed(client, strategist):
    plan, goal = _back_dated_sso_history()
    client.force_login(strategist)

    page = client.get(plan.get_absolute_url()).content.decode()

    assert 'id="goal-months-pending"' in page
    assert "räknas fram ur historiken i bakgrunden" in page
    today = timezone.localdate()
    series = goal_series(plan, months=3, today=today, wait=False)[goal.pk]
    assert [point.value for point in series] == [None, None, Decimal("100.0")]


@override_settings(TASKS=DUMMY_TASKS)
def test_the_enqueued_task_computes_the_months_and_the_page_then_shows_the_whole_line(client, strategist):
    from planning.tasks import compute_goal_months_task
    from planning.workbook import GOAL_SERIES_MONTHS

    plan, goal = _back_dated_sso_history()
    today = timezone.localdate()
    days = month_ends(GOAL_SERIES_MONTHS, today)
    assert pending_months(days, {"sso"}, today) == days[:-1]

    computed = compute_goal_months_task.call([d.isoformat() for d in days], ["sso"], today.isoformat(), "sv")

    assert computed == len(days) - 1 and pending_months(days, {"sso"}, today) == []
    series = goal_series(plan, months=3, today=today, wait=False)[goal.pk]
    assert [point.value for point in series] == [Decimal("0.0"), Decimal("0.0"), Decimal("100.0")]
    client.force_login(strategist)
    assert 'id="goal-months-pending"' not in client.get(plan.get_absolute_url()).content.decode()


def test_with_a_worker_at_hand_the_plan_page_shows_the_whole_line_at_once(client, strategist):
    """The tests' immediate task backend stands for a worker that is done before the page is."""
    plan, _goal = _back_dated_sso_history()
    client.force_login(strategist)
    page = client.get(plan.get_absolute_url()).content.decode()
    assert 'id="goal-months-pending"' not in page


def test_the_nightly_task_brings_every_running_plans_lines_up_to_date():
    from planning.followup import compute_months  # noqa: F401 - the task's own step
    from planning.tasks import compute_running_plans_months_task
    from planning.workbook import GOAL_SERIES_MONTHS

    plan, _goal = _back_dated_sso_history()
    factories.GoalFactory(plan=factories.PlanFactory(status=PlanStatus.DRAFT), metric=Metric.YEARLY_COST)
    today = timezone.localdate()
    days = month_ends(GOAL_SERIES_MONTHS, today)

    compute_running_plans_months_task.call()

    assert pending_months(days, {"sso"}, today) == []
    assert pending_months(days, {"cost"}, today) == days[:-1]  # a draft is nobody's follow-up yet
    assert Plan.objects.running().get() == plan


def test_the_background_refresh_brings_every_open_plans_figures_up_to_date(outside_sso_plan):
    from planning.figures import forget
    from stewardship.tasks import refresh_analyses_task

    plan, service = outside_sso_plan
    factories.ActionFactory(plan=plan, kind=ActionKind.MOVE_BEHIND_SSO, service=service)
    closed = factories.PlanFactory(
        status=PlanStatus.CLOSED, decided_by="namnd", decided_on=timezone.localdate()
    )
    factories.GoalFactory(plan=closed, metric=Metric.YEARLY_COST)

    refresh_analyses_task.call("sv")

    names = set(AnalysisResult.objects.filter(name__startswith="planning.").values_list("name", flat=True))
    assert f"planning.future:{plan.pk}:{plan.horizon.isoformat()}:sso" in names
    assert not any(name.startswith(f"planning.future:{closed.pk}:") for name in names)
    forget()  # a web process: nothing kept in its memory, only the stored figures
    state, queries = _queries(lambda: stored_future_state(plan, include={"sso"}))
    assert state.sso_coverage_by_users == 1.0 and queries <= 4


def test_the_background_refresh_keeps_the_map_each_open_plan_opens_with(outside_sso_plan):
    from planning.diagrams import facts_at
    from stewardship.tasks import refresh_analyses_task

    plan, service = outside_sso_plan
    factories.ActionFactory(plan=plan, kind=ActionKind.MOVE_BEHIND_SSO, service=service)

    refresh_analyses_task.call("sv")

    map_facts, queries = _queries(lambda: facts_at(plan, plan.horizon, "sso"))
    assert queries <= 5  # read back: nothing applied, nothing computed
    assert [fact.behind_sso for fact in map_facts.facts if fact.pk == service.pk] == [True]


def test_todays_figures_taken_from_the_kept_analysis_suite_equal_those_computed(demo):
    from planning.future import FIGURES, today_state
    from stewardship.analyses import Analyses

    computed = today_state(include=FIGURES)
    kept = today_state(include=FIGURES, suite=Analyses().get)

    for figure in (
        "sso_coverage_by_users", "sso_coverage_by_services", "skolfederation_share", "yearly_cost",
        "yearly_cost_by_management_object", "services_per_capability", "gdpr_gaps_by_severity",
        "equity", "completeness", "sso_by_school",
    ):  # fmt: skip
        assert getattr(kept, figure) == getattr(computed, figure), figure
    assert computed.completeness > 0 and sum(line.count for line in computed.gdpr_gaps_by_severity) > 0


def test_each_goal_shows_the_same_day_without_the_plan_so_time_alone_is_not_credited_to_it(outside_sso_plan):
    """A record's review grows old by the plan's end whatever the plan does: the gap count at the
    end rises for an empty plan too, and the column without the plan shows that it is time."""
    from planning.figures import goals_today_and_at

    plan, service = outside_sso_plan
    factories.ActionFactory(plan=plan, kind=ActionKind.MOVE_BEHIND_SSO, service=service)
    gaps_goal = factories.GoalFactory(
        plan=plan, metric=Metric.OPEN_GDPR_GAPS, severity="low", comparison="lte"
    )
    activity = factories.ProcessingActivityFactory(last_reviewed_on=timezone.localdate())
    assert activity.pk

    progress = {p.goal_id: p for p in goals_today_and_at(plan, list(plan.goals.all()))}

    sso = next(p for p in progress.values() if p.metric == Metric.SSO_COVERAGE_USERS)
    assert (sso.today, sso.at_end, sso.without_plan) == (Decimal("0.0"), Decimal("100.0"), Decimal("0.0"))
    gaps = progress[gaps_goal.pk]
    assert gaps.without_plan == gaps.at_end  # the plan moves nothing the gap rules read
    assert gaps.at_end >= gaps.today


def test_kept_plan_figures_not_computed_for_a_month_are_purged_nightly_and_month_ends_stay(outside_sso_plan):
    import datetime as dt

    from planning.tasks import purge_plan_figures_task

    plan, _service = outside_sso_plan
    stored_future_state(plan, include={"sso"})
    stored_future_state(plan, plan.horizon - dt.timedelta(days=10), include={"sso"})
    AnalysisResult.objects.create(
        name="planning_month:2026-01-31:sso",
        language="sv",
        state="x",
        computed_from=timezone.now(),
        computed_at=timezone.now() - dt.timedelta(days=400),
        value=b"",
    )
    old = AnalysisResult.objects.filter(name__startswith="planning.future:").order_by("pk").first()
    AnalysisResult.objects.filter(pk=old.pk).update(computed_at=timezone.now() - dt.timedelta(days=31))

    assert purge_plan_figures_task.call() == 1

    names = set(AnalysisResult.objects.values_list("name", flat=True))
    assert old.name not in names and "planning_month:2026-01-31:sso" in names
    assert sum(name.startswith("planning.future:") for name in names) == 1

"""The färdplan's records: what a plan, an effektmål and an action must say, who may write them,
and that every write is history with its user."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError

from planning.choices import ActionKind, ActionStatus, Metric, PlanStatus
from planning.forms import ActionForm, GoalForm, PlanForm
from planning.models import Action, ActionSchool, Plan
from planning.services import can_edit_action, save_action, save_goal, save_plan
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 5)


def plan_data(**changes):
    data = {
        "name": "Färdplan 2027",
        "horizon": "2027-12-31",
        "status": PlanStatus.DRAFT,
        "target_state": "En inloggning för alla.",
    }
    return {**data, **changes}


def action_data(plan, service, **changes):
    data = {
        "plan": plan.pk,
        "kind": ActionKind.PHASE_OUT,
        "service": service.pk,
        "planned_start": "2027-01-01",
        "planned_end": "2027-06-30",
        "status": ActionStatus.PLANNED,
        "one_off_cost": "0",
        "yearly_cost_effect": "-120000",
    }
    return {**data, **changes}


def test_a_decided_plan_must_say_who_decided_it_and_when():
    form = PlanForm(data=plan_data(status=PlanStatus.DECIDED))
    assert not form.is_valid()
    assert set(form.errors) == {"decided_by", "decided_on"}

    form = PlanForm(data=plan_data(status=PlanStatus.DECIDED, decided_by="namnd", decided_on="2026-11-20",
                                   diarienummer="BUN 2026/123"))
    assert form.is_valid(), form.errors


def test_a_plan_cannot_end_before_it_was_decided():
    form = PlanForm(data=plan_data(status=PlanStatus.DECIDED, decided_by="namnd", decided_on="2028-01-01"))
    assert not form.is_valid()
    assert "horizon" in form.errors


def test_the_strategist_saves_a_plan_and_history_names_her(strategist):
    form = PlanForm(data=plan_data())
    assert form.is_valid(), form.errors

    plan = save_plan(form, user=strategist, reason="Ny färdplan")

    record = plan.history.get()
    assert record.history_user == strategist
    assert record.history_change_reason == "Ny färdplan"


def test_a_reader_may_not_save_a_plan(reader):
    form = PlanForm(data=plan_data())
    assert form.is_valid()
    with pytest.raises(PermissionDenied):
        save_plan(form, user=reader)
    assert not Plan.objects.exists()


@pytest.mark.parametrize(
    ("metric", "needs"),
    [
        (Metric.SSO_COVERAGE_USERS, set()),
        (Metric.SERVICES_PER_CAPABILITY, {"capability"}),
        (Metric.OPEN_GDPR_GAPS, {"severity"}),
        (Metric.EQUITY_SHARE, {"capability", "school_form"}),
        (Metric.YEARLY_COST, set()),
        (Metric.SKOLFEDERATION_SHARE, set()),
        (Metric.COMPLETENESS, set()),
    ],
)
def test_a_goal_needs_the_parameters_its_metric_reads(metric, needs):
    plan = factories.PlanFactory()
    form = GoalForm(data={"plan": plan.pk, "name": "Mål", "metric": metric, "comparison": "gte",
                          "target_value": "1", "target_date": "2027-08-01"})
    assert form.is_valid() == (not needs)
    assert set(form.errors) == needs


def test_a_goal_drops_parameters_its_metric_does_not_read(strategist):
    plan = factories.PlanFactory()
    capability = factories.CapabilityFactory()
    form = GoalForm(data={"plan": plan.pk, "name": "SSO", "metric": Metric.SSO_COVERAGE_USERS,
                          "comparison": "gte", "target_value": "95", "target_date": "2027-08-01",
                          "capability": capability.pk, "school_form": "grundskola"})
    assert form.is_valid(), form.errors
    goal = save_goal(form, user=strategist)
    assert goal.capability is None and goal.school_form == ""


def test_a_goal_judges_a_value_against_its_target():
    at_least = factories.GoalFactory(comparison="gte", target_value=Decimal("95"))
    at_most = factories.GoalFactory(comparison="lte", target_value=Decimal("1"), metric=Metric.YEARLY_COST)
    assert at_least.is_met(95) and not at_least.is_met(94.9)
    assert at_most.is_met(1) and not at_most.is_met(2)
    assert at_least.is_met(None) is None
    assert at_least.target_label == "≥ 95"


def test_a_replacement_names_a_different_service_to_replace_with():
    plan = factories.PlanFactory()
    a, b = factories.ApplicationFactory(), factories.ApplicationFactory()

    missing = ActionForm(data=action_data(plan, a, kind=ActionKind.REPLACE))
    itself = ActionForm(data=action_data(plan, a, kind=ActionKind.REPLACE, replacement=a.pk))
    right = ActionForm(data=action_data(plan, a, kind=ActionKind.REPLACE, replacement=b.pk))
    stray = ActionForm(data=action_data(plan, a, kind=ActionKind.PHASE_OUT, replacement=b.pk))

    assert "replacement" in missing.errors
    assert "replacement" in itself.errors
    assert right.is_valid(), right.errors
    assert "replacement" in stray.errors


def test_an_action_cannot_end_before_it_starts():
    plan, service = factories.PlanFactory(), factories.ApplicationFactory()
    form = ActionForm(data=action_data(plan, service, planned_start="2027-07-01", planned_end="2027-06-30"))
    assert not form.is_valid()
    assert "planned_end" in form.errors


def test_the_database_refuses_an_action_ending_before_it_starts():
    with pytest.raises(IntegrityError):
        factories.ActionFactory(
            planned_start=datetime.date(2027, 7, 1), planned_end=datetime.date(2027, 6, 30)
        )


def test_an_action_on_a_contract_must_be_on_a_contract_of_its_service():
    plan, service = factories.PlanFactory(), factories.ApplicationFactory()
    other = factories.ContractFactory()
    data = action_data(plan, service, kind=ActionKind.CONSOLIDATE_CONTRACTS, contract=other.pk)
    form = ActionForm(data=data)
    assert "contract" in form.errors


def test_an_action_saves_its_schools_as_links_with_history(strategist):
    plan, service = factories.PlanFactory(), factories.ApplicationFactory()
    north, south = factories.SchoolUnitFactory(), factories.SchoolUnitFactory()
    form = ActionForm(data=action_data(plan, service, schools=[north.pk, south.pk],
                                       finding_kind="outside_sso", finding_label="Utanför SSO"))
    assert form.is_valid(), form.errors

    action = save_action(form, user=strategist, reason="Från SSO-analysen")

    assert set(action.schools.all()) == {north, south}
    assert ActionSchool.history.filter(history_user=strategist).count() == 2
    assert action.history.get().history_user == strategist
    assert action.finding_display == "Utanför SSO"


def test_an_action_marked_done_is_dated_today_when_no_date_is_given(strategist):
    action = factories.ActionFactory()
    data = action_data(action.plan, action.service, status=ActionStatus.DONE)
    form = ActionForm(data=data, instance=action)
    assert form.is_valid(), form.errors
    save_action(form, user=strategist, expected_version=action.version)
    action.refresh_from_db()
    assert action.completed_on is not None
    assert action.history.first().status == ActionStatus.DONE


def test_only_the_data_protection_coordinator_plans_processor_agreements_and_dpias(
    strategist, data_protection_coordinator
):
    plan, service = factories.PlanFactory(), factories.ApplicationFactory()
    gdpr = ActionForm(data=action_data(plan, service, kind=ActionKind.DPIA))
    assert gdpr.is_valid(), gdpr.errors
    with pytest.raises(PermissionDenied):
        save_action(gdpr, user=strategist)

    action = save_action(gdpr, user=data_protection_coordinator)
    assert action.kind == ActionKind.DPIA

    # …and the coordinator does not take over the strateg's actions.
    assert not can_edit_action(data_protection_coordinator, {ActionKind.PHASE_OUT}, creating=True)
    assert can_edit_action(strategist, {ActionKind.PHASE_OUT}, creating=True)


def test_turning_a_gdpr_action_into_another_kind_needs_the_right_to_both(strategist):
    action = factories.ActionFactory(kind=ActionKind.PROCESSOR_AGREEMENT)
    data = action_data(action.plan, action.service, kind=ActionKind.PHASE_OUT)
    form = ActionForm(data=data, instance=action)
    assert form.is_valid(), form.errors
    with pytest.raises(PermissionDenied):
        save_action(form, user=strategist, expected_version=action.version)
    assert Action.objects.get().kind == ActionKind.PROCESSOR_AGREEMENT


def test_every_role_reads_the_plan(reader, it_user, strategist, data_protection_coordinator):
    for user in (reader, it_user, strategist, data_protection_coordinator):
        for model in ("plan", "goal", "action", "actionschool"):
            assert user.has_perm(f"planning.view_{model}"), (user, model)
    assert not reader.has_perm("planning.change_plan")


@pytest.mark.parametrize("model", ["plan", "goal", "action", "actionschool"])
def test_the_admin_lists_and_opens_the_fardplan_records(client, model):
    superuser = factories.UserFactory(username="root", is_superuser=True, is_staff=True)
    action = factories.ActionFactory()
    factories.GoalFactory(plan=action.plan)
    ActionSchool.objects.create(action=action, organisation=factories.SchoolUnitFactory())
    client.force_login(superuser)

    assert client.get(f"/admin/planning/{model}/").status_code == 200
    assert client.get(f"/admin/planning/{model}/add/").status_code == 200

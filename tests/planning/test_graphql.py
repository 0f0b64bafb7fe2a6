"""The färdplan over GraphQL: plans with goals and actions, the future state, and writes through
the same Forms and role rules as the pages."""

import datetime

import pytest
from graphql_relay import to_global_id

from accounts.models import ApiToken
from planning.choices import ActionKind
from planning.models import Action, Plan
from portfolio.choices import AuthenticationMethod
from portfolio.models import ServiceUsage
from tests import factories
from tests.graphql.conftest import execute, post

pytestmark = pytest.mark.django_db

HORIZON = datetime.date(2027, 12, 31)

PLANS = """
{ plans(first: 10) { totalCount edges { node {
    id name status
    goals { edges { node { name metric targetValue } } }
    actions { edges { node { kind status plannedEnd finding application { name } } } }
} } } }
"""

FUTURE = """
query($plan: ID!, $on: Date!) { futureState(plan: $plan, on: $on) {
    on appliedActions ssoCoverageByUsers yearlyCost
    servicesPerCapability { name services }
    gdprGapsBySeverity { severity count }
} }
"""

CREATE_ACTION = """
mutation($input: CreateActionInput!) { createAction(input: $input) {
    action { kind status } errors { field message }
} }
"""


@pytest.fixture
def plan():
    plan = factories.PlanFactory(name="Färdplan 2027", horizon=HORIZON)
    school = factories.SchoolUnitFactory()
    local = factories.ApplicationFactory(
        name="Lokala", authentication=AuthenticationMethod.LOCAL, identity_provider=""
    )
    ServiceUsage.objects.create(service=local, organisation=school, users=50)
    factories.GoalFactory(plan=plan, name="SSO 95 %")
    factories.ActionFactory(
        plan=plan, kind=ActionKind.MOVE_BEHIND_SSO, service=local, finding_kind="outside_sso",
        finding_label="Lokala utanför SSO",
    )
    return plan


def test_plans_list_their_goals_and_actions(reader, plan):
    answer = execute(reader, PLANS)

    assert answer.errors == []
    node = answer.data["plans"]["edges"][0]["node"]
    assert node["name"] == "Färdplan 2027" and node["status"] == "utkast"
    assert node["goals"]["edges"][0]["node"]["metric"] == "sso_coverage_users"
    action = node["actions"]["edges"][0]["node"]
    assert action == {
        "kind": "move_behind_sso", "status": "planerad", "plannedEnd": "2027-12-31",
        "finding": "Lokala utanför SSO", "application": {"name": "Lokala"},
    }


def test_the_future_state_answers_with_the_plans_actions_applied(reader, plan):
    answer = execute(reader, FUTURE, {"plan": to_global_id("Plan", plan.pk), "on": "2027-12-31"})

    assert answer.errors == []
    state = answer.data["futureState"]
    assert state["ssoCoverageByUsers"] == 1.0
    assert state["appliedActions"] == [plan.actions.get().pk]
    assert {line["severity"] for line in state["gdprGapsBySeverity"]} == {"critical", "high", "medium", "low"}

    before = execute(reader, FUTURE, {"plan": to_global_id("Plan", plan.pk), "on": "2027-01-01"})
    assert before.data["futureState"]["ssoCoverageByUsers"] == 0.0


def test_the_strategist_creates_a_plan_and_history_names_her(strategist):
    answer = execute(
        strategist,
        "mutation($input: CreatePlanInput!) { createPlan(input: $input) { plan { name status } "
        "errors { field message } } }",
        {"input": {"name": "Ny plan", "horizon": "2028-06-30", "status": "utkast"}},
    )

    assert answer.data["createPlan"] == {"plan": {"name": "Ny plan", "status": "utkast"}, "errors": []}
    assert Plan.objects.get().history.get().history_user == strategist


def test_a_decided_plan_without_a_decision_is_refused_with_field_errors(strategist):
    answer = execute(
        strategist,
        "mutation($input: CreatePlanInput!) { createPlan(input: $input) { errors { field message } } }",
        {"input": {"name": "Ny plan", "horizon": "2028-06-30", "status": "beslutad"}},
    )

    assert {e["field"] for e in answer.data["createPlan"]["errors"]} == {"decidedBy", "decidedOn"}
    assert not Plan.objects.exists()


def test_a_dpia_action_is_the_data_protection_coordinators(strategist, data_protection_coordinator, plan):
    service = plan.actions.get().service
    data = {"input": {
        "plan": to_global_id("Plan", plan.pk), "kind": "dpia",
        "service": to_global_id("Application", service.pk), "plannedEnd": "2027-06-30", "status": "planerad",
    }}

    refused = execute(strategist, CREATE_ACTION, data).data["createAction"]
    assert refused["action"] is None and "dataskyddssamordnaren" in refused["errors"][0]["message"]

    created = execute(data_protection_coordinator, CREATE_ACTION, data).data["createAction"]
    assert created == {"action": {"kind": "dpia", "status": "planerad"}, "errors": []}
    assert Action.objects.filter(kind=ActionKind.DPIA).count() == 1


def test_a_read_only_token_cannot_write_a_plan(client, strategist):
    _token, secret = ApiToken.issue(strategist, name="läs", read_only=True)
    response = post(
        client,
        "mutation($input: CreatePlanInput!) { createPlan(input: $input) { errors { message } } }",
        {"input": {"name": "Ny plan", "horizon": "2028-06-30"}},
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 403
    assert not Plan.objects.exists()


def test_a_user_without_the_right_to_read_plans_gets_no_future_state(plan):
    nobody = factories.UserFactory(username="ingen")
    answer = execute(nobody, FUTURE, {"plan": to_global_id("Plan", plan.pk), "on": "2027-12-31"})
    assert answer.data is None or answer.data.get("futureState") is None
    assert "Behörighet saknas" in answer.messages[0]


def test_the_future_state_of_a_day_gone_by_is_refused_with_a_pointer_to_history(reader, plan):
    answer = execute(reader, FUTURE, {"plan": to_global_id("Plan", plan.pk), "on": "2020-01-01"})
    assert answer.data is None or answer.data.get("futureState") is None
    message = str(answer.errors[0]["message"] if isinstance(answer.errors[0], dict) else answer.errors[0])
    assert "har redan varit" in message and "asOf" in message

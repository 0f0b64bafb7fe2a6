"""``plan_report PLAN``: the plan as JSON, a table and a workbook, found by id or by name."""

import datetime
import io
import json

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from planning.choices import ActionKind, ActionStatus
from portfolio.choices import AuthenticationMethod
from portfolio.models import ServiceUsage
from tests import factories

pytestmark = pytest.mark.django_db

HORIZON = datetime.date(2027, 12, 31)


@pytest.fixture
def plan():
    plan = factories.PlanFactory(name="Färdplan Ö", horizon=HORIZON)
    school = factories.SchoolUnitFactory()
    local = factories.ApplicationFactory(authentication=AuthenticationMethod.LOCAL, identity_provider="")
    ServiceUsage.objects.create(service=local, organisation=school, users=20)
    factories.GoalFactory(plan=plan, name="SSO minst 95 %")
    factories.ActionFactory(
        plan=plan, kind=ActionKind.MOVE_BEHIND_SSO, service=local, status=ActionStatus.RUNNING,
        planned_end=datetime.date(2027, 6, 30), finding_kind="outside_sso", finding_label="Utanför SSO",
    )
    return plan


def run(*args) -> str:
    out = io.StringIO()
    call_command("plan_report", *args, stdout=out)
    return out.getvalue()


def test_the_json_report_has_goals_today_and_at_the_end_and_actions_with_their_findings(plan):
    report = json.loads(run(str(plan.pk), "--format", "json"))

    assert report["on"] == "2027-12-31"
    assert report["goals"] == [
        {
            "name": "SSO minst 95 %", "metric": "sso_coverage_users", "target": 95.0, "target_label": "≥ 95",
            "target_date": "2027-12-31", "today": 0.0, "at_end": 100.0, "met_today": False,
            "met_at_end": True,
        }
    ]
    (action,) = report["actions"]
    assert {k: action[k] for k in ("kind", "status", "planned_end", "finding")} == {
        "kind": "move_behind_sso", "status": "pagar", "planned_end": "2027-06-30", "finding": "Utanför SSO",
    }
    assert report["conflicts"] == [] and isinstance(report["follow_up"], list)


def test_the_plan_is_found_by_its_name_and_the_date_is_chosen(plan):
    report = json.loads(run("färdplan ö", "--on", "2027-01-01", "--format", "json"))
    assert report["plan"]["id"] == plan.pk
    assert report["goals"][0]["at_end"] == 0.0  # the action is not due by then


def test_an_unknown_plan_is_refused():
    with pytest.raises(CommandError):
        run("Finns inte")


def test_the_table_and_the_workbook_show_the_same_plan(plan, tmp_path):
    table = run(str(plan.pk))
    assert "SSO minst 95 %" in table and "Utanför SSO" in table

    path = tmp_path / "plan.xlsx"
    assert run(str(plan.pk), "--format", "xlsx", "--output", str(path)).strip() == str(path)
    book = load_workbook(path)
    assert book.sheetnames == ["Målbild", "Effektmål", "Åtgärder", "Underlag", "Konflikter", "Uppföljning"]
    assert book["Effektmål"]["A2"].value == "SSO minst 95 %"
    assert "Utanför SSO" in [cell.value for cell in book["Underlag"][2]]


def test_plan_report_refuses_a_day_gone_by_and_a_malformed_day_in_swedish():
    from django.core.management import CommandError, call_command

    plan = factories.PlanFactory()
    with pytest.raises(CommandError, match="har redan varit"):
        call_command("plan_report", str(plan.pk), "--on", "2020-01-01")
    with pytest.raises(CommandError, match="är inte ett datum"):
        call_command("plan_report", str(plan.pk), "--on", "2027-13-01")

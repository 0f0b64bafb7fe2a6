"""The beslutsunderlag as a workbook: one sheet per part, real dates, wrapped prose, the actions
with their costs and schools, and the findings behind them."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from planning.workbook import plan_summary, plan_workbook
from tests.factories import (
    ActionFactory,
    ApplicationFactory,
    GoalFactory,
    PersonFactory,
    PlanFactory,
    SchoolUnitFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    plan = PlanFactory(
        name="Färdplan 2027",
        horizon=datetime.date(2027, 8, 1),
        status="beslutad",
        decided_by="namnd",
        decided_on=datetime.date(2026, 11, 20),
        diarienummer="BUN 2026/123",
        target_state="Alla elever loggar in en gång.\nInga kritiska brister.",
        owner=PersonFactory(name="Stina Strateg"),
    )
    old, new = ApplicationFactory(name="Skolplus"), ApplicationFactory(name="Vklass")
    action = ActionFactory(
        plan=plan,
        kind="replace",
        service=old,
        replacement=new,
        name="Byt närvarosystem",
        planned_start=datetime.date(2027, 1, 1),
        planned_end=datetime.date(2027, 6, 30),
        one_off_cost=Decimal("80000"),
        yearly_cost_effect=Decimal("-120000"),
        finding_kind="standardisation",
        finding_ref="capability-3",
        finding_label="Närvaro: ersätt Skolplus med Vklass",
        responsible=PersonFactory(name="Ida IT"),
    )
    action.schools.add(SchoolUnitFactory(name="Åsens skola"))
    GoalFactory(plan=plan, name="SSO 95 %", target_value=Decimal("95"))
    return plan


def _sheets(data: bytes) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


def test_the_workbook_has_the_parts_of_the_beslutsunderlag_and_the_follow_up(plan):
    sheets = _sheets(plan_workbook(plan))
    assert list(sheets) == ["Målbild", "Effektmål", "Åtgärder", "Underlag", "Konflikter", "Uppföljning"]
    facts = dict(sheets["Målbild"][1:])
    assert facts["Färdplan"] == "Färdplan 2027"
    assert facts["Diarienummer"] == "BUN 2026/123"
    assert facts["Beslutsdatum"] == datetime.datetime(2026, 11, 20)  # a real date, not text
    assert facts["Målbild"] == "Alla elever loggar in en gång.\nInga kritiska brister."


def test_the_workbook_lists_each_action_with_services_schools_dates_and_costs(plan):
    header, *rows = _sheets(plan_workbook(plan))["Åtgärder"]
    row = dict(zip(header, rows[0], strict=True))
    assert row["Åtgärd"] == "Byt närvarosystem"
    assert row["Tjänster"] == "Skolplus\nVklass"
    assert row["Skolor"] == "Åsens skola"
    assert row["Slut"] == datetime.datetime(2027, 6, 30)
    assert row["Ansvarig"] == "Ida IT"
    assert row["Engångskostnad (kr)"] == 80000 and row["Årlig kostnadseffekt (kr)"] == -120000


def test_the_workbook_names_the_finding_behind_each_action_and_each_goal_today_and_at_the_end(plan):
    sheets = _sheets(plan_workbook(plan))
    header, *rows = sheets["Underlag"]
    assert dict(zip(header, rows[0], strict=True))["Beskrivning"] == "Närvaro: ersätt Skolplus med Vklass"
    header, *rows = sheets["Effektmål"]
    goal = dict(zip(header, rows[0], strict=True))
    assert goal["Effektmål"] == "SSO 95 %" and goal["Mål"] == "≥ 95"
    summary = plan_summary(plan)
    assert goal["Idag"] == float(summary.goals[0].today) and goal["Vid planens slut"] == float(
        summary.goals[0].at_end
    )


def test_the_workbook_wraps_multi_line_text(plan):
    book = openpyxl.load_workbook(io.BytesIO(plan_workbook(plan)))
    sheet = book["Åtgärder"]
    cell = next(c for row in sheet.iter_rows(min_row=2) for c in row if c.value == "Skolplus\nVklass")
    assert cell.alignment.wrap_text


def test_the_workbook_is_downloaded_from_the_plan_page_by_any_reader(client, plan, reader):
    client.force_login(reader)
    assert (
        reverse("planning:plan_workbook", args=[plan.pk])
        in client.get(plan.get_absolute_url()).content.decode()
    )
    response = client.get(reverse("planning:plan_workbook", args=[plan.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="fardplan-2027-')
    assert "Byt närvarosystem" in str(_sheets(response.content)["Åtgärder"])


def test_the_workbook_names_the_conflicting_actions_and_the_follow_up_findings(plan):
    replaced = plan.actions.get()
    phase_out = ActionFactory(
        plan=plan, kind="phase_out", service=replaced.replacement, name="Avveckla Vklass",
        planned_end=datetime.date(2027, 7, 1),
    )
    late = ActionFactory(
        plan=plan, kind="move_behind_sso", name="Flytta Skolplus bakom SSO", status="pagar",
        planned_end=datetime.date(2025, 1, 31),
    )

    sheets = _sheets(plan_workbook(plan))

    header, *conflicts = sheets["Konflikter"]
    assert header == ("Tjänst", "Åtgärder", "Konflikt")
    [conflict] = [dict(zip(header, row, strict=True)) for row in conflicts]
    assert conflict["Tjänst"] == "Vklass"
    assert set(conflict["Åtgärder"].split("\n")) == {"Byt närvarosystem", str(phase_out)}
    header, *followup = sheets["Uppföljning"]
    assert header == ("Åtgärd", "Planerat slut", "Uppföljning")
    overdue = [dict(zip(header, row, strict=True)) for row in followup if row[0] == str(late)]
    assert overdue and overdue[0]["Planerat slut"] == datetime.datetime(2025, 1, 31)
    assert "Försenad" in overdue[0]["Uppföljning"]


def test_the_plan_page_links_each_conflict_to_its_actions(client, plan, reader):
    replaced = plan.actions.get()
    phase_out = ActionFactory(
        plan=plan, kind="phase_out", service=replaced.replacement, name="Avveckla Vklass",
        planned_end=datetime.date(2027, 7, 1),
    )
    client.force_login(reader)
    page = client.get(plan.get_absolute_url()).content.decode()
    assert f'<a href="#action-{replaced.pk}">Byt närvarosystem</a>' in page
    assert f'<a href="#action-{phase_out.pk}">{phase_out}</a>' in page


def test_figures_at_a_chosen_day_are_headed_by_that_day_not_the_plans_end(plan, client, reader):
    day = datetime.date(2027, 3, 1)
    header, *_rows = _sheets(plan_workbook(plan, day))["Effektmål"]
    assert "Den 2027-03-01" in header and "Vid planens slut" not in header
    facts = dict(_sheets(plan_workbook(plan, day))["Målbild"][1:])
    assert facts["Jämförs med registret den"] == datetime.datetime(2027, 3, 1)
    client.force_login(reader)
    page = client.get(reverse("planning:plan_print", args=[plan.pk]), {"on": "2027-03-01"}).content.decode()
    assert "Den 2027-03-01" in page
    assert "Vid planens slut" in _sheets(plan_workbook(plan))["Effektmål"][0]

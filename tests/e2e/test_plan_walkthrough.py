"""The strateg's färdplan in a real browser: from a standardisation candidate to a decided plan with
an effektmål, the register at the plan's end, the workbook for the nämnd — and a year later, which
actions happened and which goals were met. The new pages pass axe and fit a 1280 px window."""

import datetime

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from planning.models import Action, Goal, Plan
from portfolio.choices import AuthenticationMethod, IdentityProvider, LifecycleStatus
from portfolio.models import Service, ServiceCapability, ServiceUsage
from tests.e2e.conftest import PASSWORD, login, screenshot
from tests.e2e.test_axe import AXE, BLOCKING, RUN, TAGS
from tests.factories import ApplicationFactory, CapabilityFactory, SchoolUnitFactory


def _landscape():
    area = CapabilityFactory(name="Elevadministration")
    capability = CapabilityFactory(name="Närvaro", parent=area)
    skolplus = ApplicationFactory(
        name="Skolplus", authentication=AuthenticationMethod.LOCAL, identity_provider=IdentityProvider.NONE
    )
    vklass = ApplicationFactory(name="Vklass")
    for service, school, users in ((skolplus, "Norra skolan", 300), (vklass, "Södra skolan", 900)):
        ServiceCapability.objects.create(service=service, capability=capability)
        ServiceUsage.objects.create(service=service, organisation=SchoolUnitFactory(name=school), users=users)
    return skolplus, vklass


def _fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1280, f"{page.url} is {width} px wide"


def test_from_a_standardisation_candidate_to_a_decided_plan_and_its_follow_up(page, e2e_user, tmp_path):
    skolplus, vklass = _landscape()
    horizon = timezone.localdate() + datetime.timedelta(days=240)
    end = horizon - datetime.timedelta(days=30)
    login(page, e2e_user(Role.STRATEGIST))

    # The candidate: keep Vklass, phase Skolplus out — to the färdplan.
    page.goto("/analys/standardisering/")
    page.locator("table.candidates tbody tr", has_text="Närvaro").get_by_role("link", name="Närvaro").click()
    candidate = page.locator("section[id^=candidate-]", has_text="Närvaro")
    candidate.locator("details[open]").wait_for()
    candidate.get_by_role("link", name="Lägg till i färdplan").first.click()
    page.wait_for_url("**/fardplan/atgard/ny/**")
    assert "ersätt Skolplus med Vklass" in page.locator("#action-finding").inner_text()
    _fits(page)

    # No plan yet: a new one, and back to the action with the plan chosen.
    page.locator("#new-plan-link").click()
    page.locator("#id_name").fill("Färdplan elevadministration")
    page.locator("#id_horizon").fill(horizon.isoformat())
    page.locator("#id_target_state").fill("En närvarotjänst för alla skolor, bakom inloggning med SSO.")
    page.get_by_role("button", name="Spara").click()
    page.wait_for_url("**/fardplan/atgard/ny/**plan=*")
    plan = Plan.objects.get(name="Färdplan elevadministration")
    assert page.locator("#id_plan").input_value() == str(plan.pk)
    assert page.locator("#id_service").input_value() == str(skolplus.pk)
    assert page.locator("#id_replacement").input_value() == str(vklass.pk)
    page.locator("#id_planned_end").fill(end.isoformat())
    page.locator("#id_one_off_cost").fill("80000")
    page.locator("#id_yearly_cost_effect").fill("-120000")
    page.get_by_role("button", name="Spara").click()
    page.wait_for_url(f"**/fardplan/{plan.pk}/#action-*")
    action = Action.objects.get(plan=plan)
    assert (action.kind, action.service_id, action.replacement_id, action.finding_kind) == (
        "replace",
        skolplus.pk,
        vklass.pk,
        "standardisation",
    )

    # An effektmål: SSO coverage by users ≥ 95 %.
    page.get_by_role("link", name="Lägg till effektmål").click()
    page.locator("#id_name").fill("SSO-täckning minst 95 %")
    page.locator("#id_metric").select_option("sso_coverage_users")
    page.locator("#id_target_value").fill("95")
    page.get_by_role("button", name="Spara").click()
    page.wait_for_url(f"**/fardplan/{plan.pk}/#goal-*")
    goal = Goal.objects.get(plan=plan)

    # Decided by the nämnd.
    page.get_by_role("link", name="Ändra", exact=True).first.click()
    page.locator("#id_status").select_option("beslutad")
    page.locator("#id_decided_by").select_option("namnd")
    page.locator("#id_decided_on").fill(timezone.localdate().isoformat())
    page.locator("#id_diarienummer").fill("BUN 2026/123")
    page.get_by_role("button", name="Spara").click()
    page.wait_for_url(f"**/fardplan/{plan.pk}/")
    plan.refresh_from_db()
    assert plan.status == "beslutad"

    # Idag → vid planens slut: 900 of 1,200 accounts behind SSO today, all of them at the end.
    row = page.locator(f"#goal-{goal.pk}")
    cells = row.locator("td.num")
    assert cells.nth(0).inner_text().startswith("75") and "ej uppnått" in cells.nth(0).inner_text()
    assert cells.nth(1).inner_text().startswith("100") and "uppnått" in cells.nth(1).inner_text()
    assert page.locator("svg.roadmap").is_visible()
    _fits(page)
    screenshot(page, "plan-walkthrough-plan")

    # The register at the plan's end: Skolplus is gone from Närvaro.
    page.get_by_role("link", name="Förmågekarta vid planens slut").click()
    page.get_by_label("Färga efter").select_option("lifecycle")
    page.get_by_role("button", name="Visa").click()
    page.wait_for_url("**dimension=lifecycle**")  # all_text_contents does not wait for the new page
    titles = page.locator("svg.capability-map g > title").all_text_contents()
    assert "Skolplus: Avvecklad" in titles and "Vklass: I drift" in titles
    _fits(page)
    screenshot(page, "plan-walkthrough-map")
    assert Service.objects.get(pk=skolplus.pk).lifecycle_status == LifecycleStatus.IN_USE  # not written

    # The workbook for the nämnd.
    page.goto(plan.get_absolute_url())
    with page.expect_download() as download:
        page.get_by_role("link", name="Beslutsunderlag (Excel)").click()
    path = tmp_path / "underlag.xlsx"
    download.value.save_as(path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Målbild", "Effektmål", "Åtgärder", "Underlag", "Konflikter", "Uppföljning"]
    actions = [row for row in book["Åtgärder"].iter_rows(values_only=True)]
    assert any(
        "Skolplus\nVklass" in (cell or "") for row in actions[1:] for cell in row if isinstance(cell, str)
    )

    # A year later (set through the database): the replacement was done, a second action is overdue.
    year_ago = timezone.localdate() - datetime.timedelta(days=365)
    Plan.objects.filter(pk=plan.pk).update(decided_on=year_ago, horizon=timezone.localdate())
    Action.objects.filter(pk=action.pk).update(
        status="klar",
        completed_on=timezone.localdate() - datetime.timedelta(days=40),
        planned_start=year_ago,
        planned_end=timezone.localdate() - datetime.timedelta(days=45),
    )
    Goal.objects.filter(pk=goal.pk).update(target_date=timezone.localdate() - datetime.timedelta(days=1))
    north = ServiceUsage.objects.get(service=skolplus)
    ServiceUsage.objects.create(service=vklass, organisation=north.organisation, users=north.users)
    north.delete()
    Service.objects.filter(pk=skolplus.pk).update(
        lifecycle_status=LifecycleStatus.RETIRED,
        retired_on=timezone.localdate() - datetime.timedelta(days=40),
    )
    late = Action.objects.create(
        plan=plan,
        kind="move_behind_sso",
        name="Gamla schemat bakom SSO",
        service=ApplicationFactory(name="Gamla schemat", authentication=AuthenticationMethod.LOCAL),
        planned_end=timezone.localdate() - datetime.timedelta(days=10),
    )
    page.goto(plan.get_absolute_url())
    assert "Klar" in page.locator(f"#action-{action.pk}").inner_text()
    assert "försenad" in page.locator(f"#action-{late.pk}").inner_text()
    assert "Gamla schemat" in page.locator("#followup-heading + ul").inner_text()
    today_cell = page.locator(f"#goal-{goal.pk} td.num").nth(0).inner_text()
    assert today_cell.startswith("100") and "ej uppnått" not in today_cell
    screenshot(page, "plan-walkthrough-a-year-later")


@pytest.fixture
def axe_source() -> str:
    if not AXE.exists():
        pytest.skip(f"{AXE} is absent: run npm install (axe-core is in package.json) or set AXE_CORE_JS")
    return AXE.read_text(encoding="utf-8")


@pytest.mark.parametrize("role", [Role.STRATEGIST, Role.READER])
def test_the_plan_pages_pass_axe_and_fit_the_window(browser, live_server, e2e_user, axe_source, role):
    skolplus, vklass = _landscape()
    plan = Plan.objects.create(
        name="Färdplan 2027",
        horizon=timezone.localdate() + datetime.timedelta(days=300),
        target_state="Allt bakom SSO.",
    )
    action = Action.objects.create(
        plan=plan,
        kind="replace",
        service=skolplus,
        replacement=vklass,
        status="pagar",
        planned_start=timezone.localdate() - datetime.timedelta(days=30),
        planned_end=timezone.localdate() + datetime.timedelta(days=100),
        finding_kind="standardisation",
        finding_label="Närvaro: ersätt Skolplus med Vklass",
    )
    goal = Goal.objects.create(
        plan=plan, name="SSO 95 %", metric="sso_coverage_users", target_value=95, target_date=plan.horizon
    )
    user = e2e_user(role)
    context = browser.new_context(
        base_url=live_server.url, locale="sv-SE", viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    found = []
    try:
        page.goto("/konto/logga-in/")
        page.get_by_label("Användarnamn").fill(user.get_username())
        page.get_by_label("Lösenord").fill(PASSWORD)
        page.get_by_role("button", name="Logga in").click()
        page.wait_for_url(lambda url: "/konto/logga-in/" not in url)
        urls = [
            reverse("planning:plan_list"),
            plan.get_absolute_url(),
            reverse("planning:plan_print", args=[plan.pk]),
            reverse("planning:capability_map"),
            f"{reverse('planning:capability_map')}?dimension=gdpr&plan={plan.pk}",
            reverse("planning:plan_add"),  # a form, or the 403 page
            reverse("planning:goal_edit", args=[goal.pk]),
            f"{reverse('planning:action_add')}?plan={plan.pk}&kind=replace&service={skolplus.pk}",
            reverse("planning:action_edit", args=[action.pk]),
            reverse("planning:action_delete", args=[action.pk]),  # the confirmation, or the 403 page
        ]
        for url in urls:
            page.goto(url)
            _fits(page)
            page.evaluate(axe_source)
            found += [dict(v, url=url) for v in page.evaluate(RUN, TAGS)]
    finally:
        context.close()
    for v in found:
        if v["impact"] not in BLOCKING:
            print(f"axe ({role}) {v['impact']}: {v['id']} on {v['url']}: {v['nodes']}")
    assert [v for v in found if v["impact"] in BLOCKING] == []

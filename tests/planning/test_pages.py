"""The färdplan's pages: who may read and edit, the prefilled action form, and query counts."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from planning.diagrams import refresh_facts_today
from planning.models import Action, Goal, Plan
from portfolio.models import Application, ServiceCapability
from tests.factories import (
    ActionFactory,
    ApplicationFactory,
    CapabilityFactory,
    GoalFactory,
    PersonFactory,
    PlanFactory,
    SchoolUnitFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    return PlanFactory(
        name="Färdplan 2027", horizon=datetime.date(2027, 8, 1), target_state="Allt bakom SSO."
    )


def _page(client, user, url, status=200):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == status, response.content[:500]
    return response


def test_every_role_reads_the_plan_list_and_page(
    client, plan, strategist, data_protection_coordinator, it_user, reader
):
    for user in (strategist, data_protection_coordinator, it_user, reader):
        assert "Färdplan 2027" in _page(client, user, reverse("planning:plan_list")).content.decode()
        _page(client, user, plan.get_absolute_url())


def test_nothing_is_readable_without_login(client, plan):
    for url in (
        reverse("planning:plan_list"),
        plan.get_absolute_url(),
        reverse("planning:capability_map"),
        reverse("planning:plan_workbook", args=[plan.pk]),
        reverse("planning:plan_print", args=[plan.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "logga-in" in response["Location"]


def test_a_reader_sees_no_edit_buttons_and_is_refused_every_edit(client, plan, reader):
    action = ActionFactory(plan=plan)
    goal = GoalFactory(plan=plan)
    page = _page(client, reader, plan.get_absolute_url()).content.decode()
    assert "Ändra" not in page
    assert "Lägg till åtgärd" not in page and "Lägg till effektmål" not in page
    for url in (
        reverse("planning:plan_add"),
        reverse("planning:plan_edit", args=[plan.pk]),
        reverse("planning:goal_add", args=[plan.pk]),
        reverse("planning:goal_edit", args=[goal.pk]),
        reverse("planning:action_add"),
        reverse("planning:action_edit", args=[action.pk]),
    ):
        _page(client, reader, url, status=403)
        assert client.post(url, {"name": "x"}).status_code == 403


def test_the_strategist_sees_the_edit_buttons(client, plan, strategist):
    ActionFactory(plan=plan)
    page = _page(client, strategist, plan.get_absolute_url()).content.decode()
    assert reverse("planning:plan_edit", args=[plan.pk]) in page
    assert "Lägg till åtgärd" in page and "Lägg till effektmål" in page


def test_the_strategist_creates_a_plan_recorded_with_her_name(client, strategist):
    owner = PersonFactory(name="Stina Strateg")
    client.force_login(strategist)
    response = client.post(
        reverse("planning:plan_add"),
        {
            "name": "Färdplan 2027",
            "owner": owner.pk,
            "horizon": "2027-08-01",
            "status": "utkast",
            "target_state": "Alla elever loggar in en gång.",
        },
    )
    plan = Plan.objects.get(name="Färdplan 2027")
    assert response.status_code == 302 and response["Location"] == plan.get_absolute_url()
    assert plan.history.first().history_user == strategist


def test_a_new_plan_asked_for_by_the_action_form_returns_to_it_with_the_plan_chosen(client, strategist):
    client.force_login(strategist)
    back = f"{reverse('planning:action_add')}?kind=replace&service=1"
    response = client.post(
        f"{reverse('planning:plan_add')}?next={back.replace('&', '%26').replace('?', '%3F')}",
        {"name": "Ny", "horizon": "2027-08-01", "status": "utkast"},
    )
    plan = Plan.objects.get(name="Ny")
    assert response["Location"] == f"{back}&plan={plan.pk}"


def test_a_plan_marked_decided_needs_who_and_when(client, plan, strategist):
    client.force_login(strategist)
    url = reverse("planning:plan_edit", args=[plan.pk])
    data = {"name": plan.name, "horizon": "2027-08-01", "status": "beslutad", "version": plan.version}
    assert client.post(url, data).status_code == 400
    data.update(decided_by="namnd", decided_on="2026-12-01", diarienummer="BUN 2026/123")
    assert client.post(url, data).status_code == 302
    plan.refresh_from_db()
    assert plan.status == "beslutad" and plan.diarienummer == "BUN 2026/123"


def test_the_strategist_adds_a_goal_prefilled_with_the_plan_and_its_end(client, plan, strategist):
    response = _page(client, strategist, reverse("planning:goal_add", args=[plan.pk]))
    form = response.context["form"]
    assert str(form["plan"].value()) == str(plan.pk)
    assert form["target_date"].value() == plan.horizon
    response = client.post(
        reverse("planning:goal_add", args=[plan.pk]),
        {
            "plan": plan.pk,
            "name": "SSO 95 %",
            "metric": "sso_coverage_users",
            "comparison": "gte",
            "target_value": "95",
            "target_date": "2027-08-01",
        },
    )
    goal = Goal.objects.get(name="SSO 95 %")
    assert response["Location"] == f"{plan.get_absolute_url()}#goal-{goal.pk}"


def test_the_action_form_comes_prefilled_from_a_finding(client, plan, strategist):
    old, new = ApplicationFactory(name="Skolplus"), ApplicationFactory(name="Vklass")
    school = SchoolUnitFactory()
    url = (
        f"{reverse('planning:action_add')}?plan={plan.pk}&kind=replace&service={old.pk}&replacement={new.pk}"
        f"&schools={school.pk}&finding_kind=standardisation&finding_ref=capability-3"
        f"&finding_label=Närvaro%3A+ersätt+Skolplus+med+Vklass"
    )
    response = _page(client, strategist, url)
    form = response.context["form"]
    assert {
        name: str(form[name].value()) for name in ("plan", "kind", "service", "replacement", "finding_kind")
    } == {
        "plan": str(plan.pk),
        "kind": "replace",
        "service": str(old.pk),
        "replacement": str(new.pk),
        "finding_kind": "standardisation",
    }
    assert [str(v) for v in form["schools"].value()] == [str(school.pk)]
    page = response.content.decode()
    assert "Åtgärden motiveras av: Närvaro: ersätt Skolplus med Vklass" in page
    assert "data-searchable" in page
    assert reverse("planning:plan_add") in page  # or a new plan


def test_the_strategist_saves_an_action_and_returns_to_the_plan(client, plan, strategist):
    service = ApplicationFactory()
    client.force_login(strategist)
    response = client.post(
        reverse("planning:action_add"),
        {
            "plan": plan.pk,
            "kind": "phase_out",
            "service": service.pk,
            "planned_end": "2027-06-30",
            "status": "planerad",
            "one_off_cost": "0",
            "yearly_cost_effect": "-120000",
        },
    )
    action = Action.objects.get(plan=plan)
    assert response["Location"] == f"{plan.get_absolute_url()}#action-{action.pk}"
    assert action.history.first().history_user == strategist


def _offered_kinds(client, user) -> list[str]:
    form = _page(client, user, reverse("planning:action_add")).context["form"]
    return [value for value, _label in form.fields["kind"].choices if value]


def test_each_role_is_offered_only_the_action_kinds_it_may_plan(
    client, strategist, data_protection_coordinator
):
    assert "dpia" not in _offered_kinds(client, strategist)
    assert "phase_out" in _offered_kinds(client, strategist)
    assert set(_offered_kinds(client, data_protection_coordinator)) == {
        "dpia", "processor_agreement", "fix_gdpr_gap",
    }  # fmt: skip


def test_gdpr_actions_belong_to_the_data_protection_coordinator(
    client, plan, strategist, data_protection_coordinator
):
    service = ApplicationFactory()
    data = {
        "plan": plan.pk,
        "kind": "dpia",
        "service": service.pk,
        "planned_end": "2027-03-31",
        "status": "planerad",
        "one_off_cost": "0",
        "yearly_cost_effect": "0",
    }
    client.force_login(strategist)
    assert client.post(reverse("planning:action_add"), data).status_code in (400, 403)
    assert not Action.objects.exists()
    client.force_login(data_protection_coordinator)
    assert client.post(reverse("planning:action_add"), data).status_code == 302
    dpia = Action.objects.get()
    _page(client, data_protection_coordinator, reverse("planning:action_edit", args=[dpia.pk]))
    other = ActionFactory(plan=plan, kind="phase_out")
    _page(client, data_protection_coordinator, reverse("planning:action_edit", args=[other.pk]), status=403)
    _page(client, strategist, reverse("planning:action_edit", args=[dpia.pk]), status=403)
    _page(client, strategist, reverse("planning:action_edit", args=[other.pk]))


def _actions(plan, n):
    capability = CapabilityFactory()
    for _i in range(n):
        service = ApplicationFactory()
        ServiceCapability.objects.create(service=service, capability=capability)
        ActionFactory(plan=plan, service=service, planned_start=datetime.date(2026, 1, 1))


def test_the_plan_page_reads_in_a_constant_number_of_queries(client, plan, strategist):
    GoalFactory(plan=plan)
    _actions(plan, 2)
    client.force_login(strategist)
    client.get(plan.get_absolute_url())
    with CaptureQueriesContext(connection) as few:
        client.get(plan.get_absolute_url())
    _actions(plan, 6)
    GoalFactory(plan=plan, name="Ännu ett mål på samma mått")  # month-ends of its figures are stored
    client.get(plan.get_absolute_url())  # the plan changed: its figures are computed once more
    with CaptureQueriesContext(connection) as many:
        response = client.get(plan.get_absolute_url())
    assert response.status_code == 200
    assert len(few) == len(many)


def test_the_plan_list_reads_in_a_constant_number_of_queries(client, strategist):
    PlanFactory(owner=PersonFactory())
    client.force_login(strategist)
    client.get(reverse("planning:plan_list"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("planning:plan_list"))
    for _i in range(5):
        PlanFactory(owner=PersonFactory())
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("planning:plan_list"))
    assert len(few) == len(many)


def test_the_plan_page_shows_goals_actions_and_the_roadmap(client, plan, reader):
    goal = GoalFactory(plan=plan, name="SSO för alla")
    action = ActionFactory(plan=plan, name="Byt närvarosystem", one_off_cost=Decimal(50000), status="pagar")
    page = _page(client, reader, plan.get_absolute_url()).content.decode()
    assert f'id="goal-{goal.pk}"' in page and f'id="action-{action.pk}"' in page
    assert 'class="diagram roadmap"' in page
    assert "Allt bakom SSO." in page  # målbild


def test_the_printable_beslutsunderlag_has_the_plan_and_its_actions(client, plan, reader):
    ActionFactory(plan=plan, name="Byt närvarosystem")
    page = _page(client, reader, reverse("planning:plan_print", args=[plan.pk])).content.decode()
    assert "Beslutsunderlag: Färdplan 2027" in page and "Byt närvarosystem" in page
    assert "css/print.css" in page


def test_the_capability_map_page_today_for_every_reader(client, reader):
    capability = CapabilityFactory(name="Närvaro")
    ServiceCapability.objects.create(service=ApplicationFactory(name="Skolplus"), capability=capability)
    for dimension in ("sso", "gdpr", "lifecycle", "time", "cost", "nonsense"):
        page = _page(
            client, reader, f"{reverse('planning:capability_map')}?dimension={dimension}"
        ).content.decode()
        assert "Skolplus" in page and 'class="diagram capability-map"' in page


def test_the_capability_map_at_a_plans_end_shows_the_register_as_it_will_be(client, plan, strategist):
    capability = CapabilityFactory(name="Närvaro")
    old = ApplicationFactory(name="Skolplus")
    ServiceCapability.objects.create(service=old, capability=capability)
    ActionFactory(plan=plan, kind="phase_out", service=old, planned_end=datetime.date(2027, 6, 30))
    url = f"{reverse('planning:capability_map')}?dimension=lifecycle&plan={plan.pk}&on=2027-07-01"
    response = _page(client, strategist, url)
    tiles = [t for a in response.context["cmap"].areas for c in a.capabilities for t in c.tiles]
    assert [(t.name, t.category) for t in tiles] == [("Skolplus", "avvecklad")]
    old.refresh_from_db()
    assert old.lifecycle_status == "i_drift"  # the future is not written
    today = _page(client, strategist, f"{reverse('planning:capability_map')}?dimension=lifecycle")
    tiles = [t for a in today.context["cmap"].areas for c in a.capabilities for t in c.tiles]
    assert [(t.name, t.category) for t in tiles] == [("Skolplus", "i_drift")]


def _landscape():
    """Two areas, one capability each, and a service with no capability: four tiles in all."""
    teaching = CapabilityFactory(name="Undervisning")
    administration = CapabilityFactory(name="Elevadministration")
    attendance = CapabilityFactory(name="Närvaro", parent=administration)
    materials = CapabilityFactory(name="Läromedel", parent=teaching)
    for name, capability in (("Skolplus", attendance), ("Närvaro24", attendance), ("Lärpaket", materials)):
        ServiceCapability.objects.create(service=ApplicationFactory(name=name), capability=capability)
    ApplicationFactory(name="Ensam")
    return administration, teaching


def _tiles(response):
    return sorted(t.name for a in response.context["cmap"].areas for c in a.capabilities for t in c.tiles)


def test_a_large_register_opens_on_an_overview_of_its_areas(client, reader, monkeypatch):
    administration, teaching = _landscape()
    monkeypatch.setattr("planning.diagrams.MAP_TILE_LIMIT", 3)  # four tiles: above the limit
    response = _page(client, reader, f"{reverse('planning:capability_map')}?dimension=sso")
    page = response.content.decode()
    assert response.context["cmap"] is None  # no tiles built
    overview = response.context["picture"].overview
    assert [(a.name, a.services) for a in overview.areas] == [
        ("Elevadministration", 2),
        ("Undervisning", 1),
        ("Utan förmåga", 1),
    ]
    assert 'class="diagram capability-map capability-overview"' in page and "Skolplus" not in page
    assert "Registret är stort" in page
    assert f'href="?dimension=sso&amp;omrade={administration.pk}"' in page
    assert 'href="?dimension=sso&amp;omrade=utan"' in page
    assert [row[:2] for row in response.context["table"]] == [
        ("Elevadministration", "Närvaro"),
        ("Undervisning", "Läromedel"),
        ("Utan förmåga", "Utan förmåga"),
    ]
    monkeypatch.setattr("planning.diagrams.MAP_TILE_LIMIT", 4)  # at the limit: the whole map
    whole = _page(client, reader, reverse("planning:capability_map"))
    assert whole.context["picture"].overview is None
    assert _tiles(whole) == ["Ensam", "Lärpaket", "Närvaro24", "Skolplus"]


def test_an_areas_map_shows_only_that_areas_services_and_table_rows(client, reader, monkeypatch):
    administration, teaching = _landscape()
    monkeypatch.setattr("planning.diagrams.MAP_TILE_LIMIT", 3)
    url = reverse("planning:capability_map")
    response = _page(client, reader, f"{url}?dimension=lifecycle&omrade={administration.pk}")
    assert _tiles(response) == ["Närvaro24", "Skolplus"]
    assert [row[:2] for row in response.context["table"]] == [("Elevadministration", "Närvaro")]
    page = response.content.decode()
    assert "Förmågekarta idag: Elevadministration" in page and "Lärpaket" not in page
    assert f'<option value="{administration.pk}" selected>' in page
    alone = _page(client, reader, f"{url}?omrade=utan")
    assert _tiles(alone) == ["Ensam"]


def test_an_unknown_area_says_so_and_shows_every_area(client, reader):
    _landscape()
    for value in ("999999", "nonsense"):
        response = _page(client, reader, f"{reverse('planning:capability_map')}?omrade={value}")
        assert "Området finns inte" in response.content.decode()
        assert _tiles(response) == ["Ensam", "Lärpaket", "Närvaro24", "Skolplus"]


STALE_MAP = "Kartan avser registret"


def test_after_a_change_the_map_shows_its_last_facts_labelled(client, reader, settings):
    settings.ANALYSES_REFRESH = "command"  # nothing refreshes but the command: the stale state stays
    administration, _teaching = _landscape()
    url = reverse("planning:capability_map")
    first = _page(client, reader, url)
    assert STALE_MAP not in first.content.decode() and first.context["facts"].current
    ServiceCapability.objects.create(
        service=ApplicationFactory(name="Ny närvaro"), capability=administration.children.get()
    )
    stale = _page(client, reader, url)
    page = stale.content.decode()
    assert not stale.context["facts"].current
    assert "Ny närvaro" not in page  # what was computed, not recomputed on the request
    assert STALE_MAP in page and "den räknas om nu" in page
    assert f"kl. {timezone.localtime(stale.context['facts'].computed_from):%H:%M}" in page


def test_the_render_that_finds_the_map_out_of_date_schedules_its_refresh(client, reader, monkeypatch):
    administration, _teaching = _landscape()
    url = reverse("planning:capability_map")
    _page(client, reader, url)
    scheduled = []
    from planning import views

    schedule = views.schedule_refresh
    monkeypatch.setattr(views, "schedule_refresh", lambda *a: scheduled.append(a) or schedule(*a))
    ServiceCapability.objects.create(
        service=ApplicationFactory(name="Ny närvaro"), capability=administration.children.get()
    )
    stale = _page(client, reader, url)  # shows the old facts, then the refresh task runs (immediate)
    assert "Ny närvaro" not in _tiles(stale) and len(scheduled) == 1
    fresh = _page(client, reader, url)
    assert fresh.context["facts"].current and "Ny närvaro" in _tiles(fresh)
    assert len(scheduled) == 1  # nothing more to schedule
    assert STALE_MAP not in fresh.content.decode()


def test_the_map_at_a_plan_date_is_kept_until_the_plan_or_register_changes(
    client, plan, strategist, monkeypatch
):
    from planning import diagrams

    administration, _teaching = _landscape()
    skolplus = Application.objects.get(name="Skolplus")
    action = ActionFactory(
        plan=plan, kind="phase_out", service=skolplus, planned_end=datetime.date(2027, 6, 30)
    )
    computed = []
    compute = diagrams.service_facts_at
    monkeypatch.setattr(diagrams, "service_facts_at", lambda *a: computed.append(a) or compute(*a))
    url = f"{reverse('planning:capability_map')}?dimension=lifecycle&plan={plan.pk}&on=2027-07-01"
    first = _page(client, strategist, url)
    again = _page(client, strategist, url)
    assert len(computed) == 1 and again.context["facts"].current
    assert (
        dict(
            (t.name, t.category) for a in again.context["cmap"].areas for c in a.capabilities for t in c.tiles
        )["Skolplus"]
        == "avvecklad"
    )
    assert _tiles(first) == _tiles(again)
    _page(client, strategist, url.replace("2027-07-01", "2027-06-01"))  # another date
    assert len(computed) == 2
    action.planned_end = datetime.date(2027, 9, 30)  # the plan changes (with history)
    action.save()
    moved = _page(client, strategist, url)
    assert len(computed) == 3
    assert ("Skolplus", "i_drift") in [
        (t.name, t.category) for a in moved.context["cmap"].areas for c in a.capabilities for t in c.tiles
    ]


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_map_pages_read_the_same_queries_at_two_sizes_current_or_out_of_date(
    client, reader, settings, monkeypatch
):
    settings.ANALYSES_REFRESH = "command"
    monkeypatch.setattr("planning.diagrams.MAP_TILE_LIMIT", 3)
    client.force_login(reader)
    administration, _teaching = _landscape()
    base = reverse("planning:capability_map")
    urls = [f"{base}?dimension=sso", f"{base}?dimension=cost&omrade={administration.pk}"]
    for url in urls:
        client.get(url)  # computed once, stored
    counts = []
    for size in (2, 12):
        refresh_facts_today("sv")
        current = [_count(client, url) for url in urls]
        for i in range(size):
            ServiceCapability.objects.create(
                service=ApplicationFactory(name=f"Tillägg {size}-{i}"),
                capability=administration.children.get(),
            )
        stale = [_count(client, url) for url in urls]
        counts.append((current, stale))
    assert counts[0] == counts[1]
    assert counts[0][0] == counts[0][1]  # out-of-date facts cost no more to show than current ones


def test_the_capability_map_refuses_a_plan_date_gone_by_and_shows_the_plans_end(client, plan, strategist):
    url = f"{reverse('planning:capability_map')}?plan={plan.pk}&on=2020-01-01"
    response = _page(client, strategist, url)
    page = response.content.decode()
    assert "Dagen 2020-01-01 har redan varit" in page
    assert response.context["on"] == plan.horizon


def test_a_gap_fix_needs_no_service_but_names_a_known_gap(client, plan, data_protection_coordinator):
    from planning.forms import ActionForm

    base = {
        "plan": plan.pk, "kind": "fix_gdpr_gap", "planned_end": "2027-06-30", "status": "planerad",
        "one_off_cost": "0", "yearly_cost_effect": "0", "finding_kind": "gdpr_gap",
    }  # fmt: skip
    assert ActionForm({**base, "finding_ref": "NO_LEGAL_BASIS:processing_activity:3"}).is_valid()
    unknown = ActionForm({**base, "finding_ref": "NO_SUCH_RULE"})
    assert not unknown.is_valid() and "finding_ref" in unknown.errors
    phase_out = ActionForm({**base, "kind": "phase_out", "finding_ref": ""})
    assert not phase_out.is_valid() and "service" in phase_out.errors


def test_a_large_register_offers_the_action_form_the_chosen_services_and_a_search(
    client, plan, strategist, monkeypatch
):
    from planning import views

    monkeypatch.setattr(views, "ACTION_SERVICE_LIMIT", 1)
    from portfolio.models import ContractService
    from tests.factories import ContractFactory

    prefilled = ApplicationFactory(name="Skolplus")
    wanted = ApplicationFactory(name="Vklass närvaro")
    own = ContractFactory(name="Skolplus-avtalet")
    ContractService.objects.create(contract=own, service=prefilled)
    ContractFactory(name="Någon annans avtal")
    ApplicationFactory(name="Schemaläggaren")
    url = f"{reverse('planning:action_add')}?plan={plan.pk}&kind=replace&service={prefilled.pk}"
    client.force_login(strategist)

    def offered(response, name):
        return [value for value, _label in response.context["form"].fields[name].widget.choices if value]

    first = client.get(url)
    searched = client.get(f"{url}&sok_tjanst=vklass")

    assert offered(first, "service") == [prefilled.pk] and 'id="service-search"' in first.content.decode()
    assert offered(first, "contract") == [own.pk]  # the service's contracts only
    assert offered(searched, "replacement") == [prefilled.pk, wanted.pk]
    saved = client.post(
        url,
        {
            "plan": plan.pk, "kind": "replace", "service": prefilled.pk, "replacement": wanted.pk,
            "planned_end": "2027-06-30", "status": "planerad", "one_off_cost": "0", "yearly_cost_effect": "0",
        },
    )  # fmt: skip
    assert saved.status_code == 302
    assert plan.actions.get().replacement == wanted

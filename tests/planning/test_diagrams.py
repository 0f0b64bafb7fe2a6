"""The roadmap and the capability map: plain data in, accessible SVG out; built from the register
in a constant number of queries."""

import datetime
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from planning.diagrams import (
    NO_CAPABILITY,
    Roadmap,
    RoadmapBar,
    ServiceFacts,
    capability_map,
    capability_map_today,
    capability_overview,
    capability_rows,
    facts_today,
    refresh_facts_today,
    render_capability_map,
    render_capability_overview,
    render_roadmap,
    resolve_area,
    service_facts_today,
    service_urls,
    tile_count,
)
from portfolio.choices import (
    AuthenticationMethod,
    Federation,
    IdentityProvider,
    LifecycleStatus,
    TimeClassification,
)
from portfolio.models import ServiceCapability
from tests.factories import ApplicationFactory, CapabilityFactory, CostFactory, LearningResourceFactory

SVG = "{http://www.w3.org/2000/svg}"
TODAY = datetime.date(2026, 12, 5)


def _bar(label, status="planerad", group="Elevadministration", start=(2026, 1, 1), end=(2027, 6, 30), **kw):
    return RoadmapBar(
        label=label,
        group=group,
        start=datetime.date(*start),
        end=datetime.date(*end),
        status=status,
        status_label=status.capitalize(),
        **kw,
    )


def _roadmap(*bars):
    return Roadmap(
        "Färdplanens åtgärder",
        TODAY,
        list(bars),
        [("planerad", "Planerad"), ("pagar", "Pågår"), ("klar", "Klar"), ("stoppad", "Stoppad")],
    )


def test_roadmap_is_an_accessible_image_named_by_its_title():
    svg = ET.fromstring(render_roadmap(_roadmap(_bar("Avveckla Skolplus")), "rm"))
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "rm-title"
    assert svg.find(f"{SVG}title").text == "Färdplanens åtgärder"


def test_roadmap_marks_today_and_groups_actions_with_group_headings():
    markup = render_roadmap(
        _roadmap(_bar("Byt Skolplus", group="Närvaro"), _bar("Avveckla Gammal", group="Betyg", status="klar"))
    )
    assert "Idag" in markup
    # groups sorted by name: Betyg before Närvaro
    assert markup.index("Betyg") < markup.index("Närvaro") < markup.index("Byt Skolplus")


def test_roadmap_status_is_carried_by_marker_and_pattern_not_colour_alone():
    markup = render_roadmap(_roadmap(_bar("A", status="klar"), _bar("B", status="stoppad"), _bar("C")))
    svg = ET.fromstring(markup)
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert "✓" in texts and "×" in texts and "P" in texts
    patterns = {p.get("id") for p in svg.iter(f"{SVG}pattern")}
    assert any("cross" in p for p in patterns) and any("hatch" in p for p in patterns)
    # each bar says its status in words in its tooltip
    titles = [t.text for t in svg.iter(f"{SVG}title")]
    assert any(t.startswith("A: Klar") for t in titles)


def test_roadmap_flags_an_overdue_action_in_words_and_links_each_bar():
    markup = render_roadmap(_roadmap(_bar("Sen", status="pagar", overdue=True, url="/fardplan/1/")))
    assert "försenad" in markup
    assert 'href="/fardplan/1/"' in markup


def test_roadmap_without_actions_draws_nothing():
    assert render_roadmap(_roadmap()) == ""


def test_roadmap_escapes_names():
    markup = render_roadmap(_roadmap(_bar("<script>x</script>")))
    assert "<script>" not in markup
    ET.fromstring(markup)


CAPABILITIES = [
    (1, "Elevadministration", None),
    (2, "Närvaro", 1),
    (3, "Betyg", 1),
    (4, "Undervisning", None),
]


def _facts(pk, name, caps, **kw):
    return ServiceFacts("application", pk, name, set(caps), **kw)


def test_capability_map_nests_services_in_their_capabilities_under_their_areas():
    cmap = capability_map(
        [
            _facts(1, "Skolplus", {2, 3}, behind_sso=True),
            _facts(2, "Närvaro24", {2}),
            _facts(3, "Ensam", set()),
        ],
        CAPABILITIES,
        "sso",
        "Karta",
        {("application", 1): "/system/1/"},
    )
    areas = {area.name: {c.name: [t.name for t in c.tiles] for c in area.capabilities} for area in cmap.areas}
    assert areas["Elevadministration"] == {"Betyg": ["Skolplus"], "Närvaro": ["Närvaro24", "Skolplus"]}
    assert areas["Utan förmåga"] == {"Utan förmåga": ["Ensam"]}
    assert [a.name for a in cmap.areas][-1] == "Utan förmåga"
    assert ("Elevadministration", "Närvaro", {"sso": 1, "outside": 1}) in cmap.counts()


@pytest.mark.parametrize(
    ("dimension", "facts", "category"),
    [
        ("sso", {"behind_sso": True, "federation": Federation.SKOLFEDERATION}, "federation"),
        ("sso", {"behind_sso": False}, "outside"),
        ("gdpr", {"gap_severity": "critical"}, "critical"),
        ("gdpr", {}, "none"),
        ("lifecycle", {"lifecycle_status": LifecycleStatus.PHASING_OUT}, LifecycleStatus.PHASING_OUT),
        ("time", {"time_classification": TimeClassification.MIGRATE}, TimeClassification.MIGRATE),
        ("time", {}, "none"),
        ("cost", {"yearly_cost": Decimal("1500000")}, "c4"),
        ("cost", {"yearly_cost": Decimal("50000")}, "c1"),
        ("cost", {}, "none"),
    ],
)
def test_capability_map_colours_each_service_by_the_chosen_dimension(dimension, facts, category):
    cmap = capability_map([_facts(1, "S", {2}, **facts)], CAPABILITIES, dimension, "Karta")
    assert cmap.areas[0].capabilities[0].tiles[0].category == category
    assert category in {entry.key for entry in cmap.legend}


def test_capability_map_tiles_link_to_their_service_and_carry_a_text_marker():
    cmap = capability_map(
        [_facts(1, "Skolplus", {2}, behind_sso=False)],
        CAPABILITIES,
        "sso",
        "Karta",
        {("application", 1): "/s/1/"},
    )
    markup = render_capability_map(cmap, "cm")
    svg = ET.fromstring(markup)
    assert svg.get("role") == "figure" and svg.find(f"{SVG}title").text == "Karta"  # it holds links
    links = [a.get("href") for a in svg.iter(f"{SVG}a")]
    assert links == ["/s/1/"]
    assert "Skolplus: Utanför SSO" in [t.text for t in svg.iter(f"{SVG}title")]
    # legend: every category named in words
    assert {"Bakom SSO", "Utanför SSO", "SSO via Skolfederation"} <= {t.text for t in svg.iter(f"{SVG}text")}


def test_capability_map_layout_is_deterministic():
    facts = [_facts(i, f"Tjänst {i}", {2 + i % 3}) for i in range(40)]
    one = render_capability_map(capability_map(facts, CAPABILITIES, "sso", "K"))
    two = render_capability_map(capability_map(list(reversed(facts)), CAPABILITIES, "sso", "K"))
    assert one == two


@pytest.mark.django_db
def test_service_facts_are_read_in_a_constant_number_of_queries():
    area = CapabilityFactory(name="Elevadministration")
    capability = CapabilityFactory(name="Närvaro", parent=area)

    def add(n):
        for i in range(n):
            app = ApplicationFactory(
                authentication=AuthenticationMethod.LOCAL,
                identity_provider=IdentityProvider.NONE,
                time_classification=TimeClassification.INVEST,
            )
            ServiceCapability.objects.create(service=app, capability=capability)
            CostFactory(application=app, year=TODAY.year - 1, amount=Decimal(1000 * (i + 1)))
            LearningResourceFactory()

    add(2)
    with CaptureQueriesContext(connection) as few:
        service_facts_today(TODAY)
    add(6)
    with CaptureQueriesContext(connection) as many:
        facts = service_facts_today(TODAY)
    assert len(few) == len(many)
    cmap = capability_map(facts, capability_rows(), "sso", "K", service_urls(f.key for f in facts))
    tiles = [t for a in cmap.areas for c in a.capabilities for t in c.tiles]
    assert len(tiles) == 16
    assert all(t.url for t in tiles)


@pytest.mark.django_db
def test_service_facts_read_time_cost_sso_and_leave_retired_services_out():
    app = ApplicationFactory(time_classification=TimeClassification.MIGRATE)
    CostFactory(application=app, year=TODAY.year - 1, amount=Decimal("750000"))
    ApplicationFactory(lifecycle_status=LifecycleStatus.RETIRED, retired_on=datetime.date(2025, 1, 1))
    facts = {f.pk: f for f in service_facts_today(TODAY)}
    assert list(facts) == [app.pk]
    assert facts[app.pk].time_classification == TimeClassification.MIGRATE
    assert facts[app.pk].yearly_cost == Decimal("750000")
    assert facts[app.pk].behind_sso is True


def test_a_goals_follow_up_line_shows_its_target_and_draws_nothing_without_history():
    from planning.diagrams import render_goal_line
    from planning.models import Goal
    from planning.workbook import GoalRow

    goal = Goal(
        pk=7,
        name="SSO 95 %",
        metric="sso_coverage_users",
        comparison="gte",
        target_value=Decimal("95"),
        target_date=datetime.date(2027, 8, 1),
    )
    series = [(datetime.date(2026, m, 28), Decimal(60 + 3 * m)) for m in range(1, 12)]
    row = GoalRow(goal, Decimal("93"), Decimal("97"), False, True, series)
    svg = ET.fromstring(render_goal_line(row, "goal-line-7"))
    assert svg.get("role") == "img" and "mål ≥ 95" in "".join(t.text or "" for t in svg.iter(f"{SVG}text"))
    assert len(list(svg.iter(f"{SVG}circle"))) == 11
    assert render_goal_line(GoalRow(goal, None, None, None, None, []), "g") == ""


@pytest.mark.django_db
def test_todays_map_facts_are_kept_and_read_last_known_until_a_refresh(monkeypatch):
    """The map's facts take seconds at scale 30: computed once, then read back, also after a change
    (marked not current) until the refresh the page schedules brings them up to date."""
    from planning import diagrams

    capability = CapabilityFactory(name="Närvaro", parent=CapabilityFactory(name="Elevadministration"))
    first = ApplicationFactory(name="Närvaro A")
    ServiceCapability.objects.create(service=first, capability=capability)
    computed = []
    compute = diagrams.service_facts_today

    def counting(*args, **kwargs):
        computed.append(sorted(kwargs.get("dimensions", ())))
        return compute(*args, **kwargs)

    monkeypatch.setattr(diagrams, "service_facts_today", counting)

    before = capability_map_today("sso", TODAY)
    again = capability_map_today("sso", TODAY)
    assert len(computed) == 1
    assert [t.name for a in again.areas for c in a.capabilities for t in c.tiles] == ["Närvaro A"]
    assert before == again

    second = ApplicationFactory(name="Närvaro B")  # a change to the register: its history moves on
    ServiceCapability.objects.create(service=second, capability=capability)
    stale = facts_today("sso", TODAY)
    assert len(computed) == 1  # not computed on the request
    assert not stale.current and stale.computed_from is not None and stale.register_state
    assert [f.name for f in stale.facts] == ["Närvaro A"]

    assert sorted(refresh_facts_today("sv", TODAY)) == sorted(diagrams.ALL_DIMENSIONS)
    assert len(computed) == 2  # every dimension in one pass
    fresh = facts_today("sso", TODAY)
    assert fresh.current and sorted(f.name for f in fresh.facts) == ["Närvaro A", "Närvaro B"]
    assert refresh_facts_today("sv", TODAY) == [] and len(computed) == 2  # current: nothing to do
    facts_today("gdpr", TODAY)  # stored by the refresh too
    assert len(computed) == 2


@pytest.mark.django_db
def test_the_gdpr_dimension_reuses_the_analysis_suites_findings_of_the_same_state(monkeypatch):
    from django.utils import timezone

    from planning import diagrams
    from stewardship import analyses

    today = timezone.localdate()
    ApplicationFactory(name="Skolplus")
    findings = analyses.Analyses().get("find_gaps")  # the suite's, stored for this state of the register
    ran = []
    monkeypatch.setattr("gdpr.gaps.base.find_gaps", lambda **kw: ran.append(1) or [])
    facts_today("gdpr", today)
    assert ran == []  # the rules were not run again
    worst = diagrams.worst_gap_by_service(findings)
    assert {f.key: f.gap_severity for f in facts_today("gdpr", today).facts if f.gap_severity} == worst
    ApplicationFactory(name="Ny")  # another state: the stored findings do not describe it
    monkeypatch.setitem(analyses.SUITE, "find_gaps", lambda run: ran.append("suite") or [])
    refresh_facts_today("sv", today)
    assert ran == ["suite"]  # computed once, by the suite's own definition, and kept for it


def test_the_overview_counts_services_per_capability_and_category_without_tiles():
    facts = [
        _facts(1, "Skolplus", {2, 3}, behind_sso=True),
        _facts(2, "Närvaro24", {2}),
        _facts(3, "Ensam", set()),
        _facts(4, "Lär", {4}, behind_sso=True),
    ]
    overview = capability_overview(facts, CAPABILITIES, "sso", "Översikt")
    assert tile_count(facts) == 5
    areas = {a.name: a for a in overview.areas}
    assert [a.name for a in overview.areas] == ["Elevadministration", "Undervisning", "Utan förmåga"]
    assert areas["Elevadministration"].services == 2  # Skolplus once, though in two capabilities
    assert {c.name: c.counts for c in areas["Elevadministration"].capabilities} == {
        "Betyg": {"sso": 1},
        "Närvaro": {"sso": 1, "outside": 1},
    }
    assert areas["Utan förmåga"].key == NO_CAPABILITY
    # the table beside it: the same rows as the whole map's
    whole = capability_map(facts, CAPABILITIES, "sso", "Karta")
    assert sorted(overview.counts()) == sorted(whole.counts())


def test_the_overview_links_each_area_to_its_map_and_carries_markers():
    facts = [_facts(1, "Skolplus", {2}, behind_sso=True), _facts(2, "Närvaro24", {2})]
    overview = capability_overview(facts, CAPABILITIES, "sso", "Översikt")
    markup = render_capability_overview(overview, {1: "?omrade=1"}, "ov")
    svg = ET.fromstring(markup)
    assert svg.get("role") == "figure" and svg.find(f"{SVG}title").text == "Översikt"
    assert "capability-overview" in svg.get("class")
    # the area's heading leads to its map, each capability's row to its box there
    assert {a.get("href") for a in svg.iter(f"{SVG}a")} == {"?omrade=1", "?omrade=1#ov-c2"}
    area_map = render_capability_map(capability_map(facts, CAPABILITIES, "sso", "Karta", area=1), "ov")
    assert 'id="ov-c2"' in area_map
    titles = [t.text for t in svg.iter(f"{SVG}title")]
    assert "Närvaro: 1 Bakom SSO" in titles and "Närvaro: 1 Utanför SSO" in titles
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert "✓" in texts and "×" in texts  # markers on the bar, not colour alone
    assert "url(#ov-cross-f2c4c4)" in markup  # and the pattern
    assert ET.fromstring(render_capability_overview(overview)).get("role") == "img"  # no links


def test_an_areas_map_holds_only_that_areas_tiles():
    facts = [
        _facts(1, "Skolplus", {2, 4}),
        _facts(2, "Närvaro24", {3}),
        _facts(3, "Ensam", set()),
        _facts(4, "Lär", {4}),
    ]
    cmap = capability_map(facts, CAPABILITIES, "sso", "Karta", area=1)
    assert [(a.name, [(c.name, [t.name for t in c.tiles]) for c in a.capabilities]) for a in cmap.areas] == [
        ("Elevadministration", [("Betyg", ["Närvaro24"]), ("Närvaro", ["Skolplus"])])
    ]
    alone = capability_map(facts, CAPABILITIES, "sso", "Karta", area=NO_CAPABILITY)
    assert [t.name for a in alone.areas for c in a.capabilities for t in c.tiles] == ["Ensam"]


def test_an_area_is_chosen_by_its_id_a_capability_below_it_or_utan():
    assert resolve_area("", CAPABILITIES) is None
    assert resolve_area("1", CAPABILITIES) == 1
    assert resolve_area("2", CAPABILITIES) == 1  # Närvaro is in Elevadministration
    assert resolve_area("utan", CAPABILITIES) == NO_CAPABILITY
    for unknown in ("99", "x", "1.5"):
        with pytest.raises(LookupError):
            resolve_area(unknown, CAPABILITIES)


@pytest.mark.django_db
def test_the_analyses_refresh_brings_the_maps_facts_up_to_date_through_its_hook(settings):
    """stewardship may not import planning: planning's refresh runs through REFRESH_HOOKS, after
    the suite, from the background task and from ``manage.py refresh_analyses`` alike."""
    from django.core.management import call_command

    from analysis_cache.models import AnalysisResult
    from planning import diagrams
    from stewardship.analyses import REFRESH_HOOKS
    from stewardship.tasks import refresh_analyses_task

    assert diagrams.refresh_facts_today in REFRESH_HOOKS  # registered in PlanningConfig.ready()
    ApplicationFactory(name="Skolplus")
    call_command("refresh_analyses", language=["sv"], verbosity=0)
    names = {f"planning.capability_map.{d}" for d in diagrams.ALL_DIMENSIONS}
    assert set(AnalysisResult.objects.filter(name__in=names).values_list("name", flat=True)) == names
    assert facts_today("sso").current

    ApplicationFactory(name="Ny")
    assert not facts_today("sso").current
    refresh_analyses_task.enqueue("sv")  # the immediate backend in the tests: runs here
    fresh = facts_today("sso")
    assert fresh.current and {"Skolplus", "Ny"} <= {f.name for f in fresh.facts}


def test_a_failing_refresh_hook_is_logged_and_stops_no_other(monkeypatch, caplog):
    from stewardship import analyses

    ran = []

    def broken(language):
        raise RuntimeError("boom")

    monkeypatch.setattr(analyses, "REFRESH_HOOKS", [broken, ran.append])
    analyses.run_refresh_hooks("sv")
    assert ran == ["sv"] and "Refresh hook" in caplog.text

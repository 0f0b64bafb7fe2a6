"""The roadmap and the capability map: plain data in, accessible SVG out; built from the register
in a constant number of queries."""

import datetime
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from planning.diagrams import (
    Roadmap,
    RoadmapBar,
    ServiceFacts,
    capability_map,
    capability_map_today,
    render_capability_map,
    render_roadmap,
    service_facts_today,
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
        capability_map_today("sso", TODAY)
    add(6)
    with CaptureQueriesContext(connection) as many:
        cmap = capability_map_today("sso", TODAY)
    assert len(few) == len(many)
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
def test_todays_map_facts_are_kept_until_the_register_changes(monkeypatch):
    """The map's facts take seconds at scale 30: computed once per register state, then read back."""
    from planning import diagrams

    capability = CapabilityFactory(name="Närvaro", parent=CapabilityFactory(name="Elevadministration"))
    first = ApplicationFactory(name="Närvaro A")
    ServiceCapability.objects.create(service=first, capability=capability)
    computed = []
    compute = diagrams.service_facts_today

    def counting(*args, **kwargs):
        computed.append(1)
        return compute(*args, **kwargs)

    monkeypatch.setattr(diagrams, "service_facts_today", counting)

    before = capability_map_today("sso", TODAY)
    again = capability_map_today("sso", TODAY)
    assert len(computed) == 1
    assert [t.name for a in again.areas for c in a.capabilities for t in c.tiles] == ["Närvaro A"]
    assert before == again

    second = ApplicationFactory(name="Närvaro B")  # a change to the register: its history moves on
    ServiceCapability.objects.create(service=second, capability=capability)
    after = capability_map_today("sso", TODAY)
    assert len(computed) == 2
    names = sorted(t.name for a in after.areas for c in a.capabilities for t in c.tiles)
    assert names == ["Närvaro A", "Närvaro B"]
    capability_map_today("gdpr", TODAY)  # another dimension is another stored result
    assert len(computed) == 3

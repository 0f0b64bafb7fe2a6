"""What the dashboard and the equity page show: sorted charts, whole labels, a filterable heat map,
and no completeness figure for months before anything was registered."""

import datetime

import pytest
from django.urls import reverse

from portfolio.choices import SchoolForm
from portfolio.models import ServiceUsage
from portfolio.templatetags.systemkarta import MAX_LABEL, bar_chart
from stewardship.completeness import completeness_over_time
from tests.factories import ApplicationFactory, CapabilityFactory, SchoolUnitFactory

pytestmark = pytest.mark.django_db


def _service(capability, school, name=None):
    system = ApplicationFactory(**({"name": name} if name else {}))
    system.capability_links.create(capability=capability)
    ServiceUsage.objects.create(service=system, organisation=school, users=10)
    return system


def test_capability_chart_is_sorted_with_the_most_used_capability_first(client, strategist):
    school = SchoolUnitFactory()
    few, many, middle = (CapabilityFactory(name=n) for n in ("Aaa få", "Bbb många", "Ccc mitten"))
    for capability, count in ((few, 1), (many, 3), (middle, 2)):
        for _ in range(count):
            _service(capability, school)
    client.force_login(strategist)
    bars = client.get(reverse("dashboard")).context["capability_bars"]
    values = [bar["value"] for bar in bars]
    assert values == sorted(values, reverse=True)
    assert [bar["label"] for bar in bars][:3] == ["Bbb många", "Ccc mitten", "Aaa få"]


def test_a_long_chart_label_keeps_its_last_part_and_is_never_cut_at_the_start():
    label = "Undervisning och lärande › Prov och bedömning i alla ämnen"
    row = bar_chart([{"label": label, "value": 3}], "t", "c")["rows"][0]
    assert row["short"] == "Prov och bedömning i alla ämnen"
    assert row["label"] == label  # the full name stays in the bar's <title>
    very_long = "X" * 80
    short = bar_chart([{"label": very_long, "value": 1}], "t", "c")["rows"][0]["short"]
    assert len(short) == MAX_LABEL and short.startswith("XXX") and short.endswith("…")


def test_equity_heat_map_filters_by_school_form_and_capability_area(client, reader):
    teaching, admin = CapabilityFactory(name="Undervisning"), CapabilityFactory(name="Elevadministration")
    platform = CapabilityFactory(name="Lärplattform", parent=teaching)
    register = CapabilityFactory(name="Elevregister", parent=admin)
    compulsory = SchoolUnitFactory(name="Björkskolan", school_form=SchoolForm.COMPULSORY)
    upper = SchoolUnitFactory(name="Ågymnasiet", school_form=SchoolForm.UPPER_SECONDARY)
    for school in (compulsory, upper):
        _service(platform, school)
        _service(register, school)
    client.force_login(reader)
    url = reverse("analysis:equity")

    everything = client.get(url).context
    assert {row["school"].name for row in everything["rows"]} == {"Björkskolan", "Ågymnasiet"}
    assert len(everything["columns"]) >= 2

    by_form = client.get(url, {"skolform": SchoolForm.UPPER_SECONDARY}).context
    assert [row["school"].name for row in by_form["rows"]] == ["Ågymnasiet"]

    by_area = client.get(url, {"omrade": "Undervisning"})
    names = [head["column"].name for head in by_area.context["columns"]]
    assert names and all(name.startswith("Undervisning") for name in names)
    page = by_area.content.decode()
    # Short visible head, the whole name for hover (title) and for screen readers (hidden text).
    assert 'title="Undervisning › Lärplattform"' in page
    assert '<span class="visually-hidden">Undervisning › Lärplattform</span>' in page


def test_a_month_before_anything_was_registered_has_no_completeness(client, strategist):
    before = completeness_over_time(2, today=datetime.date(2020, 2, 15), use_cache=False)
    assert all(point.records == 0 for point in before)
    assert all(point.percent is None and point.share is None for point in before)


def test_dashboard_month_chart_shows_a_dash_for_an_empty_register_not_100_percent(client, strategist):
    client.force_login(strategist)
    bars = client.get(reverse("dashboard")).context["completeness_month_bars"]
    assert bars, "the month series is shown"
    assert all(bar["text"] == "–" and bar["value"] == 0 for bar in bars)

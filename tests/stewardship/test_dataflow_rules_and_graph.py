"""Data flows feed the GDPR rules and draw a system's neighbours as SVG."""

import importlib

import pytest
from django.template import Context, Template

from gdpr.gaps import RULES, find_gaps
from gdpr.models import ProcessingActivityService
from tests.factories import ApplicationFactory, DataFlowFactory, ProcessingActivityFactory

pytestmark = pytest.mark.django_db

CODE = "EXTERNAL_FLOW_NOT_IN_RECIPIENTS"


@pytest.fixture
def flow_rule():
    """The rule registered in RULES as find_gaps sees it, and the registry left as it was found."""
    was_registered = CODE in RULES
    module = importlib.import_module("gdpr.gaps.flows")
    if CODE not in RULES:
        RULES[CODE] = module.ExternalFlowNotInRecipients()
    yield module
    if not was_registered:
        RULES.pop(CODE, None)


def activity_on(app, **kwargs):
    activity = ProcessingActivityFactory(**kwargs)
    ProcessingActivityService.objects.create(processing_activity=activity, service=app)
    return activity


def findings():
    return [f for f in find_gaps() if f.code == CODE]


def test_flow_of_personal_data_to_an_unnamed_external_recipient_trips_the_rule(flow_rule):
    app = ApplicationFactory(name="Elevregistret")
    activity = activity_on(app, recipients="Vårdnadshavare")
    DataFlowFactory(source_application=app, target_application=None, target_external="CSN", name="Studiestöd")
    [finding] = findings()
    assert (finding.target_type, finding.target_id) == ("processing_activity", activity.pk)
    assert finding.field == "recipients" and finding.severity == "medium" and "30.1 d" in finding.basis
    assert "CSN" in finding.explanation and "Elevregistret" in finding.explanation
    assert finding.services == (("application", app.pk),)


def test_rule_does_not_trip_when_the_recipient_is_named_or_no_personal_data_leaves(flow_rule):
    app = ApplicationFactory()
    activity_on(app, recipients="Vårdnadshavare, csn (studiestöd)")
    DataFlowFactory(source_application=app, target_application=None, target_external="CSN")
    DataFlowFactory(
        source_application=app,
        target_application=None,
        target_external="Statistikbyrån",
        processes_personal_data=False,
        personal_data_categories="",
    )
    DataFlowFactory(source_application=app)  # internal flow
    assert findings() == []


def test_rule_query_count_does_not_grow_with_flows(flow_rule):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def build(n):
        for _i in range(n):
            app = ApplicationFactory()
            activity_on(app, recipients="")
            DataFlowFactory(source_application=app, target_application=None, target_external="Leverantör X")

    build(2)
    with CaptureQueriesContext(connection) as small:
        assert len(findings()) == 2
    build(6)
    with CaptureQueriesContext(connection) as large:
        assert len(findings()) == 8
    assert len(large.captured_queries) == len(small.captured_queries)


def test_activity_flows_lists_the_flows_of_its_systems(flow_rule):
    app, other = ApplicationFactory(), ApplicationFactory()
    activity = activity_on(app)
    incoming = DataFlowFactory(target_application=app)
    outgoing = DataFlowFactory(source_application=app, target_application=None, target_external="CSN")
    DataFlowFactory(source_application=other)
    assert {f.pk for f in flow_rule.activity_flows([activity])[activity.pk]} == {incoming.pk, outgoing.pk}


def render_graph(service) -> str:
    return Template("{% load dataflow_graph %}{% dataflow_graph service %}").render(
        Context({"service": service})
    )


def test_neighbour_picture_draws_flows_in_and_out_as_svg():
    hub = ApplicationFactory(name="Skolplattformen")
    DataFlowFactory(source_application=ApplicationFactory(name="Elevregistret"), target_application=hub)
    DataFlowFactory(source_application=hub, target_application=None, target_external="CSN")
    svg = render_graph(hub)
    assert "<svg" in svg and "Skolplattformen" in svg and "Elevregistret" in svg and "CSN" in svg
    assert svg.count("<line") == 2


def test_neighbour_picture_escapes_labels():
    hub = ApplicationFactory(name='<script>alert("x")</script>')
    DataFlowFactory(
        source_application=hub, target_application=None, target_external="<img src=x onerror=alert(1)>"
    )
    svg = render_graph(hub)
    assert "<script>" not in svg and "<img" not in svg
    assert "&lt;script&gt;" in svg and "&lt;img" in svg


def test_service_without_flows_says_so():
    assert "Inga dataflöden" in render_graph(ApplicationFactory())


def test_other_records_get_no_picture():
    from tests.factories import VendorFactory

    assert render_graph(VendorFactory()).strip() == ""


def test_system_page_shows_its_neighbours(client, reader):
    from django.urls import reverse

    hub = ApplicationFactory(name="Skolplattformen")
    DataFlowFactory(source_application=hub, target_application=None, target_external="CSN")
    client.force_login(reader)
    page = client.get(reverse("portfolio:application_detail", args=[hub.pk])).content.decode()
    assert "Dataflöden" in page and "<svg" in page and "CSN" in page
    assert page.count('id="dataflows-heading"') == 1  # drawn once

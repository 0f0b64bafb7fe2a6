"""Data flows have exactly one sender and one receiver; a gap finding is acknowledged once."""

import datetime

import pytest

from gdpr.models import GapAcknowledgement
from tests import factories as f
from tests.models.helpers import assert_database_refuses, assert_refused, validation_errors

pytestmark = pytest.mark.django_db


def test_flow_needs_exactly_one_sender():
    flow = f.DataFlowFactory.build(source_application=None, target_application=f.ApplicationFactory())
    assert_refused(
        flow, "source_service", "Ange exakt en avsändare: ett system, en lärresurs eller en extern part."
    )
    assert_database_refuses(
        lambda: f.DataFlowFactory(source_application=None), "portfolio_dataflow_exactly_one_source"
    )


def test_flow_with_two_receivers_is_refused():
    flow = f.DataFlowFactory.build(
        source_application=f.ApplicationFactory(),
        target_application=f.ApplicationFactory(),
        target_external="CSN",
    )
    assert_refused(
        flow,
        "target_service",
        "Ange exakt en mottagare: ett system, en lärresurs eller en extern mottagare.",
    )
    assert_database_refuses(
        lambda: f.DataFlowFactory(target_external="CSN"), "portfolio_dataflow_exactly_one_target"
    )


def test_flow_cannot_run_from_outside_to_outside():
    flow = f.DataFlowFactory.build(
        source_application=None, source_external="Skolverket", target_application=None, target_external="CSN"
    )
    assert_refused(flow, "target_external", "Minst en ände av flödet ska vara en egen tjänst.")
    assert_database_refuses(
        lambda: f.DataFlowFactory(
            source_application=None,
            source_external="Skolverket",
            target_application=None,
            target_external="CSN",
        ),
        "portfolio_dataflow_not_external_to_external",
    )


def test_flow_runs_between_two_different_services():
    application = f.ApplicationFactory()
    flow = f.DataFlowFactory.build(source_application=application, target_application=application)
    assert_refused(flow, "target_service", "Ett flöde går mellan två olika tjänster.")


def test_flow_with_personal_data_categories_carries_personal_data():
    flow = f.DataFlowFactory.build(
        source_application=f.ApplicationFactory(),
        target_application=f.ApplicationFactory(),
        processes_personal_data=False,
    )
    assert (
        "Flödet anger personuppgiftskategorier men sägs inte innehålla personuppgifter."
        in (validation_errors(flow)["processes_personal_data"])
    )


def test_a_finding_is_acknowledged_once():
    fields = {
        "code": "art30_purpose",
        "target_type": "processing_activity",
        "target_id": 7,
        "reason": "Accepterad",
        "acknowledged_on": datetime.date(2026, 1, 1),
    }
    GapAcknowledgement.objects.create(**fields)
    assert "Avvikelsen är redan accepterad." in str(validation_errors(GapAcknowledgement(**fields)))
    assert_database_refuses(lambda: GapAcknowledgement.objects.create(**fields))

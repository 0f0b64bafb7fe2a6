"""Third-country transfers and impact assessments."""

import datetime

import pytest

from gdpr.choices import DpiaStatus, TransferMechanism
from tests import factories as f
from tests.models.helpers import assert_database_refuses, assert_refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def activity():
    return f.ProcessingActivityFactory()


def test_transfer_to_an_eea_country_is_refused(activity):
    transfer = f.TransferFactory.build(processing_activity=activity, country="DE", mechanism="")
    assert_refused(transfer, "country", "Landet ligger inom EU/EES: det är ingen tredjelandsöverföring.")
    transfer.country = "NO"  # EEA, not EU
    assert_refused(transfer, "country", "Landet ligger inom EU/EES: det är ingen tredjelandsöverföring.")


def test_data_privacy_framework_only_for_transfers_to_the_us(activity):
    transfer = f.TransferFactory.build(
        processing_activity=activity, country="IN", mechanism=TransferMechanism.DPF
    )
    assert_refused(transfer, "mechanism", "Data Privacy Framework gäller bara överföringar till USA.")
    assert_database_refuses(
        lambda: f.TransferFactory(
            processing_activity=activity, country="IN", mechanism=TransferMechanism.DPF
        ),
        "gdpr_transfer_dpf_only_to_us",
    )
    f.TransferFactory.build(
        processing_activity=activity, country="US", mechanism=TransferMechanism.DPF
    ).full_clean()


def test_transfer_to_a_third_country_with_clauses_is_accepted(activity):
    f.TransferFactory.build(
        processing_activity=activity, country="IN", mechanism=TransferMechanism.SCC
    ).full_clean()


def test_completed_dpia_needs_completion_date_and_residual_risk(activity):
    dpia = f.DpiaFactory.build(
        processing_activity=activity, status=DpiaStatus.COMPLETED, completed_on=None, residual_risk=""
    )
    assert_refused(dpia, "completed_on", "Ange när bedömningen blev klar.")
    assert_refused(dpia, "residual_risk", "En klar bedömning anger den kvarvarande risken.")
    assert_database_refuses(
        lambda: f.DpiaFactory(processing_activity=activity, status=DpiaStatus.COMPLETED, completed_on=None),
        "gdpr_dpia_completed_has_date",
    )


def test_dpia_cannot_be_completed_before_it_started(activity):
    dpia = f.DpiaFactory.build(
        processing_activity=activity,
        started_on=datetime.date(2025, 5, 1),
        completed_on=datetime.date(2025, 4, 1),
    )
    assert_refused(dpia, "completed_on", "En bedömning kan inte bli klar innan den påbörjats.")
    assert_database_refuses(
        lambda: f.DpiaFactory(
            processing_activity=activity,
            started_on=datetime.date(2025, 5, 1),
            completed_on=datetime.date(2025, 4, 1),
        ),
        "gdpr_dpia_completed_after_start",
    )


def test_dpia_in_progress_needs_no_completion_date(activity):
    f.DpiaFactory.build(
        processing_activity=activity, status=DpiaStatus.IN_PROGRESS, completed_on=None, residual_risk=""
    ).full_clean()

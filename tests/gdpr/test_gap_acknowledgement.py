"""Accepting a finding as a risk takes it off the open list, keeps it listed, and is history."""

import json
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from gdpr.gaps import find_gaps
from gdpr.gaps.acknowledgements import acknowledge, withdraw_acknowledgement
from gdpr.models import GapAcknowledgement
from tests.factories import BoardFactory, ProcessingActivityFactory

pytestmark = pytest.mark.django_db


def test_acknowledged_finding_leaves_the_open_list_but_stays_listed(data_protection_coordinator):
    activity = ProcessingActivityFactory(recipients="")
    [finding] = find_gaps()
    acknowledge(finding, reason="Mottagare saknas inte: inga lämnas ut.", user=data_protection_coordinator)
    assert find_gaps() == []
    [listed] = find_gaps(include_acknowledged=True)
    assert listed.acknowledged and listed.target_id == activity.pk
    assert listed.acknowledgement_reason == "Mottagare saknas inte: inga lämnas ut."


def test_acknowledgement_and_its_withdrawal_are_history(data_protection_coordinator):
    ProcessingActivityFactory(security_measures="")
    [finding] = find_gaps()
    ack = acknowledge(finding, reason="Accepterad av nämnden 2026-05-01", user=data_protection_coordinator)
    withdraw_acknowledgement(ack, user=data_protection_coordinator)
    assert [f.code for f in find_gaps()] == ["NO_SECURITY_MEASURES"]
    history = list(GapAcknowledgement.history.order_by("history_date"))
    assert [h.history_type for h in history] == ["+", "-"]
    assert all(h.history_user == data_protection_coordinator for h in history)
    assert history[0].reason == "Accepterad av nämnden 2026-05-01"


def test_acknowledging_needs_a_reason(data_protection_coordinator):
    ProcessingActivityFactory(recipients="")
    [finding] = find_gaps()
    with pytest.raises(ValidationError):
        acknowledge(finding, reason="  ", user=data_protection_coordinator)


def test_gdpr_gaps_command_filters_by_severity_and_controller():
    board = BoardFactory(name="Barn- och utbildningsnämnden")
    ProcessingActivityFactory(controller=board, legal_basis="", recipients="")
    ProcessingActivityFactory(security_measures="")
    out = StringIO()
    call_command("gdpr_gaps", "--format", "json", "--severity", "high", stdout=out)
    assert [row["code"] for row in json.loads(out.getvalue())] == ["NO_LEGAL_BASIS"]
    out = StringIO()
    call_command("gdpr_gaps", "--format", "csv", "--controller", board.name, stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert lines[0].startswith("code;severity;title")
    assert len(lines) == 3
    out = StringIO()
    call_command("gdpr_gaps", stdout=out)
    assert "3 avvikelser" in out.getvalue()

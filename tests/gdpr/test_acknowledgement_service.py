"""``acknowledge`` and ``withdraw_acknowledgement`` called as commands and imports call them.

Outside a request no middleware knows the user, so the service itself must record who accepted
or withdrew a risk, and why, in history. An acknowledgement names one finding exactly — rule,
target type, target and activity — so accepting one finding never silences another.
(Survivors of ``make mutants`` in gdpr/gaps/acknowledgements.py.)
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.utils import timezone

from gdpr.gaps.acknowledgements import acknowledge, withdraw_acknowledgement
from gdpr.gaps.base import GapFinding
from gdpr.models import GapAcknowledgement
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def finding(**changes) -> GapFinding:
    values = {
        "code": "PROCESSOR_NO_DPA",
        "title": "Personuppgiftsbiträde utan biträdesavtal",
        "severity": "hog",
        "basis": "Art. 28",
        "target_type": "application",
        "target_id": 5,
        "target_name": "Skolsoft",
        "explanation": "",
        "fix": "",
        "activity_id": 7,
    }
    return GapFinding(**{**values, **changes})


@pytest.mark.parametrize("reason", ["", "   \n\t", None])
def test_a_blank_reason_is_refused_on_the_reason_field_and_nothing_is_written(
    reason, data_protection_coordinator
):
    with pytest.raises(ValidationError) as refused:
        acknowledge(finding(), reason=reason, user=data_protection_coordinator)
    assert refused.value.message_dict == {"reason": ["Ange varför risken accepteras."]}
    assert not GapAcknowledgement.objects.exists() and not GapAcknowledgement.history.exists()


def test_the_reason_is_kept_trimmed_with_who_and_when_and_a_history_row(data_protection_coordinator):
    ack = acknowledge(finding(), reason="  Avtal på väg, klart i maj.  ", user=data_protection_coordinator)
    ack = GapAcknowledgement.objects.get(pk=ack.pk)
    assert ack.reason == "Avtal på väg, klart i maj."
    assert ack.acknowledged_by == data_protection_coordinator
    assert ack.acknowledged_on == timezone.localdate()
    named = (ack.code, ack.target_type, ack.target_id, ack.activity_id)
    assert named == ("PROCESSOR_NO_DPA", "application", 5, 7)
    [row] = ack.history.all()
    assert row.history_user == data_protection_coordinator
    assert row.history_change_reason == "Accepterad risk"


def test_the_day_given_is_the_day_recorded():
    ack = acknowledge(finding(), reason="Beslut i nämnden", on=datetime.date(2026, 5, 1))
    assert GapAcknowledgement.objects.get(pk=ack.pk).acknowledged_on == datetime.date(2026, 5, 1)


@pytest.mark.parametrize("user", [None, AnonymousUser()], ids=["no user", "anonymous"])
def test_without_a_signed_in_user_no_one_is_named(user):
    ack = acknowledge(finding(), reason="Beslut i nämnden", user=user)
    ack = GapAcknowledgement.objects.get(pk=ack.pk)
    assert ack.acknowledged_by is None
    assert ack.history.get().history_user is None


def test_the_target_name_is_cut_to_the_columns_200_characters():
    ack = acknowledge(finding(target_name="S" * 250), reason="Beslut i nämnden")
    assert GapAcknowledgement.objects.get(pk=ack.pk).target_name == "S" * 200


def test_accepting_the_same_finding_again_updates_the_one_acknowledgement(data_protection_coordinator):
    first = acknowledge(finding(), reason="Första motiveringen")
    again = acknowledge(finding(), reason="Ny motivering", user=data_protection_coordinator)
    assert again.pk == first.pk
    assert list(GapAcknowledgement.objects.values_list("reason", flat=True)) == ["Ny motivering"]


@pytest.mark.parametrize(
    "other",
    [
        {"code": "SUBPROCESSORS_UNKNOWN"},
        {"target_type": "learning_resource"},
        {"target_id": 6},
        {"activity_id": 8},
        {"activity_id": None},
    ],
    ids=["other rule", "other target type", "other target", "other activity", "no activity"],
)
def test_accepting_one_finding_never_silences_another(other):
    acknowledge(finding(), reason="Gäller bara Skolsoft i behandling 7")
    second = acknowledge(finding(**other), reason="En annan accepterad risk")
    assert GapAcknowledgement.objects.count() == 2
    assert GapAcknowledgement.objects.get(pk=second.pk).reason == "En annan accepterad risk"
    first = GapAcknowledgement.objects.exclude(pk=second.pk).get()
    assert first.reason == "Gäller bara Skolsoft i behandling 7"


def test_a_withdrawal_records_who_withdrew_it_even_on_a_freshly_read_row(data_protection_coordinator):
    acknowledge(finding(), reason="Beslut i nämnden", user=data_protection_coordinator)
    other = UserFactory(username="dataskydd2", role="Dataskyddssamordnare")
    withdraw_acknowledgement(GapAcknowledgement.objects.get(), user=other)
    assert not GapAcknowledgement.objects.exists()
    removal = GapAcknowledgement.history.get(history_type="-")
    assert removal.history_user == other
    assert removal.history_change_reason == "Accepterad risk återkallad"

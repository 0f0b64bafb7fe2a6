"""Follow-up notices when the finding behind an open action has gone on its own: the duplicate
cluster, the standardisation candidate and the equity hole, read from today's analyses."""

import datetime

import pytest
from django.utils import timezone

from planning.choices import ActionKind, FindingKind
from planning.followup import FollowUpKind, action_followup
from portfolio.models import ServiceCapability, ServiceUsage
from tests import factories

pytestmark = pytest.mark.django_db


def _gone(plan) -> dict[int, str]:
    return {f.action_id: f.explanation for f in action_followup(plan) if f.kind == FollowUpKind.FINDING_GONE}


def _in_use(capability, *schools, name):
    service = factories.ApplicationFactory(name=name)
    ServiceCapability.objects.create(service=service, capability=capability)
    for school in schools:
        ServiceUsage.objects.create(service=service, organisation=school, users=50)
    return service


def test_a_standardisation_candidate_resolved_on_its_own_is_noticed():
    schools = [factories.SchoolUnitFactory() for _ in range(2)]
    capability = factories.CapabilityFactory(name="Närvaro")
    kept = _in_use(capability, *schools, name="Vklass")
    other = _in_use(capability, schools[0], name="Skolplus")
    action = factories.ActionFactory(
        kind=ActionKind.REPLACE,
        service=other,
        replacement=kept,
        finding_kind=FindingKind.STANDARDISATION,
        finding_ref=f"capability-{capability.pk}",
        planned_end=timezone.localdate() + datetime.timedelta(days=90),
    )
    assert action.pk not in _gone(action.plan)

    ServiceCapability.objects.get(service=other).delete()  # it was never an attendance system

    assert "standardiseringskandidat" in _gone(action.plan)[action.pk]


def test_an_equity_hole_filled_on_its_own_is_noticed():
    schools = [factories.SchoolUnitFactory(school_form="grundskola") for _ in range(4)]
    capability = factories.CapabilityFactory(name="Digitala läromedel")
    service = _in_use(capability, *schools[:3], name="Läromedelsportalen")
    action = factories.ActionFactory(
        kind=ActionKind.INTRODUCE,
        service=service,
        finding_kind=FindingKind.EQUITY_HOLE,
        finding_ref=f"capability:{capability.pk}:grundskola",
        planned_end=timezone.localdate() + datetime.timedelta(days=90),
    )
    action.schools.add(schools[3])
    assert action.pk not in _gone(action.plan)

    ServiceUsage.objects.create(service=service, organisation=schools[3], users=20)

    assert "redan en tjänst" in _gone(action.plan)[action.pk]


def test_a_duplicate_no_longer_clustered_is_noticed_and_an_unknown_reference_is_left_alone():
    first = factories.ApplicationFactory(name="Skolplus Närvaro")
    second = factories.ApplicationFactory(name="Skolplus Närvaro")
    action = factories.ActionFactory(
        kind=ActionKind.PHASE_OUT,
        service=second,
        finding_kind=FindingKind.DUPLICATE_CLUSTER,
        finding_ref="skolplus narvaro",
        planned_end=timezone.localdate() + datetime.timedelta(days=90),
    )
    typed = factories.ActionFactory(
        plan=action.plan,
        kind=ActionKind.REPLACE,
        service=first,
        replacement=second,
        finding_kind=FindingKind.STANDARDISATION,
        finding_ref="som vi kom överens om",
        planned_end=timezone.localdate() + datetime.timedelta(days=90),
    )
    assert action.pk not in _gone(action.plan)

    second.name = "Schemaläggning Nova"
    second.save()

    gone = _gone(action.plan)
    assert "dubblettkluster" in gone[action.pk]
    assert typed.pk not in gone  # a reference in no form the analyses give cannot be judged

"""The future state and the identity providers' evidence: the plan's own changes are what count.

Measured users and observed sign-on describe the register as it is today. Where a plan moves a
service behind single sign-on or moves a school's users to another service, the evidence of
today no longer describes that service or that school, so the analyses read the planned figures;
everywhere else they keep reading the evidence, exactly as today's analyses do.
"""

import datetime

import pytest

from discovery.choices import SignOnMode
from planning.choices import ActionKind
from planning.future import future_state, today_state
from planning.models import ActionSchool
from portfolio import evidence
from portfolio.choices import AuthenticationMethod
from portfolio.models import ServiceUsage
from tests import factories
from tests.discovery.evidence_data import discovered, measured

pytestmark = pytest.mark.django_db

HORIZON = datetime.date(2027, 12, 31)


def action(plan, kind, service, *, schools=(), **fields):
    made = factories.ActionFactory(plan=plan, kind=kind, service=service, planned_end=HORIZON, **fields)
    for school in schools:
        ActionSchool.objects.create(action=made, organisation=school)
    return made


@pytest.fixture
def plan():
    return factories.PlanFactory(horizon=HORIZON)


def test_a_service_moved_behind_sso_counts_as_behind_sso_though_today_its_sign_ins_are_vaulted(plan):
    school = factories.SchoolUnitFactory()
    vaulted = factories.ApplicationFactory(authentication=AuthenticationMethod.LOCAL, identity_provider="")
    ServiceUsage.objects.create(service=vaulted, organisation=school, users=40)
    discovered(vaulted, mode=SignOnMode.PASSWORD)
    action(plan, ActionKind.MOVE_BEHIND_SSO, vaulted)

    today, future = today_state(), future_state(plan)

    assert today.sso_coverage_by_users == 0
    assert future.sso_coverage_by_users == 1


def test_replacing_a_service_carries_its_measured_users_to_the_replacement(plan):
    first, second = factories.SchoolUnitFactory(), factories.SchoolUnitFactory()
    local = factories.ApplicationFactory(authentication=AuthenticationMethod.LOCAL, identity_provider="")
    federated = factories.ApplicationFactory()
    for school in (first, second):
        ServiceUsage.objects.create(service=local, organisation=school, users=10)  # typed long ago
        measured(local, school, 900)  # what the sign-in logs say
    ServiceUsage.objects.create(service=federated, organisation=first, users=100)
    action(plan, ActionKind.REPLACE, local, replacement=federated, schools=[first])

    today, future = today_state(), future_state(plan)

    assert today.sso.users == 1900
    assert today.sso_coverage_by_users == pytest.approx(100 / 1900)
    # The 900 people measured at the first school move with it (the 100 on the federated service
    # there already are among them); the second school's 900 stay.
    assert future.sso.users == 1800
    assert future.sso_coverage_by_users == pytest.approx(900 / 1800)


def test_evidence_set_aside_inside_the_future_state_is_back_afterwards(plan):
    school = factories.SchoolUnitFactory()
    local = factories.ApplicationFactory(authentication=AuthenticationMethod.LOCAL, identity_provider="")
    ServiceUsage.objects.create(service=local, organisation=school, users=10)
    measured(local, school, 900)
    discovered(local, mode=SignOnMode.PASSWORD)
    action(plan, ActionKind.MOVE_BEHIND_SSO, local)

    future_state(plan)

    assert evidence.observed_sso([local.pk])[local.pk].mode == SignOnMode.PASSWORD
    assert evidence.measured_users([local.pk])[(local.pk, school.pk)].users == 900


def test_set_aside_hides_only_the_named_services_and_schools():
    first, second = factories.SchoolUnitFactory(), factories.SchoolUnitFactory()
    service = factories.ApplicationFactory()
    measured(service, first, 30)
    measured(service, second, 70)
    discovered(service, mode=SignOnMode.SAML)

    with evidence.set_aside(users_at=[(service.pk, first.pk)]):
        assert set(evidence.measured_users([service.pk])) == {(service.pk, second.pk)}
        assert service.pk in evidence.observed_sso([service.pk])
        with evidence.set_aside(sso_of=[service.pk]):
            assert evidence.observed_sso([service.pk]) == {}
        assert service.pk in evidence.observed_sso([service.pk])

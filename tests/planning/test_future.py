"""The register as it will be: a plan's due actions applied in a transaction that is rolled back,
read by the same analyses as today's register."""

import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gdpr.models import Dpia, ProcessingActivityService
from planning.choices import ActionKind, ActionStatus
from planning.future import due_actions, future_state, register_with, today_state
from planning.models import ActionSchool
from portfolio.choices import AuthenticationMethod, IdentityProvider, LifecycleStatus
from portfolio.models import Contract, ContractService, Service, ServiceCapability, ServiceUsage
from tests import factories

pytestmark = pytest.mark.django_db

HORIZON = datetime.date(2027, 12, 31)


def used_by(service, *schools, users=100):
    for school in schools:
        ServiceUsage.objects.create(service=service, organisation=school, users=users)


def serving(capability, *services):
    for service in services:
        ServiceCapability.objects.create(service=service, capability=capability)


def action(plan, kind, service, *, schools=(), **fields):
    made = factories.ActionFactory(plan=plan, kind=kind, service=service, planned_end=HORIZON, **fields)
    for school in schools:
        ActionSchool.objects.create(action=made, organisation=school)
    return made


@pytest.fixture
def plan(horizon_plan):
    return horizon_plan


def every_row_count() -> dict[str, int]:
    """Rows of every table of the register, history tables included."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in {"portfolio", "gdpr", "planning", "stewardship"}
        and not model._meta.proxy
    }


def test_phasing_out_a_service_drops_it_from_its_capability_and_its_schools(plan, schools):
    capability = factories.CapabilityFactory(name="Närvaro")
    old, kept = factories.ApplicationFactory(), factories.ApplicationFactory()
    serving(capability, old, kept)
    used_by(old, *schools)
    used_by(kept, *schools)
    action(plan, ActionKind.PHASE_OUT, old)

    today, future = today_state(), future_state(plan)

    assert today.services_for(capability.pk) == 2
    assert future.services_for(capability.pk) == 1
    assert Service.objects.get(pk=old.pk).lifecycle_status == LifecycleStatus.IN_USE
    assert ServiceUsage.objects.filter(service=old).count() == 3


def test_phasing_out_at_some_schools_keeps_the_service_at_the_others(plan, schools):
    service = factories.ApplicationFactory(authentication=AuthenticationMethod.LOCAL, identity_provider="")
    used_by(service, *schools)
    action(plan, ActionKind.PHASE_OUT, service, schools=schools[:1])

    future = future_state(plan)

    assert future.sso.users == 200
    assert {g.label for g in future.sso_by_school} == {schools[1].name, schools[2].name}


def test_replacing_a_service_moves_its_users_to_the_replacement_at_the_affected_schools(plan, schools):
    local = factories.ApplicationFactory(authentication=AuthenticationMethod.LOCAL, identity_provider="")
    federated = factories.ApplicationFactory()
    used_by(local, *schools, users=300)
    used_by(federated, schools[0], users=100)
    action(plan, ActionKind.REPLACE, local, replacement=federated, schools=schools[:2])

    today, future = today_state(), future_state(plan)

    assert today.sso_coverage_by_users == pytest.approx(100 / 1000)
    # 600 users moved to the federated service (the first school's 100 on it already are among
    # its 300, so counted once); 300 stay outside at the third school.
    assert future.sso.users == 900
    assert future.sso_coverage_by_users == pytest.approx(600 / 900)


def test_replacing_a_service_everywhere_retires_it(plan, schools):
    old, new = factories.ApplicationFactory(), factories.ApplicationFactory()
    capability = factories.CapabilityFactory()
    serving(capability, old, new)
    used_by(old, *schools)
    action(plan, ActionKind.REPLACE, old, replacement=new)

    future = future_state(plan)

    assert future.services_for(capability.pk) == 1


def test_moving_behind_sso_and_joining_skolfederation_raise_coverage_and_federation_share(plan, schools):
    local = factories.ApplicationFactory(authentication=AuthenticationMethod.LOCAL, identity_provider="")
    vendor_login = factories.ApplicationFactory(identity_provider=IdentityProvider.VENDOR)
    used_by(local, schools[0])
    used_by(vendor_login, schools[1])
    action(plan, ActionKind.MOVE_BEHIND_SSO, local)
    action(plan, ActionKind.JOIN_SKOLFEDERATION, vendor_login)

    today, future = today_state(), future_state(plan)

    assert today.sso_coverage_by_users == 0
    assert future.sso_coverage_by_users == 1
    assert today.skolfederation_share == 0
    assert future.skolfederation_share == pytest.approx(0.5)


def test_a_processor_agreement_and_a_dpia_close_their_gdpr_gaps(plan, schools):
    vendor = factories.VendorFactory()
    service = factories.ApplicationFactory(vendor=vendor, processes_personal_data=True)
    used_by(service, schools[0])
    contract = factories.ContractFactory(vendor=vendor, dpa_signed_on=None)
    ContractService.objects.create(contract=contract, service=service)
    activity = factories.ProcessingActivityFactory(large_scale=True)  # pupils, large scale: DPIA required
    ProcessingActivityService.objects.create(processing_activity=activity, service=service)
    action(plan, ActionKind.PROCESSOR_AGREEMENT, service)
    action(plan, ActionKind.DPIA, service)

    today, future = today_state(), future_state(plan)

    codes_today = {g.code for g in today.gaps}
    codes_future = {g.code for g in future.gaps}
    assert "PROCESSOR_NO_DPA" in codes_today and "PROCESSOR_NO_DPA" not in codes_future
    assert "DPIA_REQUIRED_NOT_DONE" in codes_today and "DPIA_REQUIRED_NOT_DONE" not in codes_future
    # The planned DPIA counts as a complete one, so it opens no "inadequate DPIA" gap of its own.
    assert "DPIA_INADEQUATE" not in codes_future
    assert Contract.objects.get().dpa_signed_on is None
    assert not Dpia.objects.exists()


def test_consolidating_contracts_ends_all_but_one(plan):
    service = factories.ApplicationFactory()
    contracts = [factories.ContractFactory(vendor=service.vendor) for _ in range(3)]
    for contract in contracts:
        ContractService.objects.create(contract=contract, service=service)
    kept = contracts[1]
    action(plan, ActionKind.CONSOLIDATE_CONTRACTS, service, contract=kept)

    after_end = HORIZON + datetime.timedelta(days=1)

    with register_with(due_actions(plan, HORIZON)):
        in_force = set(Contract.objects.active(after_end).values_list("pk", flat=True))

    assert in_force == {kept.pk}
    assert Contract.objects.active(after_end).count() == 3


def test_stopped_actions_and_actions_due_later_are_not_applied(plan, schools):
    stopped, later, due = (factories.ApplicationFactory() for _ in range(3))
    for service in (stopped, later, due):
        used_by(service, schools[0])
    action(plan, ActionKind.PHASE_OUT, stopped, status=ActionStatus.STOPPED)
    factories.ActionFactory(plan=plan, kind=ActionKind.PHASE_OUT, service=later, planned_end=HORIZON)
    early = factories.ActionFactory(
        plan=plan, kind=ActionKind.PHASE_OUT, service=due, planned_end=datetime.date(2027, 3, 1)
    )

    halfway = future_state(plan, datetime.date(2027, 6, 30))

    assert halfway.applied_actions == [early.pk]
    assert halfway.sso.services == 2


def test_phasing_out_a_costed_service_lowers_the_yearly_cost(plan, schools):
    mo = factories.ManagementObjectFactory(name="Elevadministration")
    service = factories.ApplicationFactory(management_object=mo)
    used_by(service, schools[0])
    factories.CostFactory(application=service, year=2026, kind="utfall", amount=Decimal("80000"))
    action(plan, ActionKind.PHASE_OUT, service, yearly_cost_effect=Decimal("-80000"))

    today = today_state(datetime.date(2027, 1, 15))
    future = future_state(plan)

    assert today.yearly_cost == Decimal("80000")
    assert [(line.name, line.amount) for line in today.yearly_cost_by_management_object] == [
        ("Elevadministration", Decimal("80000"))
    ]
    assert future.yearly_cost == 0
    assert future.planned_yearly_cost_effect == Decimal("-80000")


def test_nothing_the_future_state_writes_survives_it(plan, schools):
    vendor = factories.VendorFactory()
    a, b = factories.ApplicationFactory(vendor=vendor), factories.ApplicationFactory(vendor=vendor)
    used_by(a, *schools)
    activity = factories.ProcessingActivityFactory()
    ProcessingActivityService.objects.create(processing_activity=activity, service=a)
    for kind in ActionKind.values:
        action(plan, kind, a, replacement=b if kind == ActionKind.REPLACE else None)
    before = every_row_count()
    service_before = Service.objects.values().get(pk=a.pk)

    future_state(plan)

    assert every_row_count() == before
    assert Service.objects.values().get(pk=a.pk) == service_before


def _plan_of(n: int, schools) -> object:
    plan = factories.PlanFactory(horizon=HORIZON)
    kinds = list(ActionKind.values)
    for i in range(n):
        kind = kinds[i % len(kinds)]
        a = factories.ApplicationFactory()
        used_by(a, schools[i % len(schools)])
        replacement = factories.ApplicationFactory() if kind == ActionKind.REPLACE else None
        action(plan, kind, a, replacement=replacement, schools=schools[:1] if i % 2 else ())
    return plan


def test_the_future_state_makes_as_many_queries_for_200_actions_as_for_20(schools):
    small, large = _plan_of(20, schools), _plan_of(200, schools)

    with CaptureQueriesContext(connection) as for_small:
        future_state(small)
    with CaptureQueriesContext(connection) as for_large:
        future_state(large)

    assert len(for_large) == len(for_small)


def test_the_yearly_cost_at_the_plans_end_reads_the_same_years_outcome_as_today(schools):
    """Years to come have no outcome yet: today's latest complete year is weighed at the plan's end
    too, so a plan that changes nothing changes no cost (the year before the end would be empty)."""
    from django.utils import timezone

    today = timezone.localdate()
    plan = factories.PlanFactory(horizon=today.replace(year=today.year + 2))
    service = factories.ApplicationFactory()
    used_by(service, schools[0])
    factories.CostFactory(application=service, year=today.year - 1, kind="utfall", amount=Decimal("80000"))
    factories.CostFactory(application=service, year=today.year, kind="utfall", amount=Decimal("1000"))

    now, then = today_state(), future_state(plan, include={"cost"})

    assert now.yearly_cost == then.yearly_cost == Decimal("80000")

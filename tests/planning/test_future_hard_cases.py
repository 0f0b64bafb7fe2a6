"""The register as it will be, on the cases a real municipality's plan contains: replacements at
some schools, services phased out and brought back, several actions on one service in an order
of dates, actions already done, and the GDPR and cost actions at their edges.

Each test reads the register inside the rolled-back transaction (``register_with``) or the
figures of ``future_state``; the register itself is never changed by them.
"""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from gdpr.models import Dpia, ProcessingActivityService
from planning.choices import ActionKind, ActionStatus
from planning.future import cost_year_at, due_actions, future_state, register_with, today_state
from planning.models import ActionSchool
from portfolio.choices import AuthenticationMethod, Federation, IdentityProvider, LifecycleStatus
from portfolio.models import Contract, ContractService, Service, ServiceUsage
from tests import factories

pytestmark = pytest.mark.django_db

HORIZON = datetime.date(2027, 12, 31)
SPRING = datetime.date(2027, 3, 31)
SUMMER = datetime.date(2027, 6, 30)


def used_by(service, *schools, users=100):
    for school in schools:
        ServiceUsage.objects.create(service=service, organisation=school, users=users)


def action(plan, kind, service, *, schools=(), end=HORIZON, **fields):
    made = factories.ActionFactory(plan=plan, kind=kind, service=service, planned_end=end, **fields)
    for school in schools:
        ActionSchool.objects.create(action=made, organisation=school)
    return made


def register_on(plan, on=HORIZON):
    """The register's facts the actions change, as they stand on ``on`` with the plan applied."""
    with register_with(due_actions(plan, on)):
        usage = {
            (service, school): users
            for service, school, users in ServiceUsage.objects.values_list(
                "service_id", "organisation_id", "users"
            )
        }
        services = {row["id"]: row for row in Service.objects.values()}
        contracts = {row["id"]: row for row in Contract.objects.values()}
        dpias = list(Dpia.objects.values("processing_activity_id", "completed_on", "dpo_opinion"))
    return usage, services, contracts, dpias


def users_of(usage, service):
    return {school: users for (pk, school), users in usage.items() if pk == service.pk}


@pytest.fixture
def plan(horizon_plan):
    return horizon_plan


# -- replace A by B ---------------------------------------------------------------------------


@pytest.mark.parametrize("status", [LifecycleStatus.PLANNED, LifecycleStatus.RETIRED])
def test_replacing_at_some_schools_by_a_service_not_in_use_puts_it_in_use_there_only(plan, schools, status):
    old = factories.ApplicationFactory()
    new = factories.ApplicationFactory(
        lifecycle_status=status,
        retired_on=datetime.date(2024, 6, 30) if status == LifecycleStatus.RETIRED else None,
    )
    used_by(old, *schools, users=200)
    action(plan, ActionKind.REPLACE, old, replacement=new, schools=schools[:1])

    usage, services, _contracts, _dpias = register_on(plan)

    assert users_of(usage, new) == {schools[0].pk: 200}
    assert users_of(usage, old) == {schools[1].pk: 200, schools[2].pk: 200}
    assert services[new.pk]["lifecycle_status"] == LifecycleStatus.IN_USE
    assert services[new.pk]["retired_on"] is None
    assert services[old.pk]["lifecycle_status"] == LifecycleStatus.IN_USE


def test_replacing_at_a_school_that_uses_both_counts_its_people_once(plan, schools):
    """The school's people on B are taken to be among those on A: B ends with the larger figure."""
    old, new = factories.ApplicationFactory(), factories.ApplicationFactory()
    used_by(old, schools[0], users=300)
    used_by(new, schools[0], users=100)
    used_by(new, schools[1], users=400)
    used_by(old, schools[1], users=250)
    action(plan, ActionKind.REPLACE, old, replacement=new)

    usage, _services, _contracts, _dpias = register_on(plan)

    assert users_of(usage, new) == {schools[0].pk: 300, schools[1].pk: 400}
    assert users_of(usage, old) == {}
    assert future_state(plan).sso.users == 700


def test_replacing_with_no_schools_moves_every_school_and_retires_the_replaced_service(plan, schools):
    old, new = factories.ApplicationFactory(), factories.ApplicationFactory()
    used_by(old, *schools, users=50)
    action(plan, ActionKind.REPLACE, old, replacement=new)

    usage, services, _contracts, _dpias = register_on(plan)

    assert users_of(usage, new) == {school.pk: 50 for school in schools}
    assert services[old.pk]["lifecycle_status"] == LifecycleStatus.RETIRED
    assert services[old.pk]["retired_on"] == HORIZON


def test_replacing_at_a_school_that_does_not_use_the_replaced_service_moves_nothing_there(plan, schools):
    old, new = factories.ApplicationFactory(), factories.ApplicationFactory()
    used_by(old, schools[0])
    action(plan, ActionKind.REPLACE, old, replacement=new, schools=schools[1:])

    usage, services, _contracts, _dpias = register_on(plan)

    assert users_of(usage, new) == {}
    assert users_of(usage, old) == {schools[0].pk: 100}
    assert services[old.pk]["lifecycle_status"] == LifecycleStatus.IN_USE


def test_replacing_at_every_school_that_uses_it_by_name_retires_the_replaced_service(plan, schools):
    old, new = factories.ApplicationFactory(), factories.ApplicationFactory()
    used_by(old, *schools[:2])
    action(plan, ActionKind.REPLACE, old, replacement=new, schools=schools)

    _usage, services, _c, _d = register_on(plan)

    assert services[old.pk]["lifecycle_status"] == LifecycleStatus.RETIRED


def test_a_service_cannot_be_replaced_by_itself(plan):
    service = factories.ApplicationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        action(plan, ActionKind.REPLACE, service, replacement=service)


# -- phase out --------------------------------------------------------------------------------


def test_phasing_out_at_some_schools_then_at_all_retires_the_service_at_the_second(plan, schools):
    service = factories.ApplicationFactory()
    used_by(service, *schools)
    action(plan, ActionKind.PHASE_OUT, service, schools=schools[:1], end=SPRING)
    action(plan, ActionKind.PHASE_OUT, service, end=HORIZON)

    usage, services, _c, _d = register_on(plan, SUMMER)
    assert users_of(usage, service) == {schools[1].pk: 100, schools[2].pk: 100}
    assert services[service.pk]["lifecycle_status"] == LifecycleStatus.IN_USE

    usage, services, _c, _d = register_on(plan, HORIZON)
    assert users_of(usage, service) == {}
    assert services[service.pk]["lifecycle_status"] == LifecycleStatus.RETIRED
    assert services[service.pk]["retired_on"] == HORIZON


def test_phasing_out_the_last_school_by_name_retires_the_service(plan, schools):
    service = factories.ApplicationFactory()
    used_by(service, schools[0])
    action(plan, ActionKind.PHASE_OUT, service, schools=schools[:1])

    _usage, services, _c, _d = register_on(plan)

    assert services[service.pk]["lifecycle_status"] == LifecycleStatus.RETIRED


def test_phasing_out_twice_keeps_the_first_retirement_date(plan, schools):
    service = factories.ApplicationFactory()
    used_by(service, *schools)
    action(plan, ActionKind.PHASE_OUT, service, end=SPRING)
    action(plan, ActionKind.PHASE_OUT, service, end=HORIZON)

    _usage, services, _c, _d = register_on(plan)

    assert services[service.pk]["lifecycle_status"] == LifecycleStatus.RETIRED
    assert services[service.pk]["retired_on"] == SPRING


def test_phasing_out_a_service_an_earlier_action_introduces_leaves_it_retired(plan, schools):
    service = factories.ApplicationFactory(lifecycle_status=LifecycleStatus.PLANNED)
    action(plan, ActionKind.INTRODUCE, service, schools=schools, end=SPRING)
    action(plan, ActionKind.PHASE_OUT, service, end=HORIZON)

    usage, services, _c, _d = register_on(plan)

    assert services[service.pk]["lifecycle_status"] == LifecycleStatus.RETIRED
    assert users_of(usage, service) == {}


def test_a_service_phased_out_and_introduced_again_later_is_in_use_at_the_end(plan, schools):
    """The plan's dates decide the order: what comes back after it went is there at the end."""
    service = factories.ApplicationFactory()
    used_by(service, schools[0])
    action(plan, ActionKind.PHASE_OUT, service, end=SPRING)
    action(plan, ActionKind.INTRODUCE, service, schools=schools[1:], end=HORIZON)

    usage, services, _c, _d = register_on(plan, SUMMER)
    assert services[service.pk]["lifecycle_status"] == LifecycleStatus.RETIRED

    usage, services, _c, _d = register_on(plan, HORIZON)
    assert services[service.pk]["lifecycle_status"] == LifecycleStatus.IN_USE
    assert set(users_of(usage, service)) == {schools[1].pk, schools[2].pk}


def test_a_service_phased_out_before_a_later_replacement_moves_schools_to_it_is_in_use_at_the_end(
    plan, schools
):
    old, target = factories.ApplicationFactory(), factories.ApplicationFactory()
    used_by(old, *schools)
    used_by(target, schools[0], users=10)
    action(plan, ActionKind.PHASE_OUT, target, end=SPRING)
    action(plan, ActionKind.REPLACE, old, replacement=target, end=HORIZON)

    usage, services, _c, _d = register_on(plan)

    assert services[target.pk]["lifecycle_status"] == LifecycleStatus.IN_USE
    assert users_of(usage, target) == {school.pk: 100 for school in schools}


def test_phasing_out_the_replacement_after_the_replacement_retires_it_with_its_users(plan, schools):
    old, target = factories.ApplicationFactory(), factories.ApplicationFactory()
    used_by(old, *schools)
    action(plan, ActionKind.REPLACE, old, replacement=target, end=SPRING)
    action(plan, ActionKind.PHASE_OUT, target, end=HORIZON)

    usage, services, _c, _d = register_on(plan)

    assert services[target.pk]["lifecycle_status"] == LifecycleStatus.RETIRED
    assert services[old.pk]["lifecycle_status"] == LifecycleStatus.RETIRED
    assert future_state(plan).sso.users == 0


def test_a_school_that_left_a_service_is_not_moved_by_a_later_replacement_of_it(plan, schools):
    old, new = factories.ApplicationFactory(), factories.ApplicationFactory()
    used_by(old, *schools)
    action(plan, ActionKind.PHASE_OUT, old, schools=schools[:1], end=SPRING)
    action(plan, ActionKind.REPLACE, old, replacement=new, end=HORIZON)

    usage, _services, _c, _d = register_on(plan)

    assert set(users_of(usage, new)) == {schools[1].pk, schools[2].pk}


def test_on_one_day_schools_move_before_the_replaced_service_is_phased_out(plan, schools):
    old, new = factories.ApplicationFactory(), factories.ApplicationFactory()
    used_by(old, *schools)
    action(plan, ActionKind.PHASE_OUT, old, end=SUMMER)
    action(plan, ActionKind.REPLACE, old, replacement=new, end=SUMMER)

    usage, services, _c, _d = register_on(plan)

    assert users_of(usage, new) == {school.pk: 100 for school in schools}
    assert services[old.pk]["lifecycle_status"] == LifecycleStatus.RETIRED


@pytest.mark.parametrize(("first", "second"), [("A→B", "B→C"), ("B→C", "A→B")])
def test_a_chain_of_replacements_follows_the_plan_s_dates(plan, schools, first, second):
    a, b, c = (factories.ApplicationFactory() for _ in range(3))
    used_by(a, schools[0], users=300)
    used_by(b, schools[1], users=200)
    steps = {"A→B": (a, b), "B→C": (b, c)}
    for label, end in ((first, SPRING), (second, HORIZON)):
        old, new = steps[label]
        action(plan, ActionKind.REPLACE, old, replacement=new, end=end)

    usage, services, _c, _d = register_on(plan)

    if first == "A→B":  # A's school moves to B in spring and on to C with B's own school
        assert users_of(usage, c) == {schools[0].pk: 300, schools[1].pk: 200}
        assert services[b.pk]["lifecycle_status"] == LifecycleStatus.RETIRED
    else:  # B's school moves to C in spring; A's school moves to B, which comes back, at the end
        assert users_of(usage, c) == {schools[1].pk: 200}
        assert users_of(usage, b) == {schools[0].pk: 300}
        assert services[b.pk]["lifecycle_status"] == LifecycleStatus.IN_USE


@pytest.mark.parametrize("sso_first", [True, False])
def test_moving_behind_sso_and_joining_skolfederation_end_federated_in_either_order(plan, schools, sso_first):
    service = factories.ApplicationFactory(authentication=AuthenticationMethod.LOCAL, identity_provider="")
    action(plan, ActionKind.MOVE_BEHIND_SSO, service, end=SPRING if sso_first else HORIZON)
    action(plan, ActionKind.JOIN_SKOLFEDERATION, service, end=HORIZON if sso_first else SPRING)

    _usage, services, _c, _d = register_on(plan)

    assert services[service.pk]["identity_provider"] == IdentityProvider.SKOLFEDERATION
    assert services[service.pk]["federation"] == Federation.SKOLFEDERATION


# -- dates and statuses -----------------------------------------------------------------------


def test_an_action_applies_on_its_planned_end_and_not_the_day_before(plan, schools):
    service = factories.ApplicationFactory()
    used_by(service, schools[0])
    made = action(plan, ActionKind.PHASE_OUT, service, end=SUMMER)

    assert future_state(plan, SUMMER).applied_actions == [made.pk]
    assert future_state(plan, SUMMER - datetime.timedelta(days=1)).applied_actions == []
    assert future_state(plan, SUMMER).sso.services == 0


def test_a_stopped_replacement_moves_nobody_even_when_due(plan, schools):
    old, new = factories.ApplicationFactory(), factories.ApplicationFactory()
    used_by(old, *schools)
    action(plan, ActionKind.REPLACE, old, replacement=new, end=SPRING, status=ActionStatus.STOPPED)

    usage, services, _c, _d = register_on(plan)

    assert users_of(usage, new) == {}
    assert services[new.pk]["lifecycle_status"] == LifecycleStatus.IN_USE
    assert future_state(plan).applied_actions == []


def test_a_done_replacement_already_in_the_register_moves_nobody_twice(plan, schools):
    old, new = factories.ApplicationFactory(), factories.ApplicationFactory()
    used_by(old, schools[1], schools[2], users=100)
    used_by(new, schools[0], users=300)  # school 0 moved already
    past = datetime.date(2026, 8, 15)
    action(plan, ActionKind.REPLACE, old, replacement=new, schools=schools[:1], end=past,
           status=ActionStatus.DONE, completed_on=past)

    usage, _services, _c, _d = register_on(plan)

    assert users_of(usage, new) == {schools[0].pk: 300}
    assert users_of(usage, old) == {schools[1].pk: 100, schools[2].pk: 100}


def test_a_done_replacement_half_recorded_counts_the_moved_school_once(plan, schools):
    """Someone added the school's users to B but left A's row: applying again keeps 300, not 600."""
    old, new = factories.ApplicationFactory(), factories.ApplicationFactory()
    used_by(old, schools[0], users=300)
    used_by(new, schools[0], users=300)
    past = datetime.date(2026, 8, 15)
    action(plan, ActionKind.REPLACE, old, replacement=new, end=past, status=ActionStatus.DONE,
           completed_on=past)

    usage, _services, _c, _d = register_on(plan)

    assert users_of(usage, new) == {schools[0].pk: 300}


def test_a_done_phase_out_keeps_the_day_the_service_was_really_retired(plan, schools):
    really = datetime.date(2026, 5, 2)
    service = factories.ApplicationFactory(lifecycle_status=LifecycleStatus.RETIRED, retired_on=really)
    action(plan, ActionKind.PHASE_OUT, service, end=datetime.date(2026, 5, 31), status=ActionStatus.DONE)

    _usage, services, _c, _d = register_on(plan)

    assert services[service.pk]["retired_on"] == really


# -- sign-on ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("authentication", "identity_provider"),
    [
        (AuthenticationMethod.SAML, IdentityProvider.VENDOR),
        (AuthenticationMethod.OIDC, IdentityProvider.NONE),
        (AuthenticationMethod.LOCAL, IdentityProvider.NONE),
        (AuthenticationMethod.LOCAL, ""),
    ],
)
def test_moving_behind_sso_a_service_without_a_trusted_identity_provider_counts_it_behind_sso(
    plan, schools, authentication, identity_provider
):
    service = factories.ApplicationFactory(authentication=authentication, identity_provider=identity_provider)
    used_by(service, schools[0])
    action(plan, ActionKind.MOVE_BEHIND_SSO, service)

    _usage, services, _c, _d = register_on(plan)

    assert today_state().sso_coverage_by_users == 0
    assert future_state(plan).sso_coverage_by_users == 1
    assert services[service.pk]["identity_provider"] == IdentityProvider.MUNICIPAL
    expected = authentication if authentication in AuthenticationMethod.single_sign_on() else "saml"
    assert services[service.pk]["authentication"] == expected


def test_moving_behind_sso_keeps_a_trusted_identity_provider(plan, schools):
    service = factories.ApplicationFactory(
        authentication=AuthenticationMethod.OIDC, identity_provider=IdentityProvider.ENTRA_ID
    )
    action(plan, ActionKind.MOVE_BEHIND_SSO, service)

    _usage, services, _c, _d = register_on(plan)

    assert services[service.pk]["identity_provider"] == IdentityProvider.ENTRA_ID
    assert services[service.pk]["authentication"] == AuthenticationMethod.OIDC


def test_joining_skolfederation_federates_a_learning_resource(plan, schools):
    resource = factories.LearningResourceFactory(
        authentication=AuthenticationMethod.LOCAL, identity_provider=""
    )
    other = factories.ApplicationFactory()
    used_by(resource, schools[0])
    used_by(other, schools[0])
    action(plan, ActionKind.JOIN_SKOLFEDERATION, resource)

    today, future = today_state(), future_state(plan)

    assert today.skolfederation_share == 0
    assert future.skolfederation_share == pytest.approx(0.5)
    assert future.sso_coverage_by_users == 1
    _usage, services, _c, _d = register_on(plan)
    assert services[resource.pk]["federation"] == Federation.SKOLFEDERATION


# -- GDPR actions -----------------------------------------------------------------------------


def processor(schools, *, contracts=0, **contract_fields):
    """A service processing pupils' data through a processing activity, with ``contracts`` contracts."""
    vendor = factories.VendorFactory()
    service = factories.ApplicationFactory(vendor=vendor)
    used_by(service, schools[0])
    activity = factories.ProcessingActivityFactory()
    ProcessingActivityService.objects.create(processing_activity=activity, service=service)
    made = []
    for _ in range(contracts):
        contract = factories.ContractFactory(vendor=vendor, dpa_signed_on=None, **contract_fields)
        ContractService.objects.create(contract=contract, service=service)
        made.append(contract)
    return service, made


def gap_codes(state):
    return {gap.code for gap in state.gaps}


def test_a_processor_agreement_is_signed_in_each_contract_of_the_service(plan, schools):
    service, contracts = processor(schools, contracts=2)
    action(plan, ActionKind.PROCESSOR_AGREEMENT, service)

    _usage, _services, in_future, _d = register_on(plan)

    assert {in_future[c.pk]["dpa_signed_on"] for c in contracts} == {HORIZON}
    assert "PROCESSOR_NO_DPA" in gap_codes(today_state())
    assert "PROCESSOR_NO_DPA" not in gap_codes(future_state(plan))


def test_a_processor_agreement_for_a_service_without_contract_closes_the_gap(plan, schools):
    service, _none = processor(schools, contracts=0)
    action(plan, ActionKind.PROCESSOR_AGREEMENT, service)

    assert "PROCESSOR_NO_DPA" in gap_codes(today_state())
    assert "PROCESSOR_NO_DPA" not in gap_codes(future_state(plan))
    assert not Contract.objects.exists()


def test_a_processor_agreement_for_a_service_whose_contract_has_expired_closes_the_gap(plan, schools):
    """An agreement is not signed in an ended contract: it is a contract of its own with the vendor."""
    service, (expired,) = processor(
        schools, contracts=1, starts_on=datetime.date(2020, 1, 1), ends_on=datetime.date(2025, 12, 31)
    )
    action(plan, ActionKind.PROCESSOR_AGREEMENT, service)

    _usage, _services, in_future, _d = register_on(plan)

    assert "PROCESSOR_NO_DPA" in gap_codes(today_state())
    assert "PROCESSOR_NO_DPA" not in gap_codes(future_state(plan))
    assert in_future[expired.pk]["dpa_signed_on"] is None
    assert Contract.objects.get().dpa_signed_on is None


def test_a_processor_agreement_keeps_the_day_an_agreement_was_really_signed(plan, schools):
    service, (contract,) = processor(schools, contracts=1)
    really = datetime.date(2026, 9, 1)
    Contract.objects.filter(pk=contract.pk).update(dpa_signed_on=really)
    action(plan, ActionKind.PROCESSOR_AGREEMENT, service, status=ActionStatus.DONE,
           end=datetime.date(2026, 10, 1))

    _usage, _services, in_future, _d = register_on(plan)

    assert in_future[contract.pk]["dpa_signed_on"] == really


def test_consolidating_a_single_contract_changes_nothing(plan):
    service = factories.ApplicationFactory()
    contract = factories.ContractFactory(vendor=service.vendor)
    ContractService.objects.create(contract=contract, service=service)
    action(plan, ActionKind.CONSOLIDATE_CONTRACTS, service)

    _usage, _services, in_future, _d = register_on(plan)

    assert in_future[contract.pk]["ends_on"] == contract.ends_on


def test_a_dpia_covers_each_processing_activity_of_the_service(plan, schools):
    service = factories.ApplicationFactory()
    used_by(service, schools[0])
    activities = [factories.ProcessingActivityFactory(large_scale=True) for _ in range(2)]
    for activity in activities:
        ProcessingActivityService.objects.create(processing_activity=activity, service=service)
    action(plan, ActionKind.DPIA, service)

    _usage, _services, _c, dpias = register_on(plan)

    assert sorted(d["processing_activity_id"] for d in dpias) == sorted(a.pk for a in activities)
    today = [g for g in today_state().gaps if g.code == "DPIA_REQUIRED_NOT_DONE"]
    assert len(today) == 2
    assert "DPIA_REQUIRED_NOT_DONE" not in gap_codes(future_state(plan))


def test_a_dpia_for_a_service_in_no_processing_activity_changes_nothing(plan, schools):
    service = factories.ApplicationFactory()
    used_by(service, schools[0])
    action(plan, ActionKind.DPIA, service)

    _usage, _services, _c, dpias = register_on(plan)

    assert dpias == []
    assert gap_codes(future_state(plan)) == gap_codes(today_state())


def test_a_done_dpia_does_not_hide_the_shortcomings_of_the_one_really_made(plan, schools):
    """The DPIA the action produced is in the register; the plan does not add a perfect one."""
    service = factories.ApplicationFactory()
    used_by(service, schools[0])
    activity = factories.ProcessingActivityFactory(large_scale=True)
    ProcessingActivityService.objects.create(processing_activity=activity, service=service)
    factories.DpiaFactory(
        processing_activity=activity, completed_on=datetime.date(2026, 9, 1), dpo_opinion=""
    )
    action(plan, ActionKind.DPIA, service, status=ActionStatus.DONE, end=datetime.date(2026, 10, 1),
           completed_on=datetime.date(2026, 9, 1))

    assert "DPIA_INADEQUATE" in gap_codes(today_state())
    assert "DPIA_INADEQUATE" in gap_codes(future_state(plan))


def test_a_planned_dpia_redoes_an_inadequate_one(plan, schools):
    service = factories.ApplicationFactory()
    used_by(service, schools[0])
    activity = factories.ProcessingActivityFactory(large_scale=True)
    ProcessingActivityService.objects.create(processing_activity=activity, service=service)
    factories.DpiaFactory(processing_activity=activity, dpo_opinion="")
    action(plan, ActionKind.DPIA, service)

    assert "DPIA_INADEQUATE" in gap_codes(today_state())
    assert "DPIA_INADEQUATE" not in gap_codes(future_state(plan))


# -- costs ------------------------------------------------------------------------------------


def costed(mo, amount, *schools):
    service = factories.ApplicationFactory(management_object=mo)
    used_by(service, *schools)
    # The year whose outcome a state at the plan's end reads (today's latest complete year).
    factories.CostFactory(
        application=service, year=cost_year_at(HORIZON), kind="utfall", amount=Decimal(amount)
    )
    return service


def cost_lines(state):
    return {line.name: line.amount for line in state.yearly_cost_by_management_object}


def test_phasing_out_removes_the_cost_from_the_total_and_its_management_object_line(plan, schools):
    admin = factories.ManagementObjectFactory(name="Elevadministration")
    learning = factories.ManagementObjectFactory(name="Lärplattform")
    going = costed(admin, "80000", schools[0])
    costed(admin, "20000", schools[0])
    only = costed(learning, "50000", schools[1])
    action(plan, ActionKind.PHASE_OUT, going)
    action(plan, ActionKind.PHASE_OUT, only)

    today, future = today_state(), future_state(plan)

    assert today.yearly_cost == Decimal("150000")
    assert cost_lines(today) == {"Elevadministration": Decimal("100000"), "Lärplattform": Decimal("50000")}
    assert future.yearly_cost == Decimal("20000")
    assert cost_lines(future) == {"Elevadministration": Decimal("20000")}


def test_phasing_out_at_some_schools_keeps_the_cost(plan, schools):
    mo = factories.ManagementObjectFactory()
    service = costed(mo, "80000", *schools)
    action(plan, ActionKind.PHASE_OUT, service, schools=schools[:2])

    assert future_state(plan).yearly_cost == Decimal("80000")


def test_a_replacement_moves_no_cost_to_the_replacing_service(plan, schools):
    old_mo = factories.ManagementObjectFactory(name="Gammalt")
    new_mo = factories.ManagementObjectFactory(name="Nytt")
    old = costed(old_mo, "60000", *schools)
    new = costed(new_mo, "90000", schools[0])
    action(plan, ActionKind.REPLACE, old, replacement=new, schools=schools[:2], end=SPRING)

    halfway = future_state(plan, SUMMER)
    assert cost_lines(halfway) == {"Nytt": Decimal("90000"), "Gammalt": Decimal("60000")}

    action(plan, ActionKind.REPLACE, old, replacement=new, end=HORIZON)
    at_end = future_state(plan)
    # The replaced service is retired once no school uses it: its cost goes, none is added to B.
    assert cost_lines(at_end) == {"Nytt": Decimal("90000")}


def test_the_planned_cost_effect_sums_only_the_actions_applied(plan, schools):
    services = [factories.ApplicationFactory() for _ in range(4)]
    action(plan, ActionKind.PHASE_OUT, services[0], end=SPRING, yearly_cost_effect=Decimal("-10000"))
    action(plan, ActionKind.PHASE_OUT, services[1], end=SUMMER, yearly_cost_effect=Decimal("-20000"))
    action(plan, ActionKind.INTRODUCE, services[2], end=HORIZON, yearly_cost_effect=Decimal("5000"))
    action(plan, ActionKind.PHASE_OUT, services[3], end=SPRING, yearly_cost_effect=Decimal("-40000"),
           status=ActionStatus.STOPPED)

    assert future_state(plan, SPRING).planned_yearly_cost_effect == Decimal("-10000")
    assert future_state(plan, SUMMER).planned_yearly_cost_effect == Decimal("-30000")
    assert future_state(plan).planned_yearly_cost_effect == Decimal("-25000")
    assert today_state().planned_yearly_cost_effect == 0


# -- services with no registered use, and use only the identity provider saw -------------------


def test_phasing_out_at_a_school_a_service_with_no_registered_use_keeps_it_in_use(plan, schools):
    """A central system nobody registered per school is not retired by leaving one school."""
    service = factories.ApplicationFactory()
    action(plan, ActionKind.PHASE_OUT, service, schools=schools[:1])

    _usage, services, _c, _d = register_on(plan)

    assert services[service.pk]["lifecycle_status"] == LifecycleStatus.IN_USE


def test_replacing_at_a_school_a_service_with_no_registered_use_keeps_it_in_use(plan, schools):
    old, new = factories.ApplicationFactory(), factories.ApplicationFactory()
    action(plan, ActionKind.REPLACE, old, replacement=new, schools=schools[:1])

    _usage, services, _c, _d = register_on(plan)

    assert services[old.pk]["lifecycle_status"] == LifecycleStatus.IN_USE


def test_a_replacement_moves_the_users_an_identity_provider_saw_at_an_unregistered_school(plan, schools):
    from tests.discovery.evidence_data import measured

    local = factories.ApplicationFactory(authentication=AuthenticationMethod.LOCAL, identity_provider="")
    federated = factories.ApplicationFactory()
    used_by(local, schools[0], users=100)
    measured(local, schools[1], 40)  # seen signing in, never registered
    action(plan, ActionKind.REPLACE, local, replacement=federated)

    today, future = today_state(), future_state(plan)

    assert today.sso.users == 140
    assert future.sso.users == 140
    assert future.sso_coverage_by_users == 1
    assert not ServiceUsage.objects.filter(service=federated).exists()


def test_phasing_out_at_a_school_ends_the_use_an_identity_provider_saw_there(plan, schools):
    from tests.discovery.evidence_data import measured

    service = factories.ApplicationFactory()
    used_by(service, schools[0], users=100)
    measured(service, schools[1], 40)
    action(plan, ActionKind.PHASE_OUT, service, schools=schools[1:2])

    assert today_state().sso.users == 140
    assert future_state(plan).sso.users == 100
    assert {g.label for g in future_state(plan).sso_by_school} == {schools[0].name}


# -- more GDPR and register edges -------------------------------------------------------------


def test_a_processor_agreement_is_signed_with_the_service_s_vendor_not_in_its_other_contracts(plan, schools):
    """The vendor has two contracts and one covers the service; a reseller's contract covers it
    too. The agreement is with the processor — the service's vendor — in the contract covering it."""
    service, (covering,) = processor(schools, contracts=1)
    unrelated = factories.ContractFactory(vendor=service.vendor, dpa_signed_on=None)
    reseller = factories.ContractFactory(dpa_signed_on=None)
    ContractService.objects.create(contract=reseller, service=service)
    action(plan, ActionKind.PROCESSOR_AGREEMENT, service)

    _usage, _services, in_future, _d = register_on(plan)

    assert in_future[covering.pk]["dpa_signed_on"] == HORIZON
    assert in_future[unrelated.pk]["dpa_signed_on"] is None
    assert in_future[reseller.pk]["dpa_signed_on"] is None
    assert "PROCESSOR_NO_DPA" not in gap_codes(future_state(plan))


def test_a_processor_agreement_for_a_service_bought_only_through_a_reseller_closes_the_gap(plan, schools):
    service, _none = processor(schools, contracts=0)
    reseller = factories.ContractFactory(dpa_signed_on=None)
    ContractService.objects.create(contract=reseller, service=service)
    action(plan, ActionKind.PROCESSOR_AGREEMENT, service)

    assert "PROCESSOR_NO_DPA" in gap_codes(today_state())
    assert "PROCESSOR_NO_DPA" not in gap_codes(future_state(plan))


def test_introducing_a_service_deleted_since_the_action_was_planned_applies_nothing(plan, schools):
    """A merge of two registrations deletes one; an action on it keeps no service (SET_NULL)."""
    service = factories.ApplicationFactory()
    made = action(plan, ActionKind.INTRODUCE, service, schools=schools)
    Service.objects.filter(pk=service.pk).delete()

    future = future_state(plan)

    assert future.applied_actions == [made.pk]
    assert future.sso.users == 0


def test_a_planned_gap_fix_closes_the_gap_it_names_from_its_end_and_no_other():
    from gdpr.gaps import find_gaps

    plan = factories.PlanFactory(horizon=HORIZON)
    fixed = factories.ProcessingActivityFactory(name="Elevhälsa", legal_basis="")
    other = factories.ProcessingActivityFactory(name="Närvaro", legal_basis="")
    [gap] = [g for g in find_gaps() if g.target_id == fixed.pk and g.code == "NO_LEGAL_BASIS"]
    factories.ActionFactory(
        plan=plan, kind=ActionKind.FIX_GDPR_GAP, service=None, planned_end=datetime.date(2027, 6, 30),
        finding_kind="gdpr_gap", finding_ref=f"NO_LEGAL_BASIS:processing_activity:{fixed.pk}",
    )

    def open_on(day):
        gaps = future_state(plan, day, include={"gaps"}).gaps
        return {(g.code, g.target_id) for g in gaps if g.code == "NO_LEGAL_BASIS"}

    assert open_on(datetime.date(2027, 6, 29)) == {("NO_LEGAL_BASIS", fixed.pk), ("NO_LEGAL_BASIS", other.pk)}
    assert open_on(HORIZON) == {("NO_LEGAL_BASIS", other.pk)}
    assert gap.code == "NO_LEGAL_BASIS"


def test_the_map_at_a_plan_date_keeps_a_service_the_plan_retired_before_today_marked_retired():
    from django.utils import timezone

    from planning.diagrams import service_facts_at

    today = timezone.localdate()
    plan = factories.PlanFactory(horizon=today + datetime.timedelta(days=365))
    gone = factories.ApplicationFactory(name="Gamla schemat")
    factories.ActionFactory(
        plan=plan, kind=ActionKind.PHASE_OUT, service=gone, status=ActionStatus.DONE,
        planned_end=today - datetime.timedelta(days=60), completed_on=today - datetime.timedelta(days=60),
    )
    gone.lifecycle_status, gone.retired_on = LifecycleStatus.RETIRED, today - datetime.timedelta(days=60)
    gone.save()
    unrelated = factories.ApplicationFactory(
        name="Avvecklad för länge sen", lifecycle_status=LifecycleStatus.RETIRED,
        retired_on=today - datetime.timedelta(days=400),
    )

    facts = {f.pk: f.lifecycle_status for f in service_facts_at(plan, plan.horizon, "lifecycle")}

    assert facts.get(gone.pk) == LifecycleStatus.RETIRED
    assert unrelated.pk not in facts

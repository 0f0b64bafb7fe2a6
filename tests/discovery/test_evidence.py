"""portfolio.evidence and its discovery provider: measured users, observed SSO and the findings."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from discovery.choices import Decision, Directory, MatchState, SignOnMode
from discovery.evidence import (
    PROVIDER,
    contradictions,
    discovery_summary,
    dormant_services,
    seat_surplus,
)
from discovery.models import DiscoveredApplication
from portfolio import evidence
from portfolio.choices import AuthenticationMethod, IdentityProvider, LifecycleStatus
from portfolio.models import ContractService, ServiceUsage
from tests import factories as f

from .evidence_data import NOVEMBER, OCTOBER, discovered, measured, sign_in_import

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 5)


@pytest.fixture
def no_provider():
    evidence.unregister_provider(PROVIDER)
    yield
    evidence.register_provider(PROVIDER)


def test_the_discovery_provider_is_plugged_in_by_the_app():
    assert PROVIDER in evidence.providers()
    evidence.register_provider(PROVIDER)
    assert evidence.providers().count(PROVIDER) == 1


def test_measured_users_take_the_latest_period_and_sum_the_user_groups():
    school = f.SchoolUnitFactory()
    service = f.ApplicationFactory()
    measured(service, school, 50, period=OCTOBER)
    measured(service, school, 300, group="elever")
    measured(service, school, 40, group="personal")

    figure = evidence.measured_users([service.pk])[(service.pk, school.pk)]

    assert (figure.users, figure.pupils) == (340, 300)
    assert (figure.period_start, figure.period_end) == NOVEMBER
    assert figure.source == "Entra ID"


def test_measured_users_add_the_directories_pupils_and_staff_sign_in_through():
    school = f.SchoolUnitFactory()
    service = f.ApplicationFactory()
    measured(service, school, 300, group="elever", directory=Directory.GOOGLE_OAUTH)
    measured(service, school, 40, group="personal", directory=Directory.ENTRA)

    figure = evidence.measured_users()[(service.pk, school.pk)]

    assert figure.users == 340
    assert figure.source == "Entra ID, Google Workspace"


def test_usage_of_an_application_later_decided_to_be_the_service_counts_for_it():
    school = f.SchoolUnitFactory()
    service = f.ApplicationFactory()
    app = discovered(service, decision=Decision.IS_SERVICE)
    measured(None, school, 120, application=app)
    ignored = discovered(f.ApplicationFactory(), decision=Decision.NOT_A_SERVICE)
    measured(None, school, 999, application=ignored)

    assert {k: v.users for k, v in evidence.measured_users().items()} == {(service.pk, school.pk): 120}


def test_effective_users_prefer_the_measured_figure_and_mark_the_declared_one():
    first, second = f.SchoolUnitFactory(), f.SchoolUnitFactory()
    service = f.ApplicationFactory()
    measured_row = ServiceUsage.objects.create(service=service, organisation=first, users=10)
    declared_row = ServiceUsage.objects.create(service=service, organisation=second, users=25)
    measured(service, first, 900)

    result = evidence.effective_users(ServiceUsage.objects.all())

    assert result == {measured_row.pk: (900, True), declared_row.pk: (25, False)}
    assert result[declared_row.pk].measured is False


def test_with_no_provider_everything_is_declared_and_nothing_is_asked(no_provider, django_assert_num_queries):
    school = f.SchoolUnitFactory()
    service = f.ApplicationFactory()
    row = ServiceUsage.objects.create(service=service, organisation=school, users=10)
    measured(service, school, 900)
    discovered(service)
    rows = list(ServiceUsage.objects.all())

    with django_assert_num_queries(0):
        assert evidence.measured_users() == {}
        assert evidence.observed_sso() == {}
        assert evidence.effective_users(rows) == {row.pk: (10, False)}


def test_observed_sso_prefers_federation_and_labels_password_vaulting():
    school = f.SchoolUnitFactory()
    saml, vaulted = f.ApplicationFactory(), f.ApplicationFactory()
    discovered(saml, mode=SignOnMode.PASSWORD, name="Old")
    discovered(saml, mode=SignOnMode.SAML, name="New", last_seen=datetime.date(2026, 11, 28))
    discovered(vaulted, mode=SignOnMode.PASSWORD, name="Vault")
    measured(saml, school, 800, sign_ins=3200)
    unknown = f.ApplicationFactory()
    discovered(unknown, mode=SignOnMode.UNKNOWN, name="Only in the logs")

    observed = evidence.observed_sso()

    assert set(observed) == {saml.pk, vaulted.pk}
    assert observed[saml.pk].federated and observed[saml.pk].mode == "saml"
    assert (observed[saml.pk].sign_ins, observed[saml.pk].observed_at) == (3200, datetime.date(2026, 11, 28))
    assert not observed[vaulted.pk].federated and observed[vaulted.pk].is_password_vaulting


def test_a_local_accounts_service_with_saml_sign_ins_is_a_contradiction_naming_the_figure():
    school = f.SchoolUnitFactory()
    service = f.ApplicationFactory(
        name="Kahoot Skola",
        authentication=AuthenticationMethod.LOCAL,
        identity_provider=IdentityProvider.VENDOR,
    )
    discovered(service, mode=SignOnMode.SAML)
    measured(service, school, 800, sign_ins=3200)
    f.ApplicationFactory()  # behind SSO, no evidence: nothing to say

    (finding,) = contradictions()

    assert finding.service_id == service.pk and not finding.declared_sso
    assert finding.explanation == (
        "Kahoot Skola är registrerad med lokala konton, "
        "men 3\u00a0200 SAML-inloggningar via Entra ID i november."
    )


def test_a_service_registered_behind_sso_but_password_vaulted_is_a_contradiction():
    service = f.ApplicationFactory(name="Närvaro")
    discovered(service, mode=SignOnMode.PASSWORD)
    agreeing = f.ApplicationFactory()
    discovered(agreeing, mode=SignOnMode.OIDC)

    (finding,) = contradictions()

    assert finding.service_id == service.pk and finding.observed_mode == "password"
    assert "lösenordsvalv, som inte är federation" in finding.explanation


def test_a_service_in_use_without_sign_ins_for_90_days_is_dormant_with_its_contract_value():
    school = f.SchoolUnitFactory()
    sign_in_import(Directory.ENTRA, NOVEMBER)
    used, dormant, unknown_to_idp = (
        f.ApplicationFactory(),
        f.ApplicationFactory(name="Glömd"),
        f.ApplicationFactory(),
    )
    retired = f.ApplicationFactory(lifecycle_status=LifecycleStatus.RETIRED)
    discovered(used)
    measured(used, school, 30)
    discovered(dormant, last_seen=datetime.date(2026, 6, 1))
    discovered(retired)
    contract = f.ContractFactory(annual_value=Decimal("48000"))
    ContractService.objects.create(contract=contract, service=dormant)

    (finding,) = dormant_services(today=TODAY)

    assert finding.service_id == dormant.pk and finding.last_sign_in == datetime.date(2026, 6, 1)
    assert finding.contract_value == Decimal("48000")
    assert "48\u00a0000\u00a0kr" in finding.explanation
    assert unknown_to_idp.pk != finding.service_id


def test_no_service_is_dormant_when_no_sign_in_logs_cover_the_last_90_days():
    sign_in_import(Directory.ENTRA, (datetime.date(2026, 3, 1), datetime.date(2026, 3, 31)))
    discovered(f.ApplicationFactory())

    assert dormant_services(today=TODAY) == []


def test_a_contract_paying_for_far_more_seats_than_measured_users_is_a_surplus_in_kronor():
    school = f.SchoolUnitFactory()
    service = f.LearningResourceFactory(name="Läromedel X")
    contract = f.ContractFactory(name="Läromedel X 2026", licensed_seats=1000, annual_value=Decimal("200000"))
    ContractService.objects.create(contract=contract, service=service)
    measured(service, school, 550, group="elever")
    measured(service, school, 50, group="personal")
    tight = f.ApplicationFactory()
    close = f.ContractFactory(licensed_seats=100, annual_value=Decimal("1000"))
    ContractService.objects.create(contract=close, service=tight)
    measured(tight, school, 90)
    unmeasured = f.ContractFactory(licensed_seats=500)
    ContractService.objects.create(contract=unmeasured, service=f.ApplicationFactory())

    (finding,) = seat_surplus(today=TODAY)

    assert (finding.seats, finding.measured_users, finding.unused_seats) == (1000, 600, 400)
    assert finding.unused_value == Decimal("80000")
    assert "80\u00a0000\u00a0kr" in finding.explanation and "i november" in finding.explanation


def test_the_summary_counts_what_became_of_the_discovered_applications():
    service = f.ApplicationFactory(authentication=AuthenticationMethod.LOCAL)
    discovered(service, mode=SignOnMode.SAML)
    measured(service, f.SchoolUnitFactory(), 10)
    discovered(None, name="Skugg", match=MatchState.UNMATCHED)
    discovered(None, name="Kanske", match=MatchState.SUGGESTED)
    discovered(None, name="Teams", decision=Decision.NOT_A_SERVICE)
    DiscoveredApplication.objects.create(
        directory=Directory.ENTRA, key="graph", name="Graph", first_party=True
    )

    summary = discovery_summary(today=TODAY)

    assert (summary.discovered, summary.matched, summary.suggested, summary.unmatched) == (5, 1, 1, 1)
    assert summary.first_party == 1
    assert (summary.not_a_service, summary.contradictions, summary.dormant) == (1, 1, 0)


def _register(size: int) -> None:
    sign_in_import(Directory.ENTRA, NOVEMBER)
    schools = [f.SchoolUnitFactory() for _ in range(2)]
    for index in range(size):
        service = f.ApplicationFactory(authentication=AuthenticationMethod.LOCAL if index % 2 else "saml")
        discovered(service, mode=SignOnMode.SAML if index % 3 else SignOnMode.PASSWORD)
        for school in schools:
            ServiceUsage.objects.create(service=service, organisation=school, users=5)
            if index % 4:
                measured(service, school, 20 + index)
        contract = f.ContractFactory(licensed_seats=500, annual_value=Decimal("1000"))
        ContractService.objects.create(contract=contract, service=service)


@pytest.mark.parametrize("size", [3, 12])
def test_evidence_and_findings_make_the_same_number_of_queries_at_any_size(
    size, django_assert_max_num_queries
):
    _register(size)
    usages = list(ServiceUsage.objects.all())

    with django_assert_max_num_queries(1):
        evidence.measured_users()
    with django_assert_max_num_queries(2):
        evidence.observed_sso()
    with django_assert_max_num_queries(1):
        evidence.effective_users(usages)
    with django_assert_max_num_queries(3):
        assert contradictions()
    with django_assert_max_num_queries(4):
        dormant_services(today=TODAY)
    with django_assert_max_num_queries(2):
        assert seat_surplus(today=TODAY)
    with django_assert_max_num_queries(9):
        discovery_summary(today=TODAY)


def test_licensed_seats_are_edited_on_the_contract_form_with_history():
    from portfolio.forms import ContractForm
    from portfolio.services import save_form

    user = f.UserFactory()
    contract = f.ContractFactory()
    form = ContractForm(
        data={
            "name": contract.name, "vendor": contract.vendor_id, "notice_months": 3,
            "annual_value": "200000", "licensed_seats": "1000",
        },
        instance=contract,
    )  # fmt: skip
    assert form.is_valid(), form.errors
    save_form(form, user=user, expected_version=contract.version)

    contract.refresh_from_db()
    assert contract.licensed_seats == 1000
    assert contract.history.first().history_user == user


def test_the_stored_analyses_see_a_new_import_of_sign_ins_as_a_new_state():
    from stewardship.analyses import register_fingerprint

    service = f.ApplicationFactory()
    before = register_fingerprint()
    measured(service, f.SchoolUnitFactory(), 900)
    assert register_fingerprint() != before

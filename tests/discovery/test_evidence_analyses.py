"""The analyses use measured use and observed sign-on where an identity provider gives them."""

from __future__ import annotations

import datetime

import pytest

from discovery.choices import SignOnMode
from discovery.evidence import PROVIDER
from portfolio import evidence
from portfolio.analysis import standardisation_report
from portfolio.analysis.completeness import application_completeness
from portfolio.analysis.equity import equity_matrix
from portfolio.analysis.sso import sso_coverage
from portfolio.choices import AuthenticationMethod, SchoolForm
from portfolio.models import ServiceCapability, ServiceUsage
from tests import factories as f

from .evidence_data import discovered, measured

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 12, 5)


@pytest.fixture
def declared_10_measured_900():
    """Two scheduling systems: A declared 100 users, B declared 10 but measured at 900."""
    capability = f.CapabilityFactory(name="Schemaläggning")
    school = f.SchoolUnitFactory(name="Norra")
    first = f.ApplicationFactory(name="Alfa Schema")
    second = f.ApplicationFactory(name="Beta Schema")
    for service, users in ((first, 100), (second, 10)):
        ServiceCapability.objects.create(service=service, capability=capability)
        ServiceUsage.objects.create(service=service, organisation=school, users=users)
    measured(second, school, 900)
    return first, second


@pytest.fixture
def no_provider():
    evidence.unregister_provider(PROVIDER)
    yield
    evidence.register_provider(PROVIDER)


def test_keep_the_most_used_ranks_by_the_measured_figure(declared_10_measured_900):
    first, second = declared_10_measured_900

    [candidate] = standardisation_report(today=TODAY).candidates

    assert candidate.keep.service_id == second.pk and candidate.keep.accounts == 900
    assert candidate.keep.accounts_measured and not candidate.phase_out[0].accounts_measured
    assert candidate.accounts_basis == "delvis uppmätt"


def test_without_evidence_the_declared_figures_rank_as_before(declared_10_measured_900, no_provider):
    first, _second = declared_10_measured_900

    [candidate] = standardisation_report(today=TODAY).candidates

    assert candidate.keep.service_id == first.pk and candidate.keep.accounts == 100
    assert candidate.accounts_basis == "angiven"


def test_sso_coverage_counts_measured_users_and_observed_sign_on():
    school = f.SchoolUnitFactory()
    local = f.ApplicationFactory(
        name="Kahoot", authentication=AuthenticationMethod.LOCAL, identity_provider=""
    )
    vaulted = f.ApplicationFactory(name="Närvaro")  # registered behind SSO
    ServiceUsage.objects.create(service=local, organisation=school, users=10)
    ServiceUsage.objects.create(service=vaulted, organisation=school, users=50)
    discovered(local, mode=SignOnMode.SAML)
    measured(local, school, 900)
    discovered(vaulted, mode=SignOnMode.PASSWORD)

    coverage = sso_coverage()

    assert (coverage.users, coverage.users_behind_sso, coverage.measured_users) == (950, 900, 900)
    assert (coverage.services_behind_sso, coverage.services_sso_observed) == (1, 2)
    assert (coverage.users_basis, coverage.sso_basis) == ("delvis uppmätt", "uppmätt")
    [outside] = coverage.outside_sso
    assert outside.service_id == vaulted.pk and outside.sso_source == "Entra ID"
    assert "lösenordsvalv via Entra ID" in outside.explanation
    assert outside.users_basis == "angiven"


def test_sso_coverage_without_evidence_says_every_figure_is_declared(no_provider):
    school = f.SchoolUnitFactory()
    service = f.ApplicationFactory(authentication=AuthenticationMethod.LOCAL, identity_provider="")
    ServiceUsage.objects.create(service=service, organisation=school, users=10)
    measured(service, school, 900)

    coverage = sso_coverage()

    assert (coverage.users, coverage.measured_users, coverage.users_basis) == (10, 0, "angiven")
    assert coverage.sso_basis == "angiven"


def test_a_school_measured_using_a_service_has_it_in_the_equity_matrix():
    capability = f.CapabilityFactory(name="Lärplattform")
    board = f.BoardFactory()
    schools = [f.SchoolUnitFactory(parent=board, school_form=SchoolForm.COMPULSORY) for _ in range(3)]
    service = f.ApplicationFactory()
    ServiceCapability.objects.create(service=service, capability=capability)
    for school in schools[:2]:
        ServiceUsage.objects.create(service=service, organisation=school, users=5)
    measured(service, schools[2], 40)

    assert not [x for x in equity_matrix().findings if x.school == schools[2].name]
    evidence.unregister_provider(PROVIDER)
    try:
        declared_only = equity_matrix()
    finally:
        evidence.register_provider(PROVIDER)
    assert [x.kind for x in declared_only.findings if x.school == schools[2].name] == ["saknas"]


def test_a_service_measured_at_a_school_has_using_organisations_for_completeness():
    service = f.ApplicationFactory()
    measured(service, f.SchoolUnitFactory(), 40)
    unused = f.ApplicationFactory()

    result = {c.target_id: c for c in application_completeness()}

    assert "saknar användande organisationer" not in result[service.pk].missing
    assert "saknar användande organisationer" in result[unused.pk].missing

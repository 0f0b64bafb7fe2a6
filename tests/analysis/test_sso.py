"""SSO and federation coverage: counted and weighted by users, with what lies outside."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portfolio.analysis import sso_coverage
from portfolio.choices import AuthenticationMethod, Federation, IdentityProvider, LifecycleStatus
from portfolio.models import ServiceCapability, ServiceUsage
from tests.factories import ApplicationFactory, CapabilityFactory, LearningResourceFactory, SchoolUnitFactory

pytestmark = pytest.mark.django_db


def _use(service, organisation, users):
    if hasattr(service, "management_object_id"):
        ServiceUsage.objects.create(service=service, organisation=organisation, users=users)
    else:
        ServiceUsage.objects.create(
            service=service, organisation=organisation, users=users
        )


def test_share_is_counted_per_service_and_weighted_by_users():
    school = SchoolUnitFactory(name="Ekbackens skola")
    sso = ApplicationFactory(name="Skolplattformen")
    local = ApplicationFactory(
        name="Gamla schemat", authentication=AuthenticationMethod.LOCAL, identity_provider=""
    )
    vendor_login = LearningResourceFactory(
        name="Mattespelet",
        authentication=AuthenticationMethod.SAML,
        identity_provider=IdentityProvider.VENDOR,
    )
    _use(sso, school, 100)
    _use(local, school, 900)
    _use(vendor_login, school, 300)
    coverage = sso_coverage()
    assert (coverage.services, coverage.services_behind_sso) == (3, 1)
    assert (coverage.users, coverage.users_behind_sso) == (1300, 100)
    assert round(coverage.share_users, 3) == round(100 / 1300, 3)
    assert [s.name for s in coverage.outside_sso] == ["Gamla schemat", "Mattespelet"]  # most users first
    assert "lokala konton" in coverage.outside_sso[0].explanation
    assert "Leverantörens egen" in coverage.outside_sso[1].explanation
    assert all(s.fix for s in coverage.outside_sso)
    [school_group] = coverage.by_school
    assert (school_group.label, school_group.users, school_group.users_behind_sso) == (
        "Ekbackens skola",
        1300,
        100,
    )
    methods = {g.key: (g.services, g.services_behind_sso) for g in coverage.by_authentication_method}
    assert methods == {"lokala_konton": (1, 0), "saml": (2, 1)}
    providers = {g.key for g in coverage.by_identity_provider}
    assert providers == {"kommunens_idp", "okand", "leverantor"}


def test_breakdown_by_capability_and_federation():
    capability = CapabilityFactory(name="Lärplattform")
    federated = ApplicationFactory(
        name="Lärplattformen",
        federation=Federation.SKOLFEDERATION,
        identity_provider=IdentityProvider.SKOLFEDERATION,
        saml_entity_ids="https://sp.larplattformen.se/shibboleth",
    )
    other = ApplicationFactory(
        name="Annan plattform", authentication=AuthenticationMethod.LOCAL, identity_provider=""
    )
    ServiceCapability.objects.create(service=federated, capability=capability)
    ServiceCapability.objects.create(service=other, capability=capability)
    coverage = sso_coverage()
    [group] = coverage.by_capability
    assert (group.label, group.services, group.services_behind_sso) == ("Lärplattform", 2, 1)
    federations = {g.key: g.services for g in coverage.by_federation}
    assert federations == {"skolfederation": 1, "ingen": 1}
    assert coverage.federation_without_entity_id == []


def test_service_claiming_federation_without_entity_id_is_reported():
    ApplicationFactory(name="Påstått federerad", federation=Federation.SKOLFEDERATION)
    [finding] = sso_coverage().federation_without_entity_id
    assert finding.name == "Påstått federerad"
    assert "entity ID" in finding.explanation and finding.fix


def test_retired_services_are_left_out_by_default():
    ApplicationFactory(
        authentication=AuthenticationMethod.LOCAL,
        lifecycle_status=LifecycleStatus.RETIRED,
        retired_on="2024-01-01",
    )
    assert sso_coverage().services == 0


def test_clean_landscape_has_nothing_outside_sso():
    school = SchoolUnitFactory()
    for i in range(3):
        _use(ApplicationFactory(name=f"Bra system {i}"), school, 10)
    coverage = sso_coverage()
    assert coverage.outside_sso == [] and coverage.federation_without_entity_id == []
    assert coverage.share_services == coverage.share_users == 1.0
    assert "3 av 3" in coverage.summary


def _build(n):
    schools = SchoolUnitFactory.create_batch(2)
    capability = CapabilityFactory()
    for i in range(n):
        app = ApplicationFactory(
            authentication=AuthenticationMethod.LOCAL if i % 2 else AuthenticationMethod.SAML
        )
        _use(app, schools[i % 2], i)
        ServiceCapability.objects.create(service=app, capability=capability)
        _use(
            LearningResourceFactory(federation=Federation.SKOLFEDERATION, authentication="saml"),
            schools[0],
            i,
        )


def test_query_count_does_not_grow_with_rows():
    _build(3)
    with CaptureQueriesContext(connection) as small:
        sso_coverage()
    _build(9)
    with CaptureQueriesContext(connection) as large:
        coverage = sso_coverage()
    assert coverage.services == 24
    assert len(small) == len(large) <= 8

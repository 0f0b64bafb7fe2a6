"""Systems and learning resources: lifecycle dates, federation, school years, unique links."""

import datetime

import pytest

from portfolio.choices import AuthenticationMethod, Federation, IdentityProvider, LifecycleStatus
from portfolio.models import (
    Application,
    ServiceCapability,
    ServiceUsage,
)
from tests import factories as f
from tests.models.helpers import assert_database_refuses, assert_refused, validation_errors

pytestmark = pytest.mark.django_db

JAN_2020 = datetime.date(2020, 1, 1)
JAN_2019 = datetime.date(2019, 1, 1)


@pytest.fixture(
    params=[f.ApplicationFactory, f.LearningResourceFactory], ids=["application", "learning_resource"]
)
def service_factory(request):
    return request.param


def test_retired_service_needs_a_retirement_date(service_factory):
    service = service_factory.build(lifecycle_status=LifecycleStatus.RETIRED, retired_on=None)
    assert_refused(service, "retired_on", "Ange när tjänsten avvecklades.")


def test_retirement_date_means_the_service_is_retired(service_factory):
    service = service_factory.build(lifecycle_status=LifecycleStatus.IN_USE, retired_on=JAN_2020)
    assert_refused(service, "lifecycle_status", "En tjänst med avvecklingsdatum ska ha status Avvecklad.")
    assert_database_refuses(
        lambda: service_factory(lifecycle_status=LifecycleStatus.IN_USE, retired_on=JAN_2020),
        "_retired_date_means_retired",
    )


def test_planned_end_cannot_precede_start_of_use(service_factory):
    service = service_factory.build(in_use_from=JAN_2020, planned_end=JAN_2019)
    assert_refused(service, "planned_end", "Planerat slut kan inte ligga före driftstart.")
    assert_database_refuses(
        lambda: service_factory(in_use_from=JAN_2020, planned_end=JAN_2019), "_end_after_start"
    )


def test_federated_service_logs_in_with_saml_or_oidc(service_factory):
    service = service_factory.build(
        federation=Federation.SKOLFEDERATION, authentication=AuthenticationMethod.LOCAL
    )
    assert_refused(
        service, "authentication", "En federationsansluten tjänst loggar in med SAML eller OpenID Connect."
    )
    service.authentication = AuthenticationMethod.SAML
    service.full_clean()


def test_external_id_is_unique_per_kind_of_service(service_factory):
    service_factory(external_id="X-1")
    duplicate = service_factory.build(external_id="X-1")
    assert "Det externa id:t används redan." in str(validation_errors(duplicate))
    assert_database_refuses(lambda: service_factory(external_id="X-1"))


def test_user_groups_accept_only_known_groups():
    application = f.ApplicationFactory.build(user_groups=["elever", "katter"])
    assert "katter är inte ett giltigt val." in validation_errors(application)["user_groups"]


def test_school_years_must_be_in_order():
    resource = f.LearningResourceFactory.build(school_year_from=7, school_year_to=3)
    errors = validation_errors(resource)
    assert "Till årskurs kan inte vara lägre än från årskurs." in errors["school_year_to"]
    assert_database_refuses(
        lambda: f.LearningResourceFactory(school_year_from=7, school_year_to=3),
        "portfolio_service_school_years_in_order",
    )


def test_school_years_run_from_preschool_to_thirteen():
    assert "Årskurs anges från −1 (förskola) till 13." in str(
        validation_errors(f.LearningResourceFactory.build(school_year_from=-2))
    )
    assert_database_refuses(
        lambda: f.LearningResourceFactory(school_year_to=14),
        "portfolio_service_school_years_in_range",
    )
    f.LearningResourceFactory.build(school_year_from=-1, school_year_to=13).full_clean()


def test_an_organisation_uses_a_service_once():
    application = f.ApplicationFactory()
    resource = f.LearningResourceFactory()
    school = f.SchoolUnitFactory()
    ServiceUsage.objects.create(service=application, organisation=school, users=10)
    ServiceUsage.objects.create(service=resource, organisation=school, users=10)
    duplicate = ServiceUsage(service=application, organisation=school, users=5)
    assert "Organisationen är redan registrerad som användare av tjänsten." in str(
        validation_errors(duplicate)
    )
    duplicate_lr = ServiceUsage(service=resource, organisation=school)
    assert "Organisationen är redan registrerad som användare av tjänsten." in str(
        validation_errors(duplicate_lr)
    )
    assert_database_refuses(
        lambda: ServiceUsage.objects.create(service=application, organisation=school)
    )


def test_single_sign_on_means_federated_login_against_a_trusted_identity_provider():
    behind = f.ApplicationFactory(
        authentication=AuthenticationMethod.SAML, identity_provider=IdentityProvider.MUNICIPAL
    )
    vendor_login = f.ApplicationFactory(
        authentication=AuthenticationMethod.OIDC, identity_provider=IdentityProvider.VENDOR
    )
    local = f.ApplicationFactory(authentication=AuthenticationMethod.LOCAL, identity_provider="")
    assert behind.is_sso and not vendor_login.is_sso and not local.is_sso
    assert set(Application.objects.outside_sso()) == {vendor_login, local}
    assert list(Application.objects.behind_sso()) == [behind]


def test_a_service_serves_a_capability_once():
    capability = f.CapabilityFactory()
    application = f.ApplicationFactory()
    resource = f.LearningResourceFactory()
    ServiceCapability.objects.create(service=application, capability=capability)
    ServiceCapability.objects.create(service=resource, capability=capability)
    assert_database_refuses(
        lambda: ServiceCapability.objects.create(service=application, capability=capability)
    )
    assert_database_refuses(
        lambda: ServiceCapability.objects.create(service=resource, capability=capability)
    )

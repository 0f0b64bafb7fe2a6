"""Vendors: Swedish organisation numbers are checked; only American vendors sit in the DPF."""

import pytest

from portfolio.models import Vendor
from tests import factories as f
from tests.models.helpers import assert_database_refuses, assert_refused, validation_errors

pytestmark = pytest.mark.django_db


def test_swedish_organisation_number_with_wrong_check_digit_is_refused():
    vendor = f.VendorFactory.build(organisation_number="556036-0794")
    assert_refused(
        vendor, "organisation_number", "Ogiltigt organisationsnummer (kontrollsiffran stämmer inte)."
    )


def test_valid_organisation_number_is_accepted_and_formatted():
    vendor = f.VendorFactory.build(organisation_number="5560360793")
    vendor.full_clean()
    assert vendor.organisation_number == "556036-0793"


def test_swedish_organisation_number_only_for_a_swedish_vendor():
    vendor = f.VendorFactory.build(country="NO", organisation_number="556036-0793")
    assert_refused(
        vendor, "organisation_number", "Svenskt organisationsnummer anges bara för svenska leverantörer."
    )


def test_organisation_number_is_unique():
    f.VendorFactory(organisation_number="556036-0793")
    duplicate = f.VendorFactory.build(organisation_number="556036-0793")
    assert "En leverantör med detta organisationsnummer finns redan." in str(validation_errors(duplicate))
    assert_database_refuses(lambda: f.VendorFactory(organisation_number="556036-0793"))


def test_only_american_vendors_are_listed_in_the_data_privacy_framework():
    vendor = f.VendorFactory.build(country="IE", dpf_listed=True)
    assert "Endast amerikanska företag kan listas i Data Privacy Framework." in str(validation_errors(vendor))
    assert_database_refuses(
        lambda: f.VendorFactory(country="IE", dpf_listed=True), "portfolio_vendor_dpf_only_for_us"
    )
    f.VendorFactory.build(country="US", dpf_listed=True).full_clean()


def test_external_id_is_unique_but_blank_may_repeat():
    f.VendorFactory(external_id="V-1")
    f.VendorFactory(external_id="")
    f.VendorFactory(external_id="")
    assert_database_refuses(lambda: f.VendorFactory(external_id="V-1"))


def test_vendor_outside_eea_is_a_third_country():
    american = f.VendorFactory(country="US")
    swedish = f.VendorFactory(country="SE")
    unknown = f.VendorFactory(country="")
    assert american.is_third_country and not swedish.is_third_country and not unknown.is_third_country
    assert list(Vendor.objects.third_country()) == [american]


def test_organisation_number_typed_without_hyphen_is_still_a_duplicate():
    f.VendorFactory(organisation_number="556036-0793")
    duplicate = f.VendorFactory.build(organisation_number="5560360793")
    assert "En leverantör med detta organisationsnummer finns redan." in str(validation_errors(duplicate))

"""Contracts: dates in order, value not negative, a processor agreement not signed in the future."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from portfolio.models import Contract, ContractService
from tests import factories as f
from tests.models.helpers import assert_database_refuses, assert_refused, validation_errors

pytestmark = pytest.mark.django_db


def test_contract_cannot_end_before_it_starts():
    contract = f.ContractFactory.build(
        vendor=f.VendorFactory(), starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2025, 1, 1)
    )
    assert_refused(contract, "ends_on", "Slutdatum kan inte ligga före startdatum.")
    assert_database_refuses(
        lambda: f.ContractFactory(starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2025, 1, 1)),
        "portfolio_contract_ends_after_start",
    )


def test_contract_value_cannot_be_negative():
    contract = f.ContractFactory.build(vendor=f.VendorFactory(), annual_value=Decimal("-100"))
    assert "Årligt värde kan inte vara negativt." in str(validation_errors(contract))
    assert_database_refuses(
        lambda: f.ContractFactory(annual_value=Decimal("-100")), "portfolio_contract_value_not_negative"
    )


def test_processor_agreement_cannot_be_signed_in_the_future():
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    contract = f.ContractFactory.build(vendor=f.VendorFactory(), dpa_signed_on=tomorrow)
    assert_refused(contract, "dpa_signed_on", "Ett undertecknandedatum kan inte ligga i framtiden.")


def test_contract_covers_a_service_once():
    contract = f.ContractFactory()
    application = f.ApplicationFactory()
    resource = f.LearningResourceFactory()
    ContractService.objects.create(contract=contract, service=application)
    ContractService.objects.create(contract=contract, service=resource)
    assert_database_refuses(
        lambda: ContractService.objects.create(contract=contract, service=application)
    )
    assert_database_refuses(
        lambda: ContractService.objects.create(contract=contract, service=resource)
    )


def test_notice_deadline_is_notice_months_before_the_end():
    contract = f.ContractFactory.build(ends_on=datetime.date(2027, 2, 28), notice_months=3)
    assert contract.notice_deadline == datetime.date(2026, 11, 28)
    assert f.ContractFactory.build(ends_on=None).notice_deadline is None


def test_active_contracts_are_those_running_on_the_day():
    day = datetime.date(2026, 6, 1)
    running = f.ContractFactory(starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2026, 12, 31))
    f.ContractFactory(starts_on=datetime.date(2024, 1, 1), ends_on=datetime.date(2025, 12, 31))
    assert list(Contract.objects.active(day)) == [running]


def test_processor_agreement_date_in_the_future_is_refused_without_a_start_date_too():
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    contract = f.ContractFactory.build(vendor=f.VendorFactory(), starts_on=None, dpa_signed_on=tomorrow)
    assert_refused(contract, "dpa_signed_on", "Ett undertecknandedatum kan inte ligga i framtiden.")


def test_notice_deadline_keeps_the_day_when_the_month_has_it():
    import datetime

    from portfolio.models import Contract

    contract = Contract(ends_on=datetime.date(2027, 6, 30), notice_months=1)
    assert contract.notice_deadline == datetime.date(2027, 5, 30)
    contract = Contract(ends_on=datetime.date(2027, 3, 31), notice_months=1)
    assert contract.notice_deadline == datetime.date(2027, 2, 28)

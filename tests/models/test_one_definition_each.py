"""One definition of "third country" and one of "contract in force", at their boundaries.

Each rule is written once in Python and once in SQL (portfolio.geography, portfolio.periods);
these tests hold every face — the function, the queryset, the model, the admin filter, the
transfer's validation — to the same answer on the same rows.
"""

import datetime

import pytest
from django.contrib.admin.sites import site
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.utils import timezone

from portfolio.admin import ThirdCountryFilter
from portfolio.geography import is_third_country
from portfolio.models import Contract, RoleAssignment, Vendor
from portfolio.periods import valid_on
from tests.factories import ContractFactory, RoleAssignmentFactory, TransferFactory, VendorFactory

pytestmark = pytest.mark.django_db

#: Country → third country? The EU, the three EEA states outside the EU, adequacy countries (still
#: third countries: adequacy is a transfer mechanism, not membership) and an unknown country.
COUNTRIES = {
    "SE": False,
    "DE": False,
    "NO": False,
    "IS": False,
    "LI": False,
    "CH": True,
    "GB": True,
    "US": True,
    "IN": True,
    "": False,
}


def test_is_third_country_at_the_edges_of_the_eea():
    assert {code: is_third_country(code) for code in COUNTRIES} == COUNTRIES
    assert is_third_country("us") and not is_third_country("no") and not is_third_country(None)


def test_the_vendor_queryset_model_and_admin_filter_agree_with_the_one_definition():
    vendors = {code: VendorFactory(country=code) for code in COUNTRIES}
    expected = {vendors[code].pk for code, third in COUNTRIES.items() if third}
    assert set(Vendor.objects.third_country().values_list("pk", flat=True)) == expected
    assert {v.pk for v in Vendor.objects.all() if v.is_third_country} == expected
    request = RequestFactory().get("/")
    model_admin = site._registry[Vendor]
    outside = ThirdCountryFilter(request, {"tredjeland": ["ja"]}, Vendor, model_admin)
    inside = ThirdCountryFilter(request, {"tredjeland": ["nej"]}, Vendor, model_admin)
    assert {v.pk for v in outside.queryset(request, Vendor.objects.all())} == expected
    unknown = vendors[""].pk
    assert {v.pk for v in inside.queryset(request, Vendor.objects.all())} == (
        {v.pk for v in vendors.values()} - expected - {unknown}
    )


@pytest.mark.parametrize(("code", "refused"), [("NO", True), ("SE", True), ("CH", False), ("US", False)])
def test_a_transfer_is_refused_exactly_where_the_country_is_not_a_third_country(code, refused):
    transfer = TransferFactory.build(processing_activity=TransferFactory().processing_activity, country=code)
    if refused:
        with pytest.raises(ValidationError) as error:
            transfer.clean()
        assert "country" in error.value.message_dict
    else:
        transfer.clean()


def _periods(today):
    day = datetime.timedelta(days=1)
    #: (starts_on, ends_on) → valid today?
    return {
        (None, None): True,
        (today, None): True,
        (today + day, None): False,
        (None, today): True,
        (None, today - day): False,
        (today, today): True,
        (today - day, today + day): True,
        (today + day, today + 2 * day): False,
        (today - 2 * day, today - day): False,
    }


def test_contract_in_force_is_the_same_in_sql_in_python_and_on_the_model():
    today = timezone.localdate()
    periods = _periods(today)
    contracts = {period: ContractFactory(starts_on=period[0], ends_on=period[1]) for period in periods}
    expected = {contracts[p].pk for p, valid in periods.items() if valid}
    assert set(Contract.objects.active(today).values_list("pk", flat=True)) == expected
    assert {c.pk for c in Contract.objects.all() if c.in_force_on(today)} == expected
    rows = Contract.objects.values("pk", "starts_on", "ends_on")
    assert {row["pk"] for row in rows if valid_on(row, today)} == expected


def test_a_role_assignment_is_current_by_the_same_rule():
    today = timezone.localdate()
    periods = _periods(today)
    roles = {period: RoleAssignmentFactory(starts_on=period[0], ends_on=period[1]) for period in periods}
    expected = {roles[p].pk for p, valid in periods.items() if valid}
    assert set(RoleAssignment.objects.current(today).values_list("pk", flat=True)) == expected
    assert {r.pk for r in RoleAssignment.objects.all() if valid_on(r, today)} == expected

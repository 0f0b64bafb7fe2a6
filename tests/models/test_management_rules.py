"""PM3: a förvaltningsobjekt is owned by a förvaltning; one plan per object and year."""

import datetime
from decimal import Decimal

import pytest

from portfolio.choices import OrganisationKind, PlanStatus
from portfolio.models import Application
from tests import factories as f
from tests.models.helpers import assert_database_refuses, assert_refused, validation_errors

pytestmark = pytest.mark.django_db


def test_management_object_is_owned_by_an_administration_or_board():
    school = f.SchoolUnitFactory()
    management_object = f.ManagementObjectFactory.build(owner_organisation=school)
    assert_refused(
        management_object, "owner_organisation", "Ett förvaltningsobjekt ägs av en förvaltning (eller nämnd)."
    )
    f.ManagementObjectFactory.build(owner_organisation=f.BoardFactory()).full_clean()
    f.ManagementObjectFactory.build(
        owner_organisation=f.OrganisationFactory(kind=OrganisationKind.ADMINISTRATION)
    ).full_clean()


def test_management_object_name_is_unique():
    f.ManagementObjectFactory(name="Elevadministration")
    duplicate = f.ManagementObjectFactory.build(name="Elevadministration")
    assert validation_errors(duplicate)["name"] == ["Förvaltningsobjekt med detta Namn finns redan."]
    assert_database_refuses(lambda: f.ManagementObjectFactory(name="Elevadministration"))


def test_a_system_belongs_to_at_most_one_management_object():
    field = Application._meta.get_field("management_object")
    assert field.many_to_one and field.null


def test_one_plan_per_object_and_year():
    plan = f.ManagementPlanFactory(year=2026)
    duplicate = f.ManagementPlanFactory.build(management_object=plan.management_object, year=2026)
    assert "Objektet har redan en förvaltningsplan för året." in str(validation_errors(duplicate))
    assert_database_refuses(
        lambda: f.ManagementPlanFactory(management_object=plan.management_object, year=2026)
    )
    f.ManagementPlanFactory(management_object=plan.management_object, year=2027)


def test_approved_plan_needs_its_approval_date():
    plan = f.ManagementPlanFactory.build(status=PlanStatus.APPROVED, approved_on=None)
    assert_refused(plan, "approved_on", "Ange när planen fastställdes.")


def test_approval_date_means_the_plan_is_approved():
    plan = f.ManagementPlanFactory.build(status=PlanStatus.DRAFT, approved_on=datetime.date(2026, 1, 15))
    assert "En plan med fastställelsedatum ska ha status Fastställd." in str(validation_errors(plan))
    assert_database_refuses(
        lambda: f.ManagementPlanFactory(status=PlanStatus.DRAFT, approved_on=datetime.date(2026, 1, 15)),
        "portfolio_managementplan_approval_date_means_approved",
    )


def test_plan_budget_cannot_be_negative():
    plan = f.ManagementPlanFactory.build(budget_business_development=Decimal("-1"))
    assert "Budgetbelopp kan inte vara negativa." in str(validation_errors(plan))
    assert_database_refuses(
        lambda: f.ManagementPlanFactory(budget_it_development=Decimal("-1")),
        "portfolio_managementplan_budget_not_negative",
    )


def test_plan_year_is_plausible():
    assert "Året ska ligga mellan 2000 och 2100." in str(
        validation_errors(f.ManagementPlanFactory.build(year=1999))
    )
    assert_database_refuses(
        lambda: f.ManagementPlanFactory(year=2101), "portfolio_managementplan_plausible_year"
    )


def test_plan_total_is_the_sum_of_the_four_pm3_parts():
    plan = f.ManagementPlanFactory.build(
        budget_business_maintenance=Decimal("1"),
        budget_business_development=Decimal("2"),
        budget_it_maintenance=Decimal("3"),
        budget_it_development=Decimal("4"),
    )
    assert plan.budget_total == Decimal("10")

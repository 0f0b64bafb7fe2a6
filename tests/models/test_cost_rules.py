"""Costs: exactly one target, never negative, in a plausible year."""

from decimal import Decimal

import pytest

from portfolio.forms import CostForm
from tests import factories as f
from tests.models.helpers import assert_database_refuses, validation_errors

pytestmark = pytest.mark.django_db

ONE_TARGET = "En kostnad hör till exakt ett förvaltningsobjekt, system eller en lärresurs."


def test_cost_without_a_target_is_refused():
    cost = f.CostFactory.build(application=None)
    assert ONE_TARGET in validation_errors(cost)["__all__"]
    assert_database_refuses(lambda: f.CostFactory(application=None), "portfolio_cost_exactly_one_target")


def test_cost_on_two_targets_is_refused():
    cost = f.CostFactory.build(application=None, management_object=f.ManagementObjectFactory())
    cost.service = f.ApplicationFactory()
    assert ONE_TARGET in validation_errors(cost)["__all__"]
    assert_database_refuses(
        lambda: f.CostFactory(management_object=f.ManagementObjectFactory()),
        "portfolio_cost_exactly_one_target",
    )


def test_cost_amount_cannot_be_negative():
    cost = f.CostFactory.build(application=f.ApplicationFactory(), amount=Decimal("-0.01"))
    assert "Beloppet kan inte vara negativt." in validation_errors(cost)["__all__"]
    assert_database_refuses(lambda: f.CostFactory(amount=Decimal("-1")), "portfolio_cost_amount_not_negative")


def test_cost_form_names_the_amount_field_when_negative():
    form = CostForm(
        data={
            "amount": "-5",
            "year": 2026,
            "application": f.ApplicationFactory().pk,
            "category": "licens",
            "kind": "utfall",
        }
    )
    assert not form.is_valid()
    assert "Beloppet kan inte vara negativt." in form.errors["amount"]


def test_cost_year_is_plausible():
    cost = f.CostFactory.build(application=f.ApplicationFactory(), year=1990)
    assert "Året ska ligga mellan 2000 och 2100." in validation_errors(cost)["__all__"]
    assert_database_refuses(lambda: f.CostFactory(year=2200), "portfolio_cost_plausible_year")

"""People and roles: a role is held on exactly one target, for a period that is in order."""

import datetime

import pytest

from portfolio.models import Person, RoleAssignment
from tests import factories as f
from tests.models.helpers import assert_database_refuses, assert_refused, validation_errors

pytestmark = pytest.mark.django_db

ONE_TARGET = "En roll gäller exakt ett förvaltningsobjekt, system, en lärresurs eller en organisation."


def test_role_assignment_without_a_target_is_refused():
    role = f.RoleAssignmentFactory.build(person=f.PersonFactory(), application=None)
    assert ONE_TARGET in validation_errors(role)["__all__"]
    assert_database_refuses(
        lambda: f.RoleAssignmentFactory(application=None), "portfolio_roleassignment_exactly_one_target"
    )


def test_role_assignment_with_two_targets_is_refused():
    role = f.RoleAssignmentFactory.build(
        person=f.PersonFactory(), application=f.ApplicationFactory(), organisation=f.OrganisationFactory()
    )
    assert ONE_TARGET in validation_errors(role)["__all__"]
    assert_database_refuses(
        lambda: f.RoleAssignmentFactory(management_object=f.ManagementObjectFactory()),
        "portfolio_roleassignment_exactly_one_target",
    )


@pytest.mark.parametrize(
    "target_factory",
    [f.ManagementObjectFactory, f.ApplicationFactory, f.LearningResourceFactory, f.OrganisationFactory],
)
def test_role_may_be_held_on_each_kind_of_target(target_factory):
    target = target_factory()
    field = {
        "ManagementObject": "management_object",
        "Application": "service",
        "LearningResource": "service",
        "Organisation": "organisation",
    }[type(target).__name__]
    role = RoleAssignment(person=f.PersonFactory(), role="systemagare", **{field: target})
    role.full_clean()
    role.save()
    assert role.target == target


def test_role_cannot_end_before_it_starts():
    role = f.RoleAssignmentFactory.build(
        person=f.PersonFactory(),
        application=f.ApplicationFactory(),
        starts_on=datetime.date(2026, 6, 1),
        ends_on=datetime.date(2026, 1, 1),
    )
    assert_refused(role, "ends_on", "Slutdatum kan inte ligga före startdatum.")
    assert_database_refuses(
        lambda: f.RoleAssignmentFactory(
            starts_on=datetime.date(2026, 6, 1), ends_on=datetime.date(2026, 1, 1)
        ),
        "portfolio_roleassignment_ends_after_start",
    )


def test_current_roles_are_those_valid_today():
    today = datetime.date(2026, 3, 1)
    current = f.RoleAssignmentFactory(starts_on=datetime.date(2025, 1, 1))
    ended = f.RoleAssignmentFactory(ends_on=datetime.date(2026, 2, 28))
    future = f.RoleAssignmentFactory(starts_on=datetime.date(2026, 3, 2))
    assert list(RoleAssignment.objects.current(today)) == [current]
    assert ended not in RoleAssignment.objects.current(today) and future.pk


def test_person_email_is_stored_lower_case_and_unique():
    person = f.PersonFactory(email="  Anna.Berg@Mittkoping.SE ")
    assert person.email == "anna.berg@mittkoping.se"
    duplicate = Person(name="Anna B", email="anna.berg@mittkoping.se")
    assert "En person med denna e-postadress finns redan." in str(validation_errors(duplicate))
    assert_database_refuses(lambda: f.PersonFactory(email="ANNA.BERG@mittkoping.se"))


def test_person_holding_a_role_cannot_be_deleted():
    from django.db.models import ProtectedError

    role = f.RoleAssignmentFactory()
    with pytest.raises(ProtectedError):
        role.person.delete()


def test_person_form_refuses_an_email_that_differs_only_in_case_from_another():
    from portfolio.forms import PersonForm

    f.PersonFactory(email="anna.berg@mittkoping.se")
    form = PersonForm(data={"name": "Anna Berg", "email": "Anna.Berg@Mittkoping.se", "active": "on"})
    assert not form.is_valid()
    assert "En person med denna e-postadress finns redan." in str(form.errors)

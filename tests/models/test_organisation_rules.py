"""Organisations: codes that are checked, kinds that carry them, and a tree without cycles."""

import pytest
from django.db.models import ProtectedError

from portfolio.choices import OrganisationKind, SchoolForm
from portfolio.models import Organisation
from tests import factories as f
from tests.models.helpers import assert_database_refuses, assert_refused, validation_errors

pytestmark = pytest.mark.django_db

PRINCIPAL = OrganisationKind.PRINCIPAL


def test_school_unit_code_must_be_eight_digits():
    school = f.SchoolUnitFactory.build(school_unit_code="1234567X")
    assert_refused(school, "school_unit_code", "En skolenhetskod består av åtta siffror.")
    school.school_unit_code = "1234567"
    assert_refused(school, "school_unit_code", "En skolenhetskod består av åtta siffror.")
    school.school_unit_code = "12345678"
    school.full_clean()


def test_school_unit_code_is_unique():
    f.SchoolUnitFactory(school_unit_code="87654321")
    duplicate = f.SchoolUnitFactory.build(school_unit_code="87654321")
    errors = validation_errors(duplicate)
    assert "Skolenhetskoden används redan av en annan skolenhet." in str(errors)
    assert_database_refuses(lambda: f.SchoolUnitFactory(school_unit_code="87654321"))


def test_school_unit_needs_a_school_form():
    school = f.SchoolUnitFactory.build(school_form="")
    assert_refused(school, "school_form", "Ange skolform för en skolenhet.")


def test_only_a_school_unit_has_school_form_or_school_unit_code():
    administration = f.OrganisationFactory.build(school_form=SchoolForm.COMPULSORY)
    assert "Endast en skolenhet har en skolform." in str(validation_errors(administration))
    assert_database_refuses(
        lambda: f.OrganisationFactory(school_form=SchoolForm.COMPULSORY),
        "portfolio_organisation_school_form_only_on_school_unit",
    )
    assert_database_refuses(
        lambda: f.OrganisationFactory(school_unit_code="11112222"),
        "portfolio_organisation_school_unit_code_only_on_school_unit",
    )


def test_organisation_number_with_a_wrong_check_digit_is_refused():
    principal = f.OrganisationFactory.build(kind=PRINCIPAL, organisation_number="212000-0143")
    assert_refused(
        principal, "organisation_number", "Ogiltigt organisationsnummer (kontrollsiffran stämmer inte)."
    )


def test_valid_organisation_number_is_accepted_and_written_with_a_hyphen():
    principal = f.OrganisationFactory.build(kind=PRINCIPAL, organisation_number="2120000142")
    principal.full_clean()
    assert principal.organisation_number == "212000-0142"


def test_organisation_number_is_unique():
    f.OrganisationFactory(kind=PRINCIPAL, organisation_number="212000-0142")
    duplicate = f.OrganisationFactory.build(kind=PRINCIPAL, organisation_number="212000-0142")
    assert "Organisationsnumret används redan." in str(validation_errors(duplicate))
    assert_database_refuses(lambda: f.OrganisationFactory(kind=PRINCIPAL, organisation_number="212000-0142"))


def test_organisation_cannot_be_placed_under_itself_or_its_descendants():
    root = f.OrganisationFactory()
    child = f.OrganisationFactory(parent=root)
    grandchild = f.OrganisationFactory(parent=child)
    root.parent = grandchild
    assert_refused(root, "parent", "En organisation kan inte ligga under sig själv.")
    root.parent = root
    assert_refused(root, "parent", "En organisation kan inte ligga under sig själv.")


def test_materialised_path_and_subtree_follow_a_move():
    board = f.BoardFactory()
    old_administration = f.OrganisationFactory(parent=board)
    new_administration = f.OrganisationFactory(parent=board)
    unit = f.OrganisationFactory(parent=old_administration, kind=OrganisationKind.UNIT)
    school = f.SchoolUnitFactory(parent=unit)
    assert school.path == f"{board.pk}/{old_administration.pk}/{unit.pk}/"

    unit.parent = new_administration
    unit.save()

    school.refresh_from_db()
    assert school.path == f"{board.pk}/{new_administration.pk}/{unit.pk}/"
    assert set(Organisation.objects.subtree(new_administration)) == {new_administration, unit, school}
    assert set(Organisation.objects.subtree(old_administration)) == {old_administration}
    # The descendants' move is in their own history too.
    assert school.history.first().path == school.path


def test_organisation_with_children_cannot_be_deleted():
    parent = f.OrganisationFactory()
    f.OrganisationFactory(parent=parent)
    with pytest.raises(ProtectedError):
        parent.delete()


def test_a_board_is_the_controller():
    board = f.BoardFactory()
    administration = f.OrganisationFactory()
    assert board.is_controller and not administration.is_controller
    assert list(Organisation.objects.controllers()) == [board]

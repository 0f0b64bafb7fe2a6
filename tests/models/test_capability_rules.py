"""Capabilities: a two-level taxonomy with unique names per level."""

import pytest

from tests import factories as f
from tests.models.helpers import assert_database_refuses, assert_refused, validation_errors

pytestmark = pytest.mark.django_db


def test_taxonomy_has_two_levels():
    area = f.CapabilityFactory(name="Elevadministration")
    capability = f.CapabilityFactory(name="Närvaro och frånvaro", parent=area)
    third_level = f.CapabilityFactory.build(name="Sjukanmälan", parent=capability)
    assert_refused(third_level, "parent", "Taxonomin har två nivåer: välj ett område på översta nivån.")


def test_capability_cannot_be_its_own_area():
    area = f.CapabilityFactory(name="Undervisning")
    area.parent = area
    errors = validation_errors(area)
    assert "En förmåga kan inte ligga under sig själv." in errors["parent"]


def test_capability_name_is_unique_within_its_area():
    area = f.CapabilityFactory(name="Undervisning")
    f.CapabilityFactory(name="Lärplattform", parent=area)
    duplicate = f.CapabilityFactory.build(name="Lärplattform", parent=area)
    assert "Förmågan finns redan inom området." in str(validation_errors(duplicate))
    assert_database_refuses(lambda: f.CapabilityFactory(name="Lärplattform", parent=area))
    # The same name under another area is another capability.
    f.CapabilityFactory(name="Lärplattform", parent=f.CapabilityFactory(name="Kommunikation"))


def test_area_name_is_unique_at_the_top_level():
    f.CapabilityFactory(name="Undervisning")
    assert "Området finns redan." in str(validation_errors(f.CapabilityFactory.build(name="Undervisning")))
    assert_database_refuses(lambda: f.CapabilityFactory(name="Undervisning"))


def test_capability_is_shown_with_its_area():
    area = f.CapabilityFactory(name="Undervisning")
    assert str(f.CapabilityFactory(name="Lärplattform", parent=area)) == "Undervisning › Lärplattform"


def test_area_with_capabilities_cannot_be_moved_under_another_area():
    area = f.CapabilityFactory(name="Elevadministration")
    f.CapabilityFactory(name="Schema", parent=area)
    area.parent = f.CapabilityFactory(name="Administration")
    assert_refused(area, "parent", "Ett område med förmågor kan inte läggas under ett annat område.")

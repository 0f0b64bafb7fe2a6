"""Likvärdighet: schools lacking what their peers have, or running something else for it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portfolio.analysis import equity_matrix
from portfolio.choices import SchoolForm
from portfolio.models import ServiceCapability, ServiceUsage
from tests.factories import (
    ApplicationFactory,
    CapabilityFactory,
    LearningResourceFactory,
    OrganisationFactory,
    SchoolUnitFactory,
)

pytestmark = pytest.mark.django_db


def serve(app, capability, *organisations):
    ServiceCapability.objects.create(service=app, capability=capability)
    for organisation in organisations:
        ServiceUsage.objects.create(service=app, organisation=organisation, users=10)


def test_school_lacking_a_capability_its_peers_have():
    capability = CapabilityFactory(name="Frånvarohantering")
    a, b, c = (SchoolUnitFactory(name=n) for n in ("Ängen", "Berget", "Dalen"))
    serve(ApplicationFactory(name="Skola24"), capability, a, b)
    matrix = equity_matrix()
    [finding] = matrix.findings
    assert (finding.school, finding.kind, finding.column) == ("Dalen", "saknas", "Frånvarohantering")
    assert (finding.peers_with, finding.peers) == (2, 2)
    assert "Dalen saknar Frånvarohantering" in finding.explanation and finding.fix
    assert {(cell.school_id, tuple(cell.services)) for cell in matrix.cells} == {
        (a.pk, ("Skola24",)),
        (b.pk, ("Skola24",)),
    }
    assert [c.name for c in matrix.columns] == ["Frånvarohantering"]


def test_school_running_a_different_system_than_its_peers():
    capability = CapabilityFactory(name="Lärplattform")
    schools = [SchoolUnitFactory(name=n) for n in ("A-skolan", "B-skolan", "C-skolan", "D-skolan")]
    serve(ApplicationFactory(name="Unikum"), capability, *schools[:3])
    serve(ApplicationFactory(name="Vklass"), capability, schools[3])
    [finding] = equity_matrix().findings
    assert (finding.school, finding.kind, finding.peers_with) == ("D-skolan", "annat system", 3)
    assert "använder Vklass" in finding.explanation and "Unikum" in finding.fix


def test_schools_are_compared_only_with_the_same_school_form():
    capability = CapabilityFactory(name="Kursadministration")
    gymnasium = [SchoolUnitFactory(school_form=SchoolForm.UPPER_SECONDARY) for _ in range(3)]
    SchoolUnitFactory.create_batch(3, school_form=SchoolForm.PRESCHOOL)
    serve(ApplicationFactory(), capability, *gymnasium)
    assert equity_matrix().findings == []


def test_use_registered_on_the_administration_does_not_count_for_its_schools():
    capability = CapabilityFactory(name="Ordbehandling")
    administration = OrganisationFactory(name="Utbildningsförvaltningen")
    a, b, c = (SchoolUnitFactory(parent=administration) for _ in range(3))
    office = ApplicationFactory(name="Office")
    serve(office, capability, administration, a, b)
    [finding] = equity_matrix().findings
    assert (finding.school_id, finding.kind) == (c.pk, "saknas")


def test_learning_resource_subjects_are_columns_too():
    a, b, c = SchoolUnitFactory.create_batch(3)
    resource = LearningResourceFactory(name="Matteboken", subjects="Matematik")
    for school in (a, b):
        ServiceUsage.objects.create(service=resource, organisation=school, users=5)
    [finding] = equity_matrix().findings
    assert (finding.school_id, finding.column, finding.column_key) == (c.pk, "Matematik", "subject:matematik")
    assert equity_matrix(include_subjects=False).findings == []


def test_equal_schools_produce_no_findings():
    capability = CapabilityFactory()
    serve(ApplicationFactory(), capability, *SchoolUnitFactory.create_batch(4))
    assert equity_matrix().findings == []


def _build(n):
    capabilities = CapabilityFactory.create_batch(2)
    schools = SchoolUnitFactory.create_batch(n)
    for i, school in enumerate(schools):
        serve(ApplicationFactory(), capabilities[i % 2], school)


def test_query_count_does_not_grow_with_rows():
    _build(3)
    with CaptureQueriesContext(connection) as small:
        equity_matrix()
    _build(9)
    with CaptureQueriesContext(connection) as large:
        matrix = equity_matrix()
    assert len(matrix.schools) == 12
    assert len(small) == len(large) <= 8

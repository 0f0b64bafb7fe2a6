"""Fixtures of the web tests: a small landscape that touches every register page."""

import itertools

import pytest

from portfolio.choices import PlanStatus
from portfolio.models import CatalogueProduct, ServiceUsage
from tests.factories import (
    ApplicationFactory,
    CapabilityFactory,
    ContractFactory,
    CostFactory,
    DataFlowFactory,
    LearningResourceFactory,
    ManagementObjectFactory,
    ManagementPlanFactory,
    ProcessingActivityFactory,
    RoleAssignmentFactory,
    SchoolUnitFactory,
)

_counter = itertools.count()


def build_landscape(size: int) -> dict:
    """``size`` of every kind of record, linked the way real ones are (usages, roles, costs …).

    Query-count tests call it twice to show that no page reads more queries as the register grows.
    """
    made: dict = {}
    area = CapabilityFactory()
    for _ in range(size):
        n = next(_counter)
        management_object = ManagementObjectFactory()
        ManagementPlanFactory(management_object=management_object, status=PlanStatus.DRAFT)
        application = ApplicationFactory(management_object=management_object)
        resource = LearningResourceFactory()
        school = SchoolUnitFactory()
        capability = CapabilityFactory(parent=area)
        ServiceUsage.objects.create(service=application, organisation=school, users=10 + n)
        ServiceUsage.objects.create(service=resource, organisation=school, users=5)
        application.capability_links.create(capability=capability)
        resource.capability_links.create(capability=capability)
        RoleAssignmentFactory(application=application)
        RoleAssignmentFactory(application=None, management_object=management_object)
        CostFactory(application=application)
        CostFactory(application=None, management_object=management_object, pm3_part="it_vidmakthallande")
        contract = ContractFactory(vendor=application.vendor, dpa_signed_on="2024-01-01")
        contract.service_links.create(service=application)
        contract.service_links.create(service=resource)
        activity = ProcessingActivityFactory()
        activity.service_links.create(service=application)
        activity.service_links.create(service=resource)
        flow = DataFlowFactory(source_application=application, target_application=None,
                               target_learning_resource=resource)
        catalogue_entry = CatalogueProduct.objects.create(
            name=f"Kommunens produkt {n}", aliases=application.name, vendor_name=application.vendor.name,
            capability=capability, source="Kommunens beslut",
        )
        made = {
            "application": application,
            "learningresource": resource,
            "managementobject": management_object,
            "managementplan": management_object.plans.first(),
            "vendor": application.vendor,
            "contract": contract,
            "cost": application.costs.first(),
            "organisation": school,
            "capability": capability,
            "person": application.roles.first().person,
            "roleassignment": application.roles.first(),
            "dataflow": flow,
            "catalogueproduct": catalogue_entry,
        }
    return made


@pytest.fixture
def landscape(db) -> dict:
    return build_landscape(2)

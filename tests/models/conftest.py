"""Fixtures of the model, admin and history tests."""

import datetime

import pytest
from django.contrib.auth import get_user_model

from gdpr import models as gd
from portfolio import models as pm
from tests import factories as f


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("admin", "admin@mittkoping.se", "correct-horse-battery")


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def one_of_everything(db) -> dict[type, object]:
    return build_one_of_everything()


def build_one_of_everything() -> dict[type, object]:
    """One saved row of every portfolio and GDPR model, linked the way the register links them.

    Every call adds a new, independent set, so a test can grow the register evenly.
    """
    board = f.BoardFactory()
    administration = f.OrganisationFactory(parent=board)
    school = f.SchoolUnitFactory(parent=administration)
    capability_area = f.CapabilityFactory()
    capability = f.CapabilityFactory(parent=capability_area)
    management_object = f.ManagementObjectFactory(owner_organisation=administration)
    application = f.ApplicationFactory(management_object=management_object)
    learning_resource = f.LearningResourceFactory()
    person = f.PersonFactory(organisation=administration)
    contract = f.ContractFactory(vendor=application.vendor)
    activity = f.ProcessingActivityFactory(controller=board, responsible=person)
    breach = f.BreachFactory(vendor=application.vendor)
    rows = {
        pm.Organisation: school,
        pm.Vendor: application.vendor,
        pm.Capability: capability,
        pm.ManagementObject: management_object,
        pm.ManagementPlan: f.ManagementPlanFactory(management_object=management_object),
        pm.Service: application,
        pm.Application: application,
        pm.LearningResource: learning_resource,
        pm.ServiceUsage: pm.ServiceUsage.objects.create(
            service=application, organisation=school, users=40
        ),
        pm.ServiceUsage: pm.ServiceUsage.objects.create(
            service=learning_resource, organisation=school, users=25
        ),
        pm.ServiceCapability: pm.ServiceCapability.objects.create(
            service=application, capability=capability
        ),
        pm.ServiceCapability: pm.ServiceCapability.objects.create(
            service=learning_resource, capability=capability
        ),
        pm.Person: person,
        pm.RoleAssignment: f.RoleAssignmentFactory(person=person, application=application),
        pm.Cost: f.CostFactory(application=application),
        pm.Contract: contract,
        pm.ContractService: pm.ContractService.objects.create(
            contract=contract, service=application
        ),
        pm.ContractService: pm.ContractService.objects.create(
            contract=contract, service=learning_resource
        ),
        pm.DataFlow: f.DataFlowFactory(
            source_application=application, target_application=None, target_external="CSN"
        ),
        pm.CatalogueProduct: f.CatalogueProductFactory(capability=capability),
        pm.DuplicateDecision: pm.DuplicateDecision.objects.create(
            first_type="application",
            first_id=application.pk,
            second_type="learning_resource",
            second_id=learning_resource.pk,
            fingerprint="0" * 64,
            reason="Olika produkter",
        ),
        gd.ProcessingActivity: activity,
        gd.ProcessingActivityService: gd.ProcessingActivityService.objects.create(
            processing_activity=activity, service=application
        ),
        gd.ProcessingActivityService: gd.ProcessingActivityService.objects.create(
            processing_activity=activity, service=learning_resource
        ),
        gd.Transfer: f.TransferFactory(processing_activity=activity),
        gd.Dpia: f.DpiaFactory(processing_activity=activity),
        gd.ProcessorSecurityReview: f.ProcessorSecurityReviewFactory(vendor=application.vendor),
        gd.PersonErasure: gd.PersonErasure.objects.create(pseudonym="Person 9 (borttagen 2026-01-01)"),
        gd.Breach: breach,
        gd.BreachProcessingActivity: gd.BreachProcessingActivity.objects.create(
            breach=breach, processing_activity=activity
        ),
        gd.BreachService: gd.BreachService.objects.create(breach=breach, service=application),
        gd.GapAcknowledgement: gd.GapAcknowledgement.objects.create(
            code="art30_purpose",
            target_type="processing_activity",
            target_id=activity.pk,
            target_name=activity.name,
            reason="Accepterad risk",
            acknowledged_on=datetime.date(2026, 1, 1),
        ),
    }
    return rows

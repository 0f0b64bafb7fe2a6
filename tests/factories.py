"""factory-boy factories: each test builds only what it needs."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from gdpr import models as gdpr_models
from portfolio import models as pm
from portfolio.choices import (
    AuthenticationMethod,
    CostCategory,
    CostKind,
    IdentityProvider,
    LifecycleStatus,
    OrganisationKind,
    RoleChoices,
    SchoolForm,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@mittkoping.se")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        """``UserFactory(role="Dataskyddssamordnare")`` puts the user in that role group."""
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))
        if create:
            self.save()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = pm.Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = OrganisationKind.ADMINISTRATION


class BoardFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Nämnd {n}")
    kind = OrganisationKind.BOARD
    contact_email = "namnd@mittkoping.se"
    dpo_contact = "dataskyddsombud@mittkoping.se"


class SchoolUnitFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Skola {n}")
    kind = OrganisationKind.SCHOOL_UNIT
    school_form = SchoolForm.COMPULSORY
    school_unit_code = factory.Sequence(lambda n: f"{10000000 + n:08d}")


class VendorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = pm.Vendor

    name = factory.Sequence(lambda n: f"Leverantör {n} AB")
    country = "SE"


class CapabilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = pm.Capability

    name = factory.Sequence(lambda n: f"Förmåga {n}")


class ManagementObjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = pm.ManagementObject

    name = factory.Sequence(lambda n: f"Förvaltningsobjekt {n}")
    owner_organisation = factory.SubFactory(OrganisationFactory)


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = pm.Application

    name = factory.Sequence(lambda n: f"System {n}")
    vendor = factory.SubFactory(VendorFactory)
    lifecycle_status = LifecycleStatus.IN_USE
    authentication = AuthenticationMethod.SAML
    identity_provider = IdentityProvider.MUNICIPAL


class LearningResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = pm.LearningResource

    class Params:
        # The learning resource's type (its column is ``resource_type``: ``kind`` is the service's).
        kind = ""

    name = factory.Sequence(lambda n: f"Lärresurs {n}")
    vendor = factory.SubFactory(VendorFactory)
    lifecycle_status = LifecycleStatus.IN_USE
    resource_type = factory.SelfAttribute("kind")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = pm.Person

    name = factory.Sequence(lambda n: f"Person {n}")
    email = factory.Sequence(lambda n: f"person{n}@mittkoping.se")


class RoleAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = pm.RoleAssignment

    class Params:
        # The service a role is held on, named by kind as before one service table.
        application = factory.SubFactory(ApplicationFactory)
        learning_resource = None

    person = factory.SubFactory(PersonFactory)
    role = RoleChoices.SYSTEM_OWNER
    service = factory.LazyAttribute(lambda o: o.learning_resource or o.application)


class ManagementPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = pm.ManagementPlan

    management_object = factory.SubFactory(ManagementObjectFactory)
    year = 2026
    budget_it_maintenance = Decimal("100000")


class CostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = pm.Cost

    class Params:
        application = factory.SubFactory(ApplicationFactory)
        learning_resource = None

    amount = Decimal("50000")
    year = 2026
    service = factory.LazyAttribute(lambda o: o.learning_resource or o.application)
    category = CostCategory.LICENCE
    kind = CostKind.OUTCOME


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = pm.Contract

    name = factory.Sequence(lambda n: f"Avtal {n}")
    vendor = factory.SubFactory(VendorFactory)
    starts_on = datetime.date(2024, 1, 1)
    # Well beyond any notice period from whatever day the tests run (a fixed date would expire).
    ends_on = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=3 * 365))


class ProcessingActivityFactory(factory.django.DjangoModelFactory):
    """A complete, lawful record: tests remove what their rule is about."""

    class Meta:
        model = gdpr_models.ProcessingActivity

    name = factory.Sequence(lambda n: f"Behandling {n}")
    controller = factory.SubFactory(BoardFactory)
    purposes = "Att dokumentera elevers närvaro enligt skollagen."
    data_subject_categories = ["elever"]
    personal_data_categories = "Namn, klass, närvaro"
    recipients = "Vårdnadshavare, CSN"
    retention_period = "3 år"
    retention_criteria = "Efter avslutad skolgång"
    retention_decision = "Dokumenthanteringsplan BUN 2024:12"
    security_measures = "Behörighetsstyrning, loggning, kryptering"
    legal_basis = "e"
    legal_basis_law = "skollagen (2010:800) 29 kap. 14 §"
    information_reference = "https://www.mittkoping.se/dataskydd/skola"
    information_updated_on = datetime.date(2025, 8, 1)
    status = "aktiv"
    last_reviewed_on = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=30))


class TransferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = gdpr_models.Transfer

    processing_activity = factory.SubFactory(ProcessingActivityFactory)
    country = "US"
    recipient = "Exempel Inc."
    mechanism = "scc"
    tia_done = True


class DpiaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = gdpr_models.Dpia

    processing_activity = factory.SubFactory(ProcessingActivityFactory)
    status = "klar"
    started_on = datetime.date(2025, 1, 10)
    completed_on = datetime.date(2025, 3, 1)
    residual_risk = "lag"
    processing_description = "Vilka uppgifter, om vilka, i vilka system och flöden."
    necessity_assessment = "Behandlingen behövs för skollagens krav; mindre ingripande alternativ prövade."
    risk_assessment = "Obehörig åtkomst till elevuppgifter; felaktiga uppgifter om skyddade personer."
    risk_measures = "Behörighetsstyrning, loggning och uppföljning, rutin för skyddade personuppgifter."
    dpo_opinion = "Dataskyddsombudet tillstyrker med de angivna åtgärderna."
    dpo_consulted_on = datetime.date(2025, 2, 20)


class ProcessorSecurityReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = gdpr_models.ProcessorSecurityReview

    vendor = factory.SubFactory(VendorFactory)
    reviewed_on = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=60))
    outcome = "approved"
    reference = "Säkerhetsgranskning BUF 2026:4"


class BreachFactory(factory.django.DjangoModelFactory):
    """A fully documented breach, assessed as a risk and notified to IMY a day after discovery."""

    class Meta:
        model = gdpr_models.Breach

    title = factory.Sequence(lambda n: f"Klasslista till fel vårdnadshavare {n}")
    description = "En klasslista med elevernas namn och personnummer skickades till fel vårdnadshavare."
    occurred_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=10, hours=2))
    discovered_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=10))
    reported_internally_at = factory.LazyAttribute(lambda o: o.discovered_at)
    data_subject_categories = ["elever", "vardnadshavare"]
    subjects_approx = 28
    records_approx = 28
    personal_data_categories = "Namn, personnummer"
    consequences = "Obehöriga fick del av elevernas personnummer."
    measures = "Mottagarna ombads radera e-posten; rutin för utskick ses över."
    risk = "risk"
    risk_reasoning = "Personnummer till ett fåtal obehöriga; begränsad spridning."
    imy_notified_at = factory.LazyAttribute(lambda o: o.discovered_at + datetime.timedelta(hours=24))
    imy_reference = factory.LazyAttributeSequence(
        lambda o, n: f"IMY-2026-{n:04d}" if o.imy_notified_at is not None else ""
    )


class DataFlowFactory(factory.django.DjangoModelFactory):
    """A flow between two systems carrying personal data; tests replace an end where they need."""

    class Meta:
        model = pm.DataFlow

    class Params:
        source_application = factory.SubFactory(ApplicationFactory)
        source_learning_resource = None
        target_application = factory.SubFactory(ApplicationFactory)
        target_learning_resource = None

    name = factory.Sequence(lambda n: f"Flöde {n}")
    source_service = factory.LazyAttribute(lambda o: o.source_learning_resource or o.source_application)
    target_service = factory.LazyAttribute(lambda o: o.target_learning_resource or o.target_application)
    description = "Elevuppgifter"
    personal_data_categories = "Namn, klass"
    method = "ss12000"
    frequency = "dag"


class CatalogueProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = pm.CatalogueProduct

    name = factory.Sequence(lambda n: f"Katalogprodukt {n}")
    source = "https://example.se/kalla"


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "planning.Plan"

    name = factory.Sequence(lambda n: f"Färdplan {n}")
    horizon = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=365))


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "planning.Goal"

    plan = factory.SubFactory(PlanFactory)
    name = factory.Sequence(lambda n: f"Effektmål {n}")
    metric = "sso_coverage_users"
    comparison = "gte"
    target_value = Decimal("95")
    target_date = factory.LazyAttribute(lambda goal: goal.plan.horizon)


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "planning.Action"

    plan = factory.SubFactory(PlanFactory)
    kind = "phase_out"
    service = factory.SubFactory(ApplicationFactory)
    planned_end = factory.LazyAttribute(lambda action: action.plan.horizon)

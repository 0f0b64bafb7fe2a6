"""GraphQL types of the portfolio: one per model, each filtered by that model's own FilterSet."""

import graphene
from query_optimizer import MultiField

from portfolio import filters, filters_dataflows, models
from portfolio.graphql.base import RegisterConnectionField, RegisterType, related_connection

__all__ = [
    "ApplicationType",
    "ApplicationUsageType",
    "CapabilityType",
    "ContractType",
    "CostType",
    "DataFlowType",
    "LearningResourceType",
    "LearningResourceUsageType",
    "ManagementObjectType",
    "ManagementPlanType",
    "OrganisationType",
    "PersonType",
    "RoleAssignmentType",
    "VendorType",
]

#: Fields every RegisterModel has.
REGISTER_FIELDS = ["id", "pk", "created", "updated", "version"]

SERVICE_FIELDS = [
    *REGISTER_FIELDS, "name", "aliases", "vendor", "product", "description", "url", "user_groups",
    "lifecycle_status", "in_use_from", "planned_end", "retired_on", "authentication", "identity_provider",
    "federation", "saml_entity_ids", "provisioning", "mfa", "processes_personal_data", "hosting",
    "data_location", "external_id", "notes",
]


class OrganisationType(RegisterType):
    """A part of the municipality: huvudman, nämnd (the GDPR controller), förvaltning, enhet or skolenhet."""

    children = RegisterConnectionField(
        lambda: OrganisationType, description="Organisationer direkt under denna."
    )
    processing_activities = related_connection(
        models.Organisation, "processing_activities",
        "Behandlingar där organisationen (en nämnd) är personuppgiftsansvarig.",
    )

    class Meta:
        model = models.Organisation
        name = "Organisation"
        fields = [
            *REGISTER_FIELDS, "name", "kind", "parent", "path", "school_form", "organisation_number",
            "school_unit_code", "external_id", "contact_email", "dpo_contact", "active",
        ]
        filterset_class = filters.OrganisationFilterSet


class VendorType(RegisterType):
    """A supplier; its country decides whether using it is a third-country transfer."""

    applications = RegisterConnectionField(lambda: ApplicationType, description="Leverantörens system.")
    learningresources = RegisterConnectionField(
        lambda: LearningResourceType, description="Leverantörens lärresurser."
    )
    contracts = RegisterConnectionField(lambda: ContractType, description="Avtal med leverantören.")
    is_third_country = MultiField(
        graphene.Boolean, fields=["country"], required=True,
        description="Leverantören är etablerad utanför EU/EES (användning innebär tredjelandsöverföring).",
    )

    class Meta:
        model = models.Vendor
        name = "Vendor"
        fields = [
            *REGISTER_FIELDS, "name", "organisation_number", "country", "dpf_listed", "website",
            "external_id", "notes",
        ]
        filterset_class = filters.VendorFilterSet

    @staticmethod
    def resolve_country(root, info) -> str:
        return root.country.code or ""

    @staticmethod
    def resolve_is_third_country(root, info) -> bool:
        return root.is_third_country


class CapabilityType(RegisterType):
    """A verksamhetsförmåga (two levels: area › capability): what systems do for the organisation."""

    children = RegisterConnectionField(lambda: CapabilityType, description="Förmågor inom området.")
    applications = RegisterConnectionField(lambda: ApplicationType, description="System med förmågan.")
    learning_resources = RegisterConnectionField(
        lambda: LearningResourceType, description="Lärresurser med förmågan."
    )

    class Meta:
        model = models.Capability
        name = "Capability"
        fields = [*REGISTER_FIELDS, "name", "parent", "description"]
        filterset_class = filters.CapabilityFilterSet


class ApplicationUsageType(RegisterType):
    """That an organisation (usually a skolenhet) uses a system, and by how many users."""

    class Meta:
        model = models.ApplicationUsage
        name = "ApplicationUsage"
        fields = [*REGISTER_FIELDS, "application", "organisation", "users"]


class LearningResourceUsageType(RegisterType):
    """That an organisation uses a learning resource, and by how many users."""

    class Meta:
        model = models.LearningResourceUsage
        name = "LearningResourceUsage"
        fields = [*REGISTER_FIELDS, "learning_resource", "organisation", "users"]


class ServiceFields:
    """Resolvers shared by systems and learning resources."""

    @staticmethod
    def resolve_data_location(root, info) -> str:
        return root.data_location.code or ""


class ApplicationType(ServiceFields, RegisterType):
    """An administrative IT system or service, managed within a förvaltningsobjekt."""

    capabilities = RegisterConnectionField(
        lambda: CapabilityType, description="Verksamhetsförmågor systemet stöder."
    )
    organisations = RegisterConnectionField(
        lambda: OrganisationType, description="Organisationer som använder systemet."
    )
    usages = RegisterConnectionField(
        lambda: ApplicationUsageType, description="Användning per organisation, med antal användare."
    )
    roles = RegisterConnectionField(
        lambda: RoleAssignmentType, description="Roller (systemägare, förvaltare …) på systemet."
    )
    costs = RegisterConnectionField(lambda: CostType, description="Kostnader bokförda på systemet.")
    contracts = RegisterConnectionField(lambda: ContractType, description="Avtal som omfattar systemet.")
    processing_activities = related_connection(
        models.Application, "processing_activities", "Behandlingar av personuppgifter som utförs i systemet."
    )

    class Meta:
        model = models.Application
        name = "Application"
        fields = [*SERVICE_FIELDS, "management_object", "time_classification"]
        filterset_class = filters.ApplicationFilterSet


class LearningResourceType(ServiceFields, RegisterType):
    """A lärresurs: a digital textbook, app, platform or tool used in teaching."""

    capabilities = RegisterConnectionField(
        lambda: CapabilityType, description="Verksamhetsförmågor resursen stöder."
    )
    organisations = RegisterConnectionField(
        lambda: OrganisationType, description="Organisationer som använder resursen."
    )
    usages = RegisterConnectionField(
        lambda: LearningResourceUsageType, description="Användning per organisation, med antal användare."
    )
    roles = RegisterConnectionField(lambda: RoleAssignmentType, description="Roller på lärresursen.")
    costs = RegisterConnectionField(lambda: CostType, description="Kostnader bokförda på lärresursen.")
    contracts = RegisterConnectionField(lambda: ContractType, description="Avtal som omfattar lärresursen.")
    processing_activities = related_connection(
        models.LearningResource, "processing_activities", "Behandlingar av personuppgifter i lärresursen."
    )

    class Meta:
        model = models.LearningResource
        name = "LearningResource"
        fields = [
            *SERVICE_FIELDS, "kind", "subjects", "school_year_from", "school_year_to", "licence_model",
            "approval_status",
        ]
        filterset_class = filters.LearningResourceFilterSet


class ManagementObjectType(RegisterType):
    """A förvaltningsobjekt: the unit PM3 manages, owns and budgets, grouping systems."""

    applications = RegisterConnectionField(
        lambda: ApplicationType, description="System i förvaltningsobjektet."
    )
    plans = RegisterConnectionField(lambda: ManagementPlanType, description="Förvaltningsplaner, en per år.")
    roles = RegisterConnectionField(lambda: RoleAssignmentType, description="Roller på förvaltningsobjektet.")
    costs = RegisterConnectionField(
        lambda: CostType, description="Kostnader bokförda på förvaltningsobjektet."
    )

    class Meta:
        model = models.ManagementObject
        name = "ManagementObject"
        fields = [*REGISTER_FIELDS, "name", "description", "owner_organisation", "external_id"]
        filterset_class = filters.ManagementObjectFilterSet


class ManagementPlanType(RegisterType):
    """A förvaltningsplan: one object's plan and budget for one year, split into PM3's four parts."""

    budget_total = MultiField(
        graphene.Decimal, fields=list(models.ManagementPlan.BUDGET_FIELDS.values()), required=True,
        description="Summa av de fyra budgetdelarna (kr).",
    )

    class Meta:
        model = models.ManagementPlan
        name = "ManagementPlan"
        fields = [
            *REGISTER_FIELDS, "management_object", "year", "status", "approved_on",
            "budget_business_maintenance", "budget_business_development",
            "budget_it_maintenance", "budget_it_development", "goals",
        ]
        filterset_class = filters.ManagementPlanFilterSet

    @staticmethod
    def resolve_budget_total(root, info):
        return root.budget_total


class PersonType(RegisterType):
    """Someone who holds a role: objektägare, systemägare, dataskyddsombud …"""

    roles = RegisterConnectionField(lambda: RoleAssignmentType, description="Personens roller.")

    class Meta:
        model = models.Person
        name = "Person"
        fields = [*REGISTER_FIELDS, "name", "email", "title", "organisation", "active", "external_id"]
        filterset_class = filters.PersonFilterSet


class RoleAssignmentType(RegisterType):
    """That a person holds a role on one förvaltningsobjekt, system, learning resource or organisation."""

    class Meta:
        model = models.RoleAssignment
        name = "RoleAssignment"
        fields = [
            *REGISTER_FIELDS, "person", "role", "management_object", "application", "learning_resource",
            "organisation", "starts_on", "ends_on",
        ]
        filterset_class = filters.RoleAssignmentFilterSet


class CostType(RegisterType):
    """An amount in SEK for one year on a förvaltningsobjekt, system or learning resource."""

    class Meta:
        model = models.Cost
        name = "Cost"
        fields = [
            *REGISTER_FIELDS, "amount", "year", "management_object", "application", "learning_resource",
            "category", "kind", "pm3_part", "description", "external_id",
        ]
        filterset_class = filters.CostFilterSet


class ContractType(RegisterType):
    """An avtal with a vendor covering some services; ``dpaSignedOn`` is its Art. 28 processor agreement."""

    applications = RegisterConnectionField(
        lambda: ApplicationType, description="System som avtalet omfattar."
    )
    learning_resources = RegisterConnectionField(
        lambda: LearningResourceType, description="Lärresurser som avtalet omfattar."
    )

    class Meta:
        model = models.Contract
        name = "Contract"
        fields = [
            *REGISTER_FIELDS, "name", "vendor", "procurement_reference", "starts_on", "ends_on",
            "notice_months",            "annual_value", "dpa_signed_on", "subprocessors", "external_id",
        ]
        filterset_class = filters.ContractFilterSet


class DataFlowType(RegisterType):
    """An integration: data sent from a system or learning resource (or an outside party) to another."""

    class Meta:
        model = models.DataFlow
        name = "DataFlow"
        fields = [
            *REGISTER_FIELDS, "name", "source_application", "source_learning_resource", "source_external",
            "target_application", "target_learning_resource", "target_external", "description",
            "processes_personal_data", "personal_data_categories", "method", "frequency", "operated_by",
            "external_id",
        ]
        filterset_class = filters_dataflows.DataFlowFilterSet

"""GraphQL types of the portfolio: one per model, each filtered by that model's own FilterSet."""

import contextlib

import graphene
from query_optimizer import MultiField, RelatedField

from portfolio import filters, filters_dataflows, models
from portfolio.choices import LearningResourceKind, ServiceKind
from portfolio.graphql.base import RegisterConnectionField, RegisterType, related_connection

__all__ = [
    "ApplicationType",
    "ServiceInterface",
    "SsoEvidenceType",
    "ServiceUsageType",
    "CapabilityType",
    "ContractType",
    "CostType",
    "DataFlowType",
    "LearningResourceType",
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


class SsoEvidenceType(graphene.ObjectType):
    """Whether a service is behind single sign-on, and where that comes from."""

    class Meta:
        name = "SsoEvidence"

    status = graphene.String(
        required=True,
        description="”sso” (federerad inloggning: SAML, OpenID Connect, Google-inloggning), "
        "”password_vaulting” (lösenordsvalv: inte federation) eller ”no_sso”.",
    )
    measured = graphene.Boolean(
        required=True,
        description="Sant när statusen är observerad hos en identitetsleverantör; falskt när den är "
        "härledd ur tjänstens angivna inloggningsmetod och identitetsleverantör.",
    )
    mode = graphene.String(
        description="Observerat inloggningssätt: saml, oidc, oauth, password eller none; null när angiven."
    )
    source = graphene.String(
        required=True, description="Identitetsleverantören som observerade inloggningen, eller ”angiven”."
    )
    observed_at = graphene.Date(description="Senaste observerade inloggning; null när angiven.")
    sign_ins = graphene.Int(
        description="Lyckade inloggningar under den senast mätta perioden; null när angiven."
    )


#: The columns the declared status reads; loaded by the loader and the optimizer alike.
SSO_COLUMNS = ["authentication", "identity_provider"]


class ServiceInterface(graphene.Interface):
    """What every service has, a system (``Application``) or a learning resource (``LearningResource``)."""

    class Meta:
        name = "Service"

    # Descriptions come from the implementing types' model fields (config.graphql.descriptions).
    name = graphene.String(required=True)
    external_id = graphene.String(required=True)
    lifecycle_status = graphene.String(required=True)
    processes_personal_data = graphene.Boolean(required=True)
    # A MultiField over the row's own columns: the loader and the optimizer load them with the
    # page; the observed evidence is read once per request for every service (portfolio.evidence).
    sso_evidence = MultiField(
        SsoEvidenceType,
        fields=SSO_COLUMNS,
        required=True,
        description="SSO-status härledd ur identitetsleverantörernas inloggningar där de finns "
        "(uppmätt), annars ur den angivna inloggningsmetoden (angiven). Med asOf alltid den "
        "angivna: inloggningarna har ingen historik.",
    )

    @classmethod
    def resolve_type(cls, instance, info):
        return ApplicationType if instance.kind == ServiceKind.APPLICATION else LearningResourceType


class KindRelatedField(RelatedField):
    """A service key offered per kind: ``application`` is the ``service`` when it is a system."""

    def __init__(self, type_, /, *, field_name: str, kind: str, **kwargs):
        self.service_kind = kind
        super().__init__(type_, field_name=field_name, **kwargs)

    def related_resolver(self, root, info):
        from portfolio.graphql.base import snapshot_related

        service = snapshot_related(root, self.field_name)
        if service is None or service.kind != self.service_kind:
            return None
        return service


def _service_ends(key: str, description: str) -> tuple[KindRelatedField, KindRelatedField]:
    """The fields (system, learning resource) that offer the service key ``key`` per kind."""
    return (
        KindRelatedField(
            lambda: ApplicationType, field_name=key, kind=ServiceKind.APPLICATION,
            description=f"{description}, när den är ett system.",
        ),
        KindRelatedField(
            lambda: LearningResourceType, field_name=key, kind=ServiceKind.LEARNING_RESOURCE,
            description=f"{description}, när den är en lärresurs.",
        ),
    )


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

    applications = RegisterConnectionField(
        lambda: ApplicationType, field_name="services", description="Leverantörens system."
    )
    learningresources = RegisterConnectionField(
        lambda: LearningResourceType, field_name="services", description="Leverantörens lärresurser."
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
    applications = RegisterConnectionField(
        lambda: ApplicationType, field_name="services", description="System med förmågan."
    )
    learning_resources = RegisterConnectionField(
        lambda: LearningResourceType, field_name="services", description="Lärresurser med förmågan."
    )

    class Meta:
        model = models.Capability
        name = "Capability"
        fields = [*REGISTER_FIELDS, "name", "parent", "description"]
        filterset_class = filters.CapabilityFilterSet


class ServiceUsageType(RegisterType):
    """That an organisation (usually a skolenhet) uses a service, and by how many users."""

    application, learning_resource = _service_ends("service", "Tjänsten")

    class Meta:
        model = models.ServiceUsage
        name = "ServiceUsage"
        fields = [*REGISTER_FIELDS, "organisation", "users"]


def _observed_sso(info) -> dict:
    """Every service's observed sign-on, read once per request (two queries with the discovery
    provider): a page of services costs the same whatever its size."""
    from portfolio import evidence

    holder = info.context
    cached = getattr(holder, "_observed_sso", None) if holder is not None else None
    if cached is None:
        cached = evidence.observed_sso()
        if holder is not None:
            with contextlib.suppress(AttributeError):  # a context that takes no attributes
                holder._observed_sso = cached
    return cached


def sso_evidence(service, observed: dict) -> SsoEvidenceType:
    seen = observed.get(service.pk)
    if seen is not None:
        status = "sso" if seen.federated else ("password_vaulting" if seen.is_password_vaulting else "no_sso")
        return SsoEvidenceType(
            status=status,
            measured=True,
            mode=seen.mode,
            source=seen.source,
            observed_at=seen.observed_at,
            sign_ins=seen.sign_ins,
        )
    return SsoEvidenceType(
        status="sso" if service.is_sso else "no_sso", measured=False, mode=None, source="angiven",
        observed_at=None, sign_ins=None,
    )  # fmt: skip


class ServiceFields:
    """Resolvers shared by systems and learning resources."""

    @staticmethod
    def resolve_sso_evidence(root, info) -> SsoEvidenceType:
        # Measured evidence keeps no history: a row of an as-of answer shows the sign-on as it
        # was registered then, never today's sign-ins passed off as the past's.
        observed = {} if getattr(root, "_snapshot", None) is not None else _observed_sso(info)
        return sso_evidence(root, observed)

    @staticmethod
    def resolve_data_location(root, info) -> str:
        return root.data_location.code or ""

    @classmethod
    def is_type_of(cls, root, info) -> bool:
        # A row of the service table (an as-of answer reads history; a nested list over a relation
        # reads the table) is of this type by its kind. Lists are filtered by kind before they get
        # here, so a row whose kind was not loaded is not read again just to check it.
        if type(root) is cls._meta.model:
            return True
        if not isinstance(root, models.Service):
            return False
        kind = root.__dict__.get("kind")
        return kind is None or kind == cls._meta.model.KIND

    is_type_of.__func__.ignores_info = True

    @classmethod
    def get_node(cls, info, pk):
        # The optimizer plans ``node(id:)`` on the concrete model (the service table), which has
        # no type of its own; one service is read directly, of this type's kind.
        if not cls.can_view(info):
            return None
        return cls._meta.model._default_manager.filter(pk=pk).first()

    @classmethod
    def filter_queryset(cls, queryset, info):
        # A nested list over a relation to the service table (a vendor's ``applications``) holds
        # the rows of this type's kind only.
        return super().filter_queryset(queryset, info).filter(kind=cls._meta.model.KIND)


def _service_relations(model: type, the: str) -> type:
    """The relations every service has, described for one kind (``the``: "systemet", "lärresursen").

    Built once for both kinds (graphene collects fields from every base class), so a new relation
    of a service is declared here once.
    """
    return type(
        f"{model.__name__}Relations",
        (),
        {
            "capabilities": RegisterConnectionField(
                lambda: CapabilityType, description=f"Verksamhetsförmågor {the} stöder."
            ),
            "organisations": RegisterConnectionField(
                lambda: OrganisationType, description=f"Organisationer som använder {the}."
            ),
            "usages": RegisterConnectionField(
                lambda: ServiceUsageType, description="Användning per organisation, med antal användare."
            ),
            "roles": RegisterConnectionField(
                lambda: RoleAssignmentType, description=f"Roller (systemägare, förvaltare …) på {the}."
            ),
            "costs": RegisterConnectionField(lambda: CostType, description=f"Kostnader bokförda på {the}."),
            "contracts": RegisterConnectionField(
                lambda: ContractType, description=f"Avtal som omfattar {the}."
            ),
            "processing_activities": related_connection(
                model, "processing_activities", f"Behandlingar av personuppgifter som utförs i {the}."
            ),
        },
    )


class ApplicationType(_service_relations(models.Application, "systemet"), ServiceFields, RegisterType):
    """An administrative IT system or service, managed within a förvaltningsobjekt."""

    class Meta:
        model = models.Application
        name = "Application"
        interfaces = (graphene.relay.Node, ServiceInterface)
        fields = [*SERVICE_FIELDS, "management_object", "time_classification"]
        filterset_class = filters.ApplicationFilterSet


class LearningResourceType(
    _service_relations(models.LearningResource, "lärresursen"), ServiceFields, RegisterType
):
    """A lärresurs: a digital textbook, app, platform or tool used in teaching."""

    kind = MultiField(
        graphene.String, fields=["resource_type"], required=True,
        description="Typ. Koder: "
        + ", ".join(f"{code} ({label})" for code, label in LearningResourceKind.choices),
    )

    class Meta:
        model = models.LearningResource
        name = "LearningResource"
        interfaces = (graphene.relay.Node, ServiceInterface)
        fields = [
            *SERVICE_FIELDS, "subjects", "school_year_from", "school_year_to", "licence_model",
            "approval_status",
        ]
        filterset_class = filters.LearningResourceFilterSet

    @staticmethod
    def resolve_kind(root, info) -> str:
        # The column is ``resource_type`` (``kind`` says which kind of service a row is).
        return root.resource_type




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

    application, learning_resource = _service_ends("service", "Tjänsten rollen gäller")

    class Meta:
        model = models.RoleAssignment
        name = "RoleAssignment"
        fields = [
            *REGISTER_FIELDS, "person", "role", "management_object", "organisation", "starts_on", "ends_on",
        ]
        filterset_class = filters.RoleAssignmentFilterSet


class CostType(RegisterType):
    """An amount in SEK for one year on a förvaltningsobjekt, system or learning resource."""

    application, learning_resource = _service_ends("service", "Tjänsten kostnaden gäller")

    class Meta:
        model = models.Cost
        name = "Cost"
        fields = [
            *REGISTER_FIELDS, "amount", "year", "management_object", "category", "kind", "pm3_part",
            "description", "external_id",
        ]
        filterset_class = filters.CostFilterSet


class ContractType(RegisterType):
    """An avtal with a vendor covering some services; ``dpaSignedOn`` is its Art. 28 processor agreement."""

    applications = RegisterConnectionField(
        lambda: ApplicationType, field_name="services", description="System som avtalet omfattar."
    )
    learning_resources = RegisterConnectionField(
        lambda: LearningResourceType, field_name="services", description="Lärresurser som avtalet omfattar."
    )

    class Meta:
        model = models.Contract
        name = "Contract"
        fields = [
            *REGISTER_FIELDS, "name", "vendor", "procurement_reference", "starts_on", "ends_on",
            "notice_months",            "annual_value", "licensed_seats", "dpa_signed_on", "subprocessors",
            "external_id",
        ]
        filterset_class = filters.ContractFilterSet


class DataFlowType(RegisterType):
    """An integration: data sent from a system or learning resource (or an outside party) to another."""

    source_application, source_learning_resource = _service_ends("source_service", "Avsändaren")
    target_application, target_learning_resource = _service_ends("target_service", "Mottagaren")

    class Meta:
        model = models.DataFlow
        name = "DataFlow"
        fields = [
            *REGISTER_FIELDS, "name", "source_external", "target_external", "description",
            "processes_personal_data", "personal_data_categories", "method", "frequency", "operated_by",
            "external_id",
        ]
        filterset_class = filters_dataflows.DataFlowFilterSet

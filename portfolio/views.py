"""The portfolio's register pages: one list, export, detail (with history) and edit per model.

Each register is declared, not programmed: its FilterSet and Form come from ``filters.py`` and
``forms.py`` (the same ones GraphQL and the importer use), its columns and joins are listed
here, and ``views_generic`` does the rest with a fixed number of queries.
"""

from django.utils.translation import gettext_lazy as _

from portfolio import filters, forms
from portfolio.filters_dataflows import DataFlowFilterSet
from portfolio.forms_catalogue import CatalogueProductForm
from portfolio.forms_dataflows import DataFlowForm
from portfolio.models import (
    Application,
    Capability,
    CatalogueProduct,
    Contract,
    ContractService,
    Cost,
    DataFlow,
    LearningResource,
    ManagementObject,
    ManagementPlan,
    Organisation,
    Person,
    RoleAssignment,
    ServiceCapability,
    ServiceUsage,
    Vendor,
)
from portfolio.views_catalogue import CatalogueProductDetail, CatalogueProductList
from portfolio.views_generic import Column, RegisterDetailView, RegisterListView, Section
from portfolio.views_usage import service_users_url

__all__ = ["REGISTERS"]

_ROLE_TARGETS = ("management_object", "service", "organisation")
_COST_TARGETS = ("management_object", "service")

#
# Systems and learning resources
#

SERVICE_FIELDS = [
    "name", "aliases", "vendor", "product", "description", "url", "user_groups", "lifecycle_status",
    "in_use_from", "planned_end", "retired_on", "authentication", "identity_provider", "federation",
    "saml_entity_ids", "provisioning", "mfa", "processes_personal_data", "hosting", "data_location",
    "external_id", "notes", "updated",
]


class ApplicationList(RegisterListView):
    model = Application
    review_kind = "application"
    filterset_class = filters.ApplicationFilterSet
    select_related = ("vendor", "management_object")
    prefetch_related = ("capabilities__parent",)
    columns = [
        Column("name", _("Namn"), order="name", link=True),
        Column("vendor", _("Leverantör"), order="vendor"),
        Column("management_object", _("Förvaltningsobjekt")),
        Column("capabilities", _("Verksamhetsförmågor")),
        Column("lifecycle_status", _("Livscykelstatus"), order="lifecycle_status"),
        Column("authentication", _("Inloggning")),
        Column("identity_provider", _("Identitetsleverantör")),
        Column("federation", _("Federation")),
        Column("processes_personal_data", _("Personuppgifter")),
        Column("updated", _("Ändrad"), order="updated"),
    ]


class LearningResourceList(RegisterListView):
    model = LearningResource
    review_kind = "learning_resource"
    filterset_class = filters.LearningResourceFilterSet
    select_related = ("vendor",)
    prefetch_related = ("capabilities__parent",)
    columns = [
        Column("name", _("Namn"), order="name", link=True),
        Column("vendor", _("Leverantör"), order="vendor"),
        Column("resource_type", _("Typ")),
        Column("capabilities", _("Verksamhetsförmågor")),
        Column("approval_status", _("Godkännande")),
        Column("lifecycle_status", _("Livscykelstatus"), order="lifecycle_status"),
        Column("authentication", _("Inloggning")),
        Column("federation", _("Federation")),
        Column("updated", _("Ändrad"), order="updated"),
    ]


def _service_sections(obj, users_url: str | None = None) -> list[Section]:
    """What a system and a learning resource share on their pages: one query per section.

    ``users_url`` is the page setting the users per school, for those who may change them.
    """
    return [
        Section(
            _("Verksamhetsförmågor"),
            ServiceCapability.objects.filter(service=obj).select_related("capability__parent"),
            [Column("capability", _("Förmåga"))],
            _("Inga förmågor registrerade."),
        ),
        Section(
            _("Ägare och roller"),
            obj.roles.select_related("person").order_by("role", "person__name"),
            [
                Column("role", _("Roll"), link=True),
                Column("person", _("Person")),
                Column("person.email", _("E-post")),
                Column("starts_on", _("Från")),
                Column("ends_on", _("Till")),
            ],
            _("Inga roller registrerade."),
        ),
        Section(
            _("Används av"),
            ServiceUsage.objects.filter(service=obj)
            .select_related("organisation")
            .order_by("organisation__name"),
            [
                Column("organisation", _("Organisation")),
                Column("organisation.kind", _("Typ")),
                Column("users", _("Användare"), numeric=True),
            ],
            _("Ingen skola eller enhet registrerad."),
            action_url=users_url,
            action_label=_("Ändra antal användare per skola"),
        ),
        Section(
            _("Kostnader"),
            obj.costs.order_by("-year", "pk"),
            [
                Column("year", _("År"), link=True),
                Column("kind", _("Budget/utfall")),
                Column("category", _("Kategori")),
                Column("pm3_part", _("PM3-del")),
                Column("amount", _("Belopp (kr)"), numeric=True),
            ],
            _("Inga kostnader registrerade."),
        ),
        Section(
            _("Avtal"),
            ContractService.objects.filter(service=obj).select_related("contract__vendor"),
            [
                Column("contract", _("Avtal")),
                Column("contract.ends_on", _("Slutar")),
                Column("contract.dpa_signed_on", _("PUB-avtal undertecknat")),
            ],
            _("Inga avtal registrerade."),
        ),
        Section(
            _("Personuppgiftsbehandlingar"),
            obj.processing_activities.select_related("controller").order_by("name", "pk"),
            [
                Column("name", _("Behandling"), link=True),
                Column("controller", _("Personuppgiftsansvarig")),
                Column("status", _("Status")),
                Column("last_reviewed_on", _("Senast granskad")),
            ],
            _("Inga behandlingar registrerade."),
        ),
    ]


class ApplicationDetail(RegisterDetailView):
    model = Application
    select_related = ("vendor", "management_object")
    fields = [*SERVICE_FIELDS[:6], "management_object", "time_classification", *SERVICE_FIELDS[6:]]

    def sections(self, obj):
        return _service_sections(obj, service_users_url(self.request.user, obj))

    def more_context(self, obj):
        return {"show_dataflows": True}


class LearningResourceDetail(RegisterDetailView):
    model = LearningResource
    select_related = ("vendor",)
    fields = [
        *SERVICE_FIELDS[:6], "resource_type", "subjects", "school_year_from", "school_year_to",
        "licence_model",
        "approval_status", *SERVICE_FIELDS[6:],
    ]

    def sections(self, obj):
        return _service_sections(obj, service_users_url(self.request.user, obj))

    def more_context(self, obj):
        return {"show_dataflows": True}


#
# PM3: förvaltningsobjekt and plans
#


class ManagementObjectList(RegisterListView):
    model = ManagementObject
    review_kind = "management_object"
    filterset_class = filters.ManagementObjectFilterSet
    select_related = ("owner_organisation",)
    columns = [
        Column("name", _("Namn"), order="name", link=True),
        Column("owner_organisation", _("Ägande förvaltning")),
        Column("description", _("Beskrivning")),
    ]


class ManagementObjectDetail(RegisterDetailView):
    model = ManagementObject
    select_related = ("owner_organisation",)
    fields = ["name", "description", "owner_organisation", "external_id", "updated"]

    def sections(self, obj):
        return [
            Section(
                _("System"),
                obj.applications.select_related("vendor").order_by("name", "pk"),
                [
                    Column("name", _("System"), link=True),
                    Column("vendor", _("Leverantör")),
                    Column("lifecycle_status", _("Livscykelstatus")),
                    Column("time_classification", _("TIME-klassning")),
                ],
                _("Inga system i objektet."),
            ),
            Section(
                _("Roller"),
                obj.roles.select_related("person").order_by("role", "person__name"),
                [
                    Column("role", _("Roll"), link=True),
                    Column("person", _("Person")),
                    Column("person.email", _("E-post")),
                    Column("ends_on", _("Till")),
                ],
                _("Inga roller registrerade: PM3 kräver objektägare och förvaltningsledare."),
            ),
            Section(
                _("Förvaltningsplaner och budget per PM3-del"),
                obj.plans.order_by("-year"),
                [
                    Column("year", _("År"), link=True),
                    Column("status", _("Status")),
                    Column("budget_business_maintenance", _("Verksamhet – vidmakthållande"), numeric=True),
                    Column("budget_business_development", _("Verksamhet – vidareutveckling"), numeric=True),
                    Column("budget_it_maintenance", _("IT – vidmakthållande"), numeric=True),
                    Column("budget_it_development", _("IT – vidareutveckling"), numeric=True),
                    Column("budget_total", _("Summa"), numeric=True),
                ],
                _("Ingen förvaltningsplan registrerad."),
            ),
            Section(
                _("Kostnader"),
                obj.costs.order_by("-year", "pk"),
                [
                    Column("year", _("År"), link=True),
                    Column("kind", _("Budget/utfall")),
                    Column("category", _("Kategori")),
                    Column("pm3_part", _("PM3-del")),
                    Column("amount", _("Belopp (kr)"), numeric=True),
                ],
                _("Inga kostnader registrerade."),
            ),
        ]


class ManagementPlanList(RegisterListView):
    model = ManagementPlan
    filterset_class = filters.ManagementPlanFilterSet
    select_related = ("management_object",)
    columns = [
        Column("management_object", _("Förvaltningsobjekt"), order="management_object"),
        Column("year", _("År"), order="year", link=True),
        Column("status", _("Status")),
        Column("approved_on", _("Fastställd")),
        Column("budget_total", _("Budget (kr)"), numeric=True),
    ]


class ManagementPlanDetail(RegisterDetailView):
    model = ManagementPlan
    select_related = ("management_object",)
    fields = [
        "management_object", "year", "status", "approved_on", "budget_business_maintenance",
        "budget_business_development", "budget_it_maintenance", "budget_it_development", "goals", "updated",
    ]


#
# Vendors and contracts
#


class VendorList(RegisterListView):
    model = Vendor
    filterset_class = filters.VendorFilterSet
    columns = [
        Column("name", _("Namn"), order="name", link=True),
        Column("country", _("Land"), order="country", value=lambda v: v.country.name if v.country else ""),
        Column("organisation_number", _("Organisationsnummer")),
        Column("dpf_listed", _("Data Privacy Framework")),
        Column("website", _("Webbplats")),
    ]


class VendorDetail(RegisterDetailView):
    model = Vendor
    fields = [
        "name", "organisation_number", "country", "dpf_listed", "website", "external_id", "notes", "updated",
    ]

    def sections(self, obj):
        return [
            Section(
                _("Avtal och personuppgiftsbiträdesavtal"),
                obj.contracts.order_by("name", "pk"),
                [
                    Column("name", _("Avtal"), link=True),
                    Column("starts_on", _("Start")),
                    Column("ends_on", _("Slut")),
                    Column("annual_value", _("Årligt värde (kr)"), numeric=True),
                    Column("dpa_signed_on", _("PUB-avtal undertecknat")),
                    Column("subprocessors", _("Underbiträden")),
                ],
                _("Inga avtal registrerade."),
            ),
            Section(
                _("System"),
                Application.objects.filter(vendor=obj).order_by("name", "pk"),
                [Column("name", _("System"), link=True), Column("lifecycle_status", _("Livscykelstatus"))],
                _("Inga system från leverantören."),
            ),
            Section(
                _("Lärresurser"),
                LearningResource.objects.filter(vendor=obj).order_by("name", "pk"),
                [Column("name", _("Lärresurs"), link=True), Column("lifecycle_status", _("Livscykelstatus"))],
                _("Inga lärresurser från leverantören."),
            ),
        ]

    def more_context(self, obj):
        return {"third_country": obj.is_third_country}


class ContractList(RegisterListView):
    model = Contract
    filterset_class = filters.ContractFilterSet
    select_related = ("vendor",)
    columns = [
        Column("name", _("Benämning"), order="name", link=True),
        Column("vendor", _("Leverantör")),
        Column("starts_on", _("Start")),
        Column("ends_on", _("Slut"), order="ends_on"),
        Column("annual_value", _("Årligt värde (kr)"), order="annual_value", numeric=True),
        Column("dpa_signed_on", _("PUB-avtal undertecknat")),
    ]


class ContractDetail(RegisterDetailView):
    model = Contract
    select_related = ("vendor",)
    fields = [
        "name", "vendor", "procurement_reference", "starts_on", "ends_on", "notice_months", "annual_value",
        "licensed_seats", "dpa_signed_on", "subprocessors", "external_id", "updated",
    ]

    def sections(self, obj):
        return [
            Section(
                _("System"),
                Application.objects.filter(contracts=obj).order_by("name", "pk"),
                [Column("name", _("System"), link=True)],
                _("Inga system i avtalet."),
            ),
            Section(
                _("Lärresurser"),
                LearningResource.objects.filter(contracts=obj).order_by("name", "pk"),
                [Column("name", _("Lärresurs"), link=True)],
                _("Inga lärresurser i avtalet."),
            ),
        ]

    def more_context(self, obj):
        return {"notice_deadline": obj.notice_deadline}


#
# Costs
#


def _target(obj):
    return obj.target


class CostList(RegisterListView):
    model = Cost
    filterset_class = filters.CostFilterSet
    select_related = _COST_TARGETS
    columns = [
        Column("year", _("År"), order="year", link=True),
        Column("target", _("Avser"), value=_target),
        Column("kind", _("Budget/utfall")),
        Column("category", _("Kategori")),
        Column("pm3_part", _("PM3-del")),
        Column("amount", _("Belopp (kr)"), order="amount", numeric=True),
        Column("description", _("Beskrivning")),
    ]


class CostDetail(RegisterDetailView):
    model = Cost
    select_related = _COST_TARGETS
    fields = [
        "amount", "year", "management_object", "service", "category", "kind",
        "pm3_part", "description", "external_id", "updated",
    ]


#
# Organisations, capabilities, people and roles
#


class OrganisationList(RegisterListView):
    model = Organisation
    filterset_class = filters.OrganisationFilterSet
    select_related = ("parent",)
    columns = [
        Column("name", _("Namn"), order="name", link=True),
        Column("kind", _("Typ"), order="kind"),
        Column("parent", _("Överordnad")),
        Column("school_form", _("Skolform")),
        Column("school_unit_code", _("Skolenhetskod")),
        Column("active", _("Aktiv")),
    ]


class OrganisationDetail(RegisterDetailView):
    model = Organisation
    select_related = ("parent",)
    fields = [
        "name", "kind", "parent", "school_form", "organisation_number", "school_unit_code", "external_id",
        "contact_email", "dpo_contact", "active", "updated",
    ]

    def sections(self, obj):
        return [
            Section(
                _("Underliggande organisationer"),
                obj.children.order_by("name", "pk"),
                [Column("name", _("Namn"), link=True), Column("kind", _("Typ"))],
                _("Inga underliggande organisationer."),
            ),
            Section(
                _("System som används"),
                obj.service_usages.filter(service__kind="application").select_related("service")
                .order_by("service__name"),
                [Column("service", _("System")), Column("users", _("Användare"), numeric=True)],
                _("Inga system registrerade."),
            ),
            Section(
                _("Lärresurser som används"),
                obj.service_usages.filter(service__kind="learning_resource").select_related("service")
                .order_by("service__name"),
                [Column("service", _("Lärresurs")), Column("users", _("Användare"), numeric=True)],
                _("Inga lärresurser registrerade."),
            ),
        ]


class CapabilityList(RegisterListView):
    model = Capability
    filterset_class = filters.CapabilityFilterSet
    select_related = ("parent",)
    columns = [
        Column("name", _("Namn"), order="name", link=True),
        Column("parent", _("Område")),
        Column("description", _("Beskrivning")),
    ]


class CapabilityDetail(RegisterDetailView):
    model = Capability
    select_related = ("parent",)
    fields = ["name", "parent", "description", "updated"]

    def sections(self, obj):
        return [
            Section(
                _("Förmågor inom området"),
                obj.children.order_by("name", "pk"),
                [Column("name", _("Förmåga"), link=True)],
                _("Inga underliggande förmågor."),
            ),
            Section(
                _("System"),
                Application.objects.filter(capabilities=obj).select_related("vendor").order_by("name", "pk"),
                [Column("name", _("System"), link=True), Column("vendor", _("Leverantör"))],
                _("Inga system med förmågan."),
            ),
            Section(
                _("Lärresurser"),
                LearningResource.objects.filter(capabilities=obj).select_related("vendor")
                .order_by("name", "pk"),
                [Column("name", _("Lärresurs"), link=True), Column("vendor", _("Leverantör"))],
                _("Inga lärresurser med förmågan."),
            ),
        ]


class PersonList(RegisterListView):
    model = Person
    filterset_class = filters.PersonFilterSet
    select_related = ("organisation",)
    columns = [
        Column("name", _("Namn"), order="name", link=True),
        Column("email", _("E-post")),
        Column("title", _("Titel")),
        Column("organisation", _("Organisation")),
        Column("active", _("Aktiv")),
    ]


class PersonDetail(RegisterDetailView):
    model = Person
    select_related = ("organisation",)
    fields = ["name", "email", "title", "organisation", "active", "external_id", "updated"]

    def sections(self, obj):
        return [
            Section(
                _("Roller"),
                obj.roles.select_related(*_ROLE_TARGETS).order_by("role", "pk"),
                [
                    Column("role", _("Roll"), link=True),
                    Column("target", _("Avser"), value=_target),
                    Column("starts_on", _("Från")),
                    Column("ends_on", _("Till")),
                ],
                _("Inga roller."),
            )
        ]


class RoleAssignmentList(RegisterListView):
    model = RoleAssignment
    filterset_class = filters.RoleAssignmentFilterSet
    select_related = ("person", *_ROLE_TARGETS)
    columns = [
        Column("role", _("Roll"), order="role", link=True),
        Column("person", _("Person"), order="person"),
        Column("target", _("Avser"), value=_target),
        Column("starts_on", _("Från")),
        Column("ends_on", _("Till"), order="ends_on"),
    ]


class RoleAssignmentDetail(RegisterDetailView):
    model = RoleAssignment
    select_related = ("person", *_ROLE_TARGETS)
    fields = ["person", "role", *_ROLE_TARGETS, "starts_on", "ends_on", "updated"]


_FLOW_ENDS = ("source_service", "target_service")


def _source(obj):
    return obj.source


class DataFlowList(RegisterListView):
    model = DataFlow
    filterset_class = DataFlowFilterSet
    select_related = _FLOW_ENDS
    columns = [
        Column("name", _("Benämning"), order="name", link=True),
        Column("source", _("Från"), value=_source),
        Column("target", _("Till"), value=_target),
        Column("method", _("Överföringssätt"), order="method"),
        Column("frequency", _("Frekvens")),
        Column("processes_personal_data", _("Personuppgifter")),
    ]


class DataFlowDetail(RegisterDetailView):
    model = DataFlow
    select_related = (*_FLOW_ENDS, "operated_by")
    fields = [
        "name", *_FLOW_ENDS, "source_external", "target_external", "description", "processes_personal_data",
        "personal_data_categories", "method", "frequency", "operated_by", "external_id", "updated",
    ]


#: (URL prefix, model, list view, detail view, form) of every register, in menu order.
REGISTERS = [
    ("system", Application, ApplicationList, ApplicationDetail, forms.ApplicationForm),
    ("larresurser", LearningResource, LearningResourceList, LearningResourceDetail,
     forms.LearningResourceForm),
    ("forvaltningsobjekt", ManagementObject, ManagementObjectList, ManagementObjectDetail,
     forms.ManagementObjectForm),
    ("forvaltningsplaner", ManagementPlan, ManagementPlanList, ManagementPlanDetail,
     forms.ManagementPlanForm),
    ("leverantorer", Vendor, VendorList, VendorDetail, forms.VendorForm),
    ("avtal", Contract, ContractList, ContractDetail, forms.ContractForm),
    ("kostnader", Cost, CostList, CostDetail, forms.CostForm),
    ("organisationer", Organisation, OrganisationList, OrganisationDetail, forms.OrganisationForm),
    ("formagor", Capability, CapabilityList, CapabilityDetail, forms.CapabilityForm),
    ("personer", Person, PersonList, PersonDetail, forms.PersonForm),
    ("roller", RoleAssignment, RoleAssignmentList, RoleAssignmentDetail, forms.RoleAssignmentForm),
    ("datafloden", DataFlow, DataFlowList, DataFlowDetail, DataFlowForm),
    ("produktkatalog/egna", CatalogueProduct, CatalogueProductList, CatalogueProductDetail,
     CatalogueProductForm),
]

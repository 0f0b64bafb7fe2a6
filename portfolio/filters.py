"""The FilterSets of the portfolio: one per model, serving the HTML list, the GraphQL connection
and the export alike (docs/architecture.md, principle 1)."""

import django_filters as filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portfolio.choices import (
    ApprovalStatus,
    AuthenticationMethod,
    CostCategory,
    CostKind,
    Federation,
    IdentityProvider,
    LearningResourceKind,
    LifecycleStatus,
    OrganisationKind,
    PlanStatus,
    Pm3Part,
    RoleChoices,
    SchoolForm,
    ServiceKind,
    TimeClassification,
)
from portfolio.countries import order_by_country_name
from portfolio.models import (
    SSO_CONDITION,
    Application,
    Capability,
    Contract,
    Cost,
    LearningResource,
    ManagementObject,
    ManagementPlan,
    Organisation,
    Person,
    RoleAssignment,
    Service,
    Vendor,
)
from portfolio.text import fold

__all__ = [
    "AllServicesFilterSet",
    "ApplicationFilterSet",
    "CapabilityFilterSet",
    "ContractFilterSet",
    "CostFilterSet",
    "LearningResourceFilterSet",
    "ManagementObjectFilterSet",
    "ManagementPlanFilterSet",
    "OrganisationFilterSet",
    "PersonFilterSet",
    "RoleAssignmentFilterSet",
    "SearchFilterSet",
    "VendorFilterSet",
]


class SearchFilterSet(filters.FilterSet):
    """Adds ``q``: free text over the folded ``search_text`` (alike on SQLite and PostgreSQL)."""

    q = filters.CharFilter(label=_("Sök"), method="search")

    def search(self, queryset, name, value):
        value = fold(value)
        if not value:
            return queryset
        for word in value.split():
            queryset = queryset.filter(search_text__contains=word)
        return queryset


def _organisation_subtree(queryset, lookup: str, organisations):
    """Rows linked through ``lookup`` to any of ``organisations`` or an organisation below them."""
    if not organisations:
        return queryset
    subtree = Organisation.objects.subtree_of_any(list(organisations)).values("pk")
    return queryset.filter(**{f"{lookup}__in": subtree}).distinct()


class OrganisationFilterSet(SearchFilterSet):
    within = filters.ModelMultipleChoiceFilter(
        label=_("Inom organisation"), queryset=Organisation.objects.all(), method="filter_within"
    )
    kind = filters.MultipleChoiceFilter(label=_("Typ"), choices=OrganisationKind.choices)
    school_form = filters.MultipleChoiceFilter(label=_("Skolform"), choices=SchoolForm.choices)
    ordering = filters.OrderingFilter(fields=(("name", "name"), ("kind", "kind"), ("path", "path")))

    class Meta:
        model = Organisation
        fields = ["q", "kind", "school_form", "parent", "active", "within"]

    def filter_within(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(pk__in=Organisation.objects.subtree_of_any(list(value)).values("pk"))


class CountryNameOrderingFilter(filters.OrderingFilter):
    """Ordering in which ``country`` means the country's name in the reader's alphabet, not its code.

    Other fields order as usual; the country is ranked by :func:`portfolio.countries.order_by_country_name`.
    """

    def filter(self, qs, value):
        fields = [field for field in (value or []) if field]
        if fields and fields[0].lstrip("-") == "country":
            return order_by_country_name(qs, "country", descending=fields[0].startswith("-"))
        return super().filter(qs, value)


class VendorFilterSet(SearchFilterSet):
    third_country = filters.BooleanFilter(label=_("Utanför EU/EES"), method="filter_third_country")
    ordering = CountryNameOrderingFilter(fields=(("name", "name"), ("country", "country")))

    class Meta:
        model = Vendor
        fields = ["q", "country", "dpf_listed", "third_country"]

    def filter_third_country(self, queryset, name, value):
        if value is None:
            return queryset
        third = Vendor.objects.third_country().values("pk")
        return queryset.filter(pk__in=third) if value else queryset.exclude(pk__in=third)


class CapabilityFilterSet(SearchFilterSet):
    top_level = filters.BooleanFilter(label=_("Endast områden"), field_name="parent", lookup_expr="isnull")
    ordering = filters.OrderingFilter(fields=(("name", "name"),))

    class Meta:
        model = Capability
        fields = ["q", "parent", "top_level"]


class ServiceFilterSet(SearchFilterSet):
    """What systems and learning resources are filtered by."""

    vendor = filters.ModelMultipleChoiceFilter(label=_("Leverantör"), queryset=Vendor.objects.all())
    capability = filters.ModelMultipleChoiceFilter(
        label=_("Verksamhetsförmåga"), queryset=Capability.objects.all(), method="filter_capability"
    )
    organisation = filters.ModelMultipleChoiceFilter(
        label=_("Används av (inkl. underliggande)"),
        queryset=Organisation.objects.all(),
        method="filter_organisation",
    )
    lifecycle_status = filters.MultipleChoiceFilter(
        label=_("Livscykelstatus"), choices=LifecycleStatus.choices
    )
    authentication = filters.MultipleChoiceFilter(
        label=_("Inloggningsmetod"), choices=AuthenticationMethod.choices
    )
    identity_provider = filters.MultipleChoiceFilter(
        label=_("Identitetsleverantör"), choices=IdentityProvider.choices
    )
    federation = filters.MultipleChoiceFilter(label=_("Federation"), choices=Federation.choices)
    in_federation = filters.BooleanFilter(label=_("Ansluten till federation"), method="filter_in_federation")
    sso = filters.BooleanFilter(label=_("Bakom single sign-on"), method="filter_sso")
    processes_personal_data = filters.BooleanFilter(label=_("Behandlar personuppgifter"))
    min_organisations = filters.NumberFilter(
        label=_("Används av minst antal organisationer"), method="filter_min_organisations"
    )
    ordering = filters.OrderingFilter(
        fields=(
            ("name", "name"),
            ("vendor__name", "vendor"),
            ("lifecycle_status", "lifecycle_status"),
            ("updated", "updated"),
        )
    )

    usage_lookup = "usages__organisation"
    capability_lookup = "capability_links__capability"

    def filter_queryset(self, queryset):
        # A kind's FilterSet selects rows of its kind, whatever the queryset it is given (a
        # nested GraphQL list over a relation to the service table starts from every service).
        kind = getattr(self._meta.model, "KIND", None)
        if kind is not None:
            queryset = queryset.filter(kind=kind)
        return super().filter_queryset(queryset)

    def filter_capability(self, queryset, name, value):
        if not value:
            return queryset
        pks = [c.pk for c in value]
        # An area (top level) matches every capability under it.
        return queryset.filter(
            Q(**{f"{self.capability_lookup}__in": pks}) | Q(**{f"{self.capability_lookup}__parent__in": pks})
        ).distinct()

    def filter_organisation(self, queryset, name, value):
        return _organisation_subtree(queryset, self.usage_lookup, value)

    def filter_in_federation(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.exclude(federation="") if value else queryset.filter(federation="")

    def filter_sso(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(SSO_CONDITION) if value else queryset.exclude(SSO_CONDITION)

    def filter_min_organisations(self, queryset, name, value):
        if value is None:
            return queryset
        from django.db.models import Count

        matching = (
            queryset.model.objects.annotate(_orgs=Count("usages", distinct=True))
            .filter(_orgs__gte=value)
            .values("pk")
        )
        return queryset.filter(pk__in=matching)


#: The filters every service list has, in the order its form shows them (search first, the
#: count of organisations last, a kind's own filters between).
SERVICE_FILTER_FIELDS = (
    "vendor",
    "capability",
    "organisation",
    "lifecycle_status",
    "authentication",
    "identity_provider",
    "federation",
    "in_federation",
    "sso",
    "processes_personal_data",
)


def service_filter_fields(*own: str, after_q: tuple[str, ...] = ()) -> list[str]:
    """A service FilterSet's ``Meta.fields``: the shared filters with a kind's ``own`` after them."""
    return ["q", *after_q, *SERVICE_FILTER_FIELDS, *own, "min_organisations"]


class ApplicationFilterSet(ServiceFilterSet):
    management_object = filters.ModelMultipleChoiceFilter(
        label=_("Förvaltningsobjekt"), queryset=ManagementObject.objects.all()
    )
    time_classification = filters.MultipleChoiceFilter(
        label=_("TIME-klassning"), choices=TimeClassification.choices
    )

    class Meta:
        model = Application
        fields = service_filter_fields("management_object", "time_classification")


class AllServicesFilterSet(ServiceFilterSet):
    """Services of both kinds (the GraphQL ``services`` connection)."""

    kind = filters.MultipleChoiceFilter(label=_("Tjänstetyp"), choices=ServiceKind.choices)

    class Meta:
        model = Service
        fields = service_filter_fields(after_q=("kind",))


class LearningResourceFilterSet(ServiceFilterSet):
    kind = filters.MultipleChoiceFilter(
        label=_("Typ"), choices=LearningResourceKind.choices, field_name="resource_type"
    )
    approval_status = filters.MultipleChoiceFilter(
        label=_("Godkännandestatus"), choices=ApprovalStatus.choices
    )
    subject = filters.CharFilter(label=_("Ämne"), method="filter_subject")
    school_year = filters.NumberFilter(label=_("Årskurs"), method="filter_school_year")

    class Meta:
        model = LearningResource
        fields = service_filter_fields("kind", "approval_status", "subject", "school_year")

    def filter_subject(self, queryset, name, value):
        value = fold(value)
        return queryset.filter(search_text__contains=value) if value else queryset

    def filter_school_year(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(
            Q(school_year_from__isnull=True) | Q(school_year_from__lte=value),
            Q(school_year_to__isnull=True) | Q(school_year_to__gte=value),
        )


class ManagementObjectFilterSet(SearchFilterSet):
    owner_organisation = filters.ModelMultipleChoiceFilter(
        label=_("Ägande förvaltning"), queryset=Organisation.objects.all()
    )
    ordering = filters.OrderingFilter(fields=(("name", "name"),))

    class Meta:
        model = ManagementObject
        fields = ["q", "owner_organisation"]


class ManagementPlanFilterSet(filters.FilterSet):
    status = filters.MultipleChoiceFilter(label=_("Status"), choices=PlanStatus.choices)
    ordering = filters.OrderingFilter(
        fields=(("year", "year"), ("management_object__name", "management_object"))
    )

    class Meta:
        model = ManagementPlan
        fields = ["management_object", "year", "status"]


class PersonFilterSet(SearchFilterSet):
    role = filters.MultipleChoiceFilter(
        label=_("Har roll"), choices=RoleChoices.choices, field_name="roles__role", distinct=True
    )
    organisation = filters.ModelMultipleChoiceFilter(
        label=_("Organisation (inkl. underliggande)"),
        queryset=Organisation.objects.all(),
        method="filter_organisation",
    )
    ordering = filters.OrderingFilter(fields=(("name", "name"),))

    class Meta:
        model = Person
        fields = ["q", "active", "role", "organisation"]

    def filter_organisation(self, queryset, name, value):
        return _organisation_subtree(queryset, "organisation", value)


def _service_of_kind(model, label) -> filters.ModelChoiceFilter:
    """A filter on the ``service`` key offered per kind, as the filter names were before one table."""
    return filters.ModelChoiceFilter(label=label, queryset=model.objects.all(), field_name="service")


def _services_of_kind(model, label) -> filters.ModelChoiceFilter:
    """Records linked to this service (of one kind) through their ``services``."""
    return filters.ModelChoiceFilter(label=label, queryset=model.objects.all(), field_name="services")


class RoleAssignmentFilterSet(filters.FilterSet):
    role = filters.MultipleChoiceFilter(label=_("Roll"), choices=RoleChoices.choices)
    application = _service_of_kind(Application, _("System"))
    learning_resource = _service_of_kind(LearningResource, _("Lärresurs"))
    current = filters.BooleanFilter(label=_("Gäller i dag"), method="filter_current")
    person_active = filters.BooleanFilter(label=_("Personen är aktiv"), field_name="person__active")
    ordering = filters.OrderingFilter(
        fields=(("role", "role"), ("person__name", "person"), ("ends_on", "ends_on"))
    )

    class Meta:
        model = RoleAssignment
        fields = [
            "role",
            "person",
            "management_object",
            "application",
            "learning_resource",
            "organisation",
            "current",
            "person_active",
        ]

    def filter_current(self, queryset, name, value):
        if value is None:
            return queryset
        current = RoleAssignment.objects.current().values("pk")
        return queryset.filter(pk__in=current) if value else queryset.exclude(pk__in=current)


class CostFilterSet(filters.FilterSet):
    kind = filters.ChoiceFilter(label=_("Budget eller utfall"), choices=CostKind.choices)
    application = _service_of_kind(Application, _("System"))
    learning_resource = _service_of_kind(LearningResource, _("Lärresurs"))
    category = filters.MultipleChoiceFilter(label=_("Kategori"), choices=CostCategory.choices)
    pm3_part = filters.MultipleChoiceFilter(label=_("PM3-del"), choices=Pm3Part.choices)
    year_from = filters.NumberFilter(label=_("Från år"), field_name="year", lookup_expr="gte")
    year_to = filters.NumberFilter(label=_("Till år"), field_name="year", lookup_expr="lte")
    ordering = filters.OrderingFilter(fields=(("year", "year"), ("amount", "amount")))

    class Meta:
        model = Cost
        fields = [
            "year",
            "year_from",
            "year_to",
            "kind",
            "category",
            "pm3_part",
            "management_object",
            "application",
            "learning_resource",
        ]


class ContractFilterSet(SearchFilterSet):
    vendor = filters.ModelMultipleChoiceFilter(label=_("Leverantör"), queryset=Vendor.objects.all())
    applications = _services_of_kind(Application, _("System"))
    learning_resources = _services_of_kind(LearningResource, _("Lärresurser"))
    has_processor_agreement = filters.BooleanFilter(
        label=_("Har personuppgiftsbiträdesavtal"),
        field_name="dpa_signed_on",
        lookup_expr="isnull",
        exclude=True,
    )
    ends_before = filters.DateFilter(label=_("Slutar före"), field_name="ends_on", lookup_expr="lt")
    ordering = filters.OrderingFilter(
        fields=(("name", "name"), ("ends_on", "ends_on"), ("annual_value", "annual_value"))
    )

    class Meta:
        model = Contract
        fields = [
            "q",
            "vendor",
            "has_processor_agreement",
            "ends_before",
            "applications",
            "learning_resources",
        ]

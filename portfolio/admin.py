"""The admin of the landscape: every model with its history, Swedish search, and no N+1 lists.

The admin is the operator's back door, not the product's main face; it still follows the rules
of the register: every save is versioned (an API client holding an older version is refused
afterwards) and recorded in history with the acting user (the history middleware supplies it).
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from simple_history.admin import SimpleHistoryAdmin

from portfolio.countries import sort_key as country_sort_key
from portfolio.geography import eea_q, third_country_q
from portfolio.models import (
    SSO_CONDITION,
    Application,
    Capability,
    CatalogueProduct,
    Contract,
    ContractService,
    Cost,
    DataFlow,
    DuplicateDecision,
    LearningResource,
    ManagementObject,
    ManagementPlan,
    Organisation,
    Person,
    RoleAssignment,
    Service,
    ServiceCapability,
    ServiceUsage,
    Vendor,
)
from portfolio.services import StaleEditError, claim_version
from portfolio.text import fold

__all__ = [
    "FoldedSearchMixin",
    "LinkAdmin",
    "RegisterAdmin",
    "VersionedAdminForm",
]

#: Fields every register model shows but nobody types: the system keeps them.
SYSTEM_MAINTAINED = ("version", "created", "updated", "search_text", "path")


#
# Shared machinery
#


class FoldedSearchMixin:
    """Search the folded ``search_text`` columns so that "ÖSTRA" finds "Östra skolan" on SQLite too.

    Django's own ``search_fields`` use ``icontains``, which SQLite folds only for ASCII. Here the
    term is folded with :func:`portfolio.text.fold` exactly as the stored column is, and each word
    must occur in one of ``search_text_fields`` (``plain_search_fields`` add ``icontains`` matches
    on columns that have no folded copy). ``search_fields`` stays set so that the search box and
    autocomplete widgets appear; its lookups are not used.
    """

    search_text_fields: tuple[str, ...] = ("search_text",)
    plain_search_fields: tuple[str, ...] = ()

    def get_search_results(self, request, queryset, search_term):
        words = fold(search_term).split()
        if not words:
            return queryset, False
        for word in words:
            condition = Q()
            for field in self.search_text_fields:
                condition |= Q(**{f"{field}__contains": word})
            for field in self.plain_search_fields:
                condition |= Q(**{f"{field}__icontains": word})
            queryset = queryset.filter(condition)
        # Only forward foreign keys are searched, so no row can appear twice.
        return queryset, False


class VersionedAdminForm(forms.ModelForm):
    """Carries the version the editor read, so that an edit made meanwhile is not overwritten."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # The stored version, not the instance's: a history "revert" form holds an old one.
            self.fields["expected_version"].initial = self._stored_version()

    def _stored_version(self) -> int | None:
        model = type(self.instance)
        return model._default_manager.filter(pk=self.instance.pk).values_list("version", flat=True).first()

    def clean(self):
        cleaned_data = super().clean()
        expected = cleaned_data.get("expected_version")
        if self.instance.pk and expected is not None:
            current = self._stored_version()
            if current is not None and current != expected:
                raise ValidationError(str(StaleEditError(self.instance, expected, current)))
        return cleaned_data


class LinkAdmin(FoldedSearchMixin, SimpleHistoryAdmin):
    """Admin of a plain through model (no version): history, folded search, read-only timestamps."""

    list_per_page = 50
    # Links typed without a scheme are https (Django 6's default, and the only sane one today).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        # Shown in the search box's help and required for autocomplete widgets pointing here.
        self.search_fields = (*self.search_text_fields, *self.plain_search_fields)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        names = {f.name for f in self.model._meta.get_fields()}
        return readonly + [f for f in SYSTEM_MAINTAINED if f in names and f not in readonly]


class RegisterAdmin(LinkAdmin):
    """Admin of a versioned register model: every save claims the next version."""

    form = VersionedAdminForm
    history_list_display = ["version"]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except StaleEditError as error:
            # Someone saved between this form's check and its save; the transaction is rolled back.
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        if change and obj.pk:
            claim_version(obj, form.cleaned_data.get("expected_version"))
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        """Save inline rows one by one so that versioned rows move their version on too."""
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj.delete()
        for obj in instances:
            if obj.pk and hasattr(obj, "version"):
                claim_version(obj, None)
            obj.save()
        formset.save_m2m()


class TargetInline(admin.TabularInline):
    """Inline of a row that must name exactly one target (roles, costs).

    Offered only on an existing object: on the add page the target has no id yet, so the row's
    own exactly-one-target check would refuse it with a confusing message.
    """

    extra = 0

    def has_add_permission(self, request, obj=None):
        return obj is not None and super().has_add_permission(request, obj)


#
# Inlines
#


class RoleOnManagementObjectInline(TargetInline):
    model = RoleAssignment
    fk_name = "management_object"
    fields = ("person", "role", "starts_on", "ends_on")
    autocomplete_fields = ("person",)
    verbose_name_plural = _("roller")


class RoleOnServiceInline(RoleOnManagementObjectInline):
    fk_name = "service"


class RoleOnOrganisationInline(RoleOnManagementObjectInline):
    fk_name = "organisation"


class RoleOfPersonInline(admin.TabularInline):
    model = RoleAssignment
    fk_name = "person"
    fields = (
        "role", "management_object", "service", "organisation", "starts_on", "ends_on",
    )
    autocomplete_fields = ("management_object", "service", "organisation")
    extra = 0
    verbose_name_plural = _("roller")


class CostOnManagementObjectInline(TargetInline):
    model = Cost
    fk_name = "management_object"
    fields = ("year", "kind", "category", "pm3_part", "amount", "description")
    verbose_name_plural = _("kostnader")


class CostOnServiceInline(CostOnManagementObjectInline):
    fk_name = "service"


class PlanInline(admin.TabularInline):
    model = ManagementPlan
    fields = (
        "year", "status", "approved_on", "budget_business_maintenance", "budget_business_development",
        "budget_it_maintenance", "budget_it_development",
    )
    extra = 0


class ServiceUsageInline(admin.TabularInline):
    model = ServiceUsage
    fields = ("organisation", "users")
    autocomplete_fields = ("organisation",)
    extra = 0


class ServiceCapabilityInline(admin.TabularInline):
    model = ServiceCapability
    autocomplete_fields = ("capability",)
    extra = 0


class ContractServiceInline(admin.TabularInline):
    model = ContractService
    autocomplete_fields = ("service",)
    extra = 0


#
# List filters the built-in ones cannot express
#


class SsoFilter(admin.SimpleListFilter):
    title = _("single sign-on")
    parameter_name = "sso"

    def lookups(self, request, model_admin):
        return [("ja", _("Bakom single sign-on")), ("nej", _("Utanför single sign-on"))]

    def queryset(self, request, queryset):
        if self.value() == "ja":
            return queryset.filter(SSO_CONDITION)
        if self.value() == "nej":
            return queryset.exclude(SSO_CONDITION)
        return queryset


class ThirdCountryFilter(admin.SimpleListFilter):
    title = _("EU/EES")
    parameter_name = "tredjeland"

    def lookups(self, request, model_admin):
        return [("ja", _("Utanför EU/EES")), ("nej", _("Inom EU/EES"))]

    def queryset(self, request, queryset):
        if self.value() == "ja":
            return queryset.filter(third_country_q())
        if self.value() == "nej":
            return queryset.filter(eea_q())
        return queryset


class CountryInUseFilter(admin.SimpleListFilter):
    """The countries that occur, by name: the field's own filter would list all 250 of them."""

    title = _("land")
    parameter_name = "land"

    def lookups(self, request, model_admin):
        codes = model_admin.model._default_manager.exclude(country="").values_list("country", flat=True)
        return sorted(((code, countries.name(code)) for code in set(codes)), key=country_sort_key)

    def queryset(self, request, queryset):
        return queryset.filter(country=self.value()) if self.value() else queryset


class CapabilityInUseFilter(admin.RelatedOnlyFieldListFilter):
    """The capabilities in use, named "Område › Förmåga" without a query per capability."""

    def field_choices(self, field, request, model_admin):
        used = model_admin.get_queryset(request).values_list(f"{field.name}_id", flat=True)
        capabilities = Capability.objects.filter(pk__in=used).select_related("parent")
        return [(capability.pk, str(capability)) for capability in capabilities]


class CapabilityLevelFilter(admin.SimpleListFilter):
    title = _("nivå")
    parameter_name = "niva"

    def lookups(self, request, model_admin):
        return [("omrade", _("Område")), ("formaga", _("Förmåga"))]

    def queryset(self, request, queryset):
        if self.value() == "omrade":
            return queryset.filter(parent__isnull=True)
        if self.value() == "formaga":
            return queryset.filter(parent__isnull=False)
        return queryset


class TargetTypeFilter(admin.SimpleListFilter):
    """What a role or cost is held on; ``target_fields`` lists the candidate foreign keys."""

    title = _("gäller")
    parameter_name = "galler"

    def lookups(self, request, model_admin):
        model = model_admin.model
        return [(name, model._meta.get_field(name).verbose_name) for name in model_admin.target_fields]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{f"{self.value()}__isnull": False})
        return queryset


#
# The register
#


@admin.register(Organisation)
class OrganisationAdmin(RegisterAdmin):
    list_display = (
        "name", "kind", "school_form", "parent", "school_unit_code", "organisation_number", "active",
    )
    list_filter = ("kind", "school_form", "active")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)
    inlines = [RoleOnOrganisationInline]
    history_list_display = ["version", "name", "kind", "parent"]


@admin.register(Vendor)
class VendorAdmin(RegisterAdmin):
    list_display = ("name", "country", "organisation_number", "dpf_listed", "website")
    list_filter = (ThirdCountryFilter, "dpf_listed", CountryInUseFilter)
    history_list_display = ["version", "name", "country", "dpf_listed"]


@admin.register(Capability)
class CapabilityAdmin(RegisterAdmin):
    list_display = ("name", "parent")
    list_filter = (CapabilityLevelFilter, ("parent", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)
    history_list_display = ["version", "name", "parent"]


@admin.register(CatalogueProduct)
class CatalogueProductAdmin(RegisterAdmin):
    list_display = ("name", "vendor_name", "family", "capability")
    list_filter = (("capability", CapabilityInUseFilter),)
    list_select_related = ("capability__parent",)
    autocomplete_fields = ("capability",)
    history_list_display = ["version", "name", "family"]


@admin.register(DuplicateDecision)
class DuplicateDecisionAdmin(LinkAdmin):
    """Decisions are taken on the duplicate page; the admin shows them and their history."""

    list_display = ("__str__", "reason", "decided_by", "decided_at")
    list_select_related = ("decided_by",)
    search_text_fields = ()
    plain_search_fields = ("reason",)
    readonly_fields = ("fingerprint",)
    history_list_display = ["reason", "decided_by"]


@admin.register(Service)
class ServiceAdmin(RegisterAdmin):
    """Every service, both kinds; the system and learning-resource admins narrow it to one kind.

    Relations (roles, costs, contracts, activities, flows) point at ``Service``, so their
    autocomplete widgets search here.
    """

    list_select_related = ("vendor",)
    autocomplete_fields = ("vendor",)
    service_filters = (
        "lifecycle_status", SsoFilter, "authentication", "identity_provider", "federation", "mfa",
        "provisioning", "hosting", "processes_personal_data", ("vendor", admin.RelatedOnlyFieldListFilter),
    )
    history_list_display = ["version", "name", "lifecycle_status", "authentication", "identity_provider"]
    list_display = (
        "name", "kind", "vendor", "lifecycle_status", "authentication", "identity_provider", "sso",
    )
    list_filter = ("kind", *service_filters)
    inlines = [ServiceUsageInline, ServiceCapabilityInline, RoleOnServiceInline, CostOnServiceInline]
    #: Columns of the other kind, hidden on one kind's page.
    other_kind_fields: tuple[str, ...] = ()

    def get_exclude(self, request, obj=None):
        return (*(super().get_exclude(request, obj) or ()), "kind", *self.other_kind_fields)

    @admin.display(boolean=True, description=_("SSO"))
    def sso(self, obj) -> bool:
        return obj.is_sso


@admin.register(Application)
class ApplicationAdmin(ServiceAdmin):
    list_display = (
        "name", "vendor", "management_object", "lifecycle_status", "authentication", "identity_provider",
        "federation", "sso", "time_classification", "processes_personal_data",
    )
    list_filter = (
        *ServiceAdmin.service_filters,
        "time_classification",
        ("management_object", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("vendor", "management_object")
    autocomplete_fields = ("vendor", "management_object")
    other_kind_fields = (
        "resource_type", "subjects", "school_year_from", "school_year_to", "licence_model", "approval_status",
    )


@admin.register(LearningResource)
class LearningResourceAdmin(ServiceAdmin):
    list_display = (
        "name", "vendor", "resource_type", "approval_status", "school_year_from", "school_year_to",
        "lifecycle_status", "authentication", "federation", "sso", "licence_model",
    )
    list_filter = ("approval_status", "resource_type", "licence_model", *ServiceAdmin.service_filters)
    other_kind_fields = ("management_object", "time_classification")


@admin.register(ServiceUsage)
class ServiceUsageAdmin(RegisterAdmin):
    list_display = ("service", "organisation", "users")
    list_filter = ("service__kind", "organisation__kind", "organisation__school_form")
    list_select_related = ("service", "organisation")
    autocomplete_fields = ("service", "organisation")
    search_text_fields = ("service__search_text", "organisation__search_text")
    history_list_display = ["version", "users"]


@admin.register(ServiceCapability)
class ServiceCapabilityAdmin(LinkAdmin):
    list_display = ("service", "capability")
    list_filter = ("service__kind", ("capability", CapabilityInUseFilter))
    list_select_related = ("service", "capability__parent")
    autocomplete_fields = ("service", "capability")
    search_text_fields = ("service__search_text", "capability__search_text")


@admin.register(ManagementObject)
class ManagementObjectAdmin(RegisterAdmin):
    list_display = ("name", "owner_organisation", "application_count")
    list_filter = (("owner_organisation", admin.RelatedOnlyFieldListFilter),)
    list_select_related = ("owner_organisation",)
    autocomplete_fields = ("owner_organisation",)
    inlines = [PlanInline, RoleOnManagementObjectInline, CostOnManagementObjectInline]
    history_list_display = ["version", "name", "owner_organisation"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_application_count=Count("applications"))

    @admin.display(description=_("antal system"), ordering="_application_count")
    def application_count(self, obj) -> int:
        return obj._application_count


@admin.register(ManagementPlan)
class ManagementPlanAdmin(RegisterAdmin):
    list_display = ("management_object", "year", "status", "approved_on", "budget_total")
    list_filter = ("status", "year")
    list_select_related = ("management_object",)
    autocomplete_fields = ("management_object",)
    search_text_fields = ("management_object__search_text",)
    history_list_display = ["version", "year", "status", "approved_on"]

    @admin.display(description=_("budget totalt (kr)"))
    def budget_total(self, obj):
        return obj.budget_total


@admin.register(Person)
class PersonAdmin(RegisterAdmin):
    list_display = ("name", "email", "title", "organisation", "active")
    list_filter = ("active", "roles__role")
    list_select_related = ("organisation",)
    autocomplete_fields = ("organisation",)
    inlines = [RoleOfPersonInline]
    history_list_display = ["version", "name", "email", "active"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(RegisterAdmin):
    target_fields = ("management_object", "service", "organisation")
    list_display = ("person", "role", "target", "starts_on", "ends_on")
    list_filter = ("role", TargetTypeFilter)
    list_select_related = ("person", *target_fields)
    autocomplete_fields = ("person", *target_fields)
    search_text_fields = ("person__search_text", *(f"{name}__search_text" for name in target_fields))
    history_list_display = ["version", "person", "role"]

    @admin.display(description=_("gäller"))
    def target(self, obj):
        return obj.target


@admin.register(Cost)
class CostAdmin(RegisterAdmin):
    target_fields = ("management_object", "service")
    list_display = ("target", "year", "kind", "category", "pm3_part", "amount")
    list_filter = ("year", "kind", "category", "pm3_part", TargetTypeFilter)
    list_select_related = target_fields
    autocomplete_fields = target_fields
    search_text_fields = tuple(f"{name}__search_text" for name in target_fields)
    plain_search_fields = ("description",)
    history_list_display = ["version", "year", "kind", "amount"]

    @admin.display(description=_("gäller"))
    def target(self, obj):
        return obj.target


@admin.register(Contract)
class ContractAdmin(RegisterAdmin):
    list_display = ("name", "vendor", "starts_on", "ends_on", "annual_value", "dpa_signed_on")
    list_filter = (
        ("dpa_signed_on", admin.EmptyFieldListFilter),
        "ends_on",
        ("vendor", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("vendor",)
    autocomplete_fields = ("vendor",)
    inlines = [ContractServiceInline]
    history_list_display = ["version", "name", "ends_on", "dpa_signed_on"]


@admin.register(ContractService)
class ContractServiceAdmin(LinkAdmin):
    list_display = ("contract", "service")
    list_filter = ("service__kind",)
    list_select_related = ("contract__vendor", "service")
    autocomplete_fields = ("contract", "service")
    search_text_fields = ("contract__search_text", "service__search_text")


@admin.register(DataFlow)
class DataFlowAdmin(RegisterAdmin):
    end_fields = ("source_service", "target_service")
    list_display = ("name", "source", "target", "method", "frequency", "processes_personal_data")
    list_filter = (
        "method", "frequency", "processes_personal_data", ("target_external", admin.EmptyFieldListFilter),
    )
    list_select_related = end_fields
    autocomplete_fields = (*end_fields, "operated_by")
    search_text_fields = ("search_text", *(f"{name}__search_text" for name in end_fields))
    history_list_display = ["version", "name", "method", "processes_personal_data"]

    @admin.display(description=_("från"))
    def source(self, obj):
        return obj.source

    @admin.display(description=_("till"))
    def target(self, obj):
        return obj.target

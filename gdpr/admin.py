"""The admin of the Article 30 record: activities with their systems, transfers and DPIAs inline."""

import datetime

from django.contrib import admin
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from gdpr.models import (
    Breach,
    BreachProcessingActivity,
    BreachService,
    Dpia,
    GapAcknowledgement,
    PersonErasure,
    ProcessingActivity,
    ProcessingActivityService,
    ProcessorSecurityReview,
    Transfer,
)
from gdpr.models.processing import REVIEW_INTERVAL
from portfolio.admin import CountryInUseFilter, LinkAdmin, RegisterAdmin


class ServiceLinkInline(admin.TabularInline):
    model = ProcessingActivityService
    autocomplete_fields = ("service",)
    extra = 0


class TransferInline(admin.TabularInline):
    model = Transfer
    fields = ("country", "recipient", "mechanism", "tia_done", "notes")
    extra = 0


class DpiaInline(admin.StackedInline):
    model = Dpia
    fields = (
        ("status", "residual_risk"), ("started_on", "completed_on", "prior_consultation_on"), "summary",
    )
    extra = 0


class SpecialCategoriesFilter(admin.SimpleListFilter):
    title = _("känsliga personuppgifter (art. 9)")
    parameter_name = "kansliga"

    def lookups(self, request, model_admin):
        return [("ja", _("Ja")), ("nej", _("Nej"))]

    def queryset(self, request, queryset):
        if self.value() == "ja":
            return queryset.exclude(special_categories="")
        if self.value() == "nej":
            return queryset.filter(special_categories="")
        return queryset


class ReviewDueFilter(admin.SimpleListFilter):
    """Records not reviewed within a year (Art. 5(2) accountability), as ``due_for_review`` says."""

    title = _("granskning")
    parameter_name = "granskning"

    def lookups(self, request, model_admin):
        return [("forfallen", _("Förfallen eller aldrig gjord")), ("aktuell", _("Gjord senaste året"))]

    def queryset(self, request, queryset):
        if self.value() == "forfallen":
            return queryset.filter(pk__in=ProcessingActivity.objects.due_for_review().values("pk"))
        if self.value() == "aktuell":
            limit: datetime.date = timezone.localdate() - REVIEW_INTERVAL
            return queryset.filter(Q(last_reviewed_on__gte=limit))
        return queryset


@admin.register(ProcessingActivity)
class ProcessingActivityAdmin(RegisterAdmin):
    list_display = (
        "name", "controller", "legal_basis", "status", "has_special_categories", "involves_children",
        "responsible", "last_reviewed_on",
    )
    list_filter = (
        "status", "legal_basis", ("controller", admin.RelatedOnlyFieldListFilter), SpecialCategoriesFilter,
        "special_category_condition", ReviewDueFilter, "involves_children", "personal_identity_numbers",
        "protected_identity", "criminal_offence_data", "profiling", "acts_as_processor",
    )
    list_select_related = ("controller", "responsible")
    autocomplete_fields = ("controller", "responsible", "last_reviewed_by")
    inlines = [ServiceLinkInline, TransferInline, DpiaInline]
    history_list_display = ["version", "status", "legal_basis", "last_reviewed_on", "last_reviewed_by"]

    @admin.display(boolean=True, description=_("känsliga uppgifter"))
    def has_special_categories(self, obj) -> bool:
        return obj.has_special_categories


@admin.register(Transfer)
class TransferAdmin(RegisterAdmin):
    list_display = ("recipient", "country", "mechanism", "tia_done", "processing_activity")
    list_filter = ("mechanism", "tia_done", CountryInUseFilter)
    list_select_related = ("processing_activity",)
    autocomplete_fields = ("processing_activity",)
    search_text_fields = ("processing_activity__search_text",)
    plain_search_fields = ("recipient",)
    history_list_display = ["version", "country", "mechanism", "tia_done"]


@admin.register(Dpia)
class DpiaAdmin(RegisterAdmin):
    list_display = (
        "processing_activity", "status", "started_on", "completed_on", "residual_risk",
        "prior_consultation_on",
    )
    list_filter = ("status", "residual_risk", ("prior_consultation_on", admin.EmptyFieldListFilter))
    list_select_related = ("processing_activity",)
    autocomplete_fields = ("processing_activity",)
    search_text_fields = ("processing_activity__search_text",)
    history_list_display = ["version", "status", "completed_on", "residual_risk"]


@admin.register(PersonErasure)
class PersonErasureAdmin(SimpleHistoryAdmin):
    """The log of erasures: read only, it is written by gdpr.subject_rights alone."""

    list_display = ("erased_at", "pseudonym", "reason", "erased_by")
    readonly_fields = ("pseudonym", "erased_at", "erased_by", "reason", "changed")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ProcessorSecurityReview)
class ProcessorSecurityReviewAdmin(RegisterAdmin):
    list_display = ("vendor", "reviewed_on", "outcome", "reference")
    list_filter = ("outcome",)
    list_select_related = ("vendor",)
    autocomplete_fields = ("vendor",)
    search_text_fields = ("vendor__search_text",)
    plain_search_fields = ("reference",)
    history_list_display = ["version", "reviewed_on", "outcome"]


class BreachActivityInline(admin.TabularInline):
    model = BreachProcessingActivity
    autocomplete_fields = ("processing_activity",)
    extra = 0


class BreachServiceInline(admin.TabularInline):
    model = BreachService
    autocomplete_fields = ("service",)
    extra = 0


@admin.register(Breach)
class BreachAdmin(RegisterAdmin):
    list_display = ("title", "discovered_at", "status", "risk", "imy_notified_at")
    list_filter = ("status", "risk")
    list_select_related = ("vendor",)
    autocomplete_fields = ("vendor",)
    search_text_fields = ()
    plain_search_fields = ("title", "imy_reference")
    inlines = [BreachActivityInline, BreachServiceInline]
    history_list_display = ["version", "status", "risk"]


@admin.register(BreachProcessingActivity)
class BreachProcessingActivityAdmin(LinkAdmin):
    list_display = ("breach", "processing_activity")
    list_select_related = ("breach", "processing_activity")
    autocomplete_fields = ("processing_activity",)
    search_text_fields = ("processing_activity__search_text",)
    plain_search_fields = ("breach__title",)


@admin.register(BreachService)
class BreachServiceAdmin(LinkAdmin):
    list_display = ("breach", "service")
    list_select_related = ("breach", "service")
    autocomplete_fields = ("service",)
    search_text_fields = ("service__search_text",)
    plain_search_fields = ("breach__title",)


@admin.register(ProcessingActivityService)
class ProcessingActivityServiceAdmin(LinkAdmin):
    list_display = ("processing_activity", "service")
    list_filter = ("service__kind",)
    list_select_related = ("processing_activity", "service")
    autocomplete_fields = ("processing_activity", "service")
    search_text_fields = ("processing_activity__search_text", "service__search_text")


@admin.register(GapAcknowledgement)
class GapAcknowledgementAdmin(RegisterAdmin):
    list_display = ("code", "target_type", "target_name", "activity_id", "acknowledged_by", "acknowledged_on")
    list_filter = ("code", "target_type")
    list_select_related = ("acknowledged_by",)
    autocomplete_fields = ("acknowledged_by",)
    search_text_fields = ()
    plain_search_fields = ("code", "target_name", "reason")
    history_list_display = ["version", "reason", "acknowledged_by"]

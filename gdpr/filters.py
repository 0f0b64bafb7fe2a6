"""The FilterSets of the GDPR record, shared by the HTML lists, GraphQL and the exports."""

import django_filters as filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from gdpr.choices import (
    ActivityStatus,
    BreachRisk,
    BreachStatus,
    DpiaStatus,
    LegalBasis,
    SecurityReviewOutcome,
    TransferMechanism,
)
from gdpr.models import Breach, Dpia, ProcessingActivity, ProcessorSecurityReview, Transfer
from portfolio.filters import CountryNameOrderingFilter, SearchFilterSet
from portfolio.models import Application, LearningResource, Organisation, Vendor

__all__ = [
    "BreachFilterSet",
    "DpiaFilterSet",
    "ProcessingActivityFilterSet",
    "ProcessorSecurityReviewFilterSet",
    "TransferFilterSet",
]


class ProcessingActivityFilterSet(SearchFilterSet):
    controller = filters.ModelMultipleChoiceFilter(
        label=_("Personuppgiftsansvarig"), queryset=Organisation.objects.controllers()
    )
    legal_basis = filters.MultipleChoiceFilter(
        label=_("Rättslig grund"), choices=[("", _("Saknas")), *LegalBasis.choices]
    )
    status = filters.MultipleChoiceFilter(label=_("Status"), choices=ActivityStatus.choices)
    has_special_categories = filters.BooleanFilter(
        label=_("Känsliga personuppgifter"), field_name="special_categories", method="filter_special"
    )
    dpia_status = filters.MultipleChoiceFilter(
        label=_("Konsekvensbedömning"),
        choices=[("saknas", _("Saknas")), *DpiaStatus.choices],
        method="filter_dpia",
    )
    reviewed_before = filters.DateFilter(
        label=_("Senast granskad före (eller aldrig)"), method="filter_reviewed_before"
    )
    application = filters.ModelMultipleChoiceFilter(
        label=_("System"), queryset=Application.objects.all(), field_name="services", distinct=True
    )
    learning_resource = filters.ModelMultipleChoiceFilter(
        label=_("Lärresurs"),
        queryset=LearningResource.objects.all(),
        field_name="services",
        distinct=True,
    )
    ordering = filters.OrderingFilter(
        fields=(
            ("name", "name"),
            ("controller__name", "controller"),
            ("last_reviewed_on", "last_reviewed_on"),
        )
    )

    class Meta:
        model = ProcessingActivity
        fields = [
            "q",
            "controller",
            "legal_basis",
            "status",
            "has_special_categories",
            "dpia_status",
            "reviewed_before",
            "application",
            "learning_resource",
            "responsible",
            "personal_identity_numbers",
            "protected_identity",
            "involves_children",
            "acts_as_processor",
        ]

    def filter_special(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.exclude(special_categories="") if value else queryset.filter(special_categories="")

    def filter_dpia(self, queryset, name, value):
        if not value:
            return queryset
        condition = Q()
        statuses = [v for v in value if v != "saknas"]
        if statuses:
            condition |= Q(
                Exists(Dpia.objects.filter(processing_activity=OuterRef("pk"), status__in=statuses))
            )
        if "saknas" in value:
            condition |= ~Q(Exists(Dpia.objects.filter(processing_activity=OuterRef("pk"))))
        return queryset.filter(condition)

    def filter_reviewed_before(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(Q(last_reviewed_on__isnull=True) | Q(last_reviewed_on__lt=value))


class TransferFilterSet(filters.FilterSet):
    mechanism = filters.MultipleChoiceFilter(label=_("Mekanism"), choices=TransferMechanism.choices)
    ordering = CountryNameOrderingFilter(fields=(("country", "country"), ("recipient", "recipient")))

    class Meta:
        model = Transfer
        fields = ["processing_activity", "country", "mechanism", "tia_done"]


class DpiaFilterSet(filters.FilterSet):
    status = filters.MultipleChoiceFilter(label=_("Status"), choices=DpiaStatus.choices)
    ordering = filters.OrderingFilter(fields=(("started_on", "started_on"), ("completed_on", "completed_on")))

    class Meta:
        model = Dpia
        fields = ["processing_activity", "status", "residual_risk"]


class ProcessorSecurityReviewFilterSet(filters.FilterSet):
    vendor = filters.ModelMultipleChoiceFilter(
        label=_("Personuppgiftsbiträde"), queryset=Vendor.objects.all()
    )
    outcome = filters.MultipleChoiceFilter(label=_("Resultat"), choices=SecurityReviewOutcome.choices)
    reviewed_before = filters.DateFilter(label=_("Granskad före"), field_name="reviewed_on", lookup_expr="lt")
    ordering = filters.OrderingFilter(fields=(("reviewed_on", "reviewed_on"), ("vendor__name", "vendor")))

    class Meta:
        model = ProcessorSecurityReview
        fields = ["vendor", "outcome", "reviewed_before"]


class BreachFilterSet(filters.FilterSet):
    status = filters.MultipleChoiceFilter(label=_("Status"), choices=BreachStatus.choices)
    risk = filters.MultipleChoiceFilter(
        label=_("Riskbedömning"), choices=[("", _("Inte bedömd")), *BreachRisk.choices]
    )
    vendor = filters.ModelMultipleChoiceFilter(
        label=_("Personuppgiftsbiträde"), queryset=Vendor.objects.all()
    )
    processing_activity = filters.ModelMultipleChoiceFilter(
        label=_("Behandling"),
        field_name="processing_activities",
        queryset=ProcessingActivity.objects.all(),
        distinct=True,
    )
    discovered_after = filters.DateFilter(
        label=_("Upptäckt från"), field_name="discovered_at", lookup_expr="date__gte"
    )
    ordering = filters.OrderingFilter(
        fields=(
            ("discovered_at", "discovered_at"),
            ("title", "title"),
            ("imy_notified_at", "imy_notified_at"),
        )
    )

    class Meta:
        model = Breach
        fields = ["status", "risk", "vendor", "processing_activity", "discovered_after"]

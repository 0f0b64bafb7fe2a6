"""The FilterSet of data flows, serving the HTML list, GraphQL and exports alike."""

import django_filters as filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portfolio.filters import SearchFilterSet
from portfolio.models import Application, DataFlow, LearningResource
from portfolio.models.dataflows import DataFlowFrequency, DataFlowMethod

__all__ = ["DataFlowFilterSet"]


class DataFlowFilterSet(SearchFilterSet):
    application = filters.ModelMultipleChoiceFilter(
        label=_("System (in eller ut)"), queryset=Application.objects.all(), method="filter_service"
    )
    learning_resource = filters.ModelMultipleChoiceFilter(
        label=_("Lärresurs (in eller ut)"), queryset=LearningResource.objects.all(), method="filter_service"
    )
    method = filters.MultipleChoiceFilter(label=_("Överföringssätt"), choices=DataFlowMethod.choices)
    frequency = filters.MultipleChoiceFilter(label=_("Frekvens"), choices=DataFlowFrequency.choices)
    leaves_organisation = filters.BooleanFilter(
        label=_("Lämnar organisationen"), method="filter_leaves_organisation"
    )
    ordering = filters.OrderingFilter(fields=(("name", "name"), ("method", "method")))

    class Meta:
        model = DataFlow
        fields = [
            "q", "application", "learning_resource", "method", "frequency", "processes_personal_data",
            "leaves_organisation", "operated_by",
        ]

    def filter_service(self, queryset, name, value):
        # A flow in or out of any of the chosen services, of either kind (both ends are services).
        if not value:
            return queryset
        return queryset.filter(Q(source_service__in=value) | Q(target_service__in=value))

    def filter_leaves_organisation(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.exclude(target_external="") if value else queryset.filter(target_external="")

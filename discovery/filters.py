"""The FilterSet of discovered applications: the review queue's filters and the GraphQL connection's."""

import django_filters as filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import Decision, Directory, MatchState
from .models import DiscoveredApplication

__all__ = ["DECISION_FILTER_CHOICES", "DiscoveredApplicationFilterSet"]

#: ``decision`` as a filter takes "undecided" for the empty code (an empty value means "any").
DECISION_FILTER_CHOICES = [
    ("undecided", _("Ej beslutad")),
    (Decision.IS_SERVICE.value, Decision.IS_SERVICE.label),
    (Decision.NOT_A_SERVICE.value, Decision.NOT_A_SERVICE.label),
]


class DiscoveredApplicationFilterSet(filters.FilterSet):
    q = filters.CharFilter(label=_("Sök"), method="filter_q")
    directory = filters.MultipleChoiceFilter(label=_("Katalog"), choices=Directory.choices)
    match = filters.MultipleChoiceFilter(label=_("Matchning"), choices=MatchState.choices)
    decision = filters.MultipleChoiceFilter(
        label=_("Beslut"), choices=DECISION_FILTER_CHOICES, method="filter_decision"
    )
    registered = filters.BooleanFilter(label=_("Kopplad till registrerad tjänst"), method="filter_registered")
    first_party = filters.BooleanFilter(label=_("Identitetsleverantörens egen"))

    class Meta:
        model = DiscoveredApplication
        fields = ["q", "directory", "match", "decision", "registered", "first_party"]

    def filter_q(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(publisher__icontains=value) | Q(key=value))

    def filter_decision(self, queryset, name, value):
        if not value:
            return queryset
        codes = ["" if code == "undecided" else code for code in value]
        return queryset.filter(decision__in=codes)

    def filter_registered(self, queryset, name, value):
        if value is None:
            return queryset
        registered = Q(service__isnull=False) & ~Q(decision=Decision.NOT_A_SERVICE)
        return queryset.filter(registered) if value else queryset.exclude(registered)

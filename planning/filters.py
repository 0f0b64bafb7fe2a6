"""The FilterSets of the färdplan: one definition for the pages' lists, GraphQL and exports
(docs/architecture.md, principle 1)."""

import django_filters as filters
from django.utils.translation import gettext_lazy as _

from .choices import ActionKind, ActionStatus, FindingKind, Metric, PlanStatus
from .models import Action, Goal, Plan

__all__ = ["ActionFilterSet", "GoalFilterSet", "PlanFilterSet"]


class PlanFilterSet(filters.FilterSet):
    status = filters.MultipleChoiceFilter(label=_("Status"), choices=PlanStatus.choices)
    ordering = filters.OrderingFilter(fields=(("name", "name"), ("horizon", "horizon")))

    class Meta:
        model = Plan
        fields = ["status", "owner"]


class GoalFilterSet(filters.FilterSet):
    metric = filters.MultipleChoiceFilter(label=_("Mått"), choices=Metric.choices)

    class Meta:
        model = Goal
        fields = ["plan", "metric"]


class ActionFilterSet(filters.FilterSet):
    kind = filters.MultipleChoiceFilter(label=_("Typ av åtgärd"), choices=ActionKind.choices)
    status = filters.MultipleChoiceFilter(label=_("Status"), choices=ActionStatus.choices)
    finding_kind = filters.MultipleChoiceFilter(label=_("Fynd"), choices=FindingKind.choices)
    planned_end_before = filters.DateFilter(
        field_name="planned_end", lookup_expr="lte", label=_("Planerat slut senast")
    )
    ordering = filters.OrderingFilter(
        fields=(("planned_end", "planned_end"), ("planned_start", "planned_start"))
    )

    class Meta:
        model = Action
        fields = ["plan", "kind", "status", "service", "responsible", "finding_kind"]

"""Root fields of the färdplan: ``plans``, ``plan(id)``, ``futureState(plan, on)``, the goals today
and at a date, conflicts and follow-up. Resolvers only call :mod:`planning`'s functions."""

import datetime

import graphene
from graphql import GraphQLError
from graphql_relay import from_global_id

from planning.conflicts import plan_conflicts
from planning.figures import goals_today_and_at, stored_future_state
from planning.followup import action_followup
from planning.future import FIGURES, past_day_error
from planning.graphql import types
from planning.models import Plan
from portfolio.graphql.base import RegisterConnectionField

__all__ = ["PlanningQuery", "figures_selected"]

#: Which group of figures (``planning.future.FIGURES``) each field of ``FutureState`` needs.
FIELD_FIGURES = {
    "ssoCoverageByUsers": "sso",
    "ssoCoverageByServices": "sso",
    "ssoBySchool": "sso",
    "servicesPerCapability": "sso",
    "skolfederationShare": "sso",
    "yearlyCost": "cost",
    "yearlyCostByManagementObject": "cost",
    "gdprGapsBySeverity": "gaps",
    "equity": "equity",
    "completeness": "completeness",
}


def figures_selected(info) -> set[str]:
    """The figure groups the query selects on this field (fragments included)."""
    wanted: set[str] = set()

    def walk(selection_set):
        for selection in selection_set.selections if selection_set else ():
            name = getattr(getattr(selection, "name", None), "value", None)
            if selection.kind == "fragment_spread":
                walk(info.fragments[name].selection_set)
            elif selection.kind == "inline_fragment":
                walk(selection.selection_set)
            elif name in FIELD_FIGURES:
                wanted.add(FIELD_FIGURES[name])

    for node in info.field_nodes:
        walk(node.selection_set)
    return wanted & FIGURES


def _plan(info, plan_id: str) -> Plan:
    """The plan a Relay id, a primary key or its name names (as ``plan_report PLAN`` takes), if
    the user may read plans. A name is stable across databases where ids are not."""
    from planning.report import find_plan

    user = getattr(info.context, "user", None)
    if user is None or not user.is_active or not user.has_perm("planning.view_plan"):
        raise GraphQLError("Behörighet saknas: din roll får inte läsa färdplaner.")
    reference = str(plan_id)
    try:
        type_name, pk = from_global_id(reference)
    except Exception:
        type_name, pk = "", ""
    plan = Plan.objects.filter(pk=pk).first() if type_name == "Plan" and str(pk).isdigit() else None
    if plan is None:
        plan = find_plan(reference)
    if plan is None:
        raise GraphQLError(f"Färdplanen {plan_id!r} finns inte.")
    return plan


class PlanningQuery(graphene.ObjectType):
    plans = RegisterConnectionField(types.PlanType, as_of=True, description="Färdplaner.")
    plan = graphene.relay.Node.Field(types.PlanType, description="En färdplan, via dess Relay-id.")
    actions = RegisterConnectionField(types.ActionType, as_of=True, description="Färdplanernas åtgärder.")
    future_state = graphene.Field(
        types.FutureStateType,
        required=True,
        plan=graphene.ID(required=True, description="Färdplanens Relay-id."),
        on=graphene.Date(required=True, description="Dagen: åtgärder med planerat slut senast då tillämpas."),
        description=(
            "Registret som det blir: färdplanens åtgärder fram till dagen tillämpade på registret som det "
            "är, räknat med samma analyser som idag."
        ),
    )
    plan_goals = graphene.List(
        graphene.NonNull(types.GoalProgressType),
        required=True,
        plan=graphene.ID(required=True, description="Färdplanens Relay-id."),
        on=graphene.Date(description="Dagen att jämföra med; planens slut om den utelämnas."),
        description="Planens effektmål idag och vid dagen (”idag → vid planens slut”).",
    )
    plan_conflicts = graphene.List(
        graphene.NonNull(types.ConflictType),
        required=True,
        plan=graphene.ID(required=True, description="Färdplanens Relay-id."),
        description="Åtgärder som motsäger varandra, i planen eller mot andra beslutade planer.",
    )
    plan_follow_up = graphene.List(
        graphene.NonNull(types.ActionFollowUpType),
        required=True,
        plan=graphene.ID(required=True, description="Färdplanens Relay-id."),
        description=(
            "Åtgärder som uppföljningen pekar ut: klara men tjänsten används, försenade, fyndet borta."
        ),
    )

    @staticmethod
    def resolve_future_state(root, info, plan, on: datetime.date):
        found = _plan(info, plan)
        if error := past_day_error(on):
            raise GraphQLError(error)
        return stored_future_state(found, on, include=figures_selected(info))

    @staticmethod
    def resolve_plan_goals(root, info, plan, on: datetime.date | None = None):
        found = _plan(info, plan)
        if error := past_day_error(on):
            raise GraphQLError(error)
        return goals_today_and_at(found, list(found.goals.all()), on or found.horizon)

    @staticmethod
    def resolve_plan_conflicts(root, info, plan):
        return plan_conflicts(_plan(info, plan))

    @staticmethod
    def resolve_plan_follow_up(root, info, plan):
        return action_followup(_plan(info, plan))

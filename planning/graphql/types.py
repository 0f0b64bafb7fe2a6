"""GraphQL types of the färdplan: plans with their goals and actions (register types, like the
rest of the register), and the future state built from its dataclass (``object_type``)."""

import graphene

from planning import filters, models
from planning.conflicts import Conflict
from planning.followup import ActionFollowUp
from planning.future import CapabilityCount, CostLine, EquitySummary, FutureState, SeverityCount
from planning.goals import GoalProgress
from portfolio.graphql.analysis import CoverageGroupType  # noqa: F401  (built before FutureState's type)
from portfolio.graphql.base import RegisterConnectionField, RegisterType
from portfolio.graphql.shapes import object_type
from portfolio.graphql.types import REGISTER_FIELDS, OrganisationType, _service_ends

__all__ = ["ActionType", "FutureStateType", "GoalProgressType", "GoalType", "PlanType"]


class PlanType(RegisterType):
    """A färdplan: målbild, who decided it and when, its effektmål and its actions."""

    goals = RegisterConnectionField(lambda: GoalType, description="Planens effektmål.")
    actions = RegisterConnectionField(lambda: ActionType, description="Planens åtgärder.")

    class Meta:
        model = models.Plan
        name = "Plan"
        fields = [
            *REGISTER_FIELDS, "name", "owner", "horizon", "status", "decided_by", "decided_on",
            "diarienummer", "target_state",
        ]
        filterset_class = filters.PlanFilterSet


class GoalType(RegisterType):
    """An effektmål: a figure of the register compared with a target by a date."""

    class Meta:
        model = models.Goal
        name = "Goal"
        fields = [
            *REGISTER_FIELDS, "plan", "name", "metric", "comparison", "target_value", "target_date",
            "capability", "school_form", "severity",
        ]
        filterset_class = filters.GoalFilterSet


class ActionType(RegisterType):
    """An åtgärd of a plan: what is done to which service at which schools, by when, and why."""

    application, learning_resource = _service_ends("service", "Tjänsten åtgärden gäller")
    replacement_application, replacement_learning_resource = _service_ends(
        "replacement", "Tjänsten som ersätter"
    )
    schools = RegisterConnectionField(
        lambda: OrganisationType, description="Berörda skolor; tom lista = alla som använder tjänsten."
    )
    finding = graphene.String(required=True, description="Fyndet som motiverade åtgärden, i ord.")

    class Meta:
        model = models.Action
        name = "Action"
        fields = [
            *REGISTER_FIELDS, "plan", "kind", "name", "contract", "planned_start", "planned_end",
            "responsible", "status", "completed_on", "one_off_cost", "yearly_cost_effect", "finding_kind",
            "finding_ref", "finding_label",
        ]
        filterset_class = filters.ActionFilterSet

    @staticmethod
    def resolve_finding(root, info) -> str:
        return root.finding_display


CapabilityCountType = object_type(CapabilityCount, "Antal tjänster i bruk för en förmåga.")
CostLineType = object_type(CostLine, "Årlig kostnad för ett förvaltningsobjekt.")
SeverityCountType = object_type(SeverityCount, "Öppna dataskyddsbrister av en allvarlighet.")
EquitySummaryType = object_type(EquitySummary, "Likvärdighetsmatrisen i sammandrag.")
FutureStateType = object_type(
    FutureState, "Registrets nyckeltal en dag: med färdplanens åtgärder fram till dagen tillämpade."
)
GoalProgressType = object_type(GoalProgress, "Ett effektmål idag och vid planens slut.")
ConflictType = object_type(Conflict, "Två åtgärder som motsäger varandra.")
ActionFollowUpType = object_type(ActionFollowUp, "En åtgärd som uppföljningen pekar ut.")

"""Mutations of the färdplan: create, update and delete plans, goals and actions through the same
Forms and write services as the pages (``planning.services``): a read-only token changes nothing,
the strateg writes plans and goals, and processor agreements and DPIAs are the
dataskyddssamordnare's actions."""

from planning import forms, models, services
from planning.graphql import types
from portfolio.graphql.mutations import form_mutations, mutation_type, permission_error

__all__ = ["PlanningMutation"]


def _action_permission(info, model, action):
    """Either right may start an action write; ``save_action`` then checks the kind it is of."""
    refused = permission_error(info, model, action)
    if refused is None:
        return None
    user = getattr(info.context, "user", None)
    token = getattr(info.context, "api_token", None)
    writable = token is None or not token.read_only
    if writable and user is not None and user.is_active and user.has_perm(services.MANAGE_GDPR):
        return None
    return refused


def _delete_action(instance, *, user=None, expected_version=None, reason=""):
    services.delete_action(instance, user=user, expected_version=expected_version, reason=reason)


PlanningMutation = mutation_type(
    "PlanningMutation",
    "Create, update and delete färdplaner, their effektmål and their actions.",
    form_mutations(models.Plan, forms.PlanForm, types.PlanType, saver=services.save_plan),
    form_mutations(models.Goal, forms.GoalForm, types.GoalType, saver=services.save_goal),
    form_mutations(
        models.Action, forms.ActionForm, types.ActionType, saver=services.save_action,
        deleter=_delete_action, permission_check=_action_permission,
    ),
)

"""Writes to the färdplan: the one path for web pages, GraphQL mutations and commands.

Built on ``portfolio.services.save_form`` (atomic, versioned, recorded with the acting user) with
the färdplan's own rule on top: the digital strateg plans and edits, but the processor agreements
and DPIAs of a plan belong to the dataskyddssamordnare (``planning.manage_gdpr_action``).
"""

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portfolio.services import delete_versioned, save_form

from .choices import GDPR_ACTION_KINDS, ActionStatus
from .models import Action, Goal, Plan

__all__ = ["can_edit_action", "can_edit_plan", "delete_action", "save_action", "save_goal", "save_plan"]

MANAGE_GDPR = "planning.manage_gdpr_action"


def can_edit_plan(user, *, creating: bool = False) -> bool:
    """Whether ``user`` may create or change plans and their goals (the strateg's right)."""
    needed = "planning.add_plan" if creating else "planning.change_plan"
    return bool(user and user.is_active and user.has_perm(needed))


def can_edit_action(user, kinds, *, creating: bool = False, deleting: bool = False) -> bool:
    """Whether ``user`` may write an action of each of ``kinds`` (the stored and the new kind).

    A processor agreement or a DPIA needs ``planning.manage_gdpr_action``, held by the
    dataskyddssamordnare; every other kind the ordinary add/change/delete permission on actions.
    """
    if not (user and user.is_active):
        return False
    verb = "delete" if deleting else "add" if creating else "change"
    for kind in {k for k in kinds if k}:
        needed = MANAGE_GDPR if kind in GDPR_ACTION_KINDS else f"planning.{verb}_action"
        if not user.has_perm(needed):
            return False
    return True


def _refuse(message) -> None:
    raise PermissionDenied(str(message))


def save_plan(form, *, user=None, expected_version: int | None = None, reason: str = "") -> Plan:
    if not can_edit_plan(user, creating=form.instance.pk is None):
        _refuse(_("Behörighet saknas: du får inte ändra färdplaner."))
    return save_form(form, user=user, expected_version=expected_version, reason=reason)


def save_goal(form, *, user=None, expected_version: int | None = None, reason: str = "") -> Goal:
    if not can_edit_plan(user):
        _refuse(_("Behörighet saknas: du får inte ändra färdplanens effektmål."))
    return save_form(form, user=user, expected_version=expected_version, reason=reason)


def save_action(form, *, user=None, expected_version: int | None = None, reason: str = "") -> Action:
    """Save a valid ``ActionForm``; a GDPR action only by the one who owns GDPR actions.

    An action marked klar without a date is dated today: follow-up reads when it was done.
    """
    instance = form.instance
    stored_kind = (
        Action.objects.filter(pk=instance.pk).values_list("kind", flat=True).first() if instance.pk else None
    )
    kinds = {stored_kind, form.cleaned_data.get("kind")}
    if not can_edit_action(user, kinds, creating=instance.pk is None):
        if user is not None and user.has_perm(MANAGE_GDPR) and not kinds & set(GDPR_ACTION_KINDS):
            _refuse(
                _(
                    "Behörighet saknas: dataskyddssamordnaren planerar PUB-avtal och DPIA, inte andra "
                    "åtgärder."
                )
            )
        _refuse(
            _(
                "Behörighet saknas: du får inte ändra den här sortens åtgärd (PUB-avtal och DPIA ägs av "
                "dataskyddssamordnaren)."
            )
        )
    if form.cleaned_data.get("status") == ActionStatus.DONE and not form.cleaned_data.get("completed_on"):
        form.instance.completed_on = timezone.localdate()
    return save_form(form, user=user, expected_version=expected_version, reason=reason)


def delete_action(
    action: Action, *, user=None, expected_version: int | None = None, reason: str = ""
) -> None:
    if not can_edit_action(user, {action.kind}, deleting=True):
        _refuse(_("Behörighet saknas: du får inte ta bort den här sortens åtgärd."))
    delete_versioned(action, user=user, expected_version=expected_version, reason=reason)


def delete_goal(goal: Goal, *, user=None, expected_version: int | None = None, reason: str = "") -> None:
    """Remove an effektmål (the strateg's right); history keeps what it was and who removed it."""
    if not (user and user.is_active and user.has_perm("planning.delete_goal")):
        _refuse(_("Behörighet saknas: du får inte ta bort effektmål."))
    delete_versioned(goal, user=user, expected_version=expected_version, reason=reason)

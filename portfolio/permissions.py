"""The one place that names a model's Django permissions.

The register's own edit page (``RegisterEditView``), the review round (``stewardship``) and any
other face that changes a record ask here which permission a change of that record needs, so that
a role cannot do through one page what another page refuses it.
"""

from __future__ import annotations

from django.db import models

__all__ = ["change_permission", "may_change", "permission"]


def permission(model: type[models.Model] | models.Model, action: str) -> str:
    """``<app>.<action>_<model>`` of a model class or instance; ``action``: view, add, change, delete."""
    meta = model._meta
    return f"{meta.app_label}.{action}_{meta.model_name}"


def change_permission(model: type[models.Model] | models.Model) -> str:
    """The permission that editing a record of ``model`` needs: the same for every face."""
    return permission(model, "change")


def may_change(user, model: type[models.Model] | models.Model) -> bool:
    """An active user holding :func:`change_permission` of ``model`` (superusers hold all)."""
    return bool(user is not None and user.is_active and user.has_perm(change_permission(model)))

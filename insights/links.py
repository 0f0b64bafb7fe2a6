"""Where the insights pages link: a finding's record, the list behind a figure, another area's page.

Analysis results carry ``(target type, id)`` pairs rather than rows, so a record's page comes
from its model's ``get_absolute_url()`` on an unsaved instance (``page_url``): no query per link.
"""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode

from gdpr.models import Breach, ProcessingActivity
from portfolio.models import (
    Application,
    Contract,
    LearningResource,
    ManagementObject,
    Organisation,
    RoleAssignment,
    Vendor,
)
from portfolio.views_generic import page_url

__all__ = ["TARGET_MODELS", "finding_url", "list_url", "optional_url", "target_url"]

#: The model of each kind of target an analysis names (``target_type`` / ``service_type``).
TARGET_MODELS = {
    "application": Application,
    "learning_resource": LearningResource,
    "management_object": ManagementObject,
    "role_assignment": RoleAssignment,
    "contract": Contract,
    "vendor": Vendor,
    "organisation": Organisation,
    "processing_activity": ProcessingActivity,
    "breach": Breach,
}


def target_url(target_type: str, pk: int | None) -> str | None:
    """The page of the record an analysis names, or ``None`` for a kind without a page."""
    model = TARGET_MODELS.get(target_type)
    return page_url(model, pk) if model is not None else None


def optional_url(name: str, query: dict | None = None) -> str | None:
    """A URL of another area if it exists yet, with an optional query string."""
    try:
        url = reverse(name)
    except NoReverseMatch:
        return None
    return f"{url}?{urlencode(query, doseq=True)}" if query else url


def list_url(model_name: str, **query: Any) -> str:
    """A portfolio list, filtered by ``query`` (the list's FilterSet reads the same names)."""
    url = reverse(f"portfolio:{model_name}_list")
    return f"{url}?{urlencode(query, doseq=True)}" if query else url


def finding_url(finding, user=None) -> str | None:
    """Where a GDPR finding is fixed: the activity's edit form at the field, else the target's page.

    With ``user``, the edit form only for a user who may change activities (else its page), so
    no role is sent to a 403.
    """
    activity_id = finding.edit_activity_id
    if activity_id and user is not None and not user.has_perm("gdpr.change_processingactivity"):
        return target_url("processing_activity", activity_id)
    if activity_id:
        try:
            url = reverse("gdpr:activity_edit", args=[activity_id])
        except NoReverseMatch:
            url = target_url("processing_activity", activity_id)
        if url and finding.field:
            url += f"#field-{finding.field}"
        if url:
            return url
    return target_url(finding.target_type, finding.target_id)

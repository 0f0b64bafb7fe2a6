"""Writes specific to the GDPR record; generic saves go through ``portfolio.services``."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gdpr.models import ProcessingActivity, ProcessingActivityService
from portfolio.merge import move_links
from portfolio.models import Application, LearningResource
from portfolio.services import claim_version, stamp_history

__all__ = ["mark_reviewed", "move_processing_activity_links"]


def mark_reviewed(
    activity: ProcessingActivity,
    *,
    user,
    expected_version: int | None = None,
    on: datetime.date | None = None,
) -> ProcessingActivity:
    """Record that ``user`` reviewed ``activity`` today: who and when, in the record and its history."""
    with transaction.atomic():
        claim_version(activity, expected_version)
        activity.last_reviewed_on = on or timezone.localdate()
        activity.last_reviewed_by = user
        stamp_history(activity, user, "Granskad")
        activity.save()
    return activity


def move_processing_activity_links(
    kept: Application | LearningResource,
    duplicate: Application | LearningResource,
    *,
    user=None,
    reason: str = "",
) -> tuple[int, int]:
    """The GDPR part of a merge: the duplicate's processing activities now run in the kept service.

    A ``mover`` for ``portfolio.merge.merge_services``, which cannot import ``gdpr`` (dependencies
    point down, docs/architecture.md): whoever merges passes it in. Returns (moved, dropped).
    """
    return move_links(
        ProcessingActivityService, "service", "processing_activity", kept, duplicate, user=user, reason=reason
    )


move_processing_activity_links.label = _("behandlingar")

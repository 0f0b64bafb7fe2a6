"""Writes specific to the GDPR record; generic saves go through ``portfolio.services``."""

import datetime

from django.db import transaction
from django.utils import timezone

from gdpr.models import ProcessingActivity
from portfolio.services import claim_version, stamp_history

__all__ = ["mark_reviewed"]


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

"""How long measured use is kept: ``settings.MEASURED_USAGE_RETENTION_MONTHS``.

README, "What discovery keeps".

Measured use is counts, not people, but a count of one pupil at a small school in a period comes
close to saying who used what; and usage older than two school years says little about today's
landscape. Rows whose period ended before the retention are deleted, with the imports and school
populations nothing refers to any more.
"""

from __future__ import annotations

import calendar
import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from .models import IdentityImport, MeasuredUsage, SchoolPopulation

__all__ = ["measured_usage_cutoff", "purge_measured_usage"]


def measured_usage_cutoff(today: datetime.date | None = None, months: int | None = None) -> datetime.date:
    """The first day still kept: ``months`` calendar months before ``today`` (clamped to month end)."""
    today = today or timezone.localdate()
    months = settings.MEASURED_USAGE_RETENTION_MONTHS if months is None else months
    index = today.year * 12 + today.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return datetime.date(year, month, min(today.day, calendar.monthrange(year, month)[1]))


def purge_measured_usage(today: datetime.date | None = None, months: int | None = None) -> int:
    """Delete measured use whose period ended before the cutoff; return how many rows went."""
    cutoff = measured_usage_cutoff(today, months)
    with transaction.atomic():
        deleted, _by_model = MeasuredUsage.objects.filter(period_end__lt=cutoff).delete()
        SchoolPopulation.objects.filter(identity_import__imported_at__date__lt=cutoff).delete()
        # An import of sign-ins whose counts are all gone says only that a file was read: keep the
        # record of imports of applications (no period), drop the emptied ones of usage.
        IdentityImport.objects.filter(period_end__lt=cutoff).exclude(
            Exists(MeasuredUsage.objects.filter(identity_import=OuterRef("pk")))
        ).delete()
    return deleted

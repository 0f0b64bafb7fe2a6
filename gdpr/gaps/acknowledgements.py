"""Accepting a finding as a risk, and withdrawing that: both writes recorded in history."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gdpr.models import GapAcknowledgement
from portfolio.services import stamp_history

from .base import GapFinding

__all__ = ["acknowledge", "withdraw_acknowledgement"]


def acknowledge(
    finding: GapFinding, *, reason: str, user=None, on: datetime.date | None = None
) -> GapAcknowledgement:
    """Accept ``finding`` as a known risk with ``reason``; it then leaves the open gap list."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Ange varför risken accepteras.")})
    code, target_type, target_id, activity_id = finding.key
    with transaction.atomic():
        ack = GapAcknowledgement.objects.filter(
            code=code, target_type=target_type, target_id=target_id, activity_id=activity_id
        ).first() or GapAcknowledgement(
            code=code, target_type=target_type, target_id=target_id, activity_id=activity_id
        )
        ack.target_name = finding.target_name[:200]
        ack.reason = reason
        ack.acknowledged_by = user if getattr(user, "is_authenticated", False) else None
        ack.acknowledged_on = on or timezone.localdate()
        stamp_history(ack, user, str(_("Accepterad risk")))
        ack.save()
    return ack


def withdraw_acknowledgement(ack: GapAcknowledgement, *, user=None) -> None:
    """Put the finding back on the open list; history keeps the acceptance and its withdrawal."""
    with transaction.atomic():
        stamp_history(ack, user, str(_("Accepterad risk återkallad")))
        ack.delete()

"""Accepted risks: a gap finding the dataskyddssamordnare has looked at and decided to live with."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portfolio.models import RegisterModel

__all__ = ["GapAcknowledgement"]


class GapAcknowledgement(RegisterModel):
    """That a finding (rule code + target) is an accepted risk, why, by whom and when.

    The finding then leaves the open gap list but stays listed as acknowledged; withdrawing the
    acknowledgement deletes the row, and history keeps both the decision and its withdrawal
    (Art. 5(2): the controller must be able to show why a known gap was accepted).
    """

    code = models.CharField(_("regel"), max_length=60, db_index=True)
    target_type = models.CharField(_("gäller typ"), max_length=30)
    target_id = models.PositiveBigIntegerField(_("gäller id"))
    #: For a finding on a service or vendor that arises in one record: that record (0 = none).
    activity_id = models.PositiveBigIntegerField(_("i behandling (id)"), default=0)
    target_name = models.CharField(_("gäller"), max_length=200, blank=True)
    reason = models.TextField(_("motivering"), help_text=_("Varför risken accepteras."))
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepterad av"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    acknowledged_on = models.DateField(_("accepterad den"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("accepterad risk")
        verbose_name_plural = _("accepterade risker")
        ordering = ["code", "target_type", "target_id", "activity_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "target_type", "target_id", "activity_id"],
                name="%(app_label)s_%(class)s_unique_finding",
                violation_error_message=_("Avvikelsen är redan accepterad."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.target_name or self.target_id}"

"""The record that a person was erased from the register (Art. 17), kept without their identity."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

__all__ = ["PersonErasure"]


class PersonErasure(models.Model):
    """That someone was pseudonymised, when, by whom and why — and how much changed, per table.

    The accountability principle (Art. 5.2) asks that the erasure can be shown; the record itself
    names only the pseudonym, never the person.
    """

    pseudonym = models.CharField(_("pseudonym"), max_length=200)
    erased_at = models.DateTimeField(_("raderad"), auto_now_add=True)
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("raderad av"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.CharField(_("skäl"), max_length=200)
    changed = models.JSONField(_("ändrade rader per tabell"), default=dict)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("radering av person")
        verbose_name_plural = _("raderingar av personer")
        ordering = ["-erased_at", "-pk"]

    def __str__(self) -> str:
        return self.pseudonym

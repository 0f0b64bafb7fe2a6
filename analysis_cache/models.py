"""The last computed result of each analysis, and the lease of the process recomputing them."""

from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["AnalysisRefresh", "AnalysisResult"]


class AnalysisResult(models.Model):
    """The last computed result of one analysis in one language, and the register state it describes.

    A cache, not part of the register: derived from it, recomputed at any time
    (``manage.py refresh_analyses``), so it has no history.
    """

    name = models.CharField(_("analys"), max_length=100)
    language = models.CharField(_("språk"), max_length=10)
    #: A digest of what the result was computed from (register state, day, analysis code).
    state = models.CharField(_("registrets tillstånd"), max_length=64)
    computed_from = models.DateTimeField(_("registret vid"))
    computed_at = models.DateTimeField(_("beräknad"))
    seconds = models.FloatField(_("beräkningstid (s)"), default=0)
    value = models.BinaryField(_("resultat"))

    class Meta:
        verbose_name = _("analysresultat")
        verbose_name_plural = _("analysresultat")
        ordering = ["name", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "language"],
                name="%(app_label)s_%(class)s_one_per_name_and_language",
                violation_error_message=_("Analysen har redan ett sparat resultat på det språket."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.language})"


class AnalysisRefresh(models.Model):
    """Who recomputes the analyses of one language now: a lease, so that one process at a time does.

    The holder renews it after every analysis (``renewed_at``); a lease not renewed for
    ``store.LEASE_TIMEOUT`` belongs to a worker that died mid-refresh, and the next refresh takes it.
    """

    language = models.CharField(_("språk"), max_length=10, unique=True)
    started_at = models.DateTimeField(_("påbörjad"), null=True, blank=True)
    renewed_at = models.DateTimeField(_("senast förnyad"), null=True, blank=True)
    finished_at = models.DateTimeField(_("klar"), null=True, blank=True)

    class Meta:
        verbose_name = _("omräkning av analyser")
        verbose_name_plural = _("omräkningar av analyser")
        ordering = ["language"]

    def __str__(self) -> str:
        return self.language

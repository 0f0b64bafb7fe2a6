"""Reviews of a processor's security: the controller's check that its guarantees suffice."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from gdpr.choices import SecurityReviewOutcome
from portfolio.models import RegisterModel

__all__ = ["ProcessorSecurityReview"]


class ProcessorSecurityReview(RegisterModel):
    """A documented review of a processor's technical and organisational measures (Art. 28.1, 32).

    A controller may only use processors that give sufficient guarantees, and must be able to
    show it (Art. 5.2, 24): a review has a date, an outcome and a reference to its documentation.
    """

    vendor = models.ForeignKey(
        "portfolio.Vendor",
        verbose_name=_("personuppgiftsbiträde"),
        on_delete=models.CASCADE,
        related_name="security_reviews",
    )
    reviewed_on = models.DateField(_("granskad"), db_index=True)
    outcome = models.CharField(_("resultat"), max_length=12, choices=SecurityReviewOutcome.choices)
    reference = models.CharField(
        _("dokumentreferens"),
        max_length=300,
        help_text=_("Diarienummer, länk eller dokument där granskningen finns, t.ex. en SOC 2-rapport."),
    )
    notes = models.TextField(_("anteckningar"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("säkerhetsgranskning av biträde")
        verbose_name_plural = _("säkerhetsgranskningar av biträden")
        ordering = ["vendor", "-reviewed_on", "pk"]

    def __str__(self) -> str:
        return _("%(vendor)s granskad %(date)s") % {"vendor": self.vendor, "date": self.reviewed_on}

    def get_absolute_url(self) -> str:
        return reverse("gdpr:processorsecurityreview_detail", args=[self.pk])

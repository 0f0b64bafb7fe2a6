"""Transfers of personal data to third countries (GDPR chapter V)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from gdpr.choices import TransferMechanism
from portfolio.geography import is_third_country
from portfolio.models import RegisterModel

__all__ = ["Transfer"]


class Transfer(RegisterModel):
    """A tredjelandsöverföring: personal data of a processing activity sent outside the EU/EEA."""

    processing_activity = models.ForeignKey(
        "gdpr.ProcessingActivity",
        verbose_name=_("behandling"),
        on_delete=models.CASCADE,
        related_name="transfers",
    )
    country = CountryField(_("land"))
    recipient = models.CharField(_("mottagare"), max_length=200)
    mechanism = models.CharField(
        _("överföringsmekanism"), max_length=10, choices=TransferMechanism.choices, blank=True, db_index=True
    )
    tia_done = models.BooleanField(
        _("överföringsbedömning (TIA) gjord"),
        default=False,
        help_text=_(
            "Bedömning av mottagarlandets lagstiftning, krävs vid standardavtalsklausuler (C-311/18)."
        ),
    )
    notes = models.TextField(_("anteckningar"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tredjelandsöverföring")
        verbose_name_plural = _("tredjelandsöverföringar")
        ordering = ["processing_activity", "country", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(mechanism=TransferMechanism.DPF) | Q(country="US"),
                name="%(app_label)s_%(class)s_dpf_only_to_us",
                violation_error_message=_("Data Privacy Framework gäller bara överföringar till USA."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} ({self.country.code})"

    def get_absolute_url(self) -> str:
        return reverse("gdpr:transfer_detail", args=[self.pk])

    def clean(self) -> None:
        if self.country and not is_third_country(self.country.code):
            raise ValidationError(
                {"country": _("Landet ligger inom EU/EES: det är ingen tredjelandsöverföring.")}
            )
        if self.mechanism == TransferMechanism.DPF and self.country and self.country.code != "US":
            raise ValidationError(
                {"mechanism": _("Data Privacy Framework gäller bara överföringar till USA.")}
            )

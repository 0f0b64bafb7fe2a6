"""Data protection impact assessments (konsekvensbedömningar), GDPR Articles 35 and 36."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from gdpr.choices import DpiaStatus, ResidualRisk
from portfolio.models import RegisterModel

__all__ = ["Dpia"]


class Dpia(RegisterModel):
    """The impact assessment of a processing activity, and whether IMY was consulted (Art. 36)."""

    processing_activity = models.ForeignKey(
        "gdpr.ProcessingActivity",
        verbose_name=_("behandling"),
        on_delete=models.CASCADE,
        related_name="dpias",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=DpiaStatus.choices, default=DpiaStatus.NOT_STARTED, db_index=True
    )
    started_on = models.DateField(_("påbörjad"), null=True, blank=True)
    completed_on = models.DateField(_("klar"), null=True, blank=True)
    residual_risk = models.CharField(
        _("kvarvarande risk"), max_length=6, choices=ResidualRisk.choices, blank=True
    )
    prior_consultation_on = models.DateField(
        _("förhandssamråd med IMY"),
        null=True,
        blank=True,
        help_text=_("Krävs när den kvarvarande risken är hög (art. 36)."),
    )
    summary = models.TextField(_("sammanfattning"), blank=True)
    # The content Art. 35(7) requires, and the data protection officer's advice (Art. 35(2)).
    processing_description = models.TextField(
        _("systematisk beskrivning av behandlingen"), blank=True, help_text=_("Art. 35.7 a.")
    )
    necessity_assessment = models.TextField(
        _("bedömning av nödvändighet och proportionalitet"), blank=True, help_text=_("Art. 35.7 b.")
    )
    risk_assessment = models.TextField(
        _("bedömning av riskerna för de registrerades rättigheter"), blank=True, help_text=_("Art. 35.7 c.")
    )
    risk_measures = models.TextField(
        _("åtgärder för att hantera riskerna"), blank=True, help_text=_("Art. 35.7 d.")
    )
    dpo_opinion = models.TextField(_("dataskyddsombudets råd"), blank=True, help_text=_("Art. 35.2."))
    dpo_consulted_on = models.DateField(_("dataskyddsombudet hördes"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("konsekvensbedömning")
        verbose_name_plural = _("konsekvensbedömningar")
        ordering = ["processing_activity", "-started_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(started_on__isnull=True)
                | Q(completed_on__isnull=True)
                | Q(completed_on__gte=models.F("started_on")),
                name="%(app_label)s_%(class)s_completed_after_start",
                violation_error_message=_("En bedömning kan inte bli klar innan den påbörjats."),
            ),
            models.CheckConstraint(
                condition=~Q(status=DpiaStatus.COMPLETED) | Q(completed_on__isnull=False),
                name="%(app_label)s_%(class)s_completed_has_date",
                violation_error_message=_("Ange när bedömningen blev klar."),
            ),
        ]

    def __str__(self) -> str:
        return _("Konsekvensbedömning: %(activity)s") % {"activity": self.processing_activity}

    def get_absolute_url(self) -> str:
        return reverse("gdpr:dpia_detail", args=[self.pk])

    def clean(self) -> None:
        if self.status == DpiaStatus.COMPLETED:
            errors = {}
            if not self.completed_on:
                errors["completed_on"] = _("Ange när bedömningen blev klar.")
            if not self.residual_risk:
                errors["residual_risk"] = _("En klar bedömning anger den kvarvarande risken.")
            if errors:
                raise ValidationError(errors)
        if self.started_on and self.completed_on and self.completed_on < self.started_on:
            raise ValidationError({"completed_on": _("En bedömning kan inte bli klar innan den påbörjats.")})

"""Contracts with vendors, and the processor agreements (PUB-avtal) that come with them."""

import calendar
import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portfolio.periods import valid_on, valid_on_q
from portfolio.text import split_lines

from .base import SearchableModel

__all__ = ["Contract", "ContractService"]


class ContractQuerySet(models.QuerySet):
    def active(self, on: datetime.date | None = None):
        """Contracts in force on ``on`` (today by default): :func:`portfolio.periods.valid_on_q`."""
        return self.filter(valid_on_q(on or timezone.localdate()))

    def with_processor_agreement(self):
        return self.filter(dpa_signed_on__isnull=False)


class Contract(SearchableModel):
    """An avtal with a vendor covering some services; ``dpa_signed_on`` is its Art. 28 agreement."""

    name = models.CharField(_("benämning"), max_length=200)
    vendor = models.ForeignKey(
        "portfolio.Vendor", verbose_name=_("leverantör"), on_delete=models.PROTECT, related_name="contracts"
    )
    services = models.ManyToManyField(
        "portfolio.Service",
        verbose_name=_("tjänster"),
        through="ContractService",
        related_name="contracts",
        blank=True,
    )
    procurement_reference = models.CharField(_("upphandlingsreferens"), max_length=100, blank=True)
    starts_on = models.DateField(_("startdatum"), null=True, blank=True)
    ends_on = models.DateField(_("slutdatum"), null=True, blank=True, db_index=True)
    notice_months = models.PositiveSmallIntegerField(_("uppsägningstid (månader)"), default=3)
    annual_value = models.DecimalField(
        _("årligt värde (kr)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    licensed_seats = models.PositiveIntegerField(
        _("antal licenser"),
        null=True,
        blank=True,
        help_text=_(
            "Antal användarlicenser (platser) som avtalet betalar för, när licensen är per användare; "
            "årligt värde är då licenskostnaden. Jämförs med uppmätta användare."
        ),
    )
    dpa_signed_on = models.DateField(
        _("personuppgiftsbiträdesavtal undertecknat"),
        null=True,
        blank=True,
        help_text=_("Datum då PUB-avtalet (art. 28.3) undertecknades."),
    )
    dpa_reference = models.CharField(
        _("PUB-avtalets dokumentreferens"),
        max_length=300,
        blank=True,
        help_text=_("Diarienummer, länk eller arkivplats för det undertecknade biträdesavtalet."),
    )
    subprocessors = models.TextField(
        _("underbiträden"),
        blank=True,
        help_text=_("Ett per rad: namn (land), t.ex. ”Amazon Web Services (IE)”."),
    )
    external_id = models.CharField(_("externt id"), max_length=100, blank=True)

    history = HistoricalRecords()
    objects = ContractQuerySet.as_manager()

    class Meta:
        verbose_name = _("avtal")
        verbose_name_plural = _("avtal")
        ordering = ["vendor__name", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="%(app_label)s_%(class)s_ends_after_start",
                violation_error_message=_("Slutdatum kan inte ligga före startdatum."),
            ),
            models.CheckConstraint(
                condition=Q(annual_value__isnull=True) | Q(annual_value__gte=0),
                name="%(app_label)s_%(class)s_value_not_negative",
                violation_error_message=_("Årligt värde kan inte vara negativt."),
            ),
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~Q(external_id=""),
                name="%(app_label)s_%(class)s_unique_external_id",
                violation_error_message=_("Det externa id:t används redan."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.vendor})"

    def get_absolute_url(self) -> str:
        return reverse("portfolio:contract_detail", args=[self.pk])

    def in_force_on(self, on: datetime.date) -> bool:
        """Whether the contract is in force on ``on``: the same rule as ``Contract.objects.active(on)``."""
        return valid_on(self, on)

    @property
    def subprocessor_list(self) -> list[str]:
        return split_lines(self.subprocessors)

    @property
    def notice_deadline(self) -> datetime.date | None:
        """The last day on which notice can be given before the contract ends."""
        if not self.ends_on:
            return None
        month = self.ends_on.month - self.notice_months
        year = self.ends_on.year + (month - 1) // 12
        month = (month - 1) % 12 + 1
        day = min(self.ends_on.day, calendar.monthrange(year, month)[1])
        return datetime.date(year, month, day)

    def search_parts(self) -> list[str]:
        return [self.name, self.procurement_reference]

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("Slutdatum kan inte ligga före startdatum.")})
        if self.dpa_signed_on and self.dpa_signed_on > timezone.localdate():
            raise ValidationError({"dpa_signed_on": _("Ett undertecknandedatum kan inte ligga i framtiden.")})


class ContractService(models.Model):
    """That a contract covers a service."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="service_links")
    service = models.ForeignKey("portfolio.Service", on_delete=models.CASCADE, related_name="contract_links")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("avtalad tjänst")
        verbose_name_plural = _("avtalade tjänster")
        ordering = ["contract", "service"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "service"], name="%(app_label)s_%(class)s_unique_pair"
            )
        ]

    def __str__(self) -> str:
        return f"{self.contract} – {self.service}"

"""Suppliers of systems and learning resources."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords
from stdnum.se import orgnr

from portfolio.geography import is_third_country, third_country_q

from .base import SearchableModel

__all__ = ["Vendor"]


class VendorQuerySet(models.QuerySet):
    def third_country(self):
        """Vendors established outside the EU/EEA: using them as processors implies a transfer."""
        return self.filter(third_country_q())


class Vendor(SearchableModel):
    """A supplier (leverantör); its country decides whether using it is a third-country transfer."""

    name = models.CharField(_("namn"), max_length=200)
    organisation_number = models.CharField(
        _("organisationsnummer"), max_length=11, blank=True, help_text=_("För svenska leverantörer.")
    )
    country = CountryField(_("land"), blank=True, db_index=True)
    dpf_listed = models.BooleanField(
        _("listad i Data Privacy Framework"),
        default=False,
        help_text=_("Amerikanska företag som är certifierade enligt EU–US Data Privacy Framework."),
    )
    website = models.URLField(_("webbplats"), blank=True)
    external_id = models.CharField(_("externt id"), max_length=100, blank=True)
    notes = models.TextField(_("anteckningar"), blank=True)

    history = HistoricalRecords()
    objects = VendorQuerySet.as_manager()

    class Meta:
        verbose_name = _("leverantör")
        verbose_name_plural = _("leverantörer")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation_number"],
                condition=~Q(organisation_number=""),
                name="%(app_label)s_%(class)s_unique_organisation_number",
                violation_error_message=_("En leverantör med detta organisationsnummer finns redan."),
            ),
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~Q(external_id=""),
                name="%(app_label)s_%(class)s_unique_external_id",
                violation_error_message=_("Det externa id:t används redan."),
            ),
            models.CheckConstraint(
                condition=Q(dpf_listed=False) | Q(country="US"),
                name="%(app_label)s_%(class)s_dpf_only_for_us",
                violation_error_message=_("Endast amerikanska företag kan listas i Data Privacy Framework."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("portfolio:vendor_detail", args=[self.pk])

    @property
    def is_third_country(self) -> bool:
        return is_third_country(self.country.code if self.country else "")

    def clean(self) -> None:
        if self.organisation_number:
            if self.country and self.country.code != "SE":
                raise ValidationError(
                    {
                        "organisation_number": _(
                            "Svenskt organisationsnummer anges bara för svenska leverantörer."
                        )
                    }
                )
            if not orgnr.is_valid(self.organisation_number):
                raise ValidationError(
                    {"organisation_number": _("Ogiltigt organisationsnummer (kontrollsiffran stämmer inte).")}
                )
            self.organisation_number = orgnr.format(self.organisation_number)

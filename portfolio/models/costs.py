"""What the landscape costs, per year, as budget or outcome."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portfolio.choices import CostCategory, CostKind, Pm3Part

from .base import RegisterModel, exactly_one_set

__all__ = ["Cost", "COST_TARGET_FIELDS"]

COST_TARGET_FIELDS = ("management_object", "service")


class CostQuerySet(models.QuerySet):
    def budget(self):
        return self.filter(kind=CostKind.BUDGET)

    def outcome(self):
        return self.filter(kind=CostKind.OUTCOME)

    def for_year(self, year: int):
        return self.filter(year=year)

    def totals_by_year_and_kind(self, first: int, last: int) -> dict[tuple[int, str], Decimal]:
        """``{(year, kind): sum of amounts}`` for the years ``first``..``last``: one grouped query.

        A (year, kind) without costs is absent, not zero, so the caller says how to show it.
        """
        rows = (
            self.filter(year__gte=first, year__lte=last)
            .values("year", "kind")
            .annotate(total=Sum("amount"))
            .order_by()
        )
        return {(row["year"], row["kind"]): row["total"] for row in rows}


class Cost(RegisterModel):
    """An amount in SEK for one year on a förvaltningsobjekt, system or learning resource."""

    amount = models.DecimalField(_("belopp (kr)"), max_digits=14, decimal_places=2)
    year = models.PositiveSmallIntegerField(_("år"), db_index=True)
    management_object = models.ForeignKey(
        "portfolio.ManagementObject",
        verbose_name=_("förvaltningsobjekt"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="costs",
    )
    service = models.ForeignKey(
        "portfolio.Service",
        verbose_name=_("tjänst"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="costs",
    )
    category = models.CharField(_("kategori"), max_length=20, choices=CostCategory.choices, db_index=True)
    kind = models.CharField(_("budget eller utfall"), max_length=10, choices=CostKind.choices, db_index=True)
    pm3_part = models.CharField(_("PM3-del"), max_length=30, choices=Pm3Part.choices, blank=True)
    description = models.CharField(_("beskrivning"), max_length=300, blank=True)
    external_id = models.CharField(_("externt id"), max_length=100, blank=True)

    history = HistoricalRecords()
    objects = CostQuerySet.as_manager()

    class Meta:
        verbose_name = _("kostnad")
        verbose_name_plural = _("kostnader")
        ordering = ["-year", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=exactly_one_set(*COST_TARGET_FIELDS),
                name="%(app_label)s_%(class)s_exactly_one_target",
                violation_error_message=_(
                    "En kostnad hör till exakt ett förvaltningsobjekt, system eller en lärresurs."
                ),
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="%(app_label)s_%(class)s_amount_not_negative",
                violation_error_message=_("Beloppet kan inte vara negativt."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100),
                name="%(app_label)s_%(class)s_plausible_year",
                violation_error_message=_("Året ska ligga mellan 2000 och 2100."),
            ),
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~Q(external_id=""),
                name="%(app_label)s_%(class)s_unique_external_id",
                violation_error_message=_("Det externa id:t används redan."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.target} {self.year}: {self.amount} kr ({self.get_kind_display()})"

    def get_absolute_url(self) -> str:
        return reverse("portfolio:cost_detail", args=[self.pk])

    @property
    def target(self):
        for field in COST_TARGET_FIELDS:
            value = getattr(self, field)
            if value is not None:
                return value
        return None

    def clean(self) -> None:
        if len([f for f in COST_TARGET_FIELDS if getattr(self, f"{f}_id")]) != 1:
            raise ValidationError(
                _("En kostnad hör till exakt ett förvaltningsobjekt, system eller en lärresurs.")
            )

"""PM3: the förvaltningsobjekt and its yearly plan and budget."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portfolio.choices import OrganisationKind, PlanStatus, Pm3Part

from .base import RegisterModel, SearchableModel

__all__ = ["ManagementObject", "ManagementPlan"]


class ManagementObject(SearchableModel):
    """A förvaltningsobjekt is the unit that PM3 manages, owns and budgets, grouping related systems."""

    name = models.CharField(_("namn"), max_length=200, unique=True)
    description = models.TextField(_("beskrivning"), blank=True)
    owner_organisation = models.ForeignKey(
        "portfolio.Organisation",
        verbose_name=_("ägande förvaltning"),
        on_delete=models.PROTECT,
        related_name="management_objects",
    )
    external_id = models.CharField(_("externt id"), max_length=100, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("förvaltningsobjekt")
        verbose_name_plural = _("förvaltningsobjekt")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("portfolio:managementobject_detail", args=[self.pk])

    def clean(self) -> None:
        if self.owner_organisation_id and self.owner_organisation.kind not in (
            OrganisationKind.ADMINISTRATION,
            OrganisationKind.BOARD,
        ):
            raise ValidationError(
                {"owner_organisation": _("Ett förvaltningsobjekt ägs av en förvaltning (eller nämnd).")}
            )


class ManagementPlan(RegisterModel):
    """A förvaltningsplan: one object's plan and budget for one year, split into PM3's four parts."""

    management_object = models.ForeignKey(
        ManagementObject, verbose_name=_("förvaltningsobjekt"), on_delete=models.CASCADE, related_name="plans"
    )
    year = models.PositiveSmallIntegerField(_("år"))
    status = models.CharField(
        _("status"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    approved_on = models.DateField(_("fastställd den"), null=True, blank=True)
    budget_business_maintenance = models.DecimalField(
        _("verksamhet – vidmakthållande (kr)"), max_digits=14, decimal_places=2, default=Decimal(0)
    )
    budget_business_development = models.DecimalField(
        _("verksamhet – vidareutveckling (kr)"), max_digits=14, decimal_places=2, default=Decimal(0)
    )
    budget_it_maintenance = models.DecimalField(
        _("IT – vidmakthållande (kr)"), max_digits=14, decimal_places=2, default=Decimal(0)
    )
    budget_it_development = models.DecimalField(
        _("IT – vidareutveckling (kr)"), max_digits=14, decimal_places=2, default=Decimal(0)
    )
    goals = models.TextField(_("mål och aktiviteter"), blank=True)

    history = HistoricalRecords()

    #: Budget field per PM3 part, so that analyses and exports name the parts the same way.
    BUDGET_FIELDS = {
        Pm3Part.BUSINESS_MAINTENANCE: "budget_business_maintenance",
        Pm3Part.BUSINESS_DEVELOPMENT: "budget_business_development",
        Pm3Part.IT_MAINTENANCE: "budget_it_maintenance",
        Pm3Part.IT_DEVELOPMENT: "budget_it_development",
    }

    class Meta:
        verbose_name = _("förvaltningsplan")
        verbose_name_plural = _("förvaltningsplaner")
        ordering = ["management_object", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["management_object", "year"],
                name="%(app_label)s_%(class)s_one_per_year",
                violation_error_message=_("Objektet har redan en förvaltningsplan för året."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100),
                name="%(app_label)s_%(class)s_plausible_year",
                violation_error_message=_("Året ska ligga mellan 2000 och 2100."),
            ),
            models.CheckConstraint(
                condition=Q(budget_business_maintenance__gte=0)
                & Q(budget_business_development__gte=0)
                & Q(budget_it_maintenance__gte=0)
                & Q(budget_it_development__gte=0),
                name="%(app_label)s_%(class)s_budget_not_negative",
                violation_error_message=_("Budgetbelopp kan inte vara negativa."),
            ),
            models.CheckConstraint(
                condition=Q(approved_on__isnull=True) | Q(status=PlanStatus.APPROVED),
                name="%(app_label)s_%(class)s_approval_date_means_approved",
                violation_error_message=_("En plan med fastställelsedatum ska ha status Fastställd."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.management_object} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("portfolio:managementplan_detail", args=[self.pk])

    @property
    def budget_total(self) -> Decimal:
        return sum((getattr(self, field) for field in self.BUDGET_FIELDS.values()), Decimal(0))

    def clean(self) -> None:
        if self.status == PlanStatus.APPROVED and not self.approved_on:
            raise ValidationError({"approved_on": _("Ange när planen fastställdes.")})

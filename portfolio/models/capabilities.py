"""The two-level taxonomy of what systems do; overlap is measured per capability."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .base import SearchableModel

__all__ = ["Capability"]


class Capability(SearchableModel):
    """A verksamhetsförmåga, e.g. Undervisning › Lärplattform: what a system does for the organisation."""

    name = models.CharField(_("namn"), max_length=200)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("område"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    description = models.TextField(_("beskrivning"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("verksamhetsförmåga")
        verbose_name_plural = _("verksamhetsförmågor")
        ordering = ["parent__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"],
                name="%(app_label)s_%(class)s_unique_name_in_area",
                violation_error_message=_("Förmågan finns redan inom området."),
            ),
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(parent__isnull=True),
                name="%(app_label)s_%(class)s_unique_area_name",
                violation_error_message=_("Området finns redan."),
            ),
        ]

    def __str__(self) -> str:
        if self.parent_id:
            return f"{self.parent.name} › {self.name}"
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("portfolio:capability_detail", args=[self.pk])

    def clean(self) -> None:
        if self.parent_id:
            if self.pk and self.parent_id == self.pk:
                raise ValidationError({"parent": _("En förmåga kan inte ligga under sig själv.")})
            if self.parent.parent_id:
                raise ValidationError(
                    {"parent": _("Taxonomin har två nivåer: välj ett område på översta nivån.")}
                )
            if self.pk and self.children.exists():
                # Its own capabilities would otherwise end up on a third level.
                raise ValidationError(
                    {"parent": _("Ett område med förmågor kan inte läggas under ett annat område.")}
                )

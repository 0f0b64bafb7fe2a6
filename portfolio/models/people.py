"""People and the PM3 and GDPR roles they hold."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portfolio.choices import RoleChoices
from portfolio.periods import valid_on_q

from .base import RegisterModel, SearchableModel, exactly_one_set

__all__ = ["Person", "RoleAssignment", "ROLE_TARGET_FIELDS"]

#: The things a role can be held on; exactly one is set on each assignment.
ROLE_TARGET_FIELDS = ("management_object", "service", "organisation")


class Person(SearchableModel):
    """Someone who holds a role: an objektägare, a systemägare, a dataskyddsombud …"""

    name = models.CharField(_("namn"), max_length=200)
    email = models.EmailField(_("e-post"), blank=True)
    title = models.CharField(_("titel"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        "portfolio.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
    )
    active = models.BooleanField(_("aktiv"), default=True, db_index=True)
    external_id = models.CharField(_("externt id"), max_length=100, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("personer")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["email"],
                condition=~Q(email=""),
                name="%(app_label)s_%(class)s_unique_email",
                violation_error_message=_("En person med denna e-postadress finns redan."),
            ),
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~Q(external_id=""),
                name="%(app_label)s_%(class)s_unique_external_id",
                violation_error_message=_("Det externa id:t används redan."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("portfolio:person_detail", args=[self.pk])

    def search_parts(self) -> list[str]:
        return [self.name, self.email, self.title]

    def clean(self) -> None:
        # Normalise before the uniqueness check runs, or "Anna@…" passes validation and then
        # collides with "anna@…" in the database when save() lower-cases it.
        self.email = self.email.strip().lower()

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)


class RoleAssignmentQuerySet(models.QuerySet):
    def current(self, on=None):
        """Assignments valid on ``on`` (today by default)."""
        return self.filter(valid_on_q(on or timezone.localdate()))


class RoleAssignment(RegisterModel):
    """That a person holds a role on one förvaltningsobjekt, system, learning resource or organisation."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="roles"
    )
    role = models.CharField(_("roll"), max_length=30, choices=RoleChoices.choices, db_index=True)
    management_object = models.ForeignKey(
        "portfolio.ManagementObject",
        verbose_name=_("förvaltningsobjekt"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="roles",
    )
    service = models.ForeignKey(
        "portfolio.Service",
        verbose_name=_("tjänst"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="roles",
    )
    organisation = models.ForeignKey(
        "portfolio.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="roles",
    )
    starts_on = models.DateField(_("från"), null=True, blank=True)
    ends_on = models.DateField(_("till"), null=True, blank=True)

    history = HistoricalRecords()
    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("rolltilldelning")
        verbose_name_plural = _("rolltilldelningar")
        ordering = ["role", "person__name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=exactly_one_set(*ROLE_TARGET_FIELDS),
                name="%(app_label)s_%(class)s_exactly_one_target",
                violation_error_message=_(
                    "En roll gäller exakt ett förvaltningsobjekt, system, en lärresurs eller en organisation."
                ),
            ),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="%(app_label)s_%(class)s_ends_after_start",
                violation_error_message=_("Slutdatum kan inte ligga före startdatum."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.person} ({self.target})"

    def get_absolute_url(self) -> str:
        return reverse("portfolio:roleassignment_detail", args=[self.pk])

    @property
    def target(self):
        for field in ROLE_TARGET_FIELDS:
            value = getattr(self, field)
            if value is not None:
                return value
        return None

    def clean(self) -> None:
        targets = [f for f in ROLE_TARGET_FIELDS if getattr(self, f"{f}_id")]
        if len(targets) != 1:
            raise ValidationError(
                _("En roll gäller exakt ett förvaltningsobjekt, system, en lärresurs eller en organisation.")
            )
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("Slutdatum kan inte ligga före startdatum.")})

"""The organisation tree: huvudman › nämnd › förvaltning › skolenhet."""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from stdnum.se import orgnr

from portfolio.choices import OrganisationKind, SchoolForm

from .base import SearchableModel

__all__ = ["Organisation"]

SCHOOL_UNIT_CODE = re.compile(r"^\d{8}$")


class OrganisationQuerySet(models.QuerySet):
    def controllers(self):
        """Nämnder: in a Swedish municipality each is the controller (personuppgiftsansvarig)."""
        return self.filter(kind=OrganisationKind.BOARD)

    def school_units(self):
        return self.filter(kind=OrganisationKind.SCHOOL_UNIT)

    def subtree(self, root: "Organisation"):
        """``root`` and everything below it, in one query, through the materialised path."""
        return self.filter(Q(pk=root.pk) | Q(path__startswith=root.subtree_prefix))

    def subtree_of_any(self, roots):
        condition = Q(pk__in=[r.pk for r in roots])
        for root in roots:
            condition |= Q(path__startswith=root.subtree_prefix)
        return self.filter(condition)


class Organisation(SearchableModel):
    """A part of the municipality: the huvudman, a nämnd (controller), a förvaltning or a skolenhet."""

    name = models.CharField(_("namn"), max_length=200)
    kind = models.CharField(_("typ"), max_length=20, choices=OrganisationKind.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("överordnad"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    #: Ancestor ids, root first, each followed by "/": "1/4/" for an organisation under 1 › 4.
    path = models.CharField(
        _("sökväg"), max_length=255, blank=True, default="", editable=False, db_index=True
    )
    school_form = models.CharField(
        _("skolform"), max_length=30, choices=SchoolForm.choices, blank=True, db_index=True
    )
    organisation_number = models.CharField(
        _("organisationsnummer"), max_length=11, blank=True, help_text=_("För en huvudman: NNNNNN-NNNN.")
    )
    school_unit_code = models.CharField(
        _("skolenhetskod"), max_length=8, blank=True, help_text=_("Skolverkets åttasiffriga kod.")
    )
    external_id = models.CharField(
        _("externt id"), max_length=100, blank=True, help_text=_("T.ex. SS 12000-id.")
    )
    contact_email = models.EmailField(_("kontakt (e-post)"), blank=True)
    dpo_contact = models.CharField(
        _("dataskyddsombudets kontakt"),
        max_length=200,
        blank=True,
        help_text=_("Krävs för en nämnd (art. 37.7)."),
    )
    active = models.BooleanField(_("aktiv"), default=True)

    history = HistoricalRecords()
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisationer")
        ordering = ["path", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school_unit_code"],
                condition=~Q(school_unit_code=""),
                name="%(app_label)s_%(class)s_unique_school_unit_code",
                violation_error_message=_("Skolenhetskoden används redan av en annan skolenhet."),
            ),
            models.UniqueConstraint(
                fields=["organisation_number"],
                condition=~Q(organisation_number=""),
                name="%(app_label)s_%(class)s_unique_organisation_number",
                violation_error_message=_("Organisationsnumret används redan."),
            ),
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~Q(external_id=""),
                name="%(app_label)s_%(class)s_unique_external_id",
                violation_error_message=_("Det externa id:t används redan."),
            ),
            models.CheckConstraint(
                condition=Q(school_form="") | Q(kind=OrganisationKind.SCHOOL_UNIT),
                name="%(app_label)s_%(class)s_school_form_only_on_school_unit",
                violation_error_message=_("Endast en skolenhet har en skolform."),
            ),
            models.CheckConstraint(
                condition=Q(school_unit_code="") | Q(kind=OrganisationKind.SCHOOL_UNIT),
                name="%(app_label)s_%(class)s_school_unit_code_only_on_school_unit",
                violation_error_message=_("Endast en skolenhet har en skolenhetskod."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("portfolio:organisation_detail", args=[self.pk])

    @property
    def subtree_prefix(self) -> str:
        return f"{self.path}{self.pk}/"

    @property
    def is_controller(self) -> bool:
        return self.kind == OrganisationKind.BOARD

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.organisation_number:
            if not orgnr.is_valid(self.organisation_number):
                errors["organisation_number"] = _(
                    "Ogiltigt organisationsnummer (kontrollsiffran stämmer inte)."
                )
            else:
                self.organisation_number = orgnr.format(self.organisation_number)
        if self.school_unit_code and not SCHOOL_UNIT_CODE.match(self.school_unit_code):
            errors["school_unit_code"] = _("En skolenhetskod består av åtta siffror.")
        if self.kind == OrganisationKind.SCHOOL_UNIT and not self.school_form:
            errors["school_form"] = _("Ange skolform för en skolenhet.")
        if self.parent_id and self.pk:
            ancestor = self.parent
            while ancestor is not None:
                if ancestor.pk == self.pk:
                    errors["parent"] = _("En organisation kan inte ligga under sig själv.")
                    break
                ancestor = ancestor.parent
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        old_prefix = None
        if self.pk:
            old_path = type(self).objects.filter(pk=self.pk).values_list("path", flat=True).first()
            old_prefix = f"{old_path}{self.pk}/" if old_path is not None else None
        self.path = self.parent.subtree_prefix if self.parent_id else ""
        super().save(*args, **kwargs)
        if old_prefix is not None and old_prefix != self.subtree_prefix:
            # Moved: descendants follow, each saved so that the move is in their history too.
            for child in self.children.all():
                child.save()

    def search_parts(self) -> list[str]:
        return [self.name, self.school_unit_code, self.organisation_number]

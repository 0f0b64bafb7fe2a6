"""Data flows (integrations) between services, and out of the organisation."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .base import SearchableModel

__all__ = ["DataFlow", "DataFlowFrequency", "DataFlowMethod", "DataFlowQuerySet", "FLOW_END_FIELDS"]

#: Each end of a flow is exactly one of these: a service (system or learning resource), or an
#: external party named in text (when the data comes from or leaves the organisation).
FLOW_END_FIELDS = ("service", "external")


class DataFlowMethod(models.TextChoices):
    SS12000 = "ss12000", _("SS 12000-API")
    SCIM = "scim", _("SCIM")
    FILE = "fil", _("Filöverföring")
    SAML = "saml_attribut", _("SAML-attribut")
    API = "api", _("Annat API")
    MANUAL = "manuell", _("Manuell")


class DataFlowFrequency(models.TextChoices):
    REAL_TIME = "realtid", _("Realtid / vid händelse")
    HOURLY = "timme", _("Varje timme")
    DAILY = "dag", _("Dagligen")
    WEEKLY = "vecka", _("Varje vecka")
    MONTHLY = "manad", _("Varje månad")
    TERMLY = "termin", _("Varje termin")
    YEARLY = "ar", _("Årligen")
    ON_DEMAND = "vid_behov", _("Vid behov")


def _exactly_one_end(prefix: str) -> Q:
    service, ext = f"{prefix}_service", f"{prefix}_external"
    return Q(**{f"{service}__isnull": False, ext: ""}) | (Q(**{f"{service}__isnull": True}) & ~Q(**{ext: ""}))


class DataFlowQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user is not None and user.is_active and user.has_perm("portfolio.view_dataflow"):
            return self
        return self.none()

    def touching(self, services=()):
        """Flows in or out of any of the given services (pks or instances)."""
        pks = [getattr(s, "pk", s) for s in services]
        return self.filter(Q(source_service__in=pks) | Q(target_service__in=pks))

    def leaving_organisation(self):
        """Flows whose receiving end is an external recipient."""
        return self.exclude(target_external="")

    def carrying_personal_data(self):
        return self.filter(processes_personal_data=True)


class DataFlow(SearchableModel):
    """A data flow (integration): what one service sends to another, or to a recipient outside."""

    name = models.CharField(_("benämning"), max_length=200)
    source_service = models.ForeignKey(
        "portfolio.Service", verbose_name=_("från tjänst"), on_delete=models.CASCADE, null=True,
        blank=True, related_name="outgoing_flows",
    )
    source_external = models.CharField(
        _("från extern part"), max_length=200, blank=True,
        help_text=_("När uppgifterna kommer utifrån, t.ex. Skolverket."),
    )
    target_service = models.ForeignKey(
        "portfolio.Service", verbose_name=_("till tjänst"), on_delete=models.CASCADE, null=True,
        blank=True, related_name="incoming_flows",
    )
    target_external = models.CharField(
        _("till extern mottagare"), max_length=200, blank=True,
        help_text=_("När uppgifterna lämnar organisationen, t.ex. CSN eller en leverantör."),
    )
    description = models.TextField(_("vad som skickas"), blank=True)
    processes_personal_data = models.BooleanField(
        _("innehåller personuppgifter"), default=True, db_index=True
    )
    personal_data_categories = models.TextField(
        _("kategorier av personuppgifter"), blank=True, help_text=_("T.ex. namn, personnummer, klass.")
    )
    method = models.CharField(_("överföringssätt"), max_length=20, choices=DataFlowMethod.choices, blank=True)
    frequency = models.CharField(_("frekvens"), max_length=20, choices=DataFlowFrequency.choices, blank=True)
    operated_by = models.ForeignKey(
        "portfolio.Person", verbose_name=_("driftas av"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="operated_flows",
    )
    external_id = models.CharField(_("externt id"), max_length=100, blank=True)

    history = HistoricalRecords()
    objects = DataFlowQuerySet.as_manager()

    class Meta:
        verbose_name = _("dataflöde")
        verbose_name_plural = _("dataflöden")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=_exactly_one_end("source"),
                name="%(app_label)s_%(class)s_exactly_one_source",
                violation_error_message=_(
                    "Ett flöde har exakt en avsändare: ett system, en lärresurs eller en extern part."
                ),
            ),
            models.CheckConstraint(
                condition=_exactly_one_end("target"),
                name="%(app_label)s_%(class)s_exactly_one_target",
                violation_error_message=_(
                    "Ett flöde har exakt en mottagare: ett system, en lärresurs eller en extern mottagare."
                ),
            ),
            models.CheckConstraint(
                condition=Q(source_external="") | Q(target_external=""),
                name="%(app_label)s_%(class)s_not_external_to_external",
                violation_error_message=_("Minst en ände av flödet ska vara en egen tjänst."),
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
        return reverse("portfolio:dataflow_detail", args=[self.pk])

    def _end(self, prefix: str):
        service = getattr(self, f"{prefix}_service")
        if service is not None:
            return service.as_kind()
        return getattr(self, f"{prefix}_external") or None

    @property
    def source(self):
        """The sending system, learning resource, or external party's name."""
        return self._end("source")

    @property
    def target(self):
        """The receiving system, learning resource, or external recipient's name."""
        return self._end("target")

    @property
    def leaves_organisation(self) -> bool:
        return bool(self.target_external)

    def search_parts(self) -> list[str]:
        return [self.name, self.source_external, self.target_external]

    def clean(self) -> None:
        errors: dict[str, str] = {}
        for prefix, message in (
            ("source", _("Ange exakt en avsändare: ett system, en lärresurs eller en extern part.")),
            ("target", _("Ange exakt en mottagare: ett system, en lärresurs eller en extern mottagare.")),
        ):
            ends = [
                bool(getattr(self, f"{prefix}_service_id")),
                bool(getattr(self, f"{prefix}_external").strip()),
            ]
            if sum(ends) != 1:
                errors[f"{prefix}_service"] = message
        if not errors and self.source_external and self.target_external:
            errors["target_external"] = _("Minst en ände av flödet ska vara en egen tjänst.")
        if not errors and self.source_service_id and self.source_service_id == self.target_service_id:
            errors["target_service"] = _("Ett flöde går mellan två olika tjänster.")
        if self.personal_data_categories.strip() and not self.processes_personal_data:
            errors["processes_personal_data"] = _(
                "Flödet anger personuppgiftskategorier men sägs inte innehålla personuppgifter."
            )
        if errors:
            raise ValidationError(errors)

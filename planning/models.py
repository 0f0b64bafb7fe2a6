"""The färdplan: a decided plan (``Plan``) with measurable effektmål (``Goal``) and scheduled
åtgärder (``Action``), each action tied to the finding that motivated it.

Every model carries history (docs/architecture.md, principle 4), so a plan can be followed up
month by month (``planning.followup``) and read as of a date like the rest of the register.
"""

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portfolio.choices import SchoolForm, Severity
from portfolio.models.base import RegisterModel

from .choices import (
    GDPR_ACTION_KINDS,
    ActionKind,
    ActionStatus,
    Comparison,
    DecidedBy,
    FindingKind,
    Metric,
    PlanStatus,
)

__all__ = ["Action", "ActionSchool", "Goal", "Plan"]


class PlanQuerySet(models.QuerySet):
    def running(self) -> "PlanQuerySet":
        """Plans decided and not yet closed: those the follow-up and the review round look at."""
        return self.filter(status__in=[PlanStatus.DECIDED, PlanStatus.IN_PROGRESS])


class Plan(RegisterModel):
    """A färdplan: a målbild, who decided it and when, and the horizon it runs to."""

    name = models.CharField(_("namn"), max_length=200)
    owner = models.ForeignKey(
        "portfolio.Person",
        verbose_name=_("ägare"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_plans",
    )
    horizon = models.DateField(_("planens slut"))
    status = models.CharField(
        _("status"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT, db_index=True
    )
    decided_by = models.CharField(_("beslutad av"), max_length=20, choices=DecidedBy.choices, blank=True)
    decided_on = models.DateField(_("beslutsdatum"), null=True, blank=True)
    diarienummer = models.CharField(_("diarienummer"), max_length=50, blank=True)
    target_state = models.TextField(_("målbild"), blank=True)

    history = HistoricalRecords()

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("färdplan")
        verbose_name_plural = _("färdplaner")
        ordering = ["-horizon", "name", "pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("planning:plan_detail", args=[self.pk])

    @property
    def is_decided(self) -> bool:
        return self.status in PlanStatus.decided()


class Goal(RegisterModel):
    """An effektmål: a figure of the register compared with a target by a date.

    ``metric`` names a figure computed by ``planning.goals`` with the same functions as today's
    analyses; ``capability``, ``school_form`` and ``severity`` are the parameters some metrics
    need (``choices.METRIC_PARAMETERS``).
    """

    plan = models.ForeignKey(Plan, verbose_name=_("färdplan"), on_delete=models.CASCADE, related_name="goals")
    name = models.CharField(_("namn"), max_length=200)
    metric = models.CharField(_("mått"), max_length=30, choices=Metric.choices)
    comparison = models.CharField(
        _("jämförelse"), max_length=3, choices=Comparison.choices, default=Comparison.AT_LEAST
    )
    target_value = models.DecimalField(_("målvärde"), max_digits=14, decimal_places=2)
    target_date = models.DateField(_("måldatum"))
    capability = models.ForeignKey(
        "portfolio.Capability",
        verbose_name=_("förmåga"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plan_goals",
    )
    school_form = models.CharField(_("skolform"), max_length=30, choices=SchoolForm.choices, blank=True)
    severity = models.CharField(
        _("lägsta allvarlighet"), max_length=10, choices=Severity.choices, blank=True
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("effektmål")
        verbose_name_plural = _("effektmål")
        ordering = ["plan", "target_date", "name", "pk"]

    def __str__(self) -> str:
        return self.name

    def is_met(self, value: Decimal | float | None) -> bool | None:
        """Whether ``value`` meets the target; None when there is no value to judge."""
        if value is None:
            return None
        value = Decimal(str(value))
        if self.comparison == Comparison.AT_MOST:
            return value <= self.target_value
        return value >= self.target_value

    @property
    def target_label(self) -> str:
        return f"{self.get_comparison_display()} {self.target_value.normalize():f}"


class Action(RegisterModel):
    """An åtgärd: what is to be done to which service at which schools, by when, and why.

    One ``service`` is the service acted on (for a replacement: the one replaced, A); a
    replacement names the service taking over (B) in ``replacement``. Two keys rather than a
    list of services, because every kind acts on one service and a replacement on exactly two
    with different roles — a list would need the role on each row. ``schools`` empty means every
    school using the service. ``contract`` is the contract kept when contracts are consolidated,
    or the one the processor agreement is signed in (empty: every contract of the service).

    ``finding_kind`` + ``finding_ref`` say which finding motivated the action: a duplicate
    cluster's or a standardisation candidate's key, a GDPR gap code with its record
    (``"GDPR-…:processing_activity:12"``), an equity hole's capability and skolform; the service
    is the action's own. ``finding_label`` keeps the finding's human label as it read when the
    action was made, so the plan still says why after the finding is gone.
    """

    plan = models.ForeignKey(
        Plan, verbose_name=_("färdplan"), on_delete=models.CASCADE, related_name="actions"
    )
    kind = models.CharField(_("typ av åtgärd"), max_length=30, choices=ActionKind.choices, db_index=True)
    name = models.CharField(_("benämning"), max_length=200, blank=True)
    service = models.ForeignKey(
        "portfolio.Service",
        verbose_name=_("tjänst"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plan_actions",
    )
    replacement = models.ForeignKey(
        "portfolio.Service",
        verbose_name=_("ersätts av"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plan_replacements",
    )
    contract = models.ForeignKey(
        "portfolio.Contract",
        verbose_name=_("avtal"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plan_actions",
        help_text=_("Avtalet som behålls vid samordning, eller som biträdesavtalet gäller."),
    )
    schools = models.ManyToManyField(
        "portfolio.Organisation",
        verbose_name=_("berörda skolor"),
        through="ActionSchool",
        related_name="plan_actions",
        blank=True,
        help_text=_("Tomt = alla skolor som använder tjänsten."),
    )
    planned_start = models.DateField(_("planerad start"), null=True, blank=True)
    planned_end = models.DateField(_("planerat slut"))
    responsible = models.ForeignKey(
        "portfolio.Person",
        verbose_name=_("ansvarig"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plan_actions",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ActionStatus.choices, default=ActionStatus.PLANNED, db_index=True
    )
    completed_on = models.DateField(_("klar den"), null=True, blank=True)
    one_off_cost = models.DecimalField(
        _("engångskostnad (kr)"), max_digits=14, decimal_places=2, default=Decimal(0)
    )
    yearly_cost_effect = models.DecimalField(
        _("årlig kostnadseffekt (kr)"),
        max_digits=14,
        decimal_places=2,
        default=Decimal(0),
        help_text=_("Negativt belopp = besparing."),
    )
    finding_kind = models.CharField(_("fynd"), max_length=30, choices=FindingKind.choices, blank=True)
    finding_ref = models.CharField(_("fyndets referens"), max_length=300, blank=True)
    finding_label = models.CharField(_("fyndets beskrivning"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("åtgärd")
        verbose_name_plural = _("åtgärder")
        ordering = ["plan", "planned_end", "pk"]
        permissions = [("manage_gdpr_action", _("Kan planera och ändra dataskyddsåtgärder"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_start__isnull=True) | Q(planned_end__gte=models.F("planned_start")),
                name="%(app_label)s_%(class)s_end_after_start",
                violation_error_message=_("Planerat slut kan inte ligga före planerad start."),
            ),
            models.CheckConstraint(
                condition=Q(replacement__isnull=True) | ~Q(replacement=models.F("service")),
                name="%(app_label)s_%(class)s_replacement_differs",
                violation_error_message=_("En tjänst kan inte ersättas av sig själv."),
            ),
        ]

    def __str__(self) -> str:
        return self.name or f"{self.get_kind_display()}: {self.service or '–'}"

    @property
    def is_gdpr(self) -> bool:
        """A processor agreement or a DPIA: the dataskyddssamordnare's action."""
        return self.kind in GDPR_ACTION_KINDS

    @property
    def finding_display(self) -> str:
        """The finding as people read it: its stored label, else its kind and reference."""
        if self.finding_label:
            return self.finding_label
        if not self.finding_kind:
            return ""
        kind = self.get_finding_kind_display()
        return f"{kind}: {self.finding_ref}" if self.finding_ref else str(kind)


class ActionSchool(models.Model):
    """That an action affects a school; its own history, like every relation of the register."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="school_links")
    organisation = models.ForeignKey(
        "portfolio.Organisation", on_delete=models.CASCADE, related_name="plan_action_links"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("berörd skola")
        verbose_name_plural = _("berörda skolor")
        ordering = ["action", "organisation"]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "organisation"], name="%(app_label)s_%(class)s_unique_pair"
            )
        ]

    def __str__(self) -> str:
        return f"{self.action} – {self.organisation}"

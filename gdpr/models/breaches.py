"""The register of personal data breaches (personuppgiftsincidenter), GDPR Article 33.5."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from gdpr.choices import BreachRisk, BreachStatus, CommunicationException, DataSubjectCategory
from portfolio.fields import ChoiceSetField
from portfolio.models import RegisterModel

__all__ = [
    "BREACH_LOOKBACK",
    "NOTIFICATION_DEADLINE",
    "Breach",
    "BreachProcessingActivity",
    "BreachService",
    "breach_service_keys",
]

#: Art. 33.1: "without undue delay and, where feasible, not later than 72 hours after having become
#: aware of it". Real hours: a breach discovered the Saturday before the clocks go forward has
#: one wall-clock hour more, not less.
NOTIFICATION_DEADLINE = datetime.timedelta(hours=72)

#: How far back "a service with breaches" looks when services are weighed and flagged.
BREACH_LOOKBACK = datetime.timedelta(days=365)


def breach_service_keys(breaches=None) -> dict[int, set[tuple[str, int]]]:
    """breach id → the services it touches, as ``("application" | "learning_resource", pk)``.

    The one place that says which services a breach concerns: the services recorded on it, and
    every service its processing activities are carried out in. Everything else (the counts
    standardisation weighs, the flag on a service's page, the services a finding touches) reads
    it from here. Three queries whatever the number of breaches.
    """
    from gdpr.models.processing import ProcessingActivityService

    links = BreachProcessingActivity.objects.all()
    direct = BreachService.objects.all()
    if breaches is not None:
        links = links.filter(breach__in=breaches)
        direct = direct.filter(breach__in=breaches)
    activities: dict[int, set[int]] = defaultdict(set)
    for breach_id, activity_id in links.values_list("breach_id", "processing_activity_id"):
        activities[activity_id].add(breach_id)
    result: dict[int, set[tuple[str, int]]] = defaultdict(set)
    for breach_id, kind, service_id in direct.values_list("breach_id", "service__kind", "service_id"):
        result[breach_id].add((kind, service_id))
    if not activities:
        return dict(result)
    rows = ProcessingActivityService.objects.filter(processing_activity_id__in=activities).values_list(
        "processing_activity_id", "service__kind", "service_id"
    )
    for activity_id, kind, service_id in rows:
        for breach_id in activities[activity_id]:
            result[breach_id].add((kind, service_id))
    return dict(result)


class BreachQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Breach details are for those who keep or may read the register of breaches (not Läsare)."""
        if user is not None and user.is_active and user.has_perm("gdpr.view_breach"):
            return self
        return self.none()

    def open(self):
        return self.filter(status=BreachStatus.OPEN)

    def since(self, when: datetime.datetime):
        """Breaches discovered at or after ``when``."""
        return self.filter(discovered_at__gte=when)

    def in_last_year(self, now: datetime.datetime | None = None):
        return self.since((now or timezone.now()) - BREACH_LOOKBACK)

    def notifiable(self):
        """Breaches IMY must be told of: assessed as a risk, or not assessed yet (the clock runs)."""
        return self.exclude(risk=BreachRisk.NO_RISK)

    def running_clocks(self, now: datetime.datetime | None = None):
        """Open notifiable breaches not yet notified whose 72 hours have not run out, soonest first."""
        now = now or timezone.now()
        return (
            self.open()
            .notifiable()
            .filter(imy_notified_at__isnull=True, discovered_at__gte=now - NOTIFICATION_DEADLINE)
            .order_by("discovered_at", "pk")
        )

    def affecting_services(self, now: datetime.datetime | None = None) -> dict[tuple[str, int], int]:
        """How many of these breaches, discovered in the last year, touched each service."""
        counts: dict[tuple[str, int], int] = defaultdict(int)
        for keys in breach_service_keys(self.in_last_year(now).values("pk")).values():
            for key in keys:
                counts[key] += 1
        return dict(counts)

    def affecting_service(self, kind: str, pk: int):
        """These breaches that touched the service ``(kind, pk)`` (see :func:`breach_service_keys`)."""
        ids = [b for b, keys in breach_service_keys(self.values("pk")).items() if (kind, pk) in keys]
        return self.filter(pk__in=ids)

    def affecting_vendors(self, now: datetime.datetime | None = None) -> dict[int, int]:
        """How many of these breaches, discovered in the last year, happened at each processor."""
        rows = (
            self.in_last_year(now)
            .filter(vendor__isnull=False)
            .values_list("vendor_id")
            .annotate(n=models.Count("pk"))
            .order_by()
        )
        return dict(rows)


class Breach(RegisterModel):
    """A personal data breach: a breach of security leading to the loss, disclosure of or access to
    personal data (Art. 4.12), documented whether or not IMY had to be told (Art. 33.5).

    The register records the facts, the effects and the remedial action, IMY's notification or
    why none was made, and whether the data subjects were told (Art. 34).
    """

    title = models.CharField(
        _("rubrik"),
        max_length=200,
        help_text=_("Kort: vad hände, t.ex. ”Klasslista till fel vårdnadshavare”."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=BreachStatus.choices, default=BreachStatus.OPEN, db_index=True
    )
    # When
    occurred_at = models.DateTimeField(_("inträffade"), null=True, blank=True)
    discovered_at = models.DateTimeField(
        _("upptäcktes"),
        db_index=True,
        help_text=_("När nämnden fick kännedom om incidenten: 72 timmar räknas härifrån (art. 33.1)."),
    )
    reported_internally_at = models.DateTimeField(_("rapporterades internt"), null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rapporterad av"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # What (Art. 33.3 a)
    description = models.TextField(_("vad hände"))
    processing_activities = models.ManyToManyField(
        "gdpr.ProcessingActivity",
        verbose_name=_("behandlingar"),
        through="BreachProcessingActivity",
        related_name="breaches",
        blank=True,
    )
    services = models.ManyToManyField(
        "portfolio.Service",
        verbose_name=_("tjänster"),
        through="BreachService",
        related_name="breaches",
        blank=True,
        help_text=_("System och lärresurser där incidenten inträffade eller som den rör."),
    )
    vendor = models.ForeignKey(
        "portfolio.Vendor",
        verbose_name=_("personuppgiftsbiträde"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="breaches",
        help_text=_("Om incidenten inträffade hos ett biträde."),
    )
    data_subject_categories = ChoiceSetField(
        _("kategorier av registrerade"), item_choices=DataSubjectCategory
    )
    subjects_approx = models.PositiveIntegerField(_("ungefärligt antal registrerade"), null=True, blank=True)
    records_approx = models.PositiveIntegerField(_("ungefärligt antal registerposter"), null=True, blank=True)
    personal_data_categories = models.TextField(_("kategorier av personuppgifter"), blank=True)
    protected_identity = models.BooleanField(_("skyddade personuppgifter berörs"), default=False)
    special_categories = models.BooleanField(_("känsliga personuppgifter berörs (art. 9)"), default=False)
    # Effects and remedial action (Art. 33.3 c, d)
    consequences = models.TextField(_("sannolika konsekvenser"), blank=True)
    measures = models.TextField(_("vidtagna åtgärder"), blank=True)
    # Risk (Art. 33.1, 34.1)
    risk = models.CharField(
        _("riskbedömning"),
        max_length=5,
        choices=BreachRisk.choices,
        blank=True,
        help_text=_("Tomt: ännu inte bedömd; då räknas fristen som om incidenten medför en risk."),
    )
    risk_reasoning = models.TextField(_("motivering av riskbedömningen"), blank=True)
    # IMY (Art. 33.1)
    imy_notified_at = models.DateTimeField(_("anmäld till IMY"), null=True, blank=True)
    imy_reference = models.CharField(_("IMY:s diarienummer"), max_length=100, blank=True)
    delay_reason = models.TextField(
        _("skäl till försenad anmälan"),
        blank=True,
        help_text=_("Krävs när anmälan görs senare än 72 timmar efter upptäckten (art. 33.1)."),
    )
    not_notified_reason = models.TextField(_("varför IMY inte underrättats"), blank=True)
    # The data subjects (Art. 34)
    subjects_informed_at = models.DateTimeField(_("de registrerade informerade"), null=True, blank=True)
    subjects_informed_how = models.TextField(_("hur de registrerade informerades"), blank=True)
    communication_exception = models.CharField(
        _("undantag enligt art. 34.3"), max_length=1, choices=CommunicationException.choices, blank=True
    )
    subjects_not_informed_reason = models.TextField(_("varför de registrerade inte informerats"), blank=True)

    history = HistoricalRecords()
    objects = BreachQuerySet.as_manager()

    class Meta:
        verbose_name = _("personuppgiftsincident")
        verbose_name_plural = _("personuppgiftsincidenter")
        ordering = ["-discovered_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(imy_reference="") | Q(imy_notified_at__isnull=False),
                name="%(app_label)s_%(class)s_reference_needs_notification",
                violation_error_message=_("Ett diarienummer hos IMY anges bara när incidenten är anmäld."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("gdpr:breach_detail", args=[self.pk])

    #
    # The 72-hour clock
    #

    @property
    def notification_deadline(self) -> datetime.datetime:
        """72 real hours after discovery, in UTC (adding hours to a zoned time adds wall-clock hours)."""
        return self.discovered_at.astimezone(datetime.UTC) + NOTIFICATION_DEADLINE

    @property
    def needs_notification(self) -> bool:
        """Whether IMY must be told: a risk, or no assessment yet (the clock runs until it is made)."""
        return self.risk != BreachRisk.NO_RISK

    def hours_left(self, now: datetime.datetime | None = None) -> float:
        """Real hours until the deadline (negative once it has passed)."""
        now = (now or timezone.now()).astimezone(datetime.UTC)
        return (self.notification_deadline - now).total_seconds() / 3600

    def hours_to_notification(self) -> float | None:
        """Real hours from discovery to IMY's notification, if notified."""
        if self.imy_notified_at is None:
            return None
        return (self.imy_notified_at - self.discovered_at).total_seconds() / 3600

    @property
    def notified_in_time(self) -> bool:
        """Notified no later than 72 hours after discovery (72:00 exactly is in time)."""
        return self.imy_notified_at is not None and self.imy_notified_at <= self.notification_deadline

    def clock_running(self, now: datetime.datetime | None = None) -> bool:
        """Notification owed, not made, and the deadline not passed."""
        return (
            self.needs_notification
            and self.imy_notified_at is None
            and (now or timezone.now()) <= self.notification_deadline
        )

    def clean(self) -> None:
        errors: dict[str, str] = {}
        now = timezone.now()
        if self.occurred_at and self.discovered_at and self.occurred_at > self.discovered_at:
            errors["occurred_at"] = _("En incident kan inte ha inträffat efter att den upptäcktes.")
        for name in ("occurred_at", "discovered_at", "imy_notified_at", "subjects_informed_at"):
            value = getattr(self, name)
            if value and value > now + datetime.timedelta(minutes=5):
                errors[name] = _("Tidpunkten kan inte ligga i framtiden.")
        if self.imy_notified_at and self.discovered_at and self.imy_notified_at < self.discovered_at:
            errors["imy_notified_at"] = _("Anmälan till IMY kan inte ha gjorts före upptäckten.")
        if self.imy_reference and not self.imy_notified_at:
            errors["imy_reference"] = _("Ett diarienummer hos IMY anges bara när incidenten är anmäld.")
        if self.communication_exception and self.subjects_informed_at:
            errors["communication_exception"] = _(
                "Ange ett undantag enligt art. 34.3 bara när de registrerade inte informerats."
            )
        if errors:
            raise ValidationError(errors)


class BreachService(models.Model):
    """That a breach happened in, or concerned, a service (a system or a learning resource)."""

    breach = models.ForeignKey(Breach, on_delete=models.CASCADE, related_name="service_links")
    service = models.ForeignKey("portfolio.Service", on_delete=models.CASCADE, related_name="breach_links")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tjänst i personuppgiftsincident")
        verbose_name_plural = _("tjänster i personuppgiftsincidenter")
        ordering = ["breach", "service"]
        constraints = [
            models.UniqueConstraint(fields=["breach", "service"], name="%(app_label)s_%(class)s_unique_pair")
        ]

    def __str__(self) -> str:
        return f"{self.breach} – {self.service}"


class BreachProcessingActivity(models.Model):
    """That a breach concerned personal data of a processing activity."""

    breach = models.ForeignKey(Breach, on_delete=models.CASCADE, related_name="activity_links")
    processing_activity = models.ForeignKey(
        "gdpr.ProcessingActivity", on_delete=models.CASCADE, related_name="breach_links"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("behandling i personuppgiftsincident")
        verbose_name_plural = _("behandlingar i personuppgiftsincidenter")
        ordering = ["breach", "processing_activity"]
        constraints = [
            models.UniqueConstraint(
                fields=["breach", "processing_activity"], name="%(app_label)s_%(class)s_unique_pair"
            )
        ]

    def __str__(self) -> str:
        return f"{self.breach} – {self.processing_activity}"

"""The review round (årshjul): a yearly check in which every responsible person confirms or corrects
their records, and the log of the e-mails that keep it moving."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portfolio.fields import ChoiceSetField
from portfolio.models import exactly_one_set

__all__ = [
    "ITEM_TARGET_FIELDS",
    "ItemStatus",
    "Notification",
    "NotificationKind",
    "ReviewItem",
    "ReviewKind",
    "ReviewRound",
]


class ReviewKind(models.TextChoices):
    """The kinds of record a round can cover; the two service kinds are ``Service.kind`` values."""

    APPLICATION = "application", _("System")
    LEARNING_RESOURCE = "learning_resource", _("Lärresurser")
    MANAGEMENT_OBJECT = "management_object", _("Förvaltningsobjekt")
    PROCESSING_ACTIVITY = "processing_activity", _("Behandlingar")


class ItemStatus(models.TextChoices):
    OPEN = "open", _("Ej besvarad")
    CONFIRMED = "confirmed", _("Stämmer")
    CORRECTED = "corrected", _("Rättad")


class NotificationKind(models.TextChoices):
    START = "start", _("Start")
    REMINDER = "reminder", _("Påminnelse")
    OVERDUE = "overdue", _("Försenad")


#: The ReviewItem fields that point at the record under review; exactly one is set.
ITEM_TARGET_FIELDS = ("service", "management_object", "processing_activity")


class ReviewRound(models.Model):
    """A review round ("Årlig genomgång 2027"): a selection of records, each owner asked to confirm them."""

    name = models.CharField(_("benämning"), max_length=200)
    start = models.DateField(_("start"), default=timezone.localdate)
    deadline = models.DateField(_("sista dag"))
    reminder_days = models.PositiveSmallIntegerField(
        _("påminnelse (dagar före sista dag)"),
        default=14,
        help_text=_("Hur många dagar före sista dagen en påminnelse skickas till den som inte svarat."),
    )
    kinds = ChoiceSetField(_("omfattar"), item_choices=ReviewKind)
    filters = models.JSONField(
        _("urval"),
        default=dict,
        blank=True,
        help_text=_("Filter per posttyp, som i registrets listor (samma FilterSet)."),
    )
    unassigned = models.JSONField(
        _("poster utan ansvarig"),
        default=list,
        blank=True,
        editable=False,
        help_text=_("Poster i urvalet som ingen ansvarig person kunde ta emot vid start."),
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("startad av"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created = models.DateTimeField(_("skapad"), auto_now_add=True)
    closed_on = models.DateField(_("avslutad"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("granskningsomgång")
        verbose_name_plural = _("granskningsomgångar")
        ordering = ["-start", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("start")),
                name="%(app_label)s_%(class)s_deadline_after_start",
                violation_error_message=_("Sista dagen kan inte ligga före starten."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("stewardship:round_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.closed_on is None

    def is_overdue(self, today=None) -> bool:
        return self.is_open and (today or timezone.localdate()) > self.deadline


class ReviewItemQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=ItemStatus.OPEN)

    def in_open_rounds(self):
        return self.filter(round__closed_on__isnull=True)

    def overdue(self, today=None):
        """Unanswered items whose round's deadline has passed."""
        today = today or timezone.localdate()
        return self.open().in_open_rounds().filter(round__deadline__lt=today)

    def with_targets(self):
        return self.select_related(
            "round",
            "person",
            "service__management_object",
            "management_object",
            "processing_activity__controller",
        )


class ReviewItem(models.Model):
    """One record put to one responsible person in a round, and their answer."""

    round = models.ForeignKey(
        ReviewRound, verbose_name=_("omgång"), on_delete=models.CASCADE, related_name="items"
    )
    person = models.ForeignKey(
        "portfolio.Person", verbose_name=_("ansvarig"), on_delete=models.PROTECT, related_name="review_items"
    )
    service = models.ForeignKey(
        "portfolio.Service",
        verbose_name=_("tjänst"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="review_items",
    )
    management_object = models.ForeignKey(
        "portfolio.ManagementObject",
        verbose_name=_("förvaltningsobjekt"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="review_items",
    )
    processing_activity = models.ForeignKey(
        "gdpr.ProcessingActivity",
        verbose_name=_("behandling"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="review_items",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ItemStatus.choices, default=ItemStatus.OPEN, db_index=True
    )
    findings = models.JSONField(
        _("saknades eller var inaktuellt vid start"),
        default=list,
        blank=True,
        help_text=_("T.ex. ”saknar systemägare”, ”aldrig granskad”."),
    )
    completeness_at_start = models.PositiveSmallIntegerField(_("fullständighet vid start (%)"), default=0)
    confirmed_at = models.DateTimeField(_("besvarad"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("besvarad av"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()
    objects = ReviewItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("granskningspost")
        verbose_name_plural = _("granskningsposter")
        ordering = ["round", "person__name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=exactly_one_set(*ITEM_TARGET_FIELDS),
                name="%(app_label)s_%(class)s_exactly_one_target",
                violation_error_message=_(
                    "En granskningspost gäller exakt ett system, en lärresurs, ett förvaltningsobjekt "
                    "eller en behandling."
                ),
            ),
            *[
                models.UniqueConstraint(
                    fields=["round", "person", target],
                    condition=Q(**{f"{target}__isnull": False}),
                    name=f"%(app_label)s_%(class)s_unique_{target}",
                    violation_error_message=_("Personen har redan posten i omgången."),
                )
                for target in ITEM_TARGET_FIELDS
            ],
        ]

    def __str__(self) -> str:
        return f"{self.round}: {self.target} ({self.person})"

    @property
    def target_field(self) -> str:
        """The field that points at the record under review."""
        for field in ITEM_TARGET_FIELDS:
            if getattr(self, f"{field}_id"):
                return field
        return ""

    @property
    def kind(self) -> str:
        """The ReviewKind of the record: a service's own kind, else the target field."""
        field = self.target_field
        if field == "service":
            return self.service.kind
        return field

    @property
    def target(self):
        field = self.target_field
        if not field:
            return None
        target = getattr(self, field)
        return target.as_kind() if field == "service" else target

    @property
    def kind_label(self) -> str:
        return str(ReviewKind(self.kind).label) if self.kind else ""

    @property
    def is_open(self) -> bool:
        return self.status == ItemStatus.OPEN


class Notification(models.Model):
    """That an e-mail of one kind was sent to one person for one round: each is sent once."""

    round = models.ForeignKey(
        ReviewRound, verbose_name=_("omgång"), on_delete=models.CASCADE, related_name="notifications"
    )
    person = models.ForeignKey(
        "portfolio.Person", verbose_name=_("mottagare"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("typ"), max_length=10, choices=NotificationKind.choices)
    email = models.EmailField(_("skickad till"))
    sent_at = models.DateTimeField(_("skickad"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("utskick")
        verbose_name_plural = _("utskick")
        ordering = ["round", "-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "person", "kind"],
                name="%(app_label)s_%(class)s_once_per_kind",
                violation_error_message=_("Utskicket är redan skickat."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.person} ({self.round})"

"""What the identity providers revealed: applications, who decided what of them, measured use.

No model here holds a user identifier. Sign-in logs are read into counts per service (or
unregistered application), school, user group and period (:class:`MeasuredUsage`), and the file
is deleted once read; :class:`IdentityImport` says what was read, when and by whom.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portfolio.models.base import RegisterModel, exactly_one_set
from portfolio.text import split_lines

from .choices import Decision, Directory, IdentitySource, MatchState, MeasuredUserGroup, SignOnMode


class SchoolPopulation(models.Model):
    """How many people of a user group belong to a school (from the membership file): coverage's base."""

    organisation = models.ForeignKey(
        "portfolio.Organisation",
        verbose_name=_("skola"),
        on_delete=models.CASCADE,
        related_name="populations",
    )
    user_group = models.CharField(_("användargrupp"), max_length=20, choices=MeasuredUserGroup.choices)
    people = models.PositiveIntegerField(_("personer"))
    identity_import = models.ForeignKey(
        "IdentityImport", verbose_name=_("import"), on_delete=models.CASCADE, related_name="populations"
    )

    class Meta:
        verbose_name = _("antal personer per skola")
        verbose_name_plural = _("antal personer per skola")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user_group", "identity_import"], name="discovery_population_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.people}"


class IdentityImport(models.Model):
    """One identity-provider file read into the register: its source, period and totals."""

    source = models.CharField(_("källa"), max_length=20, choices=IdentitySource.choices)
    file_name = models.CharField(_("fil"), max_length=255)
    imported_at = models.DateTimeField(_("importerad"), default=timezone.now, db_index=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("importerad av"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    period_start = models.DateField(_("period från"), null=True, blank=True)
    period_end = models.DateField(_("period till"), null=True, blank=True)
    records = models.PositiveBigIntegerField(_("poster lästa"), default=0)
    applications = models.PositiveIntegerField(_("applikationer"), default=0)
    people = models.PositiveIntegerField(_("personer"), default=0)
    failures = models.PositiveBigIntegerField(_("misslyckade inloggningar"), default=0)

    class Meta:
        verbose_name = _("import från identitetsleverantör")
        verbose_name_plural = _("importer från identitetsleverantörer")
        ordering = ["-imported_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_source_display()} – {self.file_name}"


class DiscoveredApplicationQuerySet(models.QuerySet):
    """The groups the Upptäckt page counts and lists; each is one filter."""

    def registered(self) -> DiscoveredApplicationQuerySet:
        """Known to be a registered service: matched for sure, or linked by a person."""
        return self.filter(service__isnull=False)

    def undecided(self) -> DiscoveredApplicationQuerySet:
        return self.filter(decision=Decision.UNDECIDED)

    def to_review(self) -> DiscoveredApplicationQuerySet:
        """The review queue: no person has decided and the matcher was not sure."""
        return self.undecided().filter(match__in=[MatchState.SUGGESTED, MatchState.UNMATCHED])

    def suggested(self) -> DiscoveredApplicationQuerySet:
        return self.undecided().filter(match=MatchState.SUGGESTED)

    def shadow_it(self) -> DiscoveredApplicationQuerySet:
        """Unregistered ("skugg-IT"): nothing matched, nobody decided, not the platform's own app."""
        return self.undecided().filter(match=MatchState.UNMATCHED, first_party=False)

    def platform_own(self) -> DiscoveredApplicationQuerySet:
        """The identity provider's own applications nobody has decided on yet (Teams, Graph…)."""
        return self.undecided().filter(match=MatchState.UNMATCHED, first_party=True)

    def not_a_service(self) -> DiscoveredApplicationQuerySet:
        return self.filter(decision=Decision.NOT_A_SERVICE)

    def group_counts(self) -> dict[str, int]:
        """How many of these applications are in each group of the Upptäckt page; one query."""
        undecided_unmatched = Q(decision=Decision.UNDECIDED, match=MatchState.UNMATCHED)
        return self.aggregate(
            discovered=models.Count("pk"),
            registered=models.Count("pk", filter=Q(service__isnull=False)),
            suggested=models.Count("pk", filter=Q(decision=Decision.UNDECIDED, match=MatchState.SUGGESTED)),
            shadow_it=models.Count("pk", filter=undecided_unmatched & Q(first_party=False)),
            platform_own=models.Count("pk", filter=undecided_unmatched & Q(first_party=True)),
            not_a_service=models.Count("pk", filter=Q(decision=Decision.NOT_A_SERVICE)),
        )

    def sign_on_mode_counts(self) -> list[tuple[str, int]]:
        """(label, applications) per sign-on mode that occurs, in the choices' order; one query."""
        rows = dict(self.order_by().values_list("sign_on_mode").annotate(n=models.Count("pk")))
        return [(label, rows[value]) for value, label in SignOnMode.choices if rows.get(value)]

    def with_latest_users(self) -> DiscoveredApplicationQuerySet:
        """``users``: people measured in the latest period (schools and user groups added), or None."""
        latest = MeasuredUsage.objects.aggregate(end=models.Max("period_end"))["end"]
        return self.annotate(
            users=models.Sum("measured_usages__users", filter=Q(measured_usages__period_end=latest))
        )


class DiscoveredApplication(RegisterModel):
    """An application an identity provider knows, and which registered service it is.

    ``service`` is set by the matcher (``match`` says how sure) or by a person (``decision``);
    a person's decision is never overwritten by a later import.
    """

    directory = models.CharField(_("katalog"), max_length=20, choices=Directory.choices)
    key = models.CharField(
        _("id hos identitetsleverantören"),
        max_length=255,
        help_text=_("Entra ID:s appId, Googles client_id eller SAML-appens namn."),
    )
    name = models.CharField(_("namn"), max_length=255)
    sign_on_mode = models.CharField(
        _("inloggningssätt"), max_length=20, choices=SignOnMode.choices, default=SignOnMode.UNKNOWN
    )
    enabled = models.BooleanField(_("aktiverad"), default=True)
    publisher = models.CharField(_("utgivare"), max_length=255, blank=True)
    first_party = models.BooleanField(
        _("identitetsleverantörens egen"),
        default=False,
        help_text=_("Microsofts eller Googles egna appar är en del av plattformen, inte en vald tjänst."),
    )
    urls = models.TextField(_("adresser"), blank=True, help_text=_("En per rad."))
    entity_ids = models.TextField(_("SAML entity ID"), blank=True, help_text=_("Ett per rad."))
    scopes = models.TextField(_("behörigheter (scopes)"), blank=True, help_text=_("En per rad."))
    first_seen = models.DateField(_("först sedd"), null=True, blank=True)
    last_seen = models.DateField(_("senast inloggning"), null=True, blank=True)
    service = models.ForeignKey(
        "portfolio.Service",
        verbose_name=_("registrerad tjänst"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="discovered_applications",
    )
    match = models.CharField(
        _("matchning"), max_length=20, choices=MatchState.choices, default=MatchState.UNMATCHED, db_index=True
    )
    match_reason = models.TextField(_("skäl för matchningen"), blank=True)
    suggested_services = models.ManyToManyField(
        "portfolio.Service", verbose_name=_("föreslagna tjänster"), blank=True, related_name="+"
    )
    decision = models.CharField(
        _("beslut"), max_length=20, choices=Decision.choices, default=Decision.UNDECIDED, blank=True
    )

    history = HistoricalRecords()

    objects = DiscoveredApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("upptäckt applikation")
        verbose_name_plural = _("upptäckta applikationer")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["directory", "key"], name="discovery_application_unique_key"),
            models.CheckConstraint(
                condition=~Q(decision=Decision.IS_SERVICE) | Q(service__isnull=False),
                name="discovery_application_decided_service_is_set",
                violation_error_message=_("Välj den registrerade tjänst som applikationen är."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("discovery:application", args=[self.pk])

    @property
    def url_list(self) -> list[str]:
        return split_lines(self.urls)

    @property
    def entity_id_list(self) -> list[str]:
        return split_lines(self.entity_ids)

    def as_discovered(self):
        """This application as the matcher reads it."""
        from integrations.identity.records import DiscoveredApp, Source, SsoMode

        source = {
            Directory.ENTRA: Source.ENTRA_APPS,
            Directory.GOOGLE_OAUTH: Source.GOOGLE_TOKEN,
            Directory.GOOGLE_SAML: Source.GOOGLE_SAML,
        }[Directory(self.directory)]
        return DiscoveredApp(
            source=source,
            key=self.key,
            name=self.name,
            sso_mode=SsoMode(self.sign_on_mode),
            enabled=self.enabled,
            publisher=self.publisher,
            first_party=self.first_party,
            urls=tuple(self.url_list),
            entity_ids=tuple(self.entity_id_list),
        )

    @property
    def is_federated(self) -> bool:
        return self.sign_on_mode in (SignOnMode.SAML, SignOnMode.OIDC, SignOnMode.OAUTH)


class MeasuredUsage(models.Model):
    """Distinct people of one user group at one school who signed in to a service in a period.

    Counted from sign-in logs; a service's application that is not yet registered carries its
    counts on the :class:`DiscoveredApplication` until a person says which service it is.
    ``organisation`` is empty for people the membership file did not place at a school.
    """

    service = models.ForeignKey(
        "portfolio.Service",
        verbose_name=_("tjänst"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="measured_usages",
    )
    application = models.ForeignKey(
        DiscoveredApplication,
        verbose_name=_("upptäckt applikation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="measured_usages",
    )
    organisation = models.ForeignKey(
        "portfolio.Organisation",
        verbose_name=_("skola"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="measured_usages",
    )
    user_group = models.CharField(_("användargrupp"), max_length=20, choices=MeasuredUserGroup.choices)
    directory = models.CharField(_("katalog"), max_length=20, choices=Directory.choices)
    period_start = models.DateField(_("period från"))
    period_end = models.DateField(_("period till"))
    users = models.PositiveIntegerField(_("unika användare"))
    sign_ins = models.PositiveBigIntegerField(_("inloggningar"))
    identity_import = models.ForeignKey(
        IdentityImport, verbose_name=_("import"), on_delete=models.CASCADE, related_name="usages"
    )

    class Meta:
        verbose_name = _("uppmätt användning")
        verbose_name_plural = _("uppmätt användning")
        ordering = ["-period_end", "service", "organisation"]
        constraints = [
            models.CheckConstraint(
                condition=exactly_one_set("service", "application"), name="discovery_usage_one_subject"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="discovery_usage_period_in_order"
            ),
        ]
        indexes = [models.Index(fields=["service", "period_end"], name="discovery_usage_service_end")]

    def __str__(self) -> str:
        return f"{self.service or self.application} – {self.organisation or '–'}: {self.users}"


class IdentityUploadQuerySet(models.QuerySet):
    def expired(self, now=None) -> IdentityUploadQuerySet:
        """Uploads whose file waits for a confirmation that can no longer come (see ``CONFIRM_WITHIN``)."""
        now = now or timezone.now()
        return self.filter(
            status=IdentityUpload.Status.CHECKED, created__lt=now - IdentityUpload.CONFIRM_WITHIN
        )


class IdentityUpload(models.Model):
    """A file uploaded on the discovery import page, from its dry run to its import.

    The file itself lies on disk under ``settings.DISCOVERY_UPLOAD_DIR`` with a random name
    (``token``), never in the database and never under the name it was uploaded with: a sign-in
    log is personal data, and the database is backed up. It is deleted once the import has read
    it, when the file is refused, when the user cancels, and when a dry run is never confirmed
    (``discovery.uploads.purge_expired_identity_uploads``). This row keeps only the outcome:
    counts and a message.
    """

    CONFIRM_WITHIN = datetime.timedelta(hours=12)

    class Status(models.TextChoices):
        CHECKING = "checking", _("Provkörs")
        CHECKED = "checked", _("Provkörd – väntar på bekräftelse")
        IMPORTING = "importing", _("Importeras")
        IMPORTED = "imported", _("Importerad")
        REFUSED = "refused", _("Avvisad")
        CANCELLED = "cancelled", _("Avbruten")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("användare"), on_delete=models.CASCADE, related_name="+"
    )
    source = models.CharField(_("källa"), max_length=20, choices=IdentitySource.choices)
    file_name = models.CharField(_("fil"), max_length=120)
    membership_name = models.CharField(_("fil med skoltillhörighet"), max_length=120, blank=True)
    token = models.CharField(_("lagringsnamn"), max_length=32, unique=True, editable=False)
    size = models.PositiveBigIntegerField(_("storlek (byte)"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.CHECKING)
    message = models.TextField(_("meddelande"), blank=True)
    report = models.JSONField(_("resultat"), default=dict, blank=True)
    created = models.DateTimeField(_("uppladdad"), auto_now_add=True)
    finished = models.DateTimeField(_("klar"), null=True, blank=True)
    identity_import = models.ForeignKey(
        IdentityImport,
        verbose_name=_("import"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = IdentityUploadQuerySet.as_manager()

    class Meta:
        verbose_name = _("uppladdad fil från identitetsleverantör")
        verbose_name_plural = _("uppladdade filer från identitetsleverantörer")
        ordering = ["-created", "-pk"]

    def __str__(self) -> str:
        return self.file_name

    @property
    def working(self) -> bool:
        return self.status in (self.Status.CHECKING, self.Status.IMPORTING)

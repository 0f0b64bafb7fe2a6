"""The record of processing activities (registerförteckning), GDPR Article 30."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from gdpr.choices import (
    ActivityStatus,
    DataSubjectCategory,
    LegalBasis,
    SpecialCategory,
    SpecialCategoryCondition,
)
from portfolio.choices import OrganisationKind
from portfolio.fields import ChoiceSetField
from portfolio.models import SearchableModel

__all__ = ["ProcessingActivity", "ProcessingActivityService"]

#: Art. 5(2) accountability in practice: a record not looked at for a year is presumed stale.
REVIEW_INTERVAL = datetime.timedelta(days=365)


class ProcessingActivityQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user is not None and user.is_active and user.has_perm("gdpr.view_processingactivity"):
            return self
        return self.none()

    def current(self):
        """Records that describe processing going on now (not retired)."""
        return self.exclude(status=ActivityStatus.RETIRED)

    def with_special_categories(self):
        return self.exclude(special_categories="")

    def due_for_review(self, on: datetime.date | None = None):
        """Current records never reviewed, or last reviewed more than a year before ``on``."""
        on = on or timezone.localdate()
        return self.current().filter(
            Q(last_reviewed_on__isnull=True) | Q(last_reviewed_on__lt=on - REVIEW_INTERVAL)
        )


class ProcessingActivity(SearchableModel):
    """One entry of the Article 30 record: a purpose-bound processing of personal data by a nämnd."""

    name = models.CharField(_("benämning"), max_length=200)
    # Art. 30(1)(a)
    controller = models.ForeignKey(
        "portfolio.Organisation",
        verbose_name=_("personuppgiftsansvarig"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="processing_activities",
        limit_choices_to={"kind": OrganisationKind.BOARD},
    )
    joint_controller = models.CharField(
        _("gemensamt personuppgiftsansvarig"),
        max_length=200,
        blank=True,
        help_text=_("Annan part som tillsammans med nämnden bestämmer ändamål och medel (art. 26)."),
    )
    joint_arrangement = models.TextField(
        _("arrangemang mellan gemensamt ansvariga"),
        blank=True,
        help_text=_("Hur ansvaret är fördelat enligt art. 26."),
    )
    # Art. 30(1)(b)
    purposes = models.TextField(_("ändamål"), blank=True)
    # Art. 30(1)(c)
    data_subject_categories = ChoiceSetField(
        _("kategorier av registrerade"), item_choices=DataSubjectCategory
    )
    data_subject_description = models.TextField(_("registrerade, beskrivning"), blank=True)
    personal_data_categories = models.TextField(_("kategorier av personuppgifter"), blank=True)
    # Art. 30(1)(d)
    recipients = models.TextField(_("mottagare"), blank=True)
    # Art. 30(1)(f)
    retention_period = models.CharField(_("gallringsfrist"), max_length=200, blank=True)
    retention_criteria = models.TextField(_("kriterier för gallring"), blank=True)
    retention_decision = models.CharField(
        _("gallringsbeslut"),
        max_length=200,
        blank=True,
        help_text=_("Dokumenthanteringsplan eller beslut som gallringen vilar på."),
    )
    # Art. 30(1)(g)
    security_measures = models.TextField(_("säkerhetsåtgärder"), blank=True)
    # Lawfulness
    legal_basis = models.CharField(
        _("rättslig grund"), max_length=1, choices=LegalBasis.choices, blank=True, db_index=True
    )
    legal_basis_law = models.CharField(
        _("författning"),
        max_length=300,
        blank=True,
        help_text=_("T.ex. skollagen (2010:800) 29 kap. 14 §."),
    )
    # Art. 13–14: where and how the data subjects are told
    information_reference = models.CharField(
        _("information till de registrerade"),
        max_length=500,
        blank=True,
        help_text=_(
            "Länk eller dokumentreferens till informationen till elever, vårdnadshavare och personal."
        ),
    )
    information_updated_on = models.DateField(_("informationen senast uppdaterad"), null=True, blank=True)
    #: Set by the record's Form whenever a fact that the information or a DPIA describes changes
    #: (purposes, data, recipients, services …); what "predates a change" is measured against.
    content_changed_on = models.DateField(
        _("senast väsentligt ändrad"), null=True, blank=True, editable=False
    )
    special_categories = ChoiceSetField(_("känsliga personuppgifter"), item_choices=SpecialCategory)
    special_category_condition = models.CharField(
        _("undantag enligt art. 9.2"), max_length=1, choices=SpecialCategoryCondition.choices, blank=True
    )
    criminal_offence_data = models.BooleanField(_("lagöverträdelser (art. 10)"), default=False)
    involves_children = models.BooleanField(_("rör barn"), default=False)
    personal_identity_numbers = models.BooleanField(_("personnummer"), default=False)
    personal_identity_number_need = models.TextField(
        _("behov av personnummer"),
        blank=True,
        help_text=_("Varför personnummer behövs (dataskyddslagen 3 kap. 10 §)."),
    )
    protected_identity = models.BooleanField(_("skyddade personuppgifter"), default=False)
    protected_identity_routine = models.TextField(_("rutin för skyddade personuppgifter"), blank=True)
    profiling = models.BooleanField(_("profilering"), default=False)
    automated_decisions = models.BooleanField(_("automatiserade beslut"), default=False)
    automated_decision_assessment = models.TextField(_("bedömning av automatiserade beslut"), blank=True)
    # EDPB/IMY criteria for when an impact assessment is likely required (Art. 35)
    systematic_monitoring = models.BooleanField(_("systematisk övervakning"), default=False)
    # Monitoring scope (art. 5.1 c, kamerabevakningslagen 2018:1200)
    monitoring_areas = models.TextField(_("bevakade områden"), blank=True)
    monitoring_hours = models.CharField(
        _("bevakningstider"), max_length=200, blank=True, help_text=_("T.ex. vardagar 18–06 och helger.")
    )
    monitoring_around_the_clock = models.BooleanField(_("bevakning dygnet runt"), default=False)
    monitoring_around_the_clock_reason = models.TextField(
        _("skäl till bevakning dygnet runt"), blank=True
    )
    monitoring_access = models.TextField(
        _("vem ser direktsänt och inspelat material"), blank=True
    )
    monitoring_retention_days = models.PositiveIntegerField(
        _("lagringstid för inspelat material (dagar)"), null=True, blank=True
    )
    large_scale = models.BooleanField(_("storskalig behandling"), default=False)
    innovative_technology = models.BooleanField(_("ny teknik"), default=False)
    combines_datasets = models.BooleanField(_("samkörning av register"), default=False)
    # Art. 30(2): where the nämnd processes on behalf of someone else
    acts_as_processor = models.BooleanField(_("nämnden är personuppgiftsbiträde"), default=False)
    on_behalf_of = models.CharField(_("för personuppgiftsansvarig"), max_length=200, blank=True)
    # Means and follow-up
    services = models.ManyToManyField(
        "portfolio.Service",
        verbose_name=_("tjänster"),
        through="ProcessingActivityService",
        related_name="processing_activities",
        blank=True,
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ActivityStatus.choices,
        default=ActivityStatus.DRAFT,
        db_index=True,
    )
    responsible = models.ForeignKey(
        "portfolio.Person",
        verbose_name=_("ansvarig"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="processing_activities",
    )
    last_reviewed_on = models.DateField(_("senast granskad"), null=True, blank=True, db_index=True)
    last_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granskad av"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    external_id = models.CharField(_("externt id"), max_length=100, blank=True)
    internal_notes = models.TextField(_("interna anteckningar"), blank=True)

    history = HistoricalRecords()
    objects = ProcessingActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("behandling")
        verbose_name_plural = _("behandlingar")
        ordering = ["controller__name", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~Q(external_id=""),
                name="%(app_label)s_%(class)s_unique_external_id",
                violation_error_message=_("Det externa id:t används redan."),
            ),
            models.CheckConstraint(
                condition=Q(special_category_condition="") | ~Q(special_categories=""),
                name="%(app_label)s_%(class)s_condition_needs_special_categories",
                violation_error_message=_(
                    "Ett undantag enligt art. 9.2 anges bara när känsliga uppgifter behandlas."
                ),
            ),
            models.CheckConstraint(
                condition=Q(on_behalf_of="") | Q(acts_as_processor=True),
                name="%(app_label)s_%(class)s_on_behalf_only_as_processor",
                violation_error_message=_("Ange för vems räkning bara när nämnden är personuppgiftsbiträde."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("gdpr:activity_detail", args=[self.pk])

    @property
    def has_special_categories(self) -> bool:
        return bool(self.special_categories)

    def search_parts(self) -> list[str]:
        return [self.name, self.purposes[:500]]

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.controller_id and self.controller.kind != OrganisationKind.BOARD:
            errors["controller"] = _("Personuppgiftsansvarig är en nämnd.")
        if self.special_category_condition and not self.special_categories:
            errors["special_category_condition"] = _(
                "Ett undantag enligt art. 9.2 anges bara när känsliga uppgifter behandlas."
            )
        if self.on_behalf_of and not self.acts_as_processor:
            errors["on_behalf_of"] = _("Ange för vems räkning bara när nämnden är personuppgiftsbiträde.")
        if self.last_reviewed_on and self.last_reviewed_on > timezone.localdate():
            errors["last_reviewed_on"] = _("Granskningsdatum kan inte ligga i framtiden.")
        if self.status == ActivityStatus.ACTIVE and not self.controller_id:
            errors["controller"] = _("En aktiv behandling måste ha en personuppgiftsansvarig.")
        if errors:
            raise ValidationError(errors)


class ProcessingActivityService(models.Model):
    """That a processing activity is carried out in a service (a system or a learning resource)."""

    processing_activity = models.ForeignKey(
        ProcessingActivity, on_delete=models.CASCADE, related_name="service_links"
    )
    service = models.ForeignKey(
        "portfolio.Service", on_delete=models.CASCADE, related_name="processing_activity_links"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tjänst i behandling")
        verbose_name_plural = _("tjänster i behandlingar")
        ordering = ["processing_activity", "service"]
        constraints = [
            models.UniqueConstraint(
                fields=["processing_activity", "service"], name="%(app_label)s_%(class)s_unique_pair"
            )
        ]

    def __str__(self) -> str:
        return f"{self.processing_activity} – {self.service}"

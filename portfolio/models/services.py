"""Systems (Application) and learning resources (LearningResource): the services people log in to."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from portfolio.choices import (
    ApprovalStatus,
    AuthenticationMethod,
    Federation,
    Hosting,
    IdentityProvider,
    LearningResourceKind,
    LicenceModel,
    LifecycleStatus,
    MfaSupport,
    Provisioning,
    TimeClassification,
    UserGroup,
)
from portfolio.fields import ChoiceSetField
from portfolio.text import split_lines

from .base import RegisterModel, SearchableModel

__all__ = [
    "Application",
    "ApplicationCapability",
    "ApplicationUsage",
    "LearningResource",
    "LearningResourceCapability",
    "LearningResourceUsage",
    "SSO_CONDITION",
    "ServiceQuerySet",
]

#: Single sign-on: a federated protocol against an identity provider the municipality controls
#: or trusts. Local accounts, LDAP binds and the vendor's own login are outside it.
SSO_CONDITION = Q(authentication__in=AuthenticationMethod.single_sign_on()) & ~Q(
    identity_provider__in=["", IdentityProvider.VENDOR, IdentityProvider.NONE]
)


class ServiceQuerySet(models.QuerySet):
    def visible_to(self, user):
        """What ``user`` may read: everything for a user with the view permission, else nothing."""
        perm = f"{self.model._meta.app_label}.view_{self.model._meta.model_name}"
        if user is not None and user.is_active and user.has_perm(perm):
            return self
        return self.none()

    def in_use(self):
        return self.filter(lifecycle_status__in=[LifecycleStatus.IN_USE, LifecycleStatus.PHASING_OUT])

    def behind_sso(self):
        return self.filter(SSO_CONDITION)

    def outside_sso(self):
        return self.exclude(SSO_CONDITION)

    def in_federation(self, federation: str | None = None):
        if federation:
            return self.filter(federation=federation)
        return self.exclude(federation="")

    def processing_personal_data(self):
        return self.filter(processes_personal_data=True)

    def with_user_count(self):
        return self.annotate(user_count=models.Sum("usages__users", default=0))


class AbstractService(SearchableModel):
    """What every service has, whether an administrative system or a learning resource."""

    name = models.CharField(_("namn"), max_length=200)
    aliases = models.TextField(
        _("alias"), blank=True, help_text=_("Andra namn som tjänsten går under, ett per rad.")
    )
    vendor = models.ForeignKey(
        "portfolio.Vendor",
        verbose_name=_("leverantör"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="%(class)ss",
    )
    product = models.CharField(
        _("produkt"), max_length=200, blank=True, help_text=_("Leverantörens produktnamn.")
    )
    description = models.TextField(_("beskrivning"), blank=True)
    url = models.URLField(_("webbadress"), blank=True)
    user_groups = ChoiceSetField(_("användargrupper"), item_choices=UserGroup)
    lifecycle_status = models.CharField(
        _("livscykelstatus"),
        max_length=20,
        choices=LifecycleStatus.choices,
        default=LifecycleStatus.IN_USE,
        db_index=True,
    )
    in_use_from = models.DateField(_("i drift från"), null=True, blank=True)
    planned_end = models.DateField(_("planerat slut"), null=True, blank=True)
    retired_on = models.DateField(_("avvecklad den"), null=True, blank=True)
    authentication = models.CharField(
        _("inloggningsmetod"), max_length=20, choices=AuthenticationMethod.choices, blank=True, db_index=True
    )
    identity_provider = models.CharField(
        _("identitetsleverantör"), max_length=20, choices=IdentityProvider.choices, blank=True, db_index=True
    )
    federation = models.CharField(
        _("federation"),
        max_length=20,
        choices=Federation.choices,
        blank=True,
        db_index=True,
        help_text=_("Identitetsfederation som tjänsten är ansluten till."),
    )
    saml_entity_ids = models.TextField(_("SAML entity ID"), blank=True, help_text=_("Ett per rad."))
    provisioning = models.CharField(
        _("provisionering"), max_length=20, choices=Provisioning.choices, blank=True
    )
    mfa = models.CharField(
        _("flerfaktorsinloggning"), max_length=10, choices=MfaSupport.choices, default=MfaSupport.UNKNOWN
    )
    processes_personal_data = models.BooleanField(_("behandlar personuppgifter"), default=True, db_index=True)
    hosting = models.CharField(_("driftform"), max_length=20, choices=Hosting.choices, blank=True)
    data_location = CountryField(_("datalagring (land)"), blank=True)
    external_id = models.CharField(_("externt id"), max_length=100, blank=True)
    notes = models.TextField(_("interna anteckningar"), blank=True)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def alias_list(self) -> list[str]:
        return split_lines(self.aliases)

    @property
    def entity_id_list(self) -> list[str]:
        return split_lines(self.saml_entity_ids)

    @property
    def is_sso(self) -> bool:
        return (
            self.authentication in AuthenticationMethod.single_sign_on()
            and self.identity_provider
            not in (
                "",
                IdentityProvider.VENDOR,
                IdentityProvider.NONE,
            )
        )

    def search_parts(self) -> list[str]:
        return [self.name, self.product, *self.alias_list]

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.in_use_from and self.planned_end and self.planned_end < self.in_use_from:
            errors["planned_end"] = _("Planerat slut kan inte ligga före driftstart.")
        if self.lifecycle_status == LifecycleStatus.RETIRED and not self.retired_on:
            errors["retired_on"] = _("Ange när tjänsten avvecklades.")
        if self.retired_on and self.lifecycle_status != LifecycleStatus.RETIRED:
            errors["lifecycle_status"] = _("En tjänst med avvecklingsdatum ska ha status Avvecklad.")
        if self.federation and self.authentication not in AuthenticationMethod.single_sign_on():
            errors["authentication"] = _(
                "En federationsansluten tjänst loggar in med SAML eller OpenID Connect."
            )
        if errors:
            raise ValidationError(errors)

    @classmethod
    def service_constraints(cls, prefix: str) -> list[models.BaseConstraint]:
        return [
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~Q(external_id=""),
                name=f"portfolio_{prefix}_unique_external_id",
                violation_error_message=_("Det externa id:t används redan."),
            ),
            models.CheckConstraint(
                condition=Q(planned_end__isnull=True)
                | Q(in_use_from__isnull=True)
                | Q(planned_end__gte=models.F("in_use_from")),
                name=f"portfolio_{prefix}_end_after_start",
                violation_error_message=_("Planerat slut kan inte ligga före driftstart."),
            ),
            models.CheckConstraint(
                condition=Q(retired_on__isnull=True) | Q(lifecycle_status=LifecycleStatus.RETIRED),
                name=f"portfolio_{prefix}_retired_date_means_retired",
                violation_error_message=_("En tjänst med avvecklingsdatum ska ha status Avvecklad."),
            ),
        ]


class Application(AbstractService):
    """An administrative IT system or service (system, tjänst), managed within a förvaltningsobjekt."""

    management_object = models.ForeignKey(
        "portfolio.ManagementObject",
        verbose_name=_("förvaltningsobjekt"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="applications",
    )
    time_classification = models.CharField(
        _("TIME-klassning"), max_length=10, choices=TimeClassification.choices, blank=True
    )
    capabilities = models.ManyToManyField(
        "portfolio.Capability",
        verbose_name=_("verksamhetsförmågor"),
        through="ApplicationCapability",
        related_name="applications",
        blank=True,
    )
    organisations = models.ManyToManyField(
        "portfolio.Organisation",
        verbose_name=_("används av"),
        through="ApplicationUsage",
        related_name="applications",
        blank=True,
    )

    history = HistoricalRecords()

    class Meta(AbstractService.Meta):
        verbose_name = _("system")
        verbose_name_plural = _("system")
        constraints = AbstractService.service_constraints("application")
        indexes = [
            models.Index(fields=["vendor", "lifecycle_status"], name="portfolio_app_vendor_status"),
            # The default ordering: lists and GraphQL pages read in name order without sorting the table.
            models.Index(fields=["name", "id"], name="portfolio_app_name_id"),
        ]


class LearningResource(AbstractService):
    """A lärresurs: a digital textbook, app, platform or tool used in teaching."""

    kind = models.CharField(_("typ"), max_length=20, choices=LearningResourceKind.choices, blank=True)
    subjects = models.TextField(_("ämnen"), blank=True, help_text=_("Ett ämne per rad."))
    school_year_from = models.SmallIntegerField(
        _("från årskurs"), null=True, blank=True, help_text=_("0 = förskoleklass, −1 = förskola.")
    )
    school_year_to = models.SmallIntegerField(_("till årskurs"), null=True, blank=True)
    licence_model = models.CharField(
        _("licensmodell"), max_length=20, choices=LicenceModel.choices, blank=True
    )
    approval_status = models.CharField(
        _("godkännandestatus"),
        max_length=20,
        choices=ApprovalStatus.choices,
        default=ApprovalStatus.REQUESTED,
        db_index=True,
    )
    capabilities = models.ManyToManyField(
        "portfolio.Capability",
        verbose_name=_("verksamhetsförmågor"),
        through="LearningResourceCapability",
        related_name="learning_resources",
        blank=True,
    )
    organisations = models.ManyToManyField(
        "portfolio.Organisation",
        verbose_name=_("används av"),
        through="LearningResourceUsage",
        related_name="learning_resources",
        blank=True,
    )

    history = HistoricalRecords()

    class Meta(AbstractService.Meta):
        verbose_name = _("lärresurs")
        verbose_name_plural = _("lärresurser")
        constraints = [
            *AbstractService.service_constraints("learningresource"),
            models.CheckConstraint(
                condition=Q(school_year_from__isnull=True)
                | Q(school_year_to__isnull=True)
                | Q(school_year_to__gte=models.F("school_year_from")),
                name="portfolio_learningresource_school_years_in_order",
                violation_error_message=_("Till årskurs kan inte vara lägre än från årskurs."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(school_year_from__isnull=True) | Q(school_year_from__gte=-1, school_year_from__lte=13)
                )
                & (Q(school_year_to__isnull=True) | Q(school_year_to__gte=-1, school_year_to__lte=13)),
                name="portfolio_learningresource_school_years_in_range",
                violation_error_message=_("Årskurs anges från −1 (förskola) till 13."),
            ),
        ]
        indexes = [models.Index(fields=["name", "id"], name="portfolio_lr_name_id")]

    @property
    def subject_list(self) -> list[str]:
        return split_lines(self.subjects)

    def search_parts(self) -> list[str]:
        return [*super().search_parts(), *self.subject_list]

    def clean(self) -> None:
        super().clean()
        if (
            self.school_year_from is not None
            and self.school_year_to is not None
            and self.school_year_to < self.school_year_from
        ):
            raise ValidationError({"school_year_to": _("Till årskurs kan inte vara lägre än från årskurs.")})


#
# Relations, each a model with its own history so that the register can be read as of a date.
#


class UsageBase(RegisterModel):
    users = models.PositiveIntegerField(_("antal användare"), default=0)

    class Meta:
        abstract = True


class ApplicationUsage(UsageBase):
    """That an organisation (usually a skolenhet) uses a system, and by how many users."""

    application = models.ForeignKey(
        Application, verbose_name=_("system"), on_delete=models.CASCADE, related_name="usages"
    )
    organisation = models.ForeignKey(
        "portfolio.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="application_usages",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("användning av system")
        verbose_name_plural = _("användning av system")
        ordering = ["application", "organisation"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "organisation"],
                name="%(app_label)s_%(class)s_unique_pair",
                violation_error_message=_("Organisationen är redan registrerad som användare av systemet."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.application} – {self.organisation}"


class LearningResourceUsage(UsageBase):
    """That an organisation uses a learning resource, and by how many users."""

    learning_resource = models.ForeignKey(
        LearningResource, verbose_name=_("lärresurs"), on_delete=models.CASCADE, related_name="usages"
    )
    organisation = models.ForeignKey(
        "portfolio.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="learning_resource_usages",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("användning av lärresurs")
        verbose_name_plural = _("användning av lärresurser")
        ordering = ["learning_resource", "organisation"]
        constraints = [
            models.UniqueConstraint(
                fields=["learning_resource", "organisation"],
                name="%(app_label)s_%(class)s_unique_pair",
                violation_error_message=_(
                    "Organisationen är redan registrerad som användare av lärresursen."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.learning_resource} – {self.organisation}"


class ApplicationCapability(models.Model):
    """That a system serves a capability."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="capability_links")
    capability = models.ForeignKey(
        "portfolio.Capability", on_delete=models.CASCADE, related_name="application_links"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("systemets förmåga")
        verbose_name_plural = _("systemens förmågor")
        ordering = ["application", "capability"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "capability"], name="%(app_label)s_%(class)s_unique_pair"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application} – {self.capability}"


class LearningResourceCapability(models.Model):
    """That a learning resource serves a capability."""

    learning_resource = models.ForeignKey(
        LearningResource, on_delete=models.CASCADE, related_name="capability_links"
    )
    capability = models.ForeignKey(
        "portfolio.Capability", on_delete=models.CASCADE, related_name="learning_resource_links"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("lärresursens förmåga")
        verbose_name_plural = _("lärresursernas förmågor")
        ordering = ["learning_resource", "capability"]
        constraints = [
            models.UniqueConstraint(
                fields=["learning_resource", "capability"], name="%(app_label)s_%(class)s_unique_pair"
            )
        ]

    def __str__(self) -> str:
        return f"{self.learning_resource} – {self.capability}"

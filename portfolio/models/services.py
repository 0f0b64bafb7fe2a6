"""Services people log in to: one table (``Service``) for systems and learning resources alike."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.manager import HistoricalQuerySet, HistoryManager
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
    ServiceKind,
    TimeClassification,
    UserGroup,
)
from portfolio.fields import ChoiceSetField
from portfolio.text import split_lines

from .base import RegisterModel, SearchableModel

__all__ = [
    "Application",
    "KindManager",
    "LearningResource",
    "SERVICE_PROXIES",
    "SSO_CONDITION",
    "Service",
    "ServiceCapability",
    "ServiceQuerySet",
    "ServiceUsage",
    "per_kind_ids",
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
        related_name="services",
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


class ServiceHistoricalRecords(HistoricalRecords):
    """History on ``Service`` that its kind proxies share.

    django-simple-history gives a proxy model no history of its own: it connects its signals to
    the concrete class only, and a proxy's saves are sent with the proxy as sender. This connects
    the proxies too, and gives each a ``history`` manager filtered to its kind, so that
    ``Application.history.as_of(t)`` reads the one ``HistoricalService`` table.
    """

    def finalize(self, sender, **kwargs):
        if sender is not self.cls and issubclass(sender, self.cls) and sender._meta.proxy:
            models.signals.post_save.connect(self.post_save, sender=sender, weak=False)
            models.signals.post_delete.connect(self.post_delete, sender=sender, weak=False)
            models.signals.pre_delete.connect(self.pre_delete, sender=sender, weak=False)
            setattr(sender, self.manager_name, _KindHistoryDescriptor(self.cls, sender.KIND))
            sender._meta.simple_history_manager_attribute = self.manager_name
            return
        super().finalize(sender, **kwargs)


class _KindHistoryManager(HistoryManager):
    kind: str = ""

    def get_super_queryset(self):
        return super().get_super_queryset().filter(kind=self.kind)


class _KindHistoryDescriptor:
    """``Proxy.history``: Service's history manager, limited to the proxy's kind."""

    def __init__(self, concrete: type[models.Model], kind: str):
        self.concrete = concrete
        self.kind = kind

    def __get__(self, instance, owner):
        history_model = self.concrete.__dict__["history"].model
        manager_class = type("KindHistoryManager", (_KindHistoryManager,), {"kind": self.kind})
        return manager_class.from_queryset(HistoricalQuerySet)(history_model, instance)


class Service(AbstractService):
    """A service people log in to: an administrative system or a learning resource (``kind``).

    One table for both kinds, so that every relation (usage, capabilities, contracts, processing
    activities, roles, costs, review items, data flows) points at one table once; the columns of
    one kind are empty on the other (constraints say so). ``Application`` and ``LearningResource``
    are proxies that read one kind each. See docs/architecture.md, "One service table".
    """

    kind = models.CharField(_("tjänstetyp"), max_length=20, choices=ServiceKind.choices, db_index=True)
    # A system's columns.
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
    # A learning resource's columns.
    resource_type = models.CharField(
        _("typ"), max_length=20, choices=LearningResourceKind.choices, blank=True
    )
    subjects = models.TextField(_("ämnen"), blank=True, help_text=_("Ett ämne per rad."))
    school_year_from = models.SmallIntegerField(
        _("från årskurs"), null=True, blank=True, help_text=_("0 = förskoleklass, −1 = förskola.")
    )
    school_year_to = models.SmallIntegerField(_("till årskurs"), null=True, blank=True)
    licence_model = models.CharField(
        _("licensmodell"), max_length=20, choices=LicenceModel.choices, blank=True
    )
    approval_status = models.CharField(
        _("godkännandestatus"), max_length=20, choices=ApprovalStatus.choices, blank=True, db_index=True
    )
    capabilities = models.ManyToManyField(
        "portfolio.Capability",
        verbose_name=_("verksamhetsförmågor"),
        through="ServiceCapability",
        related_name="services",
        blank=True,
    )
    organisations = models.ManyToManyField(
        "portfolio.Organisation",
        verbose_name=_("används av"),
        through="ServiceUsage",
        related_name="services",
        blank=True,
    )

    history = ServiceHistoricalRecords()

    class Meta(AbstractService.Meta):
        verbose_name = _("tjänst")
        verbose_name_plural = _("tjänster")
        constraints = [
            *AbstractService.service_constraints("service"),
            models.CheckConstraint(
                condition=Q(kind__in=ServiceKind.values),
                name="portfolio_service_known_kind",
                violation_error_message=_("Okänd tjänstetyp."),
            ),
            models.CheckConstraint(
                condition=Q(kind=ServiceKind.LEARNING_RESOURCE)
                | Q(
                    resource_type="",
                    subjects="",
                    school_year_from__isnull=True,
                    school_year_to__isnull=True,
                    licence_model="",
                    approval_status="",
                ),
                name="portfolio_service_application_has_no_learning_resource_columns",
                violation_error_message=_("Ett system har inga lärresursuppgifter."),
            ),
            models.CheckConstraint(
                condition=Q(kind=ServiceKind.APPLICATION)
                | Q(management_object__isnull=True, time_classification=""),
                name="portfolio_service_learning_resource_has_no_system_columns",
                violation_error_message=_("En lärresurs har inget förvaltningsobjekt eller TIME-klassning."),
            ),
            models.CheckConstraint(
                condition=Q(school_year_from__isnull=True)
                | Q(school_year_to__isnull=True)
                | Q(school_year_to__gte=models.F("school_year_from")),
                name="portfolio_service_school_years_in_order",
                violation_error_message=_("Till årskurs kan inte vara lägre än från årskurs."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(school_year_from__isnull=True) | Q(school_year_from__gte=-1, school_year_from__lte=13)
                )
                & (Q(school_year_to__isnull=True) | Q(school_year_to__gte=-1, school_year_to__lte=13)),
                name="portfolio_service_school_years_in_range",
                violation_error_message=_("Årskurs anges från −1 (förskola) till 13."),
            ),
        ]
        indexes = [
            models.Index(fields=["vendor", "lifecycle_status"], name="portfolio_svc_vendor_status"),
            # The default ordering: lists and GraphQL pages read in name order without sorting the table.
            models.Index(fields=["kind", "name", "id"], name="portfolio_svc_kind_name_id"),
            models.Index(fields=["name", "id"], name="portfolio_svc_name_id"),
        ]

    @property
    def is_application(self) -> bool:
        return self.kind == ServiceKind.APPLICATION

    @property
    def is_learning_resource(self) -> bool:
        return self.kind == ServiceKind.LEARNING_RESOURCE

    @property
    def subject_list(self) -> list[str]:
        return split_lines(self.subjects)

    #: The URL name of the kind's detail page (set on each proxy).
    DETAIL_URL_NAME = ""

    def get_absolute_url(self) -> str:
        """The page of the service's kind; a proxy answers for itself even before ``kind`` is set."""
        url_name = type(self).DETAIL_URL_NAME or SERVICE_PROXIES[self.kind].DETAIL_URL_NAME
        return reverse(url_name, args=[self.pk])

    def as_kind(self) -> "Service":
        """This row as its kind's proxy (``Application`` or ``LearningResource``), same state."""
        proxy = SERVICE_PROXIES.get(self.kind)
        if proxy is None or isinstance(self, proxy):
            return self
        self.__class__ = proxy
        return self

    def search_parts(self) -> list[str]:
        return [*super().search_parts(), *self.subject_list]

    def fill_kind_defaults(self) -> None:
        """A proxy's row is of its kind; a new learning resource's approval starts as requested."""
        if not self.kind and getattr(type(self), "KIND", ""):
            self.kind = type(self).KIND
        if self.kind == ServiceKind.LEARNING_RESOURCE and not self.approval_status:
            self.approval_status = ApprovalStatus.REQUESTED

    def save(self, *args, **kwargs):
        self.fill_kind_defaults()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        if (
            self.school_year_from is not None
            and self.school_year_to is not None
            and self.school_year_to < self.school_year_from
        ):
            raise ValidationError({"school_year_to": _("Till årskurs kan inte vara lägre än från årskurs.")})


class KindManager(models.Manager.from_queryset(ServiceQuerySet)):
    """The rows of one kind; what a proxy's ``objects`` reads."""

    def __init__(self, kind: str):
        super().__init__()
        self.kind = kind

    def deconstruct(self):
        return (False, f"{__name__}.KindManager", None, (self.kind,), {})

    def get_queryset(self):
        return super().get_queryset().filter(kind=self.kind)


class Application(Service):
    """An administrative IT system or service (system, tjänst), managed within a förvaltningsobjekt."""

    KIND = ServiceKind.APPLICATION
    DETAIL_URL_NAME = "portfolio:application_detail"

    objects = KindManager(ServiceKind.APPLICATION)

    class Meta:
        proxy = True
        verbose_name = _("system")
        verbose_name_plural = _("system")
        ordering = ["name", "pk"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only a new row's own values: a deferred column read here would load it, recursively.
        if self.__dict__.get("kind", None) == "":
            self.kind = ServiceKind.APPLICATION


class LearningResource(Service):
    """A lärresurs: a digital textbook, app, platform or tool used in teaching."""

    KIND = ServiceKind.LEARNING_RESOURCE
    DETAIL_URL_NAME = "portfolio:learningresource_detail"

    objects = KindManager(ServiceKind.LEARNING_RESOURCE)

    class Meta:
        proxy = True
        verbose_name = _("lärresurs")
        verbose_name_plural = _("lärresurser")
        ordering = ["name", "pk"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only a new row's own values: a deferred column read here would load it, recursively.
        if self.__dict__.get("kind", None) == "":
            self.kind = ServiceKind.LEARNING_RESOURCE
        if self.__dict__.get("approval_status", None) == "":
            self.approval_status = ApprovalStatus.REQUESTED


#: The proxy that reads each kind.
SERVICE_PROXIES: dict[str, type[Service]] = {
    ServiceKind.APPLICATION: Application,
    ServiceKind.LEARNING_RESOURCE: LearningResource,
}


#
# Relations, each a model with its own history so that the register can be read as of a date.
#


class ServiceUsage(RegisterModel):
    """That an organisation (usually a skolenhet) uses a service, and by how many users."""

    users = models.PositiveIntegerField(_("antal användare"), default=0)
    service = models.ForeignKey(
        Service, verbose_name=_("tjänst"), on_delete=models.CASCADE, related_name="usages"
    )
    organisation = models.ForeignKey(
        "portfolio.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="service_usages",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("användning av tjänst")
        verbose_name_plural = _("användning av tjänster")
        ordering = ["service", "organisation"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "organisation"],
                name="%(app_label)s_%(class)s_unique_pair",
                violation_error_message=_("Organisationen är redan registrerad som användare av tjänsten."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.service} – {self.organisation}"


class ServiceCapability(models.Model):
    """That a service serves a capability."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="capability_links")
    capability = models.ForeignKey(
        "portfolio.Capability", on_delete=models.CASCADE, related_name="service_links"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tjänstens förmåga")
        verbose_name_plural = _("tjänsternas förmågor")
        ordering = ["service", "capability"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "capability"], name="%(app_label)s_%(class)s_unique_pair"
            )
        ]

    def __str__(self) -> str:
        return f"{self.service} – {self.capability}"


def per_kind_ids(field: str = "service") -> dict[str, models.Case]:
    """Annotations ``application_id`` / ``learning_resource_id``: the ``field`` key split by kind.

    For analyses that read rows with ``values()`` and key services as ``(kind, pk)``; the join
    to the service table is part of the same query.
    """
    return {
        f"{kind}_id": models.Case(
            models.When(**{f"{field}__kind": kind}, then=models.F(f"{field}_id")),
            output_field=models.BigIntegerField(),
        )
        for kind in ServiceKind.values
    }

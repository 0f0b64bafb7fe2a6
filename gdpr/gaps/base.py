"""The gap framework: what a finding is, how a rule is declared, and how all rules are run.

Rules never query the database themselves. :class:`Context` loads every table the rules read
in one query each (activities, their links, the services and vendors, transfers, DPIAs,
processor agreements, acknowledgements), so evaluating the whole register costs the same
handful of queries as evaluating one record (docs/architecture.md, principle 2). Each rule is then a
small, pure condition over those rows.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from gdpr.choices import BreachStatus, DataSubjectCategory, DpiaStatus
from gdpr.models import (
    Breach,
    Dpia,
    GapAcknowledgement,
    ProcessingActivity,
    ProcessingActivityService,
    ProcessorSecurityReview,
    Transfer,
    breach_service_keys,
)
from portfolio import evidence
from portfolio.choices import (
    OrganisationKind,
    Severity,  # one scale for PM3 and GDPR findings
)
from portfolio.evidence import MeasuredUsers
from portfolio.models import Application, Contract, LearningResource, Organisation

__all__ = [
    "ActivityRule",
    "Context",
    "GapFinding",
    "RULES",
    "Rule",
    "Severity",
    "TargetType",
    "find_gaps",
    "gap_counts_by_service",
    "register",
]


class TargetType(models.TextChoices):
    PROCESSING_ACTIVITY = "processing_activity", _("Behandling")
    APPLICATION = "application", _("System")
    LEARNING_RESOURCE = "learning_resource", _("Lärresurs")
    VENDOR = "vendor", _("Leverantör")
    BREACH = "breach", _("Personuppgiftsincident")


#: Which form a finding's ``field`` belongs to, so a face can link to the right edit page.
FORM_ACTIVITY = "processing_activity"
FORM_TRANSFER = "transfer"
FORM_DPIA = "dpia"
FORM_CONTRACT = "contract"
FORM_ORGANISATION = "organisation"
FORM_VENDOR = "vendor"
FORM_SERVICE = "service"
FORM_SECURITY_REVIEW = "security_review"
FORM_BREACH = "breach"


@dataclass(frozen=True)
class GapFinding:
    """One gap: which rule, on what, why, and how to close it."""

    code: str
    title: str
    severity: str
    basis: str
    target_type: str
    target_id: int
    target_name: str
    explanation: str
    fix: str
    field: str = ""
    #: The form ``field`` belongs to (``FORM_*``); the activity edit form unless said otherwise.
    form: str = FORM_ACTIVITY
    #: The processing activity the finding arises in, when the target is a service or vendor.
    activity_id: int | None = None
    activity_name: str = ""
    #: ("application" | "learning_resource", pk) of every service the finding touches.
    services: tuple[tuple[str, int], ...] = ()
    acknowledged: bool = False
    acknowledgement_id: int | None = None
    acknowledgement_reason: str = ""

    @property
    def key(self) -> tuple[str, str, int, int]:
        """What an acknowledgement names: rule, target and (for service findings) the activity."""
        return (self.code, self.target_type, self.target_id, self.activity_id or 0)

    @property
    def severity_label(self) -> str:
        return str(Severity(self.severity).label)

    @property
    def edit_activity_id(self) -> int | None:
        """The activity whose edit form fixes this finding, if any."""
        if self.target_type == TargetType.PROCESSING_ACTIVITY:
            return self.target_id
        return self.activity_id


def is_pupil_activity(activity: ProcessingActivity) -> bool:
    """Pupils and children are vulnerable data subjects (EDPB WP248, IMY's list)."""
    return activity.involves_children or DataSubjectCategory.PUPILS in activity.data_subject_categories


@dataclass(frozen=True)
class VendorRow:
    """The vendor columns the rules read (plain values: model instances dominate the cost at scale)."""

    pk: int
    name: str
    country: str
    dpf_listed: bool


@dataclass(frozen=True)
class ServiceRow:
    """The columns of a system or learning resource the rules read."""

    pk: int
    name: str
    vendor_id: int | None
    vendor: VendorRow | None
    lifecycle_status: str
    processes_personal_data: bool
    data_location: str

    def __str__(self) -> str:
        return self.name


_SERVICE_COLUMNS = (
    "pk",
    "name",
    "vendor_id",
    "lifecycle_status",
    "processes_personal_data",
    "data_location",
    "vendor__name",
    "vendor__country",
    "vendor__dpf_listed",
)


def _service_rows(queryset) -> dict[int, ServiceRow]:
    """One query: the services with their vendors, as light rows."""
    vendors: dict[int, VendorRow] = {}
    rows: dict[int, ServiceRow] = {}
    for pk, name, vendor_id, status, personal, location, v_name, v_country, v_dpf in queryset.values_list(
        *_SERVICE_COLUMNS
    ):
        vendor = None
        if vendor_id is not None:
            vendor = vendors.get(vendor_id)
            if vendor is None:
                vendor = vendors[vendor_id] = VendorRow(vendor_id, v_name, str(v_country or ""), bool(v_dpf))
        rows[pk] = ServiceRow(pk, name, vendor_id, vendor, status, personal, str(location or ""))
    return rows


@dataclass
class Context:
    """Every row the rules read, loaded in a fixed number of queries whatever the register's size."""

    today: datetime.date
    activities: list[ProcessingActivity]
    whole_register: bool
    applications: dict[int, ServiceRow] = field(default_factory=dict)
    learning_resources: dict[int, ServiceRow] = field(default_factory=dict)
    activity_applications: dict[int, list[int]] = field(default_factory=dict)
    activity_learning_resources: dict[int, list[int]] = field(default_factory=dict)
    transfers: dict[int, list[Transfer]] = field(default_factory=dict)
    dpias: dict[int, list[Dpia]] = field(default_factory=dict)
    #: vendor id → its current contracts that carry a signed processor agreement
    processor_agreements: dict[int, list[Contract]] = field(default_factory=dict)
    #: vendor id → its latest documented security review, if any
    latest_security_reviews: dict[int, ProcessorSecurityReview] = field(default_factory=dict)
    #: The instant the 72-hour clocks of breaches are read at (aware).
    now: datetime.datetime | None = None
    #: Every breach in the register (the breach rules look at all of them, not only the examined
    #: records': a breach is its own record), and the services each touches.
    breaches: list[Breach] = field(default_factory=list)
    breach_services: dict[int, set[tuple[str, int]]] = field(default_factory=dict)
    #: vendor id → its open breaches (an open incident at a processor counts against its review)
    open_breaches_by_vendor: dict[int, list[Breach]] = field(default_factory=dict)
    #: Results shared between rules (e.g. the processors in use), computed once per evaluation.
    cache: dict[str, object] = field(default_factory=dict)
    #: service id → its measured use per school (``portfolio.evidence``), for large scale
    measured: dict[int, dict[int | None, MeasuredUsers]] = field(default_factory=dict)
    #: active school units in the register: the base of "used by most schools"
    school_count: int = 0

    @classmethod
    def load(
        cls, activities=None, *, today: datetime.date | None = None, now: datetime.datetime | None = None
    ) -> Context:
        today = today or timezone.localdate()
        whole = activities is None
        queryset = (ProcessingActivity.objects.all() if whole else activities).current()
        activity_rows = list(
            queryset.select_related("controller")
            .defer(
                "search_text",
                "internal_notes",
                "created",
                "updated",
                "controller__search_text",
                "controller__created",
                "controller__updated",
            )
            .order_by("controller__name", "name", "pk")
        )
        ids = queryset.values("pk")
        ctx = cls(today=today, activities=activity_rows, whole_register=whole, now=now or timezone.now())

        links = ProcessingActivityService.objects.filter(processing_activity__in=ids)
        for activity_id, service_id, kind in links.values_list(
            "processing_activity_id", "service_id", "service__kind"
        ).order_by("pk"):
            if kind == TargetType.APPLICATION:
                by_kind = ctx.activity_applications
            else:
                by_kind = ctx.activity_learning_resources
            by_kind.setdefault(activity_id, []).append(service_id)

        # The services linked to these activities, and (for the whole register) every service in
        # use that processes personal data, which SYSTEM_WITHOUT_RECORD looks at.
        app_filter = lr_filter = Q(pk__in=links.values("service_id"))
        if whole:
            app_filter |= Q(pk__in=Application.objects.in_use().processing_personal_data().values("pk"))
            lr_filter |= Q(pk__in=LearningResource.objects.in_use().processing_personal_data().values("pk"))
        ctx.applications = _service_rows(Application.objects.filter(app_filter))
        ctx.learning_resources = _service_rows(LearningResource.objects.filter(lr_filter))

        for transfer in Transfer.objects.filter(processing_activity__in=ids).order_by("pk"):
            ctx.transfers.setdefault(transfer.processing_activity_id, []).append(transfer)
        for dpia in Dpia.objects.filter(processing_activity__in=ids).order_by("pk"):
            ctx.dpias.setdefault(dpia.processing_activity_id, []).append(dpia)
        contracts = Contract.objects.active(today).with_processor_agreement()
        for contract in contracts.only("name", "vendor", "subprocessors", "dpa_signed_on").order_by("pk"):
            ctx.processor_agreements.setdefault(contract.vendor_id, []).append(contract)
        for review in ProcessorSecurityReview.objects.order_by("vendor_id", "reviewed_on", "pk").only(
            "vendor", "reviewed_on", "outcome", "reference"
        ):
            ctx.latest_security_reviews[review.vendor_id] = review
        ctx.breaches = list(Breach.objects.select_related("vendor").order_by("discovered_at", "pk"))
        for breach in ctx.breaches:
            if breach.vendor_id is not None and breach.status == BreachStatus.OPEN:
                ctx.open_breaches_by_vendor.setdefault(breach.vendor_id, []).append(breach)
        if whole:
            ctx.breach_services = breach_service_keys()
        if evidence.providers():
            for (service_id, organisation_id), figure in evidence.measured_users(
                pk for pks in (ctx.activity_applications, ctx.activity_learning_resources)
                for ids in pks.values() for pk in ids
            ).items():
                ctx.measured.setdefault(service_id, {})[organisation_id] = figure
            if ctx.measured:
                ctx.school_count = Organisation.objects.filter(
                    kind=OrganisationKind.SCHOOL_UNIT, active=True
                ).count()
        return ctx

    def services_of(self, activity: ProcessingActivity) -> list[tuple[str, int, ServiceRow]]:
        """The systems and learning resources ``activity`` is carried out in (computed once each)."""
        memo = self.cache.setdefault("services_of", {})
        if activity.pk in memo:
            return memo[activity.pk]
        rows: list[tuple[str, int, ServiceRow]] = []
        for pk in sorted(self.activity_applications.get(activity.pk, [])):
            if pk in self.applications:
                rows.append((TargetType.APPLICATION.value, pk, self.applications[pk]))
        for pk in sorted(self.activity_learning_resources.get(activity.pk, [])):
            if pk in self.learning_resources:
                rows.append((TargetType.LEARNING_RESOURCE.value, pk, self.learning_resources[pk]))
        memo[activity.pk] = rows
        return rows

    def service_keys(self, activity: ProcessingActivity) -> tuple[tuple[str, int], ...]:
        return tuple((kind, pk) for kind, pk, _service in self.services_of(activity))

    def completed_dpia(self, activity: ProcessingActivity) -> bool:
        return any(d.status == DpiaStatus.COMPLETED for d in self.dpias.get(activity.pk, []))


class Rule:
    """One gap rule. Subclasses set the class attributes and implement :meth:`check`.

    ``scope`` is "activity" for rules about records, "register" for rules that only make
    sense over the whole register (a service that no record mentions).
    """

    code: str = ""
    title: str = ""
    severity: str = Severity.MEDIUM
    basis: str = ""
    fix: str = ""
    field: str = ""
    form: str = FORM_ACTIVITY
    scope: str = "activity"

    def check(self, ctx: Context) -> Iterator[GapFinding]:
        raise NotImplementedError

    def texts(self) -> tuple[str, str, str]:
        """(title, basis, fix) in the active language, translated once per language.

        Every finding of a rule carries the same three texts; at scale a run makes thousands of
        findings, and translating the lazy strings anew for each was a tenth of the rules' time.
        """
        language = get_language()
        texts = self._texts.get(language)
        if texts is None:
            texts = self._texts[language] = (str(self.title), str(self.basis), str(self.fix))
        return texts

    def __init__(self) -> None:
        self._texts: dict[str | None, tuple[str, str, str]] = {}

    def finding(
        self, *, target_type: str, target_id: int, target_name: str, explanation: str, **extra
    ) -> GapFinding:
        extra.setdefault("field", self.field)
        extra.setdefault("form", self.form)
        title, basis, fix = self.texts()
        return GapFinding(
            code=self.code,
            title=title,
            severity=str(self.severity),
            basis=basis,
            target_type=str(target_type),
            target_id=target_id,
            target_name=target_name,
            explanation=explanation if type(explanation) is str else str(explanation),
            fix=fix,
            **extra,
        )

    def activity_finding(
        self, activity: ProcessingActivity, ctx: Context, explanation, **extra
    ) -> GapFinding:
        return self.finding(
            target_type=TargetType.PROCESSING_ACTIVITY,
            target_id=activity.pk,
            target_name=activity.name,
            explanation=explanation,
            activity_id=activity.pk,
            activity_name=activity.name,
            services=ctx.service_keys(activity),
            **extra,
        )


class ActivityRule(Rule):
    """A rule decided record by record: implement :meth:`applies` and :meth:`explain`."""

    def applies(self, activity: ProcessingActivity, ctx: Context) -> bool:
        raise NotImplementedError

    def explain(self, activity: ProcessingActivity, ctx: Context) -> str:
        return self.texts()[0]

    def field_for(self, activity: ProcessingActivity) -> str:
        return self.field

    def form_for(self, activity: ProcessingActivity) -> str:
        return self.form

    def check(self, ctx: Context) -> Iterator[GapFinding]:
        for activity in ctx.activities:
            if self.applies(activity, ctx):
                yield self.activity_finding(
                    activity,
                    ctx,
                    self.explain(activity, ctx),
                    field=self.field_for(activity),
                    form=self.form_for(activity),
                )


#: code → rule instance, in the order they were declared.
RULES: dict[str, Rule] = {}


def register(rule_class: type[Rule]) -> type[Rule]:
    """Class decorator: add a rule to :data:`RULES` (codes are stable and unique)."""
    if rule_class.code in RULES:
        raise ValueError(f"Duplicate gap rule code {rule_class.code}")
    RULES[rule_class.code] = rule_class()
    return rule_class


def _acknowledgements() -> dict[tuple[str, str, int, int], GapAcknowledgement]:
    return {
        (a.code, a.target_type, a.target_id, a.activity_id or 0): a for a in GapAcknowledgement.objects.all()
    }


def find_gaps(
    activities=None,
    *,
    today: datetime.date | None = None,
    include_acknowledged: bool = False,
    codes: Iterable[str] | None = None,
    now: datetime.datetime | None = None,
) -> list[GapFinding]:
    """Every open gap in the register, or in the given ``ProcessingActivity`` queryset.

    Retired records are not examined. Register-wide rules (a service in no record) run only
    when ``activities`` is None. Acknowledged findings are left out unless
    ``include_acknowledged``, in which case they come back marked ``acknowledged``.
    Sorted most severe first, then by target name.
    """
    ctx = Context.load(activities, today=today, now=now)
    wanted = set(codes) if codes else None
    acknowledged = _acknowledgements()
    findings: list[GapFinding] = []
    for code, rule in RULES.items():
        if wanted is not None and code not in wanted:
            continue
        if rule.scope == "register" and not ctx.whole_register:
            continue
        for finding in rule.check(ctx):
            ack = acknowledged.get(finding.key)
            if ack is not None:
                if not include_acknowledged:
                    continue
                finding = replace(
                    finding, acknowledged=True, acknowledgement_id=ack.pk, acknowledgement_reason=ack.reason
                )
            findings.append(finding)
    findings.sort(key=lambda f: (Severity.rank(f.severity), f.target_name.casefold(), f.code, f.target_id))
    return findings


def gap_counts_by_service(today: datetime.date | None = None) -> dict[tuple[str, int], int]:
    """Open findings touching each service, keyed ``("application", pk)`` / ``("learning_resource", pk)``.

    A finding on a record touches every service the record is carried out in; a finding on a
    service or vendor touches the services named in it. Used by the standardisation report to
    weigh candidates (the caller composes; ``portfolio`` never imports ``gdpr``).
    """
    counts: dict[tuple[str, int], int] = defaultdict(int)
    for finding in find_gaps(today=today):
        for key in set(finding.services):
            counts[key] += 1
    return dict(counts)


#: The finding that says a vendor processes personal data without a processor agreement.
PROCESSOR_NO_DPA = "PROCESSOR_NO_DPA"


def gdpr_facts_by_service(
    findings: Iterable[GapFinding] | None = None, today: datetime.date | None = None
) -> dict[tuple[str, int], dict[str, int | bool]]:
    """What standardisation weighs of each service's data protection, as plain values.

    ``{("application", 12): {"open_gaps": 3, "serious_gaps": 1, "without_processor_agreement":
    True}}``: open findings touching the service; of those, the high or critical ones other than
    the missing processor agreement (which has its own key, so no finding is weighed twice); and
    whether its vendor processes personal data here without an Art. 28 agreement. The caller
    composes it into the portfolio analysis (``portfolio`` never imports ``gdpr``). Pass the
    ``findings`` already at hand to avoid running the rules again.

    ``"breaches_last_year"``: personal data breaches discovered in the last year that touched the
    service (``Breach.objects.affecting_services()``, three queries).
    """
    serious = {Severity.CRITICAL, Severity.HIGH}
    facts: dict[tuple[str, int], dict[str, int | bool]] = {}

    def entry_of(key):
        return facts.setdefault(
            key,
            {
                "open_gaps": 0,
                "serious_gaps": 0,
                "without_processor_agreement": False,
                "breaches_last_year": 0,
            },
        )

    for key, count in Breach.objects.affecting_services().items():
        entry_of(key)["breaches_last_year"] = count
    for finding in find_gaps(today=today) if findings is None else findings:
        for key in set(finding.services):
            entry = entry_of(key)
            entry["open_gaps"] += 1
            if finding.code == PROCESSOR_NO_DPA:
                entry["without_processor_agreement"] = True
            elif finding.severity in serious:
                entry["serious_gaps"] += 1
    return facts

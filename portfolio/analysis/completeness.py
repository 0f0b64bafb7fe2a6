"""How complete the register is: which expected facts each record has, weighted.

A record's score is the sum of the weights of the facts it has, out of the weights of the facts
that apply to it (a fact about personal data applies only to a service that processes personal
data). The missing facts are named in Swedish, as a person would say it ("saknar systemägare").

The facts and their weights for systems, learning resources and förvaltningsobjekt are declared
ONCE, in :data:`APPLICATION_FACTS`, :data:`LEARNING_RESOURCE_FACTS` and
:data:`MANAGEMENT_OBJECT_FACTS` below (the GDPR side keeps its own in ``gdpr/completeness.py``);
``docs/completeness.md`` explains them. Every score is computed from a plain *row* (a mapping of
field values and relation flags), so that today's register (one query per kind, whatever its
size) and the register as it stood at a month's end (``portfolio.history.Snapshot``, one query
per model) are scored by the same code.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portfolio import evidence
from portfolio.choices import LifecycleStatus, RoleChoices
from portfolio.history import Snapshot
from portfolio.models import (
    Application,
    ContractService,
    LearningResource,
    ManagementObject,
    ManagementPlan,
    Person,
    RoleAssignment,
    ServiceCapability,
    ServiceUsage,
)
from portfolio.models.contracts import Contract
from portfolio.periods import valid_on

__all__ = [
    "APPLICATION_FACTS",
    "LEARNING_RESOURCE_FACTS",
    "MANAGEMENT_OBJECT_FACTS",
    "STALE_AFTER",
    "Aggregate",
    "Completeness",
    "Fact",
    "MonthPoint",
    "aggregate",
    "application_completeness",
    "by_management_object",
    "by_owner",
    "learning_resource_completeness",
    "management_object_completeness",
    "month_ends",
    "month_point",
    "months_from",
    "point_from_records",
    "portfolio_completeness_at",
    "score_row",
    "total",
]

#: A record not updated for this long is *stale*: a review round asks its owner to confirm it.
STALE_AFTER = datetime.timedelta(days=365)

Row = Mapping[str, Any]


@dataclass(frozen=True)
class Fact:
    """One expected fact: its code, weight, what to say when it is missing, and when it applies."""

    code: str
    weight: int
    missing: str
    present: Callable[[Row], bool]
    applies: Callable[[Row], bool] = lambda row: True


def _has(key: str) -> Callable[[Row], bool]:
    def present(row: Row) -> bool:
        value = row.get(key)
        if isinstance(value, str):
            return bool(value.strip())
        return value is not None and value is not False and value != []

    return present


def _personal_data(row: Row) -> bool:
    return bool(row.get("processes_personal_data"))


#
# The weights: the ONE place they are declared (docs/completeness.md explains them).
#

_SERVICE_FACTS: tuple[Fact, ...] = (
    Fact("owner", 3, _("saknar systemägare"), _has("has_owner")),
    Fact("vendor", 2, _("saknar leverantör"), _has("vendor_id")),
    Fact("description", 1, _("saknar beskrivning"), _has("description")),
    Fact("authentication", 2, _("saknar inloggningsmetod"), _has("authentication")),
    Fact("usage", 1, _("saknar användande organisationer"), _has("has_usage")),
    Fact("contract", 1, _("saknar avtal"), _has("has_contract")),
    Fact("data_location", 1, _("saknar land för datalagring"), _has("data_location"), _personal_data),
    Fact(
        "processor_agreement",
        2,
        _("saknar personuppgiftsbiträdesavtal"),
        _has("has_processor_agreement"),
        _personal_data,
    ),
)

APPLICATION_FACTS: tuple[Fact, ...] = (
    *_SERVICE_FACTS,
    Fact("management_object", 2, _("saknar förvaltningsobjekt"), _has("management_object_id")),
    Fact("hosting", 1, _("saknar driftform"), _has("hosting")),
    Fact("capability", 1, _("saknar verksamhetsförmåga"), _has("has_capability")),
    Fact("time_classification", 1, _("saknar TIME-klassning"), _has("time_classification")),
)

LEARNING_RESOURCE_FACTS: tuple[Fact, ...] = (
    *_SERVICE_FACTS,
    Fact("kind", 1, _("saknar typ av lärresurs"), _has("resource_type")),
    Fact("subjects", 1, _("saknar ämnen"), _has("subjects")),
    Fact("school_years", 1, _("saknar årskurser"), _has("school_year_from")),
    Fact("licence_model", 1, _("saknar licensmodell"), _has("licence_model")),
)

MANAGEMENT_OBJECT_FACTS: tuple[Fact, ...] = (
    Fact("owner", 3, _("saknar objektägare"), _has("has_owner")),
    Fact("management_lead", 2, _("saknar förvaltningsledare"), _has("has_lead")),
    Fact("description", 1, _("saknar beskrivning"), _has("description")),
    Fact("applications", 2, _("saknar system"), _has("has_applications")),
    Fact("plan", 2, _("saknar förvaltningsplan för året"), _has("has_plan")),
)


#
# Results
#


@dataclass
class Completeness:
    """The completeness of one record."""

    target_type: str  # "application", "learning_resource", "management_object", "processing_activity"
    target_id: int
    name: str
    score: int
    possible: int
    missing: list[str]
    stale: str = ""  # why the record is stale, or "" if it is not
    management_object: tuple[int, str] | None = None
    owners: list[tuple[int, str]] = field(default_factory=list)
    controller: tuple[int, str] | None = None

    @property
    def percent(self) -> int:
        return round(100 * self.score / self.possible) if self.possible else 100

    @property
    def complete(self) -> bool:
        return self.score == self.possible


@dataclass
class Aggregate:
    """Completeness of a group of records: a förvaltningsobjekt, an owner, a controller, a kind."""

    key: Any
    label: str
    records: int = 0
    score: int = 0
    possible: int = 0
    complete_records: int = 0
    missing_counts: dict[str, int] = field(default_factory=dict)

    @property
    def percent(self) -> int:
        return round(100 * self.score / self.possible) if self.possible else 100

    def add(self, result: Completeness) -> None:
        self.records += 1
        self.score += result.score
        self.possible += result.possible
        self.complete_records += int(result.complete)
        for text in result.missing:
            self.missing_counts[text] = self.missing_counts.get(text, 0) + 1

    @property
    def most_missing(self) -> list[tuple[str, int]]:
        return sorted(self.missing_counts.items(), key=lambda item: (-item[1], item[0]))


@dataclass
class MonthPoint:
    """How complete the register was at one month's end (or today, for the running month)."""

    day: datetime.date
    score: int
    possible: int
    records: int
    by_kind: dict[str, Aggregate] = field(default_factory=dict)

    @property
    def percent(self) -> int | None:
        """None when nothing was registered yet: an empty register has no completeness, not 100 %."""
        return round(100 * self.score / self.possible) if self.possible else None

    @property
    def share(self) -> float | None:
        return self.score / self.possible if self.possible else None


def score_row(facts: Sequence[Fact], row: Row) -> tuple[int, int, list[str]]:
    """(score, possible, missing texts) of ``row`` against ``facts``."""
    score = possible = 0
    missing: list[str] = []
    for fact in facts:
        if not fact.applies(row):
            continue
        possible += fact.weight
        if fact.present(row):
            score += fact.weight
        else:
            missing.append(str(fact.missing))
    return score, possible, missing


def _stale_reason(updated: datetime.datetime | None, today: datetime.date) -> str:
    if updated is None:
        return ""
    updated_day = timezone.localdate(updated) if timezone.is_aware(updated) else updated.date()
    if today - updated_day > STALE_AFTER:
        return str(_("inte uppdaterad sedan %(day)s") % {"day": updated_day.isoformat()})
    return ""


def _result(
    target_type: str, facts: Sequence[Fact], row: Row, today: datetime.date, **context
) -> Completeness:
    score, possible, missing = score_row(facts, row)
    return Completeness(
        target_type=target_type,
        target_id=row["pk"],
        name=row["name"],
        score=score,
        possible=possible,
        missing=missing,
        stale=_stale_reason(row.get("updated"), today),
        **context,
    )


#
# Today's register: one query per kind for the rows, one for the owners
#


def _current_roles(role: str, today: datetime.date) -> QuerySet:
    return RoleAssignment.objects.current(today).filter(role=role, person__active=True)


def _owners(
    role: str, target: str, pks: Iterable[int], today: datetime.date
) -> dict[int, list[tuple[int, str]]]:
    owners: dict[int, list[tuple[int, str]]] = defaultdict(list)
    rows = (
        _current_roles(role, today)
        .filter(**{f"{target}__in": list(pks)})
        .values_list(f"{target}_id", "person_id", "person__name")
        .order_by("person__name", "person_id")
    )
    for target_id, person_id, person_name in rows:
        owners[target_id].append((person_id, person_name))
    return owners


def _service_annotations(today: datetime.date) -> dict:
    dpa_contracts = Contract.objects.active(today).with_processor_agreement().values("pk")
    with_agreement = ContractService.objects.filter(contract__in=dpa_contracts).values("service_id")
    return {
        "has_owner": Exists(_current_roles(RoleChoices.SYSTEM_OWNER, today).filter(service=OuterRef("pk"))),
        "has_usage": Exists(ServiceUsage.objects.filter(service=OuterRef("pk"))),
        "has_contract": Exists(ContractService.objects.filter(service=OuterRef("pk"))),
        # An uncorrelated IN, read once per query: as a correlated EXISTS around the contracts'
        # own subquery, SQLite evaluated that subquery again for every service (1 s at scale 30).
        "has_processor_agreement": ExpressionWrapper(Q(pk__in=with_agreement), output_field=BooleanField()),
    }


def _measured_usage(rows: list[dict]) -> None:
    """A service an identity provider measured at a school has using organisations, typed or not.

    Reads ``portfolio.evidence`` (one query with the discovery provider, none without one).
    """
    if not rows or not evidence.providers():
        return
    used = {service_id for service_id, organisation_id in evidence.measured_users(r["pk"] for r in rows)
            if organisation_id is not None}  # fmt: skip
    for row in rows:
        row["has_usage"] = row["has_usage"] or row["pk"] in used


_SERVICE_VALUES = (
    "pk",
    "name",
    "vendor_id",
    "description",
    "authentication",
    "processes_personal_data",
    "data_location",
    "updated",
)


def _live(queryset: QuerySet | None, model) -> QuerySet:
    if queryset is None:
        return model.objects.exclude(lifecycle_status=LifecycleStatus.RETIRED)
    return model.objects.filter(pk__in=queryset.values("pk"))


def application_completeness(
    applications: QuerySet | None = None, *, today: datetime.date | None = None
) -> list[Completeness]:
    """Completeness of each system (by default every system not retired). Two queries."""
    today = today or timezone.localdate()
    rows = list(
        _live(applications, Application)
        .annotate(
            **_service_annotations(today),
            has_capability=Exists(ServiceCapability.objects.filter(service=OuterRef("pk"))),
        )
        .values(
            *_SERVICE_VALUES,
            "management_object_id",
            "management_object__name",
            "hosting",
            "time_classification",
            "has_owner",
            "has_usage",
            "has_contract",
            "has_processor_agreement",
            "has_capability",
        )
        .order_by("name", "pk")
    )
    _measured_usage(rows)
    owners = _owners(RoleChoices.SYSTEM_OWNER, "service", (r["pk"] for r in rows), today)
    return [
        _result(
            "application",
            APPLICATION_FACTS,
            row,
            today,
            management_object=(
                (row["management_object_id"], row["management_object__name"])
                if row["management_object_id"]
                else None
            ),
            owners=owners.get(row["pk"], []),
        )
        for row in rows
    ]


def learning_resource_completeness(
    learning_resources: QuerySet | None = None, *, today: datetime.date | None = None
) -> list[Completeness]:
    """Completeness of each learning resource (by default every one not retired). Two queries."""
    today = today or timezone.localdate()
    rows = list(
        _live(learning_resources, LearningResource)
        .annotate(
            **_service_annotations(today)
        )
        .values(
            *_SERVICE_VALUES,
            "resource_type",
            "subjects",
            "school_year_from",
            "licence_model",
            "has_owner",
            "has_usage",
            "has_contract",
            "has_processor_agreement",
        )
        .order_by("name", "pk")
    )
    _measured_usage(rows)
    owners = _owners(RoleChoices.SYSTEM_OWNER, "service", (r["pk"] for r in rows), today)
    return [
        _result("learning_resource", LEARNING_RESOURCE_FACTS, row, today, owners=owners.get(row["pk"], []))
        for row in rows
    ]


def management_object_completeness(
    management_objects: QuerySet | None = None, *, today: datetime.date | None = None
) -> list[Completeness]:
    """Completeness of each förvaltningsobjekt. Two queries."""
    today = today or timezone.localdate()
    queryset = ManagementObject.objects.all()
    if management_objects is not None:
        queryset = queryset.filter(pk__in=management_objects.values("pk"))
    rows = list(
        queryset.annotate(
            has_owner=Exists(
                _current_roles(RoleChoices.OBJECT_OWNER, today).filter(management_object=OuterRef("pk"))
            ),
            has_lead=Exists(
                _current_roles(RoleChoices.MANAGEMENT_LEAD, today).filter(management_object=OuterRef("pk"))
            ),
            has_applications=Exists(
                Application.objects.filter(management_object=OuterRef("pk")).exclude(
                    lifecycle_status=LifecycleStatus.RETIRED
                )
            ),
            has_plan=Exists(ManagementPlan.objects.filter(management_object=OuterRef("pk"), year=today.year)),
        )
        .values(
            "pk", "name", "description", "updated", "has_owner", "has_lead", "has_applications", "has_plan"
        )
        .order_by("name", "pk")
    )
    owners = _owners(RoleChoices.OBJECT_OWNER, "management_object", (r["pk"] for r in rows), today)
    return [
        _result(
            "management_object",
            MANAGEMENT_OBJECT_FACTS,
            row,
            today,
            management_object=(row["pk"], row["name"]),
            owners=owners.get(row["pk"], []),
        )
        for row in rows
    ]


#
# Aggregation
#


def aggregate(
    results: Iterable[Completeness], keys: Callable[[Completeness], Iterable[tuple[Any, str]]]
) -> list[Aggregate]:
    """Group ``results`` under every (key, label) that ``keys`` gives for a record; lowest first."""
    groups: dict[Any, Aggregate] = {}
    for result in results:
        for key, label in keys(result):
            groups.setdefault(key, Aggregate(key=key, label=label)).add(result)
    return sorted(groups.values(), key=lambda g: (g.percent, str(g.label)))


def total(results: Iterable[Completeness], label: str = "") -> Aggregate:
    """All of ``results`` as one group."""
    group = Aggregate(key=None, label=label)
    for result in results:
        group.add(result)
    return group


_NO_OBJECT = _("Utan förvaltningsobjekt")
_NO_OWNER = _("Utan ägare")


def by_management_object(results: Iterable[Completeness]) -> list[Aggregate]:
    """Per förvaltningsobjekt: the object itself and its systems; the rest under "Utan förvaltningsobjekt"."""

    def keys(result: Completeness):
        if result.management_object is None:
            return [(None, str(_NO_OBJECT))]
        return [result.management_object]

    return aggregate(results, keys)


def by_owner(results: Iterable[Completeness]) -> list[Aggregate]:
    """Per owner (systemägare, objektägare, ansvarig for a processing activity); unowned records together."""

    def keys(result: Completeness):
        return result.owners or [(None, str(_NO_OWNER))]

    return aggregate(results, keys)


#
# The register as it stood at a date, from history
#


def month_ends(months: int, today: datetime.date | None = None) -> list[datetime.date]:
    """The last day of each of the ``months`` months up to today's; the running month ends today."""
    today = today or timezone.localdate()
    days: list[datetime.date] = []
    first_of_month = today.replace(day=1)
    for _i in range(months - 1):
        last = first_of_month - datetime.timedelta(days=1)
        days.append(last)
        first_of_month = last.replace(day=1)
    return [*reversed(days), today]


def _plain(value: Any) -> Any:
    """A field value as ``.values()`` gives it (a country as its code)."""
    code = getattr(value, "code", None)
    return code if code is not None else value


def _row(instance, names: Iterable[str]) -> dict[str, Any]:
    row: dict[str, Any] = {"pk": instance.pk}
    for name in names:
        row[name] = _plain(getattr(instance, name))
    return row


def _role_holders(
    snapshot: Snapshot, role: str, target: str, day: datetime.date
) -> dict[int, list[tuple[int, str]]]:
    holders: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for assignment in snapshot.all(RoleAssignment):
        target_id = getattr(assignment, f"{target}_id")
        if assignment.role != role or target_id is None:
            continue
        if not valid_on(assignment, day):
            continue
        person = snapshot.get(Person, assignment.person_id)
        if person is None or not person.active:
            continue
        holders[target_id].append((person.pk, person.name))
    return holders


def _linked_ids(snapshot: Snapshot, through, owner_field: str) -> dict[int, list[int]]:
    owner_attname = through._meta.get_field(owner_field).attname
    index: dict[int, list[int]] = defaultdict(list)
    for row in snapshot.all(through):
        index[getattr(row, owner_attname)].append(row.pk)
    return index


def _dpa_contract_ids(snapshot: Snapshot, day: datetime.date) -> set[int]:
    return {
        c.pk
        for c in snapshot.all(Contract)
        if c.dpa_signed_on and c.in_force_on(day)
    }


def _service_rows_at(
    snapshot: Snapshot,
    model,
    facts,
    kind: str,
    extra: Sequence[str],
    day: datetime.date,
) -> list[Completeness]:
    owner_field, usage, contract_link = "service", ServiceUsage, ContractService
    owners = _role_holders(snapshot, RoleChoices.SYSTEM_OWNER, owner_field, day)
    usages = _linked_ids(snapshot, usage, owner_field)
    contract_links: dict[int, list[int]] = defaultdict(list)
    for link in snapshot.all(contract_link):
        contract_links[getattr(link, f"{owner_field}_id")].append(link.contract_id)
    dpa = _dpa_contract_ids(snapshot, day)
    capabilities = _linked_ids(snapshot, ServiceCapability, "service") if model is Application else {}
    results = []
    for instance in snapshot.all(model):
        if instance.lifecycle_status == LifecycleStatus.RETIRED:
            continue
        row = _row(instance, [*_SERVICE_VALUES[1:-1], *extra])
        row["has_owner"] = bool(owners.get(instance.pk))
        row["has_usage"] = bool(usages.get(instance.pk))
        row["has_contract"] = bool(contract_links.get(instance.pk))
        row["has_processor_agreement"] = any(c in dpa for c in contract_links.get(instance.pk, []))
        row["has_capability"] = bool(capabilities.get(instance.pk))
        score, possible, missing = score_row(facts, row)
        results.append(
            Completeness(
                kind, instance.pk, instance.name, score, possible, missing, owners=owners.get(instance.pk, [])
            )
        )
    return results


def portfolio_completeness_at(snapshot: Snapshot, day: datetime.date) -> dict[str, list[Completeness]]:
    """Completeness of systems, learning resources and förvaltningsobjekt as they stood in ``snapshot``.

    One query per model read (about a dozen), whatever the number of rows.
    """
    applications = _service_rows_at(
        snapshot,
        Application,
        APPLICATION_FACTS,
        "application",
        ("management_object_id", "hosting", "time_classification"),
        day,
    )
    learning_resources = _service_rows_at(
        snapshot,
        LearningResource,
        LEARNING_RESOURCE_FACTS,
        "learning_resource",
        ("resource_type", "subjects", "school_year_from", "licence_model"),
        day,
    )
    object_owners = _role_holders(snapshot, RoleChoices.OBJECT_OWNER, "management_object", day)
    leads = _role_holders(snapshot, RoleChoices.MANAGEMENT_LEAD, "management_object", day)
    with_apps = {
        a.management_object_id
        for a in snapshot.all(Application)
        if a.management_object_id and a.lifecycle_status != LifecycleStatus.RETIRED
    }
    with_plan = {p.management_object_id for p in snapshot.all(ManagementPlan) if p.year == day.year}
    objects = []
    for instance in snapshot.all(ManagementObject):
        row = _row(instance, ["name", "description"])
        row.update(
            has_owner=bool(object_owners.get(instance.pk)),
            has_lead=bool(leads.get(instance.pk)),
            has_applications=instance.pk in with_apps,
            has_plan=instance.pk in with_plan,
        )
        score, possible, missing = score_row(MANAGEMENT_OBJECT_FACTS, row)
        objects.append(
            Completeness(
                "management_object",
                instance.pk,
                instance.name,
                score,
                possible,
                missing,
                management_object=(instance.pk, instance.name),
                owners=object_owners.get(instance.pk, []),
            )
        )
    return {
        "application": applications,
        "learning_resource": learning_resources,
        "management_object": objects,
    }


def month_point(
    per_day: Callable[[Snapshot, datetime.date], Mapping[str, list[Completeness]]], day: datetime.date
) -> MonthPoint:
    """Score the register as it stood at the end of ``day`` with ``per_day`` (one Snapshot)."""
    return point_from_records(day, per_day(Snapshot(day), day))


def point_from_records(day: datetime.date, records: Mapping[str, Iterable[Completeness]]) -> MonthPoint:
    """The month point of ``day`` from every record's completeness, per kind.

    For the running month the records scored from today's tables are the same as those read back
    from history at today's end, and several times cheaper to get: the caller passes them.
    """
    by_kind = {kind: total(results, kind) for kind, results in records.items()}
    return MonthPoint(
        day=day,
        score=sum(g.score for g in by_kind.values()),
        possible=sum(g.possible for g in by_kind.values()),
        records=sum(g.records for g in by_kind.values()),
        by_kind=by_kind,
    )


def months_from(
    per_day: Callable[[Snapshot, datetime.date], Mapping[str, list[Completeness]]],
    months: int,
    today: datetime.date | None = None,
) -> list[MonthPoint]:
    """Score the register at each month's end with ``per_day`` (one Snapshot per month)."""
    return [month_point(per_day, day) for day in month_ends(months, today)]

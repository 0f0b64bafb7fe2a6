"""The register as it will be: a plan's actions applied to the register as it is, and today's
analyses run over the result.

``future_state(plan, on)`` applies the actions due by ``on`` (planned end on or before it, not
stoppad) inside a transaction that is always rolled back, then computes the figures with the
*same* functions the analysis pages use (``portfolio.analysis.sso``, ``equity``, the yearly cost
of ``Landscape``, ``gdpr.gaps.find_gaps``, ``stewardship.completeness``). No figure has a second
implementation: what differs between today and the plan's end is only the rows the analyses read.
``today_state()`` is the same computation with nothing applied.

The actions are applied in memory in the order of their dates (:data:`APPLY_ORDER`) and written
in bulk, one statement per table and change (a fixed number however many actions the plan has),
with queryset ``update``/``bulk_update``/``bulk_create`` and raw deletes: none of them sends
signals or writes history, and the whole transaction is rolled back, so nothing the future state
does survives it (``tests/planning/test_future.py`` compares every table, history tables
included, before and after).

The analyses run as on ``on`` (contracts ending before it have ended, DPIAs due by it are due),
except completeness: whether a record will have been reviewed by then is not the plan's doing, so
completeness is judged as of today (or ``on``, when that is earlier).
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from gdpr.choices import DpiaStatus
from gdpr.gaps import find_gaps
from gdpr.gaps.dpia import DPIA_REQUIRED_PARTS
from gdpr.models import Dpia, ProcessingActivityService
from portfolio import evidence
from portfolio.analysis.completeness import total
from portfolio.analysis.data import Landscape
from portfolio.analysis.equity import EquityMatrix, equity_matrix
from portfolio.analysis.shapes import attr, derived
from portfolio.analysis.sso import CoverageGroup, SsoCoverage, sso_coverage
from portfolio.choices import (
    AuthenticationMethod,
    Federation,
    IdentityProvider,
    LifecycleStatus,
    Severity,
)
from portfolio.models import Contract, ContractService, ManagementObject, Service, ServiceUsage
from portfolio.periods import valid_on
from stewardship.completeness import records_by_kind

from .choices import ActionKind, ActionStatus, gap_matches
from .models import Action, ActionSchool, Plan

__all__ = [
    "APPLY_ORDER",
    "CapabilityCount",
    "CostLine",
    "EquitySummary",
    "FIGURES",
    "FutureState",
    "PlannedAction",
    "SeverityCount",
    "cost_year_at",
    "due_actions",
    "future_state",
    "past_day_error",
    "register_with",
    "state_of_register",
    "today_state",
]

#: Actions apply in the order of their planned end, as the plan's dates say they happen: a
#: service phased out in March and introduced again in June is in use at the end, and a school
#: that left a service in March is not moved by a replacement of it in June. On one day the kinds
#: apply in this order: what is introduced exists before schools move to it, and what is phased
#: out goes last (after its schools have moved).
APPLY_ORDER = (
    ActionKind.INTRODUCE,
    ActionKind.REPLACE,
    ActionKind.MOVE_BEHIND_SSO,
    ActionKind.JOIN_SKOLFEDERATION,
    ActionKind.PROCESSOR_AGREEMENT,
    ActionKind.DPIA,
    ActionKind.CONSOLIDATE_CONTRACTS,
    ActionKind.FIX_GDPR_GAP,
    ActionKind.PHASE_OUT,
)

#: Lifecycle statuses of a service in use (``ServiceQuerySet.in_use``).
_IN_USE = {LifecycleStatus.IN_USE, LifecycleStatus.PHASING_OUT}
#: Identity providers that do not make a login single sign-on (``SSO_CONDITION``).
_UNTRUSTED_IDP = {"", IdentityProvider.VENDOR, IdentityProvider.NONE}


@dataclass
class PlannedAction:
    """An action as the future state reads it: a plain row, loaded with the others in two queries."""

    pk: int
    kind: str
    service_id: int | None
    replacement_id: int | None
    contract_id: int | None
    planned_end: datetime.date
    yearly_cost_effect: Decimal
    status: str = ActionStatus.PLANNED
    #: The finding behind the action (``Action.finding_ref``): the gap a gap fix closes.
    finding_ref: str = ""
    schools: set[int] = field(default_factory=set)


@dataclass
class CapabilityCount:
    capability_id: int = attr(help="Förmågans primärnyckel.")
    name: str = attr(help="Förmågans namn (med överordnad förmåga).")
    services: int = attr(help="Antal tjänster i bruk för förmågan.")


@dataclass
class CostLine:
    management_object_id: int | None = attr(help="Förvaltningsobjektets primärnyckel; tomt för lärresurser.")
    name: str = attr(help="Förvaltningsobjektets namn.")
    amount: Decimal = attr(help="Årlig kostnad (kr).")


@dataclass
class SeverityCount:
    severity: str = attr(help="Allvarlighetens kod (critical, high, medium, low).")
    label: str = attr(help="Allvarligheten i ord.")
    count: int = attr(help="Antal öppna brister.")


@dataclass
class EquitySummary:
    schools: int = attr(help="Skolenheter i matrisen.")
    columns: int = attr(help="Förmågor och ämnen i matrisen.")
    lacking: int = attr(help="Fynd ”saknas”: en skola saknar det de flesta jämförbara skolor har.")
    different: int = attr(help="Fynd ”annat system”: en skola använder något annat än de flesta.")


@dataclass
class FutureState:
    """The register's figures on a day: today's, or at a plan's date with its due actions applied."""

    on: datetime.date = attr(help="Dagen figurerna gäller.")
    applied_actions: list[int] = attr(help="Primärnycklar för åtgärderna som tillämpats.")
    sso: SsoCoverage = attr(help="", repr=False)
    sso_by_school: list[CoverageGroup] = attr(help="SSO-täckning per skolenhet.")
    yearly_cost: Decimal = attr(help="Årlig kostnad totalt (kr) för tjänsterna i bruk.")
    yearly_cost_by_management_object: list[CostLine] = attr(help="Årlig kostnad per förvaltningsobjekt.")
    planned_yearly_cost_effect: Decimal = attr(
        help="Summan av de tillämpade åtgärdernas angivna årliga kostnadseffekt (kr; negativt = besparing)."
    )
    services_per_capability: list[CapabilityCount] = attr(help="Tjänster i bruk per förmåga.")
    gdpr_gaps_by_severity: list[SeverityCount] = attr(help="Öppna dataskyddsbrister per allvarlighet.")
    skolfederation_share: float = attr(help="Andel tjänster i bruk anslutna till Skolfederation, 0–1.")
    equity: EquitySummary = attr(help="Likvärdighetsmatrisen i sammandrag.")
    completeness: int = attr(help="Registrets fullständighet i procent.")
    equity_matrix: EquityMatrix = attr(help="", repr=False, default_factory=EquityMatrix)
    gaps: list = attr(help="", repr=False, default_factory=list)

    @derived(float, help="SSO-täckning räknat på användare, 0–1.")
    def sso_coverage_by_users(self) -> float:
        return self.sso.share_users

    @derived(float, help="SSO-täckning räknat på tjänster, 0–1.")
    def sso_coverage_by_services(self) -> float:
        return self.sso.share_services

    def open_gaps(self, at_least: str) -> int:
        """Open GDPR gaps of severity ``at_least`` or worse."""
        limit = Severity.rank(at_least)
        return sum(line.count for line in self.gdpr_gaps_by_severity if Severity.rank(line.severity) <= limit)

    def services_for(self, capability_id: int) -> int:
        return next((c.services for c in self.services_per_capability if c.capability_id == capability_id), 0)

    def equity_share(self, capability_id: int, school_form: str) -> float | None:
        """Share of active schools of ``school_form`` with a service in use for the capability, 0–1."""
        matrix = self.equity_matrix
        schools = {s.school_id for s in matrix.schools if s.school_form == school_form}
        if not schools:
            return None
        column = f"capability:{capability_id}"
        having = {c.school_id for c in matrix.cells if c.column_key == column and c.school_id in schools}
        return len(having) / len(schools)


def due_actions(plan: Plan, on: datetime.date) -> list[PlannedAction]:
    """The plan's actions due by ``on`` (planned end on or before it) that are not stopped. Two queries."""
    rows = (
        Action.objects.filter(plan=plan, planned_end__lte=on)
        .exclude(status=ActionStatus.STOPPED)
        .order_by("planned_end", "pk")
        .values_list(
            "pk", "kind", "service_id", "replacement_id", "contract_id", "planned_end", "yearly_cost_effect",
            "status", "finding_ref",
        )
    )
    actions = {row[0]: PlannedAction(*row) for row in rows}
    if actions:
        links = ActionSchool.objects.filter(action__plan=plan, action_id__in=list(actions))
        for action_id, organisation_id in links.values_list("action_id", "organisation_id"):
            actions[action_id].schools.add(organisation_id)
    return list(actions.values())


class _Register:
    """The rows the actions touch, loaded once; actions change them in memory, ``write`` stores them."""

    def __init__(self, actions: list[PlannedAction]):
        ids = {a.service_id for a in actions} | {a.replacement_id for a in actions}
        ids.discard(None)
        self.services = {
            row["pk"]: row
            for row in Service.objects.filter(pk__in=ids).values(
                "pk", "name", "vendor_id", "lifecycle_status", "retired_on", "authentication",
                "identity_provider", "federation",
            )
        }
        self.original_services = {pk: dict(row) for pk, row in self.services.items()}
        #: (service, organisation) → [usage pk or None, users]
        self.usage: dict[tuple[int, int], list] = {}
        usages = ServiceUsage.objects.filter(service_id__in=ids)
        for pk, service_id, organisation_id, users in usages.values_list(
            "pk", "service_id", "organisation_id", "users"
        ):
            self.usage[(service_id, organisation_id)] = [pk, users]
        # A school's use moves with its measured figure where an identity provider gives one: the
        # figure today's analyses read for that row (portfolio.evidence), not only the typed one.
        # A school the identity provider saw using a service counts as using it though nobody
        # registered it (``Landscape``), so the plan moves and ends that use too.
        for key, figure in evidence.measured_users(ids).items():
            if key in self.usage:
                self.usage[key][1] = figure.users
            elif key[1] is not None:
                self.usage[key] = [None, figure.users]
        self.original_usage = {key: list(value) for key, value in self.usage.items()}
        self.contracts: dict[int, dict] = {}
        self.contracts_of: dict[int, list[int]] = defaultdict(list)
        for row in ContractService.objects.filter(service_id__in=ids).values(
            "service_id", "contract_id", "contract__starts_on", "contract__ends_on",
            "contract__dpa_signed_on", "contract__vendor_id",
        ):
            self.contracts_of[row["service_id"]].append(row["contract_id"])
            self.contracts[row["contract_id"]] = {
                "starts_on": row["contract__starts_on"],
                "ends_on": row["contract__ends_on"],
                "dpa_signed_on": row["contract__dpa_signed_on"],
                "vendor_id": row["contract__vendor_id"],
            }
        self.original_contracts = {pk: dict(row) for pk, row in self.contracts.items()}
        self.new_contracts: list[tuple[int, int, datetime.date]] = []  # (service, vendor, signed on)
        wanted_dpia = {a.service_id for a in actions if a.kind == ActionKind.DPIA}
        self.activities_of: dict[int, set[int]] = defaultdict(set)
        #: Activities with a completed DPIA in the register: a done DPIA action is that one.
        self.assessed: set[int] = set()
        if wanted_dpia:
            completed = Dpia.objects.filter(
                processing_activity=OuterRef("processing_activity_id"), status=DpiaStatus.COMPLETED
            )
            for activity_id, service_id, assessed in (
                ProcessingActivityService.objects.filter(service_id__in=wanted_dpia)
                .annotate(assessed=Exists(completed))
                .values_list("processing_activity_id", "service_id", "assessed")
            ):
                self.activities_of[service_id].add(activity_id)
                if assessed:
                    self.assessed.add(activity_id)
        self.new_dpias: dict[int, datetime.date] = {}  # activity → completed on

    def schools_using(self, service_id: int) -> set[int]:
        return {org for (service, org), row in self.usage.items() if service == service_id and row}

    def put_in_use(self, service_id: int | None) -> None:
        service = self.services.get(service_id)
        if service is not None and service["lifecycle_status"] not in _IN_USE:
            service["lifecycle_status"] = LifecycleStatus.IN_USE
            service["retired_on"] = None

    def retire(self, service_id: int | None, on: datetime.date) -> None:
        """Retire the service on ``on``; one retired already keeps the day it was retired (a done
        action applied again, or a second phase-out, does not move the date)."""
        service = self.services.get(service_id)
        if service is not None and service["lifecycle_status"] != LifecycleStatus.RETIRED:
            service["lifecycle_status"] = LifecycleStatus.RETIRED
            service["retired_on"] = on

    def drop_usage(self, service_id: int, organisation_id: int) -> int:
        """Remove a service's use at a school; return the users it had."""
        row = self.usage.get((service_id, organisation_id))
        if row is None:
            return 0
        self.usage[(service_id, organisation_id)] = None
        return row[1]

    def add_usage(self, service_id: int, organisation_id: int, users: int) -> None:
        """Let ``users`` people of a school use the service.

        Where the school uses it already, its figure becomes the larger of the two, not their
        sum: the people of one school on two services for one need are taken to be the same
        people (as merging two registrations keeps the larger count, ``portfolio.merge``), so
        nobody is counted twice — nor when a done replacement is applied again to a register
        that shows it half-recorded.
        """
        key = (service_id, organisation_id)
        row = self.usage.get(key)
        if row is None:
            # A use an earlier action ended comes back in the row it had (one row per pair).
            before = self.original_usage.get(key)
            self.usage[key] = [before[0] if before else None, users]
        else:
            row[1] = max(row[1], users)

    # -- applying, one kind at a time ---------------------------------------------------------

    def apply(self, action: PlannedAction) -> None:
        getattr(self, f"_apply_{action.kind}")(action)

    def _apply_fix_gdpr_gap(self, action: PlannedAction) -> None:
        """Nothing in the register: the work is on the record itself (a legal basis written down,
        a breach reported), so the gap it names is closed where the figures are read
        (:func:`state_of_register`)."""

    def _apply_introduce(self, action: PlannedAction) -> None:
        if action.service_id is None:  # deleted since (merged into another registration)
            return
        self.put_in_use(action.service_id)
        for school in action.schools:
            if self.usage.get((action.service_id, school)) is None:
                self.add_usage(action.service_id, school, 0)

    def _apply_replace(self, action: PlannedAction) -> None:
        a, b = action.service_id, action.replacement_id
        if a is None or b is None:
            return
        using = self.schools_using(a)
        for school in action.schools or using:
            if self.usage.get((a, school)) is not None:
                self.add_usage(b, school, self.drop_usage(a, school))
        self.put_in_use(b)
        if self._left_everywhere(a, action, using):
            self.retire(a, action.planned_end)

    def _left_everywhere(self, service_id: int, action: PlannedAction, using: set[int]) -> bool:
        """Whether ``action`` took ``service_id`` out of use: it named no schools (every school),
        or it ended the last use of the service. A service with no registered use (a central
        system nobody registers per school) is not retired by leaving a school it was not at."""
        return not action.schools or (bool(using) and not self.schools_using(service_id))

    def _apply_move_behind_sso(self, action: PlannedAction) -> None:
        service = self.services.get(action.service_id)
        if service is None:
            return
        if service["authentication"] not in AuthenticationMethod.single_sign_on():
            service["authentication"] = AuthenticationMethod.SAML
        if service["identity_provider"] in _UNTRUSTED_IDP:
            service["identity_provider"] = IdentityProvider.MUNICIPAL

    def _apply_join_skolfederation(self, action: PlannedAction) -> None:
        service = self.services.get(action.service_id)
        if service is None:
            return
        if service["authentication"] not in AuthenticationMethod.single_sign_on():
            service["authentication"] = AuthenticationMethod.SAML
        service["identity_provider"] = IdentityProvider.SKOLFEDERATION
        service["federation"] = Federation.SKOLFEDERATION

    def _apply_processor_agreement(self, action: PlannedAction) -> None:
        """Sign the agreement in the action's contract if it is in force on the planned end, else
        in every contract of the service in force then with the service's vendor — the processor;
        a reseller's contract covering the service is not where the processor signs. With none
        such (none at all, every one ended, only a reseller's), the agreement is a contract of
        its own with the vendor — an agreement written into an ended contract, or with someone
        else, leaves the processor without one, and the gap rule rightly does not count it."""
        service = self.services.get(action.service_id)
        vendor = service["vendor_id"] if service is not None else None
        named = [action.contract_id] if action.contract_id else [
            pk for pk in self.contracts_of.get(action.service_id, [])
            if vendor is None or self.contracts[pk]["vendor_id"] == vendor
        ]
        contracts = [
            pk for pk in named if pk in self.contracts and valid_on(self.contracts[pk], action.planned_end)
        ]
        for pk in contracts:
            if self.contracts[pk]["dpa_signed_on"] is None:
                self.contracts[pk]["dpa_signed_on"] = action.planned_end
        if not contracts and service is not None and service["vendor_id"]:
            # No contract to sign it in: the agreement is a contract of its own with the vendor.
            self.new_contracts.append((service["pk"], service["vendor_id"], action.planned_end))

    def _apply_dpia(self, action: PlannedAction) -> None:
        """A completed DPIA for each processing activity of the service (none for a service in no
        activity: there is no processing to assess). A done action whose activity has a completed
        DPIA in the register adds none: the one made is that one, with whatever it lacks."""
        for activity in self.activities_of.get(action.service_id, ()):
            if action.status == ActionStatus.DONE and activity in self.assessed:
                continue
            self.new_dpias.setdefault(activity, action.planned_end)

    def _apply_consolidate_contracts(self, action: PlannedAction) -> None:
        contracts = [pk for pk in self.contracts_of.get(action.service_id, []) if pk in self.contracts]
        if len(contracts) < 2:
            return
        far = datetime.date.max
        kept = action.contract_id if action.contract_id in contracts else max(
            contracts, key=lambda pk: (self.contracts[pk]["ends_on"] or far, pk)
        )
        for pk in contracts:
            ends = self.contracts[pk]["ends_on"]
            if pk != kept and (ends is None or ends > action.planned_end):
                self.contracts[pk]["ends_on"] = action.planned_end

    def _apply_phase_out(self, action: PlannedAction) -> None:
        if action.service_id is None:
            return
        using = self.schools_using(action.service_id)
        for school in action.schools or using:
            self.drop_usage(action.service_id, school)
        if self._left_everywhere(action.service_id, action, using):
            self.retire(action.service_id, action.planned_end)

    # -- writing, a fixed number of statements ------------------------------------------------

    def changed_evidence(self) -> tuple[set[int], set[tuple[int, int]]]:
        """The services whose sign-on the actions change, and the (service, school) uses they
        move or end: for these the identity providers' evidence of today no longer describes the
        register, so the analyses read the planned figures instead (``evidence.set_aside``)."""
        sso_fields = ("authentication", "identity_provider", "federation")
        sso = {
            pk
            for pk, row in self.services.items()
            if any(row[name] != self.original_services[pk][name] for name in sso_fields)
        }
        usage = {key for key, row in self.usage.items() if row != self.original_usage.get(key)}
        return sso, usage

    def write(self) -> None:
        """Store what changed with bulk statements: no signals, no history, nothing per action."""
        service_fields = (
            "lifecycle_status", "retired_on", "authentication", "identity_provider", "federation",
        )
        changed = [
            Service(pk=pk, **{name: row[name] for name in service_fields})
            for pk, row in self.services.items()
            if any(row[name] != self.original_services[pk][name] for name in service_fields)
        ]
        if changed:
            Service.objects.bulk_update(changed, service_fields)

        deleted, updated, created = [], [], []
        for key, row in self.usage.items():
            before = self.original_usage.get(key)
            if row == before:
                continue
            if row is None:
                if before[0] is not None:  # a use only measured has no row to delete
                    deleted.append(before[0])
            elif row[0] is None:
                created.append(ServiceUsage(service_id=key[0], organisation_id=key[1], users=row[1]))
            else:
                updated.append(ServiceUsage(pk=row[0], users=row[1]))
        if deleted:
            # A raw delete: one statement, no per-row signals (which would write history rows).
            ServiceUsage.objects.filter(pk__in=deleted)._raw_delete(ServiceUsage.objects.db)
        if updated:
            ServiceUsage.objects.bulk_update(updated, ["users"])
        if created:
            ServiceUsage.objects.bulk_create(created)

        contract_fields = ("ends_on", "dpa_signed_on")
        changed_contracts = [
            Contract(pk=pk, **{name: row[name] for name in contract_fields})
            for pk, row in self.contracts.items()
            if any(row[name] != self.original_contracts[pk][name] for name in contract_fields)
        ]
        if changed_contracts:
            Contract.objects.bulk_update(changed_contracts, contract_fields)
        if self.new_contracts:
            name = _("Personuppgiftsbiträdesavtal (planerat)")
            contracts = Contract.objects.bulk_create(
                [
                    Contract(name=name, vendor_id=vendor, dpa_signed_on=day)
                    for _service, vendor, day in self.new_contracts
                ]
            )
            ContractService.objects.bulk_create(
                [
                    ContractService(contract_id=contract.pk, service_id=service)
                    for contract, (service, _vendor, _day) in zip(contracts, self.new_contracts, strict=True)
                ]
            )
        if self.new_dpias:
            # A planned DPIA is taken to be done properly: every part Art. 35(7) asks for is there.
            planned = _("Enligt färdplanen.")
            parts = {name: planned for name, _label in DPIA_REQUIRED_PARTS}
            Dpia.objects.bulk_create(
                [
                    Dpia(
                        processing_activity_id=activity, status=DpiaStatus.COMPLETED, started_on=day,
                        completed_on=day, **parts,
                    )
                    for activity, day in sorted(self.new_dpias.items())
                ]
            )


def _apply(actions: Iterable[PlannedAction]) -> tuple[set[int], set[tuple[int, int]]]:
    """Apply ``actions`` and return the evidence they make stale (:meth:`_Register.changed_evidence`)."""
    actions = list(actions)
    if not actions:
        return set(), set()
    register = _Register(actions)
    rank = {kind: index for index, kind in enumerate(APPLY_ORDER)}
    for action in sorted(actions, key=lambda a: (a.planned_end, rank.get(a.kind, len(rank)), a.pk)):
        register.apply(action)
    register.write()
    return register.changed_evidence()


@contextmanager
def register_with(actions: Iterable[PlannedAction]) -> Iterator[None]:
    """Inside the block the register has ``actions`` applied; afterwards nothing of it remains.

    One transaction (a savepoint when called inside another) that is always rolled back, whether
    the block ends normally or not. On SQLite it holds the write lock for its duration. The plan
    changes the register, never the identity providers' evidence, so the evidence is read once
    for the block (``evidence.snapshot``).
    """
    with transaction.atomic(), evidence.snapshot():
        try:
            stale_sso, stale_usage = _apply(actions)
            with evidence.set_aside(sso_of=stale_sso, users_at=stale_usage):
                yield
        finally:
            transaction.set_rollback(True)


#: The groups of figures a state can hold, each computed by one analysis; compute what is asked.
FIGURES = frozenset({"sso", "cost", "gaps", "equity", "completeness"})


#: The analysis suite's names (``stewardship.analyses.SUITE``) of the results a state of today can
#: take as they are kept, instead of running the same function again.
SUITE_RESULTS = {
    "sso": "sso_coverage",
    "gaps": "find_gaps",
    "equity": "equity_matrix",
    "completeness": "completeness_overview:12",
}


def state_of_register(
    on: datetime.date,
    actions: list[PlannedAction] | None = None,
    *,
    include: Iterable[str] = FIGURES,
    suite: Callable[[str], Any] | None = None,
    cost_year: int | None = None,
) -> FutureState:
    """The figures of the register as it stands, read as on ``on``: the analyses' own functions.

    ``cost_year`` is the year whose outcome the yearly cost reads (:func:`cost_year_at` by default).

    The caller decides what the register holds (``register_with``); this only reads. ``include``
    names the groups of :data:`FIGURES` to compute (the others are left empty): GraphQL computes
    only what a query selects, since each group is a whole-register analysis. ``suite`` (today's
    figures only) gives the analysis suite's kept results by name (``Analyses.get``): the same
    functions' results for the register as it is now, which the dashboard keeps anyway.
    """
    actions = actions or []
    include = set(include)

    def analysis(group: str, compute: Callable[[], Any], read: Callable[[Any], Any] = lambda kept: kept):
        return read(suite(SUITE_RESULTS[group])) if suite is not None else compute()

    state = FutureState(
        on=on,
        applied_actions=[a.pk for a in actions],
        sso=SsoCoverage(services=0, services_behind_sso=0, users=0, users_behind_sso=0),
        sso_by_school=[],
        yearly_cost=Decimal(0),
        yearly_cost_by_management_object=[],
        planned_yearly_cost_effect=sum((a.yearly_cost_effect for a in actions), Decimal(0)),
        services_per_capability=[],
        gdpr_gaps_by_severity=[],
        skolfederation_share=0.0,
        equity=EquitySummary(0, 0, 0, 0),
        completeness=0,
        equity_matrix=EquityMatrix(),
    )
    # One load of the landscape serves the SSO figures, the yearly cost and the equity matrix.
    wanted = include & ({"cost"} if suite is not None else {"sso", "cost", "equity"})
    landscape = Landscape(today=on, load_costs="cost" in include) if wanted else None
    if "sso" in include:
        sso = state.sso = analysis("sso", lambda: sso_coverage(landscape=landscape))
        state.sso_by_school = sso.by_school
        state.services_per_capability = [
            CapabilityCount(int(group.key), group.label, group.services) for group in sso.by_capability
        ]
        federated = next((g for g in sso.by_federation if g.key == Federation.SKOLFEDERATION), None)
        if federated and sso.services:
            state.skolfederation_share = federated.services / sso.services
    if "cost" in include:
        year = cost_year or cost_year_at(on)
        state.yearly_cost, state.yearly_cost_by_management_object = _yearly_cost(landscape, year)
    if "gaps" in include:
        state.gaps = analysis("gaps", lambda: find_gaps(today=on))
        fixes = [(a.finding_ref, a.service_id) for a in actions if a.kind == ActionKind.FIX_GDPR_GAP]
        if fixes:
            # A gap the plan closes by working on the record is taken to be closed by then.
            state.gaps = [g for g in state.gaps if not any(gap_matches(ref, pk, g) for ref, pk in fixes)]
        per_severity = Counter(finding.severity for finding in state.gaps)
        state.gdpr_gaps_by_severity = [
            SeverityCount(severity.value, str(severity.label), per_severity.get(severity.value, 0))
            for severity in Severity
        ]
    if "equity" in include:
        matrix = state.equity_matrix = analysis(
            "equity", lambda: equity_matrix(today=on, landscape=landscape)
        )
        kinds = Counter(finding.kind for finding in matrix.findings)
        state.equity = EquitySummary(
            schools=len(matrix.schools),
            columns=len(matrix.columns),
            lacking=kinds.get("saknas", 0),
            different=kinds.get("annat system", 0),
        )
    if "completeness" in include:
        state.completeness = analysis(
            "completeness",
            lambda: _completeness(min(on, timezone.localdate())),
            read=lambda overview: overview.overall.percent,  # the dashboard's overview: the same total
        )
    return state


def _completeness(day: datetime.date) -> int:
    """The register's completeness in percent, every record of every kind as one total."""
    return total([record for results in records_by_kind(day).values() for record in results]).percent


def cost_year_at(on: datetime.date) -> int:
    """The year whose outcome the yearly cost reads for a state as on ``on``: the year before it
    for today and the past (what was known then), and today's for a day to come. Years to come have
    no outcome yet: reading the year before the plan's end would weigh next year's empty outcome
    against this year's full one, and the cost would seem to fall whatever the plan does."""
    return min(on, timezone.localdate()).year - 1


def _yearly_cost(landscape: Landscape, year: int) -> tuple[Decimal, list[CostLine]]:
    """The yearly cost of the services in use, as standardisation reads it (``ServiceRow.yearly_cost``)."""
    by_object: dict[int | None, Decimal] = defaultdict(Decimal)
    for service in landscape.services.values():
        amount, _source = service.yearly_cost(year)
        if amount is not None:
            by_object[service.management_object_id] += amount
    objects = ManagementObject.objects.filter(pk__in=[k for k in by_object if k])
    names = dict(objects.values_list("pk", "name"))
    without_object = _("Lärresurser och tjänster utan objekt")
    lines = sorted(
        (CostLine(pk, names.get(pk, without_object), amount) for pk, amount in by_object.items()),
        key=lambda line: (-line.amount, line.name.casefold()),
    )
    return sum(by_object.values(), Decimal(0)), lines


def past_day_error(on: datetime.date | None) -> str:
    """Why ``on`` cannot be a day of the register as it will be ("" when it can): a day before
    today is the register as it was, which history answers (``asOf``), not a plan."""
    if on is not None and on < timezone.localdate():
        return _(
            "Dagen %(day)s har redan varit: välj idag eller senare. Registret som det var visas med "
            "historiken (asOf)."
        ) % {"day": on.isoformat()}
    return ""


def future_state(
    plan: Plan, on: datetime.date | None = None, *, include: Iterable[str] = FIGURES
) -> FutureState:
    """The register on ``on`` (default: the plan's horizon) with the plan's due actions applied."""
    on = on or plan.horizon
    actions = due_actions(plan, on)
    with register_with(actions):
        return state_of_register(on, actions, include=include)


def today_state(
    today: datetime.date | None = None,
    *,
    include: Iterable[str] = FIGURES,
    suite: Callable[[str], Any] | None = None,
) -> FutureState:
    """Today's figures, by the same computation as :func:`future_state` with nothing applied;
    ``suite`` as for :func:`state_of_register`."""
    today = today or timezone.localdate()
    return state_of_register(today, include=include, suite=suite, cost_year=today.year - 1)

"""Overlap and standardisation targets: where consolidating systems pays most, and why.

**Overlap** is a capability served by more than one active service. **Candidates** are the
consolidations worth making: per overlapping capability and per duplicate cluster, the service
to keep (the one with most users, unless the caller names one), the yearly saving from phasing
out the rest, the schools and users who would move, and the risk it removes.

Ranking score (all weights in :class:`StandardisationWeights`, documented in docs/analysis.md)::

    score =   saving_per_100k      × yearly saving / 100 000 kr
            + per_service_outside_sso × services outside SSO phased out
            + per_gdpr_gap          × open GDPR gaps on services phased out
            + per_1000_users_moving × users who must move / 1 000      (a negative weight: effort)
            + duplicate_bonus       (when the services are one product registered twice)

Yearly cost is the outcome (``Cost`` of kind Utfall) of the latest complete year, else the latest
budget. GDPR gaps come from the caller as ``gap_counts`` — ``portfolio`` does not know ``gdpr``
(DESIGN.md, principle 3); the root GraphQL schema passes ``gdpr.gaps.gap_counts_by_service()``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .data import Landscape, ServiceRow, format_kr
from .duplicates import cluster_records, load_service_records

__all__ = [
    "CapabilityOverlap",
    "DEFAULT_WEIGHTS",
    "OverlapService",
    "StandardisationCandidate",
    "StandardisationReport",
    "StandardisationWeights",
    "standardisation_report",
]


@dataclass(frozen=True)
class StandardisationWeights:
    """How a consolidation's benefits and effort add up to its rank.

    * ``saving_per_100k`` — points per 100 000 kr of yearly saving (money is the first reason).
    * ``per_service_outside_sso`` — points per phased-out service outside single sign-on: each
      one is a separate password for pupils and staff and an account nobody deprovisions.
    * ``per_gdpr_gap`` — points per open GDPR gap on a phased-out service (from ``gap_counts``).
    * ``per_1000_users_moving`` — points per 1 000 users who must change system; negative,
      because moving people costs training and support.
    * ``duplicate_bonus`` — points when the services are one product registered twice: merging
      registrations is cheap compared with replacing a product.
    """

    saving_per_100k: float = 1.0
    per_service_outside_sso: float = 2.0
    per_gdpr_gap: float = 1.0
    per_1000_users_moving: float = -0.5
    duplicate_bonus: float = 3.0


DEFAULT_WEIGHTS = StandardisationWeights()


@dataclass
class OverlapService:
    """One service within an overlap: who uses it, how much, what it costs, what risk it carries."""

    service_type: str
    service_id: int
    name: str
    vendor: str
    organisations: list[str]
    users: int
    yearly_cost: Decimal | None
    cost_source: str
    behind_sso: bool
    open_gdpr_gaps: int


@dataclass
class CapabilityOverlap:
    """A capability served by more than one active service."""

    capability_id: int
    capability: str
    services: list[OverlapService]
    explanation: str


@dataclass
class StandardisationCandidate:
    """One consolidation, ranked: what to keep, what to phase out, what it gains and costs."""

    rank: int
    kind: str  # "capability" or "duplicate"
    subject: str
    capability_id: int | None
    keep: OverlapService
    phase_out: list[OverlapService]
    yearly_saving: Decimal
    schools_moving: list[str]
    users_moving: int
    services_outside_sso_removed: int
    gdpr_gaps_removed: int
    score: float
    why: str
    risk_removed: str


@dataclass
class StandardisationReport:
    overlaps: list[CapabilityOverlap] = field(default_factory=list)
    candidates: list[StandardisationCandidate] = field(default_factory=list)
    cost_year: int = 0
    weights: StandardisationWeights = DEFAULT_WEIGHTS



def _count(n: int) -> str:
    """A count in the active language's form: "48 202" in Swedish, "48,202" in English."""
    return number_format(n, 0, force_grouping=True)


def _signed(points: float) -> str:
    """Points with their sign and the active language's decimal mark: "+98,9" in Swedish."""
    return ("+" if points > 0 else "") + number_format(round(points, 1), 1, force_grouping=True)

def _overlap_service(
    service: ServiceRow, landscape: Landscape, gap_counts: Mapping[tuple[str, int], int]
) -> OverlapService:
    cost, source = service.yearly_cost(landscape.latest_complete_year)
    organisations = sorted(
        (landscape.organisations[o].name for o in service.usage if o in landscape.organisations),
        key=str.casefold,
    )
    return OverlapService(
        service_type=service.service_type,
        service_id=service.pk,
        name=service.name,
        vendor=service.vendor,
        organisations=organisations,
        users=service.users,
        yearly_cost=cost,
        cost_source=source,
        behind_sso=service.behind_sso,
        open_gdpr_gaps=int(gap_counts.get(service.key, 0)),
    )


def _candidate(
    kind: str,
    subject: str,
    capability_id: int | None,
    services: list[ServiceRow],
    landscape: Landscape,
    gap_counts: Mapping[tuple[str, int], int],
    keep: set[tuple[str, int]],
    weights: StandardisationWeights,
) -> StandardisationCandidate:
    named = [s for s in services if s.key in keep]
    if named:
        kept = named[0]
        keep_reason = _("%(name)s behålls enligt ert val") % {"name": kept.name}
    else:
        kept = max(services, key=lambda s: (s.users, s.behind_sso, -s.pk))
        keep_reason = _("%(name)s behålls eftersom den har flest användare (%(users)s)") % {
            "name": kept.name,
            "users": _count(kept.users),
        }
    phase_out = [s for s in services if s.key != kept.key]
    keep_row = _overlap_service(kept, landscape, gap_counts)
    out_rows = [_overlap_service(s, landscape, gap_counts) for s in phase_out]
    # A service is only saved if it can go entirely: when it also serves capabilities the kept
    # service does not, phasing it out of this one capability saves nothing (and counting its
    # cost here would count it again under each of its capabilities).
    still_needed = [
        r.name
        for s, r in zip(phase_out, out_rows, strict=True)
        if kind == "capability" and not s.capability_ids <= kept.capability_ids
    ]
    saving = sum((r.yearly_cost or Decimal(0) for r in out_rows if r.name not in still_needed), Decimal(0))
    moving_orgs = sorted({o for s in phase_out for o in s.usage if o not in kept.usage})
    schools = sorted(
        {landscape.organisations[o].name for o in moving_orgs if o in landscape.organisations},
        key=str.casefold,
    )
    users = sum(s.users for s in phase_out)
    outside = sum(1 for r in out_rows if not r.behind_sso)
    gaps = sum(r.open_gdpr_gaps for r in out_rows)

    parts = [
        (
            weights.saving_per_100k * float(saving) / 100_000,
            _("sparar %(kr)s per år") % {"kr": format_kr(saving)},
        ),
        (
            weights.per_service_outside_sso * outside,
            ngettext("tar bort %(n)s tjänst utanför SSO", "tar bort %(n)s tjänster utanför SSO", outside)
            % {"n": _count(outside)},
        ),
        (
            weights.per_gdpr_gap * gaps,
            ngettext("tar bort %(n)s öppen dataskyddsbrist", "tar bort %(n)s öppna dataskyddsbrister", gaps)
            % {"n": _count(gaps)},
        ),
        (
            weights.per_1000_users_moving * users / 1000,
            ngettext("%(n)s användare måste byta system", "%(n)s användare måste byta system", users)
            % {"n": _count(users)},
        ),
    ]
    if kind == "duplicate":
        parts.append((weights.duplicate_bonus, _("samma produkt registrerad flera gånger")))
    score = round(sum(points for points, _text in parts), 2)
    why_parts = [f"{text} ({_signed(points)})" for points, text in parts if points]
    unknown_cost = [r.name for r in out_rows if r.yearly_cost is None]
    why = _("%(keep)s. Poäng %(score)s: %(parts)s.") % {
        "keep": keep_reason,
        "score": number_format(score, 1, force_grouping=True),
        "parts": "; ".join(why_parts) or _("inga kända vinster"),
    }
    if still_needed:
        why += " " + _(
            "%(names)s används även för förmågor som %(keep)s inte har, "
            "så deras kostnad räknas inte som besparing."
        ) % {"names": ", ".join(still_needed), "keep": kept.name}
    if unknown_cost:
        why += " " + _("Kostnad saknas för %(names)s, så besparingen är underskattad.") % {
            "names": ", ".join(unknown_cost)
        }
    risk_bits = []
    if outside:
        risk_bits.append(
            ngettext(
                "%(n)s inloggning utanför single sign-on",
                "%(n)s inloggningar utanför single sign-on",
                outside,
            )
            % {"n": _count(outside)}
        )
    if gaps:
        risk_bits.append(
            ngettext("%(n)s öppen dataskyddsbrist", "%(n)s öppna dataskyddsbrister", gaps)
            % {"n": _count(gaps)}
        )
    risk = ", ".join(risk_bits) if risk_bits else _("ingen känd risk")
    return StandardisationCandidate(
        rank=0,
        kind=kind,
        subject=subject,
        capability_id=capability_id,
        keep=keep_row,
        phase_out=out_rows,
        yearly_saving=saving,
        schools_moving=schools,
        users_moving=users,
        services_outside_sso_removed=outside,
        gdpr_gaps_removed=gaps,
        score=score,
        why=why,
        risk_removed=risk,
    )


def standardisation_report(
    applications: QuerySet | None = None,
    learning_resources: QuerySet | None = None,
    *,
    keep: Iterable[tuple[str, int]] | None = None,
    gap_counts: Mapping[tuple[str, int], int] | None = None,
    weights: StandardisationWeights = DEFAULT_WEIGHTS,
    include_duplicates: bool = True,
    today: datetime.date | None = None,
) -> StandardisationReport:
    """Overlapping capabilities and ranked consolidation candidates.

    ``keep`` names services (``("application", pk)``) to keep wherever they appear;
    ``gap_counts`` maps services to their open GDPR gaps. Services default to those in use.
    Nine queries whatever the size (eleven with duplicate clusters).
    """
    from portfolio.models import Application, LearningResource

    if applications is None:
        applications = Application.objects.in_use()
    if learning_resources is None:
        learning_resources = LearningResource.objects.in_use()
    gap_counts = gap_counts or {}
    keep_set = set(keep or ())
    landscape = Landscape(applications, learning_resources, today=today, load_costs=True)
    report = StandardisationReport(cost_year=landscape.latest_complete_year, weights=weights)

    by_capability: dict[int, list[ServiceRow]] = {}
    for service in landscape.services.values():
        for capability_id in service.capability_ids:
            by_capability.setdefault(capability_id, []).append(service)
    candidates: list[StandardisationCandidate] = []
    for capability_id, services in by_capability.items():
        if len(services) < 2:
            continue
        services.sort(key=lambda s: (-s.users, s.name.casefold(), s.key))
        name = landscape.capabilities.get(capability_id, str(capability_id))
        rows = [_overlap_service(s, landscape, gap_counts) for s in services]
        report.overlaps.append(
            CapabilityOverlap(
                capability_id=capability_id,
                capability=name,
                services=rows,
                explanation=_("%(n)d tjänster stödjer förmågan %(name)s: %(names)s.")
                % {"n": len(rows), "name": name, "names": ", ".join(r.name for r in rows)},
            )
        )
        candidates.append(
            _candidate("capability", name, capability_id, services, landscape, gap_counts, keep_set, weights)
        )

    if include_duplicates:
        records = load_service_records(applications, learning_resources)
        for cluster in cluster_records(records):
            members = [
                landscape.services[(m.service_type, m.service_id)]
                for m in cluster.members
                if not m.is_test_environment and (m.service_type, m.service_id) in landscape.services
            ]
            if len(members) < 2:
                continue
            subject = _("Dubblett: %(name)s") % {"name": members[0].name}
            candidates.append(
                _candidate("duplicate", subject, None, members, landscape, gap_counts, keep_set, weights)
            )

    report.overlaps.sort(key=lambda o: (-len(o.services), o.capability.casefold()))
    candidates.sort(key=lambda c: (-c.score, -c.yearly_saving, c.subject.casefold()))
    for rank, candidate in enumerate(candidates, start=1):
        candidate.rank = rank
        candidate.why = _("Plats %(rank)d. %(why)s") % {"rank": rank, "why": candidate.why}
    report.candidates = candidates
    return report

"""Overlap and standardisation targets: where consolidating systems pays most, and why.

**Overlap** is a capability served by more than one *product* in use. Registrations that the
duplicate finder holds to be one product (clusters of tier ``same_product``) are one product
here: they are folded into the product kept, never "phased out", and their accounts do not
"move". **Candidates** are the consolidations worth making: per overlapping capability and per
duplicate cluster, the product to keep, the yearly saving from phasing out the rest, the schools
and accounts that would move, and the risk it removes.

One function, :func:`consolidation_outcome`, computes what keeping any one option gives; the
recommendation is that function applied to the option chosen by :func:`recommend_keep`, and the
web page applies it to the option the strateg chooses (:meth:`StandardisationReport.choose`).

Ranking score (all weights in :class:`StandardisationWeights`, documented in docs/analysis.md)::

    score =   saving_per_100k         × yearly saving / 100 000 kr
            + per_service_outside_sso × registrations outside SSO phased out
            + per_gdpr_gap            × open GDPR gaps on registrations phased out
            + per_1000_accounts_moving × accounts that must move / 1 000   (negative: effort)
            + duplicate_bonus         (when the registrations are one product)
            + keep_outside_sso        (negative: the product kept is outside SSO)
            + keep_without_processor_agreement  (negative: … lacks a PUB-avtal)
            + per_serious_gap_kept    × serious GDPR gaps of the product kept (negative)
            + per_breach_kept         × personal data breaches of the product kept in the last year

Usage figures are **accounts**: ``ServiceUsage.users`` summed over organisations, so one
person in two schools counts twice. Every face labels them "konton". Where an identity provider
measured a school's use (``portfolio.evidence``) the measured figure replaces the typed one, so
"keep the most used" ranks by measured use; ``accounts_measured`` / ``accounts_basis`` say which.

Yearly cost is the outcome (``Cost`` of kind Utfall) of the latest complete year, else the latest
budget. GDPR facts come from the caller as ``gdpr_facts`` (or only the open-gap counts as
``gap_counts``) — ``portfolio`` does not know ``gdpr`` (docs/architecture.md, principle 3); the callers
pass ``gdpr.gaps.gdpr_facts_by_service()``.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from portfolio.formats import decimal_number, kronor, whole_number

from .data import Landscape, ServiceRow
from .duplicates import TIER_SAME_PRODUCT, DuplicateCluster, find_duplicates
from .shapes import attr, derived, shape

__all__ = [
    "CapabilityOverlap",
    "ConsolidationOutcome",
    "DEFAULT_WEIGHTS",
    "KIND_CAPABILITY",
    "KIND_DUPLICATE",
    "KIND_FAMILY",
    "OverlapService",
    "ProductOption",
    "StandardisationCandidate",
    "StandardisationReport",
    "StandardisationWeights",
    "consolidation_outcome",
    "recommend_keep",
    "service_ref",
    "standardisation_report",
]

#: A capability served by several products: keep one, phase out the others.
KIND_CAPABILITY = "capability"
#: One product registered more than once (tier ``same_product``): fold the registrations together.
KIND_DUPLICATE = "duplicate"
#: One product family (tier ``family``, to review): separate products, so keep one, phase out the rest.
KIND_FAMILY = "family"
#: The kinds as the command's table writes them.
KIND_LABELS = {KIND_CAPABILITY: "förmåga", KIND_DUPLICATE: "dubblett", KIND_FAMILY: "produktfamilj"}

SERVICE_TYPE = "Tjänstetyp: application (system) eller learning_resource (lärresurs)."
ACCOUNTS = "Konton: användare summerade över organisationerna, så en person i två skolor räknas två gånger."
ACCOUNTS_NOT_PEOPLE = "Summan är konton, inte personer: använd %s."


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


def service_ref(service_type: str, service_id: int) -> str:
    """``("application", 12)`` → ``"application:12"``: how a keep choice names a service."""
    return f"{service_type}:{service_id}"


@dataclass(frozen=True)
class StandardisationWeights:
    """How a consolidation's benefits, effort and remaining risk add up to its rank.

    * ``saving_per_100k`` — points per 100 000 kr of yearly saving (money is the first reason).
    * ``per_service_outside_sso`` — points per phased-out registration outside single sign-on:
      each one is a separate password for pupils and staff and an account nobody deprovisions.
    * ``per_gdpr_gap`` — points per open GDPR gap on a phased-out registration.
    * ``per_1000_accounts_moving`` — points per 1 000 accounts that must change system; negative,
      because moving people costs training and support.
    * ``duplicate_bonus`` — points when the registrations are one product: merging registrations
      is cheap compared with replacing a product.
    * ``keep_outside_sso``, ``keep_without_processor_agreement``, ``per_serious_gap_kept`` —
      negative points for what the product kept would bring along: standardising on a product
      outside SSO, without a processor agreement or with serious GDPR gaps spreads that risk to
      everyone who moves to it.
    * ``per_breach_kept`` — negative points per personal data breach in the last year touching
      the product kept: a product that has leaked pupils' data recently is a poor standard.
    """

    saving_per_100k: float = attr(help="Poäng per 100 000 kr i årlig besparing.", default=1.0)
    per_service_outside_sso: float = attr(help="Poäng per avvecklad tjänst utanför SSO.", default=2.0)
    per_gdpr_gap: float = attr(help="Poäng per öppen dataskyddsbrist som försvinner.", default=1.0)
    per_1000_accounts_moving: float = attr(help="Poäng per 1 000 konton som måste byta.", default=-0.5)

    @derived(
        float,
        help="Poäng per 1 000 konton som måste byta.",
        deprecation=ACCOUNTS_NOT_PEOPLE % "per1000AccountsMoving",
    )
    def per_1000_users_moving(self) -> float:
        """The old name of ``per_1000_accounts_moving``, kept for existing API clients."""
        return self.per_1000_accounts_moving

    duplicate_bonus: float = attr(help="Poäng när tjänsterna är samma produkt.", default=3.0)
    keep_outside_sso: float = attr(
        help="Poäng när den som behålls ligger utanför SSO (negativ).", default=-2.0
    )
    keep_without_processor_agreement: float = attr(
        help="Poäng när den som behålls saknar personuppgiftsbiträdesavtal (negativ).", default=-3.0
    )
    per_serious_gap_kept: float = attr(
        help="Poäng per allvarlig dataskyddsbrist hos den som behålls (negativ).", default=-1.0
    )
    per_breach_kept: float = attr(
        help="Poäng per personuppgiftsincident det senaste året hos den som behålls (negativ).", default=-1.0
    )


DEFAULT_WEIGHTS = StandardisationWeights()


@dataclass
class OverlapService:
    """One registration within an overlap: who uses it, how much, what it costs, what risk it carries."""

    service_type: str = attr(help=SERVICE_TYPE)
    service_id: int = attr(help="Tjänstens primärnyckel.")

    @derived(str, help="Tjänstens referens i keep: application:ID eller learning_resource:ID.")
    def ref(self) -> str:
        return service_ref(self.service_type, self.service_id)

    name: str = attr(help="Tjänstens namn.")
    vendor: str = attr(help="Leverantörens namn.")
    organisations: list[str] = attr(help="Organisationer som använder tjänsten.")
    #: Accounts: users summed over the organisations using it (a person in two schools counts twice).
    accounts: int = attr(help=ACCOUNTS)

    @derived(int, help=ACCOUNTS, deprecation=ACCOUNTS_NOT_PEOPLE % "accounts")
    def users(self) -> int:
        """The old name of ``accounts``, kept for existing API clients."""
        return self.accounts

    yearly_cost: Decimal | None = attr(help="Årskostnad i kronor; saknas om ingen kostnad är registrerad.")
    cost_source: str = attr(help="Varifrån kostnaden kommer, t.ex. ”utfall 2025”.")
    behind_sso: bool = attr(help="Sant om tjänsten ligger bakom single sign-on.")
    open_gdpr_gaps: int = attr(help="Öppna dataskyddsbrister som rör tjänsten.")
    #: High or critical GDPR gaps, the missing processor agreement not counted (it has its own flag).
    serious_gdpr_gaps: int = attr(
        help="Varav allvarliga (hög eller kritisk), utöver ett saknat personuppgiftsbiträdesavtal.", default=0
    )
    without_processor_agreement: bool = attr(
        help="Sant om leverantören behandlar personuppgifter utan biträdesavtal.", default=False
    )
    #: Personal data breaches touching the service in the last year (``gdpr_facts["breaches_last_year"]``).
    breaches_last_year: int = attr(
        help="Personuppgiftsincidenter det senaste året som rört tjänsten (via dess behandlingar).", default=0
    )
    accounts_measured: bool = attr(
        help="Sant om kontona är uppmätta av en identitetsleverantör (helt eller delvis), falskt om de är "
        "angivna för hand.",
        default=False,
    )
    organisation_ids: tuple[int, ...] = field(default=(), repr=False)  # parallel to ``organisations``
    capability_ids: frozenset[int] = field(default=frozenset(), repr=False)

    @property
    def key(self) -> tuple[str, int]:
        return (self.service_type, self.service_id)


@dataclass
class ProductOption:
    """One product a consolidation can keep: its registrations, the most-used first.

    ``key`` names the option in a keep choice (the first registration's ``service_ref``); any of
    its registrations' refs selects it too. ``risks`` says, in Swedish, what keeping it would
    bring along (outside SSO, no processor agreement, serious GDPR gaps).
    """

    key: str = attr(help="Alternativets referens (dess första registrering) i keep.")
    name: str = attr(help="Produktens namn.")
    registrations: list[OverlapService] = attr(help="Produktens registreringar, mest använd först.")
    accounts: int = attr(help=ACCOUNTS)
    risks: list[str] = attr(
        help="Vad produkten för med sig om den behålls: utanför SSO, utan biträdesavtal, allvarliga brister."
    )
    outside_sso: bool
    without_processor_agreement: bool
    serious_gdpr_gaps: int
    #: Personal data breaches in the last year touching any of its registrations.
    breaches_last_year: int = 0
    #: Every registration's ref: what selects this option in a keep choice.
    refs: frozenset[str] = field(default=frozenset(), repr=False)

    @property
    def main(self) -> OverlapService:
        return self.registrations[0]


@dataclass
class CapabilityOverlap:
    """A capability served by more than one product in use."""

    capability_id: int = attr(help="Förmågans primärnyckel.")
    capability: str = attr(help="Förmågans namn (område › förmåga).")
    services: list[OverlapService] = attr(help="Registreringarna, produkt för produkt.")
    product_count: int = attr(
        help="Antal produkter; registreringar av samma produkt räknas som en.", default=0, kw_only=True
    )
    explanation: str = attr(help="Överlappningen i ord.")


@dataclass
class ConsolidationOutcome:
    """What keeping one option gives: the same figures whether recommended or chosen."""

    keep: ProductOption
    folded: list[OverlapService]
    phase_out: list[OverlapService]
    yearly_saving: Decimal
    schools_moving: list[str]
    accounts_moving: int
    services_outside_sso_removed: int
    gdpr_gaps_removed: int
    score: float
    parts: list[tuple[float, str]]
    notes: list[str]
    risk_removed: str


@shape(
    export_first=(
        "rank", "subject", "keep", "recommended_name", "folded", "phase_out", "yearly_saving",
        "schools_moving", "accounts_moving", "services_outside_sso_removed", "gdpr_gaps_removed",
        "keep_risks", "why",
    ),
    command_first=(
        "rank", "score", "kind", "subject", "keep", "folded", "phase_out", "yearly_saving",
        "accounts_moving", "schools_moving", "keep_risks", "risk_removed", "why",
    ),
)
@dataclass(kw_only=True)
class StandardisationCandidate:
    """One consolidation, ranked: what to keep, what to fold in and phase out, what it gains and costs."""

    rank: int = attr(gettext_lazy("Rang"), "Plats i rangordningen, 1 = lönar sig mest.")
    #: Stable name of this consolidation in a keep choice: ``capability-12``, ``duplicate-application-3``.
    key: str = attr(help="Konsolideringens namn, t.ex. capability-12.", command=False, default="")
    kind: str = attr(  # KIND_CAPABILITY, KIND_DUPLICATE or KIND_FAMILY
        help=(
            "”capability” (överlapp), ”duplicate” (samma produkt registrerad flera gånger) eller "
            "”family” (produktfamilj att granska)."
        ),
        command=kind_label,
    )
    subject: str = attr(gettext_lazy("Gäller"), "Förmågan eller dubbletten det gäller.")
    capability_id: int | None = attr(help="Förmågans primärnyckel, för överlapp.", command=False)
    #: The products (or, for one product's registrations, the registrations) to choose from.
    options: list[ProductOption] = attr(
        help="Produkterna att välja bland.", command=False, default_factory=list
    )
    #: The option the analysis recommends (its key), whatever is kept now.
    recommended: str = attr(
        help="Nyckeln till alternativet som analysen föreslår.", command=False, default=""
    )

    @derived(str, gettext_lazy("Föreslås"), command=False)
    def recommended_name(self) -> str:
        """The name of the option the analysis recommends ("" before options are known)."""
        return next((o.name for o in self.options if o.key == self.recommended), "")

    keep: OverlapService = attr(gettext_lazy("Behåll"), "Tjänsten som behålls.")
    keep_reason: str = attr(help="Varför den behålls.", command=False, default="")
    #: What the product kept brings along (outside SSO, no processor agreement, serious gaps).
    keep_risks: list[str] = attr(
        gettext_lazy("Den som behålls för med sig"),
        "Vad den som behålls för med sig: utanför SSO, utan biträdesavtal, allvarliga brister.",
        default_factory=list,
    )
    #: Registrations of the product kept, folded into it: neither phased out nor moving.
    folded: list[OverlapService] = attr(
        gettext_lazy("Räknas in i den som behålls"),
        "Andra registreringar av produkten som behålls: räknas in i den, avvecklas inte och byter inte.",
        default_factory=list,
    )
    phase_out: list[OverlapService] = attr(gettext_lazy("Fasa ut"), "Tjänster som avvecklas.")
    yearly_saving: Decimal = attr(
        gettext_lazy("Besparing per år (kr)"), "Uppskattad besparing per år i kronor."
    )
    schools_moving: list[str] = attr(
        gettext_lazy("Skolor som byter"), "Skolor och enheter som måste byta tjänst.", export=len
    )
    accounts_moving: int = attr(
        gettext_lazy("Konton som byter"), "Konton som måste byta tjänst (summerade över skolorna)."
    )

    @derived(
        int,
        help="Konton som måste byta tjänst (summerade över skolorna).",
        deprecation=ACCOUNTS_NOT_PEOPLE % "accountsMoving",
    )
    def users_moving(self) -> int:
        """The old name of ``accounts_moving``, kept for existing API clients."""
        return self.accounts_moving

    services_outside_sso_removed: int = attr(
        gettext_lazy("Tjänster utanför SSO som försvinner"),
        "Tjänster utanför SSO som försvinner.",
        command=False,
    )
    gdpr_gaps_removed: int = attr(
        gettext_lazy("Dataskyddsbrister som försvinner"),
        "Öppna dataskyddsbrister som försvinner.",
        command=False,
    )
    score: float = attr(help="Poäng enligt vikterna; högst först.")
    why: str = attr(gettext_lazy("Motivering"), "Varför kandidaten hamnar på sin plats.")
    risk_removed: str = attr(help="Risken som tas bort, i ord.")

    @derived(
        str,
        gettext_lazy("Kontosiffror"),
        "Varifrån kontona kommer: ”uppmätt”, ”angiven” eller ”delvis uppmätt” (av identitetsleverantören).",
    )
    def accounts_basis(self) -> str:
        registrations = [self.keep, *self.folded, *self.phase_out]
        measured = sum(1 for r in registrations if r.accounts_measured)
        if measured == len(registrations):
            return _("uppmätt")
        return _("delvis uppmätt") if measured else _("angiven")

    #: The option kept in this candidate's figures (the recommended one unless chosen otherwise).
    chosen: str = ""

    @property
    def keep_option(self) -> ProductOption | None:
        return next((o for o in self.options if o.key == self.chosen), None)


@dataclass
class StandardisationReport:
    overlaps: list[CapabilityOverlap] = attr(help="Förmågor med mer än en produkt.", default_factory=list)
    candidates: list[StandardisationCandidate] = attr(help="Kandidaterna, bäst först.", default_factory=list)
    cost_year: int = attr(help="Året vars utfall används som årskostnad.", default=0)
    weights: StandardisationWeights = attr(help="Vikterna som användes.", default=DEFAULT_WEIGHTS)

    def choose(self, choices: Mapping[str, str]) -> StandardisationReport:
        """This report with the strateg's keep per candidate: ``{candidate key: service ref}``.

        Chosen candidates carry the outcome of the chosen option (their rank stays the
        recommendation's); unknown candidates or refs are ignored. In memory: no query.
        """
        if not choices:
            return self
        candidates = []
        for candidate in self.candidates:
            ref = choices.get(candidate.key)
            option = _option_for(candidate.options, ref) if ref else None
            if option is None or option.key == candidate.chosen:
                candidates.append(candidate)
                continue
            outcome = consolidation_outcome(
                candidate.options, option.key, kind=candidate.kind, weights=self.weights
            )
            recommended = _option_for(candidate.options, candidate.recommended)
            reason = _("%(name)s behålls enligt ert val") % {"name": option.name}
            if recommended is not None:
                reason += " " + _("(analysen föreslår %(name)s)") % {"name": recommended.name}
            candidates.append(_candidate(candidate, outcome, reason, rank=candidate.rank))
        return dataclasses.replace(self, candidates=candidates)


#
# Building blocks
#


def _overlap_service(
    service: ServiceRow, landscape: Landscape, gdpr_facts: Mapping[tuple[str, int], Mapping]
) -> OverlapService:
    cost, source = service.yearly_cost(landscape.latest_complete_year)
    organisations = sorted(
        ((landscape.organisations[o].name, o) for o in service.usage if o in landscape.organisations),
        key=lambda pair: (pair[0].casefold(), pair[1]),
    )
    facts = gdpr_facts.get(service.key) or {}
    return OverlapService(
        service_type=service.service_type,
        service_id=service.pk,
        name=service.name,
        vendor=service.vendor,
        organisations=[name for name, _pk in organisations],
        accounts=service.users,
        yearly_cost=cost,
        cost_source=source,
        behind_sso=service.behind_sso,
        open_gdpr_gaps=int(facts.get("open_gaps", 0)),
        serious_gdpr_gaps=int(facts.get("serious_gaps", 0)),
        without_processor_agreement=bool(facts.get("without_processor_agreement", False)),
        breaches_last_year=int(facts.get("breaches_last_year", 0)),
        accounts_measured=service.users_measured,
        organisation_ids=tuple(pk for _name, pk in organisations),
        capability_ids=frozenset(service.capability_ids),
    )


def _by_use(service: OverlapService) -> tuple:
    return (-service.accounts, not service.behind_sso, service.name.casefold(), service.key)


def _option(registrations: list[OverlapService]) -> ProductOption:
    """One product from its registrations (the most-used first), with what keeping it brings along."""
    registrations = sorted(registrations, key=_by_use)
    main = registrations[0]
    outside = [r for r in registrations if not r.behind_sso]
    without_dpa = any(r.without_processor_agreement for r in registrations)
    serious = sum(r.serious_gdpr_gaps for r in registrations)
    breaches = sum(r.breaches_last_year for r in registrations)
    risks = []
    if outside:
        risks.append(
            _("%(names)s ligger utanför single sign-on") % {"names": ", ".join(r.name for r in outside)}
        )
    if without_dpa:
        risks.append(_("%(name)s saknar personuppgiftsbiträdesavtal") % {"name": main.name})
    if serious:
        risks.append(
            ngettext(
                "%(name)s har %(n)d allvarlig dataskyddsbrist",
                "%(name)s har %(n)d allvarliga dataskyddsbrister",
                serious,
            )
            % {"name": main.name, "n": serious}
        )
    if breaches:
        risks.append(
            ngettext(
                "%(name)s har haft %(n)d personuppgiftsincident det senaste året",
                "%(name)s har haft %(n)d personuppgiftsincidenter det senaste året",
                breaches,
            )
            % {"name": main.name, "n": breaches}
        )
    return ProductOption(
        key=main.ref,
        name=main.name,
        registrations=registrations,
        accounts=sum(r.accounts for r in registrations),
        risks=risks,
        outside_sso=bool(outside),
        without_processor_agreement=without_dpa,
        serious_gdpr_gaps=serious,
        breaches_last_year=breaches,
        refs=frozenset(r.ref for r in registrations),
    )


def _option_for(options: Iterable[ProductOption], ref: str | None) -> ProductOption | None:
    """The option a ref names: its key or any of its registrations."""
    if not ref:
        return None
    for option in options:
        if ref == option.key or ref in option.refs:
            return option
    return None


def _count(n: int) -> str:
    """A count in the active language's form: "48 202" in Swedish, "48,202" in English."""
    return whole_number(n)


def _signed(points: float) -> str:
    """Points with their sign and the active language's decimal mark: "+98,9" in Swedish."""
    return ("+" if points > 0 else "") + decimal_number(points, 1)


def _accounts_text(n: int) -> str:
    return ngettext("%(n)s konto", "%(n)s konton", n) % {"n": _count(n)}


def recommend_keep(options: list[ProductOption], keep: Iterable[str] = ()) -> tuple[ProductOption, str]:
    """The option to keep and why, in Swedish.

    An option the caller names (``keep``: service refs) wins. Otherwise the product with most
    accounts — unless it is outside SSO, lacks a processor agreement or has serious GDPR gaps
    and another product has none of these: then the most-used of those is preferred, and the
    reason says so (the strateg can still choose the other on the page).
    """
    for ref in keep:
        named = _option_for(options, ref)
        if named is not None:
            return named, _("%(name)s behålls enligt ert val") % {"name": named.name}
    ranked = sorted(options, key=lambda o: (-o.accounts, o.outside_sso, o.name.casefold(), o.key))
    top = ranked[0]
    if not top.risks:
        return top, _("%(name)s behålls eftersom den har flest konton (%(accounts)s)") % {
            "name": top.name,
            "accounts": _accounts_text(top.accounts),
        }
    safe = next((o for o in ranked if not o.risks), None)
    if safe is not None:
        return safe, _(
            "%(top)s har flest konton (%(accounts)s), men %(risks)s; därför föreslås %(name)s, "
            "som inte har de bristerna"
        ) % {
            "top": top.name,
            "accounts": _accounts_text(top.accounts),
            "risks": ", ".join(top.risks),
            "name": safe.name,
        }
    return top, _(
        "%(name)s behålls eftersom den har flest konton (%(accounts)s) och inget alternativ är "
        "fritt från brister, men observera: %(risks)s"
    ) % {"name": top.name, "accounts": _accounts_text(top.accounts), "risks": "; ".join(top.risks)}


def consolidation_outcome(
    options: list[ProductOption],
    keep: str,
    *,
    kind: str = KIND_CAPABILITY,
    weights: StandardisationWeights = DEFAULT_WEIGHTS,
) -> ConsolidationOutcome:
    """What keeping the option ``keep`` (a service ref) gives; pure, in memory.

    The other registrations of the product kept are folded into it. For a capability or a
    product family, the other products are phased out: their yearly cost is saved when they can
    go entirely (a registration that also serves a capability the product kept lacks cannot),
    their accounts move, and the schools that do not already use the product kept move. For one
    product's registrations (``KIND_DUPLICATE``) every other registration is folded: nothing is
    phased out, no account moves, and no saving is counted (the accounts stay in the product).
    """
    kept = _option_for(options, keep)
    if kept is None:
        raise ValueError(f"{keep!r} is none of the options")
    others = [r for o in options if o is not kept for r in o.registrations]
    folded = [r for r in kept.registrations if r is not kept.main]
    if kind == KIND_DUPLICATE:
        folded, phase_out = folded + others, []
    else:
        phase_out = others
    kept_capabilities = frozenset().union(*(r.capability_ids for r in kept.registrations))
    still_needed = [
        r for r in phase_out if kind == KIND_CAPABILITY and not r.capability_ids <= kept_capabilities
    ]
    needed = {id(r) for r in still_needed}
    saving = sum((r.yearly_cost or Decimal(0) for r in phase_out if id(r) not in needed), Decimal(0))
    kept_organisations = {o for r in kept.registrations for o in r.organisation_ids}
    moving = {}
    for r in phase_out:
        for pk, name in zip(r.organisation_ids, r.organisations, strict=True):
            if pk not in kept_organisations:
                moving[pk] = name
    schools = sorted(moving.values(), key=str.casefold)
    accounts = sum(r.accounts for r in phase_out)
    outside = sum(1 for r in phase_out if not r.behind_sso)
    gaps = sum(r.open_gdpr_gaps for r in phase_out)

    parts = [
        (
            weights.saving_per_100k * float(saving) / 100_000,
            _("sparar %(kr)s per år") % {"kr": kronor(saving)},
        ),
        (
            weights.per_service_outside_sso * outside,
            ngettext("tar bort %(n)d tjänst utanför SSO", "tar bort %(n)d tjänster utanför SSO", outside)
            % {"n": outside},
        ),
        (
            weights.per_gdpr_gap * gaps,
            ngettext("tar bort %(n)d öppen dataskyddsbrist", "tar bort %(n)d öppna dataskyddsbrister", gaps)
            % {"n": gaps},
        ),
        (
            weights.per_1000_accounts_moving * accounts / 1000,
            ngettext("%(n)s konto måste byta system", "%(n)s konton måste byta system", accounts)
            % {"n": _count(accounts)},
        ),
    ]
    if kind == KIND_DUPLICATE:
        parts.append((weights.duplicate_bonus, _("samma produkt registrerad flera gånger")))
    if kept.outside_sso:
        parts.append((weights.keep_outside_sso, _("den som behålls ligger utanför SSO")))
    if kept.without_processor_agreement:
        parts.append(
            (
                weights.keep_without_processor_agreement,
                _("den som behålls saknar personuppgiftsbiträdesavtal"),
            )
        )
    if kept.serious_gdpr_gaps:
        parts.append(
            (
                weights.per_serious_gap_kept * kept.serious_gdpr_gaps,
                ngettext(
                    "den som behålls har %(n)d allvarlig dataskyddsbrist",
                    "den som behålls har %(n)d allvarliga dataskyddsbrister",
                    kept.serious_gdpr_gaps,
                )
                % {"n": kept.serious_gdpr_gaps},
            )
        )
    if kept.breaches_last_year:
        parts.append(
            (
                weights.per_breach_kept * kept.breaches_last_year,
                ngettext(
                    "den som behålls har haft %(n)d personuppgiftsincident det senaste året",
                    "den som behålls har haft %(n)d personuppgiftsincidenter det senaste året",
                    kept.breaches_last_year,
                )
                % {"n": kept.breaches_last_year},
            )
        )
    score = round(sum(points for points, _text in parts), 2)

    notes = []
    if folded:
        notes.append(
            ngettext(
                "%(names)s är samma produkt som %(keep)s och räknas in i den: den fasas inte ut och "
                "dess konton byter inte system.",
                "%(names)s är samma produkt som %(keep)s och räknas in i den: de fasas inte ut och "
                "deras konton byter inte system.",
                len(folded),
            )
            % {"names": ", ".join(r.name for r in folded), "keep": kept.name}
        )
    if still_needed:
        notes.append(
            _(
                "%(names)s används även för förmågor som %(keep)s inte har, "
                "så deras kostnad räknas inte som besparing."
            )
            % {"names": ", ".join(r.name for r in still_needed), "keep": kept.name}
        )
    unknown_cost = [r.name for r in phase_out if r.yearly_cost is None]
    if unknown_cost:
        notes.append(
            _("Kostnad saknas för %(names)s, så besparingen är underskattad.")
            % {"names": ", ".join(unknown_cost)}
        )
    risk_bits = []
    if outside:
        risk_bits.append(
            ngettext(
                "%(n)d inloggning utanför single sign-on",
                "%(n)d inloggningar utanför single sign-on",
                outside,
            )
            % {"n": outside}
        )
    if gaps:
        risk_bits.append(
            ngettext("%(n)d öppen dataskyddsbrist", "%(n)d öppna dataskyddsbrister", gaps) % {"n": gaps}
        )
    return ConsolidationOutcome(
        keep=kept,
        folded=folded,
        phase_out=phase_out,
        yearly_saving=saving,
        schools_moving=schools,
        accounts_moving=accounts,
        services_outside_sso_removed=outside,
        gdpr_gaps_removed=gaps,
        score=score,
        parts=parts,
        notes=notes,
        risk_removed=", ".join(risk_bits) if risk_bits else _("ingen känd risk"),
    )


def _why(rank: int, keep_reason: str, outcome: ConsolidationOutcome) -> str:
    why_parts = [f"{text} ({_signed(points)})" for points, text in outcome.parts if points]
    why = _("%(keep)s. Poäng %(score)s: %(parts)s.") % {
        "keep": keep_reason,
        "score": decimal_number(outcome.score, 1),
        "parts": "; ".join(why_parts) or _("inga kända vinster"),
    }
    why = " ".join([why, *outcome.notes])
    return _("Plats %(rank)d. %(why)s") % {"rank": rank, "why": why} if rank else why


def _candidate(
    base: StandardisationCandidate, outcome: ConsolidationOutcome, keep_reason: str, *, rank: int
) -> StandardisationCandidate:
    """``base`` carrying ``outcome``'s figures."""
    return dataclasses.replace(
        base,
        rank=rank,
        keep=outcome.keep.main,
        phase_out=outcome.phase_out,
        folded=outcome.folded,
        yearly_saving=outcome.yearly_saving,
        schools_moving=outcome.schools_moving,
        accounts_moving=outcome.accounts_moving,
        services_outside_sso_removed=outcome.services_outside_sso_removed,
        gdpr_gaps_removed=outcome.gdpr_gaps_removed,
        score=outcome.score,
        why=_why(rank, keep_reason, outcome),
        risk_removed=outcome.risk_removed,
        keep_risks=list(outcome.keep.risks),
        keep_reason=keep_reason,
        chosen=outcome.keep.key,
    )


def _recommended_candidate(
    kind: str,
    subject: str,
    key: str,
    capability_id: int | None,
    options: list[ProductOption],
    keep: Iterable[str],
    weights: StandardisationWeights,
) -> StandardisationCandidate:
    option, reason = recommend_keep(options, keep)
    outcome = consolidation_outcome(options, option.key, kind=kind, weights=weights)
    base = StandardisationCandidate(
        rank=0,
        kind=kind,
        subject=subject,
        capability_id=capability_id,
        keep=option.main,
        phase_out=[],
        yearly_saving=Decimal(0),
        schools_moving=[],
        accounts_moving=0,
        services_outside_sso_removed=0,
        gdpr_gaps_removed=0,
        score=0.0,
        why="",
        risk_removed="",
        key=key,
        options=options,
        recommended=option.key,
    )
    return _candidate(base, outcome, reason, rank=0)


#
# The report
#


def standardisation_report(
    applications: QuerySet | None = None,
    learning_resources: QuerySet | None = None,
    *,
    keep: Iterable[tuple[str, int]] | None = None,
    gap_counts: Mapping[tuple[str, int], int] | None = None,
    gdpr_facts: Mapping[tuple[str, int], Mapping[str, int | bool]] | None = None,
    weights: StandardisationWeights = DEFAULT_WEIGHTS,
    include_duplicates: bool = True,
    clusters: Iterable[DuplicateCluster] | None = None,
    today: datetime.date | None = None,
) -> StandardisationReport:
    """Overlapping capabilities and ranked consolidation candidates.

    ``keep`` names services (``("application", pk)``) to keep wherever they appear. GDPR facts
    per service come from the caller: ``gdpr_facts`` (``gdpr.gaps.gdpr_facts_by_service()``:
    open gaps, serious gaps, missing processor agreement) or only ``gap_counts`` (open gaps).
    Services default to those in use; duplicate clusters of tier ``same_product`` are folded
    into one product everywhere, and ``include_duplicates`` adds a candidate per cluster.
    ``clusters`` are the duplicate clusters when the caller has them; otherwise those of the
    whole register (as the duplicates page shows them) when no services are given, or of the
    services given. Thirteen queries whatever the size: the landscape's nine and the duplicate
    finder's four.
    """
    from portfolio.models import Application, LearningResource

    whole_register = applications is None and learning_resources is None
    if applications is None:
        applications = Application.objects.in_use()
    if learning_resources is None:
        learning_resources = LearningResource.objects.in_use()
    if gdpr_facts is None:
        gdpr_facts = {key: {"open_gaps": n} for key, n in (gap_counts or {}).items()}
    keep_refs = [service_ref(*key) for key in keep or ()]
    landscape = Landscape(applications, learning_resources, today=today, load_costs=True)
    report = StandardisationReport(cost_year=landscape.latest_complete_year, weights=weights)
    rows: dict[tuple[str, int], OverlapService] = {}

    def row(service: ServiceRow) -> OverlapService:
        if service.key not in rows:
            rows[service.key] = _overlap_service(service, landscape, gdpr_facts)
        return rows[service.key]

    # Which registrations are one product: same_product clusters (every member, test
    # environments included — a test environment of the product kept is the product kept).
    if clusters is None and whole_register:
        # What the duplicates page shows as one product (members no longer in use are skipped
        # below); the register is usually clustered already, so this costs its four queries only.
        clusters = find_duplicates(include_test_environments=True)
    elif clusters is None:
        clusters = find_duplicates(applications, learning_resources, include_test_environments=True)
    clusters = list(clusters)
    product_of: dict[tuple[str, int], int] = {}
    for number, cluster in enumerate(clusters):
        if cluster.tier == TIER_SAME_PRODUCT:
            for member in cluster.members:
                product_of[(member.service_type, member.service_id)] = number

    by_capability: dict[int, list[ServiceRow]] = {}
    for service in landscape.services.values():
        for capability_id in service.capability_ids:
            by_capability.setdefault(capability_id, []).append(service)
    candidates: list[StandardisationCandidate] = []
    for capability_id, services in by_capability.items():
        if len(services) < 2:
            continue
        grouped: dict[object, list[OverlapService]] = {}
        for service in services:
            grouped.setdefault(product_of.get(service.key, service.key), []).append(row(service))
        if len(grouped) < 2:
            continue  # one product registered more than once: its duplicate candidate says so
        options = sorted(
            (_option(registrations) for registrations in grouped.values()),
            key=lambda o: (-o.accounts, o.name.casefold(), o.key),
        )
        registrations = [r for o in options for r in o.registrations]
        name = landscape.capabilities.get(capability_id, str(capability_id))
        if len(registrations) == len(options):
            explanation = _("%(n)d tjänster stödjer förmågan %(name)s: %(names)s.") % {
                "n": len(options),
                "name": name,
                "names": ", ".join(o.name for o in options),
            }
        else:
            explanation = _(
                "%(n)d produkter (%(registrations)d registreringar) stödjer förmågan %(name)s: %(names)s."
            ) % {
                "n": len(options),
                "registrations": len(registrations),
                "name": name,
                "names": ", ".join(
                    o.name
                    if len(o.registrations) == 1
                    else f"{o.name} ({', '.join(r.name for r in o.registrations)})"
                    for o in options
                ),
            }
        report.overlaps.append(
            CapabilityOverlap(
                capability_id=capability_id,
                capability=name,
                services=registrations,
                explanation=explanation,
                product_count=len(options),
            )
        )
        candidates.append(
            _recommended_candidate(
                KIND_CAPABILITY,
                name,
                f"capability-{capability_id}",
                capability_id,
                options,
                keep_refs,
                weights,
            )
        )

    if include_duplicates:
        for cluster in clusters:
            members = [
                landscape.services[(m.service_type, m.service_id)]
                for m in cluster.members
                if not m.is_test_environment and (m.service_type, m.service_id) in landscape.services
            ]
            if len(members) < 2:
                continue
            same_product = cluster.tier == TIER_SAME_PRODUCT
            kind = KIND_DUPLICATE if same_product else KIND_FAMILY
            options = sorted(
                (_option([row(s)]) for s in members), key=lambda o: (-o.accounts, o.name.casefold(), o.key)
            )
            first = min(s.key for s in members)
            if same_product:
                subject = _("Dubblett: %(name)s") % {"name": options[0].name}
            else:
                subject = _("Produktfamilj att granska: %(name)s") % {"name": options[0].name}
            candidates.append(
                _recommended_candidate(
                    kind, subject, f"{kind}-{first[0]}-{first[1]}", None, options, keep_refs, weights
                )
            )

    report.overlaps.sort(key=lambda o: (-o.product_count, -len(o.services), o.capability.casefold()))
    candidates.sort(key=lambda c: (-c.score, -c.yearly_saving, c.subject.casefold()))
    for rank, candidate in enumerate(candidates, start=1):
        candidate.rank = rank
        candidate.why = _("Plats %(rank)d. %(why)s") % {"rank": rank, "why": candidate.why}
    report.candidates = candidates
    return report

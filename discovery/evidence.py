"""What the identity providers' evidence says about the register, and where it disagrees.

:class:`MeasuredEvidence` answers ``portfolio.evidence`` (registered in
``DiscoveryConfig.ready()``): measured users per service and school from :class:`MeasuredUsage`,
and the observed way of signing in from the matched :class:`DiscoveredApplication` rows. The
findings the Upptäckt page, the review queue and the strateg read are plain functions here:

* :func:`contradictions` — a hand-typed authentication that the evidence contradicts;
* :func:`dormant_services` — registered as in use, known to an identity provider whose logs
  cover the last 90 days, and nobody signed in;
* :func:`seat_surplus` — contracts paying for far more seats than people measured;
* :func:`discovery_summary` — the counts of all of it.

Each makes a constant number of queries, whatever the size of the register.

**Observed sign-on.** A service whose applications sign people in through the municipality's
tenant with SAML or OpenID Connect (Google's OAuth sign-in for Google) is behind single sign-on.
Entra ID's ``password`` mode is password vaulting: the identity provider types a stored password
into the vendor's login, which is not federation, and is labelled so. An application the sign-in
logs know but whose enterprise application was not read has no observed mode and gives no
evidence of its own.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, F, Max, Window
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portfolio.analysis.shapes import attr
from portfolio.choices import AuthenticationMethod, LifecycleStatus
from portfolio.evidence import (
    MeasuredUsers,
    ObservedSso,
    measured_users_by_service,
    observed_sso,
    period_in_words,
)
from portfolio.formats import kronor, whole_number
from portfolio.models import SSO_CONDITION, ContractService, Service
from portfolio.periods import valid_on_q

from .choices import Decision, Directory, MeasuredUserGroup, SignOnMode
from .models import DiscoveredApplication, IdentityImport, MeasuredUsage

__all__ = [
    "DORMANT_DAYS",
    "SEAT_SURPLUS_SHARE",
    "Contradiction",
    "DiscoverySummary",
    "DormantService",
    "MeasuredEvidence",
    "SeatSurplus",
    "contradictions",
    "discovery_summary",
    "dormant_services",
    "seat_surplus",
]

#: Days without a sign-in after which a service registered as in use is dormant.
DORMANT_DAYS = 90
#: A contract pays for "far more" seats than people use when more than this share of its seats
#: has no measured user (and at least :data:`SEAT_SURPLUS_MIN` seats are unused).
SEAT_SURPLUS_SHARE = 0.25
SEAT_SURPLUS_MIN = 10

#: The strongest evidence first: a service with a SAML and a password-vaulted application is
#: reported as SAML. An Entra application with no single sign-on set up (``notSupported``) is no
#: evidence either way: the service may sign people in through Skolfederation or its own IdP.
_MODE_RANK = {
    SignOnMode.SAML: 0,
    SignOnMode.OIDC: 1,
    SignOnMode.OAUTH: 2,
    SignOnMode.PASSWORD: 3,
}
_FEDERATED = {SignOnMode.SAML, SignOnMode.OIDC, SignOnMode.OAUTH}
#: The identity provider behind a directory, in words ("via Entra ID").
_PROVIDER_NAME = {
    Directory.ENTRA: "Entra ID",
    Directory.GOOGLE_OAUTH: "Google Workspace",
    Directory.GOOGLE_SAML: "Google Workspace",
}
_IN_USE = (LifecycleStatus.IN_USE, LifecycleStatus.PHASING_OUT)


def provider_name(directory: str) -> str:
    return _PROVIDER_NAME.get(directory, directory)


def counted_usage():
    """MeasuredUsage rows that count for a service: its own, and those of an application a person
    later said is the service; never those of an application decided "not a service"."""
    return (
        MeasuredUsage.objects.annotate(subject=Coalesce(F("service_id"), F("application__service_id")))
        .filter(subject__isnull=False)
        .exclude(application__decision=Decision.NOT_A_SERVICE)
    )


class MeasuredEvidence:
    """The ``portfolio.evidence`` provider backed by the discovery tables."""

    def fingerprint_sql(self) -> list[str]:
        """What identifies the evidence's state: imports, measured rows (a purge deletes some) and
        the history of the discovered applications (matches and decisions)."""
        quote = connection.ops.quote_name
        history = DiscoveredApplication.history.model._meta.db_table
        return [
            f"SELECT MAX(id), MAX(imported_at) FROM {quote(IdentityImport._meta.db_table)}",
            f"SELECT COUNT(*), NULL FROM {quote(MeasuredUsage._meta.db_table)}",
            f"SELECT MAX(history_id), MAX(history_date) FROM {quote(history)}",
        ]

    def measured_users(
        self, service_ids: Iterable[int] | None
    ) -> dict[tuple[int, int | None], MeasuredUsers]:
        """The latest period per service, school and directory; user groups summed, directories added.

        Pupils and staff often sign in through different directories (Google for pupils, Entra
        ID for staff), so the directories' figures are added. One query.
        """
        rows = counted_usage()
        if service_ids is not None:
            rows = rows.filter(subject__in=list(service_ids))
        rows = rows.annotate(
            latest=Window(
                Max("period_end"), partition_by=[F("subject"), F("organisation_id"), F("directory")]
            )
        ).filter(period_end=F("latest"))
        parts: dict[tuple[int, int | None], dict] = {}
        for row in rows.values(
            "subject", "organisation_id", "directory", "period_start", "period_end", "user_group", "users"
        ):
            key = (row["subject"], row["organisation_id"])
            part = parts.setdefault(
                key,
                {"users": 0, "pupils": 0, "start": row["period_start"], "end": row["period_end"], "dirs": []},
            )
            part["users"] += row["users"]
            if row["user_group"] == MeasuredUserGroup.PUPILS:
                part["pupils"] += row["users"]
            part["start"] = min(part["start"], row["period_start"])
            part["end"] = max(part["end"], row["period_end"])
            name = provider_name(row["directory"])
            if name not in part["dirs"]:
                part["dirs"].append(name)
        return {
            key: MeasuredUsers(
                users=part["users"],
                period_start=part["start"],
                period_end=part["end"],
                source=", ".join(sorted(part["dirs"])),
                pupils=part["pupils"],
            )
            for key, part in parts.items()
        }

    def observed_sso(self, service_ids: Iterable[int] | None) -> dict[int, ObservedSso]:
        """How the services' matched applications sign people in; two queries."""
        apps = DiscoveredApplication.objects.filter(service__isnull=False).exclude(
            decision=Decision.NOT_A_SERVICE
        )
        apps = apps.filter(sign_on_mode__in=list(_MODE_RANK))
        if service_ids is not None:
            apps = apps.filter(service_id__in=list(service_ids))
        best: dict[int, dict] = {}
        for row in apps.values("service_id", "directory", "sign_on_mode", "last_seen").order_by("pk"):
            before = best.get(row["service_id"])
            if before is None or _MODE_RANK[row["sign_on_mode"]] < _MODE_RANK[before["sign_on_mode"]]:
                best[row["service_id"]] = row
        if not best:
            return {}
        sign_ins: dict[tuple[int, str], dict] = {}
        usage = (
            counted_usage()
            .filter(subject__in=list(best))
            .annotate(latest=Window(Max("period_end"), partition_by=[F("subject"), F("directory")]))
            .filter(period_end=F("latest"))
        )
        for row in usage.values("subject", "directory", "period_start", "period_end", "sign_ins"):
            entry = sign_ins.setdefault(
                (row["subject"], row["directory"]),
                {"sign_ins": 0, "start": row["period_start"], "end": row["period_end"]},
            )
            entry["sign_ins"] += row["sign_ins"]
            entry["start"] = min(entry["start"], row["period_start"])
        result = {}
        for service_id, row in best.items():
            counted = sign_ins.get((service_id, row["directory"]), {})
            result[service_id] = ObservedSso(
                federated=row["sign_on_mode"] in _FEDERATED,
                mode=row["sign_on_mode"],
                source=provider_name(row["directory"]),
                observed_at=row["last_seen"] or counted.get("end"),
                sign_ins=counted.get("sign_ins", 0),
                period_start=counted.get("start"),
                period_end=counted.get("end"),
            )
        return result


PROVIDER = MeasuredEvidence()


def _mode_label(mode: str) -> str:
    return {
        SignOnMode.SAML: "SAML",
        SignOnMode.OIDC: "OpenID Connect",
        SignOnMode.OAUTH: _("Google-inloggning (OAuth)"),
        SignOnMode.PASSWORD: _("lösenordsvalv"),
        SignOnMode.NONE: _("ingen single sign-on"),
    }.get(mode, mode)


SERVICE_TYPE = "Tjänstetyp: application (system) eller learning_resource (lärresurs)."


@dataclass
class Contradiction:
    """A hand-typed way of signing in that the identity provider's evidence contradicts."""

    service_type: str = attr(gettext_lazy("Typ"), SERVICE_TYPE)
    service_id: int = attr(help="Tjänstens primärnyckel.", export=False)
    name: str = attr(gettext_lazy("Tjänst"), "Tjänstens namn.")
    declared: str = attr(gettext_lazy("Registrerad inloggning"), "Inloggningsmetod som den är registrerad.")
    declared_sso: bool = attr(help="Om registreringen säger att tjänsten ligger bakom single sign-on.")
    observed_mode: str = attr(gettext_lazy("Observerat inloggningssätt"), "Inloggningssätt hos IdP:n.")
    source: str = attr(gettext_lazy("Källa"), "Identitetsleverantören.")
    sign_ins: int = attr(gettext_lazy("Inloggningar"), "Lyckade inloggningar under perioden.")
    observed_at: datetime.date | None = attr(gettext_lazy("Senast sedd"), "Senaste inloggningen.")
    explanation: str = attr(gettext_lazy("Förklaring"), "Motsägelsen i ord, med siffran.")
    fix: str = attr(gettext_lazy("Åtgärd"), "Vad man bör göra.")


def contradictions(services=None) -> list[Contradiction]:
    """Services whose registered authentication the evidence contradicts; three queries.

    * registered outside single sign-on, but people sign in through the tenant with SAML, OpenID
      Connect or Google's sign-in: "registrerad med lokala konton, men 3 200 SAML-inloggningar via
      Entra ID i november";
    * registered behind single sign-on, but the identity provider uses password vaulting (not
      federation) for it (another provider of ``portfolio.evidence`` may also report "none").
    """
    services = Service.objects.all() if services is None else services
    rows = list(
        services.annotate(behind=ExpressionWrapper(SSO_CONDITION, output_field=BooleanField()))
        .order_by("name", "pk")
        .values("pk", "kind", "name", "authentication", "behind")
    )
    observed = observed_sso([row["pk"] for row in rows])
    labels = dict(AuthenticationMethod.choices)
    found = []
    for row in rows:
        seen = observed.get(row["pk"])
        if seen is None:
            continue
        declared = str(labels.get(row["authentication"], _("ej angiven inloggning")))
        declared_text = (
            _("registrerad med %(auth)s") % {"auth": declared.lower()}
            if row["authentication"]
            else _("registrerad utan inloggningsmetod")
        )
        if not row["behind"] and seen.federated and seen.sign_ins:
            explanation = _(
                "%(name)s är %(declared)s, men %(count)s %(mode)s-inloggningar via %(source)s %(period)s."
            ) % {
                "name": row["name"],
                "declared": declared_text,
                "count": whole_number(seen.sign_ins),
                "mode": _mode_label(seen.mode),
                "source": seen.source,
                "period": period_in_words(seen.period_start, seen.period_end),
            }
            fix = _(
                "Rätta tjänstens inloggningsmetod och identitetsleverantör i registret; tjänsten ligger "
                "bakom single sign-on."
            )
        elif row["behind"] and not seen.federated:
            if seen.is_password_vaulting:
                why = _("men %(source)s loggar in med lösenordsvalv, som inte är federation") % {
                    "source": seen.source
                }
            else:
                why = _("men %(source)s har ingen single sign-on inställd för tjänsten") % {
                    "source": seen.source
                }
            explanation = _("%(name)s är %(declared)s, %(why)s.") % {
                "name": row["name"],
                "declared": declared_text,
                "why": why,
            }
            fix = _(
                "Anslut tjänsten med SAML eller OpenID Connect i identitetsleverantören, eller rätta "
                "registreringen till det inloggningssätt som faktiskt används."
            )
        else:
            continue
        found.append(
            Contradiction(
                service_type=row["kind"],
                service_id=row["pk"],
                name=row["name"],
                declared=declared,
                declared_sso=bool(row["behind"]),
                observed_mode=seen.mode,
                source=seen.source,
                sign_ins=seen.sign_ins,
                observed_at=seen.observed_at,
                explanation=explanation,
                fix=fix,
            )
        )
    return found


@dataclass
class DormantService:
    """A service registered as in use that nobody has signed in to for a long time."""

    service_type: str = attr(gettext_lazy("Typ"), SERVICE_TYPE)
    service_id: int = attr(help="Tjänstens primärnyckel.", export=False)
    name: str = attr(gettext_lazy("Tjänst"), "Tjänstens namn.")
    source: str = attr(gettext_lazy("Källa"), "Identitetsleverantören som känner tjänsten.")
    last_sign_in: datetime.date | None = attr(
        gettext_lazy("Senaste inloggning"), "Senaste inloggning, om någon."
    )
    contract_value: Decimal | None = attr(
        gettext_lazy("Avtalsvärde per år (kr)"), "Årligt värde för gällande avtal som omfattar tjänsten."
    )
    explanation: str = attr(gettext_lazy("Förklaring"), "Varför tjänsten verkar oanvänd, i ord.")
    fix: str = attr(gettext_lazy("Åtgärd"), "Vad man bör göra.")


def dormant_services(
    days: int = DORMANT_DAYS, *, today: datetime.date | None = None, services=None
) -> list[DormantService]:
    """Services in use, known to an identity provider, without a sign-in for ``days`` days; four queries.

    Only directories whose imported sign-in logs reach into the last ``days`` days are asked: a
    service is not dormant because nobody imported the logs.
    """
    today = today or timezone.localdate()
    cutoff = today - datetime.timedelta(days=days)
    covered = set(
        IdentityImport.objects.filter(period_end__gte=cutoff)
        .exclude(source__in=["entra-apps", "membership"])
        .values_list("source", flat=True)
        .distinct()
    )
    directories = {
        {
            "entra-signins": Directory.ENTRA,
            "google-token": Directory.GOOGLE_OAUTH,
            "google-saml": Directory.GOOGLE_SAML,
        }[s]
        for s in covered
    }
    if not directories:
        return []
    services = Service.objects.all() if services is None else services
    apps = (
        DiscoveredApplication.objects.filter(
            service__in=services.filter(lifecycle_status__in=_IN_USE).values("pk"), directory__in=directories
        )
        .exclude(decision=Decision.NOT_A_SERVICE)
        .values("service_id", "service__kind", "service__name", "directory", "last_seen")
    )
    known: dict[int, dict] = {}
    for row in apps:
        entry = known.setdefault(
            row["service_id"],
            {"kind": row["service__kind"], "name": row["service__name"], "dirs": set(), "last": None},
        )
        entry["dirs"].add(row["directory"])
        if row["last_seen"] and (entry["last"] is None or row["last_seen"] > entry["last"]):
            entry["last"] = row["last_seen"]
    if not known:
        return []
    recent = set(
        counted_usage()
        .filter(subject__in=list(known), period_end__gte=cutoff, sign_ins__gt=0)
        .values_list("subject", flat=True)
        .distinct()
    )
    values: dict[int, Decimal] = defaultdict(Decimal)
    has_value: set[int] = set()
    for row in (
        ContractService.objects.filter(service_id__in=list(known), contract__annual_value__isnull=False)
        .filter(valid_on_q(today, prefix="contract__"))
        .values("service_id", "contract__annual_value")
    ):
        values[row["service_id"]] += row["contract__annual_value"]
        has_value.add(row["service_id"])
    found = []
    for service_id, entry in sorted(known.items(), key=lambda item: (item[1]["name"].casefold(), item[0])):
        if service_id in recent or (entry["last"] is not None and entry["last"] >= cutoff):
            continue
        source = ", ".join(sorted({provider_name(d) for d in entry["dirs"]}))
        if entry["last"] is None:
            since = _("ingen inloggning i %(source)s:s loggar de senaste %(days)d dagarna") % {
                "source": source,
                "days": days,
            }
        else:
            since = _("senaste inloggningen via %(source)s var %(date)s") % {
                "source": source,
                "date": entry["last"].isoformat(),
            }
        value = values[service_id] if service_id in has_value else None
        cost = _(" Gällande avtal är värt %(value)s per år.") % {"value": kronor(value)} if value else ""
        found.append(
            DormantService(
                service_type=entry["kind"],
                service_id=service_id,
                name=entry["name"],
                source=source,
                last_sign_in=entry["last"],
                contract_value=value,
                explanation=_("%(name)s är registrerad som i drift, men %(since)s.%(cost)s")
                % {"name": entry["name"], "since": since, "cost": cost},
                fix=_(
                    "Fråga förvaltningen om tjänsten fortfarande behövs; avveckla den och säg upp "
                    "avtalet, eller rätta livscykelstatusen."
                ),
            )
        )
    return found


@dataclass
class SeatSurplus:
    """A contract paying per seat for far more seats than the people measured using its services."""

    contract_id: int = attr(help="Avtalets primärnyckel.", export=False)
    contract: str = attr(gettext_lazy("Avtal"), "Avtalets benämning.")
    services: list[str] = attr(gettext_lazy("Tjänster"), "Tjänsterna avtalet omfattar.", export=", ".join)
    service_ids: list[int] = attr(help="Tjänsternas primärnycklar.", export=False, command=False)
    seats: int = attr(gettext_lazy("Licenser"), "Antal betalda licenser.")
    measured_users: int = attr(gettext_lazy("Uppmätta användare"), "Unika användare under perioden.")
    unused_seats: int = attr(gettext_lazy("Oanvända licenser"), "Licenser utan uppmätt användare.")
    annual_value: Decimal | None = attr(gettext_lazy("Årligt värde (kr)"), "Avtalets årliga värde.")
    unused_value: Decimal | None = attr(
        gettext_lazy("Värde av oanvända licenser (kr)"), "Årligt värde av de oanvända licenserna."
    )
    period_end: datetime.date | None = attr(gettext_lazy("Mätt till"), "Slutet av den uppmätta perioden.")
    explanation: str = attr(gettext_lazy("Förklaring"), "Överskottet i ord, med kronor.")
    fix: str = attr(gettext_lazy("Åtgärd"), "Vad man bör göra.")


def seat_surplus(
    *, today: datetime.date | None = None, share: float = SEAT_SURPLUS_SHARE, minimum: int = SEAT_SURPLUS_MIN
) -> list[SeatSurplus]:
    """Contracts in force with licensed seats far above the measured users; two queries.

    The measured users of a contract covering several services are those of its most used
    service: the same people usually use all of a suite, and adding the services would count a
    person once per service. A contract none of whose services is measured is left out.
    """
    today = today or timezone.localdate()
    links = (
        ContractService.objects.filter(contract__licensed_seats__gt=0)
        .filter(valid_on_q(today, prefix="contract__"))
        .order_by("contract__name", "contract_id", "service__name", "service_id")
        .values("contract_id", "contract__name", "contract__licensed_seats", "contract__annual_value",
                "service_id", "service__name")
    )  # fmt: skip
    contracts: dict[int, dict] = {}
    for row in links:
        entry = contracts.setdefault(
            row["contract_id"],
            {
                "name": row["contract__name"],
                "seats": row["contract__licensed_seats"],
                "value": row["contract__annual_value"],
                "services": [],
            },
        )
        entry["services"].append((row["service_id"], row["service__name"]))
    if not contracts:
        return []
    measured = measured_users_by_service({sid for c in contracts.values() for sid, _name in c["services"]})
    found = []
    for contract_id, entry in contracts.items():
        figures = [measured[sid] for sid, _name in entry["services"] if sid in measured]
        if not figures:
            continue
        top = max(figures, key=lambda m: m.users)
        seats = entry["seats"]
        unused = seats - top.users
        if unused < minimum or unused <= seats * share:
            continue
        value = entry["value"]
        unused_value = (
            (value * unused / seats).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
            if value is not None
            else None
        )
        money = (
            _(" De oanvända licenserna motsvarar %(value)s per år.") % {"value": kronor(unused_value)}
            if unused_value is not None
            else ""
        )
        found.append(
            SeatSurplus(
                contract_id=contract_id,
                contract=entry["name"],
                services=[name for _sid, name in entry["services"]],
                service_ids=[sid for sid, _name in entry["services"]],
                seats=seats,
                measured_users=top.users,
                unused_seats=unused,
                annual_value=value,
                unused_value=unused_value,
                period_end=top.period_end,
                explanation=_(
                    "%(contract)s betalar för %(seats)s licenser, men %(users)s personer loggade in "
                    "via %(source)s %(period)s.%(money)s"
                )
                % {
                    "contract": entry["name"],
                    "seats": whole_number(seats),
                    "users": whole_number(top.users),
                    "source": top.source,
                    "period": period_in_words(top.period_start, top.period_end),
                    "money": money,
                },
                fix=_(
                    "Minska antalet licenser vid nästa avtalsperiod, eller ta reda på varför de inte används."
                ),
            )
        )
    found.sort(key=lambda s: (-(s.unused_value or 0), -s.unused_seats, s.contract.casefold()))
    return found


@dataclass
class DiscoverySummary:
    """The counts of the Upptäckt page."""

    discovered: int = attr(help="Upptäckta applikationer.")
    matched: int = attr(help="Kopplade till en registrerad tjänst.")
    suggested: int = attr(help="Med förslag att granska.")
    unmatched: int = attr(
        help="Oregistrerade (skugg-IT) att granska; identitetsleverantörens egna ej medräknade."
    )
    first_party: int = attr(help="Oregistrerade som är identitetsleverantörens egna (Microsofts, Googles).")
    not_a_service: int = attr(help="Markerade som inte en tjänst.")
    contradictions: int = attr(help="Tjänster vars registrerade inloggning motsägs av evidensen.")
    dormant: int = attr(help="Tjänster i drift utan inloggningar på 90 dagar.")


def discovery_summary(*, today: datetime.date | None = None) -> DiscoverySummary:
    """How many applications were discovered and what became of them; a constant number of queries.

    The groups are the Upptäckt page's own (``DiscoveredApplicationQuerySet.group_counts``): one
    definition of "registered", "shadow IT" and the rest for the page, the summary and the tests.
    """
    counts = DiscoveredApplication.objects.group_counts()
    return DiscoverySummary(
        discovered=counts["discovered"],
        matched=counts["registered"],
        suggested=counts["suggested"],
        unmatched=counts["shadow_it"],
        first_party=counts["platform_own"],
        not_a_service=counts["not_a_service"],
        contradictions=len(contradictions()),
        dormant=len(dormant_services(today=today)),
    )

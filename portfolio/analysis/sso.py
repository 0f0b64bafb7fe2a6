"""Single sign-on and federation coverage: who logs in where, and outside what.

A service is behind single sign-on when :data:`portfolio.models.SSO_CONDITION` holds (SAML or
OpenID Connect against the municipality's or a trusted identity provider) — the same condition
the register's lists and filters use, evaluated in the database. Coverage is given both as a
share of services and weighted by users, because one SSO-less system used by 4 000 pupils
matters more than ten used by one teacher each.

Where an identity provider has evidence (``portfolio.evidence``, filled by the discovery app) it
wins over what was typed: a school's measured users replace its registered figure, and the
observed way of signing in decides whether a service is behind SSO (password vaulting is not).
Every figure says whether it is measured ("uppmätt") or declared ("angiven").
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portfolio.choices import AuthenticationMethod, Federation, IdentityProvider, OrganisationKind
from portfolio.formats import percent

from .data import Landscape, ServiceRow, service_label
from .shapes import attr, derived, shape

__all__ = ["CoverageGroup", "FederationFinding", "ServiceOutsideSso", "SsoCoverage", "sso_coverage"]


SERVICE_TYPE = "Tjänstetyp: application (system) eller learning_resource (lärresurs)."


@dataclass
class CoverageGroup:
    """Coverage within one group: an authentication method, identity provider, capability, school …"""

    key: str = attr(help="Gruppens kod eller primärnyckel.")
    label: str = attr(help="Gruppens namn.")
    services: int = attr(help="Antal tjänster i gruppen.")
    services_behind_sso: int = attr(help="Varav bakom single sign-on.")
    users: int = attr(help="Antal användare i gruppen.")
    users_behind_sso: int = attr(help="Varav i tjänster bakom single sign-on.")

    @derived(float, help="Andel tjänster bakom SSO, 0–1.")
    def share_services(self) -> float:
        return self.services_behind_sso / self.services if self.services else 0.0

    @derived(float, help="Andel användare bakom SSO, 0–1.")
    def share_users(self) -> float:
        return self.users_behind_sso / self.users if self.users else 0.0


@shape(export_first=("name",))
@dataclass
class ServiceOutsideSso:
    """A service people log in to outside single sign-on, with what to do about it."""

    service_type: str = attr(gettext_lazy("Typ"), SERVICE_TYPE)
    service_id: int = attr(help="Tjänstens primärnyckel.", export=False)
    name: str = attr(gettext_lazy("Tjänst"), "Tjänstens namn.")
    vendor: str = attr(gettext_lazy("Leverantör"), "Leverantörens namn.")
    authentication: str = attr(help="Inloggningsmetodens kod.", export=False)
    identity_provider: str = attr(help="Identitetsleverantörens kod.", export=False)
    users: int = attr(gettext_lazy("Konton"), "Antal konton: användare summerade per organisation.")
    organisations: int = attr(gettext_lazy("Organisationer"), "Antal organisationer som använder tjänsten.")
    explanation: str = attr(gettext_lazy("Förklaring"), "Varför tjänsten ligger utanför, i ord.")
    fix: str = attr(gettext_lazy("Åtgärd"), "Vad man bör göra.")
    users_measured: bool = attr(
        help="Sant om antalet användare är uppmätt av en identitetsleverantör (helt eller delvis), "
        "falskt om det är angivet för hand.",
        default=False,
        export=False,
    )
    sso_source: str = attr(
        help="Varifrån SSO-statusen kommer: identitetsleverantören som observerat inloggningen, "
        "eller tomt när den är angiven för hand.",
        default="",
        export=False,
    )

    @derived(
        str, gettext_lazy("Användarsiffra"), "”uppmätt” eller ”angiven”: varifrån antalet användare kommer."
    )
    def users_basis(self) -> str:
        return basis_label(self.users_measured)


@dataclass
class FederationFinding:
    """A service that says it is in a federation but carries no SAML entity ID to prove it."""

    service_type: str = attr(help=SERVICE_TYPE)
    service_id: int = attr(help="Tjänstens primärnyckel.")
    name: str = attr(help="Tjänstens namn.")
    federation: str = attr(help="Federationens kod.")
    explanation: str = attr(help="Vad som saknas, i ord.")
    fix: str = attr(help="Vad man bör göra.")


@dataclass
class SsoCoverage:
    services: int = attr(help="Tjänster i drift.")
    services_behind_sso: int = attr(help="Varav bakom single sign-on.")
    users: int = attr(help="Användare totalt.")
    users_behind_sso: int = attr(help="Varav i tjänster bakom single sign-on.")

    @derived(float, help="Andel tjänster bakom SSO, 0–1.")
    def share_services(self) -> float:
        return self.services_behind_sso / self.services if self.services else 0.0

    @derived(float, help="Andel användare bakom SSO, 0–1.")
    def share_users(self) -> float:
        return self.users_behind_sso / self.users if self.users else 0.0

    by_authentication_method: list[CoverageGroup] = attr(help="Per inloggningsmetod.", default_factory=list)
    by_identity_provider: list[CoverageGroup] = attr(help="Per identitetsleverantör.", default_factory=list)
    by_federation: list[CoverageGroup] = attr(help="Per federation.", default_factory=list)
    by_capability: list[CoverageGroup] = attr(help="Per verksamhetsförmåga.", default_factory=list)
    by_school: list[CoverageGroup] = attr(help="Per skolenhet.", default_factory=list)
    outside_sso: list[ServiceOutsideSso] = attr(
        help="Tjänster utanför SSO, flest användare först.", default_factory=list
    )
    federation_without_entity_id: list[FederationFinding] = attr(
        help="Federationsanslutning utan entity ID.", default_factory=list
    )
    summary: str = attr(help="Sammanfattning i ord.", default="")
    measured_users: int = attr(
        help="Av användarna: de som är uppmätta av en identitetsleverantör (resten är angivna).", default=0
    )
    services_sso_observed: int = attr(
        help="Tjänster vars SSO-status är observerad hos en identitetsleverantör (resten är angivna).",
        default=0,
    )

    @derived(str, help="Varifrån användarsiffrorna kommer: ”uppmätt”, ”angiven” eller ”delvis uppmätt”.")
    def users_basis(self) -> str:
        return basis_label(self.measured_users, self.users)

    @derived(str, help="Varifrån SSO-statusen kommer: ”uppmätt”, ”angiven” eller ”delvis uppmätt”.")
    def sso_basis(self) -> str:
        return basis_label(self.services_sso_observed, self.services)


def basis_label(measured: int | bool, total: int | None = None) -> str:
    """"uppmätt" when every figure is measured, "angiven" when none is, else "delvis uppmätt"."""
    if total is None:
        return _("uppmätt") if measured else _("angiven")
    if measured and measured >= total:
        return _("uppmätt")
    return _("delvis uppmätt") if measured else _("angiven")


def _group(
    services: Iterable[ServiceRow],
    key_of: Callable[[ServiceRow], Iterable[str]],
    label_of: Callable[[str], str],
    users_of: Callable[[ServiceRow, str], int] | None = None,
) -> list[CoverageGroup]:
    groups: dict[str, CoverageGroup] = {}
    for service in services:
        for key in key_of(service):
            group = groups.get(key)
            if group is None:
                group = groups[key] = CoverageGroup(key, label_of(key), 0, 0, 0, 0)
            users = users_of(service, key) if users_of else service.users
            group.services += 1
            group.users += users
            if service.behind_sso:
                group.services_behind_sso += 1
                group.users_behind_sso += users
    return sorted(groups.values(), key=lambda g: (-g.users, -g.services, g.label.casefold()))


def sso_coverage(
    applications: QuerySet | None = None,
    learning_resources: QuerySet | None = None,
    *,
    today: datetime.date | None = None,
    landscape: Landscape | None = None,
) -> SsoCoverage:
    """How much of the landscape is behind single sign-on, where it is not, and what claims too much.

    Services default to those in use. Users are the sum of the registered users per
    organisation — the measured figure of a school where an identity provider gives one
    (``portfolio.evidence``) — and a service's observed sign-on decides whether it is behind SSO
    where an identity provider reports it. Eight queries whatever the size, and up to three more
    for the evidence. A caller that has loaded the ``landscape`` for another figure too (the
    färdplan's future state reads its costs) passes it instead.
    """
    landscape = landscape or Landscape(applications, learning_resources, today=today)
    services = sorted(landscape.services.values(), key=lambda s: (s.name.casefold(), s.key))
    auth_labels = dict(AuthenticationMethod.choices)
    idp_labels = dict(IdentityProvider.choices)
    federation_labels = dict(Federation.choices)
    schools = {o.pk: o for o in landscape.organisations.values() if o.kind == OrganisationKind.SCHOOL_UNIT}

    result = SsoCoverage(
        services=len(services),
        services_behind_sso=sum(1 for s in services if s.behind_sso),
        users=sum(s.users for s in services),
        users_behind_sso=sum(s.users for s in services if s.behind_sso),
        measured_users=sum(s.measured_users for s in services),
        services_sso_observed=sum(1 for s in services if s.sso_observed),
    )
    result.by_authentication_method = _group(
        services,
        lambda s: [s.authentication or "okand"],
        lambda k: str(auth_labels.get(k, _("Ej angiven"))),
    )
    result.by_identity_provider = _group(
        services,
        lambda s: [s.identity_provider or "okand"],
        lambda k: str(idp_labels.get(k, _("Ej angiven"))),
    )
    result.by_federation = _group(
        services,
        lambda s: [s.federation or "ingen"],
        lambda k: str(federation_labels.get(k, _("Ingen federation"))),
    )
    result.by_capability = _group(
        services,
        lambda s: [str(c) for c in s.capability_ids],
        lambda k: landscape.capabilities.get(int(k), k),
    )
    result.by_school = _group(
        services,
        lambda s: [str(o) for o in s.usage if o in schools],
        lambda k: schools[int(k)].name,
        users_of=lambda s, k: s.usage.get(int(k), 0),
    )

    for service in sorted(services, key=lambda s: (-s.users, s.name.casefold(), s.key)):
        if service.behind_sso:
            continue
        auth = str(auth_labels.get(service.authentication, _("ej angiven inloggning")))
        idp = str(idp_labels.get(service.identity_provider, _("ingen angiven identitetsleverantör")))
        if service.sso_observed:
            why = (
                _("loggar in med lösenordsvalv via %(source)s, som inte är federation")
                if service.sso_mode == "password"
                else _("har ingen single sign-on inställd i %(source)s")
            ) % {"source": service.sso_source}
            fix = _(
                "Anslut tjänsten med SAML eller OpenID Connect i %(source)s; finns ingen sådan möjlighet, "
                "ställ krav vid nästa avtalsförlängning."
            ) % {"source": service.sso_source}
        elif service.authentication in AuthenticationMethod.single_sign_on():
            why = _("loggar in med %(auth)s men mot %(idp)s, inte kommunens eller en betrodd IdP") % {
                "auth": auth,
                "idp": idp,
            }
            fix = _(
                "Byt identitetsleverantör till kommunens IdP eller Skolfederation i tjänstens inställningar."
            )
        else:
            why = _("använder %(auth)s") % {"auth": auth.lower()}
            fix = _(
                "Anslut tjänsten till kommunens IdP eller Skolfederation (SAML/OpenID Connect); "
                "finns ingen sådan möjlighet, ställ krav vid nästa avtalsförlängning."
            )
        result.outside_sso.append(
            ServiceOutsideSso(
                service_type=service.service_type,
                service_id=service.pk,
                name=service.name,
                vendor=service.vendor,
                authentication=service.authentication,
                identity_provider=service.identity_provider,
                users=service.users,
                organisations=len(service.usage),
                # Accounts, not people: usage is counted per service, so one pupil with five services
                # counts five times until distinct people are known.
                explanation=_("%(name)s (%(kind)s; konton: %(users)d, organisationer: %(orgs)d) %(why)s.")
                % {
                    "name": service.name,
                    "kind": service_label(service.service_type),
                    "users": service.users,
                    "orgs": len(service.usage),
                    "why": why,
                },
                fix=fix,
                users_measured=service.users_measured,
                sso_source=service.sso_source,
            )
        )

    for service in services:
        if service.federation and not service.entity_ids:
            federation = str(federation_labels.get(service.federation, service.federation))
            result.federation_without_entity_id.append(
                FederationFinding(
                    service_type=service.service_type,
                    service_id=service.pk,
                    name=service.name,
                    federation=service.federation,
                    explanation=_(
                        "%(name)s anges vara ansluten till %(federation)s men har inget SAML entity ID, "
                        "så anslutningen kan inte kontrolleras mot federationens metadata."
                    )
                    % {"name": service.name, "federation": federation},
                    fix=_(
                        "Fyll i tjänstens entity ID (från leverantören eller federationens metadata), "
                        "eller ta bort federationen om tjänsten inte är ansluten."
                    ),
                )
            )

    result.summary = _(
        "%(behind)d av %(total)d tjänster (%(share)s) ligger bakom single sign-on; viktat med konton "
        "%(user_share)s. %(outside)d tjänster ligger utanför, %(federation)d anger federation utan entity ID."
    ) % {
        "behind": result.services_behind_sso,
        "total": result.services,
        "share": percent(result.share_services),
        "user_share": percent(result.share_users),
        "outside": len(result.outside_sso),
        "federation": len(result.federation_without_entity_id),
    }
    return result

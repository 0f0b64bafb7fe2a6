"""GraphQL face of discovery: the discovered applications and measured use per school.

``discoveredApplications`` is a connection over :class:`DiscoveredApplication`, filtered by the
review queue's FilterSet (``discovery.filters``); its page is read with the matched service in
the same query, so a page costs two queries (the count and the page) whatever its size.
``usage(service:, period:)`` gives the distinct users of a service per school and user group
with their period and source, beside the hand-entered figures (marked as such). Both need the
view permission of the discovery models (every role reads them; see ``accounts.roles``).
The derived SSO status of a service is ``ssoEvidence`` on the ``Service`` interface
(``portfolio.graphql.types``), which reads ``portfolio.evidence``.
"""

from __future__ import annotations

import graphene
from graphql import GraphQLError
from graphql_relay import to_global_id
from query_optimizer.utils import calculate_queryset_slice
from query_optimizer.validators import validate_pagination_args

from portfolio.graphql.base import (
    CountedConnection,
    RegisterType,
    decode_global_id,
    filtered_by,
    page_connection,
    snapshot_related,
)
from portfolio.graphql.types import REGISTER_FIELDS, ServiceInterface
from portfolio.history import Snapshot
from portfolio.models import Service, ServiceUsage

from .choices import Decision, Directory, MeasuredUserGroup
from .evidence import counted_usage, provider_name
from .filters import DECISION_FILTER_CHOICES, DiscoveredApplicationFilterSet
from .models import DiscoveredApplication

__all__ = ["DiscoveredApplicationType", "DiscoveryQuery", "UsageFigureType"]

_PAGINATION = ("first", "last", "offset", "after", "before")


class DiscoveredApplicationType(RegisterType):
    """An application an identity provider knows, and the registered service it is (if any)."""

    source = graphene.String(
        required=True,
        description="Katalogen applikationen kommer från: "
        + ", ".join(f"{code} ({label})" for code, label in Directory.choices)
        + ".",
    )
    registered = graphene.Boolean(
        required=True,
        description="Sant när applikationen är kopplad till en registrerad tjänst (och inte markerad som "
        "”inte en tjänst”).",
    )
    matched_service = graphene.Field(
        ServiceInterface, description="Den registrerade tjänsten applikationen är; null om ingen."
    )
    urls = graphene.List(graphene.NonNull(graphene.String), required=True, description="Adresser.")
    entity_ids = graphene.List(
        graphene.NonNull(graphene.String), required=True, description="SAML entity ID:n."
    )

    class Meta:
        model = DiscoveredApplication
        name = "DiscoveredApplication"
        fields = [
            *REGISTER_FIELDS, "name", "directory", "key", "sign_on_mode", "enabled", "publisher",
            "first_party", "first_seen", "last_seen", "match", "match_reason", "decision",
        ]  # fmt: skip
        filterset_class = DiscoveredApplicationFilterSet

    @staticmethod
    def resolve_source(root, info) -> str:
        return root.directory

    @staticmethod
    def resolve_registered(root, info) -> bool:
        return root.service_id is not None and root.decision != Decision.NOT_A_SERVICE

    @staticmethod
    def resolve_matched_service(root, info):
        if root.service_id is None or root.decision == Decision.NOT_A_SERVICE:
            return None
        service = snapshot_related(root, "service")  # as it was, in an as-of answer
        return service.as_kind() if service is not None else None

    @staticmethod
    def resolve_urls(root, info) -> list[str]:
        return root.url_list

    @staticmethod
    def resolve_entity_ids(root, info) -> list[str]:
        return root.entity_id_list


class DiscoveredApplicationConnection(CountedConnection):
    class Meta:
        node = DiscoveredApplicationType


class UsageFigureType(graphene.ObjectType):
    """Users of a service at one school: measured per user group and period, or typed by hand."""

    class Meta:
        name = "UsageFigure"

    organisation_id = graphene.ID(description="Organisationens Relay-id; null för personer utan skola.")
    organisation = graphene.String(description="Organisationens namn; null för personer utan skola.")
    school_unit_code = graphene.String(description="Skolenhetskod, om organisationen har en.")
    user_group = graphene.String(
        description="Användargrupp: "
        + ", ".join(f"{code} ({label})" for code, label in MeasuredUserGroup.choices)
        + "; null för en handinmatad siffra."
    )
    users = graphene.Int(required=True, description="Unika användare (uppmätt) eller angivet antal.")
    sign_ins = graphene.Int(description="Lyckade inloggningar under perioden; null när angiven.")
    period_start = graphene.Date(description="Periodens första dag; null när angiven.")
    period_end = graphene.Date(description="Periodens sista dag; null när angiven.")
    source = graphene.String(
        required=True, description="Identitetsleverantören (uppmätt) eller ”angiven” (inmatad för hand)."
    )
    measured = graphene.Boolean(required=True, description="Sant när siffran är uppmätt.")


class PeriodInput(graphene.InputObjectType):
    start = graphene.Date(required=True, description="Första dagen.")
    end = graphene.Date(required=True, description="Sista dagen.")


def _can(info, *perms: str) -> bool:
    user = getattr(info.context, "user", None)
    return bool(user is not None and user.is_active and all(user.has_perm(p) for p in perms))


class DiscoveryQuery(graphene.ObjectType):
    discovered_applications = graphene.relay.ConnectionField(
        DiscoveredApplicationConnection,
        description="Applikationer som identitetsleverantörerna känner, med matchning och beslut.",
        offset=graphene.Int(),
        q=graphene.String(description="Fritextsökning i namn och utgivare, eller exakt id."),
        directory=graphene.List(
            graphene.NonNull(graphene.String),
            description="Katalog: " + ", ".join(code for code, _label in Directory.choices) + ".",
        ),
        match=graphene.List(
            graphene.NonNull(graphene.String), description="Matchning: matched, suggested eller unmatched."
        ),
        decision=graphene.List(
            graphene.NonNull(graphene.String),
            description="Beslut: " + ", ".join(code for code, _label in DECISION_FILTER_CHOICES) + ".",
        ),
        registered=graphene.Boolean(description="Kopplad till en registrerad tjänst."),
        first_party=graphene.Boolean(description="Identitetsleverantörens egen applikation."),
        as_of=graphene.DateTime(
            description="Applikationerna och besluten som de såg ut vid denna tidpunkt (ISO 8601), lästa ur "
            "historiken."
        ),
    )
    usage = graphene.List(
        graphene.NonNull(UsageFigureType),
        required=True,
        service=graphene.ID(required=True, description="Tjänstens Relay-id eller primärnyckel."),
        period=PeriodInput(
            description="Uppmätta perioder inom detta intervall; utan: den senast uppmätta perioden per "
            "skola, grupp och katalog."
        ),
        description="Användare av en tjänst per skola: uppmätta unika användare per användargrupp och "
        "period, och de handinmatade siffrorna (markerade som angivna).",
    )

    @staticmethod
    def resolve_discovered_applications(root, info, **kwargs):
        pagination = validate_pagination_args(**{name: kwargs.pop(name, None) for name in _PAGINATION})
        when = kwargs.pop("as_of", None)
        queryset = DiscoveredApplication.objects.all()
        if not DiscoveredApplicationType.can_view(info):
            queryset = queryset.none()
        data = {name: value for name, value in kwargs.items() if value is not None}
        if when is not None:
            rows = _rows_as_of(when, queryset, data)
            pagination["size"] = count = len(rows)
            cut = calculate_queryset_slice(**pagination)
            return _connection(rows[cut], cut, count)
        if data:
            queryset = filtered_by(DiscoveredApplicationFilterSet, queryset, data, info)
        queryset = queryset.order_by("name", "pk")
        pagination["size"] = count = queryset.count()
        cut = calculate_queryset_slice(**pagination)
        return _connection(list(queryset.select_related("service")[cut]), cut, count)

    @staticmethod
    def resolve_usage(root, info, service, period=None):
        if not _can(info, "discovery.view_measuredusage", "portfolio.view_serviceusage"):
            raise GraphQLError("Behörighet saknas för användningen av tjänster.")
        pk = decode_global_id(service)
        if not str(pk).isdigit() or not Service.objects.filter(pk=pk).exists():
            raise GraphQLError(f"Okänd tjänst: {service!r}.")
        return usage_figures(int(pk), period)


def _rows_as_of(when, visible, data: dict) -> list:
    """The discovered applications as they stood at ``when`` (one history query), filtered on their
    own columns; their matched service is read from the same snapshot."""
    unsupported = set(data) - {"directory", "match", "decision", "registered", "first_party"}
    if unsupported:
        raise GraphQLError(
            f"Filtren {', '.join(sorted(unsupported))} kan inte användas tillsammans med asOf: "
            "filtrera på applikationens egna fält (directory, match, decision, registered, firstParty)."
        )
    if not visible.exists():
        return []
    snapshot = Snapshot(when)
    decisions = {"" if code == "undecided" else code for code in data.get("decision", ())}
    rows = []
    for row in snapshot.all(DiscoveredApplication):
        if "directory" in data and row.directory not in data["directory"]:
            continue
        if "match" in data and row.match not in data["match"]:
            continue
        if decisions and row.decision not in decisions:
            continue
        if "first_party" in data and row.first_party != data["first_party"]:
            continue
        registered = DiscoveredApplicationType.resolve_registered(row, None)
        if "registered" in data and registered != data["registered"]:
            continue
        row._snapshot = snapshot
        rows.append(row)
    return sorted(rows, key=lambda row: (row.name.casefold(), row.pk))


def _connection(rows: list, cut: slice, count: int) -> DiscoveredApplicationConnection:
    return page_connection(DiscoveredApplicationConnection, rows, cut, count)


def usage_figures(service_id: int, period=None) -> list[UsageFigureType]:
    """Measured figures (per school, user group and period) and the typed ones; two queries."""
    rows = (
        counted_usage()
        .filter(subject=service_id)
        .order_by("organisation__name", "organisation_id", "user_group", "-period_end", "directory")
    )
    if period is not None:
        rows = rows.filter(period_start__gte=period["start"], period_end__lte=period["end"])
    latest: dict[tuple, object] = {}
    figures = []
    for row in rows.values(
        "organisation_id", "organisation__name", "organisation__school_unit_code", "user_group",
        "directory", "period_start", "period_end", "users", "sign_ins",
    ):  # fmt: skip
        if period is None:
            key = (row["organisation_id"], row["user_group"], row["directory"])
            if key in latest:
                continue  # an older period of the same school, group and directory
            latest[key] = row
        org = row["organisation_id"]
        figures.append(
            UsageFigureType(
                organisation_id=to_global_id("Organisation", org) if org else None,
                organisation=row["organisation__name"],
                school_unit_code=row["organisation__school_unit_code"] or None,
                user_group=row["user_group"],
                users=row["users"],
                sign_ins=row["sign_ins"],
                period_start=row["period_start"],
                period_end=row["period_end"],
                source=provider_name(row["directory"]),
                measured=True,
            )
        )
    for row in (
        ServiceUsage.objects.filter(service_id=service_id)
        .order_by("organisation__name", "organisation_id")
        .values("organisation_id", "organisation__name", "organisation__school_unit_code", "users")
    ):
        figures.append(
            UsageFigureType(
                organisation_id=to_global_id("Organisation", row["organisation_id"]),
                organisation=row["organisation__name"],
                school_unit_code=row["organisation__school_unit_code"] or None,
                user_group=None,
                users=row["users"],
                sign_ins=None,
                period_start=None,
                period_end=None,
                source="angiven",
                measured=False,
            )
        )
    return figures

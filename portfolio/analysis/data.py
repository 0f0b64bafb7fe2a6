"""The landscape loaded once, in a fixed number of queries, for the analyses to work on in memory.

Every analysis needs the same few facts: which services are in use, who uses them and how much,
which capabilities they serve, what they cost and whether they are behind single sign-on.
:class:`Landscape` reads each of those with one ``.values()`` query (the querysets given are
used as subqueries), so an analysis built on it makes the same number of queries for ten
services as for ten thousand.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from portfolio import evidence
from portfolio.choices import CostKind, OrganisationKind
from portfolio.text import split_lines

__all__ = ["Landscape", "OrganisationRow", "ServiceRow", "service_label"]

SERVICE_TYPES = ("application", "learning_resource")


def service_label(service_type: str) -> str:
    return _("system") if service_type == "application" else _("lärresurs")


@dataclass
class OrganisationRow:
    pk: int
    name: str
    kind: str
    school_form: str
    path: str
    active: bool


@dataclass
class ServiceRow:
    """One system or learning resource with everything the analyses read about it."""

    service_type: str
    pk: int
    name: str
    vendor: str
    vendor_id: int | None
    lifecycle_status: str
    authentication: str
    identity_provider: str
    federation: str
    entity_ids: list[str]
    behind_sso: bool
    planned_end: datetime.date | None = None
    management_object_id: int | None = None
    approval_status: str = ""
    subjects: list[str] = field(default_factory=list)
    usage: dict[int, int] = field(default_factory=dict)  # organisation pk → users
    capability_ids: set[int] = field(default_factory=set)
    outcome_by_year: dict[int, Decimal] = field(default_factory=dict)
    budget_by_year: dict[int, Decimal] = field(default_factory=dict)
    #: Organisations whose figure in ``usage`` is measured by an identity provider, not typed.
    measured_orgs: set[int] = field(default_factory=set)
    #: ``behind_sso`` as registered; ``behind_sso`` itself follows the observed sign-on where known.
    declared_behind_sso: bool = False
    sso_observed: bool = False
    sso_source: str = ""  # the identity provider that observed the sign-on, if any
    sso_mode: str = ""  # the observed mode: saml, oidc, oauth, password, none

    @property
    def key(self) -> tuple[str, int]:
        return (self.service_type, self.pk)

    @property
    def users(self) -> int:
        return sum(self.usage.values())

    @property
    def users_measured(self) -> bool:
        """Whether the users figure rests (at least partly) on measured use rather than typed figures."""
        return bool(self.measured_orgs)

    @property
    def measured_users(self) -> int:
        return sum(self.usage[o] for o in self.measured_orgs)

    def yearly_cost(self, year: int) -> tuple[Decimal | None, str]:
        """Outcome of ``year`` (the latest complete year), else the latest budget up to ``year + 1``."""
        if year in self.outcome_by_year:
            return self.outcome_by_year[year], _cost_source(get_language(), CostKind.OUTCOME, year)
        for budget_year in sorted((y for y in self.budget_by_year if y <= year + 1), reverse=True):
            return self.budget_by_year[budget_year], _cost_source(
                get_language(), CostKind.BUDGET, budget_year
            )
        return None, _cost_source(get_language(), "", 0)


@lru_cache(maxsize=256)
def _cost_source(language: str | None, kind: str, year: int) -> str:
    """Where a yearly cost comes from, in words; cached, as every service of a report asks."""
    if kind == CostKind.OUTCOME:
        return _("utfall %(year)d") % {"year": year}
    if kind == CostKind.BUDGET:
        return _("budget %(year)d") % {"year": year}
    return _("kostnad saknas")


class Landscape:
    """Services, organisations, usage, capabilities and costs, each loaded with one query.

    ``applications`` and ``learning_resources`` default to the services in use (including
    those being phased out): retired and planned services neither overlap nor need SSO.
    """

    def __init__(
        self,
        applications: QuerySet | None = None,
        learning_resources: QuerySet | None = None,
        *,
        today: datetime.date | None = None,
        load_costs: bool = False,
    ):
        from portfolio.models import (
            SSO_CONDITION,
            Application,
            Capability,
            Cost,
            LearningResource,
            Organisation,
            ServiceCapability,
            ServiceUsage,
        )

        self.today = today or timezone.localdate()
        if applications is None:
            applications = Application.objects.in_use()
        if learning_resources is None:
            learning_resources = LearningResource.objects.in_use()
        self.services: dict[tuple[str, int], ServiceRow] = {}
        sso = ExpressionWrapper(SSO_CONDITION, output_field=BooleanField())
        common = (
            "pk",
            "name",
            "vendor__name",
            "vendor_id",
            "lifecycle_status",
            "authentication",
            "identity_provider",
            "federation",
            "saml_entity_ids",
            "planned_end",
        )
        for row in (
            applications.annotate(behind=sso).order_by("pk").values(*common, "behind", "management_object_id")
        ):
            self._add("application", row)
        for row in (
            learning_resources.annotate(behind=sso)
            .order_by("pk")
            .values(*common, "behind", "approval_status", "subjects")
        ):
            self._add("learning_resource", row)

        app_ids = applications.values("pk")
        lr_ids = learning_resources.values("pk")
        chosen = Q(service__in=app_ids) | Q(service__in=lr_ids)
        for row in ServiceUsage.objects.filter(chosen).values(
            "service_id", "service__kind", "organisation_id", "users"
        ):
            service = self.services[(row["service__kind"], row["service_id"])]
            service.usage[row["organisation_id"]] = row["users"]
        self._apply_evidence()
        links = ServiceCapability.objects.filter(chosen)
        for row in links.values("service_id", "service__kind", "capability_id"):
            self.services[(row["service__kind"], row["service_id"])].capability_ids.add(row["capability_id"])
        self.capabilities: dict[int, str] = {}
        for row in Capability.objects.values("pk", "name", "parent__name"):
            self.capabilities[row["pk"]] = (
                f"{row['parent__name']} › {row['name']}" if row["parent__name"] else row["name"]
            )
        self.organisations: dict[int, OrganisationRow] = {
            row["pk"]: OrganisationRow(**row)
            for row in Organisation.objects.values("pk", "name", "kind", "school_form", "path", "active")
        }
        if load_costs:
            costs = Cost.objects.filter(chosen)
            for row in costs.values("service_id", "service__kind", "year", "kind", "amount"):
                service = self.services.get((row["service__kind"], row["service_id"]))
                if service is None:
                    continue
                target = (
                    service.outcome_by_year if row["kind"] == CostKind.OUTCOME else service.budget_by_year
                )
                target[row["year"]] = target.get(row["year"], Decimal(0)) + row["amount"]

    def _apply_evidence(self) -> None:
        """Measured use and observed sign-on where an identity provider gives them (portfolio.evidence).

        A school's measured figure replaces the typed one, and a school the identity provider saw
        using a service counts as using it even where nobody registered it; people not placed at
        a school are left out, as usage is counted per organisation. An observed way of signing
        in decides ``behind_sso`` (password vaulting is not single sign-on). Without a provider,
        or without evidence, nothing changes. Three queries with the discovery provider.
        """
        if not evidence.providers() or not self.services:
            return
        by_pk = {service.pk: service for service in self.services.values()}
        for (service_id, organisation_id), figure in evidence.measured_users(by_pk).items():
            service = by_pk.get(service_id)
            if service is None or organisation_id is None:
                continue
            service.usage[organisation_id] = figure.users
            service.measured_orgs.add(organisation_id)
        for service_id, observed in evidence.observed_sso(by_pk).items():
            service = by_pk.get(service_id)
            if service is not None:
                service.behind_sso = observed.federated
                service.sso_observed = True
                service.sso_source = observed.source
                service.sso_mode = observed.mode

    def _add(self, service_type: str, row: dict) -> None:
        self.services[(service_type, row["pk"])] = ServiceRow(
            service_type=service_type,
            pk=row["pk"],
            name=row["name"],
            vendor=row["vendor__name"] or "",
            vendor_id=row["vendor_id"],
            lifecycle_status=row["lifecycle_status"],
            authentication=row["authentication"],
            identity_provider=row["identity_provider"],
            federation=row["federation"],
            entity_ids=split_lines(row["saml_entity_ids"]),
            behind_sso=bool(row["behind"]),
            declared_behind_sso=bool(row["behind"]),
            planned_end=row["planned_end"],
            management_object_id=row.get("management_object_id"),
            approval_status=row.get("approval_status", ""),
            subjects=split_lines(row.get("subjects", "")),
        )

    @property
    def latest_complete_year(self) -> int:
        return self.today.year - 1

    def school_units(self) -> list[OrganisationRow]:
        return sorted(
            (o for o in self.organisations.values() if o.kind == OrganisationKind.SCHOOL_UNIT and o.active),
            key=lambda o: (o.name.casefold(), o.pk),
        )

    def services_used_by(self) -> dict[int, set[tuple[str, int]]]:
        """Organisation pk → the services registered as used by that organisation itself."""
        used: dict[int, set[tuple[str, int]]] = defaultdict(set)
        for service in self.services.values():
            for organisation_id in service.usage:
                used[organisation_id].add(service.key)
        return used

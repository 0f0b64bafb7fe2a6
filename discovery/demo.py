"""A discovered month for the demo municipality, read through the real import code.

``seed_demo`` (``integrations``) may not import this app; it sends ``integrations.demo.demo_built``
once the register is built, and :func:`import_demo_month` (connected in ``DiscoveryConfig.ready()``)
writes what Mittköping's Entra ID and Google Workspace would export for last month, in the shapes
Microsoft and Google document (``integrations.identity.synthetic``), and imports it with
``discovery.imports.import_identity_file``, from memory: no file is written. So the Upptäckt page,
the review queue, the service pages and the dashboard show real-looking evidence on first start:

* enterprise applications for services of the register (matched), a service registered with local
  accounts that signs in with SAML (a contradiction), one behind password vaulting, one in use
  that nobody signed in to (dormant), Microsoft's own applications, and applications nobody
  registered ("skugg-IT");
* a month of sign-ins by some hundred people (a few thousand rows), placed at the demo's schools
  by a membership file; Google OAuth grants for learning resources and an unregistered app;
* a per-seat contract for far more seats than users (a seat surplus in kronor);
* the register's own processing activity for discovery.

Deterministic for a seed; a few seconds at scale 1.
"""

from __future__ import annotations

import calendar
import datetime
import io
import random
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from gdpr.choices import ActivityStatus, LegalBasis
from gdpr.models import ProcessingActivity
from integrations.identity.synthetic import (
    google_activity,
    membership_rows,
    service_principal,
    synthetic_month,
    write_google_pages,
    write_json_lines,
    write_service_principal_pages,
)
from portfolio.choices import AuthenticationMethod, LifecycleStatus, OrganisationKind
from portfolio.models import Contract, ContractService, Organisation, Service
from portfolio.periods import valid_on_q
from portfolio.services import create_with_history, update_with_history

from .choices import IdentitySource
from .imports import import_identity_file

__all__ = ["DISCOVERY_ACTIVITY", "DemoDiscovery", "import_demo_month"]

DISCOVERY_ACTIVITY = "Uppföljning av användning och inloggning (upptäckt)"
REASON = "Demodata"

#: Applications nobody registered, as a school's tenant has them (the "skugg-IT").
UNREGISTERED = [
    ("Blooket", "https://www.blooket.com", "Blooket LLC", "oidc"),
    ("Gimkit", "https://www.gimkit.com", "Gimkit Inc.", "oidc"),
    ("Brainly", "https://brainly.com", "Brainly Inc.", None),
    ("Photomath", "https://photomath.com", "Photomath Inc.", "saml"),
    ("Nearpod", "https://nearpod.com", "Nearpod Inc.", "saml"),
]
#: Microsoft's own applications: part of the platform, not services anyone chose.
FIRST_PARTY = [
    ("Microsoft Teams", "oidc"),
    ("Office 365 Exchange Online", "oidc"),
    ("Microsoft Forms", "oidc"),
]
#: What a test application in a tenant looks like.
TEST_APPS = [("Test SSO – Skolwebb (ta bort)", "saml")]


@dataclass
class DemoDiscovery:
    """What the demo's discovered month planted, by name (for tests and the seed's report)."""

    matched: list[str] = field(default_factory=list)
    contradiction: str = ""
    password_vaulted: str = ""
    dormant: str = ""
    unregistered: list[str] = field(default_factory=list)
    seat_surplus_contract: str = ""
    sign_ins: int = 0
    people: int = 0
    activity: str = ""
    upns: list[str] = field(default_factory=list)  # for the test that none is stored; never saved


def _app_id(name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_DNS, f"{name}.apps.mittkoping.se"))


def _last_month(today: datetime.date) -> tuple[int, int]:
    first = today.replace(day=1) - datetime.timedelta(days=1)
    return first.year, first.month


def _pick(services: list[Service], count: int, taken: set[int], predicate) -> list[Service]:
    chosen = []
    for service in services:
        if len(chosen) == count:
            break
        if service.pk not in taken and predicate(service):
            chosen.append(service)
            taken.add(service.pk)
    return chosen


def import_demo_month(
    *,
    user=None,
    reviewer=None,
    seed: int = 1,
    today: datetime.date | None = None,
    people: int = 400,
    rows: int = 3000,
) -> DemoDiscovery:
    """Import a discovered month into the demo register (see the module's docstring)."""
    today = today or timezone.localdate()
    rng = random.Random(seed)
    result = DemoDiscovery()
    services = list(
        Service.objects.filter(lifecycle_status=LifecycleStatus.IN_USE)
        .exclude(url="")
        .exclude(name__icontains="test")
        .order_by("name", "pk")
    )
    rng.shuffle(services)
    taken: set[int] = set()
    sso = set(AuthenticationMethod.single_sign_on())
    matched = _pick(services, 10, taken, lambda s: s.authentication in sso and s.kind == "application")
    contradiction = _pick(services, 1, taken, lambda s: s.authentication == AuthenticationMethod.LOCAL)
    vaulted = _pick(services, 1, taken, lambda s: s.authentication in sso and s.kind == "application")
    dormant = _pick(services, 1, taken, lambda s: s.authentication in sso and s.kind == "application")
    resources = list(
        Service.objects.filter(kind="learning_resource", lifecycle_status=LifecycleStatus.IN_USE)
        .exclude(name__icontains="test")
        .order_by("name", "pk")
    )
    rng.shuffle(resources)
    google = _pick(resources, 3, taken, lambda s: True)

    principals = []
    for service in [*matched, *contradiction, *dormant]:
        principals.append(
            service_principal(
                _app_id(service.name),
                service.name,
                mode="oidc" if service.authentication == AuthenticationMethod.OIDC else "saml",
                homepage=service.url,
                publisher=service.vendor.name if service.vendor_id else "",
                entity_id=(service.entity_id_list or [None])[0],
            )
        )
    for service in vaulted:
        principals.append(
            service_principal(_app_id(service.name), service.name, mode="password", homepage=service.url)
        )
    for name, url, publisher, mode in UNREGISTERED:
        principals.append(
            service_principal(_app_id(name), name, mode=mode, homepage=url, publisher=publisher)
        )
    for name, mode in [*FIRST_PARTY, *TEST_APPS]:
        first_party = (name, mode) in FIRST_PARTY
        publisher = "Microsoft Services" if first_party else ""
        principals.append(
            service_principal(_app_id(name), name, mode=mode, publisher=publisher, first_party=first_party)
        )

    schools = list(
        Organisation.objects.filter(kind=OrganisationKind.SCHOOL_UNIT)
        .exclude(school_unit_code="")
        .order_by("school_unit_code")
        .values_list("school_unit_code", flat=True)
    )
    members = io.StringIO()
    members.write("Användare;Skolenhetskod;Grupp\n")
    for upn, code, group in membership_rows(people, schools or ["00000000"]):
        members.write(f"{upn};{code};{group}\n")
    members_bytes = members.getvalue().encode("utf-8")
    result.upns = [f"person{n}@skola.example.se" for n in range(people)]

    year, month = _last_month(today)
    used = [*matched, *contradiction, *vaulted]
    applications = [(_app_id(s.name), s.name) for s in used]
    applications += [(_app_id(name), name) for name, *_rest in UNREGISTERED[:4]]
    applications += [(_app_id(name), name) for name, _mode in FIRST_PARTY]
    sign_in_text = io.StringIO()
    sign_ins = list(
        synthetic_month(
            people=people, rows=rows, applications=applications, year=year, month=month, seed=seed
        )
    )
    write_json_lines(sign_in_text, sign_ins)

    days = [
        d for d in range(1, calendar.monthrange(year, month)[1] + 1) if calendar.weekday(year, month, d) < 5
    ]
    activities = []
    token_apps = [(f"{_app_id(s.name)[:12]}.apps.googleusercontent.com", s.name) for s in google]
    token_apps.append(("9911223344-blk.apps.googleusercontent.com", "Blooket"))
    for person in range(0, people, 3):
        client_id, name = token_apps[person % len(token_apps)]
        day = rng.choice(days)
        activities.append(
            google_activity(
                "token",
                f"{year}-{month:02d}-{day:02d}T08:{person % 60:02d}:00Z",
                f"person{person}@skola.example.se",
                "authorize",
                {
                    "client_id": client_id,
                    "app_name": name,
                    "client_type": "WEB",
                    "scope": ["openid", "https://www.googleapis.com/auth/userinfo.email"],
                },
            )  # fmt: skip
        )
    token_text = io.StringIO()
    write_google_pages(token_text, activities)
    apps_text = io.StringIO()
    write_service_principal_pages(apps_text, principals, page_size=10)

    with transaction.atomic():
        import_identity_file(
            io.BytesIO(apps_text.getvalue().encode()), IdentitySource.ENTRA_APPS,
            file_name="servicePrincipals.json", user=user,
        )  # fmt: skip
        report = import_identity_file(
            io.BytesIO(sign_in_text.getvalue().encode()), IdentitySource.ENTRA_SIGNINS,
            file_name=f"signIns-{year}-{month:02d}.jsonl", user=user, membership=io.BytesIO(members_bytes),
        )  # fmt: skip
        import_identity_file(
            io.BytesIO(token_text.getvalue().encode()), IdentitySource.GOOGLE_TOKEN,
            file_name=f"token-{year}-{month:02d}.json", user=user, membership=io.BytesIO(members_bytes),
        )  # fmt: skip
        import_identity_file(
            io.BytesIO(members_bytes), IdentitySource.MEMBERSHIP, file_name="skoltillhorighet.csv", user=user
        )
        result.sign_ins, result.people = report.records, report.people
        result.seat_surplus_contract = _plant_seat_surplus(matched, user=user, today=today)
        result.activity = _processing_activity(user=user, reviewer=reviewer or user, today=today)
    result.matched = [s.name for s in matched]
    result.contradiction = contradiction[0].name if contradiction else ""
    result.password_vaulted = vaulted[0].name if vaulted else ""
    result.dormant = dormant[0].name if dormant else ""
    result.unregistered = [name for name, *_rest in UNREGISTERED]
    return result


def _plant_seat_surplus(matched: list[Service], *, user, today: datetime.date) -> str:
    """Give a contract in force of a measured service far more licensed seats than its users."""
    link = (
        ContractService.objects.filter(service__in=matched)
        .filter(valid_on_q(today, prefix="contract__"))
        .select_related("contract")
        .order_by("contract__name", "pk")
        .first()
    )
    if link is None:
        return ""
    contract = Contract.objects.get(pk=link.contract_id)
    contract.licensed_seats = 2500
    if contract.annual_value is None:
        contract.annual_value = Decimal("180000")
    update_with_history([contract], user=user, reason=REASON)
    return contract.name


def _processing_activity(*, user, reviewer, today: datetime.date) -> str:
    """The register's own processing activity for discovery, as the other demo activities are kept."""
    controller = (
        Organisation.objects.filter(kind=OrganisationKind.BOARD, name__icontains="utbildning")
        .order_by("pk")
        .first()
        or Organisation.objects.filter(kind=OrganisationKind.BOARD).order_by("pk").first()
    )
    activity = ProcessingActivity(
        name=DISCOVERY_ACTIVITY,
        controller=controller,
        purposes=(
            "Att följa upp användning och inloggning: vilka digitala tjänster som används, av hur många "
            "per skola och användargrupp, och om de nås med single sign-on – för förvaltning, "
            "standardisering, licensuppföljning och likvärdighet."
        ),
        data_subject_categories=["elever", "personal"],
        data_subject_description="Elever och personal som loggar in med kommunens konton.",
        personal_data_categories=(
            "Inloggningshändelser (användarnamn, tidpunkt, applikation) som läses i minnet; endast antal "
            "per tjänst, skola, användargrupp och period sparas."
        ),
        recipients="Inga; uppgifterna lämnar inte kommunen.",
        retention_period="Uppladdad fil raderas när den lästs; antal sparas i 24 månader",
        retention_criteria="Antalen gallras av purge_measured_usage när perioden är äldre än 24 månader.",
        retention_decision="Dokumenthanteringsplan BUN 2026:12",
        security_measures=(
            "Användaridentiteter hålls bara i minnet under importen och sparas aldrig; filen raderas när "
            "den lästs; endast IT-avdelningen får ladda upp."
        ),
        legal_basis=LegalBasis.PUBLIC_TASK,
        legal_basis_law="skollagen (2010:800) 2 kap. 8 §; lag (2018:218) 2 kap. 2 §",
        status=ActivityStatus.ACTIVE,
        last_reviewed_on=today if reviewer is not None else None,
        last_reviewed_by=reviewer,
        content_changed_on=today,
    )
    create_with_history([activity], user=user, reason=REASON)
    return activity.name

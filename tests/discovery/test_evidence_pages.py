"""The evidence where people read it: a service's page, the Upptäckt page's findings, and retention."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from discovery.models import IdentityImport, MeasuredUsage
from discovery.retention import measured_usage_cutoff, purge_measured_usage
from portfolio.choices import AuthenticationMethod, IdentityProvider, LifecycleStatus
from portfolio.models import ServiceUsage
from tests.discovery.evidence_data import NOVEMBER, OCTOBER, discovered, measured
from tests.factories import ApplicationFactory, ContractFactory, SchoolUnitFactory

pytestmark = pytest.mark.django_db


def _section(response, starts: str):
    return next(s for s in response.context["extra_sections"] if str(s.title).startswith(starts))


@pytest.fixture
def kahoot():
    service = ApplicationFactory(
        name="Kahoot Skola",
        authentication=AuthenticationMethod.LOCAL,
        identity_provider=IdentityProvider.VENDOR,
        lifecycle_status=LifecycleStatus.IN_USE,
    )
    north, south = SchoolUnitFactory(name="Norra skolan"), SchoolUnitFactory(name="Södra skolan")
    ServiceUsage.objects.create(service=service, organisation=north, users=300)
    app = discovered(service, name="Kahoot!", last_seen=datetime.date(2026, 11, 28))
    measured(service, north, 212, group="elever")
    measured(service, north, 14, group="personal")
    measured(service, south, 95, group="elever")
    measured(service, north, 999, period=OCTOBER)  # an older period: not the latest
    return service, app, north, south


def test_a_service_page_shows_its_applications_observed_sso_and_measured_beside_declared_users(
    client, kahoot, reader
):
    service, app, north, south = kahoot
    client.force_login(reader)

    response = client.get(service.get_absolute_url())

    page = response.content.decode()
    assert app.get_absolute_url() in page
    sso = _section(response, "Inloggning")
    [row] = sso.table()
    assert "SAML" in row[0]["text"] and "single sign-on" in row[0]["text"]
    assert row[1]["text"] == "Entra ID" and row[4]["text"] == "Lokala konton"
    usage = _section(response, "Användare per skola 2026-11-01 – 2026-11-30")
    rows = {r[0]["text"]: [c["text"] for c in r[1:]] for r in usage.table()}
    assert rows["Norra skolan"] == ["212", "14", "–", "226 (uppmätt)", "300 (angiven)"]
    assert rows["Södra skolan"] == ["95", "–", "–", "95 (uppmätt)", "–"]


def test_a_service_without_evidence_has_no_discovery_sections(client, reader):
    service = ApplicationFactory(name="Skolwebben")
    client.force_login(reader)
    response = client.get(service.get_absolute_url())
    assert not any("identitetsleverantör" in str(s.title) for s in response.context.get("extra_sections", []))


def test_the_discovery_page_lists_contradictions_dormant_services_and_seat_surplus_in_kronor(
    client, kahoot, strategist
):
    service, _app, _north, _south = kahoot
    quiet = ApplicationFactory(name="Gamla schemat", lifecycle_status=LifecycleStatus.IN_USE)
    discovered(quiet, name="Schema", last_seen=datetime.date(2020, 1, 1))
    contract = ContractFactory(name="Kahoot-licenser", annual_value=Decimal("100000"), licensed_seats=1000)
    contract.services.add(service)
    client.force_login(strategist)

    response = client.get("/upptackt/")

    evidence = response.context["evidence"]
    assert [c["name"] for c in evidence["contradictions"]] == ["Kahoot Skola"]
    assert "Gamla schemat" in [d["name"] for d in evidence["dormant"]]
    assert [s["name"] for s in evidence["surplus"]] == ["Kahoot-licenser"]
    assert evidence["surplus_sek"] > 0
    page = response.content.decode()
    assert "Kahoot-licenser" in page and "kr" in page


def test_measured_usage_older_than_the_retention_is_purged_with_its_emptied_import():
    north = SchoolUnitFactory()
    service = ApplicationFactory()
    old = measured(service, north, 5, period=(datetime.date(2024, 9, 1), datetime.date(2024, 9, 30)))
    kept = measured(service, north, 7, period=NOVEMBER)
    assert measured_usage_cutoff(datetime.date(2026, 12, 5), 24) == datetime.date(2024, 12, 5)

    assert purge_measured_usage(datetime.date(2026, 12, 5), 24) == 1

    assert list(MeasuredUsage.objects.all()) == [kept]
    assert not IdentityImport.objects.filter(pk=old.identity_import_id).exists()
    assert IdentityImport.objects.filter(pk=kept.identity_import_id).exists()


def test_the_purge_command_uses_the_retention_setting(settings):
    settings.MEASURED_USAGE_RETENTION_MONTHS = 1
    service, north = ApplicationFactory(), SchoolUnitFactory()
    measured(service, north, 5, period=(datetime.date(2020, 1, 1), datetime.date(2020, 1, 31)))
    out = io.StringIO()
    call_command("purge_measured_usage", stdout=out)
    assert "1 rader" in out.getvalue() and not MeasuredUsage.objects.exists()


def test_the_discovered_application_page_shows_its_history(client, kahoot, reader):
    _service, app, _north, _south = kahoot
    client.force_login(reader)
    response = client.get(reverse("discovery:application", args=[app.pk]))
    assert response.status_code == 200 and response.context["changes"]


def test_the_dashboard_and_the_sso_page_say_whether_the_sso_figures_are_measured_or_declared(
    client, kahoot, strategist
):
    declared_only = ApplicationFactory(name="Skolwebben", lifecycle_status=LifecycleStatus.IN_USE)
    ServiceUsage.objects.create(service=declared_only, organisation=kahoot[2], users=50)
    client.force_login(strategist)
    dashboard = client.get("/").content.decode()
    assert 'id="sso-basis">SSO-status delvis uppmätt' in dashboard
    assert "Användarsiffror: delvis uppmätt (321 av 371 konton" in dashboard
    sso_page = client.get(reverse("analysis:sso_coverage")).content.decode()
    assert "SSO-status delvis uppmätt" in sso_page and "antal delvis uppmätt" in sso_page

"""The demo's discovered month: every page has real-looking evidence on first start."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from discovery.demo import DISCOVERY_ACTIVITY, import_demo_month
from discovery.evidence import contradictions, dormant_services, seat_surplus
from discovery.models import DiscoveredApplication, IdentityImport, SchoolPopulation
from gdpr.models import ProcessingActivity

pytestmark = pytest.mark.django_db


def test_the_demo_month_plants_matches_skugg_it_a_contradiction_a_dormant_service_and_a_seat_surplus(
    demo, client, strategist
):
    month = import_demo_month(seed=1)

    assert DiscoveredApplication.objects.registered().count() >= 10
    assert {a.name for a in DiscoveredApplication.objects.shadow_it()} >= {"Blooket", "Gimkit", "Photomath"}
    assert DiscoveredApplication.objects.platform_own().exists()
    assert month.contradiction in {c.name for c in contradictions()}
    assert month.password_vaulted in {c.name for c in contradictions()}
    assert month.dormant in {d.name for d in dormant_services()}
    assert [s.contract for s in seat_surplus()] == [month.seat_surplus_contract]
    assert SchoolPopulation.objects.exists()
    assert set(IdentityImport.objects.values_list("source", flat=True)) == {
        "entra-apps", "entra-signins", "google-token", "membership",
    }  # fmt: skip
    activity = ProcessingActivity.objects.get(name=DISCOVERY_ACTIVITY)
    assert set(activity.data_subject_categories) == {"elever", "personal"}
    assert "följa upp användning och inloggning" in activity.purposes
    client.force_login(strategist)
    page = client.get("/upptackt/")
    assert page.context["counts"]["shadow_it"] >= 5 and page.context["evidence"]["surplus_sek"] > 0


def test_seed_demo_imports_the_discovered_month(db):
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "Upptäckt: 3000 inloggningar" in out.getvalue()
    assert DiscoveredApplication.objects.exists()

"""The public page (/offentlig/): opt-in, no login, cached, and only public facts."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portfolio.choices import RoleChoices
from portfolio.models import ContractService, Person
from tests.factories import (
    BoardFactory,
    ContractFactory,
    LearningResourceFactory,
    PersonFactory,
    ProcessingActivityFactory,
    RoleAssignmentFactory,
    VendorFactory,
)

pytestmark = pytest.mark.django_db

SECRETS = {
    "resource notes": "HEMLIG-LR-ANTECKNING",
    "vendor notes": "HEMLIG-LEVERANTÖRSANTECKNING",
    "internal notes": "HEMLIG-INTERN-ANTECKNING",
    "security measures": "HEMLIGA-SÄKERHETSÅTGÄRDER",
    "recipients": "HEMLIG-MOTTAGARE",
    "responsible name": "Rebecka Ansvarig",
    "responsible email": "rebecka.ansvarig@mittkoping.se",
    "owner name": "Sixten Systemägare",
    "owner email": "sixten@mittkoping.se",
    "dpo contact": "dso-hemlig@mittkoping.se",
    "controller contact": "namnd-hemlig@mittkoping.se",
    "personal identity need": "HEMLIGT-PERSONNUMMERBEHOV",
    "protected identity routine": "HEMLIG-SKYDDAD-RUTIN",
    "joint arrangement": "HEMLIGT-ARRANGEMANG",
    "unapproved resource": "Ej godkänd lärresurs",
}


@pytest.fixture
def public_on(settings):
    settings.PUBLIC_PAGE_ENABLED = True
    return settings


def build_register(n: int = 1):
    board = BoardFactory(
        name="Barn- och utbildningsnämnden",
        dpo_contact=SECRETS["dpo contact"],
        contact_email=SECRETS["controller contact"],
    )
    responsible = Person.objects.filter(email=SECRETS["responsible email"]).first() or PersonFactory(
        name=SECRETS["responsible name"], email=SECRETS["responsible email"]
    )
    owner = Person.objects.filter(email=SECRETS["owner email"]).first() or PersonFactory(
        name=SECRETS["owner name"], email=SECRETS["owner email"]
    )
    for i in range(n):
        vendor = VendorFactory(name=f"Läromedel AB {i}", notes=SECRETS["vendor notes"])
        resource = LearningResourceFactory(
            name=f"Mattemagi {i}",
            vendor=vendor,
            subjects="Matematik\nTeknik",
            school_year_from=4,
            school_year_to=6,
            authentication="saml",
            identity_provider="skolfederation",
            approval_status="godkand",
            notes=SECRETS["resource notes"],
        )
        RoleAssignmentFactory(
            person=owner, application=None, learning_resource=resource, role=RoleChoices.SYSTEM_OWNER
        )
        contract = ContractFactory(vendor=vendor, dpa_signed_on="2024-01-01")
        ContractService.objects.create(contract=contract, service=resource)
        ProcessingActivityFactory(
            name=f"Närvarohantering {i}",
            controller=board,
            responsible=responsible,
            purposes="Att följa upp närvaro enligt skollagen.",
            retention_period="3 år efter avslutad skolgång",
            data_subject_categories=["elever", "vardnadshavare"],
            internal_notes=SECRETS["internal notes"],
            security_measures=SECRETS["security measures"],
            recipients=SECRETS["recipients"],
            personal_identity_numbers=True,
            personal_identity_number_need=SECRETS["personal identity need"],
            protected_identity=True,
            protected_identity_routine=SECRETS["protected identity routine"],
            joint_arrangement=SECRETS["joint arrangement"],
        )
    LearningResourceFactory(name=SECRETS["unapproved resource"], approval_status="begard")
    ProcessingActivityFactory(name="Utkast till behandling", controller=board, status="utkast")


def test_public_page_is_404_when_turned_off(client, settings):
    settings.PUBLIC_PAGE_ENABLED = False
    build_register()
    assert client.get(reverse("public")).status_code == 404


def test_public_page_is_served_without_login_when_on(client, public_on):
    build_register()
    response = client.get("/offentlig/")
    assert response.status_code == 200
    body = response.content.decode()
    for public in (
        "Mattemagi 0",
        "Läromedel AB 0",
        "Matematik",
        "åk 4–åk 6",
        "SAML",
        "Finns",
        "Barn- och utbildningsnämnden",
        "Närvarohantering 0",
        "Att följa upp närvaro enligt skollagen.",
        "e) Uppgift av allmänt intresse",
        "Elever och barn",
        "Vårdnadshavare",
        "3 år efter avslutad skolgång",
    ):
        assert public in body, public


def test_public_page_never_shows_private_fields(client, public_on):
    build_register()
    body = client.get("/offentlig/").content.decode()
    leaked = [label for label, secret in SECRETS.items() if secret in body]
    assert leaked == []
    assert "Utkast till behandling" not in body  # only the active record is published


def test_public_page_is_cached_for_everyone_and_cheap(client, public_on):
    build_register(1)
    with CaptureQueriesContext(connection) as cold_small:
        first = client.get("/offentlig/")
    assert "public" in first["Cache-Control"] and "max-age=" in first["Cache-Control"]
    with CaptureQueriesContext(connection) as warm:
        second = Client().get("/offentlig/")  # another visitor
    assert second.status_code == 200 and len(warm.captured_queries) == 0
    assert second.content == first.content

    cache.clear()
    build_register(6)
    with CaptureQueriesContext(connection) as cold_large:
        client.get("/offentlig/")
    assert len(cold_large.captured_queries) == len(cold_small.captured_queries)


def test_turning_the_page_off_takes_effect_even_when_cached(client, public_on):
    build_register()
    assert client.get("/offentlig/").status_code == 200
    public_on.PUBLIC_PAGE_ENABLED = False
    assert client.get("/offentlig/").status_code == 404

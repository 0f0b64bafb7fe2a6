"""Swedish as it is written: gender in titles, plural by count, years as years, numbers localised."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from portfolio.analysis import standardisation_report
from portfolio.choices import AuthenticationMethod, CostKind
from portfolio.models import ServiceCapability, ServiceUsage
from portfolio.templatetags.systemkarta import kr, number
from portfolio.views_generic import display
from tests.factories import ApplicationFactory, CapabilityFactory, CostFactory, SchoolUnitFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url_name", "title"),
    [
        ("portfolio:application_add", "Nytt system"),
        ("portfolio:contract_add", "Nytt avtal"),
        ("portfolio:managementobject_add", "Nytt förvaltningsobjekt"),
        ("portfolio:dataflow_add", "Nytt dataflöde"),
        ("portfolio:vendor_add", "Ny leverantör"),
        ("portfolio:learningresource_add", "Ny lärresurs"),
    ],
)
def test_add_page_title_agrees_with_the_nouns_gender(client, url_name, title):
    client.force_login(UserFactory(username="admin-title", is_superuser=True, is_staff=True))
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert response.context["title"] == title
    assert f"<h1>{title}" in response.content.decode()


def test_years_read_as_years_and_amounts_are_grouped_in_the_active_language():
    assert display(2026, grouping=False) == "2026"
    with translation.override("sv"):
        assert display(48202) == "48\u00a0202"
        assert number(48202) == "48\u00a0202"
        assert kr(Decimal("1234567.5")) == "1\u00a0234\u00a0568\u00a0kr"
    with translation.override("en"):
        assert number(48202) == "48,202"


def test_cost_list_and_detail_show_the_year_as_2026_not_2_026(client, strategist):
    cost = CostFactory(application=ApplicationFactory(), year=2026, amount=Decimal("12345"))
    client.force_login(strategist)
    listing = client.get(reverse("portfolio:cost_list")).content.decode()
    assert ">2026<" in listing and "2\u00a0026" not in listing
    detail = client.get(reverse("portfolio:cost_detail", args=[cost.pk])).content.decode()
    assert "2026" in detail and "2\u00a0026" not in detail


def _serve(app, capability, organisation, users):
    ServiceCapability.objects.create(service=app, capability=capability)
    ServiceUsage.objects.create(service=app, organisation=organisation, users=users)


def test_standardisation_reasons_use_singular_for_one_and_localised_numbers():
    capability = CapabilityFactory(name="Schemaläggning")
    big = ApplicationFactory(name="Stora schemat")
    local = ApplicationFactory(
        name="Lokala schemat", authentication=AuthenticationMethod.LOCAL, identity_provider=""
    )
    _serve(big, capability, SchoolUnitFactory(), 48202)
    _serve(local, capability, SchoolUnitFactory(), 11277)
    CostFactory(application=local, year=2025, kind=CostKind.OUTCOME, amount=Decimal("150000"))
    with translation.override("sv"):
        [candidate] = standardisation_report(
            gap_counts={("application", local.pk): 1}, today=datetime.date(2026, 6, 15)
        ).candidates
    assert "1 inloggning utanför single sign-on" in candidate.risk_removed
    assert "1 öppen dataskyddsbrist" in candidate.risk_removed
    assert "tar bort 1 tjänst utanför SSO" in candidate.why
    assert "(er)" not in candidate.why and "(ar)" not in candidate.risk_removed
    # Sums over schools are accounts, not people (issue 14), in the Swedish number form.
    assert "flest konton (48\u00a0202 konton)" in candidate.why and "11\u00a0277 konton" in candidate.why
    assert "(+2,0)" in candidate.why  # signed points with the decimal comma
    score = candidate.why.split("Poäng ", 1)[1].split(":", 1)[0]
    assert "." not in score and "," in score  # Swedish decimal comma: "Poäng 89,8"

"""The product catalogue in the app: every role reads it, the strateg adds and edits own entries."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from portfolio.analysis.catalogue import shipped_catalogue
from portfolio.models import CatalogueProduct
from tests.factories import CapabilityFactory, UserFactory

pytestmark = pytest.mark.django_db

ROLES = [Role.STRATEGIST, Role.DATA_PROTECTION, Role.IT, Role.READER]


@pytest.fixture
def own_entry():
    return CatalogueProduct.objects.create(
        name="Elevportalen Mittköping",
        aliases="Elevportalen\nEPM",
        vendor_name="Kommunens IT",
        domains="elevportalen.mittkoping.se",
        source="Kommunens beslut 2026-03-01",
    )


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_the_catalogue_with_shipped_and_own_entries_and_their_sources(
    client, role, own_entry
):
    client.force_login(UserFactory(username=f"cat-{role}", role=role))
    response = client.get(reverse("portfolio:catalogue"))
    assert response.status_code == 200
    total = len(shipped_catalogue()) + 1
    assert response.context["paginator"].count == total
    own = client.get(reverse("portfolio:catalogue"), {"q": "elevportalen"})
    [row] = own.context["rows"]
    assert row.entry.name == "Elevportalen Mittköping"
    assert row.origin_label == "Kommunens egen"
    assert row.own_url == reverse("portfolio:catalogueproduct_detail", args=[own_entry.pk])
    assert "Kommunens beslut 2026-03-01" in own.content.decode()
    assert client.get(reverse("portfolio:catalogueproduct_detail", args=[own_entry.pk])).status_code == 200


def test_shipped_entries_show_their_public_source():
    shipped = shipped_catalogue()
    assert len(shipped) > 0
    assert all(entry.source for entry in shipped)


def test_the_catalogue_page_lists_shipped_entries_with_their_source(client, reader):
    entry = next(iter(shipped_catalogue()))
    client.force_login(reader)
    response = client.get(reverse("portfolio:catalogue"), {"q": entry.name, "ursprung": "shipped"})
    names = [row.entry.name for row in response.context["rows"]]
    assert entry.name in names
    row = response.context["rows"][names.index(entry.name)]
    assert row.origin_label == "Levereras med systemkartan"
    assert row.entry.source


def test_an_own_entry_with_a_shipped_name_extends_it(client, reader):
    entry = next(iter(shipped_catalogue()))
    CatalogueProduct.objects.create(name=entry.name, aliases="Vårt eget smeknamn")
    client.force_login(reader)
    response = client.get(reverse("portfolio:catalogue"), {"q": "smeknamn"})
    [row] = response.context["rows"]
    assert row.entry.name == entry.name
    assert "Vårt eget smeknamn" in row.entry.aliases
    assert row.origin_label == "Levererad, utökad av kommunen"


def test_the_origin_filter_shows_only_the_municipalitys_entries(client, reader, own_entry):
    client.force_login(reader)
    response = client.get(reverse("portfolio:catalogue"), {"ursprung": "municipal"})
    assert [row.entry.name for row in response.context["rows"]] == ["Elevportalen Mittköping"]


def test_the_strateg_adds_an_entry_through_the_form_with_history(client, strategist):
    capability = CapabilityFactory(name="Lärplattform")
    client.force_login(strategist)
    page = client.get(reverse("portfolio:catalogue"))
    assert reverse("portfolio:catalogueproduct_add") in page.content.decode()
    response = client.post(
        reverse("portfolio:catalogueproduct_add"),
        {
            "name": "Skolappen",
            "former_names": "Skolappen Classic",
            "aliases": "SA",
            "vendor_name": "Exempel AB",
            "vendor_orgnr": "5560160680",
            "domains": "www.skolappen.se",
            "capability": capability.pk,
            "source": "Upphandling 2026",
        },
    )
    assert response.status_code == 302
    entry = CatalogueProduct.objects.get(name="Skolappen")
    assert entry.vendor_orgnr == "556016-0680"
    assert entry.domains == "skolappen.se"
    assert entry.history.get().history_user == strategist


def test_an_invalid_organisation_number_is_refused_by_the_form(client, strategist):
    client.force_login(strategist)
    response = client.post(
        reverse("portfolio:catalogueproduct_add"), {"name": "Skolappen", "vendor_orgnr": "556016-0681"}
    )
    assert response.status_code == 400
    assert not CatalogueProduct.objects.exists()


def test_the_strateg_edits_an_entry_versioned(client, strategist, own_entry):
    client.force_login(strategist)
    url = reverse("portfolio:catalogueproduct_edit", args=[own_entry.pk])
    data = {"name": own_entry.name, "aliases": "EPM", "version": own_entry.version}
    assert client.post(url, data).status_code == 302
    own_entry.refresh_from_db()
    assert own_entry.aliases == "EPM"
    stale = client.post(url, {**data, "aliases": "X"})
    assert stale.status_code == 400  # the version read is no longer the stored one


@pytest.mark.parametrize("role", [Role.DATA_PROTECTION, Role.IT, Role.READER])
def test_other_roles_may_not_add_or_edit_entries(client, role, own_entry):
    client.force_login(UserFactory(username=f"cat-edit-{role}", role=role))
    page = client.get(reverse("portfolio:catalogue"))
    assert reverse("portfolio:catalogueproduct_add") not in page.content.decode()
    assert page.context["import_url"] is None
    assert client.get(reverse("portfolio:catalogueproduct_add")).status_code == 403
    edit = reverse("portfolio:catalogueproduct_edit", args=[own_entry.pk])
    assert client.post(edit, {"name": "X", "version": own_entry.version}).status_code == 403
    own_entry.refresh_from_db()
    assert own_entry.name == "Elevportalen Mittköping"


def test_the_menu_links_the_catalogue(client, reader):
    client.force_login(reader)
    assert reverse("portfolio:catalogue") in client.get(reverse("dashboard")).content.decode()


def test_the_catalogue_and_duplicates_pages_meet_the_accessibility_basics(client, strategist, own_entry):
    from tests.web.test_accessibility import check

    client.force_login(strategist)
    for url in (reverse("portfolio:catalogue"), reverse("analysis:duplicates")):
        assert check(client.get(url).content.decode()) == [], url


def test_the_catalogue_page_reads_the_same_number_of_queries_at_two_sizes(client, reader):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(reader)

    def queries() -> int:
        client.get(reverse("portfolio:catalogue"), {"ursprung": "municipal"})
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("portfolio:catalogue"), {"ursprung": "municipal"}).status_code == 200
        return len(captured)

    CatalogueProduct.objects.create(name="Egen produkt 0")
    small = queries()
    for n in range(1, 30):
        CatalogueProduct.objects.create(name=f"Egen produkt {n}", capability=CapabilityFactory())
    assert queries() == small

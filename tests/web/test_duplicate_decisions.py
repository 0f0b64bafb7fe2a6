"""The duplicates page: both tiers with reasons, "not the same product" remembered, its undo.

A decision is stored per pair with history and who decided; the finder does not raise the
pair again while both records are unchanged; the strateg decides, every role reads.
"""

import pytest
from django.urls import reverse

from accounts.roles import Role
from portfolio.models import Application, CatalogueProduct, DuplicateDecision
from tests.duplicate_cases import family_pair, same_product_pair
from tests.factories import ApplicationFactory, UserFactory, VendorFactory

pytestmark = pytest.mark.django_db

DUPLICATES = "analysis:duplicates"


@pytest.fixture
def same_product():
    return same_product_pair()


@pytest.fixture
def family():
    return family_pair()


def keys(*services):
    return [f"application:{s.pk}" for s in services]


def clusters_on_page(response):
    return [{m["member"].name for m in row["members"]} for row in response.context["rows"]]


def test_strateg_decides_a_pair_is_not_the_same_product_and_the_finder_stops_raising_it(
    client, strategist, family
):
    client.force_login(strategist)
    response = client.post(
        reverse("analysis:not_same_product"),
        {"services": keys(*family), "reason": "Olika moduler, egna avtal"},
    )
    assert response.status_code == 302
    decision = DuplicateDecision.objects.get()
    assert decision.decided_by == strategist
    assert decision.reason == "Olika moduler, egna avtal"
    assert decision.history.get().history_user == strategist

    page = client.get(reverse(DUPLICATES))
    assert {"Vklass", "Vklass Bokning"} not in clusters_on_page(page)
    content = page.content.decode()
    assert "Beslut: inte samma produkt" in content
    assert "Vklass ≠ Vklass Bokning" in content or "Vklass Bokning ≠ Vklass" in content
    assert strategist.get_username() in content
    [row] = page.context["decisions"]
    assert row.in_force


def test_a_whole_cluster_is_decided_pair_by_pair_in_one_go(client, strategist):
    services = [
        *family_pair(),
        ApplicationFactory(name="Vklass Närvaro", vendor=VendorFactory(name="Vklass")),
    ]
    client.force_login(strategist)
    client.post(reverse("analysis:not_same_product"), {"services": keys(*services)})
    assert DuplicateDecision.objects.count() == 3


def test_a_decision_stops_holding_when_a_record_changes(client, strategist, family):
    client.force_login(strategist)
    client.post(reverse("analysis:not_same_product"), {"services": keys(*family)})
    first, second = family
    second.url = "https://bokning.vklass.se"
    second.save()
    page = client.get(reverse(DUPLICATES))
    [row] = page.context["decisions"]
    assert not row.in_force
    assert "en registrering har ändrats" in page.content.decode()


def test_undo_takes_the_decision_back_with_history(client, strategist, family):
    client.force_login(strategist)
    client.post(reverse("analysis:not_same_product"), {"services": keys(*family)})
    decision = DuplicateDecision.objects.get()
    response = client.post(reverse("analysis:undo_not_same_product"), {"services": keys(*family)})
    assert response.status_code == 302
    assert not DuplicateDecision.objects.exists()
    deleted = DuplicateDecision.history.filter(id=decision.pk, history_type="-").get()
    assert deleted.history_user == strategist
    assert client.get(reverse(DUPLICATES)).context["decisions"] == []


def test_a_not_same_decision_records_the_appended_words_as_a_separate_product_and_undo_removes_them(
    client, strategist, family
):
    client.force_login(strategist)
    client.post(reverse("analysis:not_same_product"), {"services": keys(*family)})
    entry = CatalogueProduct.objects.get(name="Vklass")  # extends the shipped Vklass
    assert entry.separate_qualifiers.splitlines() == ["Bokning"]
    assert entry.history.first().history_user == strategist
    client.post(reverse("analysis:undo_not_same_product"), {"services": keys(*family)})
    entry.refresh_from_db()
    assert entry.separate_qualifiers == ""


@pytest.mark.parametrize("role", [Role.DATA_PROTECTION, Role.IT, Role.READER])
def test_only_the_strateg_may_decide_or_undo(client, role, strategist, family):
    client.force_login(strategist)
    client.post(reverse("analysis:not_same_product"), {"services": keys(*family)})
    client.force_login(UserFactory(username=f"decider-{role}", role=role))
    page = client.get(reverse(DUPLICATES))
    assert page.status_code == 200  # every role reads the page and the decisions
    assert "Beslut: inte samma produkt" in page.content.decode()
    assert reverse("analysis:not_same_product") not in page.content.decode()
    assert reverse("analysis:undo_not_same_product") not in page.content.decode()
    assert client.post(reverse("analysis:not_same_product"), {"services": keys(*family)}).status_code == 403
    assert (
        client.post(reverse("analysis:undo_not_same_product"), {"services": keys(*family)}).status_code == 403
    )
    assert DuplicateDecision.objects.count() == 1


def test_the_strateg_sees_the_decision_form_on_every_cluster(client, strategist, same_product, family):
    client.force_login(strategist)
    page = client.get(reverse(DUPLICATES))
    assert all(row["can_decide"] for row in page.context["rows"])
    assert page.content.decode().count(reverse("analysis:not_same_product")) == len(page.context["rows"])


def test_a_decision_needs_two_existing_registrations(client, strategist, family):
    client.force_login(strategist)
    for services in ([keys(family[0])[0]], [keys(family[0])[0], "application:999999"], ["system:1", "x"]):
        response = client.post(reverse("analysis:not_same_product"), {"services": services}, follow=True)
        assert response.status_code == 200
        assert list(response.context["messages"])
    assert not DuplicateDecision.objects.exists()


def test_anonymous_is_sent_to_log_in(client, family):
    response = client.post(reverse("analysis:not_same_product"), {"services": keys(*family)})
    assert response.status_code == 302 and "logga-in" in response["Location"]
    assert not DuplicateDecision.objects.exists()


#
# A merge teaches the catalogue
#


def test_a_merge_adds_the_merged_name_to_the_kept_products_catalogue_entry(client, strategist):
    vendor = VendorFactory(name="Kommunens egen leverantör AB")
    kept = ApplicationFactory(name="Elevportalen", vendor=vendor)
    duplicate = ApplicationFactory(name="Elevwebben", vendor=vendor, aliases="EW")
    client.force_login(strategist)
    client.post(
        reverse("analysis:merge"),
        {"service_type": "application", "kept": kept.pk, "duplicate": duplicate.pk},
    )
    assert not Application.objects.filter(pk=duplicate.pk).exists()
    entry = CatalogueProduct.objects.get(name="Elevportalen")
    assert entry.aliases.splitlines() == ["Elevwebben", "EW"]
    assert entry.vendor_name == "Kommunens egen leverantör AB"
    assert entry.history.get().history_user == strategist


def test_a_merge_extends_an_existing_catalogue_entry_instead_of_adding_another(client, strategist):
    CatalogueProduct.objects.create(name="Elevportalen", aliases="Portalen")
    kept = ApplicationFactory(name="Elevportalen")
    duplicate = ApplicationFactory(name="Elevwebben", vendor=kept.vendor)
    client.force_login(strategist)
    client.post(
        reverse("analysis:merge"),
        {"service_type": "application", "kept": kept.pk, "duplicate": duplicate.pk},
    )
    entry = CatalogueProduct.objects.get()
    assert entry.aliases.splitlines() == ["Portalen", "Elevwebben"]
    assert entry.version == 2


def test_the_page_reads_the_same_number_of_queries_however_many_decisions(client, strategist):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from portfolio.duplicate_decisions import decide_not_same_product

    def decide(count: int) -> None:
        for _ in range(count):
            first, second = ApplicationFactory(), ApplicationFactory()
            decide_not_same_product([("application", first.pk), ("application", second.pk)], user=strategist)

    def queries() -> int:
        client.get(reverse(DUPLICATES))
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse(DUPLICATES))
        return len(captured)

    client.force_login(strategist)
    decide(1)
    small = queries()
    decide(10)
    assert queries() == small

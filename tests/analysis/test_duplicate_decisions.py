"""Decisions "not the same product": stored with history, honoured until a record changes."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from portfolio.analysis import find_duplicates
from portfolio.analysis.catalogue import CatalogueEntry, CatalogueVendor, load_catalogue
from portfolio.analysis.duplicates import (
    TIER_FAMILY,
    TIER_SAME_PRODUCT,
    ServiceRecord,
    cluster_records,
    load_service_records,
    pair_fingerprint,
)
from portfolio.models import CatalogueProduct, DuplicateDecision
from tests.factories import ApplicationFactory, LearningResourceFactory, UserFactory


def _decide(first, second, user=None) -> DuplicateDecision:
    records = {r.key: r for r in load_service_records()}

    def key(service) -> tuple[str, int]:
        kind = "application" if service._meta.model_name == "application" else "learning_resource"
        return (kind, service.pk)

    a, b = records[key(first)], records[key(second)]
    decision = DuplicateDecision.for_records(b, a, reason="Olika avtal och användare", decided_by=user)
    decision.save()
    return decision


def test_separate_pair_is_a_cannot_link_even_through_a_third_record():
    records = [
        ServiceRecord("application", 1, "InfoMentor"),
        ServiceRecord("application", 2, "Infomentor AB"),
        ServiceRecord("application", 3, "Info Mentor"),
    ]
    [cluster] = cluster_records(records)
    assert len(cluster.members) == 3
    separated = cluster_records(
        records, separate_pairs=frozenset({frozenset({("application", 1), ("application", 3)})})
    )
    together = [{m.service_id for m in c.members} for c in separated]
    assert all(not {1, 3} <= members for members in together)
    assert together  # 2 still joins one of them


@pytest.mark.django_db
def test_decided_pair_is_not_raised_again_while_both_records_are_unchanged():
    user = UserFactory()
    first = ApplicationFactory(name="Unikum")
    second = LearningResourceFactory(name="Unikum app")
    assert len(find_duplicates()) == 1
    decision = _decide(first, second, user)
    assert (decision.first_type, decision.second_type) == ("application", "learning_resource")
    assert decision.history.get().decided_by == user
    assert find_duplicates() == []


@pytest.mark.django_db
def test_a_changed_record_voids_the_decision():
    first = ApplicationFactory(name="Unikum")
    second = ApplicationFactory(name="Unikum app")
    _decide(first, second)
    assert find_duplicates() == []
    second.url = "https://unikum.net"
    second.save()
    assert len(find_duplicates()) == 1


@pytest.mark.django_db
def test_decision_pair_is_stored_in_order_and_only_once():
    first = ApplicationFactory(name="Unikum")
    second = ApplicationFactory(name="Unikum app")
    _decide(second, first)
    decision = DuplicateDecision.objects.get()
    assert decision.first_id < decision.second_id
    with pytest.raises(IntegrityError):
        _decide(first, second)


def test_fingerprint_changes_with_any_matching_field_and_not_with_order():
    a = ServiceRecord("application", 1, "Flip", url="https://flip.com")
    b = ServiceRecord("learning_resource", 1, "Flipgrid")
    assert pair_fingerprint(a, b) == pair_fingerprint(b, a)
    for changed in (
        ServiceRecord("application", 1, "Flip ", url="https://flip.com"),
        ServiceRecord("application", 1, "Flip", url="https://flip.com/x"),
        ServiceRecord("application", 1, "Flip", url="https://flip.com", aliases=("Flipgrid",)),
        ServiceRecord("application", 1, "Flip", url="https://flip.com", vendor_name="Microsoft"),
        ServiceRecord("application", 1, "Flip", url="https://flip.com", entity_ids=("https://flip.com/sp",)),
    ):
        assert pair_fingerprint(changed, b) != pair_fingerprint(a, b)


@pytest.mark.django_db
def test_find_duplicates_filters_by_tier():
    ApplicationFactory(name="InfoMentor")
    ApplicationFactory(name="Infomentor AB")
    clusters = find_duplicates()
    assert [c.tier for c in clusters] == [TIER_SAME_PRODUCT]
    assert find_duplicates(tier=TIER_SAME_PRODUCT) == clusters
    assert find_duplicates(tier=TIER_FAMILY) == []


@pytest.mark.django_db
def test_query_count_is_constant_with_catalogue_rows_and_decisions():
    for i in range(3):
        CatalogueProduct.objects.create(name=f"Lokal produkt {i}", aliases=f"LP{i}")
    first = ApplicationFactory(name="Unikum")
    second = ApplicationFactory(name="Unikum app")
    _decide(first, second)
    with CaptureQueriesContext(connection) as queries:
        find_duplicates()
    assert len(queries) == 4


def test_catalogue_product_orgnr_is_validated_and_formatted():
    product = CatalogueProduct(name="Testprodukt", vendor_orgnr="5560160680")
    product.clean()
    assert product.vendor_orgnr == "556016-0680"
    with pytest.raises(ValidationError):
        CatalogueProduct(name="X", vendor_orgnr="556016-0681").clean()


def test_a_municipal_entry_with_a_shipped_name_extends_it_and_others_are_added():
    shipped = load_catalogue()
    extra = CatalogueEntry(name="Vår lokala elevportal", aliases=("Elevportalen",), origin="municipal")
    catalogue = load_catalogue([extra])
    assert len(catalogue) == len(shipped) + 1
    assert catalogue.by_name("elevportalen").name == "Vår lokala elevportal"
    if len(shipped):
        first = shipped.entries[0]
        extended = load_catalogue(
            [CatalogueEntry(name=first.name.upper(), aliases=("Vårt eget namn",), vendor=CatalogueVendor())]
        )
        assert len(extended) == len(shipped)
        assert extended.by_name("Vårt eget namn").name == first.name

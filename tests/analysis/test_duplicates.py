"""Duplicate detection: clusters of registrations that are one product, with reasons."""

import csv
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portfolio.analysis import find_duplicates
from portfolio.analysis.duplicates import ServiceRecord, cluster_records
from portfolio.models import Application, LearningResource
from tests.factories import ApplicationFactory, LearningResourceFactory, VendorFactory

LABELLED = Path(__file__).parent / "data" / "labelled_pairs.csv"


def _labelled_rows() -> list[dict[str, str]]:
    with LABELLED.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _cluster_of(names: list[str]) -> dict[str, int]:
    records = [ServiceRecord("application", i, name) for i, name in enumerate(names)]
    clusters = cluster_records(records, include_singletons=True)
    return {names[m.service_id]: number for number, cluster in enumerate(clusters) for m in cluster.members}


def test_precision_and_recall_on_the_labelled_set_are_at_least_ninety_percent():
    """Every name of the set clustered at once; a pair is predicted "same" when both share a cluster."""
    rows = _labelled_rows()
    assert len(rows) >= 300
    names = sorted({r["name_a"] for r in rows} | {r["name_b"] for r in rows})
    cluster = _cluster_of(names)
    tp = fp = fn = 0
    for row in rows:
        predicted = cluster[row["name_a"]] == cluster[row["name_b"]]
        same = row["same"] == "1"
        tp += predicted and same
        fp += predicted and not same
        fn += same and not predicted
    precision = tp / (tp + fp)
    recall = tp / (tp + fn)
    assert precision >= 0.9, f"precision {precision:.3f}"
    assert recall >= 0.9, f"recall {recall:.3f}"


def test_labelled_real_names_still_occur_in_the_shared_data(shared_data):
    """The set claims its names are real: each one named as coming from a file is in that file."""
    import json

    from lxml import etree

    tree = etree.parse(str(shared_data / "saml_skolfederation_2014.xml"))
    texts = {(node.text or "").strip() for node in tree.iter()}
    directory = {e["name"] for e in json.loads((shared_data / "services_2fa-directory.json").read_text())}
    shame = {
        e["name"] for e in json.loads((shared_data / "saas_sso-pricing_sso-wall-of-shame.json").read_text())
    }
    for row in _labelled_rows():
        sources = row["source"].split(" / ")
        for name, source in zip((row["name_a"], row["name_b"]), sources * 2, strict=False):
            if row["same"] == "1" and name == row["name_b"]:
                continue  # the hand-written variant
            if source == "2fa-directory":
                assert name in directory, name
            elif source == "sso-wall-of-shame":
                assert name in shame, name
            elif source == "skolfederation-2014":
                assert name in texts, name


@pytest.mark.django_db
def test_spelling_variants_across_systems_and_learning_resources_form_one_cluster():
    ApplicationFactory(name="InfoMentor")
    ApplicationFactory(name="Infomentor AB")
    LearningResourceFactory(name="Info Mentor app")
    ApplicationFactory(name="Skolon")
    clusters = find_duplicates()
    assert len(clusters) == 1
    cluster = clusters[0]
    assert {m.name for m in cluster.members} == {"InfoMentor", "Infomentor AB", "Info Mentor app"}
    assert {m.service_type for m in cluster.members} == {"application", "learning_resource"}
    assert cluster.is_duplicate and cluster.product_count == 3
    assert cluster.score == 100
    # InfoMentor is in the shipped catalogue: the reason names the product, not a similarity.
    assert cluster.reasons == ["båda är InfoMentor"]
    assert "samma produkt" in cluster.explanation and cluster.fix


@pytest.mark.django_db
def test_spelling_variants_of_a_product_outside_the_catalogue_are_joined_by_name():
    ApplicationFactory(name="Elevkollen")
    ApplicationFactory(name="ElevKollen AB")
    LearningResourceFactory(name="Elev Kollen app")
    [cluster] = find_duplicates()
    assert len(cluster.members) == 3
    assert "namnen 100 % lika" in cluster.reasons


@pytest.mark.django_db
def test_same_entity_id_joins_services_whatever_their_names():
    ApplicationFactory(name="Elevportalen", saml_entity_ids="https://sp.example.se/shibboleth")
    LearningResourceFactory(name="Portalen för elever", saml_entity_ids="https://sp.example.se/shibboleth/\n")
    [cluster] = find_duplicates()
    assert cluster.reasons == ["samma entity ID"]
    assert cluster.score == 100


@pytest.mark.django_db
def test_same_vendor_and_product_joins_but_other_products_of_the_vendor_do_not():
    vendor = VendorFactory(name="Nova Software AB")
    ApplicationFactory(name="Schemaläggning", vendor=vendor, product="Novaschem")
    ApplicationFactory(name="Schema gymnasiet", vendor=vendor, product="NovaSchem 2024")
    ApplicationFactory(name="Skola24 frånvaro", vendor=vendor, product="Skola24")
    [cluster] = find_duplicates()
    assert {m.name for m in cluster.members} == {"Schemaläggning", "Schema gymnasiet"}
    assert "samma leverantör och produkt" in cluster.reasons


@pytest.mark.django_db
def test_same_specific_host_joins_but_a_shared_platform_host_does_not():
    ApplicationFactory(name="Elevportal", url="https://elevportal.mittkoping.se/login")
    ApplicationFactory(name="Mina sidor skola", url="https://www.elevportal.mittkoping.se/")
    ApplicationFactory(name="Google Classroom", url="https://google.com/classroom")
    ApplicationFactory(name="Google Drive", url="https://google.com/drive")
    [cluster] = find_duplicates()
    assert {m.name for m in cluster.members} == {"Elevportal", "Mina sidor skola"}
    assert cluster.reasons == ["samma värd i webbadressen"]


@pytest.mark.django_db
def test_alias_joins_a_service_to_the_one_it_names():
    ApplicationFactory(name="Schoolsoft", aliases="SS\nSkolportalen")
    ApplicationFactory(name="Skolportalen")
    [cluster] = find_duplicates()
    assert "alias" in cluster.reasons


@pytest.mark.django_db
def test_vendor_prefixed_name_matches_the_bare_product_of_the_same_vendor():
    vendor = VendorFactory(name="Microsoft Corporation")
    ApplicationFactory(name="Microsoft Teams", vendor=vendor)
    ApplicationFactory(name="Teams", vendor=vendor)
    ApplicationFactory(name="Microsoft Azure", vendor=vendor)
    [cluster] = find_duplicates()
    assert {m.name for m in cluster.members} == {"Microsoft Teams", "Teams"}


@pytest.mark.django_db
def test_test_environment_is_reported_as_such_and_not_as_a_second_product():
    ApplicationFactory(name="Lärplattformen i Södertälje")
    ApplicationFactory(name="TESTMILJÖ för Lärplattformen i Södertälje")
    [cluster] = find_duplicates()
    roles = {m.name: m.role for m in cluster.members}
    assert roles == {
        "Lärplattformen i Södertälje": "produkt",
        "TESTMILJÖ för Lärplattformen i Södertälje": "testmiljö",
    }
    assert cluster.product_count == 1 and cluster.test_environment_count == 1
    assert not cluster.is_duplicate
    assert "testmiljö" in cluster.explanation
    assert find_duplicates(include_test_environments=False) == []


@pytest.mark.django_db
def test_a_duplicate_with_a_test_environment_names_both():
    ApplicationFactory(name="SchoolSoft")
    ApplicationFactory(name="Schoolsoft AB")
    ApplicationFactory(name="SchoolSoft-test", url="https://test.schoolsoft.se")
    [cluster] = find_duplicates()
    assert cluster.product_count == 2 and cluster.test_environment_count == 1
    assert "räknas inte som en egen produkt" in cluster.explanation


@pytest.mark.django_db
def test_clean_register_produces_no_clusters():
    vendor = VendorFactory(name="Google")
    for name in [
        "Google Classroom",
        "Google Drive",
        "Google Meet",
        "Canva",
        "Canvas",
        "Skola24",
        "Unikum",
        "Matematik 5000 Kurs 1a",
        "Matematik 5000 Kurs 1b",
        "Helsingborg Elev",
        "Helsingborg Personal",
    ]:
        ApplicationFactory(name=name, vendor=vendor if name.startswith("Google") else VendorFactory())
    assert find_duplicates() == []


@pytest.mark.django_db
def test_querysets_restrict_what_is_compared():
    ApplicationFactory(name="Unikum")
    LearningResourceFactory(name="Unikum app")
    assert find_duplicates(learning_resources=LearningResource.objects.none()) == []
    assert len(find_duplicates(applications=Application.objects.all())) == 1


def _build(n: int) -> None:
    vendors = VendorFactory.create_batch(3)
    apps = [Application(name=f"Tjänst {i} {'ABCDEFGHIJ'[i % 10]}", vendor=vendors[i % 3]) for i in range(n)]
    apps += [
        Application(name=f"Tjanst {i} {'ABCDEFGHIJ'[i % 10]} AB", vendor=vendors[i % 3])
        for i in range(0, n, 5)
    ]
    Application.objects.bulk_create(apps)
    LearningResource.objects.bulk_create(
        [
            LearningResource(name=f"Läromedel {i}", vendor=vendors[0], url=f"https://lr{i}.example.se")
            for i in range(n)
        ]
    )


@pytest.mark.django_db
def test_query_count_does_not_grow_with_rows():
    _build(20)
    with CaptureQueriesContext(connection) as small:
        first = find_duplicates()
    _build(60)
    with CaptureQueriesContext(connection) as large:
        second = find_duplicates()
    assert len(second) > len(first) > 0
    assert len(small) == len(large) == 4  # services ×2, catalogue rows, decisions

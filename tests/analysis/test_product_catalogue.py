"""The shipped product catalogue (portfolio/data/product_catalogue.json) keeps its contract.

The duplicate finder uses the catalogue as evidence ("both are Flip, formerly Flipgrid"), so a
wrong entry makes it join or split real services. These tests hold the file to the shape in the
contract and to facts that can be checked offline: valid organisationsnummer, registrable domains
by the Public Suffix List snapshot that tldextract ships, SAML entity IDs that really occur in the
Skolfederation metadata, capabilities from the taxonomy, and a public source for every entry.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import tldextract
from lxml import etree
from stdnum.se import orgnr

from integrations.demo.names import AREAS

CATALOGUE = Path(__file__).resolve().parents[2] / "portfolio" / "data" / "product_catalogue.json"
SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"
SKOLFEDERATION = SHARED / "saml_skolfederation_2014.xml"

PRODUCT_KEYS = {
    "name", "former_names", "aliases", "family", "vendor", "domains", "saml_entity_ids",
    "capability", "separate_qualifiers", "source",
}
VENDOR_KEYS = {"name", "former_names", "orgnr", "country"}


@pytest.fixture(scope="module")
def catalogue() -> dict:
    return json.loads(CATALOGUE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def products(catalogue: dict) -> list[dict]:
    return catalogue["products"]


def test_catalogue_has_a_calendar_version(catalogue: dict) -> None:
    assert re.fullmatch(r"20\d\d\.(0[1-9]|1[0-2])\.\d+", catalogue["version"])
    assert set(catalogue) == {"version", "products"}


def test_catalogue_has_at_least_150_products(products: list[dict]) -> None:
    assert len(products) >= 150


def test_every_product_has_exactly_the_contract_fields(products: list[dict]) -> None:
    for product in products:
        assert set(product) == PRODUCT_KEYS, product["name"]
        assert set(product["vendor"]) == VENDOR_KEYS, product["name"]
        for key in ("former_names", "aliases", "domains", "saml_entity_ids", "separate_qualifiers"):
            assert isinstance(product[key], list), (product["name"], key)
            values = product[key]
            assert all(isinstance(v, str) and v.strip() == v and v for v in values), (product["name"], key)
        assert isinstance(product["vendor"]["former_names"], list)
        for key in ("name", "family", "capability", "source"):
            assert isinstance(product[key], str), (product["name"], key)


def test_products_are_sorted_by_name(products: list[dict]) -> None:
    names = [p["name"].casefold() for p in products]
    assert names == sorted(names)


def test_file_is_utf8_with_two_space_indent() -> None:
    text = CATALOGUE.read_text(encoding="utf-8")
    assert text.startswith('{\n  "version"')
    assert "\\u00" not in text, "write Swedish letters as themselves (ensure_ascii=False)"


def test_every_product_and_vendor_is_named(products: list[dict]) -> None:
    for product in products:
        assert product["name"].strip(), product
        assert product["vendor"]["name"].strip(), product["name"]
        assert re.fullmatch(r"[A-Z]{2}", product["vendor"]["country"]), product["name"]


def test_names_former_names_and_aliases_are_unique_across_products(products: list[dict]) -> None:
    """One spelling must point at one product, or the catalogue would join two products."""
    owner: dict[str, str] = {}
    for product in products:
        spellings = [product["name"], *product["former_names"], *product["aliases"]]
        for spelling in {s.casefold() for s in spellings}:
            other = owner.get(spelling)
            assert other is None, f"{spelling!r} names both {other} and {product['name']}"
            owner[spelling] = product["name"]


def test_every_vendor_orgnr_is_a_valid_organisationsnummer(products: list[dict]) -> None:
    for product in products:
        number = product["vendor"]["orgnr"]
        if number:
            assert re.fullmatch(r"\d{6}-\d{4}", number), (product["name"], number)
            assert orgnr.is_valid(number), (product["name"], number)


def test_one_vendor_has_one_orgnr(products: list[dict]) -> None:
    seen: dict[str, str] = {}
    for product in products:
        vendor, number = product["vendor"]["name"], product["vendor"]["orgnr"]
        if number:
            assert seen.setdefault(vendor, number) == number, vendor


def test_domains_are_lower_case_registrable_domains(products: list[dict]) -> None:
    extract = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
    for product in products:
        for domain in product["domains"]:
            assert domain == domain.lower(), (product["name"], domain)
            assert extract(domain).top_domain_under_public_suffix == domain, (product["name"], domain)


def test_a_domain_belongs_to_one_product(products: list[dict]) -> None:
    """A shared vendor-wide domain (google.com, microsoft.com) cannot tell products apart."""
    owner: dict[str, str] = {}
    for product in products:
        for domain in product["domains"]:
            assert domain not in owner, f"{domain} on both {owner.get(domain)} and {product['name']}"
            owner[domain] = product["name"]


def test_capabilities_come_from_the_taxonomy(products: list[dict]) -> None:
    allowed = {f"{area} › {cap}" for area, caps in AREAS.items() for cap in caps}
    for product in products:
        assert product["capability"] in allowed | {""}, (product["name"], product["capability"])
    assert sum(1 for p in products if p["capability"]) >= 0.8 * len(products)


def test_every_product_notes_a_public_source(products: list[dict]) -> None:
    for product in products:
        assert re.search(r"https?://|shared:", product["source"]), product["name"]


def test_separate_qualifiers_are_not_aliases(products: list[dict]) -> None:
    for product in products:
        folded = {a.casefold() for a in product["aliases"]}
        for qualifier in product["separate_qualifiers"]:
            assert f"{product['name']} {qualifier}".casefold() not in folded, (product["name"], qualifier)


def test_renames_named_in_the_issue_are_in_the_catalogue(products: list[dict]) -> None:
    by_name = {p["name"]: p for p in products}
    assert "Flipgrid" in by_name["Flip"]["former_names"]
    assert "Azure AD" in by_name["Microsoft Entra ID"]["former_names"]
    assert "Tieto Education" in by_name["Edlevo"]["former_names"]
    assert "Novaschem" in by_name["Skola24 Schema"]["former_names"]
    assert {"UR", "Utbildningsradion"} <= set(by_name["UR Play"]["aliases"])


@pytest.mark.skipif(not SKOLFEDERATION.exists(), reason="../shared/data (Skolfederation metadata) is absent")
def test_every_saml_entity_id_occurs_in_the_skolfederation_metadata(products: list[dict]) -> None:
    ns = {"md": "urn:oasis:names:tc:SAML:2.0:metadata"}
    tree = etree.parse(str(SKOLFEDERATION))
    entity_ids = {e.get("entityID") for e in tree.iterfind(".//md:EntityDescriptor", ns)}
    seen: set[str] = set()
    for product in products:
        for entity_id in product["saml_entity_ids"]:
            assert entity_id in entity_ids, (product["name"], entity_id)
            assert entity_id not in seen, f"{entity_id} is on two products"
            seen.add(entity_id)
    assert len(seen) >= 15

"""Each kind of case a real municipal register holds, with real product names.

One test per kind of the issue: qualifiers (edition, school form, module, platform, vendor or
owner in brackets), renames and abbreviations, vendor-name variants and organisationsnummer,
addresses (tenant subdomain, another top-level domain, www and paths), and the hard negatives
that must stay apart. Clustering is in memory with the shipped catalogue unless a test says
otherwise (``Catalogue()`` = the general rules alone).
"""

from __future__ import annotations

import pytest

from portfolio.analysis import find_duplicates
from portfolio.analysis.catalogue import Catalogue, CatalogueEntry, CatalogueVendor
from portfolio.analysis.duplicates import TIER_FAMILY, TIER_SAME_PRODUCT, ServiceRecord, cluster_records
from portfolio.models import CatalogueProduct
from tests.factories import ApplicationFactory, LearningResourceFactory, VendorFactory

NO_CATALOGUE = Catalogue()


def _records(*specs) -> list[ServiceRecord]:
    """Records from names or (name, vendor, url[, orgnr]) tuples, numbered in order."""
    records = []
    for i, spec in enumerate(specs):
        name, vendor, url, orgnr = (spec, "", "", "") if isinstance(spec, str) else (*spec, "", "", "")[:4]
        records.append(
            ServiceRecord("learning_resource", i, name, vendor_name=vendor, url=url, vendor_orgnr=orgnr)
        )
    return records


def _clusters(*specs, catalogue: Catalogue | None = None):
    records = _records(*specs)
    clusters = cluster_records(records, catalogue=catalogue)
    return [({m.name for m in c.members}, c) for c in clusters]


def _only(*specs, catalogue: Catalogue | None = None):
    [(names, cluster)] = _clusters(*specs, catalogue=catalogue)
    return names, cluster


# Qualifiers appended to the product's name


@pytest.mark.parametrize("catalogue", [None, NO_CATALOGUE], ids=["catalogue", "rules"])
@pytest.mark.parametrize(
    ("plain", "qualified"),
    [
        ("Canva", "Canva for Education"),  # edition
        ("Kahoot!", "Kahoot! EDU"),  # edition
        ("Microsoft Teams", "Microsoft Teams för utbildning"),  # edition, in Swedish
        ("GeoGebra", "GeoGebra Classic 6"),  # edition with its number
    ],
)
def test_an_edition_or_plan_after_the_name_is_the_same_family_for_review(plain, qualified, catalogue):
    names, cluster = _only(plain, qualified, catalogue=catalogue)
    assert names == {plain, qualified}
    assert cluster.tier == TIER_FAMILY
    assert any("har ett tillägg" in reason for reason in cluster.reasons)


@pytest.mark.parametrize(
    ("plain", "qualified"),
    [("Vklass", "Vklass gymnasiet"), ("Unikum", "Unikum förskola"), ("InfoMentor", "InfoMentor grundskola")],
)
def test_a_school_form_after_the_name_is_the_same_family(plain, qualified):
    names, cluster = _only(plain, qualified, catalogue=NO_CATALOGUE)
    assert names == {plain, qualified} and cluster.tier == TIER_FAMILY
    assert any("skolform" in reason for reason in cluster.reasons)


@pytest.mark.parametrize(
    ("plain", "qualified"),
    [
        ("Dexter", "Dexter frånvaronotifiering"),
        ("Tempus", "Tempus frånvaro och vistelsetid"),
        ("ProReNata", "ProReNata elevhälsojournal"),
        ("Unikum", "Unikums arkiv"),
        ("SchoolSoft", "SchoolSoft – Skolportal"),
    ],
)
def test_a_module_or_purpose_after_the_name_is_the_same_family(plain, qualified):
    names, cluster = _only(plain, qualified, catalogue=NO_CATALOGUE)
    assert names == {plain, qualified} and cluster.tier == TIER_FAMILY


@pytest.mark.parametrize(
    ("plain", "other"),
    [
        ("Book Creator", "Book Creator iPad"),
        ("Mentimeter", "Mentimeter webb"),
        ("Skola24", "Skola24 Mobilapp"),
        ("Mentimeter", "Mentimeter (Mentimeter AB)"),  # the vendor in brackets
        ("Edlevo", "Edlevo (Tietoevry AB)"),  # a vendor with its legal form
        ("Vklass", "Vklass (Barn- och utbildningsförvaltningen)"),  # the owner in brackets
        ("Unikum", "e-tjänsten Unikum"),
        ("SchoolSoft", "Lärplattformen SchoolSoft"),
    ],
)
def test_a_platform_the_vendor_or_the_owner_in_brackets_is_the_same_product(plain, other):
    names, cluster = _only(plain, other, catalogue=NO_CATALOGUE)
    assert names == {plain, other} and cluster.tier == TIER_SAME_PRODUCT


def test_a_vendor_the_catalogue_knows_in_brackets_is_the_same_product_without_its_legal_form():
    names, cluster = _only("Edlevo", "Edlevo (Tietoevry)")
    assert cluster.tier == TIER_SAME_PRODUCT


# Renamed products and vendors, abbreviations


@pytest.mark.parametrize(
    ("first", "second", "reason"),
    [
        ("Flip", "Flipgrid", "båda är Flip, tidigare Flipgrid"),
        ("Microsoft Entra ID", "Azure AD", "båda är Microsoft Entra ID, tidigare Azure AD"),
        ("Padlet", "Wallwisher", "båda är Padlet, tidigare Wallwisher"),
        ("Unit4 ERP", "Agresso", "båda är Unit4 ERP, tidigare Agresso"),
        ("UR Play", "Utbildningsradion", "båda är UR Play, även kallad Utbildningsradion"),
        ("Skola24 Schema", "Novaschem", "båda är Skola24 Schema, tidigare Novaschem"),
    ],
)
def test_a_renamed_product_is_found_through_the_catalogue_with_the_evidence_named(first, second, reason):
    names, cluster = _only(first, second)
    assert names == {first, second}
    assert cluster.tier == TIER_SAME_PRODUCT
    assert reason in cluster.reasons


def test_without_the_catalogue_a_rename_is_not_guessed():
    assert _clusters("Flip", "Flipgrid", catalogue=NO_CATALOGUE) == []


def test_abbreviations_join_through_the_catalogue_or_an_acronym_in_brackets():
    names, cluster = _only("GWFE", "G Suite for Education", "Google Workspace for Education")
    assert len(names) == 3 and cluster.tier == TIER_SAME_PRODUCT
    # Outside the catalogue, an acronym in brackets names the product as well.
    names, _cluster = _only("Skolans Digitala Arkiv (SDA)", "SDA", catalogue=NO_CATALOGUE)
    assert names == {"Skolans Digitala Arkiv (SDA)", "SDA"}


def test_a_municipal_catalogue_row_is_evidence_like_a_shipped_one():
    local = CatalogueEntry(
        name="Hemtjänstportalen",
        former_names=("Omsorgsportalen",),
        vendor=CatalogueVendor(),
        origin="municipal",
    )
    names, cluster = _only("Hemtjänstportalen", "Omsorgsportalen", catalogue=Catalogue([local]))
    assert cluster.reasons == ["båda är Hemtjänstportalen, tidigare Omsorgsportalen"]


@pytest.mark.django_db
def test_find_duplicates_uses_the_municipalitys_catalogue_rows():
    CatalogueProduct.objects.create(name="Elevkortet", former_names="Skolkortet\nSL-kort skola")
    ApplicationFactory(name="Elevkortet")
    LearningResourceFactory(name="SL-kort skola")
    [cluster] = find_duplicates()
    assert cluster.reasons == ["båda är Elevkortet, tidigare SL-kort skola"]


# Vendor name variants


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("GeoGebra GmbH", "GeoGebra"),
        ("Duolingo, Inc.", "Duolingo"),
        ("Natur och Kultur", "Natur & Kultur"),
        ("Storytel AB (publ)", "Storytel"),
        ("ConDidact A/S", "ConDidact AB"),
        ("Qridi Oy", "Qridi"),
        ("Canva Pty Ltd", "Canva"),
    ],
)
def test_legal_forms_and_and_signs_do_not_tell_products_apart(first, second):
    names, cluster = _only(first, second, catalogue=NO_CATALOGUE)
    assert names == {first, second} and cluster.tier == TIER_SAME_PRODUCT


def test_the_vendor_named_first_in_the_product_name_is_the_records_vendor():
    names, _cluster = _only(("IST Dexter", "", ""), ("Dexter", "IST", ""), catalogue=NO_CATALOGUE)
    assert names == {"IST Dexter", "Dexter"}


def test_the_same_organisationsnummer_written_differently_is_the_same_vendor():
    # Two registrations of the vendor's product, the orgnr once with and once without the dash.
    names, cluster = _only(
        ("Elevhälsa", "ProReNata AB", "", "556016-0680"),
        ("Elevhälsa journal", "Prorenata Aktiebolag", "", "5560160680"),
        catalogue=NO_CATALOGUE,
    )
    assert len(names) == 2 and cluster.tier == TIER_FAMILY
    # Different organisationsnummer: the same words are two vendors' products.
    assert _clusters(
        ("Elevhälsa", "ProReNata AB", "", "556016-0680"),
        ("Elevhälsa journal", "Annan leverantör AB", "", "202100-5489"),
        catalogue=NO_CATALOGUE,
    ) == []


@pytest.mark.django_db
def test_vendor_and_product_join_when_the_vendor_is_registered_twice_with_one_orgnr():
    first = VendorFactory(name="Nova Software AB", organisation_number="556016-0680")
    ApplicationFactory(name="Schemaläggning", vendor=first, product="Novaschem")
    ApplicationFactory(name="Schema gymnasiet", vendor=first, product="NovaSchem 2024")
    [cluster] = find_duplicates()
    assert "samma leverantör och produkt" in cluster.reasons


# Addresses


def test_a_municipalitys_tenant_subdomain_is_the_products_family():
    names, cluster = _only(
        ("itslearning", "", "https://itslearning.com"),
        ("Lärplattform Mittköping", "", "https://mittkoping.itslearning.com/"),
    )
    assert cluster.tier == TIER_FAMILY
    assert (
        "”Lärplattform Mittköping” ligger på en egen adress (mittkoping.itslearning.com) hos itslearning"
        in cluster.reasons
    )
    # The same without the catalogue: the product is named as its site.
    names, cluster = _only(
        ("Elevkollen", "", "https://www.elevkollen.se"),
        ("Mittköpings elevregister", "", "https://mittkoping.elevkollen.se/login"),
        catalogue=NO_CATALOGUE,
    )
    assert cluster.tier == TIER_FAMILY


def test_the_same_site_name_under_another_top_level_domain_with_agreeing_names_is_one_product():
    names, cluster = _only(
        ("Matteportalen", "", "https://www.matteportalen.se/"),
        ("Matematikportalen", "", "https://matteportalen.com/elev"),
        catalogue=NO_CATALOGUE,
    )
    assert cluster.tier == TIER_SAME_PRODUCT
    assert "samma webbplats (matteportalen) och liknande namn" in cluster.reasons


def test_a_shared_platform_domain_alone_does_not_join_products():
    assert (
        _clusters(
            ("Google Classroom", "", "https://classroom.google.com"),
            ("Google Drive", "", "https://drive.google.com"),
            ("Google Meet", "", "https://meet.google.com/"),
        )
        == []
    )


def test_a_domain_on_the_catalogue_identifies_a_record_named_as_its_vendor():
    names, cluster = _only(("Nova Software AB", "", "http://www.novasoftware.se/"), "Skola24")
    assert cluster.tier == TIER_SAME_PRODUCT
    assert "båda är Skola24, adressen novasoftware.se är produktens" in cluster.reasons


# Hard negatives: must stay apart


@pytest.mark.parametrize("catalogue", [None, NO_CATALOGUE], ids=["catalogue", "rules"])
@pytest.mark.parametrize(
    "names",
    [
        ("Microsoft Whiteboard", "Microsoft Stream", "Microsoft Forms"),  # two products of one vendor
        ("Google Meet", "Google Chat", "Gmail"),
        ("Sophos Home", "ESET HOME"),
        ("Skolon", "Skolwebben", "Skola24", "Skolverket"),  # a common word
        ("Digitala lärverktyg", "Digital skolbok", "Digilär"),
        ("Lärum", "Lärplattformen i Södertälje", "Läromedia"),
        ("Canvas", "Canva"),
        ("Flip", "Flipboard", "Flipsnack"),
        ("Zoom", "IO Zoom"),
        ("Clever", "CleverTap"),
    ],
)
def test_products_sharing_a_vendor_or_a_word_stay_apart(names, catalogue):
    assert _clusters(*names, catalogue=catalogue) == []


@pytest.mark.parametrize(
    "names",
    [
        ("Office 365", "Teams"),  # a suite and one of its parts
        ("Google Workspace for Education", "Google Classroom"),
        ("Skola24", "Skola24 Schema"),  # the catalogue lists Schema as a separate product
        ("Minecraft", "Minecraft Education Edition"),
        ("Dropbox", "Dropbox Sign"),
        ("UR Play", "UR Access"),
    ],
)
def test_a_suite_and_its_part_or_a_separate_qualifier_stay_apart_with_the_catalogue(names):
    assert _clusters(*names) == []


def test_two_catalogue_products_never_join_even_through_a_third_registration():
    # "Forms" is Microsoft Forms in the catalogue; Google Forms is another product.
    clusters = _clusters("Microsoft Forms", "Forms", "Google Forms", "Google Formulär")
    assert sorted(sorted(names) for names, _c in clusters) == [
        ["Forms", "Microsoft Forms"],
        ["Google Forms", "Google Formulär"],
    ]


def test_the_catalogue_names_a_separate_qualifiers_product():
    # Microsoft 365 lists Teams as a separate product: "Office 365 Teams" is Teams, not Office 365.
    names, _cluster = _only("Office 365 Teams", "Microsoft Teams", "MS Teams")
    assert names == {"Office 365 Teams", "Microsoft Teams", "MS Teams"}
    assert _clusters("Office 365 Teams", "Office 365") == []

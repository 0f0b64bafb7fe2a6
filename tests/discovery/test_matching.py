"""Matching discovered applications to registered services: the cases real registers hold."""

from __future__ import annotations

import pytest

from discovery.matching import MatchKind, match_applications
from integrations.identity.records import DiscoveredApp, Source, SsoMode
from portfolio.analysis.catalogue import load_catalogue
from portfolio.analysis.duplicates import ServiceRecord


def _service(pk: int, name: str, *, vendor: str = "", url: str = "", entity_ids=(), kind="application"):
    return ServiceRecord(kind, pk, name, vendor_name=vendor, url=url, entity_ids=tuple(entity_ids))


def _app(name: str, *, urls=(), entity_ids=(), publisher: str = "", key: str | None = None):
    return DiscoveredApp(
        Source.ENTRA_APPS, key or name, name, SsoMode.SAML, publisher=publisher, urls=tuple(urls),
        entity_ids=tuple(entity_ids),
    )  # fmt: skip


REGISTER = [
    _service(1, "Kahoot Skola", vendor="Kahoot! AS"),
    _service(2, "Flipgrid", kind="learning_resource"),
    _service(3, "Its learning grundskola", url="https://itslearning.com"),
    _service(4, "Skola24 Schema", vendor="Skola24 AB", url="https://web.skola24.se"),
    _service(5, "Microsoft Stream", vendor="Microsoft"),
    _service(6, "Google Classroom", vendor="Google"),
    _service(7, "Mentimeter (Mentimeter AB)", vendor="Mentimeter AB"),
    _service(8, "Elevhälsojournal PMO", vendor="Tieto Evry", entity_ids=["https://pmo.tieto.com/saml"]),
    _service(9, "Skolon", url="https://skolon.com"),
    _service(10, "Skolon TEST", url="https://test.skolon.com"),
    _service(11, "Digitala nationella prov", vendor="Skolverket"),
]


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


def _match(app, catalogue):
    [match] = match_applications([app], REGISTER, catalogue)
    return match


def test_a_gallery_name_matches_the_registers_name_with_a_qualifier(catalogue):
    match = _match(_app("Kahoot!", publisher="Kahoot! AS"), catalogue)
    assert (match.kind, match.service) == (MatchKind.MATCHED, ("application", 1))


def test_a_renamed_product_matches_its_former_name(catalogue):
    match = _match(_app("Flip", publisher="Microsoft"), catalogue)
    assert match.service == ("learning_resource", 2)


def test_a_municipal_tenant_subdomain_matches_the_products_site(catalogue):
    app = _app("itslearning – Mittköping", urls=["https://mittkoping.itslearning.com/elogin/"])
    assert _match(app, catalogue).service == ("application", 3)


def test_an_entity_id_matches_whatever_the_name(catalogue):
    app = _app("PMO SAML", entity_ids=["https://pmo.tieto.com/saml/"])
    assert _match(app, catalogue).service == ("application", 8)


def test_the_vendor_in_brackets_does_not_stop_a_match(catalogue):
    assert _match(_app("Mentimeter", publisher="Mentimeter AB"), catalogue).service == ("application", 7)


def test_a_production_registration_is_preferred_over_its_test_environment(catalogue):
    match = _match(_app("Skolon", urls=["https://app.skolon.com/sso"]), catalogue)
    assert match.services[0] == ("application", 9)


@pytest.mark.parametrize(
    "name",
    ["Microsoft Whiteboard", "Google Drive", "Skolverket Bedömningsportalen", "Skolplattform Närvaro"],
)
def test_another_product_of_a_known_vendor_stays_unmatched(name, catalogue):
    match = _match(_app(name), catalogue)
    assert match.service is None, match


def test_an_application_nobody_registered_is_unmatched(catalogue):
    match = _match(_app("Quizlet", urls=["https://quizlet.com/"]), catalogue)
    assert match.kind == MatchKind.UNMATCHED and match.services == ()


def test_many_applications_are_matched_in_their_own_order(catalogue):
    apps = [_app("Quizlet"), _app("Kahoot!"), _app("Flip")]
    matches = match_applications(apps, REGISTER, catalogue)
    assert [m.app.name for m in matches] == ["Quizlet", "Kahoot!", "Flip"]
    assert [m.service for m in matches] == [None, ("application", 1), ("learning_resource", 2)]

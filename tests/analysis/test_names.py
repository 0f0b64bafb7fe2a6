"""Name normalisation: what two registrations of one product have in common."""

import pytest

from portfolio.analysis.names import (
    host_of,
    is_test_environment,
    name_similarity,
    normalise_host,
    normalise_name,
)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("InfoMentor", "infomentor"),
        ("Infomentor AB", "infomentor"),
        ("Nova Software AB (publ)", "nova software"),
        ("ConDidact A/S", "condidact"),
        ("Kahoot! AS", "kahoot"),
        ("Teamviewer GmbH", "teamviewer"),
        ("Quizlet Inc.", "quizlet"),
        ("Lärplattformen i Södertälje", "larplattformen i sodertalje"),
        ("TESTMILJÖ för Lärplattformen i Södertälje", "larplattformen i sodertalje"),
        ("Unikum app för skolan", "unikum"),
        ("SchoolSoft 2024", "schoolsoft"),
        ("Infomentor v2", "infomentor"),
        ("Skola24 v3.1", "skola24"),
        ("EdWise 2.0", "edwise"),
        ("It's learning", "its learning"),
        ("Weights & Biases", "weights biases"),
        ("Brilliant.org", "brilliant"),
        ("Ping-Pong staging", "ping pong"),
    ],
)
def test_normalise_name_removes_what_does_not_tell_products_apart(name, expected):
    assert normalise_name(name) == expected


def test_legal_suffix_is_only_removed_at_the_end():
    assert normalise_name("AS Oy Bostad") == "as oy bostad"


def test_a_name_that_is_only_filler_is_kept_rather_than_emptied():
    assert normalise_name("Test") == "test"
    assert normalise_name("App") == "app"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Info Mentor", "Infomentor"),
        ("Studentlitteratur", "Studentlitteratru"),
        ("Lerum skolkonto", "Lerums skolkonto"),
    ],
)
def test_spelling_variants_are_alike(a, b):
    assert name_similarity(normalise_name(a), normalise_name(b)) >= 88


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Canva", "Canvas"),
        ("Google Pay", "Google Play"),
        ("Virgin Plus", "Virgin Pulse"),
        ("New York University", "York University"),
        ("Matematik 5000 Kurs 1a", "Matematik 5000 Kurs 1b"),
        ("Barclays [UK]", "Barclays [US]"),
        ("Helsingborg Elev", "Helsingborg Personal"),
    ],
)
def test_different_products_with_similar_names_are_not_alike(a, b):
    assert name_similarity(normalise_name(a), normalise_name(b)) < 88


@pytest.mark.parametrize(
    ("name", "urls", "expected"),
    [
        ("TESTMILJÖ för Lärplattformen i Södertälje", (), True),
        ("Schoolsoft-test", (), True),
        ("Loom staging", (), True),
        ("Fronter", ("https://ws-test.fronter.com/shibboleth",), True),
        ("Skola24", ("sandbox-sso.skola24.se",), True),
        ("Skola24", ("https://www.skola24.se",), False),
        ("Testrail Cloud", (), False),
        ("Demokrati i skolan", (), False),
    ],
)
def test_test_environments_are_recognised_by_name_or_host(name, urls, expected):
    assert is_test_environment(name, urls) is expected


def test_hosts_lose_www_and_test_labels():
    assert normalise_host(host_of("https://www.skola24.se/x")) == "skola24.se"
    assert normalise_host(host_of("https://test.elevportal.mittkoping.se")) == "elevportal.mittkoping.se"
    assert (
        normalise_host(host_of("https://test-larplattformen.pingpong.net/a")) == "larplattformen.pingpong.net"
    )
    assert host_of("urn:mace:feide.no:services:com.itslearning") == ""


def test_strip_diacritics_drops_exactly_the_combining_marks_that_nfkd_splits_off():
    """The translate table gives what removing every combining mark after NFKD gives, for all
    of Latin, Greek, Cyrillic and Vietnamese letters and marks written on their own."""
    import unicodedata

    from portfolio.text import strip_diacritics

    text = "".join(chr(c) for c in range(0x20, 0x0530)) + "Öppna Hörnan ệ ǆ e\u0301 ﬁ Å"
    expected = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    assert strip_diacritics(text) == expected
    assert strip_diacritics("Öppna Hörnan") == "Oppna Hornan"

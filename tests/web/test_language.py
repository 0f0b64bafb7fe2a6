"""Swedish by default, English when the user chooses it with the language switch."""

import pytest


@pytest.fixture
def logged_in(client, reader):
    client.force_login(reader)
    return client


def test_the_ui_is_swedish_even_for_a_browser_that_prefers_english(logged_in):
    page = logged_in.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="sv"' in page and "Översikt" in page


def test_the_language_switch_turns_the_ui_english(logged_in):
    logged_in.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = logged_in.get("/").content.decode()
    assert 'lang="en"' in page and "Overview" in page

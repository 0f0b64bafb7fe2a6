"""Swedish by default, English when the user chooses it with the language switch."""

import pytest
from django.urls import reverse

from tests.duplicate_cases import same_product_pair
from tests.factories import LearningResourceFactory


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


def test_english_menu_names_each_list_in_the_plural(client, strategist):
    client.force_login(strategist)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    menu = client.get("/").content.decode().split('class="side-nav"')[1].split("</nav>")[0]
    assert ">Systems</a>" in menu and ">Management objects</a>" in menu and ">Contracts</a>" in menu
    assert ">System</a>" not in menu and ">Management object</a>" not in menu


def test_the_english_duplicates_page_names_a_services_kind_in_english(client, reader):
    same_product_pair(LearningResourceFactory)
    client.force_login(reader)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get(reverse("analysis:duplicates")).content.decode()
    assert "(learning resource)" in page
    assert "(lärresurs)" not in page

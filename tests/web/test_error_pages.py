"""403, 404 and 500 pages: the site's layout and language, and what the user can do next."""

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views.defaults import server_error


@pytest.mark.django_db
def test_404_is_in_the_layout_in_swedish_and_points_to_the_system_search(client, reader):
    client.force_login(reader)
    response = client.get("/finns-inte-alls/")
    assert response.status_code == 404
    page = response.content.decode()
    assert '<html lang="sv">' in page and 'class="side-nav"' in page  # the layout, with the menu
    assert "<h1>Sidan finns inte</h1>" in page
    assert "Vad du kan göra" in page
    assert f'href="{reverse("portfolio:application_list")}"' in page


@pytest.mark.django_db
def test_403_says_the_role_may_not_and_who_can_help(client, reader):
    client.force_login(reader)
    response = client.get(reverse("portfolio:application_add"))
    assert response.status_code == 403
    page = response.content.decode()
    assert "<h1>Du saknar behörighet</h1>" in page and "Inget har ändrats" in page
    assert "dataskyddssamordnaren" in page and 'class="side-nav"' in page


@pytest.mark.django_db
def test_404_follows_the_chosen_language(client, reader):
    client.force_login(reader)
    client.cookies["django_language"] = "en"
    page = client.get("/finns-inte-alls/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<h1>Page not found</h1>" in page


def test_500_renders_without_a_request_context_or_the_database():
    """No ``django_db`` mark: any database query here fails the test."""
    request = RequestFactory().get("/")
    with translation.override("sv"):
        response = server_error(request)
    page = response.content.decode()
    assert response.status_code == 500
    assert "<h1>Något gick fel</h1>" in page and "Vad du kan göra" in page
    assert 'class="site-header"' in page and 'class="side-nav"' not in page
    with translation.override("en"):
        assert "<h1>Something went wrong</h1>" in server_error(request).content.decode()

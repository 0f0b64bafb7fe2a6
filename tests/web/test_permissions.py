"""The permission matrix of the web pages: every role group × every page, export and POST action.

Allowed → 200 (or 400 for a POST with an empty form: it reached the form), refused → 403,
anonymous → a redirect to the login page, for everything.
"""

import pytest
from django.urls import reverse

from accounts.roles import Role
from portfolio.views import REGISTERS
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MODELS = [model._meta.model_name for _prefix, model, *_rest in REGISTERS]

#: What each role may add and change in the web UI (accounts/roles.py says the same in permissions).
EDITABLE = {
    Role.STRATEGIST: set(MODELS),
    Role.IT: {"organisation", "vendor", "application", "learningresource"},
    Role.DATA_PROTECTION: set(),
    Role.READER: set(),
    None: set(),
}
READS_PORTFOLIO = {
    Role.STRATEGIST: True, Role.IT: True, Role.DATA_PROTECTION: True, Role.READER: True, None: False,
}


ANALYSIS_PAGES = ["duplicates", "standardisation", "sso_coverage", "pm3_gaps", "equity"]


def read_urls(landscape) -> list[str]:
    urls = [reverse("dashboard"), *(reverse(f"analysis:{name}") for name in ANALYSIS_PAGES)]
    urls += [f"{reverse(f'analysis:{name}')}?format=xlsx" for name in ANALYSIS_PAGES if name != "equity"]
    for name in MODELS:
        urls.append(reverse(f"portfolio:{name}_list"))
        urls.append(reverse(f"portfolio:{name}_export"))
        urls.append(reverse(f"portfolio:{name}_detail", args=[landscape[name].pk]))
    return urls


def edit_urls(landscape) -> list[tuple[str, str]]:
    urls = []
    for name in MODELS:
        urls.append((name, reverse(f"portfolio:{name}_add")))
        urls.append((name, reverse(f"portfolio:{name}_edit", args=[landscape[name].pk])))
    return urls


@pytest.mark.parametrize("role", [Role.STRATEGIST, Role.DATA_PROTECTION, Role.IT, Role.READER, None])
def test_every_page_export_and_edit_answers_as_the_role_allows(client, landscape, role):
    client.force_login(UserFactory(username=f"matrix-{role}", role=role))
    wrong = []
    expected_read = 200 if READS_PORTFOLIO[role] else 403
    for url in read_urls(landscape):
        status = client.get(url).status_code
        if status != expected_read:
            wrong.append(("GET", url, status, expected_read))
    for name, url in edit_urls(landscape):
        allowed = name in EDITABLE[role]
        status = client.get(url).status_code
        if status != (200 if allowed else 403):
            wrong.append(("GET", url, status, 200 if allowed else 403))
        status = client.post(url, {}).status_code
        if (status == 403) == allowed:
            wrong.append(("POST", url, status, "400" if allowed else 403))
    assert wrong == []


#: Merging deletes the duplicate: it takes change and delete on the service, which only the strateg has.
MERGES = {Role.STRATEGIST: True, Role.IT: False, Role.DATA_PROTECTION: False, Role.READER: False, None: False}


@pytest.mark.parametrize("role", [Role.STRATEGIST, Role.DATA_PROTECTION, Role.IT, Role.READER, None])
def test_merge_action_is_allowed_only_to_roles_that_may_change_and_delete_systems(client, role):
    from portfolio.models import Application
    from tests.factories import ApplicationFactory

    kept, duplicate = ApplicationFactory(name="Skolportalen"), ApplicationFactory(name="Skolportalen 2")
    client.force_login(UserFactory(username=f"merge-{role}", role=role))
    response = client.post(
        reverse("analysis:merge"), {"service_type": "application", "kept": kept.pk, "duplicate": duplicate.pk}
    )
    if MERGES[role]:
        assert response.status_code == 302
        assert not Application.objects.filter(pk=duplicate.pk).exists()
    else:
        assert response.status_code == 403
        assert Application.objects.filter(pk=duplicate.pk).exists()


def test_anonymous_gets_nothing_but_a_redirect_to_the_login_page(client, landscape):
    login = reverse("login")
    wrong = []
    for url in read_urls(landscape):
        response = client.get(url)
        if response.status_code != 302 or not response["Location"].startswith(login):
            wrong.append(("GET", url, response.status_code))
    for _name, url in [*edit_urls(landscape), ("merge", reverse("analysis:merge"))]:
        response = client.post(url, {"name": "x"})
        if response.status_code != 302 or not response["Location"].startswith(login):
            wrong.append(("POST", url, response.status_code))
    assert wrong == []


def test_menu_shows_edit_controls_only_to_roles_that_may_edit(client, landscape):
    application = landscape["application"]
    detail = reverse("portfolio:application_detail", args=[application.pk])
    edit = reverse("portfolio:application_edit", args=[application.pk])
    client.force_login(UserFactory(username="menu-reader", role=Role.READER))
    assert edit not in client.get(detail).content.decode()
    client.force_login(UserFactory(username="menu-strateg", role=Role.STRATEGIST))
    assert edit in client.get(detail).content.decode()

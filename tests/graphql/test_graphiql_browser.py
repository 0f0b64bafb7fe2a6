"""GraphiQL renders in a real (headless) Chromium with every request to another host blocked."""

import os
from pathlib import Path

import pytest

from accounts.roles import Role, sync_role_groups
from tests.factories import ApplicationFactory, UserFactory

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts"

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_graphiql_renders_and_answers_offline(live_server):
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent: install Debian's chromium (make browser)")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    sync_role_groups()
    UserFactory(username="it", role=Role.IT)
    ApplicationFactory(name="Skolplattformen")
    foreign: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            context = browser.new_context(base_url=live_server.url)
            context.set_default_timeout(20_000)

            def only_our_server(route):
                if route.request.url.startswith(live_server.url):
                    route.continue_()
                else:
                    foreign.append(route.request.url)
                    route.abort()

            context.route("**/*", only_our_server)
            page = context.new_page()
            page.goto("/konto/logga-in/?next=/graphql/")
            page.fill("input[name=username]", "it")
            page.fill("input[name=password]", "correct-horse-battery")
            page.click("button[type=submit], input[type=submit]")
            page.wait_for_url("**/graphql/**")
            page.wait_for_selector(".graphiql-container")
            page.click(".graphiql-execute-button")
            page.wait_for_function(
                "document.querySelector('.graphiql-response') && "
                "document.querySelector('.graphiql-response').innerText.includes('Skolplattformen')"
            )
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "graphiql.png"))
        finally:
            browser.close()
    assert foreign == []

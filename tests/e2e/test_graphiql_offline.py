"""GraphiQL renders in a real (headless) Chromium with every request to another host blocked."""

from playwright.sync_api import expect

from accounts.roles import Role
from tests.e2e.conftest import login, screenshot
from tests.factories import ApplicationFactory


def test_graphiql_renders_and_answers_offline(page, live_server, e2e_user):
    user = e2e_user(Role.IT, username="it")
    ApplicationFactory(name="Skolplattformen")
    foreign: list[str] = []

    def only_our_server(route):
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            foreign.append(route.request.url)
            route.abort()

    page.context.route("**/*", only_our_server)
    login(page, user)
    page.goto("/graphql/")
    page.wait_for_selector(".graphiql-container")
    page.click(".graphiql-execute-button")
    # A locator, not wait_for_function: the policy forbids the eval() a string predicate needs.
    expect(page.locator(".graphiql-response")).to_contain_text("Skolplattformen")
    screenshot(page, "graphiql")
    assert foreign == []

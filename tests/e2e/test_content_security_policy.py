"""The Content-Security-Policy in a real Chromium: the pages, GraphiQL included, break none of it.

Every CSP violation is reported twice by the browser: as a ``securitypolicyviolation`` event
(collected by a script Playwright installs in every page before the page's own) and as a console
error ("Refused to …"). A page passes when neither reports anything while it loads and is used.
"""

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from tests.e2e.conftest import login
from tests.factories import ApplicationFactory, DataFlowFactory, LearningResourceFactory

COLLECT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


@pytest.fixture
def watched(page):
    """The page, with every CSP violation and console error of its life collected in ``page.problems``."""
    problems: list[str] = []
    page.context.add_init_script(COLLECT_VIOLATIONS)

    def on_console(message) -> None:
        # A failed load is reported by the response hook below, with its address.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            problems.append(message.text)

    def on_response(response) -> None:
        # The admin's pages link no icon, so the browser asks for /favicon.ico: not a policy matter.
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            problems.append(f"{response.status} {response.url}")

    page.on("console", on_console)
    page.on("response", on_response)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.problems = problems
    return page


def violations(page) -> list[str]:
    return page.evaluate("window.__cspViolations || []") + page.problems


def test_graphiql_runs_under_the_policy(watched, e2e_user):
    page = watched
    ApplicationFactory(name="Skolplattformen")
    login(page, e2e_user(Role.IT, username="it"))
    page.goto("/graphql/")
    page.wait_for_selector(".graphiql-container")
    page.click(".graphiql-execute-button")
    # A locator, not wait_for_function: the policy forbids the eval() a string predicate needs.
    expect(page.locator(".graphiql-response")).to_contain_text("Skolplattformen")
    assert violations(page) == []


def test_the_register_pages_and_the_admin_run_under_the_policy(watched, e2e_user):
    page = watched
    application = ApplicationFactory(name="Elevhälsosystemet")
    DataFlowFactory(
        source_application=application, target_application=None,
        target_learning_resource=LearningResourceFactory(name="Matteboken"),
    )
    ApplicationFactory(name="ELEVHÄLSOSYSTEMET")
    user = e2e_user(Role.STRATEGIST, username="strateg")
    user.is_staff = user.is_superuser = True
    user.save()
    page.goto("/konto/logga-in/")
    assert violations(page) == []
    login(page, user)
    for url in (
        "/",
        f"/system/{application.pk}/",  # the data-flow graph (an SVG sized without inline style)
        "/analys/dubbletter/",
        "/system/",
        "/admin/",
        f"/admin/portfolio/application/{application.pk}/change/",
    ):
        response = page.goto(url)
        assert response.status == 200, url
        page.wait_for_load_state("load")
        assert violations(page) == [], url


def test_an_injected_inline_script_does_not_run(watched, e2e_user):
    """The control: the policy is in force in the browser, and the collector sees what it blocks."""
    page = watched
    login(page, e2e_user(Role.READER, username="lasare"))
    page.goto("/")
    directive = page.evaluate(
        """() => new Promise((resolve) => {
          const seen = (e) => resolve(e.violatedDirective);
          document.addEventListener("securitypolicyviolation", seen, {once: true});
          const script = document.createElement("script");
          script.textContent = "window.__ran = true";
          document.body.appendChild(script);
        })"""
    )
    assert directive.startswith("script-src")
    assert page.evaluate("window.__ran === true") is False
    assert violations(page) != []

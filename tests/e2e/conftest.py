"""Browser tests: Playwright for Python driving Debian's Chromium against pytest-django's live server.

Never a downloaded browser: ``/usr/bin/chromium`` comes from the project's install step
(``make browser``); without it every test here is skipped with the reason. Screenshots go to
``test-artifacts/`` (gitignored) so a failing run can be looked at.

Playwright's sync API runs an event loop in the test thread, which makes Django refuse ORM calls
there ("You cannot call this from an async context"); the tests only touch the database between
browser steps, so ``DJANGO_ALLOW_ASYNC_UNSAFE`` is set for the browser session.
"""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from accounts.roles import Role, sync_role_groups
from tests.factories import UserFactory

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts"
PASSWORD = "correct-horse-battery"  # what tests.factories.UserFactory sets
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser() -> Iterator:
    """One headless Chromium for the whole session (starting it is the slow part)."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent: install Debian's chromium (make browser) for the browser tests")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def e2e_db(transactional_db) -> None:
    """The live server runs in another thread, so data must be committed: a transactional database.

    The flush between transactional tests re-creates the role groups through post_migrate, but
    syncing again here keeps the tests independent of that detail.
    """
    sync_role_groups()


@pytest.fixture
def page(browser, live_server, e2e_db) -> Iterator:
    """A fresh browser context (own cookies) on the live server, Swedish, laptop-sized."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="sv-SE",
        viewport={"width": 1280, "height": 900},
        accept_downloads=True,
    )
    context.set_default_timeout(15_000)
    tab = context.new_page()
    try:
        yield tab
    finally:
        context.close()


@pytest.fixture
def e2e_user(e2e_db):
    """``e2e_user(Role.READER)`` → a user in that role group, able to log in with ``PASSWORD``."""

    def make(role: str = Role.READER, username: str | None = None):
        return UserFactory(username=username or f"e2e-{role.lower().replace(' ', '-')}", role=role)

    return make


def login(page, user, password: str = PASSWORD) -> None:
    """Log ``user`` in through the real login form and wait until the app has let them in."""
    page.goto("/konto/logga-in/")
    page.get_by_label("Användarnamn").fill(user.get_username())
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(lambda url: "/konto/logga-in/" not in url)


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot as ``test-artifacts/<name>.png`` and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(target), full_page=True)
    return target


@pytest.fixture
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS

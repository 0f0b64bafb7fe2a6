"""axe-core through Playwright: no WCAG 2.1 A/AA violation of "serious" or "critical" impact.

axe-core comes from npm (``package.json``) and is read from ``node_modules/axe-core/axe.min.js``
(``make install`` runs ``npm install``); ``AXE_CORE_JS`` may point elsewhere. It is injected
into the page by the test itself, never loaded from a CDN. The context bypasses the site's
Content-Security-Policy only so that the injected script may run. Lesser findings are printed
(``pytest -s``) so they can be listed, but do not fail the test.
"""

import os
from pathlib import Path

import pytest
from django.urls import reverse

from accounts.roles import Role
from tests.e2e.conftest import PASSWORD
from tests.factories import BreachFactory, ProcessingActivityFactory
from tests.web.conftest import build_landscape

ROOT = Path(__file__).resolve().parent.parent.parent
AXE = Path(os.environ.get("AXE_CORE_JS", ROOT / "node_modules" / "axe-core" / "axe.min.js"))
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}
RUN = """async tags => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
}"""


@pytest.fixture
def axe_source() -> str:
    if not AXE.exists():
        pytest.skip(f"{AXE} is absent: run npm install (axe-core is in package.json) or set AXE_CORE_JS")
    return AXE.read_text(encoding="utf-8")


def _violations(page, axe_source: str, url: str) -> list[dict]:
    page.goto(url)
    page.evaluate(axe_source)
    return [dict(v, url=url) for v in page.evaluate(RUN, TAGS)]


@pytest.mark.parametrize("role", [Role.READER, Role.STRATEGIST, Role.DATA_PROTECTION])
def test_no_serious_or_critical_wcag_violations_on_each_page_type(
    browser, live_server, e2e_user, axe_source, role
):
    made = build_landscape(2)
    incomplete = ProcessingActivityFactory(name="Behandling utan gallringsbeslut", retention_decision="")
    incomplete.service_links.create(service=made["application"])
    breach = BreachFactory(title="Klasslista till fel vårdnadshavare", imy_notified_at=None, risk="hog")
    breach.activity_links.create(processing_activity=incomplete)
    user = e2e_user(role)
    context = browser.new_context(
        base_url=live_server.url, locale="sv-SE", viewport={"width": 1440, "height": 900}, bypass_csp=True
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        found = _violations(page, axe_source, "/konto/logga-in/")  # the login page, logged out
        page.get_by_label("Användarnamn").fill(user.get_username())
        page.get_by_label("Lösenord").fill(PASSWORD)
        page.get_by_role("button", name="Logga in").click()
        page.wait_for_url(lambda url: "/konto/logga-in/" not in url)
        system = made["application"]
        urls = [
            "/",
            reverse("portfolio:application_list"),
            reverse("portfolio:application_detail", args=[system.pk]),
            reverse("portfolio:application_edit", args=[system.pk]),  # a form, or the 403 page
            reverse("portfolio:application_users", args=[system.pk]),  # users per school, or 403
            reverse("gdpr:gap_list"),
            reverse("gdpr:activity_detail", args=[incomplete.pk]),
            reverse("analysis:equity"),
            reverse("gdpr:breach_report"),  # everyone's short form
            reverse("gdpr:breach_list"),  # the register, or the 403 page for a läsare
            reverse("gdpr:breach_detail", args=[breach.pk]),
            reverse("gdpr:breach_edit", args=[breach.pk]),  # the dataskyddssamordnare's form
            reverse("gdpr:breach_register"),
            "/finns-inte/",  # the 404 page
        ]
        for url in urls:
            found += _violations(page, axe_source, url)
    finally:
        context.close()
    for v in found:
        if v["impact"] not in BLOCKING:
            print(f"axe ({role}) {v['impact']}: {v['id']} on {v['url']}: {v['nodes']}")
    blocking = [v for v in found if v["impact"] in BLOCKING]
    assert blocking == []

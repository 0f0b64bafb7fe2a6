"""The digital strateg in a real browser: from the dashboard to a standardisation candidate's systems."""

from accounts.roles import Role
from portfolio.models import ServiceUsage
from tests.e2e.conftest import login, screenshot
from tests.factories import ApplicationFactory, CapabilityFactory, CostFactory, SchoolUnitFactory


def test_strategist_follows_a_standardisation_candidate_to_its_systems(page, e2e_user):
    capability = CapabilityFactory(name="Lärplattform")
    names = ["Skolportalen", "Classroom-tjänsten", "Lärportalen Norr"]
    for name in names:
        system = ApplicationFactory(name=name)
        system.capability_links.create(capability=capability)
        ServiceUsage.objects.create(service=system, organisation=SchoolUnitFactory(), users=120)
        CostFactory(application=system, year=2025)
    login(page, e2e_user(Role.STRATEGIST))

    assert page.get_by_role("heading", level=1).inner_text() == "Översikt"
    assert page.locator("svg.bar-chart[aria-labelledby]").count() >= 4
    screenshot(page, "dashboard")

    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Standardisering").click()
    page.wait_for_url("**/analys/standardisering/")
    candidate = page.locator("section[id^=candidate-]").first
    assert "Lärplattform" in candidate.inner_text()
    # The ranked table's first row leads to the candidate, which unfolds its outcome.
    page.locator("table.candidates tbody tr").first.get_by_role("link").first.click()
    candidate.get_by_role("link", name="Visa tjänsterna").click()
    page.wait_for_url("**/system/?*")
    table = page.locator("table.register-table")
    for name in names:
        assert table.get_by_role("link", name=name).count() == 1
    screenshot(page, "system-list-candidate")

    # Keyboard users reach the content first: the skip link is the first tab stop.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Hoppa till innehållet"

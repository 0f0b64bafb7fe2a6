"""The strateg chooses the service to keep in a real browser and sees the outcome without a page load."""

from accounts.roles import Role
from portfolio.models import ServiceCapability, ServiceUsage
from tests.e2e.conftest import login, screenshot
from tests.factories import ApplicationFactory, CapabilityFactory, SchoolUnitFactory, VendorFactory


def test_choosing_the_service_to_keep_shows_its_outcome_at_once(page, e2e_user):
    capability = CapabilityFactory(name="Responsverktyg")
    vendor = VendorFactory(name="Mentimeter AB")
    menti = ApplicationFactory(name="Mentimeter", vendor=vendor, url="https://www.mentimeter.com")
    menti_ab = ApplicationFactory(
        name="Mentimeter (Mentimeter AB)", vendor=vendor, url="https://www.mentimeter.com/app"
    )
    kahoot = ApplicationFactory(name="Kahoot!", vendor=VendorFactory(name="Kahoot! ASA"))
    for app, school, users in (
        (menti, "Norra skolan", 900),
        (menti_ab, "Södra skolan", 200),
        (kahoot, "Östra skolan", 400),
    ):
        ServiceCapability.objects.create(service=app, capability=capability)
        ServiceUsage.objects.create(
            service=app, organisation=SchoolUnitFactory(name=school), users=users
        )
    login(page, e2e_user(Role.STRATEGIST))
    page.goto("/analys/standardisering/")
    candidate = page.locator("section[id^=candidate-]", has_text="Responsverktyg")
    row = page.locator("table.candidates tbody tr", has_text="Responsverktyg")
    assert row.locator(".chip--keep").inner_text() == "Mentimeter"
    assert not candidate.get_by_label("Tjänst att behålla").is_visible()  # folded until asked for
    row.get_by_role("link", name="Responsverktyg").click()  # the ranked table's link unfolds it
    candidate.locator("details[open]").wait_for()
    outcome = candidate.locator(".outcome")
    assert "Räknas in i den som behålls" in outcome.inner_text()  # Mentimeter's second registration
    page.evaluate("window.notReloaded = true")

    candidate.get_by_label("Tjänst att behålla").select_option(value=f"application:{kahoot.pk}")
    page.wait_for_url("**behall_capability-*")
    candidate.locator(".outcome", has_text="ert val; analysen föreslår Mentimeter").wait_for()
    text = candidate.locator(".outcome").inner_text()
    assert "Konton som byter\n1\u00a0100" in text or "1 100" in text.replace("\u00a0", " ")
    assert "Mentimeter (Mentimeter AB)" in text  # now phased out with Mentimeter
    assert page.evaluate("window.notReloaded") is True  # swapped in place, no page load
    assert row.locator(".chip--keep").inner_text() == "Kahoot!"  # the ranked table follows the choice
    assert f"behall_capability-{capability.pk}=application%3A{kahoot.pk}" in page.locator(
        "#standardisation-export"
    ).get_attribute("href")
    screenshot(page, "standardisation-choice")

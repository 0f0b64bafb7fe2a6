"""The digital strateg in a real browser: reviews the family tier, decides "not the same product",
sees the decision with their name, and undoes it."""

from accounts.roles import Role
from portfolio.models import DuplicateDecision
from tests.duplicate_cases import family_pair, same_product_pair
from tests.e2e.conftest import login, screenshot


def test_strategist_decides_a_family_pair_is_not_the_same_product_and_undoes_it(page, e2e_user):
    same_product_pair()
    family_pair()
    strateg = e2e_user(Role.STRATEGIST)
    login(page, strateg)

    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Dubbletter").click()
    page.wait_for_url("**/analys/dubbletter/")
    assert page.locator("h2#tier-same_product").inner_text().startswith("Samma produkt (")
    assert page.locator("h2#tier-family").inner_text().startswith("Samma produktfamilj — granska")
    cluster = page.locator("section[aria-labelledby^=cluster-family-]").first
    assert "Vklass Bokning" in cluster.inner_text()
    screenshot(page, "duplicates-two-tiers")

    cluster.locator("details.decide > summary").click()  # the decision stays folded until asked for
    cluster.get_by_label("Motivering (valfri)").fill("Bokningen är en egen modul med eget avtal")
    cluster.get_by_role("button", name="Inte samma produkt").click()
    page.wait_for_url("**/analys/dubbletter/")
    assert page.locator("section[aria-labelledby^=cluster-family-]").count() == 0
    decisions = page.locator("table", has=page.get_by_role("columnheader", name="Beslutat av"))
    assert "Vklass ≠ Vklass Bokning" in decisions.inner_text()
    assert strateg.get_username() in decisions.inner_text()
    assert DuplicateDecision.objects.get().decided_by == strateg
    screenshot(page, "duplicates-decided")

    decisions.get_by_role("button", name="Ångra").click()
    page.wait_for_url("**/analys/dubbletter/")
    assert not DuplicateDecision.objects.exists()
    assert "Vklass Bokning" in page.locator("section[aria-labelledby^=cluster-family-]").first.inner_text()

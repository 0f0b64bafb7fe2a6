"""The main tasks with the keyboard alone — Tab, Shift+Tab, Enter, Space and typing — and a visible
focus on every control reached (WCAG 2.1.1 Keyboard, 2.4.7 Focus Visible).

No click and no ``fill`` on the page under test: each step tabs to its control, checks that the
control shows where the focus is, and acts with a key.
"""

from accounts.roles import Role
from gdpr.models import ProcessingActivity
from portfolio.models import Application
from tests.e2e.conftest import PASSWORD
from tests.factories import ApplicationFactory, BoardFactory, ProcessingActivityFactory
from tests.integrations.helpers import csv_bytes

#: Enough for the longest page here (the processing-activity form) to be walked through twice.
MAX_TABS = 400

FOCUS_SHOWN = """() => {
  const e = document.activeElement, s = getComputedStyle(e);
  const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2;
  return outline || (s.boxShadow && s.boxShadow !== "none");
}"""


def tab_to(page, condition: str, *, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until the focused element meets ``condition`` (JS, ``e`` the element)."""
    check = (
        f"() => {{ const e = document.activeElement; return !!e && e !== document.body && ({condition}); }}"
    )
    for _ in range(MAX_TABS):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        if page.evaluate(check):
            assert page.evaluate(FOCUS_SHOWN), f"no visible focus on {condition}"
            return
    raise AssertionError(f"Tab never reached {condition}")


def named(tag: str, text: str) -> str:
    return f"e.tagName === {tag.upper()!r} && e.textContent.trim() === {text!r}"


def log_in_by_keyboard(page, username: str) -> None:
    page.goto("/konto/logga-in/")
    tab_to(page, "e.id === 'id_username'")
    page.keyboard.type(username)
    tab_to(page, "e.id === 'id_password'")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/konto/logga-in/" not in url)


def test_log_in_and_find_a_system_with_the_keyboard(page, e2e_user):
    ApplicationFactory(name="Vklass")
    for n in range(30):
        ApplicationFactory(name=f"Annat system {n}")
    user = e2e_user(Role.READER)
    log_in_by_keyboard(page, user.username)
    assert user.username in page.locator("header").first.inner_text()  # logged in

    tab_to(page, named("a", "System"))  # the menu
    page.keyboard.press("Enter")
    page.wait_for_url("**/system/")
    tab_to(page, "e.name === 'q'")
    page.keyboard.type("vklass")
    page.keyboard.press("Enter")
    page.wait_for_url("**/system/?*q=vklass*")
    tab_to(page, named("a", "Vklass"))
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/system/{Application.objects.get(name='Vklass').pk}/")
    assert page.locator("h1").inner_text().startswith("Vklass")


def test_fix_a_gap_with_the_keyboard(page, e2e_user):
    activity = ProcessingActivityFactory(
        name="Elevers närvaro", controller=BoardFactory(name="Barn- och utbildningsnämnden"), recipients=""
    )
    coordinator = e2e_user(Role.DATA_PROTECTION)
    log_in_by_keyboard(page, coordinator.username)
    tab_to(page, named("a", "Brister"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/dataskydd/brister/")
    finding = f"gap-MISSING_RECIPIENTS-processing_activity-{activity.pk}-{activity.pk}"
    tab_to(page, f"e.tagName === 'A' && e.textContent.trim() === 'Åtgärda' && !!e.closest('#{finding}')")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/dataskydd/behandlingar/{activity.pk}/andra/#id_recipients")
    tab_to(page, "e.id === 'id_recipients'")
    page.keyboard.type("Vårdnadshavare, Skolverket")
    tab_to(page, named("button", "Spara"))
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: url.split("#")[0].endswith(f"/dataskydd/behandlingar/{activity.pk}/"))
    activity = ProcessingActivity.objects.get(pk=activity.pk)
    assert activity.recipients == "Vårdnadshavare, Skolverket"
    assert activity.history.first().history_user == coordinator


def test_run_an_import_dry_run_with_the_keyboard(page, e2e_user, tmp_path):
    upload = tmp_path / "system.csv"
    upload.write_bytes(csv_bytes([["Systemnamn", "Driftform"], ["Skola24", "SaaS"], ["Unikum", ""]]))
    strategist = e2e_user(Role.STRATEGIST)
    log_in_by_keyboard(page, strategist.username)
    tab_to(page, named("a", "Importera"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/import/")
    tab_to(page, "e.type === 'file'")
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")  # the file dialog opens from the keyboard too
    chooser.value.set_files(str(upload))
    tab_to(page, named("button", "Provkör"))
    with page.expect_navigation():  # the dry run answers at the same address
        page.keyboard.press("Enter")
    assert "Provkörning" in page.locator("h1").inner_text()
    assert "2 rader – skapas: 2," in page.content()
    assert not Application.objects.exists()  # a dry run saves nothing
    tab_to(page, named("button", "Bekräfta och importera"))  # the next step is reachable too

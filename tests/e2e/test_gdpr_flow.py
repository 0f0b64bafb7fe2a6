"""The dataskyddssamordnare in a real browser: a gap found, fixed in the form, gone from the list,
the change in history; and the Article 30 workbook downloaded and opened."""

import openpyxl

from accounts.roles import Role
from tests.e2e.conftest import login, screenshot
from tests.factories import BoardFactory, ProcessingActivityFactory


def test_coordinator_fixes_a_gap_and_downloads_the_article_30_register(page, e2e_user, tmp_path):
    board = BoardFactory(name="Barn- och utbildningsnämnden")
    activity = ProcessingActivityFactory(name="Elevers närvaro", controller=board, recipients="")
    coordinator = e2e_user(Role.DATA_PROTECTION)
    login(page, coordinator)

    page.goto("/dataskydd/brister/")
    finding = page.locator(f"#gap-MISSING_RECIPIENTS-processing_activity-{activity.pk}-{activity.pk}")
    assert "Mottagare saknas" in finding.inner_text() and "Art. 30.1 d" in finding.inner_text()
    screenshot(page, "gdpr-gap-list")

    finding.get_by_role("link", name="Åtgärda").click()
    page.wait_for_url(f"**/dataskydd/behandlingar/{activity.pk}/andra/#id_recipients")
    page.get_by_label("Mottagare", exact=True).fill("Vårdnadshavare, Skolverket")
    page.get_by_role("button", name="Spara").click()
    # The browser keeps the #fragment across the redirect to the record's page.
    page.wait_for_url(lambda url: url.split("#")[0].endswith(f"/dataskydd/behandlingar/{activity.pk}/"))
    history = page.locator("#history-heading").locator("..")
    assert "Vårdnadshavare, Skolverket" in history.inner_text()
    assert coordinator.username in history.inner_text()

    page.goto("/dataskydd/brister/")
    assert finding.count() == 0

    page.goto("/dataskydd/registerforteckning/")
    page.get_by_label("Personuppgiftsansvarig").select_option(label="Barn- och utbildningsnämnden")
    page.get_by_label("Format").select_option("xlsx")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Ladda ned").click()
    target = tmp_path / "registerforteckning.xlsx"
    download_info.value.save_as(target)
    workbook = openpyxl.load_workbook(target)
    assert workbook.sheetnames == ["Sammanfattning", "Barn- och utbildningsnämnden"]
    sheet = workbook["Barn- och utbildningsnämnden"]
    headers = [c.value for c in sheet[1]]
    row = dict(zip(headers, [c.value for c in sheet[2]], strict=True))
    assert row["Behandling"] == "Elevers närvaro"
    assert row["Kategorier av mottagare (art. 30.1 d)"] == "Vårdnadshavare, Skolverket"

"""The IT department's discovery flow in a browser: upload sign-ins, follow the import, work the queue.

Then axe-core on every new page (no serious or critical WCAG 2.1 A/AA violation) and no page
wider than a 1280 px window.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from accounts.roles import Role
from discovery.choices import Decision
from discovery.models import DiscoveredApplication, IdentityUpload
from portfolio.models import Application
from tests.discovery.files import FIXTURES, entra_sign_ins_jsonl
from tests.e2e.conftest import login, screenshot
from tests.e2e.test_axe import BLOCKING, RUN, TAGS, axe_source  # noqa: F401 - the fixture
from tests.factories import ApplicationFactory, SchoolUnitFactory


@pytest.fixture
def tenant(e2e_db, settings, tmp_path):
    """A register with Kahoot, and the tenant's enterprise applications already read."""
    settings.DISCOVERY_UPLOAD_DIR = tmp_path / "uploads"
    SchoolUnitFactory(school_unit_code="12345678", name="Norra skolan")
    SchoolUnitFactory(school_unit_code="87654321", name="Södra skolan")
    ApplicationFactory(name="Kahoot Skola", url="https://kahoot.com")
    call_command(
        "import_identity_provider", str(FIXTURES / "entra_service_principals.json"), "--source", "entra-apps",
        stdout=io.StringIO(),
    )  # fmt: skip
    sign_ins = tmp_path / "InteractiveSignIns.jsonl"
    sign_ins.write_bytes(entra_sign_ins_jsonl())
    return sign_ins


def test_the_it_department_uploads_sign_ins_and_works_the_review_queue(
    browser,
    live_server,
    e2e_user,
    tenant,
    settings,
    axe_source,  # noqa: F811
):
    context = browser.new_context(
        base_url=live_server.url, locale="sv-SE", viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    visited: list[str] = []
    try:
        login(page, e2e_user(Role.IT))

        # Upload a sign-in log with its membership file, see the dry run, confirm.
        page.goto("/upptackt/importera/")
        visited.append(page.url)
        page.locator("#id_source").select_option(label="Entra ID – inloggningsloggar")
        page.locator("#id_file").set_input_files(str(tenant))
        page.locator("#id_membership").set_input_files(str(FIXTURES / "membership.csv"))
        page.get_by_role("button", name="Ladda upp och provkör").click()
        page.wait_for_url(re.compile(r"/upptackt/importera/\d+/$"))
        visited.append(page.url)
        status = page.get_by_role("status").filter(has_text="Status:")
        assert "Provkörd" in status.inner_text()
        assert "Provkörning: detta skulle sparas" in page.content()
        page.get_by_role("button", name="Bekräfta och importera").click()
        page.wait_for_url(re.compile(r"/upptackt/importera/\d+/$"))
        assert "Importerad" in page.get_by_role("status").filter(has_text="Status:").inner_text()
        assert "filen är raderad" in page.content()
        upload = IdentityUpload.objects.get()
        assert upload.status == IdentityUpload.Status.IMPORTED
        assert not any(Path(settings.DISCOVERY_UPLOAD_DIR).iterdir())

        # The review queue: register Quizlet through the prefilled form.
        page.goto("/upptackt/applikationer/?grupp=oregistrerade")
        visited.append(page.url)
        page.get_by_role("link", name="Registrera Quizlet").click()
        visited.append(page.url)
        assert page.locator("#id_name").input_value() == "Quizlet"
        page.get_by_role("button", name="Spara och koppla").click()
        page.wait_for_url(re.compile(r"/system/\d+/$"))
        assert page.get_by_role("heading", name="Upptäckt hos identitetsleverantörer").is_visible()
        quizlet = DiscoveredApplication.objects.get(name="Quizlet")
        assert (quizlet.decision, quizlet.service) == (
            Decision.IS_SERVICE,
            Application.objects.get(name="Quizlet"),
        )

        # … and mark Mentimeter as not a service.
        page.goto("/upptackt/applikationer/?grupp=oregistrerade")
        page.get_by_role("button", name="Inte en tjänst – Mentimeter").click()
        page.wait_for_url(re.compile(r"/upptackt/applikationer/"))
        assert "Mentimeter är markerad som inte en tjänst" in page.content()
        assert DiscoveredApplication.objects.get(name="Mentimeter").decision == Decision.NOT_A_SERVICE

        teams = DiscoveredApplication.objects.get(name="Microsoft Teams")
        visited += [
            "/upptackt/",
            f"/upptackt/applikationer/{quizlet.pk}/",
            f"/upptackt/applikationer/{teams.pk}/registrera/",
        ]
        blocking, too_wide = [], []
        for url in visited:
            page.goto(url)
            page.evaluate(axe_source)
            blocking += [dict(v, url=url) for v in page.evaluate(RUN, TAGS) if v["impact"] in BLOCKING]
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 1280:
                too_wide.append((url, width))
                screenshot(page, "discovery-too-wide-" + re.sub(r"\W+", "-", url.split("//")[-1]))
        assert blocking == [], [(b["url"], b["id"], b["nodes"]) for b in blocking]
        assert too_wide == []
    finally:
        context.close()

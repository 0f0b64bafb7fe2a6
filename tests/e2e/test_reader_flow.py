"""A läsare in a real browser: reads everything, sees no edit controls, and cannot post edits."""

from accounts.roles import Role
from tests.e2e.conftest import login, screenshot
from tests.factories import ApplicationFactory


def test_reader_sees_no_edit_controls_and_a_post_to_an_edit_url_is_refused(page, e2e_user, live_server):
    application = ApplicationFactory(name="Elevhälsosystemet")
    reader = e2e_user(Role.READER)
    login(page, reader)

    page.goto("/system/")
    page.get_by_role("link", name="Elevhälsosystemet").click()
    page.wait_for_url(f"**/system/{application.pk}/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Elevhälsosystemet")
    assert page.get_by_role("link", name="Ändra").count() == 0
    screenshot(page, "reader-system-detail")

    page.goto("/system/")
    assert page.get_by_role("link", name="Lägg till").count() == 0
    assert page.get_by_role("link", name="Exportera till Excel").count() == 1

    # A hand-made POST with a valid session and CSRF token is still refused by the permission check.
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    response = page.request.post(
        f"{live_server.url}/system/{application.pk}/andra/",
        form={"name": "Ändrat av läsare", "version": "1"},
        headers={"X-CSRFToken": token, "Referer": f"{live_server.url}/system/"},
        max_redirects=0,
    )
    assert response.status == 403
    assert "CSRF" not in response.text()
    application.refresh_from_db()
    assert application.name == "Elevhälsosystemet"

"""The processing-activity form's long lists of systems and learning resources can be searched:
type to filter, choose with the keyboard or the mouse, and the choices are what the form saves."""

from accounts.roles import Role
from gdpr.models import ProcessingActivity
from tests.e2e.conftest import login, screenshot
from tests.factories import ApplicationFactory, LearningResourceFactory, ProcessingActivityFactory


def test_typing_filters_the_systems_and_the_chosen_ones_are_saved(page, e2e_user):
    names = [f"Skolsystem {n:03d}" for n in range(120)]
    for name in names:
        ApplicationFactory(name=name)
    ApplicationFactory(name="Vklass")
    ApplicationFactory(name="Vklass Bokning")
    LearningResourceFactory(name="Glosor Ö")
    activity = ProcessingActivityFactory(name="Elevers närvaro")
    login(page, e2e_user(Role.DATA_PROTECTION))
    page.goto(f"/dataskydd/behandlingar/{activity.pk}/andra/")

    search = page.get_by_role("searchbox", name="System")  # the field's own label names the search
    options = page.locator("#id_applications-options li:not([hidden]) input[type=checkbox]")
    assert options.count() == 122
    assert not page.locator("#id_applications").is_visible()  # the plain select stays, hidden

    search.fill("vkl")
    assert options.count() == 2
    assert "visas: 2 av 122" in page.locator("#id_applications-count").inner_text()
    search.press("Enter")  # to the first match, without submitting the form
    assert page.evaluate("document.activeElement.id").startswith("id_applications-option-")
    page.keyboard.press("Space")
    page.get_by_label("Vklass Bokning").check()

    search.fill("skolsystem 04")
    assert options.count() == 10
    page.get_by_label("Skolsystem 042").check()
    assert "valda: 3" in page.locator("#id_applications-count").inner_text()
    search.fill("")
    assert options.count() == 122

    page.get_by_role("searchbox", name="Lärresurser").fill("ö")  # Swedish letters fold as letters
    page.get_by_label("Glosor Ö").check()
    selected = page.evaluate(
        "Array.from(document.getElementById('id_applications').selectedOptions, o => o.text)"
    )
    assert sorted(selected) == ["Skolsystem 042", "Vklass", "Vklass Bokning"]
    screenshot(page, "searchable-select")

    page.get_by_role("button", name="Spara").click()
    page.wait_for_url(lambda url: url.split("#")[0].endswith(f"/dataskydd/behandlingar/{activity.pk}/"))
    saved = ProcessingActivity.objects.get(pk=activity.pk)
    systems = saved.services.filter(kind="application")
    assert sorted(a.name for a in systems) == ["Skolsystem 042", "Vklass", "Vklass Bokning"]
    assert [r.name for r in saved.services.filter(kind="learning_resource")] == ["Glosor Ö"]

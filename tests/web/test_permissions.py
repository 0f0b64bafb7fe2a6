"""The permission matrix of the web pages: every role group × every page, export and POST action.

Allowed → 200 (or 400 for a POST with an empty form: it reached the form), refused → 403,
anonymous → a redirect to the login page, for everything.
"""

import pytest
from django.urls import reverse

from accounts.roles import Role
from portfolio.views import REGISTERS
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MODELS = [model._meta.model_name for _prefix, model, *_rest in REGISTERS]

#: What each role may add and change in the web UI (accounts/roles.py says the same in permissions).
EDITABLE = {
    Role.STRATEGIST: set(MODELS),
    Role.IT: {"organisation", "vendor", "application", "learningresource"},
    Role.DATA_PROTECTION: set(),
    Role.READER: set(),
    None: set(),
}
READS_PORTFOLIO = {
    Role.STRATEGIST: True, Role.IT: True, Role.DATA_PROTECTION: True, Role.READER: True, None: False,
}


ANALYSIS_PAGES = ["duplicates", "standardisation", "sso_coverage", "pm3_gaps", "equity"]


def read_urls(landscape) -> list[str]:
    urls = [reverse("dashboard"), *(reverse(f"analysis:{name}") for name in ANALYSIS_PAGES)]
    urls += [f"{reverse(f'analysis:{name}')}?format=xlsx" for name in ANALYSIS_PAGES if name != "equity"]
    for name in MODELS:
        urls.append(reverse(f"portfolio:{name}_list"))
        urls.append(reverse(f"portfolio:{name}_export"))
        urls.append(reverse(f"portfolio:{name}_detail", args=[landscape[name].pk]))
    return urls


def edit_urls(landscape) -> list[tuple[str, str]]:
    urls = []
    for name in MODELS:
        urls.append((name, reverse(f"portfolio:{name}_add")))
        urls.append((name, reverse(f"portfolio:{name}_edit", args=[landscape[name].pk])))
    return urls


@pytest.mark.parametrize("role", [Role.STRATEGIST, Role.DATA_PROTECTION, Role.IT, Role.READER, None])
def test_every_page_export_and_edit_answers_as_the_role_allows(client, landscape, role):
    client.force_login(UserFactory(username=f"matrix-{role}", role=role))
    wrong = []
    expected_read = 200 if READS_PORTFOLIO[role] else 403
    for url in read_urls(landscape):
        status = client.get(url).status_code
        if status != expected_read:
            wrong.append(("GET", url, status, expected_read))
    for name, url in edit_urls(landscape):
        allowed = name in EDITABLE[role]
        status = client.get(url).status_code
        if status != (200 if allowed else 403):
            wrong.append(("GET", url, status, 200 if allowed else 403))
        status = client.post(url, {}).status_code
        if (status == 403) == allowed:
            wrong.append(("POST", url, status, "400" if allowed else 403))
    assert wrong == []


#: Merging deletes the duplicate: it takes change and delete on the service, which only the strateg has.
MERGES = {Role.STRATEGIST: True, Role.IT: False, Role.DATA_PROTECTION: False, Role.READER: False, None: False}


@pytest.mark.parametrize("role", [Role.STRATEGIST, Role.DATA_PROTECTION, Role.IT, Role.READER, None])
def test_merge_action_is_allowed_only_to_roles_that_may_change_and_delete_systems(client, role):
    from portfolio.models import Application
    from tests.factories import ApplicationFactory

    kept, duplicate = ApplicationFactory(name="Skolportalen"), ApplicationFactory(name="Skolportalen 2")
    client.force_login(UserFactory(username=f"merge-{role}", role=role))
    response = client.post(
        reverse("analysis:merge"), {"service_type": "application", "kept": kept.pk, "duplicate": duplicate.pk}
    )
    if MERGES[role]:
        assert response.status_code == 302
        assert not Application.objects.filter(pk=duplicate.pk).exists()
    else:
        assert response.status_code == 403
        assert Application.objects.filter(pk=duplicate.pk).exists()


def test_anonymous_gets_nothing_but_a_redirect_to_the_login_page(client, landscape):
    login = reverse("login")
    wrong = []
    for url in read_urls(landscape):
        response = client.get(url)
        if response.status_code != 302 or not response["Location"].startswith(login):
            wrong.append(("GET", url, response.status_code))
    for _name, url in [*edit_urls(landscape), ("merge", reverse("analysis:merge"))]:
        response = client.post(url, {"name": "x"})
        if response.status_code != 302 or not response["Location"].startswith(login):
            wrong.append(("POST", url, response.status_code))
    assert wrong == []


def test_menu_shows_edit_controls_only_to_roles_that_may_edit(client, landscape):
    application = landscape["application"]
    detail = reverse("portfolio:application_detail", args=[application.pk])
    edit = reverse("portfolio:application_edit", args=[application.pk])
    client.force_login(UserFactory(username="menu-reader", role=Role.READER))
    assert edit not in client.get(detail).content.decode()
    client.force_login(UserFactory(username="menu-strateg", role=Role.STRATEGIST))
    assert edit in client.get(detail).content.decode()


#
# The review round (/granskning/): starting a round over a kind, confirming and correcting an item
# each need the change permission of the item's model — exactly what its own edit page needs.
#

REVIEW_KINDS = ["application", "learning_resource", "management_object", "processing_activity"]
REVIEW_ROLES = [Role.STRATEGIST, Role.DATA_PROTECTION, Role.IT, Role.READER]
#: The kinds each role may change (its edit page answers 200), so may start a round over and answer.
CHANGES_KIND = {
    Role.STRATEGIST: {"application", "learning_resource", "management_object"},
    Role.DATA_PROTECTION: {"processing_activity"},
    Role.IT: {"application", "learning_resource"},
    Role.READER: set(),
}
#: Who starts and follows rounds at all.
MANAGES_ROUNDS = {Role.STRATEGIST, Role.DATA_PROTECTION}


def _review_targets(person) -> dict:
    """One record of each kind with ``person`` responsible for it."""
    from portfolio.choices import RoleChoices
    from tests.factories import (
    ApplicationFactory,
    LearningResourceFactory,
    ManagementObjectFactory,
    ProcessingActivityFactory,
    RoleAssignmentFactory,
)

    application = ApplicationFactory(name="Granskat system")
    resource = LearningResourceFactory(name="Granskad lärresurs")
    obj = ManagementObjectFactory(name="Granskat objekt")
    activity = ProcessingActivityFactory(name="Granskad behandling", responsible=person)
    RoleAssignmentFactory(person=person, application=application, role=RoleChoices.SYSTEM_OWNER)
    RoleAssignmentFactory(
        person=person, application=None, learning_resource=resource, role=RoleChoices.SYSTEM_OWNER
    )
    RoleAssignmentFactory(
        person=person, application=None, management_object=obj, role=RoleChoices.OBJECT_OWNER
    )
    return {
        "application": application,
        "learning_resource": resource,
        "management_object": obj,
        "processing_activity": activity,
    }


def _form_post_data(form) -> dict:
    """What a browser posts for ``form`` unchanged: each field's current value as text."""
    import datetime as dt

    data = {}
    for bound in form:
        value = bound.value()
        if value is None or value is False:
            continue
        if value is True:
            data[bound.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[bound.html_name] = [str(v) for v in value]
        elif isinstance(value, dt.date):
            data[bound.html_name] = value.isoformat()
        else:
            data[bound.html_name] = str(value)
    return data


@pytest.mark.parametrize("role", REVIEW_ROLES)
def test_starting_a_review_round_over_a_kind_needs_the_change_permission_of_its_records(client, role):
    from django.utils import timezone

    from portfolio.models import Person
    from stewardship.models import ReviewRound

    _review_targets(Person.objects.create(name="Ansvarig", email="ansvarig@mittkoping.se"))
    client.force_login(UserFactory(username=f"round-{role}", role=role))
    today = timezone.localdate()
    wrong = []
    for kind in REVIEW_KINDS:
        allowed = role in MANAGES_ROUNDS and kind in CHANGES_KIND[role]
        before = ReviewRound.objects.count()
        response = client.post(
            reverse("stewardship:round_create"),
            {"name": f"Runda {kind}", "start": today.isoformat(), "deadline": today.isoformat(),
             "reminder_days": 14, "kinds": [kind]},
        )
        created = ReviewRound.objects.count() - before
        if (response.status_code, created) != ((302, 1) if allowed else (403, 0)):
            wrong.append((kind, response.status_code, created, "allowed" if allowed else "refused"))
    assert wrong == []


@pytest.mark.parametrize("role", REVIEW_ROLES)
def test_confirming_or_correcting_a_review_item_needs_the_change_permission_of_its_record(client, role):
    """The user is the record's responsible person in every case: only the permission differs."""
    import datetime as dt

    from django.utils import timezone

    from portfolio.models import Person
    from stewardship.models import ItemStatus, ReviewItem
    from stewardship.services import form_for, start_round

    user = UserFactory(username="svarande", email="svarande@mittkoping.se", role=role)
    targets = _review_targets(Person.objects.create(name="Svarande", email=user.email.lower()))
    today = timezone.localdate()
    round_ = start_round(name="Matris", deadline=today + dt.timedelta(days=9), kinds=REVIEW_KINDS, user=None)
    client.force_login(user)
    wrong = []
    for kind in REVIEW_KINDS:
        allowed = kind in CHANGES_KIND[role]
        # Systems and learning resources are both a review item's ``service``.
        key = "service" if kind in ("application", "learning_resource") else kind
        item = ReviewItem.objects.with_targets().get(round=round_, **{key: targets[kind]})
        target = item.target
        edit_url = reverse(
            "gdpr:activity_edit" if kind == "processing_activity"
            else f"portfolio:{target._meta.model_name}_edit", args=[target.pk]
        )
        edit_allowed = client.get(edit_url).status_code == 200
        if edit_allowed != allowed:
            wrong.append((kind, "own edit page", edit_allowed))

        correct_url = reverse("stewardship:item_correct", args=[item.pk])
        status = client.get(correct_url).status_code
        if status != (200 if allowed else 403):
            wrong.append((kind, "GET ratta", status))
        data = {**_form_post_data(form_for(item)), "name": f"Omdöpt {kind}", "version": target.version}
        status = client.post(correct_url, data).status_code
        target.refresh_from_db()
        renamed = target.name == f"Omdöpt {kind}"
        if (status, renamed) != ((302, True) if allowed else (403, False)):
            wrong.append((kind, "POST ratta", status, renamed))

        # A fresh, open item of the same record for the confirmation.
        ReviewItem.objects.filter(pk=item.pk).update(status=ItemStatus.OPEN)
        version_before = type(target).objects.get(pk=target.pk).version
        confirm_url = reverse("stewardship:item_confirm", args=[item.pk])
        status = client.post(confirm_url, {"version": version_before}).status_code
        item.refresh_from_db()
        version_after = type(target).objects.get(pk=target.pk).version
        confirmed = item.status == ItemStatus.CONFIRMED and version_after > version_before
        if (status, confirmed) != ((302, True) if allowed else (403, False)):
            wrong.append((kind, "POST stammer", status, confirmed))
    assert wrong == []


@pytest.mark.parametrize(
    ("role", "kind"), [(Role.STRATEGIST, "processing_activity"), (Role.DATA_PROTECTION, "management_object")]
)
def test_a_round_manager_cannot_answer_for_others_outside_their_area(client, role, kind):
    """The attack of issue 13: a manager renames a record of the other area through a round."""
    import datetime as dt

    from django.utils import timezone

    from portfolio.models import Person
    from stewardship.models import ReviewItem
    from stewardship.services import form_for, start_round

    targets = _review_targets(Person.objects.create(name="Någon annan", email="annan@mittkoping.se"))
    round_ = start_round(
        name="Runda", deadline=timezone.localdate() + dt.timedelta(days=9), kinds=[kind], user=None
    )
    item = ReviewItem.objects.with_targets().get(round=round_)
    client.force_login(UserFactory(username=f"escape-{role}", role=role))
    data = {**_form_post_data(form_for(item)), "name": "Kapad", "version": item.target.version}
    assert client.post(reverse("stewardship:item_correct", args=[item.pk]), data).status_code == 403
    assert client.post(reverse("stewardship:item_confirm", args=[item.pk]), {"version": 1}).status_code == 403
    targets[kind].refresh_from_db()
    assert targets[kind].name != "Kapad"


def test_the_service_refuses_a_round_over_a_kind_the_user_may_not_change(db):
    import datetime as dt

    from django.core.exceptions import PermissionDenied

    from stewardship.models import ReviewRound
    from stewardship.services import start_round

    strateg = UserFactory(username="service-strateg", role=Role.STRATEGIST)
    with pytest.raises(PermissionDenied):
        start_round(name="x", deadline=dt.date(2030, 1, 1), kinds=["processing_activity"], user=strateg)
    assert not ReviewRound.objects.exists()


def test_review_round_pages_redirect_anonymous_to_login(client):
    login = reverse("login")
    for url in [reverse("stewardship:round_create"), reverse("stewardship:item_correct", args=[1]),
                reverse("stewardship:item_confirm", args=[1])]:
        response = client.post(url, {"kinds": ["application"]})
        assert response.status_code == 302 and response["Location"].startswith(login), url


def test_a_review_item_and_its_records_edit_page_ask_for_the_same_permission():
    """One place names the permission: the edit page of each kind's record and the round agree."""
    from django.urls import resolve

    from stewardship.models import ReviewKind
    from stewardship.services import KIND_SETUP, kind_change_permission

    for kind in ReviewKind:
        model = KIND_SETUP[kind.value]["model"]
        name = f"portfolio:{model._meta.model_name}_edit"
        if kind == ReviewKind.PROCESSING_ACTIVITY:
            name = "gdpr:activity_edit"
        view_function = resolve(reverse(name, args=[1])).func
        view = view_function.view_class(**view_function.view_initkwargs)
        assert view.get_permission_required() == (kind_change_permission(kind.value),)

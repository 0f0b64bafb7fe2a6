"""Who may answer a review-round item: the boundaries of ``stewardship.services.can_answer``.

The responsible person is recognised by e-mail address, compared trimmed and case-insensitively,
and only exactly: a blank address matches no one, and an address that merely contains the
person's (or is contained in it) is someone else. Whoever is refused changes nothing — neither the
item nor the record — on the confirm page and the correction page alike.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from portfolio.choices import RoleChoices
from portfolio.models import Application
from stewardship.models import ItemStatus, ReviewItem
from stewardship.services import can_answer, start_round
from tests.factories import ApplicationFactory, PersonFactory, RoleAssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(strategist) -> ReviewItem:
    """Anna's system in an open round over systems."""
    anna = PersonFactory(name="Anna Ägare", email="anna@mittkoping.se")
    app = ApplicationFactory(name="Annas system", description="Före granskningen")
    RoleAssignmentFactory(person=anna, application=app, role=RoleChoices.SYSTEM_OWNER)
    round_ = start_round(
        name="Årlig genomgång",
        deadline=timezone.localdate() + datetime.timedelta(days=30),
        start=timezone.localdate(),
        kinds=["application"],
        user=strategist,
    )
    return ReviewItem.objects.get(round=round_, service=app)


def it_user_with(email: str, username: str = "it-person"):
    """An IT user (who may change systems but not manage rounds) with the given address."""
    return UserFactory(username=username, email=email, role=Role.IT)


def confirm(client, item: ReviewItem):
    version = Application.objects.get(pk=item.service_id).version
    return client.post(reverse("stewardship:item_confirm", args=[item.pk]), {"version": version})


def correct(client, item: ReviewItem):
    app = Application.objects.get(pk=item.service_id)
    url = reverse("stewardship:item_correct", args=[item.pk])
    return client.get(url), client.post(url, {"name": "Omdöpt i granskningen", "version": app.version})


def assert_untouched(item: ReviewItem) -> None:
    item.refresh_from_db()
    assert item.status == ItemStatus.OPEN and item.confirmed_by is None
    app = Application.objects.get(pk=item.service_id)
    assert app.name == "Annas system" and app.history.count() == 1


@pytest.mark.parametrize("email", ["anna@mittkoping.se", "  ANNA@MittKoping.SE  ", "Anna@mittkoping.se"])
def test_the_responsible_person_is_recognised_trimmed_and_case_insensitively(client, item, email):
    user = it_user_with(email)
    assert can_answer(user, item)
    client.force_login(user)
    assert confirm(client, item).status_code == 302
    item.refresh_from_db()
    assert item.status == ItemStatus.CONFIRMED and item.confirmed_by == user


@pytest.mark.parametrize(
    "email",
    [
        "",  # a blank address is no one's
        "nna@mittkoping.se",  # contained in the person's
        "anna@mittkoping.se.example.com",  # contains the person's
        "anna.agare@mittkoping.se",
    ],
)
def test_an_address_that_is_not_exactly_the_persons_may_neither_confirm_nor_correct(client, item, email):
    user = it_user_with(email)
    assert not can_answer(user, item)
    client.force_login(user)
    assert confirm(client, item).status_code == 403
    page, posted = correct(client, item)
    assert (page.status_code, posted.status_code) == (403, 403)
    assert_untouched(item)


def test_a_blank_address_does_not_match_a_person_without_one(client, strategist):
    nobody = PersonFactory(name="Utan adress", email="")
    app = ApplicationFactory(name="Annas system")
    RoleAssignmentFactory(person=nobody, application=app, role=RoleChoices.SYSTEM_OWNER)
    round_ = start_round(
        name="Runda",
        deadline=timezone.localdate() + datetime.timedelta(days=30),
        start=timezone.localdate(),
        kinds=["application"],
        user=strategist,
    )
    item = ReviewItem.objects.get(round=round_, service=app)
    user = it_user_with("")
    assert not can_answer(user, item)
    client.force_login(user)
    assert confirm(client, item).status_code == 403
    assert_untouched(item)


@pytest.mark.parametrize("role", ["reader", "it_user"])
def test_a_role_that_is_not_responsible_and_manages_no_rounds_is_refused(request, client, item, role):
    user = request.getfixturevalue(role)
    assert not can_answer(user, item)
    client.force_login(user)
    assert confirm(client, item).status_code == 403
    page, posted = correct(client, item)
    assert (page.status_code, posted.status_code) == (403, 403)
    assert_untouched(item)


def test_an_anonymous_visitor_is_sent_to_log_in_and_changes_nothing(client, item):
    response = confirm(client, item)
    assert response.status_code == 302 and reverse("login") in response["Location"]
    _page, posted = correct(client, item)
    assert posted.status_code == 302 and reverse("login") in posted["Location"]
    assert_untouched(item)

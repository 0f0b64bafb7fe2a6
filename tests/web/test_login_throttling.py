"""Login throttling: repeated wrong passwords lock a username or an address out for a cool-off.

django-axes counts failures per username and per client address (``accounts.lockout``); the site's
login page and the admin's are both covered, the locked-out person is told so in Swedish, the lock
shows in the admin, and API tokens (not logins) keep working for their own users.
"""

import datetime

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import ApiToken
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # what tests.factories.UserFactory sets
LOCKED = "För många misslyckade inloggningsförsök"
LOGIN_PAGES = ["login", "admin:login"]


def attempt(client: Client, page: str, username: str, password: str, address: str = "10.0.0.1"):
    return client.post(
        reverse(page), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def fail(client: Client, page: str, username: str, times: int, address: str = "10.0.0.1") -> None:
    """``times`` wrong passwords; the one that reaches the limit is already answered with the lock."""
    for _ in range(times):
        assert attempt(client, page, username, "fel-lösenord", address).status_code in (200, 429)


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


@pytest.mark.parametrize("page", LOGIN_PAGES)
def test_the_right_password_is_refused_after_the_failure_limit(client, settings, admin_user, page):
    fail(client, page, "admin", settings.AXES_FAILURE_LIMIT - 1)
    assert attempt(client, page, "admin", PASSWORD).status_code == 302  # below the limit: in
    client.logout()
    locked = attempt(client, page, "admin", "fel-lösenord")
    assert locked.status_code == 429
    response = attempt(client, page, "admin", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert LOCKED in response.content.decode()
    assert 'name="password"' in response.content.decode()  # the login page itself, with the message


@pytest.mark.parametrize("page", LOGIN_PAGES)
def test_thirty_wrong_passwords_then_the_right_one_does_not_log_in(client, admin_user, page):
    for _ in range(30):
        attempt(client, page, "admin", "fel-lösenord")
    assert attempt(client, page, "admin", PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


def test_logging_in_to_ones_own_account_does_not_reset_the_count_of_guesses_at_others(
    client, settings, admin_user
):
    insider = UserFactory(username="insider")
    for _ in range(3):
        fail(client, "login", "admin", settings.AXES_FAILURE_LIMIT - 1, address="10.5.5.5")
        attempt(client, "login", insider.username, PASSWORD, address="10.5.5.5")  # a success in between
        client.logout()
    assert attempt(client, "login", "admin", PASSWORD, address="10.6.6.6").status_code == 429


def test_a_locked_username_is_locked_from_every_address(client, settings, admin_user):
    fail(client, "login", "admin", settings.AXES_FAILURE_LIMIT - 1, address="10.0.0.1")
    attempt(client, "login", "admin", "fel-lösenord", address="10.0.0.2")
    assert attempt(client, "login", "admin", PASSWORD, address="10.0.0.3").status_code == 429


def test_an_address_trying_many_usernames_is_locked_for_all_of_them(client, settings, admin_user):
    for number in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "login", f"gissning{number}", "fel-lösenord", address="10.9.9.9")
    assert attempt(client, "login", "admin", PASSWORD, address="10.9.9.9").status_code == 429
    assert attempt(client, "admin:login", "admin", PASSWORD, address="10.1.1.1").status_code == 302


def test_the_lock_ends_after_the_cool_off(client, settings, admin_user):
    fail(client, "login", "admin", settings.AXES_FAILURE_LIMIT)
    assert attempt(client, "login", "admin", PASSWORD).status_code == 429
    # The cool-off has passed: the attempts were last made longer ago than it.
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - datetime.timedelta(seconds=1)
    )
    assert attempt(client, "login", "admin", PASSWORD).status_code == 302


def test_the_message_names_the_cool_off_in_swedish_and_english(client, settings, admin_user):
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=20)
    fail(client, "login", "admin", settings.AXES_FAILURE_LIMIT)
    page = attempt(client, "login", "admin", PASSWORD).content.decode()
    assert "spärrad i 20 minuter" in page
    client.cookies["django_language"] = "en"
    english = attempt(client, "login", "admin", PASSWORD, address="10.0.0.1").content.decode()
    assert "locked for 20 minutes" in english


def test_an_administrator_sees_the_lock_in_the_admin_and_can_lift_it(client, settings, admin_user):
    fail(client, "login", "admin", settings.AXES_FAILURE_LIMIT, address="10.0.0.1")
    other = UserFactory(username="annan-admin", is_staff=True, is_superuser=True)
    other_client = Client()
    other_client.force_login(other)
    listing = other_client.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200 and "admin" in listing.content.decode()
    attempt_row = AccessAttempt.objects.get(username="admin")
    other_client.post(
        reverse("admin:axes_accessattempt_delete", args=[attempt_row.pk]), {"post": "yes"}
    )
    assert not AccessAttempt.objects.filter(username="admin").exists()
    assert attempt(client, "login", "admin", PASSWORD, address="10.0.0.7").status_code == 302


def test_api_tokens_keep_working_for_a_locked_out_user_and_address(client, settings, it_user):
    token, plaintext = ApiToken.issue(it_user, name="inventering", read_only=True)
    fail(client, "login", it_user.username, settings.AXES_FAILURE_LIMIT, address="127.0.0.1")
    assert attempt(client, "login", it_user.username, PASSWORD, address="127.0.0.1").status_code == 429
    response = Client().post(
        "/graphql/",
        {"query": "{ applications(first: 1) { totalCount } }"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {plaintext}",
        REMOTE_ADDR="127.0.0.1",
    )
    assert response.status_code == 200, response.content
    assert "errors" not in response.json()


def test_behind_trusted_proxies_the_forwarded_address_is_counted(client, settings, admin_user):
    settings.TRUSTED_PROXY_COUNT = 1
    for number in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("login"),
            {"username": f"gissning{number}", "password": "fel"},
            REMOTE_ADDR="10.0.0.254",  # the proxy
            HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.9",  # the client can only forge the left
        )
    assert AccessAttempt.objects.filter(ip_address="203.0.113.9").exists()
    # Another client behind the same proxy is not locked out by the first one's failures.
    ok = client.post(
        reverse("login"),
        {"username": "admin", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.254",
        HTTP_X_FORWARDED_FOR="203.0.113.10",
    )
    assert ok.status_code == 302

"""API tokens are listed and revoked in the admin, never created, edited or shown in full there."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from accounts.models import ApiToken
from accounts.roles import Role
from tests import factories as f

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:accounts_apitoken_changelist"


@pytest.fixture
def token_and_plaintext():
    return ApiToken.issue(f.UserFactory(username="integration"), name="CMDB-synk", read_only=True)


def test_token_list_shows_the_token_but_never_its_hash_or_plaintext(admin_client, token_and_plaintext):
    token, plaintext = token_and_plaintext
    response = admin_client.get(reverse(CHANGELIST))
    page = response.content.decode()
    assert response.status_code == 200
    assert "CMDB-synk" in page and f"{token.prefix}…" in page
    assert token.key_hash not in page and plaintext not in page

    detail = admin_client.get(reverse("admin:accounts_apitoken_change", args=[token.pk])).content.decode()
    assert token.key_hash not in detail and plaintext not in detail


def test_usable_column_tells_valid_from_revoked_and_expired_tokens(admin_client):
    user = f.UserFactory(username="integration")
    valid, _ = ApiToken.issue(user, name="giltig")
    revoked, _ = ApiToken.issue(user, name="återkallad")
    revoked.revoke()
    expired, _ = ApiToken.issue(user, name="utgången")
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - datetime.timedelta(days=1))

    def listed(status):
        response = admin_client.get(reverse(CHANGELIST), {"status": status})
        return {t.name for t in response.context["cl"].result_list}

    assert listed("giltig") == {"giltig"}
    assert listed("aterkallad") == {"återkallad"}
    assert listed("utgangen") == {"utgången"}
    admin_instance = admin_client.get(reverse(CHANGELIST)).context["cl"].model_admin
    assert [admin_instance.usable(t) for t in (valid, revoked, ApiToken.objects.get(pk=expired.pk))] == [
        True,
        False,
        False,
    ]


def test_tokens_cannot_be_created_or_edited_in_the_admin(admin_client, token_and_plaintext):
    token, _ = token_and_plaintext
    assert admin_client.get(reverse("admin:accounts_apitoken_add")).status_code == 403
    change_url = reverse("admin:accounts_apitoken_change", args=[token.pk])
    response = admin_client.post(change_url, {"name": "omdöpt", "read_only": ""})
    assert response.status_code == 403
    token.refresh_from_db()
    assert (token.name, token.read_only) == ("CMDB-synk", True)


def test_revoke_action_revokes_the_selected_tokens(admin_client, token_and_plaintext):
    token, plaintext = token_and_plaintext
    other, other_plaintext = ApiToken.issue(token.user, name="kvar")
    assert ApiToken.authenticate(plaintext) == token

    response = admin_client.post(
        reverse(CHANGELIST), {"action": "revoke_selected", "_selected_action": [str(token.pk)]}, follow=True
    )

    assert "1 token återkallades." in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None and not token.is_usable
    assert ApiToken.authenticate(plaintext) is None
    assert ApiToken.authenticate(other_plaintext) == other


def test_user_without_change_permission_cannot_revoke(client, token_and_plaintext):
    token, _ = token_and_plaintext
    viewer = f.UserFactory(username="granskare")
    viewer.is_staff = True
    viewer.save()
    from django.contrib.auth.models import Permission

    viewer.user_permissions.add(Permission.objects.get(codename="view_apitoken"))
    client.force_login(viewer)
    response = client.get(reverse(CHANGELIST))
    assert response.status_code == 200
    assert "revoke_selected" not in response.content.decode()
    client.post(reverse(CHANGELIST), {"action": "revoke_selected", "_selected_action": [str(token.pk)]})
    token.refresh_from_db()
    assert token.revoked_at is None


def test_role_groups_are_explained_and_their_permissions_shown_read_only(admin_client, strategist):
    response = admin_client.get(reverse("admin:auth_group_changelist"))
    page = response.content.decode()
    assert "Ändrar inte registerförteckningen." in page

    group = Group.objects.get(name=Role.STRATEGIST)
    url = reverse("admin:auth_group_change", args=[group.pk])
    detail = admin_client.get(url).content.decode()
    assert "portfolio.change_application" in detail
    before = set(group.permissions.values_list("pk", flat=True))
    admin_client.post(url, {"name": "Omdöpt", "permissions": []})
    group.refresh_from_db()
    assert group.name == Role.STRATEGIST
    assert set(group.permissions.values_list("pk", flat=True)) == before


def test_role_groups_cannot_be_deleted_in_the_admin(admin_client):
    group = Group.objects.get(name=Role.READER)
    response = admin_client.post(reverse("admin:auth_group_delete", args=[group.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert Group.objects.filter(name=Role.READER).exists()

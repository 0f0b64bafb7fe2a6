"""``create_demo_users``: one user per role group plus an admin, idempotent, refused in production."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.management.commands.create_demo_users import DEMO_USERS, WARNING
from accounts.roles import Role

EXPECTED_GROUPS = {
    "admin": [],
    "strateg": [Role.STRATEGIST],
    "dataskydd": [Role.DATA_PROTECTION],
    "it": [Role.IT],
    "lasare": [Role.READER],
}


def _run(**options) -> str:
    out = StringIO()
    call_command("create_demo_users", stdout=out, **options)
    return out.getvalue()


@pytest.mark.django_db
def test_demo_users_are_refused_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        _run()
    assert not get_user_model().objects.filter(username="strateg").exists()


@pytest.mark.django_db
def test_each_role_group_gets_one_user_and_admin_is_superuser(settings):
    settings.DEBUG = True
    _run()
    users = {u.username: u for u in get_user_model().objects.filter(username__in=EXPECTED_GROUPS)}
    assert set(users) == set(EXPECTED_GROUPS)
    for username, groups in EXPECTED_GROUPS.items():
        assert sorted(users[username].groups.values_list("name", flat=True)) == groups
    assert users["admin"].is_superuser and users["admin"].is_staff
    assert not any(users[name].is_superuser for name in EXPECTED_GROUPS if name != "admin")


@pytest.mark.django_db
def test_demo_users_log_in_with_the_documented_passwords(settings):
    settings.DEBUG = True
    _run()
    for demo in DEMO_USERS:
        assert len(demo.password) >= 12
        assert get_user_model().objects.get(username=demo.username).check_password(demo.password)


@pytest.mark.django_db
def test_demo_users_command_is_idempotent_and_resets_what_was_changed(settings):
    settings.DEBUG = True
    _run()
    strateg = get_user_model().objects.get(username="strateg")
    strateg.set_password("something-else-entirely")
    strateg.groups.clear()
    strateg.save()
    _run()
    assert get_user_model().objects.filter(username__in=EXPECTED_GROUPS).count() == len(EXPECTED_GROUPS)
    strateg.refresh_from_db()
    assert strateg.check_password("demo-strateg-2026")
    assert list(strateg.groups.values_list("name", flat=True)) == [Role.STRATEGIST]


@pytest.mark.django_db
def test_printed_table_is_marked_demo_only_and_lists_every_password(settings):
    settings.DEBUG = False
    output = _run(force=True)
    assert WARNING in output
    assert "ENDAST FÖR DEMO – använd aldrig i drift" in output
    for demo in DEMO_USERS:
        assert demo.username in output and demo.password in output

"""``sync_role_groups`` puts the role groups back to exactly their permissions, whatever drifted.

The groups are synced after every migration; an administrator may still have edited one in the
admin. Syncing again removes what was added, restores what was taken, recreates a deleted group
and leaves every group holding exactly its role's permissions.
"""

import pytest
from django.contrib.auth.models import Group, Permission

from accounts.roles import ROLE_GROUPS, Role, sync_role_groups
from tests.models.test_role_groups import all_actions_on, permissions_of, view_everything

pytestmark = pytest.mark.django_db

IT_MAINTAINED = {
    f"portfolio.{action}_{model}"
    for model in (
        "organisation",
        "vendor",
        "service",
        "application",
        "learningresource",
        "serviceusage",
        "servicecapability",
    )
    for action in ("add", "change")
}

#: Deciding what a discovered application is (strateg, IT); uploading identity-provider files (IT).
DECIDES = {"discovery.change_discoveredapplication"}
UPLOADS = {"discovery.add_identityimport"}

EXPECTED = {
    # A läsare reads the register but not the breaches (what leaked, about whom).
    Role.READER: lambda: view_everything() - {"gdpr.view_breach", "gdpr.view_breachprocessingactivity"},
    Role.STRATEGIST: lambda: (
        view_everything() | all_actions_on("portfolio") | all_actions_on("planning") | DECIDES
    ),
    Role.DATA_PROTECTION: lambda: (
        view_everything() | all_actions_on("gdpr") | {"planning.manage_gdpr_action"}
    ),
    Role.IT: lambda: view_everything() | IT_MAINTAINED | DECIDES | UPLOADS,
}


def test_syncing_repairs_added_removed_and_deleted_permissions_and_groups():
    stray = Permission.objects.get(content_type__app_label="gdpr", codename="delete_processingactivity")
    Group.objects.get(name=Role.READER).permissions.add(stray)
    Group.objects.get(name=Role.STRATEGIST).permissions.clear()
    Group.objects.get(name=Role.IT).delete()

    groups = sync_role_groups()

    assert set(groups) == set(ROLE_GROUPS) == set(EXPECTED)
    for name, expected in EXPECTED.items():
        assert groups[name] == Group.objects.get(name=name)
        assert permissions_of(name) == expected(), name


def test_syncing_twice_changes_nothing():
    sync_role_groups()
    before = {name: permissions_of(name) for name in ROLE_GROUPS}
    sync_role_groups(using="default")
    assert {name: permissions_of(name) for name in ROLE_GROUPS} == before
    assert Group.objects.filter(name__in=ROLE_GROUPS).count() == len(ROLE_GROUPS)

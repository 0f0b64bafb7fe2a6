"""The role groups carry exactly the permissions their people need, and no more."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group

from accounts.roles import DOMAIN_APPS, Role

pytestmark = pytest.mark.django_db


def domain_models():
    for app_label in DOMAIN_APPS:
        yield from ((app_label, m._meta.model_name) for m in apps.get_app_config(app_label).get_models())


def permissions_of(group_name: str) -> set[str]:
    group = Group.objects.get(name=group_name)
    return {
        f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")
    }


def view_everything() -> set[str]:
    return {f"{app}.view_{model}" for app, model in domain_models()}


def all_actions_on(app_label: str) -> set[str]:
    return {
        f"{app}.{action}_{model}"
        for app, model in domain_models()
        if app == app_label
        for action in ("add", "change", "delete", "view")
    }


def test_strategist_reads_everything_and_changes_the_portfolio_and_the_fardplan_only():
    permissions = permissions_of(Role.STRATEGIST)
    decides = {"discovery.change_discoveredapplication"}
    plans = all_actions_on("planning")
    assert permissions == view_everything() | all_actions_on("portfolio") | plans | decides
    assert "portfolio.delete_application" in permissions
    assert "discovery.add_identityimport" not in permissions  # uploads are the IT department's
    assert "gdpr.change_processingactivity" not in permissions
    # The färdplan's processor agreements and DPIAs are the dataskyddssamordnare's.
    assert "planning.manage_gdpr_action" not in permissions


def test_data_protection_coordinator_reads_everything_and_changes_gdpr_only():
    permissions = permissions_of(Role.DATA_PROTECTION)
    assert permissions == view_everything() | all_actions_on("gdpr") | {"planning.manage_gdpr_action"}
    assert "gdpr.add_transfer" in permissions
    assert "portfolio.change_application" not in permissions


def test_it_department_reads_everything_and_adds_and_changes_the_technical_inventory():
    inventory = [
        "organisation",
        "vendor",
        "service",
        "application",
        "learningresource",
        "serviceusage",
        "servicecapability",
    ]
    expected = view_everything() | {f"portfolio.{a}_{m}" for m in inventory for a in ("add", "change")}
    expected |= {"discovery.add_identityimport", "discovery.change_discoveredapplication"}
    permissions = permissions_of(Role.IT)
    assert permissions == expected
    assert not any(p.split(".")[1].startswith("delete_") for p in permissions)
    assert "gdpr.change_processingactivity" not in permissions
    assert "portfolio.change_cost" not in permissions


def test_reader_only_views_and_not_breaches():
    breaches = {"gdpr.view_breach", "gdpr.view_breachprocessingactivity"}
    assert permissions_of(Role.READER) == view_everything() - breaches


def test_users_in_role_groups_get_the_group_permissions(
    strategist, data_protection_coordinator, it_user, reader
):
    assert strategist.has_perm("portfolio.change_managementobject")
    assert not strategist.has_perm("gdpr.change_processingactivity")
    assert data_protection_coordinator.has_perm("gdpr.delete_dpia")
    assert not data_protection_coordinator.has_perm("portfolio.add_application")
    assert it_user.has_perm("portfolio.add_application") and not it_user.has_perm(
        "portfolio.delete_application"
    )
    assert reader.has_perm("gdpr.view_processingactivity") and not reader.has_perm(
        "gdpr.change_processingactivity"
    )

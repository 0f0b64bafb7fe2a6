"""Every change is history, with the acting user; stale edits are refused and change nothing."""

import datetime

import pytest
from django.urls import reverse

from gdpr.services import mark_reviewed
from portfolio.forms import ApplicationForm, VendorForm
from portfolio.models import Application, ServiceCapability, ServiceUsage, Vendor
from portfolio.services import StaleEditError, delete_versioned, save_form, set_links
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return f.UserFactory(username="redaktor")


def vendor_data(**overrides) -> dict:
    return {"name": "Skolplattform AB", "country": "SE", **overrides}


def application_data(**overrides) -> dict:
    return {"name": "Elevregistret", "lifecycle_status": "i_drift", "mfa": "okant", **overrides}


def test_save_form_records_creation_and_change_with_the_user(editor):
    vendor = save_form(VendorForm(data=vendor_data()), user=editor)
    created = vendor.history.get()
    assert (created.history_type, created.history_user) == ("+", editor)
    assert vendor.version == 1

    other = f.UserFactory(username="annan")
    vendor = save_form(
        VendorForm(data=vendor_data(name="Skolplattform Sverige AB"), instance=vendor),
        user=other,
        expected_version=1,
        reason="Namnbyte",
    )
    changed = vendor.history.first()
    assert (changed.history_type, changed.history_user, changed.history_change_reason) == (
        "~",
        other,
        "Namnbyte",
    )
    assert changed.name == "Skolplattform Sverige AB"
    assert Vendor.objects.get().version == 2


def test_save_form_with_a_stale_version_raises_and_changes_nothing(editor):
    vendor = save_form(VendorForm(data=vendor_data()), user=editor)
    save_form(VendorForm(data=vendor_data(name="Först"), instance=vendor), user=editor, expected_version=1)

    stale = VendorForm(data=vendor_data(name="Sist"), instance=Vendor.objects.get())
    with pytest.raises(StaleEditError) as excinfo:
        save_form(stale, user=editor, expected_version=1)

    assert "du läste version 1, nu är den version 2" in str(excinfo.value)
    stored = Vendor.objects.get()
    assert (stored.name, stored.version) == ("Först", 2)
    assert stored.history.count() == 2


def test_links_saved_through_a_form_are_history_rows_with_the_user(editor):
    first, second = f.CapabilityFactory(), f.CapabilityFactory()
    application = save_form(
        ApplicationForm(data=application_data(capabilities=[first.pk, second.pk])), user=editor
    )
    assert ServiceCapability.history.filter(history_type="+", history_user=editor).count() == 2

    save_form(
        ApplicationForm(data=application_data(capabilities=[second.pk]), instance=application),
        user=editor,
        expected_version=1,
    )
    removed = ServiceCapability.history.get(history_type="-")
    assert (removed.capability_id, removed.history_user) == (first.pk, editor)
    assert list(application.capabilities.all()) == [second]


def test_set_links_records_changed_extra_values_and_reports_no_change_when_equal(editor):
    application = f.ApplicationFactory()
    school = f.SchoolUnitFactory()
    assert set_links(
        application, ServiceUsage, "service", "organisation", {school: {"users": 10}}, user=editor
    )
    assert set_links(
        application, ServiceUsage, "service", "organisation", {school: {"users": 12}}, user=editor
    )
    assert not set_links(
        application, ServiceUsage, "service", "organisation", {school: {"users": 12}}, user=editor
    )
    history = list(
        ServiceUsage.history.order_by("history_id").values_list("history_type", "users", "history_user")
    )
    assert history == [("+", 10, editor.pk), ("~", 12, editor.pk)]


def test_delete_versioned_refuses_a_stale_version_and_records_the_deletion(editor):
    vendor = save_form(VendorForm(data=vendor_data()), user=editor)
    with pytest.raises(StaleEditError):
        delete_versioned(vendor, user=editor, expected_version=5)
    assert Vendor.objects.filter(pk=vendor.pk).exists()

    delete_versioned(Vendor.objects.get(pk=vendor.pk), user=editor, expected_version=1, reason="Dubblett")
    assert not Vendor.objects.exists()
    deleted = Vendor.history.first()
    assert (deleted.history_type, deleted.history_user, deleted.history_change_reason) == (
        "-",
        editor,
        "Dubblett",
    )


def test_mark_reviewed_records_who_and_when(editor):
    activity = f.ProcessingActivityFactory(last_reviewed_on=None)
    day = datetime.date(2026, 3, 2)
    mark_reviewed(activity, user=editor, expected_version=1, on=day)
    activity.refresh_from_db()
    assert (activity.last_reviewed_on, activity.last_reviewed_by, activity.version) == (day, editor, 2)
    record = activity.history.first()
    assert (record.history_user, record.history_change_reason, record.last_reviewed_by_id) == (
        editor,
        "Granskad",
        editor.pk,
    )
    with pytest.raises(StaleEditError):
        mark_reviewed(activity, user=editor, expected_version=1)


#
# Through the admin: the history middleware supplies the user
#


def _field_value(bound_field):
    value = bound_field.value()
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    if isinstance(value, bool):
        return "on" if value else None
    return str(value)


def admin_post_data(response, **changes) -> dict:
    """What a browser would post back from an admin change page, with ``changes`` applied."""
    data: dict = {}

    def add_form(form):
        for name in form.fields:
            value = _field_value(form[name])
            if value is not None:
                data[form.add_prefix(name)] = value

    add_form(response.context["adminform"].form)
    # The history "revert" page has no inlines.
    inlines = response.context.get("inline_admin_formsets", [])
    for inline in inlines:
        formset = inline.formset
        add_form(formset.management_form)
        for form in formset.forms:
            add_form(form)
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_admin_save_records_the_acting_user_in_history_and_moves_the_version(admin_client, superuser):
    application = f.ApplicationFactory(name="Närvarosystemet")
    url = reverse("admin:portfolio_application_change", args=[application.pk])
    school = f.SchoolUnitFactory()
    page = admin_client.get(url)
    data = admin_post_data(
        page,
        name="Närvaro och frånvaro",
        **{"usages-TOTAL_FORMS": "1", "usages-0-organisation": str(school.pk), "usages-0-users": "300"},
    )

    response = admin_client.post(url, data)

    assert response.status_code == 302, (
        response.context["adminform"].form.errors if response.context else None
    )
    application.refresh_from_db()
    assert (application.name, application.version) == ("Närvaro och frånvaro", 2)
    assert application.history.first().history_user == superuser
    usage = ServiceUsage.history.get()
    assert (usage.history_user, usage.users) == (superuser, 300)


def test_admin_refuses_an_edit_of_a_version_someone_else_saved_meanwhile(admin_client, editor):
    application = f.ApplicationFactory(name="Schemat")
    url = reverse("admin:portfolio_application_change", args=[application.pk])
    page = admin_client.get(url)
    save_form(
        ApplicationForm(data=application_data(name="Schema 2"), instance=application),
        user=editor,
        expected_version=1,
    )

    response = admin_client.post(url, admin_post_data(page, name="Schemat (admin)"))

    assert response.status_code == 200
    assert "Posten har ändrats av någon annan" in response.content.decode()
    stored = Application.objects.get()
    assert (stored.name, stored.version) == ("Schema 2", 2)


def test_admin_delete_is_recorded_with_the_acting_user(admin_client, superuser):
    vendor = f.VendorFactory()
    url = reverse("admin:portfolio_vendor_delete", args=[vendor.pk])
    response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    deleted = Vendor.history.first()
    assert (deleted.history_type, deleted.history_user) == ("-", superuser)


def test_reverting_from_the_admin_history_claims_a_new_version_and_names_the_user(admin_client, superuser):
    vendor = save_form(VendorForm(data=vendor_data(name="Första namnet")), user=superuser)
    save_form(VendorForm(data=vendor_data(name="Andra namnet"), instance=vendor), expected_version=1)
    first = vendor.history.earliest("history_date")
    url = reverse("admin:portfolio_vendor_simple_history", args=[vendor.pk, first.history_id])
    page = admin_client.get(url)
    assert page.status_code == 200

    response = admin_client.post(url, admin_post_data(page))

    assert response.status_code == 302
    stored = Vendor.objects.get()
    assert (stored.name, stored.version) == ("Första namnet", 3)
    assert stored.history.first().history_user == superuser


def test_roles_and_costs_are_added_on_an_existing_object_not_on_the_add_page(admin_client):
    add_page = admin_client.get(reverse("admin:portfolio_application_add"))
    models_offered = {
        inline.formset.model.__name__
        for inline in add_page.context["inline_admin_formsets"]
        if inline.has_add_permission
    }
    assert "RoleAssignment" not in models_offered and "Cost" not in models_offered
    application = f.ApplicationFactory()
    change_page = admin_client.get(reverse("admin:portfolio_application_change", args=[application.pk]))
    models_offered = {
        inline.formset.model.__name__
        for inline in change_page.context["inline_admin_formsets"]
        if inline.has_add_permission
    }
    assert {"RoleAssignment", "Cost", "ServiceUsage", "ServiceCapability"} <= models_offered


def test_bulk_delete_action_records_each_deletion_with_the_acting_user(admin_client, superuser):
    vendors = [f.VendorFactory(), f.VendorFactory()]
    response = admin_client.post(
        reverse("admin:portfolio_vendor_changelist"),
        {"action": "delete_selected", "_selected_action": [str(v.pk) for v in vendors], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Vendor.objects.exists()
    deletions = Vendor.history.filter(history_type="-")
    assert sorted(deletions.values_list("id", flat=True)) == sorted(v.pk for v in vendors)
    assert {d.history_user for d in deletions} == {superuser}


def test_admin_save_losing_a_race_after_its_check_is_rolled_back_with_a_message(admin_client):
    """Another writer bumps the version between the form's check and the save's claim."""
    from django.db import connection

    vendor = f.VendorFactory(name="Före")
    url = reverse("admin:portfolio_vendor_change", args=[vendor.pk])
    data = admin_post_data(admin_client.get(url), name="Efter")
    fired = []

    def concurrent_writer(execute, sql, params, many, context):
        if not fired and sql.startswith("UPDATE") and '"version"' in sql:
            fired.append(sql)
            execute(
                'UPDATE "portfolio_vendor" SET "version" = "version" + 1 WHERE "id" = %s',
                [vendor.pk],
                False,
                context,
            )
        return execute(sql, params, many, context)

    with connection.execute_wrapper(concurrent_writer):
        response = admin_client.post(url, data, follow=True)

    assert fired
    assert "Posten har ändrats av någon annan" in response.content.decode()
    stored = Vendor.objects.get()
    assert (stored.name, stored.version) == ("Före", 1)
    assert stored.history.count() == 1

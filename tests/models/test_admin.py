"""The admin: closed to anonymous users, every page opens, lists do not grow their query count."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gdpr.models import ProcessingActivity
from portfolio.models import Application
from tests import factories as f

DOMAIN_APPS = {"portfolio", "gdpr"}


def registered_domain_models() -> list[type]:
    return sorted(
        (m for m in admin.site._registry if m._meta.app_label in DOMAIN_APPS), key=lambda m: m._meta.label
    )


def admin_url(model: type, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_domain_model_is_registered_with_history_admin():
    from django.apps import apps
    from simple_history.admin import SimpleHistoryAdmin

    for app_label in DOMAIN_APPS:
        for model in apps.get_app_config(app_label).get_models():
            if model.__name__.startswith("Historical"):
                continue
            assert model in admin.site._registry, f"{model._meta.label} is not in the admin"
            assert isinstance(admin.site._registry[model], SimpleHistoryAdmin), model._meta.label


@pytest.mark.django_db
@pytest.mark.parametrize("model", registered_domain_models(), ids=lambda m: m._meta.label)
def test_anonymous_user_is_redirected_to_login_from_every_changelist(client, model):
    response = client.get(admin_url(model, "changelist"))
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith((reverse("login"), reverse("admin:login")))
    assert f"next={admin_url(model, 'changelist')}" in location


WRITTEN_BY_CODE_ONLY = {"gdpr.PersonErasure"}


def test_superuser_opens_every_changelist_change_page_and_history(admin_client, one_of_everything):
    for model in registered_domain_models():
        row = one_of_everything[model]
        for view, args in (("changelist", ()), ("change", (row.pk,)), ("history", (row.pk,)), ("add", ())):
            response = admin_client.get(admin_url(model, view, *args))
            # A log that only the code writes (the erasures) cannot be added by hand, not even by a superuser.
            expected = 403 if view == "add" and model._meta.label in WRITTEN_BY_CODE_ONLY else 200
            assert response.status_code == expected, f"{model._meta.label} {view}: {response.status_code}"
        # The folded search runs on every list.
        response = admin_client.get(admin_url(model, "changelist"), {"q": "Ö x"})
        assert response.status_code == 200, model._meta.label


def _changelist_queries(client, model) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(admin_url(model, "changelist"))
    assert response.status_code == 200
    return len(queries)


def _grow_applications(count: int) -> None:
    for _ in range(count):
        owner = f.ManagementObjectFactory()
        f.ApplicationFactory(management_object=owner)


def _grow_activities(count: int) -> None:
    for _ in range(count):
        f.ProcessingActivityFactory(responsible=f.PersonFactory())


@pytest.mark.parametrize(
    ("model", "grow"),
    [(Application, _grow_applications), (ProcessingActivity, _grow_activities)],
    ids=["application", "processing_activity"],
)
def test_main_changelists_make_as_many_queries_for_many_rows_as_for_few(admin_client, model, grow):
    grow(3)
    few = _changelist_queries(admin_client, model)
    grow(30)
    many = _changelist_queries(admin_client, model)
    assert many == few


def test_history_page_names_the_user_who_changed_the_object(admin_client, superuser):
    vendor = f.VendorFactory(name="Skolverket AB")
    vendor.name = "Skolverket Digital AB"
    vendor._history_user = superuser
    vendor.save()
    response = admin_client.get(admin_url(type(vendor), "history", vendor.pk))
    assert response.status_code == 200
    assert superuser.username in response.content.decode()


def test_country_filter_offers_the_countries_in_use_by_name(admin_client):
    american = f.VendorFactory(country="US")
    f.VendorFactory(country="SE")
    url = admin_url(type(american), "changelist")
    response = admin_client.get(url)
    specs = response.context["cl"].filter_specs
    country_filter = next(spec for spec in specs if getattr(spec, "parameter_name", "") == "land")
    # Swedish names ("USA" as Swedes write it, portfolio/countries.py), in Swedish order.
    assert [str(name) for _code, name in country_filter.lookup_choices] == ["Sverige", "USA"]
    assert list(admin_client.get(url, {"land": "US"}).context["cl"].result_list) == [american]


def _staff(user):
    user.is_staff = True
    user.save()
    return user


def test_staff_reader_sees_change_pages_read_only_and_cannot_save(client, reader):
    client.force_login(_staff(reader))
    application = f.ApplicationFactory(name="Läsbart")
    url = admin_url(Application, "change", application.pk)
    page = client.get(url)
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    assert client.post(url, {"name": "Ändrat"}).status_code == 403
    application.refresh_from_db()
    assert application.name == "Läsbart"


def test_staff_strategist_changes_the_portfolio_but_not_the_gdpr_record(client, strategist):
    client.force_login(_staff(strategist))
    activity = f.ProcessingActivityFactory()
    assert client.get(admin_url(Application, "add")).status_code == 200
    assert client.get(admin_url(ProcessingActivity, "add")).status_code == 403
    page = client.get(admin_url(ProcessingActivity, "change", activity.pk))
    assert page.status_code == 200 and not page.context["has_change_permission"]


def test_every_changelist_makes_as_many_queries_for_three_sets_of_rows_as_for_one(admin_client):
    from tests.models.conftest import build_one_of_everything

    build_one_of_everything()
    models = registered_domain_models()
    few = {model: _changelist_queries(admin_client, model) for model in models}
    build_one_of_everything()
    build_one_of_everything()
    many = {model: _changelist_queries(admin_client, model) for model in models}
    assert {m._meta.label: n for m, n in many.items() if n != few[m]} == {}


def test_fields_the_system_keeps_are_read_only_in_every_admin(rf, superuser, one_of_everything):
    request = rf.get("/")
    request.user = superuser
    for model in registered_domain_models():
        model_admin = admin.site._registry[model]
        readonly = set(model_admin.get_readonly_fields(request, one_of_everything[model]))
        names = {field.name for field in model._meta.get_fields()}
        kept = {"version", "created", "updated", "search_text", "path"} & names
        assert kept <= readonly, f"{model._meta.label}: {kept - readonly} editable"

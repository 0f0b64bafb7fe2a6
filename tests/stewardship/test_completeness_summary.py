"""The whole register's completeness: the dashboard summary, GraphQL, and month-end figures from history."""

import datetime

import pytest
from django.apps import apps
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import stewardship
from config.schema import schema
from portfolio.choices import RoleChoices
from stewardship.completeness import completeness_over_time
from tests.factories import (
    ApplicationFactory,
    ManagementObjectFactory,
    ProcessingActivityFactory,
    RoleAssignmentFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 15)


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def _date_history_since(cutoff: datetime.datetime | None, day: datetime.date) -> None:
    """Move every history row written after ``cutoff`` to noon on ``day`` (as if edited then)."""
    for model in apps.get_models():
        if model.__name__.startswith("Historical") and model._meta.app_label in ("portfolio", "gdpr"):
            rows = model.objects.all() if cutoff is None else model.objects.filter(history_date__gt=cutoff)
            rows.update(history_date=_at(day))


def test_month_end_figures_follow_the_history_of_a_record():
    app = ApplicationFactory(description="Elevregister", hosting="saas")
    RoleAssignmentFactory(application=app, role=RoleChoices.SYSTEM_OWNER)
    activity = ProcessingActivityFactory()
    _date_history_since(None, datetime.date(2026, 8, 10))  # all of it written in August

    activity.retention_period = ""
    activity.save()
    app.description = ""
    app.save()
    _date_history_since(_at(datetime.date(2026, 8, 10)), datetime.date(2026, 10, 5))  # edits made in October

    points = completeness_over_time(5, today=TODAY)
    assert [p.day for p in points] == [
        datetime.date(2026, 7, 31),
        datetime.date(2026, 8, 31),
        datetime.date(2026, 9, 30),
        datetime.date(2026, 10, 31),
        TODAY,
    ]
    july, august, september, october, now = points
    assert july.records == 0
    assert august.records == september.records == 2  # the system and the activity
    assert august.percent == september.percent
    assert october.percent < september.percent
    assert october.percent == now.percent


def test_past_month_ends_are_cached_and_today_is_always_fresh():
    today = timezone.localdate()
    ProcessingActivityFactory()
    completeness_over_time(3, today=today)
    with CaptureQueriesContext(connection) as again:
        points = completeness_over_time(3, today=today)
    uncached = len(again.captured_queries)
    ProcessingActivityFactory(retention_period="")
    assert completeness_over_time(3, today=today)[-1].records == points[-1].records + 1
    with CaptureQueriesContext(connection) as today_only:
        completeness_over_time(1, today=today, use_cache=False)
    assert uncached == len(today_only.captured_queries)  # the two past month-ends came from the cache


def test_month_end_figures_cost_the_same_queries_whatever_the_size():
    def build(n):
        for _i in range(n):
            app = ApplicationFactory()
            RoleAssignmentFactory(application=app, role=RoleChoices.SYSTEM_OWNER)
            ProcessingActivityFactory()

    build(2)
    with CaptureQueriesContext(connection) as small:
        completeness_over_time(2, today=TODAY, use_cache=False)
    build(8)
    with CaptureQueriesContext(connection) as large:
        completeness_over_time(2, today=TODAY, use_cache=False)
    assert len(large.captured_queries) == len(small.captured_queries)


def test_dashboard_summary_aggregates_every_kind_and_names_the_weakest():
    obj = ManagementObjectFactory(name="Elevadministration")
    ApplicationFactory(management_object=obj)
    ProcessingActivityFactory(retention_period="")
    summary = stewardship.completeness_summary()
    assert summary.overall.records == 3
    assert [g.label for g in summary.by_kind] == [
        "System",
        "Lärresurser",
        "Förvaltningsobjekt",
        "Behandlingar",
    ]
    assert {g.label for g in summary.by_management_object} == {"Elevadministration"}
    assert len(summary.by_controller) == 1
    assert summary.least_complete[0].percent <= summary.least_complete[-1].percent
    assert 0 < summary.overall.percent < 100


def _run(user, query):
    request = RequestFactory().post("/graphql/")
    request.user = user
    request.api_token = None
    return schema.execute(query, context_value=request)


QUERY = """{ completeness(months: 2) { percent records
  byKind { label percent records }
  byController { key label percent mostMissing }
  recordsOf(kind: "processing_activity", incomplete: true) { kind pk name percent missing stale }
  overTime { day percent records } } }"""


def test_graphql_completeness_field(reader):
    activity = ProcessingActivityFactory(retention_period="")
    result = _run(reader, QUERY)
    assert result.errors is None, result.errors
    data = result.data["completeness"]
    assert data["records"] == 1
    [record] = data["recordsOf"]
    assert record["pk"] == activity.pk and "saknar gallringsfrist" in record["missing"]
    assert data["byController"][0]["key"] == activity.controller_id
    assert len(data["overTime"]) == 2


def test_graphql_completeness_needs_view_permission():
    result = _run(UserFactory(username="utan-roll"), "{ completeness { percent } }")
    assert result.errors and "Behörighet" in result.errors[0].message

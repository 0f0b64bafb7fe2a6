"""The demo's history reads as a register built up over two years, reviewed after its last change.

Built once per module (``built``) by the conftest's user, who is also the reviewer here; the
``seed_demo`` command names the demo's dataskyddssamordnare as reviewer (tests/demo/test_seed_command.py).
"""

import datetime

import pytest
from django.utils import timezone

from gdpr.models import ProcessingActivity, ProcessingActivityService
from integrations.demo.backdate import DAYS
from portfolio.models import Application, Organisation, Service, ServiceUsage
from stewardship.completeness import completeness_over_time

pytestmark = pytest.mark.django_db


def creation_dates(model) -> dict[int, datetime.datetime]:
    return dict(model.history.filter(history_type="+").values_list("id", "history_date"))


def test_the_history_is_spread_over_the_two_years_before_the_seeding(built):
    now = timezone.now()
    dates = sorted(creation_dates(Service).values())
    assert now - datetime.timedelta(days=DAYS + 1) <= dates[0] < now - datetime.timedelta(days=DAYS - 60)
    assert dates[-1] < now and dates[-1] - dates[0] > datetime.timedelta(days=600)
    apps = Service.objects.order_by("pk")
    assert {a.created for a in apps[:5]} <= set(dates) and apps.first().updated == dates[0]


def test_no_row_is_dated_before_a_row_it_points_to(built):
    services = creation_dates(Service)
    for usage_id, service_id in ServiceUsage.objects.values_list("pk", "service_id"):
        assert creation_dates_cache(ServiceUsage)[usage_id] > services[service_id]
    organisations = creation_dates(Organisation)
    for activity_id, controller_id in ProcessingActivity.objects.values_list("pk", "controller_id"):
        if controller_id is not None:
            assert creation_dates_cache(ProcessingActivity)[activity_id] > organisations[controller_id]
    activities = creation_dates(ProcessingActivity)
    for link_id, activity_id, service_id in ProcessingActivityService.objects.values_list(
        "pk", "processing_activity_id", "service_id"
    ):
        link = creation_dates_cache(ProcessingActivityService)[link_id]
        assert link > activities[activity_id] and link > services[service_id]


_CACHE: dict = {}


def creation_dates_cache(model):
    if model not in _CACHE:
        _CACHE[model] = creation_dates(model)
    return _CACHE[model]


def test_a_year_ago_the_register_held_part_of_what_it_holds_now(built):
    year_ago = timezone.now() - datetime.timedelta(days=365)
    then = ProcessingActivity.history.as_of(year_ago).count()
    assert 0 < then < ProcessingActivity.objects.count()
    assert 0 < Application.history.as_of(year_ago).count() < Application.objects.count()


def test_the_completeness_series_grows_with_the_register(built):
    points = completeness_over_time(12, use_cache=False)
    records = [point.records for point in points]
    assert records[0] > 0 and records[0] < records[-1]
    assert records == sorted(records)


def test_reviewed_records_were_written_before_their_review_and_name_their_reviewer(built):
    _manifest, user = built
    reviewed = ProcessingActivity.objects.filter(last_reviewed_on__isnull=False)
    created = creation_dates(ProcessingActivity)
    register_start = timezone.localdate() - datetime.timedelta(days=DAYS)
    changed_since = [
        a.name
        for a in reviewed
        if timezone.localtime(created[a.pk]).date() > a.last_reviewed_on
        and a.last_reviewed_on > register_start  # a review older than the register cannot cover it
    ]
    assert changed_since == []  # none "changed since the review"
    assert reviewed.filter(last_reviewed_on__gt=register_start).count() > 100
    assert set(reviewed.values_list("last_reviewed_by", flat=True)) == {user.pk}

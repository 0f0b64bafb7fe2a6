"""Past month-end completeness figures are computed once and stored for every process; today's is not."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from analysis_cache.models import AnalysisResult
from portfolio.choices import RoleChoices
from stewardship.completeness import completeness_over_time, completeness_summary
from tests.factories import ApplicationFactory, ProcessingActivityFactory, RoleAssignmentFactory
from tests.stewardship.test_completeness_summary import _date_history_since

pytestmark = pytest.mark.django_db


def _figures(point) -> tuple:
    kinds = {
        kind: (a.records, a.score, a.possible, a.complete_records, a.missing_counts)
        for kind, a in point.by_kind.items()
    }
    return point.day, point.score, point.possible, point.records, kinds


def _register(n: int) -> None:
    for _i in range(n):
        app = ApplicationFactory(description="")
        RoleAssignmentFactory(application=app, role=RoleChoices.SYSTEM_OWNER)
        ProcessingActivityFactory(retention_period="")


def test_past_month_ends_are_stored_and_read_back_by_another_process():
    _register(2)
    _date_history_since(None, timezone.localdate() - datetime.timedelta(days=70))
    first = completeness_over_time(3)
    stored = AnalysisResult.objects.filter(name__startswith="completeness_month:")
    assert sorted(stored.values_list("name", flat=True)) == [
        f"completeness_month:{point.day.isoformat()}" for point in first[:-1]
    ]

    cache.clear()  # another process: nothing in its memory, the database has the figures
    with CaptureQueriesContext(connection) as stored_run:
        again = completeness_over_time(3)
    with CaptureQueriesContext(connection) as today_only:
        completeness_over_time(1, use_cache=False)
    assert [_figures(p) for p in again] == [_figures(p) for p in first]
    assert len(stored_run.captured_queries) == len(today_only.captured_queries) + 1  # one read of the stored


def test_stored_figures_of_other_code_are_not_used():
    _register(1)
    completeness_over_time(2)
    AnalysisResult.objects.filter(name__startswith="completeness_month:").update(state="other code")
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        completeness_over_time(2)
    assert AnalysisResult.objects.filter(state="other code").count() == 0  # recomputed and stored anew
    assert len(queries.captured_queries) > 2


def test_todays_point_from_the_summary_equals_the_register_read_back_from_history():
    _register(3)
    ApplicationFactory(description="Fullständig", hosting="saas")
    summary = completeness_summary(months=2)
    from_history = completeness_over_time(1, use_cache=False)[-1]
    assert _figures(summary.over_time[-1]) == _figures(from_history)


def test_a_summary_for_another_day_reads_that_day_from_history():
    _register(2)
    _date_history_since(None, timezone.localdate() - datetime.timedelta(days=40))
    ApplicationFactory(description="Efteråt")  # today: not part of the register 40 days ago
    day = timezone.localdate() - datetime.timedelta(days=40)
    summary = completeness_summary(today=day, months=1)
    assert summary.over_time[-1].records == completeness_over_time(1, today=day, use_cache=False)[-1].records
    assert summary.over_time[-1].records < summary.overall.records

"""Completeness benchmarks: today's summary, the month-end series, and a review round's start.

Query counts are the point: the same at scale 1 and 30 (set-based scoring, one Snapshot query
per model and month). The series is measured twice: every month-end read from history (the
first computation) and with the past month-ends stored (every later one). Times are reported,
never judged.
"""

import time

from django.db import connection, transaction

from bench import Measurement, QueryCounter


def measure(func) -> tuple[float, int, object]:
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        started = time.perf_counter()
        result = func()
        elapsed = time.perf_counter() - started
    return elapsed, counter.count, result


def run(scale: int) -> list[Measurement]:
    import datetime

    from django.core.cache import cache
    from django.utils import timezone

    from stewardship.completeness import completeness_over_time, completeness_summary
    from stewardship.services import start_round

    rows: list[Measurement] = []
    seconds, queries, summary = measure(completeness_summary)
    note = f"{summary.overall.records} records, {summary.overall.percent} %"
    rows += [
        Measurement("completeness", "summary time", seconds, "s", note),
        Measurement("completeness", "summary queries", queries, "", note),
    ]
    # Every point read back from history: what the first computation costs (one Snapshot a month).
    seconds, queries, points = measure(lambda: completeness_over_time(12, use_cache=False))
    rows += [
        Measurement("completeness", "12 month-ends time", seconds, "s", f"{len(points)} points from history"),
        Measurement("completeness", "12 month-ends queries", queries, ""),
    ]
    # Past month-ends are stored once computed (seed_demo's refresh_analyses did): only today's
    # point is read from history, the rest is one query for the stored figures.
    cache.clear()
    completeness_over_time(12)  # stores whatever is not stored yet
    cache.clear()  # as in a new process: the stored figures come from the database
    seconds, queries, points = measure(lambda: completeness_over_time(12))
    rows += [
        Measurement("completeness", "12 month-ends, past stored, time", seconds, "s", "today from history"),
        Measurement("completeness", "12 month-ends, past stored, queries", queries, ""),
    ]
    # What the dashboard's refresh pays: the summary with the series, today's point from the summary.
    seconds, queries, summary = measure(lambda: completeness_summary(months=12))
    rows += [
        Measurement("completeness", "summary with 12 months time", seconds, "s", "past month-ends stored"),
        Measurement("completeness", "summary with 12 months queries", queries, ""),
    ]

    def start():
        with transaction.atomic():
            today = timezone.localdate()
            round_ = start_round(
                name="Bench",
                deadline=today + datetime.timedelta(days=30),
                kinds=["application", "learning_resource", "management_object", "processing_activity"],
            )
            items = round_.items.count()
            transaction.set_rollback(True)  # leave the demo as it was
        return items

    seconds, queries, items = measure(start)
    rows += [
        Measurement("completeness", "start review round time", seconds, "s", f"{items} items"),
        Measurement("completeness", "start review round queries", queries, "", f"{items} items"),
    ]
    return rows

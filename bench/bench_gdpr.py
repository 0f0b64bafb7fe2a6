"""GDPR benchmarks: the gap rules and the Article 30 export at demo scale, with their query counts.

Query counts are the point: they must be the same at scale 1 and 30 (set-based rules, one query
per model in the export). Times are reported, never judged.
"""

import io
import time

from django.db import connection
from django.utils import timezone

from bench import Measurement, QueryCounter


def measure(func) -> tuple[float, int, object]:
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        started = time.perf_counter()
        result = func()
        elapsed = time.perf_counter() - started
    return elapsed, counter.count, result


def run(scale: int) -> list[Measurement]:
    from gdpr.gaps import find_gaps, gap_counts_by_service
    from gdpr.models import ProcessingActivity
    from integrations.ropa import export_ropa

    activities = ProcessingActivity.objects.count()
    rows: list[Measurement] = []

    seconds, queries, findings = measure(find_gaps)
    note = f"{len(findings)} findings over {activities} records"
    rows += [
        Measurement("gdpr", "find_gaps time", seconds, "s", note),
        Measurement("gdpr", "find_gaps queries", queries, "", note),
    ]
    seconds, queries, counts = measure(gap_counts_by_service)
    rows += [
        Measurement("gdpr", "gap_counts_by_service time", seconds, "s", f"{len(counts)} services"),
        Measurement("gdpr", "gap_counts_by_service queries", queries, ""),
    ]

    def xlsx():
        buffer = io.BytesIO()
        return export_ropa(buffer, fmt="xlsx"), buffer.getbuffer().nbytes

    seconds, queries, (written, size) = measure(xlsx)
    note = f"{written} rows, {size // 1024} KiB"
    rows += [
        Measurement("gdpr", "export_ropa xlsx time", seconds, "s", note),
        Measurement("gdpr", "export_ropa xlsx queries", queries, "", note),
    ]

    def xlsx_as_of():
        buffer = io.BytesIO()
        return export_ropa(buffer, fmt="xlsx", as_of=timezone.now())

    seconds, queries, written = measure(xlsx_as_of)
    rows += [
        Measurement("gdpr", "export_ropa xlsx as-of time", seconds, "s", f"{written} rows from history"),
        Measurement("gdpr", "export_ropa xlsx as-of queries", queries, ""),
    ]
    return rows

"""Dashboard render: wall time and SQL queries for a logged-in strateg (issue 7: well under a second).

The dashboard presents analyses that are computed once per state of the register; the first
render after a change pays for them ("first render"), later ones read the cached results.
Also the system list and one system's page, so the figures show how the register pages scale.
Times are medians of a few renders after one warm-up; queries are counted with an execute
wrapper (CaptureQueriesContext stops counting past Django's log cap).
"""

import statistics
import time

from bench import Measurement

REPEATS = 5


def _measure(client, url: str) -> tuple[float, int]:
    from django.db import connection

    client.get(url)  # warm-up: template compilation, imports
    times = []
    queries = 0
    for _ in range(REPEATS):
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counter):
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        queries = count
    return statistics.median(times), queries


def run(scale: int) -> list[Measurement]:
    from django.test import Client
    from django.urls import reverse

    from accounts.roles import Role, sync_role_groups
    from portfolio.models import Application

    groups = sync_role_groups()
    from django.contrib.auth import get_user_model

    user, _created = get_user_model().objects.get_or_create(username="bench-strateg")
    user.groups.add(groups[Role.STRATEGIST])
    client = Client()
    client.force_login(user)

    pages = [("dashboard", reverse("dashboard")), ("system list", reverse("portfolio:application_list"))]
    first = Application.objects.order_by("pk").first()
    if first is not None:
        pages.append(("system page", reverse("portfolio:application_detail", args=[first.pk])))
    from config import views as config_views

    rows = []
    client.get(reverse("login"))  # imports and templates, outside the timing
    config_views._CACHE.clear()
    started = time.perf_counter()
    client.get(reverse("dashboard"))
    rows.append(
        Measurement("web", "dashboard first render", (time.perf_counter() - started) * 1000, "ms",
                    "runs every analysis")
    )
    for label, url in pages:
        seconds, queries = _measure(client, url)
        note = f"{Application.objects.count()} systems" if label == "dashboard" else ""
        rows.append(Measurement("web", f"{label} render", seconds * 1000, "ms", note))
        rows.append(Measurement("web", f"{label} queries", queries, "count"))
    return rows

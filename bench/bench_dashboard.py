"""Dashboard render: wall time and SQL queries for a logged-in strateg (issue 7: well under a second).

The dashboard shows the last computed analyses (``stewardship.analyses``): at once when they are
current, and at once too right after a change to the register, labelled, while a background
task recomputes them. The figures:

* **refresh after a change** — the whole analysis suite recomputed (what the task worker
  or ``manage.py refresh_analyses`` spends; nobody waits for it);
* **first render in a new process** — the stored results read back from the database;
* **render** — analyses current (median of a few renders);
* **render after a change** — each render right after a change to the register: the last
  results are shown and a refresh is enqueued (the worker runs it before the next change).

Also the system list and one system's page, so the figures show how the register pages scale.
Queries are counted with an execute wrapper (CaptureQueriesContext stops counting past Django's
log cap).
"""

import statistics
import time

from bench import Measurement, QueryCounter

REPEATS = 5


def _timed_get(client, url: str) -> tuple[float, int, object]:
    from django.db import connection

    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        started = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    return elapsed, counter.count, response


def _measure(client, url: str) -> tuple[float, int]:
    client.get(url)  # warm-up: template compilation, imports
    times, queries = [], 0
    for _ in range(REPEATS):
        seconds, queries, _response = _timed_get(client, url)
        times.append(seconds)
    return statistics.median(times), queries


def _change_the_register(step: int) -> None:
    """An edit as a person makes it: one system's description, saved with its history."""
    from portfolio.models import Application

    application = Application.objects.order_by("pk").first()
    application.description = f"{application.description.rstrip(' ·')} ·{'·' * (step % 2)}"
    application.save()


def _is_stale(response) -> bool:
    """Whether the page says its analyses describe an earlier state of the register."""
    return 'id="analyses-stale"' in response.content.decode()


def _wait_for_background_refresh() -> None:
    """Run what the render enqueued, as the task worker beside the web server does (``db_worker``)."""
    from django_tasks import task_backends
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.management.commands.db_worker import Worker

    if not isinstance(task_backends["default"], DatabaseBackend):
        return  # the immediate backend has run it already
    Worker(
        queue_names=["default"], interval=0, batch=True, backend_name="default", startup_delay=False,
        max_tasks=None, worker_id="bench", excluded_queue_names=[],
    ).run()


def run(scale: int) -> list[Measurement]:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse
    from django.utils import translation

    from accounts.roles import Role, sync_role_groups
    from portfolio.models import Application
    from stewardship.analyses import forget_all, refresh_analyses

    groups = sync_role_groups()
    user, _created = get_user_model().objects.get_or_create(username="bench-strateg")
    user.groups.add(groups[Role.STRATEGIST])
    client = Client()
    client.force_login(user)
    client.get(reverse("login"))  # imports and templates, outside the timing
    dashboard = reverse("dashboard")
    systems = f"{Application.objects.count()} systems"
    rows = []

    _change_the_register(0)
    with translation.override("sv"):
        refresh = refresh_analyses("sv")
    by_time = sorted(refresh.seconds.items(), key=lambda item: -item[1])
    slowest = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in by_time[:3])
    rows.append(
        Measurement(
            "web", "analyses refresh after a change", refresh.elapsed, "s", f"by the task worker; {slowest}"
        )
    )

    forget_all()
    seconds, queries, response = _timed_get(client, dashboard)
    if _is_stale(response):
        raise RuntimeError("the refresh should have made the analyses current")
    rows.append(
        Measurement("web", "dashboard first render", seconds * 1000, "ms", "new process: results read back")
    )

    seconds, queries = _measure(client, dashboard)
    rows.append(Measurement("web", "dashboard render", seconds * 1000, "ms", f"analyses current; {systems}"))
    rows.append(Measurement("web", "dashboard queries", queries, "count"))

    times, queries = [], 0
    for step in range(1, REPEATS + 1):
        _change_the_register(step)
        seconds, queries, response = _timed_get(client, dashboard)
        if not _is_stale(response):
            raise RuntimeError("after a change the dashboard should show the last results, labelled")
        times.append(seconds)
        _wait_for_background_refresh()
    rows.append(
        Measurement(
            "web", "dashboard render after a change", statistics.median(times) * 1000, "ms",
            "last results shown, labelled; refresh enqueued for the worker",
        )
    )
    rows.append(Measurement("web", "dashboard queries after a change", queries, "count"))
    _seconds, _queries, response = _timed_get(client, dashboard)
    if _is_stale(response):
        raise RuntimeError("the background refresh should have made the analyses current")

    pages = [("system list", reverse("portfolio:application_list"))]
    first = Application.objects.order_by("pk").first()
    if first is not None:
        pages.append(("system page", reverse("portfolio:application_detail", args=[first.pk])))
    for label, url in pages:
        seconds, queries = _measure(client, url)
        rows.append(Measurement("web", f"{label} render", seconds * 1000, "ms"))
        rows.append(Measurement("web", f"{label} queries", queries, "count"))
    return rows

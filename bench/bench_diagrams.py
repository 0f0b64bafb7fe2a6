"""The färdplan's pictures (issue 18: the capability map and the roadmap render in ≤ 300 ms server
time at scale 30).

* **capability map render** — the SVG of every service not retired in its capabilities, from the
  facts already read (``planning.diagrams.render_capability_map``: what the 300 ms is about);
* **capability map facts** — reading those facts from the register (services, capabilities,
  costs, TIME, the GDPR rules for the gap dimension), and its query count;
* **roadmap render** — a plan of 200 actions on its timeline, from its summary;
* **capability map page** and **plan page** — the whole request, for scale.
"""

import datetime
import statistics
import time

from bench import Measurement, QueryCounter

REPEATS = 5
ACTIONS = 200


def _median(function, clock=time.perf_counter) -> float:
    function()  # warm-up
    times = []
    for _ in range(REPEATS):
        started = clock()
        function()
        times.append(clock() - started)
    return statistics.median(times)


def _cpu(function) -> float:
    """CPU time of the process: on a loaded 2-core machine wall time swings 2×, this much less."""
    return _median(function, time.process_time)


def _plan_of_200_actions():
    from django.utils import timezone

    from planning.models import Action, Plan
    from portfolio.models import Service

    today = timezone.localdate()
    plan = Plan.objects.create(name="Bench: 200 åtgärder", horizon=today + datetime.timedelta(days=730))
    services = list(Service.objects.order_by("pk").values_list("pk", flat=True)[:ACTIONS])
    kinds = ["phase_out", "move_behind_sso", "join_skolfederation", "consolidate_contracts"]
    statuses = ["planerad", "pagar", "klar", "stoppad"]
    Action.objects.bulk_create(
        [
            Action(
                plan=plan,
                kind=kinds[i % len(kinds)],
                service_id=services[i % len(services)],
                planned_start=today + datetime.timedelta(days=(i * 3) % 400 - 200),
                planned_end=today + datetime.timedelta(days=(i * 3) % 400 - 100),
                status=statuses[i % len(statuses)],
            )
            for i in range(ACTIONS)
        ]
    )
    return plan


def run(scale: int) -> list[Measurement]:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import translation

    from accounts.roles import Role, sync_role_groups
    from planning import diagrams
    from planning.workbook import plan_summary

    rows = []
    with translation.override("sv"):
        for label, dimensions in (("every dimension", diagrams.ALL_DIMENSIONS), ("SSO only", ("sso",))):
            counter = QueryCounter()
            with connection.execute_wrapper(counter):
                facts = diagrams.service_facts_today(dimensions=dimensions)
            seconds = _median(lambda d=dimensions: diagrams.service_facts_today(dimensions=d))
            rows.append(
                Measurement(
                    "diagrams",
                    f"capability map facts ({label})",
                    seconds * 1000,
                    "ms",
                    f"{len(facts)} services",
                )
            )
            rows.append(
                Measurement("diagrams", f"capability map facts queries ({label})", counter.count, "count")
            )
        facts = diagrams.service_facts_today()
        capabilities = diagrams.capability_rows()
        urls = diagrams.service_urls(f.key for f in facts)
        for dimension in ("sso", "cost"):

            def draw(d=dimension):
                return diagrams.render_capability_map(
                    diagrams.capability_map(facts, capabilities, d, "Karta", urls)
                )

            note = f"{len(facts)} services; target ≤ 300 ms"
            rows.append(
                Measurement(
                    "diagrams", f"capability map render ({dimension})", _median(draw) * 1000, "ms", note
                )
            )
            rows.append(
                Measurement(
                    "diagrams", f"capability map render CPU ({dimension})", _cpu(draw) * 1000, "ms", note
                )
            )

        plan = _plan_of_200_actions()
        summary = plan_summary(plan)
        seconds = _cpu(lambda: diagrams.render_roadmap(diagrams.roadmap_for(summary, "capability")))
        rows.append(
            Measurement(
                "diagrams", "roadmap render CPU", seconds * 1000, "ms", f"{ACTIONS} actions; target ≤ 300 ms"
            )
        )

        groups = sync_role_groups()
        user, _created = get_user_model().objects.get_or_create(username="bench-strateg-diagrams")
        user.groups.add(groups[Role.STRATEGIST])
        client = Client()
        client.force_login(user)
        for label, url in (
            ("capability map page", reverse("planning:capability_map")),
            ("plan page (200 actions)", plan.get_absolute_url()),
        ):
            counter = QueryCounter()
            with connection.execute_wrapper(counter):
                status = client.get(url).status_code
            if status != 200:
                raise RuntimeError(f"{url} answered {status}")
            seconds = _median(lambda u=url: client.get(u))
            rows.append(Measurement("diagrams", label, seconds * 1000, "ms", "whole request"))
            rows.append(Measurement("diagrams", f"{label} queries", counter.count, "count"))
    return rows

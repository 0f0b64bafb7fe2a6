"""The färdplan's pictures (issue 18: the capability map and the roadmap render in ≤ 300 ms server
time at scale 30).

* **capability map page** — the whole request, in CPU time of this process: today's map (the
  overview when the register is above ``MAP_TILE_LIMIT``, as at scale 30), today's map with its
  facts out of date (read last known, the refresh scheduled), one area's map (the largest area:
  every one of its services a tile), and the map at a plan's date the first time (its facts
  computed on the request) and again (read back). The SVG's size is in the note;
* **capability map facts** — computing the facts (the first view ever, and the background refresh
  after a change: every dimension in one pass), and the query count;
* **roadmap render** — a plan of 200 actions on its timeline, from its summary;
* **plan page** — the whole request, for scale.
"""

import datetime
import re
import statistics
import time

from bench import Measurement, QueryCounter

REPEATS = 5
ACTIONS = 200
TARGET = "target ≤ 300 ms"


def _median(function, clock=time.perf_counter, repeats: int = REPEATS, warm: bool = True) -> float:
    if warm:
        function()
    times = []
    for _ in range(repeats):
        started = clock()
        function()
        times.append(clock() - started)
    return statistics.median(times)


def _cpu(function, **kwargs) -> float:
    """CPU time of the process: on a loaded 2-core machine wall time swings 2×, this much less."""
    return _median(function, time.process_time, **kwargs)


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


def _svg_size(content: bytes) -> str:
    match = re.search(rb"<svg.*?</svg>", content, re.S)
    size = len(match.group(0)) if match else 0
    return f"SVG {size / 1024:.0f} kB, page {len(content) / 1024:.0f} kB"


def _largest_area(facts, capabilities) -> tuple[int, str, int]:
    """The area with the most tiles: (pk, name, tiles) — the heaviest map of one area."""
    from planning import diagrams

    names = {pk: name for pk, name, _parent in capabilities}
    area_of = {pk: parent or pk for pk, _name, parent in capabilities}
    tiles: dict[int, int] = {}
    for service in facts:
        for capability_id in service.capability_ids:
            area = area_of.get(capability_id, capability_id)
            tiles[area] = tiles.get(area, 0) + 1
    pk = max(tiles, key=tiles.get)
    assert diagrams.resolve_area(str(pk), capabilities) == pk
    return pk, names[pk], tiles[pk]


def run(scale: int) -> list[Measurement]:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import reverse
    from django.utils import translation

    from accounts.roles import Role, sync_role_groups
    from analysis_cache.models import AnalysisResult
    from planning import diagrams
    from planning.workbook import plan_summary

    rows = []
    with translation.override("sv"):
        for label, dimensions in (("every dimension", diagrams.ALL_DIMENSIONS), ("SSO only", ("sso",))):
            counter = QueryCounter()
            with connection.execute_wrapper(counter):
                facts = diagrams.service_facts_today(dimensions=dimensions)
            seconds = _cpu(lambda d=dimensions: diagrams.service_facts_today(dimensions=d), repeats=3)
            note = f"{len(facts)} services; computed only when nothing is stored"
            rows.append(
                Measurement("diagrams", f"capability map facts CPU ({label})", seconds * 1000, "ms", note)
            )
            rows.append(
                Measurement("diagrams", f"capability map facts queries ({label})", counter.count, "count")
            )

        def refresh():
            AnalysisResult.objects.filter(name__startswith="planning.capability_map.").update(state="old")
            return diagrams.refresh_facts_today("sv")

        seconds = _cpu(refresh, repeats=3, warm=False)
        rows.append(
            Measurement(
                "diagrams",
                "capability map facts background refresh CPU",
                seconds * 1000,
                "ms",
                "every dimension, GDPR findings read from the suite; off the request path",
            )
        )

        plan = _plan_of_200_actions()
        summary = plan_summary(plan)
        seconds = _cpu(lambda: diagrams.render_roadmap(diagrams.roadmap_for(summary, "capability")))
        rows.append(
            Measurement(
                "diagrams", "roadmap render CPU", seconds * 1000, "ms", f"{ACTIONS} actions; {TARGET}"
            )
        )

        groups = sync_role_groups()
        user, _created = get_user_model().objects.get_or_create(username="bench-strateg-diagrams")
        user.groups.add(groups[Role.STRATEGIST])
        client = Client()
        client.force_login(user)

        facts = diagrams.facts_today("sso").facts
        capabilities = diagrams.capability_rows()
        area, area_name, area_tiles = _largest_area(facts, capabilities)
        mode = "overview" if diagrams.tile_count(facts) > diagrams.MAP_TILE_LIMIT else "whole map"
        base = reverse("planning:capability_map")
        at = f"{base}?dimension=sso&plan={plan.pk}&on={plan.horizon.isoformat()}"

        def page(url: str, label: str, note: str, **kwargs) -> bytes:
            counter = QueryCounter()
            with connection.execute_wrapper(counter):
                response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}")
            seconds = _cpu(lambda: client.get(url), **kwargs)
            note = f"{note}; {_svg_size(response.content)}; {TARGET}"
            rows.append(Measurement("diagrams", f"{label} CPU", seconds * 1000, "ms", note))
            rows.append(Measurement("diagrams", f"{label} queries", counter.count, "count"))
            return response.content

        total = diagrams.tile_count(facts)
        page(f"{base}?dimension=sso", "capability map page today", f"{mode} of {total} tiles")
        page(f"{base}?dimension=cost", "capability map page today (cost)", f"{mode} of {total} tiles")
        with override_settings(ANALYSES_REFRESH="command"):  # the bench has no worker to refresh

            def stale_page():
                AnalysisResult.objects.filter(name="planning.capability_map.sso").update(state="old")
                return client.get(f"{base}?dimension=sso")

            content = stale_page().content
            assert b"Kartan avser registret" in content
            seconds = _cpu(stale_page)
            rows.append(
                Measurement(
                    "diagrams",
                    "capability map page today, facts out of date CPU",
                    seconds * 1000,
                    "ms",
                    f"last known shown, refresh scheduled; {TARGET}",
                )
            )
        diagrams.refresh_facts_today("sv")
        page(
            f"{base}?dimension=sso&omrade={area}",
            "capability map page, one area",
            f"{area_name}: {area_tiles} tiles",
        )

        def first_at():
            AnalysisResult.objects.filter(name__startswith="planning.capability_map_at.").delete()
            return client.get(at)

        seconds = _cpu(first_at, repeats=3)
        rows.append(
            Measurement(
                "diagrams",
                "capability map page at a plan date, first view CPU",
                seconds * 1000,
                "ms",
                f"{ACTIONS} actions applied, facts computed on the request; {_svg_size(first_at().content)}",
            )
        )
        page(at, "capability map page at a plan date, repeat view", "facts read back")
        page(f"{at}&omrade={area}", "capability map page at a plan date, one area", f"{area_name}")

        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            status = client.get(plan.get_absolute_url()).status_code
        if status != 200:
            raise RuntimeError(f"plan page answered {status}")
        seconds = _median(lambda: client.get(plan.get_absolute_url()))
        rows.append(Measurement("diagrams", "plan page (200 actions)", seconds * 1000, "ms", "whole request"))
        rows.append(Measurement("diagrams", "plan page (200 actions) queries", counter.count, "count"))
    return rows

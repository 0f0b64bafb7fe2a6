"""GraphQL landscape query: SQL queries and server time for the first 100 systems and for all of
them (walking every page), next to the floor — plain SQL plus ``json.dumps`` of the same fields.

The query is posted to /graphql/ with an API token, as the IT department's tools do, and timed
as the whole request on the server side. The floor for one page reads that page's rows and their
relations; the floor for the whole register reads every table once."""

from __future__ import annotations

import cProfile
import gc
import json
import pstats
import statistics
import time
from collections import defaultdict

from bench import Measurement, QueryCounter

AREA = "graphql"
REPEAT = 3

LANDSCAPE = """
query Landscape($after: String) {
  applications(first: 100, after: $after) {
    totalCount
    pageInfo { endCursor hasNextPage }
    edges { node {
      id name lifecycleStatus authentication identityProvider federation
      vendor { name country }
      managementObject { name }
      capabilities { edges { node { name } } }
      organisations { edges { node { name kind } } }
      roles { edges { node { role person { name email } } } }
      costs { edges { node { year amount kind } } }
      processingActivities { edges { node { name legalBasis specialCategories } } }
    } }
  }
}
"""


def _client():
    """A test client carrying an API token of a läsare, as the IT department's tools call the API."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client

    from accounts.models import ApiToken
    from accounts.roles import Role, sync_role_groups

    sync_role_groups()
    user, _created = get_user_model().objects.get_or_create(username="bench-graphql")
    user.groups.set([Group.objects.get(name=Role.READER)])
    _token, plaintext = ApiToken.issue(user, read_only=True)
    return Client(HTTP_AUTHORIZATION=f"Bearer {plaintext}")


def _graphql(client, *, all_pages: bool) -> tuple[int, float, int]:
    """(SQL queries, seconds, rows) for the first page or for every page, through the endpoint.

    The time is the server's: the request through Django's middleware, token check, GraphQL
    parsing, validation and execution, and the JSON response (the test client calls the handler
    in-process; no network).
    """
    from django.db import connection

    counter = QueryCounter()
    rows, after = 0, None
    started = time.perf_counter()
    with connection.execute_wrapper(counter):
        while True:
            response = client.post(
                "/graphql/", json.dumps({"query": LANDSCAPE, "variables": {"after": after}}),
                content_type="application/json",
            )
            body = json.loads(response.content)
            if response.status_code != 200 or body.get("errors"):
                raise RuntimeError(body)
            page = body["data"]["applications"]
            rows += len(page["edges"])
            if not all_pages or not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
    return counter.count, time.perf_counter() - started, rows


def _floor(limit: int | None) -> tuple[int, float]:
    """The same fields with plain ``values_list`` queries joined in Python, then ``json.dumps``."""
    from django.db import connection

    from gdpr.models import ProcessingActivityService
    from portfolio.models import Application, Cost, RoleAssignment, ServiceCapability, ServiceUsage

    counter = QueryCounter()
    started = time.perf_counter()
    with connection.execute_wrapper(counter):
        systems = Application.objects.order_by("name", "pk").values(
            "id", "name", "lifecycle_status", "authentication", "identity_provider", "federation",
            "vendor__name", "vendor__country", "management_object__name",
        )
        systems = list(systems[:limit] if limit else systems)
        wanted = [s["id"] for s in systems]

        def grouped(queryset, *fields):
            # One page reads the relations of its own rows; the whole register reads them all.
            # Relations point at the one service table: the systems' rows are those of that kind.
            if limit:
                queryset = queryset.filter(service_id__in=wanted)
            else:
                queryset = queryset.filter(service__kind="application")
            out = defaultdict(list)
            for owner, *values in queryset.values_list("service_id", *fields):
                out[owner].append(values)
            return out

        capabilities = grouped(ServiceCapability.objects, "capability__name")
        organisations = grouped(ServiceUsage.objects, "organisation__name", "organisation__kind")
        roles = grouped(RoleAssignment.objects.all(), "role", "person__name", "person__email")
        costs = grouped(Cost.objects.all(), "year", "amount", "kind")
        activities = grouped(
            ProcessingActivityService.objects,
            "processing_activity__name", "processing_activity__legal_basis",
            "processing_activity__special_categories",
        )
        for system in systems:
            key = system["id"]
            system["capabilities"] = capabilities.get(key, [])
            system["organisations"] = organisations.get(key, [])
            system["roles"] = roles.get(key, [])
            system["costs"] = costs.get(key, [])
            system["processing_activities"] = activities.get(key, [])
        json.dumps(systems, default=str)
    return counter.count, time.perf_counter() - started


def _median(run) -> tuple:
    """The median of REPEAT runs, each started after a full collection so that neither side of the
    ratio pays for garbage the other left behind.

    Returns the first run's counts, the median wall seconds and, last, the median CPU seconds of
    this process: on a loaded machine the wall time swings with the neighbours, the CPU time spent
    in Python (all of it on SQLite, the client's share on PostgreSQL) does not, so the CPU ratio is
    the figure to compare two versions by.
    """
    results, cpu = [], []
    for _ in range(REPEAT):
        gc.collect()
        started = time.process_time()
        results.append(run())
        cpu.append(time.process_time() - started)
    seconds = statistics.median(r[1] for r in results)
    return (*results[0][:1], seconds, *results[0][2:], statistics.median(cpu))


def _python_calls(run) -> int:
    """How many Python function calls one run makes: a count, the same on every run and under any
    load, so two versions of the code compare exactly where their timings only roughly do."""
    profile = cProfile.Profile()
    profile.enable()
    run()
    profile.disable()
    return pstats.Stats(profile).total_calls


def run(scale: int) -> list[Measurement]:
    from config.runtime import prepare_server_process

    client = _client()
    _graphql(client, all_pages=False)  # warm-up: imports, schema, the validated document
    prepare_server_process()  # as config.wsgi does before gunicorn serves
    first_queries, first_s, _rows, first_cpu = _median(lambda: _graphql(client, all_pages=False))
    all_queries, all_s, rows, all_cpu = _median(lambda: _graphql(client, all_pages=True))
    _fq, floor_first_s, floor_first_cpu = _median(lambda: _floor(100))
    floor_queries, floor_all_s, floor_all_cpu = _median(lambda: _floor(None))
    all_calls = _python_calls(lambda: _graphql(client, all_pages=True))
    floor_all_calls = _python_calls(lambda: _floor(None))
    pages = max(1, -(-rows // 100))
    m = Measurement
    first, full = "landscape first 100", "landscape all rows"
    return [
        m(AREA, f"{first}: SQL queries", first_queries, "queries", "constant, token check included"),
        m(AREA, f"{first}: server time", first_s * 1000, "ms", "whole request; target < 50 ms at scale 30"),
        m(AREA, f"{first}: floor", floor_first_s * 1000, "ms", "values_list + json.dumps"),
        m(AREA, f"{first}: ratio to floor", first_s / floor_first_s, "×", ""),
        m(AREA, f"{first}: CPU ratio to floor", first_cpu / floor_first_cpu, "×", "this process's CPU time"),
        m(AREA, f"{full}: systems", rows, "rows", f"{pages} pages of 100"),
        m(AREA, f"{full}: SQL queries", all_queries, "queries", f"{all_queries / pages:.1f} per page"),
        m(AREA, f"{full}: server time", all_s * 1000, "ms", ""),
        m(AREA, f"{full}: floor", floor_all_s * 1000, "ms", f"{floor_queries} queries"),
        m(AREA, f"{full}: ratio to floor", all_s / floor_all_s, "×", "target ≤ 10×"),
        m(AREA, f"{full}: CPU ratio to floor", all_cpu / floor_all_cpu, "×", "this process's CPU time"),
        m(AREA, f"{full}: Python calls", all_calls, "calls", "cProfile's count; exact, load-independent"),
        m(AREA, f"{full}: calls ratio to floor", all_calls / floor_all_calls, "×", f"{floor_all_calls}"),
    ]

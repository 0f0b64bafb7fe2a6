"""Färdplan benchmarks: ``futureState`` for a plan of 200 actions (and of 20) at demo scale.

The target (issue 18): at scale 30, 200 actions in at most 2 s with a query count that does not
grow with the number of actions. Measured for the figures the issue names (SSO, cost, services
per capability, GDPR gaps) and for every figure (equity and completeness too). Times are
reported, never judged; the plans are written in a transaction that is rolled back afterwards.
"""

import datetime
import time

from django.db import connection, transaction
from django.utils import timezone

from bench import Measurement, QueryCounter

#: The figures the issue's target names: SSO coverage, yearly cost, services per capability, gaps.
NAMED = ("sso", "cost", "gaps")
#: The same without the GDPR gap rules, the heaviest of them (``find_gaps`` over the whole record).
LANDSCAPE = ("sso", "cost")


def measure(func) -> tuple[float, float, int, object]:
    """Wall time, CPU time of this process (on a loaded 2-core machine wall time swings 2×, CPU
    time much less), queries, and the result."""
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        started, cpu = time.perf_counter(), time.process_time()
        result = func()
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    return elapsed, cpu, counter.count, result


def _plan(size: int, horizon: datetime.date):
    """A plan of ``size`` actions over the services in use, every kind in turn."""
    from planning.choices import ActionKind
    from planning.models import Action, ActionSchool, Plan
    from portfolio.models import Organisation, Service

    plan = Plan.objects.create(name=f"Bänkplan {size}", horizon=horizon)
    services = list(Service.objects.in_use().order_by("pk").values_list("pk", flat=True)[: size * 2])
    schools = list(Organisation.objects.school_units().order_by("pk").values_list("pk", flat=True)[:5])
    kinds = list(ActionKind.values)
    actions = []
    for index in range(size):
        kind = kinds[index % len(kinds)]
        service = services[index % len(services)]
        replacement = services[(index + size) % len(services)] if kind == ActionKind.REPLACE else None
        actions.append(
            Action(plan=plan, kind=kind, service_id=service, replacement_id=replacement, planned_end=horizon)
        )
    Action.objects.bulk_create(actions)
    ActionSchool.objects.bulk_create(
        [
            ActionSchool(action=action, organisation_id=schools[index % len(schools)])
            for index, action in enumerate(actions)
            if index % 3 == 0
        ]
    )
    return plan


def run(scale: int) -> list[Measurement]:
    from planning.figures import stored_future_state
    from planning.future import future_state

    horizon = timezone.localdate() + datetime.timedelta(days=365)
    rows: list[Measurement] = []
    with transaction.atomic():
        small, large = _plan(20, horizon), _plan(200, horizon)
        for label, include in (
            ("SSO, cost, capabilities", LANDSCAPE), ("named figures", NAMED), ("all figures", None)
        ):
            options = {"include": include} if include else {}
            _seconds, _cpu, small_queries, _state = measure(lambda o=options: future_state(small, **o))
            seconds, cpu, queries, state = measure(lambda o=options: future_state(large, **o))
            note = f"{len(state.applied_actions)} actions applied; 20 actions: {small_queries} queries"
            rows += [
                Measurement("planning", f"futureState 200 actions, {label} time", seconds, "s", note),
                Measurement(
                    "planning", f"futureState 200 actions, {label} CPU", cpu, "s", f"{note}; target ≤ 2 s"
                ),
                Measurement("planning", f"futureState 200 actions, {label} queries", queries, "", note),
            ]
        # What the plan page, plan_report and GraphQL read between two changes: the kept figures.
        stored_future_state(large, include=NAMED)
        seconds, cpu, queries, _state = measure(lambda: stored_future_state(large, include=NAMED))
        rows.append(
            Measurement(
                "planning", "futureState 200 actions, kept figures read CPU", cpu, "s", f"{queries} queries"
            )
        )
        transaction.set_rollback(True)
    return rows

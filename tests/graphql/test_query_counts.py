"""The landscape query costs the same number of SQL queries for 100 and for 2,000 systems.

graphene-django alone makes 1 + 2×N queries for such a query (docs/architecture.md, traps of the stack);
the optimizer, declared
as in portfolio/graphql, makes one per table touched. Counted, not timed.
"""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gdpr.models import ProcessingActivity, ProcessingActivityService
from portfolio import models as pm
from tests import factories as f
from tests.graphql.conftest import LANDSCAPE_QUERY, execute

pytestmark = pytest.mark.django_db


def build_landscape(systems: int) -> None:
    """``systems`` systems, each with vendor, object, two capabilities, two schools, a role, a cost and
    a processing activity."""
    vendors = [f.VendorFactory() for _ in range(5)]
    capabilities = [f.CapabilityFactory() for _ in range(6)]
    objects = [f.ManagementObjectFactory() for _ in range(3)]
    schools = [f.SchoolUnitFactory() for _ in range(8)]
    people = [f.PersonFactory() for _ in range(4)]
    board = f.BoardFactory()
    start = pm.Application.objects.count()
    pm.Application.objects.bulk_create(
        pm.Application(
            name=f"System {start + i:05d}", vendor=vendors[i % 5], management_object=objects[i % 3],
            lifecycle_status="i_drift", authentication="saml", identity_provider="kommunens",
        )
        for i in range(systems)
    )
    apps = list(pm.Application.objects.order_by("pk")[start:])
    activities = ProcessingActivity.objects.bulk_create(
        ProcessingActivity(name=f"Behandling {a.pk}", controller=board, legal_basis="e") for a in apps
    )
    pm.ServiceCapability.objects.bulk_create(
        pm.ServiceCapability(service=a, capability=capabilities[(a.pk + k) % 6])
        for a in apps for k in (0, 1)
    )
    pm.ServiceUsage.objects.bulk_create(
        pm.ServiceUsage(service=a, organisation=schools[(a.pk + k) % 8], users=10)
        for a in apps for k in (0, 3)
    )
    pm.RoleAssignment.objects.bulk_create(
        pm.RoleAssignment(service=a, person=people[a.pk % 4], role="systemagare") for a in apps
    )
    pm.Cost.objects.bulk_create(
        pm.Cost(service=a, amount=Decimal(1000), year=2026, category="licens", kind="utfall")
        for a in apps
    )
    ProcessingActivityService.objects.bulk_create(
        ProcessingActivityService(processing_activity=pa, service=a)
        for pa, a in zip(activities, apps, strict=True)
    )


def count_queries(user, variables: dict) -> tuple[int, dict]:
    user.has_perm("portfolio.view_application")  # load the permission cache outside the count
    with CaptureQueriesContext(connection) as queries:
        answer = execute(user, LANDSCAPE_QUERY, variables)
    assert answer.errors == []
    return len(queries), answer.data


def test_landscape_query_count_is_the_same_for_100_and_2000_systems(reader):
    build_landscape(100)
    small, data = count_queries(reader, {"first": 100})
    assert data["applications"]["totalCount"] == 100
    node = data["applications"]["edges"][0]["node"]
    assert len(node["capabilities"]["edges"]) == 2 and node["organisations"]["totalCount"] == 2
    assert node["roles"]["edges"][0]["node"]["person"]["name"]
    assert len(node["processingActivities"]["edges"]) == 1
    build_landscape(1900)
    large, data = count_queries(reader, {"first": 100})
    assert data["applications"]["totalCount"] == 2000
    assert large == small
    # One per table the answer touches: count, systems (+vendor, object joined), and one windowed
    # prefetch per nested list.
    assert small <= 8


def test_every_page_of_a_full_walk_costs_the_same(reader):
    build_landscape(250)
    reader.has_perm("portfolio.view_application")
    query = LANDSCAPE_QUERY.replace(
        "query Landscape($first: Int)", "query Landscape($first: Int, $after: String)"
    ).replace(
        "applications(first: $first) {",
        "applications(first: $first, after: $after) { pageInfo { endCursor hasNextPage }",
    )
    counts, after, names = [], None, []
    while True:
        with CaptureQueriesContext(connection) as queries:
            answer = execute(reader, query, {"first": 100, "after": after})
        assert answer.errors == []
        counts.append(len(queries))
        page = answer.data["applications"]
        names += [e["node"]["name"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(names) == len(set(names)) == 250
    assert names == sorted(names)  # deterministic order across pages
    assert len(counts) == 3 and len(set(counts)) == 1

"""GraphQL ``breaches``: the register of breaches with the pages' permissions, in constant queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gdpr.models import BreachProcessingActivity
from tests.factories import BreachFactory, ProcessingActivityFactory, VendorFactory
from tests.graphql.conftest import execute

pytestmark = pytest.mark.django_db

QUERY = """
query Breaches($first: Int) {
  breaches(first: $first) {
    totalCount
    edges { node {
      title status discoveredAt imyNotifiedAt risk notificationDeadline notifiedInTime
      dataSubjectCategories subjectsApprox protectedIdentity
      vendor { name }
      processingActivities { edges { node { name } } }
    } }
  }
}
"""


def _breaches(count: int) -> None:
    for _ in range(count):
        breach = BreachFactory(vendor=VendorFactory())
        BreachProcessingActivity.objects.create(
            breach=breach, processing_activity=ProcessingActivityFactory()
        )


def test_the_dataskyddssamordnare_reads_breaches_with_their_deadline(data_protection_coordinator):
    discovered = timezone.now() - datetime.timedelta(days=3)
    breach = BreachFactory(
        title="Förlorat USB-minne",
        discovered_at=discovered,
        imy_notified_at=discovered + datetime.timedelta(hours=73),
        delay_reason="Helg.",
    )
    activity = ProcessingActivityFactory(name="Särskilt stöd")
    BreachProcessingActivity.objects.create(breach=breach, processing_activity=activity)
    answer = execute(data_protection_coordinator, QUERY, {"first": 10})
    assert answer.errors == []
    [edge] = answer.data["breaches"]["edges"]
    node = edge["node"]
    assert node["title"] == "Förlorat USB-minne" and node["notifiedInTime"] is False
    deadline = datetime.datetime.fromisoformat(node["notificationDeadline"])
    assert deadline == discovered + datetime.timedelta(hours=72)
    assert node["processingActivities"]["edges"][0]["node"]["name"] == "Särskilt stöd"


@pytest.mark.parametrize("role", ["strategist", "it_user"])
def test_other_roles_read_breaches(request, role):
    BreachFactory()
    answer = execute(request.getfixturevalue(role), QUERY, {"first": 10})
    assert answer.errors == [] and answer.data["breaches"]["totalCount"] == 1


def test_a_reader_gets_no_breaches(reader):
    BreachFactory(title="Hemlig incident")
    answer = execute(reader, QUERY, {"first": 10})
    assert answer.errors == []
    assert answer.data["breaches"] == {"totalCount": 0, "edges": []}


def test_the_reader_does_not_see_breach_findings_in_gdpr_gaps(reader, data_protection_coordinator):
    BreachFactory(title="Hemlig incident", risk="hog")
    query = "{ gdprGaps { code targetName } }"
    seen = execute(reader, query)
    assert seen.errors == []
    assert all(g["targetName"] != "Hemlig incident" for g in seen.data["gdprGaps"])
    coordinator = execute(data_protection_coordinator, query)
    assert {"code": "BREACH_SUBJECTS_NOT_INFORMED", "targetName": "Hemlig incident"} in coordinator.data[
        "gdprGaps"
    ]


def _count(user) -> int:
    user.has_perm("gdpr.view_breach")  # the permission cache outside the count
    with CaptureQueriesContext(connection) as queries:
        answer = execute(user, QUERY, {"first": 100})
    assert answer.errors == []
    return len(queries)


def test_the_breaches_query_costs_the_same_for_3_and_30_breaches(data_protection_coordinator):
    _breaches(3)
    small = _count(data_protection_coordinator)
    _breaches(27)
    assert _count(data_protection_coordinator) == small


def test_breaches_as_of_an_instant_show_the_facts_known_then(data_protection_coordinator, reader):
    breach = BreachFactory(title="Förlorat USB-minne", risk="")
    recorded = breach.history.get()
    recorded.history_date -= datetime.timedelta(days=3)
    recorded.save()
    breach.risk = "hog"
    breach.save()
    BreachFactory(title="Ny incident")
    query = "query($when: DateTime) { breaches(asOf: $when) { totalCount edges { node { title risk } } } }"
    when = (timezone.now() - datetime.timedelta(days=2)).isoformat()
    answer = execute(data_protection_coordinator, query, {"when": when})
    assert answer.errors == []
    assert answer.data["breaches"]["totalCount"] == 1
    assert answer.data["breaches"]["edges"][0]["node"] == {"title": "Förlorat USB-minne", "risk": ""}
    # A läsare gets nothing as of any instant either.
    assert execute(reader, query, {"when": when}).data["breaches"]["totalCount"] == 0

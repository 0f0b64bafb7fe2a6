"""asOf: "what did our record of processing say on 25 May 2025?" — fields and relations as they were."""

import datetime

import pytest
from django.utils import timezone

from gdpr.forms import ProcessingActivityForm
from gdpr.models import ProcessingActivity, ProcessingActivityService
from portfolio import models as pm
from portfolio.forms import ApplicationForm
from portfolio.services import delete_versioned, save_form
from tests import factories as f
from tests.graphql.conftest import execute

pytestmark = pytest.mark.django_db

HISTORY_MODELS = [
    ProcessingActivity, ProcessingActivityService, pm.Application, pm.Vendor, pm.Organisation,
    pm.ServiceUsage,
]


def marks() -> dict:
    """The last history id of each model, to find what a later step wrote."""
    return {
        m: m.history.order_by("-history_id").values_list("history_id", flat=True).first() or 0
        for m in HISTORY_MODELS
    }


def backdate(since: dict, day: datetime.date) -> None:
    """Move every history row written after ``since`` to noon of ``day`` (as if edited then)."""
    when = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    for model, last in since.items():
        model.history.filter(history_id__gt=last).update(history_date=when)


def edit(form_class, instance, user, **changes):
    data = {**{k: v for k, v in form_class(instance=instance).initial.items()}, **changes}
    data = {k: (v.pk if hasattr(v, "pk") else v) for k, v in data.items()}
    for key, value in list(data.items()):
        if isinstance(value, list):
            data[key] = [getattr(v, "pk", v) for v in value]
    form = form_class(data=data, instance=instance)
    assert form.is_valid(), form.errors
    return save_form(form, user=user, expected_version=instance.version)


QUERY = """
query($when: DateTime) {
  processingActivities(asOf: $when) {
    totalCount
    edges { node { name purposes legalBasis version
      controller { name }
      applications { totalCount edges { node { name vendor { name } } } }
    } }
  }
}
"""


@pytest.fixture
def register(data_protection_coordinator):
    """Created on 1 May 2025, changed and relinked on 10 June 2025."""
    user = data_protection_coordinator
    board = f.BoardFactory(name="Barn- och utbildningsnämnden")
    old_vendor = f.VendorFactory(name="Gamla Leverantören AB")
    journal_v1 = f.ApplicationFactory(name="Elevjournal 1", vendor=old_vendor)
    journal_v2 = f.ApplicationFactory(name="Elevjournal 2", vendor=old_vendor)
    activity = f.ProcessingActivityFactory(
        name="Elevhälsans journalföring", controller=board, purposes="Journalföring", legal_basis="c"
    )
    ProcessingActivityService.objects.create(processing_activity=activity, service=journal_v1)
    backdate(dict.fromkeys(HISTORY_MODELS, 0), datetime.date(2025, 5, 1))

    since = marks()
    activity = edit(
        ProcessingActivityForm, activity, user, purposes="Journalföring och uppföljning", legal_basis="e",
        applications=[journal_v2.pk], learning_resources=[],
    )
    old_vendor.name = "Nya Namnet AB"
    old_vendor.save()
    retired = f.ProcessingActivityFactory(name="Gammal enkät", controller=board)
    backdate(since, datetime.date(2025, 6, 10))
    return {"activity": activity, "retired": retired, "journal_v1": journal_v1}


def names(data) -> list[str]:
    return [e["node"]["name"] for e in data["processingActivities"]["edges"]]


def test_the_record_as_of_25_may_2025_shows_fields_and_relations_as_they_were(reader, register):
    answer = execute(reader, QUERY, {"when": "2025-05-25T12:00:00+02:00"})
    assert answer.errors == []
    assert names(answer.data) == ["Elevhälsans journalföring"]
    node = answer.data["processingActivities"]["edges"][0]["node"]
    assert node["purposes"] == "Journalföring"
    assert node["legalBasis"] == "c"
    assert node["controller"]["name"] == "Barn- och utbildningsnämnden"
    systems = node["applications"]["edges"]
    assert [s["node"]["name"] for s in systems] == ["Elevjournal 1"]
    # The vendor as it was named then, not today's row.
    assert systems[0]["node"]["vendor"]["name"] == "Gamla Leverantören AB"


def test_the_record_after_the_change_shows_the_new_values_and_links(reader, register):
    answer = execute(reader, QUERY, {"when": "2025-06-11T00:00:00+02:00"})
    assert names(answer.data) == ["Elevhälsans journalföring", "Gammal enkät"]
    node = answer.data["processingActivities"]["edges"][0]["node"]
    assert node["purposes"] == "Journalföring och uppföljning" and node["legalBasis"] == "e"
    systems = node["applications"]["edges"]
    assert [s["node"]["name"] for s in systems] == ["Elevjournal 2"]
    assert systems[0]["node"]["vendor"]["name"] == "Nya Namnet AB"


def test_before_anything_existed_the_register_was_empty(reader, register):
    answer = execute(reader, QUERY, {"when": "2025-01-01T00:00:00+01:00"})
    assert answer.data["processingActivities"] == {"totalCount": 0, "edges": []}


def test_a_deleted_record_is_there_as_of_before_its_deletion(reader, data_protection_coordinator, register):
    retired = register["retired"]
    delete_versioned(retired, user=data_protection_coordinator, expected_version=retired.version)
    now = execute(reader, "{ processingActivities { totalCount } }")
    assert now.data["processingActivities"]["totalCount"] == 1
    then = execute(reader, QUERY, {"when": "2025-06-11T00:00:00+02:00"})
    assert "Gammal enkät" in names(then.data)


def test_as_of_takes_the_same_filters_on_the_records_own_fields(reader, register):
    answer = execute(
        reader,
        """query($when: DateTime) { processingActivities(asOf: $when, legalBasis: ["c"]) { totalCount } }""",
        {"when": "2025-05-25T12:00:00+02:00"},
    )
    assert answer.errors == []
    assert answer.data["processingActivities"]["totalCount"] == 1
    later = execute(
        reader,
        """query($when: DateTime) { processingActivities(asOf: $when, legalBasis: ["c"]) { totalCount } }""",
        {"when": "2025-06-11T00:00:00+02:00"},
    )
    assert later.data["processingActivities"]["totalCount"] == 0


def test_every_root_connection_takes_as_of(reader):
    from config.schema import schema

    query_type = schema.graphql_schema.query_type
    connections = [n for n, fld in query_type.fields.items() if "first" in fld.args]
    assert {"applications", "processingActivities", "vendors", "costs", "roleAssignments"} <= set(connections)
    assert all("asOf" in query_type.fields[n].args for n in connections)


def test_system_as_of_shows_the_organisations_that_used_it_then(reader, strategist):
    school_a, school_b = f.SchoolUnitFactory(name="Ekskolan"), f.SchoolUnitFactory(name="Björkskolan")
    system = f.ApplicationFactory(name="Lärplattform")
    system = edit(ApplicationForm, system, strategist, organisations=[school_a.pk], capabilities=[])
    backdate(dict.fromkeys(HISTORY_MODELS, 0), datetime.date(2025, 5, 1))
    since = marks()
    edit(ApplicationForm, system, strategist, organisations=[school_b.pk], capabilities=[])
    backdate(since, datetime.date(2025, 8, 1))
    query = """query($when: DateTime) { applications(asOf: $when) { edges { node { name
        organisations { edges { node { name } } } } } } }"""
    then = execute(reader, query, {"when": "2025-05-25T12:00:00+02:00"})
    orgs = then.data["applications"]["edges"][0]["node"]["organisations"]["edges"]
    assert [o["node"]["name"] for o in orgs] == ["Ekskolan"]
    now = execute(reader, query.replace("(asOf: $when)", "").replace("query($when: DateTime)", "query"))
    orgs = now.data["applications"]["edges"][0]["node"]["organisations"]["edges"]
    assert [o["node"]["name"] for o in orgs] == ["Björkskolan"]


def test_as_of_keeps_the_ordering_asked_for(reader):
    for name in ("Alfa", "Beta", "Gamma"):
        f.VendorFactory(name=name)
    answer = execute(
        reader,
        """query($when: DateTime) { vendors(asOf: $when, ordering: "-name") { edges { node { name } } } }""",
        {"when": timezone.now().isoformat()},
    )
    assert answer.errors == []
    assert [e["node"]["name"] for e in answer.data["vendors"]["edges"]] == ["Gamma", "Beta", "Alfa"]

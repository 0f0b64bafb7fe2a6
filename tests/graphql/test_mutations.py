"""Mutations validate through the web Form, write through the services, and change nothing on error."""

import datetime

import pytest
from graphql_relay import to_global_id

from gdpr.models import Dpia, ProcessingActivity, Transfer
from portfolio.models import Application, Cost, RoleAssignment
from tests.factories import (
    ApplicationFactory,
    BoardFactory,
    PersonFactory,
    ProcessingActivityFactory,
    VendorFactory,
)
from tests.graphql.conftest import execute

pytestmark = pytest.mark.django_db

CREATE_ACTIVITY = """
mutation($input: CreateProcessingActivityInput!) {
  createProcessingActivity(input: $input) {
    processingActivity { id name version legalBasis specialCategories controller { name }
                         applications { edges { node { name } } } }
    errors { field message }
  }
}
"""

UPDATE_ACTIVITY = """
mutation($input: UpdateProcessingActivityInput!) {
  updateProcessingActivity(input: $input) {
    processingActivity { id name version purposes legalBasis }
    errors { field message }
  }
}
"""


def gid(obj) -> str:
    return to_global_id(type(obj).__name__, obj.pk)


def test_create_processing_activity_through_the_form_with_relay_ids(data_protection_coordinator):
    board = BoardFactory(name="Barn- och utbildningsnämnden")
    system = ApplicationFactory(name="Elevregister")
    answer = execute(
        data_protection_coordinator,
        CREATE_ACTIVITY,
        {"input": {
            "name": "Närvarorapportering", "controller": gid(board), "status": "aktiv", "legalBasis": "e",
            "purposes": "Följa upp närvaro", "dataSubjectCategories": ["elever"],
            "specialCategories": ["halsa"], "specialCategoryCondition": "g", "applications": [gid(system)],
        }},
    )
    assert answer.errors == []
    payload = answer.data["createProcessingActivity"]
    assert payload["errors"] == []
    node = payload["processingActivity"]
    assert node["controller"]["name"] == "Barn- och utbildningsnämnden"
    assert node["specialCategories"] == ["halsa"]
    assert [e["node"]["name"] for e in node["applications"]["edges"]] == ["Elevregister"]
    activity = ProcessingActivity.objects.get()
    record = activity.history.first()
    assert record.history_user == data_protection_coordinator
    # The link to the system is in its own history too, for as-of reads.
    assert activity.service_links.get().history.first().history_user == data_protection_coordinator


def test_invalid_fields_are_listed_and_nothing_is_saved(data_protection_coordinator):
    school = ApplicationFactory()
    answer = execute(
        data_protection_coordinator,
        CREATE_ACTIVITY,
        {"input": {
            "name": "", "status": "aktiv", "legalBasis": "x", "specialCategoryCondition": "g",
            "applications": [gid(school)],
        }},
    )
    errors = answer.data["createProcessingActivity"]["errors"]
    fields = {e["field"] for e in errors}
    assert {"name", "legalBasis"} <= fields
    assert all(e["message"] for e in errors)
    assert answer.data["createProcessingActivity"]["processingActivity"] is None
    assert not ProcessingActivity.objects.exists()
    assert not ProcessingActivity.history.exists()


def test_a_relay_id_of_the_wrong_type_is_a_field_error(data_protection_coordinator):
    vendor = VendorFactory()
    answer = execute(
        data_protection_coordinator, CREATE_ACTIVITY,
        {"input": {"name": "X", "controller": gid(vendor)}},
    )
    assert [e["field"] for e in answer.data["createProcessingActivity"]["errors"]] == ["controller"]


def test_update_changes_only_the_fields_sent_and_bumps_the_version(data_protection_coordinator):
    activity = ProcessingActivityFactory(name="Betyg", purposes="Betygsättning", legal_basis="c")
    answer = execute(
        data_protection_coordinator, UPDATE_ACTIVITY,
        {"input": {"id": gid(activity), "version": activity.version, "purposes": "Betyg och omdömen"}},
    )
    payload = answer.data["updateProcessingActivity"]
    assert payload["errors"] == []
    assert payload["processingActivity"]["purposes"] == "Betyg och omdömen"
    assert payload["processingActivity"]["legalBasis"] == "c"
    assert payload["processingActivity"]["version"] == activity.version + 1
    activity.refresh_from_db()
    assert activity.name == "Betyg" and activity.data_subject_categories == ["elever"]


def test_stale_update_is_refused_and_changes_nothing(data_protection_coordinator):
    activity = ProcessingActivityFactory(purposes="Original")
    read_version = activity.version
    first = execute(
        data_protection_coordinator, UPDATE_ACTIVITY,
        {"input": {"id": gid(activity), "version": read_version, "purposes": "Första ändringen"}},
    )
    assert first.data["updateProcessingActivity"]["errors"] == []
    history_rows = activity.history.count()
    second = execute(
        data_protection_coordinator, UPDATE_ACTIVITY,
        {"input": {"id": gid(activity), "version": read_version, "purposes": "Andra, på gammal version"}},
    )
    errors = second.data["updateProcessingActivity"]["errors"]
    assert errors[0]["field"] == "version"
    assert "ändrats av någon annan" in errors[0]["message"]
    activity.refresh_from_db()
    assert activity.purposes == "Första ändringen"
    assert activity.history.count() == history_rows


def test_mark_reviewed_records_who_and_when(data_protection_coordinator):
    activity = ProcessingActivityFactory(last_reviewed_on=datetime.date(2024, 1, 1))
    answer = execute(
        data_protection_coordinator,
        """mutation($input: MarkReviewedInput!) { markReviewed(input: $input) {
             processingActivity { lastReviewedOn version } errors { field message } } }""",
        {"input": {"id": gid(activity), "version": activity.version}},
    )
    payload = answer.data["markReviewed"]
    assert payload["errors"] == []
    activity.refresh_from_db()
    assert activity.last_reviewed_by == data_protection_coordinator
    assert activity.last_reviewed_on > datetime.date(2024, 1, 1)
    assert activity.history.first().history_user == data_protection_coordinator


def test_delete_keeps_the_record_in_history(data_protection_coordinator):
    activity = ProcessingActivityFactory()
    answer = execute(
        data_protection_coordinator,
        """mutation($input: DeleteProcessingActivityInput!) { deleteProcessingActivity(input: $input) {
             deletedId errors { field message } } }""",
        {"input": {"id": gid(activity), "version": activity.version}},
    )
    assert answer.data["deleteProcessingActivity"] == {"deletedId": gid(activity), "errors": []}
    assert not ProcessingActivity.objects.exists()
    deletion = ProcessingActivity.history.filter(history_type="-").get()
    assert deletion.history_user == data_protection_coordinator


def test_one_failing_mutation_rolls_back_the_others_in_the_same_request(strategist, client):
    """The endpoint runs all mutations of a request in one transaction: all apply or none."""
    from tests.graphql.conftest import post

    client.force_login(strategist)
    response = post(client, """mutation {
      ok: createApplication(input: {name: "Nytt system"}) { errors { field message } }
      bad: createApplication(input: {name: ""}) { errors { field message } }
    }""")
    body = response.json()
    assert body["data"]["ok"]["errors"] == []
    assert body["data"]["bad"]["errors"][0]["field"] == "name"
    assert not Application.objects.exists()


def test_systems_learning_resources_roles_costs_transfers_and_dpias_can_be_created(
    strategist, data_protection_coordinator
):
    vendor = VendorFactory()
    answer = execute(strategist, """mutation($v: ID) {
      a: createApplication(input: {name: "Schema", vendor: $v, userGroups: ["elever", "personal"]}) {
        application { id name userGroups vendor { name } } errors { field message } }
      l: createLearningResource(input: {name: "Matteappen", approvalStatus: "godkand"}) {
        learningResource { id } errors { field message } }
    }""", {"v": gid(vendor)})
    assert answer.errors == []
    assert answer.data["a"]["errors"] == [] and answer.data["l"]["errors"] == [], answer.data
    assert answer.data["a"]["application"]["userGroups"] == ["elever", "personal"]
    app_id = answer.data["a"]["application"]["id"]
    someone = PersonFactory()
    answer = execute(strategist, """mutation($a: ID, $p: ID) {
      r: createRoleAssignment(input: {person: $p, role: "systemagare", application: $a}) {
        roleAssignment { id } errors { field message } }
      c: createCost(input: {amount: "12000.50", year: 2026, application: $a, category: "licens",
                            kind: "utfall"}) {
        cost { amount } errors { field message } }
    }""", {"a": app_id, "p": gid(someone)})
    assert answer.errors == []
    assert answer.data["r"]["errors"] == [] and answer.data["c"]["errors"] == [], answer.data
    assert RoleAssignment.objects.count() == 1 and Cost.objects.get().amount == 12000.50
    activity = ProcessingActivityFactory()
    answer = execute(data_protection_coordinator, """mutation($pa: ID) {
      t: createTransfer(input: {processingActivity: $pa, country: "US", recipient: "Moln Inc.",
                                mechanism: "scc"}) {
        transfer { country } errors { field message } }
      d: createDpia(input: {processingActivity: $pa, status: "pagar"}) {
        dpia { status } errors { field message } }
    }""", {"pa": gid(activity)})
    assert answer.data["t"]["errors"] == [] and answer.data["d"]["errors"] == [], answer.data
    assert Transfer.objects.get().country.code == "US" and Dpia.objects.count() == 1


def test_transfer_inside_the_eea_is_refused_by_the_model_rule(data_protection_coordinator):
    activity = ProcessingActivityFactory()
    answer = execute(data_protection_coordinator, """mutation($pa: ID) {
      createTransfer(input: {processingActivity: $pa, country: "DE", recipient: "X GmbH"}) {
        errors { field message } } }""", {"pa": gid(activity)})
    assert answer.data["createTransfer"]["errors"][0]["field"] == "country"
    assert not Transfer.objects.exists()

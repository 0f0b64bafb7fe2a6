"""GraphQL: discoveredApplications, usage(service:, period:) and ssoEvidence on a service."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from graphql_relay import to_global_id

from discovery.choices import Decision, Directory, MatchState, SignOnMode
from portfolio.choices import AuthenticationMethod
from portfolio.models import ServiceUsage
from tests.discovery.evidence_data import NOVEMBER, OCTOBER, discovered, measured
from tests.factories import ApplicationFactory, LearningResourceFactory, SchoolUnitFactory, UserFactory

from .conftest import post

pytestmark = pytest.mark.django_db

APPLICATIONS = """
query Discovered($match: [String!], $decision: [String!], $directory: [String!], $registered: Boolean) {
  discoveredApplications(match: $match, decision: $decision, directory: $directory, registered: $registered) {
    totalCount
    edges { node {
      name source registered decision match signOnMode
      matchedService { __typename name ... on Application { id } ... on LearningResource { id } }
    } }
  }
}
"""

USAGE = """
query Usage($service: ID!, $period: PeriodInput) {
  usage(service: $service, period: $period) {
    organisation schoolUnitCode userGroup users signIns periodStart periodEnd source measured
  }
}
"""

SSO = """
{ services(first: 50) { edges { node {
  name ssoEvidence { status measured mode source observedAt signIns }
} } } }
"""


@pytest.fixture
def discovered_world():
    kahoot = ApplicationFactory(name="Kahoot Skola")
    quiz = LearningResourceFactory(name="Quizlet")
    discovered(kahoot, name="Kahoot!", mode=SignOnMode.SAML)
    discovered(quiz, name="Quizlet", directory=Directory.GOOGLE_OAUTH, mode=SignOnMode.OAUTH)
    discovered(None, name="Skugg-app", match=MatchState.UNMATCHED)
    discovered(None, name="Microsoft Teams", decision=Decision.NOT_A_SERVICE)
    return kahoot, quiz


def test_discovered_applications_name_their_source_registration_and_matched_service(
    run, reader, discovered_world
):
    kahoot, quiz = discovered_world

    answer = run(reader, APPLICATIONS)

    assert answer.errors == []
    nodes = {e["node"]["name"]: e["node"] for e in answer.data["discoveredApplications"]["edges"]}
    assert answer.data["discoveredApplications"]["totalCount"] == 4
    assert nodes["Kahoot!"]["registered"] and nodes["Kahoot!"]["source"] == "entra"
    assert nodes["Kahoot!"]["matchedService"] == {
        "__typename": "Application", "name": "Kahoot Skola", "id": to_global_id("Application", kahoot.pk),
    }  # fmt: skip
    assert nodes["Quizlet"]["matchedService"]["__typename"] == "LearningResource"
    assert nodes["Skugg-app"]["registered"] is False and nodes["Skugg-app"]["matchedService"] is None
    assert nodes["Microsoft Teams"]["decision"] == "not_service"


@pytest.mark.parametrize(
    ("variables", "names"),
    [
        ({"match": ["unmatched"], "decision": ["undecided"]}, ["Skugg-app"]),
        ({"decision": ["not_service"]}, ["Microsoft Teams"]),
        ({"directory": ["google-oauth"]}, ["Quizlet"]),
        ({"registered": True}, ["Kahoot!", "Quizlet"]),
    ],
)
def test_discovered_applications_filter_by_match_decision_directory_and_registration(
    run, reader, discovered_world, variables, names
):
    answer = run(reader, APPLICATIONS, variables)
    assert answer.errors == []
    assert [e["node"]["name"] for e in answer.data["discoveredApplications"]["edges"]] == names


def test_a_user_without_a_role_sees_no_discovered_applications(run, discovered_world):
    answer = run(UserFactory(), APPLICATIONS)
    assert answer.data["discoveredApplications"]["totalCount"] == 0


def test_a_page_of_discovered_applications_costs_the_same_at_any_size(run, reader):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert run(reader, APPLICATIONS).errors == []
        return len(queries)

    for i in range(2):
        discovered(ApplicationFactory(), name=f"App {i}")
    count()  # the user's permissions are read once, on the first request
    small = count()
    for i in range(2, 12):
        discovered(ApplicationFactory() if i % 2 else LearningResourceFactory(), name=f"App {i}")
    assert count() == small


def test_usage_gives_measured_users_per_school_and_group_beside_the_typed_figures(run, reader):
    school = SchoolUnitFactory(name="Norra", school_unit_code="12345678")
    service = ApplicationFactory()
    ServiceUsage.objects.create(service=service, organisation=school, users=10)
    measured(service, school, 50, group="elever", period=OCTOBER)
    measured(service, school, 850, group="elever", sign_ins=4000)
    measured(service, school, 40, group="personal")

    answer = run(reader, USAGE, {"service": to_global_id("Application", service.pk)})

    assert answer.errors == []
    rows = [
        (r["userGroup"], r["users"], r["periodEnd"], r["source"], r["measured"]) for r in answer.data["usage"]
    ]
    assert rows == [
        ("elever", 850, "2026-11-30", "Entra ID", True),
        ("personal", 40, "2026-11-30", "Entra ID", True),
        (None, 10, None, "angiven", False),
    ]
    assert answer.data["usage"][0]["signIns"] == 4000
    assert answer.data["usage"][0]["schoolUnitCode"] == "12345678"


def test_usage_of_a_period_gives_that_period_only(run, reader):
    school = SchoolUnitFactory()
    service = ApplicationFactory()
    measured(service, school, 50, period=OCTOBER)
    measured(service, school, 850, period=NOVEMBER)

    answer = run(
        reader, USAGE, {"service": str(service.pk), "period": {"start": "2026-10-01", "end": "2026-10-31"}}
    )

    assert [(r["users"], r["periodStart"]) for r in answer.data["usage"]] == [(50, "2026-10-01")]


def test_usage_is_refused_without_the_permission_and_for_an_unknown_service(run, reader):
    service = ApplicationFactory()
    assert run(UserFactory(), USAGE, {"service": str(service.pk)}).messages == [
        "Behörighet saknas för användningen av tjänster."
    ]
    assert "Okänd tjänst" in run(reader, USAGE, {"service": "999999"}).messages[0]


def test_sso_evidence_is_observed_where_an_identity_provider_saw_it_and_declared_elsewhere(run, reader):
    school = SchoolUnitFactory()
    local = ApplicationFactory(
        name="A lokal", authentication=AuthenticationMethod.LOCAL, identity_provider=""
    )
    vaulted = ApplicationFactory(name="B valv")
    LearningResourceFactory(name="C angiven", authentication="saml", identity_provider="kommunens_idp")
    discovered(local, mode=SignOnMode.SAML, last_seen=datetime.date(2026, 11, 29))
    measured(local, school, 800, sign_ins=3200)
    discovered(vaulted, mode=SignOnMode.PASSWORD)

    answer = run(reader, SSO)

    assert answer.errors == []
    evidence = {e["node"]["name"]: e["node"]["ssoEvidence"] for e in answer.data["services"]["edges"]}
    assert evidence["A lokal"] == {
        "status": "sso", "measured": True, "mode": "saml", "source": "Entra ID",
        "observedAt": "2026-11-29", "signIns": 3200,
    }  # fmt: skip
    assert evidence["B valv"]["status"] == "password_vaulting" and evidence["B valv"]["measured"]
    assert evidence["C angiven"] == {
        "status": "sso", "measured": False, "mode": None, "source": "angiven", "observedAt": None,
        "signIns": None,
    }  # fmt: skip


def test_sso_evidence_over_a_page_costs_the_same_at_any_size(run, reader):
    query = "{ applications(first: 50) { edges { node { name ssoEvidence { status source } } } } }"

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert run(reader, query).errors == []
            assert run(reader, SSO).errors == []
        return len(queries)

    for _ in range(2):
        discovered(ApplicationFactory(), mode=SignOnMode.SAML)
    count()  # the user's permissions are read once, on the first request
    small = count()
    for i in range(10):
        service = ApplicationFactory() if i % 2 else LearningResourceFactory()
        discovered(service, mode=SignOnMode.OIDC)
    assert count() == small


def test_a_reader_token_reads_the_discovered_applications(client, reader, token_for, discovered_world):
    response = post(client, APPLICATIONS, HTTP_AUTHORIZATION=f"Bearer {token_for(reader, read_only=True)}")
    body = response.json()
    assert "errors" not in body
    assert body["data"]["discoveredApplications"]["totalCount"] == 4


def test_discovered_applications_as_of_show_the_decision_and_service_of_then(run, reader):
    from django.utils import timezone

    service = ApplicationFactory(name="Kahoot Skola")
    app = discovered(None, name="Kahoot!", match=MatchState.SUGGESTED)
    then = timezone.now()
    app.service, app.decision, app.match = service, Decision.IS_SERVICE, MatchState.MATCHED
    app.save()
    query = """query($when: DateTime) { discoveredApplications(asOf: $when) { totalCount
        edges { node { name registered decision matchedService { name } } } } }"""

    before = run(reader, query, {"when": then.isoformat()})
    now = run(reader, query)

    assert before.errors == [] and now.errors == []
    assert before.data["discoveredApplications"]["edges"][0]["node"] == {
        "name": "Kahoot!", "registered": False, "decision": "", "matchedService": None,
    }  # fmt: skip
    [edge] = now.data["discoveredApplications"]["edges"]
    assert edge["node"]["matchedService"] == {"name": "Kahoot Skola"}


def test_sso_evidence_as_of_a_past_moment_is_the_sign_on_registered_then(run, reader):
    from django.utils import timezone

    local = ApplicationFactory(
        name="A lokal", authentication=AuthenticationMethod.LOCAL, identity_provider=""
    )
    then = timezone.now()
    discovered(local, mode=SignOnMode.SAML)  # seen signing in through SAML today
    query = """query($when: DateTime) { applications(asOf: $when) { edges { node {
        name ssoEvidence { status measured source } } } } }"""

    past = run(reader, query, {"when": then.isoformat()})
    today = run(reader, query)

    assert past.errors == [] and today.errors == []
    assert past.data["applications"]["edges"][0]["node"]["ssoEvidence"] == {
        "status": "no_sso", "measured": False, "source": "angiven",
    }  # fmt: skip
    assert today.data["applications"]["edges"][0]["node"]["ssoEvidence"]["measured"] is True

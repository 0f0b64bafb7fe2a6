"""The analyses' GraphQL fields present what the analysis functions return, to readers only."""

import pytest
from django.test import RequestFactory

from config.schema import schema
from portfolio.choices import AuthenticationMethod, Federation
from portfolio.models import ApplicationCapability, ApplicationUsage
from tests.factories import (
    ApplicationFactory,
    CapabilityFactory,
    ManagementObjectFactory,
    SchoolUnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def execute(user, query, variables=None):
    request = RequestFactory().post("/graphql/")
    request.user = user
    request.api_token = None
    result = schema.execute(query, variable_values=variables, context_value=request)
    return result.data, [e.message for e in result.errors or []]


@pytest.fixture
def landscape():
    capability = CapabilityFactory(name="Schemaläggning")
    schools = SchoolUnitFactory.create_batch(3)
    big = ApplicationFactory(name="Skola24")
    small = ApplicationFactory(
        name="Skola 24", authentication=AuthenticationMethod.LOCAL, identity_provider=""
    )
    for app in (big, small):
        ApplicationCapability.objects.create(application=app, capability=capability)
    ApplicationUsage.objects.create(application=big, organisation=schools[0], users=500)
    ApplicationUsage.objects.create(application=big, organisation=schools[1], users=300)
    ApplicationUsage.objects.create(application=small, organisation=schools[2], users=40)
    ApplicationFactory(name="Federerad", federation=Federation.SKOLFEDERATION)
    ManagementObjectFactory(name="Ägarlöst")
    return big, small


def test_duplicate_clusters(reader, landscape):
    data, errors = execute(
        reader, "{ duplicateClusters { score reasons isDuplicate members { name role } } }"
    )
    assert not errors
    [cluster] = data["duplicateClusters"]
    assert {m["name"] for m in cluster["members"]} == {"Skola24", "Skola 24"}
    assert cluster["isDuplicate"] and cluster["reasons"] == ["namnen 100 % lika"]


def test_standardisation_candidates_weigh_open_gdpr_gaps_through_the_root_schema(reader, landscape):
    from gdpr.gaps import gap_counts_by_service

    _big, small = landscape
    expected = gap_counts_by_service().get(("application", small.pk), 0)
    assert expected > 0  # a system processing personal data in no processing activity is a GDPR gap
    query = (
        "{ standardisationCandidates { candidates { rank score keep { name } phaseOut { name openGdprGaps } "
    )
    query += "gdprGapsRemoved yearlySaving why riskRemoved } weights { perGdprGap } } }"
    data, errors = execute(reader, query)
    assert not errors
    candidates = data["standardisationCandidates"]["candidates"]
    assert len(candidates) == 2  # the overlap on the capability, and the duplicate registration
    candidate = candidates[0]
    assert candidate["keep"]["name"] == "Skola24"
    assert candidate["phaseOut"] == [{"name": "Skola 24", "openGdprGaps": expected}]
    assert candidate["gdprGapsRemoved"] == expected
    assert "dataskyddsbrist" in candidate["riskRemoved"]  # "1 öppen dataskyddsbrist", "2 öppna …brister"
    assert data["standardisationCandidates"]["weights"]["perGdprGap"] == 1.0


def test_standardisation_keep_argument(reader, landscape):
    _big, small = landscape
    data, errors = execute(
        reader,
        "query($keep: [String!]) { standardisationCandidates(keep: $keep) { candidates { keep { name } } } }",
        {"keep": [f"application:{small.pk}"]},
    )
    assert not errors
    assert data["standardisationCandidates"]["candidates"][0]["keep"]["name"] == "Skola 24"
    _data, errors = execute(reader, '{ standardisationCandidates(keep: ["x"]) { rank: costYear } }')
    assert errors and "application:ID" in errors[0]


def test_sso_coverage(reader, landscape):
    data, errors = execute(
        reader,
        "{ ssoCoverage { services servicesBehindSso shareUsers outsideSso { name users } "
        "federationWithoutEntityId { name } bySchool { users } byAuthenticationMethod { key services } "
        "summary } }",
    )
    assert not errors
    coverage = data["ssoCoverage"]
    assert (coverage["services"], coverage["servicesBehindSso"]) == (3, 2)
    assert coverage["outsideSso"] == [{"name": "Skola 24", "users": 40}]
    assert coverage["federationWithoutEntityId"] == [{"name": "Federerad"}]
    assert coverage["shareUsers"] == pytest.approx(800 / 840)


def test_pm3_gaps(reader, landscape):
    data, errors = execute(
        reader, '{ pm3Gaps(severity: "high") { code severity severityLabel targetName fix } }'
    )
    assert not errors
    assert {"MO_NO_OWNER", "APP_NO_SYSTEM_OWNER"} <= {g["code"] for g in data["pm3Gaps"]}
    assert {g["severityLabel"] for g in data["pm3Gaps"]} == {"Hög"}
    _data, errors = execute(reader, '{ pm3Gaps(severity: "huge") { code } }')
    assert errors


def test_equity_matrix(reader, landscape):
    data, errors = execute(
        reader,
        "{ equityMatrix { schools { name } columns { name schoolsWith } findings { kind explanation } } }",
    )
    assert not errors
    matrix = data["equityMatrix"]
    assert len(matrix["schools"]) == 3
    assert matrix["columns"] == [{"name": "Schemaläggning", "schoolsWith": 3}]
    assert [f["kind"] for f in matrix["findings"]] == ["annat system"]


@pytest.mark.parametrize(
    "field",
    [
        "duplicateClusters { score }",
        "ssoCoverage { services }",
        "pm3Gaps { code }",
        "equityMatrix { findings { kind } }",
        "standardisationCandidates { costYear }",
    ],
)
def test_analyses_need_the_view_permission(field):
    _data, errors = execute(UserFactory(), "{ " + field + " }")
    assert errors == ["Behörighet saknas för systemkartan."]


def test_every_analysis_field_and_type_is_described():
    from graphql import GraphQLObjectType

    for name in ("duplicateClusters", "standardisationCandidates", "ssoCoverage", "pm3Gaps", "equityMatrix"):
        assert schema.graphql_schema.query_type.fields[name].description
    analysis_types = [
        t
        for t in schema.graphql_schema.type_map.values()
        if isinstance(t, GraphQLObjectType)
        and getattr(getattr(t, "graphene_type", None), "__module__", "") == "portfolio.graphql.analysis"
    ]
    assert len(analysis_types) >= 15
    for type_ in analysis_types:
        assert type_.description, type_.name
        for field_name, field in type_.fields.items():
            assert field.description, f"{type_.name}.{field_name}"


def test_the_examples_in_docs_analysis_md_run(reader, landscape):
    import re
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "analysis.md").read_text(encoding="utf-8")
    examples = re.findall(r"```graphql\n(.*?)```", text, flags=re.DOTALL)
    assert len(examples) >= 2
    _big, small = landscape
    for example in examples:
        data, errors = execute(reader, example.replace("application:12", f"application:{small.pk}"))
        assert not errors, errors
        assert data

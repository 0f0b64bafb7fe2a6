"""The analyses' GraphQL fields present what the analysis functions return, to readers only."""

import datetime

import pytest
from django.test import RequestFactory

from config.schema import schema
from portfolio.choices import AuthenticationMethod, Federation
from portfolio.models import ServiceCapability, ServiceUsage
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
        ServiceCapability.objects.create(service=app, capability=capability)
    ServiceUsage.objects.create(service=big, organisation=schools[0], users=500)
    ServiceUsage.objects.create(service=big, organisation=schools[1], users=300)
    ServiceUsage.objects.create(service=small, organisation=schools[2], users=40)
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
    assert cluster["isDuplicate"] and cluster["reasons"] == ["båda är Skola24"]  # a catalogue product


def test_standardisation_candidates_weigh_gdpr_facts_through_the_root_schema(reader, landscape):
    """Kahoot! has most accounts but no processor agreement: the root schema's GDPR facts steer the keep."""
    from gdpr.gaps import gdpr_facts_by_service
    from gdpr.models import ProcessingActivityService
    from tests.factories import (
    ContractFactory,
    ProcessingActivityFactory,
    ProcessorSecurityReviewFactory,
    VendorFactory,
)

    capability = CapabilityFactory(name="Responsverktyg")
    school = SchoolUnitFactory()
    menti_vendor = VendorFactory(name="Mentimeter AB")
    menti = ApplicationFactory(name="Mentimeter", vendor=menti_vendor)
    kahoot = ApplicationFactory(name="Kahoot!", vendor=VendorFactory(name="Kahoot! ASA"))
    for app, users in ((menti, 300), (kahoot, 900)):
        ServiceCapability.objects.create(service=app, capability=capability)
        ServiceUsage.objects.create(service=app, organisation=school, users=users)
        activity = ProcessingActivityFactory(name=f"Omröstningar i klassrummet ({app.name})")
        ProcessingActivityService.objects.create(processing_activity=activity, service=app)
    ContractFactory(vendor=menti_vendor, dpa_signed_on=datetime.date(2024, 1, 2), subprocessors="AWS (IE)")
    for app in (menti, kahoot):  # security reviewed (Art. 28.1, 32): not what is weighed here
        ProcessorSecurityReviewFactory(vendor=app.vendor)
    expected = gdpr_facts_by_service()[("application", kahoot.pk)]
    assert expected["without_processor_agreement"]
    query = (
        "{ standardisationCandidates { candidates { subject keep { name } keepRisks "
        "phaseOut { name openGdprGaps withoutProcessorAgreement } options { key name accounts risks } "
        "gdprGapsRemoved accountsMoving why } weights { perGdprGap keepWithoutProcessorAgreement } } }"
    )
    data, errors = execute(reader, query)
    assert not errors
    [candidate] = [
        c for c in data["standardisationCandidates"]["candidates"] if c["subject"] == "Responsverktyg"
    ]
    assert candidate["keep"]["name"] == "Mentimeter" and candidate["keepRisks"] == []
    assert candidate["phaseOut"] == [
        {"name": "Kahoot!", "openGdprGaps": expected["open_gaps"], "withoutProcessorAgreement": True}
    ]
    assert candidate["gdprGapsRemoved"] == expected["open_gaps"] and candidate["accountsMoving"] == 900
    assert candidate["options"][0] == {
        "key": f"application:{kahoot.pk}",
        "name": "Kahoot!",
        "accounts": 900,
        "risks": ["Kahoot! saknar personuppgiftsbiträdesavtal"],
    }
    assert "saknar personuppgiftsbiträdesavtal; därför föreslås Mentimeter" in candidate["why"]
    assert data["standardisationCandidates"]["weights"] == {
        "perGdprGap": 1.0,
        "keepWithoutProcessorAgreement": -3.0,
    }


def test_standardisation_figures_are_labelled_as_accounts(reader):
    """Usage summed over schools counts accounts, not people; the schema says so and steers to accounts."""
    fields = {}
    for type_name in ("OverlapServiceType", "StandardisationCandidateType", "ProductOptionType"):
        graphql_type = schema.graphql_schema.get_type(type_name)
        fields.update({f"{type_name}.{k}": v for k, v in graphql_type.fields.items()})
    assert "konton" in fields["OverlapServiceType.accounts"].description.lower()
    assert "konton" in fields["StandardisationCandidateType.accountsMoving"].description.lower()
    assert "konton" in fields["ProductOptionType.accounts"].description.lower()
    for name in ("OverlapServiceType.users", "StandardisationCandidateType.usersMoving"):
        assert fields[name].description.startswith("Konton") and fields[name].deprecation_reason
    descriptions = [f.description or "" for f in fields.values()]
    assert not any(d.startswith(("Användare", "Antal användare")) for d in descriptions)


def test_one_product_registered_twice_is_folded_through_graphql(reader, landscape):
    """Skola24 and Skola 24 are one product: folded into the one kept, not an overlap to phase out."""
    data, errors = execute(
        reader,
        "{ standardisationCandidates { overlaps { capability } candidates { kind keep { name } "
        "folded { name } phaseOut { name } accountsMoving usersMoving } } }",
    )
    assert not errors
    assert data["standardisationCandidates"]["overlaps"] == []
    assert data["standardisationCandidates"]["candidates"] == [
        {
            "kind": "duplicate",
            "keep": {"name": "Skola24"},
            "folded": [{"name": "Skola 24"}],
            "phaseOut": [],
            "accountsMoving": 0,
            "usersMoving": 0,
        }
    ]


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

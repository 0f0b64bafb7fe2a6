"""Root connections: the model's own FilterSet decides the rows, Relay ids everywhere, fixed order."""

import pytest
from graphql_relay import to_global_id

from gdpr.filters import ProcessingActivityFilterSet
from gdpr.models import ProcessingActivity
from portfolio.filters import ApplicationFilterSet
from portfolio.models import Application, ServiceUsage
from tests import factories as f
from tests.factories import UserFactory
from tests.graphql.conftest import execute

pytestmark = pytest.mark.django_db


def gid(obj) -> str:
    return to_global_id(type(obj).__name__, obj.pk)


@pytest.fixture
def landscape():
    district = f.OrganisationFactory(name="Norra området")
    school = f.SchoolUnitFactory(name="Ängskolan", parent=district)
    other = f.SchoolUnitFactory(name="Björkskolan")
    vendor = f.VendorFactory(name="Edtech AB")
    sso = f.ApplicationFactory(name="Närvarosystemet", vendor=vendor, aliases="Frånvaro")
    local = f.ApplicationFactory(name="Lokala schemat", authentication="lokala_konton", identity_provider="")
    ServiceUsage.objects.create(service=sso, organisation=school, users=300)
    ServiceUsage.objects.create(service=local, organisation=other, users=10)
    return {"district": district, "vendor": vendor, "sso": sso, "local": local}


def names(answer, root="applications") -> list[str]:
    assert answer.errors == []
    return [e["node"]["name"] for e in answer.data[root]["edges"]]


def filterset_names(data: dict) -> list[str]:
    filterset = ApplicationFilterSet(data=data, queryset=Application.objects.all())
    return [a.name for a in filterset.qs.order_by("name")]


@pytest.mark.parametrize(
    ("arguments", "data"),
    [
        ('q: "NÄRVARO"', {"q": "NÄRVARO"}),
        ('q: "frånvaro"', {"q": "frånvaro"}),
        ("sso: false", {"sso": False}),
        ('authentication: ["lokala_konton"]', {"authentication": ["lokala_konton"]}),
        ("minOrganisations: 1", {"min_organisations": 1}),
    ],
)
def test_connection_filters_give_what_the_html_lists_filterset_gives(reader, landscape, arguments, data):
    query = f'{{ applications({arguments}, ordering: "name") {{ edges {{ node {{ name }} }} }} }}'
    answer = execute(reader, query)
    assert names(answer) == filterset_names(data)
    assert names(answer)  # every case matches something


def test_relation_filters_take_relay_ids_and_organisation_includes_sub_organisations(reader, landscape):
    def query(argument: str, obj) -> str:
        return f'{{ applications({argument}: ["{gid(obj)}"]) {{ totalCount edges {{ node {{ name }} }} }} }}'

    assert names(execute(reader, query("vendor", landscape["vendor"]))) == ["Närvarosystemet"]
    assert names(execute(reader, query("organisation", landscape["district"]))) == ["Närvarosystemet"]
    wrong_type = execute(reader, query("vendor", landscape["district"]))
    assert wrong_type.errors or wrong_type.data["applications"]["totalCount"] == 0


def test_processing_activity_filters_match_the_filterset(reader):
    board = f.BoardFactory()
    f.ProcessingActivityFactory(
        name="Elevhälsa", controller=board, special_categories=["halsa"], special_category_condition="h"
    )
    f.ProcessingActivityFactory(name="Skolskjuts", controller=board)
    f.DpiaFactory(processing_activity=ProcessingActivity.objects.get(name="Elevhälsa"))
    query = (
        f'{{ processingActivities(controller: ["{gid(board)}"], hasSpecialCategories: true, '
        'dpiaStatus: ["klar"]) '
        "{ totalCount edges { node { name specialCategories hasSpecialCategories } } } }"
    )
    answer = execute(reader, query)
    expected = ProcessingActivityFilterSet(
        data={"controller": [board.pk], "has_special_categories": True, "dpia_status": ["klar"]},
        queryset=ProcessingActivity.objects.all(),
    ).qs
    assert names(answer, "processingActivities") == [a.name for a in expected] == ["Elevhälsa"]
    node = answer.data["processingActivities"]["edges"][0]["node"]
    assert node["specialCategories"] == ["halsa"] and node["hasSpecialCategories"] is True


def test_node_returns_any_object_by_relay_id(reader, landscape):
    query = f'{{ node(id: "{gid(landscape["sso"])}") {{ __typename ... on Application {{ name }} }} }}'
    answer = execute(reader, query)
    assert answer.data["node"] == {"__typename": "Application", "name": "Närvarosystemet"}


def test_a_user_without_a_role_sees_no_rows(landscape):
    nobody = UserFactory(username="utan-roll")
    answer = execute(nobody, "{ applications { totalCount } vendors { totalCount } }")
    assert answer.data == {"applications": {"totalCount": 0}, "vendors": {"totalCount": 0}}
    node = execute(nobody, f'{{ node(id: "{gid(landscape["sso"])}") {{ id }} }}')
    assert node.data["node"] is None


def test_order_is_deterministic_and_can_be_chosen(reader, landscape):
    default = names(execute(reader, "{ applications { edges { node { name } } } }"))
    assert default == sorted(default)
    reverse = names(execute(reader, '{ applications(ordering: "-name") { edges { node { name } } } }'))
    assert reverse == list(reversed(default))

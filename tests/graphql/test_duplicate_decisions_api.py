"""GraphQL: "not the same product" decisions by mutation, and the list of them.

The mutations write through the same service as the web page: the same permission (the
strateg), the same history, and any error changes nothing.
"""

import pytest

from accounts.models import ApiToken
from portfolio.models import DuplicateDecision
from tests.duplicate_cases import family_pair, same_product_pair
from tests.graphql.conftest import execute, post

pytestmark = pytest.mark.django_db

CLUSTERS = """
query Clusters($tier: DuplicateTier) {
  duplicateClusters(tier: $tier) { tier reasons members { serviceType serviceId name } }
}
"""

DECIDE = """
mutation Decide($input: NotSameProductInput!) {
  decideNotSameProduct(input: $input) {
    decisions { firstService firstName secondService secondName reason decidedBy decidedAt inForce }
    errors { field message }
  }
}
"""

UNDO = """
mutation Undo($input: UndoNotSameProductInput!) {
  undoNotSameProduct(input: $input) { undone errors { field message } }
}
"""


@pytest.fixture
def registrations():
    flip, flipgrid = same_product_pair()
    vklass, bokning = family_pair()
    return {"flip": flip, "flipgrid": flipgrid, "vklass": vklass, "bokning": bokning}


def names(clusters):
    return [{m["name"] for m in c["members"]} for c in clusters]


def test_the_strateg_decides_by_mutation_and_the_cluster_is_gone(strategist, registrations):
    services = [f"application:{registrations['vklass'].pk}", f"application:{registrations['bokning'].pk}"]
    answer = execute(strategist, DECIDE, {"input": {"services": services, "reason": "Olika moduler"}})
    assert not answer.errors
    payload = answer.data["decideNotSameProduct"]
    assert payload["errors"] == []
    [decision] = payload["decisions"]
    assert {decision["firstName"], decision["secondName"]} == {"Vklass", "Vklass Bokning"}
    assert decision["decidedBy"] == strategist.get_username()
    assert decision["reason"] == "Olika moduler" and decision["inForce"]
    assert DuplicateDecision.objects.get().history.get().history_user == strategist

    clusters = execute(strategist, CLUSTERS).data["duplicateClusters"]
    assert {"Vklass", "Vklass Bokning"} not in names(clusters)
    listed = execute(strategist, "{ duplicateDecisions { firstName secondName decidedBy inForce } }")
    assert listed.data["duplicateDecisions"][0]["decidedBy"] == strategist.get_username()

    undone = execute(strategist, UNDO, {"input": {"services": services}})
    assert undone.data["undoNotSameProduct"] == {"undone": 1, "errors": []}
    assert not DuplicateDecision.objects.exists()


def test_a_reader_may_not_decide_and_nothing_is_stored(reader, registrations):
    services = [f"application:{registrations['vklass'].pk}", f"application:{registrations['bokning'].pk}"]
    answer = execute(reader, DECIDE, {"input": {"services": services}})
    payload = answer.data["decideNotSameProduct"]
    assert payload["decisions"] is None
    assert "Behörighet saknas" in payload["errors"][0]["message"]
    assert not DuplicateDecision.objects.exists()


def test_a_malformed_or_missing_service_is_a_field_error(strategist, registrations):
    for services in (
        ["system:1", "application:2"],
        [f"application:{registrations['flip'].pk}", "application:0"],
    ):
        payload = execute(strategist, DECIDE, {"input": {"services": services}}).data["decideNotSameProduct"]
        assert payload["errors"][0]["field"] == "services"
    assert not DuplicateDecision.objects.exists()


def test_a_read_only_token_cannot_decide(client, strategist, registrations):
    token, secret = ApiToken.issue(strategist, name="läs", read_only=True)
    services = [f"application:{registrations['vklass'].pk}", f"application:{registrations['bokning'].pk}"]
    response = post(client, DECIDE, {"input": {"services": services}}, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 403
    assert "skrivskyddad" in str(response.json())
    assert not DuplicateDecision.objects.exists()


def test_catalogue_entries_are_read_and_written_through_graphql_with_history(strategist, reader):
    created = execute(
        strategist,
        "mutation($input: CreateCatalogueProductInput!) { createCatalogueProduct(input: $input) "
        "{ catalogueProduct { name aliases vendorOrgnr version } errors { field message } } }",
        {
            "input": {
                "name": "Skolappen",
                "aliases": "SA",
                "vendorOrgnr": "5560160680",
                "source": "Upphandling",
            }
        },
    )
    payload = created.data["createCatalogueProduct"]
    assert payload["errors"] == []
    assert payload["catalogueProduct"]["vendorOrgnr"] == "556016-0680"
    refused = execute(
        strategist,
        "mutation($input: CreateCatalogueProductInput!) { createCatalogueProduct(input: $input) "
        "{ errors { field message } } }",
        {"input": {"name": "Annan", "vendorOrgnr": "556016-0681"}},
    )
    assert refused.data["createCatalogueProduct"]["errors"][0]["field"] == "vendorOrgnr"
    listed = execute(reader, '{ catalogueProducts(q: "skolapp") { totalCount edges { node { name } } } }')
    assert listed.data["catalogueProducts"]["totalCount"] == 1
    from portfolio.models import CatalogueProduct

    assert CatalogueProduct.objects.get().history.get().history_user == strategist

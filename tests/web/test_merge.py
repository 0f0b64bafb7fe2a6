"""Merging two registrations of one product: everything moves to the kept one, with history."""

import pytest

from gdpr.services import move_processing_activity_links
from portfolio.merge import MergeError, merge_services
from portfolio.models import Application, ServiceUsage
from tests.factories import (
    ApplicationFactory,
    CapabilityFactory,
    ContractFactory,
    CostFactory,
    DataFlowFactory,
    LearningResourceFactory,
    ProcessingActivityFactory,
    RoleAssignmentFactory,
    SchoolUnitFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair():
    kept = ApplicationFactory(name="Skolportalen", aliases="Portalen")
    duplicate = ApplicationFactory(name="SkolPortalen 2", saml_entity_ids="https://portal.example/saml")
    return kept, duplicate


def test_merge_moves_usages_capabilities_roles_costs_contracts_flows_and_processing_links(pair, strategist):
    kept, duplicate = pair
    shared_school, other_school = SchoolUnitFactory(), SchoolUnitFactory()
    ServiceUsage.objects.create(service=kept, organisation=shared_school, users=10)
    ServiceUsage.objects.create(service=duplicate, organisation=shared_school, users=40)
    ServiceUsage.objects.create(service=duplicate, organisation=other_school, users=5)
    capability = CapabilityFactory()
    duplicate.capability_links.create(capability=capability)
    role = RoleAssignmentFactory(application=duplicate)
    cost = CostFactory(application=duplicate)
    contract = ContractFactory()
    contract.service_links.create(service=duplicate)
    flow = DataFlowFactory(source_application=duplicate)
    activity = ProcessingActivityFactory()
    activity.service_links.create(service=duplicate)

    result = merge_services(kept, duplicate, user=strategist, movers=[move_processing_activity_links])

    assert not Application.objects.filter(pk=duplicate.pk).exists()
    usages = {u.organisation_id: u.users for u in kept.usages.all()}
    assert usages == {shared_school.pk: 40, other_school.pk: 5}
    assert list(kept.capabilities.all()) == [capability]
    role.refresh_from_db()
    cost.refresh_from_db()
    flow.refresh_from_db()
    assert role.service_id == kept.pk
    assert cost.service_id == kept.pk
    assert flow.source_service_id == kept.pk
    assert list(contract.services.all()) == [kept]
    assert list(activity.services.all()) == [kept]
    kept.refresh_from_db()
    assert "SkolPortalen 2" in kept.alias_list and "Portalen" in kept.alias_list
    assert kept.entity_id_list == ["https://portal.example/saml"]
    assert result.moved["behandlingar"] == 1
    assert result.dropped["användning"] == 1


def test_merge_is_recorded_in_history_with_the_user_and_reason(pair, strategist):
    kept, duplicate = pair
    cost = CostFactory(application=duplicate)
    merge_services(kept, duplicate, user=strategist)

    deletion = Application.history.filter(id=duplicate.pk).latest("history_date")
    assert deletion.history_type == "-"
    assert deletion.history_user == strategist
    assert "SkolPortalen 2" in deletion.history_change_reason
    moved = cost.history.latest("history_date")
    assert moved.service_id == kept.pk and moved.history_user == strategist
    assert kept.history.latest("history_date").history_user == strategist


def test_merge_refuses_a_system_and_a_learning_resource(pair):
    kept, _duplicate = pair
    with pytest.raises(MergeError):
        merge_services(kept, LearningResourceFactory())


def test_merge_refuses_merging_a_record_with_itself(pair):
    kept, _duplicate = pair
    with pytest.raises(MergeError):
        merge_services(kept, kept)


def test_a_flow_between_the_two_registrations_is_dropped_and_the_source_id_is_kept(pair, strategist):
    from portfolio.models import DataFlow
    from tests.factories import DataFlowFactory

    kept, duplicate = pair
    duplicate.external_id = "SRC-42"
    duplicate.save()
    DataFlowFactory(source_application=duplicate, target_application=kept)
    outward = DataFlowFactory(source_application=duplicate, target_application=None, target_external="CSN")
    merge_services(kept, duplicate, user=strategist)
    assert list(DataFlow.objects.all()) == [outward]
    outward.refresh_from_db()
    assert outward.source_service == kept
    kept.refresh_from_db()
    assert kept.external_id == "SRC-42"

"""Data flows: each end is exactly one service or an external recipient; the form says why not."""

import pytest
from django.db import IntegrityError, transaction

from portfolio.filters_dataflows import DataFlowFilterSet
from portfolio.forms_dataflows import DataFlowForm
from portfolio.models import DataFlow
from portfolio.services import save_form
from tests.factories import ApplicationFactory, DataFlowFactory, LearningResourceFactory

pytestmark = pytest.mark.django_db


def test_flow_to_external_recipient_is_valid_through_the_form(strategist):
    app = ApplicationFactory()
    form = DataFlowForm(
        data={
            "name": "Studiestöd till CSN",
            "source_application": app.pk,
            "target_external": "CSN",
            "processes_personal_data": "on",
            "personal_data_categories": "Personnummer, närvaro",
            "method": "fil",
            "frequency": "manad",
        }
    )
    assert form.is_valid(), form.errors
    flow = save_form(form, user=strategist, reason="Nytt flöde")
    assert flow.leaves_organisation
    assert flow.source == app and flow.target == "CSN"
    assert flow.history.first().history_user == strategist


def test_flow_with_two_sources_is_refused_by_the_form():
    app, resource = ApplicationFactory(), LearningResourceFactory()
    form = DataFlowForm(
        data={
            "name": "Dubbelt",
            "source_application": app.pk,
            "source_learning_resource": resource.pk,
            "target_external": "Någon",
            "processes_personal_data": "on",
        }
    )
    assert not form.is_valid()
    assert "source_application" in form.errors


def test_flow_from_a_service_to_itself_is_refused():
    app = ApplicationFactory()
    form = DataFlowForm(data={"name": "Loop", "source_application": app.pk, "target_application": app.pk})
    assert not form.is_valid()


def test_database_refuses_a_flow_without_target():
    app = ApplicationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        DataFlow.objects.create(name="Halvt", source_service=app)


def test_filterset_finds_flows_in_and_out_of_a_system_and_those_leaving():
    hub = ApplicationFactory()
    incoming = DataFlowFactory(target_application=hub)
    outgoing = DataFlowFactory(source_application=hub, target_application=None, target_external="CSN")
    DataFlowFactory()
    found = DataFlowFilterSet({"application": [hub.pk]}, queryset=DataFlow.objects.all()).qs
    assert set(found) == {incoming, outgoing}
    leaving = DataFlowFilterSet({"leaves_organisation": "true"}, queryset=DataFlow.objects.all()).qs
    assert list(leaving) == [outgoing]

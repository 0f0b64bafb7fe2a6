"""The admin of discovery: decisions editable with history, what imports wrote read-only."""

import pytest
from django.urls import reverse

from discovery.models import DiscoveredApplication, IdentityImport, MeasuredUsage
from tests.discovery.evidence_data import discovered, measured
from tests.factories import ApplicationFactory, SchoolUnitFactory

pytestmark = pytest.mark.django_db


def _url(model, view, *args):
    return reverse(f"admin:discovery_{model._meta.model_name}_{view}", args=args)


def test_the_admin_opens_every_discovery_model_and_keeps_imported_rows_read_only(admin_client):
    service = ApplicationFactory()
    app = discovered(service, name="Kahoot!")
    usage = measured(service, SchoolUnitFactory(), 12)
    for model, row in (
        (DiscoveredApplication, app),
        (MeasuredUsage, usage),
        (IdentityImport, usage.identity_import),
    ):
        assert admin_client.get(_url(model, "changelist")).status_code == 200
        assert admin_client.get(_url(model, "change", row.pk)).status_code == 200
    assert admin_client.get(_url(DiscoveredApplication, "history", app.pk)).status_code == 200
    for model in (MeasuredUsage, IdentityImport):
        assert admin_client.get(_url(model, "add")).status_code == 403
        response = admin_client.post(
            _url(model, "change", usage.pk if model is MeasuredUsage else usage.identity_import_id), {}
        )
        assert response.status_code == 403
    assert MeasuredUsage.objects.get().users == 12

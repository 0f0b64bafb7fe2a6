"""Detail pages: a record with its related rows, who changed what and when, and the record as of a date."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from gdpr.gaps import find_gaps
from portfolio.models import Application
from tests.factories import (
    ApplicationFactory,
    ContractFactory,
    DataFlowFactory,
    ManagementObjectFactory,
    ManagementPlanFactory,
    ProcessingActivityFactory,
    RoleAssignmentFactory,
    TransferFactory,
    VendorFactory,
)

pytestmark = pytest.mark.django_db


def test_history_shows_who_changed_which_field_from_what_to_what(client, strategist):
    application = ApplicationFactory(name="Lärplattformen")
    client.force_login(strategist)
    edit = reverse("portfolio:application_edit", args=[application.pk])
    form = client.get(edit).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(name="Lärplattformen Plus", version=application.version, capabilities=[], organisations=[])
    data["user_groups"] = []
    response = client.post(edit, data)
    assert response.status_code == 302, response.context["form"].errors
    page = client.get(reverse("portfolio:application_detail", args=[application.pk]))
    latest = page.context["changes"][0]
    assert latest.user == "strateg"
    changed = [(f.label, f.old, f.new) for f in latest.fields]
    assert changed == [("namn", "Lärplattformen", "Lärplattformen Plus")]
    assert "Lärplattformen Plus" in page.content.decode()


def test_a_stale_edit_is_refused_and_nothing_is_overwritten(client, strategist):
    application = ApplicationFactory(name="Elevregistret")
    client.force_login(strategist)
    edit = reverse("portfolio:application_edit", args=[application.pk])
    response = client.post(edit, {"name": "Mitt namn", "version": application.version + 5,
                                  "lifecycle_status": "i_drift", "mfa": "okant"})
    assert response.status_code == 400
    assert "ändrats av någon annan" in response.content.decode()
    assert Application.objects.get(pk=application.pk).name == "Elevregistret"


def test_as_of_shows_the_record_as_it_was_on_the_chosen_date(client, reader):
    application = ApplicationFactory(name="Gamla schemat")
    application.history.update(history_date=timezone.make_aware(datetime.datetime(2024, 1, 10, 12)))
    application.name = "Nya schemat"
    application.save()
    client.force_login(reader)
    url = reverse("portfolio:application_detail", args=[application.pk])

    then = client.get(url, {"as_of": "2024-06-01"}).context["as_of_properties"]
    assert ("Namn", "Gamla schemat", None) in then
    assert client.get(url, {"as_of": "2023-06-01"}).context["as_of_properties"] is None
    assert "Posten fanns inte den 2023-06-01" in client.get(url, {"as_of": "2023-06-01"}).content.decode()
    assert client.get(url, {"as_of": "inte-ett-datum"}).context["as_of_invalid"]


def test_system_page_shows_owners_contracts_activities_and_gdpr_findings(client, reader):
    application = ApplicationFactory(name="Elevhälsan", user_groups=["elever", "personal"])
    owner = RoleAssignmentFactory(application=application)
    contract = ContractFactory(name="Avtal elevhälsa", vendor=application.vendor)
    contract.service_links.create(service=application)
    activity = ProcessingActivityFactory(name="Elevhälsojournal", legal_basis="", retention_period="")
    activity.service_links.create(service=application)
    receiver = ApplicationFactory(name="Skolstatistik")
    DataFlowFactory(source_application=application, target_application=receiver)
    expected = [f for f in find_gaps() if ("application", application.pk) in f.services]
    assert expected, "the incomplete record should give findings"

    client.force_login(reader)
    content = client.get(reverse("portfolio:application_detail", args=[application.pk])).content.decode()
    shown = [owner.person.name, "Avtal elevhälsa", "Elevhälsojournal", receiver.name, "Elever, Personal"]
    shown += [f.title for f in expected]
    for text in shown:
        assert text in content


def test_management_object_page_shows_systems_roles_and_budget_by_pm3_part(client, reader):
    management_object = ManagementObjectFactory(name="Elevadministration")
    ApplicationFactory(name="Närvarosystemet", management_object=management_object)
    RoleAssignmentFactory(application=None, management_object=management_object, role="objektagare")
    ManagementPlanFactory(management_object=management_object, year=2026, budget_it_development=250000)
    client.force_login(reader)
    page = client.get(reverse("portfolio:managementobject_detail", args=[management_object.pk]))
    titles = [section.title for section in page.context["sections"]]
    assert "Förvaltningsplaner och budget per PM3-del" in titles
    content = page.content.decode()
    assert "Närvarosystemet" in content and "Objektägare" in content and "250\u00a0000" in content


def test_vendor_page_shows_contracts_processor_agreements_and_transfers(client, reader):
    vendor = VendorFactory(name="Molnbolaget Inc", country="US")
    application = ApplicationFactory(vendor=vendor)
    ContractFactory(name="Molnavtal", vendor=vendor, dpa_signed_on=datetime.date(2024, 2, 1))
    transfer = TransferFactory(recipient="Molnbolaget Inc (USA)")
    transfer.processing_activity.service_links.create(service=application)
    client.force_login(reader)
    content = client.get(reverse("portfolio:vendor_detail", args=[vendor.pk])).content.decode()
    assert "Molnavtal" in content and "2024-02-01" in content
    assert "Molnbolaget Inc (USA)" in content
    assert "utanför EU/EES" in content


def test_an_edit_that_does_not_say_which_version_it_read_is_refused_and_changes_nothing(client, strategist):
    from portfolio.models import Vendor
    from tests.factories import VendorFactory

    vendor = VendorFactory(name="Gammalt AB")
    client.force_login(strategist)
    response = client.post(
        f"/leverantorer/{vendor.pk}/andra/", {"name": "Nytt AB", "country": "SE"}
    )
    assert response.status_code == 400
    assert "vilken version" in response.content.decode()
    assert Vendor.objects.get(pk=vendor.pk).name == "Gammalt AB"


def test_an_impossible_as_of_date_is_explained_not_a_server_error(client, reader):
    from tests.factories import VendorFactory

    vendor = VendorFactory()
    client.force_login(reader)
    response = client.get(f"/leverantorer/{vendor.pk}/?as_of=2025-02-30")
    assert response.status_code == 200
    assert "finns inte" in response.content.decode()

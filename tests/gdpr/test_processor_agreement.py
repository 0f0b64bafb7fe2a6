"""The dataskyddssamordnare closes a missing processor agreement (PUB-avtal) alone."""

import datetime

import pytest
from django.urls import reverse

from gdpr.gaps import find_gaps
from gdpr.models import ProcessingActivityService
from gdpr.views import finding_links
from portfolio.models import Contract
from tests.factories import ApplicationFactory, ContractFactory, ProcessingActivityFactory, VendorFactory

pytestmark = pytest.mark.django_db


def _processor_without_agreement():
    vendor = VendorFactory()
    ProcessingActivityService.objects.create(
        processing_activity=ProcessingActivityFactory(), service=ApplicationFactory(vendor=vendor)
    )
    return vendor


def test_the_finding_links_to_recording_the_agreement_for_its_vendor():
    vendor = _processor_without_agreement()
    [finding] = [f for f in find_gaps() if f.code == "PROCESSOR_NO_DPA"]
    assert finding_links(finding, {})["fix_url"] == (
        reverse("gdpr:processor_agreement_add") + f"?leverantor={vendor.pk}"
    )


def test_the_dataskyddssamordnare_records_a_new_agreement_and_the_gap_closes(
    client, data_protection_coordinator
):
    vendor = _processor_without_agreement()
    client.force_login(data_protection_coordinator)
    page = client.get(reverse("gdpr:processor_agreement_add") + f"?leverantor={vendor.pk}")
    assert page.status_code == 200 and page.context["form"].initial["vendor"] == vendor.pk
    assert "annual_value" not in page.context["form"].fields
    response = client.post(
        reverse("gdpr:processor_agreement_add"),
        {
            "name": "PUB-avtal Exempel",
            "vendor": vendor.pk,
            "dpa_signed_on": "2026-11-30",
            "dpa_reference": "BUN 2026/77",
            "subprocessors": "Amazon Web Services (IE)",
        },
    )
    assert response.status_code == 302
    contract = Contract.objects.get(vendor=vendor)
    assert contract.dpa_reference == "BUN 2026/77" and contract.annual_value is None
    assert contract.history.get().history_user == data_protection_coordinator
    assert not [f for f in find_gaps() if f.code in ("PROCESSOR_NO_DPA", "SUBPROCESSORS_UNKNOWN")]


def test_on_an_existing_contract_only_the_agreement_part_changes(client, data_protection_coordinator):
    contract = ContractFactory(annual_value=120000, dpa_signed_on=None)
    client.force_login(data_protection_coordinator)
    page = client.get(reverse("gdpr:processor_agreement_add") + f"?leverantor={contract.vendor_id}")
    assert list(page.context["vendor_contracts"]) == [contract]
    response = client.post(
        reverse("gdpr:processor_agreement_edit", args=[contract.pk]),
        {
            "version": contract.version,
            "dpa_signed_on": "2026-11-30",
            "subprocessors": "Microsoft (IE)",
            "annual_value": "1",  # not a field of this form: ignored
            "name": "Omdöpt",
        },
    )
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.dpa_signed_on == datetime.date(2026, 11, 30)
    assert contract.annual_value == 120000 and contract.name != "Omdöpt"


@pytest.mark.parametrize("role", ["it_user", "reader"])
def test_it_and_readers_cannot_record_agreements(client, request, role):
    contract = ContractFactory(dpa_signed_on=None)
    client.force_login(request.getfixturevalue(role))
    response = client.post(
        reverse("gdpr:processor_agreement_edit", args=[contract.pk]),
        {"version": contract.version, "dpa_signed_on": "2026-11-30"},
    )
    assert response.status_code == 403
    contract.refresh_from_db()
    assert contract.dpa_signed_on is None

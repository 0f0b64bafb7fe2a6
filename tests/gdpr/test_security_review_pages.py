"""Security reviews of processors: the dataskyddssamordnare records them; everyone else reads."""

import datetime

import pytest
from django.urls import reverse

from gdpr.gaps import find_gaps
from gdpr.models import ProcessingActivityService, ProcessorSecurityReview
from gdpr.views import finding_links
from tests.factories import (
    ApplicationFactory,
    ProcessingActivityFactory,
    ProcessorSecurityReviewFactory,
    VendorFactory,
)

pytestmark = pytest.mark.django_db


def test_the_dataskyddssamordnare_records_a_review_with_history(client, data_protection_coordinator):
    vendor = VendorFactory()
    client.force_login(data_protection_coordinator)
    page = client.get(reverse("gdpr:processorsecurityreview_add") + f"?leverantor={vendor.pk}")
    assert page.status_code == 200 and page.context["form"].initial["vendor"] == vendor.pk
    response = client.post(
        reverse("gdpr:processorsecurityreview_add"),
        {
            "vendor": vendor.pk,
            "reviewed_on": "2026-11-20",
            "outcome": "approved",
            "reference": "SOC 2 typ II 2026",
        },
    )
    assert response.status_code == 302
    review = ProcessorSecurityReview.objects.get()
    assert review.reviewed_on == datetime.date(2026, 11, 20)
    assert review.history.get().history_user == data_protection_coordinator


@pytest.mark.parametrize("role", ["strategist", "it_user", "reader"])
def test_other_roles_read_reviews_but_cannot_record_them(client, request, role):
    user = request.getfixturevalue(role)
    review = ProcessorSecurityReviewFactory()
    client.force_login(user)
    assert client.get(reverse("gdpr:processorsecurityreview_list")).status_code == 200
    assert client.get(reverse("gdpr:processorsecurityreview_detail", args=[review.pk])).status_code == 200
    response = client.post(
        reverse("gdpr:processorsecurityreview_add"),
        {"vendor": review.vendor_id, "reviewed_on": "2026-11-20", "outcome": "approved", "reference": "x"},
    )
    assert response.status_code == 403
    assert ProcessorSecurityReview.objects.count() == 1


def test_the_list_needs_a_login(client):
    response = client.get(reverse("gdpr:processorsecurityreview_list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_finding_links_to_a_new_review_of_its_vendor():
    vendor = VendorFactory()
    activity = ProcessingActivityFactory()
    ProcessingActivityService.objects.create(
        processing_activity=activity, service=ApplicationFactory(vendor=vendor)
    )
    [finding] = [f for f in find_gaps() if f.code == "PROCESSOR_SECURITY_NOT_REVIEWED"]
    links = finding_links(finding, {})
    assert links["fix_url"] == reverse("gdpr:processorsecurityreview_add") + f"?leverantor={vendor.pk}"

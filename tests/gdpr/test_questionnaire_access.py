"""Who may write through the learning-resource fast track (``gdpr:questionnaire``).

Every role that reads the GDPR register may classify a resource; only a role that may add
processing activities (the dataskyddssamordnare) may write the record or link the resource to
the shared one. A write posted by anyone else is refused (403) and changes nothing: no record, no
link, no history row.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from gdpr.models import ProcessingActivity
from gdpr.questionnaire import SHARED_ACTIVITY_NAME
from tests.factories import BoardFactory, LearningResourceFactory, ProcessingActivityFactory, VendorFactory

pytestmark = pytest.mark.django_db

WITHOUT_WRITE = ["reader", "it_user", "strategist"]
BUTTON = "Skapa eller koppla standardbehandling"


def low_risk_answers(board=None) -> dict:
    resource = LearningResourceFactory(name="Glosappen", vendor=VendorFactory(country="SE"))
    return {
        "learning_resource": resource.pk,
        "controller": (board or BoardFactory()).pk,
        "data_kinds": ["identitet"],
        "data_subjects": ["elever"],
        "login_method": "kommunens",
        "vendor_country": "SE",
    }


@pytest.fixture
def as_role(client, request):
    def login(role: str):
        client.force_login(request.getfixturevalue(role))
        return client

    return login


@pytest.mark.parametrize("role", WITHOUT_WRITE)
def test_a_role_without_add_permission_is_refused_the_write_and_nothing_is_written(as_role, role):
    client = as_role(role)
    response = client.post(reverse("gdpr:questionnaire"), {**low_risk_answers(), "write": "1"})
    assert response.status_code == 403
    assert not ProcessingActivity.objects.exists()
    assert not ProcessingActivity.history.exists()


@pytest.mark.parametrize("role", WITHOUT_WRITE)
def test_a_role_without_add_permission_cannot_link_a_resource_to_the_shared_record(as_role, role):
    shared = ProcessingActivityFactory(name=SHARED_ACTIVITY_NAME, data_subject_categories=["personal"])
    client = as_role(role)
    answers = low_risk_answers(board=shared.controller)
    response = client.post(reverse("gdpr:questionnaire"), {**answers, "write": "1"})
    assert response.status_code == 403
    shared.refresh_from_db()
    assert shared.version == 1 and shared.data_subject_categories == ["personal"]
    assert not shared.services.exists()
    assert shared.history.count() == 1


@pytest.mark.parametrize("role", WITHOUT_WRITE)
def test_a_role_without_add_permission_may_classify_and_is_offered_no_write(as_role, role):
    client = as_role(role)
    response = client.post(reverse("gdpr:questionnaire"), low_risk_answers())
    assert response.status_code == 200
    page = response.text
    assert "Låg risk – standardbehandling" in page and BUTTON not in page
    assert not ProcessingActivity.objects.exists()


def test_the_coordinator_is_offered_the_write_and_it_writes_with_history(
    as_role, data_protection_coordinator
):
    client = as_role("data_protection_coordinator")
    answers = low_risk_answers()
    assert BUTTON in client.post(reverse("gdpr:questionnaire"), answers).text
    response = client.post(reverse("gdpr:questionnaire"), {**answers, "write": "1"})
    assert response.status_code == 302
    activity = ProcessingActivity.objects.get()
    assert activity.history.get().history_user == data_protection_coordinator


def test_a_write_by_a_user_without_any_role_is_refused(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("utan-roll", password="x" * 16))
    response = client.post(reverse("gdpr:questionnaire"), {**low_risk_answers(), "write": "1"})
    assert response.status_code == 403
    assert not ProcessingActivity.objects.exists()

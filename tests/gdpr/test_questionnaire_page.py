"""The fast-track page: its introduction counts its own questions, it fills in what the register
knows of the chosen learning resource, one name in the menu and on the page, and an outcome that
needs a full assessment leads on to the record and its DPIA."""

import pytest
from django.urls import reverse

from gdpr.forms_questionnaire import LearningResourceQuestionnaireForm
from gdpr.models import ProcessingActivity
from gdpr.questionnaire import LoginMethod, login_method_of
from tests.factories import BoardFactory, LearningResourceFactory, VendorFactory

pytestmark = pytest.mark.django_db
URL = reverse("gdpr:questionnaire")


def test_the_introduction_counts_the_questions_the_form_asks(client, data_protection_coordinator):
    client.force_login(data_protection_coordinator)
    page = client.get(URL).content.decode()
    count = len(LearningResourceQuestionnaireForm().fields)
    assert f"{count} frågor avgör om lärresursen" in page
    assert "Sex frågor" not in page
    assert page.count("<label") >= count  # the number is the number of questions shown


def test_menu_and_page_call_it_by_one_name(client, data_protection_coordinator):
    client.force_login(data_protection_coordinator)
    page = client.get(URL).content.decode()
    menu = page.split('class="side-nav"')[1].split("</nav>")[0]
    assert f'<a href="{URL}">Snabbspår för lärresurs</a>' in menu
    assert "<h1>Snabbspår för lärresurs</h1>" in page and "Frågeformulär" not in page


@pytest.mark.parametrize(
    ("authentication", "identity_provider", "expected"),
    [
        ("saml", "kommunens_idp", LoginMethod.MUNICIPAL),
        ("oidc", "skolfederation", LoginMethod.MUNICIPAL),
        ("ldap", "", LoginMethod.MUNICIPAL),
        ("lokala_konton", "leverantor", LoginMethod.VENDOR_ACCOUNT),
        ("saml", "leverantor", LoginMethod.VENDOR_ACCOUNT),
        ("oauth", "google", LoginMethod.PRIVATE_ACCOUNT),
        ("oauth", "entra_id", LoginMethod.MUNICIPAL),
        ("ingen", "", LoginMethod.NONE),
        ("", "", ""),
    ],
)
def test_the_login_answer_follows_the_registered_login(authentication, identity_provider, expected):
    resource = LearningResourceFactory(authentication=authentication, identity_provider=identity_provider)
    assert login_method_of(resource) == expected


def test_choosing_a_resource_prefills_the_vendors_country_and_the_login(client, data_protection_coordinator):
    resource = LearningResourceFactory(
        vendor=VendorFactory(country="US"), authentication="saml", identity_provider="skolfederation"
    )
    client.force_login(data_protection_coordinator)
    form = client.get(URL, {"learning_resource": resource.pk}).context["form"]
    expected = {"learning_resource": resource.pk, "vendor_country": "US", "login_method": "kommunens"}
    assert form.initial == expected
    page = client.get(URL, {"learning_resource": resource.pk}).content.decode()
    assert '<option value="US" selected>USA</option>' in page
    assert '<option value="kommunens" selected>' in page
    assert '<script src="/static/js/questionnaire.js" defer></script>' in page


def full_assessment_answers() -> dict:
    resource = LearningResourceFactory(name="Spårappen", vendor=VendorFactory(name="Spår AB", country="SE"))
    return {
        "learning_resource": resource.pk,
        "controller": BoardFactory().pk,
        "data_kinds": ["identitet"],
        "data_subjects": ["elever"],
        "login_method": "kommunens",
        "vendor_country": "SE",
        "ads_or_tracking": "on",
    }


def test_a_full_assessment_offers_the_next_step_and_it_starts_the_record_and_its_dpia(
    client, data_protection_coordinator
):
    client.force_login(data_protection_coordinator)
    answers = full_assessment_answers()
    classified = client.post(URL, {**answers, "classify": "1"}).content.decode()
    assert "Kräver fullständig bedömning" in classified
    assert 'name="assess"' in classified and "Starta behandling och konsekvensbedömning" in classified
    response = client.post(URL, {**answers, "assess": "1"})
    activity = ProcessingActivity.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('gdpr:dpia_create')}?behandling={activity.pk}"
    assert activity.name == "Spårappen i undervisningen" and activity.status == "utkast"
    assert [r.name for r in activity.services.filter(kind="learning_resource")] == ["Spårappen"]
    assert "Reklam eller spårning" in activity.internal_notes
    assert activity.history.get().history_user == data_protection_coordinator
    dpia_form = client.get(response["Location"]).context["form"]
    assert dpia_form.initial["processing_activity"] == activity.pk


@pytest.mark.parametrize("role", ["reader", "strategist", "it_user"])
def test_only_who_may_write_records_and_dpias_may_start_the_assessment(client, request, role):
    client.force_login(request.getfixturevalue(role))
    answers = full_assessment_answers()
    page = client.post(URL, {**answers, "classify": "1"}).content.decode()
    assert 'name="assess"' not in page and "be dataskyddssamordnaren" in page
    assert client.post(URL, {**answers, "assess": "1"}).status_code == 403
    assert not ProcessingActivity.objects.exists()


def test_starting_an_assessment_for_low_risk_answers_writes_nothing(client, data_protection_coordinator):
    client.force_login(data_protection_coordinator)
    answers = {k: v for k, v in full_assessment_answers().items() if k != "ads_or_tracking"}
    response = client.post(URL, {**answers, "assess": "1"})
    assert response.status_code == 200
    assert "Svaren kräver ingen fullständig bedömning." in response.content.decode()
    assert not ProcessingActivity.objects.exists()

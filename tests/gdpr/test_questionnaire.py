"""The learning-resource fast track: each outcome with its reasons, and the record it writes."""

import pytest

from gdpr.forms_questionnaire import LearningResourceQuestionnaireForm
from gdpr.gaps import find_gaps
from gdpr.models import ProcessingActivity
from gdpr.questionnaire import SHARED_ACTIVITY_NAME, Answers, Outcome, apply_fast_track, classify
from tests.factories import BoardFactory, LearningResourceFactory, ProcessingActivityFactory, VendorFactory

pytestmark = pytest.mark.django_db


def answers(**overrides) -> Answers:
    values = {
        "data_kinds": frozenset({"identitet", "skolkoppling"}),
        "data_subjects": frozenset({"elever"}),
        "login_method": "kommunens",
        "vendor_country": "SE",
    }
    values.update(overrides)
    return Answers(**values)


def test_no_login_and_no_data_is_no_personal_data():
    result = classify(
        answers(data_kinds=frozenset({"ingen"}), data_subjects=frozenset(), login_method="ingen")
    )
    assert result.outcome == Outcome.NO_PERSONAL_DATA
    assert "ingen behandling av personuppgifter" in result.reasons[0]


def test_login_alone_is_personal_data():
    result = classify(answers(data_kinds=frozenset({"ingen"}), login_method="kommunens"))
    assert result.outcome == Outcome.LOW_RISK


def test_everyday_data_through_municipal_login_in_the_eea_is_low_risk():
    result = classify(answers())
    assert result.outcome == Outcome.LOW_RISK
    assert any("kommunens inloggning" in r for r in result.reasons)
    assert any("EU/EES" in r for r in result.reasons)


@pytest.mark.parametrize(
    ("overrides", "reason_fragment"),
    [
        ({"data_kinds": frozenset({"identitet", "kansliga"})}, "Känsliga personuppgifter"),
        ({"data_kinds": frozenset({"identitet", "personnummer"})}, "3 kap. 10 §"),
        ({"data_kinds": frozenset({"bild_ljud"})}, "Bild, ljud eller film"),
        ({"data_kinds": frozenset({"anvandning"})}, "profilering"),
        ({"ads_or_tracking": True}, "Reklam eller spårning"),
        ({"vendor_other_purposes": True}, "egna ändamål"),
        ({"vendor_country": "CN"}, "tredjeland (Kina)"),
        ({"vendor_country": "US"}, "tredjeland (USA)"),
        ({"login_method": "privat"}, "privata konton"),
    ],
)
def test_each_risk_calls_for_a_full_assessment_and_says_why(overrides, reason_fragment):
    result = classify(answers(**overrides))
    assert result.outcome == Outcome.FULL_ASSESSMENT
    assert any(reason_fragment in r for r in result.reasons), result.reasons


def test_dpf_listed_us_vendor_and_adequacy_country_stay_low_risk():
    assert classify(answers(vendor_country="US", dpf_listed=True)).outcome == Outcome.LOW_RISK
    assert classify(answers(vendor_country="GB")).outcome == Outcome.LOW_RISK


def test_every_full_assessment_reason_is_listed():
    result = classify(answers(ads_or_tracking=True, vendor_other_purposes=True))
    assert len(result.reasons) == 2


def test_low_risk_creates_a_draft_record_with_its_fields_filled_and_history(data_protection_coordinator):
    board = BoardFactory()
    resource = LearningResourceFactory(name="Skolplus Matte", vendor=VendorFactory(name="Skolplus AB"))
    result, activity = apply_fast_track(resource, board, answers(), user=data_protection_coordinator)
    assert result.outcome == Outcome.LOW_RISK
    activity = ProcessingActivity.objects.get(pk=activity.pk)
    assert activity.name == "Skolplus Matte i undervisningen"
    assert activity.status == "utkast" and activity.controller == board
    assert activity.data_subject_categories == ["elever"] and activity.involves_children
    assert activity.personal_data_categories == "Namn, användarnamn eller e-post, Skola, klass eller årskurs"
    assert activity.recipients == "Skolplus AB (personuppgiftsbiträde)"
    assert activity.legal_basis == "e" and "Skolplus Matte" in activity.purposes
    assert list(activity.services.all()) == [resource]
    [record] = activity.history.all()
    assert record.history_user == data_protection_coordinator
    assert record.history_change_reason == "Snabbspår för lärresurs"
    # The draft is complete apart from the gallringsbeslut, the review, the processor agreement, the
    # review of the processor's security and the information to pupils, which only people can give.
    codes = {f.code for f in find_gaps(ProcessingActivity.objects.filter(pk=activity.pk))}
    assert codes == {
        "NO_RETENTION",
        "RECORD_STALE",
        "PROCESSOR_NO_DPA",
        "PROCESSOR_SECURITY_NOT_REVIEWED",
        "DATA_SUBJECTS_NOT_INFORMED",
    }


def test_low_risk_links_to_the_shared_record_for_teaching_apps(data_protection_coordinator):
    shared = ProcessingActivityFactory(name=SHARED_ACTIVITY_NAME, data_subject_categories=["personal"])
    resource = LearningResourceFactory()
    _result, activity = apply_fast_track(
        resource, shared.controller, answers(), user=data_protection_coordinator
    )
    assert activity.pk == shared.pk
    shared.refresh_from_db()
    assert list(shared.services.all()) == [resource]
    assert shared.data_subject_categories == ["elever", "personal"]
    assert shared.version == 2
    assert shared.history.first().history_user == data_protection_coordinator


def test_full_assessment_writes_nothing(data_protection_coordinator):
    resource = LearningResourceFactory()
    result, activity = apply_fast_track(
        resource, BoardFactory(), answers(ads_or_tracking=True), user=data_protection_coordinator
    )
    assert result.outcome == Outcome.FULL_ASSESSMENT and activity is None
    assert not ProcessingActivity.objects.exists()


def test_questionnaire_form_refuses_no_data_combined_with_data():
    resource = LearningResourceFactory()
    form = LearningResourceQuestionnaireForm(
        data={
            "learning_resource": resource.pk,
            "controller": BoardFactory().pk,
            "data_kinds": ["ingen", "identitet"],
            "data_subjects": ["elever"],
            "login_method": "kommunens",
        }
    )
    assert not form.is_valid() and "data_kinds" in form.errors

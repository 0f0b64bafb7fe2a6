"""The Article 30 record: a nämnd is the controller; Art. 9(2) only with special categories."""

import datetime

import pytest
from django.utils import timezone

from gdpr.choices import ActivityStatus
from gdpr.models import ProcessingActivity, ProcessingActivityService
from tests import factories as f
from tests.models.helpers import assert_database_refuses, assert_refused, validation_errors

pytestmark = pytest.mark.django_db


def test_complete_record_passes_validation():
    f.ProcessingActivityFactory().full_clean()


def test_controller_must_be_a_board():
    activity = f.ProcessingActivityFactory.build(controller=f.OrganisationFactory())
    assert_refused(activity, "controller", "Personuppgiftsansvarig är en nämnd.")


def test_active_record_needs_a_controller():
    activity = f.ProcessingActivityFactory.build(controller=None, status=ActivityStatus.ACTIVE)
    assert_refused(activity, "controller", "En aktiv behandling måste ha en personuppgiftsansvarig.")
    f.ProcessingActivityFactory.build(controller=None, status=ActivityStatus.DRAFT).full_clean()


def test_article_9_condition_only_with_special_categories():
    activity = f.ProcessingActivityFactory.build(
        controller=f.BoardFactory(), special_categories=[], special_category_condition="g"
    )
    assert_refused(
        activity,
        "special_category_condition",
        "Ett undantag enligt art. 9.2 anges bara när känsliga uppgifter behandlas.",
    )
    assert_database_refuses(
        lambda: f.ProcessingActivityFactory(special_categories=[], special_category_condition="g"),
        "gdpr_processingactivity_condition_needs_special_categories",
    )
    f.ProcessingActivityFactory.build(
        controller=f.BoardFactory(), special_categories=["halsa"], special_category_condition="g"
    ).full_clean()


def test_special_categories_accept_only_article_9_categories():
    activity = f.ProcessingActivityFactory.build(
        controller=f.BoardFactory(), special_categories=["skostorlek"]
    )
    assert "skostorlek är inte ett giltigt val." in validation_errors(activity)["special_categories"]


def test_on_behalf_of_only_when_the_board_is_a_processor():
    activity = f.ProcessingActivityFactory.build(controller=f.BoardFactory(), on_behalf_of="Skolverket")
    assert_refused(
        activity, "on_behalf_of", "Ange för vems räkning bara när nämnden är personuppgiftsbiträde."
    )
    assert_database_refuses(
        lambda: f.ProcessingActivityFactory(on_behalf_of="Skolverket"),
        "gdpr_processingactivity_on_behalf_only_as_processor",
    )


def test_review_date_cannot_be_in_the_future():
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    activity = f.ProcessingActivityFactory.build(controller=f.BoardFactory(), last_reviewed_on=tomorrow)
    assert_refused(activity, "last_reviewed_on", "Granskningsdatum kan inte ligga i framtiden.")


def test_external_id_is_unique():
    f.ProcessingActivityFactory(external_id="B-1")
    duplicate = f.ProcessingActivityFactory.build(controller=f.BoardFactory(), external_id="B-1")
    assert "Det externa id:t används redan." in str(validation_errors(duplicate))
    assert_database_refuses(lambda: f.ProcessingActivityFactory(external_id="B-1"))


def test_record_links_a_service_once():
    activity = f.ProcessingActivityFactory()
    application = f.ApplicationFactory()
    resource = f.LearningResourceFactory()
    ProcessingActivityService.objects.create(processing_activity=activity, service=application)
    ProcessingActivityService.objects.create(
        processing_activity=activity, service=resource
    )
    assert_database_refuses(
        lambda: ProcessingActivityService.objects.create(
            processing_activity=activity, service=application
        )
    )
    assert_database_refuses(
        lambda: ProcessingActivityService.objects.create(
            processing_activity=activity, service=resource
        )
    )


def test_record_not_reviewed_for_a_year_is_due_for_review():
    today = datetime.date(2026, 6, 1)
    fresh = f.ProcessingActivityFactory(last_reviewed_on=datetime.date(2026, 1, 1))
    stale = f.ProcessingActivityFactory(last_reviewed_on=datetime.date(2025, 1, 1))
    never = f.ProcessingActivityFactory(last_reviewed_on=None)
    f.ProcessingActivityFactory(last_reviewed_on=None, status=ActivityStatus.RETIRED)
    due = set(ProcessingActivity.objects.due_for_review(today))
    assert due == {stale, never} and fresh not in due

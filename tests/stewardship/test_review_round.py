"""The review round: start from a filter, each owner sees exactly their records, confirms or corrects."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from gdpr.models import ProcessingActivity
from portfolio.choices import RoleChoices
from portfolio.models import Application
from stewardship.models import ItemStatus, Notification, ReviewItem
from stewardship.progress import result_frames, round_items, round_progress
from stewardship.services import select_records, start_round
from tests.factories import (
    ApplicationFactory,
    ManagementObjectFactory,
    PersonFactory,
    ProcessingActivityFactory,
    RoleAssignmentFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2027, 3, 1)


@pytest.fixture
def landscape():
    """Two system owners, an objektägare and a person responsible for a processing activity."""
    anna = PersonFactory(name="Anna Ägare", email="anna@mittkoping.se")
    bo = PersonFactory(name="Bo Ägare", email="bo@mittkoping.se")
    obj = ManagementObjectFactory(name="Elevadministration")
    annas = [ApplicationFactory(name=f"Annas system {i}", management_object=obj) for i in range(2)]
    bos = ApplicationFactory(name="Bos system", description="")
    for app in annas:
        RoleAssignmentFactory(person=anna, application=app, role=RoleChoices.SYSTEM_OWNER)
    RoleAssignmentFactory(person=bo, application=bos, role=RoleChoices.SYSTEM_OWNER)
    RoleAssignmentFactory(person=bo, management_object=obj, application=None, role=RoleChoices.OBJECT_OWNER)
    activity = ProcessingActivityFactory(responsible=anna, retention_period="", last_reviewed_on=None)
    orphan = ApplicationFactory(name="Föräldralöst")
    return {
        "anna": anna,
        "bo": bo,
        "obj": obj,
        "annas": annas,
        "bos": bos,
        "activity": activity,
        "orphan": orphan,
    }


@pytest.fixture
def steward(db):
    """Keeps both the landscape and the GDPR record: may start a round over every kind."""
    user = UserFactory(username="forvaltare", role=Role.STRATEGIST)
    user.groups.add(Group.objects.get(name=Role.DATA_PROTECTION))
    return user


def _start(user, **kwargs):
    defaults = {
        "name": "Årlig genomgång 2027",
        "deadline": TODAY + datetime.timedelta(days=30),
        "start": TODAY,
        "kinds": ["application", "management_object", "processing_activity"],
        "user": user,
    }
    return start_round(**{**defaults, **kwargs})


def test_round_creates_one_item_per_record_and_responsible_person(landscape, steward):
    round_ = _start(steward)
    items = ReviewItem.objects.filter(round=round_)
    anna_items = {(i.kind, i.target.pk) for i in items.filter(person=landscape["anna"])}
    assert anna_items == {
        ("application", landscape["annas"][0].pk),
        ("application", landscape["annas"][1].pk),
        ("processing_activity", landscape["activity"].pk),
    }
    bo_items = {(i.kind, i.target.pk) for i in items.filter(person=landscape["bo"])}
    assert bo_items == {("application", landscape["bos"].pk), ("management_object", landscape["obj"].pk)}
    assert [row["name"] for row in round_.unassigned] == ["Föräldralöst"]


def test_item_records_what_was_missing_or_stale_at_start(landscape, steward):
    round_ = _start(steward)
    item = ReviewItem.objects.get(round=round_, processing_activity=landscape["activity"])
    assert "saknar gallringsfrist" in item.findings
    assert "aldrig granskad" in item.findings
    assert item.completeness_at_start < 100


def test_selection_uses_the_models_filterset(landscape, steward):
    round_ = _start(
        steward, kinds=["application"], filters={"application": f"management_object={landscape['obj'].pk}"}
    )
    targets = {i.service_id for i in round_.items.all()}
    assert targets == {a.pk for a in landscape["annas"]}
    assert round_.filters == {"application": f"management_object={landscape['obj'].pk}"}


def test_invalid_filter_is_refused():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        select_records("application", "lifecycle_status=bogus")


def test_owner_page_lists_exactly_their_records_and_confirmation_is_recorded(landscape, steward, client):
    round_ = _start(
        steward, start=timezone.localdate(), deadline=timezone.localdate() + datetime.timedelta(days=9)
    )
    # Matched case-insensitively; she may change systems (IT) and processing activities (dataskydd).
    anna_user = UserFactory(username="anna", email="Anna@Mittkoping.se", role=Role.IT)
    anna_user.groups.add(Group.objects.get(name=Role.DATA_PROTECTION))
    client.force_login(anna_user)
    page = client.get(reverse("stewardship:my_items"))
    assert page.status_code == 200
    listed = {item.pk for group in page.context["rounds"] for item in group["items"]}
    assert listed == set(
        ReviewItem.objects.filter(round=round_, person=landscape["anna"]).values_list("pk", flat=True)
    )
    body = page.content.decode()
    assert "Annas system 0" in body and "saknar gallringsfrist" in body
    assert "Bos system" not in body and "Elevadministration" not in body

    item = ReviewItem.objects.get(round=round_, service=landscape["annas"][0])
    version = Application.objects.get(pk=item.service_id).version
    response = client.post(reverse("stewardship:item_confirm", args=[item.pk]), {"version": version})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == ItemStatus.CONFIRMED
    assert item.confirmed_by == anna_user and item.confirmed_at is not None
    assert item.history.first().history_user == anna_user
    app_history = Application.objects.get(pk=item.service_id).history.first()
    assert app_history.history_user == anna_user
    assert "Årlig genomgång 2027" in app_history.history_change_reason

    activity_item = ReviewItem.objects.get(round=round_, processing_activity=landscape["activity"])
    activity_version = landscape["activity"].version
    client.post(reverse("stewardship:item_confirm", args=[activity_item.pk]), {"version": activity_version})
    assert (
        ProcessingActivity.objects.get(pk=landscape["activity"].pk).last_reviewed_on == timezone.localdate()
    )


def test_someone_else_cannot_answer_an_item(landscape, steward, client):
    round_ = _start(steward)
    item = ReviewItem.objects.get(round=round_, service=landscape["bos"])
    # Anna may change systems (IT), but this one is Bo's and she does not manage rounds.
    client.force_login(UserFactory(username="anna", email="anna@mittkoping.se", role=Role.IT))
    assert client.post(reverse("stewardship:item_confirm", args=[item.pk])).status_code == 403
    item.refresh_from_db()
    assert item.status == ItemStatus.OPEN


def test_correction_goes_through_the_records_form_and_lands_in_history(landscape, steward, client):
    round_ = _start(
        steward, start=timezone.localdate(), deadline=timezone.localdate() + datetime.timedelta(days=9)
    )
    bo_user = UserFactory(username="bo", email="bo@mittkoping.se", role=Role.STRATEGIST)
    client.force_login(bo_user)
    item = ReviewItem.objects.get(round=round_, management_object=landscape["obj"])
    url = reverse("stewardship:item_correct", args=[item.pk])
    assert client.get(url).status_code == 200
    obj = landscape["obj"]
    data = {
        "name": obj.name,
        "description": "Elevregister och schemaläggning",
        "owner_organisation": obj.owner_organisation_id,
        "external_id": "",
        "version": obj.version,
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    obj.refresh_from_db()
    assert obj.description == "Elevregister och schemaläggning"
    latest = obj.history.first()
    assert latest.history_user == bo_user and "Rättad i granskningen" in latest.history_change_reason
    item.refresh_from_db()
    assert item.status == ItemStatus.CORRECTED

    bad = client.post(url, {**data, "name": ""})
    assert bad.status_code == 200 and bad.context["form"].errors


def test_progress_per_person_object_and_controller_and_export(landscape, steward):
    round_ = _start(steward)
    item = ReviewItem.objects.get(round=round_, service=landscape["annas"][0])
    item.status = ItemStatus.CONFIRMED
    item.save()
    progress = round_progress(round_items(round_))
    per_person = {p.key: p for p in progress["by_person"]}
    assert (per_person[landscape["anna"].pk].answered, per_person[landscape["anna"].pk].total) == (1, 3)
    per_object = {p.key: p for p in progress["by_management_object"]}
    assert (per_object[landscape["obj"].pk].answered, per_object[landscape["obj"].pk].total) == (1, 3)
    per_controller = {p.key: p for p in progress["by_controller"]}
    assert per_controller[landscape["activity"].controller_id].total == 1
    frames = result_frames(round_)
    assert len(frames["Poster"]) == round_.items.count()
    assert set(frames) == {"Poster", "Per person", "Per förvaltningsobjekt", "Per personuppgiftsansvarig"}


def test_manager_pages_and_excel_export(landscape, steward, client, django_capture_on_commit_callbacks):
    client.force_login(steward)
    with django_capture_on_commit_callbacks(execute=True):  # the start e-mails go after the commit
        response = client.post(
            reverse("stewardship:round_create"),
            {
                "name": "Årlig genomgång 2027",
                "start": timezone.localdate().isoformat(),
                "deadline": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
                "reminder_days": 14,
                "kinds": ["application", "processing_activity"],
                "filter_application": "",
                "filter_processing_activity": "",
            },
        )
    assert response.status_code == 302
    round_ = ReviewItem.objects.first().round
    assert len(mail.outbox) == 2  # start e-mails to Anna and Bo, right away
    detail = client.get(reverse("stewardship:round_detail", args=[round_.pk]))
    assert detail.status_code == 200 and "Anna Ägare" in detail.content.decode()
    assert client.get(reverse("stewardship:round_list")).status_code == 200
    export = client.get(reverse("stewardship:round_export", args=[round_.pk]))
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_list_selection_can_be_carried_to_the_new_round_form(client, strategist):
    client.force_login(strategist)
    page = client.get(reverse("stewardship:round_create"), {"filter_application": "lifecycle_status=i_drift"})
    assert page.context["form"]["filter_application"].value() == "lifecycle_status=i_drift"
    assert page.context["form"]["kinds"].value() == ["application"]


def test_only_managers_start_rounds(client, reader):
    client.force_login(reader)
    assert client.get(reverse("stewardship:round_create")).status_code == 403
    assert client.get(reverse("stewardship:round_list")).status_code == 302


#
# E-mails
#


def test_reminders_are_sent_once_however_often_the_command_runs(landscape, steward):
    round_ = _start(steward, deadline=TODAY + datetime.timedelta(days=30), reminder_days=10)
    call_command("send_review_reminders", f"--date={TODAY.isoformat()}", verbosity=0)
    call_command("send_review_reminders", f"--date={TODAY.isoformat()}", verbosity=0)
    assert sorted(m.to[0] for m in mail.outbox) == ["anna@mittkoping.se", "bo@mittkoping.se"]
    assert "Granskning startad" in mail.outbox[0].subject
    assert "/granskning/mina/" in mail.outbox[0].body

    mail.outbox.clear()
    ReviewItem.objects.filter(round=round_, person=landscape["bo"]).update(status=ItemStatus.CONFIRMED)
    reminder_day = round_.deadline - datetime.timedelta(days=5)
    call_command("send_review_reminders", f"--date={reminder_day.isoformat()}", verbosity=0)
    call_command("send_review_reminders", f"--date={reminder_day.isoformat()}", verbosity=0)
    assert [m.to[0] for m in mail.outbox] == ["anna@mittkoping.se"]  # Bo has answered everything
    assert "Påminnelse" in mail.outbox[0].subject


def test_overdue_is_detected_and_announced_once(landscape, steward):
    round_ = _start(steward)
    late = round_.deadline + datetime.timedelta(days=1)
    assert not round_.is_overdue(round_.deadline) and round_.is_overdue(late)
    assert ReviewItem.objects.overdue(late).count() == round_.items.count()
    assert ReviewItem.objects.overdue(round_.deadline).count() == 0
    ReviewItem.objects.filter(round=round_, person=landscape["anna"]).update(status=ItemStatus.CONFIRMED)
    call_command("send_review_reminders", f"--date={late.isoformat()}", verbosity=0)
    call_command("send_review_reminders", f"--date={late.isoformat()}", verbosity=0)
    overdue = [m for m in mail.outbox if "Försenad" in m.subject]
    assert [m.to[0] for m in overdue] == ["bo@mittkoping.se"]
    assert Notification.objects.filter(round=round_, kind="overdue").count() == 1


def test_closed_round_sends_nothing(landscape, steward):
    from stewardship.services import close_round

    round_ = _start(steward)
    close_round(round_, user=steward, on=TODAY)
    call_command("send_review_reminders", f"--date={TODAY.isoformat()}", verbosity=0)
    assert mail.outbox == []

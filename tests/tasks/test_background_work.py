"""Large confirmed imports, review-round e-mail, the purge of expired uploads and the nightly tasks
run on the tasks backend — the database worker and RQ alike (``task_backend``, see conftest).
"""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from analysis_cache.models import AnalysisResult
from integrations.models import CONFIRM_WITHIN, ImportUpload
from integrations.tasks import apply_upload_task
from portfolio.choices import RoleChoices
from portfolio.models import Application
from stewardship.analyses import REFRESHED
from stewardship.models import ReviewRound
from stewardship.services import start_round
from tests.factories import ApplicationFactory, PersonFactory, RoleAssignmentFactory, UserFactory
from tests.integrations.helpers import csv_bytes

ROWS = [["Systemnamn", "Leverantör", "Driftform"], ["Skola24", "Skola24 AB", "SaaS"], ["Unikum", "", ""]]


def dry_run(client, rows=ROWS) -> ImportUpload:
    file = SimpleUploadedFile("system.csv", csv_bytes(rows))
    response = client.post("/import/", {"file": file, "kind": ""})
    assert response.status_code == 200
    return ImportUpload.objects.latest("created")


#
# Imports above the threshold
#


def test_a_confirmed_import_above_the_threshold_runs_in_the_background(task_backend, client, settings):
    settings.IMPORT_IN_BACKGROUND_ABOVE = 50  # bytes: this small file counts as large
    strategist = UserFactory(username="strateg", role=Role.STRATEGIST)
    client.force_login(strategist)
    upload = dry_run(client)
    assert upload.size > settings.IMPORT_IN_BACKGROUND_ABOVE
    response = client.post(reverse("integrations:import_confirm", args=[upload.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("integrations:import_status", args=[upload.pk])
    upload.refresh_from_db()
    assert upload.status == ImportUpload.Status.QUEUED and not Application.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "importeras i bakgrunden" in page

    task_backend()
    upload.refresh_from_db()
    assert upload.status == ImportUpload.Status.APPLIED and bytes(upload.content) == b""
    assert set(Application.objects.values_list("name", flat=True)) == {"Skola24", "Unikum"}
    entry = Application.objects.get(name="Skola24").history.get()
    assert entry.history_user == strategist  # the uploading user, though a worker applied it
    assert "Importen är genomförd" in client.get(response["Location"]).content.decode()
    # A second confirmation, or the task delivered twice, changes nothing.
    assert client.post(reverse("integrations:import_confirm", args=[upload.pk])).status_code == 404


def test_a_queued_import_is_refused_if_the_user_lost_the_right_meanwhile(task_backend, client, settings):
    settings.IMPORT_IN_BACKGROUND_ABOVE = 50
    strategist = UserFactory(username="strateg", role=Role.STRATEGIST)
    client.force_login(strategist)
    upload = dry_run(client)
    client.post(reverse("integrations:import_confirm", args=[upload.pk]))
    strategist.groups.set([Group.objects.get(name=Role.READER)])
    task_backend()
    upload.refresh_from_db()
    assert upload.status == ImportUpload.Status.REFUSED and bytes(upload.content) == b""
    assert not Application.objects.exists()


def test_an_import_whose_task_was_lost_is_resumed_by_the_nightly_tasks_and_applied_once(
    task_backend, client, settings
):
    settings.IMPORT_IN_BACKGROUND_ABOVE = 50
    client.force_login(UserFactory(username="strateg", role=Role.STRATEGIST))
    upload = dry_run(client)
    client.post(reverse("integrations:import_confirm", args=[upload.pk]))
    apply_upload_task.enqueue(upload.pk)  # delivered twice, and resumed at night as well
    call_command("enqueue_nightly_tasks", verbosity=0)
    task_backend()
    upload.refresh_from_db()
    assert upload.status == ImportUpload.Status.APPLIED
    assert Application.objects.count() == 2
    assert Application.history.filter(history_type="+").count() == 2  # each row written once


def test_a_small_confirmed_import_is_still_applied_in_the_request(client, strategist, settings):
    assert settings.IMPORT_IN_BACKGROUND_ABOVE >= 256 * 1024  # the documented default
    client.force_login(strategist)
    upload = dry_run(client)
    response = client.post(reverse("integrations:import_confirm", args=[upload.pk]))
    assert response.status_code == 200 and Application.objects.count() == 2


#
# Review-round e-mail: after the commit, by a task
#


@pytest.fixture
def owners(transactional_db):
    """Anna and Bo, each the systemägare of a system, with e-mail addresses; and a strategist."""
    for name in ("Anna", "Bo"):
        person = PersonFactory(name=f"{name} Ägare", email=f"{name.lower()}@mittkoping.se")
        system = ApplicationFactory(name=f"{name}s system")
        RoleAssignmentFactory(person=person, application=system, role=RoleChoices.SYSTEM_OWNER)
    return UserFactory(username="strateg", role=Role.STRATEGIST)


def _round(user) -> ReviewRound:
    return start_round(
        name="Årlig genomgång",
        deadline=timezone.localdate() + datetime.timedelta(days=30),
        kinds=["application"],
        user=user,
    )


def test_starting_a_round_sends_its_e_mail_from_a_task_after_the_commit(task_backend, owners, client):
    client.force_login(owners)
    response = client.post(
        reverse("stewardship:round_create"),
        {
            "name": "Årlig genomgång 2027",
            "start": timezone.localdate().isoformat(),
            "deadline": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
            "reminder_days": 14,
            "kinds": ["application"],
            "filter_application": "",
        },
    )
    assert response.status_code == 302
    assert mail.outbox == []  # not in the request
    task_backend()
    assert sorted(m.to[0] for m in mail.outbox) == ["anna@mittkoping.se", "bo@mittkoping.se"]
    assert all("Granskning startad" in m.subject for m in mail.outbox)


def test_a_round_rolled_back_sends_no_e_mail(task_backend, owners):
    with pytest.raises(RuntimeError), transaction.atomic():
        _round(owners)
        raise RuntimeError("something after the round failed")
    task_backend()
    assert mail.outbox == [] and not ReviewRound.objects.exists()


def test_the_mail_is_not_sent_inside_the_rounds_transaction(db, django_capture_on_commit_callbacks):
    for name in ("Anna", "Bo"):
        person = PersonFactory(name=f"{name} Ägare", email=f"{name.lower()}@mittkoping.se")
        RoleAssignmentFactory(person=person, application=ApplicationFactory(), role=RoleChoices.SYSTEM_OWNER)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _round(UserFactory(username="strateg", role=Role.STRATEGIST))
        assert mail.outbox == []
    assert len(callbacks) == 1
    callbacks[0]()  # the commit: the task runs (at once, with the test settings' immediate backend)
    assert len(mail.outbox) == 2


#
# Expired uploads and the nightly tasks
#


def _upload(user, *, age: datetime.timedelta, status=ImportUpload.Status.PENDING) -> ImportUpload:
    upload = ImportUpload.objects.create(
        user=user, kind="application", filename="personal.csv", size=11, sha256="0" * 64,
        content=b"Anna;Andersson", status=status,
    )
    ImportUpload.objects.filter(pk=upload.pk).update(created=timezone.now() - age)
    return upload


def test_purge_deletes_only_uploads_never_confirmed_in_time(db, strategist):
    expired = _upload(strategist, age=CONFIRM_WITHIN + datetime.timedelta(minutes=1))
    waiting = _upload(strategist, age=CONFIRM_WITHIN - datetime.timedelta(minutes=1))
    applied = _upload(strategist, age=CONFIRM_WITHIN * 3, status=ImportUpload.Status.APPLIED)
    queued = _upload(strategist, age=CONFIRM_WITHIN * 3, status=ImportUpload.Status.QUEUED)
    call_command("purge_expired_uploads", verbosity=0)
    assert set(ImportUpload.objects.values_list("pk", flat=True)) == {waiting.pk, applied.pk, queued.pk}
    assert not ImportUpload.objects.filter(pk=expired.pk).exists()


def test_the_nightly_tasks_refresh_send_and_purge_on_the_worker(task_backend, owners):
    expired = _upload(owners, age=CONFIRM_WITHIN + datetime.timedelta(hours=1))
    with transaction.atomic():
        round_ = _round(owners)
    task_backend()  # the start e-mails
    mail.outbox.clear()
    ApplicationFactory(name="Ändrad i går")
    # The reminder falls due: the deadline is within the reminder days.
    soon = timezone.localdate() + datetime.timedelta(days=3)
    ReviewRound.objects.filter(pk=round_.pk).update(deadline=soon)

    call_command("enqueue_nightly_tasks", verbosity=0)
    assert ImportUpload.objects.filter(pk=expired.pk).exists()  # only enqueued so far
    task_backend()
    assert not ImportUpload.objects.filter(pk=expired.pk).exists()
    stored = set(AnalysisResult.objects.filter(name__in=REFRESHED).values_list("name", "language"))
    assert stored == {(name, language) for name in REFRESHED for language in ("sv", "en")}
    assert mail.outbox and all("Påminnelse" in m.subject for m in mail.outbox)

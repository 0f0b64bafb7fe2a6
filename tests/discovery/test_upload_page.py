"""The discovery upload page: who may upload, dry run then confirm, the file deleted, wrong files refused."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from discovery.models import DiscoveredApplication, IdentityImport, IdentityUpload, MeasuredUsage
from discovery.uploads import purge_expired_identity_uploads, upload_paths
from tests.discovery.files import FILES, source_of
from tests.factories import ApplicationFactory, SchoolUnitFactory, UserFactory

pytestmark = pytest.mark.django_db

UPLOAD = "/upptackt/importera/"


@pytest.fixture(autouse=True)
def upload_dir(settings, tmp_path) -> Path:
    settings.DISCOVERY_UPLOAD_DIR = tmp_path / "uploads"
    return settings.DISCOVERY_UPLOAD_DIR


@pytest.fixture
def register():
    SchoolUnitFactory(school_unit_code="12345678")
    SchoolUnitFactory(school_unit_code="87654321")
    return ApplicationFactory(name="Kahoot Skola", url="https://kahoot.com")


def _post(client, kind: str, *, source: str | None = None, membership: bool = False):
    name, content = FILES[kind]
    data = {"source": source or source_of(kind), "file": SimpleUploadedFile(name, content())}
    if membership:
        members_name, members = FILES["membership"]
        data["membership"] = SimpleUploadedFile(members_name, members())
    return client.post(UPLOAD, data)


def _files_on_disk(upload_dir: Path) -> list[Path]:
    return sorted(upload_dir.iterdir()) if upload_dir.exists() else []


def _discovery_rows() -> dict[str, int]:
    """Rows of every table holding what an import saves: the discovery models and their history."""
    models = [m for m in apps.get_app_config("discovery").get_models() if m is not IdentityUpload]
    return {m._meta.label: m._default_manager.count() for m in models}


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.IT, True),
        (Role.STRATEGIST, False),
        (Role.DATA_PROTECTION, False),
        (Role.READER, False),
        ("admin", True),
    ],
)
def test_only_the_it_department_and_the_admin_may_upload(client, role, allowed, upload_dir):
    user = UserFactory(is_superuser=True, is_staff=True) if role == "admin" else UserFactory(role=role)
    client.force_login(user)
    assert client.get(UPLOAD).status_code == (200 if allowed else 403)
    response = _post(client, "entra-apps")
    assert response.status_code == (302 if allowed else 403)
    assert IdentityUpload.objects.exists() == allowed
    if not allowed:
        assert _files_on_disk(upload_dir) == []


def test_a_sign_in_log_is_dry_run_then_imported_on_confirmation_and_its_file_deleted(
    client, it_user, register, upload_dir
):
    client.force_login(it_user)
    response = _post(client, "entra-signins", membership=True)
    upload = IdentityUpload.objects.get()
    assert response["Location"] == reverse("discovery:upload_status", args=[upload.pk])
    assert upload.status == IdentityUpload.Status.CHECKED
    assert upload.report["records"] == 17 and upload.report["usage_rows"] == 5
    assert not MeasuredUsage.objects.exists() and not DiscoveredApplication.objects.exists()
    path, members, _progress = upload_paths(upload)
    assert path.exists() and members.exists()  # kept for the confirmation only
    page = client.get(response["Location"])
    assert "Bekräfta och importera" in page.content.decode()

    client.post(reverse("discovery:upload_confirm", args=[upload.pk]))

    upload.refresh_from_db()
    assert upload.status == IdentityUpload.Status.IMPORTED
    assert _files_on_disk(upload_dir) == []
    run = IdentityImport.objects.get()
    assert (upload.identity_import, run.imported_by, run.records) == (run, it_user, 17)
    assert MeasuredUsage.objects.filter(service=register).count() == 4
    assert "filen är raderad" in client.get(response["Location"]).content.decode()


def test_the_status_page_answers_the_progress_bar_in_json(client, it_user, register):
    client.force_login(it_user)
    _post(client, "google-token")
    upload = IdentityUpload.objects.get()
    state = client.get(reverse("discovery:upload_status", args=[upload.pk]), {"format": "json"}).json()
    assert state == {"status": "checked", "label": upload.get_status_display(), "progress": None}


def test_another_users_upload_is_not_found(client, it_user, register):
    client.force_login(it_user)
    _post(client, "entra-apps")
    other = UserFactory(username="it2", role=Role.IT)
    client.force_login(other)
    upload = IdentityUpload.objects.get()
    assert client.get(reverse("discovery:upload_status", args=[upload.pk])).status_code == 404
    assert client.post(reverse("discovery:upload_confirm", args=[upload.pk])).status_code == 404


WRONG = [
    (kind, source)
    for kind in FILES
    for source in ("entra-apps", "entra-signins", "google-token", "google-saml", "membership")
    if source != source_of(kind)
]


@pytest.mark.parametrize(("kind", "source"), WRONG)
def test_a_file_of_the_wrong_source_is_refused_in_swedish_and_nothing_is_saved(
    client, it_user, register, upload_dir, kind, source
):
    before = _discovery_rows()
    client.force_login(it_user)

    response = _post(client, kind, source=source)

    upload = IdentityUpload.objects.get()
    assert upload.status == IdentityUpload.Status.REFUSED, upload.report
    assert "Inget har sparats" in upload.message
    page = client.get(response["Location"]).content.decode()
    assert "Inget har sparats" in page and "Bekräfta" not in page
    assert _discovery_rows() == before
    assert _files_on_disk(upload_dir) == []


def test_cancelling_a_dry_run_deletes_its_file(client, it_user, register, upload_dir):
    client.force_login(it_user)
    _post(client, "entra-signins", membership=True)
    upload = IdentityUpload.objects.get()
    client.post(reverse("discovery:upload_cancel", args=[upload.pk]))
    upload.refresh_from_db()
    assert upload.status == IdentityUpload.Status.CANCELLED
    assert _files_on_disk(upload_dir) == []


def test_a_dry_run_never_confirmed_is_purged_with_its_file(client, it_user, register, upload_dir):
    client.force_login(it_user)
    _post(client, "entra-signins")
    upload = IdentityUpload.objects.get()
    assert _files_on_disk(upload_dir)
    assert purge_expired_identity_uploads() == 0
    later = timezone.now() + IdentityUpload.CONFIRM_WITHIN + datetime.timedelta(minutes=1)
    assert purge_expired_identity_uploads(later) == 1
    upload.refresh_from_db()
    assert upload.status == IdentityUpload.Status.CANCELLED and _files_on_disk(upload_dir) == []


def test_membership_is_refused_beside_a_source_that_is_not_sign_ins(client, it_user, upload_dir):
    client.force_login(it_user)
    response = _post(client, "entra-apps", membership=True)
    assert response.status_code == 400
    assert "bara tillsammans med inloggningar" in response.content.decode()
    assert not IdentityUpload.objects.exists() and _files_on_disk(upload_dir) == []


def test_a_file_type_that_is_no_export_is_refused_before_it_is_stored(client, it_user, upload_dir):
    client.force_login(it_user)
    response = client.post(
        UPLOAD, {"source": "entra-apps", "file": SimpleUploadedFile("apps.xlsx", b"PK\x03\x04")}
    )
    assert response.status_code == 400 and not IdentityUpload.objects.exists()


def test_a_task_reading_a_file_reports_its_progress_in_bytes(client, it_user, register, monkeypatch):
    import discovery.uploads as uploads

    seen: list[tuple[str, int]] = []
    write = uploads._write_progress
    monkeypatch.setattr(uploads, "PROGRESS_EVERY", 512)
    monkeypatch.setattr(uploads, "READ_BUFFER", 1024)
    monkeypatch.setattr(
        uploads,
        "_write_progress",
        lambda upload, phase, done: (seen.append((phase, done)), write(upload, phase, done)),
    )
    client.force_login(it_user)
    _post(client, "entra-signins-csv")
    upload = IdentityUpload.objects.get()
    assert seen[0] == ("checking", 0) and len(seen) > 2
    assert [done for _phase, done in seen] == sorted(done for _phase, done in seen)
    assert seen[-1][1] <= upload.size
    assert uploads.progress_of(upload) == {"phase": "waiting", "bytes": 0, "size": upload.size, "percent": 0}

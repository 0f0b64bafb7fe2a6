"""A discovery upload runs on the real task backends: nothing happens until the worker has run.

The page enqueues the dry run and shows "Provkörs" with a progress bar; the worker reads the
file; the confirmation enqueues the import; the worker imports it and deletes the file.
"""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.roles import Role
from discovery.models import IdentityUpload, MeasuredUsage
from tests.discovery.files import FILES
from tests.factories import ApplicationFactory, SchoolUnitFactory, UserFactory


@pytest.mark.django_db(transaction=True)
def test_an_upload_is_dry_run_and_imported_by_the_worker_and_its_file_deleted(
    task_backend, client, settings, tmp_path
):
    settings.DISCOVERY_UPLOAD_DIR = tmp_path / "uploads"
    SchoolUnitFactory(school_unit_code="12345678")
    ApplicationFactory(name="Kahoot Skola", url="https://kahoot.com")
    client.force_login(UserFactory(username="it", role=Role.IT))
    name, content = FILES["entra-signins"]
    client.post(
        "/upptackt/importera/", {"source": "entra-signins", "file": SimpleUploadedFile(name, content())}
    )
    upload = IdentityUpload.objects.get()
    status_url = reverse("discovery:upload_status", args=[upload.pk])

    assert upload.status == IdentityUpload.Status.CHECKING
    page = client.get(status_url).content.decode()
    assert 'id="upload-progress-bar"' in page and "upload_progress.js" in page
    assert client.get(status_url, {"format": "json"}).json()["progress"]["percent"] == 0

    task_backend()
    upload.refresh_from_db()
    assert upload.status == IdentityUpload.Status.CHECKED and not MeasuredUsage.objects.exists()

    client.post(reverse("discovery:upload_confirm", args=[upload.pk]))
    upload.refresh_from_db()
    assert upload.status == IdentityUpload.Status.IMPORTING
    task_backend()
    upload.refresh_from_db()
    assert upload.status == IdentityUpload.Status.IMPORTED and MeasuredUsage.objects.exists()
    assert not any(Path(settings.DISCOVERY_UPLOAD_DIR).iterdir())

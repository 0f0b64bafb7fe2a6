"""Background tasks of discovery: dry-running and importing uploaded files, and the nightly purges."""

from __future__ import annotations

from django.db import transaction
from django_tasks import task

from .models import IdentityUpload
from .retention import purge_measured_usage
from .uploads import check_upload, import_upload, purge_expired_identity_uploads

__all__ = [
    "check_identity_upload_task",
    "import_identity_upload_task",
    "purge_expired_identity_uploads_task",
    "purge_measured_usage_task",
]


def _claim(upload_id: int, status: str) -> IdentityUpload | None:
    """The upload if it still waits for this step; a task delivered twice then does nothing."""
    with transaction.atomic():
        upload = (
            IdentityUpload.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(pk=upload_id)
            .first()
        )
        return upload if upload is not None and upload.status == status else None


@task()
def check_identity_upload_task(upload_id: int) -> str:
    """Dry-run an uploaded file (``discovery.uploads.check_upload``); returns the upload's status."""
    upload = _claim(upload_id, IdentityUpload.Status.CHECKING)
    return check_upload(upload).status if upload is not None else "gone"


@task()
def import_identity_upload_task(upload_id: int) -> str:
    """Import a confirmed upload and delete its file (``discovery.uploads.import_upload``)."""
    upload = _claim(upload_id, IdentityUpload.Status.IMPORTING)
    return import_upload(upload).status if upload is not None else "gone"


@task()
def purge_expired_identity_uploads_task() -> int:
    """Delete the files of dry runs never confirmed in time (nightly); returns how many."""
    return purge_expired_identity_uploads()


@task()
def purge_measured_usage_task() -> int:
    """Delete measured use older than the retention (nightly); returns how many rows."""
    return purge_measured_usage()

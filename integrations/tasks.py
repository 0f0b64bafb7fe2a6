"""Background tasks of the integrations app: large confirmed imports, and the purge of expired uploads."""

from __future__ import annotations

from django_tasks import task

from integrations.models import ImportUpload
from integrations.uploads import apply_upload, purge_expired_uploads

__all__ = ["apply_upload_task", "purge_expired_uploads_task"]


@task()
def apply_upload_task(upload_id: int) -> str:
    """Apply a confirmed upload larger than ``settings.IMPORT_IN_BACKGROUND_ABOVE``.

    Only an upload still queued is applied: a task delivered twice, or run after the upload was
    purged, does nothing. Returns the upload's status afterwards.
    """
    upload = ImportUpload.objects.select_related("user").filter(pk=upload_id).first()
    if upload is None:
        return "gone"
    if upload.status == ImportUpload.Status.QUEUED:
        apply_upload(upload)
    return upload.status


@task()
def purge_expired_uploads_task() -> int:
    """Delete uploads never confirmed in time (their content may list people); return how many."""
    return purge_expired_uploads()

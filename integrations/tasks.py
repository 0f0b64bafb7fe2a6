"""Background tasks of the integrations app: large confirmed imports, and the purge of expired uploads."""

from __future__ import annotations

from django.db import transaction
from django_tasks import task

from integrations.models import ImportUpload
from integrations.uploads import apply_upload, purge_expired_uploads

__all__ = ["apply_upload_task", "purge_expired_uploads_task", "resume_queued_imports_task"]


@task()
def apply_upload_task(upload_id: int) -> str:
    """Apply a confirmed upload larger than ``settings.IMPORT_IN_BACKGROUND_ABOVE``.

    Only an upload still queued is applied, and the upload's row is locked while it is: a task
    delivered twice, run beside a re-enqueued copy, or run after the upload was purged does nothing.
    Returns the upload's status afterwards.
    """
    with transaction.atomic():
        upload = (
            ImportUpload.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(pk=upload_id)
            .first()
        )
        if upload is None:
            return "gone"
        if upload.status == ImportUpload.Status.QUEUED:
            apply_upload(upload)
        return upload.status


@task()
def resume_queued_imports_task() -> int:
    """Enqueue again every import still queued (nightly): one whose worker died mid-import was rolled
    back and stays queued, and the database backend does not re-run a task whose worker died."""
    queued = ImportUpload.objects.filter(status=ImportUpload.Status.QUEUED)
    pending = list(queued.values_list("pk", flat=True))
    for upload_id in pending:
        apply_upload_task.enqueue(upload_id)
    return len(pending)


@task()
def purge_expired_uploads_task() -> int:
    """Delete uploads never confirmed in time (their content may list people); return how many."""
    return purge_expired_uploads()

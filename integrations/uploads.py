"""Applying a confirmed upload, in the request or in a background task, and purging expired ones.

An upload's content is the file as the user sent it; it may list people (staff, pupils' guardians
in a learning-resource roster). It is kept only between the dry run and the confirmation: emptied
when the import is applied or refused, and deleted with its row once it can no longer be confirmed
(:func:`purge_expired_uploads`, run nightly).
"""

from __future__ import annotations

import datetime
import hashlib

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from integrations.forms import permitted_kinds
from integrations.models import ImportUpload
from integrations.spreadsheets import ImportError_, ImportReport, import_file

__all__ = ["apply_upload", "purge_expired_uploads"]


def apply_upload(upload: ImportUpload) -> ImportReport | None:
    """Import ``upload`` for its own user, all or nothing, and record the outcome on it.

    The permission is checked again here: a queued import runs later, and the user may have lost
    the right to import that kind meanwhile. The import and the upload's new status are one
    transaction, so a worker that dies mid-import leaves the upload as it was, to be run again.
    Returns the report, or ``None`` when the upload was refused before importing.
    """
    data = bytes(upload.content)
    if (
        upload.kind not in {kind.key for kind in permitted_kinds(upload.user)}
        or hashlib.sha256(data).hexdigest() != upload.sha256
    ):
        upload.status = ImportUpload.Status.REFUSED
        upload.summary = _("Importen avbröts: behörighet saknas eller filen har ändrats. Inget har sparats.")
        upload.content = b""
        upload.save(update_fields=["status", "summary", "content"])
        return None
    try:
        with transaction.atomic():
            report = import_file(data, upload.filename, kind=upload.kind, user=upload.user, dry_run=False)
            upload.status = ImportUpload.Status.APPLIED if report.applied else ImportUpload.Status.REFUSED
            upload.summary = report.summary()
            upload.content = b""
            upload.save(update_fields=["status", "summary", "content"])
    except ImportError_ as exc:  # the file is refused as a whole; nothing was written
        upload.status = ImportUpload.Status.REFUSED
        upload.summary = str(exc)
        upload.content = b""
        upload.save(update_fields=["status", "summary", "content"])
        return None
    return report


def purge_expired_uploads(now: datetime.datetime | None = None) -> int:
    """Delete every upload that was never confirmed and can no longer be; return how many."""
    deleted, _by_model = ImportUpload.objects.expired(now or timezone.now()).delete()
    return deleted

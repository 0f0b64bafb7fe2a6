"""Uploaded identity-provider files: kept on disk from the dry run to the import, then deleted.

A sign-in log names every pupil and member of staff who signed in, so its file lives only as long
as the import needs it: it is stored under a random name in ``settings.DISCOVERY_UPLOAD_DIR``
(never in the database, which is backed up, and never under the name it was uploaded with), read
once by the dry run and once by the confirmed import, and deleted

* once the confirmed import has read it, whether the import succeeded or failed;
* as soon as a dry run refuses it (a file of the wrong source, broken JSON…);
* when the user cancels;
* when a dry run is not confirmed within ``IdentityUpload.CONFIRM_WITHIN`` (nightly purge).

While a task reads a file it writes how far it has come to a small progress file beside it
(bytes read, nothing else), because the import itself is one transaction that the page could not
see into.
"""

from __future__ import annotations

import dataclasses
import io
import json
import os
import secrets
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from integrations.identity.errors import IdentityFileError

from .choices import IdentitySource
from .imports import import_identity_file
from .models import IdentityUpload

__all__ = [
    "cancel_upload",
    "check_upload",
    "delete_files",
    "import_upload",
    "progress_of",
    "purge_expired_identity_uploads",
    "store_upload",
    "upload_paths",
]

#: Progress is written at most once per this many bytes read, and the file read this much at a time.
PROGRESS_EVERY = 4 << 20
READ_BUFFER = 1 << 20


def upload_dir() -> Path:
    path = Path(settings.DISCOVERY_UPLOAD_DIR)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def upload_paths(upload: IdentityUpload) -> tuple[Path, Path, Path]:
    """(the file, its membership file, its progress file) of ``upload``."""
    base = Path(settings.DISCOVERY_UPLOAD_DIR) / upload.token
    return base, base.with_name(f"{upload.token}-membership"), base.with_name(f"{upload.token}.progress")


def _save_to(target: Path, uploaded) -> int:
    """Write an uploaded file (Django's ``UploadedFile``) to ``target`` chunk by chunk; returns its size."""
    size = 0
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        for chunk in uploaded.chunks():
            handle.write(chunk)
            size += len(chunk)
    return size


def store_upload(
    *, user, source: str, uploaded, file_name: str, membership=None, membership_name: str = ""
) -> IdentityUpload:
    """Put an uploaded file (and its membership file) on disk and record the upload, to be dry-run."""
    token = secrets.token_hex(16)
    upload = IdentityUpload(
        user=user, source=source, file_name=file_name, membership_name=membership_name, token=token, size=0
    )
    upload_dir()
    path, members_path, _progress = upload_paths(upload)
    try:
        upload.size = _save_to(path, uploaded)
        if membership is not None:
            _save_to(members_path, membership)
        upload.save()
    except BaseException:
        delete_files(upload)
        raise
    return upload


def delete_files(upload: IdentityUpload) -> None:
    """Remove the upload's files from disk; a file already gone is fine."""
    for path in upload_paths(upload):
        path.unlink(missing_ok=True)


class _CountingFile(io.RawIOBase):
    """A raw file that reports how many bytes have been read, for the progress bar."""

    def __init__(self, raw: io.FileIO, report: Callable[[int], None]) -> None:
        super().__init__()
        self._raw = raw
        self._report = report
        self._next = PROGRESS_EVERY

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return self._raw.seekable()

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._raw.seek(offset, whence)

    def tell(self) -> int:
        return self._raw.tell()

    def readinto(self, buffer) -> int:
        count = self._raw.readinto(buffer)
        position = self._raw.tell()
        if position >= self._next:
            self._next = position + PROGRESS_EVERY
            self._report(position)
        return count

    def close(self) -> None:
        self._raw.close()
        super().close()


def _write_progress(upload: IdentityUpload, phase: str, done: int) -> None:
    _path, _members, progress = upload_paths(upload)
    temporary = progress.with_name(progress.name + ".tmp")
    temporary.write_text(json.dumps({"phase": phase, "bytes": done, "size": upload.size}), encoding="utf-8")
    os.replace(temporary, progress)


def progress_of(upload: IdentityUpload) -> dict:
    """How far a running task has read ``upload``: ``{"phase", "bytes", "size", "percent"}``."""
    _path, _members, progress = upload_paths(upload)
    try:
        state = json.loads(progress.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        state = {"phase": "waiting", "bytes": 0, "size": upload.size}
    size = max(int(state.get("size") or upload.size or 0), 1)
    state["percent"] = min(100, round(100 * int(state.get("bytes", 0)) / size))
    return state


def _run(upload: IdentityUpload, *, dry_run: bool):
    """Read the upload's file through the one import function; returns its report."""
    path, members_path, _progress = upload_paths(upload)
    phase = "checking" if dry_run else "importing"
    _write_progress(upload, phase, 0)
    with ExitStack() as stack:
        raw = stack.enter_context(open(path, "rb", buffering=0))  # noqa: SIM115 - closed by the stack
        counting = _CountingFile(raw, lambda done: _write_progress(upload, phase, done))
        stream = stack.enter_context(io.BufferedReader(counting, buffer_size=READ_BUFFER))
        membership = None
        if upload.membership_name and members_path.exists():
            membership = stack.enter_context(open(members_path, "rb"))  # noqa: SIM115 - closed by the stack
        return import_identity_file(
            stream,
            upload.source,
            file_name=upload.file_name,
            user=upload.user,
            dry_run=dry_run,
            membership=membership,
        )


def _finish(upload: IdentityUpload, status: str, *, message: str = "", report=None) -> None:
    upload.status = status
    upload.message = message
    if report is not None:
        upload.report = _report_dict(report)
    upload.finished = timezone.now()
    upload.save()


def _report_dict(report) -> dict:
    data = dataclasses.asdict(report)
    if data.get("period"):
        data["period"] = [day.isoformat() for day in data["period"]]
    return data


def _refusal(exc: IdentityFileError, upload: IdentityUpload) -> str:
    return _("%(file)s kunde inte läsas som %(source)s: %(error)s Inget har sparats.") % {
        "file": upload.file_name,
        "source": IdentitySource(upload.source).label,
        "error": exc,
    }


def check_upload(upload: IdentityUpload) -> IdentityUpload:
    """Dry-run an upload: keep the file for the confirmation if it reads, delete it if refused."""
    if upload.status != IdentityUpload.Status.CHECKING:
        return upload
    try:
        report = _run(upload, dry_run=True)
    except IdentityFileError as exc:
        delete_files(upload)
        _finish(upload, IdentityUpload.Status.REFUSED, message=_refusal(exc, upload))
        return upload
    except BaseException:
        delete_files(upload)
        _finish(
            upload, IdentityUpload.Status.REFUSED, message=_("Filen kunde inte läsas. Inget har sparats.")
        )
        raise
    _path, _members, progress = upload_paths(upload)
    progress.unlink(missing_ok=True)
    _finish(upload, IdentityUpload.Status.CHECKED, report=report)
    return upload


def import_upload(upload: IdentityUpload) -> IdentityUpload:
    """Import a confirmed upload for its own user, all or nothing; its files are deleted either way."""
    if upload.status != IdentityUpload.Status.IMPORTING:
        return upload
    if not upload.user.has_perm("discovery.add_identityimport"):
        delete_files(upload)
        _finish(
            upload,
            IdentityUpload.Status.REFUSED,
            message=_("Importen avbröts: behörighet saknas. Inget har sparats."),
        )
        return upload
    try:
        report = _run(upload, dry_run=False)
    except IdentityFileError as exc:
        _finish(upload, IdentityUpload.Status.REFUSED, message=_refusal(exc, upload))
        return upload
    except BaseException:
        _finish(
            upload, IdentityUpload.Status.REFUSED, message=_("Filen kunde inte läsas. Inget har sparats.")
        )
        raise
    finally:
        delete_files(upload)
    upload.identity_import_id = report.identity_import_id
    _finish(upload, IdentityUpload.Status.IMPORTED, report=report)
    return upload


def cancel_upload(upload: IdentityUpload) -> None:
    """The user does not want this dry run imported: forget the file."""
    delete_files(upload)
    _finish(upload, IdentityUpload.Status.CANCELLED)


def purge_expired_identity_uploads(now=None) -> int:
    """Delete the files of dry runs never confirmed in time; return how many uploads were purged."""
    expired = list(IdentityUpload.objects.expired(now))
    for upload in expired:
        delete_files(upload)
        _finish(upload, IdentityUpload.Status.CANCELLED, message=_("Provkörningen bekräftades inte i tid."))
    return len(expired)

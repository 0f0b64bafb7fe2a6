"""What the integrations app stores itself: an uploaded file waiting for its confirmation."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["CONFIRM_WITHIN", "ImportUpload"]

#: A dry run older than this must be redone before it can be confirmed; its upload is then purged.
CONFIRM_WITHIN = datetime.timedelta(hours=12)


class ImportUploadQuerySet(models.QuerySet):
    def expired(self, now: datetime.datetime | None = None) -> "ImportUploadQuerySet":
        """Uploads never confirmed within :data:`CONFIRM_WITHIN`: their content can no longer be used."""
        now = now or timezone.now()
        return self.filter(status=ImportUpload.Status.PENDING, created__lt=now - CONFIRM_WITHIN)


class ImportUpload(models.Model):
    """A spreadsheet uploaded on the import page, kept between its dry run and the confirmation.

    The file is kept in the database rather than on disk, so an uploaded name can never choose
    a path; ``filename`` is only shown and named in history. The content is emptied once the
    import has been applied, and an upload never confirmed is deleted once it has expired
    (``integrations.uploads.purge_expired_uploads``: the file may list people).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Väntar på bekräftelse")
        QUEUED = "queued", _("Bekräftad, importeras i bakgrunden")
        APPLIED = "applied", _("Importerad")
        REFUSED = "refused", _("Avvisad")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("användare"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("typ"), max_length=30)
    filename = models.CharField(_("filnamn"), max_length=120)
    size = models.PositiveIntegerField(_("storlek (byte)"))
    sha256 = models.CharField(_("kontrollsumma"), max_length=64)
    content = models.BinaryField(_("innehåll"), editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    summary = models.TextField(_("sammanfattning"), blank=True)
    created = models.DateTimeField(_("uppladdad"), auto_now_add=True)

    objects = ImportUploadQuerySet.as_manager()

    class Meta:
        verbose_name = _("uppladdad importfil")
        verbose_name_plural = _("uppladdade importfiler")
        ordering = ["-created"]

    def __str__(self) -> str:
        return self.filename

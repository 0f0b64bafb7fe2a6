"""The import page (upload, dry-run report, confirm) and the landscape download.

Thin views: the importer decides and reports; the page shows what it says. A file is imported
in two steps so that nothing is written before the user has seen the dry run: the upload is
stored (in the database, never under its own name), dry-run, and only a confirmation by the
same user applies it — again in one transaction, again validated row by row.
"""

import hashlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from integrations.columns import KINDS
from integrations.forms import ImportUploadForm, permitted_kinds, safe_display_name
from integrations.landscape_export import landscape_xlsx
from integrations.models import CONFIRM_WITHIN, ImportUpload
from integrations.spreadsheets import ImportError_, import_file, template_sheets
from integrations.tasks import apply_upload_task
from integrations.uploads import apply_upload
from portfolio.spreadsheets import xlsx_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_some_kind(request: HttpRequest) -> None:
    if not permitted_kinds(request.user):
        raise PermissionDenied


# A function view: the upload is a two-step workflow (dry run, then confirm) over one stored
# file, not a register page; the generic register views do not fit. The same holds below.
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    """Upload a file and see what importing it would do, row by row."""
    _require_some_kind(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None, user=request.user)
    context = {"form": form, "kinds": permitted_kinds(request.user)}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        filename = safe_display_name(upload.name)
        kind = form.cleaned_data["kind"] or None
        try:
            report = import_file(data, filename, kind=kind, user=request.user, dry_run=True)
        except ImportError_ as exc:
            form.add_error("file", str(exc))
            return render(request, "integrations/import_upload.html", context, status=400)
        if report.kind not in form.permitted:
            form.add_error(
                "kind", _("Du får inte importera %(kind)s.") % {"kind": KINDS[report.kind].label_text}
            )
            return render(request, "integrations/import_upload.html", context, status=403)
        stored = None
        if report.ok:
            stored = ImportUpload.objects.create(
                user=request.user,
                kind=report.kind,
                filename=filename,
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                content=data,
                summary=report.summary(),
            )
        context.update({"report": report, "upload": stored, "kind_label": KINDS[report.kind].label})
        return render(request, "integrations/import_report.html", context)
    status = 400 if request.method == "POST" else 200
    return render(request, "integrations/import_upload.html", context, status=status)


# A function view: one POST action that applies a stored dry run and redirects.
@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Apply a dry-run upload: the same file, the same user, all or nothing.

    A file larger than ``settings.IMPORT_IN_BACKGROUND_ABOVE`` is applied by a background task
    (``integrations.tasks.apply_upload_task``), enqueued once the upload is marked queued; the
    user is sent to the upload's page, which shows the outcome when the task has run.
    """
    upload = get_object_or_404(ImportUpload, pk=pk, user=request.user, status=ImportUpload.Status.PENDING)
    if upload.kind not in {k.key for k in permitted_kinds(request.user)}:
        raise PermissionDenied
    if timezone.now() - upload.created > CONFIRM_WITHIN:
        messages.warning(request, _("Provkörningen är för gammal; ladda upp filen igen."))
        return redirect("integrations:import_upload")
    if hashlib.sha256(bytes(upload.content)).hexdigest() != upload.sha256:
        raise PermissionDenied
    if upload.size > settings.IMPORT_IN_BACKGROUND_ABOVE:
        with transaction.atomic():
            upload.status = ImportUpload.Status.QUEUED
            upload.save(update_fields=["status"])
            transaction.on_commit(lambda: apply_upload_task.enqueue(upload.pk))
        return redirect("integrations:import_status", pk=upload.pk)
    report = apply_upload(upload)
    if report is None:  # refused as a whole (the upload's summary says why); nothing was written
        return redirect("integrations:import_status", pk=upload.pk)
    context = {"report": report, "upload": None, "kind_label": KINDS[report.kind].label, "confirmed": True}
    return render(request, "integrations/import_report.html", context, status=200 if report.applied else 409)


# A function view: one stored import's state, for its own user.
def import_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Where a confirmed import that runs in the background stands (only its own user sees it)."""
    upload = get_object_or_404(ImportUpload, pk=pk, user=request.user)
    context = {
        "upload": upload,
        "kind_label": KINDS[upload.kind].label if upload.kind in KINDS else upload.kind,
        "waiting": upload.status == ImportUpload.Status.QUEUED,
    }
    return render(request, "integrations/import_status.html", context)


# A function view: a file download with no page around it.
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    """The empty workbook for one kind, with the sheet that explains its columns."""
    _require_some_kind(request)
    if kind not in KINDS:
        raise Http404
    response = HttpResponse(xlsx_bytes(template_sheets(KINDS[kind])), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="mall-{kind}.xlsx"'
    return response


# A function view: a file download with no page around it.
@permission_required(["portfolio.view_application", "portfolio.view_learningresource"], raise_exception=True)
def landscape_download(request: HttpRequest) -> HttpResponse:
    """The landscape workbook, limited to what the user may see."""
    response = HttpResponse(landscape_xlsx(user=request.user), content_type=XLSX)
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="landskap-{stamp}.xlsx"'
    return response

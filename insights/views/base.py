"""The one base of the insights pages: permission, template, and the same findings as a workbook."""

from __future__ import annotations

from typing import Any

import pandas as pd
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import HttpResponse
from django.utils import timezone
from django.views.generic import TemplateView

from portfolio.spreadsheets import xlsx_bytes

__all__ = ["AnalysisPage"]


class AnalysisPage(PermissionRequiredMixin, TemplateView):
    """An analysis page; with ``?format=xlsx`` the same findings as an Excel workbook."""

    permission_required = ("portfolio.view_application", "portfolio.view_learningresource")
    raise_exception = True
    export_name = ""

    def export_rows(self, context: dict[str, Any]) -> list[dict[str, Any]]:
        return []

    def get(self, request, *args, **kwargs):
        if self.export_name and request.GET.get("format") == "xlsx":
            context = self.get_context_data(**kwargs)
            rows = self.export_rows(context)
            frame = pd.DataFrame(rows, dtype=object) if rows else pd.DataFrame()
            response = HttpResponse(
                xlsx_bytes({str(self.export_name): frame}),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
            filename = f"{self.export_name}-{timezone.localdate().isoformat()}.xlsx".lower().replace(" ", "-")
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            return response
        return super().get(request, *args, **kwargs)

"""The färdplan's pages: plans, their effektmål and åtgärder, the capability map and the
beslutsunderlag.

Built on the register's generic views (``portfolio.views_generic``) like every register page; the
writes go through ``planning.services`` (the one write path with the färdplan's rule: the strateg
plans, the dataskyddssamordnare owns processor agreements and DPIAs). Views only present what the
domain returns (docs/architecture.md, "Figures come from the domain").
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from portfolio.services import StaleEditError, version_from_request
from portfolio.views_generic import (
    Column,
    RegisterDetailView,
    RegisterEditView,
    RegisterListView,
    optimise_choice_fields,
)

from . import diagrams
from .choices import GDPR_ACTION_KINDS, ActionStatus, PlanStatus
from .forms import ActionForm, GoalForm, PlanForm
from .models import Action, Goal, Plan
from .services import MANAGE_GDPR, can_edit_action, can_edit_plan, save_action, save_goal, save_plan

__all__ = [
    "ActionEditView",
    "CapabilityMapView",
    "GoalEditView",
    "PlanDetailView",
    "PlanEditView",
    "PlanListView",
    "PlanPrintView",
    "PlanWorkbookView",
]

VIEW_PLAN = "planning.view_plan"


def _parse_day(text: str | None) -> datetime.date | None:
    try:
        return parse_date(text) if text else None
    except ValueError:  # well-formed but impossible, e.g. 2027-02-30
        return None


# ---------------------------------------------------------------------------------------------
# The capability map
# ---------------------------------------------------------------------------------------------


class CapabilityMapView(PermissionRequiredMixin, TemplateView):
    """The förmågekarta today, or at a plan's date (``?plan=<id>&on=<date>``: the register as it
    will be, from ``planning.future``)."""

    template_name = "planning/capability_map.html"
    permission_required = ("portfolio.view_application", "portfolio.view_learningresource")
    raise_exception = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        dimension = diagrams.dimension_or_default(self.request.GET.get("dimension"))
        plans = list(Plan.objects.only("pk", "name", "horizon")) if self.request.user.has_perm(VIEW_PLAN) else []
        plan, on, error = None, None, ""
        plan_id = self.request.GET.get("plan", "")
        if plan_id and plans:
            plan = next((p for p in plans if str(p.pk) == plan_id), None)
            if plan is None:
                error = _g("Färdplanen finns inte.")
            else:
                on = _parse_day(self.request.GET.get("on")) or plan.horizon
                if self.request.GET.get("on") and _parse_day(self.request.GET.get("on")) is None:
                    error = _g("Ange datumet som ÅÅÅÅ-MM-DD.")
        cmap = diagrams.capability_map_at(plan, on, dimension) if plan else diagrams.capability_map_today(dimension)
        context.update(
            {
                "dimension": dimension,
                "dimensions": diagrams.DIMENSIONS,
                "plans": plans,
                "plan": plan,
                "on": on,
                "error": error,
                "cmap": cmap,
                "svg": mark_safe(diagrams.render_capability_map(cmap)),  # escaped while built
                "table": [
                    (area, capability, [counts.get(entry.key, 0) for entry in cmap.legend])
                    for area, capability, counts in cmap.counts()
                ],
            }
        )
        return context

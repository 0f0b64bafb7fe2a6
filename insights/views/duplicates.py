"""The duplicate finder's page and what people decide on it: merge, or "not the same product".

The decisions are POST-only views; each writes through the domain (``portfolio.merge``,
``portfolio.duplicate_decisions``, ``gdpr.services``) and returns to the page with a message.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views import View

from gdpr.services import move_processing_activity_links
from insights.links import target_url
from insights.views.base import AnalysisPage
from portfolio.analysis import DuplicateCluster
from portfolio.analysis.duplicates import TIER_FAMILY, TIER_SAME_PRODUCT, TIER_TITLES
from portfolio.analysis.shapes import export_rows
from portfolio.duplicate_decisions import (
    DecisionError,
    decide_not_same_product,
    decision_rows,
    may_decide,
    may_undo,
    parse_service_keys,
    undo_not_same_product,
)
from portfolio.merge import MergeError, merge_services
from portfolio.models import Application, LearningResource
from portfolio.views_generic import detail_url
from stewardship.analyses import Analyses

__all__ = ["DuplicatesView", "MergeView", "NotSameProductView", "UndoNotSameProductView"]

SERVICE_MODELS = {"application": Application, "learning_resource": LearningResource}


#: The finder's two tiers, in the order the page shows them, with their headings.
DUPLICATE_TIERS = (
    (TIER_SAME_PRODUCT, TIER_TITLES[TIER_SAME_PRODUCT], _(
        "Registreringar där bevisen är starka: samma entity ID, samma produkt i katalogen, samma "
        "leverantör och produkt eller nästan samma namn. Slå ihop dem."
    )),
    (TIER_FAMILY, TIER_TITLES[TIER_FAMILY], _(
        "Registreringar som hör till samma produkt eller produktfamilj men kan vara olika delar, "
        "utgåvor eller kommunens egna instanser (ett tillägg i namnet, en egen underdomän, en familj "
        "i katalogen). Granska: slå ihop, eller besluta att de inte är samma produkt."
    )),
)


def _tier_of(cluster) -> str:
    return getattr(cluster, "tier", TIER_SAME_PRODUCT) or TIER_SAME_PRODUCT


class DuplicatesView(AnalysisPage):
    """Both tiers of the duplicate finder, the merge, and "not the same product" with its undo."""

    template_name = "insights/duplicates.html"
    export_name = "Dubbletter"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        show_tests = self.request.GET.get("testmiljoer") == "1"
        wanted_tier = self.request.GET.get("niva", "")
        if wanted_tier not in dict((key, title) for key, title, _intro in DUPLICATE_TIERS):
            wanted_tier = ""
        clusters = Analyses().duplicates(include_test_environments=show_tests)
        user = self.request.user
        rows = []
        for cluster in clusters:
            if wanted_tier and _tier_of(cluster) != wanted_tier:
                continue
            types = {m.service_type for m in cluster.members}
            model = SERVICE_MODELS[next(iter(types))] if len(types) == 1 else None
            can_merge = model is not None and all(
                user.has_perm(f"portfolio.{action}_{model._meta.model_name}")
                for action in ("change", "delete")
            )
            rows.append(
                {
                    "cluster": cluster,
                    "tier": _tier_of(cluster),
                    "members": [
                        {
                            "member": m,
                            "url": target_url(m.service_type, m.service_id),
                            "key": f"{m.service_type}:{m.service_id}",
                        }
                        for m in cluster.members
                    ],
                    "can_merge": can_merge and len(cluster.members) > 1,
                    "can_decide": len(cluster.members) > 1 and may_decide(user, types),
                    "service_type": next(iter(types)) if len(types) == 1 else "",
                }
            )
        tiers = [
            {"key": key, "title": title, "intro": intro, "rows": [r for r in rows if r["tier"] == key]}
            for key, title, intro in DUPLICATE_TIERS
            if not wanted_tier or key == wanted_tier
        ]
        decisions = decision_rows()
        for row in decisions:
            types = {row.decision.first_type, row.decision.second_type}
            row.can_undo = may_undo(user, types)
        context.update(
            {
                "rows": rows,
                "tiers": tiers,
                "tier_choices": [(key, title) for key, title, _intro in DUPLICATE_TIERS],
                "wanted_tier": wanted_tier,
                "show_tests": show_tests,
                "decisions": decisions,
            }
        )
        return context

    def export_rows(self, context):
        """One row per member, numbered by cluster; the columns are the cluster's shape."""
        heading = str(_("Kluster"))
        rows = []
        for number, row in enumerate(context["rows"], start=1):
            rows += export_rows(DuplicateCluster, [row["cluster"]], before=lambda _c, n=number: {heading: n})
        return rows


class NotSameProductView(View):
    """POST: the chosen registrations of a cluster (a pair, or all) are not one product."""

    def post(self, request: HttpRequest):
        back = reverse("analysis:duplicates")
        try:
            keys = parse_service_keys(request.POST.getlist("services"))
        except DecisionError as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(back)
        if not may_decide(request.user, {kind for kind, _pk in keys} or {"application"}):
            raise PermissionDenied
        try:
            decisions = decide_not_same_product(
                keys, user=request.user, reason=request.POST.get("reason", "")
            )
        except DecisionError as error:
            messages.error(request, gettext("Beslutet kunde inte sparas: %(error)s") % {"error": error})
            return HttpResponseRedirect(back)
        messages.success(
            request,
            ngettext(
                "Beslutet är sparat: registreringarna är inte samma produkt (%(count)d par).",
                "Beslutet är sparat: registreringarna är inte samma produkt (%(count)d par).",
                len(decisions),
            )
            % {"count": len(decisions)},
        )
        return HttpResponseRedirect(back)


class UndoNotSameProductView(View):
    """POST: take back "not the same product" for the given registrations."""

    def post(self, request: HttpRequest):
        back = reverse("analysis:duplicates")
        try:
            keys = parse_service_keys(request.POST.getlist("services"))
        except DecisionError as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(back)
        if not may_undo(request.user, {kind for kind, _pk in keys} or {"application"}):
            raise PermissionDenied
        try:
            undone = undo_not_same_product(keys, user=request.user)
        except DecisionError as error:
            messages.error(request, gettext("Beslutet kunde inte ångras: %(error)s") % {"error": error})
            return HttpResponseRedirect(back)
        if undone:
            messages.success(request, gettext("Beslutet är ångrat; paret kan visas som dubblett igen."))
        else:
            messages.info(request, gettext("Det fanns inget beslut att ångra."))
        return HttpResponseRedirect(back)


class MergeView(View):
    """POST: fold one registration into another (``portfolio.merge``), GDPR links included."""

    def post(self, request: HttpRequest):
        service_type = request.POST.get("service_type", "")
        model = SERVICE_MODELS.get(service_type)
        if model is None:
            if not request.user.has_perm("portfolio.change_application"):
                raise PermissionDenied
            messages.error(request, gettext("Okänd typ av registrering."))
            return HttpResponseRedirect(reverse("analysis:duplicates"))
        name = model._meta.model_name
        # Merging deletes the duplicate, so it takes both the change and the delete permission.
        if not all(request.user.has_perm(f"portfolio.{action}_{name}") for action in ("change", "delete")):
            raise PermissionDenied
        try:
            kept = model.objects.get(pk=int(request.POST.get("kept", "")))
            duplicate = model.objects.get(pk=int(request.POST.get("duplicate", "")))
            result = merge_services(
                kept, duplicate, user=request.user, movers=[move_processing_activity_links],
                reason=request.POST.get("reason", ""),
            )
        except (ValueError, model.DoesNotExist, MergeError) as error:
            messages.error(
                request, gettext("Registreringarna kunde inte slås samman: %(error)s") % {"error": error}
            )
            return HttpResponseRedirect(reverse("analysis:duplicates"))
        messages.success(
            request,
            gettext("%(removed)s är sammanslagen med %(kept)s.")
            % {"removed": result.removed_name, "kept": result.kept},
        )
        return HttpResponseRedirect(detail_url(result.kept) or reverse("analysis:duplicates"))

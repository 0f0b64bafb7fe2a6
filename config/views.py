"""Pages that compose the portfolio and the GDPR record: the dashboard, the analyses, the merge.

``config`` is the one place allowed to import every app (docs/architecture.md, principle 3). Views here
only present what the analyses return: every figure comes from ``portfolio.analysis`` or
``gdpr.gaps`` (or, for money, straight from the registered plans and costs), never from an
analysis re-done in a view.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pandas as pd
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Q, Sum
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import TemplateView

from gdpr.gaps import Severity
from gdpr.gaps.breaches import clock_text, visible_findings
from gdpr.models import Breach, ProcessingActivityService, Transfer
from portfolio.analysis import DuplicateCluster, Pm3Gap, ServiceOutsideSso, StandardisationCandidate
from portfolio.analysis.duplicates import TIER_FAMILY, TIER_SAME_PRODUCT, TIER_TITLES
from portfolio.analysis.shapes import export_rows
from portfolio.choices import SchoolForm
from portfolio.duplicate_decisions import (
    DecisionError,
    decide_not_same_product,
    decision_rows,
    may_decide,
    may_undo,
    parse_service_keys,
    undo_not_same_product,
)
from portfolio.formats import kronor, percent
from portfolio.merge import MergeError, merge_services, move_links
from portfolio.models import Application, Cost, LearningResource, ManagementPlan, Service, Vendor
from portfolio.spreadsheets import xlsx_bytes
from portfolio.views_generic import DETAIL_CONTEXT_HOOKS, Column, Section, detail_url
from stewardship.analyses import Analyses, dashboard_analyses, register_fingerprint, schedule_refresh

__all__ = [
    "Analyses",
    "DashboardView",
    "DuplicatesView",
    "EquityView",
    "MergeView",
    "NotSameProductView",
    "Pm3GapsView",
    "SsoCoverageView",
    "StandardisationView",
    "UndoNotSameProductView",
    "analysis_urlpatterns",
    "move_processing_activity_links",
    "register_fingerprint",
]

SERVICE_MODELS = {"application": Application, "learning_resource": LearningResource}
#: The detail page of each kind of target an analysis names.
TARGET_URL_NAMES = {
    "application": "portfolio:application_detail",
    "learning_resource": "portfolio:learningresource_detail",
    "management_object": "portfolio:managementobject_detail",
    "role_assignment": "portfolio:roleassignment_detail",
    "contract": "portfolio:contract_detail",
    "vendor": "portfolio:vendor_detail",
    "organisation": "portfolio:organisation_detail",
    "processing_activity": "gdpr:activity_detail",
    "breach": "gdpr:breach_detail",
}


def target_url(target_type: str, pk: int | None) -> str | None:
    name = TARGET_URL_NAMES.get(target_type)
    if not name or pk is None:
        return None
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return None


def optional_url(name: str, query: dict | None = None) -> str | None:
    """A URL of another area if it exists yet, with an optional query string."""
    try:
        url = reverse(name)
    except NoReverseMatch:
        return None
    return f"{url}?{urlencode(query, doseq=True)}" if query else url


def list_url(model_name: str, **query) -> str:
    url = reverse(f"portfolio:{model_name}_list")
    return f"{url}?{urlencode(query, doseq=True)}" if query else url


def finding_url(finding, user=None) -> str | None:
    """Where a GDPR finding is fixed: the activity's edit form at the field, else the target's page.

    With ``user``, the edit form only for a user who may change activities (else its page), so
    no role is sent to a 403.
    """
    activity_id = finding.edit_activity_id
    if activity_id and user is not None and not user.has_perm("gdpr.change_processingactivity"):
        return target_url("processing_activity", activity_id)
    if activity_id:
        try:
            url = reverse("gdpr:activity_edit", args=[activity_id])
        except NoReverseMatch:
            url = target_url("processing_activity", activity_id)
        if url and finding.field:
            url += f"#field-{finding.field}"
        if url:
            return url
    return target_url(finding.target_type, finding.target_id)


#
# The merge: the GDPR part is supplied here, where both apps may be imported.
#


def move_processing_activity_links(kept, duplicate, *, user=None, reason: str = "") -> tuple[int, int]:
    """The GDPR part of a merge: the duplicate's processing activities now run in the kept service."""
    return move_links(
        ProcessingActivityService, "service", "processing_activity", kept, duplicate, user=user, reason=reason
    )


move_processing_activity_links.label = _("behandlingar")


#
# Detail-page hooks: GDPR findings of a service, transfers of a vendor's services.
#


def _service_findings(request: HttpRequest, obj) -> dict[str, Any]:
    service_type = getattr(obj, "kind", None) if isinstance(obj, Service) else None
    if service_type is None or not request.user.has_perm("gdpr.view_processingactivity"):
        return {}
    key = (service_type, obj.pk)
    findings = [
        f
        for f in visible_findings(Analyses().gaps(), request.user)
        if key in f.services or (f.target_type == service_type and f.target_id == obj.pk)
    ]
    return {
        "findings": [
            {
                "severity": f.severity,
                "severity_label": f.severity_label,
                "title": f.title,
                "basis": f.basis,
                "target_name": f.activity_name or f.target_name,
                "explanation": f.explanation,
                "url": finding_url(f, request.user),
            }
            for f in findings
        ]
    }


def _vendor_transfers(request: HttpRequest, obj) -> dict[str, Any]:
    if not isinstance(obj, Vendor) or not request.user.has_perm("gdpr.view_transfer"):
        return {}
    transfers = (
        Transfer.objects.filter(
            Q(processing_activity__services__vendor=obj)
        )
        .select_related("processing_activity")
        .distinct()
        .order_by("processing_activity__name", "pk")
    )
    return {
        "extra_sections": [
            Section(
                _("Tredjelandsöverföringar i behandlingar som använder leverantörens tjänster"),
                transfers,
                [
                    Column("processing_activity", _("Behandling")),
                    Column("recipient", _("Mottagare")),
                    Column("country", _("Land"), value=lambda t: t.country.name),
                    Column("mechanism", _("Överföringsmekanism")),
                    Column("tia_done", _("TIA gjord")),
                ],
                _("Inga tredjelandsöverföringar registrerade."),
            )
        ]
    }


def _breaches_in_last_year(request: HttpRequest, obj) -> dict[str, Any]:
    """A service or processor with breaches in the last year is flagged on its page (not to a läsare)."""
    if not request.user.has_perm("gdpr.view_breach"):
        return {}
    recent = Breach.objects.in_last_year()
    if isinstance(obj, Vendor):
        breaches = recent.filter(vendor=obj)
    else:
        service_type = {Application: "application", LearningResource: "learning_resource"}.get(type(obj))
        if service_type is None:
            return {}
        breaches = recent.affecting_service(service_type, obj.pk)
    rows = list(breaches.order_by("-discovered_at", "-pk"))
    if not rows:
        return {}
    title = ngettext(
        "%(n)d personuppgiftsincident det senaste året",
        "%(n)d personuppgiftsincidenter det senaste året",
        len(rows),
    ) % {"n": len(rows)}
    return {
        "extra_sections": [
            Section(
                title,
                rows,
                [
                    Column("title", _("Rubrik"), link=True),
                    Column("discovered_at", _("Upptäcktes")),
                    Column("risk", _("Riskbedömning")),
                    Column("status", _("Status")),
                ],
            )
        ]
    }


for _hook in (_service_findings, _vendor_transfers, _breaches_in_last_year):
    if _hook not in DETAIL_CONTEXT_HOOKS:
        DETAIL_CONTEXT_HOOKS.append(_hook)


#
# Pages
#


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


class DashboardView(AnalysisPage):
    """The landscape at a glance; every figure links to the list behind it.

    It shows the last computed analyses at once, even when the register has changed since: the
    page then says which state they describe, and they are recomputed off the request path
    (``stewardship.analyses``). The other analysis pages, where people act on findings, are exact.
    """

    template_name = "dashboard/dashboard.html"
    years = 3

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        analyses = getattr(self, "analyses", None)
        if analyses is not None and not analyses.current:
            # Start the refresh once the page is rendered, so it does not compete with the render.
            response.add_post_render_callback(lambda _response: schedule_refresh(analyses.language))
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        today = timezone.localdate()
        sees_gdpr = user.has_perm("gdpr.view_processingactivity")
        analyses = self.analyses = Analyses()
        analyses.preload(dashboard_analyses(sees_gdpr), schedule=False)
        coverage = analyses.coverage()
        duplicates = analyses.duplicates()
        top = analyses.standardisation_top(with_gaps=sees_gdpr)
        pm3 = analyses.pm3()

        context.update(
            {
                "applications_in_use": Application.objects.in_use().count(),
                "learning_resources_in_use": LearningResource.objects.in_use().count(),
                "coverage": coverage,
                "duplicate_count": len(duplicates),
                "candidates": top.candidates,
                "candidate_count": top.count,
                "cost_year": top.cost_year,
                "pm3_count": len(pm3),
                "pm3_by_severity": _severity_bars(
                    Counter(g.severity for g in pm3), "pm3", reverse("analysis:pm3_gaps")
                ),
                "capability_bars": [
                    {
                        "label": group.label,
                        "value": group.services,
                        "url": list_url("application", capability=group.key),
                    }
                    for group in sorted(coverage.by_capability, key=lambda g: (-g.services, g.label))[:12]
                ],
                "school_bars": [
                    {
                        "label": group.label,
                        "value": group.share_users,
                        "text": percent(group.share_users),
                        "url": list_url("application", organisation=group.key, sso="false"),
                        "tone": "ok" if group.share_users >= 0.9 else "default",
                    }
                    for group in sorted(coverage.by_school, key=lambda g: (g.share_users, g.label))[:12]
                ],
                "cost_bars": self.cost_bars(today.year),
                "plans": ManagementPlan.objects.filter(year=today.year)
                .select_related("management_object")
                .order_by("management_object__name"),
                "plan_year": today.year,
                "sees_gdpr": sees_gdpr,
                "analyses_current": analyses.current,
                "analyses_computed_from": analyses.computed_from,
                "analyses_computed_today": (
                    analyses.computed_from is not None and timezone.localdate(analyses.computed_from) == today
                ),
            }
        )
        completeness = analyses.completeness_overview()
        context["completeness"] = completeness
        context["completeness_kind_bars"] = _share_bars(completeness.by_kind)
        context["completeness_month_bars"] = [
            {
                "label": point.day.strftime("%Y-%m"),
                "value": point.share or 0,
                "text": "–" if point.percent is None else f"{point.percent}\u00a0%",
            }
            for point in completeness.over_time
        ]
        context["completeness_groups"] = [
            (_("Förvaltningsobjekt"), sorted(completeness.by_management_object, key=_by_percent)[:8]),
            (_("Ansvarig"), sorted(completeness.by_owner, key=_by_percent)[:8]),
            (_("Personuppgiftsansvarig"), sorted(completeness.by_controller, key=_by_percent)[:8]),
        ]
        context["breach_clocks"] = breach_clocks(user)
        if sees_gdpr:
            findings = analyses.gaps()
            by_severity = Counter(f.severity for f in findings)
            context["gap_count"] = len(findings)
            context["gap_bars"] = _severity_bars(by_severity, "gdpr", optional_url("gdpr:gap_list"))
        return context

    def cost_bars(self, this_year: int) -> list[dict]:
        """Budget and outcome per year for the last three years: one grouped query."""
        first = this_year - self.years + 1
        totals = {
            (row["year"], row["kind"]): row["total"]
            for row in Cost.objects.filter(year__gte=first, year__lte=this_year)
            .values("year", "kind")
            .annotate(total=Sum("amount"))
            .order_by()
        }
        bars = []
        for year in range(first, this_year + 1):
            for kind, label in Cost._meta.get_field("kind").choices:
                amount = totals.get((year, kind))
                bars.append(
                    {
                        "label": f"{year} {label.lower()}",
                        "value": amount or 0,
                        "text": kronor(amount or 0),
                        "url": list_url("cost", year=year, kind=kind),
                        "tone": "budget" if kind == "budget" else "default",
                    }
                )
        return bars


def breach_clocks(user) -> list[dict[str, str]]:
    """Open breaches IMY must still be told of, with the real hours left (read live, not cached:
    the clock moves while the analyses stand still)."""
    if not user.has_perm("gdpr.view_breach"):
        return []
    now = timezone.now()
    return [
        {
            "title": breach.title,
            "left": clock_text(breach.hours_left(now)),
            "url": reverse("gdpr:breach_detail", args=[breach.pk]),
        }
        for breach in Breach.objects.running_clocks(now).only("title", "discovered_at")
    ]


def _by_percent(aggregate) -> tuple:
    return (aggregate.percent, str(aggregate.label))


def _share_bars(aggregates) -> list[dict]:
    """Completeness groups as bars on a 0–100 % scale."""
    return [
        {
            "label": str(a.label),
            "value": a.percent / 100,
            "text": f"{a.percent}\u00a0%",
            "tone": "ok" if a.percent >= 90 else "default",
        }
        for a in aggregates
    ]


def _severity_bars(counts: Counter, kind: str, url: str | None) -> list[dict]:
    bars = []
    for severity in Severity:
        bars.append(
            {
                "label": severity.label,
                "value": counts.get(severity.value, 0),
                "url": f"{url}?severity={severity.value}" if url else None,
                "tone": severity.value,
            }
        )
    return bars


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

    template_name = "dashboard/duplicates.html"
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
            messages.error(request, _g("Beslutet kunde inte sparas: %(error)s") % {"error": error})
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
            messages.error(request, _g("Beslutet kunde inte ångras: %(error)s") % {"error": error})
            return HttpResponseRedirect(back)
        if undone:
            messages.success(request, _g("Beslutet är ångrat; paret kan visas som dubblett igen."))
        else:
            messages.info(request, _g("Det fanns inget beslut att ångra."))
        return HttpResponseRedirect(back)


class MergeView(View):
    """POST: fold one registration into another (``portfolio.merge``), GDPR links included."""

    def post(self, request: HttpRequest):
        service_type = request.POST.get("service_type", "")
        model = SERVICE_MODELS.get(service_type)
        if model is None:
            if not request.user.has_perm("portfolio.change_application"):
                raise PermissionDenied
            messages.error(request, _g("Okänd typ av registrering."))
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
                request, _g("Registreringarna kunde inte slås samman: %(error)s") % {"error": error}
            )
            return HttpResponseRedirect(reverse("analysis:duplicates"))
        messages.success(
            request,
            _g("%(removed)s är sammanslagen med %(kept)s.")
            % {"removed": result.removed_name, "kept": result.kept},
        )
        return HttpResponseRedirect(detail_url(result.kept) or reverse("analysis:duplicates"))


class StandardisationView(AnalysisPage):
    """Ranked consolidations; the strateg chooses the service to keep per candidate and sees its outcome.

    A choice is a GET parameter ``behall_<candidate key>=<service ref>`` (one form per candidate,
    carrying the other choices along), so a chosen outcome is a plain link and the Excel export
    of that URL carries the same choices. The outcome is computed by the analysis
    (``StandardisationReport.choose``) from the report already computed: no query per choice.
    """

    template_name = "dashboard/standardisation.html"
    export_name = "Standardisering"
    #: Prefix of the GET parameters that choose the service to keep, per candidate.
    choice_prefix = "behall_"
    #: ``?utfall=<candidate key>`` answers with that candidate's outcome alone: what the page's
    #: script swaps in when a choice changes (the whole page is megabytes at scale 30).
    outcome_parameter = "utfall"
    outcome_template_name = "dashboard/standardisation_outcome.html"
    only: str | None = None

    def get(self, request, *args, **kwargs):
        self.only = request.GET.get(self.outcome_parameter) or None
        if self.only is None or request.GET.get("format") == "xlsx":
            self.only = None
            return super().get(request, *args, **kwargs)
        context = self.get_context_data(**kwargs)
        if not context["candidates"]:
            raise Http404(_g("Ingen sådan kandidat."))
        [item] = context["candidates"]
        return render(
            request,
            self.outcome_template_name,
            {"item": item, "candidate": item["candidate"], "sees_gdpr": context["sees_gdpr"], "alone": True},
        )

    def export_rows(self, context):
        return export_rows(
            StandardisationCandidate,
            (item["candidate"] for item in context["candidates"]),
            exclude=() if context["sees_gdpr"] else ("gdpr_gaps_removed",),
        )

    def choices(self) -> dict[str, str]:
        """``{candidate key: service ref}`` from the query string."""
        prefix = self.choice_prefix
        return {
            name[len(prefix) :]: value
            for name, value in self.request.GET.items()
            if name.startswith(prefix) and value
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sees_gdpr = self.request.user.has_perm("gdpr.view_processingactivity")
        choices = self.choices()
        report = Analyses().standardisation(with_gaps=sees_gdpr).choose(choices)
        candidates = []
        for candidate in report.candidates:
            if self.only is not None and candidate.key != self.only:
                continue
            services = [candidate.keep, *candidate.folded, *candidate.phase_out]
            field = f"{self.choice_prefix}{candidate.key}"
            recommended = next((o for o in candidate.options if o.key == candidate.recommended), None)
            candidates.append(
                {
                    "candidate": candidate,
                    "field": field,
                    "options": [
                        {
                            "option": option,
                            "selected": option.key == candidate.chosen,
                            "recommended": option.key == candidate.recommended,
                        }
                        for option in candidate.options
                    ],
                    # The other candidates' choices travel with this one's form.
                    "carried": [
                        (f"{self.choice_prefix}{key}", ref)
                        for key, ref in choices.items()
                        if key != candidate.key
                    ],
                    "recommended_name": recommended.name if recommended else "",
                    "is_chosen": candidate.chosen != candidate.recommended,
                    "keep_url": target_url(candidate.keep.service_type, candidate.keep.service_id),
                    "folded": [(s, target_url(s.service_type, s.service_id)) for s in candidate.folded],
                    "phase_out": [(s, target_url(s.service_type, s.service_id)) for s in candidate.phase_out],
                    "systems_url": _services_url(candidate.capability_id, services),
                }
            )
        overlaps = [
            {
                "overlap": overlap,
                "services": [(s, target_url(s.service_type, s.service_id)) for s in overlap.services],
                "url": list_url("application", capability=overlap.capability_id),
            }
            for overlap in report.overlaps
        ]
        context.update(
            {
                "report": report,
                "candidates": candidates,
                "overlaps": overlaps,
                "sees_gdpr": sees_gdpr,
                "has_choices": bool(choices),
            }
        )
        return context


def _services_url(capability_id: int | None, services) -> str:
    """The list behind a candidate: the systems with its capability, or the named systems."""
    types = {s.service_type for s in services}
    model_name = "learningresource" if types == {"learning_resource"} else "application"
    if capability_id:
        return list_url(
            model_name, capability=capability_id, lifecycle_status=["i_drift", "under_avveckling"]
        )
    return list_url(model_name, q=services[0].name) if services else list_url(model_name)


class SsoCoverageView(AnalysisPage):
    template_name = "dashboard/sso_coverage.html"
    export_name = "Utanför SSO"

    def export_rows(self, context):
        return export_rows(ServiceOutsideSso, (s for s, _url in context["outside"]))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        coverage = Analyses().coverage()
        context.update(
            {
                "coverage": coverage,
                "outside": [(s, target_url(s.service_type, s.service_id)) for s in coverage.outside_sso],
                "federation": [
                    (f, target_url(f.service_type, f.service_id))
                    for f in coverage.federation_without_entity_id
                ],
                "groupings": [
                    (_("Per skola"), coverage.by_school),
                    (_("Per inloggningsmetod"), coverage.by_authentication_method),
                    (_("Per identitetsleverantör"), coverage.by_identity_provider),
                    (_("Per federation"), coverage.by_federation),
                    (_("Per verksamhetsförmåga"), coverage.by_capability),
                ],
            }
        )
        return context


class Pm3GapsView(AnalysisPage):
    template_name = "dashboard/pm3_gaps.html"
    export_name = "PM3-brister"

    def export_rows(self, context):
        return export_rows(Pm3Gap, (g for g, _url in context["gaps"]))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        severity = self.request.GET.get("severity", "")
        gaps = Analyses().pm3()
        if severity:
            gaps = [g for g in gaps if g.severity == severity]
        context.update(
            {
                "gaps": [(g, target_url(g.target_type, g.target_id)) for g in gaps],
                "severity": severity,
            }
        )
        return context


class EquityView(AnalysisPage):
    """The school × capability/subject matrix as a heat map, filterable by school form and area.

    A cell shows how many services a school has for the column (colour only repeats the number);
    a cell where the school lacks what most same-form peers have is marked. The filters only
    narrow what is shown; the findings are those of the whole matrix.
    """

    template_name = "dashboard/equity.html"
    short_head = 24

    @staticmethod
    def area_of(column) -> str:
        """A capability's area ("Undervisning › Prov" → "Undervisning"); subjects form one area."""
        if column.kind != "capability":
            return _g("Ämnen")
        return column.name.split(" › ", 1)[0]

    def short_name(self, name: str) -> str:
        leaf = name.rsplit(" › ", 1)[-1]
        return leaf if len(leaf) <= self.short_head else leaf[: self.short_head - 1] + "…"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        matrix = Analyses().equity()
        form_labels = dict(SchoolForm.choices)
        school_forms = sorted({s.school_form for s in matrix.schools if s.school_form})
        areas = sorted({self.area_of(c) for c in matrix.columns}, key=str.casefold)
        chosen_form = self.request.GET.get("skolform", "")
        chosen_area = self.request.GET.get("omrade", "")
        schools = [s for s in matrix.schools if not chosen_form or s.school_form == chosen_form]
        columns = [c for c in matrix.columns if not chosen_area or self.area_of(c) == chosen_area]
        cells = {(c.school_id, c.column_key): c.services for c in matrix.cells}
        lacking = {(f.school_id, f.column_key) for f in matrix.findings if f.kind == "saknas"}
        rows = [
            {
                "school": school,
                "url": target_url("organisation", school.school_id),
                "cells": [
                    {
                        "services": cells.get((school.school_id, column.key), []),
                        "heat": min(len(cells.get((school.school_id, column.key), [])), 3),
                        "lack": (school.school_id, column.key) in lacking,
                        "column": column,
                    }
                    for column in columns
                ],
            }
            for school in schools
        ]
        context.update(
            {
                "matrix": matrix,
                "rows": rows,
                "columns": [{"column": c, "short": self.short_name(c.name)} for c in columns],
                "school_forms": [(f, form_labels.get(f, f)) for f in school_forms],
                "areas": areas,
                "chosen_form": chosen_form,
                "chosen_area": chosen_area,
            }
        )
        return context


analysis_urlpatterns = [
    path("dubbletter/", DuplicatesView.as_view(), name="duplicates"),
    path("dubbletter/sla-ihop/", MergeView.as_view(), name="merge"),
    path("dubbletter/inte-samma/", NotSameProductView.as_view(), name="not_same_product"),
    path("dubbletter/angra/", UndoNotSameProductView.as_view(), name="undo_not_same_product"),
    path("standardisering/", StandardisationView.as_view(), name="standardisation"),
    path("inloggning/", SsoCoverageView.as_view(), name="sso_coverage"),
    path("pm3/", Pm3GapsView.as_view(), name="pm3_gaps"),
    path("likvardighet/", EquityView.as_view(), name="equity"),
]

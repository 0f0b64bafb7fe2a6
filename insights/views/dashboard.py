"""The dashboard: the landscape at a glance, every figure linked to the list behind it."""

from __future__ import annotations

from collections import Counter

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gdpr.gaps import Severity
from gdpr.gaps.breaches import clock_text
from gdpr.models import Breach
from insights.links import list_url, optional_url
from insights.views.base import AnalysisPage
from portfolio.formats import kronor, percent
from portfolio.models import Application, Cost, LearningResource, ManagementPlan
from stewardship.analyses import Analyses, dashboard_analyses, schedule_refresh

__all__ = ["DashboardView"]


class DashboardView(AnalysisPage):
    """The landscape at a glance; every figure links to the list behind it.

    It shows the last computed analyses at once, even when the register has changed since: the
    page then says which state they describe, and they are recomputed off the request path
    (``stewardship.analyses``). The other analysis pages, where people act on findings, are exact.
    """

    template_name = "insights/dashboard.html"
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
        totals = Cost.objects.totals_by_year_and_kind(first, this_year)
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
            "url": breach.get_absolute_url(),
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

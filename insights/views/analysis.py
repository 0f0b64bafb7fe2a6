"""The analysis pages: standardisation, SSO coverage, PM3 gaps and equity between schools.

Views here only present what the analyses return: every figure comes from
``portfolio.analysis`` or ``gdpr.gaps`` (through ``stewardship.analyses``), never from an
analysis re-done in a view. ``?format=xlsx`` gives a page's findings as a workbook
(``AnalysisPage``).
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from insights.links import list_url, target_url
from insights.views.base import AnalysisPage
from portfolio.analysis import Pm3Gap, ServiceOutsideSso, StandardisationCandidate
from portfolio.analysis.shapes import export_rows
from portfolio.choices import SchoolForm
from stewardship.analyses import Analyses

__all__ = ["EquityView", "Pm3GapsView", "SsoCoverageView", "StandardisationView"]


class StandardisationView(AnalysisPage):
    """Ranked consolidations; the strateg chooses the service to keep per candidate and sees its outcome.

    A choice is a GET parameter ``behall_<candidate key>=<service ref>`` (one form per candidate,
    carrying the other choices along), so a chosen outcome is a plain link and the Excel export
    of that URL carries the same choices. The outcome is computed by the analysis
    (``StandardisationReport.choose``) from the report already computed: no query per choice.
    """

    template_name = "insights/standardisation.html"
    export_name = "Standardisering"
    #: Prefix of the GET parameters that choose the service to keep, per candidate.
    choice_prefix = "behall_"
    #: ``?utfall=<candidate key>`` answers with that candidate's outcome alone: what the page's
    #: script swaps in when a choice changes (the whole page is megabytes at scale 30).
    outcome_parameter = "utfall"
    outcome_template_name = "insights/standardisation_outcome.html"
    only: str | None = None

    def get(self, request, *args, **kwargs):
        self.only = request.GET.get(self.outcome_parameter) or None
        if self.only is None or request.GET.get("format") == "xlsx":
            self.only = None
            return super().get(request, *args, **kwargs)
        context = self.get_context_data(**kwargs)
        if not context["candidates"]:
            raise Http404(gettext("Ingen sådan kandidat."))
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
    template_name = "insights/sso_coverage.html"
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
    template_name = "insights/pm3_gaps.html"
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

    template_name = "insights/equity.html"
    short_head = 24

    @staticmethod
    def area_of(column) -> str:
        """A capability's area ("Undervisning › Prov" → "Undervisning"); subjects form one area."""
        if column.kind != "capability":
            return gettext("Ämnen")
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

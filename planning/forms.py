"""The Forms of the färdplan: the one write path for the web pages, the GraphQL mutations and
any spreadsheet row (docs/architecture.md, principle 1)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gdpr.gaps import RULES
from portfolio.forms import DATE_WIDGET, RegisterForm
from portfolio.models import Contract, Organisation, Person, Service

from .choices import METRIC_PARAMETERS, ActionKind, ActionStatus, FindingKind, PlanStatus, gap_reference
from .models import Action, ActionSchool, Goal, Plan

__all__ = ["ActionForm", "GoalForm", "PlanForm"]


class PlanForm(RegisterForm):
    class Meta:
        model = Plan
        fields = [
            "name", "owner", "horizon", "status", "decided_by", "decided_on", "diarienummer", "target_state",
        ]
        widgets = {"horizon": DATE_WIDGET, "decided_on": DATE_WIDGET}

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("status") in PlanStatus.decided():
            # A decided plan says who decided it and when: that is what makes it binding.
            for field in ("decided_by", "decided_on"):
                if not cleaned_data.get(field) and field not in self.errors:
                    self.add_error(field, _("En beslutad plan anger vem som beslutade och när."))
        decided_on, horizon = cleaned_data.get("decided_on"), cleaned_data.get("horizon")
        if decided_on and horizon and horizon < decided_on:
            self.add_error("horizon", _("Planens slut kan inte ligga före beslutet."))
        return cleaned_data


#: What each goal parameter field is called in an error message.
_PARAMETER_LABELS = {
    "capability": _("Måttet gäller en förmåga: välj förmågan."),
    "school_form": _("Måttet gäller en skolform: välj skolformen."),
    "severity": _("Måttet räknar brister av minst en allvarlighet: välj den."),
}


class GoalForm(RegisterForm):
    class Meta:
        model = Goal
        fields = [
            "plan", "name", "metric", "comparison", "target_value", "target_date", "capability",
            "school_form", "severity",
        ]
        widgets = {"target_date": DATE_WIDGET}

    def clean(self):
        cleaned_data = super().clean()
        metric = cleaned_data.get("metric")
        needed = METRIC_PARAMETERS.get(metric, ())
        for field in ("capability", "school_form", "severity"):
            if field in needed and not cleaned_data.get(field) and field not in self.errors:
                self.add_error(field, _PARAMETER_LABELS[field])
            elif field not in needed and metric:
                # A parameter the metric does not read would only mislead the reader of the plan.
                cleaned_data[field] = None if field == "capability" else ""
        return cleaned_data


#: Kinds that act on a service; every kind does.
_REPLACEMENT_KINDS = {ActionKind.REPLACE}


class ActionForm(RegisterForm):
    link_fields = {"schools": (ActionSchool, "action", "organisation")}

    service = forms.ModelChoiceField(
        queryset=Service.objects.all(),
        required=False,
        label=_("tjänst"),
        help_text=_(
            "Tjänsten åtgärden gäller; för att åtgärda en dataskyddsbrist i en behandling behövs ingen."
        ),
    )
    replacement = forms.ModelChoiceField(
        queryset=Service.objects.all(), required=False, label=_("ersätts av")
    )
    contract = forms.ModelChoiceField(queryset=Contract.objects.all(), required=False, label=_("avtal"))
    responsible = forms.ModelChoiceField(queryset=Person.objects.all(), required=False, label=_("ansvarig"))
    schools = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.school_units(),
        required=False,
        label=_("berörda skolor"),
        help_text=_("Tomt = alla skolor som använder tjänsten."),
    )

    class Meta:
        model = Action
        fields = [
            "plan", "kind", "name", "service", "replacement", "contract", "schools", "planned_start",
            "planned_end", "responsible", "status", "completed_on", "one_off_cost", "yearly_cost_effect",
            "finding_kind", "finding_ref", "finding_label",
        ]
        widgets = {"planned_start": DATE_WIDGET, "planned_end": DATE_WIDGET, "completed_on": DATE_WIDGET}

    def clean(self):
        cleaned_data = super().clean()
        kind = cleaned_data.get("kind")
        service, replacement = cleaned_data.get("service"), cleaned_data.get("replacement")
        if kind == ActionKind.FIX_GDPR_GAP:
            self._clean_gap_fix(cleaned_data)
        elif kind and not service and "service" not in self.errors:
            self.add_error("service", _("Ange tjänsten åtgärden gäller."))
        if kind in _REPLACEMENT_KINDS:
            if not replacement and "replacement" not in self.errors:
                self.add_error("replacement", _("Ange tjänsten som ersätter."))
            elif service and replacement and service.pk == replacement.pk:
                self.add_error("replacement", _("En tjänst kan inte ersättas av sig själv."))
        elif replacement:
            self.add_error("replacement", _("Bara en ersättning har en ersättande tjänst."))
        start, end = cleaned_data.get("planned_start"), cleaned_data.get("planned_end")
        if start and end and end < start:
            self.add_error("planned_end", _("Planerat slut kan inte ligga före planerad start."))
        plan = cleaned_data.get("plan")
        if plan and end and end > plan.horizon and "planned_end" not in self.errors:
            # It would never count at the plan's end, and nobody would see why.
            self.add_error(
                "planned_end",
                _("Åtgärden slutar efter planens slut (%(horizon)s): flytta slutet eller förläng planen.")
                % {"horizon": plan.horizon.isoformat()},
            )
        status, completed_on = cleaned_data.get("status"), cleaned_data.get("completed_on")
        if completed_on and status != ActionStatus.DONE:
            self.add_error("completed_on", _("Bara en klar åtgärd har ett datum då den blev klar."))
        contract = cleaned_data.get("contract")
        if contract and service and not contract.service_links.filter(service=service).exists():
            self.add_error("contract", _("Avtalet gäller inte tjänsten."))
        if cleaned_data.get("finding_ref") and not cleaned_data.get("finding_kind"):
            self.add_error("finding_kind", _("Ange vilken sorts fynd referensen gäller."))
        return cleaned_data

    def _clean_gap_fix(self, cleaned_data) -> None:
        """A gap fix names the gap it closes: the rule's code, and the target where it has one."""
        ref = cleaned_data.get("finding_ref") or ""
        if cleaned_data.get("finding_kind") != FindingKind.GDPR_GAP and "finding_kind" not in self.errors:
            self.add_error(
                "finding_kind", _("Att åtgärda en dataskyddsbrist utgår från en brist i dataskyddet.")
            )
        code = gap_reference(ref)[0]
        if code not in RULES and "finding_ref" not in self.errors:
            self.add_error(
                "finding_ref",
                _("Ange bristens kod (t.ex. NO_LEGAL_BASIS), gärna med mål: KOD:processing_activity:12."),
            )

"""The dataskyddssamordnare's pages: records by controller, the gap list, follow-up, review,
the learning-resource fast track and the Article 30 download.

Views are thin: they present ``gdpr.gaps.find_gaps``, ``gdpr.ropa`` and the questionnaire, and
write only through ``portfolio.services``/``gdpr.services`` (versioned, with history). Every
page checks Django model permissions from the role groups in ``accounts.roles``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from gdpr.breach_register import breach_rows, breach_workbook
from gdpr.breaches import report_breach
from gdpr.choices import DpiaStatus
from gdpr.filters import BreachFilterSet, ProcessingActivityFilterSet, ProcessorSecurityReviewFilterSet
from gdpr.forms import (
    ARTICLE_30_SECTIONS,
    BREACH_SECTIONS,
    BreachForm,
    BreachReportForm,
    DpiaForm,
    NewProcessorAgreementForm,
    ProcessingActivityForm,
    ProcessorAgreementForm,
    ProcessorSecurityReviewForm,
    TransferForm,
)
from gdpr.forms_questionnaire import LearningResourceQuestionnaireForm
from gdpr.gaps import RULES, GapFinding, Severity, TargetType, find_gaps
from gdpr.gaps.acknowledgements import acknowledge, withdraw_acknowledgement
from gdpr.gaps.base import (
    FORM_ACTIVITY,
    FORM_BREACH,
    FORM_CONTRACT,
    FORM_DPIA,
    FORM_ORGANISATION,
    FORM_SECURITY_REVIEW,
    FORM_SERVICE,
    FORM_TRANSFER,
    FORM_VENDOR,
)
from gdpr.gaps.breaches import clock_text, visible_findings
from gdpr.gaps.flows import activity_flows
from gdpr.models import (
    Breach,
    Dpia,
    GapAcknowledgement,
    PersonErasure,
    ProcessingActivity,
    ProcessorSecurityReview,
    Transfer,
)
from gdpr.questionnaire import Outcome, apply_fast_track, classify, start_full_assessment
from gdpr.ropa import ropa_frames, ropa_json, ropa_rows, rows_frame
from gdpr.services import mark_reviewed
from gdpr.subject_rights import erase_person, subject_report
from portfolio.countries import order_by_country_name
from portfolio.history import changes
from portfolio.models import Application, Contract, LearningResource, Organisation, Person, Vendor
from portfolio.permissions import change_permission
from portfolio.services import StaleEditError, version_from_request
from portfolio.spreadsheets import write_csv, xlsx_bytes
from portfolio.views_generic import (
    Column,
    RegisterDetailView,
    RegisterEditView,
    RegisterExportView,
    RegisterListView,
    Section,
    page_url,
)

VIEW = "gdpr.view_processingactivity"
CHANGE = change_permission(ProcessingActivity)


def _url(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


#
# Processing activities: list, detail, create and edit
#


class ActivityUrlsMixin:
    """The GDPR pages are named ``gdpr:activity_<kind>`` rather than ``<model>_<kind>``."""

    def url_name(self, kind: str) -> str:
        return f"gdpr:activity_{kind}"


class ActivityListView(ActivityUrlsMixin, RegisterListView):
    model = ProcessingActivity
    filterset_class = ProcessingActivityFilterSet
    select_related = ("controller",)
    title = _("Behandlingar per personuppgiftsansvarig")
    intro = _(
        "Registerförteckningen enligt artikel 30. "
        "Filtrera på nämnd för att se en personuppgiftsansvarigs poster."
    )
    columns = [
        Column("controller", _("Personuppgiftsansvarig"), order="controller"),
        Column("name", _("Behandling"), order="name", link=True),
        Column("legal_basis", _("Rättslig grund")),
        Column("status", _("Status")),
        Column("last_reviewed_on", _("Senast granskad"), order="last_reviewed_on"),
    ]

    def _optional_url(self, kind: str) -> str | None:
        return _url("gdpr:activity_create" if kind == "add" else self.url_name(kind))


class ActivityExportView(RegisterExportView):
    list_view = ActivityListView


#: The record a finding is about, per target type: its page is the record's ``get_absolute_url()``.
FINDING_TARGET_MODELS = {
    TargetType.PROCESSING_ACTIVITY: ProcessingActivity,
    TargetType.APPLICATION: Application,
    TargetType.LEARNING_RESOURCE: LearningResource,
    TargetType.VENDOR: Vendor,
    TargetType.BREACH: Breach,
}


def finding_links(finding: GapFinding, controllers: dict[int, int | None]) -> dict[str, str | None]:
    """Where to fix a finding: the edit form anchored at the field, or the page that holds it.

    ``controllers`` maps activity ids to their controller's id (loaded once per page).
    """
    anchor = f"#id_{finding.field}" if finding.field else ""
    activity_id = finding.edit_activity_id
    fix_url = None
    if finding.form == FORM_ACTIVITY and activity_id:
        fix_url = f"{reverse('gdpr:activity_edit', args=[activity_id])}{anchor}"
    elif finding.form in (FORM_TRANSFER, FORM_DPIA) and activity_id:
        section = "transfers" if finding.form == FORM_TRANSFER else "dpias"
        fix_url = f"{page_url(ProcessingActivity, activity_id)}#{section}"
    elif finding.form == FORM_ORGANISATION and activity_id:
        controller_id = controllers.get(activity_id)
        edit = _url("portfolio:organisation_edit", controller_id) if controller_id else None
        fix_url = f"{edit}{anchor}" if edit else None
    elif finding.form == FORM_VENDOR and finding.target_type == TargetType.VENDOR:
        edit = _url("portfolio:vendor_edit", finding.target_id)
        fix_url = f"{edit}{anchor}" if edit else None
    elif finding.form == FORM_CONTRACT and finding.target_type == TargetType.VENDOR:
        fix_url = f"{reverse('gdpr:processor_agreement_add')}?leverantor={finding.target_id}"
    elif finding.form == FORM_SECURITY_REVIEW and finding.target_type == TargetType.VENDOR:
        fix_url = f"{reverse('gdpr:processorsecurityreview_add')}?leverantor={finding.target_id}"
    elif finding.form == FORM_BREACH and finding.target_type == TargetType.BREACH:
        edit = _url("gdpr:breach_edit", finding.target_id)
        fix_url = f"{edit}{anchor}" if edit else None
    target_model = FINDING_TARGET_MODELS.get(finding.target_type)
    target_url = page_url(target_model, finding.target_id) if target_model else None
    if finding.form == FORM_SERVICE:
        fix_url = target_url  # a service's finding is fixed on its own page
    return {"fix_url": fix_url, "target_url": target_url}


@dataclass
class FindingRow:
    """A finding with the links a page shows for it."""

    finding: GapFinding
    fix_url: str | None
    target_url: str | None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.finding, name)

    @property
    def url(self) -> str | None:
        return self.fix_url or self.target_url

    @property
    def dom_id(self) -> str:
        code, target_type, target_id, activity_id = self.finding.key
        return f"gap-{code}-{target_type}-{target_id}-{activity_id}"


#: The permission a finding's fix link needs, per form: a role that may not take the action is
#: not shown "Åtgärda" (it would lead to a 403); the record itself stays linked.
FIX_PERMISSIONS = {
    FORM_ACTIVITY: "gdpr.change_processingactivity",
    FORM_TRANSFER: "gdpr.add_transfer",
    FORM_DPIA: "gdpr.add_dpia",
    FORM_ORGANISATION: "portfolio.change_organisation",
    FORM_VENDOR: "portfolio.change_vendor",
    FORM_SERVICE: "portfolio.view_application",
    FORM_SECURITY_REVIEW: "gdpr.add_processorsecurityreview",
    FORM_BREACH: "gdpr.change_breach",
}


def may_record_processor_agreement(user) -> bool:
    """The dataskyddssamordnare (the GDPR record) or whoever keeps contracts: the PUB-avtal page."""
    return user.has_perm(CHANGE) or user.has_perm("portfolio.change_contract")


def may_fix(user, finding: GapFinding) -> bool:
    """Whether ``user`` may take the action a finding's fix link leads to."""
    if finding.form == FORM_CONTRACT:
        return may_record_processor_agreement(user)
    permission = FIX_PERMISSIONS.get(finding.form)
    return permission is None or user.has_perm(permission)


def finding_rows(findings: list[GapFinding], user=None) -> list[FindingRow]:
    """Findings with their links, in one extra query at most (the controllers of the records).

    With ``user``, a fix link is kept only where the user may take that action.
    """
    wanted = {f.edit_activity_id for f in findings if f.form == FORM_ORGANISATION and f.edit_activity_id}
    controllers = (
        dict(ProcessingActivity.objects.filter(pk__in=wanted).values_list("pk", "controller_id"))
        if wanted
        else {}
    )
    rows = [FindingRow(f, **finding_links(f, controllers)) for f in findings]
    if user is not None:
        for row in rows:
            if row.fix_url and not may_fix(user, row.finding):
                row.fix_url = None
    return rows


class ActivityDetailView(ActivityUrlsMixin, RegisterDetailView):
    model = ProcessingActivity
    template_name = "gdpr/activity_detail.html"
    select_related = ("controller", "responsible", "last_reviewed_by")
    # The systems and learning resources are sections of their own (one service table behind both).
    fields = [
        field for _title, names in ARTICLE_30_SECTIONS for field in names
        if field not in ("applications", "learning_resources")
    ] + [
        "last_reviewed_on",
        "last_reviewed_by",
    ]

    def sections(self, obj) -> list[Section]:
        return [
            Section(
                _("System"),
                Application.objects.filter(processing_activities=obj).select_related("vendor").order_by("name"),
                [
                    Column("name", _("Namn"), link=True),
                    Column("vendor", _("Leverantör")),
                    Column("data_location", _("Datalagring")),
                ],
                empty=_("Inga system."),
            ),
            Section(
                _("Lärresurser"),
                LearningResource.objects.filter(processing_activities=obj).select_related("vendor")
                .order_by("name"),
                [
                    Column("name", _("Namn"), link=True),
                    Column("vendor", _("Leverantör")),
                    Column("data_location", _("Datalagring")),
                ],
                empty=_("Inga lärresurser."),
            ),
            Section(
                _("Dataflöden i systemen"),
                activity_flows([obj]).get(obj.pk, []),
                [
                    Column("name", _("Benämning"), link=True),
                    Column("source", _("Från"), value=lambda flow: flow.source),
                    Column("target", _("Till"), value=lambda flow: flow.target),
                    Column("method", _("Överföringssätt")),
                    Column("personal_data_categories", _("Personuppgifter")),
                ],
                empty=_("Inga registrerade dataflöden till eller från behandlingens system."),
            ),
            *self.breach_sections(obj),
        ]

    def breach_sections(self, obj) -> list[Section]:
        """The record's personal data breaches, for those who may read breaches (not a läsare)."""
        if not self.request.user.has_perm("gdpr.view_breach"):
            return []
        return [
            Section(
                _("Personuppgiftsincidenter"),
                obj.breaches.order_by("-discovered_at", "-pk"),
                [
                    Column("title", _("Rubrik"), link=True),
                    Column("discovered_at", _("Upptäcktes")),
                    Column("risk", _("Riskbedömning")),
                    Column("status", _("Status")),
                ],
                empty=_("Inga personuppgiftsincidenter."),
            )
        ]

    def more_context(self, obj) -> dict[str, Any]:
        findings = find_gaps(ProcessingActivity.objects.filter(pk=obj.pk), include_acknowledged=True)
        history = changes(obj)
        reviewed = obj.last_reviewed_on
        since = [c for c in history if reviewed is None or timezone.localtime(c.date).date() > reviewed]
        return {
            "findings": [row for row in finding_rows(findings, self.request.user) if not row.acknowledged],
            "acknowledged_findings": [
                row for row in finding_rows(findings, self.request.user) if row.acknowledged
            ],
            "transfers": list(order_by_country_name(obj.transfers.all())),
            "dpias": list(obj.dpias.order_by("-started_on", "pk")),
            "changes_since_review": since,
            "can_review": self.request.user.has_perm(CHANGE),
        }


class ActivityEditView(ActivityUrlsMixin, RegisterEditView):
    """Create or edit a record with the form grouped as Article 30 reads, saved with its version."""

    model = ProcessingActivity
    form_class = ProcessingActivityForm
    template_name = "gdpr/activity_form.html"

    def context(self, obj, form) -> dict[str, Any]:
        context = super().context(obj, form)
        context["sections"] = [
            (title, [form[name] for name in names if name in form.fields])
            for title, names in ARTICLE_30_SECTIONS
        ]
        if not obj:
            context["title"] = gettext("Ny behandling")
        return context


class ActivityPartEditView(RegisterEditView):
    """Create or edit a transfer or an impact assessment of a processing activity.

    The same Forms as the GraphQL mutations; both are shown, and saved back to, the activity page.
    A new one is started from the activity's page (``?behandling=<pk>``).
    """

    def url_name(self, kind: str) -> str:
        return "gdpr:activity_list" if kind == "list" else f"gdpr:{self.model._meta.model_name}_{kind}"

    def make_form(self, obj, data=None):
        form = super().make_form(obj, data)
        activity = self.request.GET.get("behandling", "")
        if obj is None and data is None and activity.isdigit():
            form.initial["processing_activity"] = int(activity)
        return form


class TransferEditView(ActivityPartEditView):
    model = Transfer
    form_class = TransferForm


class DpiaEditView(ActivityPartEditView):
    model = Dpia
    form_class = DpiaForm


# A function view: only a redirect to the page that shows the record.
def transfer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A transfer is shown on its processing activity's page."""
    if not request.user.has_perm("gdpr.view_transfer"):
        raise Http404
    transfer = get_object_or_404(Transfer, pk=pk)
    return HttpResponseRedirect(f"{page_url(ProcessingActivity, transfer.processing_activity_id)}#transfers")


# A function view: only a redirect to the page that shows the record.
def dpia_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An impact assessment is shown on its processing activity's page."""
    if not request.user.has_perm("gdpr.view_dpia"):
        raise Http404
    dpia = get_object_or_404(Dpia, pk=pk)
    return HttpResponseRedirect(f"{page_url(ProcessingActivity, dpia.processing_activity_id)}#dpias")


#
# Security reviews of processors (Art. 28.1, 32)
#


class SecurityReviewListView(RegisterListView):
    model = ProcessorSecurityReview
    filterset_class = ProcessorSecurityReviewFilterSet
    select_related = ("vendor",)
    title = _("Säkerhetsgranskningar av personuppgiftsbiträden")
    intro = _(
        "Dokumenterade granskningar av biträdenas tekniska och organisatoriska säkerhetsåtgärder. "
        "Biträden som behandlar elevers eller känsliga personuppgifter granskas minst var tolfte månad."
    )
    columns = [
        Column("vendor", _("Personuppgiftsbiträde"), order="vendor", link=True),
        Column("reviewed_on", _("Granskad"), order="reviewed_on"),
        Column("outcome", _("Resultat")),
        Column("reference", _("Dokumentreferens")),
    ]


class SecurityReviewDetailView(RegisterDetailView):
    model = ProcessorSecurityReview
    select_related = ("vendor",)
    fields = ["vendor", "reviewed_on", "outcome", "reference", "notes"]


class SecurityReviewEditView(RegisterEditView):
    """A new review starts from a finding or a vendor (``?leverantor=<pk>``)."""

    model = ProcessorSecurityReview
    form_class = ProcessorSecurityReviewForm

    def make_form(self, obj, data=None):
        form = super().make_form(obj, data)
        vendor = self.request.GET.get("leverantor", "")
        if obj is None and data is None and vendor.isdigit():
            form.initial["vendor"] = int(vendor)
        return form


#
# Processor agreements (PUB-avtal, Art. 28.3): the agreement part of a contract
#


class ProcessorAgreementEditView(RegisterEditView):
    """The dataskyddssamordnare records a processor agreement without the contract's commercial fields.

    Either the GDPR record's change permission or the contract's own grants it, so the strateg
    keeps the whole contract and the dataskyddssamordnare can close PROCESSOR_NO_DPA alone. A new
    one starts from the finding (``?leverantor=<pk>``), which also lists the vendor's contracts so
    an agreement is added to the contract it belongs to rather than a second one.
    """

    model = Contract
    template_name = "gdpr/processor_agreement_form.html"

    def has_permission(self) -> bool:
        return may_record_processor_agreement(self.request.user)

    def url_name(self, kind: str) -> str:
        return "portfolio:contract_list" if kind == "list" else f"portfolio:contract_{kind}"

    def make_form(self, obj, data=None):
        form_class = NewProcessorAgreementForm if obj is None else ProcessorAgreementForm
        form = form_class(data=data, instance=obj)
        vendor = self.request.GET.get("leverantor", "")
        if obj is None and data is None and vendor.isdigit():
            form.initial["vendor"] = int(vendor)
            form.initial["name"] = gettext("Personuppgiftsbiträdesavtal")
        return form

    def context(self, obj, form) -> dict[str, Any]:
        context = super().context(obj, form)
        vendor = self.request.GET.get("leverantor", "")
        context["title"] = (
            gettext("Personuppgiftsbiträdesavtal: %(contract)s") % {"contract": obj}
            if obj
            else gettext("Nytt personuppgiftsbiträdesavtal")
        )
        context["vendor_contracts"] = (
            list(Contract.objects.filter(vendor_id=int(vendor)).order_by("-starts_on", "name"))
            if obj is None and vendor.isdigit()
            else []
        )
        return context


#
# Gaps
#


class GapFilterForm(forms.Form):
    severity = forms.ChoiceField(
        label=_("Lägsta allvarlighetsgrad"), choices=[("", _("Alla")), *Severity.choices], required=False
    )
    code = forms.ChoiceField(label=_("Regel"), required=False)
    controller = forms.ModelChoiceField(
        label=_("Personuppgiftsansvarig"),
        queryset=Organisation.objects.controllers().order_by("name"),
        required=False,
        empty_label=_("Alla"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = [("", _("Alla"))] + [
            (code, f"{code} – {rule.title}") for code, rule in RULES.items()
        ]


class GapListView(PermissionRequiredMixin, TemplateView):
    """Every open finding with its article, explanation and a link to the field that fixes it."""

    template_name = "gdpr/gap_list.html"
    permission_required = (VIEW,)
    raise_exception = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = GapFilterForm(self.request.GET or None)
        activities, codes, severity = None, None, None
        if form.is_valid():
            if form.cleaned_data["controller"]:
                activities = ProcessingActivity.objects.filter(controller=form.cleaned_data["controller"])
            codes = [form.cleaned_data["code"]] if form.cleaned_data["code"] else None
            severity = form.cleaned_data["severity"] or None
        findings = visible_findings(
            find_gaps(activities, include_acknowledged=True, codes=codes), self.request.user
        )
        if severity:
            findings = [f for f in findings if Severity.rank(f.severity) <= Severity.rank(severity)]
        rows = finding_rows(findings, self.request.user)
        open_rows = [r for r in rows if not r.acknowledged]
        counts = {s.value: 0 for s in Severity}
        for row in open_rows:
            counts[row.severity] += 1
        context.update(
            {
                "filter_form": form,
                "open_findings": open_rows,
                "acknowledged_findings": [r for r in rows if r.acknowledged],
                "severity_counts": [(Severity(code).label, code, n) for code, n in counts.items()],
                "can_acknowledge": self.request.user.has_perm("gdpr.add_gapacknowledgement"),
                "can_withdraw": self.request.user.has_perm("gdpr.delete_gapacknowledgement"),
                "return_to": self.request.get_full_path(),
            }
        )
        return context


class AcknowledgeForm(forms.Form):
    code = forms.CharField(widget=forms.HiddenInput)
    target_type = forms.CharField(widget=forms.HiddenInput)
    target_id = forms.IntegerField(widget=forms.HiddenInput)
    activity_id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(
        label=_("Motivering (accepterad risk)"), widget=forms.Textarea(attrs={"rows": 2})
    )


# A function view: one POST action that redirects.
@require_POST
@permission_required("gdpr.add_gapacknowledgement", raise_exception=True)
def acknowledge_gap(request: HttpRequest) -> HttpResponse:
    """Accept one open finding as a risk, with the reason; it must still be a finding."""
    back = _safe_next(request, reverse("gdpr:gap_list"))
    form = AcknowledgeForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Ange en motivering för att acceptera risken."))
        return HttpResponseRedirect(back)
    data = form.cleaned_data
    key = (data["code"], data["target_type"], data["target_id"], data["activity_id"] or 0)
    finding = next((f for f in find_gaps(codes=[data["code"]]) if f.key == key), None)
    if finding is None:
        messages.error(request, gettext("Avvikelsen finns inte längre."))
        return HttpResponseRedirect(back)
    try:
        acknowledge(finding, reason=data["reason"], user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            gettext("Risken är accepterad: %(title)s – %(target)s.")
            % {"title": finding.title, "target": finding.target_name},
        )
    return HttpResponseRedirect(back)


# A function view: one POST action that redirects.
@require_POST
@permission_required("gdpr.delete_gapacknowledgement", raise_exception=True)
def withdraw_gap_acknowledgement(request: HttpRequest, pk: int) -> HttpResponse:
    ack = get_object_or_404(GapAcknowledgement, pk=pk)
    withdraw_acknowledgement(ack, user=request.user)
    messages.success(request, gettext("Den accepterade risken är återkallad; avvikelsen är öppen igen."))
    return HttpResponseRedirect(_safe_next(request, reverse("gdpr:gap_list")))


#
# Follow-up and review
#

DPIA_CODES = (
    "DPIA_REQUIRED_NOT_DONE",
    "DPIA_HIGH_RISK_NO_CONSULTATION",
    "BIOMETRIC_OR_MONITORING_PUPILS",
    "AUTOMATED_DECISION_NO_ASSESSMENT",
)
PROCESSOR_CODES = (
    "PROCESSOR_NO_DPA",
    "SUBPROCESSORS_UNKNOWN",
    "TRANSFER_NO_MECHANISM",
    "DPF_NOT_LISTED",
    "SCC_NO_TIA",
)


class FollowupView(PermissionRequiredMixin, TemplateView):
    """Impact assessments and processor agreements that need action."""

    template_name = "gdpr/followup.html"
    permission_required = (VIEW,)
    raise_exception = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        findings = find_gaps(codes=[*DPIA_CODES, *PROCESSOR_CODES])
        rows = finding_rows(findings, self.request.user)
        context.update(
            {
                "dpia_findings": [r for r in rows if r.code in DPIA_CODES],
                "processor_findings": [r for r in rows if r.code in PROCESSOR_CODES],
                "open_dpias": list(
                    Dpia.objects.exclude(status=DpiaStatus.COMPLETED)
                    .select_related("processing_activity", "processing_activity__controller")
                    .order_by("processing_activity__name", "pk")
                ),
            }
        )
        return context


class ReviewDueView(PermissionRequiredMixin, TemplateView):
    """Records not reviewed in the last twelve months, each with a "mark reviewed" button."""

    template_name = "gdpr/review_due.html"
    permission_required = (VIEW,)
    raise_exception = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["activities"] = list(
            ProcessingActivity.objects.due_for_review()
            .select_related("controller", "last_reviewed_by")
            .order_by("last_reviewed_on", "controller__name", "name", "pk")
        )
        context["can_review"] = self.request.user.has_perm(CHANGE)
        return context


# A function view: one POST action that redirects.
@require_POST
@permission_required(CHANGE, raise_exception=True)
def mark_activity_reviewed(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_object_or_404(ProcessingActivity, pk=pk)
    try:
        mark_reviewed(
            activity,
            user=request.user,
            expected_version=version_from_request(request.POST.get("version"), activity),
        )
    except StaleEditError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, gettext("%(name)s är markerad som granskad.") % {"name": activity.name})
    return HttpResponseRedirect(_safe_next(request, reverse("gdpr:review_due")))


#
# Fast track and the Article 30 download
#


class QuestionnaireView(PermissionRequiredMixin, TemplateView):
    """The learning-resource fast track: classify, and for low risk write the record."""

    template_name = "gdpr/questionnaire.html"
    permission_required = (VIEW,)
    raise_exception = True

    def get(self, request, *args, **kwargs):
        initial = {}
        resource_id = request.GET.get("learning_resource", "")
        if resource_id.isdigit():
            form = LearningResourceQuestionnaireForm()
            resource = form.fields["learning_resource"].queryset.filter(pk=resource_id).first()
            if resource is not None:
                initial = LearningResourceQuestionnaireForm.initial_from_register(resource)
        return self.render_to_response(
            self.get_context_data(form=LearningResourceQuestionnaireForm(initial=initial))
        )

    #: Writing the record (or linking to the shared one) needs this; classifying only VIEW.
    write_permission = "gdpr.add_processingactivity"
    #: Starting a full assessment writes the draft record and goes on to its DPIA: both are needed.
    assessment_permissions = ("gdpr.add_processingactivity", "gdpr.add_dpia")

    def post(self, request, *args, **kwargs):
        may_write = request.user.has_perm(self.write_permission)
        may_assess = request.user.has_perms(self.assessment_permissions)
        if (request.POST.get("write") and not may_write) or (request.POST.get("assess") and not may_assess):
            # A refusal, not a silent classification: the page offers no write to this user.
            raise PermissionDenied
        form = LearningResourceQuestionnaireForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        answers = form.answers()
        data = form.cleaned_data
        activity = None
        if request.POST.get("assess"):
            try:
                activity = start_full_assessment(
                    data["learning_resource"], data["controller"], answers, user=request.user
                )
            except (ValueError, StaleEditError) as error:
                messages.error(
                    request, gettext("Behandlingen kunde inte sparas: %(reason)s") % {"reason": error}
                )
            else:
                messages.success(
                    request,
                    gettext("Utkastet %(name)s är sparat. Fyll i konsekvensbedömningen för det.")
                    % {"name": activity.name},
                )
                return HttpResponseRedirect(f"{reverse('gdpr:dpia_create')}?behandling={activity.pk}")
            result = classify(answers)
        elif request.POST.get("write") and may_write:
            try:
                result, activity = apply_fast_track(
                    data["learning_resource"],
                    data["controller"],
                    answers,
                    user=request.user,
                    separate_record=data.get("separate_record", False),
                )
            except (ValueError, StaleEditError) as error:
                # The record could not be written (nothing was): say why instead of failing.
                messages.error(
                    request, gettext("Behandlingen kunde inte sparas: %(reason)s") % {"reason": error}
                )
                result, activity = classify(answers), None
            if activity is not None:
                messages.success(
                    request, gettext("Behandlingen %(name)s är sparad.") % {"name": activity.name}
                )
                return HttpResponseRedirect(activity.get_absolute_url())
        else:
            result = classify(answers)
        return self.render_to_response(
            self.get_context_data(
                form=form,
                result=result,
                low_risk=result.outcome == Outcome.LOW_RISK,
                full_assessment=result.outcome == Outcome.FULL_ASSESSMENT,
                can_write=may_write,
                can_assess=may_assess,
            )
        )


class RopaForm(forms.Form):
    controller = forms.ModelChoiceField(
        label=_("Personuppgiftsansvarig"),
        queryset=Organisation.objects.controllers().order_by("name"),
        required=False,
        empty_label=_("Alla nämnder"),
    )
    as_of = forms.DateField(
        label=_("Som registret såg ut den"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Tomt: som det är nu."),
    )
    processor = forms.BooleanField(
        label=_("Förteckning som personuppgiftsbiträde (art. 30.2)"), required=False
    )
    format = forms.ChoiceField(
        label=_("Format"), choices=[("xlsx", "Excel"), ("csv", "CSV"), ("json", "JSON")], initial="xlsx"
    )

    def clean_as_of(self):
        value = self.cleaned_data["as_of"]
        if value and value > timezone.localdate():
            raise ValidationError(_("Datumet kan inte ligga i framtiden."))
        return value


class RopaDownloadView(PermissionRequiredMixin, TemplateView):
    """Choose a controller and a date; the file holds the same columns whatever the format."""

    template_name = "gdpr/ropa_download.html"
    permission_required = (VIEW,)
    raise_exception = True

    def get(self, request, *args, **kwargs):
        if "format" not in request.GET:
            return self.render_to_response(self.get_context_data(form=RopaForm()))
        form = RopaForm(request.GET)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        data = form.cleaned_data
        as_of: datetime.date | None = data["as_of"]
        rows = ropa_rows(controller=data["controller"], as_of=as_of, processor=data["processor"])
        stem = "registerforteckning"
        if data["controller"]:
            from django.utils.text import slugify

            stem += f"-{slugify(data['controller'].name)}"
        stem += f"-{(as_of or timezone.localdate()).isoformat()}"
        fmt = data["format"]
        if fmt == "xlsx":
            response = HttpResponse(
                xlsx_bytes(ropa_frames(rows, on=as_of)),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        elif fmt == "csv":
            response = HttpResponse(
                ("\ufeff" + write_csv(rows_frame(rows))).encode(), content_type="text/csv; charset=utf-8"
            )
        else:
            response = HttpResponse(ropa_json(rows).encode(), content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
        return response


#
# The register's own personal data: access and erasure (Art. 15, 17)
#

ERASE = "gdpr.add_personerasure"


# A function view: a search over every table (gdpr.subject_rights), not a register page.
@permission_required(ERASE, raise_exception=True)
def subject_report_view(request: HttpRequest) -> HttpResponse:
    """Everything the register holds about one person, found by e-mail; JSON with ``?format=json``."""
    email = request.GET.get("email", "").strip()
    report = subject_report(email) if email else None
    if report is not None and request.GET.get("format") == "json":
        response = HttpResponse(report.as_json(), content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="registerutdrag.json"'
        return response
    context = {
        "email": email,
        "report": report,
        "erasures": PersonErasure.objects.select_related("erased_by")[:20],
    }
    return TemplateResponse(request, "gdpr/subject.html", context)


# A function view: one POST action (the erasure) with its confirmation.
@require_POST
@permission_required(ERASE, raise_exception=True)
def subject_erase_view(request: HttpRequest) -> HttpResponse:
    """Pseudonymise a person everywhere; only with the confirmation box ticked."""
    email = request.POST.get("email", "").strip()
    if not email or request.POST.get("confirm") != "on":
        report = subject_report(email) if email else None
        messages.error(request, gettext("Bekräfta att personen ska raderas i hela registret."))
        context = {"email": email, "report": report, "erasures": PersonErasure.objects.all()[:20]}
        return TemplateResponse(request, "gdpr/subject.html", context, status=400)
    try:
        result = erase_person(email, user=request.user, reason=request.POST.get("reason", "").strip())
    except Person.DoesNotExist as error:
        messages.error(request, str(error))
        return HttpResponseRedirect(reverse("gdpr:subject_report"))
    messages.success(
        request,
        ngettext(
            "Personen är raderad: %(count)s rad ändrades, nu %(pseudonym)s.",
            "Personen är raderad: %(count)s rader ändrades, nu %(pseudonym)s.",
            result.total,
        )
        % {"count": result.total, "pseudonym": result.pseudonym},
    )
    return HttpResponseRedirect(reverse("gdpr:subject_report"))


#
# The register of breaches (Art. 33.5)
#


class BreachListView(RegisterListView):
    """The dataskyddssamordnare's register of breaches; those without the permission get a 403."""

    model = Breach
    template_name = "gdpr/breach_list.html"
    filterset_class = BreachFilterSet
    select_related = ("vendor",)
    title = _("Personuppgiftsincidenter")
    intro = _(
        "Varje personuppgiftsincident dokumenteras här (art. 33.5). Incidenter som kan medföra en risk "
        "anmäls till IMY inom 72 timmar från upptäckten; vid hög risk informeras de registrerade (art. 34)."
    )
    columns = [
        Column("title", _("Rubrik"), order="title", link=True),
        Column("discovered_at", _("Upptäcktes"), order="discovered_at"),
        Column("status", _("Status")),
        Column("risk", _("Riskbedömning")),
        Column("imy_notified_at", _("Anmäld till IMY"), order="imy_notified_at"),
        Column("vendor", _("Personuppgiftsbiträde")),
    ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["breach_register_url"] = reverse("gdpr:breach_register")
        context["breach_report_url"] = reverse("gdpr:breach_report")
        return context


class BreachDetailView(RegisterDetailView):
    model = Breach
    template_name = "gdpr/breach_detail.html"
    select_related = ("vendor", "reported_by")
    fields = [
        *(name for _title, names in BREACH_SECTIONS for name in names if name != "processing_activities"),
        "reported_by",
    ]

    def sections(self, obj) -> list[Section]:
        return [
            Section(
                _("Behandlingar"),
                obj.processing_activities.select_related("controller").order_by("name"),
                [
                    Column("name", _("Benämning"), link=True),
                    Column("controller", _("Personuppgiftsansvarig")),
                ],
                empty=_("Ingen behandling angiven."),
            )
        ]

    def more_context(self, obj) -> dict[str, Any]:
        now = timezone.now()
        findings = [f for f in find_gaps(include_acknowledged=False, now=now) if f.target_type == "breach"]
        return {
            "breach_findings": [f for f in findings if f.target_id == obj.pk],
            "clock_running": obj.clock_running(now),
            "hours_left_text": clock_text(obj.hours_left(now)),
            "deadline": obj.notification_deadline,
        }


class BreachEditView(RegisterEditView):
    """The dataskyddssamordnare records or completes a breach (``gdpr.add_breach``/``change_breach``)."""

    model = Breach
    form_class = BreachForm
    template_name = "gdpr/activity_form.html"

    def context(self, obj, form) -> dict[str, Any]:
        context = super().context(obj, form)
        context["sections"] = [
            (title, [form[name] for name in names if name in form.fields]) for title, names in BREACH_SECTIONS
        ]
        if not obj:
            context["title"] = str(_("Ny personuppgiftsincident"))
        return context


class BreachReportView(LoginRequiredMixin, TemplateView):
    """Anyone logged in reports a suspected breach; the dataskyddssamordnare is e-mailed at once."""

    template_name = "gdpr/breach_report.html"

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=BreachReportForm()))

    def post(self, request, *args, **kwargs):
        form = BreachReportForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        breach = report_breach(form, user=request.user)
        messages.success(
            request,
            _("Tack! Incidenten ”%(title)s” är rapporterad och dataskyddssamordnaren har fått besked.")
            % {"title": breach.title},
        )
        if request.user.has_perm("gdpr.view_breach"):
            return HttpResponseRedirect(breach.get_absolute_url())
        return HttpResponseRedirect(reverse("gdpr:breach_report"))


class BreachRegisterForm(forms.Form):
    as_of = forms.DateField(
        label=_("Som förteckningen såg ut den"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Tomt: som den är nu."),
    )

    def clean_as_of(self):
        value = self.cleaned_data["as_of"]
        if value and value > timezone.localdate():
            raise ValidationError(_("Datumet kan inte ligga i framtiden."))
        return value


class BreachRegisterDownloadView(PermissionRequiredMixin, TemplateView):
    """The register of breaches as an Excel workbook for IMY's inspection, now or as of a date."""

    template_name = "gdpr/breach_register.html"
    permission_required = ("gdpr.view_breach",)
    raise_exception = True

    def get(self, request, *args, **kwargs):
        if "as_of" not in request.GET:
            return self.render_to_response(self.get_context_data(form=BreachRegisterForm()))
        form = BreachRegisterForm(request.GET)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        as_of = form.cleaned_data["as_of"]
        day = as_of or timezone.localdate()
        rows = breach_rows(as_of=as_of)
        response = HttpResponse(
            xlsx_bytes(breach_workbook(rows, on=day)),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        filename = f"personuppgiftsincidenter-{day.isoformat()}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

"""The Forms of the GDPR record, shared by the web UI, GraphQL mutations and imports."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gdpr.models import (
    Breach,
    BreachProcessingActivity,
    BreachService,
    Dpia,
    ProcessingActivity,
    ProcessingActivityService,
    ProcessorSecurityReview,
    Transfer,
)
from portfolio.choices import ServiceKind
from portfolio.forms import DATE_WIDGET, RegisterForm, service_links_of_kind
from portfolio.models import Application, Contract, LearningResource

__all__ = [
    "ARTICLE_30_SECTIONS",
    "BREACH_SECTIONS",
    "BreachForm",
    "BreachReportForm",
    "DpiaForm",
    "ProcessingActivityForm",
    "ProcessorAgreementForm",
    "ProcessorSecurityReviewForm",
    "TransferForm",
]

#: The processing-activity form's fields grouped as Article 30(1) reads, for the web form.
ARTICLE_30_SECTIONS: list[tuple[str, list[str]]] = [
    (
        _("Benämning och ansvar (art. 30.1 a)"),
        ["name", "controller", "joint_controller", "joint_arrangement", "responsible", "status"],
    ),
    (_("Ändamål (art. 30.1 b)"), ["purposes"]),
    (
        _("Registrerade och personuppgifter (art. 30.1 c)"),
        [
            "data_subject_categories",
            "data_subject_description",
            "personal_data_categories",
            "involves_children",
            "personal_identity_numbers",
            "personal_identity_number_need",
            "protected_identity",
            "protected_identity_routine",
        ],
    ),
    (
        _("Information till de registrerade (art. 13–14)"),
        ["information_reference", "information_updated_on"],
    ),
    (_("Mottagare (art. 30.1 d)"), ["recipients"]),
    (_("Gallring (art. 30.1 f)"), ["retention_period", "retention_criteria", "retention_decision"]),
    (_("Säkerhetsåtgärder (art. 30.1 g)"), ["security_measures"]),
    (
        _("Rättslig grund och känsliga uppgifter (art. 6, 9, 10)"),
        [
            "legal_basis",
            "legal_basis_law",
            "special_categories",
            "special_category_condition",
            "criminal_offence_data",
        ],
    ),
    (
        _("Risk och konsekvensbedömning (art. 22, 35)"),
        [
            "profiling",
            "automated_decisions",
            "automated_decision_assessment",
            "systematic_monitoring",
            "monitoring_areas",
            "monitoring_hours",
            "monitoring_around_the_clock",
            "monitoring_around_the_clock_reason",
            "monitoring_access",
            "monitoring_retention_days",
            "large_scale",
            "innovative_technology",
            "combines_datasets",
        ],
    ),
    (_("System och lärresurser"), ["applications", "learning_resources"]),
    (_("Personuppgiftsbiträde (art. 30.2)"), ["acts_as_processor", "on_behalf_of"]),
    (_("Övrigt"), ["external_id", "internal_notes"]),
]


#: The facts the information to data subjects and a DPIA describe: a change to any of them dates
#: both (``content_changed_on``). Review dates, notes and the responsible person are not among them.
SUBSTANTIVE_FIELDS = frozenset(
    {
        "controller", "joint_controller", "purposes", "data_subject_categories", "data_subject_description",
        "personal_data_categories", "involves_children", "personal_identity_numbers", "protected_identity",
        "recipients", "retention_period", "legal_basis", "legal_basis_law", "special_categories",
        "special_category_condition", "criminal_offence_data", "profiling", "automated_decisions",
        "systematic_monitoring", "monitoring_areas", "monitoring_hours", "monitoring_around_the_clock",
        "monitoring_access", "monitoring_retention_days", "large_scale", "innovative_technology",
        "combines_datasets", "applications", "learning_resources",
    }
)


class ProcessingActivityForm(RegisterForm):
    applications = service_links_of_kind(Application, _("system"))
    learning_resources = service_links_of_kind(LearningResource, _("lärresurser"))
    link_fields = {
        "applications": (
            ProcessingActivityService, "processing_activity", "service", ServiceKind.APPLICATION,
        ),
        "learning_resources": (
            ProcessingActivityService, "processing_activity", "service", ServiceKind.LEARNING_RESOURCE,
        ),
    }

    #: Long lists (hundreds of systems and learning resources) that static/js/searchable-select.js
    #: turns into a searchable list of checkboxes; without the script they stay plain multi-selects.
    searchable_fields = ("applications", "learning_resources")

    class Meta:
        model = ProcessingActivity
        fields = [field for _title, fields in ARTICLE_30_SECTIONS for field in fields]
        widgets = {"information_updated_on": DATE_WIDGET}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.searchable_fields:
            if name in self.fields:
                self.fields[name].widget.attrs.update({"data-searchable": "", "size": "10"})

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is None or SUBSTANTIVE_FIELDS.intersection(self.changed_data):
            self.instance.content_changed_on = timezone.localdate()
        return cleaned_data


class TransferForm(RegisterForm):
    class Meta:
        model = Transfer
        fields = ["processing_activity", "country", "recipient", "mechanism", "tia_done", "notes"]


class DpiaForm(RegisterForm):
    class Meta:
        model = Dpia
        fields = [
            "processing_activity",
            "status",
            "started_on",
            "completed_on",
            "residual_risk",
            "prior_consultation_on",
            "summary",
            "processing_description",
            "necessity_assessment",
            "risk_assessment",
            "risk_measures",
            "dpo_opinion",
            "dpo_consulted_on",
        ]
        widgets = {
            "started_on": DATE_WIDGET,
            "completed_on": DATE_WIDGET,
            "prior_consultation_on": DATE_WIDGET,
            "dpo_consulted_on": DATE_WIDGET,
        }


class ProcessorSecurityReviewForm(RegisterForm):
    class Meta:
        model = ProcessorSecurityReview
        fields = ["vendor", "reviewed_on", "outcome", "reference", "notes"]
        widgets = {"reviewed_on": DATE_WIDGET}


class ProcessorAgreementForm(RegisterForm):
    """The processor-agreement part of a contract (Art. 28.3), which the dataskyddssamordnare keeps.

    The commercial fields (value, dates, notice, procurement) stay with the strateg's contract
    form; a new contract started here carries only a name and the vendor besides the agreement.
    """

    class Meta:
        model = Contract
        fields = ["dpa_signed_on", "dpa_reference", "subprocessors"]
        widgets = {"dpa_signed_on": DATE_WIDGET}


class NewProcessorAgreementForm(ProcessorAgreementForm):
    class Meta(ProcessorAgreementForm.Meta):
        fields = ["name", "vendor", *ProcessorAgreementForm.Meta.fields]


#
# The register of breaches (Art. 33.5)
#

#: An aware date and time, entered in the site's time zone (Europe/Stockholm).
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

#: The breach form's fields grouped as Articles 33 and 34 read, for the web form and the detail page.
BREACH_SECTIONS: list[tuple[str, list[str]]] = [
    (
        _("Vad hände (art. 33.3 a)"),
        ["title", "status", "description", "occurred_at", "discovered_at", "reported_internally_at"],
    ),
    (_("Behandlingar, tjänster och biträde"), ["processing_activities", "services", "vendor"]),
    (
        _("Registrerade och personuppgifter (art. 33.3 a)"),
        [
            "data_subject_categories",
            "subjects_approx",
            "records_approx",
            "personal_data_categories",
            "protected_identity",
            "special_categories",
        ],
    ),
    (_("Konsekvenser och åtgärder (art. 33.3 c–d)"), ["consequences", "measures"]),
    (_("Riskbedömning (art. 33.1, 34.1)"), ["risk", "risk_reasoning"]),
    (
        _("Anmälan till IMY (art. 33.1)"),
        ["imy_notified_at", "imy_reference", "delay_reason", "not_notified_reason"],
    ),
    (
        _("Information till de registrerade (art. 34)"),
        [
            "subjects_informed_at",
            "subjects_informed_how",
            "communication_exception",
            "subjects_not_informed_reason",
        ],
    ),
]

_BREACH_TIMES = (
    "occurred_at",
    "discovered_at",
    "reported_internally_at",
    "imy_notified_at",
    "subjects_informed_at",
)


class BreachForm(RegisterForm):
    """The dataskyddssamordnare's record of a breach; shared by the page, GraphQL and imports."""

    link_fields = {
        "processing_activities": (BreachProcessingActivity, "breach", "processing_activity"),
        "services": (BreachService, "breach", "service"),
    }

    class Meta:
        model = Breach
        fields = [field for _title, fields in BREACH_SECTIONS for field in fields]
        widgets = {name: DATETIME_WIDGET for name in _BREACH_TIMES}


class BreachReportForm(RegisterForm):
    """The short form anyone logged in may use to report a suspected breach."""

    class Meta:
        model = Breach
        fields = ["title", "description", "occurred_at", "discovered_at"]
        widgets = {"occurred_at": DATETIME_WIDGET, "discovered_at": DATETIME_WIDGET}
        labels = {
            "discovered_at": _("När upptäcktes den?"),
            "occurred_at": _("När inträffade den (om känt)?"),
        }
        help_texts = {
            "title": _("Kort, t.ex. ”Klasslista skickad till fel vårdnadshavare”."),
            "description": _(
                "Vad hände, vilka system eller dokument gäller det, vilka elever, vårdnadshavare eller "
                "anställda berörs? Skriv inte in fler personuppgifter än som behövs."
            ),
            "discovered_at": _("Dataskyddssamordnaren har 72 timmar från upptäckten att anmäla till IMY."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.instance.pk is None:
            self.initial.setdefault("discovered_at", timezone.localtime().replace(second=0, microsecond=0))

"""The Forms of the GDPR record, shared by the web UI, GraphQL mutations and imports."""

from django.utils.translation import gettext_lazy as _

from gdpr.models import (
    Dpia,
    ProcessingActivity,
    ProcessingActivityApplication,
    ProcessingActivityLearningResource,
    Transfer,
)
from portfolio.forms import DATE_WIDGET, RegisterForm

__all__ = ["DpiaForm", "ProcessingActivityForm", "TransferForm", "ARTICLE_30_SECTIONS"]

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
            "large_scale",
            "innovative_technology",
            "combines_datasets",
        ],
    ),
    (_("System och lärresurser"), ["applications", "learning_resources"]),
    (_("Personuppgiftsbiträde (art. 30.2)"), ["acts_as_processor", "on_behalf_of"]),
    (_("Övrigt"), ["external_id", "internal_notes"]),
]


class ProcessingActivityForm(RegisterForm):
    link_fields = {
        "applications": (ProcessingActivityApplication, "processing_activity", "application"),
        "learning_resources": (
            ProcessingActivityLearningResource,
            "processing_activity",
            "learning_resource",
        ),
    }

    class Meta:
        model = ProcessingActivity
        fields = [field for _title, fields in ARTICLE_30_SECTIONS for field in fields]


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
        ]
        widgets = {
            "started_on": DATE_WIDGET,
            "completed_on": DATE_WIDGET,
            "prior_consultation_on": DATE_WIDGET,
        }

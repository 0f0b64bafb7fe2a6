"""GraphQL types of the GDPR record: processing activities, transfers and impact assessments."""

import graphene
from query_optimizer import MultiField

from gdpr import filters, models
from portfolio.graphql.base import RegisterConnectionField, RegisterType
from portfolio.graphql.types import REGISTER_FIELDS, ApplicationType, LearningResourceType

__all__ = [
    "BreachType",
    "DpiaType",
    "GapAcknowledgementType",
    "ProcessingActivityType",
    "ProcessorSecurityReviewType",
    "TransferType",
]


class ProcessingActivityType(RegisterType):
    """One entry of the Article 30 record: a purpose-bound processing of personal data by a nämnd."""

    applications = RegisterConnectionField(
        lambda: ApplicationType, field_name="services", description="System där behandlingen utförs."
    )
    learning_resources = RegisterConnectionField(
        lambda: LearningResourceType, field_name="services",
        description="Lärresurser där behandlingen utförs.",
    )
    transfers = RegisterConnectionField(lambda: TransferType, description="Tredjelandsöverföringar (kap. V).")
    dpias = RegisterConnectionField(lambda: DpiaType, description="Konsekvensbedömningar (art. 35).")
    has_special_categories = MultiField(
        graphene.Boolean, fields=["special_categories"], required=True,
        description="Behandlingen omfattar känsliga personuppgifter (art. 9).",
    )

    class Meta:
        model = models.ProcessingActivity
        name = "ProcessingActivity"
        fields = [
            *REGISTER_FIELDS, "name", "controller", "joint_controller", "joint_arrangement", "purposes",
            "data_subject_categories", "data_subject_description", "personal_data_categories", "recipients",
            "retention_period", "retention_criteria", "retention_decision", "security_measures",
            "legal_basis", "legal_basis_law", "information_reference", "information_updated_on",
            "content_changed_on", "special_categories", "special_category_condition",
            "criminal_offence_data",
            "involves_children", "personal_identity_numbers", "personal_identity_number_need",
            "protected_identity", "protected_identity_routine", "profiling", "automated_decisions",
            "automated_decision_assessment", "systematic_monitoring", "monitoring_areas", "monitoring_hours",
            "monitoring_around_the_clock", "monitoring_around_the_clock_reason", "monitoring_access",
            "monitoring_retention_days", "large_scale", "innovative_technology",
            "combines_datasets", "acts_as_processor", "on_behalf_of", "status", "responsible",
            "last_reviewed_on", "external_id", "internal_notes",
        ]
        filterset_class = filters.ProcessingActivityFilterSet

    @staticmethod
    def resolve_has_special_categories(root, info) -> bool:
        return root.has_special_categories


class TransferType(RegisterType):
    """A tredjelandsöverföring: personal data of a processing activity sent outside the EU/EEA."""

    class Meta:
        model = models.Transfer
        name = "Transfer"
        fields = [
            *REGISTER_FIELDS, "processing_activity", "country", "recipient", "mechanism", "tia_done", "notes",
        ]
        filterset_class = filters.TransferFilterSet

    @staticmethod
    def resolve_country(root, info) -> str:
        return root.country.code or ""


class DpiaType(RegisterType):
    """The impact assessment of a processing activity (Art. 35) and any prior consultation of IMY (36)."""

    class Meta:
        model = models.Dpia
        name = "Dpia"
        fields = [
            *REGISTER_FIELDS, "processing_activity", "status", "started_on", "completed_on", "residual_risk",
            "prior_consultation_on", "summary", "processing_description", "necessity_assessment",
            "risk_assessment", "risk_measures", "dpo_opinion", "dpo_consulted_on",
        ]
        filterset_class = filters.DpiaFilterSet


class ProcessorSecurityReviewType(RegisterType):
    """A documented review of a processor's security measures (Art. 28.1, 32)."""

    class Meta:
        model = models.ProcessorSecurityReview
        name = "ProcessorSecurityReview"
        fields = [*REGISTER_FIELDS, "vendor", "reviewed_on", "outcome", "reference", "notes"]
        filterset_class = filters.ProcessorSecurityReviewFilterSet


class GapAcknowledgementType(RegisterType):
    """A documented decision to accept a GDPR gap finding (rule, target, reason), with its history."""

    class Meta:
        model = models.GapAcknowledgement
        name = "GapAcknowledgement"
        fields = [
            *REGISTER_FIELDS, "code", "target_type", "target_id", "activity_id", "target_name", "reason",
            "acknowledged_on",
        ]


class BreachType(RegisterType):
    """A personal data breach in the register of breaches (Art. 33.5); not shown to a läsare."""

    processing_activities = RegisterConnectionField(
        lambda: ProcessingActivityType, description="Behandlingar vars personuppgifter incidenten gällde."
    )
    notification_deadline = MultiField(
        graphene.DateTime,
        fields=["discovered_at"],
        required=True,
        description="72 timmar (verkliga) efter upptäckten: fristen för anmälan till IMY (art. 33.1).",
    )
    notified_in_time = MultiField(
        graphene.Boolean,
        fields=["discovered_at", "imy_notified_at"],
        required=True,
        description="Anmäld till IMY senast 72 timmar efter upptäckten.",
    )

    class Meta:
        model = models.Breach
        name = "Breach"
        fields = [
            *REGISTER_FIELDS, "title", "status", "occurred_at", "discovered_at", "reported_internally_at",
            "description", "vendor", "data_subject_categories", "subjects_approx", "records_approx",
            "personal_data_categories", "protected_identity", "special_categories", "consequences",
            "measures", "risk", "risk_reasoning", "imy_notified_at", "imy_reference", "delay_reason",
            "not_notified_reason", "subjects_informed_at", "subjects_informed_how",
            "communication_exception", "subjects_not_informed_reason",
        ]
        filterset_class = filters.BreachFilterSet

    @staticmethod
    def resolve_notification_deadline(root, info):
        return root.notification_deadline

    @staticmethod
    def resolve_notified_in_time(root, info) -> bool:
        return root.notified_in_time

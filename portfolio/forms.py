"""The Forms of the portfolio: one per model, validating the web edit, the GraphQL mutation and
the spreadsheet row alike (docs/architecture.md, principle 1)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portfolio.models import (
    Application,
    ApplicationCapability,
    ApplicationUsage,
    Capability,
    Contract,
    ContractApplication,
    ContractLearningResource,
    Cost,
    LearningResource,
    LearningResourceCapability,
    LearningResourceUsage,
    ManagementObject,
    ManagementPlan,
    Organisation,
    Person,
    RoleAssignment,
    Vendor,
)

__all__ = [
    "ApplicationForm",
    "CapabilityForm",
    "ContractForm",
    "CostForm",
    "LearningResourceForm",
    "ManagementObjectForm",
    "ManagementPlanForm",
    "OrganisationForm",
    "PersonForm",
    "RegisterForm",
    "RoleAssignmentForm",
    "VendorForm",
]


class RegisterForm(forms.ModelForm):
    """Base of every register form.

    ``link_fields`` names the many-to-many fields whose rows live in through models with their
    own history; they are written by ``portfolio.services.set_links`` (row by row, with history)
    instead of Django's ``.set()``, which would bypass history.
    """

    #: form field → (through model, owner FK name, target FK name)
    link_fields: dict[str, tuple[type, str, str]] = {}

    def _save_m2m(self) -> None:
        # Only plain many-to-many fields here; links go through save_links().
        cleaned_data = self.cleaned_data
        for field in self.instance._meta.many_to_many:
            if field.name in self.link_fields or field.name not in cleaned_data:
                continue
            if self._meta.fields and field.name not in self._meta.fields:
                continue
            field.save_form_data(self.instance, cleaned_data[field.name])

    def save_links(self, *, user=None, reason: str = "") -> bool:
        from portfolio.services import set_links

        changed = False
        for name, (through, owner_field, target_field) in self.link_fields.items():
            if name in self.cleaned_data and name in self.fields:
                changed |= set_links(
                    self.instance, through, owner_field, target_field, self.cleaned_data[name] or [],
                    user=user, reason=reason,
                )
        self._save_m2m()
        return changed


class OrganisationForm(RegisterForm):
    class Meta:
        model = Organisation
        fields = [
            "name", "kind", "parent", "school_form", "organisation_number", "school_unit_code",
            "external_id", "contact_email", "dpo_contact", "active",
        ]


class VendorForm(RegisterForm):
    class Meta:
        model = Vendor
        fields = ["name", "organisation_number", "country", "dpf_listed", "website", "external_id", "notes"]


class CapabilityForm(RegisterForm):
    class Meta:
        model = Capability
        fields = ["name", "parent", "description"]


SERVICE_FIELDS = [
    "name", "aliases", "vendor", "product", "description", "url", "capabilities", "organisations",
    "user_groups", "lifecycle_status", "in_use_from", "planned_end", "retired_on", "authentication",
    "identity_provider", "federation", "saml_entity_ids", "provisioning", "mfa", "processes_personal_data",
    "hosting", "data_location", "external_id", "notes",
]

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ApplicationForm(RegisterForm):
    link_fields = {
        "capabilities": (ApplicationCapability, "application", "capability"),
        "organisations": (ApplicationUsage, "application", "organisation"),
    }

    class Meta:
        model = Application
        fields = [*SERVICE_FIELDS, "management_object", "time_classification"]
        widgets = {"in_use_from": DATE_WIDGET, "planned_end": DATE_WIDGET, "retired_on": DATE_WIDGET}


class LearningResourceForm(RegisterForm):
    link_fields = {
        "capabilities": (LearningResourceCapability, "learning_resource", "capability"),
        "organisations": (LearningResourceUsage, "learning_resource", "organisation"),
    }

    class Meta:
        model = LearningResource
        fields = [
            *SERVICE_FIELDS, "kind", "subjects", "school_year_from", "school_year_to", "licence_model",
            "approval_status",
        ]
        widgets = {"in_use_from": DATE_WIDGET, "planned_end": DATE_WIDGET, "retired_on": DATE_WIDGET}


class ManagementObjectForm(RegisterForm):
    class Meta:
        model = ManagementObject
        fields = ["name", "description", "owner_organisation", "external_id"]


class ManagementPlanForm(RegisterForm):
    class Meta:
        model = ManagementPlan
        fields = [
            "management_object", "year", "status", "approved_on", "budget_business_maintenance",
            "budget_business_development", "budget_it_maintenance", "budget_it_development", "goals",
        ]
        widgets = {"approved_on": DATE_WIDGET}


class PersonForm(RegisterForm):
    class Meta:
        model = Person
        fields = ["name", "email", "title", "organisation", "active", "external_id"]


class RoleAssignmentForm(RegisterForm):
    class Meta:
        model = RoleAssignment
        fields = [
            "person", "role", "management_object", "application", "learning_resource", "organisation",
            "starts_on", "ends_on",
        ]
        widgets = {"starts_on": DATE_WIDGET, "ends_on": DATE_WIDGET}


class CostForm(RegisterForm):
    class Meta:
        model = Cost
        fields = [
            "amount", "year", "management_object", "application", "learning_resource", "category", "kind",
            "pm3_part", "description", "external_id",
        ]

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount is not None and amount < 0:
            raise forms.ValidationError(_("Beloppet kan inte vara negativt."))
        return amount


class ContractForm(RegisterForm):
    link_fields = {
        "applications": (ContractApplication, "contract", "application"),
        "learning_resources": (ContractLearningResource, "contract", "learning_resource"),
    }

    class Meta:
        model = Contract
        fields = [
            "name", "vendor", "applications", "learning_resources", "procurement_reference", "starts_on",
            "ends_on", "notice_months", "annual_value", "dpa_signed_on", "dpa_reference", "subprocessors",
            "external_id",
        ]
        widgets = {"starts_on": DATE_WIDGET, "ends_on": DATE_WIDGET, "dpa_signed_on": DATE_WIDGET}

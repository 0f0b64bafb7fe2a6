"""The Forms of the portfolio: one per model, validating the web edit, the GraphQL mutation and
the spreadsheet row alike (docs/architecture.md, principle 1)."""

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from portfolio.choices import ServiceKind
from portfolio.models import (
    Application,
    Capability,
    Contract,
    ContractService,
    Cost,
    LearningResource,
    ManagementObject,
    ManagementPlan,
    Organisation,
    Person,
    RoleAssignment,
    ServiceCapability,
    ServiceUsage,
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
    "ServiceTargetMixin",
    "ServiceUsageForm",
    "ServiceUsersForm",
    "VendorForm",
    "service_links_of_kind",
]


def https_urls(field: models.Field, **kwargs):
    """Form fields of the model's fields, a web address typed without a scheme taken as https
    (Django 6's default, and the only sane one today; the admin does the same)."""
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


class RegisterForm(forms.ModelForm):
    """Base of every register form.

    ``link_fields`` names the many-to-many fields whose rows live in through models with their
    own history; they are written by ``portfolio.services.set_links`` (row by row, with history)
    instead of Django's ``.set()``, which would bypass history.
    """

    #: form field → (through model, owner FK name, target FK name[, service kind]). With a kind,
    #: the field holds the links to services of that kind only (``service_links_of_kind``).
    link_fields: dict[str, tuple] = {}

    # No ``__init__`` here or in the mixins below: the importer shares the fields of a form class
    # without one between rows (integrations.bulk). Values a model field does not give are
    # worked out in ``get_initial_for_field``.
    def get_initial_for_field(self, field, field_name):
        link = self.link_fields.get(field_name)
        if link is not None and len(link) == 4 and field_name not in self.initial:
            through, owner_field, target_field, kind = link
            if not self.instance.pk:
                return []
            self.initial[field_name] = list(
                through._default_manager.filter(
                    **{owner_field: self.instance, f"{target_field}__kind": kind}
                ).values_list(f"{target_field}_id", flat=True)
            )
        return super().get_initial_for_field(field, field_name)

    def initial_values(self) -> dict:
        """Every field's initial value, as the rendered form would show it."""
        return {name: self.get_initial_for_field(field, name) for name, field in self.fields.items()}

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
        for name, (through, owner_field, target_field, *kind) in self.link_fields.items():
            if name in self.cleaned_data and name in self.fields:
                changed |= set_links(
                    self.instance, through, owner_field, target_field, self.cleaned_data[name] or [],
                    user=user, reason=reason,
                    within={f"{target_field}__kind": kind[0]} if kind else None,
                )
        self._save_m2m()
        return changed


def service_links_of_kind(model: type, label) -> forms.ModelMultipleChoiceField:
    """A form field for the links to services of one kind (systems or learning resources).

    Relations point at ``Service``, but forms, spreadsheets and GraphQL mutations keep their
    separate ``applications`` / ``learning_resources`` fields: each is written with
    ``set_links(within=<kind>)`` so that saving one leaves the other kind's links alone.
    """
    return forms.ModelMultipleChoiceField(queryset=model.objects.all(), required=False, label=label)


class ServiceTargetMixin:
    """A form whose row points at one service through ``service`` keys, offered per kind.

    ``service_targets`` maps the form's per-kind field (``application``, ``source_application`` …)
    to (the model's service key, the kind's proxy model). The chosen service is put on the
    instance before the model validates it, and the model's errors on the service key are shown
    on the per-kind field.
    """

    service_targets: dict[str, tuple[str, type]] = {}

    def get_initial_for_field(self, field, field_name):
        target = self.service_targets.get(field_name)
        if target is not None and field_name not in self.initial:
            key, model = target
            service = getattr(self.instance, key) if getattr(self.instance, f"{key}_id") else None
            return service.pk if service is not None and service.kind == model.KIND else None
        return super().get_initial_for_field(field, field_name)

    def clean(self):
        cleaned_data = super().clean()
        by_key: dict[str, list] = {}
        for name, (key, _model) in self.service_targets.items():
            by_key.setdefault(key, [])
            if cleaned_data.get(name) is not None:
                by_key[key].append(cleaned_data[name])
        for key, chosen in by_key.items():
            setattr(self.instance, key, chosen[0] if len(chosen) == 1 else None)
            if len(chosen) > 1:
                # Two services for one end: the model's exactly-one rule refuses the empty key.
                setattr(self.instance, f"{key}_id", None)
        return cleaned_data

    def add_error(self, field, error):
        if field is None and hasattr(error, "error_dict"):
            renamed = {}
            for key, errors in error.error_dict.items():
                renamed.setdefault(self._field_for_key(key), []).extend(errors)
            error = forms.ValidationError(renamed)
        elif field is not None:
            field = self._field_for_key(field)
        super().add_error(field, error)

    def _field_for_key(self, key: str) -> str:
        for name, (service_key, _model) in self.service_targets.items():
            if service_key == key:
                return name
        return key


def _service_choice(model: type, label) -> forms.ModelChoiceField:
    """A form field for a service of one kind (its proxy model's rows)."""
    return forms.ModelChoiceField(queryset=model.objects.all(), required=False, label=label)


#: The kinds a form offers a service end in, one field each: (the field's suffix, the kind's model).
SERVICE_KIND_FIELDS = (("application", Application), ("learning_resource", LearningResource))


def service_ends(*ends: tuple[str, str, tuple]) -> type:
    """A form base offering each service key of the model as one choice field per kind.

    Each end is (the model's service key, the fields' prefix, one label per kind in
    :data:`SERVICE_KIND_FIELDS` order): ``("service", "", (_("system"), _("lärresurs")))`` declares
    ``application`` and ``learning_resource`` for the key ``service``. Forms, spreadsheets and
    GraphQL mutations keep those per-kind names; the fields and their ``service_targets`` are
    written here once instead of by hand in every form whose row points at a service.
    """
    declared: dict[str, forms.Field] = {}
    targets: dict[str, tuple[str, type]] = {}
    for key, prefix, labels in ends:
        for (suffix, model), label in zip(SERVICE_KIND_FIELDS, labels, strict=True):
            declared[prefix + suffix] = _service_choice(model, label)
            targets[prefix + suffix] = (key, model)
    # ``declared_fields`` is what Django's form metaclass collects from a base class.
    attributes = {"declared_fields": declared, "service_targets": targets}
    return type("ServiceEnds", (ServiceTargetMixin,), attributes)


#: The one service a row is about (a role, a cost), offered as a system or a learning resource.
ONE_SERVICE = ("service", "", (_("system"), _("lärresurs")))


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
        formfield_callback = https_urls


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


#: The links every service form writes, whichever its kind.
SERVICE_LINK_FIELDS = {
    "capabilities": (ServiceCapability, "service", "capability"),
    "organisations": (ServiceUsage, "service", "organisation"),
}


class ApplicationForm(RegisterForm):
    link_fields = SERVICE_LINK_FIELDS

    class Meta:
        model = Application
        fields = [*SERVICE_FIELDS, "management_object", "time_classification"]
        formfield_callback = https_urls
        widgets = {"in_use_from": DATE_WIDGET, "planned_end": DATE_WIDGET, "retired_on": DATE_WIDGET}


class LearningResourceForm(RegisterForm):
    link_fields = SERVICE_LINK_FIELDS
    kind = forms.ChoiceField(
        label=LearningResource._meta.get_field("resource_type").verbose_name,
        choices=[("", "---------"), *LearningResource._meta.get_field("resource_type").choices],
        required=False,
    )

    class Meta:
        model = LearningResource
        fields = [
            *SERVICE_FIELDS, "kind", "subjects", "school_year_from", "school_year_to", "licence_model",
            "approval_status",
        ]
        widgets = {"in_use_from": DATE_WIDGET, "planned_end": DATE_WIDGET, "retired_on": DATE_WIDGET}
        formfield_callback = https_urls

    # A learning resource's type is the column ``resource_type`` (``kind`` now says which kind of
    # service a row is); forms, spreadsheets and GraphQL keep calling it ``kind``.
    def get_initial_for_field(self, field, field_name):
        if field_name == "kind" and self.initial.get("kind") == self.instance.kind:
            return self.instance.resource_type  # the model's ``kind`` is not the form's
        return super().get_initial_for_field(field, field_name)

    def _post_clean(self):
        # Keep the form's "kind" (the resource type) out of the model's ``kind`` column.
        resource_type = self.cleaned_data.pop("kind", None)
        self.instance.resource_type = resource_type or ""
        self.instance.kind = ServiceKind.LEARNING_RESOURCE
        super()._post_clean()
        if resource_type is not None:
            self.cleaned_data["kind"] = resource_type


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


class RoleAssignmentForm(service_ends(ONE_SERVICE), RegisterForm):

    class Meta:
        model = RoleAssignment
        fields = [
            "person", "role", "management_object", "application", "learning_resource", "organisation",
            "starts_on", "ends_on",
        ]
        widgets = {"starts_on": DATE_WIDGET, "ends_on": DATE_WIDGET}


class CostForm(service_ends(ONE_SERVICE), RegisterForm):

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


class ServiceUsageForm(service_ends(ONE_SERVICE), RegisterForm):
    """That a school (an organisation) uses a service, and by how many users: a usage sheet's row."""

    class Meta:
        model = ServiceUsage
        fields = ["application", "learning_resource", "organisation", "users"]


class ServiceUsersForm(RegisterForm):
    """The number of users of one school on the service's page: only ``users`` may change there.

    ``version`` is the version of the row the page showed, so that a change someone else saved
    in between is refused, not overwritten (``portfolio.services.save_changed_forms``).
    """

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    class Meta:
        model = ServiceUsage
        fields = ["users"]

    def get_initial_for_field(self, field, field_name):
        if field_name == "version" and field_name not in self.initial:
            return self.instance.version
        return super().get_initial_for_field(field, field_name)


class ContractForm(RegisterForm):
    applications = service_links_of_kind(Application, _("system"))
    learning_resources = service_links_of_kind(LearningResource, _("lärresurser"))
    link_fields = {
        "applications": (ContractService, "contract", "service", ServiceKind.APPLICATION),
        "learning_resources": (ContractService, "contract", "service", ServiceKind.LEARNING_RESOURCE),
    }

    class Meta:
        model = Contract
        fields = [
            "name", "vendor", "applications", "learning_resources", "procurement_reference", "starts_on",
            "ends_on", "notice_months", "annual_value", "licensed_seats",
            "dpa_signed_on", "dpa_reference", "subprocessors",
            "external_id",
        ]
        widgets = {"starts_on": DATE_WIDGET, "ends_on": DATE_WIDGET, "dpa_signed_on": DATE_WIDGET}

"""The fast-track questionnaire for a learning resource (issue 5, "Keeping it current")."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gdpr.choices import DataSubjectCategory
from gdpr.questionnaire import DataKind, LoginMethod, login_method_of
from portfolio.countries import country_choices
from portfolio.models import LearningResource, Organisation

__all__ = ["LearningResourceQuestionnaireForm"]

SUBJECT_CHOICES = [
    (code, label)
    for code, label in DataSubjectCategory.choices
    if code in {DataSubjectCategory.PUPILS, DataSubjectCategory.STAFF, DataSubjectCategory.GUARDIANS}
]


class LearningResourceQuestionnaireForm(forms.Form):
    """The questions a teacher or the dataskyddssamordnare can answer about a teaching app.

    The page states how many there are from the form itself (``question_count``), so adding a
    question cannot leave the introduction wrong.
    """

    learning_resource = forms.ModelChoiceField(
        label=_("Lärresurs"),
        queryset=LearningResource.objects.select_related("vendor").order_by("name", "pk"),
    )
    controller = forms.ModelChoiceField(
        label=_("Personuppgiftsansvarig nämnd"), queryset=Organisation.objects.controllers().order_by("name")
    )
    data_kinds = forms.MultipleChoiceField(
        label=_("Vilka uppgifter behandlas?"), choices=DataKind.choices, widget=forms.CheckboxSelectMultiple
    )
    data_subjects = forms.MultipleChoiceField(
        label=_("Vems uppgifter?"),
        choices=SUBJECT_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    login_method = forms.ChoiceField(label=_("Hur loggar man in?"), choices=LoginMethod.choices)
    vendor_country = forms.ChoiceField(
        # A callable: the names are read in the reader's language when the form is shown, not once
        # at import (when no language is active yet).
        label=_("Var finns leverantören (och uppgifterna)?"), choices=country_choices, required=False
    )
    ads_or_tracking = forms.BooleanField(
        label=_("Visar tjänsten reklam eller spårar användarna (annonsnätverk, spårningskakor)?"),
        required=False,
    )
    vendor_other_purposes = forms.BooleanField(
        label=_(
            "Använder leverantören uppgifterna för egna ändamål (t.ex. produktutveckling, marknadsföring)?"
        ),
        required=False,
    )
    separate_record = forms.BooleanField(
        label=_("Skapa en egen behandling i stället för att koppla till den gemensamma för lärresurser"),
        required=False,
    )

    @property
    def question_count(self) -> int:
        return len(self.fields)

    @staticmethod
    def initial_from_register(resource: LearningResource) -> dict:
        """What the register already knows of ``resource``: its vendor's country and its login method."""
        initial: dict = {"learning_resource": resource.pk}
        if resource.vendor is not None and resource.vendor.country:
            initial["vendor_country"] = resource.vendor.country.code
        login = login_method_of(resource)
        if login:
            initial["login_method"] = login
        return initial

    def clean(self):
        cleaned = super().clean()
        kinds = set(cleaned.get("data_kinds") or [])
        if DataKind.NONE in kinds and len(kinds) > 1:
            self.add_error("data_kinds", _("”Inga personuppgifter” kan inte kombineras med andra uppgifter."))
        if kinds - {DataKind.NONE} and not cleaned.get("data_subjects"):
            self.add_error("data_subjects", _("Ange vems uppgifter som behandlas."))
        return cleaned

    def answers(self):
        from gdpr.questionnaire import Answers

        data = self.cleaned_data
        return Answers(
            data_kinds=frozenset(data["data_kinds"]),
            data_subjects=frozenset(data.get("data_subjects") or []),
            login_method=data["login_method"],
            vendor_country=data.get("vendor_country") or "",
            ads_or_tracking=data.get("ads_or_tracking", False),
            vendor_other_purposes=data.get("vendor_other_purposes", False),
            dpf_listed=bool(data["learning_resource"].vendor and data["learning_resource"].vendor.dpf_listed),
        )

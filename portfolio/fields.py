"""Model fields shared by the portfolio and GDPR models."""

from collections.abc import Iterable

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["ChoiceSetField"]


class ChoiceSetField(models.CharField):
    """A set of codes from one ``TextChoices`` stored as a sorted, comma-joined string.

    Used where a record ticks several boxes (user groups, data-subject categories, Art. 9
    categories). A string column keeps filtering (``__contains="elever"``) identical on SQLite
    and PostgreSQL, which a JSON list would not. In Python the value is a sorted list of codes.
    """

    description = _("Set of choices")

    def __init__(self, *args, item_choices: type[models.TextChoices] | None = None, **kwargs):
        self.item_choices = item_choices
        kwargs.setdefault("max_length", 255)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["item_choices"] = self.item_choices
        return name, path, args, kwargs

    @staticmethod
    def _as_list(value: str | Iterable[str] | None) -> list[str]:
        if value is None or value == "":
            return []
        items = value.split(",") if isinstance(value, str) else list(value)
        return sorted({str(item).strip() for item in items if str(item).strip()})

    def from_db_value(self, value, expression, connection):
        return self._as_list(value)

    def to_python(self, value):
        return self._as_list(value)

    def get_prep_value(self, value):
        if isinstance(value, str):
            return value
        return ",".join(self._as_list(value))

    def value_to_string(self, obj):
        return self.get_prep_value(self.value_from_object(obj))

    def validate(self, value, model_instance):
        allowed = set(self.item_choices.values) if self.item_choices else None
        for code in self._as_list(value):
            if allowed is not None and code not in allowed:
                raise ValidationError(
                    _("%(value)s är inte ett giltigt val."), code="invalid_choice", params={"value": code}
                )
        if not self.blank and not self._as_list(value):
            raise ValidationError(self.error_messages["blank"], code="blank")

    def formfield(self, **kwargs):
        return forms.TypedMultipleChoiceField(
            choices=self.item_choices.choices if self.item_choices else [],
            required=not self.blank,
            label=self.verbose_name,
            help_text=self.help_text,
            widget=forms.CheckboxSelectMultiple,
        )

    def labels(self, value: Iterable[str]) -> list[str]:
        """Human labels of the codes in ``value``, in the choices' order."""
        if not self.item_choices:
            return list(value)
        chosen = set(self._as_list(value))
        return [str(label) for code, label in self.item_choices.choices if code in chosen]

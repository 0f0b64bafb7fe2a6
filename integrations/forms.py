"""The upload form of the import page: which file, and what it holds."""

import os
import re
import unicodedata

from django import forms
from django.utils.translation import gettext_lazy as _

from integrations.columns import KINDS, KindSpec
from integrations.spreadsheets import max_import_bytes

__all__ = ["ImportUploadForm", "permitted_kinds", "safe_display_name"]

ALLOWED_SUFFIXES = (".xlsx", ".csv")
MAX_NAME_LENGTH = 100


def _perms_for(spec: KindSpec) -> list[str]:
    meta = spec.model._meta
    perms = [f"{meta.app_label}.add_{meta.model_name}", f"{meta.app_label}.change_{meta.model_name}"]
    if any(c.ref == "vendor" for c in spec.columns):
        perms.append("portfolio.add_vendor")  # an unknown vendor is added
    return perms


def permitted_kinds(user) -> list[KindSpec]:
    """The kinds ``user`` may import: those whose records the user may both add and change."""
    return [spec for spec in KINDS.values() if user.has_perms(_perms_for(spec))]


def safe_display_name(name: str) -> str:
    """An uploaded file's name made harmless for display and history: no path, no control
    characters, at most 100 characters with the suffix kept."""
    name = unicodedata.normalize("NFC", name or "")
    name = os.path.basename(name.replace("\\", "/"))
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = re.sub(r"\s+", " ", name).strip().lstrip(".")
    stem, suffix = os.path.splitext(name)
    if len(name) > MAX_NAME_LENGTH:
        name = stem[: MAX_NAME_LENGTH - len(suffix[:10])] + suffix[:10]
    return name or "fil"


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Fil"),
        help_text=_("Excel (.xlsx) eller CSV (UTF-8 eller Windows-1252, komma eller semikolon)."),
    )
    kind = forms.ChoiceField(label=_("Innehåll"), required=False)

    def __init__(self, *args, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        kinds = permitted_kinds(user) if user is not None else list(KINDS.values())
        self.fields["kind"].choices = [("", _("Läs av rubrikerna")), *[(k.key, k.label) for k in kinds]]
        self.permitted = {k.key for k in kinds}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        suffix = os.path.splitext(upload.name or "")[1].lower()
        if suffix not in ALLOWED_SUFFIXES:
            raise forms.ValidationError(
                _("Filtypen %(suffix)s tas inte emot: ladda upp .xlsx eller .csv."),
                params={"suffix": suffix or "–"},
            )
        limit = max_import_bytes()
        if upload.size > limit:
            raise forms.ValidationError(
                _("Filen är %(size)s MB; gränsen för en import är %(limit)s MB."),
                params={"size": round(upload.size / 1048576, 1), "limit": round(limit / 1048576, 1)},
            )
        return upload

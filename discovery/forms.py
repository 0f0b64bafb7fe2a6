"""The Forms of discovery: the upload, a person's decision on a discovered application, and the
service form prefilled from one (docs/architecture.md, principle 1: a Form is the one write path)."""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from integrations.forms import safe_display_name
from portfolio.choices import AuthenticationMethod, IdentityProvider
from portfolio.forms import ApplicationForm, LearningResourceForm, RegisterForm, VendorForm
from portfolio.models import Service, Vendor
from portfolio.text import fold

from .choices import Decision, Directory, IdentitySource, SignOnMode
from .models import DiscoveredApplication

__all__ = [
    "SIGN_IN_SOURCES",
    "DecisionForm",
    "IdentityUploadForm",
    "application_form_initial",
    "registration_form_class",
]

ALLOWED_SUFFIXES = (".json", ".jsonl", ".ndjson", ".csv", ".txt")
SIGN_IN_SOURCES = {IdentitySource.ENTRA_SIGNINS, IdentitySource.GOOGLE_TOKEN, IdentitySource.GOOGLE_SAML}


def _suffix_ok(upload) -> None:
    suffix = os.path.splitext(upload.name or "")[1].lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise forms.ValidationError(
            _("Filtypen %(suffix)s tas inte emot: ladda upp JSON, JSON lines eller CSV."),
            params={"suffix": suffix or "–"},
        )
    if upload.size > settings.DISCOVERY_UPLOAD_MAX_BYTES:
        raise forms.ValidationError(
            _("Filen är %(size)s MB; gränsen är %(limit)s MB."),
            params={
                "size": round(upload.size / 1048576),
                "limit": round(settings.DISCOVERY_UPLOAD_MAX_BYTES / 1048576),
            },
        )


class IdentityUploadForm(forms.Form):
    """Which export a file is, the file, and (for sign-ins) who belongs to which school."""

    source = forms.ChoiceField(label=_("Källa"), choices=IdentitySource.choices)
    file = forms.FileField(
        label=_("Fil"),
        help_text=_(
            "Exporten som JSON (sidor från Microsoft Graph eller Google Reports API), JSON lines "
            "eller Entra-portalens CSV. Filen raderas så snart den är läst."
        ),
    )
    membership = forms.FileField(
        label=_("Skoltillhörighet (valfri)"),
        required=False,
        help_text=_(
            "Bara för inloggningar: CSV med användare (UPN eller e-post), skolenhetskod och grupp, "
            "så att användare räknas per skola och användargrupp."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        _suffix_ok(upload)
        return upload

    def clean_membership(self):
        upload = self.cleaned_data.get("membership")
        if upload:
            _suffix_ok(upload)
        return upload

    def clean(self):
        cleaned = super().clean()
        source = cleaned.get("source")
        if cleaned.get("membership") and source and IdentitySource(source) not in SIGN_IN_SOURCES:
            self.add_error("membership", _("Skoltillhörighet läses bara tillsammans med inloggningar."))
        return cleaned

    @property
    def file_name(self) -> str:
        return safe_display_name(self.cleaned_data["file"].name)

    @property
    def membership_name(self) -> str:
        upload = self.cleaned_data.get("membership")
        return safe_display_name(upload.name) if upload else ""


class DecisionForm(RegisterForm):
    """A person's decision on a discovered application: it is a registered service, or none at all.

    Saved with ``portfolio.services.save_form`` (versioned, with history and the user); an import
    never overwrites a decision (``discovery.imports``).
    """

    service = forms.ModelChoiceField(
        label=_("Registrerad tjänst"), queryset=Service.objects.order_by("name", "pk"), required=False
    )

    class Meta:
        model = DiscoveredApplication
        fields = ["decision", "service"]

    def clean(self):
        cleaned = super().clean()
        decision = cleaned.get("decision")
        if decision == Decision.IS_SERVICE and not cleaned.get("service"):
            self.add_error("service", _("Välj den registrerade tjänst som applikationen är."))
        if decision != Decision.IS_SERVICE:
            cleaned["service"] = None
            self.instance.service = None
        return cleaned


_COMPANY_WORDS = frozenset(
    {"ab", "inc", "as", "asa", "oy", "ltd", "llc", "gmbh", "corp", "corporation", "co"}
)


def _company(name: str) -> str:
    words = fold(name).replace(",", " ").replace(".", " ").split()
    while len(words) > 1 and words[-1] in _COMPANY_WORDS:
        words.pop()
    return " ".join(words)


def _vendor_for(publisher: str) -> Vendor | None:
    """A registered vendor whose name is the publisher's (case, accents and "AB"/"Inc." aside)."""
    wanted = _company(publisher) if publisher else ""
    if not wanted:
        return None
    for vendor_id, name in Vendor.objects.order_by("pk").values_list("pk", "name"):
        if _company(name) == wanted:
            return Vendor.objects.get(pk=vendor_id)
    return None


def _homepage(application: DiscoveredApplication) -> str:
    for url in application.url_list:
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") and parts.netloc:
            return url if len(url) <= 200 else f"{parts.scheme}://{parts.netloc}"
    return ""


#: How an identity provider's sign-on mode reads as the register's authentication method.
_AUTHENTICATION = {
    SignOnMode.SAML: AuthenticationMethod.SAML,
    SignOnMode.OIDC: AuthenticationMethod.OIDC,
    SignOnMode.OAUTH: AuthenticationMethod.OAUTH,
    # Password vaulting types the vendor's own password: the accounts are the vendor's.
    SignOnMode.PASSWORD: AuthenticationMethod.LOCAL,
}

_IDENTITY_PROVIDER = {
    Directory.ENTRA: IdentityProvider.ENTRA_ID,
    Directory.GOOGLE_OAUTH: IdentityProvider.GOOGLE,
    Directory.GOOGLE_SAML: IdentityProvider.GOOGLE,
}


def application_form_initial(application: DiscoveredApplication) -> dict:
    """The service form's initial values from what the identity provider knows of the application."""
    initial: dict = {"name": application.name[:200]}
    vendor = _vendor_for(application.publisher)
    if vendor is not None:
        initial["vendor"] = vendor.pk
    else:
        initial["new_vendor"] = application.publisher[:200]
    url = _homepage(application)
    if url:
        initial["url"] = url
    if application.entity_ids:
        initial["saml_entity_ids"] = application.entity_ids
    authentication = _AUTHENTICATION.get(SignOnMode(application.sign_on_mode))
    if authentication:
        initial["authentication"] = authentication
        initial["identity_provider"] = (
            IdentityProvider.VENDOR
            if authentication == AuthenticationMethod.LOCAL
            else _IDENTITY_PROVIDER[Directory(application.directory)]
        )
    initial["external_id"] = ""
    initial["notes"] = _("Registrerad från upptäckt applikation %(name)s (%(directory)s, %(key)s).") % {
        "name": application.name,
        "directory": application.get_directory_display(),
        "key": application.key,
    }
    return initial


def _new_vendor_field() -> forms.CharField:
    return forms.CharField(
        label=_("Ny leverantör"),
        required=False,
        max_length=200,
        help_text=_(
            "Utgivaren enligt identitetsleverantören. Läggs till som leverantör om ingen leverantör "
            "är vald ovan."
        ),
    )


def _clean_with_new_vendor(self):
    """A publisher the register does not know is added as a vendor: check it as VendorForm would."""
    cleaned = super(type(self), self).clean()
    name = (cleaned.get("new_vendor") or "").strip()
    self.vendor_form = None
    if name and not cleaned.get("vendor"):
        vendor_form = VendorForm(data={"name": name, "country": ""})
        if vendor_form.is_valid():
            self.vendor_form = vendor_form
        else:
            for errors in vendor_form.errors.values():
                for error in errors:
                    self.add_error("new_vendor", error)
    return cleaned


def registration_form_class(kind: str) -> type[forms.ModelForm]:
    """The service form of ``kind`` ("application" or "learning_resource") with a new-vendor field.

    A subclass of the register's own form, so every rule of a service applies unchanged.
    """
    base = LearningResourceForm if kind == "learning_resource" else ApplicationForm
    return type(
        f"Discovered{base.__name__}",
        (base,),
        {"new_vendor": _new_vendor_field(), "clean": _clean_with_new_vendor, "__module__": __name__},
    )

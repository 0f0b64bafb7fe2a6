"""Choices of the discovery app, in Swedish for people and stable codes for the database."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class IdentitySource(models.TextChoices):
    ENTRA_APPS = "entra-apps", _("Entra ID – företagsprogram")
    ENTRA_SIGNINS = "entra-signins", _("Entra ID – inloggningsloggar")
    GOOGLE_TOKEN = "google-token", _("Google Workspace – OAuth-appar")
    GOOGLE_SAML = "google-saml", _("Google Workspace – SAML-inloggningar")
    MEMBERSHIP = "membership", _("Skoltillhörighet")


class Directory(models.TextChoices):
    """Whose identifier a discovered application carries: Entra's appId, Google's client_id…"""

    ENTRA = "entra", _("Microsoft Entra ID")
    GOOGLE_OAUTH = "google-oauth", _("Google Workspace (OAuth)")
    GOOGLE_SAML = "google-saml", _("Google Workspace (SAML)")


#: The directory each source's applications belong to.
DIRECTORY_OF_SOURCE = {
    IdentitySource.ENTRA_APPS: Directory.ENTRA,
    IdentitySource.ENTRA_SIGNINS: Directory.ENTRA,
    IdentitySource.GOOGLE_TOKEN: Directory.GOOGLE_OAUTH,
    IdentitySource.GOOGLE_SAML: Directory.GOOGLE_SAML,
}


class SignOnMode(models.TextChoices):
    """How people sign in to an application, as the identity provider reports it."""

    SAML = "saml", _("SAML")
    OIDC = "oidc", _("OpenID Connect")
    OAUTH = "oauth", _("OAuth (logga in med Google)")
    PASSWORD = "password", _("Lösenordsvalv (inte federation)")
    NONE = "none", _("Ingen inloggning via IdP")
    UNKNOWN = "unknown", _("Okänt")


class MatchState(models.TextChoices):
    MATCHED = "matched", _("Matchad")
    SUGGESTED = "suggested", _("Förslag att granska")
    UNMATCHED = "unmatched", _("Oregistrerad")


class Decision(models.TextChoices):
    """What a person decided about a discovered application; remembered across imports."""

    UNDECIDED = "", _("Ej beslutad")
    IS_SERVICE = "service", _("Är den registrerade tjänsten")
    NOT_A_SERVICE = "not_service", _("Inte en tjänst")


class MeasuredUserGroup(models.TextChoices):
    PUPILS = "elever", _("Elever")
    STAFF = "personal", _("Personal")
    UNKNOWN = "okand", _("Okänd grupp")

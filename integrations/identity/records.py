"""The plain shapes the readers produce; no database, no Django models."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Source(StrEnum):
    """The exports ``import_identity_provider --source`` reads."""

    ENTRA_APPS = "entra-apps"
    ENTRA_SIGNINS = "entra-signins"
    GOOGLE_TOKEN = "google-token"
    GOOGLE_SAML = "google-saml"
    MEMBERSHIP = "membership"


class SsoMode(StrEnum):
    """How people sign in to an application, as the identity provider reports it.

    ``PASSWORD`` is Entra ID's password vaulting ("password-based SSO"): the identity provider
    types a stored password into the vendor's own login. It is convenient, but it is not
    federation, so it never counts as single sign-on in the register.
    """

    SAML = "saml"
    OIDC = "oidc"
    OAUTH = "oauth"
    PASSWORD = "password"
    NONE = "none"
    UNKNOWN = "unknown"

    @property
    def is_federated(self) -> bool:
        return self in (SsoMode.SAML, SsoMode.OIDC, SsoMode.OAUTH)


@dataclass(frozen=True)
class DiscoveredApp:
    """An application an identity provider knows, by the identifier that provider gives it.

    ``key`` is unique per source (Entra ``appId``, Google OAuth ``client_id``, Google SAML
    application name). ``urls`` and ``entity_ids`` feed the matching against registered services.
    """

    source: Source
    key: str
    name: str
    sso_mode: SsoMode = SsoMode.UNKNOWN
    enabled: bool = True
    publisher: str = ""
    verified_publisher: str = ""
    first_party: bool = False
    urls: tuple[str, ...] = ()
    entity_ids: tuple[str, ...] = ()
    scopes: tuple[str, ...] = ()
    tags: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Membership:
    """Where a user belongs: a skolenhetskod and a user group (elev, personal)."""

    school_code: str
    user_group: str

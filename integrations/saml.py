"""SAML federation metadata in: which of the register's services are members, and which are not.

A federation's metadata aggregate (Skolfederation, SWAMID, eduGAIN …) lists every service
provider that may receive the municipality's identities. Matching it against the register tells
the strategist which services really are in the federation, which test environments are, and
which services claim membership without being found.

Metadata comes from outside, so it is parsed defensively: no DTD, no entities (a "billion
laughs" document or an external DTD is refused before parsing), no network, a bounded size, and
lxml's limits on tree depth and text size left on (``huge_tree=False``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.db import transaction
from django.utils.translation import gettext as _
from lxml import etree

from integrations.spreadsheets import instance_form_data
from portfolio.analysis.names import normalise_name
from portfolio.choices import AuthenticationMethod, Federation
from portfolio.forms import ApplicationForm, LearningResourceForm
from portfolio.models import Application, LearningResource
from portfolio.services import save_form
from portfolio.text import split_lines

__all__ = [
    "DEFAULT_MAX_METADATA_BYTES",
    "EntityInfo",
    "FederationReport",
    "MetadataError",
    "federation_code",
    "import_federation",
    "parse_metadata",
]

#: eduGAIN's whole aggregate is under 100 MB; anything larger is refused unread.
DEFAULT_MAX_METADATA_BYTES = 128 * 1024 * 1024

NS = {
    "md": "urn:oasis:names:tc:SAML:2.0:metadata",
    "mdui": "urn:oasis:names:tc:SAML:metadata:ui",
    "mdattr": "urn:oasis:names:tc:SAML:metadata:attribute",
    "mdrpi": "urn:oasis:names:tc:SAML:metadata:rpi",
    "saml": "urn:oasis:names:tc:SAML:2.0:assertion",
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_FORBIDDEN = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_TEST_WORDS = re.compile(
    r"(?<![a-z])(test|testmiljo|testmiljö|staging|stage|stg|dev|demo|sandbox|qa|acc|acceptans|utv|preprod|"
    r"pilot|beta|lab|development)(?![a-z])",
    re.IGNORECASE,
)


class MetadataError(Exception):
    """The metadata file is refused as a whole; nothing was written."""


@dataclass
class EntityInfo:
    """What the register needs to know about one entity of the aggregate."""

    entity_id: str
    is_sp: bool = False
    is_idp: bool = False
    display_names: dict[str, str] = field(default_factory=dict)
    organisation_name: str = ""
    organisation_display_name: str = ""
    organisation_url: str = ""
    privacy_statement_url: str = ""
    attributes: dict[str, list[str]] = field(default_factory=dict)
    registration_authority: str = ""
    registration_instant: str = ""
    endpoints: list[str] = field(default_factory=list)

    @property
    def display_name(self) -> str:
        for lang in ("sv", "sv-SE", "se", "en"):
            if self.display_names.get(lang):
                return self.display_names[lang]
        if self.display_names:
            return next(iter(self.display_names.values()))
        return self.organisation_display_name or self.organisation_name

    @property
    def hosts(self) -> list[str]:
        hosts = []
        for url in [self.entity_id, *self.endpoints]:
            host = _host(url)
            if host and host not in hosts:
                hosts.append(host)
        return hosts

    @property
    def is_test(self) -> bool:
        """A test, staging or demo environment, told by its names or the first labels of its host."""
        texts = list(self.display_names.values())  # not the organisation: "AAI Demo Home Organisation"
        if any(_TEST_WORDS.search(_ascii(text)) for text in texts if text):
            return True
        host = _host(self.entity_id)
        labels = re.split(r"[.\-]", host)[:-2] if host else []
        path = urlsplit(self.entity_id).path if "://" in self.entity_id else ""
        return any(_TEST_WORDS.fullmatch(label) for label in labels) or bool(_TEST_WORDS.search(path))


@dataclass
class FederationMetadata:
    name: str
    valid_until: str
    entities: list[EntityInfo]

    @property
    def service_providers(self) -> list[EntityInfo]:
        return [e for e in self.entities if e.is_sp]


def _ascii(text: str) -> str:
    return (
        text.replace("Ö", "O")
        .replace("ö", "o")
        .replace("Ä", "A")
        .replace("ä", "a")
        .replace("Å", "A")
        .replace("å", "a")
    )


def _host(url: str) -> str:
    url = (url or "").strip()
    if "://" not in url:
        return url.lower() if re.fullmatch(r"[a-z0-9.-]+\.[a-z]{2,}", url.lower()) else ""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    host = host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def _domain(host: str) -> str:
    """The registrable part of a host, roughly: its last two labels ("skolplattform.example")."""
    labels = host.split(".") if host else []
    return ".".join(labels[-2:]) if len(labels) >= 2 else ""


def _text(element) -> str:
    return " ".join((element.text or "").split()) if element is not None else ""


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse_metadata(data: bytes, *, max_bytes: int = DEFAULT_MAX_METADATA_BYTES) -> FederationMetadata:
    """Parse a metadata aggregate (or a single EntityDescriptor) safely, or refuse it with a reason."""
    if len(data) > max_bytes:
        raise MetadataError(
            _("Metadatafilen är %(size)s MB; gränsen är %(limit)s MB.")
            % {"size": round(len(data) / 1024 / 1024, 1), "limit": round(max_bytes / 1024 / 1024, 1)}
        )
    if _FORBIDDEN.search(data):
        raise MetadataError(
            _(
                "Metadatafilen innehåller en DOCTYPE- eller ENTITY-deklaration och läses inte "
                "(skydd mot entitetsexpansion och externa DTD:er)."
            )
        )
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        raise MetadataError(
            _("Metadatafilen är inte giltig XML: %(reason)s") % {"reason": str(exc)[:200]}
        ) from exc
    tree = root.getroottree()
    if tree.docinfo.internalDTD is not None or tree.docinfo.doctype:
        raise MetadataError(_("Metadatafilen har en DTD och läses inte."))
    if etree.QName(root).namespace != NS["md"] or etree.QName(root).localname not in (
        "EntitiesDescriptor",
        "EntityDescriptor",
    ):
        raise MetadataError(
            _("Filen är ingen SAML-metadata (EntitiesDescriptor eller EntityDescriptor saknas).")
        )
    descriptors = (
        [root]
        if etree.QName(root).localname == "EntityDescriptor"
        else root.iterfind(".//md:EntityDescriptor", NS)
    )
    entities = [_entity(element) for element in descriptors]
    return FederationMetadata(
        name=root.get("Name", ""), valid_until=root.get("validUntil", ""), entities=[e for e in entities if e]
    )


def _entity(element) -> EntityInfo | None:
    entity_id = (element.get("entityID") or "").strip()
    if not entity_id:
        return None
    info = EntityInfo(entity_id=entity_id)
    sp = element.find("md:SPSSODescriptor", NS)
    idp = element.find("md:IDPSSODescriptor", NS)
    info.is_sp = sp is not None
    info.is_idp = idp is not None
    for role in (sp, idp):
        if role is None:
            continue
        for name in role.iterfind("md:Extensions/mdui:UIInfo/mdui:DisplayName", NS):
            lang = name.get(XML_LANG, "")
            if _text(name) and lang not in info.display_names:
                info.display_names[lang] = _text(name)
        privacy = role.find("md:Extensions/mdui:UIInfo/mdui:PrivacyStatementURL", NS)
        if privacy is not None and not info.privacy_statement_url:
            info.privacy_statement_url = _text(privacy)
    if sp is not None:
        for endpoint in sp.iterfind("md:AssertionConsumerService", NS):
            if endpoint.get("Location"):
                info.endpoints.append(endpoint.get("Location"))
    organisation = element.find("md:Organization", NS)
    if organisation is not None:
        info.organisation_name = _pick_lang(organisation.findall("md:OrganizationName", NS))
        info.organisation_display_name = _pick_lang(organisation.findall("md:OrganizationDisplayName", NS))
        info.organisation_url = _pick_lang(organisation.findall("md:OrganizationURL", NS))
    for attribute in element.iterfind("md:Extensions/mdattr:EntityAttributes/saml:Attribute", NS):
        values = [_text(v) for v in attribute.iterfind("saml:AttributeValue", NS)]
        info.attributes.setdefault(attribute.get("Name", ""), []).extend(values)
    registration = element.find("md:Extensions/mdrpi:RegistrationInfo", NS)
    if registration is not None:
        info.registration_authority = registration.get("registrationAuthority", "")
        info.registration_instant = registration.get("registrationInstant", "")
    return info


def _pick_lang(elements) -> str:
    by_lang = {e.get(XML_LANG, ""): _text(e) for e in elements if _text(e)}
    for lang in ("sv", "sv-SE", "se", "en"):
        if by_lang.get(lang):
            return by_lang[lang]
    return next(iter(by_lang.values()), "")


#
# Matching to the register
#


def federation_code(name: str) -> str:
    """The ``Federation`` code for ``name`` (code or label, any case); raises on an unknown one."""
    key = normalise_name(name).replace(" ", "")
    for code, label in Federation.choices:
        if key in (normalise_name(code).replace(" ", ""), normalise_name(str(label)).replace(" ", "")):
            return code
    raise MetadataError(
        _("Okänd federation ”%(name)s”; välj en av %(choices)s.")
        % {"name": name, "choices": ", ".join(code for code, _label in Federation.choices)}
    )


@dataclass
class Match:
    entity: EntityInfo
    service: Application | LearningResource
    how: str  # "entity_id", "host" or "name"
    changes: list[str] = field(default_factory=list)

    @property
    def how_label(self) -> str:
        return {"entity_id": _("entity ID"), "host": _("värdnamn"), "name": _("namn")}[self.how]


@dataclass
class FederationReport:
    federation: str
    metadata_name: str
    dry_run: bool
    entity_count: int = 0
    matched: list[Match] = field(default_factory=list)
    test_entities: list[tuple[EntityInfo, Application | LearningResource | None]] = field(
        default_factory=list
    )
    not_in_register: list[EntityInfo] = field(default_factory=list)
    ambiguous: list[tuple[EntityInfo, list]] = field(default_factory=list)
    claimed_but_missing: list[Application | LearningResource] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    applied: bool = False

    @property
    def updated(self) -> list[Match]:
        return [m for m in self.matched if m.changes]

    def summary(self) -> str:
        text = _(
            "%(sp)s tjänsteleverantörer i metadata: %(matched)s matchade (%(updated)s uppdateras), "
            "%(test)s testmiljöer, %(missing)s finns inte i registret, %(ambiguous)s tvetydiga; "
            "%(claimed)s tjänster i registret anger federationen men finns inte i den."
        ) % {
            "sp": self.entity_count,
            "matched": len(self.matched),
            "updated": len(self.updated),
            "test": len(self.test_entities),
            "missing": len(self.not_in_register),
            "ambiguous": len(self.ambiguous),
            "claimed": len(self.claimed_but_missing),
        }
        if self.applied:
            return text + " " + _("Ändringarna är sparade.")
        if self.dry_run:
            return text + " " + _("Provkörning: inget har sparats.")
        return text + " " + _("Inget har sparats.")


class _Index:
    """The register's services by entity ID, host and normalised name (one query per model)."""

    def __init__(self) -> None:
        self.services = [*Application.objects.all(), *LearningResource.objects.all()]
        self.by_entity: dict[str, list] = {}
        self.by_host: dict[str, list] = {}
        self.by_name: dict[str, list] = {}
        self.by_domain: dict[str, list] = {}
        for service in self.services:
            for entity_id in split_lines(service.saml_entity_ids):
                self.by_entity.setdefault(entity_id.strip(), []).append(service)
            host = _host(service.url)
            if host:
                self.by_host.setdefault(host, []).append(service)
            for url in [service.url, *split_lines(service.saml_entity_ids)]:
                domain = _domain(_host(url))
                if domain and service not in self.by_domain.get(domain, []):
                    self.by_domain.setdefault(domain, []).append(service)
            for name in {service.name, service.product, *split_lines(service.aliases)}:
                key = normalise_name(name) if name else ""
                if key:
                    self.by_name.setdefault(key, []).append(service)

    def find(self, entity: EntityInfo) -> tuple[list, str]:
        found = self.by_entity.get(entity.entity_id, [])
        if found:
            return found, "entity_id"
        for host in entity.hosts:
            found = self.by_host.get(host, [])
            if found:
                return found, "host"
        names = [*entity.display_names.values(), entity.organisation_display_name, entity.organisation_name]
        for name in names:
            key = normalise_name(name) if name else ""
            if key and self.by_name.get(key):
                return self.by_name[key], "name"
        return [], ""

    def owner_of_test_entity(self, entity: EntityInfo):
        """The one production service a test entity seems to belong to (same name or domain), or None."""
        found, _how = self.find(entity)
        if len(found) != 1:
            domains = {_domain(host) for host in entity.hosts} - {""}
            found = list({s for d in domains for s in self.by_domain.get(d, [])})
        return found[0] if len(found) == 1 else None


def _record_membership(service, entity: EntityInfo, federation: str, *, user, reason: str) -> list[str]:
    """Add the entity ID and the federation to ``service`` through its Form; the changes made."""
    form_class = ApplicationForm if isinstance(service, Application) else LearningResourceForm
    data = instance_form_data(form_class, service)
    changes: list[str] = []
    entity_ids = split_lines(service.saml_entity_ids)
    if entity.entity_id not in entity_ids:
        data["saml_entity_ids"] = "\n".join([*entity_ids, entity.entity_id])
        changes.append(_("entity ID %(id)s läggs till") % {"id": entity.entity_id})
    if service.federation != federation:
        data["federation"] = federation
        changes.append(_("federation sätts till %(f)s") % {"f": Federation(federation).label})
    if service.authentication not in AuthenticationMethod.single_sign_on():
        data["authentication"] = AuthenticationMethod.SAML
        changes.append(_("inloggningsmetod sätts till SAML"))
    if not changes:
        return []
    form = form_class(data=data, instance=service)
    if not form.is_valid():
        problems = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in form.errors.items())
        raise MetadataError(
            _("%(service)s kan inte uppdateras: %(problems)s")
            % {"service": service.name, "problems": problems}
        )
    save_form(form, user=user, reason=reason)
    return changes


def import_federation(
    data: bytes,
    *,
    federation: str,
    filename: str = "metadata.xml",
    user=None,
    dry_run: bool = False,
    max_bytes: int = DEFAULT_MAX_METADATA_BYTES,
) -> FederationReport:
    """Match a federation's service providers to the register and record the membership.

    Every matched production service gets the entity ID and the federation (and SAML as its login
    method) through its Form and ``save_form``, so history names the user and the file. Test
    entities are reported, never recorded. All in one transaction; a dry run is rolled back.
    """
    code = federation_code(federation)
    metadata = parse_metadata(data, max_bytes=max_bytes)
    report = FederationReport(federation=code, metadata_name=metadata.name, dry_run=dry_run)
    reason = f"Federationsmetadata: {filename}"[:100]
    with transaction.atomic():
        index = _Index()
        seen_services: set[tuple[str, int]] = set()
        entity_ids = {e.entity_id for e in metadata.entities}
        for entity in metadata.service_providers:
            report.entity_count += 1
            if entity.is_test:
                report.test_entities.append((entity, index.owner_of_test_entity(entity)))
                continue
            found, how = index.find(entity)
            if not found:
                report.not_in_register.append(entity)
                continue
            if len(found) > 1:
                report.ambiguous.append((entity, found))
                continue
            service = found[0]
            match = Match(entity=entity, service=service, how=how)
            try:
                with transaction.atomic():
                    match.changes = _record_membership(service, entity, code, user=user, reason=reason)
            except MetadataError as exc:
                report.errors.append(str(exc))
            report.matched.append(match)
            seen_services.add((service._meta.model_name, service.pk))
        for service in index.services:
            if service.federation != code or (service._meta.model_name, service.pk) in seen_services:
                continue
            if not any(eid in entity_ids for eid in split_lines(service.saml_entity_ids)):
                report.claimed_but_missing.append(service)
        if dry_run or report.errors:
            transaction.set_rollback(True)
        else:
            report.applied = True
    return report

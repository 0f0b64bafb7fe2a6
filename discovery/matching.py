"""Which registered service a discovered application is, by the duplicate finder's own evidence.

An identity provider names an application as its vendor's gallery does ("Kahoot!", "Flip",
"itslearning – Mittköping"), the register as whoever registered it wrote it ("Kahoot Skola",
"Flipgrid", "Its learning grundskola"). Those are exactly the differences the duplicate finder
was built and measured for (names with qualifiers, renames, vendor variants, tenant subdomains,
entity IDs, the product catalogue), so matching does not get a second, weaker set of rules: each
discovered application becomes a :class:`~portfolio.analysis.duplicates.ServiceRecord` and is
clustered together with the registered services it could be.

"Could be" is a blocking step, so that matching thousands of applications does not cluster the
whole register: a registered service is a candidate when it shares a first name word, a
registrable domain, an entity ID or a catalogue product with some discovered application.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from integrations.identity.records import DiscoveredApp
from portfolio.analysis.catalogue import Catalogue, entity_key
from portfolio.analysis.duplicates import TIER_SAME_PRODUCT, ServiceRecord, cluster_records
from portfolio.analysis.names import (
    compact,
    host_of,
    name_parts,
    normalise_name,
    qualifier_kind,
    registrable_domain,
)

DISCOVERED = "discovered"


class MatchKind(StrEnum):
    """How sure a match is: ``matched`` is the same product, ``suggested`` only its family."""

    MATCHED = "matched"
    SUGGESTED = "suggested"
    UNMATCHED = "unmatched"


@dataclass(frozen=True)
class Match:
    """A discovered application and the registered services it is (or may be)."""

    app: DiscoveredApp
    kind: MatchKind
    services: tuple[tuple[str, int], ...]  # (service type, id), best first
    reason: str = ""

    @property
    def service(self) -> tuple[str, int] | None:
        """The one registered service this application is, when the match is sure and single."""
        return self.services[0] if self.kind == MatchKind.MATCHED and self.services else None


#: Words an identity provider appends to a product's name for the technical application behind
#: it ("Microsoft Whiteboard Services", "Microsoft Stream Portal", "Microsoft Teams Web Client",
#: "Office 365 SharePoint Online", "… Connector by Microsoft"). Dropped from the end of a name.
IDP_SUFFIX_WORDS = frozenset(
    {
        "app", "application", "client", "web", "portal", "service", "services", "online",
        "connector", "sso", "saml", "oidc", "oauth", "integration", "provisioning",
    }
)  # fmt: skip
_BY_VENDOR = re.compile(r"\s+by\s+[\w .,&-]+$", re.IGNORECASE)
_TWO_NAMES = re.compile(r"\s+/\s+")


def idp_product_name(name: str) -> str:
    """The product an identity provider's application name names: its technical words removed."""
    text = _BY_VENDOR.sub("", name.strip())
    words = text.split()
    while len(words) > 1 and words[-1].casefold().strip("()") in IDP_SUFFIX_WORDS:
        words.pop()
    return " ".join(words)


def _names_two_products(name: str, catalogue: Catalogue) -> bool:
    """ "Google Cloud / G Suite Connector": two catalogue products named at once, neither assumed."""
    parts = _TWO_NAMES.split(idp_product_name(name))
    if len(parts) < 2:
        return False
    entries = {catalogue.by_name(idp_product_name(part)) for part in parts}
    entries.discard(None)
    return len(entries) > 1 or (len(entries) == 1 and any(catalogue.by_name(p) is None for p in parts))


def _record(index: int, app: DiscoveredApp) -> ServiceRecord:
    urls = [u for u in app.urls if host_of(u)]
    product = idp_product_name(app.name)
    return ServiceRecord(
        service_type=DISCOVERED,
        service_id=index,
        name=product or app.name,
        aliases=(app.name,) if product and product != app.name else (),
        vendor_name=app.verified_publisher or app.publisher,
        url=urls[0] if urls else "",
        entity_ids=app.entity_ids,
    )


def _first_words(text: str) -> set[str]:
    words = normalise_name(text).split()
    keys = {compact(" ".join(words[:1]))} if words else set()
    if len(words) > 1:
        keys.add(compact(" ".join(words[:2])))
    return {k for k in keys if len(k) >= 2}


def _block_keys(record: ServiceRecord, urls: Iterable[str], catalogue: Catalogue) -> set[tuple[str, str]]:
    keys: set[tuple[str, str]] = set()
    for text in (record.name, record.product, *record.aliases):
        if text:
            keys.update(("word", word) for word in _first_words(text))
            entry = catalogue.by_name(text)
            if entry is not None:
                keys.add(("product", entry.name))
    for url in urls:
        domain = registrable_domain(host_of(url))
        if domain:
            keys.add(("domain", domain))
            for index in catalogue.domains.get(domain, ()):
                keys.add(("product", catalogue.entries[index].name))
    for entity_id in record.entity_ids:
        keys.add(("entity", entity_key(entity_id)))
        for index in catalogue.entity_ids.get(entity_key(entity_id), ()):
            keys.add(("product", catalogue.entries[index].name))
    return keys


def _catalogue_words(keys: set[tuple[str, str]], catalogue: Catalogue) -> set[tuple[str, str]]:
    """A catalogue product's other names as first words, so "Flip" finds "Flipgrid"."""
    extra: set[tuple[str, str]] = set()
    for kind, value in keys:
        if kind == "product":
            entry = catalogue.by_name(value)
            if entry is not None:
                for text, _how in entry.names():
                    extra.update(("word", word) for word in _first_words(text))
    return extra


def match_applications(
    apps: Sequence[DiscoveredApp], registered: Sequence[ServiceRecord], catalogue: Catalogue
) -> list[Match]:
    """One :class:`Match` per application of ``apps``, in their order."""
    if not apps:
        return []
    app_records = [_record(i, app) for i, app in enumerate(apps)]
    wanted: set[tuple[str, str]] = set()
    for record, app in zip(app_records, apps, strict=True):
        keys = _block_keys(record, app.urls, catalogue)
        # Every word of an application's name may begin the product's name in the register
        # ("Office 365 SharePoint" is registered as "SharePoint").
        for text in (record.name, *record.aliases):
            keys.update(("word", compact(word)) for word in normalise_name(text).split() if len(word) >= 3)
        wanted |= keys | _catalogue_words(keys, catalogue)
    candidates = [record for record in registered if _block_keys(record, (record.url,), catalogue) & wanted]
    clusters = cluster_records([*candidates, *app_records], catalogue=catalogue)
    found: dict[int, tuple[MatchKind, list[tuple[str, int]], str]] = {}
    for cluster in clusters:
        # Production registrations before test environments, then in register order.
        registered_members = sorted(
            (m for m in cluster.members if m.service_type != DISCOVERED),
            key=lambda m: (m.is_test_environment, m.service_type, m.service_id),
        )
        if not registered_members:
            continue
        services = [(m.service_type, m.service_id) for m in registered_members]
        reason = "; ".join(cluster.reasons)
        for member in cluster.members:
            if member.service_type != DISCOVERED:
                continue
            kind = MatchKind.MATCHED if cluster.tier == TIER_SAME_PRODUCT else MatchKind.SUGGESTED
            instance = _one_edition_of(member.service_id, cluster, registered_members)
            if kind == MatchKind.SUGGESTED and instance is not None:
                kind, services = MatchKind.MATCHED, [instance, *(s for s in services if s != instance)]
            if _names_two_products(apps[member.service_id].name, catalogue):
                kind = MatchKind.SUGGESTED
            found[member.service_id] = (kind, services, reason)
    result = []
    for index, app in enumerate(apps):
        kind, services, reason = found.get(index, (MatchKind.UNMATCHED, [], ""))
        result.append(Match(app, kind, tuple(services), reason))
    return result


def _one_edition_of(index: int, cluster, registered_members) -> tuple[str, int] | None:
    """The one production registration that is the application in an edition, audience or platform.

    Between registrations, "Kahoot Skola" beside "Kahoot!" is a family to review: the municipality
    may have two editions. An identity provider's application, though, is the product itself, and
    a single registration of it for school (grundskola, Premium, iPad) is how the municipality uses
    it. A module ("Skola24 Schema") is another product, so it never matches here.
    """
    direct = {
        other
        for first, second, _score, how in cluster.pairs
        if how in ("qualifier", "catalogue") and (DISCOVERED, index) in (first, second)
        for other in (first, second)
        if other[0] != DISCOVERED
    }
    eligible = []
    for member in registered_members:
        key = (member.service_type, member.service_id)
        if key not in direct or member.is_test_environment:
            continue
        kinds = {qualifier_kind(q) for q in name_parts(member.name).qualifiers}
        if "module" not in kinds:
            eligible.append(key)
    return eligible[0] if len(eligible) == 1 else None


def group_by_service(matches: Iterable[Match]) -> dict[tuple[str, int], list[Match]]:
    """The sure matches per registered service (one service may be several applications)."""
    grouped: dict[tuple[str, int], list[Match]] = defaultdict(list)
    for match in matches:
        if match.service is not None:
            grouped[match.service].append(match)
    return dict(grouped)

"""Duplicate detection: the same product registered more than once, as clusters with reasons.

Pipeline, each step set-based:

1. **Load** every system and learning resource once (two ``.values()`` queries, vendor name
   joined), then work in memory: the query count does not depend on the number of rows.
2. **Block**: each service gets keys — its normalised-name words, the first and last four
   letters of its name without spaces, its entity IDs, its vendor + product, its URL host and
   its aliases. Only services that share a key are compared, so work grows about linearly. A
   key shared by very many services (a common word) is compared in a sliding window over the
   names sorted alphabetically instead of all pairs.
3. **Score** candidate pairs: exact evidence (same entity ID, alias, same vendor and product,
   same specific host) or fuzzy name similarity (rapidfuzz) above :data:`NAME_THRESHOLD`. The
   pairs are screened all at once first (:class:`~portfolio.analysis.names.NameKeyTable`): a pair
   the screen rules out cannot reach the threshold, so only about one in thirty is scored in
   Python, with the same result as scoring them all.
4. **Cluster** with union-find over the matching pairs, strongest first; a cluster's score is
   its weakest joining link (the bottleneck of a maximum spanning tree), so "95" means every
   member is tied to the cluster by evidence at least that strong.

A registration that is a test environment ("TESTMILJÖ för …", "-test", "staging", a test host)
is a member with the role "testmiljö", not a second product.
"""

from __future__ import annotations

import gc
import hashlib
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from django.db.models import QuerySet
from django.utils.translation import get_language, gettext_lazy, ngettext, pgettext_lazy
from django.utils.translation import gettext as _
from stdnum.se import orgnr

from portfolio.text import split_lines

from .catalogue import Catalogue, CatalogueEntry, catalogue_from_database, entity_key, load_catalogue
from .names import (
    NameKey,
    NameKeyTable,
    compact,
    host_of,
    is_test_environment,
    name_parts,
    name_similarity,
    normalise_host,
    normalise_name,
    normalise_vendor,
    qualifier_kind,
    region_tag,
    registrable_domain,
)
from .shapes import EXPAND, attr, derived, shape

__all__ = [
    "TIER_FAMILY",
    "TIER_SAME_PRODUCT",
    "TIERS",
    "ClusterMember",
    "DuplicateCluster",
    "NAME_THRESHOLD",
    "ServiceRecord",
    "cluster_records",
    "find_duplicates",
    "load_service_records",
    "pair_fingerprint",
]

#: The evidence is strong: the registrations are one product.
TIER_SAME_PRODUCT = "same_product"
#: A qualifier, a tenant subdomain or a catalogue family: one product family, for a person to review.
TIER_FAMILY = "family"
TIERS = (TIER_SAME_PRODUCT, TIER_FAMILY)

#: Two names at least this alike (0–100, after normalisation) are taken as one product.
#: Chosen on the labelled set in tests/analysis/data (precision and recall both ≥ 0.9 there).
NAME_THRESHOLD = 88.0
#: Names sharing a specific URL host join from this similarity (the host is strong evidence).
HOST_NAME_FLOOR = 60.0
#: At most this many reasons are written per cluster (then how many links are left).
MAX_REASONS = 8
#: A blocking key shared by more services than this is compared in a sliding window instead.
MAX_BLOCK = 40
#: The sliding window's width for oversized blocks.
WINDOW = 8

_EVIDENCE_SCORE = {"entity": 100.0, "alias": 100.0, "vendor_product": 95.0, "host": 90.0, "domain": 90.0}

#: How a service's kind is named beside it: "”Vklass” (system)", in the reader's language.
SERVICE_TYPE_LABELS = {
    "application": pgettext_lazy("kind of service", "system"),
    "learning_resource": pgettext_lazy("kind of service", "lärresurs"),
}


@dataclass(frozen=True)
class ServiceRecord:
    """What duplicate detection needs of one service; built from the database or in memory."""

    service_type: str  # "application" or "learning_resource"
    service_id: int
    name: str
    aliases: tuple[str, ...] = ()
    vendor_id: int | None = None
    vendor_name: str = ""
    product: str = ""
    url: str = ""
    entity_ids: tuple[str, ...] = ()
    vendor_orgnr: str = ""

    @property
    def key(self) -> tuple[str, int]:
        return (self.service_type, self.service_id)

    def fingerprint(self) -> str:
        """What the finder matches this record on, as one string: a change to any of it shows."""
        return "\x1f".join(
            (
                self.service_type,
                str(self.service_id),
                self.name,
                "\x1e".join(sorted(self.aliases)),
                self.vendor_name,
                self.vendor_orgnr,
                self.product,
                self.url,
                "\x1e".join(sorted(self.entity_ids)),
            )
        )


def pair_fingerprint(first: ServiceRecord, second: ServiceRecord) -> str:
    """The SHA-256 of both records' matching fields, in key order: a decision's fingerprint."""
    a, b = sorted((first, second), key=lambda record: record.key)
    return hashlib.sha256(f"{a.fingerprint()}\x1d{b.fingerprint()}".encode()).hexdigest()


SERVICE_TYPE = "Tjänstetyp: application (system) eller learning_resource (lärresurs)."

#: The tiers' names as the pages and exports write them.
TIER_TITLES = {
    TIER_SAME_PRODUCT: gettext_lazy("Samma produkt"),
    TIER_FAMILY: gettext_lazy("Samma produktfamilj — granska"),
}


def tier_title(tier: str) -> str:
    """"same_product" → "Samma produkt" in the active language; an unknown tier as it is."""
    return str(TIER_TITLES.get(tier, tier))


@shape(export_first=("name",))
@dataclass
class ClusterMember:
    """One registration in a duplicate cluster."""

    service_type: str = attr(gettext_lazy("Typ"), SERVICE_TYPE)
    service_id: int = attr(help="Tjänstens primärnyckel.")
    name: str = attr(gettext_lazy("Registrering"), "Tjänstens namn som det är registrerat.")
    vendor: str = attr(gettext_lazy("Leverantör"), "Leverantörens namn, tomt om okänd.")
    is_test_environment: bool = attr(
        help="Sant om registreringen är en testmiljö (”TESTMILJÖ för …”, ”-test”, test-värd)."
    )
    role: str = attr(gettext_lazy("Roll"), "”produkt” eller ”testmiljö”.")  # "produkt" or "testmiljö"


def _member_lines(members: list[ClusterMember]) -> list[str]:
    return [f"{m.name} ({m.role}, {m.service_type} {m.service_id})" for m in members]


@shape(
    export_first=("tier", "members", "score", "reasons"),
    command_first=("tier", "score", "product_count", "test_environment_count", "members", "reasons"),
)
@dataclass
class DuplicateCluster:
    """Registrations that are one product, why we think so, and what to do about it.

    Its export has one row per member (the members' columns in the cluster's row).
    """

    tier: str = attr(
        gettext_lazy("Nivå"),
        "SAME_PRODUCT (samma produkt) eller FAMILY (samma produktfamilj — granska).",
        export=tier_title,
        default=TIER_SAME_PRODUCT,
        kw_only=True,
    )
    members: list[ClusterMember] = attr(help="Klustrets medlemmar.", export=EXPAND, command=_member_lines)
    score: float = attr(
        gettext_lazy("Säkerhet"),
        "0–100: den svagaste länken som håller ihop klustret (100 = säker).",
        export=round,
    )
    reasons: list[str] = attr(
        gettext_lazy("Skäl"),
        "Skälen på svenska, med bevisen, t.ex. ”samma entity ID”, ”båda är Flip, tidigare Flipgrid”, "
        "”namnen 93 % lika”.",
    )
    product_count: int = attr(help="Antal produktionsregistreringar.", column="products")
    test_environment_count: int = attr(help="Antal testmiljöer i klustret.", column="test_environments")

    @derived(bool, help="Sant om produkten är registrerad mer än en gång.", command=False)
    def is_duplicate(self) -> bool:
        """More than one production registration: a real duplicate, not only a test environment."""
        return self.product_count > 1

    normalised_name: str = attr(
        help="Namnet efter normalisering (för matchning).", command=False, default="", kw_only=True
    )
    explanation: str = attr(help="Vad som hittats, i ord.")
    fix: str = attr(help="Vad man bör göra.")
    pairs: list[tuple[tuple[str, int], tuple[str, int], float, str]] = field(default_factory=list, repr=False)

    @property
    def member_keys(self) -> set[tuple[str, int]]:
        return {(m.service_type, m.service_id) for m in self.members}


class _UnionFind:
    """Union-find with cannot-link constraints: two sets holding a separated pair never merge."""

    def __init__(self, size: int):
        self.parent = list(range(size))
        #: root → members that its set may not be joined with (only for sets that have any).
        self.apart: dict[int, set[int]] = {}
        #: root → the catalogue product its members are (a set holds at most one).
        self.identity: dict[int, tuple] = {}
        #: root → vendors named at the start of its members' names ("Microsoft Forms"): a set
        #: never holds two vendors' products unless the catalogue says they are one.
        self.vendors: dict[int, frozenset[str]] = {}

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def cannot_link(self, a: int, b: int) -> None:
        self.apart.setdefault(self.find(a), set()).add(b)
        self.apart.setdefault(self.find(b), set()).add(a)

    def may_join(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        ia, ib = self.identity.get(ra), self.identity.get(rb)
        if ia is not None and ib is not None and ia != ib:
            return False
        va, vb = self.vendors.get(ra), self.vendors.get(rb)
        if va and vb and va.isdisjoint(vb) and (ia is None or ia != ib):
            return False
        return not any(self.find(x) == rb for x in self.apart.get(ra, ())) and not any(
            self.find(x) == ra for x in self.apart.get(rb, ())
        )

    def union(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb or not self.may_join(a, b):
            return False
        keep, gone = min(ra, rb), max(ra, rb)
        self.parent[gone] = keep
        if gone in self.apart:
            self.apart.setdefault(keep, set()).update(self.apart.pop(gone))
        if gone in self.identity:
            self.identity[keep] = self.identity.pop(gone)
        if gone in self.vendors:
            self.vendors[keep] = self.vendors.get(keep, frozenset()) | self.vendors.pop(gone)
        return True


@lru_cache(maxsize=4096)
def _normalised_vendor(vendor_name: str) -> str:
    return normalise_name(vendor_name)


def _strip_vendor(normalised: str, vendor_name: str) -> str:
    """``normalised`` without a leading vendor name, or "" if it does not start with one."""
    vendor = _normalised_vendor(vendor_name) if vendor_name else ""
    if vendor and normalised.startswith(vendor + " "):
        return normalised[len(vendor) + 1 :]
    return ""


def _entity_key(entity_id: str) -> str:
    return entity_key(entity_id)


_VENDOR_PREFIXES: dict[tuple, frozenset[str]] = {}


def _register_vendor_prefixes(records: list[ServiceRecord]) -> frozenset[str]:
    """The register's own vendor names as name prefixes: a vendor "IST" makes "IST Dexter" Dexter."""
    prefixes: set[str] = set()
    for vendor_name in {r.vendor_name for r in records if r.vendor_name}:
        normalised = normalise_name(vendor_name)
        if normalised:
            prefixes.add(compact(normalised))
            first = normalised.split()[0]
            if len(first) >= 4:
                prefixes.add(first)
    return frozenset(prefixes)


def catalogue_vendor_prefixes(catalogue: Catalogue) -> frozenset[str]:
    """Vendor names a product's name may start with ("Microsoft Teams"): the catalogue's vendors,
    whole and by their first word ("Cisco Systems, Inc." → "ciscosystems", "cisco")."""
    key = (catalogue.version, len(catalogue))
    cached = _VENDOR_PREFIXES.get(key)
    if cached is None:
        prefixes: set[str] = set()
        for entry in catalogue.entries:
            for name in (entry.vendor.name, *entry.vendor.former_names):
                normalised = normalise_name(name) if name else ""
                if normalised:
                    prefixes.add(compact(normalised))
                    first = normalised.split()[0]
                    if len(first) >= 4:
                        prefixes.add(first)
        cached = _VENDOR_PREFIXES[key] = frozenset(prefixes)
    return cached


def _reason_text(kind: str, score: float) -> str:
    if kind == "entity":
        return _("samma entity ID")
    if kind == "alias":
        return _("alias")
    if kind == "vendor_product":
        return _("samma leverantör och produkt")
    if kind == "host":
        return _("samma värd i webbadressen")
    return _("namnen %(percent)d %% lika") % {"percent": int(score)}


#: The last clustering: its input and its clusters. The standardisation report is made with and
#: without GDPR weights from the same services, and the duplicate pages ask with and without test
#: environments; clustering is the costly part, so the same input is clustered once.
_LAST_CLUSTERING: tuple[tuple, list[DuplicateCluster]] | None = None
_LAST_CLUSTERING_LOCK = threading.Lock()


def cluster_records(
    records: Iterable[ServiceRecord],
    *,
    threshold: float = NAME_THRESHOLD,
    include_singletons: bool = False,
    catalogue: Catalogue | None = None,
    separate_pairs: frozenset | set = frozenset(),
) -> list[DuplicateCluster]:
    """Cluster ``records`` in memory; the pure core of :func:`find_duplicates`.

    ``catalogue`` is the product catalogue used as evidence (the shipped one when None);
    ``separate_pairs`` holds pairs decided "not the same product" (``frozenset({key, key})``):
    they never end in one cluster. Returns clusters of two or more members (or every record with
    ``include_singletons``), largest score first. A call with the same input as the previous one
    returns the same cluster objects (in a new list): treat them as read-only.
    """
    global _LAST_CLUSTERING
    if catalogue is None:
        catalogue = load_catalogue()
    separate = frozenset(frozenset(pair) for pair in separate_pairs)
    key = (tuple(records), threshold, include_singletons, catalogue.entries, separate, get_language())
    with _LAST_CLUSTERING_LOCK:
        last = _LAST_CLUSTERING
    if last is not None and last[0] == key:
        return list(last[1])
    with _cyclic_gc_paused():
        clusters = _cluster(
            list(key[0]),
            threshold=threshold,
            include_singletons=include_singletons,
            catalogue=catalogue,
            separate=separate,
        )
    with _LAST_CLUSTERING_LOCK:
        _LAST_CLUSTERING = (key, clusters)
    return list(clusters)


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Python's cycle collector off while clustering, back as it was after.

    Clustering allocates some ten objects per service and frees them together at the end; the
    collector, triggered by the allocations, walked every live object of the process three times
    for 20,000 services — a quarter of the time — and found nothing to free. Whatever cycles
    are left are collected as usual once it is back on.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass(frozen=True)
class _Identity:
    """Which catalogue product a record is, and by which of the product's names or evidence."""

    key: tuple  # (entry index,) or (entry index, separate qualifier)
    entry: int
    how: str  # "name", "former", "alias", "entity", "domain"
    text: str  # the catalogue's spelling of the name that matched, or the domain / entity ID


class _Features:
    """Everything the finder compares of one record, computed once."""

    __slots__ = (
        "core_key",
        "cores",
        "host",
        "identity",
        "key",
        "label",
        "norm",
        "orgnr",
        "parts",
        "plain",
        "qualifier_key",
        "registrable",
        "subdomain",
        "family_of",
        "tenant_of",
        "test",
        "vendor",
        "vendor_key",
    )


#: Subdomain labels that name a way in, not a tenant or a product ("www", "login" …).
_LINK_LABELS = frozenset(
    {"www", "app", "web", "login", "sso", "auth", "my", "portal", "secure", "id", "account"}
)


def _site_parts(host: str) -> tuple[str, str, str]:
    """(registrable domain, its label, the subdomain without www/test labels) of a normalised host."""
    registrable = registrable_domain(host)
    if not registrable:
        return "", "", ""
    label = registrable.split(".", 1)[0]
    sub = host[: -len(registrable)].rstrip(".") if host != registrable else ""
    labels = [part for part in sub.split(".") if part and part not in _LINK_LABELS]
    return registrable, label, ".".join(labels)


def _identify(record: ServiceRecord, f: _Features, catalogue: Catalogue) -> None:
    """Set ``f.identity`` (and ``f.tenant_of``) from the catalogue: names, then entity IDs, then domains."""
    f.identity = None
    f.tenant_of = None
    f.family_of = None
    if not len(catalogue):
        return
    parts = f.parts

    def hit(text: str) -> tuple[int, str, str] | None:
        hits = catalogue.names.get(compact(text)) if text else None
        if not hits:
            return None
        if len(hits) > 1 and f.vendor_key:
            hits = [h for h in hits if catalogue.same_vendor(h.entry, record.vendor_name)] or hits
        if len(hits) != 1:
            return None
        return hits[0].entry, hits[0].kind, hits[0].text

    # Whole names first: the name as written, its main part, its other names (alternates, aliases).
    # With what was written after the name ("Vklass – Närvaro" is Vklass with a module).
    tail = parts.tail_qualifiers
    exact = [
        (f.norm, frozenset()),
        (parts.main, tail),
        *((a, tail - {compact(a)}) for a in parts.alternates),
        *((normalise_name(a), frozenset()) for a in record.aliases),
    ]
    for text, qualifiers in exact:
        found = hit(text)
        if found:
            f.identity = _Identity((found[0],), found[0], found[1], found[2])
            f.qualifier_key = qualifiers
            break
    if f.identity is None:
        # The product without what the register added: "Office 365 for Education" is Office 365.
        candidates = [parts.core, f"{parts.vendor_prefix} {parts.core}" if parts.vendor_prefix else ""]
        candidates += [c[:-1] for c in candidates if c.endswith("s") and len(c) > 5]  # "Unikums arkiv"
        for text in candidates:
            found = hit(text)
            if not found:
                continue
            entry = catalogue.entries[found[0]]
            separate = _separate_qualifier(entry, parts.qualifiers)
            if separate:
                # "Microsoft 365 Teams" is Teams, not Microsoft 365; otherwise a product of its own.
                other = hit(separate) or hit(f"{parts.vendor_prefix} {separate}".strip())
                if other and other[0] != found[0]:
                    f.identity = _Identity((other[0],), other[0], other[1], other[2])
                else:
                    f.identity = _Identity((found[0], separate), found[0], "separate", separate)
            else:
                f.identity = _Identity((found[0],), found[0], found[1], found[2])
            break
    for entity_id in record.entity_ids:
        entries = catalogue.entity_ids.get(entity_key(entity_id), ())
        if len(entries) == 1 and (f.identity is None or f.identity.entry != entries[0]):
            f.identity = _Identity((entries[0],), entries[0], "entity", entity_id.strip())
            f.qualifier_key = frozenset()
            break
    if f.identity is None and f.registrable:
        entries = catalogue.domains.get(f.registrable, ())
        if len(entries) == 1:
            entry = catalogue.entries[entries[0]]
            if _name_agrees_with_entry(f, entry):
                f.identity = _Identity((entries[0],), entries[0], "domain", f.registrable)
            elif f.subdomain:
                f.tenant_of = entries[0]
    if f.identity is None and f.tenant_of is None:
        # A product's name and words the catalogue does not know ("Tempus nuddis"): its family.
        tokens = parts.main.split()
        sizes = range(min(len(tokens) - 1, catalogue.longest_name), 0, -1)
        if "".join(tokens[:2])[:4] not in catalogue.starts:
            sizes = range(0)  # no catalogue name starts so
        for size in sizes:
            head, rest = "".join(tokens[:size]), " ".join(tokens[size:])
            found = hit(head) if len(head) >= 4 else None
            if not found:
                continue
            separate = _separate_qualifier(catalogue.entries[found[0]], frozenset(rest.split()))
            if separate:
                # "Office 365 Teams": Microsoft 365 lists Teams as a product of its own.
                other = hit(separate) or hit(f"{head} {separate}")
                if other and other[0] != found[0]:
                    f.identity = _Identity((other[0],), other[0], other[1], other[2])
                else:
                    f.identity = _Identity((found[0], separate), found[0], "separate", separate)
            elif hit(rest):
                continue  # two products named together: neither is assumed
            else:
                f.family_of = (found[0], "prefix", rest)
            break
    if f.identity is None and f.tenant_of is None and f.family_of is None:
        # The owner's genitive before a product's name ("Järfällas Alvis"): its own instance.
        tokens = parts.main.split()
        if len(tokens) >= 2 and tokens[0].endswith("s") and len(tokens[0]) >= 5:
            found = hit(" ".join(tokens[1:]))
            if found:
                f.family_of = (found[0], "prefix", tokens[0])
    if f.identity is None and f.tenant_of is None and f.family_of is None and len(f.key.tokens) == 1:
        near = catalogue.near(f.key.compact)
        if near is not None:
            f.family_of = (near, "typo", catalogue.entries[near].name)


def _separate_qualifier(entry: CatalogueEntry, qualifiers: frozenset[str]) -> str:
    """The entry's separate qualifier among ``qualifiers`` ("" if none), normalised."""
    if not qualifiers or not entry.separate_qualifiers:
        return ""
    joined = "".join(sorted(qualifiers))
    for qualifier in entry.separate_qualifiers:
        key = compact(normalise_name(qualifier))
        words = normalise_name(qualifier).split()
        if key in qualifiers or key == joined or all(t in qualifiers for t in words):
            return normalise_name(qualifier)
    return ""


def _name_agrees_with_entry(f: _Features, entry: CatalogueEntry) -> bool:
    """Whether a record on the entry's domain is named as the product (or its vendor), not as a tenant."""
    mine = {compact(f.parts.main), compact(f.parts.core), compact(f.norm)}
    for text, _kind in entry.names():
        key = compact(normalise_name(text))
        if any(key and m and (key in m or m in key) for m in mine if len(m) >= 3):
            return True
    vendor = normalise_vendor(entry.vendor.name)
    return bool(vendor) and (vendor in mine or f.vendor_key == vendor and not f.subdomain)


@lru_cache(maxsize=4096)
def _orgnr(value: str) -> str:
    """A Swedish organisationsnummer in one form (python-stdnum), or "" if there is none valid."""
    return orgnr.compact(value) if value and orgnr.is_valid(value) else ""


def _cores_compatible(a: _Features, b: _Features) -> bool:
    """Cores are compared only when the vendors they were taken from agree (or one is unknown).

    The organisationsnummer decides where both have one ("556016-0680" is "5560160680"), then the
    vendor named in the product's name or the vendor's name without its legal form.
    """
    if a.orgnr and b.orgnr and not (a.parts.vendor_prefix or b.parts.vendor_prefix):
        return a.orgnr == b.orgnr
    return not a.vendor or not b.vendor or a.vendor == b.vendor


def _core_score(a: _Features, b: _Features, threshold: float) -> float:
    ca, cb = a.core_key.compact, b.core_key.compact
    if ca == cb:
        return 100.0
    # A genitive before a qualifier: "Unikums arkiv" is Unikum's archive (but "Canvas" is not "Canva").
    genitive = ca == cb + "s" and a.qualifier_key or cb == ca + "s" and b.qualifier_key
    if genitive and min(len(ca), len(cb)) >= 5:
        return 100.0
    return name_similarity(a.core_key, b.core_key, threshold)


_PAIR_INDICES: dict[int, tuple[np.ndarray, np.ndarray]] = {}


def _block_pairs(blocks: Iterable[list[int]], compacts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The pairs to compare in each block, as two arrays: all pairs of a block of up to MAX_BLOCK
    members, else each member with its WINDOW neighbours in the order of their names without spaces.

    Built in numpy: 20,000 services give some 300,000 pairs, too many for a Python loop.
    """
    firsts: list[np.ndarray] = []
    seconds: list[np.ndarray] = []
    small_first: list[int] = []
    small_second: list[int] = []
    for members in blocks:
        size = len(members)
        if size == 2:
            small_first.append(members[0])
            small_second.append(members[1])
            continue
        if small_first:
            firsts.append(np.array(small_first, dtype=np.int64))
            seconds.append(np.array(small_second, dtype=np.int64))
            small_first, small_second = [], []
        if size <= MAX_BLOCK:
            if size not in _PAIR_INDICES:
                _PAIR_INDICES[size] = np.triu_indices(size, 1)
            x, y = _PAIR_INDICES[size]
            row = np.array(members, dtype=np.int64)
            firsts.append(row[x])
            seconds.append(row[y])
        else:
            ordered = np.array(sorted(members, key=compacts.__getitem__), dtype=np.int64)
            # Member x with x + 1 … x + WINDOW.
            width = min(WINDOW, size - 1)
            x = np.repeat(np.arange(size), width)
            y = x + np.tile(np.arange(1, width + 1), size)
            inside = y < size
            firsts.append(ordered[x[inside]])
            seconds.append(ordered[y[inside]])
    if small_first:
        firsts.append(np.array(small_first, dtype=np.int64))
        seconds.append(np.array(small_second, dtype=np.int64))
    if not firsts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(firsts), np.concatenate(seconds)


def _cluster(
    records: list[ServiceRecord],
    *,
    threshold: float,
    include_singletons: bool,
    catalogue: Catalogue,
    separate: frozenset,
) -> list[DuplicateCluster]:
    count = len(records)
    # A vendor named like its product (Clio, GeoGebra, Kahoot!) is not stripped from a name:
    # "Clio Historia" is not the product "Historia".
    known_vendors = frozenset(
        key
        for key in catalogue_vendor_prefixes(catalogue) | _register_vendor_prefixes(records)
        if key not in catalogue.names
    )
    features: list[_Features] = []
    # What the features depend on: registers hold one product many times under one name (a
    # service per school), so each distinct registration is taken apart once and shared.
    seen: dict[tuple, _Features] = {}
    for record in records:
        content = (
            record.name,
            record.vendor_name,
            record.vendor_orgnr,
            record.url,
            record.entity_ids,
            record.aliases,
        )
        f = seen.get(content)
        if f is not None:
            features.append(f)
            continue
        f = seen[content] = _Features()
        f.norm = normalise_name(record.name)
        f.key = NameKey(f.norm)
        f.vendor_key = normalise_vendor(record.vendor_name)
        strippable = f.vendor_key if f.vendor_key not in catalogue.names else ""
        f.parts = name_parts(record.name, strippable, known_vendors)
        f.vendor = f.parts.vendor_prefix or f.vendor_key
        f.orgnr = _orgnr(record.vendor_orgnr)
        f.core_key = f.key if f.parts.core == f.norm else NameKey(f.parts.core)
        f.plain = f.core_key.compact == f.key.compact
        f.qualifier_key = f.parts.qualifiers
        f.test = is_test_environment(record.name, (record.url, *record.entity_ids))
        f.host = normalise_host(host_of(record.url))
        f.registrable, f.label, f.subdomain = _site_parts(f.host)
        _identify(record, f, catalogue)
        features.append(f)
    # "Microsoft Teams" by Microsoft is "Teams": the name without its vendor, compared only
    # against registrations of the same vendor or of no recorded vendor.
    without_vendor = [_strip_vendor(f.norm, r.vendor_name) for f, r in zip(features, records, strict=True)]
    # Not when only a qualifier is left: "Studi grundskola" and "InfoMentor grundskola" are not
    # the same product because both are by their own vendor.
    vendor_keys = {
        i: NameKey(w)
        for i, w in enumerate(without_vendor)
        if w and not all(qualifier_kind(t) for t in w.split())
    }
    keys_of = [f.key for f in features]
    compacts = [k.compact for k in keys_of]

    # Evidence keys: every record sharing one is joined directly (star over the block).
    exact_blocks: dict[tuple[str, str], list[int]] = defaultdict(list)
    # Fuzzy keys: records sharing one are compared by name.
    fuzzy_blocks: dict[str, list[int]] = defaultdict(list)
    host_blocks: dict[str, list[int]] = defaultdict(list)
    label_blocks: dict[str, list[int]] = defaultdict(list)
    identity_blocks: dict[tuple, list[int]] = defaultdict(list)
    #: catalogue entry → registrations that are its tenant, a name it prefixes, or a typo of it.
    tenants: dict[int, list[tuple[int, str]]] = defaultdict(list)
    name_index: dict[str, list[int]] = defaultdict(list)
    for i, record in enumerate(records):
        f = features[i]
        for entity_id in record.entity_ids:
            if entity_id.strip():
                exact_blocks[("entity", _entity_key(entity_id))].append(i)
        if record.product.strip():
            vendor = f.orgnr or (str(record.vendor_id) if record.vendor_id is not None else f.vendor_key)
            if vendor:
                product = compact(normalise_name(record.product))
                exact_blocks[("vendor_product", f"{vendor}:{product}")].append(i)
        if f.host:
            host_blocks[f.host].append(i)
        if f.label and len(f.label) >= 4:
            label_blocks[f.label].append(i)
        if f.identity is not None:
            identity_blocks[f.identity.key].append(i)
        elif f.tenant_of is not None:
            tenants[f.tenant_of].append((i, "tenant"))
        elif f.family_of is not None:
            tenants[f.family_of[0]].append((i, f.family_of[1]))
        name_index[compacts[i]].append(i)
        keys = {f"t:{token}" for token in f.norm.split() if len(token) >= 3}
        if compacts[i]:
            keys.add(f"p:{compacts[i][:4]}")
            keys.add(f"s:{compacts[i][-4:]}")
        if not f.plain and f.core_key.compact:
            # The product without vendor and qualifiers: "Kahoot! EDU" meets "Kahoot!".
            keys.add(f"c:{f.core_key.compact.rstrip('s')}")
            keys.update(f"t:{token}" for token in f.core_key.tokens if len(token) >= 3)
        elif compacts[i].endswith("s") and len(compacts[i]) >= 5:
            keys.add(f"c:{compacts[i].rstrip('s')}")  # meets "Unikums arkiv"
        for key in keys:
            fuzzy_blocks[key].append(i)

    # (a, b) → (score, kind, tier); the strongest evidence of a pair is kept.
    edges: dict[tuple[int, int], tuple[float, str, str]] = {}

    def add_edge(a: int, b: int, score: float, kind: str, tier: str = TIER_SAME_PRODUCT) -> None:
        if a == b:
            return
        pair = (a, b) if a < b else (b, a)
        current = edges.get(pair)
        rank = (tier == TIER_SAME_PRODUCT, score)
        if current is None or rank > (current[2] == TIER_SAME_PRODUCT, current[0]):
            edges[pair] = (score, kind, tier)

    for (kind, _key), members in exact_blocks.items():
        for other in members[1:]:
            add_edge(members[0], other, _EVIDENCE_SCORE[kind], kind)

    # Catalogue: registrations that are one catalogue product. The same qualifiers (or none) are
    # the same product; different qualifiers ("Kahoot! EDU" beside "Kahoot!") are its family.
    for _key, members in identity_blocks.items():
        by_qualifiers: dict[frozenset, list[int]] = defaultdict(list)
        for i in members:
            by_qualifiers[features[i].qualifier_key].append(i)
        groups = sorted(by_qualifiers.values(), key=lambda g: (len(features[g[0]].qualifier_key), g[0]))
        for group in groups:
            for other in group[1:]:
                add_edge(group[0], other, 100.0, "catalogue")
        for group in groups[1:]:
            add_edge(groups[0][0], group[0], 85.0, "qualifier", TIER_FAMILY)
        if len(_key) == 1:
            # A municipality's own address on the product's domain ("mittkoping.itslearning.com"),
            # the product's name with words of the register's own, or a typo of it.
            for other, kind in tenants.pop(_key[0], ()):
                add_edge(groups[0][0], other, 80.0, kind, TIER_FAMILY)
    for _entry, others in tenants.items():
        for other, kind in others[1:]:
            add_edge(others[0][0], other, 75.0, kind, TIER_FAMILY)

    # Aliases and other names: one equal to another service's name (or alias) joins them.
    alias_index: dict[str, list[int]] = defaultdict(list)
    for i, record in enumerate(records):
        names = {compact(normalise_name(alias)) for alias in record.aliases}
        names.update(compact(a) for a in features[i].parts.alternates)
        for alias_key in names:
            if alias_key:
                alias_index[alias_key].append(i)
    for alias_key, owners in alias_index.items():
        targets = set(owners) | set(name_index.get(alias_key, ()))
        ordered = sorted(targets)
        for other in ordered[1:]:
            add_edge(ordered[0], other, _EVIDENCE_SCORE["alias"], "alias")

    def same_vendor(a: int, b: int) -> bool:
        """The same vendor, or one of them has none recorded (by id, else orgnr, else name)."""
        ra, rb = records[a], records[b]
        if ra.vendor_id is not None and rb.vendor_id is not None:
            return ra.vendor_id == rb.vendor_id
        fa, fb = features[a], features[b]
        if fa.orgnr and fb.orgnr:
            return fa.orgnr == fb.orgnr
        if fa.vendor_key and fb.vendor_key:
            return fa.vendor_key == fb.vendor_key
        return True

    def pair_score(a: int, b: int, cutoff: float) -> float:
        score = name_similarity(keys_of[a], keys_of[b], cutoff)
        if score < 100 and vendor_keys and (a in vendor_keys or b in vendor_keys) and same_vendor(a, b):
            score = max(
                score,
                name_similarity(vendor_keys.get(a, keys_of[a]), vendor_keys.get(b, keys_of[b]), cutoff),
            )
        return score

    def compare(a: int, b: int) -> None:
        score = pair_score(a, b, threshold)
        if score >= threshold:
            add_edge(a, b, score, "name")
            return
        fa, fb = features[a], features[b]
        if (fa.plain and fb.plain) or not _cores_compatible(fa, fb):
            return  # the cores are the names just compared
        core = _core_score(fa, fb, threshold)
        if core >= threshold:
            if fa.qualifier_key == fb.qualifier_key:
                add_edge(a, b, core, "core")
            else:
                add_edge(a, b, min(core, 85.0), "qualifier", TIER_FAMILY)

    # Every name as a row of one table, so that the pairs that cannot reach a cutoff are ruled out
    # for all candidate pairs at once (NameKeyTable.may_reach); only the others are scored.
    table = NameKeyTable()
    name_row = np.array([table.add(key) for key in keys_of], dtype=np.int64)
    vendor_row = np.array(
        [table.add(vendor_keys[i]) if i in vendor_keys else name_row[i] for i in range(count)], dtype=np.int64
    )
    core_row = np.array([table.add(f.core_key) for f in features], dtype=np.int64)
    table.freeze()
    has_vendor_key = vendor_row != name_row
    plain = np.array([f.plain for f in features], dtype=bool)
    # A core one "s" longer than another ("Unikums arkiv"): _core_score's genitive, always scored.
    core_ids = {c: i for i, c in enumerate(dict.fromkeys(f.core_key.compact for f in features))}
    core_id = np.array([core_ids[f.core_key.compact] for f in features], dtype=np.int64)
    cores_of = [f.core_key.compact for f in features]
    core_stem_id = np.array([core_ids.get(c[:-1], -1) if c[-1:] == "s" else -1 for c in cores_of])

    def may_score(a: np.ndarray, b: np.ndarray, cutoff: float, cores: np.ndarray | None = None) -> np.ndarray:
        """False where pair_score (and, where ``cores``, _core_score) is surely below ``cutoff``."""
        keep = table.may_reach(name_row[a], name_row[b], cutoff)
        vendor = np.flatnonzero(~keep & (has_vendor_key[a] | has_vendor_key[b]))
        if len(vendor):
            keep[vendor] = table.may_reach(vendor_row[a[vendor]], vendor_row[b[vendor]], cutoff)
        if cores is not None:
            rows = np.flatnonzero(~keep & cores)
            if len(rows):
                ca, cb = a[rows], b[rows]
                keep[rows] = (
                    table.may_reach(core_row[ca], core_row[cb], cutoff)
                    | (core_stem_id[ca] == core_id[cb])
                    | (core_stem_id[cb] == core_id[ca])
                )
        return keep

    # Fuzzy blocks: each pair once, whichever blocks it meets in. A common word ("skola",
    # "digital") shared by more than MAX_BLOCK services is not a block: its neighbours in
    # alphabetical order share their first letters and meet in a prefix block already; comparing
    # them again costs a third of the time and finds nothing more.
    first, second = _block_pairs(
        (
            members
            for block, members in fuzzy_blocks.items()
            if len(members) > 1 and not (len(members) > MAX_BLOCK and block.startswith("t:"))
        ),
        compacts,
    )
    low, high = np.minimum(first, second), np.maximum(first, second)
    codes = np.sort(low * count + high)
    codes = codes[np.concatenate(([True], codes[1:] != codes[:-1]))] if len(codes) else codes
    first, second = codes // count, codes % count
    keep = may_score(first, second, threshold, ~(plain[first] & plain[second]))
    for a, b in zip(first[keep].tolist(), second[keep].tolist(), strict=True):
        compare(a, b)

    # The same specific host: a host shared by a few services is evidence enough; a host shared
    # by many (a platform's own) joins the ones whose names are alike too. A pair meets in at
    # most one host block and one site block, so the pairs can be taken in any order.
    host_members = [(host, members) for host, members in host_blocks.items() if len(members) > 1]
    specific = [m for host, m in host_members if host.count(".") >= 2 and len(m) <= 3]
    first, second = _block_pairs(specific, compacts)
    for a, b in zip(first.tolist(), second.tolist(), strict=True):
        add_edge(a, b, _EVIDENCE_SCORE["host"], "host")
    first, second = _block_pairs(
        (m for host, m in host_members if not (host.count(".") >= 2 and len(m) <= 3)), compacts
    )
    keep = may_score(first, second, HOST_NAME_FLOOR)
    for a, b in zip(first[keep].tolist(), second[keep].tolist(), strict=True):
        if pair_score(a, b, HOST_NAME_FLOOR) >= HOST_NAME_FLOOR:
            add_edge(a, b, _EVIDENCE_SCORE["host"], "host")

    # The same site name under any top-level domain ("kahoot.com", "kahoot.it"): one product when
    # the names agree; a registration on a subdomain named otherwise is a municipality's tenant.
    label_members = [(label, members) for label, members in label_blocks.items() if len(members) > 1]
    first, second = _block_pairs((members for _label, members in label_members), compacts)
    keep = may_score(first, second, HOST_NAME_FLOOR, np.ones(len(first), dtype=bool))
    for a, b in zip(first[keep].tolist(), second[keep].tolist(), strict=True):
        fa, fb = features[a], features[b]
        if pair_score(a, b, HOST_NAME_FLOOR) >= HOST_NAME_FLOOR or (
            _cores_compatible(fa, fb) and _core_score(fa, fb, HOST_NAME_FLOOR) >= HOST_NAME_FLOOR
        ):
            add_edge(a, b, _EVIDENCE_SCORE["domain"], "domain")
    for label, members in label_members:
        products = [i for i in members if label in (features[i].core_key.compact, compacts[i])]
        for i in members:
            f = features[i]
            if products and f.subdomain and label not in compacts[i] and i not in products:
                add_edge(products[0], i, 80.0, "tenant", TIER_FAMILY)

    # Strongest evidence first, same-product evidence before family; each union records the link
    # that made it. Registrations of two different catalogue products never join (cannot-link),
    # nor do pairs decided "not the same product".
    union_find = _UnionFind(count)
    for i, f in enumerate(features):
        if f.identity is not None:
            union_find.identity[i] = f.identity.key
        if f.parts.vendor_prefix:
            union_find.vendors[i] = frozenset((f.parts.vendor_prefix,))
        region = region_tag(records[i].name)
        if region:
            # One service per country ("Santander [PL]", "Santander [PT]"): two regions never join,
            # through the same mechanism that keeps two vendors' products apart.
            union_find.vendors[i] = union_find.vendors.get(i, frozenset()) | {f"region:{region}"}
    index_of = {record.key: i for i, record in enumerate(records)}
    for pair in separate:
        first, second = tuple(pair)
        if first in index_of and second in index_of:
            union_find.cannot_link(index_of[first], index_of[second])
    tree_edges: list[tuple[int, int, float, str, str]] = []
    ordered_edges = sorted(
        edges.items(), key=lambda item: (item[1][2] != TIER_SAME_PRODUCT, -item[1][0], item[0])
    )
    for (a, b), (score, kind, tier) in ordered_edges:
        if union_find.union(a, b):
            tree_edges.append((a, b, score, kind, tier))

    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(count):
        groups[union_find.find(i)].append(i)
    links_by_root: dict[int, list[tuple[int, int, float, str, str]]] = defaultdict(list)
    for edge in tree_edges:
        links_by_root[union_find.find(edge[0])].append(edge)

    clusters: list[DuplicateCluster] = []
    role_test, role_product = _("testmiljö"), _("produkt")
    for root, indices in groups.items():
        if len(indices) < 2 and not include_singletons:
            continue
        links = links_by_root.get(root, [])
        score = min((link[2] for link in links), default=100.0)
        tier = TIER_FAMILY if any(link[4] == TIER_FAMILY for link in links) else TIER_SAME_PRODUCT
        reasons: list[str] = []
        ordered_links = sorted(links, key=lambda link: (link[4] != TIER_SAME_PRODUCT, -link[2]))
        for number, link in enumerate(ordered_links):
            if len(reasons) == MAX_REASONS:
                # A large family says the same thing many times: the strongest reasons, then a count.
                rest = len(ordered_links) - number
                reasons.append(
                    ngettext("och %(count)d koppling till", "och %(count)d kopplingar till", rest)
                    % {"count": rest}
                )
                break
            text = _reason(link, records, features, catalogue)
            if text not in reasons:
                reasons.append(text)
        members = []
        for i in sorted(indices, key=lambda i: (features[i].test, records[i].name.casefold(), i)):
            record = records[i]
            members.append(
                ClusterMember(
                    service_type=record.service_type,
                    service_id=record.service_id,
                    name=record.name,
                    vendor=record.vendor_name,
                    is_test_environment=features[i].test,
                    role=role_test if features[i].test else role_product,
                )
            )
        products = sum(1 for i in indices if not features[i].test)
        tests = len(indices) - products
        cluster = DuplicateCluster(
            members=members,
            score=round(score, 1),
            reasons=reasons,
            product_count=products,
            test_environment_count=tests,
            explanation="",
            fix="",
            normalised_name=features[min(indices, key=lambda i: (features[i].test, i))].norm,
            tier=tier,
            pairs=[(records[a].key, records[b].key, s, k) for a, b, s, k, _t in links],
        )
        if len(indices) > 1:
            cluster.explanation, cluster.fix = _explain(cluster)
        clusters.append(cluster)
    clusters.sort(
        key=lambda c: (c.tier != TIER_SAME_PRODUCT, -c.product_count, -c.score, c.members[0].name.casefold())
    )
    return clusters


_QUALIFIER_KIND_LABELS = {
    "edition": gettext_lazy("utgåva eller målgrupp"),
    "school_form": gettext_lazy("skolform"),
    "module": gettext_lazy("modul eller användning"),
    "": gettext_lazy("tillägg"),
}


def _reason(
    link: tuple[int, int, float, str, str],
    records: list[ServiceRecord],
    features: list[_Features],
    catalogue: Catalogue,
) -> str:
    """The Swedish sentence that says why two registrations were joined, naming the evidence."""
    a, b, score, kind, _tier = link
    fa, fb = features[a], features[b]
    if kind == "catalogue" or (kind == "qualifier" and fa.identity and fb.identity):
        identity = fa.identity or fb.identity
        product = catalogue.entries[identity.entry].name
        notes = []
        for f in (fa, fb):
            if f.identity.how == "former":
                notes.append(_("tidigare %(name)s") % {"name": f.identity.text})
            elif f.identity.how == "alias":
                notes.append(_("även kallad %(name)s") % {"name": f.identity.text})
            elif f.identity.how == "domain":
                notes.append(_("adressen %(domain)s är produktens") % {"domain": f.identity.text})
            elif f.identity.how == "entity":
                notes.append(_("entity ID %(entity)s är produktens") % {"entity": f.identity.text})
        text = _("båda är %(product)s") % {"product": product}
        if notes:
            text += ", " + ", ".join(dict.fromkeys(notes))
        if kind == "qualifier":
            text += "; " + _qualifier_note(a, b, records, features)
        return text
    if kind == "qualifier":
        plain = a if len(fa.qualifier_key) <= len(fb.qualifier_key) else b
        return (
            _("båda är %(product)s") % {"product": _display_core(records[plain], features[plain])}
            + "; "
            + _qualifier_note(a, b, records, features)
        )
    if kind in ("prefix", "typo"):
        other, main = (a, b) if fa.family_of is not None else (b, a)
        family_of = features[other].family_of
        product = catalogue.entries[family_of[0]].name
        if kind == "typo":
            text = _("”%(name)s” skiljer sig en bokstav från %(product)s – granska om det är ett skrivfel")
            return text % {"name": records[other].name, "product": product}
        return _("”%(name)s” är %(product)s med orden ”%(words)s” – granska om det är samma produkt") % {
            "name": records[other].name,
            "product": product,
            "words": family_of[2],
        }
    if kind == "tenant":
        tenant, product = (b, a) if features[b].subdomain or features[b].tenant_of is not None else (a, b)
        return _("”%(name)s” ligger på en egen adress (%(host)s) hos %(product)s") % {
            "name": records[tenant].name,
            "host": features[tenant].host,
            "product": records[product].name,
        }
    if kind == "domain":
        return _("samma webbplats (%(domain)s) och liknande namn") % {"domain": fa.label or fa.registrable}
    if kind == "core":
        return _("samma produktnamn (%(name)s) när leverantör, plattform och parentes tas bort") % {
            "name": fa.parts.core
        }
    return _reason_text(kind, score)


def _display_core(record: ServiceRecord, f: _Features) -> str:
    return record.name if not f.qualifier_key else f.parts.core


def _qualifier_note(a: int, b: int, records: list[ServiceRecord], features: list[_Features]) -> str:
    """"”Kahoot! EDU” har ett tillägg (utgåva eller målgrupp)": which registration, which kind."""
    fa, fb = features[a], features[b]
    extra = b if len(fb.qualifier_key - fa.qualifier_key) >= len(fa.qualifier_key - fb.qualifier_key) else a
    added = features[extra].qualifier_key - features[a if extra == b else b].qualifier_key
    kinds = sorted({str(_QUALIFIER_KIND_LABELS[qualifier_kind(q)]) for q in added}) or [
        str(_QUALIFIER_KIND_LABELS[""])
    ]
    return _("”%(name)s” har ett tillägg (%(kinds)s) – granska om det är samma produkt") % {
        "name": records[extra].name,
        "kinds": ", ".join(kinds),
    }


def _describe(member: ClusterMember) -> str:
    kind = SERVICE_TYPE_LABELS.get(member.service_type, member.service_type)
    return f"”{member.name}” ({kind})"


def _explain(cluster: DuplicateCluster) -> tuple[str, str]:
    products = [m for m in cluster.members if not m.is_test_environment]
    tests = [m for m in cluster.members if m.is_test_environment]
    because = ", ".join(cluster.reasons)
    parts: list[str] = []
    if len(products) > 1:
        parts.append(
            _("%(names)s ser ut att vara samma produkt registrerad %(count)d gånger (%(because)s).")
            % {"names": ", ".join(_describe(m) for m in products), "count": len(products), "because": because}
        )
        fix = _(
            "Bestäm vilken registrering som gäller, flytta användning, avtal och behandlingar dit och "
            "avveckla eller ta bort de andra; lägg de andra namnen som alias."
        )
    else:
        product = products[0] if products else None
        if product:
            parts.append(
                _("%(product)s har en testmiljö i registret (%(because)s).")
                % {"product": _describe(product), "because": because}
            )
        else:
            parts.append(_("Testmiljöer av samma produkt (%(because)s).") % {"because": because})
        fix = _(
            "Registrera testmiljön som en del av produkten (t.ex. dess entity ID eller en anteckning) "
            "i stället för som en egen tjänst."
        )
    if tests and len(products) > 1:
        parts.append(
            _("%(names)s är testmiljö och räknas inte som en egen produkt.")
            % {"names": ", ".join(_describe(m) for m in tests)}
        )
    return " ".join(parts), fix


def load_service_records(
    applications: QuerySet | None = None, learning_resources: QuerySet | None = None
) -> list[ServiceRecord]:
    """Every service of the two querysets as :class:`ServiceRecord`, in two queries."""
    from portfolio.models import Application, LearningResource

    if applications is None:
        applications = Application.objects.all()
    if learning_resources is None:
        learning_resources = LearningResource.objects.all()
    fields = (
        "pk",
        "name",
        "aliases",
        "vendor_id",
        "vendor__name",
        "vendor__organisation_number",
        "product",
        "url",
        "saml_entity_ids",
    )
    records: list[ServiceRecord] = []
    for service_type, queryset in (("application", applications), ("learning_resource", learning_resources)):
        for row in queryset.order_by("pk").values(*fields):
            records.append(
                ServiceRecord(
                    service_type=service_type,
                    service_id=row["pk"],
                    name=row["name"],
                    aliases=tuple(split_lines(row["aliases"])),
                    vendor_id=row["vendor_id"],
                    vendor_name=row["vendor__name"] or "",
                    product=row["product"] or "",
                    url=row["url"] or "",
                    entity_ids=tuple(split_lines(row["saml_entity_ids"])),
                    vendor_orgnr=row["vendor__organisation_number"] or "",
                )
            )
    return records


def find_duplicates(
    applications: QuerySet | None = None,
    learning_resources: QuerySet | None = None,
    *,
    tier: str | None = None,
    threshold: float = NAME_THRESHOLD,
    include_test_environments: bool = True,
) -> list[DuplicateCluster]:
    """Clusters of registrations that are one product, across systems and learning resources.

    ``applications`` / ``learning_resources`` default to the whole register; pass
    ``LearningResource.objects.none()`` to look at systems only. ``tier`` keeps only clusters of
    that tier (:data:`TIER_SAME_PRODUCT` or :data:`TIER_FAMILY`). With
    ``include_test_environments=False`` only real duplicates (more than one production
    registration) are returned. The catalogue (shipped + the municipality's rows) and the
    decisions in force are loaded here: four queries whatever the size.
    """
    from portfolio.models import DuplicateDecision

    records = load_service_records(applications, learning_resources)
    catalogue = catalogue_from_database()
    separate = DuplicateDecision.objects.in_force(records)
    clusters = cluster_records(records, threshold=threshold, catalogue=catalogue, separate_pairs=separate)
    if tier is not None:
        clusters = [c for c in clusters if c.tier == tier]
    if not include_test_environments:
        clusters = [c for c in clusters if c.is_duplicate]
    return clusters

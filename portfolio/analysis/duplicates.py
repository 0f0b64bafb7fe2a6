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
   same specific host) or fuzzy name similarity (rapidfuzz) above :data:`NAME_THRESHOLD`.
4. **Cluster** with union-find over the matching pairs, strongest first; a cluster's score is
   its weakest joining link (the bottleneck of a maximum spanning tree), so "95" means every
   member is tied to the cluster by evidence at least that strong.

A registration that is a test environment ("TESTMILJÖ för …", "-test", "staging", a test host)
is a member with the role "testmiljö", not a second product.
"""

from __future__ import annotations

import hashlib
import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from django.db.models import QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from portfolio.text import split_lines

from .catalogue import Catalogue, catalogue_from_database, load_catalogue
from .names import (
    NameKey,
    compact,
    host_of,
    is_test_environment,
    name_similarity,
    normalise_host,
    normalise_name,
)

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
#: A blocking key shared by more services than this is compared in a sliding window instead.
MAX_BLOCK = 40
#: The sliding window's width for oversized blocks.
WINDOW = 8

_EVIDENCE_SCORE = {"entity": 100.0, "alias": 100.0, "vendor_product": 95.0, "host": 90.0}

SERVICE_TYPE_LABELS = {"application": "system", "learning_resource": "lärresurs"}


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


@dataclass
class ClusterMember:
    """One registration in a duplicate cluster."""

    service_type: str
    service_id: int
    name: str
    vendor: str
    is_test_environment: bool
    role: str  # "produkt" or "testmiljö"


@dataclass
class DuplicateCluster:
    """Registrations that are one product, why we think so, and what to do about it."""

    members: list[ClusterMember]
    score: float
    reasons: list[str]
    product_count: int
    test_environment_count: int
    explanation: str
    fix: str
    normalised_name: str = ""
    tier: str = TIER_SAME_PRODUCT
    pairs: list[tuple[tuple[str, int], tuple[str, int], float, str]] = field(default_factory=list, repr=False)

    @property
    def is_duplicate(self) -> bool:
        """More than one production registration: a real duplicate, not only a test environment."""
        return self.product_count > 1

    @property
    def member_keys(self) -> set[tuple[str, int]]:
        return {(m.service_type, m.service_id) for m in self.members}


class _UnionFind:
    """Union-find with cannot-link constraints: two sets holding a separated pair never merge."""

    def __init__(self, size: int):
        self.parent = list(range(size))
        #: root → members that its set may not be joined with (only for sets that have any).
        self.apart: dict[int, set[int]] = {}

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
    return entity_id.strip().lower().rstrip("/")


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


def _cluster(
    records: list[ServiceRecord],
    *,
    threshold: float,
    include_singletons: bool,
    catalogue: Catalogue,
    separate: frozenset,
) -> list[DuplicateCluster]:
    count = len(records)
    normalised = [normalise_name(r.name) for r in records]
    # "Microsoft Teams" by Microsoft is "Teams": the name without its vendor, compared only
    # against registrations of the same vendor or of no recorded vendor.
    without_vendor = [_strip_vendor(n, r.vendor_name) for n, r in zip(normalised, records, strict=True)]
    vendor_keys = {i: NameKey(w) for i, w in enumerate(without_vendor) if w}
    keys_of = [NameKey(n) for n in normalised]
    compacts = [k.compact for k in keys_of]
    hosts = [normalise_host(host_of(r.url)) for r in records]
    test_flags = [is_test_environment(r.name, (r.url, *r.entity_ids)) for r in records]

    # Evidence keys: every record sharing one is joined directly (star over the block).
    exact_blocks: dict[tuple[str, str], list[int]] = defaultdict(list)
    # Fuzzy keys: records sharing one are compared by name.
    fuzzy_blocks: dict[str, list[int]] = defaultdict(list)
    host_blocks: dict[str, list[int]] = defaultdict(list)
    name_index: dict[str, list[int]] = defaultdict(list)
    for i, record in enumerate(records):
        for entity_id in record.entity_ids:
            if entity_id.strip():
                exact_blocks[("entity", _entity_key(entity_id))].append(i)
        if record.vendor_id is not None and record.product.strip():
            exact_blocks[("vendor_product", f"{record.vendor_id}:{normalise_name(record.product)}")].append(i)
        if hosts[i]:
            host_blocks[hosts[i]].append(i)
        name_index[compacts[i]].append(i)
        keys = {f"t:{token}" for token in normalised[i].split() if len(token) >= 3}
        if compacts[i]:
            keys.add(f"p:{compacts[i][:4]}")
            keys.add(f"s:{compacts[i][-4:]}")
        for key in keys:
            fuzzy_blocks[key].append(i)

    edges: dict[tuple[int, int], tuple[float, str]] = {}

    def add_edge(a: int, b: int, score: float, kind: str) -> None:
        if a == b:
            return
        pair = (a, b) if a < b else (b, a)
        current = edges.get(pair)
        if current is None or score > current[0]:
            edges[pair] = (score, kind)

    for (kind, _key), members in exact_blocks.items():
        for other in members[1:]:
            add_edge(members[0], other, _EVIDENCE_SCORE[kind], kind)

    # Aliases: an alias equal to another service's normalised name (or alias) joins them.
    alias_index: dict[str, list[int]] = defaultdict(list)
    for i, record in enumerate(records):
        for alias in record.aliases:
            alias_key = compact(normalise_name(alias))
            if alias_key:
                alias_index[alias_key].append(i)
    for alias_key, owners in alias_index.items():
        targets = set(owners) | set(name_index.get(alias_key, ()))
        ordered = sorted(targets)
        for other in ordered[1:]:
            add_edge(ordered[0], other, _EVIDENCE_SCORE["alias"], "alias")

    compared: set[tuple[int, int]] = set()

    def pair_score(a: int, b: int, cutoff: float) -> float:
        score = name_similarity(keys_of[a], keys_of[b], cutoff)
        if score < 100 and (a in vendor_keys or b in vendor_keys):
            same_vendor = records[a].vendor_id == records[b].vendor_id or None in (
                records[a].vendor_id,
                records[b].vendor_id,
            )
            if same_vendor:
                score = max(
                    score,
                    name_similarity(vendor_keys.get(a, keys_of[a]), vendor_keys.get(b, keys_of[b]), cutoff),
                )
        return score

    def candidate_pairs(members: list[int]) -> Iterable[tuple[int, int]]:
        if len(members) <= MAX_BLOCK:
            for x in range(len(members)):
                for y in range(x + 1, len(members)):
                    yield members[x], members[y]
        else:
            ordered = sorted(members, key=lambda i: compacts[i])
            for x in range(len(ordered)):
                for y in range(x + 1, min(x + 1 + WINDOW, len(ordered))):
                    yield ordered[x], ordered[y]

    for members in fuzzy_blocks.values():
        if len(members) < 2:
            continue
        for a, b in candidate_pairs(members):
            pair = (a, b) if a < b else (b, a)
            if pair in compared:
                continue
            compared.add(pair)
            score = pair_score(a, b, threshold)
            if score >= threshold:
                add_edge(a, b, score, "name")

    for host, members in host_blocks.items():
        if len(members) < 2:
            continue
        specific = host.count(".") >= 2 and len(members) <= 3
        for a, b in candidate_pairs(members):
            if specific or pair_score(a, b, HOST_NAME_FLOOR) >= HOST_NAME_FLOOR:
                add_edge(a, b, _EVIDENCE_SCORE["host"], "host")

    # Maximum spanning forest: strongest evidence first; each union records the link that made it.
    union_find = _UnionFind(count)
    index_of = {record.key: i for i, record in enumerate(records)}
    for pair in separate:
        first, second = tuple(pair)
        if first in index_of and second in index_of:
            union_find.cannot_link(index_of[first], index_of[second])
    tree_edges: list[tuple[int, int, float, str]] = []
    for (a, b), (score, kind) in sorted(edges.items(), key=lambda item: (-item[1][0], item[0])):
        if union_find.union(a, b):
            tree_edges.append((a, b, score, kind))

    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(count):
        groups[union_find.find(i)].append(i)
    links_by_root: dict[int, list[tuple[int, int, float, str]]] = defaultdict(list)
    for edge in tree_edges:
        links_by_root[union_find.find(edge[0])].append(edge)

    clusters: list[DuplicateCluster] = []
    for root, indices in groups.items():
        if len(indices) < 2 and not include_singletons:
            continue
        links = links_by_root.get(root, [])
        score = min((link[2] for link in links), default=100.0)
        reasons: list[str] = []
        for link in sorted(links, key=lambda link: -link[2]):
            text = _reason_text(link[3], link[2])
            if text not in reasons:
                reasons.append(text)
        # A test environment only when the cluster also has something else, or its name says so.
        members = []
        for i in sorted(indices, key=lambda i: (test_flags[i], records[i].name.casefold(), records[i].key)):
            record = records[i]
            members.append(
                ClusterMember(
                    service_type=record.service_type,
                    service_id=record.service_id,
                    name=record.name,
                    vendor=record.vendor_name,
                    is_test_environment=test_flags[i],
                    role=_("testmiljö") if test_flags[i] else _("produkt"),
                )
            )
        products = sum(1 for i in indices if not test_flags[i])
        tests = len(indices) - products
        cluster = DuplicateCluster(
            members=members,
            score=round(score, 1),
            reasons=reasons,
            product_count=products,
            test_environment_count=tests,
            explanation="",
            fix="",
            normalised_name=normalised[min(indices, key=lambda i: (test_flags[i], i))],
            pairs=[(records[a].key, records[b].key, s, k) for a, b, s, k in links],
        )
        if len(indices) > 1:
            cluster.explanation, cluster.fix = _explain(cluster)
        clusters.append(cluster)
    clusters.sort(key=lambda c: (-c.product_count, -c.score, c.members[0].name.casefold()))
    return clusters


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

"""The product catalogue: what the duplicate finder knows about products before it sees the register.

A register spells one product many ways: "Flipgrid" is "Flip" since 2022, "Azure AD" is
"Microsoft Entra ID", "UR" is "Utbildningsradion". No string similarity finds those; a catalogue
does. The app ships one (``portfolio/data/product_catalogue.json``, each entry with its public
source, see docs/analysis.md) and the municipality extends it with
:class:`portfolio.models.CatalogueProduct` rows. The finder uses an entry as *evidence*:

* a registration whose name, former name or alias is an entry's → that product ("båda är Flip,
  tidigare Flipgrid");
* a registration whose address is on an entry's registrable domain, or whose entity ID is the
  entry's → that product;
* two registrations of *different* entries are different products (a cannot-link), unless the
  entries share a ``family``, which makes them a family to review;
* an entry's ``separate_qualifiers`` name words that make a separate product of the vendor
  ("Microsoft Teams" is not "Microsoft Teams Rooms" if "Rooms" is listed).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from portfolio.text import split_lines

from .names import compact, normalise_name, normalise_vendor, registrable_domain

__all__ = [
    "CATALOGUE_PATH",
    "Catalogue",
    "CatalogueEntry",
    "CatalogueVendor",
    "catalogue_from_database",
    "load_catalogue",
]

#: The catalogue shipped with the app (owned by the data, versioned with ``version``).
CATALOGUE_PATH = Path(__file__).resolve().parent.parent / "data" / "product_catalogue.json"


@dataclass(frozen=True)
class CatalogueVendor:
    """The vendor of a catalogue product, as the JSON writes it."""

    name: str = ""
    former_names: tuple[str, ...] = ()
    orgnr: str = ""
    country: str = ""


@dataclass(frozen=True)
class CatalogueEntry:
    """One product of the catalogue; mirrors one object of ``products`` in the JSON file."""

    name: str
    former_names: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    family: str = ""
    vendor: CatalogueVendor = field(default_factory=CatalogueVendor)
    domains: tuple[str, ...] = ()
    saml_entity_ids: tuple[str, ...] = ()
    capability: str = ""
    separate_qualifiers: tuple[str, ...] = ()
    source: str = ""
    #: "shipped" (the app's file) or "municipal" (a CatalogueProduct row), or both joined by "+".
    origin: str = "shipped"

    @classmethod
    def from_json(cls, data: dict) -> CatalogueEntry:
        vendor = data.get("vendor") or {}
        return cls(
            name=data["name"].strip(),
            former_names=tuple(_clean(data.get("former_names"))),
            aliases=tuple(_clean(data.get("aliases"))),
            family=(data.get("family") or "").strip(),
            vendor=CatalogueVendor(
                name=(vendor.get("name") or "").strip(),
                former_names=tuple(_clean(vendor.get("former_names"))),
                orgnr=(vendor.get("orgnr") or "").strip(),
                country=(vendor.get("country") or "").strip(),
            ),
            domains=tuple(d.lower().removeprefix("www.") for d in _clean(data.get("domains"))),
            saml_entity_ids=tuple(_clean(data.get("saml_entity_ids"))),
            capability=(data.get("capability") or "").strip(),
            separate_qualifiers=tuple(_clean(data.get("separate_qualifiers"))),
            source=(data.get("source") or "").strip(),
        )

    def names(self) -> list[tuple[str, str]]:
        """Every name the product goes under, each with its kind: "name", "former" or "alias"."""
        return [
            (self.name, "name"),
            *((n, "former") for n in self.former_names),
            *((n, "alias") for n in self.aliases),
        ]

    def merged_with(self, other: CatalogueEntry) -> CatalogueEntry:
        """This entry extended by ``other`` (a municipal row naming the same product)."""

        def union(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...]:
            return tuple(dict.fromkeys((*a, *b)))

        return replace(
            self,
            former_names=union(self.former_names, other.former_names),
            aliases=union(self.aliases, other.aliases),
            family=other.family or self.family,
            vendor=CatalogueVendor(
                name=other.vendor.name or self.vendor.name,
                former_names=union(self.vendor.former_names, other.vendor.former_names),
                orgnr=other.vendor.orgnr or self.vendor.orgnr,
                country=other.vendor.country or self.vendor.country,
            ),
            domains=union(self.domains, other.domains),
            saml_entity_ids=union(self.saml_entity_ids, other.saml_entity_ids),
            capability=other.capability or self.capability,
            separate_qualifiers=union(self.separate_qualifiers, other.separate_qualifiers),
            source="; ".join(s for s in (self.source, other.source) if s),
            origin=f"{self.origin}+{other.origin}" if other.origin not in self.origin else self.origin,
        )


def _clean(values) -> list[str]:
    if isinstance(values, str):
        values = split_lines(values)
    return [v.strip() for v in values or () if v and v.strip()]


@dataclass(frozen=True)
class NameHit:
    """A catalogue name a registration's name equals: which entry, and which of its names."""

    entry: int
    kind: str  # "name", "former" or "alias"
    text: str  # the catalogue's spelling of that name


class Catalogue:
    """Entries with the indexes the finder looks them up by (built once per catalogue)."""

    def __init__(self, entries: Iterable[CatalogueEntry] = (), version: str = ""):
        self.version = version
        self.entries: tuple[CatalogueEntry, ...] = tuple(entries)
        #: compact normalised name → hits (one name may belong to several entries: ambiguous).
        self.names: dict[str, list[NameHit]] = {}
        #: registrable domain → entry indices.
        self.domains: dict[str, list[int]] = {}
        #: entity ID (lower case, no trailing "/") → entry indices.
        self.entity_ids: dict[str, list[int]] = {}
        #: normalised vendor name → entry indices (vendor former names included).
        self.vendors: dict[str, set[int]] = {}
        #: the longest catalogue name in words, to bound prefix look-ups.
        self.longest_name = 0
        self._deletions: dict[str, set[int]] | None = None
        self._entry_names: dict[int, list[str]] | None = None
        #: the first four letters of every name, to skip prefix look-ups that cannot hit.
        self.starts: frozenset[str] = frozenset()
        for index, entry in enumerate(self.entries):
            for text, kind in entry.names():
                key = compact(normalise_name(text))
                if key and not any(hit.entry == index for hit in self.names.get(key, ())):
                    self.names.setdefault(key, []).append(NameHit(index, kind, text))
                    self.longest_name = max(self.longest_name, len(normalise_name(text).split()))
            for domain in entry.domains:
                registrable = registrable_domain(domain) or domain
                if index not in self.domains.setdefault(registrable, []):
                    self.domains[registrable].append(index)
            for entity_id in entry.saml_entity_ids:
                self.entity_ids.setdefault(entity_key(entity_id), []).append(index)
            for vendor_name in (entry.vendor.name, *entry.vendor.former_names):
                key = normalise_vendor(vendor_name)
                if key:
                    self.vendors.setdefault(key, set()).add(index)

        self.starts = frozenset(key[:4] for key in self.names)

    def near(self, key: str) -> int | None:
        """The one entry with a name one typo from ``key`` (a compact name of 6+ letters), if any.

        Registers carry typos of short names ("Skoolon" for Skolon) that the similarity rules
        refuse (short names must be equal, or Canva would be Canvas). Where the catalogue knows
        the product, a letter missing, a letter too many or two letters swapped is a typo to
        review. A letter *changed* is not: real products differ by one letter ("Remind" and
        "Rewind", "Clever" and "Clover", "Notion" beside "Norton").
        """
        if len(key) < 6 or key in self.names:
            return None
        if self._deletions is None:
            deletions: dict[str, set[int]] = {}
            for name, hits in self.names.items():
                if len(name) >= 6:
                    for variant in {name, *(name[:i] + name[i + 1 :] for i in range(len(name)))}:
                        deletions.setdefault(variant, set()).update(h.entry for h in hits)
            self._deletions = deletions
        found: set[int] = set()
        # A letter missing from a catalogue name: ``key`` is one of the name's deletions.
        for entry in self._deletions.get(key, ()):
            if any(len(name) == len(key) + 1 for name in self._names_of(entry)):
                found.add(entry)
        # A letter too many, or two neighbours swapped: a catalogue name is among key's variants.
        variants = {key[:i] + key[i + 1 :] for i in range(len(key))}
        variants |= {key[:i] + key[i + 1] + key[i] + key[i + 2 :] for i in range(len(key) - 1)}
        for variant in variants - {key}:
            found.update(hit.entry for hit in self.names.get(variant, ()) if len(variant) >= 6)
        return next(iter(found)) if len(found) == 1 else None

    def _names_of(self, entry: int) -> list[str]:
        if self._entry_names is None:
            names: dict[int, list[str]] = {}
            for name, hits in self.names.items():
                for hit in hits:
                    names.setdefault(hit.entry, []).append(name)
            self._entry_names = names
        return self._entry_names.get(entry, [])

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self):
        return iter(self.entries)

    def by_name(self, name: str) -> CatalogueEntry | None:
        """The entry one of whose names ``name`` is (exactly, after normalisation), if unambiguous."""
        hits = self.names.get(compact(normalise_name(name)), [])
        return self.entries[hits[0].entry] if len(hits) == 1 else None

    def same_vendor(self, entry: int, vendor_name: str) -> bool:
        """Whether ``vendor_name`` is the entry's vendor (or one of its former names)."""
        return entry in self.vendors.get(normalise_vendor(vendor_name), ())


def entity_key(entity_id: str) -> str:
    """An entity ID as compared: lower case, no surrounding blanks or trailing slash."""
    return entity_id.strip().lower().rstrip("/")


@lru_cache(maxsize=4)
def _shipped(path: str, mtime_ns: int) -> Catalogue:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return Catalogue(
        (CatalogueEntry.from_json(product) for product in data.get("products", [])),
        version=str(data.get("version", "")),
    )


def shipped_catalogue() -> Catalogue:
    """The catalogue file shipped with the app, read once per version of the file."""
    try:
        stat = CATALOGUE_PATH.stat()
    except FileNotFoundError:
        return Catalogue()
    return _shipped(str(CATALOGUE_PATH), stat.st_mtime_ns)


def load_catalogue(extra_entries: Iterable[CatalogueEntry] = ()) -> Catalogue:
    """The shipped catalogue plus ``extra_entries`` (municipal ones).

    An extra entry whose name is a shipped entry's name extends that entry (more former names,
    aliases, domains …); any other is a product of its own.
    """
    shipped = shipped_catalogue()
    extras = list(extra_entries)
    if not extras:
        return shipped
    entries = list(shipped.entries)
    index = {compact(normalise_name(e.name)): i for i, e in enumerate(entries)}
    for extra in extras:
        key = compact(normalise_name(extra.name))
        if key in index:
            entries[index[key]] = entries[index[key]].merged_with(extra)
        else:
            index[key] = len(entries)
            entries.append(extra)
    return Catalogue(entries, version=f"{shipped.version}+{len(extras)}")


def entry_from_product(row: dict) -> CatalogueEntry:
    """A :class:`CatalogueEntry` from a ``CatalogueProduct`` ``.values()`` row."""
    return CatalogueEntry(
        name=row["name"].strip(),
        former_names=tuple(split_lines(row["former_names"])),
        aliases=tuple(split_lines(row["aliases"])),
        family=row["family"].strip(),
        vendor=CatalogueVendor(name=row["vendor_name"].strip(), orgnr=row["vendor_orgnr"].strip()),
        domains=tuple(d.lower().removeprefix("www.") for d in split_lines(row["domains"])),
        saml_entity_ids=tuple(split_lines(row["saml_entity_ids"])),
        capability=row["capability__name"] or "",
        separate_qualifiers=tuple(split_lines(row["separate_qualifiers"])),
        source=row["source"].strip(),
        origin="municipal",
    )


def catalogue_from_database() -> Catalogue:
    """The shipped catalogue extended by the municipality's ``CatalogueProduct`` rows (one query)."""
    from portfolio.models import CatalogueProduct

    rows = CatalogueProduct.objects.order_by("pk").values(
        "name",
        "former_names",
        "aliases",
        "family",
        "vendor_name",
        "vendor_orgnr",
        "domains",
        "saml_entity_ids",
        "separate_qualifiers",
        "capability__name",
        "source",
    )
    return load_catalogue(entry_from_product(row) for row in rows)

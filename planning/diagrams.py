"""The two pictures a strateg shows a nämnd: the roadmap and the capability map (förmågekarta).

Both are server-rendered SVG strings — no script library, no third-party host, no inline style
(the Content-Security-Policy forbids them; SVG presentation attributes are not styles). The
rendering functions take plain dataclasses, so they are tested without a database; the
``*_data`` builders read the register with a constant number of queries (docs/architecture.md,
principle 2).

Colour never carries meaning alone: every status or category also has a fill pattern and a short
text marker drawn on the shape, the legend names all three, and each page puts a text table
beside the picture as its text alternative.
"""

from __future__ import annotations

import datetime
import hashlib
import sys
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from html import escape

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

__all__ = [
    "DIMENSIONS",
    "MAP_TILE_LIMIT",
    "NO_CAPABILITY",
    "CapabilityMap",
    "CapabilityOverview",
    "LegendEntry",
    "MapArea",
    "MapCapability",
    "MapFacts",
    "MapPicture",
    "MapTile",
    "OverviewArea",
    "OverviewCapability",
    "Roadmap",
    "RoadmapBar",
    "ServiceFacts",
    "area_choices",
    "capability_map",
    "capability_overview",
    "facts_at",
    "facts_today",
    "map_picture",
    "refresh_facts_today",
    "render_capability_map",
    "render_capability_overview",
    "render_roadmap",
    "resolve_area",
    "service_facts_today",
    "tile_count",
]

TEXT = "#1b1f24"
MUTED = "#4a5560"
BORDER = "#c4ccd4"
SOFT = "#f3f5f7"


@dataclass(frozen=True)
class Style:
    """How one status or category is drawn: fill, a pattern over it, and a short text marker."""

    fill: str
    pattern: str = ""  # "" | "hatch" | "cross" | "dots"
    marker: str = ""
    text: str = TEXT  # text colour readable on ``fill``


@dataclass(frozen=True)
class LegendEntry:
    key: str
    label: str
    style: Style


def _pattern_defs(prefix: str, styles: Iterable[Style]) -> str:
    """One ``<pattern>`` per (pattern, fill) pair in use; ids carry the chart's prefix."""
    parts = []
    for style in {(s.pattern, s.fill): s for s in styles if s.pattern}.values():
        pid = _pattern_id(prefix, style)
        if style.pattern == "hatch":
            body = f'<path d="M0,8 L8,0" stroke="{TEXT}" stroke-width="1.2" opacity="0.55"/>'
        elif style.pattern == "cross":
            body = f'<path d="M0,0 L8,8 M0,8 L8,0" stroke="{TEXT}" stroke-width="1" opacity="0.5"/>'
        else:
            body = f'<circle cx="4" cy="4" r="1.4" fill="{TEXT}" opacity="0.55"/>'
        parts.append(
            f'<pattern id="{pid}" width="8" height="8" patternUnits="userSpaceOnUse">'
            f'<rect width="8" height="8" fill="{style.fill}"/>{body}</pattern>'
        )
    return f"<defs>{''.join(parts)}</defs>" if parts else ""


def _pattern_id(prefix: str, style: Style) -> str:
    return f"{prefix}-{style.pattern}-{style.fill.lstrip('#')}"


def _paint(prefix: str, style: Style) -> str:
    return f"url(#{_pattern_id(prefix, style)})" if style.pattern else style.fill


def _short(text: str, chars: int) -> str:
    return text if len(text) <= chars else text[: max(chars - 1, 1)].rstrip() + "…"


def _legend_svg(prefix: str, legend: list[LegendEntry], y: float, width: float) -> tuple[str, float]:
    """The legend as SVG rows of swatch + marker + label; returns the markup and its height."""
    parts, x, row_y = [], 0.0, y
    for entry in legend:
        item_width = 44 + 7.5 * len(entry.label)
        if x and x + item_width > width:
            x, row_y = 0.0, row_y + 24
        parts.append(
            f'<rect x="{x:.0f}" y="{row_y:.0f}" width="28" height="18" fill="{_paint(prefix, entry.style)}" '
            f'stroke="{TEXT}" stroke-width="0.5"/>'
            f'<text x="{x + 14:.0f}" y="{row_y + 13:.0f}" font-size="12" text-anchor="middle" '
            f'font-weight="700" fill="{entry.style.text}">{escape(entry.style.marker)}</text>'
            f'<text x="{x + 34:.0f}" y="{row_y + 14:.0f}" font-size="13" '
            f'fill="{TEXT}">{escape(entry.label)}</text>'
        )
        x += item_width
    return "".join(parts), row_y + 24 - y


# ---------------------------------------------------------------------------------------------
# The roadmap
# ---------------------------------------------------------------------------------------------

#: Action status (plan-core's ``ActionStatus`` values) → how its bar is drawn.
STATUS_STYLES: dict[str, Style] = {
    "planerad": Style("#dbe6f3", "hatch", "P"),
    "pagar": Style("#9cc3ea", "", "▶"),
    "klar": Style("#a8d5b5", "", "✓"),
    "stoppad": Style("#f2c4c4", "cross", "×"),
}
FALLBACK_STYLE = Style("#e4e7eb", "dots", "?")


@dataclass(frozen=True)
class RoadmapBar:
    """One action on the timeline."""

    label: str
    group: str
    start: datetime.date
    end: datetime.date
    status: str
    status_label: str
    url: str | None = None
    overdue: bool = False


@dataclass
class Roadmap:
    title: str
    today: datetime.date
    bars: list[RoadmapBar]
    #: (status, label) in legend order.
    statuses: list[tuple[str, str]] = field(default_factory=list)

    def groups(self) -> list[tuple[str, list[RoadmapBar]]]:
        """Bars grouped (groups by name, bars by start) — the order of the picture and its table."""
        grouped: dict[str, list[RoadmapBar]] = defaultdict(list)
        for bar in self.bars:
            grouped[bar.group].append(bar)
        return [
            (name, sorted(bars, key=lambda b: (b.start, b.end, b.label.casefold())))
            for name, bars in sorted(grouped.items(), key=lambda item: item[0].casefold())
        ]


def _month_starts(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    months, day = [], first.replace(day=1)
    while day <= last:
        months.append(day)
        day = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return months


def render_roadmap(roadmap: Roadmap, chart_id: str = "roadmap") -> str:
    """The roadmap as an SVG string: a row per action under its group, today's date a line."""
    width, label_width, row_h, head_h = 1000.0, 300.0, 26.0, 40.0
    groups = roadmap.groups()
    if not groups:
        return ""
    first = min(min(b.start for b in roadmap.bars), roadmap.today)
    last = max(max(b.end for b in roadmap.bars), roadmap.today)
    first = first.replace(day=1)
    span = max((last - first).days + 1, 31)
    track = width - label_width - 40

    def x_of(day: datetime.date) -> float:
        return label_width + track * (day - first).days / span

    rows = sum(len(bars) + 1 for _name, bars in groups)
    chart_h = head_h + rows * row_h + 8
    legend_entries = [
        LegendEntry(status, label, STATUS_STYLES.get(status, FALLBACK_STYLE))
        for status, label in roadmap.statuses
    ]
    legend, legend_h = _legend_svg(chart_id, legend_entries, chart_h + 12, width)
    height = chart_h + 12 + legend_h
    styles = [e.style for e in legend_entries] + [FALLBACK_STYLE]
    # With links inside, a picture is a figure (an image may hold no interactive content).
    role = "figure" if any(bar.url for bar in roadmap.bars) else "img"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" role="{role}" aria-labelledby="{chart_id}-title" '
        f'class="diagram roadmap" id="{chart_id}">',
        f'<title id="{chart_id}-title">{escape(roadmap.title)}</title>',
        _pattern_defs(chart_id, styles),
    ]
    # Ticks: every month when the span is short, else every quarter; the year on January.
    months = _month_starts(first, last)
    step = 1 if len(months) <= 18 else 3 if len(months) <= 48 else 12
    for month in months:
        if (month.month - 1) % step:
            continue
        x = x_of(month)
        label = str(month.year) if month.month == 1 or step == 12 else date_format(month, "M")
        parts.append(
            f'<line x1="{x:.1f}" y1="{head_h - 8:.0f}" x2="{x:.1f}" y2="{chart_h:.0f}" stroke="{BORDER}" '
            f'stroke-width="{1.5 if month.month == 1 else 0.5}"/>'
            f'<text x="{x + 2:.1f}" y="{head_h - 14:.0f}" font-size="11" '
            f'fill="{MUTED}">{escape(label)}</text>'
        )
    y = head_h
    for name, bars in groups:
        parts.append(
            f'<text x="0" y="{y + 17:.0f}" font-size="13" font-weight="700" fill="{TEXT}">'
            f"{escape(_short(name, 40))}</text>"
        )
        y += row_h
        for bar in bars:
            style = STATUS_STYLES.get(bar.status, FALLBACK_STYLE)
            x1, x2 = x_of(bar.start), x_of(bar.end + datetime.timedelta(days=1))
            bar_w = max(x2 - x1, 4)
            flag = " ⚠" if bar.overdue else ""
            title = (
                f"{bar.label}: {bar.status_label}{', ' + _('försenad') if bar.overdue else ''}, "
                f"{bar.start.isoformat()}–{bar.end.isoformat()}"
            )
            shape = (
                f"<g><title>{escape(title)}</title>"
                f'<text x="12" y="{y + 17:.0f}" font-size="13" '
                f'fill="{TEXT}">{escape(_short(bar.label, 38))}</text>'
                f'<rect x="{x1:.1f}" y="{y + 4:.0f}" width="{bar_w:.1f}" height="{row_h - 8:.0f}" rx="3" '
                f'fill="{_paint(chart_id, style)}" stroke="{TEXT}" '
                f'stroke-width="{1.5 if bar.overdue else 0.6}"/>'
                f'<text x="{x1 + bar_w + 4:.1f}" y="{y + 17:.0f}" font-size="12" font-weight="700" '
                f'fill="{TEXT}">'
                f"{escape(style.marker + flag)}</text></g>"
            )
            parts.append(f'<a href="{escape(bar.url)}">{shape}</a>' if bar.url else shape)
            y += row_h
    x_today = x_of(roadmap.today)
    near_left = x_today < width - 140  # the label reads to the right of the line unless at the edge
    parts.append(
        f'<line x1="{x_today:.1f}" y1="{head_h - 30:.0f}" x2="{x_today:.1f}" y2="{chart_h:.0f}" '
        f'stroke="#a4161a" stroke-width="2" stroke-dasharray="6 3"/>'
        f'<text x="{x_today + (4 if near_left else -4):.1f}" y="12" font-size="12" font-weight="700" '
        f'text-anchor="{"start" if near_left else "end"}" fill="#a4161a">'
        f"{escape(_('Idag'))} {escape(roadmap.today.isoformat())}</text>"
    )
    parts.append(legend)
    parts.append("</svg>")
    return "".join(parts)


# ---------------------------------------------------------------------------------------------
# The capability map
# ---------------------------------------------------------------------------------------------


@dataclass
class ServiceFacts:
    """What the map may colour a service by — today's register or the register as it will be."""

    service_type: str
    pk: int
    name: str
    capability_ids: set[int]
    behind_sso: bool = False
    federation: str = ""
    lifecycle_status: str = ""
    time_classification: str = ""
    yearly_cost: Decimal | None = None
    gap_severity: str = ""  # the most severe open GDPR gap, "" when none

    @property
    def key(self) -> tuple[str, int]:
        return (self.service_type, self.pk)


@dataclass(frozen=True)
class MapTile:
    name: str
    url: str | None
    category: str
    detail: str


@dataclass
class MapCapability:
    pk: int | None
    name: str
    tiles: list[MapTile]


@dataclass
class MapArea:
    name: str
    capabilities: list[MapCapability]


@dataclass
class CapabilityMap:
    title: str
    dimension: str
    areas: list[MapArea]
    legend: list[LegendEntry]

    def counts(self) -> list[tuple[str, str, dict[str, int]]]:
        """(area, capability, {category: tiles}) — the text table beside the picture."""
        rows = []
        for area in self.areas:
            for capability in area.capabilities:
                counts: dict[str, int] = defaultdict(int)
                for tile in capability.tiles:
                    counts[tile.category] += 1
                rows.append((area.name, capability.name, dict(counts)))
        return rows


def _choices(name: str):
    from portfolio import choices

    return getattr(choices, name)


def _dimension_legends() -> dict[str, list[LegendEntry]]:
    """Each dimension's categories in order, with their style — built per call for the language."""
    lifecycle = _choices("LifecycleStatus")
    time = _choices("TimeClassification")
    severity = _choices("Severity")
    return {
        "sso": [
            LegendEntry("federation", _("SSO via Skolfederation"), Style("#1e6b34", "", "F", "#ffffff")),
            LegendEntry("sso", _("Bakom SSO"), Style("#a8d5b5", "", "✓")),
            LegendEntry("outside", _("Utanför SSO"), Style("#f2c4c4", "cross", "×")),
        ],
        "gdpr": [
            LegendEntry(
                severity.CRITICAL, str(severity.CRITICAL.label), Style("#8b0000", "", "K", "#ffffff")
            ),
            LegendEntry(severity.HIGH, str(severity.HIGH.label), Style("#f2a779", "cross", "H")),
            LegendEntry(severity.MEDIUM, str(severity.MEDIUM.label), Style("#f5dc8c", "hatch", "M")),
            LegendEntry(severity.LOW, str(severity.LOW.label), Style("#c9d7ea", "dots", "L")),
            LegendEntry("none", _("Inga öppna brister"), Style("#e3f4e8", "", "–")),
        ],
        "lifecycle": [
            LegendEntry(lifecycle.PLANNED, str(lifecycle.PLANNED.label), Style("#dbe6f3", "hatch", "P")),
            LegendEntry(lifecycle.IN_USE, str(lifecycle.IN_USE.label), Style("#a8d5b5", "", "D")),
            LegendEntry(
                lifecycle.PHASING_OUT, str(lifecycle.PHASING_OUT.label), Style("#f5dc8c", "hatch", "U")
            ),
            LegendEntry(lifecycle.RETIRED, str(lifecycle.RETIRED.label), Style("#d5d9de", "cross", "A")),
        ],
        "time": [
            LegendEntry(time.INVEST, str(time.INVEST.label), Style("#a8d5b5", "", "I")),
            LegendEntry(time.TOLERATE, str(time.TOLERATE.label), Style("#c9d7ea", "dots", "T")),
            LegendEntry(time.MIGRATE, str(time.MIGRATE.label), Style("#f5dc8c", "hatch", "M")),
            LegendEntry(time.ELIMINATE, str(time.ELIMINATE.label), Style("#f2c4c4", "cross", "E")),
            LegendEntry("none", _("Ej klassad"), Style("#ffffff", "", "–")),
        ],
        "cost": [
            LegendEntry("c4", _("Över 1 mnkr per år"), Style("#8b0000", "", "4", "#ffffff")),
            LegendEntry("c3", _("500 tkr–1 mnkr per år"), Style("#f2a779", "cross", "3")),
            LegendEntry("c2", _("100–500 tkr per år"), Style("#f5dc8c", "hatch", "2")),
            LegendEntry("c1", _("Under 100 tkr per år"), Style("#e3f4e8", "", "1")),
            LegendEntry("none", _("Kostnad saknas"), Style("#ffffff", "dots", "?")),
        ],
    }


#: The dimensions a capability map can be coloured by, as (value, label) for a choice field.
DIMENSIONS = [
    ("sso", gettext_lazy("Inloggning (SSO)")),
    ("gdpr", gettext_lazy("Öppna dataskyddsbrister")),
    ("lifecycle", gettext_lazy("Livscykel")),
    ("time", gettext_lazy("TIME-klassning")),
    ("cost", gettext_lazy("Årskostnad")),
]


def _money(amount: Decimal) -> str:
    return f"{int(amount):,}".replace(",", "\u00a0") + " kr"


def _categorise(dimension: str, facts: ServiceFacts, labels: Mapping[str, str]) -> tuple[str, str]:
    """(category key, the tile's detail in words) of one service under ``dimension``."""
    if dimension == "sso":
        if facts.behind_sso and facts.federation == "skolfederation":
            key = "federation"
        else:
            key = "sso" if facts.behind_sso else "outside"
    elif dimension == "gdpr":
        key = facts.gap_severity or "none"
    elif dimension == "lifecycle":
        key = facts.lifecycle_status
    elif dimension == "time":
        key = facts.time_classification or "none"
    else:
        cost = facts.yearly_cost
        if cost is None:
            key = "none"
        else:
            key = "c4" if cost > 1_000_000 else "c3" if cost > 500_000 else "c2" if cost >= 100_000 else "c1"
        if cost is not None:
            return key, _money(cost)
    return key, labels.get(key, key)


#: The area choice of the services that serve no capability (``?omrade=utan``).
NO_CAPABILITY = "utan"

#: Above this many tiles (a service once in every capability it serves) the page opens on the
#: overview and draws one area at a time: a map that large is unreadable, and its SVG runs to
#: megabytes (demo scale 30: 13,400 tiles, 6 MB). Demo scale 1 has 447 tiles and a municipality
#: of a few hundred services stays below too, so they see the whole map at once.
MAP_TILE_LIMIT = 1500

#: An area as the page chooses it: a capability's pk (an area has no parent) or NO_CAPABILITY.
AreaKey = int | str


def tile_count(facts: Iterable[ServiceFacts]) -> int:
    """How many tiles the whole map would draw: each service once per capability (or once, alone)."""
    return sum(len(service.capability_ids) or 1 for service in facts)


def area_choices(capabilities: Iterable[tuple[int, str, int | None]]) -> list[tuple[AreaKey, str]]:
    """The areas (capabilities without a parent) by name, then "Utan förmåga": the page's choice."""
    areas = sorted(
        ((pk, name) for pk, name, parent in capabilities if parent is None), key=lambda a: a[1].casefold()
    )
    return [*areas, (NO_CAPABILITY, _("Utan förmåga"))]


def resolve_area(value: str | None, capabilities: Iterable[tuple[int, str, int | None]]) -> AreaKey | None:
    """The area ``value`` (the ``omrade`` parameter) names; a capability below an area names its area.

    ``None`` for no choice; raises ``LookupError`` for a value that names no capability.
    """
    value = (value or "").strip()
    if not value:
        return None
    if value == NO_CAPABILITY:
        return NO_CAPABILITY
    parent_of = {pk: parent for pk, _name, parent in capabilities}
    try:
        pk = int(value)
    except ValueError:
        raise LookupError(value) from None
    if pk not in parent_of:
        raise LookupError(value)
    return parent_of[pk] or pk


def _places(service: ServiceFacts, area: AreaKey | None, area_of: Mapping[int, int]) -> Iterable[int | None]:
    """The capabilities a service's tile sits in on a map of ``area`` (``None``: the whole map)."""
    if not service.capability_ids:
        return (None,) if area is None or area == NO_CAPABILITY else ()
    if area is None:
        return service.capability_ids
    return [pk for pk in service.capability_ids if area_of.get(pk, pk) == area]


def _area_of(capabilities: list[tuple[int, str, int | None]]) -> dict[int, int]:
    return {pk: parent or pk for pk, _name, parent in capabilities}


def capability_map(
    facts: Iterable[ServiceFacts],
    capabilities: Iterable[tuple[int, str, int | None]],
    dimension: str,
    title: str,
    urls: Mapping[tuple[str, int], str] | None = None,
    area: AreaKey | None = None,
) -> CapabilityMap:
    """Place each service in every capability it serves, under its area, coloured by ``dimension``.

    ``capabilities`` are ``(pk, name, parent_pk)``; areas (no parent) hold their capabilities, a
    service linked to an area itself sits in a box named after the area. Services with no
    capability sit in an area of their own, last. With ``area`` only that area is built (its
    tiles alone: a large register's map is drawn one area at a time).
    """
    legend = _dimension_legends()[dimension]
    labels = {entry.key: entry.label for entry in legend}
    capabilities = list(capabilities)
    names = {pk: name for pk, name, _parent in capabilities}
    area_of = _area_of(capabilities)
    tiles: dict[int | None, list[MapTile]] = defaultdict(list)
    for service in facts:
        places = _places(service, area, area_of)
        if not places:
            continue
        category, detail = _categorise(dimension, service, labels)
        tile = MapTile(service.name, (urls or {}).get(service.key), category, detail)
        for capability_id in places:
            tiles[capability_id].append(tile)
    by_area: dict[int | None, list[MapCapability]] = defaultdict(list)
    for capability_id, its_tiles in tiles.items():
        its_tiles.sort(key=lambda t: (t.name.casefold(), t.url or ""))
        if capability_id is None:
            by_area[None].append(MapCapability(None, _("Utan förmåga"), its_tiles))
            continue
        by_area[area_of.get(capability_id, capability_id)].append(
            MapCapability(capability_id, names.get(capability_id, "?"), its_tiles)
        )
    areas = []
    for area_id, caps in by_area.items():
        caps.sort(key=lambda c: (c.pk != area_id, c.name.casefold()))
        areas.append(MapArea(_("Utan förmåga") if area_id is None else names.get(area_id, "?"), caps))
    areas.sort(key=lambda a: (a.name == _("Utan förmåga"), a.name.casefold()))
    order = {entry.key: i for i, entry in enumerate(legend)}
    return CapabilityMap(title, dimension, areas, [e for e in legend if e.key in order])


@dataclass
class OverviewCapability:
    """One capability of the overview: how many services it holds in each category."""

    pk: int | None
    name: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class OverviewArea:
    key: AreaKey
    name: str
    services: int  # distinct services in the area (one serving two of its capabilities counts once)
    capabilities: list[OverviewCapability]


@dataclass
class CapabilityOverview:
    """A large register's map in figures: per area, per capability, services per category."""

    title: str
    dimension: str
    areas: list[OverviewArea]
    legend: list[LegendEntry]

    def counts(self) -> list[tuple[str, str, dict[str, int]]]:
        """(area, capability, {category: services}) — the same table as :meth:`CapabilityMap.counts`."""
        return [(a.name, c.name, c.counts) for a in self.areas for c in a.capabilities]


def capability_overview(
    facts: Iterable[ServiceFacts],
    capabilities: Iterable[tuple[int, str, int | None]],
    dimension: str,
    title: str,
) -> CapabilityOverview:
    """Counts only, no tiles: each capability's services per category of ``dimension``, by area.

    The same places and categories as :func:`capability_map`, so an area's counts here are the
    counts of its detailed map.
    """
    legend = _dimension_legends()[dimension]
    labels = {entry.key: entry.label for entry in legend}
    capabilities = list(capabilities)
    names = {pk: name for pk, name, _parent in capabilities}
    area_of = _area_of(capabilities)
    counts: dict[int | None, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    members: dict[AreaKey, set[tuple[str, int]]] = defaultdict(set)
    for service in facts:
        category = _categorise(dimension, service, labels)[0]
        for capability_id in _places(service, None, area_of):
            counts[capability_id][category] += 1
            area = NO_CAPABILITY if capability_id is None else area_of.get(capability_id, capability_id)
            members[area].add(service.key)
    by_area: dict[AreaKey, list[OverviewCapability]] = defaultdict(list)
    for capability_id, its_counts in counts.items():
        if capability_id is None:
            by_area[NO_CAPABILITY].append(OverviewCapability(None, _("Utan förmåga"), dict(its_counts)))
        else:
            by_area[area_of.get(capability_id, capability_id)].append(
                OverviewCapability(capability_id, names.get(capability_id, "?"), dict(its_counts))
            )
    areas = []
    for key, caps in by_area.items():
        caps.sort(key=lambda c: (c.pk != key, c.name.casefold()))
        name = _("Utan förmåga") if key == NO_CAPABILITY else names.get(key, "?")
        areas.append(OverviewArea(key, name, len(members[key]), caps))
    areas.sort(key=lambda a: (a.key == NO_CAPABILITY, a.name.casefold()))
    return CapabilityOverview(title, dimension, areas, legend)


def render_capability_overview(
    overview: CapabilityOverview,
    area_urls: Mapping[AreaKey, str] | None = None,
    chart_id: str = "capability-map",
) -> str:
    """Each area a box; each capability in it a row with its service count and a bar split by
    category (in proportion to the largest capability, so rows compare), linking to the area's map.

    A segment carries its category by pattern and marker as well as colour (the marker where the
    segment is wide enough to hold it; the legend and the table beside the picture name them all).
    """
    width, pad, row_h, head = 1000.0, 8.0, 24.0, 30.0
    label_w, count_w = 330.0, 60.0
    bar_x = pad + label_w + count_w + 10
    bar_w = width - bar_x - pad * 2
    styles = {entry.key: entry.style for entry in overview.legend}
    labels = {entry.key: entry.label for entry in overview.legend}
    order = [entry.key for entry in overview.legend]
    largest = max((c.total for a in overview.areas for c in a.capabilities), default=0) or 1
    urls = area_urls or {}
    parts: list[str] = []
    y = 0.0
    for area in overview.areas:
        top = y
        url = urls.get(area.key)
        heading = (
            f'<text x="{pad * 2:.0f}" y="{y + 20:.1f}" font-size="14" font-weight="700" fill="{TEXT}">'
            f"{escape(area.name)}</text>"
            f'<text x="{width - pad * 2:.0f}" y="{y + 20:.1f}" font-size="12" text-anchor="end" '
            f'fill="{MUTED}">'
            + escape(
                ngettext("%(count)s tjänst", "%(count)s tjänster", area.services) % {"count": area.services}
            )
            + (f" · {escape(_('Visa varje tjänst'))} ›" if url else "")
            + "</text>"
        )
        inner = [f'<a href="{escape(url)}">{heading}</a>' if url else heading]
        y += head
        for capability in area.capabilities:
            text = (
                f'<text x="{pad * 2:.0f}" y="{y + 16:.1f}" font-size="12" fill="{TEXT}">'
                f"{escape(_short(capability.name, 46))}</text>"
                f'<text x="{pad + label_w + count_w:.0f}" y="{y + 16:.1f}" font-size="12" text-anchor="end" '
                f'font-weight="700" fill="{TEXT}">{capability.total}</text>'
            )
            segments, x = [], bar_x
            for key in [*order, *sorted(k for k in capability.counts if k not in styles)]:
                count = capability.counts.get(key, 0)
                if not count:
                    continue
                style = styles.get(key, FALLBACK_STYLE)
                w = bar_w * count / largest
                title = f"{capability.name}: {count} {labels.get(key, key)}"
                marker = (
                    f'<text x="{x + w / 2:.1f}" y="{y + 16:.1f}" font-size="11" font-weight="700" '
                    f'text-anchor="middle" fill="{style.text}">{escape(style.marker)}</text>'
                    if w >= 16
                    else ""
                )
                segments.append(
                    f"<g><title>{escape(title)}</title>"
                    f'<rect x="{x:.1f}" y="{y + 4:.1f}" width="{w:.1f}" height="{row_h - 8:.0f}" '
                    f'fill="{_paint(chart_id, style)}" stroke="{TEXT}" stroke-width="0.5"/>{marker}</g>'
                )
                x += w
            row = text + "".join(segments)
            # A row leads to its capability's box on the area's map (same chart id there).
            target = f"{url}#{chart_id}-c{capability.pk}" if url and capability.pk is not None else url
            inner.append(f'<a href="{escape(target)}">{row}</a>' if target else row)
            y += row_h
        y += pad
        parts.append(
            f'<rect x="0" y="{top:.1f}" width="{width:.0f}" height="{y - top:.1f}" fill="{SOFT}" '
            f'stroke="{BORDER}" rx="4"/>'
        )
        parts.extend(inner)
        y += pad
    if not parts:
        return ""
    legend, legend_h = _legend_svg(chart_id, overview.legend, y + 4, width)
    height = y + 4 + legend_h
    linked = any(urls.get(a.key) for a in overview.areas)
    css = "capability-map capability-overview"
    return _map_svg(chart_id, width, height, css, overview, linked, parts, legend)


def _map_svg(
    chart_id: str, width: float, height: float, css: str, picture, linked: bool, parts: list[str], legend: str
) -> str:
    """The SVG document around a map's drawn ``parts``: its title, fill patterns and legend."""
    # With links inside, a picture is a figure (an image may hold no interactive content).
    role = "figure" if linked else "img"
    return "".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
            f'width="{width:.0f}" height="{height:.0f}" role="{role}" aria-labelledby="{chart_id}-title" '
            f'class="diagram {css}" id="{chart_id}">',
            f'<title id="{chart_id}-title">{escape(picture.title)}</title>',
            _pattern_defs(chart_id, [e.style for e in picture.legend] + [FALLBACK_STYLE]),
            *parts,
            legend,
            "</svg>",
        ]
    )


def render_capability_map(cmap: CapabilityMap, chart_id: str = "capability-map") -> str:
    """Nested boxes: an area per band, its capabilities packed in rows, their services as tiles.

    Row packing keeps every name readable and the layout deterministic: capability boxes are a
    fixed width (three to a row), tiles two to a box, and a row is as tall as its tallest box.
    """
    width, pad, cols, tile_cols, tile_h, head = 1000.0, 8.0, 3, 2, 30.0, 22.0
    box_w = (width - pad * (cols + 1)) / cols
    tile_w = (box_w - pad * (tile_cols + 1)) / tile_cols
    styles = {entry.key: entry.style for entry in cmap.legend}
    # What every tile of a category shares, written once (a map at scale 30 has ~13,000 tiles).
    looks = {
        key: (
            f'fill="{_paint(chart_id, style)}" stroke="{TEXT}" stroke-width="0.5"/>',
            f'font-size="12" font-weight="700" text-anchor="middle" fill="{style.text}">'
            f"{escape(style.marker)}</text>",
        )
        for key, style in [*styles.items(), (None, FALLBACK_STYLE)]
    }
    tile_size = f'width="{tile_w:.1f}" height="{tile_h:.0f}" rx="2" '
    plate = f'width="{tile_w - 26:.1f}" height="{tile_h - 4:.0f}" fill="#ffffff" opacity="0.85"/>'
    names: dict[MapTile, tuple[str, str]] = {}
    parts: list[str] = []
    y = 0.0
    for area in cmap.areas:
        area_top = y
        y += head + 6
        inner: list[str] = []
        for row_start in range(0, len(area.capabilities), cols):
            row = area.capabilities[row_start : row_start + cols]
            row_h = 0.0
            for col, capability in enumerate(row):
                x = pad + col * (box_w + pad)
                lines = (len(capability.tiles) + tile_cols - 1) // tile_cols
                box_h = head + lines * (tile_h + 4) + pad
                row_h = max(row_h, box_h)
                # The box's id is where the overview's row of this capability leads.
                box_id = f' id="{chart_id}-c{capability.pk}"' if capability.pk is not None else ""
                inner.append(
                    f'<rect{box_id} x="{x:.1f}" y="{y:.1f}" width="{box_w:.1f}" height="{box_h:.1f}" '
                    f'fill="#ffffff" stroke="{MUTED}" stroke-width="1" rx="3"/>'
                    f'<text x="{x + 6:.1f}" y="{y + 15:.1f}" font-size="12" font-weight="700" fill="{TEXT}">'
                    f"{escape(_short(capability.name, 44))} ({len(capability.tiles)})</text>"
                )
                for i, tile in enumerate(capability.tiles):
                    tx = x + pad + (i % tile_cols) * (tile_w + pad)
                    ty = y + head + (i // tile_cols) * (tile_h + 4)
                    fill, marker = looks.get(tile.category) or looks[None]
                    text = names.get(tile)
                    if text is None:
                        text = names[tile] = (
                            f"<title>{escape(tile.name)}: {escape(tile.detail)}</title>",
                            f"{escape(_short(tile.name, 19))}</text>",
                        )
                    shape = (
                        f'<g>{text[0]}<rect x="{tx:.1f}" y="{ty:.1f}" {tile_size}{fill}'
                        f'<rect x="{tx + 2:.1f}" y="{ty + 2:.1f}" {plate}'
                        f'<text x="{tx + 6:.1f}" y="{ty + 19:.1f}" font-size="12" fill="{TEXT}">{text[1]}'
                        f'<text x="{tx + tile_w - 12:.1f}" y="{ty + 19:.1f}" {marker}</g>'
                    )
                    inner.append(f'<a href="{escape(tile.url)}">{shape}</a>' if tile.url else shape)
            y += row_h + pad
        parts.append(
            f'<rect x="0" y="{area_top:.1f}" width="{width:.0f}" height="{y - area_top:.1f}" fill="{SOFT}" '
            f'stroke="{BORDER}" rx="4"/>'
            f'<text x="{pad:.0f}" y="{area_top + 18:.1f}" font-size="14" font-weight="700" fill="{TEXT}">'
            f"{escape(area.name)}</text>"
        )
        parts.extend(inner)
        y += pad
    legend, legend_h = _legend_svg(chart_id, cmap.legend, y + 4, width)
    height = y + 4 + legend_h
    linked = any(t.url for a in cmap.areas for c in a.capabilities for t in c.tiles)
    return _map_svg(chart_id, width, height, "capability-map", cmap, linked, parts, legend)


# ---------------------------------------------------------------------------------------------
# From the register
# ---------------------------------------------------------------------------------------------


def capability_rows() -> list[tuple[int, str, int | None]]:
    """Every capability as ``(pk, name, parent_pk)``: one query."""
    from portfolio.models import Capability

    return list(Capability.objects.order_by().values_list("pk", "name", "parent_id"))


def service_urls(keys: Iterable[tuple[str, int]]) -> dict[tuple[str, int], str]:
    """Each service's page (``Service.get_absolute_url``), reversed once per kind, not per tile."""
    from portfolio.models import SERVICE_PROXIES

    marker = 987654321
    templates = {
        kind: proxy(pk=marker).get_absolute_url().replace(str(marker), "{}")
        for kind, proxy in SERVICE_PROXIES.items()
    }
    return {(kind, pk): templates[kind].format(pk) for kind, pk in keys if kind in templates}


#: Every dimension: what a caller that wants all facts (the tests, the bench) asks for.
ALL_DIMENSIONS = ("sso", "gdpr", "lifecycle", "time", "cost")


def service_facts_today(
    today: datetime.date | None = None,
    *,
    retired_since: datetime.date | None = None,
    dimensions: Iterable[str] = ALL_DIMENSIONS,
    findings: Iterable | None = None,
    cost_year: int | None = None,
) -> list[ServiceFacts]:
    """The map's facts of every service not retired, from today's register: a constant number of queries.

    ``cost_year`` is the year whose outcome the ``cost`` dimension reads (by default the year
    before ``today``); the map at a plan's date reads today's, since years to come have none.

    Only what ``dimensions`` colour by is read beyond the services themselves: the GDPR rules
    (the slowest part, over the whole record) for ``gdpr``, costs for ``cost``, the TIME
    classification for ``time``. The GDPR side comes as gdpr's plain mapping of open findings
    (docs/architecture.md, principle 3): the most severe open finding touching each service.
    ``findings`` are those findings when the caller has them already (the analysis suite's
    ``find_gaps`` of the same register state): the rules are then not run again.
    """
    dimensions = set(dimensions)
    from gdpr.gaps.base import find_gaps
    from portfolio.analysis.data import Landscape
    from portfolio.choices import LifecycleStatus
    from portfolio.models import Application, LearningResource, Service

    shown = ~Q(lifecycle_status=LifecycleStatus.RETIRED)
    if retired_since is not None:
        shown |= Q(retired_on__gte=retired_since)
    landscape = Landscape(
        Application.objects.filter(shown),
        LearningResource.objects.filter(shown),
        today=today,
        load_costs="cost" in dimensions,
    )
    time_of = (
        dict(
            Service.objects.exclude(time_classification="")
            .order_by()
            .values_list("pk", "time_classification")
        )
        if "time" in dimensions
        else {}
    )
    severity = {}
    if "gdpr" in dimensions:
        severity = worst_gap_by_service(find_gaps(today=landscape.today) if findings is None else findings)
    facts = []
    for row in landscape.services.values():
        year = cost_year or landscape.latest_complete_year
        cost = row.yearly_cost(year)[0] if "cost" in dimensions else None
        facts.append(
            ServiceFacts(
                service_type=row.service_type,
                pk=row.pk,
                name=row.name,
                capability_ids=set(row.capability_ids),
                behind_sso=row.behind_sso,
                federation=row.federation,
                lifecycle_status=row.lifecycle_status,
                time_classification=time_of.get(row.pk, ""),
                yearly_cost=cost,
                gap_severity=severity.get(row.key, ""),
            )
        )
    return facts


def worst_gap_by_service(findings: Iterable) -> dict[tuple[str, int], str]:
    """The most severe open finding touching each service, from gdpr's findings as plain values."""
    from portfolio.choices import Severity

    rank = {value: i for i, value in enumerate(Severity.values)}  # CRITICAL first
    worst: dict[tuple[str, int], str] = {}
    for finding in findings:
        for key in finding.services:
            current = worst.get(key)
            if current is None or rank.get(finding.severity, 99) < rank.get(current, 99):
                worst[key] = finding.severity
    return worst


#: The facts hold names and codes, no translated text: one stored copy serves every language.
STORE_LANGUAGE = "-"


@dataclass
class MapFacts:
    """The facts a map is drawn from, and which state of the register they describe.

    ``current`` is false when they are the last ones computed and the register has changed since
    (the page says so, from ``computed_from``, and a refresh is scheduled for ``register_state``,
    the analysis suite's state of the register now: ``stewardship.analyses.schedule_refresh``).
    """

    facts: list[ServiceFacts]
    current: bool = True
    computed_from: datetime.datetime | None = None
    register_state: str = ""


def _facts_name(dimension: str) -> str:
    return f"planning.capability_map.{dimension}"


def _facts_state(suite_state: str, *more: object) -> str:
    """The state stored facts are keyed by: the suite's (register, day, analysis code) and this
    module's code, which computes the facts and decides what they hold."""
    from analysis_cache import store

    code = store.source_digest(sys.modules[__name__])
    return hashlib.sha256(repr((suite_state, code, *more)).encode()).hexdigest()[:32]


def _suite_state(day: datetime.date) -> str:
    from stewardship.analyses import analysis_state, register_fingerprint

    return analysis_state(register_fingerprint(), day)


def _findings_if_stored(day: datetime.date, suite_state: str, language: str | None = None):
    """The analysis suite's GDPR findings when they describe this state of the register (read, or
    computed and kept for the suite too); ``None`` for another day, when the caller runs the rules."""
    if day != timezone.localdate():
        return None
    from stewardship.analyses import Analyses

    with translation.override(language or translation.get_language()):
        analyses = Analyses()
        return analyses.get("find_gaps") if analyses.state == suite_state else None


#: Facts unpickled in this process, by stored name: (state, computed at, facts). A repeat view
#: still reads the row, but does not unpickle every service again: at scale 30 that, and the
#: garbage collection its 40,000 new objects set off, were most of the overview's time.
_UNPICKLED: dict[str, tuple[str, datetime.datetime, list[ServiceFacts]]] = {}


def _unpickled(stored) -> list[ServiceFacts] | None:
    kept = _UNPICKLED.get(stored.name)
    if kept is not None and kept[:2] == (stored.state, stored.computed_at):
        return kept[2]
    facts = stored.value()
    if facts is not None:
        _UNPICKLED[stored.name] = (stored.state, stored.computed_at, facts)
    return facts


def facts_today(dimension: str, today: datetime.date | None = None) -> MapFacts:
    """Today's facts for ``dimension``, last known: as the dashboard reads its analyses.

    The stored facts are returned whatever state of the register they describe (marked not
    ``current`` when it has changed since; the caller schedules the refresh that brings them up to
    date, :func:`refresh_facts_today`, run off the request path). Only when none were ever stored
    (or they cannot be read) are they computed here, for this one dimension. At scale 30 computing
    takes over a second (the whole landscape; the GDPR rules for ``gdpr``), reading a few
    milliseconds. A fixed number of queries either way.
    """
    from analysis_cache import store

    day = today or timezone.localdate()
    suite = _suite_state(day)
    state = _facts_state(suite)
    name = _facts_name(dimension)
    stored = store.load([name], STORE_LANGUAGE).get(name)
    facts = _unpickled(stored) if stored is not None else None
    if facts is not None:
        return MapFacts(facts, stored.state == state, stored.computed_from, suite)
    started = timezone.now()
    findings = _findings_if_stored(day, suite) if dimension == "gdpr" else None
    facts = service_facts_today(day, dimensions=(dimension,), findings=findings)
    store.save({name: facts}, language=STORE_LANGUAGE, state=state, computed_from=started)
    return MapFacts(facts, True, started, suite)


def refresh_facts_today(language: str | None = None, today: datetime.date | None = None) -> list[str]:
    """Bring today's stored facts of every dimension up to the register as it is now; the
    dimensions it computed (none when they were current).

    Registered in ``stewardship.analyses.REFRESH_HOOKS`` (``PlanningConfig.ready``): the analyses'
    background refresh runs it after the suite, so the ``gdpr`` dimension reads the suite's GDPR
    findings of this very state rather than running the rules again, and the first view of the
    map after a change, or in the morning, reads instead of computing. One landscape load serves
    every dimension.
    """
    from analysis_cache import store

    day = today or timezone.localdate()
    suite = _suite_state(day)
    state = _facts_state(suite)
    names = {dimension: _facts_name(dimension) for dimension in ALL_DIMENSIONS}
    stored = store.states(names.values(), STORE_LANGUAGE)
    stale = [dimension for dimension, name in names.items() if stored.get(name) != state]
    if not stale:
        return []
    started = timezone.now()
    findings = _findings_if_stored(day, suite, language) if "gdpr" in stale else None
    facts = service_facts_today(day, dimensions=stale, findings=findings)
    store.save(
        {names[dimension]: facts for dimension in stale},
        language=STORE_LANGUAGE,
        state=state,
        computed_from=started,
    )
    return stale


def capability_map_today(
    dimension: str, today: datetime.date | None = None, area: AreaKey | None = None
) -> CapabilityMap:
    """Today's register (last known) as a capability map coloured by ``dimension``, one area or all."""
    capabilities = capability_rows()
    return map_picture(
        facts_today(dimension, today).facts,
        capabilities,
        dimension,
        map_title(dimension, area, capabilities),
        area,
        force_map=True,
    ).cmap


def _lower_first(label: str) -> str:
    """A label inside a sentence: its first letter lower case unless it opens an acronym, the
    rest as written ("Inloggning (SSO)" → "inloggning (SSO)", "TIME-klassning" stays)."""
    if len(label) > 1 and label[1].isupper():
        return label
    return label[:1].lower() + label[1:]


def map_title(
    dimension: str,
    area: AreaKey | None,
    capabilities: Iterable[tuple[int, str, int | None]],
    plan=None,
    on: datetime.date | None = None,
) -> str:
    """The picture's title: when (today, or a plan's date), which area, coloured by what."""
    label = _lower_first(str(dict(DIMENSIONS)[dimension]))
    where = dict(area_choices(capabilities)).get(area) if area is not None else None
    if plan is not None:
        values = {"day": on.isoformat(), "plan": plan.name, "dimension": label, "area": where}
        if where:
            return _("Förmågekarta den %(day)s med %(plan)s: %(area)s, färgad efter %(dimension)s") % values
        return _("Förmågekarta den %(day)s med %(plan)s, färgad efter %(dimension)s") % values
    if where:
        return _("Förmågekarta idag: %(area)s, färgad efter %(dimension)s") % {
            "area": where,
            "dimension": label,
        }
    return _("Förmågekarta idag, färgad efter %(dimension)s") % {"dimension": label}


@dataclass
class MapPicture:
    """What the map page shows: the picture and the table beside it (area, capability, counts).

    ``cmap`` is the detailed map (tiles) or ``None`` when ``overview`` (counts only) is shown.
    """

    title: str
    legend: list[LegendEntry]
    svg: str
    rows: list[tuple[str, str, dict[str, int]]]
    overview: CapabilityOverview | None = None
    cmap: CapabilityMap | None = None


def map_picture(
    facts: list[ServiceFacts],
    capabilities: list[tuple[int, str, int | None]],
    dimension: str,
    title: str,
    area: AreaKey | None = None,
    area_urls: Mapping[AreaKey, str] | None = None,
    *,
    force_map: bool = False,
) -> MapPicture:
    """The map of ``area``, or of everything when it fits :data:`MAP_TILE_LIMIT` (or ``force_map``);
    else the overview. Only what is shown is built: the chosen area's tiles and links, or counts."""
    if area is None and not force_map and tile_count(facts) > MAP_TILE_LIMIT:
        overview = capability_overview(facts, capabilities, dimension, title)
        svg = render_capability_overview(overview, area_urls)
        return MapPicture(title, overview.legend, svg, overview.counts(), overview=overview)
    area_of = _area_of(capabilities)
    shown = facts if area is None else [f for f in facts if _places(f, area, area_of)]
    cmap = capability_map(shown, capabilities, dimension, title, service_urls(f.key for f in shown), area)
    svg = render_capability_map(cmap) if cmap.areas else ""
    return MapPicture(title, cmap.legend, svg, cmap.counts(), cmap=cmap)


def dimension_or_default(value: str | None) -> str:
    return value if value in dict(DIMENSIONS) else "sso"


def reverse_map(dimension: str) -> str:
    return f"{reverse('planning:capability_map')}?dimension={dimension}"


# ---------------------------------------------------------------------------------------------
# A plan's pictures: its roadmap, each goal's line, its capability map at a date
# ---------------------------------------------------------------------------------------------

#: How the roadmap may group its actions: (value, label).
ROADMAP_GROUPS = [
    ("capability", gettext_lazy("Förmåga")),
    ("management_object", gettext_lazy("Förvaltningsobjekt")),
]


def roadmap_for(summary, group_by: str = "capability") -> Roadmap:
    """The roadmap of a plan summary (``planning.workbook.plan_summary``): one bar per action, in
    the group of the acted-on service's capability (its first, by name) or förvaltningsobjekt."""
    from planning.choices import ActionStatus

    bars = []
    for row in summary.actions:
        action = row.action
        if group_by == "management_object":
            group = row.management_object or _("Utan förvaltningsobjekt")
        else:
            group = row.capabilities[0] if row.capabilities else _("Utan förmåga")
        start = action.planned_start or min(action.planned_end, summary.plan.decided_on or action.planned_end)
        bars.append(
            RoadmapBar(
                label=str(action),
                group=group,
                start=start,
                end=action.planned_end,
                status=action.status,
                status_label=action.get_status_display(),
                url=f"#action-{action.pk}",
                overdue=row.overdue,
            )
        )
    return Roadmap(
        _("Tidplan för %(plan)s") % {"plan": summary.plan.name},
        summary.today,
        bars,
        [(str(value), str(label)) for value, label in ActionStatus.choices],
    )


def render_goal_line(row, chart_id: str) -> str:
    """An effektmål's month-by-month figure as a small line toward its target (a dashed line);
    the page's table beside it gives the same figures as text."""
    points = [(day, value) for day, value in row.series if value is not None]
    goal = row.goal
    if not points:
        return ""
    width, height, left, right, top, bottom = 360.0, 140.0, 48.0, 12.0, 14.0, 24.0
    values = [float(v) for _d, v in points] + [float(goal.target_value)]
    low, high = min(values), max(values)
    if high == low:
        high, low = high + 1, low - 1
    first, last = points[0][0], max(points[-1][0], goal.target_date)
    span = max((last - first).days, 1)

    def xy(day: datetime.date, value: float) -> tuple[float, float]:
        x = left + (width - left - right) * (day - first).days / span
        y = top + (height - top - bottom) * (1 - (value - low) / (high - low))
        return x, y

    path = " ".join(
        f"{'M' if i == 0 else 'L'}{x:.1f},{y:.1f}"
        for i, (x, y) in enumerate(xy(d, float(v)) for d, v in points)
    )
    tx1, ty = xy(first, float(goal.target_value))
    tx2, _ty = xy(last, float(goal.target_value))
    dots = "".join(
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="#0a4f8a"/>'
        for x, y in (xy(d, float(v)) for d, v in points)
    )
    title = _("%(goal)s: utveckling mot målet %(target)s") % {"goal": goal.name, "target": goal.target_label}
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" '
        f'height="{height:.0f}" role="img" aria-labelledby="{chart_id}-title" class="diagram goal-line" '
        f'id="{chart_id}">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<line x1="{left:.0f}" y1="{height - bottom:.0f}" x2="{width - right:.0f}" '
        f'y2="{height - bottom:.0f}" stroke="{BORDER}"/>'
        f'<text x="{left - 4:.0f}" y="{top + 4:.0f}" font-size="11" text-anchor="end" '
        f'fill="{MUTED}">{high:g}</text>'
        f'<text x="{left - 4:.0f}" y="{height - bottom:.0f}" font-size="11" text-anchor="end" '
        f'fill="{MUTED}">{low:g}</text>'
        f'<text x="{left:.0f}" y="{height - 6:.0f}" font-size="11" '
        f'fill="{MUTED}">{escape(date_format(first, "M Y"))}</text>'
        f'<text x="{width - right:.0f}" y="{height - 6:.0f}" font-size="11" text-anchor="end" fill="{MUTED}">'
        f"{escape(date_format(last, 'M Y'))}</text>"
        f'<line x1="{tx1:.1f}" y1="{ty:.1f}" x2="{tx2:.1f}" y2="{ty:.1f}" stroke="#1e6b34" '
        f'stroke-width="1.5" stroke-dasharray="5 3"/>'
        f'<text x="{tx2:.1f}" y="{ty - 4:.1f}" font-size="11" text-anchor="end" fill="#1e6b34">'
        f"{escape(_('mål'))} {escape(goal.target_label)}</text>"
        f'<path d="{path}" fill="none" stroke="#0a4f8a" stroke-width="2"/>{dots}</svg>'
    )


def facts_at(plan, on: datetime.date, dimension: str) -> MapFacts:
    """:func:`service_facts_at`, kept in the analysis store: a repeat view is a read.

    Exact, unlike today's facts: computed here when none are stored for this plan, date and
    dimension under the register's and the plans' state as they are now (a first view, or after
    a change; at a municipality's scale that takes milliseconds, at demo scale 30 a few seconds).
    One stored result per plan and dimension, the last date asked for: dates are open-ended, so
    keeping every one asked for would grow without bound, and precomputing them in the
    background would be guesswork about which date someone will ask for next.
    """
    from analysis_cache import store
    from planning.figures import planning_fingerprint

    day = timezone.localdate()
    suite = _suite_state(day)
    state = _facts_state(suite, planning_fingerprint(), on.isoformat())
    name = f"planning.capability_map_at.{plan.pk}.{dimension}"
    stored = store.load([name], STORE_LANGUAGE).get(name)
    facts = _unpickled(stored) if stored is not None and stored.state == state else None
    if facts is not None:
        return MapFacts(facts, True, stored.computed_from, suite)
    started = timezone.now()
    facts = service_facts_at(plan, on, dimension)
    store.save({name: facts}, language=STORE_LANGUAGE, state=state, computed_from=started)
    return MapFacts(facts, True, started, suite)


def refresh_plan_maps(language: str | None = None) -> int:
    """Bring the map every open plan opens with — at its end, coloured by sign-on, the page's
    defaults — up to the register and the plan as they are now; how many plans were looked at.

    Registered in ``stewardship.analyses.REFRESH_HOOKS`` beside :func:`refresh_facts_today`: the
    one date worth guessing is the plan's end, which the page shows when no date is chosen.
    """
    from planning.choices import PlanStatus
    from planning.models import Plan

    plans = list(Plan.objects.exclude(status=PlanStatus.CLOSED).order_by("pk"))
    for plan in plans:
        facts_at(plan, plan.horizon, "sso")
    return len(plans)


def capability_map_at(plan, on: datetime.date, dimension: str, area: AreaKey | None = None) -> CapabilityMap:
    """The register as it will be on ``on`` if ``plan`` is carried out, as a capability map."""
    capabilities = capability_rows()
    title = map_title(dimension, area, capabilities, plan, on)
    return map_picture(
        facts_at(plan, on, dimension).facts, capabilities, dimension, title, area, force_map=True
    ).cmap


def service_facts_at(plan, on: datetime.date, dimension: str) -> list[ServiceFacts]:
    """The map's facts on ``on`` with ``plan``'s due actions applied: the same reading as today's,
    inside ``planning.future.register_with`` (rolled back, nothing of it remains). Services the
    plan retires stay on the map, marked by their lifecycle, so the picture shows what goes."""
    from planning.choices import ActionKind
    from planning.future import cost_year_at, due_actions, register_with

    actions = due_actions(plan, on)
    # What the plan retired already (a phase-out done last spring) is the plan's doing too.
    ends = [a.planned_end for a in actions if a.kind in (ActionKind.PHASE_OUT, ActionKind.REPLACE)]
    retired_since = min([*ends, timezone.localdate()])
    with register_with(actions):
        return service_facts_today(
            on, retired_since=retired_since, dimensions=(dimension,), cost_year=cost_year_at(on)
        )

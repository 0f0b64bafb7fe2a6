"""Template helpers of the web UI: Swedish number formatting and server-side SVG charts.

Charts are drawn on the server as plain SVG (no JavaScript chart library, nothing fetched from
elsewhere). Each bar is a link to the list behind it and carries its value as text, so a chart
works with the keyboard and a screen reader as well as with the eye.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import template

from portfolio import formats

register = template.Library()

ROW_HEIGHT = 28
BAR_HEIGHT = 20
WIDTH = 720
LABEL_WIDTH = 290
VALUE_WIDTH = 130
MAX_LABEL = 32
PALETTE = {
    "default": "#0a4f8a",
    "budget": "#6b7680",
    "critical": "#8b0000",
    "high": "#b3400a",
    "medium": "#8a6a00",
    "low": "#3d5a80",
    "ok": "#1e6b34",
}


@register.filter
def kr(value: Any) -> str:
    """``1234567.5`` → ``1 234 568 kr`` in Swedish (whole kronor, the language's grouping)."""
    if value is None or value == "":
        return "–"
    return formats.kronor(value)


@register.filter
def number(value: Any) -> str:
    """A whole number through Django's localisation: "48 202" in Swedish, "48,202" in English."""
    if value is None or value == "":
        return "–"
    return formats.whole_number(value)


@register.filter
def percent(value: Any) -> str:
    """A share 0–1 as a whole percentage."""
    if value is None:
        return "–"
    return formats.percent(value)


@register.filter
def register_of(match) -> str:
    """The menu entry a page belongs to: ``portfolio:application_detail`` → ``portfolio:application``."""
    name = getattr(match, "url_name", None)
    if not name:
        return ""
    for suffix in ("_list", "_detail", "_edit", "_add", "_export"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    if match.namespace == "analysis" and name == "merge":
        name = "duplicates"
    return f"{match.namespace}:{name}" if match.namespace else name


def _short(label: str) -> str:
    """A label that fits left of the bars: a long "Area › Capability" keeps its last part.

    The full label stays in the bar's ``<title>``; the text is cut at the end, never at the
    start, so the chart's left edge never clips a word.
    """
    label = str(label)
    if len(label) > MAX_LABEL and " › " in label:
        label = label.rsplit(" › ", 1)[1]
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


@register.inclusion_tag("includes/bar_chart.html")
def bar_chart(
    bars: Iterable[Mapping[str, Any]], title: str, chart_id: str, max_value: float | None = None
) -> dict[str, Any]:
    """A horizontal bar chart; each bar: ``label``, ``value``, optional ``url``, ``text``, ``tone``.

    ``max_value`` fixes the scale (1 for shares); by default the largest value fills the width.
    """
    bars = list(bars)
    largest = max_value if max_value is not None else max((float(b["value"] or 0) for b in bars), default=0)
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    rows = []
    for index, bar in enumerate(bars):
        value = float(bar["value"] or 0)
        length = 0 if not largest else max(1.0, span * value / largest) if value else 0
        y = index * ROW_HEIGHT
        rows.append(
            {
                "label": str(bar["label"]),
                "short": _short(bar["label"]),
                "text": bar.get("text") or number(bar["value"]),
                "url": bar.get("url"),
                "fill": PALETTE.get(bar.get("tone", "default"), PALETTE["default"]),
                "y": y,
                "bar_y": y + (ROW_HEIGHT - BAR_HEIGHT) / 2,
                "text_y": y + ROW_HEIGHT / 2 + 5,
                "length": round(length, 1),
                "value_x": round(LABEL_WIDTH + length + 6, 1),
            }
        )
    return {
        "title": title,
        "chart_id": chart_id,
        # An image may not hold links (WCAG 4.1.2, axe "nested-interactive"): a chart whose bars
        # are links is a figure, labelled by its title, so each bar stays a reachable link.
        "role": "figure" if any(row["url"] for row in rows) else "img",
        "rows": rows,
        "width": WIDTH,
        "height": max(ROW_HEIGHT, len(rows) * ROW_HEIGHT),
        "label_x": LABEL_WIDTH - 8,
        "bar_x": LABEL_WIDTH,
        "bar_height": BAR_HEIGHT,
    }

"""``{% dataflow_graph service %}``: a system's neighbours, its data flows in and out, as inline SVG.

Drawn by the app (no chart library, no script): the service in the middle, senders on the left,
receivers on the right, one arrow per flow. Every label goes through the template's
auto-escaping, so a name like ``<script>`` is shown, never run. One query.
"""

from dataclasses import dataclass

from django import template

from portfolio.models import Application, DataFlow, LearningResource

register = template.Library()

WIDTH = 760
NODE_WIDTH = 220
NODE_HEIGHT = 34
ROW = 48
PAD = 16
LABEL_CHARS = 30


@dataclass
class Node:
    label: str
    title: str
    x: int
    y: int
    external: bool = False
    personal_data: bool = False
    line_x1: int = 0
    line_x2: int = 0
    line_y1: int = 0
    line_y2: int = 0
    text_x: int = 0
    text_y: int = 0


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def _end_name(flow: DataFlow, prefix: str) -> tuple[str, bool]:
    end = getattr(flow, f"{prefix}_service")
    if end is not None:
        return end.name, False
    return getattr(flow, f"{prefix}_external"), True


def _title(flow: DataFlow, other: str) -> str:
    parts = [flow.name, other]
    if flow.get_method_display():
        parts.append(str(flow.get_method_display()))
    if flow.get_frequency_display():
        parts.append(str(flow.get_frequency_display()))
    if flow.processes_personal_data:
        parts.append(
            "personuppgifter"
            + (f": {flow.personal_data_categories}" if flow.personal_data_categories else "")
        )
    return " · ".join(p for p in parts if p)


def layout(service: Application | LearningResource, flows: list[DataFlow]) -> dict:
    """Positions of the centre, the senders (left) and receivers (right), and each arrow."""
    incoming = [f for f in flows if f.target_service_id == service.pk]
    outgoing = [f for f in flows if f.source_service_id == service.pk]
    rows = max(len(incoming), len(outgoing), 1)
    height = rows * ROW + 2 * PAD
    centre_x = (WIDTH - NODE_WIDTH) // 2
    centre_y = (height - NODE_HEIGHT) // 2
    nodes: list[Node] = []
    for column, side_flows in (("left", incoming), ("right", outgoing)):
        for index, flow in enumerate(side_flows):
            other, external = _end_name(flow, "source" if column == "left" else "target")
            x = PAD if column == "left" else WIDTH - PAD - NODE_WIDTH
            y = PAD + index * ROW + (ROW - NODE_HEIGHT) // 2
            node = Node(
                label=_short(other),
                title=_title(flow, other),
                x=x,
                y=y,
                external=external,
                personal_data=flow.processes_personal_data,
            )
            node.text_x, node.text_y = x + NODE_WIDTH // 2, y + NODE_HEIGHT // 2 + 5
            if column == "left":
                node.line_x1, node.line_x2 = x + NODE_WIDTH, centre_x - 4
                node.line_y1, node.line_y2 = y + NODE_HEIGHT // 2, centre_y + NODE_HEIGHT // 2
            else:
                node.line_x1, node.line_x2 = centre_x + NODE_WIDTH, x - 4
                node.line_y1, node.line_y2 = centre_y + NODE_HEIGHT // 2, y + NODE_HEIGHT // 2
            nodes.append(node)
    return {
        "width": WIDTH,
        "height": height,
        "centre": Node(
            label=_short(service.name),
            title=service.name,
            x=centre_x,
            y=centre_y,
            text_x=centre_x + NODE_WIDTH // 2,
            text_y=centre_y + NODE_HEIGHT // 2 + 5,
        ),
        "node_width": NODE_WIDTH,
        "node_height": NODE_HEIGHT,
        "nodes": nodes,
        "count_in": len(incoming),
        "count_out": len(outgoing),
    }


@register.inclusion_tag("portfolio/includes/dataflow_graph.html")
def dataflow_graph(service: Application | LearningResource) -> dict:
    """The neighbour picture of ``service`` (a system or a learning resource)."""
    if not isinstance(service, Application | LearningResource):
        return {"graph": None, "service": None}  # not a service: draw nothing
    flows = DataFlow.objects.touching([service]).select_related("source_service", "target_service")
    flows = flows.order_by("name", "pk")
    found = list(flows)
    return {"graph": layout(service, found) if found else None, "service": service}

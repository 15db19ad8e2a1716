"""The graph as a Mermaid flowchart, for GitHub and GitLab, which render it natively.

Each stage is a subgraph in the diagram's stage colour (`style`), its components outlined in
the same colour (`classDef`). GitHub draws a chart in its column (about 830 px): past
`MAX_NODES` components the one chart shrinks until its labels cannot be read, so a larger
design gets one chart per view instead, each with dashed stubs where its flows leave it.
"""

from __future__ import annotations

from ..graph import Graph
from .style import STAGE_COLORS, edge_text
from .text import mermaid

ARROWS = {"request": "-->", "batch": "-.->", "stream": "==>", "feedback": "-.->"}
INK = "#1E2A35"
STUB_STYLE = "fill:#FFFFFF,stroke:#9A9AA8,stroke-dasharray:4 3,color:#5E6B78"
# Components past which one chart gets too small to read at GitHub's width, so the write-up
# draws one chart per view instead. A judgment (a left-to-right chart of a dozen boxes with
# their labels already fills the column), not a measurement: Mermaid is not run here.
MAX_NODES = 12


def to_mermaid(graph: Graph) -> str:
    """Mermaid source; ids are generated (n1, n2..., stubs x1, x2...), so no spec text is
    ever syntax, and colours come from our table only."""
    ids = {node.id: f"n{index}" for index, node in enumerate(graph.nodes, start=1)}
    ids |= {stub.id: f"x{index}" for index, stub in enumerate(graph.stubs, start=1)}
    labels = {node.id: node.label for node in graph.nodes}
    lines = ["flowchart LR"]
    for cluster in graph.clusters:
        lines.append(f'  subgraph s_{cluster.stage}["{mermaid(cluster.title)}"]')
        lines += [f'    {ids[n]}["{mermaid(labels[n])}"]' for n in cluster.node_ids]
        lines.append("  end")
    lines += [f'  {ids[stub.id]}["{mermaid(stub.label)}"]' for stub in graph.stubs]
    for edge in graph.edges:
        text = edge_text(edge)
        label = f'|"{mermaid(text)}"|' if text else ""
        lines.append(f"  {ids[edge.source]} {ARROWS[edge.kind]}{label} {ids[edge.target]}")
    return "\n".join(lines + _colours(graph, ids)) + "\n"


def _colours(graph: Graph, ids: dict[str, str]) -> list[str]:
    lines = []
    for cluster in graph.clusters:
        fill, stroke = STAGE_COLORS[cluster.stage]
        lines.append(f"  style s_{cluster.stage} fill:{fill},stroke:{stroke},color:{INK}")
        lines.append(f"  classDef st_{cluster.stage} fill:#FFFFFF,stroke:{stroke},color:{INK}")
        lines.append(f"  class {','.join(ids[n] for n in cluster.node_ids)} st_{cluster.stage}")
    if graph.stubs:
        lines.append(f"  classDef stub {STUB_STYLE}")
        lines.append(f"  class {','.join(ids[stub.id] for stub in graph.stubs)} stub")
    return lines


def charts(graph: Graph, views: list[tuple[str, Graph]]) -> list[tuple[str | None, str]]:
    """The charts of the write-up: the whole graph, or past MAX_NODES one per view (`views`
    are titles with their graphs); each a title (None: the whole design) and its source."""
    if len(graph.nodes) <= MAX_NODES or not views:
        return [(None, to_mermaid(graph))]
    return [(title, to_mermaid(view)) for title, view in views]

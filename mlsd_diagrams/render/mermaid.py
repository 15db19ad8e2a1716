"""The graph as a Mermaid flowchart, for GitHub and GitLab, which render it natively."""

from __future__ import annotations

from ..graph import Graph
from .style import edge_text
from .text import mermaid

ARROWS = {"request": "-->", "batch": "-.->", "stream": "==>", "feedback": "-.->"}


def to_mermaid(graph: Graph) -> str:
    """Mermaid source; ids are generated (n1, n2...), so no spec text is ever syntax."""
    ids = {node.id: f"n{index}" for index, node in enumerate(graph.nodes, start=1)}
    labels = {node.id: node.label for node in graph.nodes}
    lines = ["flowchart LR"]
    for cluster in graph.clusters:
        lines.append(f'  subgraph s_{cluster.stage}["{mermaid(cluster.title)}"]')
        lines += [f'    {ids[n]}["{mermaid(labels[n])}"]' for n in cluster.node_ids]
        lines.append("  end")
    for edge in graph.edges:
        text = edge_text(edge)
        label = f'|"{mermaid(text)}"|' if text else ""
        lines.append(f"  {ids[edge.source]} {ARROWS[edge.kind]}{label} {ids[edge.target]}")
    return "\n".join(lines) + "\n"

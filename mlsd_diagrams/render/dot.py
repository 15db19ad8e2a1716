"""The plain graph → mingrammer `diagrams` objects → DOT source (not laid out yet).

`diagrams` is used as the DOT builder only: we never let it render (it would run `dot` once
per format and leave files behind). Node ids are the spec ids, cluster names come from the
stage (never from a label), and icons are paths relative to the icon search path.

A node is an HTML-like label: the icon in a fixed-size cell above its wrapped label, so icons
are all one size and text never runs over them. User text only ever enters it HTML-escaped.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager

import diagrams
import graphviz

from .. import catalog
from ..graph import Cluster, Edge, Graph
from . import style


def to_dot(graph: Graph) -> str:
    """The DOT source of a graph; byte-identical for the same graph on any machine."""
    with _building(graph) as diagram:
        for cluster in graph.clusters:
            _add_cluster(graph, cluster)
        stages = {node.id: node.stage for node in graph.nodes}
        for edge in graph.edges:
            _add_edge(diagram, edge, ranks=shapes_layout(edge, stages))
        return diagram.dot.source


_UNUSED_NODE_DEFAULTS = ("imagescale", "labelloc", "style")


@contextmanager
def _building(graph: Graph) -> Iterator[diagrams.Diagram]:
    diagram = diagrams.Diagram(
        name=_text(graph.title),
        filename=graph.id,
        direction="LR",
        show=False,
        graph_attr=style.GRAPH,
        node_attr=style.NODE,
        edge_attr=style.EDGE,
    )
    for inherited in _UNUSED_NODE_DEFAULTS:  # mingrammer's defaults for icon-only nodes
        diagram.dot.node_attr.pop(inherited, None)
    diagrams.setdiagram(diagram)
    try:
        yield diagram
    finally:
        diagrams.setdiagram(None)


def _add_cluster(graph: Graph, cluster: Cluster) -> None:
    fill, pen = style.STAGE_COLORS[cluster.stage]
    attrs = {**style.CLUSTER, "bgcolor": fill, "pencolor": pen}
    group = diagrams.Cluster(cluster.title, graph_attr=attrs)
    # mingrammer names a cluster after its label; two equal labels would merge into one box.
    group.name = f"cluster_{cluster.stage}"
    group.dot.name = group.name
    nodes = {node.id: node for node in graph.nodes}
    with group:
        for node_id in cluster.node_ids:
            node = nodes[node_id]
            diagrams.Node(_node_label(node.label, node.kind), nodeid=node.id)


def _node_label(label: str, kind: str) -> str:
    lines = "<BR/>".join(html.escape(line) for line in _lines(label, style.LABEL_WRAP))
    icon = html.escape(catalog.icon_ref(kind))
    size = style.ICON_SIZE
    return (
        '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="3">'
        f'<TR><TD FIXEDSIZE="TRUE" WIDTH="{size}" HEIGHT="{size}">'
        f'<IMG SRC="{icon}" SCALE="TRUE"/></TD></TR>'
        f"<TR><TD>{lines}</TD></TR></TABLE>>"
    )


OFFLINE = frozenset({"data", "features", "training"})
ONLINE = frozenset({"client", "serving", "monitoring"})


def shapes_layout(edge: Edge, stages: dict[str, str]) -> bool:
    """Whether an edge pulls its target to the right of its source.

    Model deployment (training → serving) and flows from the online side back into the
    offline pipeline do not: the offline pipeline and the request path then lie in two rows
    side by side instead of one very long line.
    """
    source, target = stages[edge.source], stages[edge.target]
    deploys = source == "training" and target in ("serving", "client")
    goes_back = source in ONLINE and target in OFFLINE
    return not (deploys or goes_back)


def _add_edge(diagram: diagrams.Diagram, edge: Edge, ranks: bool) -> None:
    attrs = dict(style.FLOW[edge.kind])
    label = _edge_label(edge)
    if label:
        attrs["label"] = label
    if not ranks:
        attrs["constraint"] = "false"
    diagram.dot.edge(edge.source, edge.target, **attrs)


def _edge_label(edge: Edge) -> str:
    step = style.step_mark(edge.step) if edge.step else ""
    text = _wrapped(edge.label, width=style.EDGE_LABEL_WRAP) if edge.label else ""
    return graphviz.nohtml(" ".join(part for part in (step, text) if part))


def _lines(text: str, width: int) -> list[str]:
    return textwrap.wrap(" ".join(text.split()), width=width, break_on_hyphens=False) or [""]


def _wrapped(text: str, width: int) -> str:
    """User text for a plain DOT label: escaped (no HTML, no escape sequences), wrapped."""
    lines = (_plain(line) for line in _lines(text, width))
    return graphviz.nohtml("\\n".join(lines))


def _text(text: str) -> str:
    return _plain(" ".join(text.split()))


def _plain(text: str) -> str:
    """Graphviz expands entities even in plain labels: `&` must stay an ampersand."""
    return graphviz.escape(text.replace("&", "&amp;"))

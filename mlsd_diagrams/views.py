"""Views: one concern of the system drawn alone, as a smaller graph of the same design.

Four views are derived from the stages (data & features, training, serving, monitoring &
feedback); a spec can add its own or replace these under `diagram.views`. A component outside
the view is hidden; a flow that crosses the view's border keeps its arrow, ending in a small
stub that names the component outside, so the reader sees where the data comes from.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .graph import STUB_PREFIX, Cluster, Edge, Graph, Stub
from .model import Design
from .stages import Stage


@dataclass(frozen=True)
class View:
    id: str
    title: str
    stages: frozenset[str] = frozenset()
    components: frozenset[str] = frozenset()
    whole_flows: frozenset[str] = frozenset()  # flow kinds shown with both ends


DERIVED: tuple[View, ...] = (
    View("data", "Data & features", frozenset({Stage.data.value, Stage.features.value})),
    View("training", "Training", frozenset({Stage.training.value})),
    View(
        "serving",
        "Serving (online request path)",
        frozenset({Stage.client.value, Stage.serving.value}),
    ),
    View(
        "monitoring",
        "Monitoring & feedback",
        frozenset({Stage.monitoring.value}),
        whole_flows=frozenset({"feedback"}),
    ),
)


def design_views(design: Design) -> list[View]:
    """The derived views that show something in this design, then the declared ones;
    a declared view replaces the derived view of the same id."""
    declared = [
        View(
            view.id,
            view.title,
            frozenset(stage.value for stage in view.stages),
            frozenset(view.components),
        )
        for view in design.diagram.views
    ]
    replaced = {view.id for view in declared}
    stages = {component.stage.value for component in design.components}
    derived = [v for v in DERIVED if v.id not in replaced and v.stages & stages]
    return derived + declared


def view_graph(graph: Graph, view: View) -> Graph:
    """The part of `graph` that `view` shows, with stubs for flows crossing its border."""
    shown = _shown_ids(graph, view)
    nodes = tuple(node for node in graph.nodes if node.id in shown)
    by_id = {node.id: node for node in graph.nodes}
    edges: list[Edge] = []
    outside: dict[str, Stub] = {}
    for edge in graph.edges:
        if edge.source in shown and edge.target in shown:
            edges.append(edge)
        elif edge.source in shown or edge.target in shown:
            other = edge.target if edge.source in shown else edge.source
            outside.setdefault(
                other, Stub(STUB_PREFIX + other, by_id[other].label, by_id[other].stage)
            )
            edges.append(_to_stub(edge, shown))
    clusters = tuple(
        Cluster(c.stage, c.title, tuple(i for i in c.node_ids if i in shown))
        for c in graph.clusters
        if any(i in shown for i in c.node_ids)
    )
    stubs = tuple(outside[node.id] for node in graph.nodes if node.id in outside)
    return replace(
        graph,
        title=f"{graph.title}: {view.title}",
        clusters=clusters,
        nodes=nodes,
        edges=tuple(edges),
        stubs=stubs,
    )


def _shown_ids(graph: Graph, view: View) -> set[str]:
    shown = {n.id for n in graph.nodes if n.stage in view.stages or n.id in view.components}
    for edge in graph.edges:
        if edge.kind in view.whole_flows:
            shown |= {edge.source, edge.target}
    return shown


def _to_stub(edge: Edge, shown: set[str]) -> Edge:
    if edge.source in shown:
        return replace(edge, target=STUB_PREFIX + edge.target)
    return replace(edge, source=STUB_PREFIX + edge.source)

"""A design as a plain, ordered, deterministic graph: the thing every renderer draws.

Clusters follow the stage order (stages.py: client, data, features, training, serving, monitoring);
inside a stage, components keep the order of the spec, so the author steers the layout.
Nothing here is random or depends on the machine, so the graph is pinned by snapshots.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from .model import Design
from .stages import ORDER as STAGE_ORDER
from .stages import TITLES as STAGE_TITLES

__all__ = ["STAGE_ORDER", "STAGE_TITLES", "Graph", "build_graph"]


@dataclass(frozen=True)
class Node:
    id: str
    label: str
    kind: str
    stage: str
    description: str | None


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    label: str | None
    kind: str
    step: int | None


@dataclass(frozen=True)
class Stub:
    """A component outside the view, drawn small so a flow into the view shows where it
    comes from (or goes to)."""

    id: str  # STUB_PREFIX + the component's id: spec ids cannot start with "_"
    label: str
    stage: str


STUB_PREFIX = "_stub_"


@dataclass(frozen=True)
class Cluster:
    stage: str
    title: str
    node_ids: tuple[str, ...]


@dataclass(frozen=True)
class Graph:
    id: str
    title: str
    clusters: tuple[Cluster, ...]
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    stubs: tuple[Stub, ...] = ()

    def to_json(self) -> str:
        """Canonical JSON of the graph (sorted keys, stable order), as pinned by snapshots."""
        return json.dumps(asdict(self), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def build_graph(design: Design) -> Graph:
    """The graph of a validated design."""
    components = sorted(design.components, key=lambda c: STAGE_ORDER[c.stage])
    nodes = tuple(Node(c.id, c.label, c.kind, c.stage.value, c.description) for c in components)
    clusters = tuple(
        Cluster(stage.value, title, tuple(n.id for n in nodes if n.stage == stage.value))
        for stage, title in STAGE_TITLES.items()
        if any(n.stage == stage.value for n in nodes)
    )
    edges = tuple(Edge(f.source, f.target, f.label, f.kind.value, f.step) for f in design.flows)
    return Graph(design.id, design.title, clusters, nodes, edges)

"""The answer write-up: the design, in the 7-step order, as Markdown from a jinja template."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..estimates import estimates
from ..graph import Graph
from ..model import Design
from ..tradeoffs import lookup
from . import style
from .mermaid import charts, to_mermaid
from .templating import environment, render_template

TEMPLATE = "writeup.md.j2"


@dataclass(frozen=True)
class TalkStep:
    number: int
    title: str
    minutes: int
    cover: str


# Minutes per step of a 45-minute answer: most time where interviewers probe most.
MINUTES = (
    ("Clarify requirements", 5),
    ("Frame as an ML task", 4),
    ("Data preparation", 7),
    ("Model development", 9),
    ("Evaluation", 5),
    ("Deployment and serving", 10),
    ("Monitoring", 5),
)


def to_markdown(
    design: Design, graph: Graph, image: str | None, templates: Path | None = None
) -> str:
    """The write-up; `image` is the diagram file it links to (None: no picture)."""
    return render_template(environment(templates), TEMPLATE, context(design, graph, image))


def context(design: Design, graph: Graph, image: str | None) -> dict[str, Any]:
    labels = {node.id: node.label for node in graph.nodes}
    return {
        "design": design,
        "graph": graph,
        "image": image,
        "labels": labels,
        "stages": [(c.title, [labels[n] for n in c.node_ids]) for c in graph.clusters],
        "request_path": _request_path(graph, labels),
        "estimates": estimates(design.requirements.scale),
        "tradeoffs": [(choice, lookup(choice.name)) for choice in design.tradeoffs],
        "talk_track": talk_track(design, graph),
        "mermaid": to_mermaid(graph),
        "mermaid_charts": mermaid_charts(design, graph),
    }


def mermaid_charts(design: Design, graph: Graph) -> list[tuple[str | None, str]]:
    """The whole design as one Mermaid chart, or one per view when it is large."""
    from ..views import design_views, view_graph

    views = [(view.title, view_graph(graph, view)) for view in design_views(design)]
    return charts(graph, views)


def _request_path(graph: Graph, labels: dict[str, str]) -> list[dict[str, str]]:
    numbered = sorted((e for e in graph.edges if e.step), key=lambda e: e.step or 0)
    return [
        {
            "mark": style.step_mark(edge.step or 0),
            "source": labels[edge.source],
            "target": labels[edge.target],
            "label": edge.label or "",
        }
        for edge in numbered
    ]


def talk_track(design: Design, graph: Graph) -> list[TalkStep]:
    covers = _covers(design, graph)
    return [
        TalkStep(number, title, minutes, covers[number - 1])
        for number, (title, minutes) in enumerate(MINUTES, start=1)
    ]


def _covers(design: Design, graph: Graph) -> list[str]:
    scale = design.requirements.scale.model_dump(exclude_none=True)
    path = " → ".join(step.name for step in design.model.path) or "baseline first"
    steps = sum(1 for e in graph.edges if e.step)
    return [
        f"business objective, {len(scale)} scale numbers, constraints",
        f"ML objective, input → output, {', '.join(c.value for c in design.framing.category)}",
        f"{len(design.data.sources)} sources, labels, {len(design.data.features)} features",
        path,
        f"{len(design.evaluation.offline)} offline and {len(design.evaluation.online)} "
        "online metrics",
        f"{len(graph.nodes)} components, a {steps}-step request path, "
        f"{len(design.serving.pipelines)} pipelines",
        f"{len(design.monitoring.ml) + len(design.monitoring.operational)} signals, "
        f"{len(design.monitoring.alerts)} alerts",
    ]

"""The answer write-up: the design, in the 7-step order, as Markdown from a jinja template."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..capacity import capacity
from ..estimates import estimates, format_count, format_duration, format_share
from ..graph import Graph
from ..interview import follow_ups, talk_track
from ..model import Design, Scale
from ..tradeoffs import lookup
from . import style
from .mermaid import charts, to_mermaid
from .templating import environment, render_template

if TYPE_CHECKING:
    from ..formats import TextJob

TEMPLATE = "writeup.md.j2"


def text(job: TextJob) -> str:
    """The `md` format: the write-up, its picture the overview's PNG (its SVG when only the
    SVG is written)."""
    formats, design_id = job.formats, job.design.id
    svg_only = "svg" in formats and "png" not in formats
    image = f"{design_id}.svg" if svg_only else f"{design_id}.png"
    return to_markdown(job.design, job.graph, image, job.templates)


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
        "scale_rows": scale_rows(design.requirements.scale),
        "data_numbers": _data_numbers(design),
        "operating_point": _operating_point(design),
        "estimates": estimates(design.requirements.scale, design.data),
        "capacity": capacity(design),
        "tradeoffs": [
            _tradeoff(design, choice.name) | {"choice": choice} for choice in design.tradeoffs
        ],
        "talk_track": talk_track(design),
        "follow_ups": follow_ups(design),
        "mermaid": to_mermaid(graph),
        "mermaid_charts": mermaid_charts(design, graph),
    }


def scale_rows(scale: Scale) -> list[tuple[str, str]]:
    """The scale table: every number as given, the load in the prompt's own noun."""
    rows = [
        (key.replace("_", " ").capitalize(), format_count(value))
        for key, value in scale.model_dump(exclude_none=True).items()
        if isinstance(value, int | float)
    ]
    if scale.load is not None:
        noun = scale.load.unit
        given = (
            (f"{noun.capitalize()} per day", scale.load.per_day),
            (f"Average {noun} per second", scale.load.average_per_second),
            (f"Peak {noun} per second", scale.load.peak_per_second),
        )
        rows += [(name, format_count(value)) for name, value in given if value is not None]
    for entity in scale.entity_types or []:
        features = "" if entity.features is None else f" × {format_count(entity.features)} features"
        rows.append((f"Feature-store {entity.name}", f"{format_count(entity.count)}{features}"))
    return rows


def _data_numbers(design: Design) -> list[tuple[str, str]]:
    data = design.data
    rows = []
    if data.positive_rate is not None:
        rows.append(("Positive rate", format_share(data.positive_rate)))
    if data.negative_downsampling_rate is not None:
        kept = format_share(data.negative_downsampling_rate)
        rows.append(("Negative downsampling", f"{kept} of negatives kept"))
    if data.label_delay is not None:
        rows.append(("Label delay", f"{format_duration(data.label_delay)} until a label is final"))
    return rows


def _operating_point(design: Design) -> str:
    point = design.evaluation.operating_point
    if point is None:
        return ""
    parts = (
        ("threshold", point.threshold, lambda v: f"{v:g}"),
        ("at fixed recall", point.fixed_recall, format_share),
        ("at fixed precision", point.fixed_precision, format_share),
        ("at a fixed decline rate of", point.fixed_decline_rate, format_share),
        ("sends to human review", point.review_rate, format_share),
    )
    sentence = "; ".join(f"{name} {fmt(value)}" for name, value, fmt in parts if value is not None)
    return sentence[:1].upper() + sentence[1:]


def _tradeoff(design: Design, name: str) -> dict[str, Any]:
    """A library entry with its numbers computed from this design."""
    tradeoff = lookup(name)
    return {"tradeoff": tradeoff, "numbers": tradeoff.numbers(design)}


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

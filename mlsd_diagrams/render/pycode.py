"""The graph as a standalone Python script that draws the same picture with `diagrams`.

`diagrams` pastes labels into DOT as they are (an HTML-like `<...>`, a trailing backslash,
Graphviz's `\\N`...), so the script is given labels already escaped and wrapped the way
`mlsd render` does it, each marked `nohtml`: it draws spec text as text.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import catalog
from ..graph import Graph
from . import style
from .dot import edge_label_lines, plain_lines, shapes_layout
from .templating import environment, render_template
from .text import dot

if TYPE_CHECKING:
    from ..formats import TextJob

TEMPLATE = "diagram.py.j2"
ICONS = "icons"  # the script's folder of bundled icons, beside it


def text(job: TextJob) -> str:
    """The `py` format: the diagram as a standalone script."""
    return to_python(job.graph, job.templates)


def companions(graph: Graph) -> list[tuple[str, Path]]:
    """The files the script needs beside it: our icons, in `icons/`."""
    return [(f"{ICONS}/{icon.name}", icon) for icon in bundled_icons(graph)]


def to_python(graph: Graph, templates: Path | None = None) -> str:
    return render_template(environment(templates), TEMPLATE, _context(graph))


def bundled_icons(graph: Graph) -> list[Path]:
    """The icon files of ours the script needs beside it (in `icons/`)."""
    kinds = sorted({node.kind for node in graph.nodes})
    refs = [catalog.icon_ref(k) for k in kinds if catalog.is_bundled(catalog.KINDS_BY_NAME[k])]
    return [path for ref in refs if (path := catalog.icon_file(ref)) is not None]


def _context(graph: Graph) -> dict[str, Any]:
    imports: dict[str, set[str]] = defaultdict(set)
    nodes: list[dict[str, Any]] = []  # a template context: the node and its strings
    for node in graph.nodes:
        kind = catalog.KINDS_BY_NAME[node.kind]
        if catalog.is_bundled(kind):
            icon, class_name = Path(catalog.icon_ref(node.kind)).name, None
        else:
            module, class_name = catalog.node_class_path(kind)
            imports[module].add(class_name)
            icon = None
        label = _label(node.label, style.LABEL_WRAP)
        nodes.append({"node": node, "label": label, "class_name": class_name, "icon": icon})
    stages = {node.id: node.stage for node in graph.nodes}
    edges = [
        {
            "edge": edge,
            "text": "\n".join(edge_label_lines(edge)),
            "ranks": shapes_layout(edge, stages),
        }
        for edge in graph.edges
    ]
    return {
        "graph": graph,
        "title": dot(" ".join(graph.title.split())),
        "graph_attrs": {**style.GRAPH, "rankdir": "LR"},
        "cluster_attrs": style.CLUSTER,
        "stage_colors": style.STAGE_COLORS,
        "flow_styles": style.FLOW,
        "imports": {module: sorted(names) for module, names in sorted(imports.items())},
        "nodes": {item["node"].id: item for item in nodes},
        "edges": edges,
    }


def _label(text: str, width: int) -> str:
    """Spec text as a DOT-safe label, wrapped as `mlsd render` wraps it."""
    return "\n".join(plain_lines(text, width))

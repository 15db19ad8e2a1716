"""The graph as a standalone Python script that draws the same picture with `diagrams`.

`diagrams` pastes labels into DOT as they are (an HTML-like `<...>`, a trailing backslash,
Graphviz's `\\N`...), so the script is given labels already escaped and wrapped the way
`mlsd render` does it, each marked `nohtml`: it draws spec text as text.

On a theme that draws icons on light tiles (dark), the script's icons are those tiles: each
icon painted on its tile, bundled beside the script, since a plain `diagrams` node cannot
draw a tile behind its image.
"""

from __future__ import annotations

import io
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import catalog
from ..errors import RenderError
from ..graph import Graph
from . import style
from .dot import edge_label_lines, plain_lines, shapes_layout, tooltip
from .templating import environment, render_template
from .text import dot

if TYPE_CHECKING:
    from ..formats import TextJob

TEMPLATE = "diagram.py.j2"
ICONS = "icons"  # the script's folder of bundled icons, beside it


def text(job: TextJob) -> str:
    """The `py` format: the diagram as a standalone script."""
    return to_python(job.graph, job.templates, job.theme)


def companions(job: TextJob) -> list[tuple[str, bytes]]:
    """The files the script needs beside it, in `icons/`: our icons, or on a theme with
    icon tiles every icon on its tile."""
    if job.theme.icon_tile:
        refs = sorted({catalog.icon_ref(node.kind) for node in job.graph.nodes})
        return [(f"{ICONS}/{_tiled_name(ref)}", _tiled(ref, job.theme.icon_tile)) for ref in refs]
    return [(f"{ICONS}/{icon.name}", icon.read_bytes()) for icon in bundled_icons(job.graph)]


def to_python(graph: Graph, templates: Path | None = None, theme: style.Theme = style.LIGHT) -> str:
    """The script, drawing in `theme`'s paper, inks and fonts."""
    return render_template(environment(templates), TEMPLATE, _context(graph, theme))


def bundled_icons(graph: Graph) -> list[Path]:
    """The icon files of ours the script needs beside it (in `icons/`)."""
    kinds = sorted({node.kind for node in graph.nodes})
    refs = [catalog.icon_ref(k) for k in kinds if catalog.is_bundled(catalog.KINDS_BY_NAME[k])]
    return [path for ref in refs if (path := catalog.icon_file(ref)) is not None]


# The node attributes a theme sets that the script's icon nodes take: its fonts and ink (the
# rest of the theme's node table shapes `mlsd render`'s HTML-like labels, not icon nodes).
NODE_FONT = ("fontname", "fontsize", "fontcolor")


TILE_MARGIN = 0.05  # the tile around an icon, a share of its side (as `mlsd render` pads it)
TILE_BAND = 0.2  # the clear band below a tile, a share of its side


def _tiled_name(ref: str) -> str:
    """The file name of an icon on its tile: its whole reference, so two providers' icons of
    one name stay apart (`onprem/queue/kafka.png` → `onprem-queue-kafka.png`)."""
    return ref.replace("/", "-")


def _tiled(ref: str, tile: str) -> bytes:
    """The icon `ref` painted on a square tile of colour `tile` (PNG)."""
    from PIL import Image

    path = catalog.icon_file(ref)
    if path is None:  # catalog's tests keep every kind's icon there
        raise RenderError(f"icon {ref} is missing: reinstall mlsd-diagrams")
    with Image.open(path) as opened:
        icon = opened.convert("RGBA")
    side = round(max(icon.size) * (1 + 2 * TILE_MARGIN))
    # a clear band below the tile: `diagrams` centres the picture in a node whose label sits
    # at its bottom, so the band keeps a label of one or two lines off the tile
    painted = Image.new("RGBA", (side, round(side * (1 + TILE_BAND))), (0, 0, 0, 0))
    painted.paste(tile, (0, 0, side, side))
    painted.alpha_composite(icon, ((side - icon.width) // 2, (side - icon.height) // 2))
    data = io.BytesIO()
    painted.save(data, "PNG", optimize=True)
    return data.getvalue()


def _context(graph: Graph, theme: style.Theme) -> dict[str, Any]:
    imports: dict[str, set[str]] = defaultdict(set)
    nodes: list[dict[str, Any]] = []  # a template context: the node and its strings
    for node in graph.nodes:
        kind = catalog.KINDS_BY_NAME[node.kind]
        if theme.icon_tile:  # every icon on its tile, bundled (see `companions`)
            icon, class_name = _tiled_name(catalog.icon_ref(node.kind)), None
        elif catalog.is_bundled(kind):
            icon, class_name = Path(catalog.icon_ref(node.kind)).name, None
        else:
            module, class_name = catalog.node_class_path(kind)
            imports[module].add(class_name)
            icon = None
        label = _label(node.label, style.LABEL_WRAP)
        hover = tooltip(node.description) if node.description else None
        nodes.append(
            {"node": node, "label": label, "class_name": class_name, "icon": icon, "tooltip": hover}
        )
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
        "graph_attrs": {**theme.graph, "rankdir": "LR"},
        "node_attrs": {key: theme.node[key] for key in NODE_FONT if key in theme.node},
        "edge_attrs": theme.edge,
        "cluster_attrs": theme.cluster,
        "stage_colors": theme.stage_colors,
        "flow_styles": theme.flow,
        "imports": {module: sorted(names) for module, names in sorted(imports.items())},
        "nodes": {item["node"].id: item for item in nodes},
        "edges": edges,
    }


def _label(text: str, width: int) -> str:
    """Spec text as a DOT-safe label, wrapped as `mlsd render` wraps it."""
    return "\n".join(plain_lines(text, width))

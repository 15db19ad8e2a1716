"""The laid-out graph as an Excalidraw scene (`.excalidraw`): a whiteboard to keep drawing on.

Everything sits where Graphviz put it (`layout.py`): one frame per stage, a rounded
rectangle per component with its label bound inside and its icon above the label, one arrow
per flow bound to both rectangles, following dot's curve, with the flow's label bound to it.
The format follows Excalidraw's element types (`packages/element/src/types.ts` upstream).

Deterministic by construction: ids, seeds and nonces are hashes of the spec's ids, the
timestamp is a constant, elements come in layout order, so two exports are byte-identical.
User text only ever enters the scene as JSON string values.
"""

from __future__ import annotations

import base64
import hashlib
import json
import struct
from collections import defaultdict
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from .. import catalog
from ..graph import Edge, Graph, Node
from .layout import Box, Layout, PlacedCluster, PlacedEdge, PlacedNode, Point, Text, curve_points
from .style import ICON_SIZE, STAGE_COLORS

if TYPE_CHECKING:
    from ..formats import TextJob

SOURCE = "https://github.com/mlsd-diagrams"
UPDATED = 1_704_067_200_000  # a fixed "last edited" (2024-01-01, epoch ms): no clock in outputs
FONT_FAMILY = 1  # Virgil, Excalidraw's first hand-drawn font
LINE_HEIGHT = 1.25  # Virgil's unitless line height in Excalidraw
TEXT_PADDING = 5  # Excalidraw's gap between a container and the text bound inside it
ICON_PADDING = 3  # the icon cell's padding in the node label (`dot.py`)
MIN_ICON_SIZE = 24.0
SAMPLES_PER_CURVE = 4  # polyline points per cubic Bézier segment of an edge
INK = "#1e1e1e"
FRAME_INK = "#bbb"  # Excalidraw draws frames in its own grey whatever the colour says
ARROW_WIDTH = {"bold": 4}  # Excalidraw's "extra bold"; every other flow is 2 ("bold")
ARROW_STROKE = {"dashed": "dashed", "dotted": "dotted"}
_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def text(job: TextJob) -> str:
    """The `excalidraw` format: the overview's scene, as `dot` laid it out for the images."""
    if job.layout is None:
        raise ValueError("the excalidraw format needs the overview's layout")
    return to_excalidraw(job.graph, job.layout, stage_colors=job.theme.stage_colors)


def to_excalidraw(
    graph: Graph,
    layout: Layout,
    *,
    icons: bool = True,
    stage_colors: Mapping[str, tuple[str, str]] = STAGE_COLORS,
) -> str:
    """The JSON text of an `.excalidraw` scene of a laid-out graph.

    `icons` embeds each component's icon; `stage_colors` (stage → fill, pen, as in a theme)
    fills the component boxes: pass the theme the layout was drawn with.
    """
    scene = _Scene(graph, layout, icons, stage_colors)
    elements = _indexed(scene.elements())
    document = {
        "type": "excalidraw",
        "version": 2,
        "source": SOURCE,
        "elements": elements,
        "appState": {"viewBackgroundColor": layout.background, "gridSize": None},
        "files": scene.files,
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


class _Scene:
    """Builds the element list; bindings are recorded on both ends as elements are made."""

    def __init__(
        self, graph: Graph, layout: Layout, icons: bool, colors: Mapping[str, tuple[str, str]]
    ) -> None:
        self.graph, self.layout, self.icons, self.colors = graph, layout, icons, colors
        self.nodes = {node.id: node for node in graph.nodes}
        self.rects: dict[str, dict] = {}
        self.files: dict[str, dict] = {}
        self.frame_of = self._frame_membership()

    def elements(self) -> list[dict]:
        clustered: dict[str, list[dict]] = defaultdict(list)
        loose: list[dict] = []
        for placed in self.layout.nodes:
            frame = self.frame_of.get(placed.id)
            (clustered[frame] if frame else loose).extend(self._node(placed))
        framed = [e for c in self.layout.clusters for e in self._frame(c, clustered[c.name])]
        arrows = [e for edge in self._edges() for e in self._arrow(*edge)]
        titles = [_free_text(_id("title", str(i)), t) for i, t in enumerate(self.layout.texts)]
        return framed + loose + arrows + titles

    # Frames: Excalidraw lists a frame's children just before the frame itself.

    def _frame_membership(self) -> dict[str, str]:
        """Node id → the DOT name of its cluster: the spec's stage, else where dot drew it."""
        names = {c.name for c in self.layout.clusters}
        member = {
            node_id: f"cluster_{cluster.stage}"
            for cluster in self.graph.clusters
            for node_id in cluster.node_ids
            if f"cluster_{cluster.stage}" in names
        }
        for placed in self.layout.nodes:
            around = [c.name for c in self.layout.clusters if _contains(c.box, placed.box)]
            if placed.id not in self.nodes and around:
                member[placed.id] = around[0]
        return member

    def _frame(self, cluster: PlacedCluster, children: list[dict]) -> list[dict]:
        frame_id = _id("frame", cluster.name)
        for child in children:
            child["frameId"] = frame_id
        frame = _element("frame", frame_id, cluster.box, strokeColor=FRAME_INK, roughness=0)
        frame.update(name=self._frame_name(cluster), customData={"stage": _stage(cluster)})
        return [*children, frame]

    def _frame_name(self, cluster: PlacedCluster) -> str:
        stage = _stage(cluster)
        titles = [c.title for c in self.graph.clusters if c.stage == stage]
        return titles[0] if titles else " ".join(t.text for t in cluster.texts) or stage

    # Nodes: a rectangle, its bound label, and its icon grouped with it.

    def _node(self, placed: PlacedNode) -> list[dict]:
        node = self.nodes.get(placed.id)
        look = _node_look(node, placed.texts, self.colors)
        rect = _element("rectangle", _id("node", placed.id), placed.box, **look)
        rect["roundness"] = {"type": 3}
        rect["customData"] = _node_data(node, placed.id)
        self.rects[placed.id] = rect
        # Excalidraw spaces lines wider than Graphviz: shrink the icon so the label fits below
        text_height = _text_size(placed.texts)[1] if placed.texts else 0.0
        room = placed.box.height - text_height - TEXT_PADDING - 2 * ICON_PADDING
        size = max(MIN_ICON_SIZE, min(ICON_SIZE, room))
        icon = self._icon(node, placed.box, size) if node and self.icons else None
        label = None
        if placed.texts:
            align = "bottom" if icon else "middle"
            label = _bound_text(rect, placed.texts, _inside(rect, placed.texts, align), align)
        parts = [e for e in (rect, label, icon) if e]
        if icon:
            group = _id("group", placed.id)
            for part in parts:
                part["groupIds"] = [group]
        return parts

    def _icon(self, node: Node, box: Box, size: float) -> dict | None:
        path = catalog.icon_file(catalog.icon_ref(node.kind))
        if path is None:
            return None
        file_id, data_url, (width, height) = _png(path)
        self.files[file_id] = {
            "mimeType": "image/png",
            "id": file_id,
            "dataURL": data_url,
            "created": UPDATED,
            "lastRetrieved": UPDATED,
        }
        scale = min(size / width, size / height)
        w, h = width * scale, height * scale
        x = box.x + (box.width - w) / 2
        y = box.y + ICON_PADDING + (size - h) / 2
        image = _element("image", _id("icon", node.id), Box(x, y, w, h), strokeColor="transparent")
        image.update(fileId=file_id, status="saved", scale=[1, 1], crop=None)
        return image

    # Edges: a polyline along dot's curve, bound to both rectangles, with its label.

    def _edges(self) -> Iterator[tuple[str, Edge | None, PlacedEdge]]:
        """Each placed edge with its id and the flow it draws (dot keeps the spec's order)."""
        flows: dict[tuple[str, str], list[Edge]] = defaultdict(list)
        for edge in self.graph.edges:
            flows[edge.source, edge.target].append(edge)
        seen: dict[tuple[str, str], int] = defaultdict(int)
        for placed in self.layout.edges:
            pair = (placed.source, placed.target)
            seen[pair] += 1
            queue = flows[pair]
            yield _id("edge", *pair, str(seen[pair])), (queue.pop(0) if queue else None), placed

    def _arrow(self, arrow_id: str, edge: Edge | None, placed: PlacedEdge) -> list[dict]:
        points = _polyline(placed)
        (x0, y0) = points[0]
        relative = [[_r(x - x0), _r(y - y0)] for x, y in points]
        xs, ys = [p[0] for p in relative], [p[1] for p in relative]
        box = Box(x0, y0, max(xs) - min(xs), max(ys) - min(ys))
        arrow = _element(
            "arrow",
            arrow_id,
            box,
            strokeColor=placed.color,
            strokeWidth=ARROW_WIDTH.get(placed.style, 2),
            strokeStyle=ARROW_STROKE.get(placed.style, "solid"),
        )
        arrow["roundness"] = {"type": 2}
        arrow.update(
            points=relative,
            lastCommittedPoint=None,
            startBinding=self._binding(arrow, placed.source, points[0]),
            endBinding=self._binding(arrow, placed.target, points[-1]),
            startArrowhead=None,
            endArrowhead="arrow",
            elbowed=False,
        )
        if edge:
            arrow["customData"] = {"flow": edge.kind, "step": edge.step}
        if not placed.texts:
            return [arrow]
        return [arrow, _bound_text(arrow, placed.texts, _where_drawn(placed.texts), "middle")]

    def _binding(self, arrow: dict, node_id: str, point: Point) -> dict | None:
        rect = self.rects.get(node_id)
        if rect is None:
            return None
        rect["boundElements"].append({"type": "arrow", "id": arrow["id"]})
        width, height = rect["width"] or 1, rect["height"] or 1
        fixed = [(point[0] - rect["x"]) / width, (point[1] - rect["y"]) / height]
        return {"elementId": rect["id"], "mode": "orbit", "fixedPoint": _fixed_point(fixed)}


# Elements


def _element(kind: str, element_id: str, box: Box, **style: object) -> dict:
    """An element of `kind` with every field Excalidraw's base element type has."""
    return {
        "id": element_id,
        "type": kind,
        "x": _r(box.x),
        "y": _r(box.y),
        "width": _r(box.width),
        "height": _r(box.height),
        "angle": 0,
        "strokeColor": INK,
        "backgroundColor": "transparent",
        "fillStyle": "solid",
        "strokeWidth": 2,
        "strokeStyle": "solid",
        "roughness": 1,
        "opacity": 100,
        "groupIds": [],
        "frameId": None,
        "index": None,
        "roundness": None,
        "seed": _number(element_id, "seed"),
        "version": 1,
        "versionNonce": _number(element_id, "nonce"),
        "isDeleted": False,
        "boundElements": [],
        "updated": UPDATED,
        "link": None,
        "locked": False,
        **style,
    }


def _text(element_id: str, box: Box, lines: tuple[Text, ...], **fields: object) -> dict:
    content = "\n".join(line.text for line in lines)
    text = _element("text", element_id, box, strokeColor=lines[0].color)
    text.update(
        text=content,
        originalText=content,
        fontSize=lines[0].size,
        fontFamily=FONT_FAMILY,
        textAlign="center",
        verticalAlign="middle",
        containerId=None,
        lineHeight=LINE_HEIGHT,
        autoResize=True,
    )
    text.update(fields)
    return text


def _bound_text(container: dict, lines: tuple[Text, ...], box: Box, align: str) -> dict:
    element_id = _id("label", container["id"])
    container["boundElements"].append({"type": "text", "id": element_id})
    return _text(element_id, box, lines, containerId=container["id"], verticalAlign=align)


def _inside(rect: dict, lines: tuple[Text, ...], align: str) -> Box:
    """Where Excalidraw puts text bound inside a rectangle: centred, at the bottom or middle."""
    width, height = _text_size(lines)
    x = rect["x"] + (rect["width"] - width) / 2
    if align == "bottom":
        return Box(x, rect["y"] + rect["height"] - TEXT_PADDING - height, width, height)
    return Box(x, rect["y"] + (rect["height"] - height) / 2, width, height)


def _where_drawn(lines: tuple[Text, ...]) -> Box:
    """Where dot drew a block of text (Excalidraw moves an arrow's label to its middle)."""
    width, height = _text_size(lines)
    return Box(_text_left(lines[0], width), _label_top(lines), width, height)


def _free_text(element_id: str, line: Text) -> dict:
    box = _where_drawn((line,))
    align = {"l": "left", "r": "right"}.get(line.align, "center")
    return _text(element_id, box, (line,), textAlign=align, verticalAlign="top")


def _node_look(
    node: Node | None, texts: tuple[Text, ...], colors: Mapping[str, tuple[str, str]]
) -> dict:
    """The box's ink is its label's colour (readable on the theme's background)."""
    ink = texts[0].color if texts else INK
    if node is None:  # a component outside this view
        return {"strokeColor": ink, "strokeStyle": "dashed"}
    fill, _pen = colors.get(node.stage, ("transparent", ink))
    return {"strokeColor": ink, "backgroundColor": fill}


def _node_data(node: Node | None, node_id: str) -> dict:
    if node is None:
        return {"component": node_id, "stub": True}
    return {"component": node.id, "kind": node.kind, "stage": node.stage}


# Geometry


def _polyline(edge: PlacedEdge) -> list[Point]:
    """dot's cubic Bézier path as points, ending at the arrowhead's tip."""
    controls = edge.points
    points = [controls[0]] if controls else []
    for segment in curve_points(controls, SAMPLES_PER_CURVE):
        points += segment[1:]
    if edge.head:
        points.append(edge.head)
    if len(points) < 2:
        points = [points[0] if points else (0.0, 0.0)] * 2
    return [(_r(x), _r(y)) for x, y in points]


def _fixed_point(ratios: list[float]) -> list[float]:
    """Ratios of the bound rectangle; Excalidraw nudges an exact 0.5 (it flips the heading)."""
    return [0.5001 if abs(r - 0.5) < 1e-4 else round(min(max(r, 0), 1), 4) for r in ratios]


def _text_size(lines: tuple[Text, ...]) -> tuple[float, float]:
    size = lines[0].size
    return max(line.width for line in lines), len(lines) * size * LINE_HEIGHT


def _text_left(line: Text, width: float) -> float:
    return {"l": line.x, "r": line.x - width}.get(line.align, line.x - width / 2)


def _label_top(lines: tuple[Text, ...]) -> float:
    """Where a block of dot's text lines starts: its first baseline less the font's ascent."""
    return lines[0].y - lines[0].size


def _contains(outer: Box, inner: Box) -> bool:
    x, y = inner.center
    return outer.x <= x <= outer.x + outer.width and outer.y <= y <= outer.y + outer.height


def _stage(cluster: PlacedCluster) -> str:
    return cluster.name.removeprefix("cluster_")


def _r(value: float) -> float:
    return round(value, 2)


# Identity and order


def _id(*parts: str) -> str:
    """A stable element id (21 url-safe characters, like Excalidraw's own) from spec ids."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")[:21]


def _number(*parts: str) -> int:
    """A stable positive 31-bit integer, for roughjs seeds and version nonces."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).digest()
    return int.from_bytes(digest[:4], "big") % (2**31 - 1) + 1


def _indexed(elements: list[dict]) -> list[dict]:
    """Give each element its fractional index (`a0`, `a1`, ... `b00`), increasing with order."""
    for position, element in enumerate(elements):
        element["index"] = _fractional_index(position)
    return elements


def _fractional_index(position: int) -> str:
    digits, head, span = 1, "a", len(_BASE62)
    while position >= span:
        position -= span
        digits, head, span = digits + 1, chr(ord(head) + 1), span * len(_BASE62)
    out = ""
    for _ in range(digits):
        position, digit = divmod(position, len(_BASE62))
        out = _BASE62[digit] + out
    return head + out


@cache
def _png(path: Path) -> tuple[str, str, tuple[int, int]]:
    """A PNG's file id (SHA-1 of its bytes, as Excalidraw names files), data URL and size."""
    data = path.read_bytes()
    width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk, right after the magic
    data_url = "data:image/png;base64," + base64.b64encode(data).decode("ascii")
    return hashlib.sha1(data).hexdigest(), data_url, (width, height)

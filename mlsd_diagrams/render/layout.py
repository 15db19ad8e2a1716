"""The layout seam: where a picture's parts go, as one neutral `Layout`, and the engine that
places and draws them.

An `Engine` turns a picture's DOT source into a `Layout` (`lay_out`) and draws it, as placed,
into image files (`draw`). Every picture goes through the engine in force (`engine()`, set for
a block by `placed_by`): the render's images, the layout search (arrange.py), `mlsd check`
and the Excalidraw export, so another placement strategy or engine plugs in here without
touching them. The one engine today is Graphviz `dot` (`Dot`), which lays out and draws in
one run; its layout is read from `dot -Tjson`.

Coordinates are in points (1/72 inch), turned to screen convention: the origin at the top
left of the drawing, y growing downwards (Graphviz counts y upwards). The readability check
and the Excalidraw export read the picture from here, so they see exactly what was drawn.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar, copy_context
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol, TypeVar

from .. import catalog
from ..errors import GraphvizFailedError
from .graphviz import Batch, first_try_only, run_dot

Point = tuple[float, float]


@dataclass(frozen=True)
class Box:
    """A rectangle: top-left corner, width and height."""

    x: float
    y: float
    width: float
    height: float

    @property
    def center(self) -> Point:
        return (self.x + self.width / 2, self.y + self.height / 2)


@dataclass(frozen=True)
class Text:
    """One line of text as drawn: its anchor point, font size, colour and drawn width."""

    text: str
    x: float  # the anchor: centre, left or right end of the baseline, as `align` says
    y: float  # the baseline
    size: float
    color: str
    width: float
    align: str  # "c", "l" or "r"


@dataclass(frozen=True)
class PlacedNode:
    id: str
    box: Box
    texts: tuple[Text, ...]  # the label lines, top to bottom


@dataclass(frozen=True)
class PlacedEdge:
    source: str
    target: str
    points: tuple[Point, ...]  # cubic Bézier control points: p0, (c1, c2, p)...
    head: Point | None  # the tip of the arrowhead
    texts: tuple[Text, ...]  # the label lines, top to bottom
    color: str
    style: str  # "solid", "dashed", "dotted" or "bold"
    labelled: bool = False  # the DOT gives it a label (drawn or not: see `texts`)


@dataclass(frozen=True)
class PlacedCluster:
    name: str  # the DOT subgraph name, e.g. "cluster_serving"
    box: Box
    texts: tuple[Text, ...]


@dataclass(frozen=True)
class Layout:
    width: float
    height: float
    nodes: tuple[PlacedNode, ...]
    edges: tuple[PlacedEdge, ...]
    clusters: tuple[PlacedCluster, ...]
    texts: tuple[Text, ...]  # the graph's own label: title (and key, if drawn)
    background: str


def curve_points(controls: Sequence[Point], samples: int) -> tuple[tuple[Point, ...], ...]:
    """Each cubic Bézier segment of a dot path (p0, c1, c2, p1, c1, c2, p2...) as
    `samples` + 1 points along it, both ends included. Remembered for the last few thousand
    paths: measuring one layout asks for each edge's path four times (crossings, labels,
    detours), and a layout search measures a hundred layouts or more."""
    return _curve(tuple(controls), samples)


@lru_cache(maxsize=4096)
def _curve(controls: tuple[Point, ...], samples: int) -> tuple[tuple[Point, ...], ...]:
    weights = _bernstein(samples)
    segments = []
    for start in range(0, len(controls) - 3, 3):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = controls[start : start + 4]
        segments.append(
            tuple(
                (a * x0 + b * x1 + c * x2 + d * x3, a * y0 + b * y1 + c * y2 + d * y3)
                for a, b, c, d in weights
            )
        )
    return tuple(segments)


@lru_cache(maxsize=8)
def _bernstein(samples: int) -> tuple[tuple[float, float, float, float], ...]:
    """The weights of a cubic Bézier's four points at t = 0, 1/samples ... 1."""
    weights = []
    for step in range(samples + 1):
        t = step / samples
        weights.append(((1 - t) ** 3, 3 * t * (1 - t) ** 2, 3 * t**2 * (1 - t), t**3))
    return tuple(weights)


class Engine(Protocol):
    """Places the parts of a picture and draws them where it placed them."""

    @property
    def name(self) -> str:
        """Names the engine wherever a choice of layout is remembered (arrange.py): another
        engine's choice is not this one's."""
        ...

    def lay_out(self, source: str) -> Layout:
        """Where everything of the picture `source` goes."""
        ...

    def draw(
        self,
        source: str,
        outputs: Mapping[str, Path],
        *,
        dpi: int | None = None,
        batch: Batch | None = None,
        layout: bool = False,
    ) -> Layout | None:
        """Draw `source` into each image file of `outputs` ({"png": path, ...}) at `dpi`
        (None: 96), stopped with `batch`; with `layout`, return the layout drawn."""
        ...


class Dot:
    """Graphviz `dot`: one run lays a picture out and draws every format asked for (its
    `dot` runs take the time budget in force: graphviz.time_budget)."""

    name = "dot"

    def lay_out(self, source: str) -> Layout:
        return parse_layout(run_dot(source, {}, catalog.icon_search_path(), layout=True))

    def draw(
        self,
        source: str,
        outputs: Mapping[str, Path],
        *,
        dpi: int | None = None,
        batch: Batch | None = None,
        layout: bool = False,
    ) -> Layout | None:
        icons = catalog.icon_search_path()
        drawn = run_dot(source, dict(outputs), icons, layout=layout, dpi=dpi, batch=batch)
        return parse_layout(drawn) if layout else None


DOT = Dot()
_ENGINE: ContextVar[Engine | None] = ContextVar("layout_engine", default=None)


def engine() -> Engine:
    """The engine that places and draws the pictures of this context (by default `dot`)."""
    return _ENGINE.get() or DOT


@contextmanager
def placed_by(chosen: Engine) -> Iterator[None]:
    """Every picture laid out or drawn in this context (and in the threads started with a
    copy of it) is placed by `chosen`."""
    token = _ENGINE.set(chosen)
    try:
        yield
    finally:
        _ENGINE.reset(token)


def lay_out(source: str) -> Layout:
    """Where the engine in force places everything of the picture `source`."""
    return engine().lay_out(source)


def lay_out_many(sources: list[str], workers: int = 1) -> list[Layout | None]:
    """Each source laid out, `workers` at a time (the candidates of a layout search); None
    for a source the engine fails on: dot's first try only, with no fallback layout and no
    warning (graphviz.first_try_only). (One `dot` process cannot lay out several of our
    graphs: Graphviz 2.43 crashes on the second one that has images.)"""
    return read_many(sources, workers, _itself)


Read = TypeVar("Read")


def read_many(
    sources: list[str], workers: int, read: Callable[[Layout], Read]
) -> list[Read | None]:
    """`lay_out_many`, each layout handed to `read` in the worker that made it: what `read`
    does in Python (the layout search measures each candidate) overlaps the next `dot`
    runs instead of waiting for the last of them."""
    with first_try_only():
        if workers <= 1 or len(sources) <= 1:
            return [_read_or_none(source, read) for source in sources]
        pool = ThreadPoolExecutor(min(workers, len(sources)))
        try:
            # each in a copy of this context: its engine, time budget and first try only
            # hold there too
            runs = [
                pool.submit(copy_context().run, _read_or_none, source, read) for source in sources
            ]
            return [run.result() for run in runs]
        finally:  # at once on Ctrl-C: the layouts not started never start (those under way end)
            pool.shutdown(wait=True, cancel_futures=True)


def _itself(layout: Layout) -> Layout:
    return layout


def _read_or_none(source: str, read: Callable[[Layout], Read]) -> Read | None:
    try:
        laid_out = lay_out(source)
    except GraphvizFailedError:
        return None
    return read(laid_out)


def parse_layout(data: bytes) -> Layout:
    """Read the JSON of `dot -Tjson`."""
    try:
        graph = json.loads(data)
    except ValueError as exc:
        raise GraphvizFailedError(f"Graphviz `dot` wrote a layout we cannot read: {exc}") from None
    return _read(graph)


def _read(graph: dict) -> Layout:
    try:
        return _Reader(graph).layout()
    except (ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
        raise GraphvizFailedError(f"Graphviz `dot` wrote a layout we cannot read: {exc}") from None


class _Reader:
    def __init__(self, graph: dict) -> None:
        self.graph = graph
        left, bottom, right, top = _floats(graph["bb"])
        self.left, self.top = left, top
        self.width, self.height = right - left, top - bottom

    def layout(self) -> Layout:
        objects = self.graph.get("objects", [])
        names = {obj["_gvid"]: obj["name"] for obj in objects if "nodes" not in obj}
        nodes = tuple(
            self._node(obj)
            for obj in objects
            if "nodes" not in obj and "pos" in obj and not _scaffolding(obj)
        )
        clusters = tuple(self._cluster(obj) for obj in objects if "nodes" in obj and "bb" in obj)
        edges = tuple(self._edge(edge, names) for edge in self.graph.get("edges", []))
        return Layout(
            width=self.width,
            height=self.height,
            nodes=nodes,
            edges=edges,
            clusters=clusters,
            texts=self._texts(self.graph.get("_ldraw_", [])),
            background=_fill(self.graph.get("_draw_", []), "#ffffff"),
        )

    def point(self, x: float, y: float) -> Point:
        return (round(x - self.left, 2), round(self.top - y, 2))

    def _node(self, obj: dict) -> PlacedNode:
        x, y = self.point(*_floats(obj["pos"]))
        width, height = float(obj["width"]) * 72, float(obj["height"]) * 72
        box = Box(round(x - width / 2, 2), round(y - height / 2, 2), width, height)
        return PlacedNode(obj["name"], box, self._texts(obj.get("_ldraw_", [])))

    def _cluster(self, obj: dict) -> PlacedCluster:
        left, bottom, right, top = _floats(obj["bb"])
        x, y = self.point(left, top)
        box = Box(x, y, right - left, top - bottom)
        return PlacedCluster(obj["name"], box, self._texts(obj.get("_ldraw_", [])))

    def _edge(self, edge: dict, names: dict[int, str]) -> PlacedEdge:
        draw = edge.get("_draw_", [])
        curve: list[list[float]] = next((op["points"] for op in draw if op.get("op") == "b"), [])
        head: list[list[float]] = next(
            (op["points"] for op in edge.get("_hdraw_", []) if op.get("op") == "P"), []
        )
        # dot draws `bold` as a wider line, so the edge's own attribute tells it apart
        styles = [edge.get("style", ""), *(op["style"] for op in draw if op.get("op") == "S")]
        return PlacedEdge(
            source=names[edge["tail"]],
            target=names[edge["head"]],
            points=tuple(self.point(*p) for p in curve),
            head=self.point(*_arrow_tip(head, curve)) if head else None,
            texts=self._texts(edge.get("_ldraw_", [])),
            color=_pen(draw, "#000000"),
            style=next((s for s in styles if s in ("dashed", "dotted", "bold")), "solid"),
            labelled=bool(edge.get("label")),
        )

    def _texts(self, ops: list[dict]) -> tuple[Text, ...]:
        """The text operations of an xdot list, with the font and colour in force for each."""
        size, color, texts = 14.0, "#000000", []
        for op in ops:
            kind = op.get("op")
            if kind == "F":
                size = float(op["size"])
            elif kind == "c":
                color = op["color"]
            elif kind == "T":
                x, y = self.point(*op["pt"])
                texts.append(Text(op["text"], x, y, size, color, float(op["width"]), op["align"]))
        return tuple(sorted(texts, key=lambda t: (t.y, t.x)))


def _scaffolding(obj: dict) -> bool:
    """An invisible point: it holds the layout in shape (render/dot.py's `_keep_in_a_row`),
    nothing is drawn there and nothing can sit on it."""
    return obj.get("shape") == "point" and "invis" in obj.get("style", "")


def _floats(text: str) -> list[float]:
    return [float(part) for part in text.replace(",", " ").split()]


def _pen(ops: list[dict], default: str) -> str:
    return next((op["color"][:7] for op in ops if op.get("op") == "c"), default)


def _fill(ops: list[dict], default: str) -> str:
    return next((op["color"][:7] for op in ops if op.get("op") == "C"), default)


def _arrow_tip(head: list[list[float]], curve: list[list[float]]) -> list[float]:
    """The arrowhead's corner farthest from where the curve ends: its tip."""
    if not curve:
        return head[0]
    end_x, end_y = curve[-1]
    return max(head, key=lambda p: (p[0] - end_x) ** 2 + (p[1] - end_y) ** 2)

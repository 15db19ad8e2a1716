"""`mlsd check`: is the picture readable? Figures measured on the layout `dot` computed.

Every figure is read from the drawing itself (`render.layout`), never guessed from the spec:

- nodes, edges: the components and the drawn flows between them (an invisible edge has no
  curve; a flow drawn as connectors, `_link_*`, is its two short arrows, and its connectors
  are not components). Stubs (`_stub_*`, a component of another view) are scaffolding
  around a view, not part of it: they are not counted, nor are their edges. (The key is
  the graph's label, not nodes.)
- crossings: the spots where two drawn edges cross (see `find_crossings`).
- aspect ratio: the long side of the drawing over its short side, 1 for a square.
- smallest label: the smallest node or edge label once the whole picture is fitted to a
  1920×1080 screen (see `screen_scale`), in screen pixels.
- label collisions, labels nearer another edge, detours, stages out of order and the largest
  blank area: what a reader sees beyond crossings (see `legibility`).

`assess` compares the figures with `Thresholds` and says what to change in the spec, as
findings (findings.py, shared with `mlsd review`): a warning, or an error under `--strict`.
A picture of more than `max_nodes` components is not held to the label size; `crowding`
says so in a note (a warning even under `--strict`) and suggests views.
`check_document` also points each finding at the spec (the flow most crossed, a declared
view, the components) and skips the figures the design disables under `review.disable`.
`format_report` and `as_json` present the results. Nothing here reads files or prints.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

from . import legibility
from .findings import Disabled, Finding, design_entry, disabled, document
from .load import Document, KeyPath
from .model import Design
from .render.layout import Box, Layout, PlacedEdge, Point, curve_points

SCAFFOLDING = ("_stub_",)
CONNECTOR = "_link_"  # one end of a flow drawn as two short arrows (see arrange.py)
SCREEN = (1920, 1080)  # px: the screen a whiteboard picture is shown on
DPI = 96  # px per inch on a screen; Graphviz draws in points, 72 per inch
SAMPLES = 10  # straight pieces per cubic Bézier segment when looking for crossings
NEAR_NODE = 10.0  # pt: edges meeting this close to a node they share do not cross there
MIN_ANGLE = 15.0  # degrees: curves meeting at a shallower angle run along each other
SAME_SPOT = 8.0  # pt: crossings closer than this are one spot for the eye
_SIN_MIN_ANGLE = math.sin(math.radians(MIN_ANGLE))


@dataclass(frozen=True)
class Figures:
    """What a reader faces in one picture."""

    nodes: int
    """Components drawn (stubs and legend entries left out)."""
    edges: int
    """Flows drawn between those components, and to a view's stubs."""
    crossings: int
    """Spots where two of those flows cross."""
    most_crossed: str | None
    """The flow in most crossings, e.g. `review → warehouse (9)`; None without crossings."""
    aspect_ratio: float
    """Long side over short side of the drawing, ≥ 1."""
    width_pt: float
    """Width of the drawing in points (Graphviz's margin around it not included)."""
    height_pt: float
    min_label_px: float | None
    """Smallest node or edge label, in px, with the picture fitted to a 1920×1080 screen."""
    smallest_label: str | None
    """That label's text and what it labels, e.g. `'request' (app → api)`."""
    label_collisions: int = 0
    """Edge labels overlapping another label, a node or its icon, or a stage's border (one
    per pair)."""
    misplaced_labels: int = 0
    """Edge labels that another edge passes nearer than their own."""
    lost_labels: int = 0
    """Edge labels Graphviz did not draw at all (it drops some on flows within one rank)."""
    detours: int = 0
    """Edges drawn far longer than their ends are apart, or going around other components."""
    clusters_out_of_order: int = 0
    """Pairs of stages drawn against the stage order, read row by row (a later one wholly
    left of an earlier one, on its row or a row above)."""
    empty_area: float = 0.0
    """The largest blank rectangle as a share of the canvas, 0 to 1."""
    first_problem: dict[str, str] | None = None
    """The first occurrence of each of those problems, by figure, named for the reader."""


@dataclass(frozen=True)
class Thresholds:
    """The limits a readable picture stays within: the goals of a whiteboard-clean figure
    (issue 15), not the numbers the pictures of designs/ happen to reach."""

    max_nodes: int = 25
    """Past 25 components one picture cannot keep its labels ≥ 12 px on a screen: such a
    picture is not held to `min_label_px`, and its check notes its size and suggests views."""
    max_crossings: int = 8
    """Overview: a reader can follow a flow across a few crossings, not a tangle."""
    median_crossings: float = 3
    """Over all the overviews checked at once: most pictures have a handful at most."""
    max_view_crossings: int = 2
    """A view shows one concern: hardly anything to cross."""
    min_aspect_ratio: float = 1.2
    """Overview: a square picture wastes a 16:9 screen; its stages should read left to right."""
    max_aspect_ratio: float = 2.2
    """Overview: a little flatter than a 16:9 screen (1.78), never a strip."""
    min_label_px: float = 12.0
    """The smallest text comfortably read on a 1920×1080 screen."""
    max_label_collisions: int = 0
    """A label printed over another label or a node cannot be read."""
    max_misplaced_labels: int = 0
    """A label nearer another edge is read as that edge's."""
    max_lost_labels: int = 0
    """A flow whose label is not drawn says nothing."""
    max_detours: int = 0
    """An edge going around the picture, or looping back, drags the eye around with it."""
    max_clusters_out_of_order: int = 0
    """The stages read left to right, row by row, in the order of the answer."""
    max_empty_area: float = 0.15
    """Overview: no blank block bigger than about a seventh of the canvas."""


@dataclass(frozen=True)
class ViewCheck:
    """One picture checked: which design and view, its figures and its findings."""

    design: str
    view: str
    figures: Figures
    findings: tuple[Finding, ...]
    notes: tuple[Finding, ...] = ()
    """Said, not failed: a picture past `max_nodes` components (see `crowding`)."""

    @property
    def name(self) -> str:
        return f"{self.design}/{self.view}"

    @property
    def passed(self) -> bool:
        return not self.findings


@dataclass(frozen=True)
class DesignCheck:
    """Every picture of one spec checked, what the spec disables, and warnings about that."""

    file: str
    design: str
    pictures: tuple[ViewCheck, ...]
    disabled: tuple[Disabled, ...] = ()
    config: tuple[Finding, ...] = ()
    """Warnings about `review.disable` (a name no tool knows); they fail no picture."""

    @property
    def findings(self) -> list[Finding]:
        """Every picture's findings and notes, then the warnings about `review.disable`."""
        pictures = [f for picture in self.pictures for f in (*picture.findings, *picture.notes)]
        return pictures + list(self.config)


def check_layout(
    design: str,
    view: str,
    layout: Layout,
    thresholds: Thresholds | None = None,
    strict: bool = False,
    skipped: frozenset[str] = frozenset(),
) -> ViewCheck:
    """Measure one laid-out picture and assess it."""
    figures = measure(layout)
    limits = thresholds or Thresholds()
    findings = assess(figures, limits, view, strict, skipped)
    notes = crowding(figures, limits, view, skipped)
    return ViewCheck(
        design,
        view,
        figures,
        tuple(replace(f, design=design) for f in findings),
        tuple(replace(f, design=design) for f in notes),
    )


# --- measuring ---


def measure(layout: Layout) -> Figures:
    """The readability figures of a layout."""
    nodes = {node.id: node.box for node in layout.nodes}
    edges = [e for e in layout.edges if e.points and e.source in nodes and e.target in nodes]
    components = [n for n in nodes if not n.startswith(CONNECTOR) and not _is_scaffolding(n)]
    crossings = find_crossings(edges, nodes)  # a view's flows to its stubs cross too
    label = _smallest_label(layout, set(components) | _connectors(nodes), edges)
    problems = {
        "label_collisions": legibility.label_collisions(layout),
        "misplaced_labels": legibility.misplaced_labels(layout),
        "detours": legibility.detours(layout, set(nodes)),
        "clusters_out_of_order": legibility.clusters_out_of_order(layout),
    }
    return Figures(
        nodes=len(components),
        edges=len(edges),
        crossings=len(crossings),
        most_crossed=_most_crossed(crossings),
        aspect_ratio=round(aspect_ratio(layout.width, layout.height), 2),
        width_pt=round(layout.width, 1),
        height_pt=round(layout.height, 1),
        min_label_px=round(label[0], 1) if label else None,
        smallest_label=label[1] if label else None,
        label_collisions=problems["label_collisions"].count,
        misplaced_labels=problems["misplaced_labels"].count,
        lost_labels=sum(1 for e in edges if e.labelled and not e.texts),
        detours=problems["detours"].count,
        clusters_out_of_order=problems["clusters_out_of_order"].count,
        empty_area=legibility.empty_area(layout),
        first_problem={k: v.first for k, v in problems.items() if v.first} or None,
    )


def _connectors(nodes: Iterable[str]) -> set[str]:
    return {node_id for node_id in nodes if node_id.startswith(CONNECTOR)}


def _is_scaffolding(node_id: str) -> bool:
    return node_id.startswith(SCAFFOLDING)


def aspect_ratio(width: float, height: float) -> float:
    """Long side over short side; a flat drawing counts its short side as at least 1 pt."""
    return max(width, height) / max(min(width, height), 1.0)


def screen_scale(width_pt: float, height_pt: float) -> float:
    """How much a picture shrinks to fit the screen whole, keeping its aspect ratio.

    Never above 1: viewers, browsers and slides show a small picture at its natural size, so
    a label that is small at 1:1 stays small; enlarging would flatter it.
    """
    width_px, height_px = width_pt * DPI / 72, height_pt * DPI / 72
    return min(1.0, SCREEN[0] / max(width_px, 1.0), SCREEN[1] / max(height_px, 1.0))


def label_px(size_pt: float, scale: float) -> float:
    """The on-screen size of a font, in px, in a picture shrunk by `scale`."""
    return size_pt * DPI / 72 * scale


def _smallest_label(
    layout: Layout, nodes: set[str], edges: Sequence[PlacedEdge]
) -> tuple[float, str] | None:
    """The smallest text of `nodes` (a stub's small name is meant small) and of `edges`."""
    labels = [(t, node.id) for node in layout.nodes if node.id in nodes for t in node.texts]
    labels += [(t, _edge_name(e)) for e in edges for t in e.texts]
    if not labels:
        return None
    text, owner = min(labels, key=lambda pair: (pair[0].size, pair[1], pair[0].text))
    px = label_px(text.size, screen_scale(layout.width, layout.height))
    return px, f"{text.text!r} ({owner})"


def _edge_name(edge: PlacedEdge) -> str:
    return f"{edge.source} → {edge.target}"


# --- crossings ---

Segment = tuple[Point, Point]


@dataclass(frozen=True)
class Crossing:
    """A spot where two edges cross, named `source → target`."""

    point: Point
    first: str
    second: str


@dataclass(frozen=True)
class _Piece:
    """One Bézier segment of an edge as a polyline, with its bounding box and each straight
    piece's, for quick rejects."""

    segments: tuple[Segment, ...]
    bounds: tuple[float, float, float, float]
    boxes: tuple[tuple[float, float, float, float], ...] = ()


def count_crossings(edges: Sequence[PlacedEdge], nodes: dict[str, Box]) -> int:
    """How many spots where two edges cross (see `find_crossings`)."""
    return len(find_crossings(edges, nodes))


def find_crossings(edges: Sequence[PlacedEdge], nodes: dict[str, Box]) -> list[Crossing]:
    """The spots where drawn edges cross, as a reader counts them.

    Each cubic Bézier segment is sampled into SAMPLES straight pieces and the polylines of
    every two edges are intersected. An intersection counts when the edges really cross:

    - at an angle of MIN_ANGLE or more: curves that touch, or run along each other and weave
      (dot often routes two edges through one channel), read as a bundle, not a crossing;
    - farther than NEAR_NODE from the box of a node both edges share: edges all meet at
      their common node. Pairs sharing a node are not skipped outright: two edges fanning
      out of one node in the wrong order cross farther out, and that crossing is real.

    Intersections closer than SAME_SPOT to one already counted are the same crossing: a
    bundle of edges drawn on top of each other crosses a third edge at one spot, not once
    per edge. A curve that crosses another twice, at two places, counts 2.
    """
    pieces = [_pieces(edge.points) for edge in edges]
    found = []
    for i, first in enumerate(edges):
        for j in range(i + 1, len(edges)):
            second = edges[j]
            shared = [nodes[n] for n in _shared_nodes(first, second) if n in nodes]
            found += [
                Crossing(point, _edge_name(first), _edge_name(second))
                for point in _intersections(pieces[i], pieces[j])
                if not _near_any(point, shared)
            ]
    return _one_per_spot(found)


def _most_crossed(crossings: Sequence[Crossing]) -> str | None:
    counts = Counter(name for c in crossings for name in (c.first, c.second))
    if not counts:
        return None
    name, count = min(counts.items(), key=lambda item: (-item[1], item[0]))
    return f"{name} ({count})"


def _shared_nodes(first: PlacedEdge, second: PlacedEdge) -> set[str]:
    return {first.source, first.target} & {second.source, second.target}


def _pieces(points: Sequence[Point]) -> list[_Piece]:
    return [_piece(segment) for segment in curve_points(points, SAMPLES)]


def _piece(points: Sequence[Point]) -> _Piece:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    segments = tuple(zip(points, points[1:], strict=False))
    boxes = tuple(
        (min(ax, bx) - APART, min(ay, by) - APART, max(ax, bx) + APART, max(ay, by) + APART)
        for (ax, ay), (bx, by) in segments
    )
    return _Piece(segments, (min(xs), min(ys), max(xs), max(ys)), boxes)


APART = 1e-6  # pt: straight pieces whose bounds are this far apart are not intersected;
# `_crossing`'s rounding moves a crossing by far less (~1e-11 pt on a page-sized drawing),
# so a pair it could find is never skipped


def _intersections(first: list[_Piece], second: list[_Piece]) -> Iterator[Point]:
    for a in first:
        for b in second:
            if not _overlap(a.bounds, b.bounds):
                continue
            for s, (sx0, sy0, sx1, sy1) in zip(a.segments, a.boxes, strict=True):
                for t, (tx0, ty0, tx1, ty1) in zip(b.segments, b.boxes, strict=True):
                    if sx0 > tx1 or tx0 > sx1 or sy0 > ty1 or ty0 > sy1:
                        continue  # bounds apart by 2 × APART or more
                    point = _crossing(s, t)
                    if point is not None:
                        yield point


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def _crossing(first: Segment, second: Segment) -> Point | None:
    """Where two segments cross at MIN_ANGLE or more, or None.

    Each segment is taken half-open (its end point belongs to the next segment of its
    polyline), so a crossing exactly at a sample point is found once, not twice. Parallel,
    collinear and nearly parallel segments do not cross.
    """
    (px, py), (qx, qy) = first
    (rx, ry), (sx, sy) = second
    dx1, dy1, dx2, dy2 = qx - px, qy - py, sx - rx, sy - ry
    cross = dx1 * dy2 - dy1 * dx2  # = |first| |second| sin(angle between them)
    if abs(cross) <= _SIN_MIN_ANGLE * math.hypot(dx1, dy1) * math.hypot(dx2, dy2):
        return None
    ex, ey = rx - px, ry - py
    t = (ex * dy2 - ey * dx2) / cross
    u = (ex * dy1 - ey * dx1) / cross
    if 0 <= t < 1 and 0 <= u < 1:
        return (px + t * dx1, py + t * dy1)
    return None


def _near_any(point: Point, boxes: Iterable[Box]) -> bool:
    x, y = point
    return any(
        box.x - NEAR_NODE <= x <= box.x + box.width + NEAR_NODE
        and box.y - NEAR_NODE <= y <= box.y + box.height + NEAR_NODE
        for box in boxes
    )


def _one_per_spot(crossings: Sequence[Crossing]) -> list[Crossing]:
    """The crossings left once each is merged into a kept one closer than SAME_SPOT."""
    grid: dict[tuple[int, int], list[Point]] = {}
    kept = []
    for crossing in sorted(crossings, key=lambda c: (c.point, c.first, c.second)):
        x, y = crossing.point
        cx, cy = int(x // SAME_SPOT), int(y // SAME_SPOT)
        near = [
            p for dx in (-1, 0, 1) for dy in (-1, 0, 1) for p in grid.get((cx + dx, cy + dy), [])
        ]
        if any(math.dist(crossing.point, p) < SAME_SPOT for p in near):
            continue
        grid.setdefault((cx, cy), []).append(crossing.point)
        kept.append(crossing)
    return kept


# --- assessing ---

STAGE_VIEWS = "`data`, `training`, `serving`, `monitoring`"


def assess(
    figures: Figures,
    thresholds: Thresholds,
    view_name: str,
    strict: bool = False,
    skipped: frozenset[str] = frozenset(),
) -> list[Finding]:
    """A finding for every figure past its threshold, with what to change in the spec: a
    warning, or an error when `strict` (a missed goal fails the check); `skipped` figures
    (disabled by the design) are not assessed. A picture of more than `max_nodes`
    components is not held to the label size (see `crowding`)."""
    f, t = figures, thresholds
    whole = view_name in WHOLE_DESIGN
    crowded = f.nodes > t.max_nodes
    limits = {  # figure: (value, threshold, past it?)
        "crossings": _at_most(f.crossings, t.max_crossings if whole else t.max_view_crossings),
        "min_label_px": (
            f.min_label_px,
            t.min_label_px,
            f.min_label_px is not None and f.min_label_px < t.min_label_px and not crowded,
        ),
        "label_collisions": _at_most(f.label_collisions, t.max_label_collisions),
        "misplaced_labels": _at_most(f.misplaced_labels, t.max_misplaced_labels),
        "lost_labels": _at_most(f.lost_labels, t.max_lost_labels),
        "detours": _at_most(f.detours, t.max_detours),
        "clusters_out_of_order": _at_most(f.clusters_out_of_order, t.max_clusters_out_of_order),
    }
    if whole:  # a view is shown at its size beside text: its shape is its content's
        limits["aspect_ratio"] = _at_most(f.aspect_ratio, t.max_aspect_ratio)
        if f.aspect_ratio < t.min_aspect_ratio:
            limits["aspect_ratio"] = (f.aspect_ratio, t.min_aspect_ratio, True)
        limits["empty_area"] = _at_most(f.empty_area, t.max_empty_area)
    return _findings(f, limits, view_name, "error" if strict else "warning", skipped)


def crowding(
    figures: Figures,
    thresholds: Thresholds,
    view_name: str,
    skipped: frozenset[str] = frozenset(),
) -> list[Finding]:
    """A note (a warning, strict or not) for a picture of more than `max_nodes` components:
    issue 15 holds the labels of pictures up to that size to `min_label_px`; a larger one
    says so and suggests views rather than fail on labels no layout can enlarge."""
    limits = {"nodes": _at_most(figures.nodes, thresholds.max_nodes)}
    return _findings(figures, limits, view_name, "warning", skipped)


def _findings(
    f: Figures,
    limits: Mapping[str, tuple[float | None, float, bool]],
    view_name: str,
    severity: str,
    skipped: frozenset[str],
) -> list[Finding]:
    advice = _split_advice(view_name)
    return [
        Finding(
            "check",
            figure,
            figure,
            severity,
            _PROBLEMS[figure](f, limit) + advice,
            advice,
            view=view_name,
            value=value,
            limit=limit,
        )
        for figure, (value, limit, past) in limits.items()
        if past and value is not None and figure not in skipped
    ]


def _at_most(value: float, limit: float) -> tuple[float, float, bool]:
    return value, limit, value > limit


def _first(f: Figures, figure: str) -> str:
    return (f.first_problem or {}).get(figure, "")


_PROBLEMS: dict[str, Callable[[Figures, float], str]] = {
    "nodes": lambda f, limit: (
        f"{f.nodes} components in one picture (more than {limit:g}): too many to keep every "
        "label legible on a screen, so its label size is not checked: "
    ),
    "crossings": lambda f, limit: (
        f"{f.crossings} edge crossings (limit {limit:g}), most on {f.most_crossed}: reorder "
        "the components of a stage in the spec so that connected ones sit next to each "
        "other, or "
    ),
    "aspect_ratio": lambda f, limit: (
        f"the picture is {f.aspect_ratio:g}:1 (limit {limit:g}:1)"
        + (", a strip that shrinks to fit any screen: " if f.aspect_ratio > limit else ": ")
    ),
    "min_label_px": lambda f, limit: (
        f"fitted to a 1920×1080 screen, the smallest label {f.smallest_label} is "
        f"{f.min_label_px:g} px (limit {limit:g} px): draw fewer components per picture; "
    ),
    "label_collisions": lambda f, limit: (
        f"{f.label_collisions} edge labels drawn over other text, a component or a stage's "
        f"border (limit "
        f"{limit:g}), e.g. {_first(f, 'label_collisions')}: shorten the labels, or "
    ),
    "misplaced_labels": lambda f, limit: (
        f"{f.misplaced_labels} edge labels nearer another edge than their own (limit "
        f"{limit:g}), e.g. {_first(f, 'misplaced_labels')}: shorten the labels, or "
    ),
    "lost_labels": lambda f, limit: (
        f"{f.lost_labels} flow labels not drawn by Graphviz (limit {limit:g}): give the "
        "flows between two components of one stage fewer words, or "
    ),
    "detours": lambda f, limit: (
        f"{f.detours} edges going around the picture or looping back (limit {limit:g}), e.g. "
        f"{_first(f, 'detours')}: check the flow's stage and direction, or "
    ),
    "clusters_out_of_order": lambda f, limit: (
        f"{f.clusters_out_of_order} pairs of stages out of reading order (limit "
        f"{limit:g}), e.g. {_first(f, 'clusters_out_of_order')}: check the flows between "
        "those stages run forwards, or "
    ),
    "empty_area": lambda f, limit: (
        f"{f.empty_area:.0%} of the canvas is one blank block (limit {limit:.0%}): "
    ),
}


FIGURES = tuple(_PROBLEMS)
"""The figures a finding can be about: the names `review.disable` accepts for `check`."""

WHOLE_DESIGN = frozenset({"overview", "offline-online"})  # pictures of every component


def _split_advice(view_name: str) -> str:
    if view_name in WHOLE_DESIGN:
        return (
            f"split into views: {STAGE_VIEWS} views are derived from stages (mlsd render -f views)."
        )
    return "move some of this view's components into another stage, or merge minor ones."


# --- presenting ---

COLUMNS = (
    "design/view",
    "nodes",
    "edges",
    "crossings",
    "aspect",
    "min label px",
    "label hits",
    "label far",
    "detours",
    "order",
    "blank",
    "verdict",
)


def format_report(
    checks: Iterable[ViewCheck],
    thresholds: Thresholds | None = None,
    notes: Iterable[Finding | Disabled] = (),
) -> str:
    """A table with one row per picture, one line per finding (located in the spec when it
    could be), the `notes` (what designs disable, warnings about that), then the median
    crossings."""
    checks = list(checks)
    rows = [COLUMNS, *(_row(check) for check in checks)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    lines = [_aligned(row, widths) for row in rows]
    lines.insert(1, _aligned(tuple("-" * width for width in widths), widths))
    lines += [str(finding) for check in checks for finding in check.findings]
    lines += [f"{note} (a note: it fails no check)" for check in checks for note in check.notes]
    lines += [_note(note) for note in notes]
    median = median_crossings(checks)
    if median is not None:
        goal = (thresholds or Thresholds()).median_crossings
        verdict = "ok" if median <= goal else "warning: above the goal"
        count = sum(check.view == "overview" for check in checks)
        lines.append(
            f"median crossings of {count} overviews: {median:g} (goal ≤ {goal:g}): {verdict}"
        )
    return "\n".join(lines) + "\n"


def median_crossings(checks: Iterable[ViewCheck]) -> float | None:
    """The median crossing count of the overviews among `checks`, None without overviews."""
    counts = sorted(c.figures.crossings for c in checks if c.view == "overview")
    if not counts:
        return None
    middle = len(counts) // 2
    return float(counts[middle]) if len(counts) % 2 else (counts[middle - 1] + counts[middle]) / 2


def _note(note: Finding | Disabled) -> str:
    if isinstance(note, Disabled):
        return f"{note.file}:{note.line}:{note.column}: {note}"
    return str(note)


def _row(check: ViewCheck) -> tuple[str, ...]:
    f = check.figures
    label = "-" if f.min_label_px is None else f"{f.min_label_px:.1f}"
    failed = ", ".join(finding.rule for finding in check.findings)
    noted = ", ".join(note.rule for note in check.notes)
    verdict = f"{check.findings[0].severity}: {failed}" if failed else "ok"
    return (
        check.name,
        str(f.nodes),
        str(f.edges),
        str(f.crossings),
        f"{f.aspect_ratio:.2f}",
        label,
        str(f.label_collisions),
        str(f.misplaced_labels),
        str(f.detours),
        str(f.clusters_out_of_order),
        f"{f.empty_area:.2f}",
        f"{verdict} (note: {noted})" if noted else verdict,
    )


def _aligned(row: tuple[str, ...], widths: list[int]) -> str:
    """The first column left-aligned, the numbers right-aligned, the verdict as it is."""
    numbers = (cell.rjust(width) for cell, width in zip(row[1:-1], widths[1:-1], strict=True))
    return "  ".join([row[0].ljust(widths[0]), *numbers, row[-1]]).rstrip()


def as_json(designs: Iterable[DesignCheck], thresholds: Thresholds | None = None) -> str:
    """The findings document (findings.document) for tools: per design its findings, what it
    disables and every picture's figures; then the limits used and the median crossings."""
    designs = list(designs)
    entries = [
        design_entry(
            d.file,
            d.design,
            d.findings,
            list(d.disabled),
            pictures=[_picture(c) for c in d.pictures],
        )
        for d in designs
    ]
    data = document(
        "check",
        entries,
        thresholds=asdict(thresholds or Thresholds()),
        median_overview_crossings=median_crossings(c for d in designs for c in d.pictures),
    )
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _picture(check: ViewCheck) -> dict[str, Any]:
    return {"view": check.view, "passed": check.passed, "figures": asdict(check.figures)}


# --- a whole design ---


def check_document(
    doc: Document,
    design: Design,
    theme: str | None = None,
    thresholds: Thresholds | None = None,
    strict: bool = False,
) -> DesignCheck:
    """Check every picture of a loaded spec, skip the figures it disables, and point each
    finding at what it is about in the spec."""
    off, config = disabled(doc, design, "check")
    skipped = frozenset(d.code for d in off)
    pictures = [
        locate(doc, design, c) for c in check_design(design, theme, thresholds, strict, skipped)
    ]
    return DesignCheck(doc.source, design.id, tuple(pictures), tuple(off), tuple(config))


def locate(doc: Document, design: Design, check: ViewCheck) -> ViewCheck:
    """`check` with each finding pointing at what it is about in the spec (see `_located`)."""
    return replace(
        check,
        findings=tuple(_located(doc, design, check, f) for f in check.findings),
        notes=tuple(_located(doc, design, check, n) for n in check.notes),
    )


def _located(doc: Document, design: Design, check: ViewCheck, finding: Finding) -> Finding:
    """Crossings at the flow most crossed, when it is a flow of the spec; a declared view's
    findings at its entry under `diagram.views`; the rest at the design's `components`."""
    if finding.rule == "crossings":
        flow = _flow_index(design, check.figures.most_crossed, check.view in WHOLE_DESIGN)
        if flow is not None:
            return finding.at(doc, ("flows", flow)).naming(design, ("flows", flow))
    declared = [view.id for view in design.diagram.views]
    path: KeyPath = ("components",)
    if check.view in declared:
        path = ("diagram", "views", declared.index(check.view))
    return finding.at(doc, path)


def _flow_index(design: Design, most_crossed: str | None, whole: bool) -> int | None:
    """The index in `flows` of the edge named `source → target (count)` (Figures.most_crossed).

    In a picture of the whole design, the edges are the flows in spec order, so an arrow to
    or from a connector (`render.dot.link_ids`) is one half of the flow of that index. None
    when the edge is not a flow of the spec (a stub's, or a connector's in a view).
    """
    from .render.dot import link_ids

    if most_crossed is None:
        return None
    ends = most_crossed.rsplit(" (", 1)[0].split(" → ")
    for index, flow in enumerate(design.flows):
        if ends == [flow.source, flow.target]:
            return index
        halves = ([flow.source, link_ids(index)[0]], [link_ids(index)[1], flow.target])
        if whole and ends in halves:
            return index
    return None


def check_design(
    design: Design,
    theme: str | None = None,
    thresholds: Thresholds | None = None,
    strict: bool = False,
    skipped: frozenset[str] = frozenset(),
) -> list[ViewCheck]:
    """Lay out the overview and every view of `design` as they render, and assess each
    (findings not located: `check_document` locates them)."""
    from .arrange import one_pass
    from .graph import build_graph
    from .pictures import overview, view_pictures
    from .render.dot import to_dot
    from .render.layout import lay_out

    graph = build_graph(design)
    checks = []
    with one_pass():  # as a render: a search that cannot run is not tried again meanwhile
        pictures = [overview(design, graph, theme), *view_pictures(design, graph, theme)]
    for picture in pictures:
        view = picture.name.removeprefix("views/") if "/" in picture.name else "overview"
        layout = lay_out(to_dot(picture.graph, picture.options))
        checks.append(check_layout(design.id, view, layout, thresholds, strict, skipped))
    return checks

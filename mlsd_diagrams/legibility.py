"""What a reader sees in a laid-out picture, beyond crossings: the figures `mlsd check` adds.

All read from `render.layout.Layout` (points, y downwards), never from the spec:

- label collisions: an edge label whose box overlaps another label (of an edge, a node, a
  stage or the title and key), a node's box (its icon and name), a stage's border or
  another flow's line (a line drawn through its words);
- misplaced labels: an edge label nearer another edge's line than its own, so a reader
  pins the step on the wrong flow;
- detours: an edge drawn many times longer than the distance between its ends, one that
  runs far outside the box spanned by the two nodes it joins (around the picture), or one
  that turns back on itself (heading away from its target for more than an inch);
- cluster order: two stage boxes in the wrong reading order (a later stage drawn wholly to
  the left of an earlier one, on its row or a row above, or drawn on top of it, but for
  the online row drawn above the offline one);
- empty area: the largest blank rectangle, as a share of the canvas.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .graph import STAGE_ORDER
from .render.layout import Box, Layout, PlacedEdge, Point, Text, curve_points
from .stages import zone

ASCENT, DESCENT = 0.8, 0.25  # of the font size: a text line's box above and below its baseline
TOUCH = 1.0  # pt: boxes overlapping by less than this only touch
NEARER = 2.0  # pt: another edge must be this much nearer a label than its own to mislead
DETOUR_RATIO = 2.0  # drawn length over the distance between the ends...
DETOUR_EXCESS = 144.0  # pt: ... and at least this much longer (a short hook is no detour)
AROUND = 144.0  # pt: two inches, more than a component is tall: farther outside the box
# spanned by its two nodes, an edge goes around other components
AWAY = 72.0  # pt: an inch drawn heading away from its own target reads as a loop (leaving
# a node sideways or backing off around its neighbour stays well under it)
GRID = 40  # cells per side when looking for blank area
SAMPLES = 10  # straight pieces per Bézier segment


@dataclass(frozen=True)
class Finding:
    """How many times one problem occurs and the first occurrence, named for the reader."""

    count: int
    first: str | None


def text_box(text: Text) -> Box:
    """The box of one drawn line of text."""
    left = {"c": text.x - text.width / 2, "l": text.x, "r": text.x - text.width}[text.align]
    top = text.y - ASCENT * text.size
    return Box(left, top, text.width, (ASCENT + DESCENT) * text.size)


def union(boxes: Iterable[Box]) -> Box | None:
    boxes = list(boxes)
    if not boxes:
        return None
    left = min(b.x for b in boxes)
    top = min(b.y for b in boxes)
    right = max(b.x + b.width for b in boxes)
    bottom = max(b.y + b.height for b in boxes)
    return Box(left, top, right - left, bottom - top)


def overlap(a: Box, b: Box) -> bool:
    """Whether two boxes overlap by TOUCH or more both ways."""
    width = min(a.x + a.width, b.x + b.width) - max(a.x, b.x)
    height = min(a.y + a.height, b.y + b.height) - max(a.y, b.y)
    return width >= TOUCH and height >= TOUCH


def on_borders(layout: Layout) -> list[tuple[PlacedEdge, str]]:
    """Each edge whose label a stage's border line runs through, with that stage."""
    return [
        (edge, cluster.name.removeprefix("cluster_"))
        for edge in layout.edges
        if (box := union(text_box(t) for t in edge.texts)) is not None
        for cluster in layout.clusters
        if straddles(box, cluster.box)
    ]


def straddles(box: Box, frame: Box) -> bool:
    """Whether a frame's border line runs through a box: the box overlaps the frame by TOUCH
    or more and also sticks out of it by TOUCH or more."""
    out = max(
        frame.x - box.x,
        box.x + box.width - frame.x - frame.width,
        frame.y - box.y,
        box.y + box.height - frame.y - frame.height,
    )
    return overlap(box, frame) and out >= TOUCH


def edge_name(edge: PlacedEdge) -> str:
    return f"{edge.source} → {edge.target}"


def _label_text(edge: PlacedEdge) -> str:
    return " ".join(t.text for t in edge.texts)


# --- label collisions ---


def label_collisions(layout: Layout) -> Finding:
    """Edge labels overlapping another label, a node, a stage's border line or another
    flow's line, one count per pair."""
    labelled = [(e, union(text_box(t) for t in e.texts)) for e in layout.edges if e.texts]
    others: list[tuple[str, Box]] = [(f"node {n.id}", n.box) for n in layout.nodes]
    others += [
        (f"stage title {c.name.removeprefix('cluster_')}", text_box(t))
        for c in layout.clusters
        for t in c.texts
    ]
    others += [(f"title {t.text!r}", text_box(t)) for t in layout.texts]
    across = on_borders(layout)
    found = []
    for i, (edge, box) in enumerate(labelled):
        name = f"label {_label_text(edge)!r} ({edge_name(edge)})"
        found += [f"{name} on {what}" for what, other in others if box and overlap(box, other)]
        found += [f"{name} on the border of stage {stage}" for e, stage in across if e is edge]
        for other_edge, other in labelled[i + 1 :]:
            if box and other and overlap(box, other):
                found.append(f"{name} on label {_label_text(other_edge)!r}")
    found += [
        f"label {_label_text(edge)!r} ({edge_name(edge)}) "
        + ("struck through by its own line" if other is edge else f"crossed by {edge_name(other)}")
        for edge, other in lines_through_labels(layout)
    ]
    return Finding(len(found), found[0] if found else None)


def labels_on_nodes(layout: Layout) -> list[tuple[PlacedEdge, str]]:
    """Each edge whose label overlaps a node, with that node's id (as `label_collisions`
    counts them)."""
    return [
        (edge, node.id)
        for edge in layout.edges
        if (box := union(text_box(t) for t in edge.texts)) is not None
        for node in layout.nodes
        if overlap(box, node.box)
    ]


STRUCK = 0.3  # of a text line's height, at its top and at its bottom: a label's own line
# through what is between, the middle of its words, strikes them through; along the top or
# bottom (as dot may draw a line beside its label) it leaves them legible


def lines_through_labels(layout: Layout) -> list[tuple[PlacedEdge, PlacedEdge]]:
    """Each edge label with an edge whose line runs through its words: another edge's line
    into one of its text lines by TOUCH or more (a line grazing the words, or crossing the
    blank beside a short second line, leaves them legible); its own line through the middle
    of one of its text lines (`STRUCK`). dot prints a label beside its own line, at times
    touching it; a label placed after the layout (an `xlabel`) may land on it
    (personalized-news-feed's 'affinity history', struck through by its dashed line)."""
    drawn = [(e, polyline(e)) for e in layout.edges if e.points]
    lines = [(e, _Line.of(line), _bounds(line)) for e, line in drawn]
    found = []
    for edge in layout.edges:
        boxes = [text_box(t) for t in edge.texts]
        words = [_shrunk(box, TOUCH) for box in boxes]
        words = [box for box in words if box.width > 0 and box.height > 0]
        middles = [_shrunk(box, max(TOUCH, STRUCK * box.height)) for box in boxes]
        middles = [box for box in middles if box.width > 0 and box.height > 0]
        for other, line, bounds in lines:
            inner = middles if other is edge else words
            if not any(_box_gap(box, bounds) == 0 for box in inner):
                continue
            if any(_line_enters(box, line) for box in inner):
                found.append((edge, other))
    return found


def _line_enters(box: Box, line: _Line) -> bool:
    """Whether any piece of `line` enters `box` (`_segment_enters`), looking only at the
    pieces of the runs (`_Line.chunks`) whose bounds meet the box's: a piece outside them
    cannot enter it."""
    left, top = box.x, box.y
    right, bottom = box.x + box.width, box.y + box.height
    points = line.points
    for start, x0, y0, x1, y1 in line.chunks:
        if x0 > right or x1 < left or y0 > bottom or y1 < top:
            continue
        for k in range(start, min(start + CHUNK, len(points) - 1)):
            if _segment_enters(box, points[k], points[k + 1]):
                return True
    return False


def _shrunk(box: Box, by: float) -> Box:
    return Box(box.x + by, box.y + by, box.width - 2 * by, box.height - 2 * by)


# --- labels nearer another edge ---


def polyline(edge: PlacedEdge) -> list[Point]:
    points = [p for piece in curve_points(edge.points, SAMPLES) for p in piece]
    return points + ([edge.head] if edge.head else [])


def box_to_segment(box: Box, a: Point, b: Point) -> float:
    """The distance from a box to a segment (0 when the segment enters the box)."""
    if _segment_enters(box, a, b):
        return 0.0
    corners = [
        (box.x, box.y),
        (box.x + box.width, box.y),
        (box.x + box.width, box.y + box.height),
        (box.x, box.y + box.height),
    ]
    edges = list(zip(corners, corners[1:] + corners[:1], strict=True))
    return min(
        min(_point_to_segment(c, a, b) for c in corners),
        min(_point_to_segment(p, s, t) for p in (a, b) for s, t in edges),
    )


def _point_to_segment(p: Point, a: Point, b: Point) -> float:
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    length = dx * dx + dy * dy
    t = 0.0 if length == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def _inside(box: Box, p: Point) -> bool:
    return box.x <= p[0] <= box.x + box.width and box.y <= p[1] <= box.y + box.height


def _segment_enters(box: Box, a: Point, b: Point) -> bool:
    """Liang–Barsky clipping: whether any part of segment a–b lies in the box."""
    if _inside(box, a) or _inside(box, b):
        return True
    (ax, ay), (bx, by) = a, b
    dx, dy = bx - ax, by - ay
    low, high = 0.0, 1.0
    for p, q in (
        (-dx, ax - box.x),
        (dx, box.x + box.width - ax),
        (-dy, ay - box.y),
        (dy, box.y + box.height - ay),
    ):
        if p == 0:
            if q < 0:
                return False
            continue
        t = q / p
        if p < 0:
            low = max(low, t)
        else:
            high = min(high, t)
        if low > high:
            return False
    return True


def distance(box: Box, line: Sequence[Point], beyond: float = math.inf) -> float:
    """The distance from a box to a polyline; a result `beyond` or more only says "that far
    or farther": each piece whose bounding box is already farther than the nearest piece so
    far, or than `beyond`, is skipped (the bound never overestimates, so the nearest is exact
    whenever it is under `beyond`)."""
    return _distance(box, _Line.of(line), beyond)


SLACK = 1e-9  # pt: rounding room between the bound and the exact distance
CHUNK = 8  # pieces of a polyline whose common bounding box is tested first
CHUNK_SLACK = 1e-6  # pt: rounding room between a chunk's bound and any of its pieces' bounds


@dataclass(frozen=True)
class _Line:
    """A polyline with the bounds (left, top, right, bottom) of each run of CHUNK pieces:
    a run whose bounds are too far is skipped without looking at its pieces."""

    points: tuple[Point, ...]
    chunks: tuple[tuple[int, float, float, float, float], ...]  # first point, bounds

    @staticmethod
    def of(line: Sequence[Point]) -> _Line:
        points = tuple(line)
        chunks = []
        for start in range(0, len(points) - 1, CHUNK):
            run = points[start : start + CHUNK + 1]
            xs, ys = [p[0] for p in run], [p[1] for p in run]
            chunks.append((start, min(xs), min(ys), max(xs), max(ys)))
        return _Line(points, tuple(chunks))


def _distance(box: Box, line: _Line, beyond: float = math.inf) -> float:
    """`distance`, skipping whole runs of pieces at once, the nearest runs first.

    A piece is skipped only when its bounds (or its run's, which are never farther, less
    CHUNK_SLACK for rounding) are farther than a piece measured already, or than `beyond`.
    The nearest piece is never skipped, whatever the order, so a result under `beyond` is
    the smallest of the same `_segment_gap` figures, to the bit; one at `beyond` or more
    only says "that far or farther", as before."""
    nearest = math.inf
    left, top = box.x, box.y
    right, bottom = box.x + box.width, box.y + box.height
    points = line.points
    runs = sorted(
        (math.hypot(max(x0 - right, left - x1, 0.0), max(y0 - bottom, top - y1, 0.0)), start)
        for start, x0, y0, x1, y1 in line.chunks
    )
    for gap_to_run, start in runs:  # the nearest runs first: the nearest piece sooner
        lowest = gap_to_run - SLACK - CHUNK_SLACK
        if lowest > nearest or lowest >= beyond:
            break  # and every run after it
        for k in range(start, min(start + CHUNK, len(points) - 1)):
            (ax, ay), (bx, by) = points[k], points[k + 1]
            # a lower bound: the distance to the piece's bounds
            dx = max(min(ax, bx) - right, left - max(ax, bx), 0.0)
            dy = max(min(ay, by) - bottom, top - max(ay, by), 0.0)
            lowest = math.hypot(dx, dy) - SLACK
            if lowest > nearest or lowest >= beyond:
                continue
            gap = _segment_gap(box, ax, ay, bx, by)
            if gap < nearest:
                nearest = gap
    return nearest


def _segment_gap(box: Box, ax: float, ay: float, bx: float, by: float) -> float:
    """`box_to_segment` on plain numbers: the same arithmetic in the same order, so the
    same result to the bit, without building points and corner lists."""
    if _segment_enters(box, (ax, ay), (bx, by)):
        return 0.0
    left, top = box.x, box.y
    right, bottom = box.x + box.width, box.y + box.height
    return min(
        _to_segment(left, top, ax, ay, bx, by),
        _to_segment(right, top, ax, ay, bx, by),
        _to_segment(right, bottom, ax, ay, bx, by),
        _to_segment(left, bottom, ax, ay, bx, by),
        _to_segment(ax, ay, left, top, right, top),
        _to_segment(ax, ay, right, top, right, bottom),
        _to_segment(ax, ay, right, bottom, left, bottom),
        _to_segment(ax, ay, left, bottom, left, top),
        _to_segment(bx, by, left, top, right, top),
        _to_segment(bx, by, right, top, right, bottom),
        _to_segment(bx, by, right, bottom, left, bottom),
        _to_segment(bx, by, left, bottom, left, top),
    )


def _to_segment(px: float, py: float, ax: float, ay: float, bx: float, by: float) -> float:
    """`_point_to_segment` on plain numbers (the same arithmetic)."""
    dx, dy = bx - ax, by - ay
    length = dx * dx + dy * dy
    if length == 0:
        t = 0.0
    else:
        t = ((px - ax) * dx + (py - ay) * dy) / length
        t = 0.0 if t < 0.0 else 1.0 if t > 1.0 else t
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def misplaced_labels(layout: Layout) -> Finding:
    """Edge labels that another edge passes nearer than their own (by NEARER or more)."""
    found = [
        f"label {_label_text(edge)!r} ({edge_name(edge)}) is {gap:.0f} pt from "
        f"{edge_name(other)}, {own:.0f} pt from its own edge"
        for edge, other, gap, own in misplaced(layout)
    ]
    return Finding(len(found), found[0] if found else None)


def misplaced(layout: Layout) -> list[tuple[PlacedEdge, PlacedEdge, float, float]]:
    """Each edge whose label another edge passes nearer than its own (by NEARER or more),
    with the nearest such edge, its distance and the distance to its own edge."""
    edges = [e for e in layout.edges if e.points]
    lines = [_Line.of(polyline(e)) for e in edges]
    bounds = [_bounds(line.points) for line in lines]
    found = []
    for i, edge in enumerate(edges):
        box = union(text_box(t) for t in edge.texts)
        if box is None:
            continue
        own = _distance(box, lines[i])
        nearer = []
        for j in range(len(edges)):
            if j == i or _box_gap(box, bounds[j]) + NEARER > own:
                continue  # a quick reject: its whole line is too far to be nearer
            # pieces that could only be nearer by less than NEARER are not measured
            gap = _distance(box, lines[j], beyond=own - NEARER + SLACK)
            if gap + NEARER <= own:
                nearer.append((gap, j))
        if nearer:
            gap, nearest = min(nearer)
            found.append((edge, edges[nearest], gap, own))
    return found


def _bounds(line: Sequence[Point]) -> Box:
    xs, ys = [p[0] for p in line], [p[1] for p in line]
    return Box(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))


def _box_gap(a: Box, b: Box) -> float:
    """The distance between two boxes, 0 when they overlap."""
    dx = max(b.x - (a.x + a.width), a.x - (b.x + b.width), 0.0)
    dy = max(b.y - (a.y + a.height), a.y - (b.y + b.height), 0.0)
    return math.hypot(dx, dy)


# --- detours ---


def detours(layout: Layout, node_ids: set[str]) -> Finding:
    """Edges between `node_ids` drawn far longer than their ends are apart, far outside
    the box spanned by the nodes they join, or looping back (see `heading_away`)."""
    boxes = {n.id: n.box for n in layout.nodes}
    found = []
    for edge in layout.edges:
        if not edge.points or edge.source not in node_ids or edge.target not in node_ids:
            continue
        line = polyline(edge)
        drawn = sum(math.dist(a, b) for a, b in zip(line, line[1:], strict=False))
        direct = math.dist(line[0], line[-1])
        ends = union([boxes[edge.source], boxes[edge.target]])
        outside = max(_outside(ends, p) for p in line) if ends else 0.0
        away = heading_away(line)
        long = drawn > DETOUR_RATIO * direct and drawn - direct >= DETOUR_EXCESS
        if long or outside > AROUND or away > AWAY:
            found.append(
                f"{edge_name(edge)} drawn {drawn:.0f} pt for ends {direct:.0f} pt apart, "
                f"straying {outside:.0f} pt outside its ends, {away:.0f} pt heading away "
                "from its target"
            )
    return Finding(len(found), found[0] if found else None)


def heading_away(line: Sequence[Point]) -> float:
    """How far a drawn line moves away from its own end on the way there (0 for a line that
    only ever gets nearer): a loop, however short, moves away from its target."""
    end = line[-1]
    return sum(
        max(0.0, math.dist(b, end) - math.dist(a, end))
        for a, b in zip(line, line[1:], strict=False)
    )


def _outside(box: Box, p: Point) -> float:
    dx = max(box.x - p[0], 0.0, p[0] - box.x - box.width)
    dy = max(box.y - p[1], 0.0, p[1] - box.y - box.height)
    return max(dx, dy)


# --- cluster order ---


def clusters_out_of_order(layout: Layout) -> Finding:
    """Pairs of stages drawn against the stage order, as a reader reads a page: row by row,
    each row left to right. A later stage is out of order when it starts no further right
    than an earlier one and is not on a row below it (it starts higher than the earlier one
    ends): wholly left of it on its row or a row above (the client drawn in the middle, a
    stage drawn before one it comes after), or drawn on top of it (features under
    training, a vertical stack read upwards).

    A later stage on a row above is read before the earlier one unless it is wholly right
    of it: then it is the next column of a staircase read left to right. One that only
    starts a little further right is a stack read upwards (stages climbing one above the
    other, as video-recommendation's did), out of order. One on a row below reads after it
    (monitoring starting the row under training: a person drawing two rows means them).
    One layout puts later stages on a row above on purpose: the online row (client,
    serving, monitoring) drawn above the offline one (data, features, training), the
    request path first (`arrange.PLACEMENTS`); an online stage above an offline one is in
    order. The earlier rule ("wholly left, not on a row below") flagged a wrapped row that
    reads in order; every pair it flagged is flagged here but that one layout's: an online
    stage on the row above an offline one and ending left of it (serving above training,
    drawn further left), which is the two rows as meant."""
    stages = {stage.value: rank for stage, rank in STAGE_ORDER.items()}
    placed = sorted(
        (stages[c.name.removeprefix("cluster_")], c.name.removeprefix("cluster_"), c.box)
        for c in layout.clusters
        if c.name.removeprefix("cluster_") in stages
    )
    found = []
    for rank, earlier, box in placed:
        for later_rank, later, other in placed:
            if later_rank <= rank:
                continue
            higher = other.y + other.height <= box.y  # on a row above
            rows = higher and zone(later) == "online" and zone(earlier) == "offline"
            first = other.x <= box.x + TOUCH and other.y < box.y + box.height
            next_column = other.x >= box.x + box.width - TOUCH  # wholly right of it
            if (first or (higher and not next_column)) and not rows:
                found.append(f"{later} {'above' if higher else 'left of'} {earlier}")
    return Finding(len(found), found[0] if found else None)


# --- empty area ---


def empty_area(layout: Layout) -> float:
    """The largest blank rectangle (no stage box, node or text in it) over the canvas, 0–1.

    The canvas is cut into GRID × GRID cells; a cell is blank when nothing drawn but edge
    lines touches it. Lines are left out: a long edge across a blank block does not fill it
    (detours are measured on their own).
    """
    if layout.width <= 0 or layout.height <= 0:
        return 0.0
    filled = [[False] * GRID for _ in range(GRID)]
    cell_w, cell_h = layout.width / GRID, layout.height / GRID
    for box in _drawn_boxes(layout):
        left, right = int(box.x // cell_w), int((box.x + box.width) // cell_w)
        top, bottom = int(box.y // cell_h), int((box.y + box.height) // cell_h)
        for row in range(max(top, 0), min(bottom, GRID - 1) + 1):
            for col in range(max(left, 0), min(right, GRID - 1) + 1):
                filled[row][col] = True
    return round(_largest_blank(filled) / (GRID * GRID), 3)


def _drawn_boxes(layout: Layout) -> Iterable[Box]:
    yield from (c.box for c in layout.clusters)
    yield from (n.box for n in layout.nodes)
    yield from (text_box(t) for t in layout.texts)
    yield from (text_box(t) for e in layout.edges for t in e.texts)


def _largest_blank(filled: list[list[bool]]) -> int:
    """The most cells in one rectangle of blank cells (largest rectangle in a histogram,
    row by row)."""
    heights = [0] * len(filled[0])
    best = 0
    for row in filled:
        heights = [0 if cell else h + 1 for cell, h in zip(row, heights, strict=True)]
        stack: list[int] = []
        for i, h in enumerate([*heights, 0]):
            while stack and heights[stack[-1]] >= h:
                height = heights[stack.pop()]
                width = i if not stack else i - stack[-1] - 1
                best = max(best, height * width)
            stack.append(i)
    return best

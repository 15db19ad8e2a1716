"""Which of a few ways to draw a picture reads best: a small deterministic search.

dot's own crossing minimisation is the limit once stages are clusters; what moves the
figures is what is drawn (docs: GRAPHVIZ.md). So each picture is laid out a few ways, and the
one a reader would find cleanest by `check`'s figures is kept:

1. flows that run against the reading order (feedback, online back into offline, model
   deployment) drawn as two short arrows to and from a connector naming the other end;
2. only feedback flows drawn so;
3. every flow drawn whole;

each with the stages ranked by every flow, or in two rows (offline and online, the online
row listed first) that only the flows within each row rank; each with or without invisible
edges that keep a later stage from ending left of an earlier one; a picture of the whole
design of at most 25 components also as a grid, the online stages in one row and the offline
ones in another, each stage wholly right of the one before it (`_grid`), its best shapes
repaired apart from the others (`_repaired_apart`); a picture of the whole
design also with compact and tight spacing (larger labels once fitted), a view also with
loose spacing (a stub's label away from its neighbours' edges), and with its stubs inside
the stage they feed or are fed by, once in each (`Options.stubs_inside`;
video-recommendation's serving view: stubs below the stage sent their lines up through it, a
label on its border). Views (a few components each) skip the rows. While the best draws a
flow around the picture or a label by the wrong edge, that flow is drawn as connectors too;
a label dot printed across a stage's border or over its title is placed after the layout
instead; a stage drawn left of an earlier one gets an invisible edge from it, for that pair
only (`_relinked`; personalized-news-feed), and where that leaves it out of order, one that
draws it wholly right of the earlier stage (youtube-video-search: training on top of
features); where the best candidate still draws a stage on a row above an earlier one, a
stack, it is repaired once more with such stages drawn as a row (`_unstacked`). A label
another flow's line runs through is placed after the layout too, and if still crossed, the
crossing flow (else its own) is drawn as connectors when it joins two stages
(people-you-may-know, visual-search). So is the best of the runner-up shape (other
connectors or placement): a repair that moves a component can spoil the best, where the
runner-up comes out clean (youtube-video-search, map-change-detection); a candidate with
nothing to repair leaves its place to the next (patient-triage). The best few pictures of
the whole design too wide for the aspect goal are tried with a taller key, and the best few
are measured once more as the offline-vs-online highlight (a caption line taller), which
must read as well.

A layout costs one `dot -Tjson` call (~15 ms, one per core at a time) plus measuring; only
the winner is drawn.
Same graph, same choice: the candidates are tried in a fixed order and ties keep the first.
The choice is kept on disk (cache.py), so a picture drawn before is not searched again;
`sketching` (serve's quick pass) reuses the choice of a graph of the same shape instead.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

from . import cache as disk_cache
from . import legibility
from .check import Figures, Thresholds, assess, measure
from .errors import (
    GraphvizNotFoundError,
    GraphvizTimeoutError,
    GraphvizTooOldError,
    MlsdError,
)
from .graph import STAGE_ORDER, Graph
from .render.dot import (
    ZONES_CAPTION,
    Options,
    link_ids,
    shapes_layout,
    stub_of,
    to_dot,
)
from .render.graphviz import cores, dot_version, find_dot
from .render.layout import Layout, engine, read_many
from .stages import OFFLINE, ONLINE

GOALS = Thresholds()
MISSED = 40  # what `penalty` adds for each goal of `check` a picture misses (20: 10 of 17
# designs failed, 23 pictures; 40: 7 designs, 16 pictures, on the check of 2026-11-27)
# the spacings (style.SPACINGS) tried for a picture of the whole design, and for a view
WHOLE_SPACINGS = ("", "compact", "tight")
VIEW_SPACINGS = ("", "loose")
SMALL_VIEW_SPACING = "tight"  # tried too for a view whose best candidate has labels too small
# (offline and online in two rows, the online row listed first): one long chain of ranks,
# or two rows with the request path first (two rows in the spec's stage order never won on
# the 17 example designs and never changed a winner: not tried)
PLACEMENTS = ((False, False), (True, True))


def against_reading(graph: Graph) -> frozenset[int]:
    """The flows (indices) that run against the reading order, see `shapes_layout`."""
    stages = {node.id: node.stage for node in graph.nodes}
    stages |= {stub.id: stub.stage for stub in graph.stubs}
    return frozenset(
        i
        for i, edge in enumerate(graph.edges)
        if edge.kind == "feedback" or not shapes_layout(edge, stages)
    )


def candidates(graph: Graph) -> list[frozenset[int]]:
    """The sets of flows to draw as connectors, in order of preference, without repeats."""
    stubs = {stub.id for stub in graph.stubs}
    linkable = frozenset(
        i
        for i in against_reading(graph)
        if graph.edges[i].source not in stubs and graph.edges[i].target not in stubs
    )
    feedback = frozenset(i for i in linkable if graph.edges[i].kind == "feedback")
    ordered = [linkable, feedback, frozenset()]
    return [links for n, links in enumerate(ordered) if links not in ordered[:n]]


def penalty(f: Figures, whole: bool = True, goals: Thresholds = GOALS) -> float:
    """How far a picture is from a whiteboard-clean one: forty for every goal of `check` it
    misses, ten for more crossings than the overviews' median goal, ten for every problem a
    reader cannot get past (a label on another, a label by the wrong edge or not drawn at all,
    a detour, stages backwards), three per crossing, and the shortfalls in label size, shape
    and blank area."""
    missed = len(assess(f, goals, "overview" if whole else "view"))
    problems = f.label_collisions + f.misplaced_labels + f.lost_labels + f.detours
    problems += f.clusters_out_of_order
    label = max(0.0, goals.min_label_px - f.min_label_px) if f.min_label_px else 0.0
    shape = max(
        0.0, f.aspect_ratio - goals.max_aspect_ratio, goals.min_aspect_ratio - f.aspect_ratio
    )
    blank = max(0.0, f.empty_area - goals.max_empty_area)
    shortfalls = 3 * label + (10 * shape + 20 * blank if whole else 0.0)
    typical = 10 if whole and f.crossings > goals.median_crossings else 0  # the median's goal
    return MISSED * missed + typical + 10 * problems + 3 * f.crossings + shortfalls


def arranged(graph: Graph, options: Options, whole: bool = True) -> Options:
    """`options` with the connectors and placement of the candidate that reads best;
    `whole` for a picture of the whole design (held to the overview's goals), else a view.
    Remembered per DOT source: the overview, its views and its frames ask for it in turn.
    A picture whose search could not run (no Graphviz; past the time budget) is drawn
    plainly, and searched again only in another pass (`one_pass`)."""
    key = (engine().name, to_dot(graph, options), whole)
    if key in _CHOSEN:
        return _CHOSEN[key]
    unsearched = _UNSEARCHED.get()
    if unsearched is not None and key in unsearched:
        _guessed()
        return unsearched[key]
    stored = _stored(*key[1:])
    chosen = _recall(graph, options, whole, disk_cache.read(stored))
    if chosen is None and _SKETCHING.get():
        _guessed()
        shaped = disk_cache.read(_stored_shape(graph, whole))
        return _recall(graph, options, whole, shaped) or options
    if chosen is None:
        chosen = _search(graph, options, whole)
        if chosen is None:  # no Graphviz, or past the time budget: nothing learnt to keep
            _guessed()
            if unsearched is not None:
                unsearched[key] = options
            return options
        # kept for this picture, and as the last choice for its shape
        changes = _changes(options, chosen)
        disk_cache.store(stored, changes)
        disk_cache.store(_stored_shape(graph, whole), changes)
    if len(_CHOSEN) >= CACHE_SIZE:
        _CHOSEN.pop(next(iter(_CHOSEN)))
    _CHOSEN[key] = chosen
    return chosen


@contextmanager
def one_pass() -> Iterator[None]:
    """Within it (one render or check of a design), a picture whose search could not run
    is drawn plainly each time it is asked for, without searching again: its overview, views
    and frames ask in turn, and each search would wait out the time budget again. After it,
    the picture is searched again: a long-running `mlsd serve` draws the searched layout
    once Graphviz is installed or a search fits the budget (before, the plain choice was
    kept for the life of the process). The drawing threads, run in a copy of this context,
    share the pass."""
    token = _UNSEARCHED.set({})
    try:
        yield
    finally:
        _UNSEARCHED.reset(token)


@contextmanager
def noting_guesses() -> Iterator[list[bool]]:
    """Within it, the list it gives gets an entry for each picture drawn without its layout
    search (a sketch; a search cut short by the time budget): what was drawn so is no
    render of the spec to keep (compiled.py). The drawing threads, run in a copy of this
    context, note into the same list."""
    noted: list[bool] = []
    token = _GUESSES.set(noted)
    try:
        yield noted
    finally:
        _GUESSES.reset(token)


def _guessed() -> None:
    noted = _GUESSES.get()
    if noted is not None:
        noted.append(True)


@contextmanager
def sketching() -> Iterator[None]:
    """Within it, a picture whose choice is not known yet is not searched: it is drawn with
    the choice last made for a graph of the same shape (the same components in the same
    stages, the same flows; only texts changed), else plainly. `mlsd serve`
    draws a saved spec's overview so at once, then builds it again with the search."""
    token = _SKETCHING.set(True)
    try:
        yield
    finally:
        _SKETCHING.reset(token)


def _stored_shape(graph: Graph, whole: bool) -> Path | None:
    """Where the last choice for a graph of this shape is kept: the same components in the
    same stages and the same flows, whatever their texts (a choice names flows by index)."""
    shape = (
        tuple((node.id, node.stage) for node in graph.nodes),
        tuple((stub.id, stub.stage) for stub in graph.stubs),
        tuple((edge.source, edge.target, edge.kind) for edge in graph.edges),
    )
    return _stored(repr(shape), whole, "shapes")


CACHE_SIZE = 64  # choices remembered in memory; every choice is also kept on disk (cache.py)
SEARCHED_NODES = 2 * GOALS.max_nodes
_CHOSEN: dict[tuple[str, str, bool], Options] = {}  # the searched choices, as on disk
# the pictures drawn plainly in this pass (`one_pass`), their searches cut short
_UNSEARCHED: ContextVar[dict[tuple[str, str, bool], Options] | None] = ContextVar(
    "unsearched", default=None
)
_SKETCHING: ContextVar[bool] = ContextVar("sketching", default=False)
_GUESSES: ContextVar[list[bool] | None] = ContextVar("guesses", default=None)


def _stored(source: str, whole: bool, kind: str = "layouts") -> Path | None:
    """Where the choice for `source` is kept on disk: it depends on the picture's DOT, this
    code, the engine that lays it out and the version of `dot` (another version may lay out
    otherwise)."""
    try:
        version = dot_version(find_dot())
    except MlsdError:  # no Graphviz: nothing to search with, nothing to remember
        return None
    key = (disk_cache.code_version(), engine().name, version, source, whole)
    return disk_cache.entry(kind, repr(key), "json")


def _changes(options: Options, chosen: Options) -> bytes:
    """The options the search changed, as JSON (connectors as the list of flow indices);
    the search only sets flags and connectors."""
    changed = {
        field.name: sorted(value) if isinstance(value, frozenset) else value
        for field in fields(Options)
        if (value := getattr(chosen, field.name)) != getattr(options, field.name)
    }
    return json.dumps(changed, sort_keys=True).encode()


def _recall(graph: Graph, options: Options, whole: bool, data: bytes | None) -> Options | None:
    """`options` with the changes read from the cache; None unless they make one of the
    candidates the search tries (its connectors may add flows of the graph: detours)."""
    try:
        changed = json.loads(data) if data is not None else None
    except ValueError:
        return None
    if not isinstance(changed, dict):
        return None
    names = {field.name for field in fields(Options)}
    values: dict[str, Any] = {}  # checked against the field types below
    for name, value in changed.items():
        if name not in names:
            return None
        before = getattr(options, name)
        if name in ("kept_in_order", "kept_apart", "in_a_row") and isinstance(value, list):
            pairs = _stage_pairs(value)
            if pairs is None:
                return None
            values[name] = pairs
        elif isinstance(before, frozenset) and isinstance(value, list):
            if not all(isinstance(item, int) and not isinstance(item, bool) for item in value):
                return None
            values[name] = frozenset(value)
        elif type(value) is type(before) and isinstance(value, bool | int | float | str):
            values[name] = value
        else:
            return None
    recalled = replace(options, **values)
    flows = frozenset(range(len(graph.edges)))
    if not (recalled.links <= flows and recalled.xlabels <= flows):
        return None
    if recalled.key_rows not in (options.key_rows, *TALLER_KEYS):
        return None
    plain = replace(
        recalled,
        links=frozenset(),
        xlabels=frozenset(),
        kept_in_order=frozenset(),
        kept_apart=frozenset(),
        in_a_row=frozenset(),
        row_points=False,
        key_rows=options.key_rows,
    )
    known = [replace(each, links=frozenset()) for each in _tries(graph, options, whole)]
    if not whole:  # a view may have been tightened (`_tightened`)
        known += [replace(each, spacing=SMALL_VIEW_SPACING) for each in known]
    return recalled if plain in known or recalled == options else None


def _stage_pairs(value: list[Any]) -> frozenset[tuple[str, str]] | None:
    """Pairs of stage names read from the cache (JSON lists); None unless each is one."""
    names = {stage.value for stage in STAGE_ORDER}
    kept = frozenset(
        (pair[0], pair[1])
        for pair in value
        if isinstance(pair, list)
        and len(pair) == 2
        and all(isinstance(name, str) and name in names for name in pair)
    )
    return kept if len(kept) == len(value) else None


def _search(graph: Graph, options: Options, whole: bool) -> Options | None:
    if not graph.edges:  # nothing to route: every candidate draws the same picture
        return options
    if len(graph.nodes) > SEARCHED_NODES:  # far past any goal: lay out once, check says so
        return options
    token = _LAID_OUT.set({})
    try:
        return _searched(graph, options, whole)
    finally:
        _LAID_OUT.reset(token)


Drawn = tuple[Layout, Figures]  # a candidate laid out, and its figures
_LAID_OUT: ContextVar[dict[str, Drawn | None] | None] = ContextVar("laid_out", default=None)


def _laid_out(graph: Graph, tries: list[Options]) -> list[Drawn | None]:
    """The layout of each candidate with its figures (None where `dot` fails on it),
    `cores()` at a time, each measured while the next are laid out (measuring took a quarter
    of a search, after all its layouts). Each DOT source is laid out once in a search
    (`_search`): repairs of two shapes often come to the same options, and the best
    candidate is laid out again to look for stacks (personalized-news-feed: 25 of its 249
    layouts were repeats)."""
    sources = [to_dot(graph, each) for each in tries]
    known = _LAID_OUT.get()
    if known is None:
        return read_many(sources, cores(), _measured)
    new = list(dict.fromkeys(source for source in sources if source not in known))
    known.update(zip(new, read_many(new, cores(), _measured), strict=True))
    return [known[source] for source in sources]


def _measured(layout: Layout) -> Drawn:
    return layout, measure(layout)


def _layout(drawn: Drawn | None) -> Layout | None:
    return None if drawn is None else drawn[0]


def _score(drawn: Drawn | None, whole: bool = True) -> float:
    """`penalty` of a candidate; one Graphviz 2.43 fails on (no layout) is never chosen."""
    return math.inf if drawn is None else penalty(drawn[1], whole)


def _searched(graph: Graph, options: Options, whole: bool) -> Options | None:
    tries = _tries(graph, options, whole)
    try:
        drawn = _laid_out(graph, tries)
    except (GraphvizNotFoundError, GraphvizTooOldError, GraphvizTimeoutError):
        # no Graphviz to measure with (the text formats still get a DOT source), or a layout
        # past its time budget: the render itself reports it, once
        return None
    layouts = [_layout(each) for each in drawn]
    figures = [None if each is None else each[1] for each in drawn]
    scores = [_score(each, whole) for each in drawn]
    if not whole:
        tries, layouts, figures, scores = _tightened(graph, tries, layouts, figures, scores)
    wide = [i for i, f in enumerate(figures) if f and f.aspect_ratio > GOALS.max_aspect_ratio]
    tries, scores = _repaired_apart(graph, tries, layouts, scores, whole)
    tries, scores = _unstacked(graph, tries, scores, whole)
    if whole:  # a taller key; the offline-vs-online highlight: the same, a caption on top
        tries, scores = _rekeyed(graph, tries, scores, wide)
        scores = _with_zones(graph, tries, scores)
    return tries[scores.index(min(scores))]


def _tightened(
    graph: Graph,
    tries: list[Options],
    layouts: list[Layout | None],
    figures: list[Figures | None],
    scores: list[float],
) -> tuple[list[Options], list[Layout | None], list[Figures | None], list[float]]:
    """The view's candidates, and while the best one's labels are smaller than the goal once
    fitted to a screen, the same candidates tighter too (a smaller picture, larger labels:
    llm-agent's serving view, 16 components in a row)."""
    best = figures[scores.index(min(scores))]
    smallest = best.min_label_px if best is not None else None
    if smallest is None or smallest >= GOALS.min_label_px:
        return tries, layouts, figures, scores
    again = [replace(each, spacing=SMALL_VIEW_SPACING) for each in tries if each.spacing == ""]
    try:
        drawn = _laid_out(graph, again)
    except (GraphvizNotFoundError, GraphvizTooOldError, GraphvizTimeoutError):
        return tries, layouts, figures, scores
    relaid = [_layout(each) for each in drawn]
    measured = [None if each is None else each[1] for each in drawn]
    rescored = [_score(each, whole=False) for each in drawn]
    return [*tries, *again], [*layouts, *relaid], [*figures, *measured], [*scores, *rescored]


RELINK_ROUNDS = 5
REPAIRED = 2  # the shapes (connectors and placement, spacing aside) repaired
# ... and while no candidate is surely clean yet (a score under MISSED misses no goal), up to
# this many: personalized-news-feed comes out clean only from its fourth shape
REPAIRED_UNCLEAN = 4
REPAIR_LOOKS = 6  # the candidates looked at for something to repair, at most


def _repaired(
    graph: Graph,
    tries: list[Options],
    layouts: list[Layout | None],
    scores: list[float],
    whole: bool,
    shapes: int | None = None,
) -> tuple[list[Options], list[float]]:
    """`tries` and `scores`, with the best candidates of the best few shapes repaired
    (`_relinked`): a repair may make the best one worse (a connector moves its component)
    while it makes a close second clean. A candidate with nothing to repair does not count:
    the same shape in another spacing may have (a connector for a label by the wrong edge
    may leave the picture cleaner than the best). A candidate that stacks a stage on an
    earlier one is repaired a second way too, such stages drawn as a row (`rows`): neither
    way is better on every design (with both, event-recommendation, personalized-news-feed,
    similar-listings and street-view-blurring come out clean; with rows only,
    people-you-may-know's labels shrank from 12 to 4.8 px), so both are tried."""
    repaired: list[Options] = []  # the shapes repaired
    for i in _repair_order(tries, scores)[:REPAIR_LOOKS]:
        enough = REPAIRED if min(scores) < MISSED else REPAIRED_UNCLEAN
        if len(repaired) >= (shapes or enough):
            break
        shape = replace(tries[i], spacing="")
        if shape in repaired:
            continue
        before = len(tries)
        tries, scores = _relinked(graph, tries, layouts[i], i, scores, whole)
        drawn = layouts[i]
        if drawn is not None and _rows_tried(graph) and _stacked(drawn, _out_of_order(drawn)):
            tries, scores = _rowed(graph, tries, drawn, i, scores, whole)
        if len(tries) > before:
            repaired.append(shape)
    return tries, scores


def _repaired_apart(
    graph: Graph,
    tries: list[Options],
    layouts: list[Layout | None],
    scores: list[float],
    whole: bool,
) -> tuple[list[Options], list[float]]:
    """`tries` and `scores` repaired (`_repaired`): the usual candidates as if the grid's were
    not there, then the grid's best two shapes on their own. Repaired among the others, the
    grid's candidates took the repairs from the shapes that come out clean (similar-listings:
    12% blank when repaired as before, 17% so); with one grid shape repaired,
    event-recommendation's label on a border stayed. The grid is repaired only where its best
    candidate starts out better than the others' best (ad-click-prediction 44 against 103,
    event-recommendation 56 against 81, personalized-news-feed 59 against 134): repaired
    always, it made the search of the random designs of tests/test_layout_crashes.py take
    half as long again (811 to 1,211 s), where a grid seldom starts out better."""
    # `_tries` puts the grid's candidates last, and no other starts with stages in a row
    split = next((i for i, each in enumerate(tries) if each.in_a_row), len(tries))
    if split == len(tries):
        return _repaired(graph, tries, layouts, scores, whole)
    count, hidden = len(tries), [math.inf] * (len(tries) - split)
    tries, usual = _repaired(graph, tries, layouts, scores[:split] + hidden, whole)
    usual[split:count] = scores[split:count]
    if min(scores[split:]) >= min(scores[:split]):  # the grid starts out worse: left as it is
        return tries, usual
    grid_only = [math.inf] * split + scores[split:count] + [math.inf] * (len(tries) - count)
    tries, gridded = _repaired(graph, tries, layouts, grid_only, whole, shapes=REPAIRED)
    return tries, usual + gridded[len(usual) :]


def _repair_order(tries: list[Options], scores: list[float]) -> list[int]:
    """The candidates (indices) to look at for something to repair, best first: one with
    no layout (an infinite score) is none."""
    ranked = sorted(range(len(tries)), key=lambda i: (scores[i], i))
    return [i for i in ranked if scores[i] < math.inf]


def _relinked(
    graph: Graph,
    tries: list[Options],
    layout: Layout | None,
    best: int,
    scores: list[float],
    whole: bool,
    rows: bool = False,
) -> tuple[list[Options], list[float]]:
    """`tries` and `scores`, and while candidate `best` (laid out as `layout`) draws flows
    around the picture (detours) or labels nearer another edge than their own, that
    candidate with those flows drawn as connectors too, labels across a stage's border or
    crossed by another line placed after the layout (`_across_borders`, `_crossed`), a
    connector's label so placed that lands on a node put back onto its arrow
    (`_placed_on_nodes`), one so placed that its own line strikes through and no connector
    can take given back to dot's placement, and stages out of order kept in order
    (`_out_of_order`), in every spacing (a few rounds: a connector moves its component,
    which may send another flow around or another label onto a border); where a label is
    struck through by its own line, a round that moves stages too is also tried with the
    stages moved alone. Once some candidate is clean (misses no goal), a round whose best
    is no better than the candidate it repaired is the last. While none is, the rounds go
    on: a round often makes the picture worse before the next makes it clean
    (visual-search: 129, 56, 56, then 6; stopping at the first round no better cost 12 of
    the 86 pictures, three of them from passing to failing). With `rows`, a stage stacked on
    an earlier one (on a row above it) is drawn wholly right of it instead (`_unstacked`)."""
    tries, scores = list(tries), list(scores)
    for _ in range(RELINK_ROUNDS):
        if layout is None:
            break
        links, xlabels = tries[best].links, tries[best].xlabels
        kept, row = tries[best].kept_in_order, tries[best].in_a_row
        late = _out_of_order(layout)
        row |= _stacked(layout, late) if rows else frozenset()
        apart = tries[best].kept_apart | (late & kept)  # an invisible edge did not do
        late -= kept | row
        misleading, across = _misleading(graph, layout), _across_borders(graph, layout)
        crossed = _crossed(graph, layout)
        back = _placed_on_nodes(graph, layout) & xlabels & links  # onto its arrow again
        # a label by the wrong edge goes onto a connector, else beside its line; one on a
        # border or crossed by another line beside its line, and if it still lands on one
        # there: a crossed label's crossing flow onto a connector, else the label's own
        linked = _linkable(graph, misleading | (across & xlabels))
        still = {label: lines for label, lines in crossed.items() if label in xlabels}
        linked |= _crossing_linked(graph, still, links)
        # one struck through by its own line that no connector takes (a flow within one
        # stage) goes back to dot's placement, which keeps room for it beside its line
        # (rag-document-qa: 'approved configs', from the evals to the registry)
        back |= frozenset(i for i, lines in still.items() if i in lines) - linked - links
        around = (_detouring(graph, layout) | linked) - links
        # (a connector's arrow carries its flow's label: placed after the layout too)
        external = ((misleading - linked) | across) - xlabels - links
        external |= frozenset(crossed) - xlabels - linked
        same = apart == tries[best].kept_apart and row == tries[best].in_a_row
        if not around and not external and not late and not back and same:
            break
        # where a label is struck through by its own line, a round that moves stages and
        # labels both is tried with the stages alone too: the stages moved may take the label
        # off its line (video-recommendation: kept apart, monitoring took 'logs and latency'
        # off its own, where the connector drawn for it lost the picture), and a connector
        # moves its component. Tried in every such round, it took 18% more layouts in
        # random designs of up to 25 components and 7% more in the examples, where one more
        # picture failed (similar-listings' offline-vs-online picture)
        ways = [(links | around, (xlabels | external) - back)]
        if (late or not same) and (around or external or back) and _struck(layout):
            ways.append((links, xlabels))
        kept = kept | late
        spacings = WHOLE_SPACINGS if whole else _view_spacings(tries[best])
        again = [
            replace(
                tries[best],
                links=linked_now,
                xlabels=placed_now,
                kept_in_order=kept,
                kept_apart=apart,
                in_a_row=row,
                spacing=each,
            )
            for linked_now, placed_now in ways
            for each in spacings
        ]
        try:
            relaid = _laid_out(graph, again)
        except (GraphvizNotFoundError, GraphvizTooOldError, GraphvizTimeoutError):
            break
        rescored = [_score(each, whole) for each in relaid]
        mine = rescored.index(min(rescored))
        tries += again
        scores += rescored
        if rescored[mine] >= scores[best] and min(scores) < MISSED:  # see the docstring
            break
        best, layout = len(tries) - len(again) + mine, _layout(relaid[mine])
    return tries, scores


def _unstacked(
    graph: Graph, tries: list[Options], scores: list[float], whole: bool
) -> tuple[list[Options], list[float]]:
    """`tries` and `scores`, and where the best candidate still draws a stage on a row above
    an earlier one (a stack read upwards: serving above client, training above features),
    that candidate repaired again with each such later stage drawn wholly right of the
    earlier one, a row (`Options.in_a_row`; `_relinked`). The invisible edge of
    `kept_in_order` lets the two share a column, so it cannot undo a stack; drawing every
    stack as a row from the start moved the search elsewhere and made four designs worse
    (people-you-may-know's labels 12 to 4.8 px), so it is tried last, on the best only.
    (Offline and online as two rows, each stage of a row wholly right of the one before, is a
    candidate of its own, kept through points: `_grid`.)"""
    if not _rows_tried(graph):
        return tries, scores
    best = scores.index(min(scores))
    try:
        drawn = _laid_out(graph, [tries[best]])[0]
    except (GraphvizNotFoundError, GraphvizTooOldError, GraphvizTimeoutError):
        return tries, scores
    if drawn is None or not _stacked(drawn[0], _out_of_order(drawn[0])):
        return tries, scores
    return _rowed(graph, tries, drawn[0], best, scores, whole)


def _rowed(
    graph: Graph,
    tries: list[Options],
    layout: Layout,
    stacked: int,
    scores: list[float],
    whole: bool,
) -> tuple[list[Options], list[float]]:
    """`tries` and `scores`, with candidate `stacked` (laid out as `layout`) repaired with
    its stacks drawn as rows (`_relinked`), and while no candidate is clean yet, repaired
    so again with every row kept through a point (`Options.row_points`). Neither way of
    keeping a row is better on every design: with the edges between the stages' ends alone,
    18 of the 103 pictures of the 17 example designs failed `check --strict`, with the
    point alone 21, with both 15 (similar-listings comes out clean only through the point,
    map-change-detection, patient-triage and youtube-video-search only through the edges).
    The second way costs a third more layouts in a picture that is never clean (the random
    designs of tests/test_layout_crashes.py)."""
    tries, scores = _relinked(graph, tries, layout, stacked, scores, whole, rows=True)
    if min(scores) < MISSED:
        return tries, scores
    # the same candidate, rows through points: not laid out as it is, so it cannot win as it is
    tries, scores = [*tries, replace(tries[stacked], row_points=True)], [*scores, math.inf]
    return _relinked(graph, tries, layout, len(tries) - 1, scores, whole, rows=True)


def _rows_tried(graph: Graph) -> bool:
    """Whether a stack is repaired as a row (`Options.in_a_row`) in this picture: not past
    the components `check` holds to the label goal (`Thresholds.max_nodes`; a larger picture
    is told to split into views). Each row repair is a few more candidates to lay out: on
    the random designs of tests/test_layout_crashes.py, 30-70% more layouts for designs of up
    to 25 components."""
    return len(graph.nodes) <= GOALS.max_nodes


def _view_spacings(view: Options) -> tuple[str, ...]:
    """The spacings a view's repair is laid out in: the usual ones, and its own."""
    return VIEW_SPACINGS + (() if view.spacing in VIEW_SPACINGS else (view.spacing,))


def _out_of_order(layout: Layout) -> frozenset[tuple[str, str]]:
    """The (earlier, later) pairs of stages `check` finds drawn out of reading order, each
    pair measured alone."""
    ranks = {stage.value: rank for stage, rank in STAGE_ORDER.items()}
    stages = sorted(
        (ranks[name], name, cluster)
        for cluster in layout.clusters
        if (name := cluster.name.removeprefix("cluster_")) in ranks
    )
    return frozenset(
        (earlier, later)
        for i, (_, earlier, first) in enumerate(stages)
        for _, later, second in stages[i + 1 :]
        if legibility.clusters_out_of_order(replace(layout, clusters=(first, second))).count
    )


def _stacked(layout: Layout, pairs: frozenset[tuple[str, str]]) -> frozenset[tuple[str, str]]:
    """Those (earlier, later) `pairs` of stages where the later one is drawn on a row above
    the earlier: a stack read upwards. An edge that lets the two share a column (the
    `kept_in_order` one) leaves them stacked; they need the later one wholly right."""
    boxes = {cluster.name.removeprefix("cluster_"): cluster.box for cluster in layout.clusters}
    return frozenset(
        (earlier, later)
        for earlier, later in pairs
        if earlier in boxes
        and later in boxes
        and boxes[later].y + boxes[later].height <= boxes[earlier].y
    )


def _misleading(graph: Graph, layout: Layout) -> frozenset[int]:
    """The flows (indices) whose label `check` finds nearer another edge than their own."""
    ends = {
        (stub_of(edge.source), stub_of(edge.target)) for edge, *_ in legibility.misplaced(layout)
    }
    return frozenset(i for i, flow in enumerate(graph.edges) if (flow.source, flow.target) in ends)


def _linkable(graph: Graph, flows: frozenset[int]) -> frozenset[int]:
    """Those of `flows` between components of two stages: drawn as a connector, a flow's
    label sits on a short arrow of its own (within one stage both ends are in sight, and a
    stub already is a short arrow: no connector)."""
    stages = {node.id: node.stage for node in graph.nodes}  # stubs have none: left out
    return frozenset(
        i
        for i in flows
        if graph.edges[i].source in stages
        and graph.edges[i].target in stages
        and stages[graph.edges[i].source] != stages[graph.edges[i].target]
    )


def _across_borders(graph: Graph, layout: Layout) -> frozenset[int]:
    """The flows (indices) whose label `check` finds printed across a stage's border.

    dot keeps a label out of a stage only as far as the stage reaches in the label's own
    rank; where the stage is taller beside it, the label lands on its border. Placed once
    the picture is laid out instead (an `xlabel`), the label goes beside its line, clear of
    components and other labels. A flow drawn as connectors is named by its first arrow,
    which carries the label."""
    ends = {(edge.source, edge.target) for edge, _ in legibility.on_borders(layout)}
    ends |= _on_stage_titles(layout)
    return frozenset(i for pair in ends for i in _flows(graph, pair))


def _flows(graph: Graph, ends: tuple[str, str]) -> frozenset[int]:
    """The flows (indices) drawn as the edge with these ends: the flow itself (to a stub or
    its copy, `split_stubs`), or either arrow of it drawn as connectors."""
    ends = (stub_of(ends[0]), stub_of(ends[1]))
    return frozenset(
        i
        for i, flow in enumerate(graph.edges)
        if ends
        in (
            (flow.source, flow.target),
            (flow.source, link_ids(i)[0]),
            (link_ids(i)[1], flow.target),
        )
    )


def _crossed(graph: Graph, layout: Layout) -> dict[int, frozenset[int]]:
    """The flows (indices) whose label `check` finds crossed by another flow's line, each
    with the flows drawing those lines."""
    found: dict[int, frozenset[int]] = {}
    for edge, other in legibility.lines_through_labels(layout):
        lines = _flows(graph, (other.source, other.target))
        for i in _flows(graph, (edge.source, edge.target)):
            found[i] = found.get(i, frozenset()) | lines
    return found


def _struck(layout: Layout) -> bool:
    """Whether `check` finds some label struck through by its own line."""
    return any(edge is other for edge, other in legibility.lines_through_labels(layout))


def _crossing_linked(
    graph: Graph, crossed: dict[int, frozenset[int]], links: frozenset[int]
) -> frozenset[int]:
    """The flows to draw as connectors so that no line runs through these labels (already
    placed beside their lines): the crossing flows that join two stages, else the label's
    own flow if it does."""
    linked: set[int] = set()
    for label, lines in sorted(crossed.items()):
        movable = _linkable(graph, lines - links - {label})
        linked |= movable or _linkable(graph, frozenset({label}) - links)
    return frozenset(linked)


def _placed_on_nodes(graph: Graph, layout: Layout) -> frozenset[int]:
    """The flows (indices) whose label `check` finds on a node. A label placed after the
    layout (an `xlabel`) on a connector's short arrow may land on the connector itself
    (harmful-content-detection: 'reactions and history'); dot printing it as the arrow's own
    label keeps room for it."""
    ends = {(edge.source, edge.target) for edge, _ in legibility.labels_on_nodes(layout)}
    return frozenset(i for pair in ends for i in _flows(graph, pair))


def _on_stage_titles(layout: Layout) -> set[tuple[str, str]]:
    """The flows (ends) whose label dot printed over a stage's title: like a border, a
    title is no place dot keeps its labels from."""
    titles = [legibility.text_box(t) for c in layout.clusters for t in c.texts]
    return {
        (edge.source, edge.target)
        for edge in layout.edges
        if (box := legibility.union(legibility.text_box(t) for t in edge.texts)) is not None
        and any(legibility.overlap(box, title) for title in titles)
    }


def _detouring(graph: Graph, layout: Layout) -> frozenset[int]:
    """The flows (indices) between two components that `check` finds drawn as a detour,
    each measured alone."""
    stubs = {stub.id for stub in graph.stubs}
    drawn = {node.id for node in layout.nodes}
    found = set()
    for edge in layout.edges:
        alone = replace(layout, edges=(edge,))
        if legibility.detours(alone, drawn).count:
            found |= {
                i
                for i, flow in enumerate(graph.edges)
                if (flow.source, flow.target) == (edge.source, edge.target)
                and not {flow.source, flow.target} & stubs
            }
    return frozenset(found)


TALLER_KEYS = (4, 6)  # the key's rows tried beside the default (style.KEY_ROWS)
REKEYED = 4  # the best candidates too wide for the aspect goal tried with those keys


def _rekeyed(
    graph: Graph, tries: list[Options], scores: list[float], wide: list[int]
) -> tuple[list[Options], list[float]]:
    """`tries` and `scores`, with the best few candidates too wide for the aspect goal (of
    `wide`) also drawn with a taller, narrower key: the picture gains height. A taller key
    costs label size where the picture is fitted by its height, so it wins only where the
    picture reads better with it."""
    best = sorted(wide, key=lambda i: (scores[i], i))[:REKEYED]
    again = [
        replace(tries[i], key_rows=rows) for i in best if tries[i].legend for rows in TALLER_KEYS
    ]
    if not again:
        return tries, scores
    try:
        relaid = _laid_out(graph, again)
    except (GraphvizNotFoundError, GraphvizTooOldError, GraphvizTimeoutError):
        return tries, scores
    rescored = [_score(each) for each in relaid]
    return [*tries, *again], [*scores, *rescored]


ZONES_RECHECKED = 3  # the best candidates whose offline-vs-online highlight is measured too


def _with_zones(graph: Graph, tries: list[Options], scores: list[float]) -> list[float]:
    """`scores` with the best few candidates also paying for their offline-vs-online picture
    (the same layout coloured by zone, one caption line taller), so that the winner passes as
    both; the others can no longer win."""
    best = sorted(range(len(tries)), key=lambda i: (scores[i], i))[:ZONES_RECHECKED]
    zoned = [replace(tries[i], zones=True, caption=ZONES_CAPTION) for i in best]
    try:
        drawn = _laid_out(graph, zoned)
    except (GraphvizNotFoundError, GraphvizTooOldError, GraphvizTimeoutError):
        return scores
    rescored = [math.inf] * len(scores)
    for i, each in zip(best, drawn, strict=True):
        if each is not None:
            rescored[i] = scores[i] + _score(each)
    return rescored if min(rescored) < math.inf else scores


def _tries(graph: Graph, options: Options, whole: bool) -> list[Options]:
    """The candidates, in order of preference (ties keep the first): the usual ones, then a
    picture of the whole design drawn as a grid (`_grid`)."""
    inside = (False, True) if graph.stubs else (False,)  # each stub has a stage to go in
    usual = [
        replace(
            options,
            links=links,
            rows=rows,
            online_first=first,
            ordered=ordered,
            stubs_inside=stubs,
            spacing=s,
        )
        for s in (WHOLE_SPACINGS if whole else VIEW_SPACINGS)
        for ordered in (False, True)
        for rows, first in (PLACEMENTS if whole else PLACEMENTS[:1])
        for stubs in inside
        for links in candidates(graph)
    ]
    grid = _grid(graph) if whole and _rows_tried(graph) else frozenset()
    if not grid:
        return usual
    as_grid = replace(options, in_a_row=grid, row_points=True)
    return usual + [
        replace(as_grid, links=links, spacing=s)
        for s in WHOLE_SPACINGS
        for links in candidates(graph)
    ]


def _grid(graph: Graph) -> frozenset[tuple[str, str]]:
    """The stages as a grid, the way one draws a system on a whiteboard: the online stages
    (client, serving, monitoring) in one row, the offline ones (data, features, training) in
    another, each stage wholly right of the one before it in its row (`Options.in_a_row`,
    kept through points). dot's ranks otherwise spread the stages as a staircase, a corner
    left blank (ad-click-prediction: 16% of its canvas one blank block; as a grid 13%)."""
    stages = [cluster.stage for cluster in graph.clusters]
    pairs: set[tuple[str, str]] = set()
    for row in (OFFLINE, ONLINE):
        mine = [stage for stage in stages if stage in row]
        pairs.update(zip(mine, mine[1:], strict=False))
    return frozenset(pairs)

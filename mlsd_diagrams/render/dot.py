"""The plain graph → mingrammer `diagrams` objects → DOT source (not laid out yet).

`diagrams` is used as the DOT builder only: we never let it render (it would run `dot` once
per format and leave files behind). Node ids are the spec ids, cluster names come from the
stage (never from a label), and icons are paths relative to the icon search path.

A node is an HTML-like label: the icon in a fixed-size cell above its wrapped label, so icons
are all one size and text never runs over them. User text only ever enters it HTML-escaped.
The title, and under it the key (flow kinds and component kinds used), is the graph's label.
"""

from __future__ import annotations

import functools
import html
import math
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import diagrams
import graphviz

from .. import catalog
from ..graph import STUB_PREFIX, Cluster, Edge, Graph, Node, Stub
from ..model import FlowKind
from ..stages import OFFLINE, ONLINE, TITLES, Stage, zone
from . import style
from .text import dot as dot_plain
from .text import dot_html, dot_tooltip

if TYPE_CHECKING:
    from ..formats import TextJob


@dataclass(frozen=True)
class Options:
    """How to draw a graph, beyond what the graph says."""

    theme: style.Theme = style.LIGHT
    legend: bool = False
    zones: bool = False  # colour the stages by zone: offline or online
    hidden: frozenset[str] = frozenset()  # stages laid out but not drawn (build-up frames)
    caption: str | None = None  # a line under the title
    links: frozenset[int] = frozenset()  # flows (indices into graph.edges) drawn as connectors
    # flows whose label is placed once the picture is laid out (an `xlabel`: beside its line,
    # clear of components and other labels), not given a place of its own in the layout
    xlabels: frozenset[int] = frozenset()
    rows: bool = False  # offline and online stages in two rows: flows between them do not rank
    ordered: bool = False  # invisible edges keep every stage from starting after a later one
    # (earlier, later) pairs of stages kept so by an invisible edge each (a repair, arrange.py)
    kept_in_order: frozenset[tuple[str, str]] = frozenset()
    # (earlier, later) pairs of stages the later drawn wholly right of the earlier: an
    # invisible edge from the earlier's last component to the later's first (a repair where
    # one that lets them share a column left them out of order)
    kept_apart: frozenset[tuple[str, str]] = frozenset()
    # (earlier, later) pairs of stages drawn as a row: every component and connector of the
    # later one ranked after every one of the earlier (a repair of a stack, arrange.py)
    in_a_row: frozenset[tuple[str, str]] = frozenset()
    row_points: bool = False  # every row of in_a_row kept through a point (`_keep_in_a_row`)
    online_first: bool = False  # the online stages listed (so placed) before the offline ones
    # a view's stubs drawn inside the stages of the components they feed or are fed by, once
    # in each (`split_stubs`), as a connector is; else outside every stage
    stubs_inside: bool = False
    spacing: str = ""  # between ranks and nodes: a name in style.SPACINGS ("": the theme's)
    key_rows: int = style.KEY_ROWS  # the key's rows at most (more: a narrower, taller key)


LINK_PREFIX = "_link_"  # spec ids cannot start with "_"
ROW_PREFIX = "_row_"  # an invisible point keeping two stages in a row (`_keep_in_a_row`)


def link_ids(index: int) -> tuple[str, str]:
    """The two connector nodes of flow `index`: beside its source, and beside its target."""
    return f"{LINK_PREFIX}{index}_to", f"{LINK_PREFIX}{index}_from"


def to_dot(graph: Graph, options: Options = Options()) -> str:
    """The DOT source of a graph; byte-identical for the same graph on any machine."""
    if options.stubs_inside:
        graph = split_stubs(graph)
    with _building(graph, options) as diagram:
        clusters = graph.clusters
        if options.online_first:
            clusters = tuple(sorted(clusters, key=lambda c: zone(c.stage) == "offline"))
        homes = stub_homes(graph) if options.stubs_inside else {}
        for cluster in clusters:
            _add_cluster(graph, cluster, options, homes)
        for stub in graph.stubs:
            if stub.id not in homes:
                _add_stub(diagram.dot, stub, options.theme)
        stages = {node.id: node.stage for node in graph.nodes}
        stages |= {stub.id: stub.stage for stub in graph.stubs}
        stubs = {stub.id for stub in graph.stubs}
        for index, edge in enumerate(graph.edges):
            hidden = bool({stages[edge.source], stages[edge.target]} & options.hidden)
            # feedback closes the loop: a build-up frame shows it only with the whole system
            hidden = hidden or (edge.kind == "feedback" and bool(options.hidden))
            external = index in options.xlabels
            if index in options.links:
                _add_link(diagram, index, edge, options, hidden=hidden, external=external)
                continue
            constraint = _constraint(edge, stages, stubs, options)
            _add_edge(
                diagram, edge, options, constraint=constraint, hidden=hidden, external=external
            )
        if options.ordered:
            _add_stage_order(diagram, graph)
        _keep_in_order(diagram, graph, options.kept_in_order)
        _keep_apart(diagram, graph, options.kept_apart)
        _keep_in_a_row(diagram, graph, options)
        return diagram.dot.source


def _constraint(
    edge: Edge, stages: dict[str, str], stubs: set[str], options: Options
) -> bool | None:
    """Whether a flow drawn whole ranks its target after its source: True, False, or None
    for its kind's style (feedback does not)."""
    if {edge.source, edge.target} & stubs:  # a stub sits before or after what it feeds
        return True
    if options.rows and zone(stages[edge.source]) != zone(stages[edge.target]):
        return False
    return None if shapes_layout(edge, stages) else False


def text(job: TextJob) -> str:
    """The `dot` format: the overview's DOT source, as laid out for the images."""
    return job.source


def _add_stage_order(diagram: diagrams.Diagram, graph: Graph) -> None:
    """For every two stages, an invisible edge from the first component of the earlier one to
    the last component of the later one: the later stage never ends left of the earlier
    one's start (minlen 0: they may share a column)."""
    clusters = [c for c in graph.clusters if c.node_ids]
    for i, earlier in enumerate(clusters):
        for later in clusters[i + 1 :]:
            _order_edge(diagram, earlier, later)


def _keep_in_order(
    diagram: diagrams.Diagram, graph: Graph, pairs: frozenset[tuple[str, str]]
) -> None:
    """The invisible edge of `_add_stage_order` for each (earlier, later) pair of stages in
    `pairs` only: a stage drawn left of an earlier one is kept from it, the rest left free."""
    clusters = {c.stage: c for c in graph.clusters if c.node_ids}
    for earlier, later in sorted(pairs):
        if earlier in clusters and later in clusters:
            _order_edge(diagram, clusters[earlier], clusters[later])


def _keep_apart(diagram: diagrams.Diagram, graph: Graph, pairs: frozenset[tuple[str, str]]) -> None:
    """For each (earlier, later) pair of stages in `pairs`, an invisible edge from the last
    component of the earlier one to the first of the later one: the later one starts right
    of where the earlier one ends."""
    clusters = {c.stage: c for c in graph.clusters if c.node_ids}
    for earlier, later in sorted(pairs):
        if earlier in clusters and later in clusters:
            first, then = clusters[earlier].node_ids[-1], clusters[later].node_ids[0]
            diagram.dot.edge(first, then, style="invis", weight="0")


def _keep_in_a_row(diagram: diagrams.Diagram, graph: Graph, options: Options) -> None:
    """For each (earlier, later) pair of stages in `options.in_a_row`, every component and
    connector of the later stage ranked after every one of the earlier: the later stage
    starts right of where the earlier one ends, in columns of its own (the one edge of
    `_keep_apart` leaves two stages stacked where the earlier's last component is not its
    rightmost).

    Where the stages' own flows rank their nodes, an invisible edge from each node of the
    earlier stage ranked last within it (`_ends`) to each node of the later ranked first
    keeps every node of one before every node of the other. Where that takes more edges than
    the two stages have nodes, the ranks are kept through an invisible point between them
    instead (`ROW_PREFIX`): an edge from each node of the earlier to it (minlen 0) and from
    it to each node of the later. The point costs fewer edges, but every row edge then meets
    at it and `dot` orders the ranks otherwise: on the 17 example designs, 21 of 103
    pictures failed `check --strict` with the point for every row, 18 with the direct edges
    where they are few (map-change-detection, patient-triage and youtube-video-search come
    out clean). An edge from every node of one stage to every node of the other made `dot`
    take minutes on some designs of 25 components (one of the random designs of
    tests/test_layout_crashes.py: a search of 15 s without rows took 629 s); direct edges
    between the ends however many they are tripled it (12 s to 36 s on that design).
    Neither way is better on every design: `row_points` keeps every row through a point."""
    members = _stage_members(graph, options)
    edges = _ranking_edges(graph, options)
    for number, (earlier, later) in enumerate(sorted(options.in_a_row)):
        if not (members.get(earlier) and members.get(later)):
            continue
        last = _ends(members[earlier], edges)
        first = _ends(members[later], [(b, a) for a, b in edges])
        few = len(last) * len(first) <= len(members[earlier]) + len(members[later])
        if few and not options.row_points:
            for tail in last:
                for head in first:
                    diagram.dot.edge(tail, head, style="invis", weight="0")
            continue
        between = f"{ROW_PREFIX}{number}"
        diagram.dot.node(between, label="", shape="point", width="0", height="0", style="invis")
        for tail in members[earlier]:
            diagram.dot.edge(tail, between, style="invis", minlen="0", weight="0")
        for head in members[later]:
            diagram.dot.edge(between, head, style="invis", weight="0")


def _ranking_edges(graph: Graph, options: Options) -> list[tuple[str, str]]:
    """The (tail, head) of every flow's edge that ranks its head after its tail: both arrows
    of a flow drawn as connectors (`_add_link`), and a flow drawn whole as `to_dot` does."""
    stages = {node.id: node.stage for node in graph.nodes}
    stages |= {stub.id: stub.stage for stub in graph.stubs}
    stubs = {stub.id for stub in graph.stubs}
    ranking = []
    for index, edge in enumerate(graph.edges):
        if index in options.links:
            to_id, from_id = link_ids(index)
            ranking += [(edge.source, to_id), (from_id, edge.target)]
            continue
        constraint = _constraint(edge, stages, stubs, options)
        if constraint is None:
            constraint = options.theme.flow[edge.kind].get("constraint") != "false"
        if constraint:
            ranking.append((edge.source, edge.target))
    return ranking


def _ends(members: list[str], edges: list[tuple[str, str]]) -> list[str]:
    """Those of `members` ranked last among them by `edges` (none ranked after them by an edge
    within the group), and any not ranked before one of those (a cycle): every member is
    ranked no later than one of them."""
    inside = set(members)
    after = {m: [b for a, b in edges if a == m and b in inside and b != m] for m in members}
    last = [m for m in members if not after[m]]
    reach = set(last)
    changed = True
    while changed:
        changed = False
        for m in members:
            if m not in reach and any(b in reach for b in after[m]):
                reach.add(m)
                changed = True
    return last + [m for m in members if m not in reach]


def _stage_members(graph: Graph, options: Options) -> dict[str, list[str]]:
    """The nodes drawn in each stage with components: its components, then the connectors
    of the flows drawn as connectors that start or end there (`_add_link_nodes`)."""
    stages = {node.id: node.stage for node in graph.nodes}
    members = {c.stage: list(c.node_ids) for c in graph.clusters if c.node_ids}
    for index in sorted(options.links):
        edge = graph.edges[index]
        for node_id, end in zip(link_ids(index), (edge.source, edge.target), strict=True):
            if stages.get(end) in members:
                members[stages[end]].append(node_id)
    return members


def _order_edge(diagram: diagrams.Diagram, earlier: Cluster, later: Cluster) -> None:
    diagram.dot.edge(earlier.node_ids[0], later.node_ids[-1], style="invis", minlen="0", weight="0")


_UNUSED_NODE_DEFAULTS = ("imagescale", "labelloc", "style")


@contextmanager
def _building(graph: Graph, options: Options) -> Iterator[diagrams.Diagram]:
    theme = options.theme
    diagram = diagrams.Diagram(
        name=_text(graph.title),
        filename=graph.id,
        direction="LR",
        show=False,
        graph_attr=theme.graph,
        node_attr=theme.node,
        edge_attr=theme.edge,
    )
    diagram.dot.graph_attr.update(style.SPACINGS[options.spacing])
    for inherited in _UNUSED_NODE_DEFAULTS:  # mingrammer's defaults for icon-only nodes
        diagram.dot.node_attr.pop(inherited, None)
    diagram.dot.graph_attr["label"] = _title_label(graph, options)
    diagrams.setdiagram(diagram)
    try:
        yield diagram
    finally:
        diagrams.setdiagram(None)


ZONES_CAPTION = "offline (batch, hours) vs online (per request, milliseconds)"


def _named_cluster(title: str, name: str, attrs: dict[str, str]) -> diagrams.Cluster:
    group = diagrams.Cluster(_text(title), graph_attr=attrs)
    # mingrammer names a cluster after its label; two equal labels would merge into one box.
    group.name = name
    group.dot.name = name
    return group


def _add_cluster(graph: Graph, cluster: Cluster, options: Options, homes: dict[str, str]) -> None:
    """A stage's box with its components, its connectors and the stubs drawn in it (`homes`:
    each stub's stage, `stub_homes`, when they go inside)."""
    theme = options.theme
    fill, pen = theme.stage_colors[cluster.stage]
    title = cluster.title
    if options.zones:  # the same layout, coloured by zone instead of by stage
        where = zone(cluster.stage)
        fill, pen = theme.zones[where]
        title = f"{title} ({where})"
    attrs = {**theme.cluster, "bgcolor": fill, "pencolor": pen}
    hidden = cluster.stage in options.hidden
    if hidden:
        attrs = {**attrs, "style": "invis"}
    nodes = {node.id: node for node in graph.nodes}
    with _named_cluster(title, f"cluster_{cluster.stage}", attrs) as group:
        for node_id in cluster.node_ids:
            _add_node(nodes[node_id], theme, hidden)
        _add_link_nodes(group, graph, cluster, options)
        for stub in graph.stubs:
            if homes.get(stub.id) == cluster.stage:
                _add_stub(group.dot, stub, theme)


def _add_node(node: Node, theme: style.Theme, hidden: bool) -> None:
    label = _node_label(node.label, node.kind, theme)
    attrs = {"style": "invis"} if hidden else {}
    if node.description:  # shown on hover in the SVG (and the site)
        attrs["tooltip"] = tooltip(node.description)
    diagrams.Node(label, nodeid=node.id, **attrs)


def tooltip(text: str) -> str:
    """User text for a node's tooltip: one line, never read as HTML or as escapes."""
    return graphviz.nohtml(dot_tooltip(" ".join(text.split())))


def _node_label(label: str, kind: str, theme: style.Theme) -> str:
    lines = "<BR/>".join(dot_html(line) for line in _lines(label, style.LABEL_WRAP))
    icon = _icon_cell(kind, style.ICON_SIZE, theme)
    return (
        '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="3">'
        f"<TR>{icon}</TR>"
        f"<TR><TD>{lines}</TD></TR></TABLE>>"
    )


def _icon_cell(kind: str, size: int, theme: style.Theme) -> str:
    icon = html.escape(catalog.icon_ref(kind))
    # a square tile: Graphviz 2.43 crashes (SIGSEGV) on about half its runs with rounded,
    # filled cells of fixed size (measured on the dark theme's overview)
    tile = f' BGCOLOR="{theme.icon_tile}"' if theme.icon_tile else ""
    return (
        f'<TD FIXEDSIZE="TRUE" WIDTH="{size}" HEIGHT="{size}"{tile}>'
        f'<IMG SRC="{icon}" SCALE="TRUE"/></TD>'
    )


def _add_link_nodes(
    group: diagrams.Cluster, graph: Graph, cluster: Cluster, options: Options
) -> None:
    """The connectors of linked flows that start or end in this stage: a small rounded box
    naming the component at the other end, beside the component it belongs to."""
    members = set(cluster.node_ids)
    labels = {node.id: node.label for node in graph.nodes}
    stages = {node.id: node.stage for node in graph.nodes}
    for index in sorted(options.links):
        edge = graph.edges[index]
        to_id, from_id = link_ids(index)
        for node_id, end, word, other in (
            (to_id, edge.source, "to", edge.target),
            (from_id, edge.target, "from", edge.source),
        ):
            if end in members:
                hidden = bool({stages[edge.source], stages[edge.target]} & options.hidden)
                hidden = hidden or (edge.kind == "feedback" and bool(options.hidden))
                text = f"{word} {labels[other]}"
                _link_node(group, node_id, text, edge.kind, options.theme, hidden)


def _link_node(
    group: diagrams.Cluster, node_id: str, text: str, kind: str, theme: style.Theme, hidden: bool
) -> None:
    color = theme.flow[kind]["color"]
    group.dot.node(
        node_id,
        label=_wrapped(text, style.LABEL_WRAP),
        shape="box",
        style="rounded,invis" if hidden else "rounded",
        color=color,
        fontcolor=theme.flow[kind]["fontcolor"],
        fontsize=theme.edge["fontsize"],  # a connector reads like a flow's label
        margin="0.1,0.04",
    )


def _add_link(
    diagram: diagrams.Diagram,
    index: int,
    edge: Edge,
    options: Options,
    *,
    hidden: bool,
    external: bool = False,
) -> None:
    """A flow drawn as two short arrows: its source to a connector naming the target (with
    the flow's label), and a connector naming the source to its target."""
    to_id, from_id = link_ids(index)
    out = replace(edge, target=to_id)
    into = replace(edge, source=from_id, label=None, step=None)
    _add_edge(diagram, out, options, constraint=True, hidden=hidden, external=external)
    _add_edge(diagram, into, options, constraint=True, hidden=hidden)


# a stub's copy in a stage after the first its flows end in: `split_stubs`. Spec ids are
# lower case, so no stub of a spec's component is ever named so.
COPY_MARK = "_IN_"


def stub_homes(graph: Graph) -> dict[str, str]:
    """The stage each stub of a view is drawn in with `Options.stubs_inside`, once split
    (`split_stubs`): the one stage of the components at the other end of its flows."""
    return {stub: found[0] for stub, found in _stub_stages(graph).items() if len(found) == 1}


def split_stubs(graph: Graph) -> Graph:
    """`graph` with each stub whose flows end in several stages drawn once in each (as a
    flow drawn as connectors gets one at each end): the copy in any stage after the first is
    named `stub.id + COPY_MARK + stage`, and its flows end at it. llm-agent's serving view:
    the trace store, written by the app and by the orchestrator, drew one line across the
    serving stage to the other."""
    found = _stub_stages(graph)
    if all(len(places) < 2 for places in found.values()):
        return graph
    stages = {node.id: node.stage for node in graph.nodes}

    def end(node_id: str, other: str) -> str:
        places = found.get(node_id, [])
        if len(places) < 2 or stages.get(other, places[0]) == places[0]:
            return node_id
        return f"{node_id}{COPY_MARK}{stages[other]}"

    edges = tuple(
        replace(edge, source=end(edge.source, edge.target), target=end(edge.target, edge.source))
        for edge in graph.edges
    )
    stubs = tuple(
        copy
        for stub in graph.stubs
        for copy in (
            stub,
            *(replace(stub, id=f"{stub.id}{COPY_MARK}{place}") for place in found[stub.id][1:]),
        )
    )
    return replace(graph, edges=edges, stubs=stubs)


def stub_of(node_id: str) -> str:
    """The stub a node of the drawing is, or a copy of (`split_stubs`); else the node."""
    return node_id.split(COPY_MARK)[0] if node_id.startswith(STUB_PREFIX) else node_id


def _stub_stages(graph: Graph) -> dict[str, list[str]]:
    """The stages of the components at the other ends of each stub's flows, in the order
    the stages are drawn."""
    stages = {node.id: node.stage for node in graph.nodes}
    order = [cluster.stage for cluster in graph.clusters]
    ends: dict[str, set[str]] = {stub.id: set() for stub in graph.stubs}
    for edge in graph.edges:
        for stub, other in ((edge.source, edge.target), (edge.target, edge.source)):
            if stub in ends and other in stages:
                ends[stub].add(stages[other])
    return {stub: sorted(found, key=order.index) for stub, found in ends.items()}


def _add_stub(dot: graphviz.Digraph, stub: Stub, theme: style.Theme) -> None:
    """A component outside the view: a small dashed box with its name and stage."""
    text = "\\n".join(
        [_wrapped(stub.label, style.LABEL_WRAP), _text(f"({TITLES[Stage(stub.stage)]})")]
    )
    dot.node(
        stub.id,
        label=graphviz.nohtml(text),
        shape="box",
        style="rounded,dashed",
        color=theme.muted,
        fontcolor=theme.muted,
        fontsize=style.STUB_FONT_SIZE,
        margin="0.12,0.06",
    )


# --- the title and the key ---


def _title_label(graph: Graph, options: Options) -> str:
    """The graph's label: a plain title, or an HTML-like table with the caption and key."""
    key = _key(graph, options.theme, options.key_rows) if options.legend else ""
    if not key and not options.caption:
        return _text(graph.title)
    rows = [f'<FONT POINT-SIZE="{options.theme.graph["fontsize"]}">{_html(graph.title)}</FONT>']
    if options.caption:
        rows.append(f'<FONT POINT-SIZE="17">{_html(options.caption)}</FONT>')
    if key:
        rows.append(key)
    cells = "".join(f"<TR><TD>{row}</TD></TR>" for row in rows)
    return f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="4" CELLPADDING="0">{cells}</TABLE>>'


def _key(graph: Graph, theme: style.Theme, most_rows: int) -> str:
    """The key, in at most `most_rows` rows: a block of the flow kinds used (their lines) on
    the left, then the component kinds used (their icons)."""
    used_flows = {edge.kind for edge in graph.edges}
    flows = [_flow_sample(kind.value, theme) for kind in FlowKind if kind.value in used_flows]
    used_kinds = {node.kind for node in graph.nodes}
    kinds = [
        _icon_cell(kind.name, style.KEY_ICON_SIZE, theme)
        + f'<TD ALIGN="LEFT">{_html(kind.title)}</TD>'
        for kind in catalog.KINDS
        if kind.name in used_kinds
    ]
    if not flows and not kinds:
        return ""
    rows = max(1, min(most_rows, max(len(flows), len(kinds))))
    flow_columns = math.ceil(len(flows) / rows)
    columns = math.ceil(len(kinds) / rows)
    gap = f'<TD WIDTH="{style.KEY_GAP}"></TD>' if flows and kinds else ""
    body = "".join(
        "<TR>"
        + _key_row(flows[r * flow_columns : (r + 1) * flow_columns], flow_columns)
        + gap
        + "".join(kinds[r * columns : (r + 1) * columns])
        + "</TR>"
        for r in range(rows)
    )
    return (
        f'<FONT POINT-SIZE="13"><TABLE BORDER="1" COLOR="{theme.muted}" STYLE="rounded" '
        f'CELLBORDER="0" CELLSPACING="2" CELLPADDING="3">{body}</TABLE></FONT>'
    )


def _key_row(cells: list[str], columns: int) -> str:
    """One row of the flows' block of the key, padded to `columns` (two table cells each)
    so that the component kinds beside it line up."""
    padding = columns - len(cells)
    return "".join(cells) + (f'<TD COLSPAN="{2 * padding}"></TD>' if padding > 0 else "")


def _flow_sample(kind: str, theme: style.Theme) -> str:
    """A flow kind in the key: a short line in its colour, width and dashes, then its name."""
    attrs = theme.flow[kind]
    width, dash = style.key_line(attrs)
    dashes = "" if dash == "solid" else f' STYLE="{dash}"'
    line = (
        f'<TD FIXEDSIZE="TRUE" WIDTH="{style.KEY_ICON_SIZE}" HEIGHT="{width}" SIDES="B" '
        f'BORDER="{width}" COLOR="{attrs["color"]}"{dashes}></TD>'
    )
    return f'{line}<TD ALIGN="LEFT">{kind}</TD>'


def shapes_layout(edge: Edge, stages: dict[str, str]) -> bool:
    """Whether an edge pulls its target to the right of its source.

    Model deployment (training → serving) and flows from the online side back into the
    offline pipeline do not: the offline pipeline and the request path then lie in two rows
    side by side instead of one very long line.
    """
    source, target = stages[edge.source], stages[edge.target]
    deploys = source == "training" and target in ("serving", "client")
    goes_back = source in ONLINE and target in OFFLINE
    return not (deploys or goes_back)


def _add_edge(
    diagram: diagrams.Diagram,
    edge: Edge,
    options: Options,
    *,
    constraint: bool | None,
    hidden: bool,
    external: bool = False,
) -> None:
    """Draw one flow; `constraint` None leaves rank constraints to the flow kind's style;
    `external`: its label placed once the picture is laid out (Options.xlabels)."""
    attrs = dict(options.theme.flow[edge.kind])
    label = _edge_label(edge)
    if label:
        attrs["xlabel" if external else "label"] = label
    if constraint is False:
        attrs["constraint"] = "false"
    elif constraint is True:
        attrs.pop("constraint", None)
    if hidden:
        attrs["style"] = "invis"
    diagram.dot.edge(edge.source, edge.target, **attrs)


def _edge_label(edge: Edge) -> str:
    return graphviz.nohtml("\\n".join(edge_label_lines(edge)))


def edge_label_lines(edge: Edge) -> list[str]:
    """An edge's label as escaped lines: its step mark, then its wrapped text."""
    lines = plain_lines(edge.label, style.EDGE_LABEL_WRAP) if edge.label else []
    if edge.step:
        lines = [" ".join([style.step_mark(edge.step), *lines[:1]]), *lines[1:]]
    return lines


@functools.lru_cache(maxsize=4096)
def _lines(text: str, width: int) -> tuple[str, ...]:
    """`text` wrapped at `width`: remembered, as each candidate of a layout search wraps
    the same labels again (a fifth of `to_dot`, 2026-11-28)."""
    wrapped = textwrap.wrap(" ".join(text.split()), width=width, break_on_hyphens=False)
    return tuple(wrapped) or ("",)


def _wrapped(text: str, width: int) -> str:
    """User text for a plain DOT label: escaped (no HTML, no escape sequences), wrapped."""
    return graphviz.nohtml("\\n".join(plain_lines(text, width)))


def plain_lines(text: str, width: int) -> list[str]:
    """User text wrapped into lines, each escaped for a plain DOT label."""
    return [_plain(line) for line in _lines(text, width)]


def _text(text: str) -> str:
    return _plain(" ".join(text.split()))


def _html(value: str) -> str:
    """User text inside an HTML-like label."""
    return dot_html(" ".join(value.split()))


def _plain(value: str) -> str:
    """User text for a plain label (never read as HTML, whatever its brackets)."""
    return graphviz.nohtml(dot_plain(value))

"""Property tests: generated specs full of hostile text, through load → validate → graph → DOT
and every text output, running `dot` only in the layout search (see SEARCHED_EVERY).

What "escaped" means, per language, as checked here:

- DOT: the source is tokenized and parsed; it holds exactly one node statement per component
  and one edge statement per flow (between existing nodes), only attribute names of our
  style tables, and the same token stream as a *twin* design (same structure, every free
  text replaced by `x`) once label values are masked: no user text adds a token, a
  statement or an attribute. A node label is an HTML-like table of fixed shape whose text is
  the user's label; an edge or graph label is a quoted string whose text, read as Graphviz
  reads escape sequences, is the user's (never a `\\N`-style substitution).
- Mermaid: every line matches the grammar we emit, quoted labels use plain characters only
  and decode (`#NN;`) back to the user's text.
- Markdown (the write-up): markdown-it parses it into the same block and inline token kinds
  as the twin's: no user text makes a link, image, HTML, emphasis, heading, list or cell.
- HTML (the design page and the index): the same tags and attribute names as the twin's,
  links only http(s) or relative, no event-handler attribute.
- Python (the exported script): `ast.parse` gives the twin's tree once string constants are
  masked, and every user label is one of its string constants, exactly.
"""

from __future__ import annotations

import ast
import html
import json
import re
import textwrap
import xml.etree.ElementTree as ET
from collections import Counter
from html.parser import HTMLParser
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from mlsd_diagrams import catalog
from mlsd_diagrams.errors import MlsdError, is_hidden
from mlsd_diagrams.graph import Cluster, Edge, Graph, Node, Stub, build_graph
from mlsd_diagrams.load import load_text
from mlsd_diagrams.model import DOT_KEYWORDS, RESERVED_FOLDERS, Design
from mlsd_diagrams.pictures import build_up, overview, view_pictures
from mlsd_diagrams.render import site, style
from mlsd_diagrams.render.dot import Options, stub_of, to_dot
from mlsd_diagrams.render.mermaid import to_mermaid
from mlsd_diagrams.render.pycode import to_python
from mlsd_diagrams.render.text import one_line
from mlsd_diagrams.render.writeup import to_markdown
from mlsd_diagrams.tradeoffs import TRADEOFFS
from mlsd_diagrams.validate import validate

EXAMPLES = 200
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # the same examples on every run: a CI failure reproduces locally
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# --- DOT ---

_DOT_TOKEN = re.compile(
    r"""(?P<space>\s+)
      | (?P<string>"(?:[^"\\]|\\.)*")
      | (?P<arrow>->)
      | (?P<punct>[{}\[\];=,])
      | (?P<id>[A-Za-z_\x80-\U0010ffff][A-Za-z_0-9\x80-\U0010ffff]*|-?(?:\.\d+|\d+(?:\.\d*)?))
    """,
    re.VERBOSE | re.DOTALL,
)


def dot_tokens(source: str) -> list[tuple[str, str]]:
    """The tokens of a DOT source; an HTML-like string `<...>` is one token."""
    tokens, at = [], 0
    while at < len(source):
        if source[at] == "<":
            end = _html_end(source, at)
            tokens.append(("html", source[at + 1 : end]))
            at = end + 1
            continue
        match = _DOT_TOKEN.match(source, at)
        assert match, f"unexpected DOT text at {at}: {source[at : at + 40]!r}"
        if match.lastgroup != "space":
            tokens.append((match.lastgroup or "", match.group()))
        at = match.end()
    return tokens


def _html_end(source: str, start: int) -> int:
    depth = 0
    for at in range(start, len(source)):
        depth += {"<": 1, ">": -1}.get(source[at], 0)
        if depth == 0:
            return at
    raise AssertionError("unbalanced HTML-like string in DOT")


class DotGraph:
    """What a DOT source declares: nodes (with their cluster), edges, attribute lists."""

    def __init__(self, source: str) -> None:
        self.tokens = dot_tokens(source)
        self.at = 0
        self.nodes: list[tuple[str, str | None, dict[str, tuple[str, str]]]] = []
        self.edges: list[tuple[str, str, dict[str, tuple[str, str]]]] = []
        self.attr_lists: list[dict[str, tuple[str, str]]] = []
        assert self._next() == ("id", "digraph")
        self.name = self._next() if self._peek() != ("punct", "{") else ("", "")
        self._block(None)
        assert self.at == len(self.tokens), "tokens after the closing brace"

    def _next(self) -> tuple[str, str]:
        self.at += 1
        return self.tokens[self.at - 1]

    def _peek(self) -> tuple[str, str]:
        return self.tokens[self.at] if self.at < len(self.tokens) else ("", "")

    def _block(self, cluster: str | None) -> None:
        assert self._next() == ("punct", "{")
        while self._peek() != ("punct", "}"):
            self._statement(cluster)
        self._next()

    def _statement(self, cluster: str | None) -> None:
        kind, word = self._next()
        if kind == "id" and word in ("graph", "node", "edge"):
            self.attr_lists.append(self._attrs())
        elif kind == "id" and word == "subgraph":
            self._block(self._next()[1])
        elif self._peek() == ("arrow", "->"):
            self._next()
            target = _dot_id(self._next())
            self.edges.append((_dot_id((kind, word)), target, self._attrs()))
        else:
            self.nodes.append((_dot_id((kind, word)), cluster, self._attrs()))

    def _attrs(self) -> dict[str, tuple[str, str]]:
        attrs: dict[str, tuple[str, str]] = {}
        if self._peek() != ("punct", "["):
            return attrs
        self._next()
        while self._peek() != ("punct", "]"):
            key = self._next()
            assert key[0] == "id" and self._next() == ("punct", "=")
            attrs[key[1]] = self._next()
            if self._peek() in (("punct", ","), ("punct", ";")):
                self._next()
        self._next()
        self.attr_lists.append(attrs)
        return attrs


def _dot_id(token: tuple[str, str]) -> str:
    kind, value = token
    assert kind in ("id", "string"), f"not an id: {token}"
    return dot_string(value) if kind == "string" else value


def dot_string(quoted: str) -> str:
    """A quoted DOT string's value: the DOT language escapes only the double quote."""
    return quoted[1:-1].replace('\\"', '"').replace("\\\n", "")


_SUBSTITUTION = "\x00"


def graphviz_text(value: str) -> str:
    """The text Graphviz shows for a plain label: `\\n`, `\\l`, `\\r` break lines, `\\\\` is a
    backslash, `\\N`, `\\G`... are substitutions (marked here; never expected), and HTML
    entities (`&amp;`, `&lt;`) are expanded even outside HTML-like labels."""
    return html.unescape(escapes_expanded(value))


def escapes_expanded(value: str) -> str:
    """Graphviz's escape sequences, which it expands in HTML-like labels too (after their
    entities)."""

    def one(match: re.Match[str]) -> str:
        char = match.group(1)
        if char in "nlr":
            return "\n"
        return _SUBSTITUTION if char in "NGETHL" else char

    return re.sub(r"\\(.)", one, value, flags=re.DOTALL)


def html_label_text(value: str) -> str:
    """The text of one of our node labels, after checking its fixed shape: a table of an
    image row and a text row holding only text and line breaks."""
    table = ET.fromstring(value)
    assert table.tag == "TABLE" and [row.tag for row in table] == ["TR", "TR"]
    icon_row, text_row = table
    assert [cell.tag for cell in icon_row] == ["TD"] and [i.tag for i in icon_row[0]] == ["IMG"]
    assert set(icon_row[0][0].attrib) == {"SRC", "SCALE"} and not icon_row[0][0].tail
    assert [cell.tag for cell in text_row] == ["TD"] and not text_row[0].attrib
    assert all(child.tag == "BR" and not child.attrib for child in text_row[0])
    return escapes_expanded("".join(text_row[0].itertext()))


def title_label_text(token: tuple[str, str]) -> str:
    """The title a graph label shows: a plain label, or the first row of our HTML-like
    title-and-key table, which must hold only text (user text never becomes markup)."""
    kind, value = token
    if kind != "html":
        return graphviz_text(_dot_id(token))
    table = ET.fromstring(value)
    assert table.tag == "TABLE" and all(row.tag == "TR" for row in table)
    [cell] = table[0]
    [font] = cell
    assert font.tag == "FONT" and len(font) == 0 and set(font.attrib) == {"POINT-SIZE"}
    return escapes_expanded(font.text or "")


def squeezed(text: str) -> str:
    """Text with all whitespace removed: wrapping only ever adds or moves line breaks."""
    return "".join(text.split())


_ALLOWED_ATTRIBUTES = (
    set(style.GRAPH)
    | set(style.NODE)
    | set(style.EDGE)
    | set(style.CLUSTER)
    | {key for flow in style.FLOW.values() for key in flow}
    | {"label", "rankdir", "shape", "bgcolor", "pencolor", "constraint", "color"}
    | {"margin", "minlen", "weight"}  # connectors, and the invisible stage-order edges
    | {"tooltip"}  # a component's description (checked in check_dot)
    | {"xlabel"}  # a flow's label placed after the layout (Options.xlabels)
)
LINK = "_link_"  # a flow drawn as two short arrows to and from connectors (arrange.py)
ROW = "_row_"  # an invisible point keeping two stages in a row (render/dot.py): no text


def scaffolding(dot: DotGraph) -> list[tuple[str, Any]]:
    """The points keeping stages in a row, each with its cluster; they carry no text."""
    points = [
        (node_id, cluster, attrs)
        for node_id, cluster, attrs in dot.nodes
        if node_id.startswith(ROW)
    ]
    for _, _, attrs in points:
        assert _dot_id(attrs["style"]) == "invis" and _dot_id(attrs["label"]) == "", attrs
    return [(node_id, cluster) for node_id, cluster, _ in points]


def drawn_flows(dot: DotGraph) -> list[tuple[str, str, dict[str, tuple[str, str]]]]:
    """The flows a DOT source draws, in order: invisible layout edges left out, and a flow
    split into `source -> _link_N_to` (with its label) and `_link_N_from -> target` joined."""
    flows: list[tuple[str, str, dict[str, tuple[str, str]]]] = []
    at: dict[str, int] = {}
    for source, target, attrs in dot.edges:
        if "weight" in attrs and _dot_id(attrs["style"]) == "invis":
            continue  # keeps a later stage from ending left of an earlier one, or wholly
            # right of it (Options.kept_in_order, kept_apart): not a flow. (A flow a
            # build-up frame has not introduced yet is invisible too, but has no weight.)
        if target.startswith(LINK):
            at[target.removesuffix("_to")] = len(flows)
            flows.append((source, target, attrs))
        elif source.startswith(LINK):
            index = at[source.removesuffix("_from")]
            flows[index] = (flows[index][0], target, flows[index][2])
        else:
            flows.append((source, target, attrs))
    return flows


def check_connectors(dot: DotGraph, graph: Graph) -> None:
    """Each connector names, as text, the component at the other end of its flow."""
    labels = {node.id: node.label for node in graph.nodes}
    named = {node_id: attrs for node_id, _, attrs in dot.nodes if node_id.startswith(LINK)}
    names = {squeezed(f"{word} {label}") for label in labels.values() for word in ("to", "from")}
    for attrs in named.values():
        text = graphviz_text(_dot_id(attrs["label"]))
        assert squeezed(text) in names and _SUBSTITUTION not in text


def check_dot(source: str, graph: Graph) -> None:
    dot = DotGraph(source)
    nodes = {node.id: node for node in graph.nodes}
    assert all(cluster is None for _, cluster in scaffolding(dot))  # between the stages
    components = [n for n in dot.nodes if not n[0].startswith((LINK, ROW))]
    assert sorted(node_id for node_id, _, _ in components) == sorted(nodes), "one per component"
    check_connectors(dot, graph)
    for node_id, cluster, attrs in components:
        assert cluster == f"cluster_{nodes[node_id].stage}"
        assert attrs["label"][0] == "html"
        assert squeezed(html_label_text(attrs["label"][1])) == squeezed(nodes[node_id].label)
        # a tooltip is the component's description, and only that
        assert ("tooltip" in attrs) == bool(nodes[node_id].description), node_id
    flows = drawn_flows(dot)
    assert [(a, b) for a, b, _ in flows] == [(e.source, e.target) for e in graph.edges]
    for (_, _, attrs), edge in zip(flows, graph.edges, strict=True):
        shown = style.edge_text(edge)
        text = attrs.get("label") or attrs.get("xlabel")  # xlabel: placed after the layout
        label = graphviz_text(_dot_id(text)) if text else ""
        assert squeezed(label) == squeezed(shown) and _SUBSTITUTION not in label
    title = title_label_text(dot.attr_lists[0]["label"])
    assert squeezed(title) == squeezed(graph.title) and _SUBSTITUTION not in title
    for attrs in dot.attr_lists:
        assert set(attrs) <= _ALLOWED_ATTRIBUTES, set(attrs) - _ALLOWED_ATTRIBUTES


def check_picture(source: str, graph: Graph) -> None:
    """A view or frame: its components once each, its stubs at least once (a stub whose flows
    end in several stages may be drawn in each, `split_stubs`); every edge between declared
    nodes; user text only ever as text (title, labels, stub names)."""
    dot = DotGraph(source)
    scaffolding(dot)
    declared = [node_id for node_id, _, _ in dot.nodes if not node_id.startswith((LINK, ROW))]
    assert len(declared) == len(set(declared))
    assert sorted({stub_of(n) for n in declared}) == sorted(
        [n.id for n in graph.nodes] + [s.id for s in graph.stubs]
    )
    nodes = {node.id: node for node in graph.nodes}
    assert sorted(n for n in declared if n in nodes) == sorted(nodes)
    flows = [(stub_of(a), stub_of(b)) for a, b, _ in drawn_flows(dot)]
    assert flows == [(e.source, e.target) for e in graph.edges]
    for node_id, _, attrs in dot.nodes:
        if node_id in nodes:
            assert squeezed(html_label_text(attrs["label"][1])) == squeezed(nodes[node_id].label)
    stubs = {stub.id: stub for stub in graph.stubs}
    for node_id, _, attrs in dot.nodes:
        if stub_of(node_id) in stubs:
            label = graphviz_text(_dot_id(attrs["label"]))
            expected = squeezed(stubs[stub_of(node_id)].label)
            assert squeezed(label).startswith(expected) and _SUBSTITUTION not in label
    title = title_label_text(dot.attr_lists[0]["label"])
    assert squeezed(title) == squeezed(graph.title) and _SUBSTITUTION not in title
    for attrs in dot.attr_lists:
        assert set(attrs) <= _ALLOWED_ATTRIBUTES, set(attrs) - _ALLOWED_ATTRIBUTES


def dot_skeleton(source: str) -> list[tuple[str, str]]:
    """The tokens, with the graph name and every label, xlabel and tooltip value masked."""
    tokens = dot_tokens(source)
    if tokens[1] != ("punct", "{"):
        tokens[1] = ("name", "")
    for at in range(2, len(tokens)):
        key = tokens[at - 2]
        masked = (("id", "label"), ("id", "xlabel"), ("id", "tooltip"))
        if key in masked and tokens[at - 1] == ("punct", "="):
            tokens[at] = (key[1], "")
    return tokens


# --- Mermaid ---

_MERMAID_QUOTED = r'"([A-Za-z0-9 ,.:/\'_()+?!%=#;-]*)"'
_MERMAID_COLOUR = (
    r"fill:#[0-9A-F]{6},stroke:#[0-9A-F]{6}(?:,stroke-dasharray:4 3)?,color:#[0-9A-F]{6}"
)
_MERMAID_LINES = [
    re.compile(r"flowchart LR"),
    re.compile(rf"  subgraph s_[a-z]+\[{_MERMAID_QUOTED}\]"),
    re.compile(rf"    n\d+\[{_MERMAID_QUOTED}\]"),
    re.compile(r"  end"),
    re.compile(rf"  x\d+\[{_MERMAID_QUOTED}\]"),  # a stub, in a view's chart
    re.compile(rf"  [nx]\d+ (?:-->|-\.->|==>)(?:\|{_MERMAID_QUOTED}\|)? [nx]\d+"),
    re.compile(rf"  style s_[a-z]+ {_MERMAID_COLOUR}"),
    re.compile(rf"  classDef (?:st_[a-z]+|stub) {_MERMAID_COLOUR}"),
    re.compile(r"  class [nx]\d+(?:,[nx]\d+)* (?:st_[a-z]+|stub)"),
]


def mermaid_texts(source: str) -> list[str]:
    """Every quoted label, decoded, after checking each line against our grammar."""
    texts = []
    for line in source.splitlines():
        match = next((m for p in _MERMAID_LINES if (m := p.fullmatch(line))), None)
        assert match, f"unexpected Mermaid line: {line!r}"
        texts += [
            re.sub(r"#(\d+);", lambda m: chr(int(m.group(1))), g)
            for g in match.groups()
            if g is not None
        ]
    return texts


def check_mermaid(source: str, graph: Graph) -> None:
    expected = [c.title for c in graph.clusters]
    labels = {node.id: node.label for node in graph.nodes}
    for cluster in graph.clusters:
        expected += [labels[n] for n in cluster.node_ids]
    expected += [stub.label for stub in graph.stubs]
    texts = mermaid_texts(source)
    edge_texts = [style.edge_text(e) for e in graph.edges]
    expected = [one_line(t) for t in expected + [t for t in edge_texts if t]]
    assert sorted(texts) == sorted(expected)


# --- Markdown, HTML, Python: the same structure as the twin's ---

_MARKDOWN = MarkdownIt("commonmark").enable("table").enable("strikethrough")


def markdown_skeleton(text: str) -> list[tuple[Any, ...]]:
    skeleton: list[tuple[Any, ...]] = []
    for token in _MARKDOWN.parse(text):
        if token.type == "inline":
            kinds = [child.type for child in token.children or []]
            skeleton.append(
                ("inline", *(k for i, k in enumerate(kinds) if kinds[i - 1 : i] != [k]))
            )
        else:
            skeleton.append((token.type, token.tag, token.info))
    return skeleton


class _HtmlSkeleton(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: list[tuple[Any, ...]] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.items.append(("start", tag, tuple(sorted(name for name, _ in attrs))))
        self.links += [value or "" for name, value in attrs if name in ("href", "src")]
        assert not any(name.startswith("on") for name, _ in attrs)

    def handle_endtag(self, tag: str) -> None:
        self.items.append(("end", tag))

    def handle_comment(self, data: str) -> None:
        self.items.append(("comment",))


def html_skeleton(text: str) -> list[tuple[Any, ...]]:
    parser = _HtmlSkeleton()
    parser.feed(text)
    parser.close()
    for link in parser.links:
        assert re.match(r"^(https?://|data:,$|[^:]*$)", link), link
    return parser.items


def python_skeleton(source: str) -> str:
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            node.value = "S"
    return ast.dump(tree)


def python_strings(source: str) -> set[str]:
    tree = ast.parse(source)
    return {
        n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    }


def check_python(source: str, graph: Graph) -> None:
    """Every label is in the script as DOT text that Graphviz draws as written."""
    strings = {squeezed(graphviz_text(s)) for s in python_strings(source)}
    assert squeezed(graph.title) in strings
    assert {squeezed(node.label) for node in graph.nodes} <= strings
    assert {squeezed(style.edge_text(edge)) for edge in graph.edges} <= strings


def outputs(design: Design) -> dict[str, str]:
    """Every text output of a design (no `dot` run)."""
    graph = build_graph(design)
    markdown = to_markdown(design, graph, None)
    card = site.Card.of(design)
    return {
        "dot": to_dot(graph, overview(design, graph).options),  # as rendered: with its key
        "mermaid": to_mermaid(graph),
        "md": markdown,
        "py": to_python(graph),
        "html": site.design_page(card, markdown) + site.index_page([card]),
    }


# --- generated specs ---

# Characters YAML accepts inside a double-quoted scalar (others must be escaped).
_YAML_UNPRINTABLE = re.compile(
    "[^\x09\x0a\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
FRAGMENTS = [
    "<script>alert(1)</script>",
    "&amp;",
    "&#65;",
    "&lt;",
    "\\N",
    "\\G",
    "\\n",
    "\\",
    '"',
    "'",
    '"]; x [label="',
    "<<TABLE>>",
    "</TD>",
    "{{ 7*7 }}",
    "{% for %}",
    "%%{init}%%",
    "-->",
    "click n1",
    "```",
    "$x$",
    "[a](javascript:b)",
    "![i](http://e/x)",
    "'''",
    '"""',
    "#35;",
    "end",
    "| a |",
    "# h",
    "1. ",
    "- ",
    "> ",
    "***",
    "<!--",
    "\n",
    "\t",
    "  ",
    "é",
    "推荐",
    "🎬",
    "e\u0301",
    "نظام",
    "\u00ad",
    "%s",
    "{0}",
    "__import__('os')",
    "->",
    "--",
    "//",
]
_CHARS = st.characters(codec="utf-8").filter(lambda c: not is_hidden(c) and c not in "\r")


def free_text(max_size: int) -> st.SearchStrategy[str]:
    pieces = st.one_of(st.sampled_from(FRAGMENTS), _CHARS, st.text(_CHARS, max_size=4))
    return st.lists(pieces, max_size=6).map("".join).map(lambda s: s[:max_size])


LABEL = free_text(80).filter(bool)
TEXT = free_text(300)
IDS = st.from_regex(r"[a-z][a-z0-9_-]{0,12}", fullmatch=True).filter(
    lambda s: s not in DOT_KEYWORDS and s not in RESERVED_FOLDERS
)
KINDS = st.sampled_from(catalog.kind_names())
STAGES = st.sampled_from(["client", "data", "features", "training", "serving", "monitoring"])
FLOW_KINDS = st.sampled_from(["request", "batch", "stream", "feedback"])


class Pools:
    """Hostile texts and labels drawn once per example, then dealt out to every slot: each
    slot gets hostile text at the cost of one draw."""

    def __init__(self, draw: st.DrawFn) -> None:
        self.draw = draw
        self.texts = draw(st.lists(TEXT, min_size=1, max_size=5))
        self.labels = draw(st.lists(LABEL, min_size=1, max_size=5))

    def text(self) -> str:
        return self.draw(st.sampled_from(self.texts))

    def label(self) -> str:
        return self.draw(st.sampled_from(self.labels))

    def texts_list(self) -> list[str]:
        return [self.text() for _ in range(self.draw(st.integers(0, 2)))]

    def named(self, detail: str) -> list[Any]:
        items = [self.label() for _ in range(self.draw(st.integers(0, 2)))]
        return [{"name": name, detail: self.text()} if len(name) % 2 else name for name in items]


def components_and_flows(draw: st.DrawFn, pools: Pools) -> dict[str, Any]:
    ids = draw(st.lists(IDS, min_size=1, max_size=6, unique=True))
    components = [
        {"id": cid, "kind": draw(KINDS), "label": pools.label(), "stage": draw(STAGES)}
        | ({"description": pools.text()} if draw(st.booleans()) else {})
        for cid in ids
    ]
    flows: dict[tuple[str, str, str], dict[str, Any]] = {}
    for _ in range(draw(st.integers(0, 8)) if len(ids) > 1 else 0):
        source, target = draw(st.permutations(ids))[:2]
        flow = {"from": source, "to": target, "kind": draw(FLOW_KINDS)}
        flow |= {"label": pools.label()} if draw(st.booleans()) else {}
        flow |= {"step": draw(st.integers(1, 99))} if draw(st.booleans()) else {}
        flows.setdefault((source, target, one_line(flow.get("label", ""))), flow)
    return {"components": components, "flows": list(flows.values())}


@st.composite
def valid_specs(draw: st.DrawFn) -> dict[str, Any]:
    pools = Pools(draw)
    text, texts = pools.text, pools.texts_list
    tradeoffs = draw(st.lists(st.sampled_from(sorted(TRADEOFFS)), max_size=2, unique=True))
    spec = {
        "id": draw(IDS),
        "title": pools.label(),
        "prompt": text(),
        "tags": draw(st.lists(IDS, max_size=3)),
        "source": text(),
        "requirements": {"business_objective": text(), "functional": texts()},
        "framing": {"ml_objective": text(), "input": text(), "output": text()},
        "data": {"sources": texts(), "labels": text(), "features": pools.named("description")},
        "model": {"path": pools.named("why"), "loss": text(), "training": texts()},
        "evaluation": {"offline": pools.named("why"), "online": pools.named("why")},
        "serving": {"pipelines": texts(), "testing": texts()},
        "monitoring": {"alerts": texts()},
        "tradeoffs": [{"name": name, "choice": text(), "reason": text()} for name in tradeoffs],
    }
    return spec | components_and_flows(draw, pools)


_KEEP = {"id", "kind", "stage", "from", "to", "step", "tags", "category", "mode", "scale"}


def twin(spec: dict[str, Any]) -> dict[str, Any]:
    """The same spec with every free text replaced by a plain word (`x0`, `x1`...; equal
    texts get equal words, a blank text stays as it is), so what is shown, skipped or
    flagged as a duplicate stays the same."""
    words: dict[str, str] = {}

    def plain(value: Any, key: str = "") -> Any:
        if isinstance(value, dict):
            keep = _KEEP | ({"name"} if key == "tradeoffs" else set())
            return {k: v if k in keep else plain(v, k) for k, v in value.items()}
        if isinstance(value, list):
            if key in ("components", "stages") and all(isinstance(v, str) for v in value):
                return value  # a view's component ids and stages
            return [plain(item, key) for item in value]
        if isinstance(value, str) and one_line(value):
            return words.setdefault(value, f"x{len(words)}")
        return value

    return plain(spec)


def yaml_of(spec: Any) -> str:
    """YAML text of a spec: JSON (valid YAML), with characters YAML does not accept raw
    written as YAML escapes."""
    text = json.dumps(spec, ensure_ascii=False)
    return _YAML_UNPRINTABLE.sub(lambda m: f"\\U{ord(m.group()):08X}", text)


def design_of(spec: Any) -> Design:
    return validate(load_text(yaml_of(spec), "spec.yaml"))


# --- broken specs: the valid ones, damaged ---

_JUNK = st.one_of(
    st.none(),
    st.integers(),
    st.text(max_size=5),
    st.lists(st.text(max_size=3), max_size=2),
    st.dictionaries(st.text(max_size=3), st.text(max_size=3), max_size=2),
    st.sampled_from(
        [
            "nan",
            "inf",
            "1e400",
            "9" * 400,
            "-1",
            "0",
            "node",
            "assets",
            "../x",
            "\x1b[2J",
            "\u202e",
            "\u200b",
            "\ud800",
            "A" * 100,
            "<script>",
        ]
    ),
)


@st.composite
def damaged(draw: st.DrawFn, value: Any) -> Any:
    """`value` with some of its leaves replaced by junk, keys added or removed."""
    if isinstance(value, dict):
        out = {k: draw(damaged(v)) for k, v in value.items() if draw(st.integers(0, 9))}
        if not draw(st.integers(0, 7)):
            out[draw(st.sampled_from(["id", "label", "dpi", "image", "\x1b", "", "<<"]))] = draw(
                _JUNK
            )
        return out
    if isinstance(value, list):
        return [draw(damaged(item)) for item in value]
    return draw(_JUNK) if not draw(st.integers(0, 12)) else value


def yaml_broken(spec: Any) -> str:
    """Like yaml_of, but lone surrogates go in as escapes PyYAML refuses: still our error."""
    text = json.dumps(spec, ensure_ascii=False, default=str)
    return re.sub(
        "[\ud800-\udfff]|" + _YAML_UNPRINTABLE.pattern,
        lambda m: (
            f"\\u{ord(m.group()):04X}" if ord(m.group()) < 0x10000 else f"\\U{ord(m.group()):08X}"
        ),
        text,
    )


# --- the properties ---


def report(capsys: pytest.CaptureFixture[str], name: str, counts: Counter[str]) -> None:
    with capsys.disabled():
        print(f"\n{name}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))


def test_pipeline_raises_only_our_errors(capsys: pytest.CaptureFixture[str]):
    counts: Counter[str] = Counter()

    @SETTINGS
    @given(valid_specs().flatmap(lambda spec: st.one_of(st.just(spec), damaged(spec))))
    def check(spec: Any) -> None:
        counts["examples"] += 1
        try:
            design = validate(load_text(yaml_broken(spec), "spec.yaml"))
            graph = build_graph(design)
            to_dot(graph), to_mermaid(graph), to_markdown(design, graph, None), to_python(graph)
        except MlsdError as exc:
            counts[type(exc).__name__] += 1
            assert str(exc) and "\x1b" not in str(exc) and "\u202e" not in str(exc)
        else:
            counts["valid"] += 1

    check()
    report(capsys, "load → validate → graph → outputs on damaged specs", counts)
    assert counts["examples"] >= EXAMPLES and counts["SpecError"] > 0 and counts["valid"] > 0


SEARCHED_EVERY = 5


def test_valid_specs_give_safe_deterministic_outputs(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
):
    """The layout search (about 80 layouts of a generated spec, 3.5 s) runs for one example
    in SEARCHED_EVERY, so its repairs (connectors, labels placed after the layout, stages
    kept in order or in a row) meet hostile text; the others draw a candidate of the search
    picked by their number, without laying it out, so every kind of candidate meets it too.
    Searched always, this test took 1,010 s of the suite's 3,212 s (2026-11-28)."""
    from mlsd_diagrams import arrange

    counts: Counter[str] = Counter()
    search = arrange._search

    def some(graph: Graph, options: Options, whole: bool) -> Options | None:
        if counts["examples"] % SEARCHED_EVERY == 0:
            counts["searches"] += 1
            return search(graph, options, whole)
        tries = arrange._tries(graph, options, whole)
        return tries[(counts["examples"] * 7 + len(graph.edges)) % len(tries)]

    monkeypatch.setattr(arrange, "_search", some)

    @SETTINGS
    @given(valid_specs())
    def check(spec: Any) -> None:
        counts["examples"] += 1
        design = design_of(spec)
        graph = build_graph(design)
        got, same = outputs(design), outputs(design_of(twin(spec)))
        assert to_dot(graph, overview(design, graph).options) == got["dot"], "deterministic"
        check_dot(got["dot"], graph)
        for picture in [*view_pictures(design, graph), *build_up(design, graph)[:1]]:
            check_picture(to_dot(picture.graph, picture.options), picture.graph)
        # the layout is chosen by measuring the drawn text: compare with the twin drawn alike
        alike = to_dot(build_graph(design_of(twin(spec))), overview(design, graph).options)
        assert dot_skeleton(got["dot"]) == dot_skeleton(alike)
        check_mermaid(got["mermaid"], graph)
        for picture in view_pictures(design, graph)[:-1]:  # the views' charts, with stubs
            check_mermaid(to_mermaid(picture.graph), picture.graph)
        assert markdown_skeleton(got["md"]) == markdown_skeleton(same["md"])
        assert html_skeleton(got["html"]) == html_skeleton(same["html"])
        check_python(got["py"], graph)
        assert python_skeleton(got["py"]) == python_skeleton(same["py"])
        counts["components"] += len(graph.nodes)
        counts["flows"] += len(graph.edges)

    check()
    report(capsys, "valid specs: DOT, Mermaid, Markdown, HTML, Python", counts)
    assert counts["examples"] >= EXAMPLES and counts["searches"] >= EXAMPLES // SEARCHED_EVERY


# --- the checkers catch what they are meant to catch ---


def test_the_dot_checker_sees_an_injected_statement():
    graph = design_of(valid_specs_example())
    graph = build_graph(graph)
    source = to_dot(graph)
    injected = source.replace("\tapp [", "\tevil [label=x]\n\tapp [", 1)
    with pytest.raises(AssertionError):
        check_dot(injected, graph)
    raw = source.replace("&lt;b&gt;", "<b>", 1)
    with pytest.raises((AssertionError, ET.ParseError)):
        check_dot(raw, graph)


def test_the_invisible_edges_of_stage_order_repairs_are_no_flows():
    # found by the property test: an edge kept_apart adds (no minlen) read as a flow; and
    # a frame's flow not introduced yet (invisible, no weight) is still a flow
    from dataclasses import replace

    design = design_of(valid_specs_example())
    graph = build_graph(design)
    stages = [cluster.stage for cluster in graph.clusters if cluster.node_ids]
    pairs = frozenset(zip(stages, stages[1:], strict=False))
    options = replace(overview(design, graph).options, kept_in_order=pairs, kept_apart=pairs)
    source = to_dot(graph, options)
    assert source.count("style=invis") > to_dot(graph).count("style=invis")
    check_dot(source, graph)
    first = build_up(design, graph)[0]  # its later flows drawn invisible, still flows
    check_picture(to_dot(first.graph, first.options), first.graph)


def test_the_picture_checker_sees_an_injected_statement_in_a_view():
    design = design_of(valid_specs_example())
    graph = build_graph(design)
    view = next(p for p in view_pictures(design, graph) if p.name == "views/serving")
    source = to_dot(view.graph, view.options)
    check_picture(source, view.graph)
    with pytest.raises(AssertionError):
        check_picture(source.replace("\tapi [", "\tevil [label=x]\n\tapi [", 1), view.graph)
    with pytest.raises((AssertionError, ET.ParseError)):
        check_picture(source.replace("&lt;b&gt;", "<b>", 1), view.graph)


def test_the_markdown_and_python_skeletons_see_markup():
    assert markdown_skeleton("a [b](c)") != markdown_skeleton("a x")
    assert markdown_skeleton("a \\[b\\](c)") == markdown_skeleton("a x")
    assert python_skeleton("f('a')") == python_skeleton("f('b')")
    assert python_skeleton("f('a')") != python_skeleton("f('a' + g())")
    assert html_skeleton("<p>x</p>") != html_skeleton("<p><b>x</b></p>")


def valid_specs_example() -> dict[str, Any]:
    return {
        "id": "tiny",
        "title": "T",
        "prompt": "P",
        "components": [
            {"id": "app", "kind": "client", "label": "<b>App</b>", "stage": "client"},
            {"id": "api", "kind": "cache", "label": "API", "stage": "serving"},
        ],
        "flows": [{"from": "app", "to": "api", "label": "go"}],
    }


def test_wrapping_only_moves_whitespace():
    # `squeezed` comparisons rely on this: wrapping never drops or adds a visible character
    text = "a " * 30 + "b" * 40
    assert squeezed("\n".join(textwrap.wrap(text, 16, break_on_hyphens=False))) == squeezed(text)


def test_a_view_whose_stub_is_drawn_in_two_stages_passes_the_picture_checks():
    """The invariants of `check_picture` hold for a stub split into two stages (a stub once
    per stage its flows end in): hypothesis found a view they failed on."""
    nodes = (
        Node("app", "App <b>", "client", "client", None),
        Node("ranker", "Ranker", "ranking", "serving", None),
    )
    clusters = (Cluster("client", "Client", ("app",)), Cluster("serving", "Serving", ("ranker",)))
    stub = Stub("_stub_registry", "Model <i>registry", "training")
    edges = (
        Edge("app", "ranker", "request", "request", 1),
        Edge("_stub_registry", "ranker", "model <b>", "batch", None),
        Edge("_stub_registry", "app", "config", "batch", None),
    )
    view = Graph("v", "V", clusters, nodes, edges, (stub,))
    split = to_dot(view, Options(stubs_inside=True))
    assert "_stub_registry_IN_serving [label" in split
    check_picture(split, view)
    check_picture(to_dot(view, Options()), view)

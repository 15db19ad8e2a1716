"""Whiteboard mode: views with stubs, the key, themes and the step-by-step build-up."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from conftest import MINIMAL, ROOT, assert_golden
from PIL import Image

from mlsd_diagrams.build import render_design
from mlsd_diagrams.errors import SpecError
from mlsd_diagrams.graph import STUB_PREFIX, build_graph
from mlsd_diagrams.load import load_text
from mlsd_diagrams.model import FlowKind
from mlsd_diagrams.pictures import build_up, overview, view_pictures
from mlsd_diagrams.render import style
from mlsd_diagrams.render.dot import Options, link_ids, to_dot
from mlsd_diagrams.render.layout import lay_out
from mlsd_diagrams.validate import load_design, validate
from mlsd_diagrams.views import design_views, view_graph

PINNED = ROOT / "designs" / "video-recommendation.yaml"


@pytest.fixture(scope="module")
def pinned():
    design = load_design(PINNED)
    return design, build_graph(design)


def test_every_view_and_theme_of_one_design_is_pinned(pinned):
    design, graph = pinned
    for picture in view_pictures(design, graph):
        name = picture.name.replace("views/", "view-")
        assert_golden(f"{design.id}.{name}.dot", to_dot(picture.graph, picture.options))
    for theme in ("dark", "whiteboard"):
        source = to_dot(graph, overview(design, graph, theme).options)
        assert_golden(f"{design.id}.theme-{theme}.dot", source)


def test_derived_views_follow_the_stages(pinned):
    design, graph = pinned
    assert [view.id for view in design_views(design)] == [
        "data",
        "training",
        "serving",
        "monitoring",
    ]
    serving = view_graph(graph, design_views(design)[2])
    assert {node.stage for node in serving.nodes} == {"client", "serving"}
    assert [cluster.stage for cluster in serving.clusters] == ["client", "serving"]


def test_a_view_hides_outside_components_and_stubs_flows_that_cross_its_border(pinned):
    design, graph = pinned
    serving = view_graph(graph, next(v for v in design_views(design) if v.id == "serving"))
    shown = {node.id for node in serving.nodes}
    stubs = {stub.id: stub for stub in serving.stubs}
    crossing = [e for e in graph.edges if (e.source in shown) != (e.target in shown)]
    inside = [e for e in graph.edges if e.source in shown and e.target in shown]
    assert crossing and len(serving.edges) == len(crossing) + len(inside)
    for edge in crossing:
        outside = edge.target if edge.source in shown else edge.source
        stub = stubs[STUB_PREFIX + outside]
        assert stub.label == next(n.label for n in graph.nodes if n.id == outside)
    assert "feature_store" not in shown and f"{STUB_PREFIX}feature_store" in stubs
    source = to_dot(serving, Options())
    assert f"{STUB_PREFIX}feature_store -> " in source
    assert "\tfeature_store [" not in source
    assert "(Features)" in source  # a stub names the stage it lives in


def test_the_monitoring_view_shows_feedback_flows_whole(pinned):
    design, graph = pinned
    monitoring = view_graph(graph, next(v for v in design_views(design) if v.id == "monitoring"))
    feedback = [e for e in graph.edges if e.kind == "feedback"]
    shown = {node.id for node in monitoring.nodes}
    assert all(e.source in shown and e.target in shown for e in feedback)


VIEWS = """
diagram:
  theme: whiteboard
  legend: false
  views:
    - {id: serving, title: Just the API, components: [api]}
    - {id: app-side, title: The app, stages: [client]}
"""


def test_declared_views_replace_or_add_to_the_derived_ones(tmp_path: Path):
    design = validate(load_text(MINIMAL + VIEWS, tmp_path / "spec.yaml"))
    views = design_views(design)
    assert [(v.id, v.title) for v in views] == [
        ("serving", "Just the API"),
        ("app-side", "The app"),
    ]
    graph = build_graph(design)
    api_only = view_graph(graph, views[0])
    assert [n.id for n in api_only.nodes] == ["api"] and [s.id for s in api_only.stubs] == [
        f"{STUB_PREFIX}app"
    ]
    picture = overview(design, graph)
    assert picture.options.theme is style.WHITEBOARD and not picture.options.legend
    assert overview(design, graph, "dark").options.theme is style.DARK  # the command wins


@pytest.mark.parametrize(
    ("views", "message"),
    [
        ("[{id: v, title: V, components: [apii]}]", "unknown component 'apii' (did you mean"),
        ("[{id: v, title: V}]", "an empty view: give it `stages`, `components` or both"),
        (
            "[{id: v, title: V, stages: [client]}, {id: v, title: W, stages: [serving]}]",
            "two views",
        ),
        ("[{id: v, title: V, stages: [servng]}]", "diagram.views[0].stages[0]"),
    ],
)
def test_bad_views_are_located_errors(tmp_path: Path, views: str, message: str):
    spec = tmp_path / "spec.yaml"
    with pytest.raises(SpecError) as caught:
        validate(load_text(MINIMAL + f"diagram:\n  views: {views}\n", spec))
    assert message in str(caught.value) and f"{spec}:" in str(caught.value)


def test_the_key_lists_exactly_the_flow_kinds_and_component_kinds_used(pinned):
    design, graph = pinned
    source = to_dot(graph, Options(legend=True))
    key = source.split("label=<", 1)[1].split("> labeljust", 1)[0]
    flows = re.findall(r"></TD><TD ALIGN=\"LEFT\">(request|batch|stream|feedback)</TD>", key)
    assert flows == [k.value for k in FlowKind if k.value in {e.kind for e in graph.edges}]
    # each kind's sample is a line drawn by Graphviz (a cell border), not glyphs from a font
    assert key.count('SIDES="B"') == len(flows)
    assert not re.search("[\u2500-\u257f\u25b6]", key)
    titles = re.findall(r'SCALE="TRUE"/></TD><TD ALIGN="LEFT">([^<]+)</TD>', key)
    from mlsd_diagrams.catalog import KINDS_BY_NAME

    assert sorted(titles) == sorted({KINDS_BY_NAME[n.kind].title for n in graph.nodes})
    assert (
        'graph [bgcolor="#FFFFFF" fontcolor="#1E2A35" fontname="DejaVu Sans" fontsize=26 label="'
        in to_dot(graph, Options(legend=False))
    )  # without a key, the title is a plain label


def test_user_text_in_the_key_and_title_is_html_escaped(tmp_path: Path):
    spec = MINIMAL.replace("title: Tiny design", "title: 'A <b>&amp; B</b>'")
    graph = build_graph(validate(load_text(spec, tmp_path / "spec.yaml")))
    source = to_dot(graph, Options(legend=True, caption="<i>x</i>"))
    label = source.split("label=<", 1)[1].split("> labeljust", 1)[0]
    assert "A &lt;b&gt;&amp;amp; B&lt;/b&gt;" in label and "&lt;i&gt;x&lt;/i&gt;" in label
    assert "<b>" not in label and "<i>" not in label


def test_themes_change_colours_and_fonts_but_not_the_graph(pinned):
    design, graph = pinned
    sources = {name: to_dot(graph, Options(theme=theme)) for name, theme in style.THEMES.items()}
    assert 'fontname="Humor Sans"' in sources["whiteboard"]
    assert "filled" not in sources["whiteboard"].split("subgraph", 1)[1]  # no fills
    assert 'bgcolor="#16191D"' in sources["dark"] and 'BGCOLOR="#E9EDF1"' in sources["dark"]
    edges = {name: re.findall(r"\t(\w+) -> (\w+)", src) for name, src in sources.items()}
    assert edges["light"] == edges["dark"] == edges["whiteboard"]
    for theme in style.THEMES.values():  # the key of one theme reads the others
        assert {k: v["style"] for k, v in theme.flow.items()} == {
            k: v["style"] for k, v in style.LIGHT.flow.items()
        }


def test_the_build_up_adds_stages_in_the_order_of_the_answer(pinned):
    design, graph = pinned
    frames = build_up(design, graph)
    assert [f.name for f in frames] == [
        "buildup/01-client",
        "buildup/02-data",
        "buildup/03-features",
        "buildup/04-training",
        "buildup/05-serving",
        "buildup/06-monitoring",
    ]
    hidden = [f.options.hidden for f in frames]
    assert all(later < earlier for earlier, later in zip(hidden, hidden[1:], strict=False))
    assert hidden[-1] == frozenset()
    assert frames[0].options.caption.startswith("1/6  Step 1")
    # every frame lays out the whole graph: only what is drawn changes
    drawn = [to_dot(f.graph, f.options) for f in frames]
    # a flow drawn as connectors is two short arrows; the stage-order repairs add
    # invisible arrows with a weight (no flows)
    last = frames[-1].options
    layout_edges = len(re.findall(r"style=invis weight=0\]", drawn[-1]))
    assert layout_edges >= len(last.kept_in_order) + len(last.kept_apart)
    arrows = len(graph.edges) + len(last.links) + layout_edges
    assert all(src.count(" -> ") == arrows for src in drawn)
    assert all(f.options.links == last.links for f in frames)
    assert all(f.options.kept_in_order == last.kept_in_order for f in frames)
    assert drawn[0].count("style=invis") > drawn[3].count("style=invis") > 0


def test_a_frame_never_draws_a_flow_before_both_its_stages_and_feedback_comes_last(pinned):
    design, graph = pinned
    frames = build_up(design, graph)
    stages = {node.id: node.stage for node in graph.nodes}
    feedback = [e for e in graph.edges if e.kind == FlowKind.feedback.value]
    assert feedback  # the pinned design closes its loop
    for frame in frames:
        laid = lay_out(to_dot(frame.graph, frame.options))
        drawn = {(e.source, e.target) for e in laid.edges if e.points}
        shown = {n.id for n in laid.nodes if n.texts and not n.id.startswith("_")}  # drawn
        for edge in graph.edges:
            both = {stages[edge.source], stages[edge.target]}.isdisjoint(frame.options.hidden)
            ends = _drawn_ends(edge, frame.options.links, graph)
            visible = bool(ends & drawn)
            last = frame is frames[-1]
            assert visible == (both and (edge.kind != "feedback" or last)), (frame.name, edge)
        assert shown == {n.id for n in graph.nodes if n.stage not in frame.options.hidden}


def _drawn_ends(edge, links, graph) -> set[tuple[str, str]]:
    index = graph.edges.index(edge)
    if index in links:
        to_id, from_id = link_ids(index)
        return {(edge.source, to_id), (from_id, edge.target)}
    return {(edge.source, edge.target)}


def test_render_writes_views_frames_and_a_gif_in_build_up_order(tmp_path: Path, pinned):
    design, _graph = pinned
    rendered = render_design(design, tmp_path, ("views", "gif"))
    folder = tmp_path / design.id
    names = sorted(p.relative_to(folder).as_posix() for p in rendered.files)
    assert [n for n in names if n.startswith("views/")] == [
        f"views/{v}.svg" for v in ("data", "monitoring", "offline-online", "serving", "training")
    ]
    frames = sorted(folder.glob("buildup/*.png"))
    assert len(frames) == 6
    gif = Image.open(folder / f"{design.id}.gif")
    assert gif.n_frames == 6 and gif.info["loop"] == 0
    # the frames grow: each one draws more ink than the one before
    inked = []
    for index in range(gif.n_frames):
        gif.seek(index)
        inked.append(sum(gif.convert("L").histogram()[:200]))
    assert inked == sorted(inked) and inked[0] < inked[-1]
    # every label of every frame is at least 12 px in the GIF as it is shown
    shrink = gif.width / max(Image.open(frame).width for frame in frames)
    for picture in build_up(design, _graph):
        laid = lay_out(to_dot(picture.graph, picture.options))
        sizes = [t.size for n in laid.nodes for t in n.texts]
        sizes += [t.size for e in laid.edges for t in e.texts]
        smallest = min(sizes) * style.FRAME_DPI / 72 * min(1.0, shrink)
        assert smallest >= style.READABLE_PX, (picture.name, smallest)


def test_a_view_taken_out_of_the_spec_disappears_on_the_next_render(tmp_path: Path):
    spec = MINIMAL + VIEWS
    design = validate(load_text(spec, tmp_path / "spec.yaml"))
    render_design(design, tmp_path, ("views",))
    assert (tmp_path / "tiny" / "views" / "app-side.svg").exists()
    fewer = validate(load_text(spec.split("    - {id: app-side")[0], tmp_path / "spec.yaml"))
    render_design(fewer, tmp_path, ("views",))
    assert not (tmp_path / "tiny" / "views" / "app-side.svg").exists()
    assert (tmp_path / "tiny" / "views" / "serving.svg").exists()


def test_views_are_svg_only_and_an_earlier_versions_view_png_goes(tmp_path: Path):
    """Nothing reads a view's PNG (the site, the answer PDF and the write-up show the SVG),
    so none is drawn; one an earlier version wrote would be a stale picture, and goes."""
    design = validate(load_text(MINIMAL + VIEWS, tmp_path / "spec.yaml"))
    views = tmp_path / "tiny" / "views"
    views.mkdir(parents=True)
    (views / "serving.png").write_bytes(b"an earlier version's view")
    render_design(design, tmp_path, ("views",))
    assert sorted(path.suffix for path in views.iterdir()) == [".svg"] * len(list(views.iterdir()))
    assert (views / "serving.svg").exists() and not (views / "serving.png").exists()


def test_mlsd_check_reports_figures_and_fails_only_when_strict(tmp_path: Path):
    import json

    from click.testing import CliRunner

    from mlsd_diagrams.cli import cli

    runner = CliRunner()
    ok = runner.invoke(cli, ["check", str(PINNED)])
    assert ok.exit_code == 0, ok.output
    assert "video-recommendation/overview" in ok.output
    assert "video-recommendation/serving" in ok.output
    tight = ["check", str(PINNED), "--max-nodes", "5"]
    warned = runner.invoke(cli, tight)
    assert warned.exit_code == 0 and "warning [nodes]" in warned.output
    assert "split into views" in warned.output
    assert runner.invoke(cli, [*tight, "--strict"]).exit_code == 0, "a note fails nothing"
    # the tally agrees with its count: the overview and offline-online have 18 components,
    # a note that fails nothing, and 7 crossings, past a limit of 6 (the views have 2 at most)
    crossed = [*tight[:-1], "17", "--max-crossings", "6"]
    assert "2 of 6 pictures warn\n" in runner.invoke(cli, crossed).stderr
    failed = runner.invoke(cli, [*crossed, "--strict"])
    assert failed.exit_code == 1 and "2 of 6 pictures fail\n" in failed.stderr
    report = json.loads(runner.invoke(cli, [*tight, "--format", "json"]).output)
    assert report["thresholds"]["max_nodes"] == 5
    overview_figures = report["designs"][0]["pictures"][0]["figures"]
    from mlsd_diagrams.check import check_design

    measured = check_design(load_design(PINNED))[0].figures
    assert overview_figures["nodes"] == 18  # 18 components (three candidate generators)
    assert overview_figures["crossings"] == measured.crossings  # the report carries the figure
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: x\n")
    assert runner.invoke(cli, ["check", str(broken)]).exit_code == 2


def test_the_theme_is_chosen_per_command(tmp_path: Path):
    from click.testing import CliRunner

    from mlsd_diagrams.cli import cli

    args = ["render", str(PINNED), "-o", str(tmp_path), "-f", "dot", "--theme", "whiteboard"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert (
        'fontname="Humor Sans"'
        in (tmp_path / "video-recommendation" / "video-recommendation.dot").read_text()
    )
    bad = CliRunner().invoke(cli, [*args[:-1], "neon"])
    assert bad.exit_code == 2 and "neon" in bad.output


def test_the_layout_search_finds_the_flows_drawn_around_the_picture():
    # a hand-built layout: a → b drawn straight, a → c looping 400 pt above both ends
    from mlsd_diagrams.arrange import _detouring
    from mlsd_diagrams.graph import Cluster, Edge, Graph, Node
    from mlsd_diagrams.render.layout import Box, Layout, PlacedEdge, PlacedNode

    nodes = tuple(Node(i, i.upper(), "service", "serving", None) for i in ("a", "b", "c"))
    edges = (
        Edge("a", "b", None, "request", None),
        Edge("a", "c", None, "request", None),
    )
    graph = Graph("g", "G", (Cluster("serving", "Serving", ("a", "b", "c")),), nodes, edges)
    boxes = {"a": Box(0, 500, 50, 50), "b": Box(200, 500, 50, 50), "c": Box(400, 500, 50, 50)}
    placed = tuple(PlacedNode(i, box, ()) for i, box in boxes.items())

    def drawn(source: str, target: str, *points: tuple[float, float]) -> PlacedEdge:
        return PlacedEdge(source, target, points, None, (), "#000000", "solid")

    straight = drawn("a", "b", (50, 525), (100, 525), (150, 525), (200, 525))
    around = drawn("a", "c", (25, 500), (25, 100), (425, 100), (425, 500))
    layout = Layout(600, 700, placed, (straight, around), (), (), "#FFFFFF")
    assert _detouring(graph, layout) == frozenset({1})
    assert _detouring(graph, Layout(600, 700, placed, (straight,), (), (), "#FFFFFF")) == set()


def _key_rows(source: str) -> int:
    """The rows of the key's table (the table in the 13 pt font of the graph's label)."""
    key = source.split('<FONT POINT-SIZE="13">', 1)[1].split("</TABLE>", 1)[0]
    return key.count("<TR>")


def test_the_key_takes_two_rows_the_flow_kinds_in_a_block_on_the_left(pinned):
    design, graph = pinned
    kinds = {node.kind for node in graph.nodes}
    assert len(kinds) > 2 * 6  # more kinds than the six columns of an older key held in two rows
    source = to_dot(graph, Options(legend=True))
    assert _key_rows(source) == style.KEY_ROWS == 2
    key = source.split('<FONT POINT-SIZE="13">', 1)[1]
    first_row = key.split("</TR>", 1)[0]
    # the first row starts with two flow kinds, then the gap, then component kinds
    assert first_row.index(">request<") < first_row.index(">batch<") < first_row.index("Client")
    assert ">stream<" not in first_row
    # a taller key (the search tries one for a picture too wide) has more, shorter rows
    assert _key_rows(to_dot(graph, Options(legend=True, key_rows=4))) == 4


def test_the_layout_search_finds_the_flows_whose_label_sits_by_another_edge_or_a_border():
    # a hand-built layout: the label of a → b printed on c → d's line, far from its own
    from mlsd_diagrams.arrange import _across_borders, _linkable, _misleading
    from mlsd_diagrams.graph import Cluster, Edge, Graph, Node
    from mlsd_diagrams.render.layout import (
        Box,
        Layout,
        PlacedCluster,
        PlacedEdge,
        PlacedNode,
        Text,
    )

    stages = {"a": "data", "b": "serving", "c": "data", "d": "serving"}
    nodes = tuple(Node(i, i.upper(), "service", stage, None) for i, stage in stages.items())
    edges = (Edge("a", "b", "mine", "request", None), Edge("c", "d", None, "request", None))
    clusters = (Cluster("data", "Data", ("a", "c")), Cluster("serving", "Serving", ("b", "d")))
    graph = Graph("g", "G", clusters, nodes, edges)
    boxes = {"a": (0, 100), "b": (300, 100), "c": (0, 40), "d": (300, 40)}
    placed = tuple(PlacedNode(i, Box(x, y - 10, 20, 20), ()) for i, (x, y) in boxes.items())

    def drawn(source: str, target: str, y: float, *texts: Text) -> PlacedEdge:
        points = ((20, y), (120, y), (200, y), (300, y))
        return PlacedEdge(source, target, points, None, texts, "#000000", "solid")

    def label(y: float) -> Text:
        return Text("mine", 160, y, 10, "#000000", 24, "c")

    far = Layout(
        400, 200, placed, (drawn("a", "b", 100, label(46)), drawn("c", "d", 40)), (), (), "#FFFFFF"
    )
    assert _misleading(graph, far) == frozenset({0})
    near = Layout(
        400, 200, placed, (drawn("a", "b", 100, label(96)), drawn("c", "d", 40)), (), (), "#FFFFFF"
    )
    assert _misleading(graph, near) == frozenset()
    assert _linkable(graph, frozenset({0})) == frozenset({0})  # drawn as a connector
    serving = tuple(dataclasses.replace(n, stage="serving") for n in nodes)
    within = dataclasses.replace(graph, nodes=serving)
    assert _linkable(within, frozenset({0})) == frozenset()  # both ends in one stage: in sight
    # the label across the data stage's border (its right side at x = 160): placed after
    # the layout instead; clear of the border, left alone
    data = PlacedCluster("cluster_data", Box(0, 20, 160, 100), ())
    on_border = dataclasses.replace(far, clusters=(data,))
    assert _across_borders(graph, on_border) == frozenset({0})
    clear = dataclasses.replace(
        near, clusters=(dataclasses.replace(data, box=Box(0, 20, 130, 100)),)
    )
    assert _across_borders(graph, clear) == frozenset()


def test_the_layout_search_repairs_the_best_candidates_of_two_shapes_with_something_to_repair(
    monkeypatch: pytest.MonkeyPatch,
):
    # the same connectors and placement in another spacing is one shape: repaired once (the
    # repair tries every spacing anyway); one with nothing to repair leaves its place to the
    # next, of its shape or another; one with no layout (infinite) is never looked at
    from mlsd_diagrams import arrange
    from mlsd_diagrams.graph import Graph

    plain = Options()
    tries = [
        plain,
        dataclasses.replace(plain, spacing="tight"),
        dataclasses.replace(plain, ordered=True),
        dataclasses.replace(plain, ordered=True, spacing="compact"),
        dataclasses.replace(plain, rows=True, online_first=True),
    ]
    looked: list[int] = []

    def repairing(fixable: set[int]):
        def relinked(graph, tries, layout, best, scores, whole):
            looked.append(best)
            if best not in fixable:  # nothing to repair: nothing added
                return tries, scores
            again = dataclasses.replace(tries[best], xlabels=frozenset({best}))
            return [*tries, again], [*scores, 0.0]

        return relinked

    def repaired(scores: list[float], fixable: set[int]) -> list[int]:
        looked.clear()
        monkeypatch.setattr(arrange, "_relinked", repairing(fixable))
        graph = Graph("g", "G", (), (), ())
        found, rescored = arrange._repaired(graph, tries, [None] * 5, scores, True)
        assert len(found) == len(rescored) == len(tries) + len(set(looked) & fixable)
        return list(looked)

    assert arrange.REPAIRED == 2
    everything = {0, 1, 2, 3, 4}
    # by score: 1 (plain), 0 (plain again: skipped), 3 (ordered), then two shapes are done
    assert repaired([30.0, 20.0, 50.0, 40.0, 60.0], everything) == [1, 3]
    # the best (plain, tight) has nothing to repair: plain's other spacing is repaired
    assert repaired([30.0, 20.0, 50.0, 40.0, 60.0], {0, 3}) == [1, 0, 3]
    inf = float("inf")
    assert repaired([10.0, 20.0, inf, inf, inf], set()) == [0, 1]
    assert repaired([inf] * 5, everything) == []
    # at most REPAIR_LOOKS candidates are looked at
    many = [dataclasses.replace(plain, key_rows=rows) for rows in range(2, 12)]
    looked.clear()
    monkeypatch.setattr(arrange, "_relinked", repairing(set()))
    graph = Graph("g", "G", (), (), ())
    arrange._repaired(graph, many, [None] * 10, [float(i) for i in range(10)], True)
    assert looked == list(range(arrange.REPAIR_LOOKS))

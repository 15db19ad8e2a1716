"""Readability figures: measured on hand-built layouts with known answers, then on real ones."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from pathlib import Path

import pytest
from conftest import DESIGNS, MINIMAL

from mlsd_diagrams.check import (
    DesignCheck,
    Figures,
    Thresholds,
    ViewCheck,
    as_json,
    assess,
    check_design,
    check_layout,
    count_crossings,
    crowding,
    find_crossings,
    format_report,
    measure,
)
from mlsd_diagrams.graph import build_graph
from mlsd_diagrams.legibility import (
    clusters_out_of_order,
    detours,
    empty_area,
    label_collisions,
    misplaced_labels,
)
from mlsd_diagrams.load import load_text
from mlsd_diagrams.model import Design
from mlsd_diagrams.render.dot import to_dot
from mlsd_diagrams.render.layout import (
    Box,
    Layout,
    PlacedCluster,
    PlacedEdge,
    PlacedNode,
    Point,
    Text,
    lay_out,
)
from mlsd_diagrams.validate import load_design, validate

# --- hand-built layouts (points, y downwards, as render.layout gives them) ---


def text(words: str, size: float) -> Text:
    return Text(words, 0, 0, size, "#000000", 10, "c")


def node(node_id: str, x: float, y: float, *texts: Text) -> PlacedNode:
    """A 20×20 pt node centred on (x, y)."""
    return PlacedNode(node_id, Box(x - 10, y - 10, 20, 20), texts)


def straight(*corners: Point) -> tuple[Point, ...]:
    """The Bézier control points of a polyline through `corners`: one straight cubic each."""
    points = [corners[0]]
    for (x0, y0), (x1, y1) in zip(corners, corners[1:], strict=False):
        dx, dy = x1 - x0, y1 - y0
        points += [(x0 + dx / 3, y0 + dy / 3), (x0 + 2 * dx / 3, y0 + 2 * dy / 3), (x1, y1)]
    return tuple(points)


def edge(source: str, target: str, points: tuple[Point, ...], *texts: Text) -> PlacedEdge:
    return PlacedEdge(source, target, points, None, texts, "#000000", "solid")


def layout(
    nodes: list[PlacedNode],
    edges: list[PlacedEdge],
    width: float = 400,
    height: float = 300,
    clusters: Sequence[PlacedCluster] = (),
) -> Layout:
    return Layout(width, height, tuple(nodes), tuple(edges), tuple(clusters), (), "#ffffff")


def placed(words: str, x: float, y: float, size: float = 10) -> Text:
    """A centred line of text 6 pt wide per character, its baseline at y."""
    return Text(words, x, y, size, "#000000", 6 * len(words), "c")


def crossings(*edges: PlacedEdge, nodes: Sequence[PlacedNode] = ()) -> int:
    return count_crossings(edges, {n.id: n.box for n in nodes})


# --- crossings ---


def test_two_straight_edges_crossing_count_one():
    down = edge("a", "b", straight((0, 0), (100, 100)))
    up = edge("c", "d", straight((0, 100), (100, 0)))
    assert crossings(down, up) == 1


def test_parallel_edges_do_not_cross():
    top = edge("a", "b", straight((0, 0), (100, 0)))
    bottom = edge("c", "d", straight((0, 20), (100, 20)))
    assert crossings(top, bottom) == 0


def test_edges_meeting_at_their_shared_node_do_not_cross():
    a = node("a", 0, 50)
    fan = [
        edge("a", "b", straight((10, 50), (200, 0))),
        edge("a", "c", straight((10, 50), (200, 100))),
    ]
    assert crossings(*fan, nodes=[a]) == 0
    assert crossings(*fan) == 1  # without the node, their meeting point is an ordinary crossing


def test_edges_sharing_a_node_still_cross_farther_out():
    a = node("a", 0, 50)
    swapped = [
        edge("a", "b", straight((10, 50), (100, 0), (200, 100))),
        edge("a", "c", straight((10, 50), (100, 100), (200, 0))),
    ]
    assert crossings(*swapped, nodes=[a]) == 1  # at (150, 50), not at a


def test_a_curve_crossing_a_line_twice_counts_two():
    line = edge("a", "b", straight((0, 50), (100, 50)))
    bump = edge("c", "d", ((10, 0), (30, 150), (70, 150), (90, 0)))  # dips to y = 112.5
    assert crossings(line, bump) == 2


def test_curves_running_along_each_other_do_not_cross():
    shallow = [
        edge("a", "b", straight((0, 0), (200, 10))),
        edge("c", "d", straight((0, 10), (200, 0))),
    ]
    assert crossings(*shallow) == 0  # they meet at under 6°: a bundle, not a crossing


def test_a_bundle_crossing_an_edge_is_one_crossing():
    bundle = [
        edge("a", "b", straight((50, 0), (50, 100))),
        edge("c", "d", straight((52, 0), (52, 100))),
    ]
    across = edge("e", "f", straight((0, 50), (100, 50)))
    assert crossings(*bundle, across) == 1
    assert [(c.first, c.second) for c in find_crossings([*bundle, across], {})] == [
        ("a → b", "e → f")
    ]


def test_a_views_stubs_are_not_components_but_their_flows_cross():
    # (the key is part of the graph's label, never nodes: only stubs are scaffolding).
    # A reader sees a flow to a stub cross another like any flow: a view of 0 crossings
    # drew lines from its stubs through its other flows (video-recommendation's serving).
    nodes = [
        node("a", 0, 0, text("App", 15)),
        node("b", 100, 100),
        node("_stub_x", 0, 100, text("Feature store (Features)", 6)),
        node("_stub_y", 100, 0),
    ]
    edges = [
        edge("a", "b", straight((0, 0), (100, 100))),
        edge("_stub_x", "_stub_y", straight((0, 100), (100, 0)), text("features", 12)),
    ]
    figures = measure(layout(nodes, edges, 120, 120))
    assert (figures.nodes, figures.edges, figures.crossings) == (2, 2, 1)
    assert figures.most_crossed == "_stub_x → _stub_y (1)"
    # a stub's name is drawn small on purpose; its flow's label is a label like any other
    assert figures.smallest_label == "'features' (_stub_x → _stub_y)"


def test_invisible_edges_are_not_counted():
    nodes = [node("a", 0, 0), node("b", 100, 100)]
    figures = measure(layout(nodes, [edge("a", "b", ())]))
    assert (figures.nodes, figures.edges) == (2, 0)


def test_the_most_crossed_edge_is_named():
    edges = [
        edge("a", "b", straight((0, 50), (300, 50))),
        edge("c", "d", straight((100, 0), (100, 100))),
        edge("e", "f", straight((200, 0), (200, 100))),
    ]
    nodes = [node(n, 500, 500) for n in "abcdef"]
    assert measure(layout(nodes, edges)).most_crossed == "a → b (2)"


# --- aspect ratio and the smallest label ---


@pytest.mark.parametrize(
    ("width", "height", "ratio"),
    [(400, 400, 1.0), (1000, 250, 4.0), (250, 1000, 4.0), (1000, 0, 1000.0)],
)
def test_aspect_ratio_is_long_side_over_short_side(width: float, height: float, ratio: float):
    assert measure(layout([], [], width, height)).aspect_ratio == ratio


def labelled(width: float, height: float) -> Layout:
    nodes = [node("a", 0, 0, text("App", 15)), node("b", 100, 0, text("API", 15))]
    return layout(
        nodes, [edge("a", "b", straight((10, 0), (90, 0)), text("req", 12))], width, height
    )


def test_smallest_label_is_measured_with_the_picture_fitted_to_the_screen():
    # 2880 × 720 pt = 3840 × 960 px at 96 dpi: halved to fit 1920 px wide; 12 pt = 16 px → 8 px
    figures = measure(labelled(2880, 720))
    assert (figures.min_label_px, figures.smallest_label) == (8.0, "'req' (a → b)")
    # 540 × 3240 pt = 720 × 4320 px: a quarter to fit 1080 px high; 16 px → 4 px
    assert measure(labelled(540, 3240)).min_label_px == 4.0


def test_a_small_picture_is_not_enlarged():
    assert measure(labelled(720, 360)).min_label_px == 16.0  # 12 pt at 1:1


def test_a_picture_without_labels_has_no_smallest_label():
    figures = measure(layout([node("a", 0, 0)], []))
    assert (figures.min_label_px, figures.smallest_label) == (None, None)


# --- thresholds ---

PASSING = Figures(
    nodes=25,
    edges=40,
    crossings=8,
    most_crossed="a → b (5)",
    aspect_ratio=2.2,
    width_pt=2000,
    height_pt=909,
    min_label_px=12.0,
    smallest_label="'req' (a → b)",
    empty_area=0.15,
)


def test_figures_at_the_limits_pass():
    assert assess(PASSING, Thresholds(), "overview") == []


@pytest.mark.parametrize(
    ("figure", "value", "threshold", "words"),
    [
        ("crossings", 9, 8, "most on a → b (5)"),
        ("aspect_ratio", 2.3, 2.2, "2.3:1"),
        ("aspect_ratio", 1.1, 1.2, "1.1:1"),
        ("min_label_px", 11.9, 12.0, "'req' (a → b) is 11.9 px"),
        ("label_collisions", 1, 0, "1 edge labels drawn over"),
        ("misplaced_labels", 1, 0, "nearer another edge"),
        ("detours", 1, 0, "going around the picture"),
        ("clusters_out_of_order", 1, 0, "out of reading order"),
        ("empty_area", 0.16, 0.15, "16% of the canvas"),
    ],
)
def test_a_figure_past_its_limit_is_a_warning(
    figure: str, value: float, threshold: float, words: str
):
    [finding] = assess(dataclasses.replace(PASSING, **{figure: value}), Thresholds(), "overview")
    assert (finding.severity, finding.rule, finding.value, finding.limit) == (
        "warning",
        figure,
        value,
        threshold,
    )
    assert words in finding.message
    assert "split into views: `data`, `training`, `serving`, `monitoring`" in finding.message


def test_a_view_is_held_to_two_crossings_and_not_to_the_overview_shape():
    view = dataclasses.replace(PASSING, crossings=3, aspect_ratio=3.0, empty_area=0.5)
    assert [f.rule for f in assess(view, Thresholds(), "serving")] == ["crossings"]
    assert assess(dataclasses.replace(view, crossings=2), Thresholds(), "serving") == []


def test_a_design_past_25_components_says_so_and_suggests_views_instead_of_failing():
    # issue 15: labels >= 12 px "for overviews of <= 25 components (a larger design says so
    # and suggests views)": its tiny labels are not a missed goal, its size is a note
    crowded = dataclasses.replace(PASSING, nodes=26, min_label_px=9.0)
    assert assess(crowded, Thresholds(), "overview", strict=True) == []
    [note] = crowding(crowded, Thresholds(), "overview")
    assert (note.severity, note.rule, note.value, note.limit) == ("warning", "nodes", 26, 25)
    assert "26 components" in note.message and "split into views" in note.message
    assert crowding(PASSING, Thresholds(), "overview") == []
    assert crowding(crowded, Thresholds(), "overview", skipped=frozenset({"nodes"})) == []


def test_a_crowded_picture_passes_strict_with_its_note_but_not_past_another_goal():
    a, b = node("a", 0, 100), node("b", 200, 100)
    flow = labelled_edge("step", 100, 95, (10, 100), (190, 100))
    picture = layout([a, b], [flow], 400, 250, [cluster("data", -20, 0, 440, 250)])
    checked = check_layout("big", "overview", picture, Thresholds(max_nodes=1), strict=True)
    assert checked.passed and [n.rule for n in checked.notes] == ["nodes"]
    report = format_report([checked])
    assert "big/overview" in report and "note: nodes" in report
    assert "2 components in one picture" in report
    # 3.2:1: a goal missed, whatever its size
    wide = layout([a, b], [flow], 800, 250, [cluster("data", -20, 0, 840, 250)])
    checked = check_layout("big", "overview", wide, Thresholds(max_nodes=1), strict=True)
    assert not checked.passed and [f.rule for f in checked.findings] == ["aspect_ratio"]


def test_a_crowded_stage_view_is_told_to_move_components_not_to_split_into_views():
    small = dataclasses.replace(PASSING, nodes=31, crossings=0)
    [finding] = crowding(small, Thresholds(), "serving")
    assert "split into views" not in finding.message
    assert "another stage" in finding.message


def test_thresholds_can_be_changed():
    assert [f.rule for f in crowding(PASSING, Thresholds(max_nodes=10), "overview")] == ["nodes"]


# --- real layouts ---


def laid_out(design: Design) -> Layout:
    return lay_out(to_dot(build_graph(design)))


def generated(count: int) -> str:
    """MINIMAL's head with `count` components, spread over the stages and chained."""
    stages = ["data", "features", "training", "serving", "monitoring"]
    components = [
        f"  - {{id: c{i}, kind: service, label: Part {i}, stage: {stages[i * 5 // count]}}}"
        for i in range(count)
    ]
    flows = [f"  - {{from: c{i}, to: c{i + 1}, kind: batch}}" for i in range(count - 1)]
    head = MINIMAL.split("components:")[0]
    return head + "components:\n" + "\n".join(components) + "\nflows:\n" + "\n".join(flows) + "\n"


def test_a_100_component_design_fails():
    checked = check_layout(
        "big", "overview", laid_out(validate(load_text(generated(100), "big.yaml")))
    )
    assert checked.figures.nodes == 100
    figures = {f.rule for f in checked.findings}
    assert "aspect_ratio" in figures and [n.rule for n in checked.notes] == ["nodes"]
    # its labels are tiny, but the finding to act on is the size: draw views
    assert checked.figures.min_label_px < 12 and "min_label_px" not in figures


LAYOUT_CASES = sorted((Path(__file__).parent / "cases" / "layout").glob("*.yaml"))
# Pictures that still miss a goal of issue 15, and why; strict: a fix makes the test say so.
NOT_YET: dict[str, str] = {
    "content-moderation": "24 components: labels 11.5 px, and 3 labels on borders or crossed",
    "llm-agent": "24 components: labels 9.8 px and a 16% blank block in the overview; "
    "labels 11.3 px in the serving view (16 components)",
    "similar-listings": "a 16% blank block (before: 2.56:1)",
}


def _known(spec: Path) -> pytest.MarkDecorator | tuple[()]:
    reason = NOT_YET.get(spec.stem)
    return pytest.mark.xfail(reason=reason, strict=True) if reason else ()


def _checked(spec: Path) -> None:
    # as rendered: with the key, and every derived and declared view
    checks = check_design(load_design(spec))
    print(format_report(checks))
    assert [c.view for c in checks][0] == "overview" and len(checks) >= 3
    assert all(check.passed for check in checks), format_report(checks)


@pytest.mark.parametrize("spec", [pytest.param(s, marks=_known(s), id=s.stem) for s in DESIGNS])
def test_every_example_overview_and_view_reaches_the_goals(spec: Path):
    _checked(spec)


@pytest.mark.parametrize(
    "spec", [pytest.param(s, marks=_known(s), id=s.stem) for s in LAYOUT_CASES]
)
def test_designs_from_prompts_outside_the_library_reach_the_goals(spec: Path):
    assert len(LAYOUT_CASES) == 4  # demand, speech, map tiles, triage
    _checked(spec)


# --- presenting ---


def checks() -> list[ViewCheck]:
    crowded = dataclasses.replace(PASSING, nodes=26)
    noted = [
        dataclasses.replace(f, design="big") for f in crowding(crowded, Thresholds(), "overview")
    ]
    return [
        ViewCheck("tiny", "overview", PASSING, ()),
        ViewCheck("big", "overview", crowded, (), tuple(noted)),
    ]


REPORT = """\
design/view    nodes  edges  crossings  aspect  min label px  label hits  label far  detours  \
order  blank  verdict
-------------  -----  -----  ---------  ------  ------------  ----------  ---------  -------  \
-----  -----  ----------------
tiny/overview     25     40          8    2.20          12.0           0          0        0  \
    0   0.15  ok
big/overview      26     40          8    2.20          12.0           0          0        0  \
    0   0.15  ok (note: nodes)
big/overview: warning [nodes] 26 components in one picture (more than 25): too many to keep \
every label legible on a screen, so its label size is not checked: split into views: `data`, \
`training`, `serving`, `monitoring` views are derived from stages (mlsd render -f views). \
(a note: it fails no check)
median crossings of 2 overviews: 8 (goal ≤ 3): warning: above the goal
"""


def test_report_is_a_table_then_one_line_per_finding():
    assert format_report(checks()) == REPORT


def test_json_holds_thresholds_figures_and_findings():
    tiny, big = checks()
    designs = [DesignCheck("tiny.yaml", "tiny", (tiny,)), DesignCheck("big.yaml", "big", (big,))]
    data = json.loads(as_json(designs))
    assert (data["format"], data["version"], data["tool"]) == ("mlsd-findings", 1, "check")
    assert data["thresholds"] == dataclasses.asdict(Thresholds())
    assert data["median_overview_crossings"] == 8
    first, second = data["designs"]
    assert first == {
        "file": "tiny.yaml",
        "design": "tiny",
        "pictures": [{"view": "overview", "passed": True, "figures": dataclasses.asdict(PASSING)}],
        "findings": [],
        "disabled": [],
    }
    assert second["pictures"][0]["passed"] is True  # a note fails no picture
    (finding,) = second["findings"]
    assert (finding["tool"], finding["rule"], finding["view"]) == ("check", "nodes", "overview")
    assert (finding["value"], finding["limit"], finding["severity"]) == (26, 25, "warning")


def test_the_median_of_the_overviews_is_reported_against_its_goal():
    low = dataclasses.replace(PASSING, crossings=2)
    views = [ViewCheck(name, "overview", low, ()) for name in ("a", "b", "c")]
    views.append(ViewCheck("a", "serving", PASSING, ()))  # views do not count
    assert format_report(views).endswith("median crossings of 3 overviews: 2 (goal ≤ 3): ok\n")


# --- what a reader sees beyond crossings (hand-built layouts) ---


def labelled_edge(words: str, x: float, y: float, *line: Point, source="a", target="b"):
    return edge(source, target, straight(*line), placed(words, x, y))


def test_a_label_over_another_label_or_a_node_collides():
    a, b = node("a", 0, 100), node("b", 200, 100)
    first = labelled_edge("step one", 100, 95, (10, 100), (190, 100))
    over_label = labelled_edge("step two", 110, 98, (10, 110), (190, 110))
    over_node = labelled_edge("long label", 20, 116, (10, 120), (190, 120))
    assert label_collisions(layout([a, b], [first, over_label])).count == 1
    found = label_collisions(layout([a, b], [first, over_node]))
    assert found.count == 1 and "on node a" in (found.first or "")


def test_labels_apart_from_each_other_and_from_nodes_do_not_collide():
    a, b = node("a", 0, 100), node("b", 200, 100)
    first = labelled_edge("step one", 100, 95, (10, 100), (190, 100))
    second = labelled_edge("step two", 100, 135, (10, 140), (190, 140))
    assert label_collisions(layout([a, b], [first, second])).count == 0


def titled(stage: str, x: float, y: float, width: float, height: float) -> PlacedCluster:
    """A stage box with its title at its top left, as dot draws it."""
    title = Text(stage.title(), x + 4, y + 14, 12, "#000000", 7 * len(stage), "l")
    return PlacedCluster(f"cluster_{stage}", Box(x, y, width, height), (title,))


def test_a_label_across_a_stage_border_or_on_its_title_collides():
    # seen in harmful-content-detection: 'reactions and history' printed across the top
    # border of the data stage, the line drawn through its words
    a, b = node("a", 50, 250), node("b", 50, 50)
    data = titled("data", 0, 150, 300, 150)
    across = labelled_edge("reactions", 60, 155, (50, 240), (50, 60))
    found = label_collisions(layout([a, b], [across], clusters=[data]))
    # two: on the border, and struck through by its own line (x 50, the words 33-87)
    assert found.count == 2 and "on the border of stage data" in (found.first or "")
    beside = labelled_edge("reactions", 90, 155, (50, 240), (50, 60))  # words 63-117
    found = label_collisions(layout([a, b], [beside], clusters=[data]))
    assert found.count == 1 and "on the border of stage data" in (found.first or "")
    on_title = labelled_edge("history", 30, 165, (50, 240), (50, 60))
    found = label_collisions(layout([a, b], [on_title], clusters=[data]))
    assert found.count == 1 and "on stage title data" in (found.first or "")


def test_a_label_inside_or_outside_a_stage_clear_of_its_border_does_not_collide():
    a, b = node("a", 50, 250), node("b", 50, 50)
    data = titled("data", 0, 150, 300, 150)
    inside = labelled_edge("inside", 150, 200, (50, 240), (50, 60))  # 35 pt below the border
    outside = labelled_edge("outside", 150, 146, (50, 240), (50, 60))  # 1.5 pt above it
    assert label_collisions(layout([a, b], [inside, outside], clusters=[data])).count == 0


def test_a_label_another_flow_is_drawn_through_collides():
    # seen in content-moderation: '③ text, images, video' printed over the re-review line
    own = labelled_edge("step one", 100, 95, (10, 100), (190, 100))
    through = edge("c", "d", straight((100, 10), (100, 190)))  # down the middle of the words
    found = label_collisions(layout([], [own, through]))
    assert found.count == 1 and "crossed by c → d" in (found.first or "")
    grazing = edge("c", "d", straight((10, 87.5), (190, 87.5)))  # 0.5 pt into its top
    assert label_collisions(layout([], [own, grazing])).count == 0


def test_a_label_of_two_lines_is_crossed_only_through_its_words():
    two = edge("a", "b", straight((10, 120), (190, 120)), placed("a long first line", 100, 95))
    two = dataclasses.replace(two, texts=(*two.texts, placed("short", 100, 108)))
    # beside 'short', under the first line: through the blank corner of the pair's box
    corner = edge("c", "d", straight((50, 101), (50, 115)))
    assert label_collisions(layout([], [two, corner])).count == 0
    through = edge("c", "d", straight((95, 90), (95, 115)))  # through both lines
    assert label_collisions(layout([], [two, through])).count == 1


def test_a_label_struck_through_by_its_own_line_collides():
    # seen in personalized-news-feed: 'affinity history', placed after the layout, printed
    # on its own dashed line (the words span y 92-102.5; their middle 95.15-99.35)
    struck = labelled_edge("affinity history", 100, 100, (10, 98), (190, 98))
    found = label_collisions(layout([], [struck]))
    assert found.count == 1 and "struck through by its own line" in (found.first or "")
    slanted = labelled_edge("affinity history", 100, 100, (40, 110), (160, 88))
    assert label_collisions(layout([], [slanted])).count == 1


def test_a_flow_drawn_along_its_own_label_or_beside_others_does_not_collide():
    # dot prints a label beside its own line, at times touching it: along the bottom of the
    # words (101 pt), or into their top by 2 pt, the line leaves them legible
    below = labelled_edge("step one", 100, 100, (10, 101), (190, 101))
    above = labelled_edge("step one", 100, 100, (10, 94), (190, 94))
    corner = labelled_edge("step one", 100, 100, (60, 110), (80, 90))  # clips the left end
    apart = edge("c", "d", straight((10, 60), (190, 60)))
    for own in (below, above, corner):
        assert label_collisions(layout([], [own, apart])).count == 0


def test_a_label_nearer_another_edge_than_its_own_is_misplaced():
    own = labelled_edge("mine", 100, 80, (10, 100), (190, 100))  # 17 pt above its line
    other = edge("c", "d", straight((10, 70), (190, 70)))  # passes 2 pt above the label
    found = misplaced_labels(layout([], [own, other]))
    assert found.count == 1 and "from c → d" in (found.first or "")


def test_a_label_beside_its_own_edge_is_not_misplaced():
    own = labelled_edge("mine", 100, 95, (10, 100), (190, 100))
    other = edge("c", "d", straight((10, 60), (190, 60)))
    assert misplaced_labels(layout([], [own, other])).count == 0


def test_an_edge_going_around_the_picture_is_a_detour():
    a, b = node("a", 100, 100), node("b", 300, 100)
    around = edge("a", "b", straight((110, 100), (110, 400), (290, 400), (290, 100)))
    found = detours(layout([a, b], [around], 600, 500), {"a", "b"})
    assert found.count == 1 and (found.first or "").startswith("a → b drawn")


def test_a_long_loop_is_a_detour_even_inside_its_ends():
    a, b = node("a", 0, 0), node("b", 400, 400)
    zigzag = edge("a", "b", straight((10, 10), (390, 10), (10, 390), (390, 390)))
    assert detours(layout([a, b], [zigzag], 500, 500), {"a", "b"}).count == 1


def test_a_loop_shorter_than_twice_its_ends_distance_is_a_detour():
    # seen in patient-triage: a flow turning back on itself (110 pt back, away from its
    # target) inside the box of its ends, its whole length under twice their distance
    a, b = node("a", 0, 300), node("b", 600, 300)
    loop = edge(
        "a", "b", straight((10, 300), (300, 300), (300, 200), (180, 200), (180, 300), (590, 300))
    )
    found = detours(layout([a, b], [loop], 700, 400), {"a", "b"})
    assert found.count == 1 and "away from its target" in (found.first or "")


def test_an_edge_backing_off_less_than_an_inch_is_no_loop():
    a, b, c = node("a", 0, 300), node("b", 600, 300), node("c", 400, 100)
    backing = edge("a", "b", straight((10, 300), (-40, 300), (-40, 250), (590, 250), (590, 300)))
    s_curve = edge("a", "c", straight((10, 300), (200, 300), (200, 100), (390, 100)))
    assert detours(layout([a, b, c], [backing, s_curve], 700, 400), {"a", "b", "c"}).count == 0


def test_straight_and_gently_bent_edges_and_short_hooks_are_no_detours():
    a, b, c = node("a", 0, 100), node("b", 300, 100), node("c", 300, 140)
    straight_edge = edge("a", "b", straight((10, 100), (290, 100)))
    bent = edge("a", "c", straight((10, 100), (150, 180), (290, 140)))
    hook = edge("b", "c", straight((310, 100), (340, 100), (340, 140), (310, 140)))
    found = detours(layout([a, b, c], [straight_edge, bent, hook], 400, 300), {"a", "b", "c"})
    assert found.count == 0


def cluster(stage: str, x: float, y: float, width: float = 100, height: float = 100):
    return PlacedCluster(f"cluster_{stage}", Box(x, y, width, height), ())


def test_a_later_stage_wholly_left_of_an_earlier_one_is_out_of_order():
    stages = [cluster("client", 200, 0), cluster("data", 0, 0), cluster("serving", 400, 0)]
    found = clusters_out_of_order(layout([], [], 600, 200, stages))
    assert (found.count, found.first) == (1, "data left of client")


def test_stages_left_to_right_or_stacked_are_in_order():
    stages = [
        cluster("client", 0, 0),
        cluster("data", 0, 150),  # under the client: stacked, not backwards
        cluster("training", 150, 150),
        cluster("serving", 150, 0, 300),
        cluster("monitoring", 300, 150),
    ]
    assert clusters_out_of_order(layout([], [], 500, 300, stages)).count == 0


def test_a_later_stage_left_of_an_earlier_one_on_its_row_or_a_row_above_is_out_of_order():
    # client in the middle: data to its left on the same row
    middle = [cluster("data", 0, 100), cluster("client", 200, 100), cluster("serving", 400, 0)]
    found = clusters_out_of_order(layout([], [], 600, 300, middle))
    assert (found.count, found.first) == (1, "data left of client")
    # a later stage on the row above, left of an earlier one: read before it
    above = [cluster("data", 0, 0), cluster("client", 200, 150)]
    assert clusters_out_of_order(layout([], [], 400, 300, above)).count == 1
    # half a row lower is still the same row
    lower = [cluster("training", 0, 50), cluster("data", 200, 0)]
    assert clusters_out_of_order(layout([], [], 400, 200, lower)).count == 1


def test_a_later_stage_on_a_row_above_an_earlier_one_is_out_of_order():
    # seen in youtube-video-search: features drawn on the row under training
    under = [cluster("data", 0, 0), cluster("training", 150, 0), cluster("features", 150, 150)]
    found = clusters_out_of_order(layout([], [], 300, 300, under))
    assert (found.count, found.first) == (1, "training above features")
    # seen in content-moderation: a vertical stack with features on top of data
    stack = [cluster("features", 0, 0), cluster("data", 0, 150)]
    assert clusters_out_of_order(layout([], [], 200, 300, stack)).first == "features above data"
    # the client under serving: read after it
    client = [cluster("serving", 0, 0), cluster("client", 0, 150)]
    assert clusters_out_of_order(layout([], [], 200, 300, client)).count == 1
    # wholly left and wholly above: one pair out of order, counted once
    both = [cluster("monitoring", 0, 0), cluster("serving", 150, 150)]
    assert clusters_out_of_order(layout([], [], 300, 300, both)).count == 1


def test_a_stack_read_upwards_is_out_of_order_even_when_each_stage_starts_further_right():
    # seen in video-recommendation and map-change-detection: each later stage a row above
    # the earlier one and a little further right, so the picture reads bottom-up
    stack = [cluster("data", 0, 300), cluster("features", 20, 150), cluster("training", 40, 0)]
    found = clusters_out_of_order(layout([], [], 200, 400, stack))
    assert (found.count, found.first) == (3, "features above data")
    # the client a row above serving, a little further right: read before it
    client = [cluster("client", 30, 0), cluster("serving", 0, 150)]
    assert clusters_out_of_order(layout([], [], 200, 300, client)).count == 0  # in order
    assert (
        clusters_out_of_order(
            layout([], [], 200, 300, [cluster("serving", 30, 0), cluster("client", 0, 150)])
        ).count
        == 1
    )
    # a later stage a row above that starts just before the earlier one ends overlaps it
    touching = [cluster("data", 0, 150), cluster("training", 90, 0)]
    assert clusters_out_of_order(layout([], [], 200, 300, touching)).count == 1


def test_the_online_row_drawn_above_the_offline_row_reads_in_order():
    # the request path first (arrange.PLACEMENTS): client, serving and monitoring on top
    rows = [
        cluster("client", 0, 0),
        cluster("serving", 150, 0),
        cluster("monitoring", 300, 0),
        cluster("data", 0, 150),
        cluster("features", 150, 150),
        cluster("training", 300, 150),
    ]
    assert clusters_out_of_order(layout([], [], 450, 300, rows)).count == 0
    # a later stage above and right of an earlier one: the next column, read in order
    staircase = [cluster("data", 0, 150), cluster("training", 150, 0)]
    assert clusters_out_of_order(layout([], [], 300, 300, staircase)).count == 0
    # stages of one row overlapping in height are on one row, whatever their offsets
    ragged = [cluster("data", 0, 60), cluster("training", 150, 0)]
    assert clusters_out_of_order(layout([], [], 300, 200, ragged)).count == 0


def test_stages_wrapped_onto_a_second_row_read_row_by_row():
    # seen in personalized-news-feed: monitoring starts the second row, under training
    stages = [
        cluster("data", 0, 0),
        cluster("training", 150, 0),
        cluster("serving", 300, 0),
        cluster("monitoring", 0, 150),  # left of training and serving, a row below them
    ]
    assert clusters_out_of_order(layout([], [], 400, 300, stages)).count == 0


def test_empty_area_is_the_largest_blank_block():
    half = [cluster("data", 0, 0, 200, 400)]  # the right half of 400 × 400 is blank
    assert empty_area(layout([], [], 400, 400, half)) == pytest.approx(0.5, abs=0.03)
    full = [cluster("data", 0, 0, 400, 400)]
    assert empty_area(layout([], [], 400, 400, full)) == 0.0
    corners = [cluster("data", 0, 0, 100, 100), cluster("serving", 300, 300, 100, 100)]
    # the largest blank block is 300 × 300 of 400 × 400, not all the blank cells (0.75)
    assert empty_area(layout([], [], 400, 400, corners)) == pytest.approx(0.5625, abs=0.03)


def test_measure_reports_the_new_figures_with_their_first_occurrence():
    a, b = node("a", 0, 100), node("b", 200, 100)
    first = labelled_edge("step one", 100, 95, (10, 100), (190, 100))
    over = labelled_edge("step two", 110, 98, (10, 110), (190, 110))
    figures = measure(layout([a, b], [first, over]))
    assert figures.label_collisions == 1
    assert "label_collisions" in (figures.first_problem or {})


def test_a_flow_label_graphviz_did_not_draw_is_counted_and_warned():
    """dot 2.43 drops the label of some flows within one rank: the DOT has the label, the
    layout no text for it (seen on hostile designs drawn in the offline/online rows)."""
    from dataclasses import replace

    from mlsd_diagrams.check import Thresholds, assess, measure

    nodes = [node("a", 0, 0), node("b", 200, 0)]
    drawn = replace(edge("a", "b", straight((40, 20), (200, 20)), placed("x", 120, 10)))
    lost = replace(edge("b", "a", straight((200, 40), (40, 40))), labelled=True)
    figures = measure(layout(nodes, [replace(drawn, labelled=True), lost]))
    assert figures.lost_labels == 1
    (finding,) = [f for f in assess(figures, Thresholds(), "overview") if f.rule == "lost_labels"]
    assert "not drawn" in finding.message
    assert measure(layout(nodes, [replace(drawn, labelled=True)])).lost_labels == 0

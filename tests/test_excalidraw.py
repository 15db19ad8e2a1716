"""The Excalidraw export: valid against the scene format, faithful to the layout, stable.

Every example design is exported once per module and checked against a JSON Schema written
from Excalidraw's element types (tests/excalidraw/scene.schema.json), then for the facts the
schema cannot see: one element per node, edge and stage, bindings listed at both ends, the
coordinates of the layout. The last test renders exports with Excalidraw's own exporter
(`@excalidraw/utils`, installed by `npm ci --prefix tests/excalidraw`) in headless Chromium.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import CHROMIUM_FLAGS, DESIGNS, SAMPLE, chromium_path, guarded, served

from mlsd_diagrams.graph import Cluster, Edge, Graph, Node, build_graph
from mlsd_diagrams.render.dot import to_dot
from mlsd_diagrams.render.excalidraw import to_excalidraw
from mlsd_diagrams.render.layout import (
    Box,
    Layout,
    PlacedCluster,
    PlacedEdge,
    PlacedNode,
    Text,
    lay_out,
)
from mlsd_diagrams.validate import load_design

jsonschema = pytest.importorskip("jsonschema", reason="pip install -e '.[test]'")

HERE = Path(__file__).parent / "excalidraw"
SCHEMA = json.loads((HERE / "scene.schema.json").read_text(encoding="utf-8"))
DESIGN_IDS = [path.stem for path in DESIGNS]


@functools.cache
def laid_out(design_id: str) -> tuple[Graph, Layout]:
    graph = build_graph(load_design(next(p for p in DESIGNS if p.stem == design_id)))
    return graph, lay_out(to_dot(graph))


@functools.cache
def exported(design_id: str) -> str:
    return to_excalidraw(*laid_out(design_id))


def scene_of(design_id: str) -> dict:
    return json.loads(exported(design_id))


def by_type(scene: dict, kind: str) -> list[dict]:
    return [e for e in scene["elements"] if e["type"] == kind]


def rectangles(scene: dict) -> dict[str, dict]:
    """Node rectangles by component id."""
    return {e["customData"]["component"]: e for e in by_type(scene, "rectangle")}


# The format


def test_the_schema_is_a_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("design_id", DESIGN_IDS)
def test_export_matches_the_excalidraw_scene_schema(design_id: str):
    validator = jsonschema.Draft202012Validator(SCHEMA)
    errors = [
        f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(scene_of(design_id))
    ]
    assert errors == []


def test_the_schema_refuses_what_excalidraw_would_not_read():
    validator = jsonschema.Draft202012Validator(SCHEMA)
    scene = scene_of("video-recommendation")
    arrow = by_type(scene, "arrow")[0]
    text = by_type(scene, "text")[0]
    broken = [
        {**arrow, "points": [[1, 0], [5, 5]]},  # not relative to x, y
        {**arrow, "strokeStyle": "dash"},
        {**arrow, "endArrowhead": "arrowhead"},
        {**text, "textAlign": "middle"},
        {**text, "colour": "#000000"},  # an unknown field
        {k: v for k, v in text.items() if k != "seed"},
    ]
    for element in broken:
        assert not validator.is_valid({**scene, "elements": [element]}), element


@pytest.mark.parametrize("design_id", DESIGN_IDS)
def test_ids_are_unique_and_indices_increase(design_id: str):
    elements = scene_of(design_id)["elements"]
    ids = [e["id"] for e in elements]
    assert len(ids) == len(set(ids))
    indices = [e["index"] for e in elements]
    assert indices == sorted(indices) and len(set(indices)) == len(indices)
    assert all(e["updated"] == elements[0]["updated"] for e in elements)


# Faithful to the graph and the layout


@pytest.mark.parametrize("design_id", DESIGN_IDS)
def test_one_rectangle_per_node_where_graphviz_put_it(design_id: str):
    graph, layout = laid_out(design_id)
    scene = scene_of(design_id)
    rects = rectangles(scene)
    assert sorted(rects) == sorted(node.id for node in graph.nodes)
    kinds = {node.id: node.kind for node in graph.nodes}
    for placed in layout.nodes:
        rect = rects[placed.id]
        box = (rect["x"], rect["y"], rect["width"], rect["height"])
        assert box == pytest.approx(astuple(placed.box), abs=0.01)
        assert rect["customData"]["kind"] == kinds[placed.id]
        assert rect["roundness"] == {"type": 3}


@pytest.mark.parametrize("design_id", DESIGN_IDS)
def test_node_labels_are_bound_texts_with_the_layout_lines(design_id: str):
    _graph, layout = laid_out(design_id)
    scene = scene_of(design_id)
    elements = {e["id"]: e for e in scene["elements"]}
    rects = rectangles(scene)
    for placed in layout.nodes:
        rect = rects[placed.id]
        texts = [elements[b["id"]] for b in rect["boundElements"] if b["type"] == "text"]
        assert [t["text"] for t in texts] == ["\n".join(t.text for t in placed.texts)]
        assert texts[0]["containerId"] == rect["id"]
        assert texts[0]["fontFamily"] == 1


@pytest.mark.parametrize("design_id", DESIGN_IDS)
def test_one_arrow_per_edge_bound_to_its_rectangles(design_id: str):
    graph, layout = laid_out(design_id)
    scene = scene_of(design_id)
    rects = rectangles(scene)
    arrows = by_type(scene, "arrow")
    assert len(arrows) == len(graph.edges) == len(layout.edges)
    for arrow, placed in zip(arrows, layout.edges, strict=True):
        start, end = rects[placed.source], rects[placed.target]
        assert arrow["startBinding"]["elementId"] == start["id"]
        assert arrow["endBinding"]["elementId"] == end["id"]
        for rect in (start, end):
            assert {"type": "arrow", "id": arrow["id"]} in rect["boundElements"]
        assert arrow["strokeColor"] == placed.color
        style = {"dashed": "dashed", "dotted": "dotted"}.get(placed.style, "solid")
        assert arrow["strokeStyle"] == style
        assert arrow["strokeWidth"] == (4 if placed.style == "bold" else 2)
        assert arrow["endArrowhead"] == "arrow"


@pytest.mark.parametrize("design_id", DESIGN_IDS)
def test_arrows_follow_the_curve_to_the_arrowhead_tip(design_id: str):
    _graph, layout = laid_out(design_id)
    arrows = by_type(scene_of(design_id), "arrow")
    for arrow, placed in zip(arrows, layout.edges, strict=True):
        points = [(arrow["x"] + x, arrow["y"] + y) for x, y in arrow["points"]]
        assert arrow["points"][0] == [0, 0]
        assert points[0] == pytest.approx(placed.points[0], abs=0.01)
        assert points[-1] == pytest.approx(placed.head, abs=0.02)
        # every Bézier end point of dot's path is a point of the polyline
        for end in placed.points[3::3]:
            assert min(_distance(end, p) for p in points) < 0.02
        xs, ys = [p[0] for p in arrow["points"]], [p[1] for p in arrow["points"]]
        assert arrow["width"] == pytest.approx(max(xs) - min(xs), abs=0.01)
        assert arrow["height"] == pytest.approx(max(ys) - min(ys), abs=0.01)


@pytest.mark.parametrize("design_id", DESIGN_IDS)
def test_edge_labels_are_bound_to_their_arrows(design_id: str):
    _graph, layout = laid_out(design_id)
    scene = scene_of(design_id)
    elements = {e["id"]: e for e in scene["elements"]}
    for arrow, placed in zip(by_type(scene, "arrow"), layout.edges, strict=True):
        labels = [elements[b["id"]] for b in arrow["boundElements"]]
        expected = ["\n".join(t.text for t in placed.texts)] if placed.texts else []
        assert [label["text"] for label in labels] == expected
        assert all(label["containerId"] == arrow["id"] for label in labels)


@pytest.mark.parametrize("design_id", DESIGN_IDS)
def test_one_frame_per_stage_holding_exactly_its_nodes(design_id: str):
    graph, layout = laid_out(design_id)
    scene = scene_of(design_id)
    frames = by_type(scene, "frame")
    assert [f["name"] for f in frames] == [c.title for c in graph.clusters]
    rects = rectangles(scene)
    placed = {c.name: c for c in layout.clusters}
    order = [e["id"] for e in scene["elements"]]
    for frame, cluster in zip(frames, graph.clusters, strict=True):
        inside = sorted(n for n, r in rects.items() if r["frameId"] == frame["id"])
        assert inside == sorted(cluster.node_ids)
        box = (frame["x"], frame["y"], frame["width"], frame["height"])
        assert box == pytest.approx(astuple(placed[f"cluster_{cluster.stage}"].box), abs=0.01)
        children = [e for e in scene["elements"] if e["frameId"] == frame["id"]]
        assert all(order.index(e["id"]) < order.index(frame["id"]) for e in children)


@pytest.mark.parametrize("design_id", DESIGN_IDS)
def test_every_binding_is_listed_at_both_ends(design_id: str):
    elements = {e["id"]: e for e in scene_of(design_id)["elements"]}
    for element in elements.values():
        if element["type"] == "text" and element["containerId"]:
            container = elements[element["containerId"]]
            assert {"type": "text", "id": element["id"]} in container["boundElements"]
            assert element["frameId"] == container["frameId"]
        for bound in element["boundElements"] or []:
            other = elements[bound["id"]]
            if bound["type"] == "text":
                assert other["containerId"] == element["id"]
            else:
                ends = (other["startBinding"], other["endBinding"])
                assert element["id"] in [end["elementId"] for end in ends if end]


@pytest.mark.parametrize("design_id", SAMPLE)
def test_icons_are_embedded_grouped_with_their_node(design_id: str):
    graph, _layout = laid_out(design_id)
    scene = scene_of(design_id)
    images = by_type(scene, "image")
    assert len(images) == len(graph.nodes)
    assert {image["fileId"] for image in images} == set(scene["files"])
    rects = {r["id"]: r for r in by_type(scene, "rectangle")}
    for image in images:
        group = image["groupIds"]
        (rect,) = [r for r in rects.values() if r["groupIds"] == group]
        assert rect["x"] <= image["x"] and image["x"] + image["width"] <= rect["x"] + rect["width"]
        assert scene["files"][image["fileId"]]["dataURL"].startswith("data:image/png;base64,")
    bare = json.loads(to_excalidraw(*laid_out(design_id), icons=False))
    assert by_type(bare, "image") == [] and bare["files"] == {}


# Deterministic and safe


def test_two_exports_of_one_design_are_byte_identical():
    design = next(p for p in DESIGNS if p.stem == "video-recommendation")
    runs = []
    for _ in range(2):
        graph = build_graph(load_design(design))
        runs.append(to_excalidraw(graph, lay_out(to_dot(graph))))
    assert runs[0] == runs[1]
    assert runs[0].endswith("}\n")


HOSTILE = 'Say "hi" \\ </script> <b>&amp; ${x} {{y}} ✓ 文字'


def tiny_layout(label: str) -> tuple[Graph, Layout]:
    """A hand-made layout: one node, a stub outside the view, an unlabelled node, two edges."""
    graph = Graph(
        "tiny",
        label,
        (Cluster("serving", "Serving", ("api", "blank")),),
        (
            Node("api", label, "prediction-service", "serving", None),
            Node("blank", "", "cache", "serving", None),
        ),
        (Edge("api", "_stub_db", label, "request", 1), Edge("blank", "api", None, "batch", None)),
    )

    def text(x: float, y: float) -> Text:
        return Text(label, x, y, 15.0, "#1e2a35", 120.0, "c")

    api = PlacedNode("api", Box(20, 40, 140, 100), (text(90, 130),))
    blank = PlacedNode("blank", Box(20, 200, 80, 80), ())
    stub = PlacedNode(
        "_stub_db", Box(300, 60, 90, 30), (Text("db", 345, 80, 12, "#555555", 20, "c"),)
    )
    edges = (
        PlacedEdge(
            "api",
            "_stub_db",
            ((160, 90), (200, 90), (250, 80), (290, 76)),
            (300, 75),
            (text(230, 70),),
            "#1a5fb4",
            "solid",
        ),
        PlacedEdge(
            "blank",
            "api",
            ((60, 200), (60, 180), (70, 160), (80, 150)),
            (85, 140),
            (),
            "#5e5c64",
            "dashed",
        ),
    )
    cluster = PlacedCluster("cluster_serving", Box(10, 20, 170, 280), ())
    layout = Layout(420, 320, (api, blank, stub), edges, (cluster,), (text(210, 15),), "#ffffff")
    return graph, layout


def test_user_text_is_data_only():
    graph, layout = tiny_layout(HOSTILE)
    out = to_excalidraw(graph, layout)
    scene = json.loads(out)
    texts = [e["text"] for e in by_type(scene, "text")]
    assert texts.count(HOSTILE) == 3  # node label, edge label, title
    assert jsonschema.Draft202012Validator(SCHEMA).is_valid(scene)


def test_stub_and_unlabelled_nodes():
    graph, layout = tiny_layout("API")
    scene = json.loads(to_excalidraw(graph, layout))
    rects = rectangles(scene)
    stub = rects["_stub_db"]
    assert stub["strokeStyle"] == "dashed" and stub["customData"]["stub"] is True
    assert stub["frameId"] is None  # drawn outside every stage
    elements = {e["id"]: e for e in scene["elements"]}
    assert [elements[b["id"]]["text"] for b in stub["boundElements"] if b["type"] == "text"] == [
        "db"
    ]
    assert not [g for g in by_type(scene, "image") if g["groupIds"] == stub["groupIds"] != []]
    blank = rects["blank"]
    assert [b["type"] for b in blank["boundElements"]] == ["arrow"]
    (arrow,) = [a for a in by_type(scene, "arrow") if a["endBinding"]["elementId"] == stub["id"]]
    assert arrow["customData"] == {"flow": "request", "step": 1}
    assert jsonschema.Draft202012Validator(SCHEMA).is_valid(scene)


@pytest.mark.parametrize(
    ("flow", "stroke", "width"),
    [("solid", "solid", 2), ("dashed", "dashed", 2), ("dotted", "dotted", 2), ("bold", "solid", 4)],
)
def test_flow_styles_become_stroke_styles(flow: str, stroke: str, width: int):
    graph, layout = tiny_layout("API")
    layout = dataclasses.replace(
        layout, edges=tuple(dataclasses.replace(e, style=flow) for e in layout.edges)
    )
    arrows = by_type(json.loads(to_excalidraw(graph, layout)), "arrow")
    assert {(a["strokeStyle"], a["strokeWidth"]) for a in arrows} == {(stroke, width)}


# Rendered by Excalidraw itself


def astuple(box: Box) -> tuple[float, float, float, float]:
    return (box.x, box.y, box.width, box.height)


def _distance(a: tuple[float, float], b: tuple[float, float]) -> float:
    return ((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5


@pytest.fixture(scope="module")
def renderer() -> Iterator[object]:
    """A page of tests/excalidraw/render.html with `renderScene(json) → SVG text`."""
    playwright = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    if not (HERE / "node_modules" / "@excalidraw" / "utils").is_dir():
        pytest.fail(
            "@excalidraw/utils is missing: `make test` runs npm ci --prefix tests/excalidraw"
        )
    with served(HERE) as url, playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        page = guarded(browser.new_page())
        page.goto(f"{url}/render.html")
        page.wait_for_function("window.rendererReady === true")
        yield page
        assert page.errors == [] and page.outside == []
        browser.close()


@pytest.mark.parametrize("design_id", DESIGN_IDS)
def test_excalidraw_renders_every_label_and_arrow(renderer, design_id: str):
    scene = scene_of(design_id)
    svg = renderer.evaluate("text => window.renderScene(text)", exported(design_id))
    drawn = renderer.evaluate(
        """svg => {
            const doc = new DOMParser().parseFromString(svg, "image/svg+xml");
            const texts = [...doc.querySelectorAll("text")].map(t => t.textContent);
            const strokes = [...doc.querySelectorAll("path")].map(p => p.getAttribute("stroke"));
            const masks = [...doc.querySelectorAll("mask")].map(m => m.id);
            const count = (selector) => doc.querySelectorAll(selector).length;
            return {texts, strokes, masks, images: count("symbol image"), uses: count("use")};
        }""",
        svg,
    )
    for element in by_type(scene, "text"):
        for line in element["text"].split("\n"):
            assert line in drawn["texts"], line
    arrows = by_type(scene, "arrow")
    strokes = Counter(drawn["strokes"])
    for color, count in Counter(a["strokeColor"] for a in arrows).items():
        assert strokes[color] >= 3 * count  # a shaft and the two strokes of its head, each
    labelled = [a["id"] for a in arrows if a["boundElements"]]
    assert {f"mask-{arrow_id}" for arrow_id in labelled} <= set(drawn["masks"])
    # one <image> per icon file, drawn once per node through <use>
    assert (drawn["images"], drawn["uses"]) == (len(scene["files"]), len(by_type(scene, "image")))

"""The layout seam (render/layout.py): another engine plugs in with `placed_by`, and every
picture follows it (the render's images, the layout search, `mlsd check`, the Excalidraw
export) without a change to any of them."""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from conftest import MINIMAL
from PIL import Image

from mlsd_diagrams import arrange
from mlsd_diagrams.build import render_design
from mlsd_diagrams.check import check_design
from mlsd_diagrams.graph import build_graph
from mlsd_diagrams.pictures import overview
from mlsd_diagrams.render.dot import to_dot
from mlsd_diagrams.render.layout import DOT, Dot, Layout, engine, lay_out, placed_by
from mlsd_diagrams.validate import load_design

SPEC = MINIMAL.replace(
    "  - {id: api,",
    "  - {id: events, kind: event-stream, label: Events, stage: data}\n"
    "  - {id: trainer, kind: training-pipeline, label: Trainer, stage: training}\n"
    "  - {id: api,",
) + (
    "  - {from: app, to: events, label: clicks, kind: stream, step: 2}\n"
    "  - {from: events, to: trainer, label: labels, kind: batch, step: 3}\n"
    "  - {from: trainer, to: api, label: deploy, kind: batch, step: 4}\n"
)


class TopDown(Dot):
    """A placement of its own: the stages top to bottom instead of left to right (dot with
    another rank direction), recording every picture it places or draws."""

    name = "top-down"

    def __init__(self) -> None:
        self.laid_out: list[str] = []
        self.drawn: list[Path] = []
        self._lock = threading.Lock()

    def lay_out(self, source: str) -> Layout:
        with self._lock:
            self.laid_out.append(source)
        return super().lay_out(_top_down(source))

    def draw(self, source: str, outputs: Mapping[str, Path], **options: Any) -> Layout | None:
        with self._lock:
            self.drawn += outputs.values()
        return super().draw(_top_down(source), outputs, **options)


def _top_down(source: str) -> str:
    assert "rankdir=LR" in source
    return source.replace("rankdir=LR", "rankdir=TB")


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    path = tmp_path / "seam.yaml"
    path.write_text(SPEC, encoding="utf-8")
    return path


def _shape(png: Path) -> tuple[int, int]:
    with Image.open(png) as image:
        return image.size


def test_every_image_of_a_render_is_drawn_by_the_engine_in_force(spec: Path, tmp_path: Path):
    design = load_design(spec)
    plain = render_design(design, tmp_path / "dot", ("png", "svg", "views", "gif"))
    top_down = TopDown()
    with placed_by(top_down):
        placed = render_design(design, tmp_path / "top", ("png", "svg", "views", "gif"))
    images = sorted(p.name for p in placed.files if p.suffix != ".gif")
    assert len(images) > 4 and images == sorted(p.name for p in top_down.drawn)
    assert top_down.laid_out  # the search measured the candidates with it too
    # the overview reads top to bottom now: taller than wide, unlike dot's own
    width, height = _shape(tmp_path / "top" / "tiny" / "tiny.png")
    assert height > width
    width, height = _shape(next(p for p in plain.files if p.name == "tiny.png"))
    assert width > height
    assert engine() is DOT  # only within the block


def _offsets(boxes: dict[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
    """Where each component is from the client app (top-left corners): what a shift of the
    whole picture leaves unchanged."""
    x0, y0 = boxes["app"]
    return {name: (round(x - x0), round(y - y0)) for name, (x, y) in boxes.items()}


def _components(layout: Layout) -> dict[str, tuple[float, float]]:
    names = {"app", "events", "trainer", "api"}
    return {n.id: (n.box.x, n.box.y) for n in layout.nodes if n.id in names}


def test_check_and_the_excalidraw_export_read_the_engine_s_layout(spec: Path, tmp_path: Path):
    design = load_design(spec)
    graph = build_graph(design)
    source = to_dot(graph, overview(design, graph).options)
    by_dot = lay_out(source)
    top_down = TopDown()
    with placed_by(top_down):
        source = to_dot(graph, overview(design, graph).options)
        expected = lay_out(source)
        first = check_design(design)[0]
        render_design(design, tmp_path / "out", ("excalidraw",))
    assert (first.figures.width_pt, first.figures.height_pt) == (expected.width, expected.height)
    elements = json.loads((tmp_path / "out" / "tiny" / "tiny.excalidraw").read_text())["elements"]
    drawn = {
        e["customData"]["component"]: (e["x"], e["y"])
        for e in elements
        if e["type"] == "rectangle" and e.get("customData", {}).get("kind")
    }
    assert _offsets(drawn) == _offsets(_components(expected))
    assert _offsets(_components(expected)) != _offsets(_components(by_dot))


def test_a_layout_chosen_with_one_engine_is_not_reused_by_another(
    spec: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("MLSD_CACHE_DIR", str(tmp_path / "cache"))  # nothing kept on disk yet
    monkeypatch.setattr(arrange, "_CHOSEN", {})  # nor in memory
    design = load_design(spec)
    graph = build_graph(design)
    overview(design, graph)  # searched and remembered with dot
    top_down = TopDown()
    with placed_by(top_down):
        overview(design, graph)
    assert top_down.laid_out  # searched again, with its own layouts

"""Every example design is pinned: its graph (canonical JSON), DOT source (as rendered, with
its key) and write-up.

Update with `MLSD_ACCEPT=1 make test` only when a change is intended, and review the diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import DESIGNS, assert_golden

from mlsd_diagrams.build import load_design
from mlsd_diagrams.graph import build_graph
from mlsd_diagrams.pictures import overview
from mlsd_diagrams.render.dot import to_dot
from mlsd_diagrams.render.writeup import to_markdown


@pytest.mark.parametrize("spec", DESIGNS, ids=[d.stem for d in DESIGNS])
def test_graph_and_dot_are_pinned(spec: Path):
    design = load_design(spec)
    graph = build_graph(design)
    assert_golden(f"{graph.id}.graph.json", graph.to_json())
    picture = overview(design, graph)
    assert_golden(f"{graph.id}.dot", to_dot(graph, picture.options))
    assert_golden(f"{graph.id}.md", to_markdown(design, graph, f"{graph.id}.png"))


@pytest.mark.parametrize("spec", DESIGNS, ids=[d.stem for d in DESIGNS])
def test_dot_has_no_machine_paths_and_one_entry_per_component(spec: Path):
    design = load_design(spec)
    source = to_dot(build_graph(design))
    assert "site-packages" not in source and str(Path.home()) not in source
    for component in design.components:
        assert source.count(f"\t\t{component.id} [label=") == 1
    assert source.count(" -> ") == len(design.flows)


def test_no_golden_is_left_without_a_design():
    ids = {load_design(spec).id for spec in DESIGNS}
    goldens = {p.name.split(".")[0] for p in (Path(__file__).parent / "golden").glob("*.*")}
    assert goldens <= ids

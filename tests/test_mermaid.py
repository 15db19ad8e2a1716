"""The write-up's Mermaid: stage colours, and one chart per view for a large design."""

from __future__ import annotations

import re

from conftest import DESIGNS

from mlsd_diagrams.graph import build_graph
from mlsd_diagrams.render.mermaid import MAX_NODES, to_mermaid
from mlsd_diagrams.render.style import STAGE_COLORS
from mlsd_diagrams.render.writeup import mermaid_charts, to_markdown
from mlsd_diagrams.validate import load_design
from mlsd_diagrams.views import design_views, view_graph


def test_each_stage_has_its_colour_and_its_components(spec_file):
    design = load_design(spec_file())
    graph = build_graph(design)
    source = to_mermaid(graph)
    for stage, (fill, stroke) in (
        ("client", STAGE_COLORS["client"]),
        ("serving", STAGE_COLORS["serving"]),
    ):
        assert f"  style s_{stage} fill:{fill},stroke:{stroke}," in source
        assert f"  classDef st_{stage} fill:#FFFFFF,stroke:{stroke}," in source
    assert "  class n1 st_client\n" in source and "  class n2 st_serving\n" in source
    assert "stub" not in source  # the whole design has no stubs
    (chart,) = mermaid_charts(design, graph)
    assert chart == (None, source)
    assert to_markdown(design, graph, None).count("```mermaid") == 1


def test_a_large_design_gets_one_chart_per_view_with_its_stubs():
    path = next(d for d in DESIGNS if d.stem == "video-recommendation")
    design = load_design(path)
    graph = build_graph(design)
    assert len(graph.nodes) > MAX_NODES
    charts = mermaid_charts(design, graph)
    views = design_views(design)
    assert [title for title, _ in charts] == [view.title for view in views]
    for (_title, source), view in zip(charts, views, strict=True):
        part = view_graph(graph, view)
        assert len(re.findall(r"^    n\d+\[", source, re.MULTILINE)) == len(part.nodes)
        stubs = re.findall(r"^  (x\d+)\[", source, re.MULTILINE)
        assert len(stubs) == len(part.stubs)
        if stubs:
            assert f"  class {','.join(stubs)} stub\n" in source
    markdown = to_markdown(design, graph, None)
    assert markdown.count("```mermaid") == len(views)
    assert f"{len(graph.nodes)} components are too many for one chart" in markdown

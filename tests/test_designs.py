"""The quality bar of the example library, checked over the whole designs/ folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import DESIGNS, GOLDEN
from markdown_it import MarkdownIt

from mlsd_diagrams.build import load_design
from mlsd_diagrams.estimates import estimates
from mlsd_diagrams.graph import build_graph
from mlsd_diagrams.render.writeup import to_markdown

IDS = [d.stem for d in DESIGNS]

BOOK_CASES = {
    "visual-search",
    "street-view-blurring",
    "youtube-video-search",
    "harmful-content-detection",
    "video-recommendation",
    "event-recommendation",
    "ad-click-prediction",
    "similar-listings",
    "personalized-news-feed",
    "people-you-may-know",
}
NEWER_TOPICS = {"content-moderation", "rag-document-qa", "llm-agent"}


def test_the_library_holds_every_case():
    assert {load_design(spec).id for spec in DESIGNS} == BOOK_CASES | NEWER_TOPICS


@pytest.mark.parametrize("spec", DESIGNS, ids=IDS)
def test_file_name_is_the_design_id(spec: Path):
    assert load_design(spec).id == spec.stem


@pytest.mark.parametrize("spec", DESIGNS, ids=IDS)
def test_no_orphan_component(spec: Path):
    design = load_design(spec)
    linked = {f.source for f in design.flows} | {f.target for f in design.flows}
    assert [c.id for c in design.components if c.id not in linked] == []


@pytest.mark.parametrize("spec", DESIGNS, ids=IDS)
def test_offline_and_online_metrics_and_an_estimate(spec: Path):
    design = load_design(spec)
    assert design.evaluation.offline and design.evaluation.online
    assert estimates(design.requirements.scale), "no estimate can be computed"


@pytest.mark.parametrize("spec", DESIGNS, ids=IDS)
def test_every_step_of_the_framework_is_filled(spec: Path):
    design = load_design(spec)
    assert design.requirements.functional and design.requirements.non_functional
    assert design.data.sources and design.data.labels and design.data.features
    assert len(design.model.path) >= 2 and design.model.loss
    assert design.serving.pipelines and design.serving.testing
    assert design.monitoring.ml and design.monitoring.operational and design.monitoring.alerts
    assert len(design.tradeoffs) >= 2
    assert any(flow.step for flow in design.flows), "no numbered request path"


@pytest.mark.parametrize("spec", DESIGNS, ids=IDS)
def test_has_a_golden_snapshot(spec: Path):
    for suffix in (".graph.json", ".dot", ".md"):
        assert (GOLDEN / f"{spec.stem}{suffix}").is_file()


@pytest.mark.parametrize("spec", DESIGNS, ids=IDS)
def test_write_up_is_valid_markdown_with_every_step(spec: Path):
    design = load_design(spec)
    markdown = to_markdown(design, build_graph(design), f"{design.id}.png")
    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    steps = [h for h in headings if h[:2] in {f"{n}." for n in range(1, 8)}]
    assert [h[:2] for h in steps] == ["1.", "2.", "3.", "4.", "5.", "6.", "7."]
    assert "Back-of-envelope estimates" in headings and "Trade-offs" in headings
    assert sum(1 for t in tokens if t.type == "table_open") >= 6
    assert "<" not in "".join(t.content for t in tokens if t.type == "html_block")

"""Every library design reasons with its own numbers: a latency breakdown, a sizing, trade-off
numbers that follow its scale, no consistency warnings, and no sentence of another case."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import DESIGNS

from mlsd_diagrams.capacity import capacity
from mlsd_diagrams.estimates import estimates
from mlsd_diagrams.graph import build_graph
from mlsd_diagrams.model import Design
from mlsd_diagrams.render.writeup import to_markdown
from mlsd_diagrams.tradeoffs import lookup
from mlsd_diagrams.validate import check_design

SIZING = {"Compute", "Vector index memory", "Feature store by entity type"}
SCALED = (
    "daily_active_users",
    "items",
    "new_items_per_day",
    "events_per_day",
    "feature_entities",
    "candidates_per_request",
)


def load(spec: Path) -> Design:
    design, found = check_design(spec)
    assert not found, [str(problem) for problem in found]
    return design


def scaled(design: Design, factor: float) -> Design:
    data = design.model_dump(by_alias=True, exclude_none=True)
    scale = data["requirements"]["scale"]
    for key in SCALED:
        if key in scale:
            scale[key] *= factor
    for entity in scale.get("entity_types", []):
        entity["count"] *= factor
    for key in ("per_day", "average_per_second", "peak_per_second"):
        if key in scale.get("load", {}):
            scale["load"][key] *= factor
    return Design.model_validate(data)


@pytest.mark.parametrize("spec", DESIGNS, ids=[d.stem for d in DESIGNS])
def test_latency_breakdown_and_a_sizing(spec: Path):
    groups = {group.title: group for group in capacity(load(spec))}
    assert "Request-path latency budget" in groups
    assert SIZING & set(groups), f"no compute or memory sizing in {sorted(groups)}"


@pytest.mark.parametrize("spec", DESIGNS, ids=[d.stem for d in DESIGNS])
def test_every_cited_tradeoff_has_numbers_that_follow_the_scale(spec: Path):
    design = load(spec)
    bigger = scaled(design, 10)
    for choice in design.tradeoffs:
        entry = lookup(choice.name)
        rows = entry.numbers(design)
        assert rows, f"{spec.stem}: {choice.name} shows no numbers"
        assert [r.value for r in rows] != [r.value for r in entry.numbers(bigger)], choice.name


@pytest.mark.parametrize("name", ["rag-document-qa", "llm-agent"])
def test_llm_designs_show_tokens_and_cost(name: str):
    design = load(Path(__file__).parent.parent / "designs" / f"{name}.yaml")
    (llm,) = [g for g in capacity(design) if g.title == "LLM tokens and cost"]
    names = [row.name for row in llm.rows]
    assert any(n.startswith("Tokens per ") for n in names)
    assert any(n.startswith("Cost per 1K") for n in names)
    assert "LLM cost per day" in names


def test_ads_training_data_applies_its_downsampling():
    design = load(Path(__file__).parent.parent / "designs" / "ad-click-prediction.yaml")
    rows = {row.name: row for row in estimates(design.requirements.scale, design.data)}
    assert rows["Logged examples per day"].display == "37.5 TB/day"
    # 37.5B × 1 KB × (0.02 + 0.05 × 0.98) = 2.59 TB a day, not 37.5 TB
    assert rows["Training data per day"].value == pytest.approx(37.5e12 * 0.069)
    assert rows["Training data retained"].display == "78 TB"


OTHER_CASES = {
    "people-you-may-know": ("PYMK", "People You May Know"),
    "ad-click-prediction": ("ad click prediction", "Ad click prediction"),
    "llm-agent": ("Roll agents out",),
}


@pytest.mark.parametrize("spec", DESIGNS, ids=[d.stem for d in DESIGNS])
def test_tradeoff_sections_do_not_cite_another_case(spec: Path):
    design = load(spec)
    text = to_markdown(design, build_graph(design), None)
    section = text[text.find("## Trade-offs") :]
    for case, phrases in OTHER_CASES.items():
        if case == design.id:
            continue
        for phrase in phrases:
            assert phrase not in section, f"{design.id} cites {case}: {phrase!r}"

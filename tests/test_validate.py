"""Validation: every problem of a spec at once, each with file:line:col, key and a hint."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from conftest import MINIMAL
from pydantic_core import PydanticCustomError

from mlsd_diagrams.build import load_design
from mlsd_diagrams.errors import SpecError, is_hidden
from mlsd_diagrams.model import _check_text

CASES = sorted((Path(__file__).parent / "cases" / "invalid").glob("*.yaml"))


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_invalid_spec_reports_exactly(case: Path, monkeypatch):
    monkeypatch.chdir(case.parent)
    expected = case.with_suffix(".expected").read_text(encoding="utf-8").splitlines()
    with pytest.raises(SpecError) as caught:
        load_design(Path(case.name))
    assert [str(p) for p in caught.value.problems] == expected


def test_minimal_spec_is_valid(spec_file):
    design = load_design(spec_file())
    assert design.id == "tiny"
    assert [c.id for c in design.components] == ["app", "api"]


def test_strings_keep_their_text_and_numbers_take_suffixes(spec_file):
    text = (spec_file().read_text() + "tags: [no, on]\n").replace(
        "  business_objective: Grow.\n",
        "  business_objective: 'no'\n"
        "  scale: {daily_active_users: 2B, items: 1.5M, latency_budget_ms: 200}\n",
    )
    design = load_design(spec_file(text))
    assert design.tags == ["no", "on"]
    assert design.requirements.business_objective == "no"
    assert design.requirements.scale.daily_active_users == 2_000_000_000
    assert design.requirements.scale.items == 1_500_000
    assert design.requirements.scale.latency_budget_ms == 200


def test_bare_strings_are_accepted_for_metrics_features_and_models(spec_file):
    text = spec_file().read_text() + (
        "evaluation:\n  offline: [nDCG@10, {name: mAP, why: ranking}]\n  online: [CTR]\n"
        "model:\n  path: [Logistic regression]\n"
    )
    design = load_design(spec_file(text))
    assert [m.name for m in design.evaluation.offline] == ["nDCG@10", "mAP"]
    assert design.evaluation.offline[1].why == "ranking"
    assert design.model.path[0].name == "Logistic regression"


def test_every_problem_is_reported_once(spec_file):
    text = (
        spec_file().read_text().replace("kind: client", "kind: clint").replace("to: api", "to: apx")
    )
    with pytest.raises(SpecError) as caught:
        load_design(spec_file(text))
    messages = [p.message for p in caught.value.problems]
    assert len(messages) == len(set(messages)) == 2


def test_too_many_components_names_the_stage_views_to_split_into(spec_file):
    """Past the cap, the message names each stage view the design splits into with its
    number of components (and which would still be past the cap), at the `components` key."""
    stages = ["client"] * 5 + ["data"] * 60 + ["features"] * 70 + ["training"] * 10
    items = "".join(
        f"  - {{id: c{n}, kind: cache, label: C{n}, stage: {stage}}}\n"
        for n, stage in enumerate(stages)
    )
    text = MINIMAL.split("components:")[0] + "components:\n" + items + "flows: []\n"
    spec = spec_file(text)
    with pytest.raises(SpecError) as caught:
        load_design(spec)
    [problem] = caught.value.problems
    line = text.splitlines().index("components:") + 1
    assert str(caught.value) == (
        f"{spec}:{line}:1: components: has 145 entries, more than 120; split the design into "
        "one spec per stage view: data (130, split again); training (10); serving (5)"
    )


def test_every_hidden_character_is_refused_in_any_text():
    """The text check's quick path (printable text has no hidden character) holds for every
    code point the full check flags."""
    hidden = [chr(code) for code in range(sys.maxunicode + 1) if is_hidden(chr(code))]
    assert len(hidden) > 100 and not any(ch.isprintable() for ch in hidden)
    for ch in hidden[::7] + ["\u202e", "\u200b", "\ufeff"]:
        with pytest.raises(PydanticCustomError):
            _check_text(f"label{ch}text")
    assert _check_text("Ranker (v2), 10 ms") == "Ranker (v2), 10 ms"

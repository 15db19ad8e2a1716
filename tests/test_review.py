"""The review rubric: every rule fires on a design that misses its signal, and not otherwise."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import DESIGNS, MINIMAL

from mlsd_diagrams.cli import cli
from mlsd_diagrams.load import load_file, load_text
from mlsd_diagrams.review import RULES, review, review_file
from mlsd_diagrams.validate import validate

SPECS = {spec.stem: spec for spec in DESIGNS}
Data = dict


def base(name: str) -> Data:
    return load_file(SPECS[name]).data


def minimal(**changes: object) -> Data:
    data = load_text(MINIMAL, "m.yaml").data
    data.update(changes)
    return data


def edit(name: str, change: Callable[[Data], None]) -> Data:
    data = copy.deepcopy(base(name))
    change(data)
    return data


def drop_flows(data: Data, keep: Callable[[dict], bool]) -> None:
    data["flows"] = [flow for flow in data["flows"] if keep(flow)]


VIDEO = "video-recommendation"

# rule id → (a design that triggers it, a design of the same kind that does not)
TRIGGERS: dict[str, tuple[Callable[[], Data], str]] = {
    "business-objective": (
        lambda: edit(VIDEO, lambda d: d["requirements"].update(business_objective="Grow.")),
        VIDEO,
    ),
    "scale-numbers": (
        lambda: edit(VIDEO, lambda d: d["requirements"].update(scale={"latency_budget_ms": "200"})),
        VIDEO,
    ),
    "latency-budget": (
        lambda: edit(VIDEO, lambda d: d["requirements"]["scale"].pop("latency_budget_ms")),
        VIDEO,
    ),
    "ml-objective": (
        lambda: edit(VIDEO, lambda d: d["framing"].update(ml_objective="Rank.")),
        VIDEO,
    ),
    "input-output": (lambda: edit(VIDEO, lambda d: d["framing"].update(output="")), VIDEO),
    "ml-category": (lambda: edit(VIDEO, lambda d: d["framing"].update(category=[])), VIDEO),
    "label-source": (lambda: edit(VIDEO, lambda d: d["data"].pop("labels")), VIDEO),
    "class-balance": (lambda: edit(VIDEO, lambda d: d["data"].pop("class_balance")), VIDEO),
    "imbalance-handling": (
        lambda: edit(
            VIDEO,
            lambda d: d["data"].update(class_balance="Positives are rare: 1% of impressions."),
        ),
        VIDEO,
    ),
    "features": (
        lambda: edit(VIDEO, lambda d: d["data"].update(features=d["data"]["features"][:1])),
        VIDEO,
    ),
    "baseline-first": (
        lambda: edit(VIDEO, lambda d: d["model"].update(path=d["model"]["path"][-1:])),
        VIDEO,
    ),
    "loss": (lambda: edit(VIDEO, lambda d: d["model"].pop("loss")), VIDEO),
    "offline-metrics": (lambda: edit(VIDEO, lambda d: d["evaluation"].update(offline=[])), VIDEO),
    "online-metrics": (lambda: edit(VIDEO, lambda d: d["evaluation"].update(online=[])), VIDEO),
    "ranking-metrics": (
        lambda: edit(VIDEO, lambda d: d["evaluation"].update(offline=["Diversity"])),
        VIDEO,
    ),
    "imbalance-metrics": (
        lambda: edit(
            "harmful-content-detection", lambda d: d["evaluation"].update(offline=["Accuracy"])
        ),
        "harmful-content-detection",
    ),
    "cold-start": (lambda: minimal(tags=["recommendation"]), VIDEO),
    "training-serving-skew": (
        lambda: edit(VIDEO, lambda d: d["components"][5].update(kind="feature-pipeline")),
        VIDEO,
    ),
    "testing-in-production": (
        lambda: edit(VIDEO, lambda d: d["serving"].update(testing=["Ship it."])),
        VIDEO,
    ),
    "pipelines": (lambda: edit(VIDEO, lambda d: d["serving"].update(pipelines=[])), VIDEO),
    "drift-monitoring": (
        lambda: edit(VIDEO, lambda d: d["monitoring"].update(ml=["Online CTR"])),
        VIDEO,
    ),
    "operational-metrics": (
        lambda: edit(VIDEO, lambda d: d["monitoring"].update(operational=[])),
        VIDEO,
    ),
    "alerting": (lambda: edit(VIDEO, lambda d: d["monitoring"].update(alerts=[])), VIDEO),
    "feedback-loop": (
        lambda: edit(VIDEO, lambda d: drop_flows(d, lambda f: f.get("kind") != "feedback")),
        VIDEO,
    ),
    "two-tradeoffs": (lambda: edit(VIDEO, lambda d: d.update(tradeoffs=d["tradeoffs"][:1])), VIDEO),
    "no-orphans": (
        lambda: edit(
            VIDEO,
            lambda d: d["components"].append(
                {"id": "lonely", "kind": "cache", "label": "Cache", "stage": "serving"}
            ),
        ),
        VIDEO,
    ),
    "serving-reachable": (
        lambda: edit(VIDEO, lambda d: drop_flows(d, lambda f: f["from"] != "app")),
        VIDEO,
    ),
    "registry-to-serving": (
        lambda: edit(
            VIDEO,
            lambda d: drop_flows(
                d, lambda f: not (f["from"] == "registry" and f["to"] in ("user_tower", "scoring"))
            ),
        ),
        VIDEO,
    ),
}


def findings_of(data: Data, tmp_path: Path) -> set[str]:
    path = tmp_path / "spec.yaml"
    path.write_text(json.dumps(data), encoding="utf-8")  # JSON is YAML
    return {finding.rule for finding in review_file(path).findings}


def test_every_rule_has_a_trigger_test():
    assert set(TRIGGERS) == {rule.id for rule in RULES}


@pytest.mark.parametrize("rule", sorted(TRIGGERS))
def test_rule_fires_when_the_signal_is_missing(rule: str, tmp_path: Path):
    triggering, _ = TRIGGERS[rule]
    assert rule in findings_of(triggering(), tmp_path)


@pytest.mark.parametrize("rule", sorted(TRIGGERS))
def test_rule_is_quiet_when_the_signal_is_there(rule: str, tmp_path: Path):
    _, passing = TRIGGERS[rule]
    assert rule not in findings_of(base(passing), tmp_path)


@pytest.mark.parametrize("spec", DESIGNS, ids=[d.stem for d in DESIGNS])
def test_every_library_design_scores_high(spec: Path):
    result = review_file(spec)
    assert result.score >= 95, [str(f) for f in result.findings]
    assert all(f.severity != "error" for f in result.findings)


def test_findings_point_at_the_line_to_change(tmp_path: Path):
    path = tmp_path / "spec.yaml"
    path.write_text(MINIMAL.replace("evaluation", "x"), encoding="utf-8")
    doc = load_file(path)
    result = review(doc, validate(doc))
    (offline,) = [f for f in result.findings if f.rule == "offline-metrics"]
    assert (offline.file, offline.line) == (str(path), 1)  # no `evaluation:`: the top of the file
    labels = next(f for f in result.findings if f.rule == "label-source")
    assert labels.line == 1 and "natural labels" in labels.hint


def test_cli_text_json_and_min_score(tmp_path: Path):
    spec = tmp_path / "tiny.yaml"
    spec.write_text(MINIMAL, encoding="utf-8")
    text = CliRunner().invoke(cli, ["review", str(spec)])
    assert text.exit_code == 0 and f"{spec}: " in text.output and "[label-source]" in text.output
    data = json.loads(CliRunner().invoke(cli, ["review", "--format", "json", str(spec)]).output)
    assert data[0]["design"] == "tiny" and 0 <= data[0]["score"] < 60
    assert {"rule", "step", "severity", "line", "hint"} <= set(data[0]["findings"][0])
    gate = CliRunner().invoke(cli, ["review", "--min-score", "80", str(spec), str(SPECS[VIDEO])])
    assert gate.exit_code == 1
    passing = CliRunner().invoke(cli, ["review", "--min-score", "95", str(SPECS[VIDEO])])
    assert passing.exit_code == 0


def test_cli_review_of_a_broken_spec_exits_2(tmp_path: Path):
    spec = tmp_path / "bad.yaml"
    spec.write_text("id: Bad\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["review", str(spec)])
    assert result.exit_code == 2 and "bad.yaml:1:1: id:" in result.stderr

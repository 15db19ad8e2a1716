"""The review rubric, tested as data: tests/cases/review/<rule>.yaml holds, per rule, small
designs (a library design with a patch, or a spec written out) and the exact findings each must
raise; one generic runner below loads them all.

A case's findings are compared with its base design's: the *new* findings, as (rule code, spec
key), must be exactly the expected ones, and each must sit on the line of that key. A case that
expects its rule must cost the design at least MIN_DROP points.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from conftest import DESIGNS, MINIMAL

from mlsd_diagrams.cli import cli
from mlsd_diagrams.load import load_file
from mlsd_diagrams.review import CRITICAL_CAP, Review, review_file
from mlsd_diagrams.review_rules import RULES

CASES = Path(__file__).parent / "cases" / "review"
SPECS = {spec.stem: spec for spec in DESIGNS}
MIN_DROP = 15
LIBRARY_MIN = 90


def _cases() -> list[tuple[str, dict[str, Any]]]:
    out = []
    for path in sorted(CASES.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in data["cases"]:
            out.append((f"{path.stem}: {case['name']}", {**case, "rule": data["rule"]}))
    return out


CASE_LIST = _cases()


# --- applying a patch to a design ---


def _key(part: str) -> str | int:
    return int(part) if part.isdigit() else part


def _walk(data: Any, dotted: str) -> tuple[Any, str | int]:
    parts = [_key(p) for p in dotted.split(".")]
    for part in parts[:-1]:
        data = data[part]
    return data, parts[-1]


def _matches(item: Any, where: dict[str, Any]) -> bool:
    return isinstance(item, dict) and all(item.get(k) == v for k, v in where.items())


def apply(data: dict[str, Any], op: dict[str, Any]) -> None:
    if "set" in op:
        parent, last = _walk(data, op["set"])
        parent[last] = op["value"]
    elif "del" in op:
        parent, last = _walk(data, op["del"])
        del parent[last]
    elif "append" in op:
        parent, last = _walk(data, op["append"])
        parent[last].append(op["value"])
    elif "drop" in op:
        parent, last = _walk(data, op["drop"])
        kept = [item for item in parent[last] if not _matches(item, op["where"])]
        assert len(kept) < len(parent[last]), f"drop matched nothing: {op}"
        parent[last] = kept
    elif "update" in op:
        parent, last = _walk(data, op["update"])
        hits = [item for item in parent[last] if _matches(item, op["where"])]
        assert hits, f"update matched nothing: {op}"
        for item in hits:
            item.update(op["with"])
    else:
        raise AssertionError(f"unknown patch operation {op}")


def base_data(name: str) -> dict[str, Any]:
    if name == "minimal":
        return yaml.safe_load(MINIMAL)
    return load_file(SPECS[name]).data


def write(data: dict[str, Any], path: Path) -> Path:
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000)
    path.write_text(text, encoding="utf-8")
    return path


def resolve(at: str, data: dict[str, Any]) -> str:
    """`components#id` → `components.<index of that id>`; other keys unchanged."""
    if "#" not in at:
        return at
    section, cid = at.split("#")
    index = next(i for i, c in enumerate(data[section]) if c["id"] == cid)
    return f"{section}.{index}"


def found(result: Review) -> set[tuple[str, str]]:
    return {(f.code, f.key) for f in result.findings}


# --- the runner ---


@pytest.mark.parametrize("name,case", CASE_LIST, ids=[name for name, _ in CASE_LIST])
def test_review_case(name: str, case: dict[str, Any], tmp_path: Path):
    if "spec" in case:  # a design written out: findings by (code, line)
        path = tmp_path / "spec.yaml"
        path.write_text(case["spec"], encoding="utf-8")
        got = {(f.code, f.line) for f in review_file(path).findings}
        expected = {(e["code"], e["line"]) for e in case["expect"]}
        assert expected <= got, got
        assert not {c for c, _ in got} & set(case.get("absent", [])), got
        return
    data = base_data(case["base"])
    original = review_file(write(data, tmp_path / "original.yaml"))
    for op in case.get("patch", []):
        apply(data, op)
    path = write(data, tmp_path / "variant.yaml")
    variant = review_file(path)
    new = found(variant) - found(original)
    expected = {(e["code"], resolve(e["at"], data)) for e in case["expect"]}
    assert new == expected, [str(f) for f in variant.findings]
    doc = load_file(path)
    for f in variant.findings:
        if (f.code, f.key) in expected:
            parts = tuple(_key(p) for p in f.key.split("."))
            assert f.line == doc.mark(parts).line, f  # the right line
    if any(e["code"] == case["rule"] for e in case["expect"]):
        assert original.score - variant.score >= MIN_DROP, (original.score, variant.score)
    else:
        assert case["rule"] not in {f.code for f in variant.findings}


def test_every_rule_has_cases_that_trigger_and_stay_quiet():
    by_rule: dict[str, list[dict[str, Any]]] = {}
    for _, case in CASE_LIST:
        by_rule.setdefault(case["rule"], []).append(case)
    assert set(by_rule) == {rule.code for rule in RULES}
    for code, cases in by_rule.items():
        fires = [c for c in cases if any(e["code"] == code for e in c["expect"])]
        quiet = [c for c in cases if not any(e["code"] == code for e in c["expect"])]
        assert fires and quiet, code


def test_rule_codes_and_names_are_unique_and_severities_known():
    assert len({r.code for r in RULES}) == len(RULES) == len({r.name for r in RULES})
    assert {r.severity for r in RULES} <= {"critical", "error", "warning"}


@pytest.mark.parametrize("spec", DESIGNS, ids=[d.stem for d in DESIGNS])
def test_every_library_design_scores_high_without_critical(spec: Path):
    result = review_file(spec)
    assert result.score >= LIBRARY_MIN, [str(f) for f in result.findings]
    assert not result.critical, [str(f) for f in result.findings]


def test_a_critical_finding_caps_the_score(tmp_path: Path):
    data = base_data("harmful-content-detection")
    data["evaluation"]["offline"] = ["Accuracy"]
    result = review_file(write(data, tmp_path / "spec.yaml"))
    assert result.critical and result.score <= CRITICAL_CAP


def test_a_rule_disabled_in_the_spec_is_skipped_and_reported(tmp_path: Path):
    data = base_data("harmful-content-detection")
    data["evaluation"]["offline"] = ["Accuracy"]
    reason = "Balanced audit sample: positives are 50% of this evaluation set."
    data["review"] = {"disable": [{"rule": "imbalance-metrics", "reason": reason}]}
    result = review_file(write(data, tmp_path / "spec.yaml"))
    assert "EV04" not in {f.code for f in result.findings}
    assert [(d.code, d.reason) for d in result.disabled] == [("EV04", reason)]
    text = CliRunner().invoke(cli, ["review", str(tmp_path / "spec.yaml")]).output
    assert "disabled EV04 [imbalance-metrics]: Balanced audit sample" in text


def test_cli_text_json_and_min_score(tmp_path: Path):
    spec = tmp_path / "tiny.yaml"
    spec.write_text(MINIMAL, encoding="utf-8")
    text = CliRunner().invoke(cli, ["review", str(spec)])
    assert text.exit_code == 0 and f"{spec}: " in text.output and "[label-source]" in text.output
    data = json.loads(CliRunner().invoke(cli, ["review", "--format", "json", str(spec)]).output)
    assert (data["format"], data["version"], data["tool"]) == ("mlsd-findings", 1, "review")
    (design,) = data["designs"]
    assert design["design"] == "tiny" and 0 <= design["score"] < 60
    keys = {"tool", "code", "rule", "step", "severity", "line", "column", "key", "message", "hint"}
    assert keys <= set(design["findings"][0])
    video = str(SPECS["video-recommendation"])
    gate = CliRunner().invoke(cli, ["review", "--min-score", "80", str(spec), video])
    assert gate.exit_code == 1
    passing = CliRunner().invoke(cli, ["review", "--min-score", "90", video])
    assert passing.exit_code == 0


def test_cli_review_of_a_broken_spec_exits_2(tmp_path: Path):
    spec = tmp_path / "bad.yaml"
    spec.write_text("id: Bad\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["review", str(spec)])
    assert result.exit_code == 2 and "bad.yaml:1:1: id:" in result.stderr


# --- the talk track and the likely follow-ups (mlsd_diagrams/interview.py) ---


def _design(name: str):  # type: ignore[no-untyped-def]
    from mlsd_diagrams.validate import validate

    return validate(load_file(SPECS[name]))


def _minutes(name: str) -> dict[str, int]:
    from mlsd_diagrams.interview import talk_track

    return {step.title: step.minutes for step in talk_track(_design(name)).steps}


@pytest.mark.parametrize("spec", DESIGNS, ids=[d.stem for d in DESIGNS])
def test_talk_track_fills_45_minutes_with_time_for_deep_dives_and_questions(spec: Path):
    from mlsd_diagrams.interview import talk_track

    track = talk_track(_design(spec.stem))
    total = sum(s.minutes for s in track.steps) + track.deep_dive_minutes + track.question_minutes
    assert total == 45 and all(s.minutes >= 2 for s in track.steps)
    assert track.deep_dives and track.deep_dive_minutes > 0 and track.question_minutes > 0
    assert not any("components, a" in s.cover or " sources, " in s.cover for s in track.steps)


def test_talk_track_minutes_follow_what_the_design_stresses():
    rag, ads, harm = (
        _minutes(n) for n in ("rag-document-qa", "ad-click-prediction", "harmful-content-detection")
    )
    assert rag["Evaluation"] > ads["Evaluation"]  # RAG: evaluation and safety
    assert ads["Model development"] > rag["Model development"]  # ads: calibration
    assert harm["Monitoring"] > rag["Monitoring"]  # late labels and human review
    assert (
        _minutes("street-view-blurring")["Deployment and serving"] < ads["Deployment and serving"]
    )


def test_talking_points_are_drawn_from_the_spec():
    from mlsd_diagrams.interview import talk_track

    steps = talk_track(_design("ad-click-prediction")).steps
    assert "2% positives" in steps[2].cover and "downsampling-correction" in steps[3].cover
    assert "CTR" in steps[4].cover


def test_follow_ups_differ_between_designs_and_mark_gaps():
    from mlsd_diagrams.interview import follow_ups

    rag = {f.question for f in follow_ups(_design("rag-document-qa"))}
    ads = {f.question for f in follow_ups(_design("ad-click-prediction"))}
    assert any("ignore your instructions" in q for q in rag) and not any("ignore" in q for q in ads)
    assert any("downsampled" in q for q in ads) and not any("downsampled" in q for q in rag)
    data = base_data("ad-click-prediction")
    del data["model"]["calibration"]
    from mlsd_diagrams.model import Design

    answers = {f.question: f for f in follow_ups(Design.model_validate(data))}
    calibration = next(a for q, a in answers.items() if "downsampled" in q)
    assert calibration.gap and calibration.answer.startswith("Gap: model.calibration")

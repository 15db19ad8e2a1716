"""One findings model for `mlsd review` and `mlsd check`: where a finding points, its
severity, the JSON document both commands print, and what a design disables.

One small design (six components, every data source feeding every training job: crossings
for sure) is checked through the CLI a few times; nothing here renders the library.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from conftest import MINIMAL
from test_check import PASSING

from mlsd_diagrams.check import Thresholds, ViewCheck, assess, crowding, locate
from mlsd_diagrams.cli import cli
from mlsd_diagrams.findings import Finding
from mlsd_diagrams.load import load_text
from mlsd_diagrams.render.dot import link_ids
from mlsd_diagrams.validate import validate

HEAD = MINIMAL.split("components:")[0]
SOURCES = "\n".join(f"  - {{id: a{i}, kind: service, label: A{i}, stage: data}}" for i in range(3))
JOBS = "\n".join(f"  - {{id: b{i}, kind: service, label: B{i}, stage: training}}" for i in range(3))
FLOWS = "\n".join(f"  - {{from: a{i}, to: b{j}, kind: batch}}" for i in range(3) for j in range(3))
TANGLE = (
    f"{HEAD}components:\n{SOURCES}\n{JOBS}\nflows:\n{FLOWS}\n"
    "diagram:\n  views:\n    - {id: sources, title: Sources, stages: [data]}\n"
)
DISABLE = """\
review:
  disable:
    - {rule: crossings, reason: "Every source feeds every job: the tangle is the point."}
    - {rule: aspect_ratio, reason: "A small picture: its shape is its content's."}
    - {rule: label-source, reason: "Labels come from the team upstream of this system."}
    - {rule: crosings, reason: "A typo: this entry disables nothing at all."}
"""
TIGHT = ["--max-nodes", "2", "--max-crossings", "0"]


def line_of(text: str, start: str) -> int:
    """The 1-based line of `text` whose stripped content starts with `start`."""
    return next(n for n, line in enumerate(text.splitlines(), 1) if line.strip().startswith(start))


def write(tmp_path: Path, text: str, name: str = "tangle.yaml") -> Path:
    spec = tmp_path / name
    spec.write_text(text, encoding="utf-8")
    return spec


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, [str(a) for a in args])


def findings_of(output: str, tool: str) -> list[dict[str, Any]]:
    data = json.loads(output)
    assert (data["format"], data["version"], data["tool"]) == ("mlsd-findings", 1, tool)
    (design,) = data["designs"]
    findings: list[dict[str, Any]] = design["findings"]
    return findings


# --- where a check finding points ---


def test_check_findings_point_at_what_they_are_about_in_the_spec(tmp_path: Path):
    spec = write(tmp_path, TANGLE)
    result = run("check", spec, *TIGHT, "--format", "json")
    found = {(f["view"], f["rule"]): f for f in findings_of(result.output, "check")}
    # a crowded overview: the design's components
    crowded = found[("overview", "nodes")]
    assert (crowded["key"], crowded["line"]) == ("components", line_of(TANGLE, "components:"))
    # crossings: the flow crossed most, by its entry under flows
    crossings = found[("overview", "crossings")]
    source, target = crossings["flow"].split(" → ")
    entry = f"- {{from: {source}, to: {target},"
    index = [line.strip() for line in FLOWS.splitlines()].index(f"{entry} kind: batch}}")
    assert crossings["key"] == f"flows.{index}"
    assert (crossings["line"], crossings["file"]) == (line_of(TANGLE, entry), str(spec))
    data = json.loads(result.output)["designs"][0]
    overview = next(p for p in data["pictures"] if p["view"] == "overview")
    assert overview["figures"]["most_crossed"].startswith(f"{source} → {target} (")
    assert set(crossings) == set(Finding.__dataclass_fields__)  # the shape review's have
    # a declared view: its entry under diagram.views
    view = found[("sources", "nodes")]
    assert (view["key"], view["line"]) == ("diagram.views.0", line_of(TANGLE, "- {id: sources"))
    # the text report leads with the same place
    text = run("check", spec, *TIGHT).output
    assert f"{spec}:{crossings['line']}:{crossings['column']}: tiny/overview: warning" in text


def test_crossings_on_a_connector_point_at_its_flow_in_a_picture_of_the_whole_design():
    doc = load_text(TANGLE, "tangle.yaml")
    design = validate(doc)
    flow = 4  # a1 → b1: drawn as two arrows, a1 → its connector, the other connector → b1

    def located(view: str, most_crossed: str) -> Finding:
        figures = dataclasses.replace(PASSING, crossings=9, most_crossed=most_crossed)
        found = [dataclasses.replace(f, design="tiny") for f in assess(figures, Thresholds(), view)]
        checked = locate(doc, design, ViewCheck("tiny", view, figures, tuple(found)))
        return next(f for f in checked.findings if f.rule == "crossings")

    to_link, from_link = link_ids(flow)
    for whole in ("overview", "offline-online"):
        for half in (f"a1 → {to_link} (3)", f"{from_link} → b1 (3)"):
            finding = located(whole, half)
            assert (finding.key, finding.flow) == (f"flows.{flow}", "a1 → b1"), half
            assert finding.line == line_of(TANGLE, "- {from: a1, to: b1,")
    # a view numbers its own edges: a connector there names no flow of the spec
    assert located("sources", f"{from_link} → b1 (3)").key == "diagram.views.0"
    assert located("data", f"{from_link} → b1 (3)").key == "components"
    assert located("overview", f"a1 → {from_link} (3)").key == "components"  # not its half


# --- severity and exit codes ---


def test_a_missed_goal_is_a_warning_and_an_error_under_strict():
    tangled = dataclasses.replace(PASSING, crossings=9)
    assert [f.severity for f in assess(tangled, Thresholds(), "overview")] == ["warning"]
    assert [f.severity for f in assess(tangled, Thresholds(), "overview", strict=True)] == ["error"]


def test_a_crowded_picture_is_noted_as_a_warning_even_under_strict():
    crowded = dataclasses.replace(PASSING, nodes=26)
    assert assess(crowded, Thresholds(), "overview", strict=True) == []
    assert [f.severity for f in crowding(crowded, Thresholds(), "overview")] == ["warning"]


def test_strict_reports_errors_and_fails_while_a_plain_check_warns_and_passes(tmp_path: Path):
    spec = write(tmp_path, TANGLE)
    plain, strict = run("check", spec, *TIGHT), run("check", spec, *TIGHT, "--strict")
    assert plain.exit_code == 0 and "warning [crossings]" in plain.output
    assert "error [" not in plain.output
    assert strict.exit_code == 1 and "error [crossings]" in strict.output
    assert "warning [crossings]" not in strict.output


# --- per-design configuration ---


def test_a_design_disables_a_check_figure_with_a_reason_both_reports_show(tmp_path: Path):
    text = TANGLE + DISABLE
    spec = write(tmp_path, text)
    report = run("check", spec, *TIGHT)
    assert report.exit_code == 0, report.output
    assert "[crossings]" not in report.output.replace("disabled [crossings]", "")
    assert "[aspect_ratio]" not in report.output.replace("disabled [aspect_ratio]", "")
    where = f"{spec}:{line_of(text, '- {rule: crossings')}:"
    assert f"{where}8: disabled [crossings]: Every source feeds every job" in report.output
    assert "label-source" not in report.output  # a review rule: `mlsd review` lists it
    data = json.loads(run("check", spec, *TIGHT, "--format", "json").output)["designs"][0]
    assert [(d["tool"], d["rule"], d["key"]) for d in data["disabled"]] == [
        ("check", "crossings", "review.disable.0.rule"),
        ("check", "aspect_ratio", "review.disable.1.rule"),
    ]
    assert not any(f["rule"] in ("crossings", "aspect_ratio") for f in data["findings"])
    assert [f["rule"] for f in data["findings"] if f["view"] is None] == ["unknown-disable"]
    review = run("review", spec)
    assert "disabled DA01 [label-source]: Labels come from the team" in review.output
    assert "crossings]:" not in review.output  # a check figure: `mlsd check` lists it


def test_a_name_no_tool_knows_is_a_located_warning_with_the_closest_name(tmp_path: Path):
    text = TANGLE + DISABLE
    spec = write(tmp_path, text)
    where = f"{spec}:{line_of(text, '- {rule: crosings')}:8: "
    expected = "warning [unknown-disable] review.disable names 'crosings'"
    hint = "(did you mean 'crossings'?)"
    check = run("check", spec).output
    review = run("review", spec)
    for output in (check, review.output):
        line = next(line for line in output.splitlines() if expected in line)
        assert line.strip().startswith(where) and hint in line
    # a warning about the spec: not scored, no exit code of its own
    typo = "review:\n  disable:\n    - {rule: crosings, reason: A typo that disables nothing.}\n"
    typo_only = write(tmp_path, MINIMAL + typo, "typo.yaml")
    plain = write(tmp_path, MINIMAL, "plain.yaml")
    with_typo = json.loads(run("review", typo_only, "--format", "json").output)["designs"][0]
    without = json.loads(run("review", plain, "--format", "json").output)["designs"][0]
    assert with_typo["score"] == without["score"] and review.exit_code == 0
    assert len(with_typo["findings"]) == len(without["findings"]) + 1


# --- review findings name the offending item ---


def test_a_finding_at_a_flow_or_component_names_it():
    design = validate(load_text(MINIMAL, "tiny.yaml"))
    bare = Finding("review", "RQ04", "consistent-numbers", "warning", "a flow's label is off")
    assert bare.naming(design, ("flows", 0, "label")).flow == "app → api"
    assert bare.naming(design, ("components", 1)).component == "api"
    assert bare.naming(design, ("requirements", "scale")) == bare


def test_a_review_finding_has_the_shape_of_a_check_finding(tmp_path: Path):
    spec = write(tmp_path, MINIMAL)
    review = findings_of(run("review", spec, "--format", "json").output, "review")[0]
    assert review["tool"] == "review" and review["hint"] and review["step"]
    assert review["line"] >= 1 and review["view"] is None
    assert set(review) == set(Finding.__dataclass_fields__)

"""The authoring loop: `mlsd new` scaffolds, the schema stays current, watch mode re-renders."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from click.testing import CliRunner
from conftest import ROOT

from mlsd_diagrams.cli import cli
from mlsd_diagrams.model import json_schema
from mlsd_diagrams.review import review_file
from mlsd_diagrams.validate import load_design
from mlsd_diagrams.watch import watch


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_new_skeleton_validates_and_has_every_step(tmp_path: Path):
    result = run("new", "fraud-detection", "-d", str(tmp_path))
    assert result.exit_code == 0, result.output
    spec = tmp_path / "fraud-detection.yaml"
    text = spec.read_text()
    assert text.startswith("# yaml-language-server: $schema=mlsd.schema.json\n")
    for step in ("Step 1.", "Step 2.", "Step 3.", "Step 4.", "Step 5.", "Step 6.", "Step 7."):
        assert step in text
    assert load_design(spec).id == "fraud-detection"
    assert json.loads((tmp_path / "mlsd.schema.json").read_text()) == json_schema()
    assert review_file(spec).score < 20  # empty, and the review says what to fill in


def test_new_from_a_case_copies_it_under_the_new_id(tmp_path: Path):
    result = run("new", "my-feed", "--from", "personalized-news-feed", "-d", str(tmp_path))
    assert result.exit_code == 0, result.output
    design = load_design(tmp_path / "my-feed.yaml")
    assert design.id == "my-feed" and design.title.startswith("Personalized news feed")


def test_new_never_overwrites(tmp_path: Path):
    (tmp_path / "mine.yaml").write_text("precious\n")
    result = run("new", "mine", "-d", str(tmp_path))
    assert result.exit_code == 2 and "already exists" in result.stderr
    assert (tmp_path / "mine.yaml").read_text() == "precious\n"


def test_new_rejects_bad_ids_and_unknown_cases(tmp_path: Path):
    bad = run("new", "Bad Id", "-d", str(tmp_path))
    assert bad.exit_code == 2 and "not a valid id" in bad.stderr
    unknown = run("new", "x", "--from", "visual-serch", "-d", str(tmp_path))
    assert unknown.exit_code == 2 and "did you mean 'visual-search'" in unknown.stderr
    assert list(tmp_path.iterdir()) == []


def _ref(schema: dict, node: dict) -> dict | None:
    """The definition a property refers to (directly or inside anyOf), if it has keys."""
    refs = re.findall(r'"\$ref": "#/\$defs/(\w+)"', json.dumps(node))
    found = schema["$defs"][refs[0]] if refs else None
    return found if found and "properties" in found else None


def test_the_skeleton_names_every_key_of_every_section(tmp_path: Path):
    """Each top-level key and each key of a section (step 1 to 7, trade-offs, components,
    flows, diagram) is in the skeleton, as a key or in its comment."""
    run("new", "x", "-d", str(tmp_path))
    text = (tmp_path / "x.yaml").read_text()
    schema = json_schema()
    missing = []
    for top, node in schema["properties"].items():
        keys = [top] + [f"{top}.{k}" for k in (_ref(schema, node) or {}).get("properties", {})]
        missing += [key for key in keys if not re.search(rf"\b{key.split('.')[-1]}:", text)]
    assert missing == []


def test_the_schema_documents_kinds_and_tradeoffs_once_each():
    from mlsd_diagrams.catalog import KINDS_BY_NAME
    from mlsd_diagrams.tradeoffs import TRADEOFFS

    schema = json_schema()
    kind = schema["$defs"]["Component"]["properties"]["kind"]
    assert kind["enumDescriptions"] == [KINDS_BY_NAME[k].description for k in kind["enum"]]
    assert len(set(kind["enumDescriptions"])) == len(kind["enum"])  # no generic text
    name = schema["$defs"]["TradeoffChoice"]["properties"]["name"]
    assert name["enum"] == list(TRADEOFFS)
    assert re.search(r"`([a-z-]+)`", name["description"])[1] in TRADEOFFS  # a real example
    assert "daily_active_users" in schema["$defs"]["Scale"]["properties"]
    titled = [
        f"{name}.{key}"
        for name, definition in schema["$defs"].items()
        for key, node in definition.get("properties", {}).items()
        if "title" in node
    ]
    assert titled == []  # no title made from a key name, shown twice on hover
    view_id = schema["$defs"]["ViewSpec"]["properties"]["id"]["description"]
    assert "views/<id>.svg" in view_id


def test_the_schema_beside_the_designs_is_current():
    committed = json.loads((ROOT / "designs" / "mlsd.schema.json").read_text())
    assert committed == json_schema(), "run: mlsd schema -o designs/mlsd.schema.json"


def _wait_for(predicate, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def _collect(stream) -> list[str]:
    """The lines of a child's pipe, gathered by a thread as they come."""
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(iter(stream.readline, "")), daemon=True).start()
    return lines


def test_watch_rerenders_on_save_reports_errors_and_stops_cleanly(tmp_path: Path, spec_file):
    spec = spec_file()
    out = tmp_path / "out"
    dot = out / "tiny" / "tiny.dot"
    command = [sys.executable, "-m", "mlsd_diagrams", "render", str(spec), "-o", str(out)]
    process = subprocess.Popen(
        [*command, "-f", "dot", "--watch"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "CI": "true"},
    )
    stdout, stderr = _collect(process.stdout), _collect(process.stderr)

    def renders() -> int:
        return sum("tiny: wrote tiny.dot" in line for line in list(stdout))

    try:
        assert _wait_for(lambda: renders() >= 1), "first render did not happen"
        # the watcher starts just after the first render: save until it sees a save
        renamed = spec.read_text().replace("label: API", "label: Scoring API")
        for _attempt in range(10):
            spec.write_text(renamed)
            if _wait_for(lambda: renders() >= 2, seconds=2.0):
                break
        assert _wait_for(lambda: "Scoring API" in dot.read_text() and renders() >= 2), (
            "no re-render"
        )
        spec.write_text(spec.read_text().replace("kind: client", "kind: clint"))
        assert _wait_for(lambda: any("'clint'" in line for line in list(stderr)))
        assert process.poll() is None, "watch mode exited on a broken spec"
        fixed = spec.read_text().replace("kind: clint", "kind: client")
        spec.write_text(fixed.replace("Scoring API", "Ranker"))
        assert _wait_for(lambda: "Ranker" in dot.read_text() and renders() >= 3), "not after a fix"
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=10)
    assert process.returncode == 0, "".join(stderr)
    assert _wait_for(lambda: any("stopped watching" in line for line in list(stderr)))
    assert any("unknown component kind 'clint'" in line for line in stderr)


def test_ctrl_c_during_a_rerender_stops_watching_cleanly(tmp_path: Path):
    # Ctrl-C often lands while a job runs, not while waiting for changes; both must end
    # watch mode quietly instead of aborting with "Aborted!" and exit code 1.
    spec = tmp_path / "spec.yaml"
    spec.write_text("id: x\n")
    calls = []

    def job():
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt

    give_up = threading.Event()

    def keep_saving() -> None:  # until the watcher, started after the first job, sees one
        for count in range(40):
            if len(calls) >= 2 or give_up.wait(0.5):
                return
            spec.write_text(f"id: y{count}\n")
        give_up.set()

    saver = threading.Thread(target=keep_saving)
    saver.start()
    try:
        watch([spec], job, announce=lambda _paths: None, stop=give_up)
    finally:
        give_up.set()
        saver.join()
    assert len(calls) == 2

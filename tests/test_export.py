"""Exported diagram code: runs with plain `python` and draws the same graph as `mlsd render`."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DESIGNS

from mlsd_diagrams.build import load_design, render_file
from mlsd_diagrams.catalog import icon_search_path


def graph_of(dot_file: Path) -> dict[str, object]:
    """Nodes, clusters and edges (with label text) as Graphviz itself reads the file."""
    image_path = ":".join(str(p) for p in icon_search_path())
    command = ["dot", f"-Gimagepath={image_path}", "-Tjson", str(dot_file)]
    done = subprocess.run(command, capture_output=True, check=True)
    objects = json.loads(done.stdout)["objects"]
    names = {o["_gvid"]: o["name"] for o in objects if "nodes" not in o}
    data = json.loads(done.stdout)
    edges = [
        (names[e["tail"]], names[e["head"]], _text(e.get("label", "")))
        for e in data.get("edges", [])
        if e.get("style") != "invis"  # layout scaffolding (stage order), not a flow
    ]
    return {
        "nodes": {
            o["name"]: _text(o["label"])
            for o in objects
            if "nodes" not in o and not o["name"].startswith(LINK)
        },
        "clusters": {
            o["label"]: sorted(names[i] for i in o["nodes"] if not names[i].startswith(LINK))
            for o in objects
            if "nodes" in o
        },
        "edges": sorted(_joined(edges)),
    }


LINK = "_link_"  # a flow drawn as two short arrows to and from connectors (mlsd's layout)


def _joined(edges: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """The flows drawn: a flow split into `source -> _link_N_to` (with its label) and
    `_link_N_from -> target` counts as the one flow `source -> target`."""
    out = {h.removesuffix("_to"): (t, label) for t, h, label in edges if h.startswith(LINK)}
    into = {t.removesuffix("_from"): h for t, h, _ in edges if t.startswith(LINK)}
    whole = [e for e in edges if not (e[0].startswith(LINK) or e[1].startswith(LINK))]
    return whole + [(source, into[key], label) for key, (source, label) in out.items()]


def _text(label: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", label.replace("\\n", " ")).split())


@pytest.mark.parametrize("spec", DESIGNS, ids=[d.stem for d in DESIGNS])
def test_exported_script_draws_the_same_graph(spec: Path, tmp_path: Path):
    design_id = load_design(spec).id
    render_file(spec, tmp_path / "out", ("dot", "py"))
    rendered = tmp_path / "out" / design_id
    run_dir = tmp_path / "run"
    shutil.copytree(rendered, run_dir, ignore=shutil.ignore_patterns("*.dot"))
    subprocess.run([sys.executable, f"{design_id}.py", "dot"], cwd=run_dir, check=True, timeout=60)
    exported, ours = graph_of(run_dir / f"{design_id}.dot"), graph_of(rendered / f"{design_id}.dot")
    assert exported == ours
    assert len(ours["nodes"]) == len(load_design(spec).components)

"""Exported diagram code: runs with plain `python` and draws the same graph as `mlsd render`."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
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
        # a label placed after the layout (an xlabel: Options.xlabels) is the flow's all the same
        (names[e["tail"]], names[e["head"]], _text(e.get("label") or e.get("xlabel", "")))
        for e in data.get("edges", [])
        if e.get("style") != "invis"  # layout scaffolding (stage order), not a flow
    ]
    return {
        "nodes": {
            o["name"]: _text(o["label"])
            for o in objects
            if "nodes" not in o
            and not o["name"].startswith(LINK)
            and o.get("style") != "invis"  # layout scaffolding (a row's point), not a component
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


def test_exported_script_draws_beside_itself_from_any_folder(spec_file, tmp_path: Path):
    """Run from the output folder as `python tiny/tiny.py`: the design's folder has the id's
    name, so a picture written under the id relative to the working folder would collide."""
    render_file(spec_file(), tmp_path / "out", ("py",))
    done = subprocess.run(
        [sys.executable, "tiny/tiny.py", "svg"],
        cwd=tmp_path / "out",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "tiny" / "tiny.svg").is_file()
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["tiny"]


# --- hostile text: the exported script is as safe as `mlsd render` ---

HOSTILE = Path(__file__).parent / "cases" / "hostile"
SAFE = sorted(p.with_suffix(".yaml") for p in HOSTILE.glob("*.safe"))
SVG = "{http://www.w3.org/2000/svg}"


def drawn(dot_file: Path) -> dict[str, object]:
    """What Graphviz draws from a DOT file: each node's and edge's text by its name, the
    cluster titles, and the text of the graph's own label."""
    image_path = ":".join(str(p) for p in icon_search_path())
    command = ["dot", f"-Gimagepath={image_path}", "-Tsvg", str(dot_file)]
    done = subprocess.run(command, capture_output=True, check=False, timeout=60)
    assert done.returncode == 0, done.stderr.decode()
    root = ET.fromstring(done.stdout)
    groups: dict[str, list[tuple[str, str]]] = {"node": [], "edge": [], "cluster": []}
    graph_text = ""
    for group in root.iter(f"{SVG}g"):
        texts = " ".join(t.text or "" for t in group.iter(f"{SVG}text"))
        kind = group.get("class", "")
        if kind == "edge" and group.find(f"{SVG}path") is None:
            continue  # an invisible edge: layout scaffolding (stage order), not a flow
        if kind in groups:
            groups[kind].append((group.findtext(f"{SVG}title") or "", " ".join(texts.split())))
        elif kind == "graph":
            graph_text = " ".join(texts.split())
    clusters = sorted(text for _, text in groups["cluster"])
    ends = [(*title.split("->", 1), text) for title, text in groups["edge"]]
    return {
        "nodes": {name: text for name, text in groups["node"] if not name.startswith(LINK)},
        "edges": sorted(_joined([(tail, head, text) for tail, head, text in ends])),
        "clusters": clusters,
        "title": graph_text,
    }


@pytest.mark.parametrize("spec", SAFE, ids=[s.stem for s in SAFE])
def test_exported_script_of_hostile_text_draws_what_render_draws(spec: Path, tmp_path: Path):
    design = load_design(spec)
    render_file(spec, tmp_path / "out", ("dot", "py"))
    rendered = tmp_path / "out" / design.id
    run_dir = tmp_path / "run"
    shutil.copytree(rendered, run_dir, ignore=shutil.ignore_patterns("*.dot"))
    done = subprocess.run(
        [sys.executable, f"{design.id}.py", "dot"], cwd=run_dir, capture_output=True, timeout=60
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    exported, ours = drawn(run_dir / f"{design.id}.dot"), drawn(rendered / f"{design.id}.dot")
    assert exported["nodes"] == ours["nodes"]
    assert exported["edges"] == ours["edges"]
    assert exported["clusters"] == ours["clusters"]
    assert " ".join(design.title.split()) in exported["title"]
    assert sorted(exported["nodes"]) == sorted(c.id for c in design.components)


def _exported_and_run(spec: Path, tmp_path: Path, theme: str, fmt: str) -> Path:
    """`mlsd render --theme THEME -f py`, then the script run to draw `fmt`: the file drawn."""
    from click.testing import CliRunner

    from mlsd_diagrams.cli import cli

    out = tmp_path / "out"
    args = ["render", str(spec), "-o", str(out), "-f", "py", "--theme", theme]
    assert CliRunner().invoke(cli, args).exit_code == 0
    done = subprocess.run(
        [sys.executable, "tiny.py", fmt], cwd=out / "tiny", capture_output=True, timeout=60
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    return out / "tiny" / f"tiny.{fmt}"


@pytest.mark.parametrize("theme", ["dark", "whiteboard", "light"])
def test_exported_script_draws_with_the_theme(spec_file, tmp_path: Path, theme: str):
    """`mlsd render --theme dark -f py`: the script draws on the dark paper, in its inks."""
    from mlsd_diagrams.render.style import THEMES

    root = ET.fromstring(_exported_and_run(spec_file(), tmp_path, theme, "svg").read_bytes())
    chosen = THEMES[theme]
    graph = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "graph")
    paper = graph.find(f"{SVG}polygon")
    assert paper is not None and paper.get("fill", "").upper() == chosen.graph["bgcolor"]
    title = graph.find(f"{SVG}text")
    assert title is not None and title.get("font-family") == chosen.font
    assert title.get("fill", "").upper() == chosen.graph["fontcolor"]
    clusters = {
        (g.findtext(f"{SVG}title") or ""): g.find(f"{SVG}path")
        for g in root.iter(f"{SVG}g")
        if g.get("class") == "cluster"
    }
    serving = clusters["cluster_Serving"]
    assert serving is not None
    assert serving.get("stroke", "").upper() == chosen.stage_colors["serving"][1]
    edge = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "edge")
    line = edge.find(f"{SVG}path")
    assert line is not None and line.get("stroke", "").upper() == chosen.flow["request"]["color"]


@pytest.mark.parametrize("theme", ["dark", "whiteboard", "light"])
def test_exported_script_draws_icons_as_mlsd_render_does(spec_file, tmp_path: Path, theme: str):
    """On a theme with icon tiles (dark), every icon the script draws is on the light tile,
    as in `mlsd render` (a black icon on dark paper cannot be seen); elsewhere icons are the
    plain ones."""
    from PIL import Image

    from mlsd_diagrams.render.style import THEMES

    drawn = _exported_and_run(spec_file(), tmp_path, theme, "dot")
    images = re.findall(r'image="([^"]+)"', drawn.read_text())
    assert len(images) == 2  # the app and the API
    tile = THEMES[theme].icon_tile
    for image in images:
        with Image.open(image) as icon:
            corner = icon.convert("RGBA").getpixel((0, 0))
        if tile:
            assert Path(image).parent == drawn.parent / "icons"
            assert corner == (*bytes.fromhex(tile.lstrip("#")), 255)
        else:
            assert corner[3] == 0  # the icon as drawn by its maker, on no tile


DESCRIBED = """\
id: tiny
title: Tiny design
prompt: Design something tiny.
components:
  - {id: app, kind: client, label: App, stage: client}
  - id: api
    kind: prediction-service
    label: API
    stage: serving
    description: 'Scores <b>"x"</b> \\N & \\G \\l; 50%  done'
flows:
  - {from: app, to: api, label: request, kind: request, step: 1}
"""


def _tooltips(svg: bytes) -> dict[str, str]:
    """Each node's tooltip, by node name, as a browser shows it on hover."""
    root = ET.fromstring(svg)
    found = {}
    for group in root.iter(f"{SVG}g"):
        if group.get("class") == "node":
            anchor = group.find(f".//{SVG}a")
            if anchor is not None:
                title = anchor.get("{http://www.w3.org/1999/xlink}title", "")
                found[group.findtext(f"{SVG}title") or ""] = title
    return found


def test_a_component_s_description_is_its_tooltip_as_written(spec_file, tmp_path: Path):
    out = tmp_path / "out"
    render_file(spec_file(DESCRIBED), out, ("svg", "py"))
    written = 'Scores <b>"x"</b> \\N & \\G \\l; 50% done'  # spaces joined as in labels
    assert _tooltips((out / "tiny" / "tiny.svg").read_bytes()) == {"api": written}
    done = subprocess.run(
        [sys.executable, "tiny.py", "svg"], cwd=out / "tiny", capture_output=True, timeout=60
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    assert _tooltips((out / "tiny" / "tiny.svg").read_bytes()) == {"api": written}

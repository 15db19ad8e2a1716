"""Hostile and broken input: a corpus of specs, each with its exact errors or its safe output,
plus what cannot be a checked-in file (sizes, devices, links) and hostile output folders.

`tests/cases/hostile/NAME.yaml` comes with either
- `NAME.expected`: the exact lines `mlsd validate` prints (exit code 2, nothing rendered), or
- `NAME.safe`: the spec renders, and each line `absent|present FORMATS: TEXT` says that TEXT
  must not / must appear in each of the comma-separated outputs (dot, svg, md, mermaid, py,
  html); every safe case also gets the structural checks of test_properties.py.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import MINIMAL
from test_properties import (
    check_dot,
    check_mermaid,
    check_python,
    html_skeleton,
    markdown_skeleton,
    outputs,
    twin,
    yaml_of,
)

from mlsd_diagrams.build import load_design, render_file
from mlsd_diagrams.cli import cli
from mlsd_diagrams.errors import RenderError, SpecError, UsageError
from mlsd_diagrams.graph import build_graph
from mlsd_diagrams.load import MAX_BYTES, load_file, load_text
from mlsd_diagrams.portfolio import LOCK, MANIFEST, build_portfolio
from mlsd_diagrams.validate import validate
from mlsd_diagrams.write import TEMP_MARK

CORPUS = Path(__file__).parent / "cases" / "hostile"
SPECS = sorted(CORPUS.glob("*.yaml"))
REFUSED = [spec for spec in SPECS if spec.with_suffix(".expected").exists()]
SAFE = [spec for spec in SPECS if spec.with_suffix(".safe").exists()]


def run(*args: str) -> object:
    return CliRunner().invoke(cli, list(args))


def test_the_corpus_is_complete():
    assert len(SPECS) >= 30
    for spec in SPECS:
        has = [spec.with_suffix(s).exists() for s in (".expected", ".safe")]
        assert has.count(True) == 1, f"{spec.name}: needs exactly one of .expected, .safe"


# --- refused: exact errors, exit code 2, nothing written ---


@pytest.mark.parametrize("case", REFUSED, ids=[c.stem for c in REFUSED])
def test_hostile_spec_is_refused_with_exact_errors(case: Path, tmp_path: Path, monkeypatch):
    monkeypatch.chdir(case.parent)
    expected = case.with_suffix(".expected").read_text(encoding="utf-8").splitlines()
    result = run("validate", case.name)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == expected
    assert all(ch == "\t" or ch >= " " for ch in result.stderr.replace("\n", ""))
    out = tmp_path / "out"
    assert run("render", case.name, "-o", str(out), "-f", "dot,md,py").exit_code == 2
    assert [p for p in out.rglob("*")] == []


# --- safe: renders, and every output keeps the text as text ---


def safe_rules(case: Path) -> list[tuple[bool, list[str], str]]:
    rules = []
    for line in case.with_suffix(".safe").read_text(encoding="utf-8").splitlines():
        head, text = line.split(": ", 1)
        kind, formats = head.split(" ")
        assert kind in ("absent", "present"), line
        rules.append((kind == "present", formats.split(","), text))
    return rules


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, dict[str, str]]:
    """Every safe case rendered once: the files on disk (svg, dot, md, py) and the rest."""
    out = tmp_path_factory.mktemp("safe")
    texts = {}
    for case in SAFE:
        folder = out / case.stem
        render_file(case, folder, ("svg", "dot", "md", "py"))
        design = load_design(case)
        files = {
            p.suffix[1:]: p.read_text(encoding="utf-8") for p in (folder / design.id).glob("*.*")
        }
        texts[case.stem] = outputs(design) | files
    return texts


@pytest.mark.parametrize("case", SAFE, ids=[c.stem for c in SAFE])
def test_hostile_text_renders_as_text(case: Path, rendered: dict[str, dict[str, str]]):
    got = rendered[case.stem]
    for present, formats, text in safe_rules(case):
        for fmt in formats:
            assert (text in got[fmt]) == present, (
                f"{fmt}: {'missing' if present else 'raw'} {text!r}"
            )


@pytest.mark.parametrize("case", SAFE, ids=[c.stem for c in SAFE])
def test_hostile_text_changes_no_structure(case: Path, rendered: dict[str, dict[str, str]]):
    got, design = rendered[case.stem], load_design(case)
    graph = build_graph(design)
    check_dot(got["dot"], graph)
    check_mermaid(got["mermaid"], graph)
    check_python(got["py"], graph)
    # the same design with every text a plain word has the same Markdown and HTML structure
    mine = outputs(design)
    same = outputs(validate(load_text(yaml_of(twin(load_file(case).data)), "twin.yaml")))
    assert markdown_skeleton(mine["md"]) == markdown_skeleton(same["md"])
    assert html_skeleton(mine["html"]) == html_skeleton(same["html"])  # links checked too
    svg = got["svg"]
    # a flow drawn as connectors is two arrows and two small boxes (`_link_N_to`, `_from`)
    links = len(re.findall(r"<title>_link_\d+_to</title>", svg))
    assert svg.count('class="node"') - 2 * links == len(graph.nodes)
    assert svg.count('class="edge"') - links == len(graph.edges)
    assert not re.search(r"<script|\son\w+=", svg, re.IGNORECASE)
    assert all(h.startswith("data:image/png;base64,") for h in re.findall(r'href="([^"]*)"', svg))


def test_entities_in_edge_labels_show_as_written(rendered: dict[str, dict[str, str]]):
    svg = rendered["entities-and-escapes"]["svg"]
    assert "&amp;lt;script&amp;gt;" in svg  # the text `&lt;script&gt;`, written as SVG


# --- inputs that are not plain files, or too big ---


def test_a_file_over_the_size_cap_is_refused_unread(tmp_path: Path):
    spec = tmp_path / "big.yaml"
    spec.write_bytes(MINIMAL.encode() + b"#" * MAX_BYTES)
    result = run("validate", str(spec))
    assert result.exit_code == 2
    assert result.stderr == f"{spec}:1:1: file is larger than 1,000,000 bytes; split the design\n"


def test_an_empty_file_is_refused(tmp_path: Path):
    (tmp_path / "empty.yaml").write_bytes(b"")
    result = run("validate", str(tmp_path / "empty.yaml"))
    assert result.exit_code == 2
    assert "1:1: file is empty; a design spec is a mapping" in result.stderr


@pytest.mark.parametrize("target", ["/dev/zero", "spec-elsewhere.yaml"])
def test_a_symbolic_link_is_never_followed(tmp_path: Path, target: str):
    (tmp_path / "spec-elsewhere.yaml").write_text(MINIMAL)
    (tmp_path / "link.yaml").symlink_to(target)
    result = run("validate", str(tmp_path / "link.yaml"))
    assert result.exit_code == 2
    assert result.stderr == (
        f"{tmp_path / 'link.yaml'}:1:1: is a symbolic link; mlsd reads only regular files "
        "(copy the spec here)\n"
    )


def test_a_fifo_or_a_folder_is_refused_without_blocking(tmp_path: Path):
    os.mkfifo(tmp_path / "fifo.yaml")
    (tmp_path / "folder.yaml").mkdir()
    result = run("validate", str(tmp_path / "fifo.yaml"), str(tmp_path / "folder.yaml"))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"{tmp_path / 'fifo.yaml'}:1:1: is not a regular file; a spec is a YAML text file",
        f"{tmp_path / 'folder.yaml'}:1:1: is a folder; give one spec file, or build the whole "
        f"folder with `mlsd build {tmp_path / 'folder.yaml'}`",
    ]


def test_a_huge_spec_is_refused_fast(tmp_path: Path):
    """A 1 MB spec of 20,000 components and dangling flows: the size error, not minutes of
    did-you-mean suggestions."""
    components = "".join(
        f"  - {{id: c{i}, kind: cache, label: C, stage: serving}}\n" for i in range(9000)
    )
    flows = "".join(f"  - {{from: x{i}, to: c{i}}}\n" for i in range(9000))
    spec = tmp_path / "huge.yaml"
    spec.write_text(
        MINIMAL.split("components:")[0] + "components:\n" + components + "flows:\n" + flows
    )
    started = time.perf_counter()
    with pytest.raises(SpecError) as caught:
        load_design(spec)
    assert [p.message for p in caught.value.problems] == [
        "has 9000 entries, more than 120; split the design into one spec per stage view: "
        "serving (9000, split again)",
        "has more than 300 entries; split the design",
    ]
    assert time.perf_counter() - started < 10  # it took minutes before the size came first


def test_thousands_of_problems_are_counted_not_all_printed(tmp_path: Path):
    spec = tmp_path / "keys.yaml"
    spec.write_text(MINIMAL + "".join(f"k{i}: 1\n" for i in range(500)))
    with pytest.raises(SpecError) as caught:
        load_design(spec)
    lines = str(caught.value).splitlines()
    assert len(caught.value.problems) == 500 and len(lines) == 101
    assert lines[-1] == f"{spec}: 400 more problems not shown"


# --- hostile output folders: nothing is written through a link, nothing outside ---


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.yaml"
    path.write_text(MINIMAL.replace("prediction-service", "feature-store-online"))  # an icon
    return path


def test_an_output_folder_that_is_a_link_is_refused(spec: Path, tmp_path: Path):
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "out").symlink_to(tmp_path / "elsewhere")
    for command in (["render", str(spec), "-f", "dot"], ["build", str(spec.parent)]):
        result = run(*command, "-o", str(tmp_path / "out"))
        assert result.exit_code == 2
        assert "the output folder is a symbolic link; give the real folder" in result.stderr
    assert list((tmp_path / "elsewhere").iterdir()) == []


def test_an_output_path_that_is_a_file_is_refused(spec: Path, tmp_path: Path):
    out = tmp_path / "out"
    out.write_text("mine")
    for command in (["render", str(spec), "-f", "dot"], ["build", str(spec.parent)]):
        assert run(*command, "-o", str(out)).exit_code == 2  # click checks it first
    with pytest.raises(UsageError, match="output path exists and is not a folder"):
        render_file(spec, out, ("dot",))
    with pytest.raises(UsageError, match="output path exists and is not a folder"):
        build_portfolio(spec.parent, out)
    assert out.read_text() == "mine"


@pytest.mark.parametrize("link", ["tiny", "tiny/tiny.md", "tiny/icons"])
def test_links_inside_the_output_folder_are_refused(spec: Path, tmp_path: Path, link: str):
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "keep.txt").write_text("mine")
    out = tmp_path / "out"
    (out / "tiny").mkdir(parents=True)
    if link == "tiny":
        shutil.rmtree(out / "tiny")
    (out / link).symlink_to(victim if link != "tiny/tiny.md" else victim / "keep.txt")
    with pytest.raises(RenderError, match="is a symbolic link"):
        render_file(spec, out, ("md", "py"))
    assert [p.name for p in victim.iterdir()] == ["keep.txt"]
    assert (victim / "keep.txt").read_text() == "mine"
    assert not [p for p in out.rglob("*") if p.name.startswith(TEMP_MARK)]


def test_a_tampered_manifest_never_reaches_outside_the_folder(spec: Path, tmp_path: Path):
    out, victim = tmp_path / "site" / "out", tmp_path / "site" / "victim"
    victim.mkdir(parents=True)
    (victim / "keep.txt").write_text("mine")
    out.mkdir()
    card = {"id": "x", "title": "<script>", "prompt": "", "tags": [], "components": 0, "flows": 0}
    tampered = {
        "../victim": {
            "source": "gone.yaml",
            "digest": "0",
            "card": {**card, "id": "../victim"},
            "files": [],
        },
        "assets": {
            "source": "gone2.yaml",
            "digest": "0",
            "card": {**card, "id": "assets"},
            "files": ["../../x"],
        },
        "bad": {"card": "not a card"},
    }
    (out / MANIFEST).write_text(json.dumps({"designs": tampered}))
    build_portfolio(spec.parent, out, jobs=1)
    assert (victim / "keep.txt").read_text() == "mine"
    assert (out / "assets" / "style.css").is_file()
    assert list(json.loads((out / MANIFEST).read_text())["designs"]) == ["tiny"]


def test_a_lock_file_that_is_a_link_is_refused(spec: Path, tmp_path: Path):
    out = tmp_path / "out"
    out.mkdir()
    (out / LOCK).symlink_to(tmp_path / "victim")
    result = run("build", str(spec.parent), "-o", str(out))
    assert result.exit_code == 1 and "is a symbolic link; remove it" in result.stderr
    assert not (tmp_path / "victim").exists()


def test_stale_temporaries_of_dead_processes_are_removed(spec: Path, tmp_path: Path):
    out = tmp_path / "out"
    (out / "tiny").mkdir(parents=True)
    dead = f"{TEMP_MARK}999999999-tiny-abc"  # no such process
    alive = f"{TEMP_MARK}{os.getpid()}-tiny-abc"
    for name in (dead, alive):
        (out / name).mkdir()
        (out / "tiny" / f"{name}.md").write_text("partial")
    render_file(spec, out, ("md",))
    left = sorted(p.relative_to(out).as_posix() for p in out.rglob(f"{TEMP_MARK}*"))
    assert left == [alive, f"tiny/{alive}.md"]


# --- messages that echo input: escaped for terminals, never in the site ---


def test_a_broken_spec_message_never_reaches_the_site(spec: Path, tmp_path: Path):
    (spec.parent / "evil.yaml").write_text(
        '"<script>alert(1)</script>": 1\n"\\e[2J\\e]0;owned\\a": 2\nid: evil\n'
    )
    out = tmp_path / "out"
    result = run("build", str(spec.parent), "-o", str(out))
    assert result.exit_code == 1
    assert "\x1b" not in result.stderr and "\\x1b[2J\\x1b]0;owned\\x07" in result.stderr
    for path in out.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".md", ".json"):
            text = path.read_text(encoding="utf-8")
            assert "<script>alert(1)" not in text and "owned" not in text, path


def test_a_usage_error_names_the_bad_setting(monkeypatch, spec: Path, tmp_path: Path):
    monkeypatch.setenv("MLSD_DOT_TIMEOUT", "soon\x1b[2J")
    with pytest.raises(UsageError) as caught:
        render_file(spec, tmp_path / "out", ("svg",))
    assert str(caught.value) == "MLSD_DOT_TIMEOUT=soon\\x1b[2J: give a number of seconds > 0"

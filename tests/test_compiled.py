"""The compiled cache (compiled.py): a render of images of a spec drawn before goes straight to
drawing, writes the same bytes as a full render, never serves what another spec, theme,
code or Graphviz made, and does not load the model."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import MINIMAL

from mlsd_diagrams import cache, compiled
from mlsd_diagrams.build import render_file as render_in_full
from mlsd_diagrams.errors import GraphvizNotFoundError


@pytest.fixture
def spec(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The tiny spec, with a cache of its own, as a new process finds it: no layout choice
    in memory either (a test that failed to run `dot` on the same picture leaves its
    unsearched choice there, and a picture drawn so is never kept)."""
    from mlsd_diagrams import arrange

    monkeypatch.setenv("MLSD_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(arrange, "_CHOSEN", {})
    path = tmp_path / "tiny.yaml"
    path.write_text(MINIMAL, encoding="utf-8")
    return path


def _svg(out: Path) -> bytes:
    return (out / "tiny" / "tiny.svg").read_bytes()


def _entries(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "cache" / "compiled").glob("*.json"))


def test_a_spec_drawn_before_is_drawn_again_from_its_entry_with_the_same_bytes(spec, tmp_path):
    first = compiled.render_file(spec, tmp_path / "a", ("svg", "png"))
    assert len(_entries(tmp_path)) == 1
    again = compiled.recall(spec, tmp_path / "b", ("svg", "png"), None)
    assert isinstance(again, compiled.Rendered)  # drawn from the entry
    assert [p.name for p in again.files] == [p.name for p in first.files]
    for made, remade in zip(first.files, again.files, strict=True):
        assert made.read_bytes() == remade.read_bytes()
    assert not list((tmp_path / "b").glob(".mlsd-tmp-*"))  # nothing staged left behind


def test_an_edited_spec_is_rendered_in_full(spec, tmp_path):
    compiled.render_file(spec, tmp_path / "a", ("svg",))
    spec.write_text(MINIMAL.replace("label: API", "label: Ranker"), encoding="utf-8")
    assert isinstance(compiled.recall(spec, tmp_path / "b", ("svg",), None), bytes)
    compiled.render_file(spec, tmp_path / "b", ("svg",))
    assert b"Ranker" in _svg(tmp_path / "b") and b"Ranker" not in _svg(tmp_path / "a")


def test_another_theme_is_not_drawn_from_this_ones_entry(spec, tmp_path):
    compiled.render_file(spec, tmp_path / "a", ("svg",))
    assert isinstance(compiled.recall(spec, tmp_path / "b", ("svg",), "dark"), bytes)
    dark = compiled.render_file(spec, tmp_path / "b", ("svg",), theme="dark")
    render_in_full(spec, tmp_path / "c", ("svg",), theme="dark")
    assert _svg(tmp_path / "b") == _svg(tmp_path / "c") != _svg(tmp_path / "a")
    assert dark.dot and len(_entries(tmp_path)) == 2


def test_other_code_or_another_graphviz_never_reads_the_entry(spec, tmp_path, monkeypatch):
    compiled.render_file(spec, tmp_path / "a", ("svg",))
    assert isinstance(compiled.recall(spec, tmp_path / "b", ("svg",), None), compiled.Rendered)
    monkeypatch.setattr(cache, "code_version", lambda: "another version of the package")
    assert isinstance(compiled.recall(spec, tmp_path / "b", ("svg",), None), bytes)
    monkeypatch.undo()
    monkeypatch.setenv("MLSD_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(compiled, "dot_version", lambda dot: (99, 0, 0))
    assert isinstance(compiled.recall(spec, tmp_path / "b", ("svg",), None), bytes)


def test_formats_that_need_the_model_are_never_drawn_from_an_entry(spec, tmp_path):
    compiled.render_file(spec, tmp_path / "a", ("svg",))
    for formats in (("svg", "md"), ("views",), ("dot",), ()):
        assert isinstance(compiled.recall(spec, tmp_path / "b", formats, None), bytes)


@pytest.mark.parametrize(
    "entry",
    [b"", b"[]", b"{}", b'{"id": "tiny"}', b'{"id": "../x", "dot": "digraph {}"}', b"\xff"],
)
def test_an_entry_that_does_not_read_back_whole_is_ignored(spec, tmp_path, entry):
    compiled.render_file(spec, tmp_path / "a", ("svg",))
    [kept] = _entries(tmp_path)
    kept.write_bytes(entry)
    assert isinstance(compiled.recall(spec, tmp_path / "b", ("svg",), None), bytes)
    compiled.render_file(spec, tmp_path / "b", ("svg",))  # in full, and kept again
    assert _svg(tmp_path / "b") == _svg(tmp_path / "a")


def test_a_redraw_of_a_spec_drawn_before_loads_neither_pydantic_nor_the_model(spec, tmp_path):
    """Nor the YAML parser (the spec's bytes are hashed, never parsed), mingrammer's
    `diagrams` (its icons' folder is found, not imported), fontTools (the cached subsets
    are keyed by its install, found, not imported) or the fallback layouts (read only when
    Graphviz stops on a layout), nor ctypes where util-linux starts `dot` confined (ctypes
    only sets the death signal in a preexec_fn)."""
    from mlsd_diagrams.render import graphviz

    compiled.render_file(spec, tmp_path / "a", ("svg",))
    # once in a process of its own, so the font subsets are on disk (not only in this one's
    # memory, when an earlier test made them)
    cli = [sys.executable, "-m", "mlsd_diagrams", "render", str(spec), "-f", "svg", "-o"]
    assert subprocess.run([*cli, str(tmp_path / "c")], capture_output=True).returncode == 0
    argv = ["mlsd", "render", str(spec), "-f", "svg", "-o", str(tmp_path / "b")]
    probe = (
        "import sys\n"
        "from mlsd_diagrams.cli import main\n"
        f"sys.argv = {argv!r}\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
        "heavy = ('pydantic', 'mlsd_diagrams.model', 'mlsd_diagrams.arrange', 'diagrams', "
        "'fontTools', 'yaml', 'mlsd_diagrams.render.ladder')\n"
        f"heavy += ('ctypes',) * {graphviz._through_tools() is not None}\n"
        "loaded = [m for m in heavy if m in sys.modules]\n"
        "print('loaded:', loaded)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "loaded: []" in done.stdout
    assert _svg(tmp_path / "b") == _svg(tmp_path / "a")


def test_no_graphviz_keeps_nothing(spec, tmp_path, monkeypatch):
    def missing() -> str:
        raise GraphvizNotFoundError("no dot")

    monkeypatch.setattr(compiled, "find_dot", missing)
    assert compiled._entry(spec.read_bytes(), None) is None


def test_a_sketch_is_not_kept_as_the_specs_picture(spec, tmp_path, monkeypatch):
    """serve's quick pass draws a sketch (arrange.sketching, no layout search): never kept
    as what a render of the spec draws. (A choice this process searched already is no
    sketch: the memory starts empty here, as in a new process.)"""
    from mlsd_diagrams import arrange
    from mlsd_diagrams.arrange import sketching

    monkeypatch.setattr(arrange, "_CHOSEN", {})
    with sketching():
        render_in_full(spec, tmp_path / "a", ("svg",))
    assert _entries(tmp_path) == []
    render_in_full(spec, tmp_path / "a", ("svg",))
    assert len(_entries(tmp_path)) == 1


def test_a_picture_drawn_without_its_search_is_not_kept(spec, tmp_path, monkeypatch):
    """A layout search cut short by the time budget leaves the overview drawn plainly: the
    render still writes it, but a later render of the spec must search again, not redraw
    that picture for good (the layout choice is not kept either)."""
    from mlsd_diagrams import arrange
    from mlsd_diagrams.errors import GraphvizTimeoutError

    def too_slow(sources: list[str], workers: int, read: object) -> list[object]:
        raise GraphvizTimeoutError("past the time budget")

    monkeypatch.setattr(arrange, "_CHOSEN", {})
    monkeypatch.setattr(arrange, "read_many", too_slow)
    render_in_full(spec, tmp_path / "a", ("svg",))
    assert _svg(tmp_path / "a") and _entries(tmp_path) == []
    monkeypatch.undo()  # a later process: the real layouts, nothing in memory
    monkeypatch.setattr(arrange, "_CHOSEN", {})
    monkeypatch.setenv("MLSD_CACHE_DIR", str(tmp_path / "cache"))
    render_in_full(spec, tmp_path / "b", ("svg",))
    assert len(_entries(tmp_path)) == 1


def _logging_wrappers(folder: Path, log: Path) -> dict[str, str]:
    """An environment whose `fc-match` notes each start in `log`, and whose `dot`, asked
    for an SVG, notes whether fontconfig was asked already while it was still running
    (waiting up to 5 s for it), then draws with the real one."""
    folder.mkdir()
    real_dot, real_fc = shutil.which("dot"), shutil.which("fc-match")
    asked = folder / "asked"
    (folder / "fc-match").write_text(
        f'#!/bin/sh\necho fc-match >> "{log}"\ntouch "{asked}"\nexec "{real_fc}" "$@"\n'
    )
    (folder / "dot").write_text(
        "#!/bin/sh\n"
        'case "$*" in *-Tsvg*)\n'
        f'  n=0; while [ ! -e "{asked}" ] && [ $n -lt 100 ]; do sleep 0.05; n=$((n+1)); done\n'
        f'  if [ -e "{asked}" ]; then echo "dot: drawing, fonts asked" >> "{log}"\n'
        f'  else echo "dot: drawing alone" >> "{log}"; fi ;;\n'
        "esac\n"
        f'exec "{real_dot}" "$@"\n'
    )
    for script in folder.iterdir():
        script.chmod(0o755)
    return {**os.environ, "PATH": f"{folder}{os.pathsep}{os.environ['PATH']}"}


def test_the_svg_fonts_are_looked_up_while_dot_draws(spec, tmp_path):
    """fontconfig (`fc-match`, a process of its own) is asked for the fonts an SVG will embed
    while `dot` draws it, not after: in a full render and in a redraw from the entry, each
    in a new process (which knows no font yet)."""
    log = tmp_path / "log"
    env = _logging_wrappers(tmp_path / "bin", log)
    cli = [sys.executable, "-m", "mlsd_diagrams", "render", str(spec), "-f", "svg,png", "-o"]
    for out in ("full", "redrawn"):
        (tmp_path / "bin" / "asked").unlink(missing_ok=True)
        log.write_text("")
        done = subprocess.run([*cli, str(tmp_path / out)], env=env, capture_output=True)
        assert done.returncode == 0, done.stderr
        assert log.read_text().splitlines() == ["fc-match", "dot: drawing, fonts asked"], out
    assert _entries(tmp_path) and _svg(tmp_path / "full") == _svg(tmp_path / "redrawn")

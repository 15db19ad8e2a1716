"""The format registry: every entry resolves, the CLI reads it, and a new text format is one
module plus one entry."""

from __future__ import annotations

import sys
import types
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from mlsd_diagrams import formats
from mlsd_diagrams.build import render_file
from mlsd_diagrams.cli import cli
from mlsd_diagrams.formats import BY_NAME, DEFAULT_FORMATS, FORMATS, REGISTRY, Format, TextJob


@pytest.mark.parametrize("fmt", REGISTRY, ids=lambda fmt: fmt.name)
def test_every_entry_is_whole(fmt: Format) -> None:
    references = [fmt.produce, fmt.companions, fmt.rewrite, fmt.pictures, fmt.finish]
    for reference in filter(None, references):
        assert callable(formats.function(reference)), reference
    if fmt.kind == "text":
        assert fmt.produce and fmt.file
    if fmt.kind == "image":
        assert fmt.laid_out and fmt.file == f"{{id}}.{fmt.name}"
    if fmt.kind == "pictures":
        assert fmt.pictures and fmt.picture_formats and fmt.folder and fmt.suffixes
        assert fmt.laid_out
        assert bool(fmt.finish) == bool(fmt.file)
    files = [other.file for other in REGISTRY if other.file]
    assert len(files) == len(set(files))  # no two formats write one file


def test_the_cli_help_default_and_errors_list_the_registry() -> None:
    shown = CliRunner().invoke(cli, ["render", "--help"], terminal_width=1000).output
    for fmt in REGISTRY:
        assert f"{fmt.name} ({fmt.help})" in shown
    assert "[default: " + ",".join(DEFAULT_FORMATS) + "]" in shown
    assert "answer-pdf" not in DEFAULT_FORMATS
    wrong = CliRunner().invoke(cli, ["render", "x.yaml", "-f", "svgg"])
    assert wrong.exit_code == 2
    assert "'svgg' (did you mean 'svg'?)" in wrong.output
    assert f"choose among {', '.join(FORMATS)}" in wrong.output


def _words(job: TextJob) -> str:
    return f"{job.design.id}: " + ", ".join(node.label for node in job.graph.nodes) + "\n"


def test_a_text_format_is_one_function_and_one_entry(
    spec_file, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = types.ModuleType("mlsd_words_format")
    module.__dict__["text"] = _words
    monkeypatch.setitem(sys.modules, module.__name__, module)
    entry = Format("words", "the labels", "text", "{id}.txt", produce=f"{module.__name__}:text")
    monkeypatch.setitem(BY_NAME, entry.name, entry)
    rendered = render_file(spec_file(), tmp_path, ("words", "dot"))
    assert [path.name for path in rendered.files] == ["tiny.txt", "tiny.dot"]
    assert (tmp_path / "tiny" / "tiny.txt").read_text() == "tiny: App, API\n"
    # laid out: the function is given the overview's layout, and `dot` runs
    monkeypatch.setitem(BY_NAME, entry.name, replace(entry, laid_out=True))
    seen = []
    module.__dict__["text"] = lambda job: seen.append(job.layout) or "laid out\n"
    render_file(spec_file(), tmp_path, ("words",))
    assert seen and {node.id for node in seen[0].nodes} == {"app", "api"}


def test_the_dot_time_budget_is_read_once_and_reaches_every_dot_run(
    spec_file, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """MLSD_DOT_TIMEOUT is read where the work starts and passed down: the overview, the
    views drawn in the pool's threads and every trial layout get it. (The layout choices
    start unknown, in memory and on disk, so the search runs whatever ran before.)"""
    from mlsd_diagrams import arrange
    from mlsd_diagrams.render import graphviz

    monkeypatch.setattr(arrange, "_CHOSEN", {})
    monkeypatch.setenv("MLSD_CACHE_DIR", str(tmp_path / "cache"))

    budgets: list[float] = []
    run = graphviz._run

    def recorded(command, data, timeout, *rest):
        if "-V" not in command:
            budgets.append(timeout)
        return run(command, data, timeout, *rest)

    monkeypatch.setattr(graphviz, "_run", recorded)
    monkeypatch.setenv("MLSD_DOT_TIMEOUT", "42")
    render_file(spec_file(), tmp_path / "a", ("svg", "views"))
    assert len(budgets) > 3 and set(budgets) == {42.0}
    budgets.clear()
    monkeypatch.setenv("MLSD_DOT_TIMEOUT", "oops")  # given: the variable is not read
    from mlsd_diagrams.build import render_design
    from mlsd_diagrams.validate import load_design

    render_design(load_design(spec_file()), tmp_path / "b", ("svg", "views"), dot_timeout=7)
    assert budgets and set(budgets) == {7.0}
    budgets.clear()
    monkeypatch.setenv("MLSD_DOT_TIMEOUT", "13")
    result = CliRunner().invoke(cli, ["check", str(spec_file())])
    assert result.exit_code == 0, result.output
    assert budgets and set(budgets) == {13.0}

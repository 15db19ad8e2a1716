"""User templates (`--templates DIR`) are sandboxed and bounded: huge numbers, huge ranges,
endless loops and recursion, missing includes all end in a clear error naming the template,
never a traceback or a hang."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import MINIMAL

from mlsd_diagrams.cli import cli
from mlsd_diagrams.render import limits

WRITEUP = "writeup.md.j2"


def render_with(tmp_path: Path, templates: dict[str, str]) -> object:
    tmp_path.mkdir(exist_ok=True)
    spec = tmp_path / "tiny.yaml"
    spec.write_text(MINIMAL)
    folder = tmp_path / "templates"
    folder.mkdir()
    for name, text in templates.items():
        (folder / name).write_text(text)
    out = tmp_path / "out"
    args = ["render", str(spec), "-o", str(out), "-f", "md", "--templates", str(folder)]
    result = CliRunner().invoke(cli, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    assert not (out / "tiny" / "tiny.md").exists()
    return result


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("{% for i in range(10**9) %}x{% endfor %}", "range too big"),
        ("{{ 10 ** 100000000 }}", "number too big"),
        ("{{ (10 ** 1000) ** 1000 }}", "number too big"),
        ("{{ (10 ** 50000) * (10 ** 50000) }}", "number too big"),
        ("{{ 'x' * 10**10 }}", "text or list too long"),
        ("{{ [1] * 10**10 }}", "text or list too long"),
        (
            "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}",
            "loops too long",
        ),
    ],
)
def test_huge_numbers_and_ranges_are_refused(tmp_path: Path, text: str, says: str):
    result = render_with(tmp_path, {WRITEUP: text})
    assert result.exit_code == 1
    assert f"{WRITEUP}:1: {says}" in result.stderr, result.stderr


def test_a_template_that_extends_itself_is_a_clear_error(tmp_path: Path):
    result = render_with(tmp_path, {WRITEUP: "{% extends 'writeup.md.j2' %}"})
    assert result.exit_code == 1
    assert "includes or extends itself" in result.stderr, result.stderr


def test_a_missing_include_names_the_missing_template(tmp_path: Path):
    result = render_with(tmp_path, {WRITEUP: "a\n{% include 'parts/gone.j2' %}"})
    assert result.exit_code == 1
    assert "template 'parts/gone.j2' not found" in result.stderr, result.stderr
    assert f"{WRITEUP}:2" in result.stderr, result.stderr


def test_an_error_in_an_included_template_names_that_template(tmp_path: Path):
    result = render_with(
        tmp_path, {WRITEUP: "{% include 'part.j2' %}", "part.j2": "ok\n{{ 1 / 0 }}"}
    )
    assert result.exit_code == 1
    assert "part.j2:2: division by zero" in result.stderr, result.stderr


def test_a_template_that_runs_too_long_is_stopped(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(limits, "TIME_LIMIT_SECONDS", 1.0)
    loop = "{% for i in range(99999) %}{% for j in range(9) %}{{ i }}{% endfor %}{% endfor %}"
    many = "".join(f"{{% for x{i} in range(99) %}}" for i in range(5)) + "{% endfor %}" * 5
    silent = (
        "{% set xs = range(99999)|list %}{% for a in xs %}{% for b in xs %}{% endfor %}{% endfor %}"
    )
    for text in (loop * 5, many, silent):  # the last calls nothing: only the timer stops it
        monkeypatch.setattr(limits, "RANGE_BUDGET", 10**12)  # only the clock stops these
        result = render_with(tmp_path / str(len(text)), {WRITEUP: text})
        assert result.exit_code == 1
        assert "took longer than 1 s" in result.stderr, result.stderr

"""The command line: exit codes, messages, and docs that match the commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT

from mlsd_diagrams.cli import cli


def run(*args: str) -> object:
    return CliRunner().invoke(cli, list(args))


def test_validate_ok(spec_file):
    result = run("validate", str(spec_file()))
    assert result.exit_code == 0
    assert result.output.endswith("spec.yaml: ok\n")


def test_validate_lists_every_problem_and_exits_2(spec_file):
    path = spec_file(spec_file().read_text().replace("client", "clint"))
    result = run("validate", str(path))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"{path}:12:15: components[0].kind: unknown component kind 'clint' (did you mean "
        "'client'?); `mlsd kinds` lists them",
        f"{path}:12:40: components[0].stage: 'clint' is not one of: client, data, features, "
        "training, serving, monitoring (did you mean 'client'?)",
    ]


def test_validate_missing_file_is_a_spec_error(tmp_path: Path):
    result = run("validate", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 2
    assert "nope.yaml:1:1: cannot read file" in result.stderr


def test_render_reports_broken_specs_and_renders_the_others(tmp_path: Path, spec_file):
    good, bad = spec_file(), spec_file("id: x\n", name="bad.yaml")
    result = run("render", str(bad), str(good), "-o", str(tmp_path / "out"), "-f", "svg")
    assert result.exit_code == 2
    assert "bad.yaml:1:1: title: missing required key" in result.stderr
    assert (tmp_path / "out" / "tiny" / "tiny.svg").is_file()
    assert not (tmp_path / "out" / "x").exists()


def test_render_rejects_unknown_format(spec_file, tmp_path: Path):
    result = run("render", str(spec_file()), "-o", str(tmp_path), "-f", "png,svgg,jpeg")
    assert result.exit_code == 2
    assert "unknown format 'svgg' (did you mean 'svg'?), 'jpeg'" in result.stderr
    assert "choose among png, svg, pdf, dot" in result.stderr


def test_schema_is_json_schema_listing_the_kinds(tmp_path: Path):
    result = run("schema")
    schema = json.loads(result.output)
    assert schema["$schema"].endswith("2020-12/schema")
    # a draft needs only these three; every section, components included, may come later
    assert schema["required"] == ["id", "title", "prompt"]
    assert {"components", "flows", "requirements"} <= set(schema["properties"])
    kind = schema["$defs"]["Component"]["properties"]["kind"]
    assert "ranking" in kind["enum"] and kind["description"]
    run("schema", "-o", str(tmp_path / "s.json"))
    assert json.loads((tmp_path / "s.json").read_text()) == schema


def test_kinds_lists_the_catalog():
    result = run("kinds")
    assert result.exit_code == 0
    assert result.output.splitlines()[0].startswith("client ")


COMMANDS = sorted(cli.commands)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_with_an_example_and_is_in_the_readme(name: str):
    result = run(name, "--help")
    assert result.exit_code == 0
    assert "Example:" in result.output
    assert f"mlsd {name}" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_user_templates_override_ours_one_file_at_a_time(tmp_path: Path, spec_file):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "writeup.md.j2").write_text("# {{ design.title | md }} (my template)\n")
    out = tmp_path / "out"
    result = run(
        "render", str(spec_file()), "-o", str(out), "-f", "md,py", "--templates", str(mine)
    )
    assert result.exit_code == 0, result.output
    assert (out / "tiny" / "tiny.md").read_text() == "# Tiny design (my template)\n"
    assert (out / "tiny" / "tiny.py").read_text().startswith('"""Architecture diagram')


def test_a_broken_user_template_is_a_clear_error_and_writes_nothing(tmp_path: Path, spec_file):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "writeup.md.j2").write_text("{{ design.no_such_field }}\n")
    out = tmp_path / "out"
    result = run("render", str(spec_file()), "-o", str(out), "--templates", str(mine))
    assert result.exit_code == 1
    assert "template 'writeup.md.j2'" in result.stderr and "no_such_field" in result.stderr
    assert not (out / "tiny").exists()


def test_templates_cannot_reach_python_internals(tmp_path: Path, spec_file):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "writeup.md.j2").write_text("{{ design.__class__.__mro__[1].__subclasses__() }}\n")
    result = run("render", str(spec_file()), "-o", str(tmp_path / "o"), "--templates", str(mine))
    assert result.exit_code == 1
    assert "unsafe" in result.stderr or "not safely" in result.stderr

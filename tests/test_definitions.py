"""One definition per concept: the stages, the steps, the themes and the id pattern are each
defined once, and every place that shows them reads that definition."""

from __future__ import annotations

import re

from click.testing import CliRunner

from mlsd_diagrams.cli import cli
from mlsd_diagrams.graph import build_graph
from mlsd_diagrams.ids import ID_PATTERN
from mlsd_diagrams.interview import talk_track
from mlsd_diagrams.model import json_schema
from mlsd_diagrams.render.style import THEMES
from mlsd_diagrams.render.writeup import to_markdown
from mlsd_diagrams.stages import OFFLINE, ONLINE, STAGES, Stage, zone
from mlsd_diagrams.steps import STEPS
from mlsd_diagrams.themes import THEME_NAMES
from mlsd_diagrams.validate import load_design


def test_every_stage_has_one_title_and_one_zone() -> None:
    assert [info.stage for info in STAGES] == list(Stage)
    assert {stage.value for stage in Stage} == OFFLINE | ONLINE and not OFFLINE & ONLINE
    assert [zone(stage) for stage in Stage] == [info.zone for info in STAGES]


def test_the_write_up_and_the_talk_track_title_the_steps_alike(spec_file) -> None:
    design = load_design(spec_file())
    text = to_markdown(design, build_graph(design), None)
    headings = re.findall(r"^## (\d)\. (.+)$", text, re.MULTILINE)
    assert headings == [(str(step.number), step.title) for step in STEPS]
    rows = [(step.number, step.title) for step in talk_track(design).steps]
    assert rows == [(step.number, step.title) for step in STEPS]


def test_the_new_spec_names_the_steps(tmp_path) -> None:
    result = CliRunner().invoke(cli, ["new", "fresh", "-d", str(tmp_path)])
    assert result.exit_code == 0, result.output
    text = (tmp_path / "fresh.yaml").read_text()
    for step in STEPS:
        assert f"# Step {step.number}. {step.title}" in text


def test_the_theme_names_are_the_spec_s_the_cli_s_and_the_drawn_ones() -> None:
    assert list(THEMES) == list(THEME_NAMES)
    schema = json_schema()
    assert schema["$defs"]["ThemeName"]["enum"] == list(THEME_NAMES)
    help_text = CliRunner().invoke(cli, ["render", "--help"]).output
    assert "[" + "|".join(THEME_NAMES) + "]" in help_text
    wrong = CliRunner().invoke(cli, ["check", "x.yaml", "--theme", "neon"])
    assert wrong.exit_code == 2


def test_the_portfolio_reads_manifest_ids_with_the_model_s_pattern() -> None:
    from mlsd_diagrams.portfolio import _sound_entry
    from mlsd_diagrams.render.site import Card

    for design_id in ("ok-id", "a_1", "a" * 63, "a" * 64, "Upper", "1st", "a/b", "ok\n", ""):
        card: dict[str, object] = dict.fromkeys(Card.__dataclass_fields__, "")
        card |= {"id": design_id, "tags": []}
        entry = {"digest": "x", "card": card, "files": []}
        expected = bool(re.fullmatch(ID_PATTERN, design_id))
        assert _sound_entry(design_id, entry) == expected, design_id

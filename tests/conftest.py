"""Shared helpers: golden files (accepted with MLSD_ACCEPT=1) and spec files built from text."""

from __future__ import annotations

import os
import shutil
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DESIGNS = sorted((ROOT / "designs").glob("*.yaml"))
GOLDEN = Path(__file__).parent / "golden"
ACCEPT = os.environ.get("MLSD_ACCEPT") == "1"

MINIMAL = """\
id: tiny
title: Tiny design
prompt: Design something tiny.
requirements:
  business_objective: Grow.
framing:
  ml_objective: Predict.
  input: A user.
  output: A score.
  category: binary-classification
components:
  - {id: app, kind: client, label: App, stage: client}
  - {id: api, kind: prediction-service, label: API, stage: serving}
flows:
  - {from: app, to: api, label: request, kind: request, step: 1}
"""


def assert_golden(name: str, actual: str) -> None:
    """Compare with tests/golden/<name>; MLSD_ACCEPT=1 rewrites it (review the diff!)."""
    expected_path = GOLDEN / name
    got_path = expected_path.with_name(expected_path.name + ".got")
    if ACCEPT:
        expected_path.write_text(actual, encoding="utf-8")
        got_path.unlink(missing_ok=True)
        return
    expected = expected_path.read_text(encoding="utf-8") if expected_path.exists() else None
    if actual == expected:
        got_path.unlink(missing_ok=True)
        return
    got_path.write_text(actual, encoding="utf-8")
    pytest.fail(
        f"{name} differs from its golden file; see {got_path.name} beside it. If the change is "
        "intended, rerun with MLSD_ACCEPT=1 and review the diff of tests/golden/."
    )


SAMPLE = ["video-recommendation", "people-you-may-know", "visual-search"]


def copy_designs(folder: Path, names: list[str]) -> Path:
    """A folder holding copies of some example designs, to build and break."""
    folder.mkdir()
    for name in names:
        shutil.copy(next(d for d in DESIGNS if d.stem == name), folder)
    return folder


@pytest.fixture
def designs(tmp_path: Path) -> Path:
    return copy_designs(tmp_path / "designs", SAMPLE)


@pytest.fixture
def spec_file(tmp_path: Path):
    """Write a spec from (dedented) text and return its path."""

    def write(text: str = MINIMAL, name: str = "spec.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write

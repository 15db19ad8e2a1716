"""Drafts render: what `mlsd new` writes, and any spec still missing flows, stages or the key,
draws a sensible picture in every format (a draft is what `--watch` users render first)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image

from mlsd_diagrams.build import render_file
from mlsd_diagrams.formats import FORMATS, REGISTRY
from mlsd_diagrams.scaffold import new_spec

COMPONENTS_NO_FLOWS = """\
id: draft
title: A draft
prompt: Design something.
components:
  - {id: app, kind: client, label: App, stage: client}
  - {id: api, kind: prediction-service, label: API, stage: serving}
"""

ONE_STAGE = """\
id: draft
title: A draft
prompt: Design something.
components:
  - {id: api, kind: prediction-service, label: API, stage: serving}
  - {id: cache, kind: cache, label: Cache, stage: serving}
flows:
  - {from: api, to: cache, label: lookup, kind: request}
"""


def _skeleton(tmp_path: Path) -> Path:
    return new_spec("draft", tmp_path / "designs")


def _with_legend(text: str, legend: bool) -> str:
    return text + f"diagram: {{legend: {str(legend).lower()}}}\n"


def _drafts(tmp_path: Path) -> dict[str, Path]:
    skeleton = _skeleton(tmp_path)
    no_key = tmp_path / "skeleton-no-key.yaml"
    no_key.write_text(
        re.sub(r"legend: true", "legend: false", skeleton.read_text()), encoding="utf-8"
    )
    specs = {"skeleton": skeleton, "skeleton-no-key": no_key}
    for name, text in {"no-flows": COMPONENTS_NO_FLOWS, "one-stage": ONE_STAGE}.items():
        for legend in (True, False):
            path = tmp_path / f"{name}-{legend}.yaml"
            path.write_text(_with_legend(text, legend), encoding="utf-8")
            specs[f"{name}-{legend}"] = path
    return specs


@pytest.mark.parametrize(
    "name",
    ["skeleton", "skeleton-no-key", "no-flows-True", "no-flows-False", "one-stage-True"],
)
def test_a_draft_renders_in_every_format(tmp_path: Path, name: str) -> None:
    spec = _drafts(tmp_path)[name]
    out = tmp_path / "out"
    rendered = render_file(spec, out, FORMATS)
    folder = out / "draft"
    for fmt in REGISTRY:  # every format that writes one file wrote it
        if fmt.file:
            assert (folder / fmt.path("draft")).stat().st_size > 0, fmt.name
    assert rendered.files
    with Image.open(folder / "draft.gif") as gif:
        assert gif.n_frames >= 1


def test_an_empty_design_says_what_to_add(tmp_path: Path) -> None:
    out = tmp_path / "out"
    render_file(_skeleton(tmp_path), out, ("svg",))
    svg = (out / "draft" / "draft.svg").read_text()
    assert "No components yet" in svg


def test_the_key_of_a_design_without_flows_lists_its_kinds_only(tmp_path: Path) -> None:
    spec = _drafts(tmp_path)["no-flows-True"]
    out = tmp_path / "out"
    render_file(spec, out, ("dot",))
    source = (out / "draft" / "draft.dot").read_text()
    assert "<TR></TR>" not in source
    assert "Prediction service" in source  # the kind's title, in the key

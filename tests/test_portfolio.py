"""`mlsd build`: a folder of designs into a portfolio, incrementally, in parallel, safely."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from click.testing import CliRunner
from conftest import SAMPLE

from mlsd_diagrams.cli import cli
from mlsd_diagrams.portfolio import MANIFEST, build_portfolio


def statuses(summary) -> dict[str, str]:
    return {Path(o.source).stem: o.status for o in summary.outcomes}


def test_full_build_writes_every_design_and_the_site(designs: Path, tmp_path: Path):
    out = tmp_path / "out"
    summary = build_portfolio(designs, out, jobs=2)
    assert statuses(summary) == dict.fromkeys(SAMPLE, "built")
    for name in SAMPLE:
        files = {p.name for p in (out / name).iterdir()}
        assert {f"{name}.{ext}" for ext in ("png", "svg", "pdf", "dot", "md", "py")} <= files
        assert {f"{name}-thumb.png", "index.html"} <= files
    assert {p.name for p in out.iterdir()} >= {"index.html", "README.md", "assets", MANIFEST}
    readme = (out / "README.md").read_text()
    assert all(f"({name}/{name}.md)" in readme for name in SAMPLE)


def test_rebuild_skips_unchanged_and_renders_only_what_changed(designs: Path, tmp_path: Path):
    out = tmp_path / "out"
    build_portfolio(designs, out, jobs=2)
    png = (out / "visual-search" / "visual-search.png").stat().st_mtime_ns
    assert set(statuses(build_portfolio(designs, out)).values()) == {"skipped"}
    spec = designs / "people-you-may-know.yaml"
    spec.write_text(spec.read_text().replace("title: People", "title: The people"))
    assert statuses(build_portfolio(designs, out)) == {
        "video-recommendation": "skipped",
        "people-you-may-know": "built",
        "visual-search": "skipped",
    }
    assert (out / "visual-search" / "visual-search.png").stat().st_mtime_ns == png
    assert "The people You May Know" in (out / "index.html").read_text()


def test_a_deleted_output_file_is_rebuilt(designs: Path, tmp_path: Path):
    out = tmp_path / "out"
    build_portfolio(designs, out, jobs=1)
    (out / "visual-search" / "visual-search.svg").unlink()
    assert statuses(build_portfolio(designs, out))["visual-search"] == "built"


def test_removed_design_disappears_from_the_site(designs: Path, tmp_path: Path):
    out = tmp_path / "out"
    build_portfolio(designs, out, jobs=2)
    (designs / "visual-search.yaml").unlink()
    build_portfolio(designs, out)
    assert not (out / "visual-search").exists()
    assert "visual-search" not in (out / "index.html").read_text()
    assert "visual-search" not in json.loads((out / MANIFEST).read_text())["designs"]


def test_broken_design_is_reported_and_never_stops_the_others(designs: Path, tmp_path: Path):
    (designs / "broken.yaml").write_text("id: broken\ntitle: x\nprompt: y\ncomponents: 3\n")
    result = CliRunner().invoke(cli, ["build", str(designs), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert f"{designs / 'broken.yaml'}:4:1: components: must be a list" in result.stderr
    assert "4 designs: 3 built, 0 skipped, 1 failed" in result.output
    assert (tmp_path / "out" / "visual-search" / "visual-search.png").is_file()


def test_two_specs_with_one_id_the_second_fails(designs: Path, tmp_path: Path):
    shutil.copy(designs / "visual-search.yaml", designs / "zz-copy.yaml")
    summary = build_portfolio(designs, tmp_path / "out", jobs=2)
    (failure,) = summary.failed
    assert failure.source.endswith("zz-copy.yaml")
    assert "'visual-search' is also the id of" in failure.message


def test_hostile_text_is_escaped_in_the_site(designs: Path, tmp_path: Path):
    spec = designs / "visual-search.yaml"
    hostile = '<script>alert(1)</script> [x](javascript:alert(2)) " onload="x'
    text = spec.read_text().replace("title: Visual search (Pinterest-like)", f"title: '{hostile}'")
    spec.write_text(text)
    out = tmp_path / "out"
    build_portfolio(designs, out, jobs=1)
    for page in (out / "index.html", out / "visual-search" / "index.html"):
        html = page.read_text()
        assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert 'onload="x' not in html
        for target in re.findall(r'(?:href|src)="([^"]*)"', html):
            assert re.match(r"^(https?://|data:,$|[^:]*$)", target), target
    scripts = re.findall(r"<script[^>]*>", (out / "index.html").read_text())
    assert scripts == ['<script src="assets/gallery.js">']


def test_missing_designs_folder_is_a_usage_error(tmp_path: Path):
    result = CliRunner().invoke(cli, ["build", str(tmp_path / "nope"), "-o", str(tmp_path)])
    assert result.exit_code == 2
    assert "not a folder of design specs" in result.stderr

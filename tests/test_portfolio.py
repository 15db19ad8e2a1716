"""`mlsd build`: a folder of designs into a portfolio, incrementally, in parallel, safely."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SAMPLE, copy_designs

from mlsd_diagrams.cli import cli
from mlsd_diagrams.portfolio import BOOK, BOOK_DIGEST, CHAPTER_PDF, MANIFEST, build_portfolio


def statuses(summary) -> dict[str, str]:
    return {Path(o.source).stem: o.status for o in summary.outcomes}


def test_full_build_writes_every_design_and_the_site(designs: Path, tmp_path: Path):
    out = tmp_path / "out"
    summary = build_portfolio(designs, out, jobs=2, book=False)
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
    build_portfolio(designs, out, jobs=2, book=False)
    png = (out / "visual-search" / "visual-search.png").stat().st_mtime_ns
    assert set(statuses(build_portfolio(designs, out, book=False)).values()) == {"skipped"}
    spec = designs / "people-you-may-know.yaml"
    spec.write_text(spec.read_text().replace("title: People", "title: The people"))
    assert statuses(build_portfolio(designs, out, book=False)) == {
        "video-recommendation": "skipped",
        "people-you-may-know": "built",
        "visual-search": "skipped",
    }
    assert (out / "visual-search" / "visual-search.png").stat().st_mtime_ns == png
    assert "The people You May Know" in (out / "index.html").read_text()


def test_a_deleted_output_file_is_rebuilt(designs: Path, tmp_path: Path):
    out = tmp_path / "out"
    build_portfolio(designs, out, jobs=1, book=False)
    (out / "visual-search" / "visual-search.svg").unlink()
    assert statuses(build_portfolio(designs, out, book=False))["visual-search"] == "built"


def test_removed_design_disappears_from_the_site(designs: Path, tmp_path: Path):
    out = tmp_path / "out"
    build_portfolio(designs, out, jobs=2, book=False)
    (designs / "visual-search.yaml").unlink()
    build_portfolio(designs, out, book=False)
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
    summary = build_portfolio(designs, tmp_path / "out", jobs=2, book=False)
    (failure,) = summary.failed
    assert failure.source.endswith("zz-copy.yaml")
    assert "'visual-search' is also the id of" in failure.message


def test_hostile_text_is_escaped_in_the_site(designs: Path, tmp_path: Path):
    spec = designs / "visual-search.yaml"
    hostile = '<script>alert(1)</script> [x](javascript:alert(2)) " onload="x'
    text = spec.read_text().replace("title: Visual search (Pinterest-like)", f"title: '{hostile}'")
    spec.write_text(text)
    out = tmp_path / "out"
    build_portfolio(designs, out, jobs=1, book=False)
    for page in (out / "index.html", out / "visual-search" / "index.html"):
        html = page.read_text()
        assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert 'onload="x' not in html
        for target in re.findall(r'(?:href|src)="([^"]*)"', html):
            assert re.match(r"^(https?://|data:,$|[^:]*$)", target), target
    scripts = re.findall(r"<script[^>]*>", (out / "index.html").read_text())
    assert scripts == ['<script src="assets/search-index.js">', '<script src="assets/gallery.js">']
    index = (out / "assets" / "search-index.js").read_text()
    assert "<" not in index and "alert(1)" not in index  # words only, never markup


def test_missing_designs_folder_is_a_usage_error(tmp_path: Path):
    result = CliRunner().invoke(cli, ["build", str(tmp_path / "nope"), "-o", str(tmp_path)])
    assert result.exit_code == 2
    assert "not a folder of design specs" in result.stderr


# --- the book: built once for the module (typesetting is the slow part of a build) ---


@pytest.fixture(scope="module")
def booked(tmp_path_factory) -> tuple[Path, Path]:
    """A portfolio of the sample designs, with its book."""
    root = tmp_path_factory.mktemp("book")
    designs = copy_designs(root / "designs", SAMPLE)
    out = root / "out"
    assert not build_portfolio(designs, out, jobs=2).failed
    return designs, out


def book_reader(out: Path):
    pypdf = pytest.importorskip("pypdf")
    return pypdf.PdfReader(out / BOOK)


def titles_of(designs: Path) -> list[str]:
    from mlsd_diagrams.validate import load_design

    return [load_design(designs / f"{name}.yaml").title for name in sorted(SAMPLE)]


def test_the_book_has_a_cover_contents_a_chapter_per_design_and_the_appendix(booked):
    designs, out = booked
    reader = book_reader(out)
    assert len(reader.pages) > 3 * len(SAMPLE)
    top = [item for item in reader.outline if not isinstance(item, list)]
    expected = ["Contents", *titles_of(designs), "Appendix: the trade-off library"]
    assert [item.title for item in top] == expected
    cover = reader.pages[0].extract_text()
    assert "ML system design portfolio" in cover and "3 designs" in cover
    text = "\n".join(page.extract_text() for page in reader.pages)
    from mlsd_diagrams.tradeoffs import TABLE

    assert all(tradeoff.title in text for tradeoff in TABLE)


def test_the_contents_give_the_page_each_chapter_starts_on(booked):
    designs, out = booked
    reader = book_reader(out)
    contents = " ".join(reader.pages[1].extract_text().split())
    starts = {
        item.title: reader.get_destination_page_number(item) + 1
        for item in reader.outline
        if not isinstance(item, list)
    }
    for title in titles_of(designs):
        found = re.search(re.escape(title) + r"[ .]*?(\d+)", contents)
        assert found, title
        assert int(found.group(1)) == starts[title]
        assert (
            f"{starts[title]} / {len(reader.pages)}"
            in reader.pages[starts[title] - 1].extract_text()
        )


def page_text(reader, index: int) -> str:
    return " ".join(reader.pages[index].extract_text().split())


def chapter_starts(reader) -> dict[str, int]:
    """The top-level bookmarks: title → the index of the page it points at."""
    return {
        item.title: reader.get_destination_page_number(item)
        for item in reader.outline
        if not isinstance(item, list)
    }


def test_each_chapter_is_typeset_by_its_worker_and_listed(booked):
    designs, out = booked
    manifest = json.loads((out / MANIFEST).read_text())["designs"]
    for design_id, entry in manifest.items():
        assert CHAPTER_PDF in entry["files"] and (out / design_id / CHAPTER_PDF).is_file()


def test_every_page_but_the_cover_is_numbered_through_the_book(booked):
    _, out = booked
    reader = book_reader(out)
    total = len(reader.pages)
    assert f"/ {total}" not in page_text(reader, 0)
    for index in range(1, total):
        assert page_text(reader, index).endswith(f"{index + 1} / {total}"), index


def test_each_chapter_keeps_its_sections_as_bookmarks_within_its_pages(booked):
    designs, out = booked
    reader = book_reader(out)
    outline = reader.outline
    starts = sorted(chapter_starts(reader).values()) + [len(reader.pages)]
    for title in titles_of(designs):
        at = next(
            i
            for i, item in enumerate(outline)
            if not isinstance(item, list) and item.title == title
        )
        first = reader.get_destination_page_number(outline[at])
        last = starts[starts.index(first) + 1] - 1
        sections = [item for item in outline[at + 1] if not isinstance(item, list)]
        assert "1. Clarify requirements" in [item.title for item in sections], title
        pages = [reader.get_destination_page_number(item) for item in sections]
        assert all(first <= page <= last for page in pages), (title, first, last, pages)


def test_the_contents_link_to_the_page_each_part_starts_on(booked):
    _, out = booked
    reader = book_reader(out)
    linked = set()
    for annotation in reader.pages[1].get("/Annots", []):
        target = annotation.get_object().get("/Dest")
        if target is not None:
            linked.add(reader.get_page_number(target[0].get_object()))
    assert linked == set(chapter_starts(reader).values()) - {1}  # all but the contents itself


def test_the_book_is_deterministic_and_incremental(booked, tmp_path: Path):
    """Last of the tests of `booked`: it edits a design."""
    designs, out = booked
    book = out / BOOK
    first, stamp = book.read_bytes(), book.stat().st_mtime_ns
    build_portfolio(designs, out)  # nothing changed: the book is not typeset again
    assert book.stat().st_mtime_ns == stamp
    (out / BOOK_DIGEST).unlink()  # forget it: typeset again, byte for byte the same
    build_portfolio(designs, out)
    assert book.read_bytes() == first and b"CreationDate" not in first
    spec = designs / "visual-search.yaml"
    spec.write_text(spec.read_text().replace("title: Visual search", "title: Visual lookup"))
    build_portfolio(designs, out, book=False)  # no chapter typeset: the old one goes
    assert not (out / "visual-search" / CHAPTER_PDF).exists()
    build_portfolio(designs, out)  # its chapter typeset for the book, from its HTML
    reader = book_reader(out)
    assert "Visual lookup" in reader.pages[1].extract_text()
    starts = chapter_starts(reader)
    title = next(title for title in starts if title.startswith("Visual lookup"))
    assert page_text(reader, starts[title]).startswith(title)  # the chapter typeset anew


def test_the_site_config_names_the_site_and_the_book(designs: Path, tmp_path: Path):
    (designs / "mlsd.toml").write_text(
        'title = "Ada\'s designs <b>"\nauthor = "Ada"\n'
        'links = [{title = "GitHub", url = "https://github.com/ada"}]\n'
    )
    for name in SAMPLE[1:]:
        (designs / f"{name}.yaml").unlink()
    out = tmp_path / "out"
    build_portfolio(designs, out)
    index = (out / "index.html").read_text()
    assert "<title>Ada&#39;s designs &lt;b&gt;</title>" in index
    assert 'href="https://github.com/ada"' in index and f'href="{BOOK}"' in index
    reader = book_reader(out)
    assert reader.metadata.title == "Ada's designs <b>" and reader.metadata.author == "Ada"
    assert "Ada's designs <b>" in reader.pages[0].extract_text()


def test_a_bad_site_config_is_a_located_usage_error(designs: Path, tmp_path: Path):
    (designs / "mlsd.toml").write_text(
        'title = "x"\nlinks = [{title = "x", url = "javascript:x"}]\n'
    )
    result = CliRunner().invoke(cli, ["build", str(designs), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert f"{designs / 'mlsd.toml'}:2:1: links: must be a list of" in result.stderr
    assert not (tmp_path / "out").exists()


def test_no_book_leaves_the_book_out(designs: Path, tmp_path: Path):
    for name in SAMPLE[1:]:
        (designs / f"{name}.yaml").unlink()
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", str(designs), "-o", str(out), "--no-book"])
    assert result.exit_code == 0, result.output
    assert not (out / BOOK).exists() and BOOK not in (out / "index.html").read_text()
    result = CliRunner().invoke(cli, ["build", str(designs), "-o", str(out)])
    assert result.exit_code == 0 and (out / BOOK).is_file()
    assert f'href="{BOOK}"' in (out / "index.html").read_text()


def test_a_no_op_rebuild_loads_neither_pydantic_nor_the_diagram_code(tmp_path: Path):
    """An up-to-date build only compares hashes: it must not pay for the typed model."""
    import subprocess
    import sys

    designs = copy_designs(tmp_path / "designs", SAMPLE[:1])
    command = [sys.executable, "-X", "importtime", "-m", "mlsd_diagrams", "build"]
    command += [str(designs), "-o", str(tmp_path / "out"), "--no-book"]
    subprocess.run(command, check=True, capture_output=True, timeout=300)
    again = subprocess.run(command, check=True, capture_output=True, text=True, timeout=300)
    assert "1 skipped" in again.stdout
    loaded = set(re.findall(r"\|\s+([\w.]+)$", again.stderr, re.MULTILINE))
    assert loaded & {"pydantic", "diagrams", "PIL", "mlsd_diagrams.model"} == set()
    assert "mlsd_diagrams.portfolio" in loaded  # the check reads the real import list


def test_a_design_page_reuses_the_graph_write_up_and_chapter_its_render_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """One design built in-process: the graph is built once, and the write-up without its
    picture line and the chapter are made once, for the page and the book's chapter (the
    markdown file's own write-up, which links its picture, is the only other one)."""
    from mlsd_diagrams import build, graph
    from mlsd_diagrams.render import site, writeup

    calls: dict[str, list[object]] = {"graph": [], "writeup": [], "chapter": []}
    build_graph, to_markdown = graph.build_graph, writeup.to_markdown
    chapter_html = site.chapter_html

    def counted_graph(design):
        calls["graph"].append(design.id)
        return build_graph(design)

    def counted_markdown(design, graph, image, templates=None):
        calls["writeup"].append(image)
        return to_markdown(design, graph, image, templates)

    def counted_chapter(*args, **kwargs):
        calls["chapter"].append(args[0].id)
        return chapter_html(*args, **kwargs)

    monkeypatch.setattr(graph, "build_graph", counted_graph)
    monkeypatch.setattr(build, "build_graph", counted_graph)
    monkeypatch.setattr(writeup, "to_markdown", counted_markdown)
    monkeypatch.setattr(site, "chapter_html", counted_chapter)
    out = tmp_path / "out"
    summary = build_portfolio(copy_designs(tmp_path / "one", ["visual-search"]), out, jobs=1)
    assert statuses(summary) == {"visual-search": "built"}
    assert calls["graph"] == ["visual-search"]
    assert sorted(calls["writeup"], key=str) == [None, "visual-search.png"]
    assert calls["chapter"] == ["visual-search"]
    chapter = (out / "visual-search" / "chapter.html").read_text(encoding="utf-8")
    assert "visual-search.png" not in chapter and "<h2" in chapter

"""The answer as a PDF (`mlsd render -f answer-pdf`): typeset by WeasyPrint, read back with
pypdf, and turned into pictures with pdftoppm. Rendered once for the module."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT

from mlsd_diagrams.build import render_file
from mlsd_diagrams.graph import build_graph
from mlsd_diagrams.render import paged, site
from mlsd_diagrams.render.writeup import to_markdown
from mlsd_diagrams.validate import load_design
from mlsd_diagrams.views import design_views

pypdf = pytest.importorskip("pypdf")

DESIGN = "video-recommendation"
A4 = {(595, 842), (842, 595)}  # points, portrait and landscape
SECTIONS = [
    "Talk track (45 minutes)",
    "1. Clarify requirements",
    "2. Frame the problem as an ML task",
    "3. Data preparation",
    "4. Model development",
    "5. Evaluation",
    "6. Deployment and serving",
    "7. Monitoring",
    "Back-of-envelope estimates",
    "Trade-offs",
    "Views",
]


@pytest.fixture(scope="module")
def answer(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("answer")
    rendered = render_file(ROOT / "designs" / f"{DESIGN}.yaml", out, ("answer-pdf",))
    assert [p.name for p in rendered.files] == [f"{DESIGN}-answer.pdf"]
    return rendered.files[0]


@pytest.fixture(scope="module")
def reader(answer: Path):
    return pypdf.PdfReader(answer)


def outline_titles(outline, depth: int = 0) -> list[tuple[int, str]]:
    titles = []
    for item in outline:
        if isinstance(item, list):
            titles += outline_titles(item, depth + 1)
        else:
            titles.append((depth, item.title))
    return titles


def test_only_the_answer_is_published(answer: Path):
    assert sorted(p.name for p in answer.parent.rglob("*")) == [answer.name]


def test_pages_are_a4_and_numbered(reader):
    assert len(reader.pages) >= 6
    for number, page in enumerate(reader.pages, start=1):
        size = (round(float(page.mediabox.width)), round(float(page.mediabox.height)))
        assert size in A4
        assert f"{number} / {len(reader.pages)}" in page.extract_text()


def test_the_outline_is_the_answer_s_sections(reader):
    design = load_design(ROOT / "designs" / f"{DESIGN}.yaml")
    titles = outline_titles(reader.outline)
    assert titles[0] == (0, design.title)
    sections = [title for depth, title in titles if depth == 1]
    assert [s for s in sections if s in SECTIONS] == SECTIONS
    trade_offs = [title for depth, title in titles if depth == 2]
    assert len(trade_offs) == len(design.tradeoffs)
    sections = [item for item in reader.outline[1] if not isinstance(item, list)]
    pages = {reader.get_destination_page_number(item) for item in sections}
    assert len(pages) > 3  # the bookmarks point at different pages


def test_title_prompt_and_tables_are_text(reader):
    design = load_design(ROOT / "designs" / f"{DESIGN}.yaml")
    first = reader.pages[0].extract_text()
    assert design.title in first and design.prompt in first
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Clicks per impression" in text  # a cell of the online metrics table
    assert "Peak QPS" in text  # an estimate
    assert "flowchart LR" not in text  # the Mermaid source is for GitHub, not for print


def test_the_overview_is_vector(reader):
    """The diagram's labels are text and its boxes paths; the only images are its icons."""
    first = reader.pages[0]
    words = " ".join(first.extract_text().split())  # labels wrap inside their boxes
    design = load_design(ROOT / "designs" / f"{DESIGN}.yaml")
    labels = [component.label for component in design.components]
    assert all(label in words for label in labels), [x for x in labels if x not in words]
    images = first.images
    assert images, "the icons are embedded"
    for image in images:
        assert max(image.image.size) <= 512, image.name  # an icon, never the whole picture


def test_views_are_in_the_answer(reader):
    design = load_design(ROOT / "designs" / f"{DESIGN}.yaml")
    text = "\n".join(page.extract_text() for page in reader.pages)
    for view in design_views(design):
        assert view.title in text
    assert "Offline vs online" in text


def test_two_renders_are_byte_identical(answer: Path, tmp_path: Path):
    again = render_file(ROOT / "designs" / f"{DESIGN}.yaml", tmp_path, ("answer-pdf", "svg"))
    pdf = next(p for p in again.files if p.name.endswith("-answer.pdf"))
    assert pdf.read_bytes() == answer.read_bytes()
    assert b"CreationDate" not in pdf.read_bytes()


def test_no_table_is_wider_than_its_page(answer: Path, tmp_path: Path):
    """Every table, laid out, fits inside the page's content box."""
    design = load_design(ROOT / "designs" / f"{DESIGN}.yaml")
    render_file(ROOT / "designs" / f"{DESIGN}.yaml", tmp_path, ("svg", "views"))
    writeup = to_markdown(design, build_graph(design), None)
    card = site.Card.of(design)
    chapter = site.chapter_html(card, writeup, site.view_links(design), design.source)
    html = f"<html><body>{chapter}</body></html>"
    document = paged.lay_out(html, {design.id: tmp_path / design.id})
    tables = 0
    for page in document.pages:
        box = page._page_box
        right = box.content_box_x() + box.width
        for table in _descendants(box):
            if type(table).__name__ == "TableBox":
                tables += 1
                assert table.position_x + table.margin_width() <= right + 0.5
    assert tables >= 8


def _descendants(box):
    for child in getattr(box, "children", ()):
        yield child
        yield from _descendants(child)


def test_the_fetcher_reads_only_the_design_folders(tmp_path: Path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.svg").write_text("<svg/>")
    (tmp_path / "secret.txt").write_text("no")
    fetcher = paged._FolderFetcher({"a": tmp_path / "a"})
    assert fetcher.fetch(f"{paged.BASE_URL}a/x.svg")
    for url in (
        f"{paged.BASE_URL}a/../secret.txt",
        f"{paged.BASE_URL}a/%2e%2e/secret.txt",
        f"{paged.BASE_URL}b/x.svg",
        f"file://{tmp_path}/secret.txt",
        "https://example.com/x.svg",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 5


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="pdftoppm: apt-get install poppler-utils")
def test_pages_render_to_pictures_with_a_drawn_diagram(answer: Path, tmp_path: Path):
    from PIL import Image

    subprocess.run(
        ["pdftoppm", "-png", "-r", "40", str(answer), str(tmp_path / "page")], check=True
    )
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == len(pypdf.PdfReader(answer).pages)
    with Image.open(pages[0]) as first:
        grey = first.convert("L")
        width, height = grey.size
        lower = grey.crop((0, height // 4, width, height))  # below the title: the diagram
        ink = lower.point(lambda v: 255 if v < 200 else 0)  # darker than light grey
        box = ink.getbbox()  # a diagram spans the page, however sparse its drawing
        assert box is not None
        assert box[2] - box[0] > 0.4 * lower.width and box[3] - box[1] > 0.4 * lower.height
        assert sum(ink.histogram()[255:]) > 0.01 * lower.width * lower.height  # not a frame
    assert all(p.stat().st_size > 2000 for p in pages)


def test_spec_text_is_text_in_the_pdf(spec_file, tmp_path: Path):
    """Markup in a spec is shown as written, and never fetches anything."""
    from conftest import MINIMAL

    hostile = '<img src="file:///etc/passwd"> <b>bold</b>'
    spec = spec_file(MINIMAL.replace("title: Tiny design", f"title: '{hostile}'"))
    (pdf,) = render_file(spec, tmp_path, ("answer-pdf",)).files
    reader = pypdf.PdfReader(pdf)
    assert hostile in " ".join(reader.pages[0].extract_text().split())
    assert outline_titles(reader.outline)[0] == (0, hostile)

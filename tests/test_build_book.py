"""The page numbers stamped over typeset pages (render/paged.py: number_pages), on a small
document of mixed orientations, read back with pypdf: each number at the foot of its page,
centred, where a number typeset with the page would be."""

from __future__ import annotations

import io

import pytest

from mlsd_diagrams.render import paged

pypdf = pytest.importorskip("pypdf")

MM = 72 / 25.4  # points per millimetre
BOTTOM_MARGIN = {"tall": 20 * MM, "wide": 16 * MM}  # paged.css: @page, @page wide

PAGES = """<!doctype html><html><head><meta charset="utf-8"><title>t</title></head>
<body><h1>First</h1><p>tall</p>
<div class="views"><h2>Second</h2><p>wide</p></div>
<h2 style="break-before: page">Third</h2><p>tall again</p></body></html>"""


def numbers(pdf: bytes) -> list[list[tuple[str, float, float]]]:
    """Per page: each piece of text that looks like "n / N", with where it starts (x, y)."""
    found: list[list[tuple[str, float, float]]] = []
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        pieces: list[tuple[str, float, float]] = []

        def visit(text, cm, tm, _font, _size, pieces=pieces):
            if " / " in text:
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                pieces.append((text.strip(), x, y))

        page.extract_text(visitor_text=visit)
        found.append(pieces)
    return found


@pytest.fixture(scope="module")
def typeset() -> bytes:
    return paged.typeset(PAGES, {})


def test_the_typeset_pages_carry_no_number(typeset: bytes):
    assert numbers(typeset) == [[], [], []]


def test_each_page_gets_its_number_at_its_foot_centred(typeset: bytes):
    writer = paged.open_pdf(typeset)
    kinds = ["tall", "wide", "tall"]
    paged.number_pages(writer)
    stamped = paged.pdf_bytes(writer)
    pages = pypdf.PdfReader(io.BytesIO(stamped)).pages
    for index, (page, found, kind) in enumerate(zip(pages, numbers(stamped), kinds, strict=True)):
        width = float(page.mediabox.width)
        assert (width > float(page.mediabox.height)) == (kind == "wide")
        [(text, x, y)] = found
        assert text == f"{index + 1} / 3"
        assert 0 < y < BOTTOM_MARGIN[kind], (index, y)  # in the bottom margin
        assert width / 2 - 30 < x < width / 2, (index, x, width)  # starts left of the centre
    assert "First" in pages[0].extract_text()  # the page itself is still there


def test_a_cover_keeps_no_number_and_is_counted(typeset: bytes):
    writer = paged.open_pdf(typeset)
    paged.number_pages(writer, unnumbered=1)
    found = numbers(paged.pdf_bytes(writer))
    assert found[0] == [] and [text for text, _, _ in found[1]] == ["2 / 3"]


def test_stamping_is_reproducible(typeset: bytes):
    made = []
    for _ in range(2):
        writer = paged.open_pdf(typeset)
        paged.number_pages(writer)
        made.append(paged.pdf_bytes(writer))
    assert made[0] == made[1] and b"CreationDate" not in made[0]

"""The portfolio as one book (`portfolio.pdf`), put together from pages typeset already.

Each design's chapter is typeset by the build's worker that rendered the design, in parallel
with the others (`paged.chapter_pdf`, kept as `<id>/chapter.pdf`); here only the front matter
(cover, contents) and the appendix (the trade-off library) are typeset. The parts are put
together in order with pypdf, each keeping its bookmarks (a chapter's: its title, then its
sections), and numbered through, "n / N" (`paged.number_pages`; the cover has no number).
The contents give the page each chapter starts on, counted from the chapters' own pages (the
front matter typeset again if its own length moved them), and link to it. Reproducible: the
document id is derived from every part, and no part carries a date.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import RenderError
from . import paged, site
from .templating import environment, render_template

if TYPE_CHECKING:
    from pypdf import PdfWriter

FRONT_ATTEMPTS = 3  # the contents' own length settles at once in practice (one more page)


@dataclass(frozen=True)
class Chapter:
    """One design's chapter: its card, and its pages typeset without numbers."""

    card: site.Card
    pdf: bytes


@dataclass(frozen=True)
class Entry:
    """A line of the contents: the title, the anchor it links to, the page it starts on."""

    title: str
    anchor: str
    page: int


def book_pdf(
    chapters: list[Chapter],
    config: Any,
    templates: Path | None = None,
    appendix: bytes | None = None,
) -> bytes:
    """Cover, contents, a chapter per design, the appendix (`appendix_pdf`'s pages, typeset
    here if not given): one PDF, numbered through."""
    from pypdf import PdfReader

    if appendix is None:
        appendix = appendix_pdf(config, templates)
    typeset = [*(chapter.pdf for chapter in chapters), appendix]
    identity = hashlib.sha256(b"".join(hashlib.sha256(pdf).digest() for pdf in typeset))
    parts = [PdfReader(io.BytesIO(chapter.pdf)) for chapter in chapters]
    parts.append(PdfReader(io.BytesIO(appendix)))
    front, entries = _front_matter(chapters, parts, config, templates, identity.digest())
    writer = paged.open_pdf(front)
    front_length = len(writer.pages)
    for part in parts:
        writer.append(part)
    _link_contents(writer, front_length, entries)
    paged.number_pages(writer, templates, unnumbered=1)
    writer.compress_identical_objects()  # the icons and images the chapters share, kept once
    return paged.pdf_bytes(writer)


def appendix_pdf(config: Any, templates: Path | None = None) -> bytes:
    """The appendix, the trade-off library, typeset without page numbers."""
    from ..tradeoffs import TABLE

    context = {"config": config, "tradeoffs": TABLE}
    html = render_template(environment(templates), "site/appendix.html.j2", context)
    return paged.typeset(html, {}, templates)


def _front_matter(
    chapters: list[Chapter],
    parts: list[Any],
    config: Any,
    templates: Path | None,
    identity: bytes,
) -> tuple[bytes, list[Entry]]:
    """The cover and the contents, typeset with the page each part starts on; typeset again
    when their own length moves those pages (a contents longer than guessed)."""
    from pypdf import PdfReader

    titles = [(chapter.card.title, f"design-{chapter.card.id}") for chapter in chapters]
    titles.append(("Appendix: the trade-off library", "appendix-tradeoffs"))
    length = 2  # a cover page and a page of contents
    for _ in range(FRONT_ATTEMPTS):
        entries, page = [], length + 1
        for (title, anchor), part in zip(titles, parts, strict=True):
            entries.append(Entry(title, anchor, page))
            page += len(part.pages)
        context = {"cards": [c.card for c in chapters], "entries": entries, "config": config}
        html = render_template(environment(templates), "site/book.html.j2", context)
        front = paged.typeset(html, {}, templates, identity=identity)
        typeset_length = len(PdfReader(io.BytesIO(front)).pages)
        if typeset_length == length:
            return front, entries
        length = typeset_length
    raise RenderError("typesetting the book's contents failed: its length does not settle")


def _link_contents(writer: PdfWriter, front_length: int, entries: list[Entry]) -> None:
    """Point each line of the contents at the page its chapter starts on. A line links to an
    anchor beside it ("contents-<anchor>": WeasyPrint keeps only the links it can resolve);
    the link is pointed at its chapter's first page once the chapters are in."""
    from pypdf.generic import ArrayObject, NameObject

    starts = {f"contents-{entry.anchor}": entry.page - 1 for entry in entries}
    for page in writer.pages[:front_length]:
        for reference in page.get("/Annots") or []:
            annotation = reference.get_object()
            target = annotation.get("/Dest")
            if isinstance(target, str) and target in starts:
                chapter_page = writer.pages[starts[target]].indirect_reference
                fit = ArrayObject([chapter_page, NameObject("/Fit")])
                annotation[NameObject("/Dest")] = fit

"""The answer as a document: HTML made for print, typeset into PDF by WeasyPrint.

One design's answer (`<id>-answer.pdf`) and its chapter of the portfolio book are the same
pages: HTML from the site's templates plus `templates/site/paged.css` (CSS paged media: A4,
headings as PDF bookmarks), typeset once without page numbers (`chapter_pdf`). The numbers
are stamped on afterwards (`number_pages`, from `templates/site/folio.css`): "n / N" of the
answer alone, or of the whole book once the chapters are put together (render/book.py).
Pictures are the SVG files, so diagrams stay vector. WeasyPrint fetches nothing but those
files: every URL resolves inside the design folders it is given, anything else is refused.
Output is reproducible: no dates, and the document id is derived from the content.
"""

from __future__ import annotations

import hashlib
import io
import mimetypes
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse

from ..errors import RenderError
from . import site
from .templating import environment, render_template

if TYPE_CHECKING:
    from pypdf import PageObject, PdfWriter

STYLESHEET = "paged.css"
FOLIO_STYLESHEET = "folio.css"  # the page numbers, stamped on afterwards
BASE_URL = "file:///mlsd-portfolio/"  # a virtual root: each "<id>/..." maps to a real folder


def chapter_pdf(
    card: site.Card, chapter: str, folder: Path, templates: Path | None = None
) -> bytes:
    """One design's answer typeset, its pages not numbered yet: `chapter` (from
    `site.chapter_html`) with its pictures read from `folder` (the design's own files). The
    answer PDF (`answer_pdf`) and the design's chapter of the book are these pages."""
    html = render_template(
        environment(templates),
        "site/answer.html.j2",
        {"card": card, "chapter": chapter, "author": None},
    )
    return typeset(html, {card.id: folder}, templates)


def answer_pdf(card: site.Card, chapter: str, folder: Path, templates: Path | None = None) -> bytes:
    """One design's answer: its chapter's pages, numbered "n / N"."""
    writer = open_pdf(chapter_pdf(card, chapter, folder, templates))
    number_pages(writer, templates)
    return pdf_bytes(writer)


def open_pdf(pdf: bytes) -> PdfWriter:
    """A pypdf writer holding a copy of `pdf` (pages, outline, metadata, document id)."""
    from pypdf import PdfWriter

    return PdfWriter(clone_from=io.BytesIO(pdf))


def number_pages(writer: PdfWriter, templates: Path | None = None, unnumbered: int = 0) -> None:
    """Stamp "n / N" at the foot of every page of `writer` but the first `unnumbered` (a
    cover): the numbers are a page of their own each (folio.css: the same page sizes and
    margins as paged.css, so they land where a typeset number would), laid over the page."""
    from pypdf import PdfReader

    kinds = [
        "cover" if index < unnumbered else _orientation(page)
        for index, page in enumerate(writer.pages)
    ]
    html = render_template(environment(templates), "site/folios.html.j2", {"kinds": kinds})
    stamps = PdfReader(io.BytesIO(typeset(html, {}, templates, extra=FOLIO_STYLESHEET)))
    if len(stamps.pages) != len(writer.pages):  # a stylesheet that breaks the pages apart
        raise RenderError("numbering the pages failed: the stamps do not match the pages")
    for page, stamp in list(zip(writer.pages, stamps.pages, strict=True))[unnumbered:]:
        page.merge_page(stamp)
        page.compress_content_streams()


def _orientation(page: PageObject) -> str:
    return "wide" if float(page.mediabox.width) > float(page.mediabox.height) else "tall"


def pdf_bytes(writer: PdfWriter) -> bytes:
    """The PDF `writer` holds, as bytes (its document id and metadata are its first
    document's: no dates)."""
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def typeset(
    html: str,
    folders: Mapping[str, Path],
    templates: Path | None = None,
    *,
    extra: str | None = None,
    identity: bytes = b"",
) -> bytes:
    """HTML → PDF bytes; `folders` maps a design id to the folder its pictures are read from;
    `extra` names one more stylesheet of the templates; the document id is derived from the
    HTML and `identity` (what else the document is made of)."""
    document = lay_out(html, folders, templates, extra)
    content = hashlib.sha256(html.encode("utf-8") + identity)
    identifier = content.hexdigest()[:32].encode("ascii")
    try:
        return bytes(document.write_pdf(pdf_identifier=identifier))
    except Exception as exc:  # WeasyPrint reports its problems as plain errors
        raise RenderError(f"writing the PDF failed: {type(exc).__name__}: {exc}") from None


def lay_out(
    html: str, folders: Mapping[str, Path], templates: Path | None = None, extra: str | None = None
) -> Any:
    """The laid-out pages (a WeasyPrint Document), before they become a PDF."""
    import weasyprint

    names = [STYLESHEET, *([extra] if extra else [])]
    css = [weasyprint.CSS(string=site.asset(name, templates).decode("utf-8")) for name in names]
    fetcher = _FolderFetcher(folders)
    source = weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher)
    try:
        document = source.render(stylesheets=css)
    except Exception as exc:  # WeasyPrint reports layout and font problems as plain errors
        raise RenderError(f"typesetting the PDF failed: {type(exc).__name__}: {exc}") from None
    if fetcher.refused:
        raise RenderError(f"the PDF asked for files it may not read: {', '.join(fetcher.refused)}")
    return document


class _FolderFetcher:
    """Serves `<id>/<file>` from the folder of design `<id>`; refuses every other URL."""

    def __init__(self, folders: Mapping[str, Path]) -> None:
        self.folders = {key: folder.resolve() for key, folder in folders.items()}
        self.refused: list[str] = []

    def __call__(self, url: str, headers: Any = None) -> Any:
        return self.fetch(url, headers)

    def fetch(self, url: str, headers: Any = None) -> Any:
        from weasyprint.urls import URLFetcher, URLFetcherResponse

        if url.startswith("data:"):  # the icons embedded in the SVG files
            return URLFetcher(allowed_protocols={"data"}).fetch(url, headers)
        path = self._local(url)
        if path is None:
            self.refused.append(url[:120])
            raise ValueError(f"refused: {url}")
        media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": media_type})

    def _local(self, url: str) -> Path | None:
        parsed = urlparse(url)
        if parsed.scheme != "file" or not url.startswith(BASE_URL):
            return None
        design_id, _, rest = unquote(parsed.path.removeprefix("/mlsd-portfolio/")).partition("/")
        folder = self.folders.get(design_id)
        if folder is None or not rest:
            return None
        path = (folder / rest).resolve()
        if folder not in path.parents or not path.is_file():
            return None
        return path

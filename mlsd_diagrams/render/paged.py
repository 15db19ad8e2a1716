"""The answer as a document: HTML made for print, typeset into PDF by WeasyPrint.

One design's answer (`<id>-answer.pdf`) and the portfolio book (`portfolio.pdf`) are both
HTML from the site's templates plus `templates/site/paged.css` (CSS paged media: A4, page
numbers, headings as PDF bookmarks, a table of contents with `target-counter`). Pictures are
the SVG files, so diagrams stay vector. WeasyPrint fetches nothing but those files: every URL
resolves inside the design folders it is given, anything else is refused. Output is
reproducible: no dates, and the document id is derived from the content.
"""

from __future__ import annotations

import hashlib
import mimetypes
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from ..errors import RenderError
from . import site
from .templating import environment, render_template

STYLESHEET = "paged.css"
BASE_URL = "file:///mlsd-portfolio/"  # a virtual root: each "<id>/..." maps to a real folder


def answer_pdf(card: site.Card, chapter: str, folder: Path, templates: Path | None = None) -> bytes:
    """One design's answer: `chapter` (from `site.chapter_html`) with its pictures read from
    `folder` (the design's own files)."""
    html = render_template(
        environment(templates),
        "site/answer.html.j2",
        {"card": card, "chapter": chapter, "author": None},
    )
    return typeset(html, {card.id: folder}, templates)


def book_pdf(
    cards: list[site.Card],
    chapters: list[str],
    folders: Mapping[str, Path],
    config: Any,
    templates: Path | None = None,
) -> bytes:
    """The portfolio as one book: cover, contents, a chapter per design, the trade-offs."""
    from ..tradeoffs import TABLE

    context = {"cards": cards, "chapters": chapters, "config": config, "tradeoffs": TABLE}
    html = render_template(environment(templates), "site/book.html.j2", context)
    return typeset(html, folders, templates)


def typeset(html: str, folders: Mapping[str, Path], templates: Path | None = None) -> bytes:
    """HTML → PDF bytes; `folders` maps a design id to the folder its pictures are read from."""
    document = lay_out(html, folders, templates)
    identifier = hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode("ascii")
    try:
        return bytes(document.write_pdf(pdf_identifier=identifier))
    except Exception as exc:  # WeasyPrint reports its problems as plain errors
        raise RenderError(f"writing the PDF failed: {type(exc).__name__}: {exc}") from None


def lay_out(html: str, folders: Mapping[str, Path], templates: Path | None = None) -> Any:
    """The laid-out pages (a WeasyPrint Document), before they become a PDF."""
    import weasyprint

    css = weasyprint.CSS(string=site.asset(STYLESHEET, templates).decode("utf-8"))
    fetcher = _FolderFetcher(folders)
    source = weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher)
    try:
        document = source.render(stylesheets=[css])
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

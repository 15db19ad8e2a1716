"""The portfolio site: an index of cards, one page per design, a Markdown index, thumbnails.

Everything is a plain static file: no server, no CDN. HTML templates autoescape every value;
the write-up becomes HTML through markdown-it with raw HTML disabled, and links that are not
http(s) or relative are dropped.
"""

from __future__ import annotations

import io
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..model import Design
from ..resources import TEMPLATES_DIR
from .templating import environment, render_template

ASSETS = ("style.css", "gallery.js")
THUMBNAIL_SIZE = (480, 300)
_SAFE_LINK = re.compile(r"^(https?://|[^:]*$)", re.IGNORECASE)


@dataclass(frozen=True)
class Card:
    """What the index shows of one design."""

    id: str
    title: str
    prompt: str
    tags: tuple[str, ...]
    components: int
    flows: int

    @classmethod
    def of(cls, design: Design) -> Card:
        return cls(
            design.id,
            design.title,
            design.prompt,
            tuple(design.tags),
            len(design.components),
            len(design.flows),
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Card:
        return cls(**{**data, "tags": tuple(data["tags"])})


def markdown_to_html(markdown: str) -> str:
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
    parser.validateLink = lambda url: bool(_SAFE_LINK.match(url.strip()))
    return parser.render(markdown)


@dataclass(frozen=True)
class ViewLink:
    """One view of a design, as its page shows it."""

    file: str  # relative to the design's folder, e.g. views/serving.svg
    title: str


def design_page(
    card: Card, writeup: str, templates: Path | None = None, views: tuple[ViewLink, ...] = ()
) -> str:
    context = {
        "card": card,
        "writeup": markdown_to_html(writeup),
        "views": views,
        "root": "../",
    }
    return render_template(environment(templates), "site/design.html.j2", context)


def index_page(cards: list[Card], templates: Path | None = None) -> str:
    tags = sorted({tag for card in cards for tag in card.tags})
    context = {"cards": cards, "tags": tags, "root": ""}
    return render_template(environment(templates), "site/index.html.j2", context)


def readme_index(cards: list[Card], templates: Path | None = None) -> str:
    return render_template(environment(templates), "site/README.md.j2", {"cards": cards})


def asset(name: str, templates: Path | None = None) -> bytes:
    """A static file of the site (CSS, JS): the user's copy if they have one, else ours."""
    for folder in (templates, TEMPLATES_DIR):
        if folder is not None and (folder / "site" / name).is_file():
            return (folder / "site" / name).read_bytes()
    raise FileNotFoundError(name)


def thumbnail(png: bytes) -> bytes:
    """A small PNG of a diagram for its card (deterministic: no metadata)."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        small = image.convert("RGB")
        small.thumbnail(THUMBNAIL_SIZE, Image.Resampling.LANCZOS)
        out = io.BytesIO()
        small.save(out, format="PNG", optimize=True)
        return out.getvalue()

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
    from markdown_it import MarkdownIt

    from ..model import Design
from ..errors import UsageError, printable
from ..resources import TEMPLATES_DIR
from .templating import environment, render_template

ASSETS = ("style.css", "gallery.js")
CONFIG_FILE = "mlsd.toml"
THUMBNAIL_SIZE = (480, 300)
_SAFE_LINK = re.compile(r"^(https?://|[^:]*$)", re.IGNORECASE)


@dataclass(frozen=True)
class Link:
    title: str
    url: str


@dataclass(frozen=True)
class SiteConfig:
    """The portfolio's own words, from an optional `mlsd.toml` beside the designs:

    ```toml
    title = "Ada's ML system designs"
    author = "Ada Lovelace"
    description = "Answers to ML system design questions, drawn as code."
    url = "https://ada.example/portfolio/"   # where the site is published (absolute links)
    links = [{title = "GitHub", url = "https://github.com/ada"}]
    ```
    """

    title: str = "ML system design portfolio"
    author: str = ""
    description: str = (
        "ML system designs, each with its architecture diagram and a write-up that follows "
        "the 7-step framework."
    )
    url: str = ""
    links: tuple[Link, ...] = ()

    def digest(self) -> str:
        return repr(self)


def load_config(designs_dir: Path) -> SiteConfig:
    """`designs_dir/mlsd.toml`, checked: known keys of the right types, http(s) links only."""
    import tomllib

    path = designs_dir / CONFIG_FILE
    if not path.is_file():
        return SiteConfig()
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read it: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"line (\d+), column (\d+)", str(exc))
        where = f"{found.group(1)}:{found.group(2)}" if found else "1:1"
        raise UsageError(f"{path}:{where}: {exc}") from None
    return _config_of(path, text, data)


def _config_of(path: Path, text: str, data: dict[str, Any]) -> SiteConfig:
    texts = ("title", "author", "description", "url")

    def fail(key: str, message: str) -> UsageError:
        found = re.search(rf"^[ \t]*\"?{re.escape(key)}\"?[ \t]*=", text, re.MULTILINE)
        line = text.count("\n", 0, found.start()) + 1 if found else 1
        return UsageError(f"{path}:{line}:1: {printable(key)}: {message}")

    for key in sorted(set(data) - {*texts, "links"}):
        raise fail(key, f"unknown key; the keys are {', '.join((*texts, 'links'))}")
    for key in texts:
        if key in data and not isinstance(data[key], str):
            raise fail(key, "must be a string")
    if data.get("url") and not _WEB_LINK.match(data["url"]):
        raise fail("url", "must start with http:// or https://")
    links = data.get("links", [])
    if not isinstance(links, list) or not all(_is_link(item) for item in links):
        raise fail("links", 'must be a list of {title = "...", url = "https://..."}')
    fields = {key: data[key] for key in texts if key in data}
    return SiteConfig(**fields, links=tuple(Link(i["title"], i["url"]) for i in links))


_WEB_LINK = re.compile(r"^https?://", re.IGNORECASE)


def _is_link(item: object) -> bool:
    return (
        isinstance(item, dict)
        and set(item) == {"title", "url"}
        and all(isinstance(value, str) for value in item.values())
        and bool(_WEB_LINK.match(item["url"]))
    )


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


def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    class SafeLinks(MarkdownIt):
        """CommonMark that keeps only the links _SAFE_LINK allows."""

        def validateLink(self, url: str) -> bool:  # markdown-it's hook, by its name
            return bool(_SAFE_LINK.match(url.strip()))

    return SafeLinks("commonmark", {"html": False, "linkify": False}).enable("table")


def markdown_to_html(markdown: str) -> str:
    html: str = _parser().render(markdown)  # typed Any: a renderer may be swapped in
    return html


def writeup_html(markdown: str, mermaid: bool = True) -> str:
    """The write-up's sections as HTML, without its preamble (title, prompt, tags, source,
    picture: the page or document shows those itself). The sections that hold Mermaid
    charts are wrapped in `<div class="mermaid-section">`, each chart's source folded; with
    `mermaid=False` (print) they are left out."""
    parser = _parser()
    parser.add_render_rule("fence", _fence_collapsing_mermaid)
    tokens = parser.parse(markdown)
    first = next((i for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h2"), 0)
    html = []
    for section in _sections(tokens[first:]):
        rendered = parser.renderer.render(section, parser.options, {})
        if not any(t.type == "fence" and t.info.strip() == "mermaid" for t in section):
            html.append(rendered)
        elif mermaid:
            html.append(f'<div class="mermaid-section">\n{rendered}</div>\n')
    return "".join(html)


def _sections(tokens: list[Any]) -> list[list[Any]]:
    """The tokens cut before each second-level heading."""
    sections: list[list[Any]] = [[]]
    for token in tokens:
        if token.type == "heading_open" and token.tag == "h2" and sections[-1]:
            sections.append([])
        sections[-1].append(token)
    return sections


def _fence_collapsing_mermaid(
    renderer: Any, tokens: list[Any], idx: int, options: Any, env: Any
) -> str:
    from markdown_it.renderer import RendererHTML

    html = RendererHTML.fence(renderer, tokens, idx, options, env)
    if tokens[idx].info.strip() != "mermaid":
        return html
    summary = "Mermaid source (GitHub and GitLab draw it as a chart)"
    return f'<details class="mermaid-source"><summary>{summary}</summary>\n{html}</details>\n'


@dataclass(frozen=True)
class ViewLink:
    """One view of a design, as its page shows it."""

    file: str  # relative to the design's folder, e.g. views/serving.svg
    title: str


def design_page(
    card: Card,
    writeup: str,
    templates: Path | None = None,
    views: tuple[ViewLink, ...] = (),
    *,
    config: SiteConfig | None = None,
    source: str | None = None,
) -> str:
    context = {
        "card": card,
        "writeup": writeup_html(writeup),
        "views": views,
        "root": "../",
        "config": config or SiteConfig(),
        "source": source,
        "page_url": _published(config, f"{card.id}/"),
        "image_url": _published(config, f"{card.id}/{card.id}-thumb.png", f"{card.id}-thumb.png"),
    }
    return render_template(environment(templates), "site/design.html.j2", context)


def index_page(
    cards: list[Card],
    templates: Path | None = None,
    config: SiteConfig | None = None,
    book: str | None = None,
) -> str:
    """The gallery; `book` is the file name of the portfolio's PDF book, if there is one."""
    tags = sorted({tag for card in cards for tag in card.tags})
    config = config or SiteConfig()
    first = f"{cards[0].id}/{cards[0].id}-thumb.png" if cards else None
    context = {
        "cards": cards,
        "tags": tags,
        "root": "",
        "config": config,
        "book": book,
        "page_url": _published(config, ""),
        "image_url": _published(config, first, first) if first else None,
    }
    return render_template(environment(templates), "site/index.html.j2", context)


def _published(config: SiteConfig | None, path: str, fallback: str | None = None) -> str | None:
    """The absolute URL of a page or image of the site when `url` is configured (Open Graph
    wants one), else `fallback` (relative to the page)."""
    base = config.url if config else ""
    return f"{base.rstrip('/')}/{path}" if base else fallback


def search_index(texts: dict[str, str]) -> str:
    """The full-text search index of the gallery, a script: per design, every distinct word
    of its write-up, lowercased, in order of first use (deterministic, and small)."""
    import json

    index = {}
    for design_id, text in sorted(texts.items()):
        words = dict.fromkeys(re.findall(r"[^\W_]+(?:[-'.][^\W_]+)*", text.lower()))
        index[design_id] = " ".join(words)
    body = json.dumps(index, ensure_ascii=True, sort_keys=True).replace("<", "\\u003c")
    header = "// The gallery's full-text search index, made by mlsd build.\n"
    return f"{header}window.mlsdSearch = {body};\n"


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


def chapter_html(
    card: Card,
    writeup: str,
    views: tuple[ViewLink, ...],
    source: str | None = None,
    templates: Path | None = None,
) -> str:
    """One design's whole answer as an HTML fragment for print (the answer PDF, a chapter of
    the book); its pictures are named relative to the portfolio's root."""
    context = {
        "card": card,
        "source": source,
        "writeup": writeup_html(writeup, mermaid=False),
        "views": views,
        "prefix": f"{card.id}/",
    }
    return render_template(environment(templates), "site/chapter.html.j2", context)


def view_links(design: Design) -> tuple[ViewLink, ...]:
    """The views of a design, as its page and its answer show them: one per view, then the
    offline-vs-online highlight."""
    from ..pictures import ZONES_NAME
    from ..views import design_views

    links = [ViewLink(f"views/{view.id}.svg", view.title) for view in design_views(design)]
    return (*links, ViewLink(f"views/{ZONES_NAME}.svg", "Offline vs online"))

"""The output formats of `mlsd render`, one declarative entry each.

The orchestrator (build.py), the command line (`--format`: its default, its help, its
validation) and the portfolio read this table; nothing else lists the formats. A format is
produced one of four ways (its `kind`):

- `image`: written by the one `dot` run of the overview (one layout, every image format);
- `text`: a text file made by a function `module:function` taking a `TextJob`; with
  `laid_out`, the job carries the overview's layout (positions from that same `dot` run);
- `pictures`: one file per picture of a subfolder (the views, the build-up's frames), drawn
  apart, then optionally gathered into one more file (`finish`, the animated GIF);
- `answer`: the whole answer typeset, from the pictures staged by the other formats.

Adding a text-like format is one module with a function `text(job: TextJob) -> str` and one
`Format` row below. This module imports nothing heavy: `mlsd --help` reads it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from .graph import Graph
    from .model import Design
    from .render.layout import Layout
    from .render.style import Theme

Kind = Literal["image", "text", "pictures", "answer"]


@dataclass(frozen=True)
class TextJob:
    """What a text format is made from."""

    design: Design
    graph: Graph
    source: str  # the overview's DOT source
    formats: tuple[str, ...]  # every format of this render, as asked
    templates: Path | None  # the user's template folder, if any
    theme: Theme  # the theme the overview is drawn with
    layout: Layout | None = None  # the overview's layout, for a `laid_out` text format


@dataclass(frozen=True)
class Format:
    name: str  # as given to `mlsd render -f`
    help: str  # a few words for `mlsd render --help`
    kind: Kind
    file: str | None = None  # the one file it writes in output/<design-id>/ ({id}: the id)
    laid_out: bool = False  # needs Graphviz (`dot` on PATH) to lay the picture out
    default: bool = True  # written when `-f` is not given
    produce: str | None = None  # text: "module:function", TextJob -> str
    companions: str | None = None  # "module:function", TextJob -> [(relative path, bytes)]
    rewrite: str | None = None  # image: "module:function", bytes -> bytes, once drawn
    pictures: str | None = None  # pictures: "module:function", (Design, Graph, theme) -> list
    picture_formats: tuple[str, ...] = ()  # pictures: the image formats of each picture
    folder: str | None = None  # pictures: the subfolder of one file per picture ...
    suffixes: tuple[str, ...] = ()  # ... and their suffixes (others there are not ours)
    finish: str | None = None  # pictures: "module:function" gathering them into `file`

    def path(self, design_id: str) -> str:
        """The name of the one file this format writes for a design."""
        if self.file is None:
            raise ValueError(f"format {self.name} writes no single file")
        return self.file.format(id=design_id)


REGISTRY: tuple[Format, ...] = (
    Format(
        "png",
        "the overview with its key",
        "image",
        "{id}.png",
        laid_out=True,
    ),
    Format(
        "svg",
        "the overview, self-contained: icons and fonts inside",
        "image",
        "{id}.svg",
        laid_out=True,
        rewrite="mlsd_diagrams.render.svg:finish",
    ),
    Format(
        "pdf",
        "the overview, vector",
        "image",
        "{id}.pdf",
        laid_out=True,
        rewrite="mlsd_diagrams.render.pdf:fix_creation_date",
    ),
    Format(
        "dot",
        "the overview's Graphviz source",
        "text",
        "{id}.dot",
        produce="mlsd_diagrams.render.dot:text",
    ),
    Format(
        "md",
        "the write-up, in the order of the 7 steps",
        "text",
        "{id}.md",
        produce="mlsd_diagrams.render.writeup:text",
    ),
    Format(
        "py",
        "the diagram as a `diagrams` script, its icons in icons/",
        "text",
        "{id}.py",
        produce="mlsd_diagrams.render.pycode:text",
        companions="mlsd_diagrams.render.pycode:companions",
    ),
    Format(
        "views",
        "one picture per concern, SVG, in views/",
        "pictures",
        laid_out=True,
        pictures="mlsd_diagrams.pictures:view_pictures",
        picture_formats=("svg",),  # PNG only where one is read: nothing reads a view's
        folder="views",
        suffixes=(".png", ".svg"),  # .png: an earlier version's views, removed on render
    ),
    Format(
        "gif",
        "the step-by-step build-up: frames in buildup/ and an animated GIF",
        "pictures",
        "{id}.gif",
        laid_out=True,
        pictures="mlsd_diagrams.pictures:build_up",
        picture_formats=("png",),
        folder="buildup",
        suffixes=(".png",),
        finish="mlsd_diagrams.render.gif:animation",
    ),
    Format(
        "excalidraw",
        "a scene to keep drawing on excalidraw.com",
        "text",
        "{id}.excalidraw",
        laid_out=True,
        produce="mlsd_diagrams.render.excalidraw:text",
    ),
    Format(
        "answer-pdf",
        "the whole answer typeset as an A4 PDF: diagram, write-up, views",
        "answer",
        "{id}-answer.pdf",
        laid_out=True,
        default=False,
    ),
)
BY_NAME: dict[str, Format] = {fmt.name: fmt for fmt in REGISTRY}
FORMATS: tuple[str, ...] = tuple(BY_NAME)  # every format's name, in the order of the help
DEFAULT_FORMATS: tuple[str, ...] = tuple(fmt.name for fmt in REGISTRY if fmt.default)


def chosen(names: tuple[str, ...], kind: Kind | None = None) -> list[Format]:
    """The entries of `names` (in their order), only those of `kind` if given."""
    return [BY_NAME[name] for name in names if kind is None or BY_NAME[name].kind == kind]


def function(reference: str) -> Callable[..., Any]:
    """The function a `module:function` reference names (its module imported only now:
    jinja, pillow or the Excalidraw code are loaded only when their format is asked for)."""
    module, _, name = reference.partition(":")
    found: Callable[..., Any] = getattr(importlib.import_module(module), name)
    return found


def help_text() -> str:
    """The `-f` option's help: every format with what it writes."""
    listed = "; ".join(
        f"{fmt.name} ({fmt.help}){'' if fmt.default else ' [not in the default]'}"
        for fmt in REGISTRY
    )
    return f"Comma-separated formats: {listed}."

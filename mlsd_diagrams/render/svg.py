"""Make a Graphviz SVG self-contained: icons inlined as data URIs, fonts embedded, no paths
of this machine."""

from __future__ import annotations

import base64
import re
from functools import cache
from pathlib import Path

from .. import catalog
from ..errors import RenderError
from .fonts import embed_fonts

_IMAGE_HREF = re.compile(r'(<image\b[^>]*?xlink:href=")([^"]+)(")')


def self_contained(svg: str) -> str:
    """The SVG as it reads anywhere: icons inlined, the subset of every font embedded.

    The fonts first: their patterns then scan Graphviz's few kilobytes, not the icons'
    base64 (a dozen times larger); neither step's pattern matches what the other inserts."""
    return inline_icons(embed_fonts(svg))


def inline_icons(svg: str) -> str:
    """Replace every icon reference by the icon's bytes; an unknown reference is an error."""
    return _IMAGE_HREF.sub(lambda m: m.group(1) + _data_uri(m.group(2)) + m.group(3), svg)


@cache
def _data_uri(ref: str) -> str:
    path = catalog.icon_file(ref)
    if path is None:
        raise RenderError(f"icon '{ref}' is missing; reinstall mlsd-diagrams")
    return "data:image/png;base64," + base64.b64encode(Path(path).read_bytes()).decode("ascii")


def finish(svg: bytes) -> bytes:
    """A drawn SVG file's bytes, self-contained (the `svg` format's last step)."""
    return self_contained(svg.decode("utf-8")).encode("utf-8")

"""The fonts of an SVG, embedded: text looks the same on a machine without them.

Graphviz lays text out with the fonts of the machine that renders (through fontconfig) and
writes only their family names into the SVG; a reader without DejaVu Sans sees labels
overflow their boxes. For every family the SVG names, the font file Graphviz used is found
the way it found it (fontconfig), cut down to the characters the picture uses (fontTools'
subsetter), and embedded as a WOFF data URI in an `@font-face` of the same name. Characters
a font lacks come from the font fontconfig falls back to for them, embedded too. A generic
family ends every list, for viewers that ignore `@font-face`.

Every subset holds printable ASCII and the step marks besides what the picture uses, so the
pictures of a design (and of most designs) share one subset per font: it is made once, then
read from a cache on disk (`~/.cache/mlsd-diagrams`, or `$MLSD_CACHE_DIR`) by later runs,
which then do not even import the subsetter. Deterministic: the same SVG text gives the same
bytes (no timestamps in the fonts), cached or not.
"""

from __future__ import annotations

import base64
import html
import io
import os
import re
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from .. import cache as disk_cache
from ..errors import RenderError

_TEXT = re.compile(r'<text\b[^>]*?\bfont-family="([^"]+)"[^>]*>([^<]*)</text>')
_FAMILY = re.compile(r'(<text\b[^>]*?\bfont-family=")([^"]+)(")')
_SVG_OPEN = re.compile(r"<svg\b[^>]*>")
_FONTNAME = re.compile(r'\bfontname=(?:"((?:[^"\\]|\\.)*)"|([\w.-]+))')
GENERIC = "sans-serif"
# Always in a subset: printable ASCII, the circled step numbers, common typography.
BASE = frozenset(
    [chr(c) for c in range(0x20, 0x7F)]
    + [chr(c) for c in range(0x2460, 0x246A)]
    + list("–—‘’“”…·×→←")
)


def embed_fonts(svg: str) -> str:
    """`svg` with the subset of every font its text uses embedded, and a generic fallback."""
    used: dict[str, set[str]] = {}
    for family, text in _TEXT.findall(svg):
        used.setdefault(family, set()).update(html.unescape(text))
    if not used:
        return svg
    faces: dict[str, tuple[str, set[str]]] = {}  # font file → (family name in the SVG, chars)
    stacks: dict[str, list[str]] = {}
    for family in sorted(used):
        stacks[family] = [family]
        for path, chars in _files_for(family, used[family]).items():
            own = family if path == font_file(family) else _family_name(path)
            name, drawn = faces.setdefault(path, (own, set()))
            drawn.update(chars)
            if name not in stacks[family]:
                stacks[family].append(name)
    style = "".join(_face(name, path, chars) for path, (name, chars) in sorted(faces.items()))
    svg = _FAMILY.sub(lambda m: m[1] + ",".join([*stacks[m[2]], GENERIC]) + m[3], svg)
    opening = _SVG_OPEN.search(svg)
    if opening is None:
        raise RenderError("Graphviz wrote an SVG without an <svg> element")
    return f"{svg[: opening.end()]}\n<style>{style}</style>{svg[opening.end() :]}"


@contextmanager
def looked_up_meanwhile(source: str) -> Iterator[None]:
    """Within it, a thread asks fontconfig for the file (and the characters) of each font
    family the DOT `source` names, which its SVG will name, while the caller has `dot` draw
    it: `fc-match` is a process of its own (10-15 ms, fontconfig loading its caches), asked
    once per family and process, and was asked only once the SVG was drawn. Only a head
    start: a family not found here is looked up (and its error raised) when the SVG is
    finished, as before."""
    families = {printed.replace('\\"', '"') or bare for printed, bare in _FONTNAME.findall(source)}
    wanted = sorted(families - _LOOKED_UP)
    if not wanted:
        yield
        return
    _LOOKED_UP.update(wanted)
    thread = threading.Thread(target=_look_up, args=(wanted,), name="mlsd-fonts", daemon=True)
    thread.start()
    try:
        yield
    finally:
        thread.join()


_LOOKED_UP: set[str] = set()  # the families this process has looked up, or is looking up


def _look_up(families: list[str]) -> None:
    for family in families:
        try:
            _charset(font_file(family))
        except Exception:  # raised again, with its message, when the SVG is finished
            continue


def _files_for(family: str, chars: set[str]) -> dict[str, set[str]]:
    """The font file each character is drawn from: the family's own, else fontconfig's
    fallback for that character (what Pango, and so Graphviz, does)."""
    primary = font_file(family)
    covered = _charset(primary)
    files = {primary: {char for char in BASE if ord(char) in covered}}
    for char in sorted(chars):
        if ord(char) in covered or not char.isprintable():
            files[primary].add(char)
        else:
            files.setdefault(font_file(family, char), set()).add(char)
    return files


def _face(name: str, path: str, chars: set[str]) -> str:
    data = base64.b64encode(_subset(path, "".join(sorted(chars)))).decode("ascii")
    return (
        f'@font-face{{font-family:"{name}";src:url(data:font/woff;base64,{data}) format("woff");}}'
    )


if TYPE_CHECKING:
    from fontTools.ttLib import TTFont


@cache
def _subset(path: str, chars: str) -> bytes:
    """The WOFF subset of the font at `path` with `chars`, from the disk cache if there."""
    cached = _cache_file("woff", path, chars)
    data = disk_cache.read(cached)
    if data is not None and data.startswith(b"wOFF"):
        return data
    data = _make_subset(path, chars)
    disk_cache.store(cached, data)
    return data


def _make_subset(path: str, chars: str) -> bytes:
    from fontTools import subset  # 0.18 s to import: only when a subset is not cached

    options = subset.Options()
    options.flavor = "woff"
    options.name_IDs = [1, 2]  # the family and style names; drop the rest
    options.layout_features = ["kern", "liga"]
    options.drop_tables += ["FFTM"]  # FontForge's timestamps: nothing a viewer reads
    font = _font(path, recalcTimestamp=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=chars)
    subsetter.subset(font)
    font.flavor = "woff"
    out = io.BytesIO()
    font.save(out, reorderTables=True)
    return out.getvalue()


@cache
def font_file(family: str, char: str | None = None) -> str:
    """The file fontconfig picks for `family` (and, if given, one that has `char`)."""
    pattern = family if char is None else f"{family}:charset={ord(char):x}"
    try:
        found = subprocess.run(
            ["fc-match", "--format=%{file}", pattern],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        raise RenderError(f"cannot find the font '{family}' with fontconfig: {exc}") from None
    if not found:
        raise RenderError(f"fontconfig has no font for '{family}'; install one (make setup)")
    return found


@cache
def _charset(path: str) -> frozenset[int]:
    """The code points the font at `path` has (cached on disk beside the subsets)."""
    cached = _cache_file("cmap", path, "")
    data = disk_cache.read(cached)
    if data is not None:
        try:
            return frozenset(int(code) for code in data.decode("ascii").split())
        except ValueError:
            pass
    codes = frozenset(_font(path, lazy=True).getBestCmap())
    disk_cache.store(cached, " ".join(map(str, sorted(codes))).encode("ascii"))
    return codes


def _cache_file(kind: str, path: str, chars: str) -> Path | None:
    """Where a derived file of the font at `path` is cached: named by a hash of what it
    depends on (the font file's identity, the characters, fontTools' version)."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    key = repr(
        (kind, path, stat.st_size, stat.st_mtime_ns, chars, disk_cache.installed("fontTools"))
    )
    return disk_cache.entry("fonts", key, kind)


@cache
def _family_name(path: str) -> str:
    return str(_font(path, lazy=True)["name"].getBestFamilyName())


def _font(path: str, **options: bool) -> TTFont:
    from fontTools.ttLib import TTFont

    return TTFont(path, **options)

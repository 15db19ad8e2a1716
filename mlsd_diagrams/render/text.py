"""Escaping user text for each language it lands in: Markdown, Mermaid, Python and DOT."""

from __future__ import annotations

import html
import pprint
import re

_MD_ANYWHERE = re.compile(r"([\\`*_\[\]|~#!{}$])")  # `$`: GitHub math
_MD_LIST_MARK = re.compile(r"^([-+=])")
_MD_NUMBERED = re.compile(r"^(\d+)([.)])(?=\s|$)")
_MD_ENTITY = re.compile(r"&(?=#?\w+;)")


def one_line(text: str) -> str:
    return " ".join(str(text).split())


def md(text: object) -> str:
    """Inline Markdown text that renders as written: no markup, HTML, links or line breaks.

    `<` and `>` become entities (no HTML) and an `&` that would start an entity is escaped;
    punctuation that starts emphasis, code, links, tables or headings is backslash-escaped, as
    is a list marker at the start.
    """
    escaped = _MD_ENTITY.sub(r"\\&", _MD_ANYWHERE.sub(r"\\\1", one_line(str(text))))
    escaped = escaped.replace("<", "&lt;").replace(">", "&gt;")
    return _MD_NUMBERED.sub(r"\1\\\2", _MD_LIST_MARK.sub(r"\\\1", escaped))


def md_cell(text: object) -> str:
    """Text for a GFM table cell (`|` is escaped by `md`; newlines are folded by it)."""
    return md(text) or " "


_MERMAID_SAFE = re.compile(r"[A-Za-z0-9 ,.:/'_()+?!%=-]")


def mermaid(text: object) -> str:
    """Text for a quoted Mermaid label: anything but plain characters becomes `#code;`."""
    return "".join(
        ch if _MERMAID_SAFE.fullmatch(ch) else f"#{ord(ch)};" for ch in one_line(str(text))
    )


def py(value: object) -> str:
    """A Python literal for a value (the language's own repr: never pasted text)."""
    return repr(value)


def py_block(value: object) -> str:
    """A Python literal laid out over several lines (still the language's own repr)."""
    return pprint.pformat(value, width=88, sort_dicts=False)


def dot(text: str) -> str:
    """Text for a plain (quoted) DOT label, drawn as written.

    Graphviz expands entities even in plain labels, so `&` stays an ampersand; its escape
    sequences are disarmed by `_dot_escapes`. Quotes are the DOT writer's to escape.
    """
    return _dot_escapes(text.replace("&", "&amp;"))


def dot_tooltip(text: str) -> str:
    """Text for a DOT tooltip, shown as written. Graphviz reads a tooltip's escapes twice
    (`\\N`, `\\G`, `\\l`... and `\\\\` each time; entities are decoded first, so `&#92;`
    is no way out): a backslash is written as four."""
    return text.replace("&", "&amp;").replace("\\", "\\" * 4)


def dot_html(text: str) -> str:
    """Text inside an HTML-like DOT label, drawn as written: markup and escapes disarmed."""
    return _dot_escapes(html.escape(text))


def _dot_escapes(text: str) -> str:
    """Graphviz expands `\\N` (node name), `\\G` (graph), `\\E`, `\\T`, `\\H`, `\\L`,
    `\\l`, `\\r` and `\\\\` in every label, HTML-like ones too (entities are decoded first,
    so `&#92;` is no way out): a doubled backslash is the one that is drawn as written."""
    return text.replace("\\", "\\\\")

"""The names of the themes a diagram is drawn with: the spec's `diagram.theme`, the command
line's `--theme` and the theme tables of render/style.py all come from this enum. No pydantic
and no `diagrams`: `mlsd --help` reads it."""

from __future__ import annotations

from enum import StrEnum


class ThemeName(StrEnum):
    """How the diagram looks."""

    light = "light"
    dark = "dark"
    whiteboard = "whiteboard"


THEME_NAMES: tuple[str, ...] = tuple(name.value for name in ThemeName)

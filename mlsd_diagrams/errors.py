"""The whole exception hierarchy of mlsd-diagrams, and how user text is shown in messages.

Library code raises these; only the command line turns them into messages and exit codes.
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass

MAX_SHOWN_PROBLEMS = 100


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a spec, located at file:line:column (1-based)."""

    file: str
    line: int
    column: int
    key: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        text = f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"
        return printable(text)


def shown(value: object, limit: int = 40) -> str:
    """A user value echoed in a message: printable (escapes visible) and short."""
    text = str(value).encode("unicode_escape").decode("ascii")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def is_hidden(ch: str) -> bool:
    """A character that is invisible, reorders text (bidi), or controls a terminal."""
    code = ord(ch)
    return (
        (code < 0x20 and ch not in "\n\t")
        or 0x7F <= code < 0xA0
        or 0xD800 <= code <= 0xDFFF
        or code in _HIDDEN
        or any(low <= code <= high for low, high in _HIDDEN_RANGES)
    )


# Zero-width characters, bidi marks, line separators, the byte-order mark.
_HIDDEN = frozenset({0x061C, 0x180E, 0x2028, 0x2029, 0xFEFF})
# Zero-width and bidi marks, bidi overrides, invisible operators, bidi isolates,
# interlinear annotations, tag characters (invisible ASCII look-alikes).
_HIDDEN_RANGES = (
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x2064),
    (0x2066, 0x2069),
    (0xFFF9, 0xFFFB),
    (0xE0000, 0xE007F),
)


def printable(text: str) -> str:
    """One line of text safe for a terminal or a log: hidden characters and line breaks are
    shown as escapes (`\\x1b`, `\\u202e`, `\\n`); everything else is kept as it is."""
    return "".join(
        ch.encode("unicode_escape").decode("ascii") if ch in "\n\t" or is_hidden(ch) else ch
        for ch in text
    )


_WHAT_TO_DO = {
    errno.ENOTDIR: "a part of this path is a file, not a folder; choose another path",
    errno.EACCES: "permission denied; choose a folder you can write to",
    errno.EPERM: "permission denied; choose a folder you can write to",
    errno.EROFS: "read-only file system; choose a folder you can write to",
    errno.ENOSPC: "no space left on device; free some space and try again",
    errno.EDQUOT: "disk quota exceeded; free some space and try again",
    errno.EEXIST: "something is already there; choose another path",
    errno.ENAMETOOLONG: "the path is too long; choose a shorter one",
}


def path_problem(exc: OSError) -> str:
    """What went wrong with a path the user gave, and what to do about it."""
    where = os.fsdecode(exc.filename) if exc.filename is not None else "output"
    reason = _WHAT_TO_DO.get(exc.errno or 0, f"{exc.strerror or exc}; choose another path")
    return printable(f"{where}: {reason}")


class MlsdError(Exception):
    """Base of every error this package raises on purpose."""

    exit_code = 1


class SpecError(MlsdError):
    """A design spec the user must fix: every problem found, all at once.

    A hostile spec can hold thousands of problems; the message shows the first
    MAX_SHOWN_PROBLEMS and counts the rest (`problems` keeps them all).
    """

    exit_code = 2

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        lines = [str(p) for p in self.problems[:MAX_SHOWN_PROBLEMS]]
        hidden = len(self.problems) - len(lines)
        if hidden > 0:
            lines.append(printable(f"{self.problems[0].file}: {hidden:,} more problems not shown"))
        super().__init__("\n".join(lines))


class UsageError(MlsdError):
    """A command used wrongly (bad option value, unreadable path, unusable output folder)."""

    exit_code = 2


class RenderError(MlsdError):
    """Rendering a valid spec failed (Graphviz missing, crashed or too slow; disk errors)."""


class GraphvizNotFoundError(RenderError):
    """The `dot` program is not installed or not on PATH."""


class GraphvizTooOldError(RenderError):
    """The `dot` on PATH is older than the Graphviz this package needs."""


class GraphvizTimeoutError(RenderError):
    """`dot` ran past its time budget."""


class GraphvizFailedError(RenderError):
    """`dot` exited with an error or was killed."""

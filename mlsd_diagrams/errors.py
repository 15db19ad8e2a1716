"""The whole exception hierarchy of mlsd-diagrams.

Library code raises these; only the command line turns them into messages and exit codes.
"""

from __future__ import annotations

from dataclasses import dataclass


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
        return f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"


def shown(value: object, limit: int = 40) -> str:
    """A user value echoed in a message: printable (escapes visible) and short."""
    text = str(value).encode("unicode_escape").decode("ascii")
    return text if len(text) <= limit else text[: limit - 1] + "…"


class MlsdError(Exception):
    """Base of every error this package raises on purpose."""

    exit_code = 1


class SpecError(MlsdError):
    """A design spec the user must fix: every problem found, all at once."""

    exit_code = 2

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class UsageError(MlsdError):
    """A command used wrongly (bad option value, unreadable path)."""

    exit_code = 2


class RenderError(MlsdError):
    """Rendering a valid spec failed (Graphviz missing, crashed or too slow)."""


class GraphvizNotFoundError(RenderError):
    """The `dot` program is not installed or not on PATH."""


class GraphvizTimeoutError(RenderError):
    """`dot` ran past its time budget."""


class GraphvizFailedError(RenderError):
    """`dot` exited with an error or was killed."""

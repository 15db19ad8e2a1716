"""Reading a spec file's bytes, safely: only a regular file, never through a link, never more
than MAX_BYTES. No YAML here: a redraw from the compiled cache (compiled.py) hashes the bytes
and never parses them, so it does not import the parser; load.py parses what this reads.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .errors import Problem, SpecError

SPEC_SUFFIXES = (".yaml", ".yml")  # what makes a file in a designs folder a spec
MAX_BYTES = 1_000_000


def spec_files(folder: Path) -> list[Path]:
    """The specs of a designs folder, in name order: its `.yaml` and `.yml` files (a link is
    listed, and refused with a located error when read; folders never are)."""
    return sorted(
        p for p in folder.iterdir() if p.suffix in SPEC_SUFFIXES and (p.is_file() or p.is_symlink())
    )


def read_spec(path: Path, source: str | None = None) -> bytes:
    """The bytes of one spec file (a SpecError located at its start otherwise): a FIFO, a
    device such as /dev/zero or a link out of the repository is refused."""
    name = source or str(path)
    try:
        return _read_regular(path)
    except _NotAFile as exc:
        raise located(name, 1, 1, str(exc)) from None
    except OSError as exc:
        raise located(name, 1, 1, f"cannot read file: {exc.strerror or exc}") from None


def located(source: str, line: int, column: int, message: str) -> SpecError:
    """One problem of a spec, at a place in it."""
    return SpecError([Problem(source, line, column, "", message)])


class _NotAFile(Exception):
    """The path exists but is not something a spec can be read from."""


_OPEN_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)


def _read_regular(path: Path) -> bytes:
    if path.is_symlink():
        raise _NotAFile("is a symbolic link; mlsd reads only regular files (copy the spec here)")
    handle = os.open(path, _OPEN_FLAGS)
    mode = os.fstat(handle).st_mode
    if not stat.S_ISREG(mode):
        os.close(handle)
        if stat.S_ISDIR(mode):
            hint = f"give one spec file, or build the whole folder with `mlsd build {path}`"
            raise _NotAFile(f"is a folder; {hint}")
        raise _NotAFile("is not a regular file; a spec is a YAML text file")
    with os.fdopen(handle, "rb") as stream:
        return stream.read(MAX_BYTES + 1)

"""A cache on disk for work that a later run would repeat: `~/.cache/mlsd-diagrams` (or
`$XDG_CACHE_HOME/mlsd-diagrams`, or `$MLSD_CACHE_DIR`).

Each entry is one small file named by a hash of everything its content depends on, so an
entry is never stale: a change in what it depends on gives another name. A cache that cannot
be read or written is no error: the work is done again. Nothing read from it is trusted
beyond its shape; the caller checks what it reads.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from functools import cache
from pathlib import Path

from .write import write_atomic


def root() -> Path | None:
    """The cache folder (not created here), or None when no home can be found."""
    try:
        return Path(
            os.environ.get("MLSD_CACHE_DIR")
            or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "mlsd-diagrams"
        )
    except RuntimeError:  # no home directory
        return None


def entry(kind: str, key: str, suffix: str) -> Path | None:
    """Where the entry of `kind` for `key` (all it depends on, as text) is kept."""
    folder = root()
    if folder is None:
        return None
    return folder / kind / f"{hashlib.sha256(key.encode()).hexdigest()[:32]}.{suffix}"


def read(path: Path | None) -> bytes | None:
    if path is None:
        return None
    try:
        return path.read_bytes()
    except OSError:
        return None


def store(path: Path | None, data: bytes) -> None:
    """Keep `data` at `path`, whole or not at all; a cache that cannot be written is no
    error."""
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, data)
    except OSError:
        pass


@cache
def code_version() -> str:
    """A hash of this package's own code: an entry computed by other code is never read."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


@cache
def installed(package: str) -> str:
    """Which install of `package` is there, for a key: its `__init__.py` by path, size and
    time, found without importing it (importing diagrams, or reading package metadata, would
    cost a redraw more than the rest of its Python work); "" when it is not found."""
    spec = importlib.util.find_spec(package)
    origin = spec.origin if spec is not None else None
    if origin is None:
        return ""
    try:
        stat = os.stat(origin)
    except OSError:
        return origin
    return f"{origin}:{stat.st_size}:{stat.st_mtime_ns}"

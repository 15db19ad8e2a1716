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
import re
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
    """A hash of this package's own code: an entry computed by other code is never read.

    The hash of every file's content is kept on disk under the files' names, sizes and
    times, so a process whose files are those of a process before reads it back instead of
    reading and hashing the whole package again (640 kB: about 5 ms at every start)."""
    return code_hash(Path(__file__).resolve().parent)


def code_hash(package: Path) -> str:
    """The hash of the `.py` files of `package` (names and contents), read back from the
    disk cache when the files' names, sizes and times are those it was computed for."""
    files = sorted(package.rglob("*.py"))
    try:
        listing = [(path.relative_to(package).as_posix(), path.stat()) for path in files]
    except OSError:  # a file gone while listed: hashed as it is read below
        listing = []
    stats = [(name, stat.st_size, stat.st_mtime_ns) for name, stat in listing]
    known = entry("code", repr((str(package), stats)), "txt")
    kept = read(known) if listing else None
    if kept is not None and re.fullmatch(rb"[0-9a-f]{64}", kept):
        return kept.decode("ascii")
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    if listing:
        store(known, digest.hexdigest().encode("ascii"))
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

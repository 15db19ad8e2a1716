"""Writing into the output folder: whole files or nothing, never through a symbolic link."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import RenderError


def write_atomic(path: Path, data: bytes) -> Path:
    """Write a file whole or not at all: a temporary file beside it, then one rename."""
    if path.is_symlink():
        raise RenderError(f"{path}: is a symbolic link; remove it")
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path

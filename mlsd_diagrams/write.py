"""Writing into the output folder: whole files or nothing, never through a symbolic link.

Every temporary file or folder is named `.mlsd-tmp-<pid>-<name>-<random>`: hidden, and
owned by a process. One killed mid-way (`kill -9`, a crash, a power cut of the job) leaves
its temporaries behind; the next run removes those whose process is gone (`clean_stale`).
"""

from __future__ import annotations

import errno
import fcntl
import math
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from .errors import RenderError, UsageError

TEMP_MARK = ".mlsd-tmp-"
LOCK_POLL_SECONDS = 0.1


def temp_prefix(name: str) -> str:
    """The start of a temporary name for `name`, owned by this process."""
    return f"{TEMP_MARK}{os.getpid()}-{name}-"


def write_atomic(path: Path, data: bytes) -> Path:
    """Write a file whole or not at all: a temporary file beside it, then one rename."""
    refuse_link(path)
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=temp_prefix(path.name))
    except OSError as exc:  # name the folder, not a temporary the user never asked for
        raise type(exc)(exc.errno, exc.strerror, os.fspath(path.parent)) from None
    try:
        os.fchmod(handle, 0o666 & ~_umask())  # mkstemp's 0600 would hide a site from its server
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


@cache
def _umask() -> int:
    """The process's umask (read once: reading it means setting it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def refuse_link(path: Path) -> None:
    """A symbolic link where we would write is an error: it could point anywhere."""
    if path.is_symlink():
        raise RenderError(f"{path}: is a symbolic link; mlsd never writes through one, remove it")


def real_folder(path: Path) -> Path:
    """`path` as a plain folder (created if missing); a link or a file there is an error."""
    refuse_link(path)
    if path.exists() and not path.is_dir():
        raise RenderError(f"{path}: exists and is not a folder; remove it")
    path.mkdir(exist_ok=True)
    return path


def output_folder(path: Path) -> Path:
    """The output folder of a command (created if missing); a link or a file is refused."""
    if path.is_symlink():
        raise UsageError(f"{path}: the output folder is a symbolic link; give the real folder")
    if path.exists() and not path.is_dir():
        raise UsageError(f"{path}: output path exists and is not a folder")
    path.mkdir(parents=True, exist_ok=True)
    return path


def clean_stale(folder: Path, depth: int = 3) -> list[Path]:
    """Remove the temporaries of processes that no longer run, in `folder` and below it
    (`depth` levels, never through a link); return what was removed."""
    return _clean(folder, depth, lambda name: not _owner_alive(name))


def clean_own(folder: Path, depth: int = 3) -> list[Path]:
    """Remove this process's temporaries in `folder` and below: after a Ctrl-C that may have
    cut a temporary folder's own clean-up short."""
    mine = f"{TEMP_MARK}{os.getpid()}-"
    return _clean(folder, depth, lambda name: name.startswith(mine))


def _clean(folder: Path, depth: int, doomed: Callable[[str], bool]) -> list[Path]:
    removed: list[Path] = []
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError:
        return removed
    for entry in entries:
        path = Path(entry.path)
        if entry.name.startswith(TEMP_MARK):
            if doomed(entry.name):
                _remove(path)
                removed.append(path)
        elif depth > 1 and entry.is_dir(follow_symlinks=False):
            removed += _clean(path, depth - 1, doomed)
    return removed


def _owner_alive(name: str) -> bool:
    pid = name[len(TEMP_MARK) :].split("-", 1)[0]
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    return not _zombie(int(pid))


def _zombie(pid: int) -> bool:
    """A killed process its parent has not reaped yet (Linux; elsewhere: never)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[:1] in (["Z"], ["X"])


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


_LOCK_FLAGS = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)


@contextmanager
def locked(
    folder: Path,
    name: str,
    wait_seconds: float = math.inf,
    waiting: Callable[[int | None], None] | None = None,
) -> Iterator[int]:
    """Hold an exclusive lock on `folder/name` (created if missing), which names our pid.

    If another process holds it, `waiting(its pid)` is called once and we wait our turn, at
    most `wait_seconds`, then give up with a RenderError. Yields the lock's descriptor.
    """
    try:
        handle = os.open(folder / name, _LOCK_FLAGS, 0o644)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise RenderError(f"{folder / name}: is a symbolic link; remove it") from None
        raise
    try:
        if not _try_lock(handle):
            holder = _holder(handle)
            if waiting is not None:
                waiting(holder)
            _wait_for_lock(handle, folder, holder, wait_seconds)
        os.ftruncate(handle, 0)
        os.pwrite(handle, f"{os.getpid()}\n".encode(), 0)
        yield handle
        os.ftruncate(handle, 0)  # no longer ours to name
    finally:
        os.close(handle)  # closing releases the lock


def _try_lock(handle: int) -> bool:
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _wait_for_lock(handle: int, folder: Path, holder: int | None, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not _try_lock(handle):
        if time.monotonic() > deadline:
            who = f" (pid {holder})" if holder else ""
            raise RenderError(
                f"{folder}: another build{who} still holds it after {seconds:g} s of waiting; "
                "let it finish or stop it, then build again"
            )
        time.sleep(LOCK_POLL_SECONDS)


def _holder(handle: int) -> int | None:
    """The pid the lock's holder wrote into it, if it did."""
    try:
        text = os.pread(handle, 32, 0).decode("ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return int(text) if text.isdigit() else None

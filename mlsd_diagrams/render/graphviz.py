"""Run Graphviz `dot` ourselves: one layout, every requested format, bounded in time and memory.

Before the first layout of a process, `dot -V` tells which Graphviz this is: the DOT we write
needs HTML-like labels with images and `newrank`, so an older one is refused with a clear
message rather than drawing a broken picture. Its answer is kept on disk (cache.py) under the
`dot` file's path, size and time, so a process does not start `dot` once more only to ask.

Graphviz 2.43 stops on some valid graphs (`lost cX cY edge`, `trouble in init_rank`,
`Pshortestpath failed`...). Then the layout is tried again down a ladder of other settings
(see `ladder.py`); the one that drew it is logged as a warning, never applied silently.
"""

from __future__ import annotations

import logging
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

from .. import cache as disk_cache
from ..errors import (
    GraphvizFailedError,
    GraphvizNotFoundError,
    GraphvizTimeoutError,
    GraphvizTooOldError,
    UsageError,
    printable,
)

log = logging.getLogger("mlsd_diagrams")

TIMEOUT_SECONDS = 60.0
TIMEOUT_VARIABLE = "MLSD_DOT_TIMEOUT"
VERSION_TIMEOUT_SECONDS = 10.0
MEMORY_LIMIT_BYTES = 2 * 1024**3
MINIMUM_VERSION = (2, 40)
INSTALL_HINT = (
    "install Graphviz: `apt-get install graphviz` (Debian/Ubuntu) or `brew install graphviz`"
)

# What `dot -T` is asked for, per output format of ours.
RENDERERS = {"png": "png", "svg": "svg", "pdf": "pdf"}

_VERSION = re.compile(rb"version\s+(\d+)\.(\d+)(?:\.(\d+))?")


def find_dot() -> str:
    dot = shutil.which("dot")
    if dot is None:
        raise GraphvizNotFoundError(f"Graphviz `dot` was not found on PATH; {INSTALL_HINT}")
    return dot


def checked_dot() -> str:
    """The `dot` on PATH, once its version is known to be recent enough."""
    dot = find_dot()
    version = dot_version(dot)
    if version < MINIMUM_VERSION:
        raise GraphvizTooOldError(
            f"Graphviz `dot` {'.'.join(map(str, version))} ({dot}) is too old; mlsd needs "
            f"{'.'.join(map(str, MINIMUM_VERSION))} or newer (HTML-like labels, newrank); "
            + INSTALL_HINT.replace("install", "upgrade", 1)
        )
    return dot


@cache
def dot_version(dot: str) -> tuple[int, ...]:
    """The version `dot -V` reports for the `dot` at that path: asked once per install of it
    (its file's size and time), then read from the disk cache; once per process."""
    entry = _version_entry(dot)
    kept = disk_cache.read(entry)
    if kept is not None and re.fullmatch(rb"\d+(\.\d+){1,2}", kept):
        return tuple(int(part) for part in kept.split(b"."))
    version = _ask_version(dot)
    disk_cache.store(entry, ".".join(map(str, version)).encode("ascii"))
    return version


def _version_entry(dot: str) -> Path | None:
    """Where the version of the `dot` at `dot` is kept: named by the file it runs (links
    followed), its size and its time, so a Graphviz installed anew is asked again."""
    return _tools_entry("dot-version", [dot])


def _tools_entry(kind: str, tools: list[str]) -> Path | None:
    """A cache entry named by the files `tools` run (links followed), their sizes and times."""
    named = []
    for tool in tools:
        try:
            real = os.path.realpath(tool)
            stat = os.stat(real)
        except OSError:
            return None
        named.append((real, stat.st_size, stat.st_mtime_ns))
    key = repr(named[0] if len(named) == 1 else tuple(named))
    return disk_cache.entry(kind, key, "txt")


def _ask_version(dot: str) -> tuple[int, ...]:
    done = _run([dot, "-V"], b"", VERSION_TIMEOUT_SECONDS, f"`{dot} -V`")
    match = _VERSION.search(done.stderr + done.stdout)
    if done.returncode != 0 or match is None:
        raise GraphvizFailedError(_failure(done, f"`{dot} -V`", "did not print its version"))
    return tuple(int(part) for part in match.groups() if part is not None)


def timeout_seconds(environ: Mapping[str, str] = os.environ) -> float:
    """The layout's time budget: MLSD_DOT_TIMEOUT seconds if set, else 60. Read once by the
    edge that starts the work (a render, `mlsd check`), which passes it down."""
    value = environ.get(TIMEOUT_VARIABLE, "").strip()
    if not value:
        return TIMEOUT_SECONDS
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds <= 24 * 3600:
        raise UsageError(f"{TIMEOUT_VARIABLE}={printable(value)}: give a number of seconds > 0")
    return seconds


_PROCESS_STOPPED = threading.Event()  # set once this process is told to stop (a build's worker)
# Every `dot` this process runs, in any batch. Read and written without a lock: stop_process
# runs in a signal handler, which may interrupt a thread holding any lock of ours.
_RUNNING: set[subprocess.Popen[bytes]] = set()


def stop_process() -> None:
    """No `dot` starts in this process any more, and every one running is killed: a build's
    worker was told to stop, and the interrupt it raised may have been swallowed (one that
    lands inside a finalizer, or while `dot` is forked, is only printed), so its design must
    not draw on, nor wait for a `dot` the signal never reached (one forked just after it)."""
    _PROCESS_STOPPED.set()
    for process in list(_RUNNING):
        process.kill()


class Batch:
    """`dot` runs that can be stopped all at once: a render's pictures, drawn by several
    threads. After `stop` (or `stop_process`), every run under way is killed and none starts
    any more (so a thread that was between two pictures when Ctrl-C came does not start a
    third, which the signal, already gone, would not stop)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._live: set[subprocess.Popen[bytes]] = set()
        self._stopped = False

    def start(self, command: list[str]) -> subprocess.Popen[bytes]:
        with self._lock:
            if self._stopped or _PROCESS_STOPPED.is_set():
                raise GraphvizFailedError("Graphviz `dot` was not started: the render stopped")
            confine = _confinement()
            process = subprocess.Popen(
                command if confine is None else [*confine, *command],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                preexec_fn=_limit_resources if confine is None else None,
            )
            self._live.add(process)
            _RUNNING.add(process)
            if _PROCESS_STOPPED.is_set():  # told to stop while it was forked
                self._forget(process)
                process.kill()
                process.communicate()  # reaped, its pipes closed
                raise GraphvizFailedError("Graphviz `dot` was stopped: the render stopped")
            return process

    def done(self, process: subprocess.Popen[bytes]) -> None:
        with self._lock:
            self._forget(process)

    def _forget(self, process: subprocess.Popen[bytes]) -> None:
        self._live.discard(process)
        _RUNNING.discard(process)

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            for process in self._live:
                process.kill()


def cores() -> int:
    """The cores this process may run on (a container's share, not the machine's): how many
    `dot` processes to run at once."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


# The budget of the `dot` runs a caller does not pass one to (a picture's trial layouts in
# arrange.py, check's layouts): set by the edge for what it runs (`time_budget`), else 60 s.
_BUDGET: ContextVar[float] = ContextVar("dot_time_budget", default=TIMEOUT_SECONDS)


@contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Every `dot` run started in this context without a timeout of its own takes `seconds`."""
    token = _BUDGET.set(seconds)
    try:
        yield
    finally:
        _BUDGET.reset(token)


# Whether a `dot` run Graphviz stops on is tried again down the ladder (ladder.py): yes,
# but for the candidates of a layout search (`first_try_only`).
_LADDER: ContextVar[bool] = ContextVar("dot_ladder", default=True)


@contextmanager
def first_try_only() -> Iterator[None]:
    """Every `dot` run started in this context that Graphviz stops on fails at once: no
    fallback layout is tried and no warning is said. A candidate of the layout search
    (render/layout.py `lay_out_many`) that Graphviz cannot lay out is simply no candidate,
    never drawn: its fallbacks would cost up to one `dot` run each, and their warning would
    tell the user of a picture nobody sees. The picture drawn keeps its ladder."""
    token = _LADDER.set(False)
    try:
        yield
    finally:
        _LADDER.reset(token)


def run_dot(
    source: str,
    outputs: dict[str, Path],
    image_path: list[Path],
    timeout: float | None = None,
    *,
    layout: bool = False,
    dpi: int | None = None,
    batch: Batch | None = None,
) -> bytes:
    """Lay `source` out once and write each format in `outputs` ({"png": path, ...}).

    With `layout`, also return the laid-out graph as Graphviz JSON (positions of every node,
    edge, label and cluster), from the same single layout as the files.
    """
    command = [checked_dot(), f"-Gimagepath={os.pathsep.join(str(p) for p in image_path)}"]
    if dpi is not None:
        command.append(f"-Gdpi={dpi}")
    for fmt, path in outputs.items():
        command += [f"-T{RENDERERS[fmt]}", f"-o{path}"]
    if layout:
        command.append("-Tjson")
    budget = timeout if timeout is not None else _BUDGET.get()
    done = _run(command, source.encode("utf-8"), budget, "`dot`", batch)
    if done.returncode == 0:
        if outputs:  # a picture was drawn (a layout alone, as the search runs dozens, is not)
            _report_changes(done, source)
        return done.stdout
    from .ladder import FALLBACKS, is_layout_bug  # only now: most runs never fail

    first = done
    ladder = _LADDER.get() and is_layout_bug(first)
    for fallback in FALLBACKS if ladder else ():
        done = _run(command, fallback.apply(source).encode("utf-8"), budget, "`dot`", batch)
        if done.returncode == 0:
            log.warning(
                "warning: %s: Graphviz failed on its layout (%s); drawn instead with %s",
                _graph_name(source),
                _bug(first),
                fallback.description,
            )
            return done.stdout
    message = _failure(first, "`dot`")
    if ladder:
        message += f" (and with each of {len(FALLBACKS)} fallback layouts: split the design)"
    raise GraphvizFailedError(message)


# What Graphviz says on success when the picture it wrote is not the one asked for, with
# what it means for the reader; these reach the user as warnings (its other chatter does not).
CHANGED_OUTPUT: tuple[tuple[re.Pattern[bytes], str], ...] = (
    (
        re.compile(rb"too large for cairo-renderer bitmaps\. Scaling by ([0-9.]+)"),
        "the PNG is too large for Graphviz's bitmaps and was scaled by {0} to fit (its labels "
        "smaller than drawn): split the design into views (diagram.views), or use the SVG",
    ),
    (
        re.compile(rb'No or improper image="?([^"\n]*)"?'),
        "an icon could not be read ({0}) and is missing from the picture",
    ),
)


def _report_changes(done: subprocess.CompletedProcess[bytes], source: str) -> None:
    """Warn, once each, of what Graphviz changed in the picture it drew (`CHANGED_OUTPUT`)."""
    said = set()
    for pattern, meaning in CHANGED_OUTPUT:
        for match in pattern.finditer(done.stderr):
            found = printable(match.group(1).decode("utf-8", "replace"))[:200]
            said.add(meaning.format(found))
    for message in sorted(said):
        log.warning("warning: %s: %s", _graph_name(source), message)


_NO_SPACE = re.compile(rb"gvwrite_no_z problem|No space left on device")
_GRAPH_NAME = re.compile(r'(?:strict )?digraph ("(?:[^"\\]|\\.)*"|\S+) \{')


def _graph_name(source: str) -> str:
    """The picture's title, as the first line of its DOT names it."""
    match = _GRAPH_NAME.match(source.lstrip())
    name = match.group(1).strip('"') if match else "a picture"
    return printable(name)[:80]


def _bug(done: subprocess.CompletedProcess[bytes]) -> str:
    """Graphviz's own words for the bug it met (its last error line), or the signal."""
    lines = [line for line in done.stderr.decode("utf-8", "replace").splitlines() if line.strip()]
    errors = [line for line in lines if "error" in line.lower()] or lines
    if errors:
        return printable(errors[-1].strip().removeprefix("Error: "))[:200]
    return f"crashed with {_signal_name(-done.returncode)}"


def _run(
    command: list[str], data: bytes, timeout: float, name: str, batch: Batch | None = None
) -> subprocess.CompletedProcess[bytes]:
    batch = batch or Batch()
    try:
        process = batch.start(command)
        try:
            stdout, stderr = process.communicate(data, timeout=timeout)
        except BaseException:  # a timeout, or Ctrl-C: never leave `dot` running
            process.kill()
            process.communicate()
            raise
        finally:
            batch.done(process)
        return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)
    except subprocess.TimeoutExpired:
        raise GraphvizTimeoutError(
            f"Graphviz {name} took longer than {timeout:g} s and was stopped; split the design "
            f"into smaller views (or set {TIMEOUT_VARIABLE} to a number of seconds)"
        ) from None
    except FileNotFoundError:
        raise GraphvizNotFoundError(
            f"Graphviz {name} could not be started; {INSTALL_HINT}"
        ) from None
    except OSError as exc:
        raise GraphvizFailedError(
            f"Graphviz {name} could not be started: {exc.strerror or exc}"
        ) from None


def _failure(done: subprocess.CompletedProcess[bytes], name: str, what: str | None = None) -> str:
    if _NO_SPACE.search(done.stderr):  # Graphviz's words for a failed write: `gvwrite_no_z problem`
        return (
            f"Graphviz {name} could not write its output: no space left on device; free some "
            "space and render again"
        )
    if done.returncode < 0:
        reason = (
            f"crashed ({_signal_name(-done.returncode)}); it may have run out of memory "
            f"(limit {MEMORY_LIMIT_BYTES // 1024**3} GB) or hit a Graphviz bug: try a "
            "smaller design or another Graphviz version"
        )
    elif what is not None:
        reason = what
    else:
        reason = f"failed with exit status {done.returncode}"
    # `-Tjson` warns once per icon that it cannot load images: noise, not the reason
    lines = [
        line
        for line in done.stderr.decode("utf-8", "replace").strip().splitlines()
        if "No loadimage plugin" not in line
    ][-3:]
    details = printable(" / ".join(line.strip() for line in lines))[:500]
    return f"Graphviz {name} {reason}" + (f": {details}" if details else "")


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def _limit_resources() -> None:
    """In the child, before `dot` starts: a memory cap, no core file when it crashes, and
    an end when the process that started it dies (a killed build leaves no `dot` running).
    Nothing is imported here, between fork and exec: `_confinement` imported lifetime."""
    resource.setrlimit(resource.RLIMIT_AS, (_lowered(resource.RLIMIT_AS, MEMORY_LIMIT_BYTES),) * 2)
    resource.setrlimit(resource.RLIMIT_CORE, (_lowered(resource.RLIMIT_CORE, 0),) * 2)
    sys.modules["mlsd_diagrams.lifetime"].die_with_parent(signal.SIGKILL)


def _lowered(which: int, limit: int) -> int:
    """A limit, never above the hard limit already in force (setting that would fail)."""
    _soft, hard = resource.getrlimit(which)
    return limit if hard == resource.RLIM_INFINITY else min(limit, hard)


@cache
def _confinement() -> list[str] | None:
    """The commands that start `dot` confined as `_limit_resources` does, where util-linux's
    `setpriv` (the death signal) and `prlimit` (the caps) are: each sets its part and execs
    the next, so `dot` is still the one process started. Else None: the child is confined
    by `_limit_resources`, a `preexec_fn`, which makes Python fork its whole heap (no
    vfork) while holding the GIL: 33 ms a `dot` run against 29 ms this way, 4.7 ms of the
    parent's CPU against 0.5 ms (40 runs each, a search's heap). Whether they work is
    asked once per install of them (an older `setpriv` lacks `--pdeathsig`)."""
    confined = _through_tools()
    if confined is None:  # lifetime (ctypes, a few ms) only where `_limit_resources` needs it
        from .. import lifetime  # noqa: F401
    return confined


def _through_tools() -> list[str] | None:
    tools = [shutil.which("setpriv"), shutil.which("prlimit")]
    if None in tools or not hasattr(resource, "RLIMIT_AS"):
        return None
    setpriv, prlimit = (str(tool) for tool in tools)
    command = [setpriv, "--pdeathsig", "KILL", "--", prlimit]
    command += [f"--as={_lowered(resource.RLIMIT_AS, MEMORY_LIMIT_BYTES)}"]
    command += [f"--core={_lowered(resource.RLIMIT_CORE, 0)}", "--"]
    entry = _tools_entry("confinement", [setpriv, prlimit])
    works = disk_cache.read(entry)
    if works is None:
        try:
            done = subprocess.run([*command, "true"], capture_output=True, timeout=10, check=False)
            works = b"yes" if done.returncode == 0 else b"no"
        except (OSError, subprocess.SubprocessError):
            works = b"no"
        disk_cache.store(entry, works)
    return command if works == b"yes" else None

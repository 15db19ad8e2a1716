"""Processes that end with their parent: render workers and the `dot` they run.

On Linux the kernel sends a signal to a child when its parent dies (`PR_SET_PDEATHSIG`,
set through ctypes); elsewhere, and as a second line, a thread watches the parent's pid.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
from functools import cache

_PR_SET_PDEATHSIG = 1
WATCH_SECONDS = 0.5


@cache
def _libc() -> ctypes.CDLL | None:
    """The C library's functions, as this process already has them loaded (the symbols of
    the running program: `dlopen(NULL)`), not found by name: `ctypes.util.find_library`
    runs `ldconfig -p`, a process of its own, at every start (~20 ms)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl  # noqa: B018 (looked up now: a missing symbol fails here, not after fork)
    except (OSError, AttributeError):
        return None
    return libc


def die_with_parent(signum: int = signal.SIGTERM) -> bool:
    """Ask the kernel to send `signum` to this process when its parent dies (Linux only).
    Safe between fork and exec (a `preexec_fn`). Returns whether it was set."""
    libc = _libc()
    return libc is not None and libc.prctl(_PR_SET_PDEATHSIG, signum, 0, 0, 0) == 0


def watch_parent(parent: int, signum: int = signal.SIGTERM) -> threading.Thread:
    """A daemon thread that sends `signum` to this process once `parent` is gone (this
    process is then adopted: its parent pid changes)."""

    def watch() -> None:
        stop = threading.Event()
        while not stop.wait(WATCH_SECONDS):
            if os.getppid() != parent:
                os.kill(os.getpid(), signum)
                return

    thread = threading.Thread(target=watch, name="mlsd-parent-watch", daemon=True)
    thread.start()
    return thread


_libc()  # loaded now: never for the first time between fork and exec

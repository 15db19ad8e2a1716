"""Watch mode: redo a job whenever a spec or a template is saved, until Ctrl-C.

Editors save in bursts (and often by writing a new file and renaming it), so we watch the
folders that hold the files, keep only the changes that matter, and let `watchfiles`
debounce them into one run.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from .load import SPEC_SUFFIXES

DEBOUNCE_MS = 300
WATCHED_SUFFIXES = (*SPEC_SUFFIXES, ".j2", ".css", ".js")


def watch(
    targets: Iterable[Path],
    job: Callable[[], object],
    announce: Callable[[list[Path]], None],
    stop: threading.Event | None = None,
) -> None:
    """Run `job` now and after every burst of changes to `targets` (files or folders).

    Ctrl-C ends watching quietly, whether it lands while waiting or while `job` runs (jobs
    publish their files atomically, so an interrupted one leaves the previous outputs).
    """
    with contextlib.suppress(KeyboardInterrupt):
        _watch_until_stopped([path.resolve() for path in targets], job, announce, stop)


def _watch_until_stopped(
    targets: list[Path],
    job: Callable[[], object],
    announce: Callable[[list[Path]], None],
    stop: threading.Event | None,
) -> None:
    import watchfiles

    folders = sorted({path if path.is_dir() else path.parent for path in targets})
    job()
    changes = watchfiles.watch(
        *folders,
        watch_filter=lambda _change, name: _matters(Path(name), targets),
        debounce=DEBOUNCE_MS,
        stop_event=stop,
        raise_interrupt=False,
    )
    for batch in changes:
        announce(sorted({Path(name) for _change, name in batch}))
        job()


def _matters(path: Path, targets: list[Path]) -> bool:
    if path.name.startswith(".") or path.suffix not in WATCHED_SUFFIXES:
        return False
    return any(path == target or target in path.parents for target in targets)

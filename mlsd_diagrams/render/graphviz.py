"""Run Graphviz `dot` ourselves: one layout, every requested format, bounded in time and memory."""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
from pathlib import Path

from ..errors import GraphvizFailedError, GraphvizNotFoundError, GraphvizTimeoutError

TIMEOUT_SECONDS = 60.0
MEMORY_LIMIT_BYTES = 2 * 1024**3
INSTALL_HINT = (
    "install Graphviz: `apt-get install graphviz` (Debian/Ubuntu) or `brew install graphviz`"
)

# What `dot -T` is asked for, per output format of ours.
RENDERERS = {"png": "png", "svg": "svg", "pdf": "pdf"}


def find_dot() -> str:
    dot = shutil.which("dot")
    if dot is None:
        raise GraphvizNotFoundError(f"Graphviz `dot` was not found on PATH; {INSTALL_HINT}")
    return dot


def run_dot(
    source: str,
    outputs: dict[str, Path],
    image_path: list[Path],
    timeout: float = TIMEOUT_SECONDS,
) -> None:
    """Lay `source` out once and write each format in `outputs` ({"png": path, ...})."""
    command = [find_dot(), f"-Gimagepath={os.pathsep.join(str(p) for p in image_path)}"]
    for fmt, path in outputs.items():
        command += [f"-T{RENDERERS[fmt]}", f"-o{path}"]
    try:
        done = subprocess.run(
            command,
            input=source.encode("utf-8"),
            capture_output=True,
            timeout=timeout,
            preexec_fn=_limit_memory,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise GraphvizTimeoutError(
            f"Graphviz `dot` took longer than {timeout:g} s; split the design into smaller views"
        ) from None
    except FileNotFoundError:
        raise GraphvizNotFoundError(
            f"Graphviz `dot` could not be started; {INSTALL_HINT}"
        ) from None
    if done.returncode != 0:
        raise GraphvizFailedError(_failure(done))


def _failure(done: subprocess.CompletedProcess[bytes]) -> str:
    if done.returncode < 0:
        reason = f"was killed by signal {-done.returncode}"
    else:
        reason = f"exited with status {done.returncode}"
    details = done.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
    return f"Graphviz `dot` {reason}" + (": " + " / ".join(details) if details else "")


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))

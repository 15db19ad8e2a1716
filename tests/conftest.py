"""Shared helpers: golden files (accepted with MLSD_ACCEPT=1), spec files built from text, and
the browser tests' Chromium and localhost server."""

from __future__ import annotations

import functools
import os
import shutil
import textwrap
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parent.parent
DESIGNS = sorted((ROOT / "designs").glob("*.yaml"))
GOLDEN = Path(__file__).parent / "golden"
ACCEPT = os.environ.get("MLSD_ACCEPT") == "1"

MINIMAL = """\
id: tiny
title: Tiny design
prompt: Design something tiny.
requirements:
  business_objective: Grow.
framing:
  ml_objective: Predict.
  input: A user.
  output: A score.
  category: binary-classification
components:
  - {id: app, kind: client, label: App, stage: client}
  - {id: api, kind: prediction-service, label: API, stage: serving}
flows:
  - {from: app, to: api, label: request, kind: request, step: 1}
"""


def pytest_configure(config: pytest.Config) -> None:
    """One cache on disk for the whole run (fonts, layout choices), shared with the commands
    the tests start, and never the developer's own (`~/.cache/mlsd-diagrams`)."""
    import tempfile

    folder = tempfile.mkdtemp(prefix="mlsd-test-cache-")
    os.environ["MLSD_CACHE_DIR"] = folder
    config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))


def assert_golden(name: str, actual: str) -> None:
    """Compare with tests/golden/<name>; MLSD_ACCEPT=1 rewrites it (review the diff!)."""
    expected_path = GOLDEN / name
    got_path = expected_path.with_name(expected_path.name + ".got")
    if ACCEPT:
        expected_path.write_text(actual, encoding="utf-8")
        got_path.unlink(missing_ok=True)
        return
    expected = expected_path.read_text(encoding="utf-8") if expected_path.exists() else None
    if actual == expected:
        got_path.unlink(missing_ok=True)
        return
    got_path.write_text(actual, encoding="utf-8")
    pytest.fail(
        f"{name} differs from its golden file; see {got_path.name} beside it. If the change is "
        "intended, rerun with MLSD_ACCEPT=1 and review the diff of tests/golden/."
    )


SAMPLE = ["video-recommendation", "people-you-may-know", "visual-search"]


def copy_designs(folder: Path, names: list[str]) -> Path:
    """A folder holding copies of some example designs, to build and break."""
    folder.mkdir()
    for name in names:
        shutil.copy(next(d for d in DESIGNS if d.stem == name), folder)
    return folder


@pytest.fixture
def designs(tmp_path: Path) -> Path:
    return copy_designs(tmp_path / "designs", SAMPLE)


@pytest.fixture
def spec_file(tmp_path: Path):
    """Write a spec from (dedented) text and return its path."""

    def write(text: str = MINIMAL, name: str = "spec.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write


# --- the browser tests: Debian's Chromium, pages served from localhost only ---

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    path = os.environ.get("MLSD_CHROMIUM") or shutil.which("chromium")
    path = path or shutil.which("chromium-browser")
    if not path:
        pytest.fail("Chromium not found: `make test` installs it (apt-get install chromium)")
    return path


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@contextmanager
def served(folder: Path) -> Iterator[str]:
    """`folder` served on 127.0.0.1 while the block runs; yields its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


def guarded(page):  # a Playwright page
    """Record the page's console errors in `page.errors` and refuse, recording them in
    `page.outside`, its requests to anywhere but localhost."""
    page.errors, page.outside = [], []
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.errors.append(str(e)))

    def guard(route) -> None:
        if urlparse(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            page.outside.append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    return page

"""`mlsd serve`: the real command in its own process, its pages in headless Chromium.

Edit a spec on disk and the open page shows the new picture by itself; break the spec and the
page shows its errors in place of the picture; fix it and the picture returns. Ctrl-C stops
the server cleanly. Everything listens on 127.0.0.1 only.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import CHROMIUM_FLAGS, MINIMAL, chromium_path, guarded

from mlsd_diagrams.cli import cli
from mlsd_diagrams.serve import check_host, with_live_script

playwright = pytest.importorskip("playwright.sync_api", reason="pip install playwright")

MLSD = [sys.executable, "-m", "mlsd_diagrams"]
# two more components and flows: a bigger picture
BIGGER = MINIMAL.replace(
    "flows:",
    "  - {id: store, kind: feature-store-online, label: Feature store, stage: features}\n"
    "  - {id: watch, kind: monitoring, label: Monitoring, stage: monitoring}\n"
    "flows:",
) + (
    "  - {from: api, to: store, label: features, kind: request, step: 2}\n"
    "  - {from: api, to: watch, label: logs, kind: stream}\n"
)


class Server:
    def __init__(self, process: subprocess.Popen, url: str) -> None:
        self.process, self.url = process, url

    def stop(self) -> tuple[int, str]:
        self.process.send_signal(signal.SIGINT)
        _out, err = self.process.communicate(timeout=20)
        return self.process.returncode, err


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    designs = tmp_path / "designs"
    designs.mkdir()
    (designs / "tiny.yaml").write_text(MINIMAL, encoding="utf-8")
    command = [*MLSD, "serve", str(designs), "-o", str(tmp_path / "out"), "--port", "0"]
    process = subprocess.Popen(
        [*command, "--no-open"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    line = process.stdout.readline()  # the first line names the address, once it listens
    found = re.match(r"serving (http://127\.0\.0\.1:\d+/) ", line)
    assert found, line + process.stderr.read() if process.poll() is not None else line
    running = Server(process, found.group(1))
    running.designs = designs
    running.out = tmp_path / "out"
    yield running
    if process.poll() is None:
        process.kill()
        process.communicate()


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


LOADED = "() => document.getElementById('diagram').naturalWidth > 0"  # a function: CSP allows it


def picture_size(page) -> list[int]:
    return page.evaluate(
        "() => { const i = document.getElementById('diagram');"
        " return [i.naturalWidth, i.naturalHeight]; }"
    )


def test_the_page_follows_the_spec_and_shows_its_errors(browser, server: Server):
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = guarded(context.new_page())
    page.goto(f"{server.url}tiny/index.html", wait_until="load")
    page.wait_for_function(LOADED)
    before = picture_size(page)
    page.evaluate("window.unreloaded = true")
    spec = server.designs / "tiny.yaml"

    spec.write_text(BIGGER, encoding="utf-8")  # two more components: a bigger picture
    page.wait_for_function("() => !window.unreloaded", timeout=60_000)
    page.wait_for_function(LOADED)
    assert picture_size(page) != before
    assert page.is_visible("figure.diagram")

    page.evaluate("window.unreloaded = true")
    spec.write_text(BIGGER.replace("kind: client", "kind: clinet"), encoding="utf-8")
    page.wait_for_selector("#live-errors", timeout=60_000)
    errors = page.text_content("#live-errors pre")
    assert re.search(rf"{re.escape(str(spec))}:\d+:\d+: components\[0\]\.kind: unknown", errors)
    assert not page.is_visible("figure.diagram")

    spec.write_text(BIGGER, encoding="utf-8")  # fixed: the picture is back, the errors gone
    page.wait_for_function(
        "() => !document.getElementById('live-errors') && !window.unreloaded", timeout=60_000
    )
    page.wait_for_function(LOADED)
    assert page.is_visible("figure.diagram")
    assert page.errors == [] and page.outside == []
    context.close()

    code, err = server.stop()
    assert code == 0, err
    assert "stopped serving" in err and "Traceback" not in err


def test_the_static_site_has_no_live_script(server: Server):
    server.stop()
    for page in server.out.rglob("*.html"):
        assert "__mlsd" not in page.read_text(encoding="utf-8"), page


def test_ctrl_c_stops_with_a_page_listening(browser, server: Server):
    context = browser.new_context()
    page = context.new_page()
    page.goto(server.url, wait_until="load")
    page.wait_for_function("() => typeof EventSource !== 'undefined'")
    time.sleep(0.5)  # the event stream is open
    started = time.monotonic()
    code, err = server.stop()
    assert code == 0 and "stopped serving" in err, err
    assert time.monotonic() - started < 15
    context.close()


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "::"])
def test_other_interfaces_are_refused_unless_asked(host: str, tmp_path: Path):
    result = CliRunner().invoke(cli, ["serve", str(tmp_path), "--host", host, "--no-open"])
    assert result.exit_code == 2
    assert f"refusing to serve on {host}" in result.stderr and "--allow-remote" in result.stderr
    check_host(host, allow_remote=True)  # asked explicitly: allowed


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "localhost"])
def test_loopback_is_allowed(host: str):
    check_host(host, allow_remote=False)


def test_the_live_script_is_added_with_a_policy_that_lets_it_run():
    page = (
        '<html><head><meta http-equiv="Content-Security-Policy" content="default-src '
        "'none'; img-src 'self'\"></head><body><p>x</p></body></html>"
    )
    served = with_live_script(page)
    assert "script-src 'self'; connect-src 'self'\"" in served
    assert served.endswith('<script src="/__mlsd/live.js"></script>\n</body></html>')


def test_a_saved_spec_s_picture_is_drawn_before_the_build(tmp_path: Path):
    """The quick pass redraws only the overview of a known, valid spec; never a new id's, a
    clashing id's or a broken spec's."""
    from mlsd_diagrams.serve import LiveSite

    designs = tmp_path / "designs"
    designs.mkdir()
    spec = designs / "tiny.yaml"
    spec.write_text(MINIMAL, encoding="utf-8")
    site = LiveSite(designs, tmp_path / "out")
    site.build()
    svg = tmp_path / "out" / "tiny" / "tiny.svg"
    page = (tmp_path / "out" / "tiny" / "index.html").read_text()
    before = svg.read_text()

    spec.write_text(BIGGER, encoding="utf-8")
    assert site.redraw([spec]) and svg.read_text() != before
    assert (tmp_path / "out" / "tiny" / "index.html").read_text() == page  # the build's job
    redrawn = svg.read_text()

    spec.write_text(BIGGER.replace("kind: client", "kind: clinet"), encoding="utf-8")
    assert not site.redraw([spec])
    clash = designs / "other.yaml"  # a new spec, with the id of another: left to the build
    clash.write_text(MINIMAL.replace("title: Tiny design", "title: Impostor"), encoding="utf-8")
    assert not site.redraw([clash])
    assert svg.read_text() == redrawn


def test_it_opens_the_browser_unless_told_not_to(tmp_path: Path):
    """The browser is whatever $BROWSER names (Python's webbrowser): here, a script that
    writes down the address it was given."""
    designs = tmp_path / "designs"
    designs.mkdir()
    (designs / "tiny.yaml").write_text(MINIMAL, encoding="utf-8")
    opened = tmp_path / "opened.txt"
    browser = tmp_path / "browser.sh"
    browser.write_text(f'#!/bin/sh\necho "$1" > {opened}\n')
    browser.chmod(0o755)
    command = [*MLSD, "serve", str(designs), "-o", str(tmp_path / "out"), "--port", "0"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "BROWSER": str(browser)}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        url = process.stdout.readline().decode().split()[1]
        for _ in range(100):  # the browser is started in the background: wait for it
            if opened.exists() and opened.read_text().strip():
                break
            time.sleep(0.1)
        assert opened.read_text().strip() == url
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=20)
    assert process.returncode == 0


def test_a_build_ending_while_the_page_subscribes_is_not_missed(browser, tmp_path: Path):
    """The page reads the server's state only after the server said hello on the event
    stream: a build that ends between a read and the subscription would otherwise leave the
    page showing a clean state that is no longer true (seen once in CI: errors never shown).

    A stand-in server makes that moment happen every time: it holds the hello for up to a
    second, waiting for a state read, then records the failed build, then says hello."""
    import asyncio
    import threading

    import uvicorn
    from starlette.applications import Starlette
    from starlette.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
    from starlette.routing import Route

    from mlsd_diagrams.render import site as site_assets

    state = {"version": 1, "errors": {}}
    read = threading.Event()
    page_html = with_live_script(
        "<html><head></head><body><main><figure class='diagram'>x</figure></main></body></html>"
    )

    async def page_route(_request):
        return HTMLResponse(page_html)

    async def script(_request):
        return Response(site_assets.asset("live.js", None), media_type="text/javascript")

    async def state_route(_request):
        read.set()
        return JSONResponse(dict(state))

    async def events(_request):
        async def stream():
            await asyncio.to_thread(read.wait, 1.0)
            state.update(version=2, errors={"tiny": ["tiny.yaml:3:5: broken"]})
            yield f"event: hello\ndata: {state['version']}\n\n"
            await asyncio.sleep(30)

        return StreamingResponse(stream(), media_type="text/event-stream")

    app = Starlette(
        routes=[
            Route("/tiny/index.html", page_route),
            Route("/__mlsd/live.js", script),
            Route("/__mlsd/state.json", state_route),
            Route("/__mlsd/events", events),
        ]
    )
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(100):
        if server.started:
            break
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    context = browser.new_context()
    try:
        page = guarded(context.new_page())
        page.goto(f"http://127.0.0.1:{port}/tiny/index.html", wait_until="load")
        page.wait_for_selector("#live-errors", timeout=10_000)
        assert "tiny.yaml:3:5: broken" in page.text_content("#live-errors pre")
        assert not page.is_visible("figure.diagram")
    finally:
        context.close()
        server.should_exit = True
        thread.join(timeout=10)

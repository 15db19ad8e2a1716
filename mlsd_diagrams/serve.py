"""`mlsd serve`: the portfolio served on this machine, rebuilt on every save, pages reloading.

The pipeline is the build's: the first build renders every design, and every save of a spec,
a template or `mlsd.toml` runs the incremental build again in this process (only what changed
is rendered). A saved spec's overview is drawn first, alone, so the open page shows the new
picture before the views, build-up and pages are done. Open pages listen for server-sent
events and reload themselves; a spec that fails shows its `file:line:col` errors in its page
in place of the picture until it is fixed.

Served by Starlette on uvicorn, on the loopback interface unless asked otherwise. The live
script is added to pages only as they are served: the files on disk stay a static site.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
import re
import socket
import threading
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.responses import FileResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from .errors import MlsdError, UsageError
from .load import SPEC_SUFFIXES
from .portfolio import MANIFEST, Summary, build_portfolio
from .render import site as site_assets

LIVE = "/__mlsd"  # the server's own paths: never a design id (ids start with a letter)
LIVE_SCRIPT = f"{LIVE}/live.js"
DEBOUNCE_MS = 150
WATCHED_SUFFIXES = (*SPEC_SUFFIXES, ".j2", ".css", ".js", ".toml")
PING_SECONDS = 15.0


@dataclass
class LiveSite:
    """What the server knows: the folders, the build count, the errors of each design."""

    designs_dir: Path
    output: Path
    templates: Path | None = None
    theme: str | None = None
    version: int = 0
    errors: dict[str, list[str]] = field(default_factory=dict)  # design id ("" unknown)
    listeners: set[asyncio.Queue[int | None]] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def build(self, jobs: int | None = 1) -> Summary:
        """Build (incrementally) and record each failed design's errors."""
        with self.lock:
            summary = build_portfolio(
                self.designs_dir, self.output, self.templates, jobs, theme=self.theme, book=False
            )
            owners = _owners(self.output)
            errors: dict[str, list[str]] = {}
            for outcome in summary.failed:
                design_id = outcome.design_id or owners.get(outcome.source, "")
                errors.setdefault(design_id, []).append(outcome.message)
            self.errors = errors
            self.version += 1
            return summary

    def redraw(self, paths: list[Path]) -> bool:
        """The quick pass: only the overview SVG of each saved spec that is valid and whose
        design the last build already has (a new or clashing id waits for the build), drawn
        in place, laid out as its last build was (arrange.sketching); the build that follows
        renders it again with the layout search. True if any was."""
        from .arrange import sketching
        from .build import render_design
        from .validate import load_design

        with self.lock:
            owners = {Path(source).resolve(): i for source, i in _owners(self.output).items()}
            drawn = []
            for spec in paths:
                if spec.suffix not in SPEC_SUFFIXES or spec.resolve() not in owners:
                    continue
                try:
                    design = load_design(spec)
                    if owners[spec.resolve()] == design.id:
                        with sketching():  # the last layout of this shape: no search yet
                            render_design(
                                design, self.output, ("svg",), self.templates, theme=self.theme
                            )
                        drawn.append(design.id)
                except MlsdError:
                    continue  # the build reports it
            for design_id in drawn:
                self.errors.pop(design_id, None)
            if drawn:
                self.version += 1
            return bool(drawn)

    def state(self) -> dict[str, Any]:
        return {"version": self.version, "errors": self.errors}

    def announce(self) -> None:
        for queue in list(self.listeners):
            queue.put_nowait(self.version)

    def close(self) -> None:
        for queue in list(self.listeners):
            queue.put_nowait(None)


def _owners(output: Path) -> dict[str, str]:
    """Spec file → design id, from the manifest (it keeps a broken spec's last good build)."""
    try:
        designs = json.loads((output / MANIFEST).read_text(encoding="utf-8"))["designs"]
        return {entry["source"]: design_id for design_id, entry in designs.items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def check_host(host: str, allow_remote: bool) -> None:
    """Only the loopback interface, unless the user asked for another one explicitly."""
    if allow_remote or host == "localhost":
        return
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        raise UsageError(f"--host {host}: not an IP address or localhost") from None
    if not loopback:
        raise UsageError(
            f"refusing to serve on {host}: the preview has no authentication and would be "
            "reachable from other machines; pass --allow-remote to do it anyway"
        )


def listen(host: str, port: int, allow_remote: bool = False) -> socket.socket:
    """The listening socket (port 0: any free port), or a clear error."""
    check_host(host, allow_remote)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror}; try --port") from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


@dataclass(frozen=True)
class Hooks:
    """What the command line says: the server started, files changed, a rebuild ended."""

    started: Callable[[], None] = lambda: None
    changed: Callable[[list[Path]], None] = lambda _paths: None
    built: Callable[[Summary], None] = lambda _summary: None


def serve(site: LiveSite, sock: socket.socket, hooks: Hooks | None = None) -> None:
    """Serve until Ctrl-C (or SIGTERM); rebuild on every save."""
    import uvicorn

    class Server(uvicorn.Server):
        def handle_exit(self, sig: int, frame: Any) -> None:
            # end the open event streams first, or shutting down waits for them
            with contextlib.suppress(RuntimeError):
                asyncio.get_running_loop().call_soon_threadsafe(site.close)
            super().handle_exit(sig, frame)

    app = create_app(site, hooks or Hooks())
    config = uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=2, lifespan="on")
    with contextlib.suppress(KeyboardInterrupt):  # uvicorn raises Ctrl-C again once stopped
        Server(config).run(sockets=[sock])


def create_app(site: LiveSite, hooks: Hooks) -> Any:
    async def events(_request: Any) -> Any:
        return StreamingResponse(
            _event_stream(site),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-store"},
        )

    async def state(_request: Any) -> Any:
        return JSONResponse(site.state(), headers={"Cache-Control": "no-store"})

    async def script(_request: Any) -> Any:
        return Response(site_assets.asset("live.js", site.templates), media_type="text/javascript")

    @contextlib.asynccontextmanager
    async def lifespan(_app: Any) -> AsyncIterator[None]:
        stop = asyncio.Event()
        watcher = asyncio.create_task(_watch(site, stop, hooks))
        hooks.started()
        try:
            yield
        finally:
            stop.set()
            site.close()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher

    routes = [
        Route(f"{LIVE}/events", events),
        Route(f"{LIVE}/state.json", state),
        Route(LIVE_SCRIPT, script),
        Mount("/", app=_LiveFiles(directory=site.output, html=True)),
    ]
    return Starlette(routes=routes, lifespan=lifespan)


async def _event_stream(site: LiveSite) -> AsyncIterator[str]:
    queue: asyncio.Queue[int | None] = asyncio.Queue()
    site.listeners.add(queue)
    try:
        yield f"event: hello\ndata: {site.version}\n\n"
        while True:
            try:
                version = await asyncio.wait_for(queue.get(), PING_SECONDS)
            except TimeoutError:
                yield ": ping\n\n"
                continue
            if version is None:
                return
            yield f"event: rebuilt\ndata: {version}\n\n"
    finally:
        site.listeners.discard(queue)


async def _watch(site: LiveSite, stop: asyncio.Event, hooks: Hooks) -> None:
    import watchfiles

    from .resources import TEMPLATES_DIR

    folders = [site.designs_dir, TEMPLATES_DIR] + ([site.templates] if site.templates else [])
    folders = sorted({folder.resolve() for folder in folders})
    output = site.output.resolve()

    def matters(_change: object, name: str) -> bool:
        path = Path(name)
        if output == path or output in path.parents or path.name.startswith("."):
            return False
        return path.suffix in WATCHED_SUFFIXES

    changes = watchfiles.awatch(
        *folders, watch_filter=matters, debounce=DEBOUNCE_MS, stop_event=stop
    )
    async for batch in changes:
        paths = sorted({Path(name) for _change, name in batch})
        hooks.changed(paths)
        if await asyncio.to_thread(site.redraw, paths):
            site.announce()  # the new picture first; the views, GIF and pages follow
        try:
            hooks.built(await asyncio.to_thread(site.build))
        except MlsdError as exc:  # e.g. the designs folder went away: say so, keep serving
            site.errors, site.version = {"": [str(exc)]}, site.version + 1
            hooks.built(Summary())
        site.announce()


class _LiveFiles(StaticFiles):
    """The built site, never cached, its pages with the live script added."""

    async def get_response(self, path: str, scope: Any) -> Any:
        response = await super().get_response(path, scope)
        if isinstance(response, FileResponse) and response.media_type == "text/html":
            page = Path(response.path).read_text(encoding="utf-8")
            response = Response(with_live_script(page), media_type="text/html")
        response.headers["Cache-Control"] = "no-store"
        return response


_CSP = re.compile(r'(<meta http-equiv="Content-Security-Policy" content=")([^"]*)(")')


def with_live_script(page: str) -> str:
    """A served page: its policy lets it run our script and talk to this server."""

    def widen(match: re.Match[str]) -> str:
        policy = match.group(2)
        if "script-src" not in policy:
            policy += "; script-src 'self'"
        return f"{match.group(1)}{policy}; connect-src 'self'{match.group(3)}"

    page = _CSP.sub(widen, page, count=1)
    head, body_end, tail = page.rpartition("</body>")
    if not body_end:
        return page
    return f'{head}<script src="{LIVE_SCRIPT}"></script>\n</body>{tail}'

"""Build a folder of designs into a portfolio: every design rendered, plus a static site.

The pipeline: skip the specs whose digest is unchanged (the spec's bytes, this package's
code, icons and templates, the user's templates, the theme asked for and mlsd.toml) and whose
files are all there → load and validate the others (in this process, so ids are known and
unique) → render them in parallel worker processes (in this one for a single job) → remove
the designs whose spec disappeared → write the site, the PDF book (typeset again only when
what it shows changed) and the manifest. A broken spec is reported and never stops the
others. Builds into one folder take turns (a build that waits says so, and gives up after
MLSD_LOCK_TIMEOUT seconds, default 600). Workers end with the build: killed (`kill -9`), it
takes its workers with it (lifetime.py: the kernel's parent-death signal on Linux, a thread
watching the parent elsewhere); SIGTERM ends it cleanly like Ctrl-C. A no-op rebuild imports
neither pydantic nor `diagrams` (tests/test_portfolio.py checks it with `-X importtime`): it
hashes bytes and compares digests, and checks the manifest with the id pattern of ids.py.
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import os
import re
import shutil
import signal
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from . import __version__
from .errors import MlsdError, RenderError, UsageError, printable
from .formats import BY_NAME, DEFAULT_FORMATS
from .ids import ID_PATTERN
from .lifetime import die_with_parent, watch_parent
from .load import spec_files
from .render import site
from .render.graphviz import stop_process
from .resources import TEMPLATES_DIR
from .write import clean_own, clean_stale, locked, output_folder, real_folder, write_atomic

if TYPE_CHECKING:
    from .build import Made
    from .model import Design

Manifest = dict[str, dict[str, Any]]
"""Design id → its entry in the build manifest (a JSON object: source, digest, card, files)."""

MANIFEST = ".mlsd-build.json"
LOCK = ".mlsd-build.lock"
LOCK_TIMEOUT_SECONDS = 600.0
LOCK_TIMEOUT_VARIABLE = "MLSD_LOCK_TIMEOUT"
log = logging.getLogger("mlsd_diagrams")
BOOK = "portfolio.pdf"
BOOK_DIGEST = ".mlsd-book"  # the digest of what the book was typeset from
SEARCH_INDEX = "search-index.js"  # in assets/: the words of every write-up, for the search
CHAPTER = "chapter.html"  # a design's answer as a chapter of the book (an HTML fragment)
CHAPTER_PDF = "chapter.pdf"  # that chapter typeset, its pages not numbered (render/book.py)
PACKAGE_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Outcome:
    """What happened to one spec file."""

    source: str
    status: str  # "built", "skipped" or "failed"
    design_id: str | None = None
    message: str = ""
    files: tuple[str, ...] = ()


@dataclass
class Summary:
    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, status: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.status == status)

    @property
    def failed(self) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if outcome.status == "failed"]

    def line(self) -> str:
        return (
            f"{len(self.outcomes)} designs: {self.count('built')} built, "
            f"{self.count('skipped')} skipped, {self.count('failed')} failed "
            f"in {self.seconds:.1f} s"
        )


@dataclass(frozen=True)
class _Job:
    source: str
    design: Design
    digest: str


def build_portfolio(
    designs_dir: Path,
    output_dir: Path,
    templates: Path | None = None,
    jobs: int | None = None,
    progress: Callable[[Outcome], None] | None = None,
    theme: str | None = None,
    book: bool = True,
) -> Summary:
    """Render every spec of `designs_dir` into `output_dir` and write the site and (unless
    `book` is false) the PDF book; `theme` overrides the theme each spec asks for."""
    started = time.perf_counter()
    specs = _spec_files(designs_dir)
    config = site.load_config(designs_dir)
    wait = lock_timeout()

    def waiting(pid: int | None) -> None:
        who = f" (pid {pid})" if pid else ""
        log.warning("waiting for another build in %s%s", printable(str(output_dir)), who)

    with (
        _terminate_as_interrupt(),
        _disk_errors(output_dir),
        locked(output_folder(output_dir), LOCK, wait, waiting) as lock,
    ):
        # recover: temporaries of a build that was killed, then the last good manifest
        clean_stale(output_dir)
        manifest = _read_manifest(output_dir)
        # load: validate every spec here, so ids are known before anything is written
        fingerprint = tool_fingerprint(templates, theme) + config.digest()
        todo, outcomes = _plan(specs, output_dir, manifest, fingerprint)
        for outcome in outcomes:
            _report(progress, outcome)
        # render: the changed designs, in parallel
        settings = (templates, theme, config, book)
        rendered, appendix = _render_all(todo, output_dir, settings, jobs, progress, lock)
        outcomes += rendered
        # publish: drop vanished designs, then write the site and the manifest
        entries = _entries(manifest, todo, outcomes)
        _remove_stale(output_dir, manifest, entries)
        _write_site(output_dir, entries, templates, config, BOOK if book else None)
        if book:
            _write_book(output_dir, entries, templates, config, fingerprint, appendix)
        write_atomic(output_dir / MANIFEST, _manifest_bytes(entries))
    return Summary(sorted(outcomes, key=lambda o: o.source), time.perf_counter() - started)


def lock_timeout() -> float:
    """How long a build waits for another one in the same folder: MLSD_LOCK_TIMEOUT seconds
    if set, else 600."""
    value = os.environ.get(LOCK_TIMEOUT_VARIABLE, "").strip()
    if not value:
        return LOCK_TIMEOUT_SECONDS
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= 7 * 24 * 3600:
        raise UsageError(
            f"{LOCK_TIMEOUT_VARIABLE}={printable(value)}: give a number of seconds >= 0"
        )
    return seconds


def _spec_files(designs_dir: Path) -> list[Path]:
    if not designs_dir.is_dir():
        raise UsageError(f"{designs_dir}: not a folder of design specs")
    return spec_files(designs_dir)


def tool_fingerprint(templates: Path | None, theme: str | None = None) -> str:
    """A hash of what renders a design: this package's code, icons and templates, its
    version, and the theme asked for on the command line."""
    digest = hashlib.sha256(f"{__version__} theme={theme or ''}".encode())
    folders = [PACKAGE_DIR, TEMPLATES_DIR] + ([templates] if templates else [])
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and _counts(p)):
            digest.update(path.relative_to(folder).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _counts(path: Path) -> bool:
    return "__pycache__" not in path.parts and path.suffix != ".pyc"


def _plan(
    specs: list[Path], output_dir: Path, manifest: Manifest, fingerprint: str
) -> tuple[list[_Job], list[Outcome]]:
    """Unchanged specs are skipped first (their ids come from the manifest); the others are
    loaded and validated, and one whose id is taken fails."""
    digests = {spec: _digest(spec, fingerprint) for spec in specs}
    known = {entry.get("source"): design_id for design_id, entry in manifest.items()}
    outcomes: list[Outcome] = []
    owners: dict[str, str] = {}
    for spec, digest in digests.items():
        design_id = known.get(str(spec))
        if design_id and _up_to_date(output_dir, manifest[design_id], digest):
            owners[design_id] = str(spec)
            outcomes.append(Outcome(str(spec), "skipped", design_id))
    todo: list[_Job] = []
    for spec, digest in digests.items():
        if str(spec) in owners.values():
            continue
        job_or_failure = _load(spec, digest, owners)
        if isinstance(job_or_failure, Outcome):
            outcomes.append(job_or_failure)
        else:
            owners[job_or_failure.design.id] = str(spec)
            todo.append(job_or_failure)
    return todo, outcomes


def _digest(spec: Path, fingerprint: str) -> str:
    try:
        content = spec.read_bytes()
    except OSError:
        content = b""
    return hashlib.sha256(content + fingerprint.encode()).hexdigest()


def _load(spec: Path, digest: str, owners: dict[str, str]) -> _Job | Outcome:
    from .validate import load_design

    try:
        design = load_design(spec)
    except MlsdError as exc:
        return Outcome(str(spec), "failed", message=str(exc))
    if design.id in owners:
        message = f"{spec}:1:1: id: '{design.id}' is also the id of {owners[design.id]}"
        return Outcome(str(spec), "failed", design.id, message)
    return _Job(str(spec), design, digest)


def _up_to_date(output_dir: Path, entry: dict[str, Any], digest: str) -> bool:
    if entry.get("digest") != digest:
        return False
    return all((output_dir / entry["card"]["id"] / name).is_file() for name in entry["files"])


# the templates folder and the theme, if given, the site's config (mlsd.toml), and whether
# the book is made (each design's chapter of it is then typeset by the design's worker)
Settings = tuple[Path | None, str | None, site.SiteConfig, bool]


def _render_all(
    todo: list[_Job],
    output_dir: Path,
    settings: Settings,
    jobs: int | None,
    progress: Callable[[Outcome], None] | None,
    lock: int = -1,
) -> tuple[list[Outcome], bytes | None]:
    """The designs of `todo` rendered, in worker processes when there are several jobs;
    with the book, which is then put together again, its appendix is typeset by a worker
    too, beside the designs (returned, else None: typeset with the book)."""
    templates, _, config, book = settings
    appendix_too = book and bool(todo)
    workers = min(jobs or os.cpu_count() or 1, len(todo) + appendix_too)
    if workers <= 1:
        return [_report(progress, _render_one(job, output_dir, settings)) for job in todo], None
    start = (os.getpid(), lock)
    with ProcessPoolExecutor(workers, initializer=_worker_start, initargs=start) as pool:
        appendix = pool.submit(_typeset_appendix, config, templates) if appendix_too else None
        futures = [pool.submit(_render_in_worker, job, output_dir, settings) for job in todo]
        try:
            outcomes = [_report(progress, future.result()) for future in as_completed(futures)]
            return outcomes, appendix.result() if appendix else None
        except BrokenProcessPool:
            message = "a render worker died (out of memory, or killed); build again"
            raise RenderError(message) from None
        except BaseException as exc:
            if isinstance(exc, Terminated):  # Ctrl-C reaches the workers; SIGTERM only us
                for worker in multiprocessing.active_children():
                    worker.terminate()
            pool.shutdown(wait=True, cancel_futures=True)  # no design starts any more
            raise


def _typeset_appendix(config: site.SiteConfig, templates: Path | None) -> bytes:
    """The book's appendix, typeset in a worker (nothing to clean up if it is stopped)."""
    from .render import book

    return book.appendix_pdf(config, templates)


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled as Ctrl-C is: the build stops cleanly."""


@contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(_signum: int, _frame: object) -> None:
        raise Terminated()

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


_busy = False  # in a worker: a design is under way
_stopping = False  # in a worker: Ctrl-C or SIGTERM came


def _worker_start(parent: int, lock: int) -> None:
    """A worker ends when its build does: killed with it, or stopped by SIGTERM."""
    if lock >= 0:
        os.close(lock)  # the build's lock is the build's: a worker never holds it
    signal.signal(signal.SIGTERM, _worker_terminated)
    signal.signal(signal.SIGINT, _worker_terminated)
    die_with_parent(signal.SIGTERM)
    watch_parent(parent)
    if os.getppid() != parent:  # the build died before the death signal was set
        os._exit(143)


def _worker_terminated(signum: int, _frame: object) -> None:
    """Ctrl-C or SIGTERM in a worker: no `dot` starts any more, and the design under way
    cleans up (see _render_in_worker); between designs the worker ends at once."""
    global _stopping
    _stopping = True
    stop_process()
    if _busy:
        raise KeyboardInterrupt
    os._exit(130 if signum == signal.SIGINT else 143)


def _render_in_worker(job: _Job, output_dir: Path, settings: Settings) -> Outcome:
    """`_render_one` in a worker process. Ctrl-C (which reaches the workers too) or SIGTERM
    ends the worker once the design under way has cleaned up, instead of starting the next."""
    global _busy
    _busy = True
    try:
        outcome = _render_one(job, output_dir, settings, threads=1)  # one worker per core
    except BaseException:
        if not _stopping:
            raise
        _stop_worker(output_dir)
    finally:
        _busy = False
    if _stopping:  # also when the interrupt was swallowed (raised inside a finalizer)
        _stop_worker(output_dir)
    return outcome


def _stop_worker(output_dir: Path) -> NoReturn:
    clean_own(output_dir)  # the interrupt may have landed inside a temporary's clean-up
    os._exit(130)


def _report(progress: Callable[[Outcome], None] | None, outcome: Outcome) -> Outcome:
    if progress is not None:
        progress(outcome)
    return outcome


def _render_one(
    job: _Job, output_dir: Path, settings: Settings, threads: int | None = None
) -> Outcome:
    """Render one design, its thumbnail and its page, published together (in a worker)."""
    from .build import render_design

    templates, theme, config, book = settings
    design_id = job.design.id
    stage_page = partial(_stage_site_files, job, templates, config, book)
    try:
        rendered = render_design(
            job.design,
            output_dir,
            DEFAULT_FORMATS,
            templates,
            theme=theme,
            extras=stage_page,
            threads=threads,
        )
    except MlsdError as exc:
        return Outcome(job.source, "failed", design_id, f"{job.source}: {exc}")
    except Exception as exc:  # a bug met by one design never stops the others
        message = f"{job.source}: internal error, please report it: {type(exc).__name__}: {exc}"
        return Outcome(job.source, "failed", design_id, printable(message))
    folder = output_dir / design_id
    if not book:  # typeset pages of an earlier look at this design would be out of date
        (folder / CHAPTER_PDF).unlink(missing_ok=True)
    files = sorted(p.relative_to(folder).as_posix() for p in rendered.files)
    return Outcome(job.source, "built", design_id, files=tuple(files))


def _stage_site_files(
    job: _Job,
    templates: Path | None,
    config: site.SiteConfig,
    book: bool,
    scratch: Path,
    made: Made,
) -> list[Path]:
    """The thumbnail, the spec and the HTML page of a design, and its chapter of the book
    (HTML, and with the book its pages typeset: here, in the design's worker, in parallel
    with the other designs), staged beside its other files; the page and the chapter show
    the write-up the render made."""
    design, writeup = job.design, made.writeup
    thumbnail = scratch / f"{design.id}-thumb.png"
    overview = scratch / BY_NAME["png"].path(design.id)  # a default format: drawn already
    thumbnail.write_bytes(site.thumbnail(overview.read_bytes()))
    spec = scratch / f"{design.id}.yaml"
    spec.write_bytes(Path(job.source).read_bytes())
    page = scratch / "index.html"
    card, views = site.Card.of(design), site.view_links(design)
    html = site.design_page(card, writeup, templates, views, config=config, source=design.source)
    page.write_text(html, encoding="utf-8")
    chapter = scratch / CHAPTER
    html = site.chapter_html(card, writeup, views, design.source, templates)
    chapter.write_text(html, encoding="utf-8")
    if not book:
        return [thumbnail, spec, page, chapter]
    from .render import paged

    pages = scratch / CHAPTER_PDF  # read from the pictures staged in `scratch`
    pages.write_bytes(paged.chapter_pdf(card, html, scratch, templates))
    return [thumbnail, spec, page, chapter, pages]


def _entries(manifest: Manifest, todo: list[_Job], outcomes: list[Outcome]) -> Manifest:
    """The manifest after this build: built and skipped designs, and the last good build of
    a design whose spec is broken now (its output stays until the spec is fixed)."""
    jobs = {job.design.id: job for job in todo}
    entries: Manifest = {}
    for outcome in outcomes:
        if outcome.status == "skipped" and outcome.design_id:
            entries[outcome.design_id] = manifest[outcome.design_id]
        elif outcome.status == "built" and outcome.design_id:
            job = jobs[outcome.design_id]
            entries[outcome.design_id] = {
                "source": job.source,
                "digest": job.digest,
                "card": site.Card.of(job.design).to_dict(),
                "files": list(outcome.files),
            }
    failed_sources = {o.source for o in outcomes if o.status == "failed"}
    for design_id, entry in manifest.items():
        if entry.get("source") in failed_sources and design_id not in entries:
            entries[design_id] = entry
    return dict(sorted(entries.items()))


def _remove_stale(output_dir: Path, manifest: Manifest, entries: Manifest) -> None:
    for design_id in sorted(set(manifest) - set(entries)):
        folder = output_dir / design_id
        if folder.is_dir() and not folder.is_symlink():
            shutil.rmtree(folder)


def _write_site(
    output_dir: Path,
    entries: Manifest,
    templates: Path | None,
    config: site.SiteConfig,
    book: str | None,
) -> None:
    cards = [site.Card.from_dict(entry["card"]) for entry in entries.values()]
    real_folder(output_dir / "assets")
    for name in site.ASSETS:
        write_atomic(output_dir / "assets" / name, site.asset(name, templates))
    texts = {
        card.id: _read_text(output_dir / card.id / BY_NAME["md"].path(card.id)) for card in cards
    }
    write_atomic(output_dir / "assets" / SEARCH_INDEX, site.search_index(texts).encode("utf-8"))
    index = site.index_page(cards, templates, config, book)
    write_atomic(output_dir / "index.html", index.encode("utf-8"))
    write_atomic(output_dir / "README.md", site.readme_index(cards, templates).encode("utf-8"))


def _write_book(
    output_dir: Path,
    entries: Manifest,
    templates: Path | None,
    config: site.SiteConfig,
    fingerprint: str,
    appendix: bytes | None = None,
) -> None:
    """The portfolio as one PDF (`portfolio.pdf`), put together again only when a design,
    the config or the tool changed: its digest is kept beside it. Each chapter is the pages
    the design's worker typeset (`chapter.pdf`, if this design's last render made it: the
    manifest lists it), else typeset here from its HTML (a design built with --no-book);
    the appendix is the one a worker typeset, if given."""
    from .render import book, paged

    digest = hashlib.sha256(f"{fingerprint} {config.digest()}".encode())
    for design_id, entry in entries.items():
        digest.update(f" {design_id}={entry['digest']}".encode())
    marker, pdf = output_dir / BOOK_DIGEST, output_dir / BOOK
    if pdf.is_file() and _read_text(marker) == digest.hexdigest():
        return
    chapters = []
    for design_id, entry in entries.items():
        folder = output_dir / design_id
        card = site.Card.from_dict(entry["card"])
        html, pages = folder / CHAPTER, folder / CHAPTER_PDF
        if CHAPTER_PDF in entry["files"] and _regular(pages):
            chapters.append(book.Chapter(card, pages.read_bytes()))
        elif _regular(html):
            typeset = paged.chapter_pdf(card, html.read_text(encoding="utf-8"), folder, templates)
            chapters.append(book.Chapter(card, typeset))
    write_atomic(pdf, book.book_pdf(chapters, config, templates, appendix))
    write_atomic(marker, digest.hexdigest().encode("ascii"))


def _regular(path: Path) -> bool:
    return path.is_file() and not path.is_symlink()


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def _read_manifest(output_dir: Path) -> Manifest:
    """The designs of the last build; an entry that does not look like ours is dropped (its
    design is then rebuilt), so a tampered manifest never names a path outside the folder."""
    try:
        data = json.loads((output_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    designs = data.get("designs") if isinstance(data, dict) else None
    if not isinstance(designs, dict):
        return {}
    return {key: entry for key, entry in designs.items() if _sound_entry(key, entry)}


_DESIGN_ID = re.compile(ID_PATTERN)
_FILE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*(/[A-Za-z0-9_][A-Za-z0-9_.-]*)?")
_CARD_FIELDS = frozenset(site.Card.__dataclass_fields__)


def _sound_entry(design_id: object, entry: object) -> bool:
    if not isinstance(design_id, str) or not _DESIGN_ID.fullmatch(design_id):
        return False
    if not isinstance(entry, dict) or not isinstance(entry.get("digest"), str):
        return False
    card, files = entry.get("card"), entry.get("files")
    if not isinstance(card, dict) or set(card) != _CARD_FIELDS or card["id"] != design_id:
        return False
    if not isinstance(card["tags"], list) or not isinstance(files, list):
        return False
    return all(isinstance(name, str) and _FILE_NAME.fullmatch(name) for name in files)


def _manifest_bytes(entries: Manifest) -> bytes:
    document = {"tool": f"mlsd-diagrams {__version__}", "designs": entries}
    return (json.dumps(document, indent=2, sort_keys=True) + "\n").encode("utf-8")


@contextmanager
def _disk_errors(output_dir: Path) -> Iterator[None]:
    """A full disk or a read-only folder is a clear render error, not a traceback."""
    try:
        yield
    except OSError as exc:
        where = exc.filename or output_dir
        raise RenderError(f"{where}: {exc.strerror or exc}") from None

"""Build a folder of designs into a portfolio: every design rendered, plus a static site.

The pipeline: skip the specs whose content hash (spec, templates, tool) is unchanged → load
and validate the others (in this process, so ids are known and unique) → render them in
parallel processes → remove designs that disappeared → write the site and the manifest.
A broken spec is reported and never stops the others. Builds into one folder take turns.
A no-op rebuild imports neither pydantic nor `diagrams`: it reads bytes and compares hashes.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .errors import MlsdError, UsageError
from .render import site
from .render.templating import TEMPLATES_DIR
from .write import write_atomic

if TYPE_CHECKING:
    from .model import Design

MANIFEST = ".mlsd-build.json"
LOCK = ".mlsd-build.lock"
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
) -> Summary:
    """Render every spec of `designs_dir` into `output_dir` and write the site."""
    started = time.perf_counter()
    specs = _spec_files(designs_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    with _locked(output_dir):
        manifest = _read_manifest(output_dir)
        # load: validate every spec here, so ids are known before anything is written
        fingerprint = tool_fingerprint(templates)
        todo, outcomes = _plan(specs, output_dir, manifest, fingerprint)
        for outcome in outcomes:
            _report(progress, outcome)
        # render: the changed designs, in parallel
        outcomes += _render_all(todo, output_dir, templates, jobs, progress)
        # publish: drop vanished designs, then write the site and the manifest
        entries = _entries(manifest, todo, outcomes)
        _remove_stale(output_dir, manifest, entries)
        _write_site(output_dir, entries, templates)
        write_atomic(output_dir / MANIFEST, _manifest_bytes(entries))
    return Summary(sorted(outcomes, key=lambda o: o.source), time.perf_counter() - started)


def _spec_files(designs_dir: Path) -> list[Path]:
    if not designs_dir.is_dir():
        raise UsageError(f"{designs_dir}: not a folder of design specs")
    return sorted(p for p in designs_dir.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def tool_fingerprint(templates: Path | None) -> str:
    """A hash of what renders a design: this package's code, icons and templates, and version."""
    digest = hashlib.sha256(__version__.encode())
    folders = [PACKAGE_DIR, TEMPLATES_DIR] + ([templates] if templates else [])
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and _counts(p)):
            digest.update(path.relative_to(folder).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _counts(path: Path) -> bool:
    return "__pycache__" not in path.parts and path.suffix != ".pyc"


def _plan(
    specs: list[Path], output_dir: Path, manifest: dict[str, dict], fingerprint: str
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


def _render_all(
    todo: list[_Job],
    output_dir: Path,
    templates: Path | None,
    jobs: int | None,
    progress: Callable[[Outcome], None] | None,
) -> list[Outcome]:
    workers = min(jobs or os.cpu_count() or 1, len(todo))
    if workers <= 1:
        return [_report(progress, _render_one(job, output_dir, templates)) for job in todo]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(_render_one, job, output_dir, templates) for job in todo]
        return [_report(progress, future.result()) for future in as_completed(futures)]


def _report(progress: Callable[[Outcome], None] | None, outcome: Outcome) -> Outcome:
    if progress is not None:
        progress(outcome)
    return outcome


def _render_one(job: _Job, output_dir: Path, templates: Path | None) -> Outcome:
    """Render one design and its site page (runs in a worker process)."""
    from .build import FORMATS, render_design
    from .graph import build_graph
    from .render.writeup import to_markdown

    try:
        rendered = render_design(job.design, output_dir, FORMATS, templates)
        folder = output_dir / job.design.id
        card = site.Card.of(job.design)
        png = (folder / f"{job.design.id}.png").read_bytes()
        write_atomic(folder / f"{job.design.id}-thumb.png", site.thumbnail(png))
        writeup = to_markdown(job.design, build_graph(job.design), None, templates)
        page = site.design_page(card, writeup, templates)
        write_atomic(folder / "index.html", page.encode("utf-8"))
    except MlsdError as exc:
        return Outcome(job.source, "failed", job.design.id, str(exc))
    files = sorted({p.relative_to(folder).as_posix() for p in rendered.files})
    files += [f"{job.design.id}-thumb.png", "index.html"]
    return Outcome(job.source, "built", job.design.id, files=tuple(files))


def _entries(manifest: dict[str, dict], todo: list[_Job], outcomes: list[Outcome]) -> dict:
    """The manifest after this build: built and skipped designs, and the last good build of
    a design whose spec is broken now (its output stays until the spec is fixed)."""
    jobs = {job.design.id: job for job in todo}
    entries: dict[str, dict] = {}
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


def _remove_stale(output_dir: Path, manifest: dict[str, dict], entries: dict) -> None:
    for design_id in sorted(set(manifest) - set(entries)):
        folder = output_dir / design_id
        if folder.is_dir() and not folder.is_symlink():
            shutil.rmtree(folder)


def _write_site(output_dir: Path, entries: dict, templates: Path | None) -> None:
    cards = [site.Card.from_dict(entry["card"]) for entry in entries.values()]
    (output_dir / "assets").mkdir(exist_ok=True)
    for name in site.ASSETS:
        write_atomic(output_dir / "assets" / name, site.asset(name, templates))
    write_atomic(output_dir / "index.html", site.index_page(cards, templates).encode("utf-8"))
    write_atomic(output_dir / "README.md", site.readme_index(cards, templates).encode("utf-8"))


def _read_manifest(output_dir: Path) -> dict[str, dict]:
    try:
        data = json.loads((output_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data.get("designs", {}) if isinstance(data, dict) else {}


def _manifest_bytes(entries: dict) -> bytes:
    document = {"tool": f"mlsd-diagrams {__version__}", "designs": entries}
    return (json.dumps(document, indent=2, sort_keys=True) + "\n").encode("utf-8")


@contextmanager
def _locked(output_dir: Path) -> Iterator[None]:
    """One build at a time per output folder; a second one waits for the first."""
    with open(output_dir / LOCK, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)

"""The orchestrator: spec file → design → graph → DOT → images, written into the output folder.

This is the only module that writes a design's files. Every file of a design is first written
into a hidden temporary folder beside its destination (`.mlsd-tmp-...`), then moved into
place, one atomic rename each, so a failed or killed render never leaves a half-written file
behind: each file is the previous one or the new one, whole. Nothing is written through a
symbolic link, and every path is `output/<design-id>/...` with an id of the safe pattern.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from contextvars import copy_context
from dataclasses import dataclass, replace
from functools import cached_property, partial
from pathlib import Path
from typing import Any

from . import arrange, compiled, pictures
from .errors import RenderError
from .formats import BY_NAME, DEFAULT_FORMATS, TextJob, chosen, function
from .graph import Graph, build_graph
from .load import load_bytes, read_spec
from .model import Design
from .pictures import Picture
from .render.dot import to_dot
from .render.graphviz import Batch, checked_dot, cores, time_budget, timeout_seconds
from .render.layout import engine
from .staging import Rendered, design_folder, finish_images, fonts_meanwhile, publish
from .validate import load_design as load_design  # tests and the bench load specs so
from .validate import validate
from .write import clean_stale, output_folder, temp_prefix


@dataclass(frozen=True)
class Made:
    """What a render made that the files staged beside it reuse (the portfolio's page and
    chapter: see `render_design`'s `extras`): the design's graph, and its write-up without the
    picture line (a page shows the pictures itself), rendered once for all of them."""

    design: Design
    graph: Graph
    templates: Path | None

    @cached_property
    def writeup(self) -> str:
        from .render.writeup import to_markdown

        return to_markdown(self.design, self.graph, None, self.templates)


def render_file(
    path: Path,
    output_dir: Path,
    formats: tuple[str, ...] = DEFAULT_FORMATS,
    templates: Path | None = None,
    theme: str | None = None,
    raw: bytes | None = None,
) -> Rendered:
    """Render the spec at `path` (its bytes `raw`, if read already); what its overview was
    drawn from is kept for a later render of the same spec (compiled.py)."""
    if raw is None:
        raw = read_spec(path)
    design = validate(load_bytes(raw, str(path)))
    clean_stale(output_folder(output_dir))
    try:
        with arrange.noting_guesses() as guessed:
            rendered = render_design(design, output_dir, formats, templates, theme=theme)
    except RenderError as exc:
        raise type(exc)(f"{path}: {exc}") from None
    if not guessed:  # a sketch, or a picture past its search's time budget: drawn again later
        compiled.remember(raw, theme, rendered)
    return rendered


def render_design(
    design: Design,
    output_dir: Path,
    formats: tuple[str, ...] = DEFAULT_FORMATS,
    templates: Path | None = None,
    *,
    theme: str | None = None,
    extras: Callable[[Path, Made], list[Path]] | None = None,
    threads: int | None = None,
    dot_timeout: float | None = None,
) -> Rendered:
    """Render every format of `design` into `output_dir/<id>/`, drawn with `theme` (else the
    spec's); `extras(scratch, made)` may stage more files beside them from what the render
    made (the portfolio's thumbnail and page), published with them. The pictures' `dot` runs
    go `threads` at a time (by default one per core): they are independent processes. Each
    `dot` run may take `dot_timeout` seconds (by default MLSD_DOT_TIMEOUT's, read here once,
    else 60)."""
    budget = timeout_seconds() if dot_timeout is None else dot_timeout
    # the trial layouts of each picture (arrange.py) too; a search that cannot run is not
    # tried again in this render, but is in the next
    with time_budget(budget), arrange.one_pass():
        return _render(design, output_dir, formats, templates, theme, extras, threads)


def _render(
    design: Design,
    output_dir: Path,
    formats: tuple[str, ...],
    templates: Path | None,
    theme: str | None,
    extras: Callable[[Path, Made], list[Path]] | None,
    threads: int | None,
) -> Rendered:
    target = design_folder(output_dir, design.id)
    # graph: the plain, deterministic graph of the design, and its DOT source
    graph = build_graph(design)
    main = pictures.overview(design, graph, theme)
    source = to_dot(graph, main.options)
    # text outputs first, so a template error writes nothing
    job = TextJob(design, graph, source, formats, templates, main.options.theme)
    texts = _texts(job, laid_out=False)
    if any(fmt.laid_out for fmt in chosen(formats)):
        checked_dot()  # a missing or too old Graphviz fails before anything is written
    try:
        with tempfile.TemporaryDirectory(dir=output_dir, prefix=temp_prefix(design.id)) as folder:
            scratch = Path(folder)
            # render: every file is staged in a hidden folder beside the destination; the
            # overview is drawn first, in the background, while the views and frames are
            # made ready, then drawn beside it (`workers` at a time)
            batch = Batch()  # the `dot` runs of this render, stopped together on Ctrl-C
            workers = threads or cores()
            if not chosen(formats, "pictures"):  # the overview alone: drawn right here
                workers = 1
            with ThreadPoolExecutor(workers + 1) if workers > 1 else _Inline() as pool:
                try:
                    overview = pool.submit(copy_context().run, _stage, job, texts, scratch, batch)
                    drawing = _start_pictures(design, graph, formats, theme, scratch, pool, batch)
                    staged = overview.result()
                    staged += _finish_pictures(design, theme, scratch, drawing)
                finally:
                    batch.stop()
                    pool.shutdown(cancel_futures=True)
            made = Made(design, graph, templates)
            for fmt in chosen(formats, "answer"):  # typeset from the pictures staged above
                answer = scratch / fmt.path(design.id)
                staged.append(_stage_answer(made, formats, theme, answer))
            staged += extras(scratch, made) if extras else []
            # publish: move the finished files into place, one atomic rename each
            files = [publish(path, target, path.relative_to(scratch)) for path in staged]
            _prune(target, files, formats)
    except OSError as exc:
        raise RenderError(f"{exc.filename or target}: {exc.strerror or exc}") from None
    return Rendered(design.id, tuple(files), source)


def _stage(
    job: TextJob, texts: dict[str, str], scratch: Path, batch: Batch | None = None
) -> list[Path]:
    """The single files of the overview: its images, then its texts, then their companions
    (the script's icons). The views, the build-up and the answer are staged apart."""
    single = [fmt for fmt in chosen(job.formats) if fmt.kind in ("image", "text")]
    staged = {fmt.name: scratch / fmt.path(job.design.id) for fmt in single}
    # one `dot` call lays out once and writes every image format (and the layout)
    images = {fmt.name: staged[fmt.name] for fmt in single if fmt.kind == "image"}
    laid_out = any(fmt.kind == "text" and fmt.laid_out for fmt in single)
    if images or laid_out:
        with fonts_meanwhile(job.source, images):
            layout = engine().draw(job.source, images, layout=laid_out, batch=batch)
    if laid_out:
        texts = {**texts, **_texts(replace(job, layout=layout), laid_out=True)}
    finish_images(staged)
    for name, text in texts.items():
        staged[name].write_text(text, encoding="utf-8")
    return [*staged.values(), *_stage_companions(job, scratch)]


class _Inline(ThreadPoolExecutor):
    """An executor that runs each task at once in the calling thread: one `dot` at a time,
    as a build's worker process draws (the build runs one worker per core already)."""

    def __init__(self) -> None:
        super().__init__(max_workers=1)

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:
            future.set_exception(exc)
        return future


@dataclass(frozen=True)
class _Drawing:
    """The pictures of a design being drawn, per format (the views, the build-up's frames)."""

    files: dict[str, list[Future[list[Path]]]]


def _start_pictures(
    design: Design,
    graph: Graph,
    formats: tuple[str, ...],
    theme: str | None,
    scratch: Path,
    pool: ThreadPoolExecutor,
    batch: Batch,
) -> _Drawing:
    """Start drawing the pictures of every `pictures` format (views, build-up frames)."""
    made: dict[str, list[Picture]] = {}
    for fmt in chosen(formats, "pictures"):
        if fmt.pictures:
            made[fmt.name] = function(fmt.pictures)(design, graph, theme)
    # the folders are made here, never by a drawing thread: a thread still running after an
    # interrupt must not bring back a scratch folder that was already removed
    for picture in (picture for listed in made.values() for picture in listed):
        (scratch / picture.name).parent.mkdir(exist_ok=True)
    # the pictures gathered into one more file (the GIF's frames) are drawn first: that file
    # waits for all of them, the others wait for nothing; each in a copy of this context (the
    # engine and the render's time budget hold there)
    started: dict[str, list[Future[list[Path]]]] = {}
    for name in _gathered_first(made):
        draw = partial(_draw, formats=BY_NAME[name].picture_formats, scratch=scratch, batch=batch)
        started[name] = [pool.submit(copy_context().run, draw, picture) for picture in made[name]]
    return _Drawing({name: started[name] for name in made})


def _finish_pictures(
    design: Design, theme: str | None, scratch: Path, drawing: _Drawing
) -> list[Path]:
    """The drawn pictures, each format's gathered into its one file if it has one (the
    animated GIF of the frames), listed in the formats' order. The formats gathered into one
    file are finished first (drawn first): the GIF is put together while the views are
    still being drawn."""
    staged: dict[str, list[Path]] = {}
    for name in _gathered_first(drawing.files):
        drawn = [path for future in drawing.files[name] for path in future.result()]
        staged[name] = drawn
        fmt = BY_NAME[name]
        if fmt.finish and drawn:
            target = scratch / fmt.path(design.id)
            function(fmt.finish)(drawn, target, pictures.theme_of(design, theme))
            staged[name] = [*drawn, target]
    return [path for name in drawing.files for path in staged[name]]


def _gathered_first(names: Iterable[str]) -> list[str]:
    """`names` with the formats whose pictures are gathered into one more file first."""
    return sorted(names, key=lambda name: BY_NAME[name].finish is None)


def _draw(picture: Picture, formats: tuple[str, ...], scratch: Path, batch: Batch) -> list[Path]:
    """Draw one picture with the engine in force."""
    outputs = {fmt: scratch / f"{picture.name}.{fmt}" for fmt in formats}
    source = to_dot(picture.graph, picture.options)
    with fonts_meanwhile(source, outputs):
        engine().draw(source, outputs, dpi=picture.dpi, batch=batch)
    finish_images(outputs)
    return list(outputs.values())


def _stage_answer(made: Made, formats: tuple[str, ...], theme: str | None, answer: Path) -> Path:
    """The whole answer typeset as a PDF, its diagrams read from the staged SVG files (drawn
    into a folder that is not published when the SVG formats were not asked for, one `dot`
    per core at a time)."""
    from .render import paged, site

    design, graph, templates = made.design, made.graph, made.templates
    scratch = pictures_folder = answer.parent
    if "svg" not in formats or "views" not in formats:
        pictures_folder = scratch / ".answer-pictures"
        main = pictures.overview(design, graph, theme)
        drawn = [main, *pictures.view_pictures(design, graph, theme)]
        for picture in drawn:
            (pictures_folder / picture.name).parent.mkdir(parents=True, exist_ok=True)
        batch = Batch()
        with ThreadPoolExecutor(cores()) as pool:
            try:
                draw = partial(_draw, formats=("svg",), scratch=pictures_folder, batch=batch)
                futures = [pool.submit(copy_context().run, draw, picture) for picture in drawn]
                for future in futures:
                    future.result()
            finally:
                batch.stop()
                pool.shutdown(cancel_futures=True)
    card = site.Card.of(design)
    chapter = site.chapter_html(
        card, made.writeup, site.view_links(design), design.source, templates
    )
    answer.write_bytes(paged.answer_pdf(card, chapter, pictures_folder, templates))
    return answer


def _texts(job: TextJob, *, laid_out: bool) -> dict[str, str]:
    """The text formats asked for that need the layout (`laid_out`), or those that do not."""
    return {
        fmt.name: function(fmt.produce)(job)
        for fmt in chosen(job.formats, "text")
        if fmt.produce and fmt.laid_out == laid_out
    }


def _stage_companions(job: TextJob, scratch: Path) -> list[Path]:
    """The files a text format needs beside it (the exported script's bundled icons)."""
    staged = []
    for fmt in chosen(job.formats, "text"):
        if fmt.companions:
            for relative, data in function(fmt.companions)(job):
                staged.append(scratch / relative)
                staged[-1].parent.mkdir(exist_ok=True)
                staged[-1].write_bytes(data)
    return staged


def _prune(target: Path, published: list[Path], formats: tuple[str, ...]) -> None:
    """Remove the views and frames an earlier render wrote that this one did not (a view
    taken out of the spec, a stage gone)."""
    keep = set(published)
    for fmt in chosen(formats, "pictures"):
        if fmt.folder is None:
            continue
        path = target / fmt.folder
        suffixes = fmt.suffixes
        if path.is_symlink() or not path.is_dir():
            continue
        for entry in path.iterdir():
            if entry.suffix in suffixes and entry not in keep and not entry.is_dir():
                entry.unlink()

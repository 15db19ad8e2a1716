"""The orchestrator: spec file → design → graph → DOT → images, written into the output folder.

This is the only module that writes a design's files. Every file of a design is first written
into a hidden temporary folder beside its destination (`.mlsd-tmp-...`), then moved into
place, one atomic rename each, so a failed or killed render never leaves a half-written file
behind: each file is the previous one or the new one, whole. Nothing is written through a
symbolic link, and every path is `output/<design-id>/...` with an id of the safe pattern.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import catalog, pictures
from .errors import RenderError, shown
from .graph import Graph, build_graph
from .model import ID_PATTERN, Design
from .pictures import Picture
from .render.dot import to_dot
from .render.graphviz import Batch, checked_dot, cores, run_dot
from .render.pdf import fix_creation_date
from .render.style import Theme
from .render.svg import self_contained
from .validate import load_design
from .write import clean_stale, output_folder, real_folder, refuse_link, temp_prefix

FORMATS = ("png", "svg", "pdf", "dot", "md", "py", "views", "gif", "excalidraw", "answer-pdf")
# What `mlsd render` writes unless told: everything but the typeset answer (slower, opt-in).
DEFAULT_FORMATS = tuple(fmt for fmt in FORMATS if fmt != "answer-pdf")
IMAGE_FORMATS = ("png", "svg", "pdf")
LAID_OUT_FORMATS = (*IMAGE_FORMATS, "views", "gif", "excalidraw", "answer-pdf")  # need `dot`
MANY_FILE_FORMATS = ("views", "gif", "answer-pdf")  # staged apart (pictures, answer)
FRAME_DPI = 48  # the build-up's frames: half the screen resolution of the diagram
# Subfolders that hold one file per view or frame, with the format that writes each and the
# suffixes of its files: what a render of that format does not write is stale.
GENERATED_FOLDERS = {"views": ("views", (".png", ".svg")), "buildup": ("gif", (".png",))}


@dataclass(frozen=True)
class Rendered:
    """What one render wrote."""

    design_id: str
    files: tuple[Path, ...]


def render_file(
    path: Path,
    output_dir: Path,
    formats: tuple[str, ...] = DEFAULT_FORMATS,
    templates: Path | None = None,
    theme: str | None = None,
) -> Rendered:
    design = load_design(path)
    clean_stale(output_folder(output_dir))
    try:
        return render_design(design, output_dir, formats, templates, theme=theme)
    except RenderError as exc:
        raise type(exc)(f"{path}: {exc}") from None


def render_design(
    design: Design,
    output_dir: Path,
    formats: tuple[str, ...] = DEFAULT_FORMATS,
    templates: Path | None = None,
    *,
    theme: str | None = None,
    extras: Callable[[Path], list[Path]] | None = None,
    threads: int | None = None,
) -> Rendered:
    """Render every format of `design` into `output_dir/<id>/`, drawn with `theme` (else the
    spec's); `extras(scratch)` may stage more files beside them (the portfolio's thumbnail
    and page), published with them. The pictures' `dot` runs go `threads` at a time (by
    default one per core): they are independent processes."""
    target = _design_folder(output_dir, design.id)
    # graph: the plain, deterministic graph of the design, and its DOT source
    graph = build_graph(design)
    main = pictures.overview(design, graph, theme)
    source = to_dot(graph, main.options)
    # text outputs first, so a template error writes nothing
    texts = _texts(design, graph, source, formats, templates)
    if any(fmt in LAID_OUT_FORMATS for fmt in formats):
        checked_dot()  # a missing or too old Graphviz fails before anything is written
    try:
        with tempfile.TemporaryDirectory(dir=output_dir, prefix=temp_prefix(design.id)) as folder:
            scratch = Path(folder)
            # render: every file is staged in a hidden folder beside the destination; the
            # views and frames are drawn in the background while the overview is
            batch = Batch()  # the `dot` runs of this render, stopped together on Ctrl-C
            workers = threads or cores()
            with ThreadPoolExecutor(workers) if workers > 1 else _Inline() as pool:
                try:
                    drawing = _start_pictures(design, graph, formats, theme, scratch, pool, batch)
                    theme_used = main.options.theme
                    staged = _stage(design.id, graph, source, texts, formats, scratch, theme_used)
                    staged += _finish_pictures(design, theme, scratch, drawing)
                finally:
                    batch.stop()
                    pool.shutdown(cancel_futures=True)
            if "answer-pdf" in formats:  # typeset from the pictures staged above
                staged.append(_stage_answer(design, graph, formats, (templates, theme), scratch))
            staged += extras(scratch) if extras else []
            # publish: move the finished files into place, one atomic rename each
            files = [_publish(path, target, path.relative_to(scratch)) for path in staged]
            _prune(target, files, formats)
    except OSError as exc:
        raise RenderError(f"{exc.filename or target}: {exc.strerror or exc}") from None
    return Rendered(design.id, tuple(files))


def _stage(
    design_id: str,
    graph: Graph,
    source: str,
    texts: dict[str, str],
    formats: tuple[str, ...],
    scratch: Path,
    theme: Theme,
) -> list[Path]:
    # views, the build-up and the answer PDF are staged apart
    staged = {
        fmt: scratch / f"{design_id}.{fmt}" for fmt in formats if fmt not in MANY_FILE_FORMATS
    }
    # one `dot` call lays out once and writes every image format (and the layout)
    images = {fmt: path for fmt, path in staged.items() if fmt in IMAGE_FORMATS}
    excalidraw = "excalidraw" in staged
    if images or excalidraw:
        layout = run_dot(source, images, catalog.icon_search_path(), layout=excalidraw)
    if excalidraw:
        from .render.excalidraw import to_excalidraw
        from .render.layout import parse_layout

        scene = to_excalidraw(graph, parse_layout(layout), stage_colors=theme.stage_colors)
        texts = {**texts, "excalidraw": scene}
    _finish_images(staged)
    for fmt, text in texts.items():
        staged[fmt].write_text(text, encoding="utf-8")
    icons = _stage_icons(graph, scratch) if "py" in formats else []
    return [*staged.values(), *icons]


def _finish_images(staged: dict[str, Path]) -> None:
    """Self-contained SVG (icons and fonts inlined), reproducible PDF (fixed creation date)."""
    if "svg" in staged:
        _rewrite(staged["svg"], lambda svg: self_contained(svg.decode("utf-8")).encode("utf-8"))
    if "pdf" in staged:
        _rewrite(staged["pdf"], fix_creation_date)


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
    """The pictures of a design being drawn: the views' files, the build-up's frames."""

    views: list[Future[list[Path]]]
    frames: list[Future[list[Path]]]


def _start_pictures(
    design: Design,
    graph: Graph,
    formats: tuple[str, ...],
    theme: str | None,
    scratch: Path,
    pool: ThreadPoolExecutor,
    batch: Batch,
) -> _Drawing:
    """Start drawing the views (PNG and SVG each) and the build-up's frames."""
    views = pictures.view_pictures(design, graph, theme) if "views" in formats else []
    frames = pictures.build_up(design, graph, theme) if "gif" in formats else []
    # the folders are made here, never by a drawing thread: a thread still running after an
    # interrupt must not bring back a scratch folder that was already removed
    for picture in (*views, *frames):
        (scratch / picture.name).parent.mkdir(exist_ok=True)
    return _Drawing(
        [pool.submit(_draw, picture, ("png", "svg"), scratch, batch) for picture in views],
        [pool.submit(_draw, picture, ("png",), scratch, batch, FRAME_DPI) for picture in frames],
    )


def _finish_pictures(
    design: Design, theme: str | None, scratch: Path, drawing: _Drawing
) -> list[Path]:
    """The drawn views and frames, and the animated GIF of the frames."""
    staged = [path for future in drawing.views for path in future.result()]
    frames = [path for future in drawing.frames for path in future.result()]
    if drawing.frames:
        from .render.gif import animate

        gif = scratch / f"{design.id}.gif"
        animate(frames, gif, background=pictures.theme_of(design, theme).graph["bgcolor"])
        staged += [*frames, gif]
    return staged


def _draw(
    picture: Picture,
    formats: tuple[str, ...],
    scratch: Path,
    batch: Batch,
    dpi: int | None = None,
) -> list[Path]:
    outputs = {fmt: scratch / f"{picture.name}.{fmt}" for fmt in formats}
    source = to_dot(picture.graph, picture.options)
    run_dot(source, outputs, catalog.icon_search_path(), dpi=dpi, batch=batch)
    _finish_images(outputs)
    return list(outputs.values())


def _stage_answer(
    design: Design,
    graph: Graph,
    formats: tuple[str, ...],
    settings: tuple[Path | None, str | None],
    scratch: Path,
) -> Path:
    """The whole answer typeset as a PDF, its diagrams read from the staged SVG files (drawn
    into a folder that is not published when the SVG formats were not asked for)."""
    from .render import paged, site
    from .render.writeup import to_markdown

    templates, theme = settings
    pictures_folder = scratch
    if "svg" not in formats or "views" not in formats:
        pictures_folder = scratch / ".answer-pictures"
        main = pictures.overview(design, graph, theme)
        for picture in [main, *pictures.view_pictures(design, graph, theme)]:
            (pictures_folder / picture.name).parent.mkdir(parents=True, exist_ok=True)
            _draw(picture, ("svg",), pictures_folder, Batch())
    writeup = to_markdown(design, graph, None, templates)
    card = site.Card.of(design)
    chapter = site.chapter_html(card, writeup, site.view_links(design), design.source, templates)
    answer = scratch / f"{design.id}-answer.pdf"
    answer.write_bytes(paged.answer_pdf(card, chapter, pictures_folder, templates))
    return answer


def _texts(
    design: Design, graph: Graph, source: str, formats: tuple[str, ...], templates: Path | None
) -> dict[str, str]:
    texts = {}
    if "dot" in formats:
        texts["dot"] = source
    if "md" in formats:
        from .render.writeup import to_markdown  # jinja and the write-up only when asked

        image = (
            f"{design.id}.svg" if "svg" in formats and "png" not in formats else f"{design.id}.png"
        )
        texts["md"] = to_markdown(design, graph, image, templates)
    if "py" in formats:
        from .render.pycode import to_python

        texts["py"] = to_python(graph, templates)
    return texts


def _stage_icons(graph: Graph, scratch: Path) -> list[Path]:
    """Bundled icons the exported script needs, copied beside it."""
    from .render.pycode import bundled_icons

    folder = scratch / "icons"
    folder.mkdir()
    staged = []
    for icon in bundled_icons(graph):
        staged.append(folder / icon.name)
        shutil.copyfile(icon, staged[-1])
    return staged


def _design_folder(output_dir: Path, design_id: str) -> Path:
    """`output_dir/<design_id>`, checked: inside the output folder, and not a link or file."""
    if not re.fullmatch(ID_PATTERN, design_id):
        raise RenderError(f"'{shown(design_id)}' cannot name an output folder")
    target = output_folder(output_dir) / design_id
    refuse_link(target)
    if target.exists() and not target.is_dir():
        raise RenderError(f"{target}: exists and is not a folder; remove it")
    return target


def _prune(target: Path, published: list[Path], formats: tuple[str, ...]) -> None:
    """Remove the views and frames an earlier render wrote that this one did not (a view
    taken out of the spec, a stage gone)."""
    keep = set(published)
    for folder, (fmt, suffixes) in GENERATED_FOLDERS.items():
        if fmt not in formats:
            continue
        path = target / folder
        if path.is_symlink() or not path.is_dir():
            continue
        for entry in path.iterdir():
            if entry.suffix in suffixes and entry not in keep and not entry.is_dir():
                entry.unlink()


def _rewrite(path: Path, change: Callable[[bytes], bytes]) -> None:
    path.write_bytes(change(path.read_bytes()))


def _publish(staged: Path, target: Path, relative: Path) -> Path:
    """Move one staged file to `target/relative`; no folder or file on the way is a link."""
    folder = real_folder(target)
    for part in relative.parent.parts:
        folder = real_folder(folder / part)
    final = folder / relative.name
    refuse_link(final)
    os.replace(staged, final)
    return final

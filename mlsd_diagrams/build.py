"""The orchestrator: spec file → design → graph → DOT → images, written into the output folder.

This is the only module that writes into the output folder. Every file of a design is first
written into a temporary folder beside its destination, then moved into place, so a failed
render never leaves a half-written file behind.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import catalog
from .errors import RenderError, UsageError
from .graph import Graph, build_graph
from .model import Design
from .render.dot import to_dot
from .render.graphviz import run_dot
from .render.pdf import fix_creation_date
from .render.pycode import bundled_icons, to_python
from .render.svg import inline_icons
from .render.writeup import to_markdown
from .validate import load_design

FORMATS = ("png", "svg", "pdf", "dot", "md", "py")
IMAGE_FORMATS = ("png", "svg", "pdf")


@dataclass(frozen=True)
class Rendered:
    """What one render wrote."""

    design_id: str
    files: tuple[Path, ...]


def render_file(
    path: Path,
    output_dir: Path,
    formats: tuple[str, ...] = FORMATS,
    templates: Path | None = None,
) -> Rendered:
    return render_design(load_design(path), output_dir, formats, templates)


def render_design(
    design: Design,
    output_dir: Path,
    formats: tuple[str, ...] = FORMATS,
    templates: Path | None = None,
) -> Rendered:
    # graph: the plain, deterministic graph of the design, and its DOT source
    graph = build_graph(design)
    source = to_dot(graph)
    # text outputs first, so a template error writes nothing
    texts = _texts(design, graph, source, formats, templates)
    target = _design_folder(output_dir, design.id)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=f".{design.id}-") as scratch:
        staged = {fmt: Path(scratch) / f"{design.id}.{fmt}" for fmt in formats}
        # render: one `dot` call lays out once and writes every image format
        images = {fmt: path for fmt, path in staged.items() if fmt in IMAGE_FORMATS}
        if images:
            run_dot(source, images, catalog.icon_search_path())
        if "svg" in staged:
            _rewrite(staged["svg"], lambda svg: inline_icons(svg.decode("utf-8")).encode("utf-8"))
        if "pdf" in staged:
            _rewrite(staged["pdf"], fix_creation_date)
        for fmt, text in texts.items():
            staged[fmt].write_text(text, encoding="utf-8")
        icons = _stage_icons(graph, Path(scratch)) if "py" in formats else []
        # publish: move the finished files into place, one atomic rename each
        target.mkdir(exist_ok=True)
        files = [_publish(path, target / path.name) for path in staged.values()]
        if icons:
            (target / "icons").mkdir(exist_ok=True)
            files += [_publish(path, target / "icons" / path.name) for path in icons]
    return Rendered(design.id, tuple(files))


def _texts(
    design: Design, graph: Graph, source: str, formats: tuple[str, ...], templates: Path | None
) -> dict[str, str]:
    texts = {}
    if "dot" in formats:
        texts["dot"] = source
    if "md" in formats:
        image = (
            f"{design.id}.svg" if "svg" in formats and "png" not in formats else f"{design.id}.png"
        )
        texts["md"] = to_markdown(design, graph, image, templates)
    if "py" in formats:
        texts["py"] = to_python(graph, templates)
    return texts


def _stage_icons(graph: Graph, scratch: Path) -> list[Path]:
    """Bundled icons the exported script needs, copied beside it."""
    folder = scratch / "icons"
    folder.mkdir()
    staged = []
    for icon in bundled_icons(graph):
        staged.append(folder / icon.name)
        shutil.copyfile(icon, staged[-1])
    return staged


def _design_folder(output_dir: Path, design_id: str) -> Path:
    if output_dir.exists() and not output_dir.is_dir():
        raise UsageError(f"{output_dir}: output path exists and is not a folder")
    output_dir.mkdir(parents=True, exist_ok=True)
    target = output_dir / design_id
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise RenderError(f"{target}: exists and is not a plain folder; remove it")
    return target


def _rewrite(path: Path, change: Callable[[bytes], bytes]) -> None:
    path.write_bytes(change(path.read_bytes()))


def _publish(staged: Path, final: Path) -> Path:
    if final.is_symlink():
        raise RenderError(f"{final}: is a symbolic link; remove it")
    os.replace(staged, final)
    return final

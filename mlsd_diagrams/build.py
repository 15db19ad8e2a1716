"""The orchestrator: spec file → design → graph → DOT → images, written into the output folder.

This is the only module that writes into the output folder. Every file of a design is first
written into a temporary folder beside its destination, then moved into place, so a failed
render never leaves a half-written file behind.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import catalog
from .errors import RenderError, UsageError
from .graph import build_graph
from .load import load_file
from .model import Design
from .render.dot import to_dot
from .render.graphviz import run_dot
from .render.pdf import fix_creation_date
from .render.svg import inline_icons
from .validate import validate

FORMATS = ("png", "svg", "pdf", "dot")


@dataclass(frozen=True)
class Rendered:
    """What one render wrote."""

    design_id: str
    files: tuple[Path, ...]


def load_design(path: Path) -> Design:
    """Load and validate one spec file (raises SpecError with every problem)."""
    return validate(load_file(path))


def render_file(path: Path, output_dir: Path, formats: tuple[str, ...] = FORMATS) -> Rendered:
    return render_design(load_design(path), output_dir, formats)


def render_design(design: Design, output_dir: Path, formats: tuple[str, ...] = FORMATS) -> Rendered:
    # graph: the plain, deterministic graph of the design
    source = to_dot(build_graph(design))
    target = _design_folder(output_dir, design.id)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=f".{design.id}-") as scratch:
        staged = {fmt: Path(scratch) / f"{design.id}.{fmt}" for fmt in formats}
        # render: one `dot` call lays out once and writes every image format
        images = {fmt: path for fmt, path in staged.items() if fmt != "dot"}
        if images:
            run_dot(source, images, catalog.icon_search_path())
        if "svg" in staged:
            _rewrite(staged["svg"], lambda svg: inline_icons(svg.decode("utf-8")).encode("utf-8"))
        if "pdf" in staged:
            _rewrite(staged["pdf"], fix_creation_date)
        if "dot" in staged:
            staged["dot"].write_text(source, encoding="utf-8")
        # publish: move the finished files into place, one atomic rename each
        target.mkdir(exist_ok=True)
        files = tuple(_publish(path, target / path.name) for path in staged.values())
    return Rendered(design.id, files)


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

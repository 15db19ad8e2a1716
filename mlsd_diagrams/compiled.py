"""The compiled cache: a render of a spec drawn before goes straight to drawing.

Everything `mlsd render` does before `dot` draws the overview (loading the YAML, validating
it with pydantic, the graph, the layout search's choice, the DOT source) depends only on the
spec's bytes, the theme asked for, this package's code, the engine and its version, and
mingrammer's icons (their file names). The DOT source that came out is kept on disk
(cache.py) under a hash of all of them, with the design's id. A render of images only
(png, svg, pdf) whose inputs hash to a kept entry reads that source back and draws it: `dot`
still lays the picture out and draws it, the SVG is still finished, the files are published
as a full render publishes them (build.py), but the model, the graph and the layout search
are never imported. A change in anything the source depends on names another entry, so a
stale one is never read; an entry that does not read back whole is ignored, and the full
render runs. Fonts are read where the picture is drawn (by `dot` and the SVG's finish), as
in a full render.
"""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
from pathlib import Path

from . import cache as disk_cache
from .errors import MlsdError, RenderError
from .formats import DEFAULT_FORMATS, chosen
from .ids import ID_PATTERN
from .render.graphviz import (
    Batch,
    checked_dot,
    dot_version,
    find_dot,
    time_budget,
    timeout_seconds,
)
from .render.layout import engine
from .spec_file import read_spec
from .staging import Rendered, design_folder, finish_images, fonts_meanwhile, publish
from .write import clean_stale, output_folder, temp_prefix


def render_file(
    path: Path,
    output_dir: Path,
    formats: tuple[str, ...] = DEFAULT_FORMATS,
    templates: Path | None = None,
    theme: str | None = None,
) -> Rendered:
    """`build.render_file`, from the compiled cache when it can be: the same files."""
    found = recall(path, output_dir, formats, theme)
    if isinstance(found, Rendered):
        return found
    from .build import render_file as render_in_full

    return render_in_full(path, output_dir, formats, templates, theme, raw=found)


def redrawable(formats: tuple[str, ...]) -> bool:
    """Whether the files of `formats` are the overview's images only (nothing else needs the
    model)."""
    return bool(formats) and len(chosen(formats, "image")) == len(formats)


def recall(
    path: Path, output_dir: Path, formats: tuple[str, ...], theme: str | None
) -> Rendered | bytes:
    """The render of the spec at `path` drawn from its compiled entry, or, when there is
    none (or `formats` need more than the overview's images), the spec's bytes: read once,
    the full render goes on with them."""
    raw = read_spec(path)
    if not redrawable(formats):
        return raw
    kept = _read(disk_cache.read(_entry(raw, theme)))
    if kept is None:
        return raw
    design_id, source = kept
    try:
        return _draw(design_id, source, output_dir, formats)
    except RenderError as exc:
        raise type(exc)(f"{path}: {exc}") from None


def remember(raw: bytes, theme: str | None, rendered: Rendered) -> None:
    """Keep what the full render of the spec `raw` drew as its overview."""
    if rendered.dot:
        data = {"id": rendered.design_id, "dot": rendered.dot}
        disk_cache.store(_entry(raw, theme), json.dumps(data).encode())


def _entry(raw: bytes, theme: str | None) -> Path | None:
    try:
        version = dot_version(find_dot())
    except MlsdError:  # no Graphviz: nothing to draw, nothing to keep
        return None
    spec = hashlib.sha256(raw).hexdigest()
    icons = disk_cache.installed("diagrams")  # which install of mingrammer's names them
    key = (disk_cache.code_version(), engine().name, version, icons, theme, spec)
    return disk_cache.entry("compiled", repr(key), "json")


def _read(data: bytes | None) -> tuple[str, str] | None:
    """The design's id and its overview's DOT source, if `data` is an entry as `remember`
    writes them."""
    try:
        kept = json.loads(data) if data is not None else None
    except ValueError:
        return None
    if not isinstance(kept, dict):
        return None
    design_id, source = kept.get("id"), kept.get("dot")
    if not isinstance(design_id, str) or not isinstance(source, str) or not source:
        return None
    if not re.fullmatch(ID_PATTERN, design_id):
        return None
    return design_id, source


def _draw(design_id: str, source: str, output_dir: Path, formats: tuple[str, ...]) -> Rendered:
    """Draw `source` into each image of `formats` and publish them as build.py does: staged
    in a hidden folder beside the destination, then one atomic rename each."""
    clean_stale(output_folder(output_dir))
    target = design_folder(output_dir, design_id)
    checked_dot()  # a missing or too old Graphviz fails before anything is written
    try:
        with (
            time_budget(timeout_seconds()),
            tempfile.TemporaryDirectory(dir=output_dir, prefix=temp_prefix(design_id)) as folder,
        ):
            scratch = Path(folder)
            images = {fmt.name: scratch / fmt.path(design_id) for fmt in chosen(formats, "image")}
            batch = Batch()  # stopped on Ctrl-C
            try:
                with fonts_meanwhile(source, images):
                    engine().draw(source, images, batch=batch)
            finally:
                batch.stop()
            finish_images(images)
            files = [publish(path, target, path.relative_to(scratch)) for path in images.values()]
    except OSError as exc:
        raise RenderError(f"{exc.filename or target}: {exc.strerror or exc}") from None
    return Rendered(design_id, tuple(files), source)

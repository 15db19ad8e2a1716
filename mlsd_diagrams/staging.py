"""Staging and publishing a design's files: the output folder's checks, each image's last
step, and the one atomic rename per file that puts it in place (see build.py).

Light on imports (no pydantic, no diagram code): a re-render from the compiled cache
(compiled.py) publishes through here without loading the model.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Collection
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path

from .errors import RenderError, shown
from .formats import chosen, function
from .ids import ID_PATTERN
from .write import output_folder, real_folder, refuse_link


@dataclass(frozen=True)
class Rendered:
    """What one render wrote (and the overview's DOT source as drawn, when it drew one)."""

    design_id: str
    files: tuple[Path, ...]
    dot: str = ""


def design_folder(output_dir: Path, design_id: str) -> Path:
    """`output_dir/<design_id>`, checked: inside the output folder, and not a link or file."""
    if not re.fullmatch(ID_PATTERN, design_id):
        raise RenderError(f"'{shown(design_id)}' cannot name an output folder")
    target = output_folder(output_dir) / design_id
    refuse_link(target)
    if target.exists() and not target.is_dir():
        raise RenderError(f"{target}: exists and is not a folder; remove it")
    return target


def finish_images(staged: dict[str, Path]) -> None:
    """Each drawn image's last step, as its format says (self-contained SVG: icons and fonts
    inlined; reproducible PDF: a fixed creation date)."""
    for fmt in chosen(tuple(staged), "image"):
        if fmt.rewrite:
            _rewrite(staged[fmt.name], function(fmt.rewrite))


def fonts_meanwhile(source: str, formats: Collection[str]) -> AbstractContextManager[None]:
    """Around `dot` drawing `source` into `formats`: the fonts an SVG's finish will embed
    are looked up meanwhile (render/fonts.py), if an SVG is drawn."""
    if "svg" not in formats:
        return nullcontext()
    from .render.fonts import looked_up_meanwhile

    return looked_up_meanwhile(source)


def _rewrite(path: Path, change: Callable[[bytes], bytes]) -> None:
    path.write_bytes(change(path.read_bytes()))


def publish(staged: Path, target: Path, relative: Path) -> Path:
    """Move one staged file to `target/relative`; no folder or file on the way is a link."""
    folder = real_folder(target)
    for part in relative.parent.parts:
        folder = real_folder(folder / part)
    final = folder / relative.name
    refuse_link(final)
    os.replace(staged, final)
    return final

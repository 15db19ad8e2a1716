"""The jinja environment shared by every template: sandboxed, strict, escaping by filter.

HTML templates (`*.html.j2`) autoescape every value. Templates are looked up first in the
user's folder (`--templates DIR`), then in ours, so a user overrides one file at a time.
Spec text reaches a template only as data, and leaves a text template only through an
escaping filter of the target language (`md`, `cell`, `mermaid`, `py`).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from ..errors import RenderError, UsageError
from ..estimates import format_count
from ..resources import TEMPLATES_DIR
from . import text


@cache
def environment(user_dir: Path | None = None) -> SandboxedEnvironment:
    """One environment per templates folder, so each template is compiled once per process."""
    folders = [TEMPLATES_DIR]
    if user_dir is not None:
        if not user_dir.is_dir():
            raise UsageError(f"{user_dir}: templates folder not found")
        folders.insert(0, user_dir)
    env = SandboxedEnvironment(
        loader=jinja2.FileSystemLoader([str(f) for f in folders]),
        undefined=jinja2.StrictUndefined,
        autoescape=lambda name: bool(name and name.endswith(".html.j2")),
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        md=text.md,
        cell=text.md_cell,
        mermaid=text.mermaid,
        py=text.py,
        pyblock=text.py_block,
        count=format_count,
    )
    return env


def render_template(env: SandboxedEnvironment, name: str, context: dict[str, Any]) -> str:
    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateNotFound:
        raise RenderError(f"template '{name}' not found in {TEMPLATES_DIR}") from None
    except jinja2.TemplateError as exc:
        where = f"{exc.filename}:{exc.lineno}: " if getattr(exc, "lineno", None) else ""
        raise RenderError(f"template '{name}': {where}{exc}") from None

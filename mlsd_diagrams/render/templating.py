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
from ..resources import TEMPLATES_DIR
from ..steps import STEPS
from . import text
from .limits import BoundedSandbox, bounded


@cache
def environment(user_dir: Path | None = None) -> SandboxedEnvironment:
    """One environment per templates folder, so each template is compiled once per process."""
    folders = [TEMPLATES_DIR]
    if user_dir is not None:
        if not user_dir.is_dir():
            raise UsageError(f"{user_dir}: templates folder not found")
        folders.insert(0, user_dir)
    env = BoundedSandbox(
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
        count=_count,
    )
    env.globals["steps"] = STEPS  # the 7 steps of the framework: number, section, title
    return env


def render_template(env: SandboxedEnvironment, name: str, context: dict[str, Any]) -> str:
    """Render one template, bounded (see limits.py); any failure is a RenderError that names
    the template and the line where it happened."""
    try:
        with bounded():
            return env.get_template(name).render(context)
    except Exception as exc:  # a user template's own error too: 1 / 0, a bad filter argument
        where = "" if isinstance(exc, jinja2.TemplateSyntaxError) else _where(env, exc)
        message = f"template '{name}': {where}{_problem(env, name, exc)}"
        raise RenderError(message) from None


def _problem(env: SandboxedEnvironment, name: str, exc: Exception) -> str:
    if isinstance(exc, jinja2.TemplateNotFound):
        missing = exc.name if isinstance(exc.name, str) else name
        return f"template '{missing}' not found in {_folders(env)}"
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return f"{_shown_name(env, exc.filename)}:{exc.lineno}: {exc.message}"
    if isinstance(exc, RecursionError):
        return "includes or extends itself without end"
    if isinstance(exc, OverflowError):
        return "range too big" if "range" in str(exc).lower() else "number too big"
    return str(exc) or type(exc).__name__


def _where(env: SandboxedEnvironment, exc: Exception) -> str:
    """`file:line: ` of the innermost template frame of an error's traceback, if any."""
    found, trace = "", exc.__traceback__
    while trace is not None:
        filename = trace.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            found = f"{_shown_name(env, filename)}:{trace.tb_lineno}: "
        trace = trace.tb_next
    return found


def _shown_name(env: SandboxedEnvironment, filename: str | None) -> str:
    """A template file as its name in the search path (`parts/x.j2`), else as given."""
    if filename is None:
        return "?"
    for folder in _search_path(env):
        path = Path(filename)
        if path.is_relative_to(folder):
            return path.relative_to(folder).as_posix()
    return filename


def _search_path(env: SandboxedEnvironment) -> list[Path]:
    loader = env.loader
    paths = loader.searchpath if isinstance(loader, jinja2.FileSystemLoader) else []
    return [Path(p) for p in paths]


def _folders(env: SandboxedEnvironment) -> str:
    return " or ".join(str(folder) for folder in _search_path(env))


def _count(value: float) -> str:
    """The `count` filter (46K, 2B). Imported when first used: `estimates` brings the typed
    model (pydantic), which a no-op build or the site's pages never need."""
    from ..estimates import format_count

    return format_count(value)

"""`mlsd new`: start a spec from a commented skeleton, or from a case of the library."""

from __future__ import annotations

import re
from pathlib import Path

from .errors import UsageError
from .ids import ID_PATTERN
from .render.templating import environment, render_template
from .resources import LIBRARY_DIR
from .write import write_atomic

SCHEMA_FILE = "mlsd.schema.json"
_ID_LINE = re.compile(r"^id:.*$", re.MULTILINE)


def library_cases() -> list[str]:
    return sorted(p.stem for p in LIBRARY_DIR.glob("*.yaml"))


def new_spec(design_id: str, folder: Path, case: str | None = None) -> Path:
    """Write `folder/<id>.yaml` (never over an existing file) and the JSON Schema beside it."""
    if not re.fullmatch(ID_PATTERN, design_id):
        raise UsageError(
            f"'{design_id}' is not a valid id: use lowercase letters, digits, '-' and '_', "
            "starting with a letter"
        )
    target = folder / f"{design_id}.yaml"
    if target.exists() or target.is_symlink():
        raise UsageError(f"{target} already exists; choose another id or edit it")
    text = _from_case(design_id, case) if case else _skeleton(design_id)
    folder.mkdir(parents=True, exist_ok=True)
    _write_schema(folder)
    with open(target, "xb") as stream:  # "x": never overwrite, even if created meanwhile
        stream.write(text.encode("utf-8"))
    return target


def _skeleton(design_id: str) -> str:
    title = design_id.replace("-", " ").replace("_", " ").capitalize()
    context = {"id": design_id, "title": title, "schema": SCHEMA_FILE}
    return render_template(environment(), "new.yaml.j2", context)


def _from_case(design_id: str, case: str) -> str:
    source = LIBRARY_DIR / f"{case}.yaml"
    if case not in library_cases():
        from .catalog import suggest

        hint = suggest(case, library_cases())
        raise UsageError(
            f"no case '{case}' in the library{hint}; cases: {', '.join(library_cases())}"
        )
    text = _ID_LINE.sub(f"id: {design_id}", source.read_text(encoding="utf-8"), count=1)
    if not text.startswith("# yaml-language-server:"):
        text = f"# yaml-language-server: $schema={SCHEMA_FILE}\n" + text
    return text


def _write_schema(folder: Path) -> None:
    from .model import schema_text

    write_atomic(folder / SCHEMA_FILE, schema_text().encode("utf-8"))

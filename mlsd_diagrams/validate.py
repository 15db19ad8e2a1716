"""Validate a loaded spec into a Design, reporting every problem at once with its location."""

from __future__ import annotations

import re
import types
import typing
from collections import Counter
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .catalog import suggest
from .errors import Problem, SpecError, shown
from .ids import ID_PATTERN
from .load import Document, KeyPath, load_file
from .model import MAX_COMPONENTS, MAX_FLOWS, Design
from .tradeoffs import TRADEOFFS, unknown_tradeoff_message


def load_design(path: Path) -> Design:
    """Load and validate one spec file (raises SpecError with every problem)."""
    return validate(load_file(path))


def check_design(path: Path) -> tuple[Design, list[Problem]]:
    """Load and validate one spec; also its consistency warnings (see consistency.py)."""
    from .consistency import warnings

    doc = load_file(path)
    design = validate(doc)
    return design, warnings(doc, design)


def validate(doc: Document) -> Design:
    """The Design of a loaded spec, or a SpecError listing every problem found."""
    problems = check_references(doc)
    design = None
    try:
        design = Design.model_validate(doc.data)
    except ValidationError as exc:
        problems += [_from_pydantic(doc, error) for error in exc.errors()]
    if problems or design is None:
        raise SpecError(list(dict.fromkeys(problems)))
    return design


# --- cross-references (on the raw data, so they are reported alongside type errors) ---


def check_references(doc: Document) -> list[Problem]:
    components = _items(doc.data.get("components"))
    flows = _items(doc.data.get("flows"))
    if len(components) > MAX_COMPONENTS or len(flows) > MAX_FLOWS:
        return []  # the size is the problem to fix first (and checking would be quadratic)
    # components that are not a list are the problem to fix first; no components at all is not
    checked = "components" not in doc.data or isinstance(doc.data.get("components"), list)
    ids = _component_ids(components)
    problems = [
        doc.problem(path, f"duplicate component id '{shown(cid)}' (first defined at line {first})")
        for cid, path, first in _duplicate_ids(doc, components)
    ]
    for index, flow in flows:
        problems += _check_flow(doc, index, flow, ids, checked)
    problems += _duplicate_flows(doc, flows)
    problems += _check_views(doc, ids, checked)
    for index, choice in _items(doc.data.get("tradeoffs")):
        name = choice.get("name")
        if isinstance(name, str) and name not in TRADEOFFS:
            problems.append(
                doc.problem(("tradeoffs", index, "name"), unknown_tradeoff_message(name))
            )
    return problems


def _items(value: Any) -> list[tuple[int, dict[str, Any]]]:
    if not isinstance(value, list):
        return []
    return [(i, item) for i, item in enumerate(value) if isinstance(item, dict)]


def _component_ids(components: list[tuple[int, dict[str, Any]]]) -> list[str]:
    return list(dict.fromkeys(c["id"] for _, c in components if isinstance(c.get("id"), str)))


def _duplicate_ids(
    doc: Document, components: list[tuple[int, dict[str, Any]]]
) -> list[tuple[str, KeyPath, int]]:
    seen: dict[str, int] = {}
    duplicates: list[tuple[str, KeyPath, int]] = []
    for index, component in components:
        cid = component.get("id")
        if not isinstance(cid, str):
            continue
        path = ("components", index, "id")
        if cid in seen:
            duplicates.append((cid, path, seen[cid]))
        else:
            seen[cid] = doc.mark(path).line
    return duplicates


def _check_flow(
    doc: Document, index: int, flow: dict[str, Any], ids: list[str], checked: bool
) -> list[Problem]:
    problems = []
    for end in ("from", "to"):
        ref = flow.get(end)
        if isinstance(ref, str) and checked and ref not in ids:
            problems.append(doc.problem(("flows", index, end), _unknown_component(ref, ids)))
    if isinstance(flow.get("from"), str) and flow.get("from") == flow.get("to"):
        message = f"a flow from '{shown(flow['from'])}' to itself; point it at another component"
        problems.append(doc.problem(("flows", index), message))
    return problems


def _unknown_component(ref: str, ids: list[str]) -> str:
    if not ids:
        hint = "; the design has no components: list them under `components:`"
        return f"unknown component '{shown(ref)}'{hint}"
    return f"unknown component '{shown(ref)}'{suggest(ref, ids)}"


def _check_views(doc: Document, ids: list[str], checked: bool) -> list[Problem]:
    diagram = doc.data.get("diagram")
    views = _items(diagram.get("views")) if isinstance(diagram, dict) else []
    problems, seen = [], set()
    for index, view in views:
        path = ("diagram", "views", index)
        refs = view.get("components")
        for position, ref in enumerate(refs if isinstance(refs, list) else []):
            if isinstance(ref, str) and checked and ref not in ids:
                where = (*path, "components", position)
                problems.append(doc.problem(where, _unknown_component(ref, ids)))
        if not view.get("stages") and not view.get("components"):
            message = "an empty view: give it `stages`, `components` or both"
            problems.append(doc.problem(path, message))
        if isinstance(view.get("id"), str):
            if view["id"] in seen:
                message = f"two views with the id '{shown(view['id'])}'; rename one"
                problems.append(doc.problem((*path, "id"), message))
            seen.add(view["id"])
    return problems


def _duplicate_flows(doc: Document, flows: list[tuple[int, dict[str, Any]]]) -> list[Problem]:
    """Two arrows with the same ends and the same label draw one arrow twice."""
    seen: dict[tuple[str, ...], int] = {}
    problems = []
    for index, flow in flows:
        key = _flow_key(flow)
        if key is None:
            continue
        if key in seen:
            first = seen[key]
            message = (
                f"the same flow as flows[{first}] (line {doc.mark(('flows', first)).line}): "
                "same from, to and label; drop one or tell them apart by their labels"
            )
            problems.append(doc.problem(("flows", index), message))
        else:
            seen[key] = index
    return problems


def _flow_key(flow: dict[str, Any]) -> tuple[str, ...] | None:
    start, end, label = flow.get("from"), flow.get("to"), flow.get("label")
    if not isinstance(start, str) or not isinstance(end, str):
        return None
    if not isinstance(label, str | None):
        return None
    return (start, end, " ".join((label or "").split()))


# --- pydantic errors → located problems ---


def _from_pydantic(doc: Document, error: Any) -> Problem:
    path = _data_path(doc.data, error["loc"])
    message = _message(path, error)
    hinted = doc.hint(path)
    if hinted:  # an unquoted `: ` or `, ` probably made this mapping or key: say how to quote
        where, hint = hinted
        if where == path and error["type"] == "string_type":
            message = f"must be text, but {hint}"
        elif error["type"] == "extra_forbidden" and "did you mean" not in message:
            message = f"{message}; {hint}"
    return doc.problem(path, message)


def _data_path(data: Any, loc: tuple[Any, ...]) -> KeyPath:
    """The part of a pydantic location that names keys and indexes (not union branches)."""
    path: list[str | int] = []
    for part in loc:
        if (
            isinstance(data, dict)
            and part in data
            or isinstance(data, list)
            and isinstance(part, int)
            and part < len(data)
        ):
            data = data[part]
        elif isinstance(data, dict) and isinstance(part, str) and part not in data:
            path.append(part)  # a missing or unknown key: keep it, stop descending
            break
        else:
            continue
        path.append(part)
    return tuple(path)


def _message(path: KeyPath, error: Any) -> str:
    kind, value = error["type"], error.get("input")
    if kind == "too_long" and path == ("components",) and isinstance(value, list):
        return _split_by_views(value)
    if kind == "missing":
        return "missing required key"
    if value is None and kind in _EMPTY_KINDS:
        return "has no value; give it one"
    if kind == "extra_forbidden":
        allowed = _allowed_keys(path[:-1])
        return f"unknown key{suggest(str(path[-1]), allowed)}; allowed: {', '.join(allowed)}"
    if kind == "string_pattern_mismatch" and error["ctx"]["pattern"] == ID_PATTERN:
        return (
            f"'{shown(value)}' is not a valid id: use lowercase letters, digits, '-' and '_', "
            "starting with a letter (at most 63 characters)"
        )
    if kind in ("enum", "literal_error"):
        choices = re.findall(r"'([^']*)'", error["ctx"]["expected"])
        hint = suggest(str(value), choices)
        return f"'{shown(value)}' is not one of: {', '.join(choices)}{hint}"
    return _FRIENDLY.get(kind, "{msg}").format(msg=error["msg"], **error.get("ctx", {}))


_EMPTY_KINDS = frozenset(
    {"string_type", "list_type", "model_type", "model_attributes_type", "float_type", "int_type"}
)
_FRIENDLY = {
    "string_too_short": "must not be empty",
    "string_too_long": "is longer than {max_length} characters; shorten it",
    "too_long": "has more than {max_length} entries; split the design",
    "greater_than_equal": "must be at least {ge}",
    "less_than_equal": "must be at most {le}",
    "string_type": "must be text, not a list or mapping",
    "list_type": "must be a list (- item per line)",
    "model_type": "must be a mapping (key: value per line)",
    "model_attributes_type": "must be a mapping (key: value per line)",
    "int_parsing": "must be a whole number",
    "float_parsing": "must be a number (K, M, B, T suffixes allowed)",
    "finite_number": "must be a finite number",
}


def _split_by_views(components: list[Any]) -> str:
    """Too many components: the stage views (views.py) the design splits into, each with
    the number of its components (read from their `stage`, the model being out of reach)."""
    from .views import DERIVED

    stages = Counter(item.get("stage") for item in components if isinstance(item, dict))
    views = []
    for view in DERIVED:
        count = sum(stages[stage] for stage in view.stages)
        if count:
            again = count > MAX_COMPONENTS
            views.append(f"{view.id} ({count}{', split again' if again else ''})")
    where = f": {'; '.join(views)}" if views else ""
    return (
        f"has {len(components)} entries, more than {MAX_COMPONENTS}; split the design into one "
        f"spec per stage view{where}"
    )


def _allowed_keys(path: KeyPath) -> list[str]:
    model: type[BaseModel] | None = Design
    for part in path:
        if model is None:
            return []
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part) or _field_by_alias(model, part)
        model = _model_in(field.annotation) if field else None
    if model is None:
        return []
    return [field.alias or name for name, field in model.model_fields.items()]


def _field_by_alias(model: type[BaseModel], alias: str) -> Any:
    return next((f for f in model.model_fields.values() if f.alias == alias), None)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if typing.get_origin(annotation) in (typing.Union, types.UnionType, list, typing.Annotated):
        for arg in typing.get_args(annotation):
            found = _model_in(arg)
            if found:
                return found
    return None

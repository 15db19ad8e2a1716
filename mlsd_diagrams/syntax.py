"""YAML syntax errors, said in words an author can act on, as many as one run can find.

PyYAML stops at the first syntax error and words it for parser writers ("mapping values are
not allowed in this context"). Here each error is explained (an unquoted `: ` inside a value,
a tab, an unclosed quote or bracket, a line indented off its siblings) and then the line is
set aside (a value quoted, or the line blanked with the lines nested under it) and the file
parsed again, so one run reports every independent error, each at its own line and column.
"""

from __future__ import annotations

import re

import yaml

from .errors import Problem

MAX_ERRORS = 20
_KEY_THEN_VALUE = re.compile(r"^(\s*(?:-\s+)?[^\s:#'\"][^:#]*?:\s+)(.*?)\s*$")


def syntax_problems(text: str, source: str, first: yaml.MarkedYAMLError) -> list[Problem]:
    """Every syntax error of `text`, the first of which is `first`."""
    lines = text.splitlines(keepends=True)
    problems: list[Problem] = []
    error: yaml.MarkedYAMLError | None = first
    while error is not None and len(problems) < MAX_ERRORS:
        problem, repaired = _explain(error, lines, source)
        if problem in problems:
            break  # no progress: what follows would only repeat this error
        problems.append(problem)
        if repaired == lines:
            break
        lines, error = repaired, _first_error("".join(repaired))
    return sorted(problems, key=lambda p: (p.line, p.column))


def _first_error(text: str) -> yaml.MarkedYAMLError | None:
    try:
        for _ in yaml.parse(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
            pass
    except yaml.MarkedYAMLError as exc:
        return exc
    return None


def _explain(
    error: yaml.MarkedYAMLError, lines: list[str], source: str
) -> tuple[Problem, list[str]]:
    """The problem to report, and the lines with the offending one set aside."""
    mark = error.problem_mark or error.context_mark
    line = min(mark.line, len(lines) - 1) if mark and lines else 0
    column = mark.column + 1 if mark else 1
    if mark and lines and mark.line >= len(lines):  # at the end of the file: its last character
        column = len(lines[-1].rstrip("\n")) + 1
    context, problem = error.context or "", error.problem or ""
    text = lines[line].rstrip("\n") if lines else ""

    if "mapping values are not allowed" in problem:
        quoted = _quoted(text, column - 1)
        if quoted is not None:
            message = (
                f"this value contains ': ', which YAML reads as a new key; quote the whole "
                f"value: {quoted.strip()}"
            )
            return _at(source, line, column, message), _replaced(lines, line, quoted)
        message = (
            "a key is indented under a value; align it with the keys above it, or quote the "
            "value if the ': ' belongs to it"
        )
        return _at(source, line, column, message), _blanked(lines, line)
    if "\t" in text[: max(column, 1)] or "cannot start any token" in problem and "\t" in text:
        message = "a tab character; YAML indents with spaces only: replace the tab by spaces"
        return _at(source, line, column, message), _replaced(lines, line, "")
    if "escape" in problem:
        message = (
            "an invalid escape (\\...) in a double-quoted value; use single quotes to keep "
            "backslashes as written, or double each backslash"
        )
        return _at(source, line, column, message), _blanked(lines, line)
    if "quoted scalar" in context and "end of stream" in problem and error.context_mark:
        opened = error.context_mark
        message = (
            "this quote is never closed; close it on the same line (or the value runs to the "
            "end of the file)"
        )
        problem_at = _at(source, opened.line, opened.column + 1, message)
        return problem_at, _blanked(lines, opened.line)
    if "flow node" in context:  # the file ends inside a [ ... ] or { ... }
        message = "the file ends inside a [ ... ] or { ... }; close it with ] or }"
        return _at(source, line, column, message), lines
    if "flow" in context and error.context_mark is not None:
        opened = error.context_mark
        bracket = "]" if "sequence" in context else "}"
        message = f"this {'[' if bracket == ']' else '{'} is not closed; close it with {bracket}"
        message += " (or quote a value that contains ', ', ':', '[' or '{')"
        problem_at = _at(source, opened.line, opened.column + 1, message)
        return problem_at, _blanked(lines, opened.line)
    if "did not find expected key" in problem or "expected <block end>" in problem:
        message = (
            "this line's indentation does not match the keys above it; indent it like its siblings"
        )
        return _at(source, line, column, message), _blanked(lines, line)
    if "did not find expected '-' indicator" in problem:
        message = "a list is followed by a line that is not a list item; indent it or add '- '"
        return _at(source, line, column, message), _blanked(lines, line)
    reason = " ".join(p for p in (context, problem) if p)
    return _at(source, line, column, f"invalid YAML: {reason}"), _blanked(lines, line)


def _quoted(text: str, colon: int) -> str | None:
    """`label: a: b` → `label: "a: b"`; None unless the line is `key: value` with the
    offending colon (at index `colon`) inside the value."""
    match = _KEY_THEN_VALUE.match(text)
    if not match or colon < match.end(1) or match.group(2)[:1] in ("", *"'\"[{|>"):
        return None
    value = match.group(2).replace("\\", "\\\\").replace('"', '\\"')
    return f'{match.group(1)}"{value}"'


def _at(source: str, line: int, column: int, message: str) -> Problem:
    return Problem(source, line + 1, column, "", message)


def _replaced(lines: list[str], index: int, text: str) -> list[str]:
    if not 0 <= index < len(lines):
        return lines
    return [*lines[:index], text + "\n", *lines[index + 1 :]]


def _blanked(lines: list[str], index: int) -> list[str]:
    """The lines with line `index` and the lines nested under it made empty."""
    if not 0 <= index < len(lines):
        return lines
    indent = _indent(lines[index])
    end = index + 1
    while end < len(lines) and (not lines[end].strip() or _indent(lines[end]) > indent):
        end += 1
    return [*lines[:index], *["\n"] * (end - index), *lines[end:]]


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))

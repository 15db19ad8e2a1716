"""Load a design spec: safe YAML into plain data, with the line and column of every key.

Parsing is PyYAML's (its event stream); building values is ours, so that:
- no tag, anchor or alias is ever honoured (nothing in a spec becomes an object or code);
- a duplicate key is an error naming both lines;
- scalars stay strings as written (`no`, `012`, `1.10`): the typed model decides what a
  value means, so YAML's implicit typing never changes a user's text.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn, Protocol, TypeGuard

import yaml

from .errors import Problem, SpecError, shown
from .spec_file import MAX_BYTES, located
from .spec_file import SPEC_SUFFIXES as SPEC_SUFFIXES  # read here by the commands
from .spec_file import read_spec as read_spec
from .spec_file import spec_files as spec_files
from .syntax import syntax_problems

MAX_DEPTH = 24
NULLS = frozenset({"", "~", "null", "Null", "NULL"})

KeyPath = tuple[str | int, ...]

_Parser = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Mark:
    """A 1-based position in a spec file."""

    line: int
    column: int


@dataclass
class Document:
    """A loaded spec: its data, and where each key and list item stands in the file."""

    source: str
    data: dict[str, Any]
    marks: dict[KeyPath, Mark] = field(default_factory=dict)
    # what an unquoted `: ` or `, ` probably did at a path, and how to quote it instead
    hints: dict[KeyPath, str] = field(default_factory=dict)

    def mark(self, path: KeyPath) -> Mark:
        """The position of `path`, or of its nearest ancestor present in the file."""
        for end in range(len(path), -1, -1):
            if path[:end] in self.marks:
                return self.marks[path[:end]]
        return Mark(1, 1)

    def problem(self, path: KeyPath, message: str) -> Problem:
        mark = self.mark(path)
        return Problem(self.source, mark.line, mark.column, dotted(path), message)

    def hint(self, path: KeyPath) -> tuple[KeyPath, str] | None:
        """The quoting hint of `path` or of its nearest ancestor that has one."""
        for end in range(len(path), 0, -1):
            if path[:end] in self.hints:
                return path[:end], self.hints[path[:end]]
        return None


def dotted(path: KeyPath) -> str:
    """`('components', 2, 'kind')` → `components[2].kind` (keys shown short and printable)."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            key = shown(part) if part else "''"
            out += f".{key}" if out else key
    return out


def load_file(path: Path, source: str | None = None) -> Document:
    """Read and load one spec file; every failure is a SpecError located in the file.

    Only a regular file is read, never through a symbolic link, and never more than
    MAX_BYTES: a FIFO, a device such as /dev/zero or a link out of the repository is refused.
    """
    name = source or str(path)
    return load_bytes(read_spec(path, name), name)


def load_bytes(raw: bytes, source: str) -> Document:
    if len(raw) > MAX_BYTES:
        raise _fail(source, 1, 1, f"file is larger than {MAX_BYTES:,} bytes; split the design")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise _fail(source, line, column, "file is not valid UTF-8; save it as UTF-8") from None
    return load_text(text, source)


def load_text(text: str, source: str) -> Document:
    builder = _Builder(source)
    try:
        data = builder.build(yaml.parse(text, Loader=_Parser))
    except yaml.MarkedYAMLError as exc:
        raise SpecError(syntax_problems(text, source, exc)) from None
    except yaml.reader.ReaderError as exc:
        raise _unreadable(source, text, exc.position) from None
    except yaml.YAMLError as exc:
        raise _fail(source, 1, 1, f"invalid YAML: {exc}") from None
    if builder.problems:
        raise SpecError(builder.problems)
    return Document(source, data, builder.marks, builder.hints)


def _unreadable(source: str, text: str, position: int) -> SpecError:
    """A character YAML does not accept anywhere (NUL, most control characters)."""
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    code = f"U+{ord(text[position]):04X}" if position < len(text) else "a character"
    return _fail(source, line, column, f"invalid YAML: {code} is not allowed in a YAML file")


def _fail(source: str, line: int, column: int, message: str) -> SpecError:
    return located(source, line, column, message)


class _Stop(Exception):
    """Raised inside the builder when the rest of the file cannot be read sensibly."""


class _Builder:
    """Turns PyYAML events into dicts, lists, strings and None, recording marks."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.marks: dict[KeyPath, Mark] = {}
        self.hints: dict[KeyPath, str] = {}
        self.problems: list[Problem] = []

    def build(self, events: Iterator[yaml.Event]) -> dict[str, Any]:
        self.events = _Peekable(events)
        try:
            return self._stream()
        except _Stop:
            return {}

    def _stream(self) -> dict[str, Any]:
        next(self.events)  # StreamStart
        first = next(self.events)
        if isinstance(first, yaml.StreamEndEvent):
            self._stop(first, "file is empty; a design spec is a mapping (id: ..., title: ...)")
        data = self._node((), 0)
        next(self.events)  # DocumentEnd
        extra = next(self.events)
        if isinstance(extra, yaml.DocumentStartEvent):
            self._stop(extra, "several YAML documents in one file; keep one design per file")
        if data is None:
            self._stop(first, "file is empty; a design spec is a mapping (id: ..., title: ...)")
        if not isinstance(data, dict):
            what = "a list" if isinstance(data, list) else "a single value"
            self._stop(first, f"the top level must be a mapping (id: ..., title: ...), not {what}")
        return data

    def _node(self, path: KeyPath, depth: int) -> Any:
        event = next(self.events)
        self._refuse_anchors_and_tags(event)
        if depth > MAX_DEPTH:
            self._stop(event, f"nested deeper than {MAX_DEPTH} levels")
        if isinstance(event, yaml.ScalarEvent):
            return None if not event.style and event.value in NULLS else event.value
        if isinstance(event, yaml.SequenceStartEvent):
            return self._sequence(path, depth)
        if isinstance(event, yaml.MappingStartEvent):
            return self._mapping(path, depth, bool(event.flow_style))
        self._stop(event, f"unexpected YAML {type(event).__name__}")

    def _sequence(self, path: KeyPath, depth: int) -> list[Any]:
        items: list[Any] = []
        while not isinstance(self._peek(), yaml.SequenceEndEvent):
            item_path = (*path, len(items))
            self.marks[item_path] = _mark(self._peek())
            items.append(self._node(item_path, depth + 1))
        next(self.events)
        return items

    def _mapping(self, path: KeyPath, depth: int, flow: bool) -> dict[str, Any]:
        result: dict[str, Any] = {}
        scalars: list[tuple[yaml.ScalarEvent, yaml.Event]] = []  # (key, value) events
        while not isinstance(self._peek(), yaml.MappingEndEvent):
            key_event = next(self.events)
            self._refuse_anchors_and_tags(key_event)
            if not isinstance(key_event, yaml.ScalarEvent):
                self._stop(key_event, "a key must be a plain word, not a list or mapping")
            key, mark = key_event.value, _mark(key_event)
            if key in result:
                first = self.marks[(*path, key)]
                where = f"line {first.line}"
                where += f", column {first.column}" if first.line == mark.line else ""
                message = f"duplicate key '{shown(key)}' (first defined at {where})"
                self._add(mark, (*path, key), message)
                self._node((*path, f"{key}#dup"), depth + 1)
                continue
            self.marks[(*path, key)] = mark
            scalars.append((key_event, self._peek()))
            result[key] = self._node((*path, key), depth + 1)
        next(self.events)
        self._hint_quoting(path, flow, scalars)
        return result

    def _hint_quoting(
        self, path: KeyPath, flow: bool, entries: list[tuple[yaml.ScalarEvent, yaml.Event]]
    ) -> None:
        """Remember where a `: ` or `, ` in an unquoted value probably made keys of text:
        `- PCI-DSS: card data` (a list item read as a mapping), `{label: a, b}` (`b` a key)."""
        plain = [(k, v) for k, v in entries if _plain(k) and _plain(v)]
        if not flow and len(entries) == 1 == len(plain) and path and isinstance(path[-1], int):
            only_key, only_value = plain[0]
            if _known(only_key.start_mark).line == _known(only_value.end_mark).line:
                text = _quote(f"{only_key.value}: {only_value.value}")
                self.hints[path] = f"its ': ' makes it a mapping; to keep it text, quote it: {text}"
        for (before, before_value), (key, value) in zip(entries, entries[1:], strict=False):
            if flow and _plain(key) and _implicit_empty(value) and _plain(before_value):
                text = _quote(f"{before_value.value}, {key.value}")
                self.hints[(*path, key.value)] = (
                    f"if ', {key.value}' belongs to {before.value}, quote that value: "
                    f"{{{before.value}: {text}}}"
                )

    def _peek(self) -> yaml.Event:
        return self.events.peek()

    def _refuse_anchors_and_tags(self, event: yaml.Event) -> None:
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            self._stop(event, "YAML anchors and aliases (&, *) are not allowed; repeat the value")
        tag = getattr(event, "tag", None)
        if tag:
            self._stop(
                event, f"YAML tags are not allowed (found '{shown(tag, 80)}'); remove the tag"
            )

    def _add(self, mark: Mark, path: KeyPath, message: str) -> None:
        self.problems.append(Problem(self.source, mark.line, mark.column, dotted(path), message))

    def _stop(self, event: yaml.Event, message: str) -> NoReturn:
        mark = _mark(event)
        self.problems.append(Problem(self.source, mark.line, mark.column, "", message))
        raise _Stop


def _plain(event: yaml.Event) -> TypeGuard[yaml.ScalarEvent]:
    return isinstance(event, yaml.ScalarEvent) and not event.style


def _implicit_empty(event: yaml.Event) -> bool:
    """A key written alone in a flow mapping (`{a: 1, b}`): its value is an empty scalar."""
    if not _plain(event) or event.value != "":
        return False
    return _known(event.start_mark).index == _known(event.end_mark).index


def _quote(text: str) -> str:
    return '"' + shown(text, 80).replace('"', '\\"') + '"'


def _mark(event: yaml.Event) -> Mark:
    start = _known(event.start_mark)
    return Mark(start.line + 1, start.column + 1)


class _YamlMark(Protocol):
    """A 0-based position PyYAML puts on an event (its pure-Python and C marks alike)."""

    index: int
    line: int
    column: int


def _known(mark: _YamlMark | None) -> _YamlMark:
    """The parser marks every event it emits; the stubs allow None only because an event
    can also be built by hand."""
    if mark is None:
        raise ValueError("a YAML event without a position")
    return mark


class _Peekable:
    """An event iterator that can look one event ahead."""

    def __init__(self, events: Iterator[yaml.Event]) -> None:
        self._events = events
        self._ahead: list[yaml.Event] = []

    def __iter__(self) -> _Peekable:
        return self

    def __next__(self) -> yaml.Event:
        return self._ahead.pop() if self._ahead else next(self._events)

    def peek(self) -> yaml.Event:
        if not self._ahead:
            self._ahead.append(next(self._events))
        return self._ahead[0]

"""One findings model for `mlsd review` and `mlsd check`, and the per-design configuration.

A `Finding` is one thing wrong with a design: which tool found it (`review` or `check`),
the rule's code and name (a check figure's name is both), its severity, where in the spec
it points (file, line, column, dotted key, and the offending component, flow or view when
known), what is wrong in this design (`message`) and what a good answer does (`hint`).
Both commands print one JSON document shape (`document`), versioned by FORMAT and VERSION.

A design switches a review rule or a check figure off under `review.disable`, with a
reason (`disabled`): the tool that owns the name skips it and lists it in its report; a
name neither tool knows is a warning located at the entry, with the closest name offered.
Nothing here runs a rule or measures a picture; review.py and check.py do.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any, Literal

from .catalog import suggest
from .errors import shown
from .load import Document, KeyPath
from .model import Design

FORMAT = "mlsd-findings"
VERSION = 1
"""Bumped when a key of the JSON document changes meaning or goes; new keys keep it."""

Tool = Literal["review", "check"]
SEVERITIES = ("critical", "error", "warning")
UNKNOWN_DISABLE = "unknown-disable"
"""The code and name of the warning about a `review.disable` entry no tool knows."""


@dataclass(frozen=True)
class Finding:
    """One thing wrong with a design, located in its spec where that is known."""

    tool: Tool
    code: str
    """A review rule's code (`EV04`); for a check figure, its name (`crossings`)."""
    rule: str
    """The rule's name (`imbalance-metrics`) or the check figure's (`crossings`)."""
    severity: str
    """critical, error or warning (see SEVERITIES)."""
    message: str
    """What is wrong in this design, and what to change."""
    hint: str = ""
    """What a strong answer does (a review rule), or the general way out (a check figure)."""
    design: str = ""
    file: str = ""
    line: int = 0
    """1-based; 0 when the finding could not be located in a spec."""
    column: int = 0
    key: str = ""
    """The spec key at fault, dotted (`evaluation.offline`, `components.4`, `flows.7`)."""
    component: str | None = None
    """The id of the offending component, when one is at fault."""
    flow: str | None = None
    """The offending flow, `source → target`, when one is at fault."""
    view: str | None = None
    """The picture a check finding is about (`overview`, `serving`...)."""
    step: str | None = None
    """The step of the answer a review rule belongs to."""
    value: float | None = None
    """The figure measured (check)."""
    limit: float | None = None
    """The goal it missed (check)."""

    def at(self, doc: Document, path: KeyPath) -> Finding:
        """This finding located at `path` of `doc` (or its nearest ancestor in the file)."""
        mark = doc.mark(path)
        key = ".".join(map(str, path))
        return replace(self, file=doc.source, line=mark.line, column=mark.column, key=key)

    def naming(self, design: Design, path: KeyPath) -> Finding:
        """This finding with the component or flow at `path` (`components.3...`,
        `flows.7...`) named, unless it names one already."""
        index = path[1] if len(path) > 1 else None
        if not isinstance(index, int):
            return self
        if path[0] == "components" and self.component is None and index < len(design.components):
            return replace(self, component=design.components[index].id)
        if path[0] == "flows" and self.flow is None and index < len(design.flows):
            flow = design.flows[index]
            return replace(self, flow=f"{flow.source} → {flow.target}")
        return self

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}:{self.column}" if self.line else ""

    def __str__(self) -> str:
        where = f"{self.where}: " if self.where else ""
        picture = f"{self.design}/{self.view}" if self.design else self.view
        subject = f"{picture}: " if picture is not None else ""
        code = f"{self.code} " if self.code != self.rule else ""
        return f"{where}{subject}{self.severity} {code}[{self.rule}] {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Disabled:
    """A rule or figure a design switched off, with its reason and where it says so."""

    tool: Tool
    code: str
    rule: str
    reason: str
    file: str = ""
    line: int = 0
    column: int = 0
    key: str = ""

    def __str__(self) -> str:
        code = f"{self.code} " if self.code != self.rule else ""
        return f"disabled {code}[{self.rule}]: {self.reason}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Known:
    """A rule or figure a design may disable: its tool, code and name."""

    tool: Tool
    code: str
    rule: str


def catalogue() -> tuple[Known, ...]:
    """Every name `review.disable` accepts: the review rules (by code or name), then the
    check figures (by name)."""
    from .check import FIGURES
    from .review_rules import RULES

    rules = tuple(Known("review", r.code, r.name) for r in RULES)
    return rules + tuple(Known("check", name, name) for name in FIGURES)


def disabled(doc: Document, design: Design, tool: Tool) -> tuple[list[Disabled], list[Finding]]:
    """What `design` disables for `tool`, and a warning per entry naming nothing known.

    An entry for the other tool is neither: that tool reports it.
    """
    known = catalogue()
    off: dict[str, Disabled] = {}
    unknown = []
    for index, item in enumerate(design.review.disable):
        path: KeyPath = ("review", "disable", index, "rule")
        entry = next((k for k in known if item.rule in (k.code, k.rule)), None)
        if entry is None:
            unknown.append(_unknown(doc, design, tool, item.rule, path, known))
        elif entry.tool == tool and entry.code not in off:
            mark = doc.mark(path)
            off[entry.code] = Disabled(
                tool, entry.code, entry.rule, item.reason, doc.source, mark.line, mark.column,
                ".".join(map(str, path)),
            )  # fmt: skip
    return list(off.values()), unknown


def _unknown(
    doc: Document, design: Design, tool: Tool, name: str, path: KeyPath, known: tuple[Known, ...]
) -> Finding:
    names = [k.rule for k in known] + [k.code for k in known if k.code != k.rule]
    message = (
        f"review.disable names '{shown(name)}', which is neither a review rule nor a check "
        f"figure{suggest(name, names)}; it disables nothing"
    )
    hint = "`mlsd review` and `mlsd check` print the code and name of each finding they report"
    found = Finding(tool, UNKNOWN_DISABLE, UNKNOWN_DISABLE, "warning", message, hint, design.id)
    return found.at(doc, path)


def document(tool: Tool, designs: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    """The JSON document both commands print: its format and version, the tool, one entry
    per design (file, design, findings, disabled, and the tool's own figures), then the
    tool's settings (`extra`)."""
    return {"format": FORMAT, "version": VERSION, "tool": tool, "designs": designs, **extra}


def design_entry(
    file: str,
    design: str,
    findings: list[Finding],
    off: list[Disabled],
    **extra: Any,
) -> dict[str, Any]:
    """One design in the JSON document: its findings and disabled rules, then the tool's
    own figures for it (`extra`: review's score and steps, check's pictures)."""
    return {
        "file": file,
        "design": design,
        **extra,
        "findings": [f.to_dict() for f in findings],
        "disabled": [d.to_dict() for d in off],
    }

"""Other layout settings to try when Graphviz stops on a valid graph, in the order tried.

Graphviz 2.43 fails on some graphs with labelled edges between clusters: `lost cX cY edge`,
`trouble in init_rank`, `Pshortestpath failed`, `source point not in any triangle`. What
avoids it was measured on random valid designs (tools/layout_ladder.py, fixed seeds): the
edge labels are what breaks rank assignment and spline routing, and flows that do not rank
their target (`constraint=false`) are what leaves edges unrouted. Each fallback changes the
DOT we wrote, edge attribute lists only (never user text): parsed, changed, written back.
"""

from __future__ import annotations

import re
import signal
import subprocess
from collections.abc import Callable
from dataclasses import dataclass

_LAYOUT_BUGS = re.compile(
    rb"lost \S+ \S+ edge|trouble in init_rank|Pshortestpath failed|in routesplines"
    rb"|source point not in any triangle|flat edge between adjacent nodes"
    rb"|node \S+ in graph \S+ has no position"
)
_CRASHES = frozenset({-signal.SIGABRT, -signal.SIGSEGV, -signal.SIGBUS, -signal.SIGFPE})

_QUOTED = r'"(?:[^"\\]|\\.)*"'
_ID = rf'(?:{_QUOTED}|[^\s"\[\]]+)'
_EDGE = re.compile(rf"^(\s*{_ID} -> {_ID} \[)(.*)\]$")
_ATTR = re.compile(rf"(\w+)=({_QUOTED}|[^\s\"\[\]<>]+)\s*")

Attrs = dict[str, str]


def is_layout_bug(done: subprocess.CompletedProcess[bytes]) -> bool:
    """Whether `dot` stopped on one of its layout bugs (not on bad input or a time limit)."""
    return done.returncode in _CRASHES or (
        done.returncode > 0 and _LAYOUT_BUGS.search(done.stderr) is not None
    )


@dataclass(frozen=True)
class Fallback:
    description: str  # what the user is told was done
    edges: Callable[[Attrs], Attrs]
    graph: str = ""  # graph attributes appended at the end (the last setting wins)

    def apply(self, source: str) -> str:
        lines = [_edge_line(line, self.edges) for line in source.splitlines()]
        if self.graph:
            closing = max(i for i, line in enumerate(lines) if line.strip() == "}")
            lines.insert(closing, f"\t{self.graph}")
        return "\n".join(lines) + "\n"


def _edge_line(line: str, change: Callable[[Attrs], Attrs]) -> str:
    match = _EDGE.match(line)
    if match is None:
        return line
    head, body = match.groups()
    attrs = {m.group(1): m.group(2) for m in _ATTR.finditer(body)}
    if "".join(m.group(0) for m in _ATTR.finditer(body)) != body:
        return line  # not an attribute list we wrote: leave it as it is
    changed = change(attrs)
    return head + " ".join(f"{key}={value}" for key, value in changed.items()) + "]"


def xlabels(attrs: Attrs) -> Attrs:
    """Edge labels placed after the layout, beside their arrows, instead of ranked in it."""
    return {("xlabel" if key == "label" else key): value for key, value in attrs.items()}


def constrained(attrs: Attrs) -> Attrs:
    """Every flow ranks its target to the right of its source."""
    return {key: value for key, value in attrs.items() if key != "constraint"}


def both(attrs: Attrs) -> Attrs:
    return constrained(xlabels(attrs))


FALLBACKS = (
    Fallback("flow labels placed beside their arrows (xlabel)", xlabels),
    Fallback("every flow drawn left to right (no constraint=false)", constrained),
    Fallback("flow labels beside their arrows and every flow left to right", both),
    Fallback(
        "straight polyline flows, labels beside them, every flow left to right",
        both,
        "splines=polyline",
    ),
    Fallback("straight flows, labels beside them, every flow left to right", both, "splines=line"),
)

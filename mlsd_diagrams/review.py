"""`mlsd review`: what a strong interviewer would hold against a design.

The rules live in review_rules.py (one declarative row each), the metric vocabulary in
metrics.py, the typed facts they read in review_facts.py. This module runs them and scores:

- each failing rule costs its severity's penalty once (critical 40, error 20, warning 15);
- any critical finding caps the score at CRITICAL_CAP, so `--min-score 70` in CI fails a
  design whose metric cannot measure its objective, or whose agent acts unguarded;
- a step's score is 100 minus the penalties of its rules (for the per-step line).

A design may switch a rule off under `review.disable` with a reason; the report lists it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

from .load import Document, load_file
from .model import Design
from .review_facts import Facts
from .review_rules import RULES, STEPS, Rule

PENALTY = {"critical": 40, "error": 20, "warning": 15}
CRITICAL_CAP = 60


@dataclass(frozen=True)
class Finding:
    code: str
    rule: str
    step: str
    severity: str
    file: str
    line: int
    column: int
    message: str
    component: str | None = None
    key: str = ""
    """The spec key at fault, dotted (`evaluation.offline`, `components.4`)."""

    @property
    def hint(self) -> str:
        return self.message

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        return f"{where}: {self.severity} {self.code} [{self.rule}] {self.message}"


@dataclass(frozen=True)
class Disabled:
    code: str
    rule: str
    reason: str


@dataclass(frozen=True)
class Review:
    file: str
    design_id: str
    scores: dict[str, int]
    score: int
    findings: tuple[Finding, ...]
    disabled: tuple[Disabled, ...] = ()

    @property
    def critical(self) -> bool:
        return any(f.severity == "critical" for f in self.findings)

    def to_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "design": self.design_id,
            "score": self.score,
            "steps": self.scores,
            "findings": [asdict(f) for f in self.findings],
            "disabled": [asdict(d) for d in self.disabled],
        }


def rule_by_key(key: str) -> Rule | None:
    return next((r for r in RULES if key in (r.code, r.name)), None)


def _disabled(design: Design) -> dict[str, Disabled]:
    off = {}
    for item in design.review.disable:
        rule = rule_by_key(item.rule)
        if rule is not None:
            off[rule.code] = Disabled(rule.code, rule.name, item.reason)
    return off


def run_rules(doc: Document, design: Design) -> tuple[list[Finding], dict[str, Disabled]]:
    facts, off, findings = Facts(design), _disabled(design), []
    for rule in RULES:
        if rule.code in off:
            continue
        for v in rule.check(facts):
            mark = doc.mark(v.path)
            findings.append(
                Finding(
                    rule.code,
                    rule.name,
                    rule.step,
                    rule.severity,
                    doc.source,
                    mark.line,
                    mark.column,
                    v.message,
                    v.component,
                    ".".join(map(str, v.path)),
                )  # fmt: skip
            )
    findings.sort(key=lambda f: (f.line, f.column, f.code))
    return findings, off


def score(findings: list[Finding]) -> tuple[int, dict[str, int]]:
    """(overall, per step): penalties of the failing rules, each counted once."""
    failing = {(f.code, f.step, f.severity) for f in findings}
    steps = dict.fromkeys(STEPS, 100)
    for _, step, severity in failing:
        steps[step] = max(0, steps[step] - PENALTY[severity])
    overall = max(0, 100 - sum(PENALTY[severity] for _, _, severity in failing))
    if any(severity == "critical" for _, _, severity in failing):
        overall = min(overall, CRITICAL_CAP)
    return overall, steps


def review(doc: Document, design: Design) -> Review:
    findings, off = run_rules(doc, design)
    overall, steps = score(findings)
    return Review(doc.source, design.id, steps, overall, tuple(findings), tuple(off.values()))


def review_file(path: Path) -> Review:
    from .validate import validate

    doc = load_file(path)
    return review(doc, validate(doc))

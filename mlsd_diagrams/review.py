"""`mlsd review`: what a strong interviewer would hold against a design.

The rules live in review_rules.py (one declarative row each), the metric vocabulary in
metrics.py, the typed facts they read in review_facts.py. This module runs them and scores:

- each failing rule costs its severity's penalty once (critical 40, error 20, warning 15);
- any critical finding caps the score at CRITICAL_CAP, so `--min-score 70` in CI fails a
  design whose metric cannot measure its objective, or whose agent acts unguarded;
- a step's score is 100 minus the penalties of its rules (for the per-step line).

A design may switch a rule off under `review.disable` with a reason; the report lists it
(findings.py: the finding, the disabled entry and the JSON document, shared with `check`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .findings import Disabled, Finding, design_entry, disabled
from .load import Document, load_file
from .model import Design
from .review_facts import Facts
from .review_rules import RULES, STEPS

PENALTY = {"critical": 40, "error": 20, "warning": 15}
CRITICAL_CAP = 60


@dataclass(frozen=True)
class Review:
    file: str
    design_id: str
    scores: dict[str, int]
    score: int
    findings: tuple[Finding, ...]
    """What the rules found: what the score counts."""
    disabled: tuple[Disabled, ...] = ()
    config: tuple[Finding, ...] = ()
    """Warnings about the design's `review` section (a name `review.disable` cannot find);
    reported with the findings, never scored."""

    @property
    def critical(self) -> bool:
        return any(f.severity == "critical" for f in self.findings)

    def to_dict(self) -> dict[str, Any]:
        """This review as a design of the findings document (findings.document)."""
        return design_entry(
            self.file,
            self.design_id,
            [*self.findings, *self.config],
            list(self.disabled),
            score=self.score,
            steps=self.scores,
        )


def run_rules(
    doc: Document, design: Design, skipped: frozenset[str] = frozenset()
) -> list[Finding]:
    """The findings of every rule but the `skipped` codes, in the order of the spec."""
    facts, findings = Facts(design), []
    for rule in RULES:
        if rule.code in skipped:
            continue
        for v in rule.check(facts):
            found = Finding(
                "review", rule.code, rule.name, rule.severity, v.message, rule.description,
                design.id, component=v.component, step=rule.step,
            )  # fmt: skip
            findings.append(found.at(doc, v.path).naming(design, v.path))
    findings.sort(key=lambda f: (f.line, f.column, f.code))
    return findings


def score(findings: list[Finding]) -> tuple[int, dict[str, int]]:
    """(overall, per step): penalties of the failing rules, each counted once."""
    failing = {(f.code, f.step or "", f.severity) for f in findings}
    steps = dict.fromkeys(STEPS, 100)
    for _, step, severity in failing:
        steps[step] = max(0, steps[step] - PENALTY[severity])
    overall = max(0, 100 - sum(PENALTY[severity] for _, _, severity in failing))
    if any(severity == "critical" for _, _, severity in failing):
        overall = min(overall, CRITICAL_CAP)
    return overall, steps


def review(doc: Document, design: Design) -> Review:
    off, config = disabled(doc, design, "review")
    findings = run_rules(doc, design, frozenset(d.code for d in off))
    overall, steps = score(findings)
    return Review(doc.source, design.id, steps, overall, tuple(findings), tuple(off), tuple(config))


def review_file(path: Path) -> Review:
    from .validate import validate

    doc = load_file(path)
    return review(doc, validate(doc))

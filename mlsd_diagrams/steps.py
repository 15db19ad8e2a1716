"""The 7 steps of the framework, in the order of the answer: one definition, read by the
talk track, the review, the build-up's captions and the templates (as `steps`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    number: int
    section: str  # the section of the spec that answers it
    title: str  # its heading in the write-up and the talk track


STEPS: tuple[Step, ...] = (
    Step(1, "requirements", "Clarify requirements"),
    Step(2, "framing", "Frame the problem as an ML task"),
    Step(3, "data", "Data preparation"),
    Step(4, "model", "Model development"),
    Step(5, "evaluation", "Evaluation"),
    Step(6, "serving", "Deployment and serving"),
    Step(7, "monitoring", "Monitoring"),
)
SECTIONS: tuple[str, ...] = tuple(step.section for step in STEPS)

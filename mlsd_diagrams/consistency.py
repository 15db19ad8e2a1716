"""Consistency warnings: a valid design that contradicts its own numbers.

Warnings, not errors: the spec renders, but an interviewer would stop at these. Each rule
reads the typed design and returns (key path, message); the key path locates the warning in
the file (file:line:col), like a validation problem.

- a trade-off choice against its option's "pick when" at this design's scale (each library
  option may carry a `check`, see tradeoffs.py);
- an online feature store sized for fewer entities than the design has daily users;
- a ranking load (candidates per request) in a design with no component that ranks;
- a request flow into a ranker whose label states a candidate count other than the scale's;
- a request-path budget stated twice with two values, or stages over scale.latency_budget_ms;
- a deployed model whose `component` names no component of the diagram.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from .errors import Problem, shown
from .estimates import format_count
from .load import Document, KeyPath
from .model import Design, _parse_count, stage_total_ms
from .tradeoffs import TRADEOFFS

RANKER_KINDS = frozenset({"ranking", "re-ranking", "prediction-service", "gpu-inference"})
_COUNT_WORD = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?[kKmMbB]?)(?![\w.])")

Finding = tuple[KeyPath, str]


def warnings(doc: Document, design: Design) -> list[Problem]:
    """Every consistency warning of a valid design, located in its file."""
    findings = [finding for rule in RULES for finding in rule(design)]
    return sorted(doc.problem(path, f"warning: {message}") for path, message in findings)


def tradeoff_choices(design: Design) -> Iterator[Finding]:
    """A choice that names a library option whose check fails at this design's numbers."""
    for index, choice in enumerate(design.tradeoffs):
        tradeoff = TRADEOFFS.get(choice.name)
        if tradeoff is None or choice.choice is None:
            continue
        for option in tradeoff.options:
            if option.check is None or option.name.lower() != choice.choice.strip().lower():
                continue
            message = option.check(design)
            if message:
                yield ("tradeoffs", index, "choice"), f"{option.name}: {message}"


def feature_store_too_small(design: Design) -> Iterator[Finding]:
    scale = design.requirements.scale
    users = scale.daily_active_users
    if users is None:
        return
    if scale.feature_entities is not None and scale.feature_entities < users:
        yield (
            ("requirements", "scale", "feature_entities"),
            f"the online feature store holds {format_count(scale.feature_entities)} entities, "
            f"fewer than the {format_count(users)} daily users it must serve; count every "
            "user (plus items) or say which users are left out",
        )
    counts = [entity.count for entity in scale.entity_types or []]
    if counts and max(counts) < users:
        yield (
            ("requirements", "scale", "entity_types"),
            f"no entity type of the feature store reaches the {format_count(users)} daily "
            f"users (largest: {format_count(max(counts))})",
        )


def ranking_load_without_ranker(design: Design) -> Iterator[Finding]:
    if design.requirements.scale.candidates_per_request is None:
        return
    if any(component.kind in RANKER_KINDS for component in design.components):
        return
    if not design.components:
        return
    yield (
        ("requirements", "scale", "candidates_per_request"),
        "candidates_per_request sets a ranking load, but no component ranks or scores "
        f"({', '.join(sorted(RANKER_KINDS))}); add the ranker or drop the number",
    )


def candidates_against_flows(design: Design) -> Iterator[Finding]:
    stated = design.requirements.scale.candidates_per_request
    kinds = {component.id: component.kind for component in design.components}
    for index, flow in enumerate(design.flows):
        if flow.kind != "request" or kinds.get(flow.target) not in RANKER_KINDS or not flow.label:
            continue
        counts = [_parse_count(word) for word in _COUNT_WORD.findall(flow.label)]
        counts = [c for c in counts if isinstance(c, float) and c >= 2]
        if not counts:
            continue
        if stated is None:
            yield (
                ("flows", index, "label"),
                f"this flow brings {format_count(counts[0])} candidates to the ranker, but "
                "requirements.scale has no candidates_per_request; add it so the ranking "
                "load is computed",
            )
        elif stated not in counts:
            yield (
                ("flows", index, "label"),
                f"this flow brings {format_count(counts[0])} candidates to the ranker, but "
                f"candidates_per_request is {format_count(stated)}; make them agree",
            )


def two_budgets(design: Design) -> Iterator[Finding]:
    latency = design.requirements.latency
    scale_budget = design.requirements.scale.latency_budget_ms
    if latency is None or scale_budget is None:
        return
    if latency.budget_ms is None:  # the stages were not checked against a budget of their own
        total = stage_total_ms(latency.stages)
        if total > scale_budget:
            yield (
                ("requirements", "latency", "stages"),
                f"the stages add up to {format_count(total)} ms, over the "
                f"{format_count(scale_budget)} ms of scale.latency_budget_ms",
            )
        return
    if latency.budget_ms != scale_budget:
        yield (
            ("requirements", "latency", "budget_ms"),
            f"the request-path budget is {format_count(latency.budget_ms)} ms here but "
            f"{format_count(scale_budget)} ms in scale.latency_budget_ms; keep one value",
        )


def model_components(design: Design) -> Iterator[Finding]:
    ids = {component.id for component in design.components}
    for index, model in enumerate(design.serving.models):
        if model.component is not None and model.component not in ids:
            yield (
                ("serving", "models", index, "component"),
                f"no component has the id '{shown(model.component)}'; use the id of the box "
                "that serves this model",
            )


RULES: tuple[Callable[[Design], Iterator[Finding]], ...] = (
    tradeoff_choices,
    feature_store_too_small,
    ranking_load_without_ranker,
    candidates_against_flows,
    two_budgets,
    model_components,
)

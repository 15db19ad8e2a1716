"""What the review rules look at: typed facts of one design (its tasks, its graph of kinds).

Everything here reads component *kinds*, flows, categories and typed fields; component ids
and free text are never read, so an id like `skew_guard` proves nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from .metrics import task_families
from .model import Component, Design, MLCategory

LTR = {MLCategory.pointwise_ltr, MLCategory.pairwise_ltr, MLCategory.listwise_ltr}
RANKER_KINDS = {"candidate-generation", "ranking", "re-ranking"}
RETRIEVER_KINDS = {"vector-index", "search-index", "candidate-generation"}
MODEL_KINDS = {"gpu-inference", "llm", "ranking", "embedding-service"}
FEATURE_COMPUTE_KINDS = {"feature-pipeline", "stream-processor"}
PRECOMPUTED_KINDS = {"kv-store", "cache", "batch-prediction"}
LOW_POSITIVE_RATE = 0.05
"""Below this share of positives, accuracy and ROC-AUC say little (95% accuracy for free)."""

# Names of simple baselines, matched on a model step's *name* (its `why` is never read).
BASELINE_NAMES = (
    "logistic regression", "linear", "lr", "heuristic", "heuristics", "rules", "rule-based",
    "attribute rules", "popularity", "most popular", "matrix factorization", "bm25", "tf-idf",
    "text search only", "k-nn", "knn", "gbdt", "gradient-boosted", "xgboost", "lightgbm",
    "decision tree", "naive bayes", "pretrained", "single augmented llm call",
    "one binary classifier", "single binary classifier", "pointwise binary classifier",
    "collaborative filtering",
    "hash matching", "one-stage detector", "prompting",
)  # fmt: skip
_BASELINE = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, BASELINE_NAMES)) + r")(?![\w-])")


def is_baseline(name: str) -> bool:
    return bool(_BASELINE.search(name.lower()))


@dataclass
class Facts:
    """The design and the typed facts the rules ask about, computed once."""

    design: Design
    _memo: dict[str, object] = field(default_factory=dict)

    @cached_property
    def index(self) -> dict[str, int]:
        return {c.id: i for i, c in enumerate(self.design.components)}

    @cached_property
    def kinds(self) -> dict[str, str]:
        return {c.id: c.kind for c in self.design.components}

    def component(self, cid: str) -> Component:
        return self.design.components[self.index[cid]]

    def of_kind(self, *kinds: str) -> list[str]:
        return [c.id for c in self.design.components if c.kind in kinds]

    @cached_property
    def families(self) -> frozenset[str]:
        return task_families(self.design)

    @cached_property
    def edges(self) -> list[tuple[str, str]]:
        return [(f.source, f.target) for f in self.design.flows]

    @cached_property
    def request_edges(self) -> list[tuple[str, str]]:
        return [(f.source, f.target) for f in self.design.flows if f.kind.value == "request"]

    def reach(
        self, starts: list[str] | set[str], avoid: frozenset[str] | set[str] = frozenset(),
        requests_only: bool = False,
    ) -> set[str]:  # fmt: skip
        """Components reachable from `starts` along flows (or request flows only), never
        entering `avoid`."""
        edges = self.request_edges if requests_only else self.edges
        seen = {s for s in starts if s not in avoid}
        frontier = list(seen)
        while frontier:
            here = frontier.pop()
            for source, target in edges:
                if source == here and target not in seen and target not in avoid:
                    seen.add(target)
                    frontier.append(target)
        return seen

    def gated(self, sources: list[str], targets: list[str], gate_kinds: set[str]) -> bool:
        """Every request path from a source to a target passes a component of a gate kind
        (and at least one request path exists)."""
        if not targets or not (set(targets) & self.reach(sources, requests_only=True)):
            return False
        gates = set(self.of_kind(*gate_kinds))
        return not (set(targets) & self.reach(sources, avoid=gates, requests_only=True))

    def entry_points(self) -> list[str]:
        """Client components, or, when the design has none, components nothing flows into."""
        clients = [c.id for c in self.design.components if c.stage.value == "client"]
        if clients:
            return clients
        targets = {t for _, t in self.edges}
        return [c.id for c in self.design.components if c.id not in targets]

    def fallback_stores(self) -> list[str]:
        """Serving components that answer without the model: caches, keyword indexes,
        key-value stores filled by a batch job, on (or read by) the request path."""
        path = self.reach(self.entry_points(), requests_only=True)
        path |= {s for s, t in self.request_edges if t in path}
        batch_filled = {f.target for f in self.design.flows if f.kind.value == "batch"}
        answering = {"cache", "search-index"}
        return [
            c.id for c in self.design.components
            if c.id in path and c.stage.value == "serving"
            and (c.kind in answering or (c.kind == "kv-store" and c.id in batch_filled))
        ]  # fmt: skip

    # --- what kind of system this is, from categories and component kinds ---

    @cached_property
    def is_rag(self) -> bool:
        llms = self.of_kind("llm")
        return bool(llms) and bool(set(llms) & self.reach(self.of_kind(*RETRIEVER_KINDS)))

    @cached_property
    def is_agent(self) -> bool:
        return bool(self.of_kind("agent-orchestrator"))

    @cached_property
    def is_recsys_or_search(self) -> bool:
        """Ranks items for a user or a query (not an LLM system that retrieves context)."""
        if self.is_rag or self.is_agent:
            return False
        ranked = bool(set(self.design.framing.category) & LTR) or bool(self.of_kind("ranking"))
        return ranked or "retrieval" in self.families or bool(self.of_kind("candidate-generation"))

    @cached_property
    def is_classification(self) -> bool:
        detection = MLCategory.object_detection in self.design.framing.category
        return "classification" in self.families and not detection

    @cached_property
    def online(self) -> bool:
        return self.design.serving.mode != "batch"

    @cached_property
    def time_dependent(self) -> str | None:
        """Why examples are ordered in time, from typed fields, or None."""
        if self.design.data.label_delay:
            return "labels arrive late (data.label_delay)"
        if self.of_kind("stream-processor"):
            return "features are computed on a stream (a stream-processor component)"
        return None

    @cached_property
    def probabilities_as_values(self) -> str | None:
        """Why the predicted probability itself is used as a number, or None."""
        from .metrics import offline_entries

        evaluation = self.design.evaluation
        if evaluation.cost_weighted_metric is not None:
            return "a cost-weighted metric prices each decision"
        if evaluation.operating_point is not None and evaluation.operating_point.threshold:
            return "a fixed score threshold decides"
        cats = set(self.design.framing.category)
        if MLCategory.multitask_classification in cats and cats & LTR:
            return "several task heads are combined into one ranking score"
        if any(e.probabilistic for _, e in offline_entries(self.design)):
            return "an offline metric reads the probabilities (log-loss, NCE, calibration)"
        return None

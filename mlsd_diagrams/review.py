"""`mlsd review`: score a design against the signals interviewers look for.

Every rule is one row of RULES: the step it belongs to, its severity, where in the spec the
fix goes, when it applies, the check, and a concrete hint. A step's score is the weighted
share of its applicable rules that pass; the overall score is the mean of the step scores.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .graph import Graph, build_graph
from .load import Document, KeyPath, load_file
from .model import Design
from .validate import validate

STEPS = (
    "requirements",
    "framing",
    "data",
    "model",
    "evaluation",
    "serving",
    "monitoring",
    "tradeoffs",
    "graph",
)
WEIGHTS = {"error": 3, "warning": 2, "info": 1}

Check = Callable[[Design, Graph], bool]


@dataclass(frozen=True)
class Rule:
    id: str
    step: str
    severity: str
    path: KeyPath
    check: Check
    hint: str
    applies: Check = lambda design, graph: True


@dataclass(frozen=True)
class Finding:
    rule: str
    step: str
    severity: str
    file: str
    line: int
    column: int
    hint: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        return f"{where}: {self.severity} [{self.rule}] {self.hint}"


@dataclass(frozen=True)
class Review:
    file: str
    design_id: str
    scores: dict[str, int]
    score: int
    findings: tuple[Finding, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "design": self.design_id,
            "score": self.score,
            "steps": self.scores,
            "findings": [f.__dict__ for f in self.findings],
        }


# --- what the rules look at ---


def _text(design: Design) -> str:
    """Every word of the spec, lower-cased, for the rules that look for a topic."""
    return design.model_dump_json(by_alias=True).lower()


def _mentions(*words: str) -> Callable[[str], bool]:
    pattern = re.compile("|".join(words))
    return lambda text: bool(pattern.search(text))


def _kinds(graph: Graph) -> set[str]:
    return {node.kind for node in graph.nodes}


def _categories(design: Design) -> set[str]:
    return {category.value for category in design.framing.category}


RANKING = {"pointwise-ltr", "pairwise-ltr", "listwise-ltr", "retrieval", "representation-learning"}
CLASSIFICATION = {
    "binary-classification",
    "multilabel-classification",
    "multitask-classification",
    "edge-prediction",
}
RANKING_METRICS = _mentions(r"ndcg", r"\bmap\b", r"mrr", r"precision@", r"p@", r"recall@", r"rank")
IMBALANCE_METRICS = _mentions(
    r"pr-auc", r"roc-auc", r"precision", r"recall", r"\bf1\b", r"\bnce\b", r"\bne\b", r"ap\b"
)
IMBALANCE_FIXES = _mentions(r"(re|down|under|over)-?sampl", r"weight", r"focal", r"calibrat")
LOW_POSITIVE_RATE = _mentions(
    r"rare", r"imbalanc", r"few positives", r"minority", r"\b0?\.\d+ ?%", r"\b[0-4](\.\d+)? ?%"
)
TESTING = _mentions(r"shadow", r"a/b", r"canary", r"interleav", r"bandit")
COLD_START = _mentions(
    r"cold start",
    r"cold-start",
    r"new users?",
    r"new items?",
    r"new videos?",
    r"new listings?",
    r"new events?",
)
DRIFT = _mentions(r"drift", r"shift", r"distribution")


LTR = {"pointwise-ltr", "pairwise-ltr", "listwise-ltr"}
FEATURE_KINDS = {
    "feature-pipeline",
    "stream-processor",
    "feature-store-online",
    "feature-store-offline",
}


def _is_recsys_or_search(design: Design, graph: Graph) -> bool:
    tags = set(design.tags)
    return bool(_categories(design) & LTR) or bool(tags & {"recommendation", "search"})


def _metric_text(design: Design) -> str:
    return " ".join(f"{m.name} {m.why or ''}" for m in design.evaluation.offline).lower()


def _ranking_metrics(design: Design, graph: Graph) -> bool:
    text = _metric_text(design)
    pointwise = "pointwise-ltr" in _categories(design)
    return RANKING_METRICS(text) or (pointwise and IMBALANCE_METRICS(text))


def _is_imbalanced_classification(design: Design, graph: Graph) -> bool:
    return bool(_categories(design) & CLASSIFICATION)


def _has_online_features(design: Design, graph: Graph) -> bool:
    nodes = {node.id: node for node in graph.nodes}
    feeds_serving = any(
        nodes[e.source].kind in FEATURE_KINDS and nodes[e.target].stage == "serving"
        for e in graph.edges
    )
    return design.serving.mode != "batch" and feeds_serving


def _low_positive_rate(design: Design, graph: Graph) -> bool:
    return LOW_POSITIVE_RATE((design.data.class_balance or "").lower())


def _handles_imbalance(design: Design, graph: Graph) -> bool:
    names = {choice.name for choice in design.tradeoffs}
    text = " ".join(
        [design.data.class_balance or "", *design.model.training, design.model.loss or ""]
    )
    return "class-imbalance-handling" in names or IMBALANCE_FIXES(text.lower())


def _orphans(graph: Graph) -> set[str]:
    linked = {e.source for e in graph.edges} | {e.target for e in graph.edges}
    return {node.id for node in graph.nodes} - linked


def _reachable(graph: Graph, starts: set[str]) -> set[str]:
    seen, frontier = set(starts), list(starts)
    while frontier:
        here = frontier.pop()
        for edge in graph.edges:
            if edge.source == here and edge.target not in seen:
                seen.add(edge.target)
                frontier.append(edge.target)
    return seen


def _serving_reachable_from_client(design: Design, graph: Graph) -> bool:
    clients = {n.id for n in graph.nodes if n.stage == "client"}
    serving = {n.id for n in graph.nodes if n.stage == "serving"}
    return bool(clients) and serving <= _reachable(graph, clients)


def _registry_feeds_serving(design: Design, graph: Graph) -> bool:
    kinds = {n.id: n.kind for n in graph.nodes}
    stages = {n.id: n.stage for n in graph.nodes}
    registries = {n for n, k in kinds.items() if k == "model-registry"}
    trained = any(
        kinds[e.source] == "training-pipeline" and e.target in registries for e in graph.edges
    )
    used = any(e.source in registries and stages[e.target] == "serving" for e in graph.edges)
    return trained and used


def _has_feedback_loop(design: Design, graph: Graph) -> bool:
    stages = {n.id: n.stage for n in graph.nodes}
    back = any(
        stages[e.source] in ("client", "serving", "monitoring")
        and stages[e.target] in ("data", "training")
        for e in graph.edges
    )
    return back or any(edge.kind == "feedback" for edge in graph.edges)


def _scale(design: Design) -> dict[str, float]:
    return design.requirements.scale.model_dump(exclude_none=True)


# --- the rubric ---

# fmt: off
RULES: tuple[Rule, ...] = (
    Rule("business-objective", "requirements", "error", ("requirements", "business_objective"),
         lambda d, g: len(d.requirements.business_objective.strip()) >= 10,
         "State the business objective (revenue, engagement, safety...) the system serves."),
    Rule("scale-numbers", "requirements", "error", ("requirements", "scale"),
         lambda d, g: bool({"daily_active_users", "items", "new_items_per_day"} & set(_scale(d)))
         and bool({"requests_per_user_per_day", "events_per_day", "new_items_per_day", "items"} & set(_scale(d))),
         "Give scale numbers: users (daily_active_users) or items, and load (requests_per_user_per_day or events_per_day)."),
    Rule("latency-budget", "requirements", "warning", ("requirements", "scale"),
         lambda d, g: "latency_budget_ms" in _scale(d),
         "Set requirements.scale.latency_budget_ms: the budget drives the whole serving design.",
         applies=lambda d, g: d.serving.mode != "batch"),
    Rule("ml-objective", "framing", "error", ("framing", "ml_objective"),
         lambda d, g: len(d.framing.ml_objective.strip()) >= 10,
         "Translate the business objective into an ML objective (what the model optimizes)."),
    Rule("input-output", "framing", "error", ("framing", "input"),
         lambda d, g: bool(d.framing.input.strip() and d.framing.output.strip()),
         "Say what the model takes as input and returns as output."),
    Rule("ml-category", "framing", "warning", ("framing", "category"),
         lambda d, g: bool(d.framing.category),
         "Name the ML category (binary classification, pointwise LTR, representation learning...)."),
    Rule("label-source", "data", "error", ("data", "labels"),
         lambda d, g: bool(d.data.labels),
         "Say where labels come from: natural labels (clicks, likes), hand labels, user reports."),
    Rule("class-balance", "data", "warning", ("data", "class_balance"),
         lambda d, g: bool(d.data.class_balance),
         "State the positive rate and whether the classes are imbalanced."),
    Rule("imbalance-handling", "data", "warning", ("data", "class_balance"),
         _handles_imbalance,
         "With a low positive rate, say how you handle it: resampling, loss weighting or focal loss, calibration after downsampling.",
         applies=_low_positive_rate),
    Rule("features", "data", "info", ("data", "features"),
         lambda d, g: len(d.data.features) >= 3,
         "List the main features and how each is encoded."),
    Rule("baseline-first", "model", "warning", ("model", "path"),
         lambda d, g: len(d.model.path) >= 2,
         "Start from a simple baseline (heuristic, logistic regression, matrix factorization) before the complex model."),
    Rule("loss", "model", "warning", ("model", "loss"),
         lambda d, g: bool(d.model.loss),
         "Name the training loss (cross-entropy, focal, contrastive...)."),
    Rule("offline-metrics", "evaluation", "error", ("evaluation", "offline"),
         lambda d, g: bool(d.evaluation.offline),
         "Give offline metrics that fit the task."),
    Rule("online-metrics", "evaluation", "error", ("evaluation", "online"),
         lambda d, g: bool(d.evaluation.online),
         "Give online metrics tied to the business objective (CTR, watch time, revenue...)."),
    Rule("ranking-metrics", "evaluation", "warning", ("evaluation", "offline"),
         _ranking_metrics,
         "For ranking and retrieval, evaluate with ranking metrics: nDCG, mAP, MRR, precision@k or recall@k.",
         applies=lambda d, g: bool(_categories(d) & RANKING)),
    Rule("imbalance-metrics", "evaluation", "warning", ("evaluation", "offline"),
         lambda d, g: IMBALANCE_METRICS(_metric_text(d)),
         "For imbalanced classification, use PR-AUC, ROC-AUC, precision and recall, not accuracy.",
         applies=_is_imbalanced_classification),
    Rule("cold-start", "serving", "warning", ("serving", "optimizations"),
         lambda d, g: COLD_START(_text(d)),
         "Say how new users and new items are served (cold start): defaults, content features, exploration.",
         applies=_is_recsys_or_search),
    Rule("training-serving-skew", "serving", "warning", ("components",),
         lambda d, g: bool({"feature-store-online", "feature-store-offline"} & _kinds(g)) or "skew" in _text(d),
         "Online features need a feature store or an explicit answer to training-serving skew.",
         applies=_has_online_features),
    Rule("testing-in-production", "serving", "warning", ("serving", "testing"),
         lambda d, g: TESTING(" ".join(d.serving.testing).lower()),
         "Plan testing in production: shadow deployment, A/B test, canary, interleaving or bandits."),
    Rule("pipelines", "serving", "info", ("serving", "pipelines"),
         lambda d, g: bool(d.serving.pipelines),
         "Describe the pipelines: prediction, training, data, indexing."),
    Rule("drift-monitoring", "monitoring", "warning", ("monitoring", "ml"),
         lambda d, g: DRIFT(" ".join(d.monitoring.ml).lower()),
         "Monitor data and prediction drift (distribution shift is the main cause of failures)."),
    Rule("operational-metrics", "monitoring", "warning", ("monitoring", "operational"),
         lambda d, g: bool(d.monitoring.operational),
         "Monitor operational metrics: latency, throughput, errors, CPU/GPU."),
    Rule("alerting", "monitoring", "warning", ("monitoring", "alerts"),
         lambda d, g: bool(d.monitoring.alerts) or "alerting" in _kinds(g),
         "Say what pages someone, and at which threshold."),
    Rule("feedback-loop", "monitoring", "warning", ("flows",),
         _has_feedback_loop,
         "Close the loop: a feedback flow from users or serving back into the training data."),
    Rule("two-tradeoffs", "tradeoffs", "warning", ("tradeoffs",),
         lambda d, g: sum(1 for t in d.tradeoffs if t.choice and t.reason) >= 2,
         "Discuss at least two trade-offs (`mlsd tradeoffs`), each with your choice and the reason."),
    Rule("no-orphans", "graph", "error", ("components",),
         lambda d, g: not _orphans(g),
         "Connect every component with a flow, or remove it."),
    Rule("serving-reachable", "graph", "warning", ("flows",),
         _serving_reachable_from_client,
         "Every serving component should be reachable from a client component along the flows.",
         applies=lambda d, g: d.serving.mode != "batch"),
    Rule("registry-to-serving", "graph", "warning", ("components",),
         _registry_feeds_serving,
         "A training pipeline should publish to a model registry that serving components load from.",
         applies=lambda d, g: "training-pipeline" in _kinds(g)),
)
# fmt: on


def review(doc: Document, design: Design) -> Review:
    graph = build_graph(design)
    findings, earned, possible = [], dict.fromkeys(STEPS, 0), dict.fromkeys(STEPS, 0)
    for rule in RULES:
        if not rule.applies(design, graph):
            continue
        weight = WEIGHTS[rule.severity]
        possible[rule.step] += weight
        if rule.check(design, graph):
            earned[rule.step] += weight
        else:
            findings.append(_finding(doc, rule))
    scores = {s: round(100 * earned[s] / possible[s]) for s in STEPS if possible[s]}
    overall = round(sum(scores.values()) / len(scores)) if scores else 0
    findings.sort(key=lambda f: (f.line, f.column, f.rule))
    return Review(doc.source, design.id, scores, overall, tuple(findings))


def review_file(path: Path) -> Review:
    doc = load_file(path)
    return review(doc, validate(doc))


def _finding(doc: Document, rule: Rule) -> Finding:
    mark = doc.mark(rule.path)
    return Finding(rule.id, rule.step, rule.severity, doc.source, mark.line, mark.column, rule.hint)

"""The metric vocabulary: which metric a metric's *name* is, and what it can measure.

One declarative table. Each entry is a canonical metric with the aliases people write, the
task families it measures (classification, regression, ranking, retrieval, generation,
detection), whether it is an online business metric or an operational one, and the facts the
review rules need (does it stay informative with few positives, does it read probabilities).

Only a metric's `name` is matched, alias by alias on word boundaries; its `why` never is, so a
"why" that mentions precision does not turn accuracy into precision. To teach the review a
metric, add one row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from .model import Design, MLCategory


@dataclass(frozen=True)
class MetricEntry:
    """One canonical metric."""

    name: str
    aliases: tuple[str, ...]
    tasks: frozenset[str] = frozenset()
    """Task families it measures offline."""
    kind: str = "quality"
    """quality (offline model quality), business (online outcome) or operational."""
    imbalance_robust: bool = False
    """Stays informative when positives are rare (accuracy and ROC-AUC do not)."""
    probabilistic: bool = False
    """Reads predicted probabilities as values (so they must be calibrated)."""


def _t(*names: str) -> frozenset[str]:
    return frozenset(names)


CLS, REG, RANK, RET, GEN, DET = (
    "classification",
    "regression",
    "ranking",
    "retrieval",
    "generation",
    "detection",
)

# fmt: off
VOCABULARY: tuple[MetricEntry, ...] = (
    # classification
    MetricEntry("accuracy", ("accuracy", "acc", "top-1 accuracy"), _t(CLS)),
    MetricEntry("roc-auc", ("roc-auc", "roc auc", "auc-roc", "auroc", "auc"), _t(CLS)),
    MetricEntry("pr-auc", ("pr-auc", "pr auc", "auprc", "average precision", "ap"), _t(CLS, DET), imbalance_robust=True),
    MetricEntry("precision", ("precision",), _t(CLS), imbalance_robust=True),
    MetricEntry("recall", ("recall", "sensitivity", "true positive rate", "tpr"), _t(CLS, DET), imbalance_robust=True),
    MetricEntry("f1", ("f1", "f1-score", "f-score", "f-measure"), _t(CLS), imbalance_robust=True),
    MetricEntry("log-loss", ("log-loss", "log loss", "logloss", "cross-entropy", "cross entropy", "bce"), _t(CLS), imbalance_robust=True, probabilistic=True),
    MetricEntry("normalized-cross-entropy", ("normalized cross-entropy", "normalized cross entropy", "nce", "ne"), _t(CLS), imbalance_robust=True, probabilistic=True),
    MetricEntry("calibration-error", ("calibration error", "ece", "expected calibration error", "calibration", "brier", "brier score"), _t(CLS), probabilistic=True),
    MetricEntry("fpr", ("false positive rate", "fpr"), _t(CLS), imbalance_robust=True),
    # regression
    MetricEntry("rmse", ("rmse", "root mean squared error", "mse", "mean squared error"), _t(REG)),
    MetricEntry("mae", ("mae", "mean absolute error", "mape"), _t(REG)),
    MetricEntry("r2", ("r2", "r-squared"), _t(REG)),
    # ranking and retrieval
    MetricEntry("ndcg", ("ndcg", "ndcg@k", "dcg"), _t(RANK, RET), imbalance_robust=True),
    MetricEntry("map", ("map", "mean average precision", "map@k"), _t(RANK, RET, DET), imbalance_robust=True),
    MetricEntry("mrr", ("mrr", "mean reciprocal rank"), _t(RANK, RET), imbalance_robust=True),
    MetricEntry("precision-at-k", ("precision@k", "p@k", "precision at k"), _t(RANK, RET), imbalance_robust=True),
    MetricEntry("recall-at-k", ("recall@k", "r@k", "recall at k", "hit rate", "hit rate@k", "hits@k"), _t(RANK, RET), imbalance_robust=True),
    MetricEntry("mean-rank", ("average rank", "mean rank", "median rank"), _t(RANK, RET), imbalance_robust=True),
    MetricEntry("diversity", ("diversity", "coverage", "novelty"), _t()),
    # generation (RAG and agents)
    MetricEntry("faithfulness", ("faithfulness", "groundedness", "hallucination rate", "attribution", "citation accuracy"), _t(GEN)),
    MetricEntry("context-relevance", ("context relevance", "context precision", "context recall", "retrieval recall@k", "retrieval recall"), _t(RET, GEN)),
    MetricEntry("answer-quality", ("answer relevance", "answer correctness", "exact match", "bleu", "rouge", "win rate", "human preference", "llm-as-judge"), _t(GEN)),
    MetricEntry("task-success", ("task completion", "task success", "tool-call correctness", "tool call accuracy", "pass@k"), _t(GEN)),
    MetricEntry("guardrail-quality", ("guardrail precision", "guardrail recall"), _t(CLS)),
    # detection
    MetricEntry("iou", ("iou", "ap at iou", "ap@iou", "recall at iou", "recall@iou", "map@0.5"), _t(DET), imbalance_robust=True),
    # online: business outcomes
    MetricEntry("ctr", ("ctr", "click-through rate", "click rate", "click-through"), kind="business"),
    MetricEntry("conversion", ("conversion rate", "conversions", "book rate", "booking rate", "registrations", "purchases"), kind="business"),
    MetricEntry("revenue", ("revenue", "revenue lift", "gmv", "ad revenue"), kind="business"),
    MetricEntry("engagement", ("watch time", "total watch time", "time spent", "total time spent", "dwell time", "completed videos", "completion rate", "video completion rate", "reaction rates", "bookmark rate", "hide rate", "explicit feedback", "user satisfaction", "thumbs-up rate", "citation click-through", "abstention rate", "retention", "daily active users", "sessions", "connection requests sent", "connection requests accepted", "session book rate"), kind="business"),
    MetricEntry("integrity", ("prevalence", "harmful impressions", "valid appeals", "appeals", "proactive rate", "user reports", "user reports per harm class", "user reports and complaints", "complaints", "fraud loss", "chargebacks"), kind="business"),
    MetricEntry("agent-outcome", ("task completion rate", "escalation rate", "approval rejection rate", "resolution rate", "csat"), kind="business"),
    # online: operational
    MetricEntry("latency", ("latency", "p50", "p95", "p99", "p99 latency", "ttft", "tpot", "time to first token", "latency and cost per query"), kind="operational"),
    MetricEntry("throughput", ("qps", "throughput", "requests per second"), kind="operational"),
    MetricEntry("cost", ("cost per request", "cost per query", "cost", "gpu hours", "cpu"), kind="operational"),
    MetricEntry("errors", ("error rate", "errors", "uptime", "availability", "timeouts"), kind="operational"),
)
# fmt: on

TASK_FAMILIES: dict[MLCategory, frozenset[str]] = {
    MLCategory.binary_classification: _t(CLS),
    MLCategory.multiclass_classification: _t(CLS),
    MLCategory.multilabel_classification: _t(CLS),
    MLCategory.multitask_classification: _t(CLS),
    MLCategory.edge_prediction: _t(CLS),
    MLCategory.regression: _t(REG),
    MLCategory.pointwise_ltr: _t(RANK),
    MLCategory.pairwise_ltr: _t(RANK),
    MLCategory.listwise_ltr: _t(RANK),
    MLCategory.retrieval: _t(RET),
    MLCategory.representation_learning: _t(RET),
    MLCategory.generation: _t(GEN),
    MLCategory.object_detection: _t(DET),
    MLCategory.clustering: _t(),
}


def _words(text: str) -> str:
    """Lower-case, brackets and separators as spaces, so aliases match on word boundaries."""
    return " " + re.sub(r"[\s(),;/+:]+", " ", text.lower()).strip() + " "


@cache
def _alias_patterns() -> tuple[tuple[re.Pattern[str], MetricEntry], ...]:
    pairs = [(alias, entry) for entry in VOCABULARY for alias in entry.aliases]
    pairs.sort(key=lambda pair: -len(pair[0]))  # longest alias first: "retrieval recall@k"
    return tuple((re.compile(rf"(?<=\s){re.escape(a)}(?=\s)"), e) for a, e in pairs)


def lookup(name: str) -> tuple[MetricEntry, ...]:
    """The canonical metrics a metric name names ("Precision and recall" names two)."""
    text, found = _words(name), []
    for pattern, entry in _alias_patterns():
        if pattern.search(text):
            text = pattern.sub(" ", text)
            if entry not in found:
                found.append(entry)
    return tuple(found)


def task_families(design: Design) -> frozenset[str]:
    """The task families of the design's ML categories."""
    return frozenset().union(*(TASK_FAMILIES[c] for c in design.framing.category))


def offline_entries(design: Design) -> list[tuple[int, MetricEntry]]:
    """(index in evaluation.offline, canonical metric) for every recognised offline metric."""
    return [
        (i, e) for i, metric in enumerate(design.evaluation.offline) for e in lookup(metric.name)
    ]


def online_entries(design: Design) -> list[tuple[int, MetricEntry]]:
    return [
        (i, e) for i, metric in enumerate(design.evaluation.online) for e in lookup(metric.name)
    ]

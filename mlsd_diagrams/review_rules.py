"""The review rubric, one small declarative rule per row of RULES.

A rule has a code, a name, the step of the 7-step answer it belongs to, a severity, a
one-line description (what a strong answer does) and a check. The check reads the typed
design through `Facts` and yields a `Violation` per offending item: the key path of the item
(located as file:line:col), a message about this design, and the component when one is at
fault. A rule that yields nothing passes. Rules read categories, typed fields, component kinds,
flows and the metric vocabulary (metrics.py); never ids, never free text.

Severity: critical (the design cannot meet its objective: a metric that cannot measure it,
leakage, an agent acting unguarded, RAG never checked for faithfulness; caps the score),
error (a missing piece an interviewer will press on), warning (a weaker answer).
To add a rule: one row here and one case file in tests/cases/review/<name>.yaml.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from . import consistency
from .load import KeyPath
from .metrics import offline_entries, online_entries
from .model import MLCategory, SplitType
from .review_facts import (
    FEATURE_COMPUTE_KINDS,
    LOW_POSITIVE_RATE,
    MODEL_KINDS,
    RETRIEVER_KINDS,
    Facts,
    is_baseline,
)
from .stages import ONLINE
from .steps import SECTIONS

STEPS = (*SECTIONS, "tradeoffs", "graph")
SEVERITIES = ("critical", "error", "warning")


@dataclass(frozen=True)
class Violation:
    path: KeyPath
    message: str
    component: str | None = None


Check = Callable[[Facts], Iterator[Violation]]


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    step: str
    severity: str
    description: str
    check: Check


def _missing(cond: bool, path: KeyPath, message: str) -> Iterator[Violation]:
    if cond:
        yield Violation(path, message)


def _component(f: Facts, cid: str, message: str) -> Violation:
    c = f.component(cid)
    return Violation(("components", f.index[cid]), message.format(c=f"'{c.label}' ({c.id})"), c.id)


# --- requirements ---


def business_objective(f: Facts) -> Iterator[Violation]:
    text = f.design.requirements.business_objective.strip()
    yield from _missing(len(text) < 10, ("requirements", "business_objective"),
                        "no business objective: say what the business wants (revenue, engagement, safety)")  # fmt: skip


def scale_numbers(f: Facts) -> Iterator[Violation]:
    s = f.design.requirements.scale
    who = s.daily_active_users or s.items or s.new_items_per_day
    load = (
        s.requests_per_user_per_day or s.events_per_day or s.new_items_per_day or s.items or s.load
    )
    yield from _missing(not (who and load), ("requirements", "scale"),
                        "no scale numbers: give users or items, and the load they create")  # fmt: skip


def latency_budget(f: Facts) -> Iterator[Violation]:
    r = f.design.requirements
    stated = r.scale.latency_budget_ms or (r.latency and r.latency.budget_ms)
    yield from _missing(f.online and not stated, ("requirements", "scale"),
                        "an online system without a latency budget (scale.latency_budget_ms or latency.budget_ms)")  # fmt: skip


# --- framing ---


def ml_objective(f: Facts) -> Iterator[Violation]:
    fr = f.design.framing
    yield from _missing(len(fr.ml_objective.strip()) < 10, ("framing", "ml_objective"),
                        "no ML objective: say what the model optimises")  # fmt: skip
    yield from _missing(not (fr.input.strip() and fr.output.strip()), ("framing", "input"),
                        "say what the model takes as input and returns as output")  # fmt: skip


def ml_category(f: Facts) -> Iterator[Violation]:
    yield from _missing(not f.design.framing.category, ("framing", "category"),
                        "no ML category (binary classification, pointwise LTR, retrieval...)")  # fmt: skip


def regression_for_ranking(f: Facts) -> Iterator[Violation]:
    cats = set(f.design.framing.category)
    ranks = f.of_kind("ranking", "candidate-generation")
    if (
        ranks
        and MLCategory.regression in cats
        and not ("ranking" in f.families or "retrieval" in f.families)
    ):
        yield Violation(("framing", "category"),
                        "the system ranks items (it has ranking or candidate-generation components) "
                        "but is framed as regression only: predicting a rating (RMSE) does not order "
                        "a list; frame it as learning to rank or retrieval")  # fmt: skip


# --- data ---


def positive_rate(f: Facts) -> Iterator[Violation]:
    yield from _missing(f.is_classification and f.design.data.positive_rate is None,
                        ("data",), "a classification task without data.positive_rate: the "
                        "positive rate decides the metrics, the sampling and the calibration")  # fmt: skip


def label_source(f: Facts) -> Iterator[Violation]:
    yield from _missing(not f.design.data.labels, ("data", "labels"),
                        "say where labels come from: natural labels, hand labels, user reports")  # fmt: skip


def features(f: Facts) -> Iterator[Violation]:
    tabular = (
        f.families & {"classification", "regression", "ranking"} and "detection" not in f.families
    )
    yield from _missing(bool(tabular) and len(f.design.data.features) < 3, ("data", "features"),
                        "list the main features (at least three) and how each is encoded")  # fmt: skip


def imbalance_handling(f: Facts) -> Iterator[Violation]:
    d = f.design
    rate = d.data.positive_rate
    if not f.is_classification or rate is None or rate >= LOW_POSITIVE_RATE:
        return
    chosen = any(t.name == "class-imbalance-handling" and t.choice for t in d.tradeoffs)
    if d.data.negative_downsampling_rate is None and not chosen:
        yield Violation(("data", "positive_rate"),
                        f"positives are {rate:.2%} of examples, and neither "
                        "data.negative_downsampling_rate nor a class-imbalance-handling trade-off "
                        "says how training copes with it")  # fmt: skip


def recalibration(f: Facts) -> Iterator[Violation]:
    d = f.design
    if d.data.negative_downsampling_rate is None or d.data.negative_downsampling_rate >= 1:
        return
    if d.model.calibration not in (None, "none"):
        return
    why = f.probabilities_as_values
    if why:
        yield Violation(("data", "negative_downsampling_rate"),
                        f"negatives are downsampled to {d.data.negative_downsampling_rate:.0%} but "
                        f"model.calibration is unset while {why}: predictions are inflated; "
                        "recalibrate with q = p / (p + (1 − p) / w)")  # fmt: skip


def leakage(f: Facts) -> Iterator[Violation]:
    why = f.time_dependent
    if f.design.model.split == SplitType.random and why:
        yield Violation(("model", "split"),
                        f"a random split while {why}: the model trains on the future of its "
                        "test examples; split by time (train before, evaluate after)")  # fmt: skip


def label_delay(f: Facts) -> Iterator[Violation]:
    d = f.design
    if d.data.label_delay is not None:
        return
    late = [c for c in f.of_kind("human-review", "review-queue")
            if f.reach([c]) & set(f.of_kind("training-pipeline"))]  # fmt: skip
    cost = d.evaluation.cost_weighted_metric
    if late:
        why = "labels come from human review of production decisions (a review component feeds training)"
    elif cost is not None and cost.false_negative_cost is not None:
        why = "missed positives have a cost that is known only later"
    else:
        return
    yield Violation(("data", "labels"),
                    f"{why}, so they arrive late, but data.label_delay (the maturity window) is "
                    "not given: training on immature labels counts late positives as negatives")  # fmt: skip


# --- model ---


def baseline_first(f: Facts) -> Iterator[Violation]:
    path = f.design.model.path
    if not path:
        yield Violation(
            ("model", "path"), "no model path: go from a simple baseline to the final model"
        )
    elif not is_baseline(path[0].name):
        yield Violation(("model", "path", 0, "name"),
                        f"the path starts at '{path[0].name}', not at a simple baseline (heuristic, "
                        "logistic regression, GBDT, matrix factorization, BM25)")  # fmt: skip


def loss(f: Facts) -> Iterator[Violation]:
    yield from _missing(not f.design.model.loss, ("model", "loss"), "name the training loss")


# --- evaluation ---


def offline_metrics(f: Facts) -> Iterator[Violation]:
    yield from _missing(not f.design.evaluation.offline, ("evaluation", "offline"),
                        "no offline metrics")  # fmt: skip


def task_metric(f: Facts) -> Iterator[Violation]:
    entries = offline_entries(f.design)
    if not f.design.evaluation.offline or not f.families:
        return
    if not any(e.tasks & f.families for _, e in entries):
        named = ", ".join(m.name for m in f.design.evaluation.offline)
        yield Violation(("evaluation", "offline"),
                        f"no offline metric measures a {'/'.join(sorted(f.families))} task "
                        f"(given: {named})")  # fmt: skip


def ranking_metrics(f: Facts) -> Iterator[Violation]:
    if not ({"ranking", "retrieval"} & f.families) or f.is_rag or f.is_agent:
        return
    if not f.design.evaluation.offline:
        return  # offline-metrics says so
    entries = offline_entries(f.design)
    ranking = any(
        e.tasks & {"ranking", "retrieval"} and "classification" not in e.tasks for _, e in entries
    )
    pointwise = MLCategory.pointwise_ltr in f.design.framing.category
    if not ranking and not (pointwise and any(e.imbalance_robust for _, e in entries)):
        yield Violation(("evaluation", "offline"),
                        "a ranking or retrieval task without a ranking metric (nDCG, mAP, MRR, "
                        "precision@k, recall@k)")  # fmt: skip


def imbalance_metrics(f: Facts) -> Iterator[Violation]:
    rate = f.design.data.positive_rate
    if not f.is_classification or rate is None or rate >= LOW_POSITIVE_RATE:
        return
    if f.design.evaluation.offline and not any(
        e.imbalance_robust for _, e in offline_entries(f.design)
    ):
        named = ", ".join(m.name for m in f.design.evaluation.offline)
        yield Violation(("evaluation", "offline"),
                        f"positives are {rate:.2%} of examples and the offline metrics ({named}) "
                        "cannot see it: predicting 'negative' always scores "
                        f"{1 - rate:.1%} accuracy; use PR-AUC, precision/recall at the operating "
                        "point, or log-loss")  # fmt: skip


def online_metrics(f: Facts) -> Iterator[Violation]:
    online = f.design.evaluation.online
    if not online:
        yield Violation(("evaluation", "online"), "no online metrics")
        return
    if not any(e.kind == "business" for _, e in online_entries(f.design)):
        named = ", ".join(m.name for m in online)
        yield Violation(("evaluation", "online"),
                        f"the online metrics ({named}) are operational or unknown; add one the "
                        "business objective moves (CTR, watch time, revenue, prevalence, task "
                        "completion)")  # fmt: skip


def rag_faithfulness(f: Facts) -> Iterator[Violation]:
    if (f.is_rag or f.is_agent) and not any(
        e.name == "faithfulness" for _, e in offline_entries(f.design)
    ):
        yield Violation(("evaluation", "offline"),
                        "an LLM answers from retrieved text but nothing measures faithfulness "
                        "(groundedness: is every claim supported by the context?)")  # fmt: skip


def rag_context_relevance(f: Facts) -> Iterator[Violation]:
    if not f.is_rag:
        return
    names = {e.name for _, e in offline_entries(f.design)}
    if not names & {"context-relevance", "recall-at-k", "ndcg", "mrr", "precision-at-k", "map"}:
        yield Violation(("evaluation", "offline"),
                        "retrieval feeds the LLM but is never evaluated on its own (context "
                        "relevance, recall@k of the retriever)")  # fmt: skip


# --- serving ---


def _retrievers(f: Facts) -> list[str]:
    return f.of_kind(*RETRIEVER_KINDS)


def rag_access_control(f: Facts) -> Iterator[Violation]:
    if not f.is_rag or f.is_agent:
        return
    llms = f.of_kind("llm", "prompt-builder")
    acl = set(f.of_kind("rules-engine"))
    feeds = any(t in _retrievers(f) for s, t in f.edges if s in acl)
    if not feeds and not f.gated(_retrievers(f), llms, {"rules-engine"}):
        yield Violation(("components",),
                        "retrieved documents reach the LLM without an access-control filter "
                        "(a rules-engine feeding the retriever or between it and the prompt): "
                        "users would read documents they may not open")  # fmt: skip


def rag_injection_defence(f: Facts) -> Iterator[Violation]:
    if not f.is_rag or f.is_agent:
        return
    if not f.gated(_retrievers(f), f.of_kind("llm"), {"guardrail"}):
        yield Violation(("components",),
                        "retrieved text reaches the LLM without passing a guardrail: "
                        "instructions hidden in a document would be obeyed (prompt injection)")  # fmt: skip


def _agent(f: Facts) -> str:
    return f.of_kind("agent-orchestrator")[0]


def agent_input_guardrail(f: Facts) -> Iterator[Violation]:
    if not f.is_agent:
        return
    orchestrators = f.of_kind("agent-orchestrator")
    if not f.gated(f.entry_points(), orchestrators, {"guardrail"}):
        yield _component(
            f, _agent(f), "user input reaches the agent {c} without an input guardrail"
        )
    tools = [t for t in f.of_kind("service", "tool-registry") if set(orchestrators) & f.reach([t])]
    if tools and not f.gated(tools, orchestrators, {"guardrail"}):
        yield _component(f, _agent(f), "tool results flow back into the agent {c} unscreened "
                         "(prompt injection through a tool's output)")  # fmt: skip


def agent_output_guardrail(f: Facts) -> Iterator[Violation]:
    if not f.is_agent:
        return
    llms = f.of_kind("llm")
    tools = f.of_kind("service", "tool-registry")
    if not f.gated(llms, tools + f.entry_points(), {"guardrail"}):
        yield _component(f, _agent(f), "the LLM's actions and answers leave the agent {c} "
                         "without an output guardrail")  # fmt: skip


def agent_approval(f: Facts) -> Iterator[Violation]:
    if not f.is_agent:
        return
    tools = f.of_kind("service")
    if tools and not (set(f.of_kind("human-approval")) & f.reach(f.of_kind("agent-orchestrator"))):
        yield _component(f, _agent(f), "the agent {c} calls tools but no human-approval step "
                         "stands before write actions")  # fmt: skip


def agent_budget(f: Facts) -> Iterator[Violation]:
    r, llm = f.design.requirements, f.design.capacity.llm
    stated = r.scale.latency_budget_ms or (r.latency and r.latency.budget_ms)
    if f.is_agent and not stated and not (llm and llm.calls_per_task):
        yield _component(f, _agent(f), "the agent {c} has no step or time budget "
                         "(capacity.llm.calls_per_task or a latency budget): a loop can run forever")  # fmt: skip


def agent_escalation(f: Facts) -> Iterator[Violation]:
    if f.is_agent and not (
        set(f.of_kind("human-review")) & f.reach(f.of_kind("agent-orchestrator"))
    ):
        yield _component(f, _agent(f), "no escalation path: the agent {c} never hands a task "
                         "to a person (a human-review component it can reach)")  # fmt: skip


def cold_start(f: Facts) -> Iterator[Violation]:
    if not f.is_recsys_or_search:
        return
    d = f.design
    explores = any(t.name == "explore-vs-exploit" and t.choice for t in d.tradeoffs)
    generators = len(f.of_kind("candidate-generation")) >= 2
    content = f.reach(f.of_kind("object-storage", "database", "document-parser")) & set(
        f.of_kind("embedding-service", "batch-prediction")
    )
    if not (explores or generators or content):
        yield Violation(("serving", "optimizations"),
                        "nothing serves a new user or a new item: no second candidate source, no "
                        "embedding of item content, no explore-vs-exploit choice")  # fmt: skip


def training_serving_skew(f: Facts) -> Iterator[Violation]:
    for cid in f.of_kind(*FEATURE_COMPUTE_KINDS):
        for s, t in f.edges:
            if (
                s == cid
                and f.component(t).stage.value == "serving"
                and f.kinds[t]
                not in ("feature-store-online", "kv-store", "cache", "vector-index", "search-index")
            ):
                serving = f.component(t)
                yield _component(f, cid, "{c} computes features straight into "
                                 f"'{serving.label}' ({t}), bypassing any feature store: training "
                                 "and serving compute them twice and drift apart")  # fmt: skip
    if f.online and not f.of_kind("feature-store-online") and f.of_kind(*FEATURE_COMPUTE_KINDS):
        served = any(
            f.component(t).stage.value == "serving"
            for s, t in f.edges
            if f.kinds.get(s) in FEATURE_COMPUTE_KINDS
        )
        if served:
            yield Violation(("components",), "online features without an online feature store")


def testing_in_production(f: Facts) -> Iterator[Violation]:
    yield from _missing(not f.design.serving.testing, ("serving", "testing"),
                        "no plan for testing in production (shadow, A/B, canary, interleaving)")  # fmt: skip


def fallback(f: Facts) -> Iterator[Violation]:
    if not f.online:
        return
    path = f.reach(f.entry_points(), requests_only=True)
    deployed = [m.component for m in f.design.serving.models if m.component in path]
    models = list(dict.fromkeys(deployed)) or [m for m in f.of_kind(*MODEL_KINDS) if m in path]
    if not models:
        return
    second_model = len(deployed) > len(set(deployed))  # a fallback model in the same service
    router = bool(set(f.of_kind("model-router")) & path)
    if not (second_model or router or f.fallback_stores()):
        yield _component(f, models[-1], "the request path depends on {c} with no fallback when "
                         "it is down (a fallback model in the same service, a router to another "
                         "model, a cache, a keyword index, or batch-filled results)")  # fmt: skip


def pipelines(f: Facts) -> Iterator[Violation]:
    yield from _missing(not f.design.serving.pipelines, ("serving", "pipelines"),
                        "describe the pipelines: prediction, training, data, indexing")  # fmt: skip


# --- monitoring ---


def drift_monitoring(f: Facts) -> Iterator[Violation]:
    yield from _missing(not f.design.monitoring.ml, ("monitoring", "ml"),
                        "no ML monitoring (input and prediction drift, online metrics)")  # fmt: skip


def operational_metrics(f: Facts) -> Iterator[Violation]:
    yield from _missing(not f.design.monitoring.operational, ("monitoring", "operational"),
                        "no operational monitoring (latency, throughput, errors)")  # fmt: skip


def alerting(f: Facts) -> Iterator[Violation]:
    yield from _missing(not f.design.monitoring.alerts and not f.of_kind("alerting"),
                        ("monitoring", "alerts"), "say what pages someone, and at which threshold")  # fmt: skip


def feedback_loop(f: Facts) -> Iterator[Violation]:
    stages = {c.id: c.stage.value for c in f.design.components}
    back = any(stages.get(s) in ONLINE and stages.get(t) in ("data", "training")
               for s, t in f.edges)  # fmt: skip
    back = back or any(flow.kind.value == "feedback" for flow in f.design.flows)
    yield from _missing(not back, ("flows",),
                        "no feedback flow from users or serving back into the training data")  # fmt: skip


# --- trade-offs and graph ---


def two_tradeoffs(f: Facts) -> Iterator[Violation]:
    done = sum(1 for t in f.design.tradeoffs if t.choice and t.reason)
    done += sum(1 for t in f.design.own_tradeoffs if t.choice and t.reason)
    yield from _missing(done < 2, ("tradeoffs",),
                        f"{done} trade-off(s) with a choice and a reason; discuss at least two")  # fmt: skip


def no_orphans(f: Facts) -> Iterator[Violation]:
    linked = {s for s, _ in f.edges} | {t for _, t in f.edges}
    for c in f.design.components:
        if c.id not in linked:
            yield _component(f, c.id, "{c} has no flow; connect it or remove it")


def serving_reachable(f: Facts) -> Iterator[Violation]:
    if not f.online:
        return
    reached = f.reach(f.entry_points(), requests_only=True)
    feeding = {s for s, t in f.request_edges if t in reached}  # a store a request reads
    for c in f.design.components:
        if c.stage.value == "serving" and c.id not in reached | feeding:
            yield _component(f, c.id, "{c} is a serving component no request path from an entry "
                             "point reaches or reads")  # fmt: skip


def registry_to_serving(f: Facts) -> Iterator[Violation]:
    registries = set(f.of_kind("model-registry"))
    if not f.of_kind("training-pipeline") or not f.design.serving.models:
        return  # no model is deployed (e.g. only embeddings are served)
    trained = any(f.kinds[s] == "training-pipeline" and t in registries for s, t in f.edges)
    used = any(s in registries and f.component(t).stage.value == "serving" for s, t in f.edges)
    yield from _missing(not (trained and used), ("components",),
                        "training should publish to a model registry that serving loads from")  # fmt: skip


def consistent_numbers(f: Facts) -> Iterator[Violation]:
    for rule in consistency.RULES:
        for path, message in rule(f.design):
            yield Violation(path, message)


# fmt: off
RULES: tuple[Rule, ...] = (
    Rule("RQ01", "business-objective", "requirements", "error", "State the business objective the system serves.", business_objective),
    Rule("RQ02", "scale-numbers", "requirements", "error", "Give users or items, and the load they create.", scale_numbers),
    Rule("RQ03", "latency-budget", "requirements", "warning", "An online system states its latency budget.", latency_budget),
    Rule("RQ04", "consistent-numbers", "requirements", "warning", "The design's numbers agree with each other (consistency warnings).", consistent_numbers),
    Rule("FR01", "ml-objective", "framing", "error", "Translate the business objective into an ML objective, with input and output.", ml_objective),
    Rule("FR02", "ml-category", "framing", "warning", "Name the ML category.", ml_category),
    Rule("FR03", "regression-for-ranking", "framing", "critical", "A system that ranks is framed as ranking or retrieval, not rating regression.", regression_for_ranking),
    Rule("DA01", "label-source", "data", "error", "Say where labels come from.", label_source),
    Rule("DA02", "positive-rate", "data", "warning", "A classification task states its positive rate.", positive_rate),
    Rule("DA03", "imbalance-handling", "data", "warning", "Rare positives are handled: downsampling, weighting, focal loss.", imbalance_handling),
    Rule("DA04", "recalibration", "data", "critical", "Downsampled training is recalibrated when probabilities are used as values.", recalibration),
    Rule("DA05", "label-delay", "data", "error", "Late labels have a maturity window (data.label_delay).", label_delay),
    Rule("DA06", "features", "data", "warning", "List the main features and their encoding.", features),
    Rule("MD01", "baseline-first", "model", "error", "The model path starts from a simple baseline.", baseline_first),
    Rule("MD02", "loss", "model", "warning", "Name the training loss.", loss),
    Rule("MD03", "leakage", "model", "critical", "No random split when examples are ordered in time.", leakage),
    Rule("EV01", "offline-metrics", "evaluation", "error", "Give offline metrics.", offline_metrics),
    Rule("EV02", "task-metric", "evaluation", "critical", "At least one offline metric measures the task (metric vocabulary).", task_metric),
    Rule("EV03", "ranking-metrics", "evaluation", "error", "Ranking and retrieval are evaluated with ranking metrics.", ranking_metrics),
    Rule("EV04", "imbalance-metrics", "evaluation", "critical", "Under a low positive rate, a metric that sees the positives.", imbalance_metrics),
    Rule("EV05", "business-online-metric", "evaluation", "error", "Online metrics include a business outcome, not only operational numbers.", online_metrics),
    Rule("EV06", "faithfulness", "evaluation", "critical", "An LLM answering from retrieved text is evaluated for faithfulness.", rag_faithfulness),
    Rule("EV07", "context-relevance", "evaluation", "error", "RAG retrieval is evaluated on its own.", rag_context_relevance),
    Rule("SV01", "training-serving-skew", "serving", "error", "Serving reads features from the store training uses, never recomputes them.", training_serving_skew),
    Rule("SV02", "fallback", "serving", "error", "A fallback when the model or a dependency is down.", fallback),
    Rule("SV03", "cold-start", "serving", "error", "Recommendation and search serve new users and new items.", cold_start),
    Rule("SV04", "testing-in-production", "serving", "warning", "Plan shadow, A/B, canary or interleaving.", testing_in_production),
    Rule("SV05", "pipelines", "serving", "warning", "Describe the pipelines.", pipelines),
    Rule("SV06", "access-control", "serving", "error", "RAG filters documents by the user's permissions before they reach the LLM.", rag_access_control),
    Rule("SV07", "injection-defence", "serving", "error", "Retrieved text passes a guardrail before the LLM.", rag_injection_defence),
    Rule("AG01", "agent-input-guardrail", "serving", "critical", "User input and tool results reach the agent through a guardrail.", agent_input_guardrail),
    Rule("AG02", "agent-output-guardrail", "serving", "critical", "The LLM's actions and answers pass an output guardrail.", agent_output_guardrail),
    Rule("AG03", "agent-approval", "serving", "critical", "A person approves write actions.", agent_approval),
    Rule("AG04", "agent-budget", "serving", "error", "An agent has a step or time budget.", agent_budget),
    Rule("AG05", "agent-escalation", "serving", "error", "An agent can hand a task to a person.", agent_escalation),
    Rule("MO01", "drift-monitoring", "monitoring", "warning", "Monitor input and prediction drift.", drift_monitoring),
    Rule("MO02", "operational-metrics", "monitoring", "warning", "Monitor latency, throughput, errors.", operational_metrics),
    Rule("MO03", "alerting", "monitoring", "warning", "Say what pages someone.", alerting),
    Rule("MO04", "feedback-loop", "monitoring", "warning", "A feedback flow back into training data.", feedback_loop),
    Rule("TR01", "two-tradeoffs", "tradeoffs", "warning", "Discuss at least two trade-offs with a choice and a reason.", two_tradeoffs),
    Rule("GR01", "no-orphans", "graph", "error", "Every component has a flow.", no_orphans),
    Rule("GR02", "serving-reachable", "graph", "warning", "Every serving component is reached from an entry point.", serving_reachable),
    Rule("GR03", "registry-to-serving", "graph", "warning", "Training publishes to a registry serving loads from.", registry_to_serving),
)
# fmt: on

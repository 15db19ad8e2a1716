"""The typed model of a design spec (pydantic v2), section by section of the 7-step framework.

Every field carries its docstring; they become the descriptions of `mlsd schema`.
Scalars arrive from the loader as strings; the types below decide what they mean.
"""

from __future__ import annotations

import math
import re
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from . import catalog
from .errors import is_hidden
from .ids import ID_PATTERN
from .stages import Stage
from .themes import ThemeName

MAX_LABEL = 80
MAX_TEXT = 2000
MAX_COMPONENTS = 120
MAX_FLOWS = 300


class Spec(BaseModel):
    """Base of every section: unknown keys are errors, docstrings are descriptions."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True, frozen=True)


class FlowKind(StrEnum):
    """How data moves along a flow; each kind has its own edge style."""

    request = "request"
    batch = "batch"
    stream = "stream"
    feedback = "feedback"


class MLCategory(StrEnum):
    """The ML task category of the framing step."""

    binary_classification = "binary-classification"
    multiclass_classification = "multiclass-classification"
    multilabel_classification = "multilabel-classification"
    multitask_classification = "multitask-classification"
    regression = "regression"
    pointwise_ltr = "pointwise-ltr"
    pairwise_ltr = "pairwise-ltr"
    listwise_ltr = "listwise-ltr"
    representation_learning = "representation-learning"
    object_detection = "object-detection"
    edge_prediction = "edge-prediction"
    generation = "generation"
    retrieval = "retrieval"
    clustering = "clustering"


_COUNT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kKmMbBtT]?)\s*$")
_SCALE = {"": 1, "k": 10**3, "m": 10**6, "b": 10**9, "t": 10**12}


def _parse_count(value: Any) -> Any:
    """`2B` → 2_000_000_000, `46K` → 46_000, `1.5M` → 1_500_000; anything else unchanged."""
    if isinstance(value, str):
        match = _COUNT.match(value.replace("_", "").replace(",", ""))
        if match:
            return float(match.group(1)) * _SCALE[match.group(2).lower()]
        if _non_finite(value):
            raise PydanticCustomError("finite_number", "must be a finite number")
    return value


def _non_finite(text: str) -> bool:
    """`nan`, `inf`, `1e400`: text Python reads as a number that no count can be."""
    try:
        return not math.isfinite(float(text))
    except ValueError:
        return False


def _check_kind(value: str) -> str:
    if value not in catalog.KINDS_BY_NAME:
        raise PydanticCustomError("unknown_kind", catalog.unknown_kind_message(value))
    return value


def _check_text(value: str) -> str:
    if value.isprintable():  # no hidden character is printable: most texts stop here
        return value
    bad = next((ch for ch in value if is_hidden(ch)), None)
    if bad is not None:
        message = f"contains the invisible character U+{ord(bad):04X}; delete it"
        raise PydanticCustomError("control_character", message)
    return value


# Ids that would be unsafe somewhere: DOT keywords (a node called `node` is a statement,
# not a box, wherever the id is not quoted), and for a design id, which names files and
# folders, the portfolio's own `assets` folder and the device names Windows reserves.
DOT_KEYWORDS = frozenset({"node", "edge", "graph", "digraph", "subgraph", "strict"})
RESERVED_FOLDERS = frozenset(
    {"assets", "con", "prn", "aux", "nul"}
    | {f"{device}{n}" for device in ("com", "lpt") for n in range(10)}
)


def _not_dot_keyword(value: str) -> str:
    if value in DOT_KEYWORDS:
        message = f"'{value}' is a reserved word of Graphviz; choose another id (e.g. '{value}_1')"
        raise PydanticCustomError("reserved_id", message)
    return value


def _not_reserved_folder(value: str) -> str:
    if value in RESERVED_FOLDERS:
        message = (
            f"'{value}' cannot name an output folder (it is reserved by the portfolio or by "
            f"Windows); choose another id (e.g. '{value}_1')"
        )
        raise PydanticCustomError("reserved_id", message)
    return value


Count = Annotated[
    float,
    BeforeValidator(_parse_count),
    Field(ge=0, allow_inf_nan=False),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0},
                {"type": "string", "pattern": r"^\d+(\.\d+)?\s*[kKmMbBtT]?$"},
            ],
            "description": "A count; K, M, B and T suffixes allowed (2B = 2,000,000,000).",
        }
    ),
]
Identifier = Annotated[str, Field(pattern=ID_PATTERN)]
ComponentId = Annotated[Identifier, AfterValidator(_not_dot_keyword)]
DesignId = Annotated[Identifier, AfterValidator(_not_reserved_folder)]
Label = Annotated[str, Field(min_length=1, max_length=MAX_LABEL), AfterValidator(_check_text)]
Text = Annotated[str, Field(max_length=MAX_TEXT), AfterValidator(_check_text)]
ComponentKind = Annotated[
    str,
    AfterValidator(_check_kind),
    WithJsonSchema({"type": "string", "enum": catalog.kind_names()}),
]


_PERCENT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%\s*$")


def _parse_fraction(value: Any) -> Any:
    """`2%` → 0.02; `0.02` → 0.02; anything else unchanged."""
    if isinstance(value, str):
        match = _PERCENT.match(value)
        if match:
            return float(match.group(1)) / 100
        if _non_finite(value):
            raise PydanticCustomError("finite_number", "must be a finite number")
    return value


Fraction = Annotated[
    float,
    BeforeValidator(_parse_fraction),
    Field(ge=0, le=1, allow_inf_nan=False),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0, "maximum": 1},
                {"type": "string", "pattern": r"^\d+(\.\d+)?\s*%$"},
            ],
            "description": "A share between 0 and 1, or a percentage (2% = 0.02).",
        }
    ),
]

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*$")
DURATION_UNITS = {
    "ms": 0.001,
    "s": 1,
    "sec": 1,
    "second": 1,
    "seconds": 1,
    "m": 60,
    "min": 60,
    "minute": 60,
    "minutes": 60,
    "h": 3600,
    "hour": 3600,
    "hours": 3600,
    "d": 86_400,
    "day": 86_400,
    "days": 86_400,
    "w": 604_800,
    "week": 604_800,
    "weeks": 604_800,
}


def _parse_duration(value: Any) -> Any:
    """`30 days` → 2,592,000 s; `5 min` → 300 s; `90s` → 90 s; a bare number is seconds."""
    if isinstance(value, str):
        match = _DURATION.match(value.lower())
        if match and match.group(2) in DURATION_UNITS:
            return float(match.group(1)) * DURATION_UNITS[match.group(2)]
        if match:
            units = ", ".join(sorted(set(DURATION_UNITS), key=DURATION_UNITS.__getitem__))
            message = f"unknown time unit '{match.group(2)}'; use one of {units}"
            raise PydanticCustomError("duration_unit", message)
        return _parse_count(value)
    return value


Duration = Annotated[
    float,
    BeforeValidator(_parse_duration),
    Field(ge=0, allow_inf_nan=False),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0},
                {"type": "string", "pattern": r"^\d+(\.\d+)?\s*[a-zA-Z]+$"},
            ],
            "description": "A duration: `30 days`, `5 min`, `2h`, `250 ms` (a number is seconds).",
        }
    ),
]


def _listify(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


def _named(value: Any) -> Any:
    """Allow a bare string where a `{name: ...}` mapping is expected."""
    return {"name": value} if isinstance(value, str) else value


class Load(Spec):
    """Load as a prompt states it: per second or per day, in the prompt's own noun."""

    unit: Label = "requests"
    """What one unit of load is, plural, in the prompt's words: requests, transactions,
    orders, posts, queries. The write-up names the load with it ("orders per day")."""
    per_day: Count | None = None
    """Units per day (10M orders a day)."""
    average_per_second: Count | None = None
    """Average units per second (20K TPS)."""
    peak_per_second: Count | None = None
    """Peak units per second; when absent, the average times the peak-to-average factor."""


class EntityCount(Spec):
    """One entity type of the online feature store (users, items, merchants, devices)."""

    name: Label
    """Entity type, plural: users, ads, merchants, devices."""
    count: Count
    """Entities of this type with a row in the feature store."""
    features: Count | None = None
    """Features stored per entity of this type (`features_per_entity` when absent)."""


class Scale(Spec):
    """Scale numbers; the write-up's back-of-envelope estimates are computed from them."""

    daily_active_users: Count | None = None
    """Daily active users (DAU)."""
    requests_per_user_per_day: Count | None = None
    """Requests (feed loads, searches, checks) per active user per day."""
    items: Count | None = None
    """Items in the catalog (videos, images, listings, documents, users...)."""
    new_items_per_day: Count | None = None
    """Items added per day (posts, images, events)."""
    candidates_per_request: Count | None = None
    """Candidates the ranking model scores per request."""
    latency_budget_ms: Count | None = None
    """End-to-end latency budget of one request, in milliseconds."""
    embedding_dim: Count | None = None
    """Dimension of the item embeddings."""
    features_per_entity: Count | None = None
    """Features stored per entity in the feature store."""
    events_per_day: Count | None = None
    """Logged events (impressions, interactions) per day."""
    training_row_bytes: Count | None = None
    """Bytes per training example."""
    peak_to_average: Annotated[float, Field(ge=1, le=100, allow_inf_nan=False)] | None = None
    """Peak traffic over average traffic (estimates assume 2 when absent)."""
    pq_bytes_per_vector: Count | None = None
    """Bytes per vector after product quantization (PQ M, e.g. 64)."""
    hnsw_links: Count | None = None
    """Links per vector of an HNSW index (M, e.g. 32)."""
    feature_entities: Count | None = None
    """Entities (users, items) with a row in the online feature store."""
    bytes_per_feature: Count | None = None
    """Bytes per stored feature value (estimates assume 4, an fp32, when absent)."""
    feature_replicas: Count | None = None
    """Copies of the online feature store (estimates assume 1 when absent)."""
    training_sampling_rate: Annotated[float, Field(gt=0, le=1, allow_inf_nan=False)] | None = None
    """Share of logged events kept as training examples (1 when absent)."""
    training_retention_days: Count | None = None
    """Days of training data kept."""
    load: Load | None = None
    """Load given directly (requests or transactions per second, or units per day), when the
    prompt states it instead of users × requests per user."""
    entity_types: list[EntityCount] | None = None
    """Entity counts per entity type of the feature store, e.g.
    `[{name: users, count: 750M, features: 200}, {name: ads, count: 10M, features: 50}]`."""


class Percentile(StrEnum):
    """The latency percentile a budget is stated at."""

    p50 = "p50"
    p90 = "p90"
    p95 = "p95"
    p99 = "p99"
    p999 = "p99.9"


class LatencyStage(Spec):
    """One stage of the request path and its share of the budget."""

    name: Label
    """What the stage does (feature fetch, retrieval, ranking, network)."""
    ms: Count
    """Milliseconds this stage may take, at the budget's percentile."""
    parallel: Identifier | None = None
    """Stages with the same `parallel` group run at the same time; the group costs its slowest."""
    fan_out: Count | None = None
    """Shards or services this stage calls in parallel (its tail latency grows with them)."""


class PathBudget(Spec):
    """The latency budget of one path (on-device vs cloud, request path vs async path)."""

    name: Label
    """The path: on-device, cloud, request path, async path."""
    budget_ms: Count
    """Its budget in milliseconds, at the latency percentile."""
    runs_on: Annotated[str, Field(pattern=r"^(device|edge|cloud)$")] | None = None
    """Where it runs: device, edge or cloud."""


class Latency(Spec):
    """Latency targets: the percentile, the request-path budget and how it splits by stage."""

    percentile: Percentile | None = None
    """The percentile the budgets hold at: p50, p90, p95, p99 or p99.9."""
    budget_ms: Count | None = None
    """Budget of the request path in milliseconds; the stages must fit in it."""
    paths: list[PathBudget] = []
    """Budgets of further paths (on-device vs cloud, async path)."""
    stages: list[LatencyStage] = []
    """The request-path budget stage by stage; sequential stages add up, a parallel group
    costs its slowest stage, and the total must not exceed `budget_ms`."""

    @field_validator("stages")
    @classmethod
    def _stages_fit(cls, stages: list[LatencyStage], info: ValidationInfo) -> list[LatencyStage]:
        budget = info.data.get("budget_ms")
        if not stages or budget is None:
            return stages
        total = stage_total_ms(stages)
        if total > budget:
            message = (
                f"the stages add up to {total:g} ms, over the {budget:g} ms request-path budget; "
                "shorten a stage, run stages in parallel, or raise budget_ms"
            )
            raise PydanticCustomError("over_budget", message)
        return stages


def stage_total_ms(stages: list[LatencyStage]) -> float:
    """Sequential stages add up; stages of one `parallel` group cost their slowest."""
    groups: dict[str, float] = {}
    total = 0.0
    for stage in stages:
        if stage.parallel is None:
            total += stage.ms
        else:
            groups[stage.parallel] = max(groups.get(stage.parallel, 0.0), stage.ms)
    return total + sum(groups.values())


class Requirements(Spec):
    """Step 1: clarify requirements."""

    business_objective: Text = ""
    """What the business wants (revenue, engagement, safety...)."""
    functional: list[Text] = []
    """What the system must do."""
    non_functional: list[Text] = []
    """Latency, availability, freshness, privacy..."""
    constraints: list[Text] = []
    """Compute, data, cloud vs device, team, time."""
    scale: Scale = Scale()
    """Scale numbers."""
    latency: Latency | None = None
    """Latency percentile, request-path budget and its breakdown by stage, other paths."""
    summary: Text | None = None
    """One-paragraph problem summary."""


class Framing(Spec):
    """Step 2: frame the problem as an ML task."""

    ml_objective: Text = ""
    """The ML objective that serves the business objective."""
    input: Text = ""
    """What the model receives."""
    output: Text = ""
    """What the model returns."""
    category: Annotated[list[MLCategory], BeforeValidator(_listify)] = []
    """ML category: one, or a list."""
    approach: Text | None = None
    """The modelling approach in a sentence."""


class Feature(Spec):
    """One feature or feature group."""

    name: Label
    """Feature name."""
    description: Text | None = None
    """How it is computed or encoded."""


class Data(Spec):
    """Step 3: data preparation."""

    sources: list[Text] = []
    """Data sources and raw tables (users, items, interactions...)."""
    labels: Text | None = None
    """Where labels come from (natural labels, hand labels, reports)."""
    features: list[Annotated[Feature, BeforeValidator(_named)]] = []
    """Features, by name (a bare string or {name, description})."""
    class_balance: Text | None = None
    """Positive rate and how imbalance is handled."""
    positive_rate: Fraction | None = None
    """Share of examples that are positive, as a number (0.02 or 2% for a 2% CTR)."""
    negative_downsampling_rate: Fraction | None = None
    """Share of negative examples kept for training (0.1 keeps one in ten); predictions are
    recalibrated with q = p / (p + (1 − p) / w)."""
    label_delay: Duration | None = None
    """How long after the prediction a label is final (maturity window): `30 days` for
    chargebacks, `5 min` for clicks."""
    privacy: Text | None = None
    """Privacy and bias concerns."""


class ModelStep(Spec):
    """One model on the path from baseline to the final model."""

    name: Label
    """Model name."""
    why: Text | None = None
    """What it brings, or why it is not enough."""


class SplitType(StrEnum):
    """How training and evaluation data are split."""

    time_based = "time-based"
    random = "random"
    by_user = "by-user"


class Calibration(StrEnum):
    """How predicted scores are turned into calibrated probabilities."""

    none = "none"
    platt = "platt"
    isotonic = "isotonic"
    temperature = "temperature"
    downsampling_correction = "downsampling-correction"


class ModelSection(Spec):
    """Step 4: model development."""

    path: list[Annotated[ModelStep, BeforeValidator(_named)]] = []
    """From a simple baseline to the chosen model."""
    loss: Text | None = None
    """Training loss."""
    training: list[Text] = []
    """Dataset construction, sampling, splits, retraining cadence."""
    split: SplitType | None = None
    """How data is split for evaluation: time-based, random or by-user."""
    calibration: Calibration | None = None
    """How scores become calibrated probabilities: none, platt, isotonic, temperature, or
    downsampling-correction."""


class Metric(Spec):
    """One metric."""

    name: Label
    """Metric name (nDCG@10, CTR...)."""
    why: Text | None = None
    """What it measures and why it fits."""


Metrics = list[Annotated[Metric, BeforeValidator(_named)]]


class OperatingPoint(Spec):
    """Where the decision threshold sits; give the one the design fixes."""

    threshold: Fraction | None = None
    """A score threshold (0.8)."""
    fixed_recall: Fraction | None = None
    """The threshold is set to keep this recall (90%)."""
    fixed_precision: Fraction | None = None
    """The threshold is set to keep this precision."""
    fixed_decline_rate: Fraction | None = None
    """The threshold is set so this share of items is declined or blocked."""
    review_rate: Fraction | None = None
    """Share of items sent to human review at this operating point."""
    note: Text | None = None
    """Why this point."""

    @model_validator(mode="after")
    def _one_point(self) -> OperatingPoint:
        points = (self.threshold, self.fixed_recall, self.fixed_precision, self.fixed_decline_rate)
        if all(point is None for point in points) and self.review_rate is None:
            message = (
                "say where the threshold sits: threshold, fixed_recall, fixed_precision, "
                "fixed_decline_rate or review_rate"
            )
            raise PydanticCustomError("no_operating_point", message)
        return self


class CostMetric(Spec):
    """A metric that weighs errors by what they cost."""

    name: Label
    """Metric name (expected fraud loss, cost per 1K decisions)."""
    false_positive_cost: Count | None = None
    """Cost of one false positive (a blocked good order)."""
    false_negative_cost: Count | None = None
    """Cost of one false negative (a missed fraud)."""
    unit: Label = "$"
    """Currency or unit of the costs."""


class Evaluation(Spec):
    """Step 5: evaluation."""

    offline: Metrics = []
    """Offline metrics."""
    online: Metrics = []
    """Online (business) metrics."""
    fairness: Text | None = None
    """Fairness and bias checks."""
    operating_point: OperatingPoint | None = None
    """The threshold, or the recall, precision or decline rate it is set to keep."""
    cost_weighted_metric: CostMetric | None = None
    """A metric weighing false positives and false negatives by their cost."""


class DeployedModel(Spec):
    """One model in production and where it runs."""

    name: Label
    """Model name (rules, GBDT, sequence model, on-device detector)."""
    runs_on: Annotated[str, Field(pattern=r"^(device|edge|cloud)$")] = "cloud"
    """Where it runs: device, edge or cloud."""
    role: Text | None = None
    """What it decides (first pass, final score, fallback)."""
    component: Identifier | None = None
    """Id of the diagram component that serves it."""
    scores: Annotated[str, Field(pattern=r"^(requests|new-items)$")] = "requests"
    """What drives its load: each request (`requests`) or each new item (`new-items`)."""
    items_per_request: Count | None = None
    """Items it scores per request or per new item (candidates, frames, chunks)."""
    hardware: Annotated[str, Field(pattern=r"^(cpu|gpu)$")] | None = None
    """cpu (counted in cores) or gpu."""
    items_per_second_per_unit: Count | None = None
    """Items one core or one GPU scores per second (an assumption unless measured)."""
    utilisation: Fraction | None = None
    """Target utilisation of that hardware (0.6 when absent)."""


class Serving(Spec):
    """Step 6: deployment and serving."""

    mode: Annotated[str, Field(pattern=r"^(online|batch|hybrid|on-device)$")] | None = None
    """online, batch, hybrid or on-device."""
    pipelines: list[Text] = []
    """The pipelines (prediction, indexing, training, data) in a sentence each."""
    optimizations: list[Text] = []
    """Compression, caching, cold start..."""
    testing: list[Text] = []
    """Testing in production: shadow, A/B, canary, interleaving, bandits."""
    models: list[DeployedModel] = []
    """The deployed models (rules + GBDT + sequence model; on-device + cloud) and where
    each runs."""


class Monitoring(Spec):
    """Step 7: monitoring."""

    operational: list[Text] = []
    """Latency, throughput, errors, CPU/GPU."""
    ml: list[Text] = []
    """Input and prediction drift, online metrics, model version."""
    alerts: list[Text] = []
    """What pages someone, and the threshold."""


class TradeoffChoice(Spec):
    """A trade-off from the library (`mlsd tradeoffs`), with this design's choice."""

    name: Identifier
    """Name of the trade-off in the library (`mlsd tradeoffs`), e.g. `ann-vs-exact-search`."""
    choice: Text | None = None
    """The option this design takes."""
    reason: Text | None = None
    """Why, for this system."""


class OwnOption(Spec):
    """One option of a trade-off of the author's own."""

    name: Label
    """Option name."""
    strengths: list[Text] = []
    """What it does well."""
    weaknesses: list[Text] = []
    """What it costs."""
    pick_when: Text | None = None
    """When to pick it."""


class OwnTradeoff(Spec):
    """A trade-off of the author's own, written in the spec beside the library's."""

    name: Identifier
    """Id of the trade-off (lowercase, `-` between words)."""
    title: Label
    """Title shown in the write-up."""
    question: Text | None = None
    """The decision, as a question."""
    options: Annotated[list[OwnOption], Field(min_length=2)]
    """The options weighed (at least two)."""
    choice: Text | None = None
    """The option this design takes."""
    reason: Text | None = None
    """Why, for this system."""
    numbers: list[Text] = []
    """The numbers behind the choice, one line each ("replay of 30 days: 42 h")."""


class LLMCapacity(Spec):
    """Token and serving numbers of an LLM system (prices and model shapes are assumptions)."""

    system_prompt_tokens: Count | None = None
    """Tokens of the system prompt and instructions."""
    chunks_per_request: Count | None = None
    """Retrieved chunks put in the prompt (k)."""
    tokens_per_chunk: Count | None = None
    """Tokens per retrieved chunk."""
    question_tokens: Count | None = None
    """Tokens of the user's question or task."""
    output_tokens: Count | None = None
    """Tokens generated per call."""
    input_price_per_million: Count | None = None
    """Price of one million input tokens (an assumption; say which model)."""
    output_price_per_million: Count | None = None
    """Price of one million output tokens."""
    decode_tokens_per_second: Count | None = None
    """Output tokens per second of one sequence."""
    prefill_ms: Count | None = None
    """Time to first token of one call, in milliseconds."""
    layers: Count | None = None
    """Transformer layers of the served model (for the KV-cache)."""
    kv_heads: Count | None = None
    """Key-value heads per layer."""
    head_dim: Count | None = None
    """Dimension of one head."""
    kv_bytes: Count | None = None
    """Bytes per cached value (2 for fp16)."""
    calls_per_task: Count | None = None
    """LLM calls per agent task (planning, tool choice, answer)."""
    tool_ms_per_task: Count | None = None
    """Milliseconds spent in tools per agent task."""


class Capacity(Spec):
    """Stated assumptions of the capacity model: hardware, prices, review rates. Every number
    computed from them is shown with its formula and labelled as resting on these inputs."""

    ram_per_machine_gb: Count | None = None
    """RAM per index machine in GB (for the shard count of a vector index)."""
    index_fill_factor: Fraction | None = None
    """Share of a machine's RAM the index may fill (0.7 when absent)."""
    index_types: list[
        Annotated[str, Field(pattern=r"^(flat-fp32|flat-fp16|flat-int8|pq|hnsw|ivf-pq)$")]
    ] = []
    """Vector index types to size: flat-fp32, flat-fp16, flat-int8, pq, hnsw, ivf-pq."""
    encoder_items_per_second_per_gpu: Count | None = None
    """Items one GPU embeds per second (GPU-hours to re-embed the corpus)."""
    log_bytes_per_event: Count | None = None
    """Bytes per logged event (log storage and the Kappa replay)."""
    log_retention_days: Count | None = None
    """Days the event log is kept (replayable history)."""
    replay_events_per_second: Count | None = None
    """Events per second a backfill can replay."""
    experiment_traffic_share: Fraction | None = None
    """Share of daily users in an A/B test (both arms together)."""
    minimum_detectable_effect: Fraction | None = None
    """Absolute effect the A/B test must detect (0.001 = 0.1 percentage points)."""
    cache_hit_rate: Fraction | None = None
    """Share of requests answered by a cache (result, embedding or semantic cache)."""
    reviewer_items_per_hour: Count | None = None
    """Items one human reviewer handles per hour."""
    reviewer_hours_per_day: Count | None = None
    """Working hours per reviewer per day (8 when absent)."""
    llm: LLMCapacity | None = None
    """Tokens, prices and model shape of an LLM system."""


class DisabledRule(Spec):
    """A review rule or a check figure turned off for this design, and why (the reason
    shows in the report of `mlsd review` or `mlsd check`)."""

    rule: Annotated[str, Field(pattern=r"^([A-Z]{2}\d{2}|[a-z][a-z0-9_-]*)$")]
    """A review rule's code (`EV04`) or name (`imbalance-metrics`), or a check figure's name
    (`crossings`, `aspect_ratio`); each finding of `mlsd review` and `mlsd check` names its
    own."""
    reason: Annotated[str, Field(min_length=10, max_length=MAX_TEXT), AfterValidator(_check_text)]
    """Why the rule does not apply to this design; shown beside the score."""


class ReviewConfig(Spec):
    """How `mlsd review` and `mlsd check` treat this design."""

    disable: list[DisabledRule] = []
    """Review rules and check figures that do not apply here, each with its reason."""


class Component(Spec):
    """A box of the diagram."""

    id: ComponentId
    """Unique id (lowercase letters, digits, `-`, `_`); flows refer to it."""
    kind: ComponentKind
    """Kind from the catalog (`mlsd kinds`); decides the icon."""
    label: Label
    """Name shown in the diagram."""
    stage: Stage
    """Stage cluster it belongs to."""
    description: Text | None = None
    """What it does, for the write-up."""


class Flow(Spec):
    """An arrow of the diagram."""

    model_config = ConfigDict(populate_by_name=True)

    source: Identifier = Field(alias="from")
    """Id of the component the data leaves."""
    target: Identifier = Field(alias="to")
    """Id of the component the data reaches."""
    label: Label | None = None
    """What moves along the arrow."""
    kind: FlowKind = FlowKind.request
    """request, batch, stream or feedback."""
    step: Annotated[int, Field(ge=1, le=99)] | None = None
    """Step number on the request path (1, 2, 3...), shown on the arrow."""


class ViewSpec(Spec):
    """A view: one concern of the system drawn alone. Components outside it are hidden;
    flows that cross its border end in small stubs naming the component outside."""

    id: Identifier
    """Id of the view; names its file (`views/<id>.svg`)."""
    title: Label
    """Title, shown after the design's title."""
    stages: list[Stage] = []
    """Stages whose components the view shows."""
    components: list[Identifier] = []
    """Further components it shows, by id."""


class DiagramSpec(Spec):
    """How the diagrams of this design are drawn."""

    theme: ThemeName = ThemeName.light
    """light, dark or whiteboard; `--theme` on the command line wins."""
    legend: bool = True
    """Draw the key of flow kinds and component kinds under the title."""
    views: Annotated[list[ViewSpec], Field(max_length=20)] = []
    """Views besides the derived ones (data, training, serving, monitoring); a view with the
    id of a derived view replaces it."""


class Design(Spec):
    """One ML system design: the 7-step answer and its architecture."""

    id: DesignId
    """Unique id of the design; names its output folder."""
    title: Label
    """Title of the design, shown on the diagram."""
    prompt: Text
    """The interview question."""
    tags: list[Identifier] = []
    """Tags for the portfolio (lowercase, `-` between words)."""
    source: Text | None = None
    """Where the design comes from (book chapter, paper, blog)."""
    requirements: Requirements = Requirements()
    framing: Framing = Framing()
    data: Data = Data()
    model: ModelSection = ModelSection()
    evaluation: Evaluation = Evaluation()
    serving: Serving = Serving()
    monitoring: Monitoring = Monitoring()
    tradeoffs: list[TradeoffChoice] = []
    """Trade-offs discussed, by library name, with the choice made and why."""
    own_tradeoffs: list[OwnTradeoff] = []
    """Trade-offs of the author's own (options, strengths, weaknesses, choice, numbers)."""
    capacity: Capacity = Capacity()
    """Stated assumptions of the capacity model (hardware, prices, review rates)."""
    components: Annotated[list[Component], Field(max_length=MAX_COMPONENTS)] = []
    """The boxes of the diagram."""
    flows: Annotated[list[Flow], Field(max_length=MAX_FLOWS)] = []
    """The arrows between components."""
    diagram: DiagramSpec = DiagramSpec()
    """Theme, legend and views of the diagrams."""
    review: ReviewConfig = ReviewConfig()
    """Review rules and check figures disabled for this design, each with its reason."""


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a design spec, for editors: every key documented once (no titles
    made from key names, which editors show beside the description), and the component kinds
    and the library's trade-offs listed with what each is, so they complete with a hint."""
    from .tradeoffs import TRADEOFFS

    schema = Design.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "mlsd-diagrams design spec"
    _drop_key_titles(schema)
    kind = schema["$defs"]["Component"]["properties"]["kind"]
    kind["enumDescriptions"] = [catalog.KINDS_BY_NAME[k].description for k in kind["enum"]]
    name = schema["$defs"]["TradeoffChoice"]["properties"]["name"]
    name.pop("pattern", None)
    name["enum"] = list(TRADEOFFS)
    name["enumDescriptions"] = [entry.title for entry in TRADEOFFS.values()]
    return schema


def schema_text() -> str:
    """The JSON Schema as the file editors read (`mlsd schema`, `mlsd.schema.json`)."""
    import json

    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


def _drop_key_titles(node: Any) -> None:
    """Remove the titles pydantic derives from key names ("Daily Active Users")."""
    if isinstance(node, dict):
        for value in (node.get("properties") or {}).values():
            if isinstance(value, dict):
                value.pop("title", None)
        for value in node.values():
            _drop_key_titles(value)
    elif isinstance(node, list):
        for value in node:
            _drop_key_titles(value)

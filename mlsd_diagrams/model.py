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
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from . import catalog
from .errors import is_hidden

ID_PATTERN = r"^[a-z][a-z0-9_-]{0,62}$"
MAX_LABEL = 80
MAX_TEXT = 2000
MAX_COMPONENTS = 120
MAX_FLOWS = 300


class Spec(BaseModel):
    """Base of every section: unknown keys are errors, docstrings are descriptions."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True, frozen=True)


class Stage(StrEnum):
    """Where a component lives; each stage is one cluster of the diagram, left to right."""

    client = "client"
    data = "data"
    features = "features"
    training = "training"
    serving = "serving"
    monitoring = "monitoring"


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


def _listify(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


def _named(value: Any) -> Any:
    """Allow a bare string where a `{name: ...}` mapping is expected."""
    return {"name": value} if isinstance(value, str) else value


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
    privacy: Text | None = None
    """Privacy and bias concerns."""


class ModelStep(Spec):
    """One model on the path from baseline to the final model."""

    name: Label
    """Model name."""
    why: Text | None = None
    """What it brings, or why it is not enough."""


class ModelSection(Spec):
    """Step 4: model development."""

    path: list[Annotated[ModelStep, BeforeValidator(_named)]] = []
    """From a simple baseline to the chosen model."""
    loss: Text | None = None
    """Training loss."""
    training: list[Text] = []
    """Dataset construction, sampling, splits, retraining cadence."""


class Metric(Spec):
    """One metric."""

    name: Label
    """Metric name (nDCG@10, CTR...)."""
    why: Text | None = None
    """What it measures and why it fits."""


Metrics = list[Annotated[Metric, BeforeValidator(_named)]]


class Evaluation(Spec):
    """Step 5: evaluation."""

    offline: Metrics = []
    """Offline metrics."""
    online: Metrics = []
    """Online (business) metrics."""
    fairness: Text | None = None
    """Fairness and bias checks."""


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
    """Name of the trade-off in the library, e.g. `ann-vs-exact`."""
    choice: Text | None = None
    """The option this design takes."""
    reason: Text | None = None
    """Why, for this system."""


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


class ThemeName(StrEnum):
    """How the diagram looks."""

    light = "light"
    dark = "dark"
    whiteboard = "whiteboard"


class ViewSpec(Spec):
    """A view: one concern of the system drawn alone. Components outside it are hidden;
    flows that cross its border end in small stubs naming the component outside."""

    id: Identifier
    """Id of the view; names its files (`<design>.view-<id>.png`)."""
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
    components: Annotated[list[Component], Field(max_length=MAX_COMPONENTS)] = []
    """The boxes of the diagram."""
    flows: Annotated[list[Flow], Field(max_length=MAX_FLOWS)] = []
    """The arrows between components."""
    diagram: DiagramSpec = DiagramSpec()
    """Theme, legend and views of the diagrams."""


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a design spec, for editors."""
    schema = Design.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "mlsd-diagrams design spec"
    return schema

"""The catalog of component kinds: one explicit table from kind to icon.

An icon is either a mingrammer `diagrams` node class (`diagrams.onprem.queue.Kafka`) or an icon
bundled with this package (`mlsd:feature-store-online`, a PNG in `mlsd_diagrams/icons/mlsd/`).
To add a kind, add one row to KINDS (see the README).
"""

from __future__ import annotations

import difflib
import importlib
import importlib.util
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .errors import shown

BUNDLED_PREFIX = "mlsd:"
BUNDLED_ICONS_DIR = Path(__file__).parent / "icons"


@dataclass(frozen=True)
class Kind:
    """One component kind of the catalog."""

    name: str
    title: str
    icon: str
    description: str


# fmt: off
KINDS: tuple[Kind, ...] = (
    # Clients and entry points
    Kind("client", "Client / app", "diagrams.onprem.client.Users", "Users and the app they use"),
    Kind("mobile-app", "Mobile app", "diagrams.generic.device.Mobile", "On-device app or model"),
    Kind("api-gateway", "API gateway", "diagrams.onprem.network.Nginx", "Edge, auth, routing"),
    # Data
    Kind("event-stream", "Event stream", "diagrams.onprem.queue.Kafka", "Kafka-like event log"),
    Kind("object-storage", "Object storage", "diagrams.generic.storage.Storage", "Blobs: images, videos, files"),
    Kind("data-warehouse", "Data warehouse", "diagrams.gcp.analytics.Bigquery", "Tables for analytics and training"),
    Kind("database", "Database", "diagrams.generic.database.SQL", "Relational tables (users, items)"),
    Kind("kv-store", "Key-value store", "diagrams.onprem.database.Cassandra", "Precomputed results by key"),
    Kind("graph-database", "Graph database", "diagrams.onprem.database.Neo4J", "Social or knowledge graph"),
    Kind("etl-job", "ETL / batch job", "diagrams.onprem.analytics.Spark", "Batch data preparation"),
    Kind("workflow-orchestrator", "Workflow orchestrator", "diagrams.onprem.workflow.Airflow", "Schedules pipelines"),
    Kind("stream-processor", "Stream processor", "diagrams.onprem.analytics.Flink", "Real-time features and joins"),
    Kind("labeling", "Labeling", "diagrams.gcp.ml.AIPlatformDataLabelingService", "Hand labels for training and evaluation"),
    Kind("human-review", "Human review", "diagrams.aws.ml.AugmentedAi", "Review queue of human moderators"),
    # Features
    Kind("feature-store-offline", "Offline feature store", "mlsd:feature-store-offline", "Point-in-time features for training"),
    Kind("feature-store-online", "Online feature store", "mlsd:feature-store-online", "Low-latency features for serving"),
    Kind("feature-pipeline", "Feature pipeline", "diagrams.gcp.analytics.Dataflow", "Computes features (batch or streaming)"),
    # Training
    Kind("training-pipeline", "Training pipeline", "diagrams.onprem.workflow.Kubeflow", "Trains and evaluates models"),
    Kind("model-registry", "Model registry", "diagrams.aws.ml.SagemakerModel", "Versioned models for serving"),
    Kind("hard-negative-mining", "Hard-negative mining", "diagrams.aws.ml.FraudDetector", "Finds mistakes to learn from"),
    # Serving
    Kind("embedding-service", "Embedding service", "diagrams.gcp.ml.AIPlatform", "Encodes queries or items as vectors"),
    Kind("vector-index", "ANN / vector index", "diagrams.onprem.database.Qdrant", "Approximate nearest-neighbour search"),
    Kind("search-index", "Inverted index", "diagrams.elastic.elasticsearch.Elasticsearch", "Keyword (BM25) search"),
    Kind("candidate-generation", "Candidate generation", "diagrams.gcp.ml.VertexAI", "Narrows millions of items to hundreds"),
    Kind("ranking", "Ranking", "diagrams.gcp.ml.RecommendationsAI", "Scores candidates with a heavier model"),
    Kind("re-ranking", "Re-ranking", "mlsd:re-ranking", "Diversity, freshness, policy filters"),
    Kind("prediction-service", "Prediction service", "diagrams.gcp.ml.InferenceAPI", "Online model inference API"),
    Kind("batch-prediction", "Batch prediction job", "diagrams.gcp.ml.JobsAPI", "Precomputes predictions offline"),
    Kind("gpu-inference", "GPU inference server", "diagrams.gcp.ml.TPU", "Accelerated model serving"),
    Kind("service", "Service", "diagrams.onprem.compute.Server", "A plain backend service"),
    Kind("cache", "Cache", "diagrams.onprem.inmemory.Redis", "In-memory cache"),
    Kind("rules-engine", "Rules / policy engine", "diagrams.programming.flowchart.Decision", "Business rules and policies"),
    Kind("hash-matcher", "Hash matcher", "mlsd:hash-matcher", "Matches known media by perceptual hash"),
    Kind("image-processing", "Image processing", "diagrams.gcp.ml.VisionAPI", "Preprocessing, detection post-processing, blurring"),
    Kind("document-parser", "Document parser", "diagrams.aws.ml.Textract", "Layout parsing and OCR of documents"),
    Kind("enforcement", "Enforcement", "diagrams.aws.security.Shield", "Removes, demotes or restricts content and notifies"),
    Kind("review-queue", "Review queue", "diagrams.onprem.queue.Rabbitmq", "Prioritized queue of items waiting for people"),
    # LLM systems
    Kind("llm", "LLM", "diagrams.aws.ml.Bedrock", "Large language model"),
    Kind("model-router", "Model router", "diagrams.onprem.network.Envoy", "Routes each request to a small or large model"),
    Kind("prompt-builder", "Prompt builder", "diagrams.gcp.ml.NaturalLanguageAPI", "Builds the prompt from templates and context"),
    Kind("eval-harness", "Evaluation harness", "diagrams.aws.ml.SagemakerGroundTruth", "Offline evaluation against golden sets"),
    Kind("guardrail", "Guardrail", "diagrams.generic.network.Firewall", "Input/output safety checks"),
    Kind("agent-orchestrator", "Agent orchestrator", "mlsd:agent-orchestrator", "Plans and loops over tools"),
    Kind("tool-registry", "Tool registry", "mlsd:tool-registry", "Tools with permissions"),
    Kind("memory-store", "Memory store", "mlsd:memory-store", "Conversation and long-term memory"),
    Kind("human-approval", "Human approval", "mlsd:human-approval", "A person approves risky actions"),
    # Monitoring
    Kind("monitoring", "Monitoring / metrics", "diagrams.onprem.monitoring.Prometheus", "Operational and ML metrics"),
    Kind("trace-store", "Trace store", "diagrams.onprem.tracing.Tempo", "Step-by-step traces of requests"),
    Kind("dashboard", "Dashboard", "diagrams.onprem.monitoring.Grafana", "Dashboards for people"),
    Kind("alerting", "Alerting", "diagrams.elastic.elasticsearch.Alerting", "Pages on-call when metrics drift"),
)
# fmt: on

KINDS_BY_NAME: dict[str, Kind] = {kind.name: kind for kind in KINDS}


def kind_names() -> list[str]:
    return [kind.name for kind in KINDS]


def suggest(word: str, choices: list[str]) -> str:
    """` (did you mean 'x'?)` when something close exists, else ``."""
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def unknown_kind_message(name: str) -> str:
    hint = suggest(name, kind_names())
    return f"unknown component kind '{shown(name)}'{hint}; `mlsd kinds` lists them"


def is_bundled(kind: Kind) -> bool:
    return kind.icon.startswith(BUNDLED_PREFIX)


def node_class_path(kind: Kind) -> tuple[str, str]:
    """(module, class name) of a kind drawn with a mingrammer node class."""
    module, _, name = kind.icon.rpartition(".")
    return module, name


@cache
def diagrams_resources_dir() -> Path:
    """The folder holding mingrammer's icon PNGs (`resources/` beside the `diagrams` package),
    found without importing it: a redraw from the compiled cache needs only the folder."""
    spec = importlib.util.find_spec("diagrams")
    origin = spec.origin if spec is not None else None
    if origin is None:  # not a plain package: ask it (fails as an import does when missing)
        import diagrams

        origin = diagrams.__file__
    return Path(origin).resolve().parent.parent / "resources"


def icon_search_path() -> list[Path]:
    """Folders Graphviz looks in for icons (its `imagepath`): ours, then mingrammer's."""
    return [BUNDLED_ICONS_DIR, diagrams_resources_dir()]


@cache
def icon_ref(name: str) -> str:
    """The icon of a kind as a path relative to the icon search path, e.g. `onprem/queue/kafka.png`.

    Relative paths keep the DOT source and SVG free of this machine's absolute paths.
    """
    kind = KINDS_BY_NAME[name]
    if is_bundled(kind):
        return f"mlsd/{kind.icon.removeprefix(BUNDLED_PREFIX)}.png"
    module, class_name = node_class_path(kind)
    node_class = getattr(importlib.import_module(module), class_name)
    icon_dir = Path(node_class._icon_dir).relative_to("resources")
    return (icon_dir / node_class._icon).as_posix()


def icon_file(ref: str) -> Path | None:
    """The file an icon reference resolves to, searching like Graphviz does."""
    for folder in icon_search_path():
        candidate = folder / ref
        if candidate.is_file():
            return candidate
    return None

"""Consistency warnings: valid designs that contradict their own numbers, located in the file."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from conftest import MINIMAL

from mlsd_diagrams.cli import cli
from mlsd_diagrams.validate import check_design

RANKED = (
    MINIMAL.replace(
        "  - {id: api, kind: prediction-service, label: API, stage: serving}\n",
        "  - {id: api, kind: service, label: API, stage: serving}\n"
        "  - {id: rank, kind: ranking, label: Ranker, stage: serving}\n",
    )
    + "  - {from: api, to: rank, label: top 500 candidates, kind: request, step: 2}\n"
)

# (name, spec text, expected warnings as file:line:col: key: message)
CASES = [
    (
        "hnsw-at-10b",
        MINIMAL.replace(
            "requirements:\n  business_objective: Grow.\n",
            "requirements:\n  business_objective: Grow.\n"
            "  scale: {items: 10B, embedding_dim: 128}\n",
        )
        + "tradeoffs:\n  - {name: ann-vs-exact-search, choice: ANN (HNSW)}\n",
        [
            "spec.yaml:18:33: tradeoffs[0].choice: warning: ANN (HNSW): HNSW keeps every full "
            "vector and its links in RAM: N × 4d, before links = 5.12 TB for 10B vectors, more "
            "than one machine holds (256 GB (assumed) × 0.7 fill); its 'pick when' needs them "
            "to fit: shard over 29 machines (cite index-sharding-and-replication), or pick IVF-PQ"
        ],
    ),
    (
        "exact-search-over-budget",
        MINIMAL.replace(
            "  business_objective: Grow.\n",
            "  business_objective: Grow.\n"
            "  scale: {items: 1B, embedding_dim: 256, latency_budget_ms: 100}\n",
        )
        + "tradeoffs:\n  - {name: ann-vs-exact-search, choice: exact search}\n",
        [
            "spec.yaml:18:33: tradeoffs[0].choice: warning: Exact search: one exact query costs "
            "N × d = 256B multiply-adds, about 25.6 s on one core (10G multiply-adds/s "
            "assumed), over the 100 ms budget; pick an ANN index"
        ],
    ),
    (
        "pq-for-a-small-index",
        MINIMAL.replace(
            "  business_objective: Grow.\n",
            "  business_objective: Grow.\n  scale: {items: 5M, embedding_dim: 32}\n",
        )
        + "tradeoffs:\n  - {name: ann-vs-exact-search, choice: ANN (IVF-PQ)}\n",
        [
            "spec.yaml:18:33: tradeoffs[0].choice: warning: ANN (IVF-PQ): the full fp32 vectors "
            "take only 640 MB (N × d × 4 B); compressing them loses recall that memory does "
            "not require"
        ],
    ),
    (
        "feature-store-smaller-than-users",
        MINIMAL.replace(
            "  business_objective: Grow.\n",
            "  business_objective: Grow.\n  scale:\n    daily_active_users: 2B\n"
            "    feature_entities: 1B\n",
        ),
        [
            "spec.yaml:8:5: requirements.scale.feature_entities: warning: the online feature "
            "store holds 1B entities, fewer than the 2B daily users it must serve; count every "
            "user (plus items) or say which users are left out"
        ],
    ),
    (
        "ranking-load-without-ranker",
        MINIMAL.replace(
            "  - {id: api, kind: prediction-service, label: API, stage: serving}\n",
            "  - {id: api, kind: service, label: API, stage: serving}\n",
        ).replace(
            "  business_objective: Grow.\n",
            "  business_objective: Grow.\n  scale: {candidates_per_request: 500}\n",
        ),
        [
            "spec.yaml:6:11: requirements.scale.candidates_per_request: warning: "
            "candidates_per_request sets a ranking load, but no component ranks or scores "
            "(gpu-inference, prediction-service, ranking, re-ranking); add the ranker or drop "
            "the number"
        ],
    ),
    (
        "candidates-disagree-with-flow",
        RANKED.replace(
            "  business_objective: Grow.\n",
            "  business_objective: Grow.\n  scale: {candidates_per_request: 1K}\n",
        ),
        [
            "spec.yaml:18:27: flows[1].label: warning: this flow brings 500 candidates to the "
            "ranker, but candidates_per_request is 1K; make them agree"
        ],
    ),
    (
        "candidates-agree-with-flow",
        RANKED.replace(
            "  business_objective: Grow.\n",
            "  business_objective: Grow.\n  scale: {candidates_per_request: 500}\n",
        ),
        [],
    ),
    (
        "stages-over-the-scale-budget",
        MINIMAL.replace(
            "  business_objective: Grow.\n",
            "  business_objective: Grow.\n  scale: {latency_budget_ms: 100}\n"
            "  latency:\n    stages: [{name: a, ms: 80}, {name: b, ms: 40}]\n",
        ),
        [
            "spec.yaml:8:5: requirements.latency.stages: warning: the stages add up to 120 ms, "
            "over the 100 ms of scale.latency_budget_ms"
        ],
    ),
    (
        "two-budgets",
        MINIMAL.replace(
            "  business_objective: Grow.\n",
            "  business_objective: Grow.\n  scale: {latency_budget_ms: 100}\n"
            "  latency: {budget_ms: 150}\n",
        ),
        [
            "spec.yaml:7:13: requirements.latency.budget_ms: warning: the request-path budget "
            "is 150 ms here but 100 ms in scale.latency_budget_ms; keep one value"
        ],
    ),
    (
        "model-on-a-missing-component",
        MINIMAL + "serving:\n  models:\n    - {name: Ranker, component: rankr}\n",
        [
            "spec.yaml:18:22: serving.models[0].component: warning: no component has the id "
            "'rankr'; use the id of the box that serves this model"
        ],
    ),
    (
        "hnsw-sharded-on-purpose",
        MINIMAL.replace(
            "  business_objective: Grow.\n",
            "  business_objective: Grow.\n  scale: {items: 10B, embedding_dim: 128}\n",
        )
        + "tradeoffs:\n  - {name: ann-vs-exact-search, choice: ANN (HNSW)}\n"
        "  - {name: index-sharding-and-replication, choice: Shard by item}\n",
        [],
    ),
]


@pytest.mark.parametrize(("name", "text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_warning_cases(spec_file, monkeypatch, name: str, text: str, expected: list[str]):
    path = spec_file(text)
    monkeypatch.chdir(path.parent)
    _, found = check_design(path.relative_to(path.parent))
    assert [str(problem) for problem in found] == expected


def test_validate_prints_warnings_and_still_passes(spec_file, monkeypatch):
    path = spec_file(CASES[3][1])
    monkeypatch.chdir(path.parent)
    result = CliRunner().invoke(cli, ["validate", path.name])
    assert result.exit_code == 0
    assert "spec.yaml: ok" in result.stdout
    assert "feature_entities: warning: the online feature store holds 1B" in result.stderr

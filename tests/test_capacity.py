"""The capacity model against hand computations (DOMAIN.md sections 5 and 6)."""

from __future__ import annotations

from typing import Any

import pytest

from mlsd_diagrams.capacity import Group, capacity, exact_search_cost
from mlsd_diagrams.estimates import Estimate, estimates
from mlsd_diagrams.model import Design


def design(**sections: Any) -> Design:
    return Design.model_validate({"id": "d", "title": "D", "prompt": "P", **sections})


def rows(groups: list[Group], title: str) -> dict[str, Estimate]:
    (group,) = [g for g in groups if g.title == title]
    return {row.name: row for row in group.rows}


def test_nothing_is_shown_without_inputs():
    assert capacity(design()) == []
    scale = {"daily_active_users": "2B", "requests_per_user_per_day": 2, "items": "10B"}
    assert capacity(design(requirements={"scale": scale})) == []


def test_orders_per_day_become_orders_per_second_in_the_prompts_noun():
    scale = {"load": {"unit": "orders", "per_day": "10M"}}
    table = {
        row.name: row for row in estimates(design(requirements={"scale": scale}).requirements.scale)
    }
    average = table["Average orders per second"]
    assert average.value == pytest.approx(115.74, rel=1e-3)
    assert average.display == "116 orders/s"
    assert table["Peak orders per second"].display == "231 orders/s"
    assert ("peak factor", "2 (default)") in table["Peak orders per second"].inputs


def test_latency_stages_parallel_groups_fan_out_and_littles_law():
    latency = {
        "percentile": "p99",
        "budget_ms": 200,
        "stages": [
            {"name": "network", "ms": 30},
            {"name": "features", "ms": 20, "parallel": "fetch"},
            {"name": "retrieval", "ms": 50, "parallel": "fetch", "fan_out": 10},
            {"name": "ranking", "ms": 80},
        ],
    }
    scale = {"load": {"peak_per_second": "46K"}}
    table = rows(
        capacity(design(requirements={"scale": scale, "latency": latency})),
        "Request-path latency budget",
    )
    assert table["features ‖ retrieval"].value == 50  # a parallel group costs its slowest
    total = table["Request path total"]
    assert total.value == 160 and total.display == "160 ms of 200 ms (40 ms headroom)"
    fan = table["Fan-out tail of retrieval"]
    assert fan.value == pytest.approx(0.999)  # 1 − 0.01/10: p99 of 10 shards needs p99.9 each
    assert fan.display == "each shard within 50 ms at p99.9"
    assert table["Requests in flight"].value == pytest.approx(46_000 * 0.2)  # 9.2K
    assert table["Requests in flight"].display == "9.2K"


def test_gpus_for_the_news_feed_ranking_load():
    # 46K peak QPS × 500 candidates = 23M scorings/s ÷ (200K/GPU × 0.6) ≈ 192 GPUs
    spec = design(
        requirements={"scale": {"load": {"peak_per_second": "46K"}}},
        serving={
            "models": [
                {
                    "name": "Ranker",
                    "hardware": "gpu",
                    "items_per_request": 500,
                    "items_per_second_per_unit": "200K",
                },
            ]
        },
    )
    (row,) = rows(capacity(spec), "Compute").values()
    assert row.value == 192
    assert row.display == "192 GPUs (23M items/s)"
    assert ("utilisation", "0.6 (assumed)") in row.inputs


def test_reembedding_100b_images():
    spec = design(
        requirements={"scale": {"items": "100B"}},
        capacity={"encoder_items_per_second_per_gpu": "2K"},
    )
    row = rows(capacity(spec), "Compute")["Re-embed the corpus (new encoder)"]
    assert row.value == pytest.approx(13_888.9, rel=1e-4)
    assert row.display == "14K GPU-hours"


def test_index_memory_by_type_and_shards():
    spec = design(
        requirements={
            "scale": {
                "items": "100B",
                "embedding_dim": 256,
                "pq_bytes_per_vector": 64,
                "hnsw_links": 16,
            }
        },
        capacity={
            "index_types": ["flat-fp32", "flat-fp16", "flat-int8", "pq", "hnsw", "ivf-pq"],
            "ram_per_machine_gb": 256,
        },
    )
    table = rows(capacity(spec), "Vector index memory")
    assert table["flat-fp32"].value == pytest.approx(102.4e12)
    assert table["flat-fp32"].display == "102 TB → 572 shards"  # 102.4 TB ÷ (256 GB × 0.7)
    assert table["flat-fp16"].value == pytest.approx(51.2e12)
    assert table["flat-int8"].value == pytest.approx(25.6e12)
    assert table["pq"].value == pytest.approx(6.4e12 + 256 * 256 * 4)
    assert table["hnsw"].value == pytest.approx(100e9 * (4 * 256 + 128))  # M=16 → +128 B
    assert table["ivf-pq"].value == pytest.approx(100e9 * 72 + 256 * 256 * 4)
    assert ("fill", "0.7 (assumed)") in table["pq"].inputs


def test_pq_without_m_is_left_out():
    spec = design(
        requirements={"scale": {"items": "5M", "embedding_dim": 32}},
        capacity={"index_types": ["flat-fp32", "pq"]},
    )
    assert list(rows(capacity(spec), "Vector index memory")) == ["flat-fp32"]
    assert rows(capacity(spec), "Vector index memory")["flat-fp32"].display == "640 MB"


def test_exact_search_on_listings_is_cheap():
    row = exact_search_cost(design(requirements={"scale": {"items": "5M", "embedding_dim": 32}}))
    assert row is not None and row.value == 160e6 and row.display == "160M multiply-adds"


def test_kappa_replay_and_retention():
    spec = design(
        requirements={"scale": {"events_per_day": "5B"}},
        capacity={
            "log_bytes_per_event": "1K",
            "log_retention_days": 30,
            "replay_events_per_second": "1M",
        },
    )
    table = rows(capacity(spec), "Logs and replay")
    assert table["Event log retained"].display == "150 TB"
    assert table["Replay the retained log"].value == pytest.approx(41.67, rel=1e-3)
    assert table["Replay the retained log"].display == "42 h"


def test_ads_training_data_applies_negative_downsampling():
    spec = design(
        requirements={"scale": {"events_per_day": "37.5B", "training_row_bytes": "1K"}},
        data={"positive_rate": "2%", "negative_downsampling_rate": 0.05},
    )
    table = {row.name: row for row in estimates(spec.requirements.scale, spec.data)}
    assert table["Logged examples per day"].display == "37.5 TB/day"
    kept = table["Training data per day"]
    assert kept.value == pytest.approx(37.5e12 * (0.02 + 0.05 * 0.98))  # 2.59 TB
    assert kept.display == "2.6 TB/day"
    assert "(p + w × (1 − p))" in kept.formula


def test_feature_store_per_entity_type_times_replicas():
    scale = {
        "features_per_entity": 200,
        "feature_replicas": 3,
        "entity_types": [
            {"name": "users", "count": "1B"},
            {"name": "ads", "count": "10M", "features": 50},
        ],
    }
    table = rows(capacity(design(requirements={"scale": scale})), "Feature store by entity type")
    assert table["Users"].value == pytest.approx(1e9 * 200 * 4 * 3)  # 2.4 TB
    assert table["Ads"].value == pytest.approx(10e6 * 50 * 4 * 3)
    assert table["All entity types"].display == "2.4 TB"


def test_llm_tokens_cost_and_kv_cache():
    llm = {
        "system_prompt_tokens": 500,
        "chunks_per_request": 5,
        "tokens_per_chunk": 400,
        "question_tokens": 100,
        "output_tokens": 300,
        "input_price_per_million": 3,
        "output_price_per_million": 15,
        "layers": 32,
        "kv_heads": 8,
        "head_dim": 128,
        "kv_bytes": 2,
        "decode_tokens_per_second": 50,
        "prefill_ms": 400,
    }
    spec = design(
        requirements={"scale": {"load": {"average_per_second": 100}}}, capacity={"llm": llm}
    )
    table = rows(capacity(spec), "LLM tokens and cost")
    assert table["Tokens per request"].value == 2900  # 500 + 5 × 400 + 100 + 300
    cost = table["Cost per 1K requests"]
    assert cost.value == pytest.approx(1000 * (2600 * 3 + 300 * 15) / 1e6)  # $12.30
    assert cost.display == "$12.3"
    kv = table["KV-cache"]
    assert kv.value == pytest.approx(131_072 * 2900)  # 131 KB per token
    assert "(131 KB/token)" in kv.display
    assert table["Generation latency"].value == pytest.approx(400 + 6000)
    assert table["Tokens per second"].value == pytest.approx(200 * 2900)  # peak = 2 × 100


def test_agent_task_multiplies_calls():
    llm = {
        "question_tokens": 1000,
        "output_tokens": 200,
        "calls_per_task": 6,
        "input_price_per_million": 1,
        "output_price_per_million": 5,
        "decode_tokens_per_second": 100,
        "prefill_ms": 300,
        "tool_ms_per_task": 3000,
    }
    table = rows(capacity(design(capacity={"llm": llm})), "LLM tokens and cost")
    assert table["Tokens per task"].value == 7200
    assert table["Cost per 1K tasks"].value == pytest.approx(6 * (1000 * 1 + 200 * 5) / 1e3)
    assert table["Agent task latency"].value == pytest.approx(6 * (300 + 2000) + 3000)
    assert table["Agent task latency"].display == "16.8 s"


def test_reviewers_at_the_operating_point():
    spec = design(
        requirements={"scale": {"new_items_per_day": "500M"}},
        evaluation={"operating_point": {"review_rate": "0.1%"}},
        capacity={"reviewer_items_per_hour": 50},
    )
    table = rows(capacity(spec), "Human review")
    assert table["Items to review per day"].value == pytest.approx(500_000)
    assert table["Reviewers"].value == 1250  # 500K ÷ (50/h × 8 h)
    assert ("hours per day", "8 (assumed)") in table["Reviewers"].inputs


def test_ab_sample_size_from_domain():
    from mlsd_diagrams.quantify import ab_sample

    # CTR 2%, δ = 0.1 pp: n ≈ 16 × 0.0196 ÷ 10⁻⁶ ≈ 314K per arm; 2n ÷ (2M users × 10%) ≈ 3.1 days
    spec = design(
        requirements={"scale": {"daily_active_users": "2M"}},
        data={"positive_rate": "2%"},
        capacity={"minimum_detectable_effect": 0.001},
    )
    rows = {row.name: row for row in ab_sample(spec)}
    assert rows["A/B samples per arm"].value == pytest.approx(313_600)
    assert rows["A/B samples per arm"].display == "314K"
    assert rows["A/B time to detect δ"].value == pytest.approx(2 * 313_600 / 200_000)
    assert rows["A/B time to detect δ"].display == "3.1 days"


def test_cost_minimising_threshold():
    from mlsd_diagrams.quantify import operating_point

    spec = design(
        requirements={"scale": {"load": {"unit": "orders", "per_day": "10M"}}},
        evaluation={
            "operating_point": {"fixed_decline_rate": "1%"},
            "cost_weighted_metric": {
                "name": "Loss",
                "false_positive_cost": 5,
                "false_negative_cost": 95,
            },
        },
    )
    rows = {row.name: row for row in operating_point(spec)}
    assert rows["Orders acted on per day"].value == pytest.approx(100_000)
    assert rows["Worst-case false-positive cost per day"].display == "$500K"
    assert rows["Cost-minimising threshold"].value == pytest.approx(0.05)  # 5 ÷ (5 + 95)


def test_transactions_per_second_as_the_prompt_states_them():
    scale = {
        "load": {"unit": "transactions", "average_per_second": "20K", "peak_per_second": "50K"},
        "candidates_per_request": 1,
    }
    table = {
        row.name: row for row in estimates(design(requirements={"scale": scale}).requirements.scale)
    }
    assert list(table) == [
        "Average transactions per second",
        "Peak transactions per second",
        "Ranking load",
    ]
    assert table["Average transactions per second"].display == "20K transactions/s"
    assert table["Peak transactions per second"].display == "50K transactions/s"
    assert table["Ranking load"].value == 20_000  # the average, like the DAU-based row

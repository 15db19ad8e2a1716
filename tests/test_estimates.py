"""Back-of-envelope estimates: DOMAIN.md section 5's worked examples, defaults and formatting."""

from __future__ import annotations

import pytest

from mlsd_diagrams.estimates import Estimate, estimates, format_bytes, format_count
from mlsd_diagrams.model import Scale


def by_name(scale: Scale) -> dict[str, Estimate]:
    return {e.name: e for e in estimates(scale)}


def test_news_feed_qps_peak_and_ranking_load():
    scale = Scale(daily_active_users=2e9, requests_per_user_per_day=2, candidates_per_request=500)
    rows = by_name(scale)
    assert list(rows) == ["Average QPS", "Peak QPS", "Ranking load"]

    qps = rows["Average QPS"]
    assert qps.value == pytest.approx(46_296.3, rel=1e-6)
    assert qps.display == "46K QPS"
    assert qps.inputs == (("DAU", "2B"), ("requests per user per day", "2"))
    assert "86,400" in qps.formula

    peak = rows["Peak QPS"]
    assert peak.value == pytest.approx(92_592.6, rel=1e-6)
    assert peak.display == "93K QPS"
    assert ("peak factor", "2 (default)") in peak.inputs

    load = rows["Ranking load"]
    assert load.value == pytest.approx(23_148_148, rel=1e-6)
    assert load.display == "23M scorings/s"
    assert ("candidates per request", "500") in load.inputs


def test_explicit_peak_factor_is_not_labelled_default():
    scale = Scale(daily_active_users=2e9, requests_per_user_per_day=2, peak_to_average=3)
    peak = by_name(scale)["Peak QPS"]
    assert peak.value == pytest.approx(138_888.9, rel=1e-6)
    assert peak.display == "139K QPS"
    assert ("peak factor", "3") in peak.inputs


def test_harmful_content_new_posts_per_second():
    (row,) = estimates(Scale(new_items_per_day=500e6))
    assert row.name == "New items per second"
    assert row.value == pytest.approx(5_787.04, rel=1e-6)
    assert row.display == "5.8K items/s"
    assert row.inputs == (("new items per day", "500M"),)


def test_visual_search_fp32_and_pq64():
    rows = by_name(Scale(items=100e9, embedding_dim=256, pq_bytes_per_vector=64))
    assert list(rows) == ["Embedding storage (fp32)", "Embedding storage (PQ)"]

    fp32 = rows["Embedding storage (fp32)"]
    assert fp32.value == pytest.approx(102.4e12)
    assert fp32.display == "102 TB"
    assert fp32.inputs == (("items", "100B"), ("embedding dim", "256"))

    pq = rows["Embedding storage (PQ)"]
    assert pq.value == pytest.approx(6.4e12)
    assert pq.display == "6.4 TB"
    assert pq.inputs == (("items", "100B"), ("PQ bytes per vector", "64 B"))


def test_listings_embeddings():
    (row,) = estimates(Scale(items=5e6, embedding_dim=32))
    assert row.value == pytest.approx(640e6)
    assert row.display == "640 MB"


def test_rag_chunk_embeddings():
    (row,) = estimates(Scale(items=40e6, embedding_dim=768))
    assert row.value == pytest.approx(122.88e9)
    assert row.display == "123 GB"


def test_hnsw_index_counts_vectors_and_links():
    rows = by_name(Scale(items=40e6, embedding_dim=768, hnsw_links=32))
    hnsw = rows["HNSW index"]
    assert hnsw.value == pytest.approx(40e6 * (4 * 768 + 8 * 32))
    assert hnsw.display == "133 GB"
    assert ("HNSW links", "32") in hnsw.inputs


def test_online_feature_store_with_defaults():
    (row,) = estimates(Scale(feature_entities=1e9, features_per_entity=200))
    assert row.name == "Online feature store"
    assert row.value == pytest.approx(800e9)
    assert row.display == "800 GB"
    assert row.inputs == (
        ("entities", "1B"),
        ("features per entity", "200"),
        ("bytes per feature", "4 B (default)"),
        ("replicas", "1 (default)"),
    )


def test_online_feature_store_with_explicit_width_and_replicas():
    scale = Scale(
        feature_entities=1e9, features_per_entity=200, bytes_per_feature=2, feature_replicas=3
    )
    (row,) = estimates(scale)
    assert row.value == pytest.approx(1.2e12)
    assert row.display == "1.2 TB"
    assert ("bytes per feature", "2 B") in row.inputs
    assert ("replicas", "3") in row.inputs
    assert not any("default" in text for _, text in row.inputs)


def test_ads_training_data_per_day():
    (row,) = estimates(Scale(events_per_day=750e6 * 50, training_row_bytes=1000))
    assert row.name == "Training data per day"
    assert row.value == pytest.approx(37.5e12)
    assert row.display == "37.5 TB/day"
    assert row.inputs == (
        ("events per day", "37.5B"),
        ("row size", "1 KB"),
        ("sampling rate", "1 (default)"),
    )


def test_training_data_sampled_and_retained():
    scale = Scale(
        events_per_day=37.5e9,
        training_row_bytes=1000,
        training_sampling_rate=0.1,
        training_retention_days=90,
    )
    rows = by_name(scale)
    assert list(rows) == ["Training data per day", "Training data retained"]
    assert rows["Training data per day"].value == pytest.approx(3.75e12)
    assert rows["Training data per day"].display == "3.75 TB/day"
    assert ("sampling rate", "0.1") in rows["Training data per day"].inputs
    retained = rows["Training data retained"]
    assert retained.value == pytest.approx(337.5e12)
    assert retained.display == "338 TB"
    assert retained.inputs == (("training data per day", "3.75 TB/day"), ("retention days", "90"))


def test_retention_without_daily_inputs_gives_nothing():
    assert estimates(Scale(training_retention_days=90)) == []


def test_empty_scale_gives_no_estimates():
    assert estimates(Scale()) == []


@pytest.mark.parametrize(
    "scale",
    [
        Scale(daily_active_users=2e9),
        Scale(requests_per_user_per_day=2, candidates_per_request=500, peak_to_average=3),
        Scale(items=100e9),
        Scale(embedding_dim=256, pq_bytes_per_vector=64, hnsw_links=32),
        Scale(feature_entities=1e9, bytes_per_feature=4, feature_replicas=2),
        Scale(features_per_entity=200),
        Scale(events_per_day=1e9, training_sampling_rate=0.5),
        Scale(training_row_bytes=1000),
        Scale(latency_budget_ms=200),
    ],
)
def test_missing_inputs_omit_rows(scale):
    assert estimates(scale) == []


def test_partial_inputs_omit_only_what_they_cannot_support():
    scale = Scale(daily_active_users=1e6, requests_per_user_per_day=10, items=5e6)
    assert [e.name for e in estimates(scale)] == ["Average QPS", "Peak QPS"]


def test_full_scale_keeps_the_fixed_order():
    scale = Scale(
        daily_active_users=2e9,
        requests_per_user_per_day=2,
        candidates_per_request=500,
        new_items_per_day=500e6,
        items=100e9,
        embedding_dim=256,
        pq_bytes_per_vector=64,
        hnsw_links=32,
        feature_entities=1e9,
        features_per_entity=200,
        events_per_day=37.5e9,
        training_row_bytes=1000,
        training_retention_days=30,
    )
    assert [e.name for e in estimates(scale)] == [
        "Average QPS",
        "Peak QPS",
        "Ranking load",
        "New items per second",
        "Embedding storage (fp32)",
        "Embedding storage (PQ)",
        "HNSW index",
        "Online feature store",
        "Training data per day",
        "Training data retained",
    ]


def test_zero_inputs_give_zero_without_errors():
    scale = Scale(
        daily_active_users=0,
        requests_per_user_per_day=0,
        candidates_per_request=0,
        new_items_per_day=0,
        items=0,
        embedding_dim=0,
        pq_bytes_per_vector=0,
        hnsw_links=0,
        feature_entities=0,
        features_per_entity=0,
        bytes_per_feature=0,
        feature_replicas=0,
        events_per_day=0,
        training_row_bytes=0,
        training_retention_days=0,
    )
    rows = by_name(scale)
    assert len(rows) == 10
    assert all(e.value == 0 for e in rows.values())
    assert rows["Average QPS"].display == "0 QPS"
    assert rows["Embedding storage (fp32)"].display == "0 B"
    assert rows["Training data per day"].display == "0 B/day"


def test_scale_strings_with_suffixes_feed_the_estimates():
    scale = Scale.model_validate({"daily_active_users": "2B", "requests_per_user_per_day": 2})
    assert estimates(scale)[0].display == "46K QPS"


def test_estimate_is_frozen():
    row = estimates(Scale(new_items_per_day=1))[0]
    with pytest.raises(AttributeError):
        row.value = 2  # type: ignore[misc]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, "0"),
        (1, "1"),
        (2, "2"),
        (0.1, "0.1"),
        (0.002, "0.002"),
        (0.123456, "0.12"),
        (1.5, "1.5"),
        (12.5, "12.5"),
        (500, "500"),
        (999, "999"),
        (999.6, "1K"),
        (1000, "1K"),
        (1234, "1.2K"),
        (1250, "1.25K"),
        (5_787.04, "5.8K"),
        (46_296.3, "46K"),
        (92_592.6, "93K"),
        (100_400, "100K"),
        (999_999, "1M"),
        (1e6, "1M"),
        (23_148_148, "23M"),
        (500e6, "500M"),
        (2e9, "2B"),
        (37.5e9, "37.5B"),
        (100e9, "100B"),
        (1e12, "1T"),
        (300e12, "300T"),
        (1e15, "1,000T"),
        (1.2345e15, "1,235T"),
        (999_999e12, "999,999T"),
        (1.5e18, "1.5×10¹⁸"),
        (1e21, "1×10²¹"),
        (-46_296.3, "-46K"),
        (float("inf"), "∞"),
    ],
)
def test_format_count(value, text):
    assert format_count(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, "0 B"),
        (4, "4 B"),
        (999, "999 B"),
        (1000, "1 KB"),
        (999_999, "1 MB"),
        (640e6, "640 MB"),
        (122.88e9, "123 GB"),
        (800e9, "800 GB"),
        (6.4e12, "6.4 TB"),
        (37.5e12, "37.5 TB"),
        (102.4e12, "102 TB"),
        (1e15, "1 PB"),
        (1e18, "1,000 PB"),
        (1e21, "1×10²¹ B"),
    ],
)
def test_format_bytes(value, text):
    assert format_bytes(value) == text

"""The trade-off library: required entries, Markdown-safe text, key facts, did-you-mean."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from mlsd_diagrams import tradeoffs
from mlsd_diagrams.model import Design
from mlsd_diagrams.tradeoffs import TABLE, TRADEOFFS, Option, Tradeoff, lookup, names

REQUIRED = [
    "lambda-vs-kappa",
    "batch-vs-online-prediction",
    "online-learning-vs-periodic-retraining",
    "cloud-vs-on-device",
    "ann-vs-exact-search",
    "two-tower-vs-cross-encoder",
    "feature-store-vs-ad-hoc-features",
    "class-imbalance-handling",
    "distribution-shift-detection",
    "matrix-factorization-vs-two-tower",
    "shadow-vs-ab-vs-canary",
]

KEBAB = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


def texts(tradeoff: Tradeoff) -> Iterator[str]:
    """Every piece of text an entry shows."""
    yield from (tradeoff.name, tradeoff.title, tradeoff.question, *tradeoff.facts)
    for option in tradeoff.options:
        yield from (option.name, *option.strengths, *option.weaknesses, option.pick_when)


def all_text(tradeoff: Tradeoff) -> str:
    return "\n".join(texts(tradeoff))


@pytest.mark.parametrize("name", REQUIRED)
def test_required_entry_exists(name: str):
    assert name in TRADEOFFS
    assert lookup(name).name == name


def test_names_are_kebab_case_unique_and_in_table_order():
    assert names() == [tradeoff.name for tradeoff in TABLE]
    assert len(names()) == len(set(names())) == len(TRADEOFFS)
    assert all(KEBAB.fullmatch(name) for name in names())


@pytest.mark.parametrize("tradeoff", TABLE, ids=lambda t: t.name)
def test_entry_shape(tradeoff: Tradeoff):
    assert tradeoff.title and tradeoff.question and tradeoff.facts
    assert isinstance(tradeoff.options, tuple) and len(tradeoff.options) >= 2
    assert isinstance(tradeoff.facts, tuple)
    option_names = [option.name for option in tradeoff.options]
    assert len(option_names) == len(set(option_names))
    for option in tradeoff.options:
        assert isinstance(option, Option)
        assert isinstance(option.strengths, tuple) and len(option.strengths) >= 1
        assert isinstance(option.weaknesses, tuple) and len(option.weaknesses) >= 1
        assert option.pick_when


@pytest.mark.parametrize("tradeoff", TABLE, ids=lambda t: t.name)
def test_text_is_markdown_table_safe(tradeoff: Tradeoff):
    for text in texts(tradeoff):
        assert isinstance(text, str) and text.strip() == text and text
        assert "|" not in text, text
        assert "\n" not in text and "\r" not in text, text
        assert len(text) <= 200, text
    for option in tradeoff.options:
        for text in (*option.strengths, *option.weaknesses):
            assert len(text) <= 90, text


@pytest.mark.parametrize("tradeoff", TABLE, ids=lambda t: t.name)
def test_every_fact_ends_with_its_source(tradeoff: Tradeoff):
    for fact in tradeoff.facts:
        assert re.search(r"\([^()]+\)$", fact), fact


def test_entries_are_frozen():
    with pytest.raises(AttributeError):
        TRADEOFFS["lambda-vs-kappa"].title = "changed"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("lambda-vs-kappa", ["7 days"]),
        ("batch-vs-online-prediction", ["80%", "20%"]),
        ("online-learning-vs-periodic-retraining", ["45×", "20%", "1%", "3%"]),
        ("cloud-vs-on-device", ["4×", "2–4×", "Table 1.6"]),
        ("ann-vs-exact-search", ["4d + 8M", "4–16√N", "2¹⁶–2²⁰", "98%", "95%", "80%"]),
        ("two-tower-vs-cross-encoder", ["65 h", "5 s", "100"]),
        ("matrix-factorization-vs-two-tower", ["WALS", "new user"]),
        ("feature-store-vs-ad-hoc-features", ["point-in-time", "skew"]),
        ("class-imbalance-handling", ["0.025", "q = p / (p + (1−p)/w)", "20–40%", "1–20%", "<1%"]),
        ("distribution-shift-detection", ["0.25", "covariate", "label", "concept", "MMD", "KS"]),
        ("shadow-vs-ab-vs-canary", ["doubling inference cost", "random split"]),
    ],
)
def test_key_facts_are_present(name: str, expected: list[str]):
    facts = " ".join(lookup(name).facts).replace("hours", "h").replace("seconds", "s")
    facts = facts.replace("below 1%", "<1%")
    for needle in expected:
        assert needle in facts, f"{name}: {needle!r} missing from facts"


@pytest.mark.parametrize(
    "marker",
    [
        "Kafka",
        "Lambda-like",
        "DMLS ch7",
        "Huyen",
        "weekly retraining",
        "GBDT plus logistic regression",
        "Grubhub",
        "INT8",
        "Table 1.6",
        "(4d + 8M)",
        "Milvus",
        "SBERT",
        "retrieve_rerank",
        "cheaper and static",
        "docs.feast.dev",
        "mild at 20–40%",
        "w = 0.025",
        "Shift types",
        "PSI above 0.25",
        "tensorflow.org/tfx",
    ],
)
def test_each_domain_fact_lives_in_exactly_one_entry(marker: str):
    holders = [t.name for t in TABLE if any(marker in fact for fact in t.facts)]
    assert len(holders) == 1, f"{marker!r} is in {holders}"


@pytest.mark.parametrize(
    ("name", "option"),
    [
        ("ann-vs-exact-search", "ANN (HNSW)"),
        ("class-imbalance-handling", "Downsampling + upweighting"),
        ("class-imbalance-handling", "Resampling"),
        ("class-imbalance-handling", "Focal / class-balanced loss"),
        ("distribution-shift-detection", "PSI"),
        ("distribution-shift-detection", "Multivariate test (MMD)"),
        ("distribution-shift-detection", "Prediction drift"),
        ("shadow-vs-ab-vs-canary", "Shadow deployment"),
        ("shadow-vs-ab-vs-canary", "Interleaving"),
        ("shadow-vs-ab-vs-canary", "Bandits"),
    ],
)
def test_expected_options_exist(name: str, option: str):
    assert option in [o.name for o in lookup(name).options]


def test_typo_gets_did_you_mean():
    expected = (
        "unknown trade-off 'ann-vs-exact' (did you mean 'ann-vs-exact-search'?); "
        "`mlsd tradeoffs` lists them"
    )
    assert tradeoffs.unknown_tradeoff_message("ann-vs-exact") == expected
    with pytest.raises(KeyError) as caught:
        lookup("ann-vs-exact")
    assert caught.value.args[0] == expected


def test_unrelated_name_gets_no_hint():
    message = tradeoffs.unknown_tradeoff_message("zzz")
    assert message == "unknown trade-off 'zzz'; `mlsd tradeoffs` lists them"
    with pytest.raises(KeyError) as caught:
        lookup("zzz")
    assert caught.value.args[0] == message


def test_user_name_is_echoed_safely():
    message = tradeoffs.unknown_tradeoff_message("bad\nname" + "x" * 100)
    assert "\n" not in message
    assert "bad\\nname" in message and "…" in message


# --- numbers computed from the citing design ---

RICH: dict = {
    "id": "rich",
    "title": "Rich",
    "prompt": "P",
    "requirements": {
        "scale": {
            "daily_active_users": "100M",
            "requests_per_user_per_day": 10,
            "items": "50M",
            "new_items_per_day": "1M",
            "candidates_per_request": 200,
            "embedding_dim": 64,
            "pq_bytes_per_vector": 16,
            "hnsw_links": 16,
            "features_per_entity": 100,
            "feature_entities": "150M",
            "events_per_day": "2B",
            "training_row_bytes": 500,
            "entity_types": [{"name": "users", "count": "100M"}, {"name": "items", "count": "50M"}],
        },
        "latency": {"budget_ms": 200, "paths": [{"name": "device", "budget_ms": 30}]},
    },
    "data": {"positive_rate": "2%", "negative_downsampling_rate": 0.1, "label_delay": "1 day"},
    "evaluation": {
        "operating_point": {"fixed_decline_rate": "1%", "review_rate": "0.2%"},
        "cost_weighted_metric": {
            "name": "Loss",
            "false_positive_cost": 5,
            "false_negative_cost": 95,
        },
    },
    "serving": {
        "models": [
            {
                "name": "Ranker",
                "hardware": "gpu",
                "items_per_request": 200,
                "items_per_second_per_unit": "100K",
            },
        ]
    },
    "capacity": {
        "index_types": ["hnsw", "pq"],
        "ram_per_machine_gb": 128,
        "log_bytes_per_event": 500,
        "log_retention_days": 7,
        "replay_events_per_second": "500K",
        "minimum_detectable_effect": 0.001,
        "reviewer_items_per_hour": 60,
        "llm": {
            "system_prompt_tokens": 400,
            "chunks_per_request": 4,
            "tokens_per_chunk": 300,
            "question_tokens": 50,
            "output_tokens": 250,
            "calls_per_task": 3,
            "input_price_per_million": 2,
            "output_price_per_million": 8,
            "decode_tokens_per_second": 60,
            "prefill_ms": 300,
        },
    },
}

SCALED_KEYS = (
    "daily_active_users",
    "items",
    "new_items_per_day",
    "events_per_day",
    "feature_entities",
    "candidates_per_request",
)


def scaled(spec: dict, factor: float) -> dict:
    """The same design with every load and size multiplied by `factor`."""
    import copy

    out = copy.deepcopy(spec)
    scale = out["requirements"]["scale"]
    for key in SCALED_KEYS:
        if key in scale:
            scale[key] = (
                float(Design.model_validate(spec).requirements.scale.__dict__[key]) * factor
            )
    for entity in scale.get("entity_types") or []:
        entity["count"] = float(str(entity["count"]).rstrip("M")) * 1e6 * factor
    load = scale.get("load")
    for key in ("per_day", "average_per_second", "peak_per_second"):
        if load and key in load:
            load[key] = float(load[key]) * factor
    return out


def test_the_library_has_at_least_30_entries():
    assert len(TABLE) >= 30


@pytest.mark.parametrize("tradeoff", TABLE, ids=lambda t: t.name)
def test_every_entry_computes_numbers_that_follow_the_scale(tradeoff: Tradeoff):
    small = tradeoff.numbers(Design.model_validate(RICH))
    large = tradeoff.numbers(Design.model_validate(scaled(RICH, 10)))
    assert small, f"{tradeoff.name}: no numbers from a design that states every input"
    assert all(row.formula and row.display for row in small)
    assert [r.value for r in small] != [r.value for r in large], tradeoff.name


def test_no_numbers_without_inputs():
    bare = Design.model_validate({"id": "bare", "title": "B", "prompt": "P"})
    assert {t.name: t.numbers(bare) for t in TABLE} == {t.name: [] for t in TABLE}


CASE_NAMES = re.compile(
    r"PYMK|People You May Know|ad click|video recommend|visual search|harmful[- ]content"
    r"|news feed|street view|agents? (?:out|roll)",
    re.IGNORECASE,
)


@pytest.mark.parametrize("tradeoff", TABLE, ids=lambda t: t.name)
def test_no_entry_text_cites_another_case_study(tradeoff: Tradeoff):
    text = "\n".join(t for t in texts(tradeoff) if not t.startswith("("))
    text = re.sub(r"\([^()]*\)$", "", text, flags=re.MULTILINE)  # sources may name a page
    found = CASE_NAMES.findall(text)
    if tradeoff.name == "workflow-vs-agent":
        found = [f for f in found if not f.lower().startswith("agent")]
    assert not found, f"{tradeoff.name}: {found}"

"""Numbers of each trade-off, computed from the design that cites it (DOMAIN.md section 6).

One function per trade-off of the library (tradeoffs.py names it in its entry). Each returns
`Estimate` rows (formula, inputs, result) from the design's own numbers, and only the rows
whose inputs the design states; a constant the formula needs and the spec cannot give is an
input labelled "(assumed)".
"""

from __future__ import annotations

import math
from collections.abc import Callable

from . import capacity as cap
from .estimates import (
    Estimate,
    estimates,
    format_bytes,
    format_count,
    format_duration,
    format_share,
)
from .model import Design

Numbers = Callable[[Design], list[Estimate]]
Check = Callable[[Design], str | None]

# Labelled assumptions: constants a formula needs that a spec does not state.
CORE_MULTIPLY_ADDS_PER_S = 10e9  # one CPU core, SIMD fp32
GPU_MEMORY_GB = 80
EXPLORE_SHARE = 0.05
CACHE_HIT_RATE = 0.3
SMALL_MODEL_SHARE = 0.8
SMALL_MODEL_PRICE_RATIO = 0.1
RANDOM_NEGATIVES = 10
MICRO_BATCH_S = 60
CANARY_SHARE = 0.01
REPLICA_QPS = 1000


def row(name: str, formula: str, inputs: list[tuple[str, str]], value: float, display: str):
    return Estimate(name, formula, tuple(inputs), value, display)


def a(value: float, fmt: Callable[[float], str] = format_count) -> str:
    """An assumed constant, labelled as such."""
    return f"{fmt(value)} (assumed)"


def per_s(value: float, unit: str = "/s") -> str:
    return f"{format_count(value)}{unit}"


def scale_of(design: Design):
    return design.requirements.scale


def peak(design: Design) -> Estimate | None:
    return cap.peak_rate(design)


def users(design: Design) -> float | None:
    return scale_of(design).daily_active_users


def items_per_day(design: Design) -> tuple[float, str] | None:
    scale = scale_of(design)
    if scale.events_per_day is not None:
        return scale.events_per_day, "events"
    return cap._items_per_day(design)


def ranking_load(design: Design) -> Estimate | None:
    rate, candidates = peak(design), scale_of(design).candidates_per_request
    if rate is None or candidates is None:
        return None
    value = rate.value * candidates
    inputs = [("peak rate", rate.display), ("candidates per request", format_count(candidates))]
    return row("Scorings at peak", "peak rate × candidates", inputs, value, per_s(value))


def keep(*rows: Estimate | None) -> list[Estimate]:
    return [r for r in rows if r is not None]


# --- the eleven original entries ---


def lambda_vs_kappa(design: Design) -> list[Estimate]:
    daily = items_per_day(design)
    if daily is None:
        return []
    count, noun = daily
    paths = row(
        "Code paths to keep equal", "Lambda: batch + speed; Kappa: one stream", [], 2, "2 vs 1"
    )
    rate = row(
        f"Stream throughput ({noun})",
        f"{noun} per day ÷ 86,400 s",
        [(f"{noun} per day", format_count(count))],
        count / 86_400,
        per_s(count / 86_400),
    )
    return [paths, rate, *keep(cap.retained_log(design), cap.replay_time(design))]


def batch_vs_online(design: Design) -> list[Estimate]:
    """Work a batch run does (and wastes) against the load of online prediction."""
    dau, candidates = users(design), scale_of(design).candidates_per_request
    rows = []
    if dau is not None and candidates is not None:
        value = dau * candidates
        inputs = [("DAU", format_count(dau)), ("results per user", format_count(candidates))]
        rows.append(
            row(
                "Batch: predictions per run",
                "DAU × results per user",
                inputs,
                value,
                format_count(value),
            )
        )
        stored, shown = value * 8, [("predictions", format_count(value))]
        rows.append(
            row(
                "Batch: stored results",
                "predictions × 8 B (id + score)",
                shown,
                stored,
                format_bytes(stored),
            )
        )
    rows += keep(_batch_waste(design))
    daily = cap._items_per_day(design)
    if daily is not None:
        count, noun = daily
        shown = [(f"{noun} per day", format_count(count))]
        rows.append(
            row(
                f"Batch: {noun} scored per day",
                f"{noun} per day",
                shown,
                count,
                format_count(count),
            )
        )
    load, rate = ranking_load(design), peak(design)
    if load is not None:
        return [*rows, load]
    if rate is not None:
        shown = [("peak rate", rate.display)]
        rows.append(
            row("Online: predictions at peak", "peak rate × 1", shown, rate.value, rate.display)
        )
    return rows


def _batch_waste(design: Design) -> Estimate | None:
    """Share of a batch run spent on users who do not come back that day."""
    scale, dau = scale_of(design), users(design)
    population = max(
        [e.count for e in scale.entity_types or []] + [scale.feature_entities or 0], default=0
    )
    if dau is None or population <= dau:
        return None
    waste = 1 - dau / population
    inputs = [("users scored", format_count(population)), ("DAU", format_count(dau))]
    return row(
        "Batch: share of a daily run unused",
        "1 − DAU ÷ users scored",
        inputs,
        waste,
        format_share(waste),
    )


def online_vs_periodic(design: Design) -> list[Estimate]:
    rows = [
        r for r in estimates(scale_of(design), design.data) if r.name == "Training data per day"
    ]
    daily = items_per_day(design)
    if daily is not None:
        count, noun = daily
        window = count / 86_400 * 300
        inputs = [(f"{noun} per day", format_count(count))]
        rows.append(
            row(
                "Fresh examples per 5-minute update",
                f"{noun} per day ÷ 86,400 × 300 s",
                inputs,
                window,
                format_count(window),
            )
        )
    if design.data.label_delay is not None:
        delay = design.data.label_delay
        rows.append(
            row(
                "Earliest a label can update the model",
                "label delay",
                [("label delay", format_duration(delay))],
                delay,
                format_duration(delay),
            )
        )
    return rows


def cloud_vs_device(design: Design) -> list[Estimate]:
    rows = []
    rate = peak(design)
    on_device = [m.name for m in design.serving.models if m.runs_on == "device"]
    if rate is not None:
        rows.append(
            row(
                "Cloud: requests to serve at peak",
                "peak rate (all of it, in the cloud)",
                [("peak rate", rate.display)],
                rate.value,
                rate.display,
            )
        )
    latency = design.requirements.latency
    for path in latency.paths if latency else []:
        rows.append(
            row(
                f"{path.name} budget",
                "as stated",
                [("runs on", path.runs_on or "?")],
                path.budget_ms,
                cap.ms(path.budget_ms),
            )
        )
    if on_device:
        rows.append(
            row(
                "Models on the device",
                "count of deployed models with runs_on: device",
                [("models", ", ".join(on_device))],
                len(on_device),
                str(len(on_device)),
            )
        )
    return rows if rows and (rate is not None or on_device or latency) else []


def ann_vs_exact(design: Design) -> list[Estimate]:
    exact = cap.exact_search_cost(design)
    if exact is None:
        return []
    rows = [exact]
    ms_per_query = exact.value / CORE_MULTIPLY_ADDS_PER_S * 1000
    inputs = [
        ("N × d", format_count(exact.value)),
        ("multiply-adds/s per core", a(CORE_MULTIPLY_ADDS_PER_S)),
    ]
    rows.append(
        row(
            "Exact search time per query (1 core)",
            "N × d ÷ core speed",
            inputs,
            ms_per_query,
            cap.ms(ms_per_query),
        )
    )
    rate = peak(design)
    if rate is not None:
        cores = math.ceil(rate.value * exact.value / CORE_MULTIPLY_ADDS_PER_S)
        rows.append(
            row(
                "Exact search cores at peak",
                "⌈peak rate × N × d ÷ core speed⌉",
                [("peak rate", rate.display), *inputs],
                cores,
                f"{format_count(cores)} cores",
            )
        )
    scale = scale_of(design)
    for kind in ("flat-fp32", "hnsw", "pq"):
        size = cap.index_bytes(
            kind, scale.items, scale.embedding_dim, scale.pq_bytes_per_vector, scale.hnsw_links
        )
        if size is not None:
            rows.append(
                row(
                    f"Memory: {kind}",
                    cap.INDEX_FORMULAS[kind],
                    cap.index_inputs(design, kind),
                    size,
                    format_bytes(size),
                )
            )
    return rows


def two_tower_vs_cross(design: Design) -> list[Estimate]:
    scale, rate = scale_of(design), peak(design)
    if scale.items is None:
        return []
    candidates = scale.candidates_per_request or 100
    cand_text = format_count(candidates) if scale.candidates_per_request else a(100)
    rows = [
        row(
            "Cross-encoder over the corpus: passes per query",
            "N",
            [("N", format_count(scale.items))],
            scale.items,
            format_count(scale.items),
        ),
        row(
            "Cross-encoder re-ranking the top K: passes per query",
            "K",
            [("K", cand_text)],
            candidates,
            format_count(candidates),
        ),
    ]
    if rate is not None:
        value = rate.value * candidates
        rows.append(
            row(
                "Re-ranking passes at peak",
                "peak rate × K",
                [("peak rate", rate.display), ("K", cand_text)],
                value,
                per_s(value),
            )
        )
    return rows


def mf_vs_two_tower(design: Design) -> list[Estimate]:
    scale = scale_of(design)
    dau, dim = users(design), scale.embedding_dim
    if scale.items is None or dim is None:
        return []
    count = scale.items + (dau or 0)
    inputs = [
        ("items", format_count(scale.items)),
        ("users", format_count(dau) if dau else "0"),
        ("d", format_count(dim)),
    ]
    rows = [
        row(
            "MF: embedding tables",
            "(users + items) × d × 4 B",
            inputs,
            count * dim * 4,
            format_bytes(count * dim * 4),
        )
    ]
    rate = peak(design)
    if rate is not None:
        rows.append(
            row(
                "Two-tower: user-tower passes at peak",
                "peak rate × 1",
                [("peak rate", rate.display)],
                rate.value,
                per_s(rate.value),
            )
        )
    return rows


def feature_store(design: Design) -> list[Estimate]:
    rows = [r for r in estimates(scale_of(design)) if r.name == "Online feature store"]
    rows += cap.feature_store_rows(design)[-1:]
    rate, candidates = peak(design), scale_of(design).candidates_per_request
    if rate is not None:
        lookups = rate.value * (1 + (candidates or 0))
        inputs = [("peak rate", rate.display), ("candidates", format_count(candidates or 0))]
        rows.append(
            row(
                "Online feature lookups at peak",
                "peak rate × (1 user + candidates)",
                inputs,
                lookups,
                per_s(lookups),
            )
        )
    return rows


def class_imbalance(design: Design) -> list[Estimate]:
    p, w = design.data.positive_rate, design.data.negative_downsampling_rate
    if p is None or p == 0:
        return []
    rows = [
        row(
            "Negatives per positive",
            "(1 − p) ÷ p",
            [("p", format_share(p))],
            (1 - p) / p,
            format_count((1 - p) / p),
        )
    ]
    daily = items_per_day(design)
    if daily is not None:
        count, noun = daily
        rows.append(
            row(
                "Positives per day",
                f"{noun} per day × p",
                [(f"{noun} per day", format_count(count)), ("p", format_share(p))],
                count * p,
                format_count(count * p),
            )
        )
    if w:
        share = p / (p + w * (1 - p))
        inputs = [("p", format_share(p)), ("w", format_share(w))]
        rows.append(
            row(
                "Positive share after downsampling",
                "p ÷ (p + w × (1 − p))",
                inputs,
                share,
                format_share(share),
            )
        )
    return rows


def shift_detection(design: Design) -> list[Estimate]:
    rows = []
    rate = peak(design)
    daily = items_per_day(design)
    if daily is not None:
        count, noun = daily
        hourly = count / 24
        rows.append(
            row(
                "Predictions per hourly drift window",
                f"{noun} per day ÷ 24",
                [(f"{noun} per day", format_count(count))],
                hourly,
                format_count(hourly),
            )
        )
    elif rate is not None:
        rows.append(
            row(
                "Predictions per hourly drift window",
                "peak rate × 3,600 s",
                [("peak rate", rate.display)],
                rate.value * 3600,
                format_count(rate.value * 3600),
            )
        )
    if rows and design.data.label_delay is not None:
        delay = design.data.label_delay
        rows.append(
            row(
                "Label-based metrics lag by",
                "label delay",
                [("label delay", format_duration(delay))],
                delay,
                format_duration(delay),
            )
        )
    return rows


def ab_sample(design: Design) -> list[Estimate]:
    """Kohavi's n ≈ 16 p(1 − p) ÷ δ² per arm, and the days it takes at this traffic."""
    p, delta = design.data.positive_rate, design.capacity.minimum_detectable_effect
    if p is None or not delta:
        return []
    n = 16 * p * (1 - p) / delta**2
    inputs = [("p", format_share(p)), ("δ", format_share(delta))]
    rows = [row("A/B samples per arm", "16 × p(1 − p) ÷ δ²", inputs, n, format_count(n))]
    dau = users(design) or (scale_of(design).load.per_day if scale_of(design).load else None)
    if dau:
        share, share_text = cap.assumed(design.capacity.experiment_traffic_share, 0.1, format_share)
        days = 2 * n / (dau * share)
        inputs = [
            ("n", format_count(n)),
            ("daily units", format_count(dau)),
            ("traffic in test", share_text),
        ]
        rows.append(
            row(
                "A/B time to detect δ",
                "2n ÷ (daily units × share in test)",
                inputs,
                days,
                format_duration(days * 86_400),
            )
        )
        canary = 2 * n / (dau * CANARY_SHARE)
        rows.append(
            row(
                "Time at a 1% canary",
                "2n ÷ (daily units × 1%)",
                [("n", format_count(n)), ("canary share", a(CANARY_SHARE, format_share))],
                canary,
                format_duration(canary * 86_400),
            )
        )
    return rows


def shadow_ab_canary(design: Design) -> list[Estimate]:
    rows = []
    load = ranking_load(design)
    rate = peak(design)
    if load is not None:
        rows.append(
            row(
                "Shadow: extra scorings at peak",
                "doubles inference: + peak rate × candidates",
                list(load.inputs),
                load.value,
                per_s(load.value),
            )
        )
    elif rate is not None:
        rows.append(
            row(
                "Shadow: extra inferences at peak",
                "doubles inference: + peak rate",
                [("peak rate", rate.display)],
                rate.value,
                per_s(rate.value),
            )
        )
    return rows + ab_sample(design)


# --- entries added with the capacity model ---


def embedding_dimension(design: Design) -> list[Estimate]:
    scale = scale_of(design)
    if scale.items is None or scale.embedding_dim is None:
        return []
    rows = []
    for factor, label in ((0.5, "d ÷ 2"), (1, "d"), (2, "2d")):
        dim = scale.embedding_dim * factor
        size = scale.items * dim * 4
        inputs = [("N", format_count(scale.items)), ("d", format_count(dim))]
        rows.append(
            row(
                f"fp32 vectors at {label} = {format_count(dim)}",
                "N × d × 4 B",
                inputs,
                size,
                format_bytes(size),
            )
        )
    return rows


def vector_precision(design: Design) -> list[Estimate]:
    scale = scale_of(design)
    if scale.items is None or scale.embedding_dim is None:
        return []
    rows = []
    for kind in ("flat-fp32", "flat-fp16", "flat-int8", "pq"):
        size = cap.index_bytes(
            kind, scale.items, scale.embedding_dim, scale.pq_bytes_per_vector, scale.hnsw_links
        )
        if size is not None:
            inputs = cap.index_inputs(design, kind)
            rows.append(row(kind, cap.INDEX_FORMULAS[kind], inputs, size, format_bytes(size)))
    return rows


def offline_vs_online_features(design: Design) -> list[Estimate]:
    rows = []
    load = ranking_load(design)
    features = scale_of(design).features_per_entity
    if load is not None and features is not None:
        value = load.value * features
        inputs = [
            ("scorings at peak", load.display),
            ("features per entity", format_count(features)),
        ]
        rows.append(
            row(
                "Online: feature values computed at peak",
                "scorings × features",
                inputs,
                value,
                per_s(value),
            )
        )
    entities = scale_of(design).feature_entities or sum(
        e.count for e in scale_of(design).entity_types or []
    )
    if entities and features is not None:
        value = entities * features
        inputs = [("entities", format_count(entities)), ("features", format_count(features))]
        rows.append(
            row(
                "Batch: feature values per daily run",
                "entities × features",
                inputs,
                value,
                format_count(value),
            )
        )
    return rows


def real_time_vs_micro_batch(design: Design) -> list[Estimate]:
    daily = items_per_day(design)
    if daily is None:
        return []
    count, noun = daily
    rate = count / 86_400
    batch = rate * MICRO_BATCH_S
    return [
        row(
            f"Streaming: {noun} per second",
            f"{noun} per day ÷ 86,400 s",
            [(f"{noun} per day", format_count(count))],
            rate,
            per_s(rate),
        ),
        row(
            f"Micro-batch: {noun} per batch",
            f"{noun}/s × batch interval",
            [
                (f"{noun}/s", format_count(rate)),
                ("interval", a(MICRO_BATCH_S, lambda v: f"{format_count(v)} s")),
            ],
            batch,
            format_count(batch),
        ),
    ]


def _compute_model(design: Design):
    for model in design.serving.models:
        if model.hardware and model.items_per_second_per_unit:
            return model
    return None


def compression(design: Design) -> list[Estimate]:
    rows = cap.compute_rows(design)[:1]
    if rows:
        base = rows[0]
        for speedup in (2, 4):
            units = math.ceil(base.value / speedup)
            inputs = [
                ("today", base.display),
                ("speed-up", a(speedup, lambda v: f"{format_count(v)}×")),
            ]
            rows.append(
                row(
                    f"After int8 / distillation at {speedup}×",
                    "⌈units ÷ speed-up⌉",
                    inputs,
                    units,
                    format_count(units),
                )
            )
        return rows
    rate = peak(design)
    if rate is None:
        return []
    return [
        row(
            "Inferences at peak (each one a compressed model saves on)",
            "peak rate",
            [("peak rate", rate.display)],
            rate.value,
            per_s(rate.value),
        )
    ]


def gpu_vs_cpu(design: Design) -> list[Estimate]:
    rows = cap.compute_rows(design)
    rows = [r for r in rows if not r.name.startswith("Re-embed")]
    load = ranking_load(design)
    return rows or keep(load)


def llm_customisation(design: Design) -> list[Estimate]:
    call, llm = cap.tokens_per_call(design), design.capacity.llm
    if call is None or llm is None:
        return []
    context = (llm.chunks_per_request or 0) * (llm.tokens_per_chunk or 0)
    rows = [
        row(
            "RAG: retrieved tokens per call",
            "k × tokens per chunk",
            [
                ("k", format_count(llm.chunks_per_request or 0)),
                ("tokens per chunk", format_count(llm.tokens_per_chunk or 0)),
            ],
            context,
            format_count(context),
        )
    ]
    if llm.input_price_per_million is not None:
        cost = 1000 * context * llm.input_price_per_million / 1e6
        rows.append(
            row(
                "RAG: context cost per 1K calls",
                "1,000 × context tokens × input price ÷ 1M",
                [
                    ("context tokens", format_count(context)),
                    ("$ per 1M input (assumed price)", format_count(llm.input_price_per_million)),
                ],
                cost,
                f"${format_count(cost)}",
            )
        )
    return rows + keep(cap.daily_cost(design))


def caching(design: Design) -> list[Estimate]:
    rate = peak(design)
    if rate is None:
        return []
    hit, hit_text = cap.assumed(design.capacity.cache_hit_rate, CACHE_HIT_RATE, format_share)
    backend = rate.value * (1 - hit)
    rows = [
        row(
            "Backend load behind the cache",
            "peak rate × (1 − hit rate)",
            [("peak rate", rate.display), ("hit rate", hit_text)],
            backend,
            per_s(backend),
        )
    ]
    cost = cap.cost_per_thousand(design)
    if cost is not None:
        saved = cost.value * hit
        rows.append(
            row(
                "LLM cost saved per 1K requests",
                "cost per 1K × hit rate",
                [("cost per 1K", cost.display), ("hit rate", hit_text)],
                saved,
                f"${format_count(saved)}",
            )
        )
    return rows


def workflow_vs_agent(design: Design) -> list[Estimate]:
    llm = design.capacity.llm
    call = cap.tokens_per_call(design)
    if llm is None or call is None:
        return []
    calls = llm.calls_per_task or 1
    prompt, output, _ = call
    rows = [
        row(
            "LLM calls per task",
            "as stated",
            [("calls", format_count(calls))],
            calls,
            format_count(calls),
        )
    ]
    tokens = calls * (prompt + output)
    rows.append(
        row(
            "Tokens per task",
            "calls × (input + output)",
            [("calls", format_count(calls)), ("tokens per call", format_count(prompt + output))],
            tokens,
            format_count(tokens),
        )
    )
    latency = cap._task_latency(design)
    return rows + keep(latency, cap.cost_per_thousand(design), cap.daily_cost(design))


def model_routing(design: Design) -> list[Estimate]:
    cost = cap.cost_per_thousand(design)
    if cost is None:
        return []
    routed = cost.value * (1 - SMALL_MODEL_SHARE + SMALL_MODEL_SHARE * SMALL_MODEL_PRICE_RATIO)
    inputs = [
        ("large-model cost per 1K", cost.display),
        ("share routed small", a(SMALL_MODEL_SHARE, format_share)),
        ("small price ratio", a(SMALL_MODEL_PRICE_RATIO)),
    ]
    routed_row = row(
        "Routed cost per 1K", "cost × (1 − s + s × r)", inputs, routed, f"${format_count(routed)}"
    )
    rows = [cost, routed_row]
    daily = cap.daily_cost(design)
    if daily is not None:
        saved = daily.value * (1 - routed / cost.value)
        inputs = [
            ("LLM cost per day", daily.display),
            ("routed ÷ unrouted", format_count(routed / cost.value)),
        ]
        formula = "LLM cost per day × (1 − routed ÷ unrouted)"
        rows.append(row("Routing saves per day", formula, inputs, saved, f"${format_count(saved)}"))
    return rows


def ltr_losses(design: Design) -> list[Estimate]:
    k = scale_of(design).candidates_per_request
    if k is None:
        return []
    inputs = [("k (list length)", format_count(k))]
    return [
        row("Pointwise: examples per list", "k", inputs, k, format_count(k)),
        row(
            "Pairwise: pairs per list",
            "k(k − 1) ÷ 2",
            inputs,
            k * (k - 1) / 2,
            format_count(k * (k - 1) / 2),
        ),
        row("Listwise: lists per request", "1 list of k", inputs, 1, "1"),
    ]


def fusion(design: Design) -> list[Estimate]:
    daily = cap._items_per_day(design)
    if daily is None:
        return []
    count, noun = daily
    rate = count / 86_400
    scorers = [m for m in design.serving.models if m.scores == "new-items"]
    modalities, text = (len(scorers), str(len(scorers))) if len(scorers) > 1 else (3, a(3))
    inputs = [(f"{noun}/s", format_count(rate)), ("modalities", text)]
    return [
        row(
            "Early fusion: model passes per second", f"{noun}/s × 1", inputs[:1], rate, per_s(rate)
        ),
        row(
            "Late fusion: model passes per second",
            f"{noun}/s × modalities",
            inputs,
            rate * modalities,
            per_s(rate * modalities),
        ),
    ]


def multi_task(design: Design) -> list[Estimate]:
    load = ranking_load(design)
    rate = load or peak(design)
    if rate is None:
        return []
    tasks = max(len(design.evaluation.offline), 2)
    inputs = [("scorings at peak", rate.display), ("tasks (offline metrics)", str(tasks))]
    return [
        row(
            "Separate models: passes at peak",
            "scorings × tasks",
            inputs,
            rate.value * tasks,
            per_s(rate.value * tasks),
        ),
        row(
            "Multi-task: passes at peak",
            "scorings × 1 (shared trunk, one head per task)",
            inputs[:1],
            rate.value,
            per_s(rate.value),
        ),
    ]


def label_sources(design: Design) -> list[Estimate]:
    daily = items_per_day(design)
    if daily is None:
        return []
    count, noun = daily
    rows = []
    if design.data.positive_rate is not None:
        positives = count * design.data.positive_rate
        rows.append(
            row(
                "Natural positive labels per day",
                f"{noun} per day × p",
                [
                    (f"{noun} per day", format_count(count)),
                    ("p", format_share(design.data.positive_rate)),
                ],
                positives,
                format_count(positives),
            )
        )
    rate, rate_text = cap.assumed(design.capacity.reviewer_items_per_hour, 100)
    sample = count * 0.001
    hours = sample / rate
    inputs = [
        (f"{noun} per day", format_count(count)),
        ("share hand-labelled", a(0.001, format_share)),
        ("items per labeller-hour", rate_text),
    ]
    rows.append(
        row(
            "Hand-labelling 0.1% of a day",
            "items × share ÷ items per hour",
            inputs,
            hours,
            f"{format_count(hours)} labeller-hours",
        )
    )
    return rows


def explore_exploit(design: Design) -> list[Estimate]:
    rate = peak(design)
    dau, per_user = users(design), scale_of(design).requests_per_user_per_day
    if dau is not None and per_user is not None:
        daily = dau * per_user
        inputs = [
            ("requests per day", format_count(daily)),
            ("explore share ε", a(EXPLORE_SHARE, format_share)),
        ]
        return [
            row(
                "Explored requests per day",
                "requests per day × ε",
                inputs,
                daily * EXPLORE_SHARE,
                format_count(daily * EXPLORE_SHARE),
            )
        ]
    if rate is None:
        return []
    inputs = [("peak rate", rate.display), ("explore share ε", a(EXPLORE_SHARE, format_share))]
    return [
        row(
            "Explored requests per second at peak",
            "peak rate × ε",
            inputs,
            rate.value * EXPLORE_SHARE,
            per_s(rate.value * EXPLORE_SHARE),
        )
    ]


def funnel(design: Design) -> list[Estimate]:
    rate, scale = peak(design), scale_of(design)
    if rate is None or scale.items is None:
        return []
    whole = rate.value * scale.items
    rows = [
        row(
            "Single stage: score the catalog",
            "peak rate × items",
            [("peak rate", rate.display), ("items", format_count(scale.items))],
            whole,
            per_s(whole),
        )
    ]
    return rows + keep(ranking_load(design))


def sharding(design: Design) -> list[Estimate]:
    scale, stated = scale_of(design), design.capacity
    if scale.items is None or scale.embedding_dim is None:
        return []
    kind = next((k for k in stated.index_types if k != "flat-fp32"), "flat-fp32")
    size = (
        cap.index_bytes(
            kind, scale.items, scale.embedding_dim, scale.pq_bytes_per_vector, scale.hnsw_links
        )
        or scale.items * scale.embedding_dim * 4
    )
    ram, ram_text = cap.assumed(stated.ram_per_machine_gb, 256, lambda v: f"{format_count(v)} GB")
    fill, fill_text = cap.assumed(stated.index_fill_factor, cap.ASSUMED_FILL_FACTOR)
    shards = math.ceil(size / (ram * cap.GB * fill))
    rows = [
        row(
            f"Shards ({kind})",
            "⌈index bytes ÷ (RAM × fill)⌉",
            [("index", format_bytes(size)), ("RAM", ram_text), ("fill", fill_text)],
            shards,
            format_count(shards),
        )
    ]
    rate = peak(design)
    if rate is not None:
        replicas = math.ceil(rate.value / REPLICA_QPS)
        rows.append(
            row(
                "Replicas for peak",
                "⌈peak rate ÷ QPS per replica⌉",
                [("peak rate", rate.display), ("QPS per replica", a(REPLICA_QPS))],
                replicas,
                format_count(replicas),
            )
        )
    return rows


def negative_sampling(design: Design) -> list[Estimate]:
    per_day = [
        r for r in estimates(scale_of(design), design.data) if r.name == "Training data per day"
    ]
    daily = items_per_day(design)
    if daily is None:
        return []
    count, noun = daily
    extra = count * RANDOM_NEGATIVES
    inputs = [
        (f"{noun} per day", format_count(count)),
        ("negatives per positive", a(RANDOM_NEGATIVES)),
    ]
    rows = [
        row(
            "Random negatives: item-tower passes per day",
            f"{noun} × negatives",
            inputs,
            extra,
            format_count(extra),
        )
    ]
    rows.append(
        row("In-batch negatives: extra passes", "0 (other examples of the batch)", [], 0, "0")
    )
    return per_day + rows


def time_split(design: Design) -> list[Estimate]:
    daily = items_per_day(design)
    if daily is None:
        return []
    count, noun = daily
    rows = [
        row(
            "Examples in a 1-day holdout",
            f"{noun} per day × 1",
            [(f"{noun} per day", format_count(count))],
            count,
            format_count(count),
        )
    ]
    if design.data.label_delay is not None:
        delay = design.data.label_delay
        rows.append(
            row(
                "Gap before the holdout (label delay)",
                "label delay",
                [("label delay", format_duration(delay))],
                delay,
                format_duration(delay),
            )
        )
    return rows


def calibration(design: Design) -> list[Estimate]:
    daily, p = items_per_day(design), design.data.positive_rate
    if daily is None or p is None:
        return []
    count, noun = daily
    positives = count * p
    return [
        row(
            "Positives per day to fit a calibrator",
            f"{noun} per day × p",
            [(f"{noun} per day", format_count(count)), ("p", format_share(p))],
            positives,
            format_count(positives),
        )
    ] + class_imbalance(design)[2:]


def operating_point(design: Design) -> list[Estimate]:
    point, daily = (
        design.evaluation.operating_point,
        cap._items_per_day(design) or items_per_day(design),
    )
    if point is None or daily is None:
        return []
    count, noun = daily
    rows = []
    share = point.fixed_decline_rate or point.review_rate
    if share is not None:
        acted = count * share
        rows.append(
            row(
                f"{noun.capitalize()} acted on per day",
                f"{noun} per day × share past the threshold",
                [(f"{noun} per day", format_count(count)), ("share", format_share(share))],
                acted,
                format_count(acted),
            )
        )
        cost = design.evaluation.cost_weighted_metric
        if cost is not None and cost.false_positive_cost is not None:
            worst = acted * cost.false_positive_cost
            rows.append(
                row(
                    "Worst-case false-positive cost per day",
                    "acted on × cost of a false positive",
                    [
                        ("acted on", format_count(acted)),
                        ("cost", f"{cost.unit}{format_count(cost.false_positive_cost)}"),
                    ],
                    worst,
                    f"{cost.unit}{format_count(worst)}",
                )
            )
    return rows + _cost_threshold(design) + cap.review_rows(design)


def _cost_threshold(design: Design) -> list[Estimate]:
    cost = design.evaluation.cost_weighted_metric
    if cost is None or not cost.false_positive_cost or not cost.false_negative_cost:
        return []
    fp, fn = cost.false_positive_cost, cost.false_negative_cost
    value = fp / (fp + fn)
    inputs = [
        ("c_FP", f"{cost.unit}{format_count(fp)}"),
        ("c_FN", f"{cost.unit}{format_count(fn)}"),
    ]
    return [row("Cost-minimising threshold", "c_FP ÷ (c_FP + c_FN)", inputs, value, f"{value:.3g}")]


def parallel_training(design: Design) -> list[Estimate]:
    scale = scale_of(design)
    dim = scale.embedding_dim
    entities = sum(e.count for e in scale.entity_types or []) or (
        (scale.items or 0) + (users(design) or 0)
    )
    if dim is None or not entities:
        return []
    size = entities * dim * 4 * 3  # weights + two Adam moments
    gpus = math.ceil(size / (GPU_MEMORY_GB * cap.GB))
    inputs = [
        ("ids", format_count(entities)),
        ("d", format_count(dim)),
        ("GPU memory", a(GPU_MEMORY_GB, lambda v: f"{format_count(v)} GB")),
    ]
    return [
        row(
            "Embedding tables with Adam state",
            "ids × d × 4 B × 3",
            inputs[:2],
            size,
            format_bytes(size),
        ),
        row("GPUs just to hold them", "⌈bytes ÷ GPU memory⌉", inputs, gpus, format_count(gpus)),
    ]


# --- checks: an option picked against its "pick when" at this design's scale ---

ASSUMED_RAM_GB = 256


def _vectors(design: Design) -> tuple[float, float] | None:
    scale = scale_of(design)
    if scale.items is None or scale.embedding_dim is None:
        return None
    return scale.items, scale.embedding_dim


def exact_fits_budget(design: Design) -> str | None:
    vectors = _vectors(design)
    latency = design.requirements.latency
    budget = (latency.budget_ms if latency else None) or scale_of(design).latency_budget_ms
    if vectors is None or budget is None:
        return None
    n, d = vectors
    query_ms = n * d / CORE_MULTIPLY_ADDS_PER_S * 1000
    if query_ms <= budget:
        return None
    return (
        f"one exact query costs N × d = {format_count(n * d)} multiply-adds, about "
        f"{cap.ms(query_ms)} on one core (10G multiply-adds/s assumed), over the "
        f"{cap.ms(budget)} budget; pick an ANN index"
    )


def hnsw_fits_memory(design: Design) -> str | None:
    vectors = _vectors(design)
    if vectors is None:
        return None
    n, d = vectors
    links = scale_of(design).hnsw_links
    size = cap.index_bytes("hnsw", n, d, None, links) if links else n * d * 4
    ram, ram_text = cap.assumed(
        design.capacity.ram_per_machine_gb, ASSUMED_RAM_GB, lambda v: f"{format_count(v)} GB"
    )
    fill, _ = cap.assumed(design.capacity.index_fill_factor, cap.ASSUMED_FILL_FACTOR)
    usable = ram * cap.GB * fill
    sharded = any(choice.name == "index-sharding-and-replication" for choice in design.tradeoffs)
    if size <= usable or sharded:
        return None
    formula = "N × (4d + 8M)" if links else "N × 4d, before links"
    machines = math.ceil(size / usable)
    return (
        f"HNSW keeps every full vector and its links in RAM: {formula} = {format_bytes(size)} "
        f"for {format_count(n)} vectors, more than one machine holds ({ram_text} × "
        f"{format_count(fill)} fill); its 'pick when' needs them to fit: shard over "
        f"{format_count(machines)} machines (cite index-sharding-and-replication), or pick IVF-PQ"
    )


def compression_needed(design: Design) -> str | None:
    vectors = _vectors(design)
    if vectors is None:
        return None
    n, d = vectors
    flat = n * d * 4
    if flat >= cap.GB:
        return None
    return (
        f"the full fp32 vectors take only {format_bytes(flat)} (N × d × 4 B); compressing them "
        "loses recall that memory does not require"
    )

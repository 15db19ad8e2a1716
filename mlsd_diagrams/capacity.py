"""The capacity model: what a design's own numbers imply (DOMAIN.md section 6).

Each group of rows answers one question an interviewer asks out loud: does the request path
fit its budget, how many cores or GPUs, how much index memory and how many shards, how much
data after sampling, how big is the feature store, what does an LLM request cost, how many
reviewers. Every row is an `Estimate`: a formula, its inputs and the result. A row is computed
only when the spec states its inputs; the few fallbacks (utilisation 0.6, index fill 0.7,
8 reviewer-hours a day) are shown as "(assumed)" wherever they are used.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from .estimates import (
    Estimate,
    format_bytes,
    format_count,
    format_duration,
    format_share,
    request_rates,
)
from .model import DeployedModel, Design, LatencyStage, stage_total_ms

ASSUMED_UTILISATION = 0.6
ASSUMED_FILL_FACTOR = 0.7
ASSUMED_REVIEWER_HOURS = 8.0
HNSW_LINK_BYTES = 8  # DOMAIN §6: 2 × M links × 4 B = 8 B per link slot M
IVF_ID_BYTES = 8
GB = 1e9
PERCENTILES = {"p50": 0.5, "p90": 0.9, "p95": 0.95, "p99": 0.99, "p99.9": 0.999}
INDEX_TYPES = ("flat-fp32", "flat-fp16", "flat-int8", "pq", "hnsw", "ivf-pq")


@dataclass(frozen=True)
class Group:
    """One table of the capacity section."""

    title: str
    rows: tuple[Estimate, ...]


def capacity(design: Design) -> list[Group]:
    """Every group whose inputs the spec states, in a fixed order; empty groups are left out."""
    groups = (
        Group("Request-path latency budget", tuple(latency_rows(design))),
        Group("Compute", tuple(compute_rows(design))),
        Group("Vector index memory", tuple(index_rows(design))),
        Group("Logs and replay", tuple(log_rows(design))),
        Group("Feature store by entity type", tuple(feature_store_rows(design))),
        Group("LLM tokens and cost", tuple(llm_rows(design))),
        Group("Human review", tuple(review_rows(design))),
    )
    return [group for group in groups if group.rows]


def ms(value: float) -> str:
    """Milliseconds below a second, else the largest whole-ish unit (128,000 ms -> "2.1 min")."""
    return f"{format_count(value)} ms" if value < 1000 else format_duration(value / 1000)


def assumed(
    value: float | None, fallback: float, fmt: Callable[[float], str] = format_count
) -> tuple[float, str]:
    """A stated input, or the fallback labelled as an assumption."""
    if value is None:
        return fallback, f"{fmt(fallback)} (assumed)"
    return value, fmt(value)


def peak_rate(design: Design) -> Estimate | None:
    """Peak requests per second, from DAU or from the load as the prompt gave it."""
    average, peak = request_rates(design.requirements.scale)
    return peak or average


# --- latency ---


def latency_rows(design: Design) -> list[Estimate]:
    latency = design.requirements.latency
    if latency is None or not latency.stages:
        return []
    rows = _stage_rows(latency.stages)
    percentile = latency.percentile.value if latency.percentile else None
    rows += [
        _fan_out_row(stage, percentile)
        for stage in latency.stages
        if stage.fan_out and stage.fan_out > 1 and percentile
    ]
    total = stage_total_ms(latency.stages)
    budget = latency.budget_ms or design.requirements.scale.latency_budget_ms
    rows.append(_total_row(total, budget))
    peak = peak_rate(design)
    if peak is not None and budget is not None:
        rows.append(_in_flight_row(peak, budget))
    return rows


def _stage_rows(stages: list[LatencyStage]) -> list[Estimate]:
    """One row per sequential stage, one per parallel group, in the order of the path."""
    groups: dict[str, list[LatencyStage]] = {}
    for stage in stages:
        if stage.parallel is not None:
            groups.setdefault(stage.parallel, []).append(stage)
    rows, seen = [], set()
    for stage in stages:
        if stage.parallel is None:
            inputs = ((stage.name, ms(stage.ms)),)
            formula = "stage budget (sequential)"
            rows.append(Estimate(stage.name, formula, inputs, stage.ms, ms(stage.ms)))
        elif stage.parallel not in seen:
            seen.add(stage.parallel)
            rows.append(_parallel_row(groups[stage.parallel]))
    return rows


def _parallel_row(members: list[LatencyStage]) -> Estimate:
    value = max(stage.ms for stage in members)
    names = " ‖ ".join(stage.name for stage in members)
    inputs = tuple((stage.name, ms(stage.ms)) for stage in members)
    return Estimate(names, "max of stages run in parallel", inputs, value, ms(value))


def _fan_out_row(stage: LatencyStage, percentile: str) -> Estimate:
    fan_out = stage.fan_out or 1
    target = PERCENTILES[percentile]
    per_shard = 1 - (1 - target) / fan_out
    inputs = (("percentile", percentile), ("shards called", format_count(fan_out)))
    formula = "each shard must meet p(1 − (1 − q) ÷ k) for the fan-out to meet pq"
    display = f"each shard within {ms(stage.ms)} at p{_percent(per_shard)}"
    return Estimate(f"Fan-out tail of {stage.name}", formula, inputs, per_shard, display)


def _percent(share: float) -> str:
    """A percentile to 4 significant digits: 0.9995 -> "99.95" (never rounded up to 100)."""
    return f"{share * 100:.4g}"


def _total_row(total: float, budget: float | None) -> Estimate:
    if budget is None:
        return Estimate("Request path total", "sum of stages", (), total, ms(total))
    inputs = (("stages", ms(total)), ("budget", ms(budget)))
    display = f"{ms(total)} of {ms(budget)} ({ms(budget - total)} headroom)"
    return Estimate("Request path total", "sum of stages vs budget", inputs, total, display)


def _in_flight_row(peak: Estimate, budget: float) -> Estimate:
    value = peak.value * budget / 1000
    inputs = (("peak rate", peak.display), ("latency", ms(budget)))
    formula = "Little's law: peak rate × latency"
    return Estimate("Requests in flight", formula, inputs, value, format_count(value))


# --- compute ---


def compute_rows(design: Design) -> list[Estimate]:
    rows = [
        row for model in design.serving.models if (row := _model_units(design, model)) is not None
    ]
    reembed = _reembed(design)
    return rows + ([reembed] if reembed else [])


def _model_load(design: Design, model: DeployedModel) -> tuple[float, str] | None:
    """Peak items per second the model scores, and what drives it."""
    scale = design.requirements.scale
    if model.scores == "new-items":
        if scale.new_items_per_day is None:
            return None
        factor, _ = assumed(scale.peak_to_average, 2.0)
        return scale.new_items_per_day / 86_400 * factor, "peak new items/s"
    peak = peak_rate(design)
    return None if peak is None else (peak.value, "peak requests/s")


def _model_units(design: Design, model: DeployedModel) -> Estimate | None:
    if model.hardware is None or model.items_per_second_per_unit is None:
        return None
    load = _model_load(design, model)
    if load is None:
        return None
    rate, driver = load
    per_request, per_request_text = assumed(model.items_per_request, 1)
    utilisation, utilisation_text = assumed(model.utilisation, ASSUMED_UTILISATION)
    work = rate * per_request
    units = math.ceil(work / (model.items_per_second_per_unit * utilisation))
    unit = "GPUs" if model.hardware == "gpu" else "cores"
    inputs = (
        (driver, format_count(rate)),
        (
            "items per new item" if model.scores == "new-items" else "items per request",
            per_request_text,
        ),
        (f"items/s per {unit[:-1]}", format_count(model.items_per_second_per_unit)),
        ("utilisation", utilisation_text),
    )
    formula = f"⌈rate × items per request ÷ (items/s per {unit[:-1]} × utilisation)⌉"
    display = f"{format_count(units)} {unit} ({format_count(work)} items/s)"
    return Estimate(f"{model.name} ({model.runs_on})", formula, inputs, units, display)


def _reembed(design: Design) -> Estimate | None:
    items = design.requirements.scale.items
    speed = design.capacity.encoder_items_per_second_per_gpu
    if items is None or speed is None:
        return None
    value = items / speed / 3600
    inputs = (("items", format_count(items)), ("items/s per GPU", format_count(speed)))
    formula = "items ÷ items/s per GPU ÷ 3,600 s"
    display = f"{format_count(value)} GPU-hours"
    return Estimate("Re-embed the corpus (new encoder)", formula, inputs, value, display)


# --- vector index ---


def index_bytes(
    kind: str, items: float, dim: float, m: float | None, links: float | None
) -> float | None:
    """Bytes of one index type for N vectors of dimension d; None when an input is missing."""
    codebook = 256 * dim * 4  # m sub-quantisers × 256 centroids × d/m fp32 values
    flat = {"flat-fp32": 4, "flat-fp16": 2, "flat-int8": 1}
    if kind in flat:
        return items * dim * flat[kind]
    if kind == "pq":
        return None if m is None else items * m + codebook
    if kind == "ivf-pq":
        return None if m is None else items * (m + IVF_ID_BYTES) + codebook
    if kind == "hnsw":
        return None if links is None else hnsw_bytes(items, dim, links)
    raise ValueError(kind)


def hnsw_bytes(items: float, dim: float, links: float) -> float:
    """An HNSW graph keeps every full fp32 vector and its links."""
    return items * (4 * dim + HNSW_LINK_BYTES * links)


INDEX_FORMULAS = {
    "flat-fp32": "N × d × 4 B",
    "flat-fp16": "N × d × 2 B",
    "flat-int8": "N × d × 1 B",
    "pq": "N × m B + codebooks (256 × d × 4 B)",
    "ivf-pq": "N × (m B + 8 B list id) + codebooks",
    "hnsw": "N × (4 B × d + 8 B × M links)",
}


def index_rows(design: Design) -> list[Estimate]:
    scale, stated = design.requirements.scale, design.capacity
    if scale.items is None or scale.embedding_dim is None or not stated.index_types:
        return []
    rows = []
    for kind in stated.index_types:
        size = index_bytes(
            kind, scale.items, scale.embedding_dim, scale.pq_bytes_per_vector, scale.hnsw_links
        )
        if size is None:
            continue
        inputs = index_inputs(design, kind)
        formula, display = INDEX_FORMULAS[kind], format_bytes(size)
        if stated.ram_per_machine_gb is not None:
            fill, fill_text = assumed(stated.index_fill_factor, ASSUMED_FILL_FACTOR)
            shards = math.ceil(size / (stated.ram_per_machine_gb * GB * fill))
            inputs += [("RAM per machine", f"{format_count(stated.ram_per_machine_gb)} GB")]
            inputs += [("fill", fill_text)]
            formula += "; shards = ⌈bytes ÷ (RAM × fill)⌉"
            display += f" → {format_count(shards)} shard{'s' if shards != 1 else ''}"
        rows.append(Estimate(kind, formula, tuple(inputs), size, display))
    return rows


def index_inputs(design: Design, kind: str) -> list[tuple[str, str]]:
    """The inputs of one index type's memory formula."""
    scale = design.requirements.scale
    inputs = [("N", format_count(scale.items or 0)), ("d", format_count(scale.embedding_dim or 0))]
    if kind in ("pq", "ivf-pq"):
        inputs.append(("m", format_count(scale.pq_bytes_per_vector or 0)))
    if kind == "hnsw":
        inputs.append(("M", format_count(scale.hnsw_links or 0)))
    return inputs


def exact_search_cost(design: Design) -> Estimate | None:
    """Multiply-adds of one exact (brute-force) query: N × d."""
    scale = design.requirements.scale
    if scale.items is None or scale.embedding_dim is None:
        return None
    value = scale.items * scale.embedding_dim
    inputs = (("N", format_count(scale.items)), ("d", format_count(scale.embedding_dim)))
    display = f"{format_count(value)} multiply-adds"
    return Estimate("Exact search per query", "N × d", inputs, value, display)


# --- logs and replay ---


def log_rows(design: Design) -> list[Estimate]:
    """Log throughput, retained bytes and replay time, when the spec states its log."""
    stated = [row for row in (retained_log(design), replay_time(design)) if row is not None]
    events = design.requirements.scale.events_per_day
    if not stated or events is None:
        return []
    per_s = events / 86_400
    inputs = (("events per day", format_count(events)),)
    display = f"{format_count(per_s)} events/s"
    rate = Estimate("Events per second", "events per day ÷ 86,400 s", inputs, per_s, display)
    return [rate, *stated]


def retained_log(design: Design) -> Estimate | None:
    events = design.requirements.scale.events_per_day
    per_event, days = design.capacity.log_bytes_per_event, design.capacity.log_retention_days
    if events is None or per_event is None or days is None:
        return None
    value = events * per_event * days
    inputs = (
        ("events per day", format_count(events)),
        ("bytes per event", format_bytes(per_event)),
        ("retention", f"{format_count(days)} days"),
    )
    formula = "events per day × bytes per event × retention days"
    return Estimate("Event log retained", formula, inputs, value, format_bytes(value))


def replay_time(design: Design) -> Estimate | None:
    events = design.requirements.scale.events_per_day
    days, speed = design.capacity.log_retention_days, design.capacity.replay_events_per_second
    if events is None or days is None or speed is None:
        return None
    value = events * days / speed
    inputs = (
        ("events per day", format_count(events)),
        ("retention", f"{format_count(days)} days"),
        ("replay speed", f"{format_count(speed)} events/s"),
    )
    formula = "retention days × events per day ÷ replay events/s"
    display = f"{format_count(value / 3600)} h"
    return Estimate("Replay the retained log", formula, inputs, value / 3600, display)


# --- feature store ---


def feature_store_rows(design: Design) -> list[Estimate]:
    scale = design.requirements.scale
    width, width_text = assumed(scale.bytes_per_feature, 4.0, format_bytes)
    replicas, replicas_text = assumed(scale.feature_replicas, 1.0)
    rows = []
    for entity in scale.entity_types or []:
        features = entity.features or scale.features_per_entity
        if features is None:
            continue
        value = entity.count * features * width * replicas
        inputs = (
            (entity.name, format_count(entity.count)),
            ("features", format_count(features)),
            ("bytes per feature", width_text),
            ("replicas", replicas_text),
        )
        formula = "entities × features × bytes per feature × replicas"
        rows.append(Estimate(entity.name.capitalize(), formula, inputs, value, format_bytes(value)))
    if len(rows) > 1:
        total = sum(row.value for row in rows)
        parts = tuple((row.name.lower(), row.display) for row in rows)
        rows.append(Estimate("All entity types", "sum", parts, total, format_bytes(total)))
    return rows


# --- LLM ---


def tokens_per_call(design: Design) -> tuple[float, float, tuple[tuple[str, str], ...]] | None:
    """(input tokens, output tokens, inputs shown) of one LLM call, when stated."""
    llm = design.capacity.llm
    if llm is None or llm.output_tokens is None:
        return None
    parts = (
        ("system prompt", llm.system_prompt_tokens),
        ("chunks k", llm.chunks_per_request),
        ("tokens per chunk", llm.tokens_per_chunk),
        ("question", llm.question_tokens),
    )
    context = (llm.chunks_per_request or 0) * (llm.tokens_per_chunk or 0)
    prompt = (llm.system_prompt_tokens or 0) + context + (llm.question_tokens or 0)
    shown = tuple((name, format_count(v)) for name, v in parts if v is not None)
    return prompt, llm.output_tokens, (*shown, ("output", format_count(llm.output_tokens)))


def llm_rows(design: Design) -> list[Estimate]:
    call = tokens_per_call(design)
    llm = design.capacity.llm
    if call is None or llm is None:
        return []
    prompt, output, shown = call
    calls, calls_text = assumed(llm.calls_per_task, 1)
    noun = "task" if llm.calls_per_task else "request"
    per_request = (prompt + output) * calls
    formula = "(system + k × chunk + question + output) × calls"
    rows = [
        Estimate(
            f"Tokens per {noun}",
            formula,
            (*shown, ("calls", calls_text)),
            per_request,
            f"{format_count(per_request)} tokens ({format_count(prompt * calls)} in)",
        )
    ]
    peak = peak_rate(design)
    if peak is not None:
        value = peak.value * per_request
        inputs = (("peak rate", peak.display), (f"tokens per {noun}", format_count(per_request)))
        rows.append(
            Estimate(
                "Tokens per second",
                "peak rate × tokens",
                inputs,
                value,
                f"{format_count(value)} tokens/s",
            )
        )
    rows += [row for row in (cost_per_thousand(design), daily_cost(design)) if row]
    rows += [row for row in (_kv_cache(design, prompt + output), _task_latency(design)) if row]
    return rows


def cost_per_thousand(design: Design) -> Estimate | None:
    call, llm = tokens_per_call(design), design.capacity.llm
    if call is None or llm is None:
        return None
    if llm.input_price_per_million is None or llm.output_price_per_million is None:
        return None
    prompt, output, _ = call
    calls = llm.calls_per_task or 1
    per_call = (prompt * llm.input_price_per_million + output * llm.output_price_per_million) / 1e6
    value = 1000 * per_call * calls
    noun = "tasks" if llm.calls_per_task else "requests"
    inputs = (
        ("input tokens", format_count(prompt)),
        ("output tokens", format_count(output)),
        ("calls", format_count(calls)),
        ("$ per 1M input (assumed price)", format_count(llm.input_price_per_million)),
        ("$ per 1M output (assumed price)", format_count(llm.output_price_per_million)),
    )
    formula = "1,000 × calls × (in × in price + out × out price) ÷ 1M"
    return Estimate(f"Cost per 1K {noun}", formula, inputs, value, f"${format_count(value)}")


def daily_cost(design: Design) -> Estimate | None:
    """LLM spend per day: requests (or tasks) per day × cost per 1K ÷ 1,000."""
    cost, average = cost_per_thousand(design), request_rates(design.requirements.scale)[0]
    if cost is None or average is None:
        return None
    per_day = average.value * 86_400
    value = per_day * cost.value / 1000
    inputs = (("average rate", average.display), ("cost per 1K", cost.display))
    formula = "average rate × 86,400 s × cost per 1K ÷ 1,000"
    return Estimate("LLM cost per day", formula, inputs, value, f"${format_count(value)}")


def _kv_cache(design: Design, tokens: float) -> Estimate | None:
    llm = design.capacity.llm
    if llm is None:
        return None
    layers, heads, head_dim, width = llm.layers, llm.kv_heads, llm.head_dim, llm.kv_bytes
    if layers is None or heads is None or head_dim is None or width is None:
        return None
    per_token = 2 * layers * heads * head_dim * width
    value = per_token * tokens
    inputs = (
        ("layers", format_count(layers)),
        ("KV heads", format_count(heads)),
        ("head dim", format_count(head_dim)),
        ("bytes", format_count(width)),
        ("tokens", format_count(tokens)),
    )
    formula = "2 × layers × KV heads × head dim × bytes × tokens"
    display = f"{format_bytes(value)} per concurrent request ({format_bytes(per_token)}/token)"
    return Estimate("KV-cache", formula, inputs, value, display)


def _task_latency(design: Design) -> Estimate | None:
    llm = design.capacity.llm
    if llm is None or llm.decode_tokens_per_second is None or llm.output_tokens is None:
        return None
    calls, calls_text = assumed(llm.calls_per_task, 1)
    prefill = llm.prefill_ms or 0
    tools = llm.tool_ms_per_task or 0
    value = calls * (prefill + 1000 * llm.output_tokens / llm.decode_tokens_per_second) + tools
    inputs = (
        ("calls", calls_text),
        ("prefill", ms(prefill)),
        ("output tokens", format_count(llm.output_tokens)),
        ("decode", f"{format_count(llm.decode_tokens_per_second)} tokens/s"),
        ("tools", ms(tools)),
    )
    formula = "calls × (prefill + output ÷ decode speed) + tool time"
    name = "Agent task latency" if llm.calls_per_task else "Generation latency"
    return Estimate(name, formula, inputs, value, f"{format_count(value / 1000)} s")


# --- human review ---


def review_rows(design: Design) -> list[Estimate]:
    point, stated = design.evaluation.operating_point, design.capacity
    daily = units_per_day(design)
    if point is None or point.review_rate is None or daily is None:
        return []
    items, noun = daily
    per_day = items * point.review_rate
    inputs = (
        (f"{noun} per day", format_count(items)),
        ("sent to review", format_share(point.review_rate)),
    )
    rows = [
        Estimate(
            "Items to review per day",
            f"{noun} per day × share above the review threshold",
            inputs,
            per_day,
            f"{format_count(per_day)}/day",
        )
    ]
    if stated.reviewer_items_per_hour is not None:
        hours, hours_text = assumed(stated.reviewer_hours_per_day, ASSUMED_REVIEWER_HOURS)
        reviewers = math.ceil(per_day / (stated.reviewer_items_per_hour * hours))
        staffing = (
            ("items per day", format_count(per_day)),
            ("items per reviewer-hour", format_count(stated.reviewer_items_per_hour)),
            ("hours per day", hours_text),
        )
        formula = "⌈items ÷ (items per reviewer-hour × hours per day)⌉"
        rows.append(Estimate("Reviewers", formula, staffing, reviewers, format_count(reviewers)))
    return rows


def units_per_day(design: Design) -> tuple[float, str] | None:
    """Items or requests per day and their noun: new items, else the load the prompt gave."""
    scale = design.requirements.scale
    if scale.new_items_per_day is not None:
        return scale.new_items_per_day, "new items"
    if scale.load is not None and scale.load.per_day is not None:
        return scale.load.per_day, scale.load.unit
    return None

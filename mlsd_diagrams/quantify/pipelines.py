"""Data pipelines and training: Lambda vs Kappa, batch vs online prediction, retraining,
streaming, features, parallel training."""

from __future__ import annotations

import math

from .. import capacity as cap
from ..estimates import (
    Estimate,
    estimates,
    format_bytes,
    format_count,
    format_duration,
    format_share,
)
from ..model import Design
from .base import (
    GPU_MEMORY_GB,
    MICRO_BATCH_S,
    assumption,
    items_per_day,
    keep,
    peak,
    per_s,
    ranking_load,
    row,
    scale_of,
    users,
)


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
    daily = cap.units_per_day(design)
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
                ("interval", assumption(MICRO_BATCH_S, lambda v: f"{format_count(v)} s")),
            ],
            batch,
            format_count(batch),
        ),
    ]


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
        ("GPU memory", assumption(GPU_MEMORY_GB, lambda v: f"{format_count(v)} GB")),
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

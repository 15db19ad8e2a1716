"""Serving and experiments: cloud vs device, compression, hardware, caching, fusion,
multi-task, testing in production, exploration."""

from __future__ import annotations

import math

from .. import capacity as cap
from ..estimates import (
    Estimate,
    format_count,
    format_duration,
    format_share,
)
from ..model import Design
from .base import (
    CACHE_HIT_RATE,
    CANARY_SHARE,
    EXPLORE_SHARE,
    assumption,
    keep,
    peak,
    per_s,
    ranking_load,
    row,
    scale_of,
    users,
)


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


def compression(design: Design) -> list[Estimate]:
    rows = cap.compute_rows(design)[:1]
    if rows:
        base = rows[0]
        for speedup in (2, 4):
            units = math.ceil(base.value / speedup)
            inputs = [
                ("today", base.display),
                ("speed-up", assumption(speedup, lambda v: f"{format_count(v)}×")),
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


def fusion(design: Design) -> list[Estimate]:
    daily = cap.units_per_day(design)
    if daily is None:
        return []
    count, noun = daily
    rate = count / 86_400
    scorers = [m for m in design.serving.models if m.scores == "new-items"]
    modalities, text = (len(scorers), str(len(scorers))) if len(scorers) > 1 else (3, assumption(3))
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


def ab_sample(design: Design) -> list[Estimate]:
    """Kohavi's n ≈ 16 p(1 − p) ÷ δ² per arm, and the days it takes at this traffic."""
    p, delta = design.data.positive_rate, design.capacity.minimum_detectable_effect
    if p is None or not delta:
        return []
    n = 16 * p * (1 - p) / delta**2
    inputs = [("p", format_share(p)), ("δ", format_share(delta))]
    rows = [row("A/B samples per arm", "16 × p(1 − p) ÷ δ²", inputs, n, format_count(n))]
    load = scale_of(design).load
    dau = users(design) or (load.per_day if load is not None else None)
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
                [("n", format_count(n)), ("canary share", assumption(CANARY_SHARE, format_share))],
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


def explore_exploit(design: Design) -> list[Estimate]:
    rate = peak(design)
    dau, per_user = users(design), scale_of(design).requests_per_user_per_day
    if dau is not None and per_user is not None:
        daily = dau * per_user
        inputs = [
            ("requests per day", format_count(daily)),
            ("explore share ε", assumption(EXPLORE_SHARE, format_share)),
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
    inputs = [
        ("peak rate", rate.display),
        ("explore share ε", assumption(EXPLORE_SHARE, format_share)),
    ]
    return [
        row(
            "Explored requests per second at peak",
            "peak rate × ε",
            inputs,
            rate.value * EXPLORE_SHARE,
            per_s(rate.value * EXPLORE_SHARE),
        )
    ]

"""Retrieval and ranking: indexes, embeddings, encoders, sharding, negatives, losses, the
funnel; and the checks of the ANN options."""

from __future__ import annotations

import math

from .. import capacity as cap
from ..estimates import (
    Estimate,
    estimates,
    format_bytes,
    format_count,
)
from ..model import Design
from .base import (
    ASSUMED_RAM_GB,
    CORE_MULTIPLY_ADDS_PER_S,
    RANDOM_NEGATIVES,
    REPLICA_QPS,
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


def ann_vs_exact(design: Design) -> list[Estimate]:
    exact, scale = cap.exact_search_cost(design), scale_of(design)
    items, dim = scale.items, scale.embedding_dim
    if exact is None or items is None or dim is None:  # the exact cost is N × d
        return []
    rows = [exact]
    ms_per_query = exact.value / CORE_MULTIPLY_ADDS_PER_S * 1000
    inputs = [
        ("N × d", format_count(exact.value)),
        ("multiply-adds/s per core", assumption(CORE_MULTIPLY_ADDS_PER_S)),
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
    for kind in ("flat-fp32", "hnsw", "pq"):
        size = cap.index_bytes(kind, items, dim, scale.pq_bytes_per_vector, scale.hnsw_links)
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
    cand_text = format_count(candidates) if scale.candidates_per_request else assumption(100)
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
                [("peak rate", rate.display), ("QPS per replica", assumption(REPLICA_QPS))],
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
        ("negatives per positive", assumption(RANDOM_NEGATIVES)),
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
    size = cap.hnsw_bytes(n, d, links) if links else n * d * 4
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

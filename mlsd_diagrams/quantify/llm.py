"""LLM systems: fine-tuning vs RAG vs prompting, workflow vs agent, model routing."""

from __future__ import annotations

from .. import capacity as cap
from ..estimates import (
    Estimate,
    format_count,
    format_share,
)
from ..model import Design
from .base import SMALL_MODEL_PRICE_RATIO, SMALL_MODEL_SHARE, assumption, keep, row


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
        ("share routed small", assumption(SMALL_MODEL_SHARE, format_share)),
        ("small price ratio", assumption(SMALL_MODEL_PRICE_RATIO)),
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

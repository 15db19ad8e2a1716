"""What every trade-off's numbers share: row building, labelled assumptions, the design's load."""

from __future__ import annotations

from collections.abc import Callable

from .. import capacity as cap
from ..estimates import Estimate, format_count
from ..model import Design, Scale

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
ASSUMED_RAM_GB = 256


def row(
    name: str, formula: str, inputs: list[tuple[str, str]], value: float, display: str
) -> Estimate:
    """One row of a trade-off's numbers."""
    return Estimate(name, formula, tuple(inputs), value, display)


def assumption(value: float, fmt: Callable[[float], str] = format_count) -> str:
    """An assumed constant, labelled as such."""
    return f"{fmt(value)} (assumed)"


def per_s(value: float, unit: str = "/s") -> str:
    return f"{format_count(value)}{unit}"


def scale_of(design: Design) -> Scale:
    return design.requirements.scale


def peak(design: Design) -> Estimate | None:
    return cap.peak_rate(design)


def users(design: Design) -> float | None:
    return scale_of(design).daily_active_users


def items_per_day(design: Design) -> tuple[float, str] | None:
    """Logged events per day, else new items or the prompt's units per day, with the noun."""
    scale = scale_of(design)
    if scale.events_per_day is not None:
        return scale.events_per_day, "events"
    return cap.units_per_day(design)


def ranking_load(design: Design) -> Estimate | None:
    rate, candidates = peak(design), scale_of(design).candidates_per_request
    if rate is None or candidates is None:
        return None
    value = rate.value * candidates
    inputs = [("peak rate", rate.display), ("candidates per request", format_count(candidates))]
    return row("Scorings at peak", "peak rate × candidates", inputs, value, per_s(value))


def keep(*rows: Estimate | None) -> list[Estimate]:
    return [r for r in rows if r is not None]

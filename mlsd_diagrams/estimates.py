"""Back-of-envelope estimates computed from a design's scale numbers (DOMAIN.md section 5).

Every estimate whose inputs are present is computed, in a fixed order; the others are left
out rather than guessed. The only assumed inputs are the documented defaults (peak factor 2,
4-byte fp32 features, 1 feature-store replica, sampling rate 1), and an estimate that uses
one says so in its inputs, e.g. ("peak factor", "2 (default)").

Numbers are printed by one rule, shared by counts (46K, 2B) and bytes (6.4 TB, 640 MB):
scale by 1000 to the largest unit that keeps the number at or above 1, then

- a number that is exact in at most 3 significant digits prints exactly: 37.5, 6.4, 640, 999;
- any other number is rounded to 2 significant digits, but never into its integer part:
  46.296 -> 46, 5.787 -> 5.8, 102.4 -> 102, 122.88 -> 123;
- trailing zeros after the decimal point are dropped, and a number that rounds up to 1000
  moves to the next unit (999,999 -> 1M);
- past the largest unit the number keeps growing with thousands separators (1e15 -> 1,000T),
  and from a million of the largest unit on it is written as a power of ten (1.5×10²¹ B).

So a figure only shows precision it really has, and DOMAIN's worked examples print as written.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

from .model import Data, Scale

SECONDS_PER_DAY = 86_400
FP32_BYTES = 4
HNSW_LINK_BYTES = 8

DEFAULT_PEAK_TO_AVERAGE = 2.0
DEFAULT_BYTES_PER_FEATURE = 4.0
DEFAULT_FEATURE_REPLICAS = 1.0
DEFAULT_TRAINING_SAMPLING_RATE = 1.0

COUNT_UNITS = ("", "K", "M", "B", "T")
BYTE_UNITS = ("B", "KB", "MB", "GB", "TB", "PB")
_SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


@dataclass(frozen=True)
class Estimate:
    name: str
    formula: str
    inputs: tuple[tuple[str, str], ...]
    value: float
    display: str


def estimates(scale: Scale, data: Data | None = None) -> list[Estimate]:
    """Every estimate the scale numbers allow, in a fixed order; missing inputs omit rows.
    With `data`, training data is counted after the spec's own negative downsampling."""
    rows: list[Estimate] = []
    average, peak = request_rates(scale)
    rows += [row for row in (average, peak) if row is not None]
    load = average or peak
    if load is not None and scale.candidates_per_request is not None:
        rows.append(_ranking_load(load, scale.candidates_per_request))
    if scale.new_items_per_day is not None:
        rows.append(_new_items_per_second(scale.new_items_per_day))
    items, dim = scale.items, scale.embedding_dim
    if items is not None and dim is not None:
        rows.append(_embeddings_fp32(items, dim))
    if items is not None and scale.pq_bytes_per_vector is not None:
        rows.append(_embeddings_pq(items, scale.pq_bytes_per_vector))
    if items is not None and dim is not None and scale.hnsw_links is not None:
        rows.append(_hnsw_index(items, dim, scale.hnsw_links))
    if scale.feature_entities is not None and scale.features_per_entity is not None:
        rows.append(_feature_store(scale, scale.feature_entities, scale.features_per_entity))
    if scale.events_per_day is not None and scale.training_row_bytes is not None:
        logged = _Logged(scale.events_per_day, scale.training_row_bytes)
        kept = _kept_share(data)
        if kept is not None:
            rows.append(_logged_per_day(logged))
        per_day = (
            _training_per_day(scale, logged) if kept is None else _downsampled_per_day(logged, kept)
        )
        rows.append(per_day)
        if scale.training_retention_days is not None:
            rows.append(_training_retained(per_day, scale.training_retention_days))
    return rows


@dataclass(frozen=True)
class _Logged:
    """The two inputs every training-data estimate needs, once both are known."""

    events_per_day: float
    row_bytes: float


def format_count(value: float) -> str:
    """A count with a K/M/B/T suffix: 46296 -> "46K", 5787 -> "5.8K", 2e9 -> "2B"."""
    return _format(value, COUNT_UNITS, "")


def format_bytes(value: float) -> str:
    """A size in decimal units: 6.4e12 -> "6.4 TB", 122.88e9 -> "123 GB", 1000 -> "1 KB"."""
    return _format(value, BYTE_UNITS, " ")


def format_duration(seconds: float) -> str:
    """A duration in its largest whole-ish unit: 2592000 -> "30 days", 300 -> "5 min"."""
    for size, unit in ((86_400, "days"), (3600, "h"), (60, "min"), (1, "s")):
        if seconds >= size:
            amount = format_count(seconds / size)
            return f"{amount} {unit[:-1] if unit == 'days' and amount == '1' else unit}"
    return f"{format_count(seconds * 1000)} ms"


def format_share(value: float) -> str:
    """A share as a percentage: 0.02 -> "2%", 0.0002 -> "0.02%", 0.125 -> "12.5%"."""
    return f"{_plain(_round(value * 100)) if value else '0'}%"


def request_rates(scale: Scale) -> tuple[Estimate | None, Estimate | None]:
    """Average and peak load: from DAU × requests per user, else as the prompt gave it."""
    average = _average_qps(scale)
    if average is not None:
        return average, _peak_qps(scale, average)
    if scale.load is None:
        return None, None
    average = _load_average(scale)
    if scale.load.peak_per_second is not None:
        noun = scale.load.unit
        value = scale.load.peak_per_second
        given = (("peak " + noun + " per second", format_count(value)),)
        peak = Estimate(f"Peak {noun} per second", "as given", given, value, _per_s(value, noun))
        return average, peak
    return average, None if average is None else _peak_qps(scale, average)


def _per_s(value: float, noun: str) -> str:
    return f"{format_count(value)} {noun}/s"


def _load_average(scale: Scale) -> Estimate | None:
    load = scale.load
    if load is None:
        return None
    noun = load.unit
    name = f"Average {noun} per second"
    if load.average_per_second is not None:
        value = load.average_per_second
        inputs = ((f"average {noun} per second", format_count(value)),)
        return Estimate(name, "as given", inputs, value, _per_s(value, noun))
    if load.per_day is not None:
        value = load.per_day / SECONDS_PER_DAY
        inputs = ((f"{noun} per day", format_count(load.per_day)),)
        formula = f"{noun} per day / 86,400 s"
        return Estimate(name, formula, inputs, value, _per_s(value, noun))
    return None


def _average_qps(scale: Scale) -> Estimate | None:
    dau, per_user = scale.daily_active_users, scale.requests_per_user_per_day
    if dau is None or per_user is None:
        return None
    value = dau * per_user / SECONDS_PER_DAY
    inputs = (("DAU", format_count(dau)), ("requests per user per day", format_count(per_user)))
    formula = "DAU × requests per user per day / 86,400 s"
    return Estimate("Average QPS", formula, inputs, value, f"{format_count(value)} QPS")


def _peak_qps(scale: Scale, qps: Estimate) -> Estimate:
    factor, factor_text = _or_default(scale.peak_to_average, DEFAULT_PEAK_TO_AVERAGE, format_count)
    value = qps.value * factor
    if qps.name != "Average QPS":  # a load given in the prompt's noun
        noun = qps.name.removeprefix("Average ").removesuffix(" per second")
        inputs = (
            (f"average {noun} per second", format_count(qps.value)),
            ("peak factor", factor_text),
        )
        formula = f"average {noun} per second × peak-to-average factor"
        return Estimate(f"Peak {noun} per second", formula, inputs, value, _per_s(value, noun))
    inputs = (("average QPS", format_count(qps.value)), ("peak factor", factor_text))
    formula = "average QPS × peak-to-average factor"
    return Estimate("Peak QPS", formula, inputs, value, f"{format_count(value)} QPS")


def _ranking_load(qps: Estimate, candidates: float) -> Estimate:
    value = qps.value * candidates
    rate = "average QPS" if qps.name == "Average QPS" else qps.name.lower()
    inputs = (
        (rate, format_count(qps.value)),
        ("candidates per request", format_count(candidates)),
    )
    formula = f"{rate} × candidates per request" + (
        " (× peak factor at peak)" if qps.name.startswith("Average") else ""
    )
    return Estimate("Ranking load", formula, inputs, value, f"{format_count(value)} scorings/s")


def _new_items_per_second(per_day: float) -> Estimate:
    value = per_day / SECONDS_PER_DAY
    inputs = (("new items per day", format_count(per_day)),)
    formula = "new items per day / 86,400 s"
    return Estimate(
        "New items per second", formula, inputs, value, f"{format_count(value)} items/s"
    )


def _embeddings_fp32(items: float, dim: float) -> Estimate:
    value = items * dim * FP32_BYTES
    inputs = (
        ("items", format_count(items)),
        ("embedding dim", format_count(dim)),
    )
    formula = "items × embedding dim × 4 B (fp32)"
    return Estimate("Embedding storage (fp32)", formula, inputs, value, format_bytes(value))


def _embeddings_pq(items: float, pq_bytes: float) -> Estimate:
    value = items * pq_bytes
    inputs = (
        ("items", format_count(items)),
        ("PQ bytes per vector", format_bytes(pq_bytes)),
    )
    formula = "items × PQ bytes per vector"
    return Estimate("Embedding storage (PQ)", formula, inputs, value, format_bytes(value))


def _hnsw_index(items: float, dim: float, links: float) -> Estimate:
    value = items * (FP32_BYTES * dim + HNSW_LINK_BYTES * links)
    inputs = (
        ("items", format_count(items)),
        ("embedding dim", format_count(dim)),
        ("HNSW links", format_count(links)),
    )
    formula = "items × (4 B × embedding dim + 8 B × HNSW links)"
    return Estimate("HNSW index", formula, inputs, value, format_bytes(value))


def _feature_store(scale: Scale, entities: float, per_entity: float) -> Estimate:
    width, width_text = _or_default(
        scale.bytes_per_feature, DEFAULT_BYTES_PER_FEATURE, format_bytes
    )
    replicas, replicas_text = _or_default(
        scale.feature_replicas, DEFAULT_FEATURE_REPLICAS, format_count
    )
    value = entities * per_entity * width * replicas
    inputs = (
        ("entities", format_count(entities)),
        ("features per entity", format_count(per_entity)),
        ("bytes per feature", width_text),
        ("replicas", replicas_text),
    )
    formula = "entities × features per entity × bytes per feature × replicas"
    return Estimate("Online feature store", formula, inputs, value, format_bytes(value))


def _training_per_day(scale: Scale, logged: _Logged) -> Estimate:
    rate, rate_text = _or_default(
        scale.training_sampling_rate, DEFAULT_TRAINING_SAMPLING_RATE, format_count
    )
    value = logged.events_per_day * logged.row_bytes * rate
    inputs = (
        ("events per day", format_count(logged.events_per_day)),
        ("row size", format_bytes(logged.row_bytes)),
        ("sampling rate", rate_text),
    )
    formula = "events per day × row size × sampling rate"
    display = f"{format_bytes(value)}/day"
    return Estimate("Training data per day", formula, inputs, value, display)


def _kept_share(data: Data | None) -> tuple[float, float] | None:
    """(positive rate, negative downsampling rate) when the spec gives both."""
    if data is None or data.positive_rate is None or data.negative_downsampling_rate is None:
        return None
    return data.positive_rate, data.negative_downsampling_rate


def _logged_per_day(logged: _Logged) -> Estimate:
    value = logged.events_per_day * logged.row_bytes
    inputs = (
        ("events per day", format_count(logged.events_per_day)),
        ("row size", format_bytes(logged.row_bytes)),
    )
    formula = "events per day × row size (before downsampling)"
    return Estimate("Logged examples per day", formula, inputs, value, f"{format_bytes(value)}/day")


def _downsampled_per_day(logged: _Logged, kept: tuple[float, float]) -> Estimate:
    positive, rate = kept
    share = positive + rate * (1 - positive)
    value = logged.events_per_day * logged.row_bytes * share
    inputs = (
        ("events per day", format_count(logged.events_per_day)),
        ("row size", format_bytes(logged.row_bytes)),
        ("positive rate p", format_share(positive)),
        ("negatives kept w", format_share(rate)),
    )
    formula = "events per day × row size × (p + w × (1 − p))"
    display = f"{format_bytes(value)}/day"
    return Estimate("Training data per day", formula, inputs, value, display)


def _training_retained(per_day: Estimate, days: float) -> Estimate:
    value = per_day.value * days
    inputs = (("training data per day", per_day.display), ("retention days", format_count(days)))
    formula = "training data per day × retention days"
    return Estimate("Training data retained", formula, inputs, value, format_bytes(value))


def _or_default(
    value: float | None, default: float, fmt: Callable[[float], str]
) -> tuple[float, str]:
    """The input, or the documented default labelled as such."""
    if value is None:
        return default, f"{fmt(default)} (default)"
    return value, fmt(value)


def _format(value: float, units: tuple[str, ...], sep: str) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    if value < 0:
        return "-" + _format(-value, units, sep)
    power = 0
    while power < len(units) - 1 and value >= 1000 ** (power + 1):
        power += 1
    number = _round(value / 1000**power)
    if number >= 1000 and power < len(units) - 1:
        power += 1
        number = _round(value / 1000**power)
    if number >= 1_000_000:
        return f"{_scientific(value)}{sep}{units[0]}".rstrip()
    return f"{_plain(number)}{sep}{units[power]}".rstrip()


def _scientific(value: float) -> str:
    """Beyond a million of the largest unit: 1.5e21 -> "1.5×10²¹"."""
    exponent = math.floor(math.log10(value))
    coefficient = _round(value / 10**exponent)
    if coefficient >= 10:
        exponent += 1
        coefficient = _round(value / 10**exponent)
    return f"{_plain(coefficient)}×10{str(exponent).translate(_SUPERSCRIPTS)}"


def _round(value: float) -> Decimal:
    """Exact at 3 significant digits, else 2 significant digits but whole integer part."""
    if value == 0:
        return Decimal(0)
    exponent = math.floor(math.log10(value))
    exact = Decimal(repr(value))
    with localcontext(prec=max(28, exponent + 10)):
        three = _quantize(exact, 2 - exponent)
        if math.isclose(float(three), value, rel_tol=1e-9):
            return three
        return _quantize(exact, max(0, 1 - exponent))


def _quantize(number: Decimal, decimals: int) -> Decimal:
    return number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _plain(number: Decimal) -> str:
    text = f"{number:,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text

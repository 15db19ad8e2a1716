"""Labels and decisions: imbalance, drift, label sources, splits, calibration, and the
operating point."""

from __future__ import annotations

from .. import capacity as cap
from ..estimates import (
    Estimate,
    format_count,
    format_duration,
    format_share,
)
from ..model import Design
from .base import assumption, items_per_day, peak, row


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
        ("share hand-labelled", assumption(0.001, format_share)),
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
        cap.units_per_day(design) or items_per_day(design),
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

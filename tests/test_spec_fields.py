"""The spec says what prompts say: load in the prompt's noun, latency breakdowns, label delay,
positive rate, operating points, several deployed models, entity types, own trade-offs."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlsd_diagrams.build import load_design
from mlsd_diagrams.errors import SpecError
from mlsd_diagrams.graph import build_graph
from mlsd_diagrams.render.writeup import to_markdown

FRAUD = """\
requirements:
  business_objective: Stop fraud.
  scale:
    load: {unit: orders, per_day: 10M, peak_per_second: 400}
    entity_types:
      - {name: users, count: 50M, features: 120}
      - {name: merchants, count: 2M}
  latency:
    percentile: p99
    budget_ms: 100
    paths:
      - {name: on-device check, budget_ms: 20, runs_on: device}
      - {name: async review path, budget_ms: 5K, runs_on: cloud}
    stages:
      - {name: network, ms: 20}
      - {name: feature fetch, ms: 15, parallel: fetch}
      - {name: graph lookup, ms: 25, parallel: fetch, fan_out: 8}
      - {name: scoring, ms: 30}
data:
  positive_rate: 0.2%
  negative_downsampling_rate: 0.05
  label_delay: 30 days
model:
  split: time-based
  calibration: isotonic
evaluation:
  operating_point: {fixed_decline_rate: 1%, review_rate: 0.5%, note: Decline fewer good orders.}
  cost_weighted_metric:
    {name: Expected fraud loss, false_positive_cost: 5, false_negative_cost: 120}
serving:
  models:
    - {name: Rules, runs_on: edge, role: Block known-bad cards}
    - {name: GBDT, runs_on: cloud, role: Final score, hardware: cpu, items_per_request: 1}
own_tradeoffs:
  - name: rules-vs-model
    title: Rules first or model only
    options:
      - {name: Rules + model, strengths: [Instant blocks], weaknesses: [Two systems]}
      - {name: Model only, strengths: [One system], weaknesses: [Slow to react]}
    choice: Rules + model
    reason: Known-bad cards must be blocked at once.
    numbers: ["Rules catch 30% of fraud at 0.1% declines (illustrative)"]
"""


def fraud_spec(spec_file, extra: str = FRAUD) -> Path:
    from tests.conftest import MINIMAL

    base = MINIMAL.replace("requirements:\n  business_objective: Grow.\n", "")
    return spec_file(base + extra)


def test_new_fields_validate_into_typed_values(spec_file):
    design = load_design(fraud_spec(spec_file))
    scale = design.requirements.scale
    assert scale.load is not None and scale.load.unit == "orders"
    assert scale.load.per_day == 10_000_000 and scale.load.peak_per_second == 400
    assert [(e.name, e.count, e.features) for e in scale.entity_types or []] == [
        ("users", 50e6, 120),
        ("merchants", 2e6, None),
    ]
    latency = design.requirements.latency
    assert latency is not None and latency.percentile == "p99" and latency.budget_ms == 100
    assert [p.runs_on for p in latency.paths] == ["device", "cloud"]
    assert design.data.positive_rate == pytest.approx(0.002)
    assert design.data.negative_downsampling_rate == 0.05
    assert design.data.label_delay == 30 * 86_400
    assert design.model.split == "time-based" and design.model.calibration == "isotonic"
    point = design.evaluation.operating_point
    assert point is not None and point.fixed_decline_rate == pytest.approx(0.01)
    assert [(m.name, m.runs_on) for m in design.serving.models] == [
        ("Rules", "edge"),
        ("GBDT", "cloud"),
    ]
    assert design.own_tradeoffs[0].options[1].name == "Model only"


def test_writeup_uses_the_prompts_noun_and_shows_the_new_fields(spec_file):
    design = load_design(fraud_spec(spec_file))
    text = to_markdown(design, build_graph(design), None)
    assert "| Orders per day | 10M |" in text
    assert "| Peak orders per second | 400 |" in text
    assert "DAU" not in text
    assert "| Feature-store users | 50M × 120 features |" in text
    assert "**Latency** (at p99): request path 100 ms." in text
    assert "| on-device check | 20 ms | device |" in text
    assert "- **Positive rate:** 0.2%" in text
    assert "- **Negative downsampling:** 5% of negatives kept" in text
    assert "- **Label delay:** 30 days until a label is final" in text
    assert "- **Split:** time-based" in text
    assert "**Operating point.** At a fixed decline rate of 1%; sends to human review 0.5%." in text
    assert "A false negative costs \\$120." in text  # `$` escaped for Markdown math
    assert "| GBDT | cloud | Final score |" in text
    assert "### Rules first or model only" in text
    assert "**Our choice: Rules + model.** Known-bad cards must be blocked at once." in text


def test_stages_over_budget_are_an_error_on_the_stages_line(spec_file):
    text = FRAUD.replace("{name: scoring, ms: 30}", "{name: scoring, ms: 60}")
    path = fraud_spec(spec_file, text)
    stages_line = path.read_text().splitlines().index("    stages:") + 1
    with pytest.raises(SpecError) as caught:
        load_design(path)
    (problem,) = caught.value.problems
    assert (problem.line, problem.key) == (stages_line, "requirements.latency.stages")
    assert "the stages add up to 105 ms, over the 100 ms request-path budget" in problem.message


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("positive_rate", "150%", "must be at most 1"),
        ("label_delay", "3 fortnights", "unknown time unit 'fortnights'"),
        ("label_delay", "nan", "finite"),
    ],
)
def test_bad_values_are_located_errors(spec_file, field: str, value: str, message: str):
    text = FRAUD.replace("data:\n", f"data:\n  {field}: {value}\n", 1)
    text = text.replace("  positive_rate: 0.2%\n", "") if field == "positive_rate" else text
    text = text.replace("  label_delay: 30 days\n", "") if field == "label_delay" else text
    with pytest.raises(SpecError) as caught:
        load_design(fraud_spec(spec_file, text))
    assert any(message in p.message and p.key == f"data.{field}" for p in caught.value.problems)


def test_an_operating_point_must_say_where_it_sits(spec_file):
    text = FRAUD.replace(
        "{fixed_decline_rate: 1%, review_rate: 0.5%, note: Decline fewer good orders.}",
        "{note: somewhere}",
    )
    with pytest.raises(SpecError) as caught:
        load_design(fraud_spec(spec_file, text))
    assert any("say where the threshold sits" in p.message for p in caught.value.problems)


def test_the_prompts_noun_is_escaped_wherever_it_lands(spec_file):
    text = FRAUD.replace("{unit: orders,", "{unit: 'or|ders <b>',")
    design = load_design(fraud_spec(spec_file, text))
    markdown = to_markdown(design, build_graph(design), None)
    assert "or|ders" not in markdown and "<b>" not in markdown
    assert "or\\|ders" in markdown  # a literal bar inside a table cell

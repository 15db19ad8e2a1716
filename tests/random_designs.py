"""Random valid designs (fixed seeds) for the layout tests and tools/layout_ladder.py."""

from __future__ import annotations

import random

import yaml

from mlsd_diagrams.catalog import kind_names
from mlsd_diagrams.load import Document
from mlsd_diagrams.model import Design, FlowKind
from mlsd_diagrams.stages import Stage
from mlsd_diagrams.validate import validate

WORDS = [
    "user",
    "item",
    "score",
    "rank",
    "embed",
    "click",
    "log",
    "event",
    "model",
    "train",
    "serve",
    "cache",
    "query",
    "store",
]


def random_spec(seed: int, components: int, flows: int) -> dict:
    """A valid spec of `components` and up to `flows` labelled flows, some with steps."""
    rng = random.Random(seed)
    kinds, stages = kind_names(), [s.value for s in Stage]
    items = [
        {
            "id": f"c{i}",
            "kind": rng.choice(kinds),
            "label": " ".join(rng.choices(WORDS, k=rng.randint(1, 4))),
            "stage": rng.choice(stages),
        }
        for i in range(components)
    ]
    pairs: dict[tuple[str, str], dict] = {}
    for _ in range(flows * 3):
        if len(pairs) >= flows:
            break
        a, b = rng.sample(range(components), 2)
        flow = {"from": f"c{a}", "to": f"c{b}", "kind": rng.choice([k.value for k in FlowKind])}
        if rng.random() < 0.8:
            flow["label"] = " ".join(rng.choices(WORDS, k=rng.randint(1, 3)))
        if rng.random() < 0.2:
            flow["step"] = rng.randint(1, 20)
        pairs.setdefault((flow["from"], flow["to"]), flow)
    return {
        "id": f"random-{seed}",
        "title": f"Random design {seed}",
        "prompt": "A random graph.",
        "components": items,
        "flows": list(pairs.values()),
    }


def random_design(seed: int, components: int, flows: int) -> Design:
    return validate(Document(f"random-{seed}.yaml", random_spec(seed, components, flows)))


def spec_text(spec: dict) -> str:
    return yaml.safe_dump(spec, sort_keys=False, width=100)

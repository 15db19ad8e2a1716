"""The stages of a design, in the order an answer draws them: each one's title and zone.

A stage is one cluster of the diagram; its zone says whether it works offline (in batches,
over hours) or online (per request, in milliseconds). The model, the graph, the renderers,
the views and the review read the stages from here. No pydantic: the no-op build imports it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

Zone = Literal["offline", "online"]


class Stage(StrEnum):
    """Where a component lives; each stage is one cluster of the diagram, left to right."""

    client = "client"
    data = "data"
    features = "features"
    training = "training"
    serving = "serving"
    monitoring = "monitoring"


@dataclass(frozen=True)
class StageInfo:
    stage: Stage
    title: str  # the cluster's title
    zone: Zone


STAGES: tuple[StageInfo, ...] = (
    StageInfo(Stage.client, "Client", "online"),
    StageInfo(Stage.data, "Data", "offline"),
    StageInfo(Stage.features, "Features", "offline"),
    StageInfo(Stage.training, "Training", "offline"),
    StageInfo(Stage.serving, "Serving", "online"),
    StageInfo(Stage.monitoring, "Monitoring", "online"),
)
TITLES: dict[Stage, str] = {info.stage: info.title for info in STAGES}
ORDER: dict[Stage, int] = {info.stage: rank for rank, info in enumerate(STAGES)}
OFFLINE = frozenset(info.stage.value for info in STAGES if info.zone == "offline")
ONLINE = frozenset(info.stage.value for info in STAGES if info.zone == "online")


def zone(stage: str) -> Zone:
    """The zone of a stage (by its name)."""
    return "offline" if stage in OFFLINE else "online"

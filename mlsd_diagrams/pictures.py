"""Which pictures one design gets, each a graph and the options to draw it with.

- the overview: the whole architecture, with its key;
- the views: one concern each (see views.py), and the offline-vs-online highlight;
- the build-up: frames that add the stages in the order of the 7-step answer, all laid out
  like the final picture (later stages are laid out but not drawn), so nothing jumps between
  frames and a candidate rehearses the order in which to draw the system. Frames are drawn
  small (the GIF), with labels sized to be read there (style.for_frames); feedback flows
  close the loop and appear only in the last frame, with the whole system.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .arrange import arranged
from .graph import Graph
from .model import Design
from .render import style
from .render.dot import ZONES_CAPTION, Options
from .stages import STAGES, Stage
from .steps import STEPS
from .views import design_views, view_graph


@dataclass(frozen=True)
class Picture:
    name: str  # the file name without its extension, relative to the design's folder
    graph: Graph
    options: Options
    dpi: int | None = None  # the resolution to draw at; None: Graphviz's (96 dpi on screen)


# Each stage (drawn in the stages' order) with the steps of the framework it serves.
BUILD_UP: dict[Stage, tuple[tuple[int, ...], str]] = {
    Stage.client: ((1,), "who asks, and for what"),
    Stage.data: ((3,), "sources, events and labels"),
    Stage.features: ((3,), "features, offline and online"),
    Stage.training: ((4, 5), "training, evaluation, registry"),
    Stage.serving: ((6,), "the online request path"),
    Stage.monitoring: ((7,), "drift, alerts and feedback"),
}
ZONES_NAME = "offline-online"
EMPTY_CAPTION = "No components yet: add them under components: (mlsd kinds lists the kinds)"


def _caption(stage: Stage) -> str:
    """A frame's caption: the steps its stage serves, named by the first one's section."""
    numbers, what = BUILD_UP[stage]
    which = f"Step {numbers[0]}" if len(numbers) == 1 else f"Steps {numbers[0]}-{numbers[-1]}"
    return f"{which}, {STEPS[numbers[0] - 1].section}: {what}"


def theme_of(design: Design, theme: str | None = None) -> style.Theme:
    """The theme to draw with: the command line's, else the spec's."""
    return style.THEMES[theme or design.diagram.theme.value]


def overview(design: Design, graph: Graph, theme: str | None = None) -> Picture:
    """The whole design; a draft with nothing to draw yet says what to add."""
    caption = None if graph.nodes else EMPTY_CAPTION
    options = Options(theme=theme_of(design, theme), legend=design.diagram.legend, caption=caption)
    return Picture(design.id, graph, arranged(graph, options))


def view_pictures(design: Design, graph: Graph, theme: str | None = None) -> list[Picture]:
    """One picture per view, then the offline-vs-online highlight of the whole design."""
    base = overview(design, graph, theme).options
    plain = Options(theme=base.theme, legend=base.legend)
    pictures = []
    for view in design_views(design):
        shown = view_graph(graph, view)
        pictures.append(Picture(f"views/{view.id}", shown, arranged(shown, plain, whole=False)))
    zones = replace(base, zones=True, caption=ZONES_CAPTION)
    return [*pictures, Picture(f"views/{ZONES_NAME}", graph, zones)]


def build_up(design: Design, graph: Graph, theme: str | None = None) -> list[Picture]:
    """The frames of the build-up: frame k draws the first k stages the design has."""
    base = overview(design, graph, theme).options
    present = {cluster.stage for cluster in graph.clusters}
    steps = [(info.stage.value, _caption(info.stage)) for info in STAGES if info.stage in present]
    if not steps:  # a draft without components: one frame, the overview with its hint
        return [Picture("buildup/01-overview", graph, base, dpi=style.FRAME_DPI)]
    frames = []
    for number, (stage, caption) in enumerate(steps, start=1):
        later = frozenset(s for s, _ in steps[number:])
        options = replace(
            base,
            theme=style.for_frames(base.theme),  # labels readable at the GIF's size
            hidden=later,
            caption=f"{number}/{len(steps)}  {caption}",
        )
        name = f"buildup/{number:02d}-{stage}"
        frames.append(Picture(name, graph, options, dpi=style.FRAME_DPI))
    return frames

"""The look of a diagram: one table per element, so a theme is a change of tables.

The module-level tables are the `light` theme; `dark` and `whiteboard` swap colours and fonts
but keep every line style, so a reader who learned the key of one theme can read the others.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..graph import Edge
from ..themes import THEME_NAMES

FONT = "DejaVu Sans"

GRAPH = {
    "fontname": FONT,
    "fontsize": "26",
    "fontcolor": "#1E2A35",
    "labelloc": "t",
    "labeljust": "c",
    "pad": "0.4",
    "nodesep": "0.45",
    "ranksep": "0.7",
    "splines": "spline",
    "newrank": "true",  # avoids dot's "trouble in init_rank" crash on labelled edges in clusters
    "bgcolor": "#FFFFFF",
}

# Other spacings the layout search tries (arrange.py), by name; "" is GRAPH's own. Tighter is
# smaller, so labels stay larger once the picture is fitted to a screen, at the risk of labels
# nearer other edges; looser keeps a label away from the next edge.
SPACINGS: dict[str, dict[str, str]] = {
    "": {},
    "compact": {"nodesep": "0.35", "ranksep": "0.55"},
    "tight": {"nodesep": "0.25", "ranksep": "0.45"},
    "loose": {"nodesep": "1.0", "ranksep": "1.2"},
}

NODE = {
    "shape": "plain",
    "fixedsize": "false",
    "width": "0",
    "height": "0",
    "fontname": FONT,
    "fontsize": "18",
    "fontcolor": "#1E2A35",
}

EDGE = {
    "fontname": FONT,
    "fontsize": "18",  # 12 px or more once a picture of 25 components is fitted to a screen
    "arrowsize": "0.9",
}

# Whiteboard conventions: solid = online request, dashed = batch, bold = stream,
# dotted = feedback (drawn without pulling the layout backwards).
FLOW = {
    "request": {"color": "#1A5FB4", "fontcolor": "#1A5FB4", "style": "solid", "penwidth": "2.0"},
    "batch": {"color": "#5E5C64", "fontcolor": "#5E5C64", "style": "dashed", "penwidth": "1.8"},
    "stream": {"color": "#C64600", "fontcolor": "#C64600", "style": "bold", "penwidth": "2.6"},
    "feedback": {
        "color": "#26A269",
        "fontcolor": "#1E7B4F",
        "style": "dotted",
        "penwidth": "2.2",
        "constraint": "false",
    },
}

CLUSTER = {
    "fontname": FONT,
    "fontsize": "17",
    "fontcolor": "#1E2A35",
    "labeljust": "l",
    "style": "rounded,filled",
    "penwidth": "1.4",
    "margin": "18",
}

STAGE_COLORS = {
    "client": ("#F4F4F6", "#9A9AA8"),
    "data": ("#EAF3FB", "#8DB4DA"),
    "features": ("#EDF7EC", "#93C48D"),
    "training": ("#F3EEFA", "#B29BD6"),
    "serving": ("#FFF6E5", "#E2B45C"),
    "monitoring": ("#FCEDEE", "#DE9197"),
}

LABEL_WRAP = 16
EDGE_LABEL_WRAP = 14  # "probabilities", "low-confidence" stay whole
ICON_SIZE = 64  # points
KEY_ICON_SIZE = 24  # points
KEY_ROWS = 2  # rows in the key at most, the flow kinds in a block of their own on the left
# (an overview is landscape: it has the width; a row more costs the whole picture height,
# so every label shrinks once the picture is fitted to a screen)
STUB_FONT_SIZE = "12"
KEY_GAP = 10  # points between the flow kinds and the component kinds of the key
STEP_MARKS = "①②③④⑤⑥⑦⑧⑨⑩"  # DejaVu Sans has no glyph past ⑩


@dataclass(frozen=True)
class Theme:
    """Every table a diagram is drawn with."""

    name: str
    font: str
    graph: dict[str, str]
    node: dict[str, str]
    edge: dict[str, str]
    flow: dict[str, dict[str, str]]
    cluster: dict[str, str]
    stage_colors: dict[str, tuple[str, str]]
    muted: str  # stubs, the key's frame and other secondary ink
    zones: dict[str, tuple[str, str]]  # (fill, pen) of the offline and online highlight
    icon_tile: str | None = None  # a light tile behind icons, for dark backgrounds


# White page, soft stage colours (the default).
LIGHT = Theme(
    name="light",
    font=FONT,
    graph=GRAPH,
    node=NODE,
    edge=EDGE,
    flow=FLOW,
    cluster=CLUSTER,
    stage_colors=STAGE_COLORS,
    muted="#77767B",
    zones={"offline": ("#E8EDF6", "#4C5F86"), "online": ("#FFF1DC", "#B07A1E")},
)


def _themed(
    name: str,
    *,
    font: str,
    ink: str,
    paper: str,
    flow_colors: dict[str, tuple[str, str]],
    stage_colors: dict[str, tuple[str, str]],
    muted: str,
    zones: dict[str, tuple[str, str]],
    cluster: dict[str, str] | None = None,
    pen_scale: float = 1.0,
    icon_tile: str | None = None,
) -> Theme:
    """A theme with the light theme's line styles and layout, in other inks and fonts."""
    flow = {
        kind: {
            **attrs,
            "color": flow_colors[kind][0],
            "fontcolor": flow_colors[kind][1],
            "penwidth": f"{float(attrs['penwidth']) * pen_scale:.1f}",
        }
        for kind, attrs in FLOW.items()
    }
    fonts = {"fontname": font, "fontcolor": ink}
    return Theme(
        name=name,
        font=font,
        graph={**GRAPH, **fonts, "bgcolor": paper},
        node={**NODE, **fonts},
        edge={**EDGE, "fontname": font},
        flow=flow,
        cluster={**CLUSTER, **fonts, **(cluster or {})},
        stage_colors=stage_colors,
        muted=muted,
        zones=zones,
        icon_tile=icon_tile,
    )


# A dark page for slides and dark-mode READMEs; icons on light tiles.
DARK = _themed(
    "dark",
    font=FONT,
    ink="#E6EDF3",
    paper="#16191D",
    flow_colors={
        "request": ("#58A6FF", "#79B8FF"),
        "batch": ("#A3ABB5", "#C0C6CD"),
        "stream": ("#FF9A4D", "#FFB077"),
        "feedback": ("#56D364", "#7EE787"),
    },
    stage_colors={
        "client": ("#262B31", "#6E7681"),
        "data": ("#142536", "#3D6C9E"),
        "features": ("#152C19", "#3F8A47"),
        "training": ("#251E39", "#7C62B5"),
        "serving": ("#33270F", "#B8862E"),
        "monitoring": ("#341B1F", "#B8545E"),
    },
    muted="#8B949E",
    zones={"offline": ("#1C2128", "#768390"), "online": ("#231F18", "#C69026")},
    icon_tile="#E9EDF1",
)

# Marker colours on a white board: no fills, thick strokes, a handwriting font.
WHITEBOARD_FONT = "Humor Sans"
WHITEBOARD = _themed(
    "whiteboard",
    font=WHITEBOARD_FONT,
    ink="#1E1E1E",
    paper="#FFFFFF",
    flow_colors={
        "request": ("#1971C2", "#1864AB"),
        "batch": ("#343A40", "#343A40"),
        "stream": ("#E8590C", "#D9480F"),
        "feedback": ("#2F9E44", "#2B8A3E"),
    },
    stage_colors={
        "client": ("#FFFFFF", "#343A40"),
        "data": ("#FFFFFF", "#1971C2"),
        "features": ("#FFFFFF", "#2F9E44"),
        "training": ("#FFFFFF", "#9C36B5"),
        "serving": ("#FFFFFF", "#E8590C"),
        "monitoring": ("#FFFFFF", "#E03131"),
    },
    muted="#868E96",
    zones={"offline": ("#FFFFFF", "#495057"), "online": ("#FFFFFF", "#E8590C")},
    cluster={"style": "rounded", "penwidth": "2.4"},
    pen_scale=1.3,
)

_DRAWN = {theme.name: theme for theme in (LIGHT, DARK, WHITEBOARD)}
THEMES: dict[str, Theme] = {name: _DRAWN[name] for name in THEME_NAMES}  # one per name

FRAME_DPI = 48  # the build-up's frames are drawn at half the screen resolution (pictures.py)
READABLE_PX = 12  # the smallest label a frame of the GIF may show, in its own pixels
FRAME_FONT_SIZE = str(round(READABLE_PX * 72 / FRAME_DPI))  # 18 pt: 12 px at 48 dpi


def for_frames(theme: Theme) -> Theme:
    """`theme` with component and flow labels large enough to read in the GIF's frames."""
    size = {"fontsize": FRAME_FONT_SIZE}
    return replace(theme, node={**theme.node, **size}, edge={**theme.edge, **size})


def key_line(attrs: dict[str, str]) -> tuple[int, str]:
    """A flow kind's line in the key, drawn as a table cell's border (never as glyphs, which
    depend on the reader's fonts): its width in points and its style (solid, dashed, dotted)."""
    dash = next((s for s in ("dashed", "dotted") if s in attrs["style"]), "solid")
    return max(1, round(float(attrs["penwidth"]))), dash


def step_mark(step: int) -> str:
    """①, ②, ... for a step number; (21) past the circled digits."""
    return STEP_MARKS[step - 1] if step <= len(STEP_MARKS) else f"({step})"


def edge_text(edge: Edge) -> str:
    """The text an edge shows (step mark and label), before any escaping."""
    step = step_mark(edge.step) if edge.step else ""
    return " ".join(part for part in (step, edge.label or "") if part)

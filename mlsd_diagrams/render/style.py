"""The look of a diagram: one table per element, so a theme is a change of tables."""

from __future__ import annotations

from ..graph import Edge

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

NODE = {
    "shape": "plain",
    "fixedsize": "false",
    "width": "0",
    "height": "0",
    "fontname": FONT,
    "fontsize": "15",
    "fontcolor": "#1E2A35",
}

EDGE = {
    "fontname": FONT,
    "fontsize": "13",
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
EDGE_LABEL_WRAP = 14
ICON_SIZE = 64  # points
STEP_MARKS = "①②③④⑤⑥⑦⑧⑨⑩"  # DejaVu Sans has no glyph past ⑩


def step_mark(step: int) -> str:
    """①, ②, ... for a step number; (21) past the circled digits."""
    return STEP_MARKS[step - 1] if step <= len(STEP_MARKS) else f"({step})"


def edge_text(edge: Edge) -> str:
    """The text an edge shows (step mark and label), before any escaping."""
    step = step_mark(edge.step) if edge.step else ""
    return " ".join(part for part in (step, edge.label or "") if part)

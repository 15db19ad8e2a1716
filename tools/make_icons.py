"""Draw the flat, vendor-neutral MLSD icons into ``mlsd_diagrams/icons/mlsd/``.

Every icon is a 256x256 RGBA PNG with a transparent background, drawn in the
Google-Cloud glyph style (two blue shades plus at most one accent colour).
Shapes are drawn at 4x on a 1024 px canvas and downscaled with LANCZOS for
antialiasing. The output is deterministic: re-running gives byte-identical files.

Usage: python tools/make_icons.py
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

SIZE = 256  # final icon size in px
SCALE = 4  # supersampling factor
OUT_DIR = Path(__file__).resolve().parent.parent / "mlsd_diagrams" / "icons" / "mlsd"

BLUE = (66, 133, 244, 255)  # #4285F4
LIGHT = (174, 203, 250, 255)  # #AECBFA
WHITE = (255, 255, 255, 255)
YELLOW = (251, 188, 4, 255)  # #FBBC04
GREEN = (52, 168, 83, 255)  # #34A853
CLEAR = (0, 0, 0, 0)  # drawing with this "cuts" transparent gaps
GAP_FILTER = 8 * SCALE + 1  # MaxFilter size giving a ~4 px gap at 256 px

Point = tuple[float, float]
Color = tuple[int, int, int, int]


class Pen:
    """ImageDraw wrapper taking coordinates in 256 px icon space."""

    def __init__(self, img: Image.Image) -> None:
        self.draw = ImageDraw.Draw(img)

    @staticmethod
    def _s(values: Sequence[float]) -> list[float]:
        return [v * SCALE for v in values]

    def rect(self, box: Sequence[float], fill: Color, radius: float = 0) -> None:
        self.draw.rounded_rectangle(self._s(box), radius=radius * SCALE, fill=fill)

    def frame(self, box: Sequence[float], color: Color, width: float, radius: float = 0) -> None:
        self.draw.rounded_rectangle(
            self._s(box), radius=radius * SCALE, outline=color, width=round(width * SCALE)
        )

    def ellipse(self, box: Sequence[float], fill: Color) -> None:
        self.draw.ellipse(self._s(box), fill=fill)

    def circle(self, center: Point, r: float, fill: Color) -> None:
        x, y = center
        self.ellipse((x - r, y - r, x + r, y + r), fill)

    def polygon(self, points: Sequence[Point], fill: Color) -> None:
        self.draw.polygon([(x * SCALE, y * SCALE) for x, y in points], fill=fill)

    def arc(
        self, box: Sequence[float], start: float, end: float, color: Color, width: float
    ) -> None:
        self.draw.arc(self._s(box), start, end, fill=color, width=round(width * SCALE))

    def stroke(self, points: Sequence[Point], color: Color, width: float) -> None:
        """Polyline with round joints and round caps."""
        self.draw.line(
            [(x * SCALE, y * SCALE) for x, y in points],
            fill=color,
            width=round(width * SCALE),
            joint="curve",
        )
        for p in (points[0], points[-1]):
            self.circle(p, width / 2, color)


def canvas() -> tuple[Image.Image, Pen]:
    """A transparent supersampled canvas and a pen drawing on it."""
    img = Image.new("RGBA", (SIZE * SCALE, SIZE * SCALE), CLEAR)
    return img, Pen(img)


def finish(img: Image.Image) -> Image.Image:
    """Downscale the supersampled canvas to the final icon size."""
    return img.resize((SIZE, SIZE), Image.Resampling.LANCZOS)


def rotated(draw_fn: Callable[[Pen], None], angle: float) -> Image.Image:
    """Draw on a fresh canvas, then rotate it (degrees, counter-clockwise) about the centre."""
    layer, pen = canvas()
    draw_fn(pen)
    return layer.rotate(angle, resample=Image.Resampling.BICUBIC)


# --- shared motifs -----------------------------------------------------------------------


def cylinder(pen: Pen, left: float, top: float, right: float, bottom: float, ry: float) -> None:
    """A database cylinder made of three stacked discs."""
    pen.ellipse((left, bottom - 2 * ry, right, bottom), BLUE)
    pen.rect((left, top + ry, right, bottom - ry), BLUE)
    step = (bottom - top - 2 * ry) / 3
    for i in (1, 2):  # transparent gaps between the discs
        y = top + i * step
        pen.arc((left, y, right, y + 2 * ry), 0, 180, CLEAR, 7)
    pen.ellipse((left, top, right, top + 2 * ry), LIGHT)


def check_badge(pen: Pen, center: Point, r: float, color: Color, gap: float = 9) -> None:
    """A filled circle with a white check mark, cut out from what lies beneath."""
    pen.circle(center, r + gap, CLEAR)
    pen.circle(center, r, color)
    x, y = center
    k = r / 40
    pen.stroke(
        [(x - 17 * k, y + 1 * k), (x - 5 * k, y + 13 * k), (x + 18 * k, y - 12 * k)], WHITE, 10 * k
    )


def arrow_head(pen: Pen, base: Point, direction: Point, length: float, half: float) -> None:
    """A triangular arrow head whose base is centred on ``base``, pointing along ``direction``."""
    (bx, by), (tx, ty) = base, direction
    nx, ny = -ty, tx
    pen.polygon(
        [
            (bx + tx * length, by + ty * length),
            (bx + nx * half, by + ny * half),
            (bx - nx * half, by - ny * half),
        ],
        BLUE,
    )


# --- icons -------------------------------------------------------------------------------


def feature_store_offline() -> Image.Image:
    img, pen = canvas()
    cylinder(pen, 24, 18, 232, 238, 30)
    # table grid on the front of the cylinder
    box = (72, 100, 184, 200)
    pen.rect((box[0] - 7, box[1] - 7, box[2] + 7, box[3] + 7), CLEAR, radius=16)
    pen.rect(box, WHITE, radius=10)
    pen.rect((box[0], box[1], box[2], box[1] + 30), LIGHT, radius=10)
    pen.rect((box[0], box[1] + 16, box[2], box[1] + 30), LIGHT)
    line = 7
    for x in (box[0] + 37, box[0] + 75):
        pen.rect((x - line / 2, box[1], x + line / 2, box[3]), BLUE)
    for y in (box[1] + 30, box[1] + 65):
        pen.rect((box[0], y - line / 2, box[2], y + line / 2), BLUE)
    pen.frame(box, BLUE, line, radius=10)
    return finish(img)


def feature_store_online() -> Image.Image:
    img, pen = canvas()
    cylinder(pen, 24, 18, 232, 238, 30)
    bolt = [(142, 88), (90, 160), (124, 160), (110, 214), (168, 134), (132, 134), (150, 88)]
    cx = sum(p[0] for p in bolt) / len(bolt)
    cy = sum(p[1] for p in bolt) / len(bolt)
    halo = [(cx + (x - cx) * 1.18, cy + (y - cy) * 1.12) for x, y in bolt]
    pen.polygon(halo, CLEAR)
    pen.polygon(bolt, YELLOW)
    return finish(img)


def re_ranking() -> Image.Image:
    img, pen = canvas()
    bar = 34
    for y, length, color in ((56, 146, BLUE), (128, 110, LIGHT), (200, 74, LIGHT)):
        pen.rect((18, y - bar / 2, 18 + length, y + bar / 2), color, radius=bar / 2)
    # curved up/down swap arrow on the right, a head at each end
    (cx, cy), r, span = (160, 128), 68, 48
    pen.arc((cx - r, cy - r, cx + r, cy + r), -span, span, BLUE, 18)
    for sign in (-1, 1):
        a = math.radians(sign * span)
        end = (cx + r * math.cos(a), cy + r * math.sin(a))
        tangent = (-math.sin(a) * sign, math.cos(a) * sign)
        arrow_head(pen, end, tangent, 32, 24)
    return finish(img)


def hash_matcher() -> Image.Image:
    img, pen = canvas()
    pen.rect((18, 18, 214, 214), LIGHT, radius=36)
    w = 18
    for x in (88, 140):
        pen.stroke([(x + 8, 54), (x - 8, 178)], BLUE, w)
    for y in (92, 142):
        pen.stroke([(52, y), (180, y)], BLUE, w)
    check_badge(pen, (196, 196), 40, GREEN)
    return finish(img)


def agent_orchestrator() -> Image.Image:
    img, pen = canvas()
    c = (128.0, 128.0)
    d = 80  # hub-to-satellite offset along each axis
    sats = [(c[0] + dx * d, c[1] + dy * d) for dx, dy in ((-1, -1), (1, -1), (-1, 1), (1, 1))]
    for s in sats:
        pen.stroke([c, s], LIGHT, 16)
    for s in sats:
        pen.circle(s, 30, BLUE)
    pen.circle(c, 52, CLEAR)
    pen.circle(c, 44, YELLOW)
    return finish(img)


def _wrench(pen: Pen) -> None:
    # open-end wrench drawn vertically, jaw at the top
    pen.rect((111, 60, 145, 240), BLUE, radius=17)
    pen.circle((128, 58), 42, BLUE)
    pen.rect((116, 0, 140, 58), CLEAR, radius=12)
    pen.circle((128, 216), 8, CLEAR)


def _screwdriver(pen: Pen) -> None:
    # handle at the bottom, shaft and flat tip at the top
    pen.rect((117, 26, 139, 140), LIGHT, radius=4)
    pen.polygon([(117, 30), (139, 30), (133, 14), (123, 14)], LIGHT)
    pen.rect((104, 134, 152, 152), BLUE, radius=6)
    pen.rect((98, 144, 158, 240), BLUE, radius=24)
    for x in (118, 138):
        pen.rect((x - 3, 162, x + 3, 224), LIGHT, radius=3)


def tool_registry() -> Image.Image:
    img, _ = canvas()
    wrench = rotated(_wrench, 45)
    driver = rotated(_screwdriver, -45)
    img.alpha_composite(wrench)
    # cut a transparent gap around the screwdriver so the two tools read separately
    halo = driver.getchannel("A").filter(ImageFilter.MaxFilter(GAP_FILTER))
    img.paste(CLEAR, (0, 0), halo)
    img.alpha_composite(driver)
    return finish(img)


def memory_store() -> Image.Image:
    img, pen = canvas()
    left, top, w, h, step, gap = 26, 44, 150, 118, 26, 8
    for i, color in enumerate((LIGHT, LIGHT, BLUE)):
        x0 = left + (2 - i) * step
        y0 = top + i * step
        box = (x0, y0, x0 + w, y0 + h)
        pen.rect((box[0] - gap, box[1] - gap, box[2] + gap, box[3] + gap), CLEAR, radius=24)
        pen.rect(box, color, radius=18)
    # clock on the front card
    cx, cy = left + w / 2, top + 2 * step + h / 2
    pen.circle((cx, cy), 42, WHITE)
    pen.stroke([(cx, cy - 26), (cx, cy), (cx + 20, cy + 12)], BLUE, 12)
    return finish(img)


def human_approval() -> Image.Image:
    img, pen = canvas()
    pen.circle((110, 72), 50, BLUE)
    pen.rect((26, 140, 194, 320), BLUE, radius=84)  # shoulders, cut flat below
    pen.rect((0, 234, SIZE, SIZE), CLEAR)
    check_badge(pen, (194, 192), 42, GREEN)
    return finish(img)


ICONS: dict[str, Callable[[], Image.Image]] = {
    "feature-store-offline": feature_store_offline,
    "feature-store-online": feature_store_online,
    "re-ranking": re_ranking,
    "hash-matcher": hash_matcher,
    "agent-orchestrator": agent_orchestrator,
    "tool-registry": tool_registry,
    "memory-store": memory_store,
    "human-approval": human_approval,
}


def main() -> None:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for name, draw in ICONS.items():
        path = OUT_DIR / f"{name}.png"
        draw().save(path, format="PNG", optimize=False)
        print(f"wrote {path} ({path.stat().st_size} bytes)")


if __name__ == "__main__":
    main()

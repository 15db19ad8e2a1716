"""The build-up frames as one animated GIF (pillow): the stages appear one after another."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from PIL import Image, ImageColor

from .graphviz import cores

if TYPE_CHECKING:
    from .style import Theme

FRAME_MS = 1600
LAST_FRAME_MS = 4000
MAX_WIDTH = 2600  # pixels: frames wider than this are shrunk (their labels are 12 px at 1:1,
# style.for_frames), so only a picture of over 3,900 pt shows labels under 12 px


def animation(frames: list[Path], target: Path, theme: Theme) -> None:
    """The `gif` format's last step: the drawn frames as one GIF on the theme's paper."""
    animate(frames, target, background=theme.graph["bgcolor"])


def animate(frames: list[Path], target: Path, background: str = "#FFFFFF") -> None:
    """Write `frames` (PNG files, in order) to `target` as a looping GIF.

    Frames can differ by a few pixels in size (only captions change); each is pasted on a
    canvas of the largest size, so the picture never jumps. All frames share one palette,
    taken from the last frame (it draws every stage, so it has every colour of the others):
    the colours never flicker between frames, and mapping a frame to a known palette is
    several times faster than finding a palette per frame. The last frame is read once (for
    the palette, and as itself); the others are read and mapped a few at a time, one per
    core (Pillow decodes and maps without holding the interpreter), in order.
    """
    sizes = [_size(path) for path in frames]
    width, height = max(w for w, _ in sizes), max(h for _, h in sizes)
    scale = min(1.0, MAX_WIDTH / width)
    size = (round(width * scale), round(height * scale))

    def canvas(path: Path) -> Image.Image:
        with Image.open(path) as image:
            board = Image.new("RGB", (width, height), background)
            board.paste(image.convert("RGB"), (0, 0))
        return board.resize(size, Image.Resampling.LANCZOS) if scale < 1.0 else board

    last = canvas(frames[-1])
    palette = _palette(last, ImageColor.getrgb(background))

    def indexed(path: Path | None) -> Image.Image:
        drawn = last if path is None else canvas(path)
        return drawn.quantize(palette=palette, dither=Image.Dither.NONE)

    durations = [FRAME_MS] * (len(frames) - 1) + [LAST_FRAME_MS]
    with ThreadPoolExecutor(cores()) as pool:
        mapped = _in_order(pool, indexed, [*frames[:-1], None], ahead=cores())
        first = next(mapped)
        first.save(
            target,
            format="GIF",
            save_all=True,
            append_images=mapped,
            duration=durations,
            loop=0,
            optimize=False,
            disposal=1,
        )


_Item = TypeVar("_Item")


def _in_order(
    pool: ThreadPoolExecutor,
    work: Callable[[_Item], Image.Image],
    items: list[_Item],
    ahead: int,
) -> Iterator[Image.Image]:
    """`work` of each item, in order, computed in `pool` at most `ahead` items ahead of the
    one taken (so a long build-up is never all held at once)."""
    started: deque[Future[Image.Image]] = deque()
    for item in items:
        started.append(pool.submit(work, item))
        if len(started) > ahead:
            yield started.popleft().result()
    while started:
        yield started.popleft().result()


def _palette(image: Image.Image, paper: tuple[int, ...]) -> Image.Image:
    """An octree palette of `image` (fast), with the paper's colour exact: the octree
    averages its buckets, which would tint the whole background."""
    palette = image.quantize(colors=255, method=Image.Quantize.FASTOCTREE)
    colors = palette.getpalette() or []
    triples = [tuple(colors[i : i + 3]) for i in range(0, len(colors), 3)]
    nearest = min(
        range(len(triples)),
        key=lambda i: sum((a - b) ** 2 for a, b in zip(triples[i], paper[:3], strict=True)),
    )
    colors[3 * nearest : 3 * nearest + 3] = paper[:3]
    palette.putpalette(colors)
    return palette


def _size(path: Path) -> tuple[int, int]:
    with Image.open(path) as image:  # reads the header only
        return image.size

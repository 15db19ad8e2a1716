"""The build-up frames as one animated GIF (pillow): the stages appear one after another."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

FRAME_MS = 1600
LAST_FRAME_MS = 4000
MAX_WIDTH = 2600  # pixels: frames wider than this are shrunk (their labels are 12 px at 1:1,
# style.for_frames), so only a picture of over 3,900 pt shows labels under 12 px


def animate(frames: list[Path], target: Path, background: str = "#FFFFFF") -> None:
    """Write `frames` (PNG files, in order) to `target` as a looping GIF.

    Frames can differ by a few pixels in size (only captions change); each is pasted on a
    canvas of the largest size, so the picture never jumps.
    """
    images = [Image.open(path).convert("RGB") for path in frames]
    width = max(image.width for image in images)
    height = max(image.height for image in images)
    scale = min(1.0, MAX_WIDTH / width)
    size = (round(width * scale), round(height * scale))
    canvases = []
    for image in images:
        canvas = Image.new("RGB", (width, height), background)
        canvas.paste(image, (0, 0))
        if scale < 1.0:
            canvas = canvas.resize(size, Image.Resampling.LANCZOS)
        canvases.append(canvas.quantize(colors=255, dither=Image.Dither.NONE))
    durations = [FRAME_MS] * (len(canvases) - 1) + [LAST_FRAME_MS]
    canvases[0].save(
        target,
        format="GIF",
        save_all=True,
        append_images=canvases[1:],
        duration=durations,
        loop=0,
        optimize=False,
        disposal=1,
    )

"""An SVG reads the same on a machine without the fonts it was drawn with.

Chromium (Debian's) opens the SVG twice: with this machine's fonts, and with a fontconfig that
has neither DejaVu nor Humor Sans, as on a reader's Mac or Windows machine.
Every text element must keep its width. The same SVG without its embedded fonts is measured
too, to show that the check sees the difference.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import CHROMIUM_FLAGS, ROOT, chromium_path, served

from mlsd_diagrams.build import render_file

playwright = pytest.importorskip("playwright.sync_api", reason="pip install playwright")

# This machine's fontconfig, less DejaVu and Humor Sans (the fonts the SVGs are drawn with).
WITHOUT_OUR_FONTS = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="no">/etc/fonts/fonts.conf</include>
  <selectfont><rejectfont>
    <glob>*/dejavu/*</glob>
    <glob>*/humor-sans/*</glob>
  </rejectfont></selectfont>
  <cachedir>{cache}</cachedir>
</fontconfig>
"""

WIDTHS = "els => els.map(e => e.getComputedTextLength())"


@pytest.fixture(scope="module")
def pictures(tmp_path_factory) -> Path:
    """video-recommendation's overview in the light and the whiteboard theme, and the light one
    with its fonts taken out."""
    out = tmp_path_factory.mktemp("svg")
    spec = ROOT / "designs" / "video-recommendation.yaml"
    for theme in ("light", "whiteboard"):
        render_file(spec, out / theme, ("svg",), theme=theme)
        (out / f"{theme}.svg").write_bytes(
            (out / theme / "video-recommendation" / "video-recommendation.svg").read_bytes()
        )
    light = (out / "light.svg").read_text()
    (out / "unembedded.svg").write_text(re.sub(r"<style>.*?</style>", "", light, flags=re.S))
    return out


def _widths(folder: Path, names: list[str], env: dict[str, str] | None) -> dict[str, list[float]]:
    with playwright.sync_playwright() as driver, served(folder) as url:
        browser = driver.chromium.launch(
            executable_path=chromium_path(), args=CHROMIUM_FLAGS, env=env
        )
        try:
            page = browser.new_page()
            widths = {}
            for name in names:
                page.goto(f"{url}/{name}")
                page.evaluate("document.fonts.ready")
                widths[name] = page.eval_on_selector_all("text", WIDTHS)
            return widths
        finally:
            browser.close()


def _largest_change(before: list[float], after: list[float]) -> float:
    assert len(before) == len(after) > 20
    return max(abs(a - b) / b for a, b in zip(before, after, strict=True) if b > 0)


def test_text_keeps_its_width_without_the_fonts_installed(pictures: Path, tmp_path: Path):
    config = tmp_path / "fonts.conf"
    config.write_text(WITHOUT_OUR_FONTS.format(cache=tmp_path / "cache"))
    names = ["light.svg", "whiteboard.svg", "unembedded.svg"]
    here = _widths(pictures, names, None)
    elsewhere = _widths(pictures, names, {"FONTCONFIG_FILE": str(config)})
    assert _largest_change(here["light.svg"], elsewhere["light.svg"]) < 0.005
    assert _largest_change(here["whiteboard.svg"], elsewhere["whiteboard.svg"]) < 0.005
    # the check can fail: without the embedded fonts, labels change width by more than 5%
    assert _largest_change(here["unembedded.svg"], elsewhere["unembedded.svg"]) > 0.05


def test_every_text_names_a_generic_family_last(pictures: Path) -> None:
    svg = (pictures / "whiteboard.svg").read_text()
    families = set(re.findall(r'<text\b[^>]*font-family="([^"]+)"', svg))
    assert families == {"Humor Sans,DejaVu Sans,sans-serif"}
    faces = re.findall(r'@font-face\{font-family:"([^"]+)";src:url\(data:font/woff;base64,', svg)
    assert sorted(faces) == ["DejaVu Sans", "Humor Sans"]


def test_font_subsets_are_cached_on_disk_and_a_bad_cache_is_ignored(tmp_path: Path, monkeypatch):
    from mlsd_diagrams.render import fonts

    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg">'
        '<text font-family="DejaVu Sans" font-size="14.00">Ranking ① é</text></svg>'
    )

    def fresh() -> str:
        fonts._subset.cache_clear()
        fonts._charset.cache_clear()
        return fonts.embed_fonts(svg)

    monkeypatch.setenv("MLSD_CACHE_DIR", str(tmp_path / "cache"))
    first = fresh()
    (cached,) = (tmp_path / "cache").rglob("*.woff")
    assert first == fresh()  # read back from the cache: the same bytes
    cached.write_bytes(b"not a font")
    assert fresh() == first and cached.read_bytes().startswith(b"wOFF")  # rebuilt
    (tmp_path / "blocked").write_text("a file where the cache folder would be")
    monkeypatch.setenv("MLSD_CACHE_DIR", str(tmp_path / "blocked"))
    assert fresh() == first  # no cache is no error

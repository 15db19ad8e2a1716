"""Rendering for real: the real `dot`, real files, checked for what a user relies on."""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import pytest
from conftest import ROOT
from PIL import Image

from mlsd_diagrams.build import load_design, render_file
from mlsd_diagrams.errors import GraphvizNotFoundError, SpecError

EXAMPLE = ROOT / "designs" / "video-recommendation.yaml"


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("out")
    render_file(EXAMPLE, out)
    return out / "video-recommendation"


def test_every_format_is_written(rendered: Path):
    names = sorted(p.relative_to(rendered).as_posix() for p in rendered.rglob("*.*"))
    stages = ("client", "data", "features", "training", "serving", "monitoring")
    views = ("data", "monitoring", "offline-online", "serving", "training")
    assert names == [
        *(f"buildup/{number:02d}-{stage}.png" for number, stage in enumerate(stages, 1)),
        "icons/feature-store-online.png",
        "icons/re-ranking.png",
        *(
            f"video-recommendation.{ext}"
            for ext in ("dot", "excalidraw", "gif", "md", "pdf", "png", "py", "svg")
        ),
        *(f"views/{view}.svg" for view in views),
    ]
    assert (rendered / "video-recommendation.pdf").read_bytes().startswith(b"%PDF")


def test_png_is_screen_sized_and_not_blank(rendered: Path):
    image = Image.open(rendered / "video-recommendation.png")
    width, height = image.size
    assert 1200 <= width <= 4000 and 600 <= height <= 3000
    colours = image.convert("RGB").resize((64, 32)).getcolors(64 * 32)
    assert colours is not None and len(colours) > 20  # icons, clusters and text, not a blank page


def test_svg_is_self_contained(rendered: Path):
    svg = (rendered / "video-recommendation.svg").read_text(encoding="utf-8")
    hrefs = re.findall(r'<image\b[^>]*xlink:href="([^"]+)"', svg)
    design = load_design(EXAMPLE)
    kinds = {component.kind for component in design.components}
    assert len(hrefs) == len(design.components) + len(kinds)  # one per box, one per key entry
    for picture in [rendered / "video-recommendation.svg", *rendered.glob("views/*.svg")]:
        svg = picture.read_text(encoding="utf-8")
        for href in re.findall(r'<image\b[^>]*xlink:href="([^"]+)"', svg):
            assert href.startswith("data:image/png;base64,")
            Image.open(io.BytesIO(base64.b64decode(href.split(",", 1)[1]))).verify()
        assert "site-packages" not in svg and "/tmp" not in svg and str(Path.home()) not in svg
    svg = (rendered / "video-recommendation.svg").read_text(encoding="utf-8")
    assert "Video recommendation (YouTube&#45;like)" in svg  # text stays text


def test_fonts_and_icons_go_into_an_svg_in_either_order(rendered: Path):
    """The fonts are embedded before the icons are inlined (their patterns then scan far less
    text): the same bytes as the other way round, on a real drawing with icons and text."""
    from mlsd_diagrams import catalog
    from mlsd_diagrams.render.fonts import embed_fonts
    from mlsd_diagrams.render.graphviz import run_dot
    from mlsd_diagrams.render.svg import finish, inline_icons, self_contained

    source = (rendered / "video-recommendation.dot").read_text(encoding="utf-8")
    source = source.replace('label="', 'label="é → ✓ ', 1)  # text of several UTF-8 widths
    drawn = rendered.parent / "drawn.svg"
    run_dot(source, {"svg": drawn}, catalog.icon_search_path())
    svg = drawn.read_text(encoding="utf-8")
    assert "<image" in svg and "<text" in svg and "é → ✓" in svg
    assert self_contained(svg) == embed_fonts(inline_icons(svg))
    # the format's last step works on the bytes (the icons inlined there): the same bytes
    assert finish(drawn.read_bytes()) == self_contained(svg).encode("utf-8")
    source = (rendered / "video-recommendation.dot").read_text(encoding="utf-8")
    run_dot(source, {"svg": drawn}, catalog.icon_search_path())
    svg = drawn.read_text(encoding="utf-8")
    finished = (rendered / "video-recommendation.svg").read_text(encoding="utf-8")
    assert self_contained(svg) == finished


def test_two_renders_are_byte_identical(tmp_path: Path, rendered: Path):
    render_file(EXAMPLE, tmp_path)
    files = sorted(rendered.rglob("*.*"))
    assert len(files) == 21  # 8 design files and 2 icons, 6 build-up frames, 5 views (SVG)
    for path in files:
        again = tmp_path / "video-recommendation" / path.relative_to(rendered)
        assert again.read_bytes() == path.read_bytes(), path.name


def test_only_requested_formats_are_written(tmp_path: Path):
    render_file(EXAMPLE, tmp_path, ("svg",))
    assert [p.name for p in (tmp_path / "video-recommendation").iterdir()] == [
        "video-recommendation.svg"
    ]


def test_invalid_spec_writes_nothing(tmp_path: Path, spec_file):
    broken = spec_file("id: x\n")
    with pytest.raises(SpecError):
        render_file(broken, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_missing_dot_is_a_clear_error_and_leaves_nothing(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(GraphvizNotFoundError, match="apt-get install graphviz"):
        render_file(EXAMPLE, tmp_path / "out")
    assert list((tmp_path / "out").rglob("*")) == []


HOSTILE = [
    'quote " inside',
    "back\\slash at end\\",
    "<b>html</b> & <i>",
    '"]; evil [label="pwn',
    "\\N \\G \\l escapes",
]


@pytest.mark.parametrize("label", HOSTILE)
def test_hostile_labels_render_as_plain_text(tmp_path: Path, spec_file, label: str):
    quoted = label.replace("\\", "\\\\").replace('"', '\\"')
    text = (
        spec_file()
        .read_text()
        .replace("label: API", f'label: "{quoted}"')
        .replace("label: request", f'label: "{quoted}"')
    )
    render_file(spec_file(text), tmp_path, ("svg", "dot"))
    svg = (tmp_path / "tiny" / "tiny.svg").read_text(encoding="utf-8")
    texts = "".join(re.findall(r"<text[^>]*>([^<]*)</text>", svg))
    plain = texts.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
    plain = plain.replace("&#45;", "-").replace("&amp;", "&")
    assert " ".join(label.split()).replace(" ", "") in plain.replace(" ", "")
    assert svg.count('class="node"') == 2 and svg.count('class="edge"') == 1  # nothing injected


def test_a_png_graphviz_shrinks_is_reported(tmp_path: Path, caplog):
    """Graphviz scales a bitmap past cairo's 32,767 px down and says so only on stderr, with
    exit status 0: the user hears it (the labels are smaller than drawn)."""
    from mlsd_diagrams.render.graphviz import run_dot

    chain = " -> ".join(f"n{i}" for i in range(150))
    source = f'digraph "A long chain" {{ rankdir=LR; node [width=3]; {chain} }}'
    with caplog.at_level("WARNING", logger="mlsd_diagrams"):
        run_dot(source, {"png": tmp_path / "wide.png", "svg": tmp_path / "wide.svg"}, [])
    assert Image.open(tmp_path / "wide.png").width <= 32767
    (warning,) = [r.getMessage() for r in caplog.records]
    assert warning.startswith("warning: A long chain: the PNG is too large")
    assert "scaled by 0." in warning and "split the design into views" in warning
    caplog.clear()
    with caplog.at_level("WARNING", logger="mlsd_diagrams"):  # a picture drawn as asked: quiet
        run_dot('digraph "Short" { a -> b }', {"png": tmp_path / "short.png"}, [])
    assert caplog.records == []


def test_an_icon_graphviz_cannot_read_is_reported(tmp_path: Path, caplog):
    from mlsd_diagrams.render.graphviz import run_dot

    source = 'digraph "Icons" { a [image="missing-icon.png"]; a -> b }'
    with caplog.at_level("WARNING", logger="mlsd_diagrams"):
        run_dot(source, {"svg": tmp_path / "icons.svg"}, [])
    assert [r.getMessage() for r in caplog.records] == [
        "warning: Icons: an icon could not be read (missing-icon.png) and is missing from "
        "the picture"
    ]

"""The portfolio site in a real headless Chromium, served from localhost only.

Uses the system's Chromium (Debian's `chromium`, installed by `make test`); Playwright never
downloads a browser. Set MLSD_CHROMIUM to point at another binary.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import CHROMIUM_FLAGS, ROOT, chromium_path, guarded, served

from mlsd_diagrams.portfolio import build_portfolio
from mlsd_diagrams.validate import load_design
from mlsd_diagrams.views import design_views

playwright = pytest.importorskip("playwright.sync_api", reason="pip install playwright")


@pytest.fixture(scope="module")
def site_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    summary = build_portfolio(ROOT / "designs", out, book=False)
    assert not summary.failed
    return out


@pytest.fixture(scope="module")
def site(site_dir: Path) -> Iterator[str]:
    with served(site_dir) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, site: str):
    """A page that records console errors and refuses every request off localhost."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    tab = guarded(context.new_page())
    yield tab
    assert tab.errors == []
    assert tab.outside == []
    context.close()


DESIGN_IDS = sorted(p.stem for p in (ROOT / "designs").glob("*.yaml"))


def visible_cards(page) -> list[str]:
    return page.eval_on_selector_all(".card:not([hidden])", "cards => cards.map(c => c.id)")


def broken_images(page) -> list[str]:
    script = "imgs => imgs.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)"
    return page.eval_on_selector_all("img", script)


def test_index_lists_every_design_and_every_image_loads(page, site: str, tmp_path: Path):
    page.goto(f"{site}/index.html", wait_until="load")
    assert sorted(visible_cards(page)) == [f"card-{i}" for i in DESIGN_IDS]
    assert len(page.query_selector_all(".card img")) == len(DESIGN_IDS)
    assert broken_images(page) == []
    # the thumbnails are painted: a screenshot of one shows a drawing, not a blank box
    from PIL import Image

    page.query_selector(".card img").screenshot(path=str(tmp_path / "thumb.png"))
    with Image.open(tmp_path / "thumb.png") as thumb:
        colours = thumb.convert("RGB").getcolors(maxcolors=1_000_000) or []
    assert len(colours) > 50, "a drawing has many colours; a blank or broken box has few"


def test_tag_filter_narrows_the_cards(page, site: str):
    page.goto(f"{site}/index.html")
    page.click("#tags .tag[data-tag='recommendation']")
    shown = visible_cards(page)
    assert 0 < len(shown) < len(DESIGN_IDS)
    for card_id in shown:
        assert "recommendation" in page.get_attribute(f"#{card_id}", "data-tags").split()
    assert page.text_content("#count") == f"{len(shown)} of {len(DESIGN_IDS)} designs"
    page.click("#tags .tag[data-tag='recommendation']")
    assert len(visible_cards(page)) == len(DESIGN_IDS)


def test_search_narrows_the_cards(page, site: str):
    page.goto(f"{site}/index.html")
    page.fill("#search", "street view")
    assert visible_cards(page) == ["card-street-view-blurring"]
    page.fill("#search", "no such design anywhere")
    assert visible_cards(page) == [] and page.is_visible("#empty")


@pytest.mark.parametrize("design_id", DESIGN_IDS)
def test_design_page_shows_its_diagram_and_write_up(page, site: str, design_id: str):
    page.goto(f"{site}/{design_id}/index.html", wait_until="load")
    assert page.evaluate("document.getElementById('diagram').naturalWidth") > 1000
    assert page.evaluate("document.getElementById('buildup').naturalWidth") > 500  # the GIF
    design = load_design(ROOT / "designs" / f"{design_id}.yaml")
    views = page.eval_on_selector_all(".view img", "imgs => imgs.map(i => i.naturalWidth)")
    assert len(views) == len(design_views(design)) + 1 and min(views) > 300  # + offline/online
    assert broken_images(page) == []
    headings = page.eval_on_selector_all("#writeup h2", "hs => hs.map(h => h.textContent)")
    assert headings[1:8] == [
        "1. Clarify requirements",
        "2. Frame the problem as an ML task",
        "3. Data preparation",
        "4. Model development",
        "5. Evaluation",
        "6. Deployment and serving",
        "7. Monitoring",
    ]
    assert page.query_selector_all("#writeup table")


def test_design_page_links_back_to_the_index(page, site: str, tmp_path: Path):
    page.goto(f"{site}/video-recommendation/index.html", wait_until="load")
    page.click("text=All designs")
    page.wait_for_url(f"{site}/index.html")
    assert len(visible_cards(page)) == len(DESIGN_IDS)


# --- every screen, dark mode, print ---

SCREENS = {"phone": (390, 844), "laptop": (1440, 900)}
PAGES = ["index.html", "video-recommendation/index.html", "rag-document-qa/index.html"]


@pytest.fixture(params=sorted(SCREENS))
def screen(request, browser, site: str):
    width, height = SCREENS[request.param]
    context = browser.new_context(viewport={"width": width, "height": height})
    tab = guarded(context.new_page())
    tab.screen_name = request.param
    yield tab
    assert tab.errors == [] and tab.outside == []
    context.close()


@pytest.mark.parametrize("path", PAGES)
def test_no_page_scrolls_sideways(screen, site: str, path: str):
    screen.goto(f"{site}/{path}", wait_until="load")
    width = screen.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{path} is {width[0]} px wide on a {width[1]} px screen"
    assert broken_images(screen) == []


def test_tags_are_folded_on_a_phone_and_open_on_a_laptop(screen, site: str):
    screen.goto(f"{site}/index.html", wait_until="load")
    button = "#tags .tag[data-tag='recommendation']"
    if screen.screen_name == "phone":
        assert not screen.evaluate("document.getElementById('tag-box').open")
        assert not screen.is_visible(button)
        cards = screen.eval_on_selector(".card", "c => c.getBoundingClientRect().top")
        assert cards < 844  # the first card shows on the first screen
        screen.click("#tag-box summary")
    assert screen.is_visible(button)
    screen.click(button)
    assert 0 < len(visible_cards(screen)) < len(DESIGN_IDS)
    assert "1 chosen" in screen.text_content("#tag-count")


def test_dark_mode_keeps_diagrams_on_a_light_tile(browser, site: str):
    context = browser.new_context(color_scheme="dark", viewport={"width": 1440, "height": 900})
    tab = guarded(context.new_page())
    for path in PAGES:
        tab.goto(f"{site}/{path}", wait_until="load")
        background = tab.evaluate("getComputedStyle(document.documentElement).backgroundColor")
        assert luminance(background) < 0.2, background
        ink = tab.evaluate("getComputedStyle(document.body).color")
        assert luminance(ink) > 0.7, ink
    tiles = tab.eval_on_selector_all(
        ".diagram, .view", "fs => fs.map(f => getComputedStyle(f).backgroundColor)"
    )
    assert tiles and set(tiles) == {"rgb(255, 255, 255)"}
    assert tab.errors == [] and tab.outside == []
    context.close()


def luminance(css_colour: str) -> float:
    red, green, blue = (int(v) for v in re.findall(r"\d+", css_colour)[:3])
    return (0.2126 * red + 0.7152 * green + 0.0722 * blue) / 255


def test_a_design_prints_as_diagram_and_write_up(page, site: str):
    page.goto(f"{site}/video-recommendation/index.html", wait_until="load")
    page.emulate_media(media="print")
    display = "s => getComputedStyle(document.querySelector(s)).display"
    for hidden in (".buildup", ".crumbs", "header .links", ".mermaid-section"):
        assert page.evaluate(f"({display})({hidden!r})") == "none", hidden
    for shown in ("figure.diagram", "#writeup", ".views"):
        assert page.evaluate(f"({display})({shown!r})") != "none", shown
    breaks = "s => getComputedStyle(document.querySelector(s)).breakBefore"
    assert page.evaluate(f"({breaks})('#writeup')") == "page"
    assert page.evaluate(f"({breaks})('#whiteboard')") == "page"
    page.emulate_media(media="screen")


@pytest.mark.parametrize("path", ["index.html", "video-recommendation/index.html"])
def test_pages_describe_themselves_for_search_engines_and_link_previews(page, site, path):
    page.goto(f"{site}/{path}", wait_until="load")
    meta = page.eval_on_selector_all(
        "meta[name], meta[property]",
        "ms => Object.fromEntries(ms.map(m => [m.name || m.getAttribute('property'), m.content]))",
    )
    assert meta["description"] and meta["og:description"] == meta["description"]
    assert meta["og:title"] and meta["og:site_name"] == "ML system design portfolio"
    image = page.evaluate(f"new URL({meta['og:image']!r}, location.href).href")
    response = page.request.get(image)
    assert response.ok and response.headers["content-type"] == "image/png"


def test_the_spec_is_in_the_site(page, site: str):
    page.goto(f"{site}/video-recommendation/index.html", wait_until="load")
    href = page.get_attribute("#spec-link", "href")
    response = page.request.get(f"{site}/video-recommendation/{href}")
    assert response.ok
    assert response.text() == (ROOT / "designs" / "video-recommendation.yaml").read_text()


@pytest.mark.parametrize("query", ["hnsw", "feature store", "calibration"])
def test_search_covers_the_write_ups(page, site: str, site_dir: Path, query: str):
    """A design is found when every word is in its card or its write-up, and only then."""
    page.goto(f"{site}/index.html", wait_until="load")
    page.fill("#search", query)
    shown = {card.removeprefix("card-") for card in visible_cards(page)}
    expected = set()
    for design_id in DESIGN_IDS:
        text = (site_dir / design_id / f"{design_id}.md").read_text().lower()
        if all(word in text for word in query.split()):
            expected.add(design_id)
    assert shown == expected and len(expected) >= 2
    cards = page.eval_on_selector_all(
        ".card", "cs => Object.fromEntries(cs.map(c => [c.dataset.id, c.dataset.search]))"
    )
    only_in_write_up = [i for i in shown if not all(w in cards[i] for w in query.split())]
    assert only_in_write_up  # found through the write-up, not the card


def test_the_mermaid_source_is_folded(page, site: str):
    page.goto(f"{site}/video-recommendation/index.html", wait_until="load")
    block = page.query_selector("#writeup details.mermaid-source")
    assert block and not block.evaluate("d => d.open")
    assert not page.is_visible("#writeup details.mermaid-source pre")
    page.click("#writeup details.mermaid-source summary")
    assert "flowchart LR" in page.text_content("#writeup details.mermaid-source pre")
    titles = page.eval_on_selector_all("#writeup h1", "hs => hs.length")
    assert titles == 0  # the page's header holds the title; the write-up starts at its sections

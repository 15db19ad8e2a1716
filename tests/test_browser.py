"""The portfolio site in a real headless Chromium, served from localhost only.

Uses the system's Chromium (Debian's `chromium`, installed by `make test`); Playwright never
downloads a browser. Set MLSD_CHROMIUM to point at another binary.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import CHROMIUM_FLAGS, ROOT, chromium_path, guarded, served

from mlsd_diagrams.portfolio import build_portfolio
from mlsd_diagrams.validate import load_design
from mlsd_diagrams.views import design_views

playwright = pytest.importorskip("playwright.sync_api", reason="pip install playwright")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[str]:
    out = tmp_path_factory.mktemp("site")
    summary = build_portfolio(ROOT / "designs", out)
    assert not summary.failed
    with served(out) as url:
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
    page.screenshot(path=str(tmp_path / "index.png"))
    assert (tmp_path / "index.png").stat().st_size > 10_000


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
    page.screenshot(path=str(tmp_path / "design.png"), full_page=True)
    page.click("text=All designs")
    page.wait_for_url(f"{site}/index.html")
    assert len(visible_cards(page)) == len(DESIGN_IDS)

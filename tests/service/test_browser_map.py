"""The map in a real browser (Debian's Chromium driven by Playwright) on the shipped graph, 375 px wide:
filtered by years with the keyboard alone, a point's link followed with the keyboard to the place's
page, checked by axe-core, without sideways scrolling; every request stays on the server's origin."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest

from ..conftest import CHROMIUM, NO_CHROMIUM
from .browsing import hosts, open_tab
from .test_browser_accessibility import AXE, INSTALL, RUN_AXE

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason=NO_CHROMIUM),
    pytest.mark.browser,
    pytest.mark.server,
    pytest.mark.slow,
]


@pytest.fixture
def axe_script() -> object:
    if not AXE.exists():
        pytest.skip(f"axe-core is not installed: {INSTALL}")
    return AXE


@pytest.fixture
def phone(browser: object) -> Iterator[object]:
    yield from open_tab(browser, 375, 800, bypass_csp=True)  # axe-core is injected into the page


def test_filtering_the_map_by_years_and_following_a_point_with_the_keyboard(
    phone: object, web_server: str, axe_script: object
) -> None:
    tab = phone
    tab.goto(web_server + "/map")  # type: ignore[attr-defined]
    points = tab.locator("svg.world a")  # type: ignore[attr-defined]
    everything = points.count()
    assert everything > 10
    year_from = tab.locator("#m-from")  # type: ignore[attr-defined]
    year_from.focus()
    tab.keyboard.type("2024")  # type: ignore[attr-defined]
    tab.keyboard.press("Tab")  # type: ignore[attr-defined]
    assert tab.evaluate("document.activeElement.id") == "m-to"  # type: ignore[attr-defined]
    tab.keyboard.type("2024")  # type: ignore[attr-defined]
    tab.keyboard.press("Tab")  # type: ignore[attr-defined]
    assert tab.evaluate("document.activeElement.textContent") == "Show"  # type: ignore[attr-defined]
    with tab.expect_navigation():  # type: ignore[attr-defined]
        tab.keyboard.press("Enter")  # type: ignore[attr-defined]
    query = parse_qs(urlsplit(tab.url).query)  # type: ignore[attr-defined]
    assert query["from"] == ["2024"] and query["to"] == ["2024"]
    shown = points.count()
    assert 0 < shown < everything
    assert all(
        "2024" in (label or "") for label in points.evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")
    )
    assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # type: ignore[attr-defined]
    tab.screenshot(path="/tmp/dragonbear-map.png", full_page=True)  # type: ignore[attr-defined]
    tab.add_script_tag(path=str(axe_script))  # type: ignore[attr-defined]
    assert tab.evaluate(RUN_AXE) == []  # type: ignore[attr-defined]
    tab.locator("form.filters button").focus()  # type: ignore[attr-defined]
    for _ in range(10):  # past "Clear" to the first point of the drawing
        tab.keyboard.press("Tab")  # type: ignore[attr-defined]
        if tab.evaluate("!!document.activeElement.closest('svg.world')"):  # type: ignore[attr-defined]
            break
    target = tab.evaluate("document.activeElement.getAttribute('href')")  # type: ignore[attr-defined]
    assert target and target.startswith("/id/place/")
    with tab.expect_navigation():  # type: ignore[attr-defined]
        tab.keyboard.press("Enter")  # type: ignore[attr-defined]
    assert urlsplit(tab.url).path == target  # type: ignore[attr-defined]
    assert hosts(tab.requests) == {urlsplit(web_server).hostname}  # type: ignore[attr-defined]

"""The timeline in a real browser (Debian's Chromium driven by Playwright) on the shipped graph: filtered
by state and kind with the keyboard alone, checked by axe-core, at 375 px without sideways scrolling;
every request stays on the server's origin."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest

from ..conftest import CHROMIUM, NO_CHROMIUM
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
    context = browser.new_context(viewport={"width": 375, "height": 800}, bypass_csp=True)  # type: ignore[attr-defined]
    tab = context.new_page()
    tab.requests = []  # every URL the page asks for
    tab.on("request", lambda request: tab.requests.append(request.url))
    yield tab
    context.close()


def test_filtering_the_timeline_by_state_and_kind_with_the_keyboard(
    phone: object, web_server: str, axe_script: object
) -> None:
    tab = phone
    tab.goto(web_server + "/timeline")  # type: ignore[attr-defined]
    everything = tab.locator("ol.timeline > li").count()  # type: ignore[attr-defined]
    state = tab.locator("#t-state")  # type: ignore[attr-defined]
    state.focus()
    tab.keyboard.type("India")  # type: ignore[attr-defined]
    assert state.input_value() == "india"
    tab.keyboard.press("Tab")  # type: ignore[attr-defined]
    assert tab.evaluate("document.activeElement.id") == "t-kind"  # type: ignore[attr-defined]
    tab.keyboard.type("joint e")  # type: ignore[attr-defined]
    assert tab.locator("#t-kind").input_value() == "exercise"  # type: ignore[attr-defined]
    for _ in range(3):  # from, to, then the button
        tab.keyboard.press("Tab")  # type: ignore[attr-defined]
    assert tab.evaluate("document.activeElement.textContent") == "Show"  # type: ignore[attr-defined]
    with tab.expect_navigation():  # type: ignore[attr-defined]
        tab.keyboard.press("Enter")  # type: ignore[attr-defined]
    query = parse_qs(urlsplit(tab.url).query)  # type: ignore[attr-defined]
    assert query["state"] == ["india"] and query["kind"] == ["exercise"]
    shown = tab.locator("ol.timeline > li")  # type: ignore[attr-defined]
    assert 0 < shown.count() < everything
    assert all("joint exercise" in text and "India" in text for text in shown.all_inner_texts())
    assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # type: ignore[attr-defined]
    tab.screenshot(path="/tmp/dragonbear-timeline.png", full_page=False)  # type: ignore[attr-defined]
    tab.add_script_tag(path=str(axe_script))  # type: ignore[attr-defined]
    assert tab.evaluate(RUN_AXE) == []  # type: ignore[attr-defined]
    hosts = {urlsplit(u).hostname for u in tab.requests if not u.startswith(("data:", "blob:", "about:"))}  # type: ignore[attr-defined]
    assert hosts == {urlsplit(web_server).hostname}

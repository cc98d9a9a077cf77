"""A short link made in a real browser (Debian's Chromium driven by Playwright) on the shipped graph: on an
answered canned-query form, the share button reached and pressed by keyboard alone leads to the link's
page, whose read-only box holds a URL that opens the same snapshot; every request stays on the server's
origin."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from ..conftest import CHROMIUM, NO_CHROMIUM
from .browsing import hosts, open_tab

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason=NO_CHROMIUM),
    pytest.mark.browser,
    pytest.mark.server,
    pytest.mark.slow,
]


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    yield from open_tab(browser, 1280)


def _tab_to(tab: object, text: str, most: int = 80) -> None:
    """Press Tab until the focused element's text is ``text``."""
    for _ in range(most):
        tab.keyboard.press("Tab")  # type: ignore[attr-defined]
        if tab.evaluate("document.activeElement.textContent.trim()") == text:  # type: ignore[attr-defined]
            return
    raise AssertionError(f"{text!r} never took the focus within {most} presses of Tab")


def test_the_share_button_pressed_by_keyboard_gives_a_link_that_opens_the_same_page(
    page: object, web_server: str
) -> None:
    tab = page
    tab.goto(web_server + "/queries/transfers?supplier=Russia&recipient=China")  # type: ignore[attr-defined]
    rows = tab.locator("table.results tbody tr").all_inner_texts()  # type: ignore[attr-defined]
    assert rows
    _tab_to(tab, "Make a short link")
    tab.keyboard.press("Enter")  # type: ignore[attr-defined]
    tab.wait_for_url(re.compile(r".*/q/[a-z2-7]{10}$"))  # type: ignore[attr-defined]
    box = tab.get_by_label("Short link to this snapshot")  # type: ignore[attr-defined]
    url = box.input_value()
    assert url == tab.url and box.get_attribute("readonly") is not None  # type: ignore[attr-defined]
    assert "shows the same numbers" in tab.locator(".snapshot-notice").inner_text()  # type: ignore[attr-defined]
    assert tab.locator("table.results tbody tr").all_inner_texts() == rows  # type: ignore[attr-defined]
    tab.goto(url)  # type: ignore[attr-defined]
    assert tab.locator("table.results tbody tr").all_inner_texts() == rows  # type: ignore[attr-defined]
    assert tab.get_by_label("Short link to this snapshot").input_value() == url  # type: ignore[attr-defined]
    assert hosts(tab.requests) == {"127.0.0.1"}, tab.requests  # type: ignore[attr-defined]

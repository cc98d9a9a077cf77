"""Find and browse in a real browser (Debian's Chromium driven by Playwright) on the shipped graph: the
search box's suggestions with the keyboard, the results page, a listing filtered and paged, at desktop
width and at 375 px; every request stays on the server's origin."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

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


@pytest.fixture
def phone(browser: object) -> Iterator[object]:
    yield from open_tab(browser, 375)


def _suggestions(tab: object, text: str) -> list[str]:
    """Type ``text`` in the search box as a person does, and wait for the suggestions."""
    box = tab.get_by_role("combobox", name="Search names")  # type: ignore[attr-defined]
    box.click()
    box.press_sequentially(text, delay=40)
    tab.wait_for_function(  # type: ignore[attr-defined]
        "t => !document.getElementById('site-search-list').hidden && "
        "document.getElementById('site-search').value.trim() === t",
        arg=text.strip(),
    )
    tab.wait_for_function("() => document.querySelectorAll('#site-search-list [role=option]').length > 0")  # type: ignore[attr-defined]
    return tab.locator("#site-search-list [role=option] .label").all_inner_texts()  # type: ignore[attr-defined,no-any-return]


def test_typing_pinyin_and_choosing_a_suggestion_with_the_keyboard(page: object, web_server: str) -> None:
    tab = page
    tab.goto(web_server + "/id/exercise/")  # type: ignore[attr-defined]
    labels = _suggestions(tab, "jian 11")
    assert labels[0] == "Shenyang J-11"
    box = tab.locator("#site-search")  # type: ignore[attr-defined]
    assert box.get_attribute("aria-expanded") == "true"
    tab.keyboard.press("ArrowDown")  # type: ignore[attr-defined]
    assert box.get_attribute("aria-activedescendant") == "site-search-option-0"
    assert tab.locator("#site-search-option-0").get_attribute("aria-selected") == "true"  # type: ignore[attr-defined]
    tab.screenshot(path="/tmp/dragonbear-search-suggestions.png")  # type: ignore[attr-defined]
    # Escape closes the list; ArrowDown opens it again
    tab.keyboard.press("Escape")  # type: ignore[attr-defined]
    assert box.get_attribute("aria-expanded") == "false" and tab.locator("#site-search-list").is_hidden()  # type: ignore[attr-defined]
    tab.keyboard.press("ArrowDown")  # type: ignore[attr-defined]
    assert box.get_attribute("aria-expanded") == "true"
    tab.keyboard.press("Enter")  # type: ignore[attr-defined]
    tab.wait_for_url("**/id/system/j-11")  # type: ignore[attr-defined]
    assert tab.locator("h1").inner_text() == "Shenyang J-11"  # type: ignore[attr-defined]
    assert hosts(tab.requests) == {"127.0.0.1"}, tab.requests  # type: ignore[attr-defined]
    assert any(urlsplit(u).path == "/api/search" for u in tab.requests)  # type: ignore[attr-defined]
    assert any(u.endswith("/static/search.js") for u in tab.requests)  # type: ignore[attr-defined]


def test_chinese_characters_suggest_the_system_and_the_arrow_keys_move(page: object, web_server: str) -> None:
    tab = page
    tab.goto(web_server + "/")  # type: ignore[attr-defined]
    labels = _suggestions(tab, "米格-21")
    assert labels[0] == "Mikoyan-Gurevich MiG-21"
    tab.keyboard.press("ArrowUp")  # type: ignore[attr-defined]  # from nothing chosen, up goes to the last
    last = len(labels) - 1
    assert tab.locator("#site-search").get_attribute("aria-activedescendant") == f"site-search-option-{last}"  # type: ignore[attr-defined]
    tab.keyboard.press("ArrowDown")  # type: ignore[attr-defined]  # and down from the last to the first
    assert tab.locator("#site-search").get_attribute("aria-activedescendant") == "site-search-option-0"  # type: ignore[attr-defined]
    tab.keyboard.press("Enter")  # type: ignore[attr-defined]
    tab.wait_for_url("**/id/system/mig-21")  # type: ignore[attr-defined]
    assert hosts(tab.requests) == {"127.0.0.1"}, tab.requests  # type: ignore[attr-defined]


def test_enter_without_a_suggestion_shows_the_results_grouped_by_kind(page: object, web_server: str) -> None:
    tab = page
    tab.goto(web_server + "/id/")  # type: ignore[attr-defined]
    _suggestions(tab, "Vostok")
    tab.keyboard.press("Enter")  # type: ignore[attr-defined]
    tab.wait_for_url("**/search?q=Vostok")  # type: ignore[attr-defined]
    headings = tab.locator("section.results h2").all_inner_texts()  # type: ignore[attr-defined]
    assert headings[0].startswith("Exercise series") or headings[0].startswith("Exercises and patrols")
    assert {h.split(" (")[0] for h in headings} >= {"Exercise series", "Exercises and patrols"}
    exercises = tab.locator("section.results", has_text="Exercises and patrols").locator("li a")  # type: ignore[attr-defined]
    assert "Vostok-2018" in exercises.all_inner_texts()
    assert tab.locator("#site-search").input_value() == "Vostok"  # type: ignore[attr-defined]
    tab.screenshot(path="/tmp/dragonbear-search-results.png", full_page=True)  # type: ignore[attr-defined]
    exercises.filter(has_text="Vostok-2018").first.click()
    tab.wait_for_url("**/id/exercise/vostok-2018")  # type: ignore[attr-defined]
    assert hosts(tab.requests) == {"127.0.0.1"}, tab.requests  # type: ignore[attr-defined]


def test_browsing_transfers_with_a_filter_and_the_pages(page: object, web_server: str) -> None:
    tab = page
    tab.goto(web_server + "/id/transfer/")  # type: ignore[attr-defined]
    tab.get_by_label("Supplier").select_option("russia")  # type: ignore[attr-defined]
    tab.get_by_label("Recipient").select_option("china")  # type: ignore[attr-defined]
    tab.get_by_label("From (year of order)").fill("1992")  # type: ignore[attr-defined]
    tab.get_by_role("button", name="Apply filters").click()  # type: ignore[attr-defined]
    tab.wait_for_url("**/id/transfer/?*supplier=russia*")  # type: ignore[attr-defined]
    query = parse_qs(urlsplit(tab.url).query)  # type: ignore[attr-defined]
    assert query["supplier"] == ["russia"] and query["recipient"] == ["china"] and query["from"] == ["1992"]
    count = tab.locator("p.count").inner_text()  # type: ignore[attr-defined]
    assert "arms transfers match these filters" in count and "page 1 of" in count
    first_page = tab.locator("table.listing tbody th a").all_inner_texts()  # type: ignore[attr-defined]
    assert len(first_page) == 50
    suppliers = tab.locator("table.listing tbody td:nth-child(2)").all_inner_texts()  # type: ignore[attr-defined]
    assert set(suppliers) == {"Russia"}
    tab.screenshot(path="/tmp/dragonbear-browse-transfers.png", full_page=True)  # type: ignore[attr-defined]
    tab.get_by_role("link", name="Next").click()  # type: ignore[attr-defined]
    tab.wait_for_url("**page=2*")  # type: ignore[attr-defined]
    assert tab.locator("nav.pager [aria-current=page]").inner_text() == "2"  # type: ignore[attr-defined]
    second_page = tab.locator("table.listing tbody th a").all_inner_texts()  # type: ignore[attr-defined]
    assert second_page and not set(second_page) & set(first_page)
    assert tab.get_by_label("Supplier").input_value() == "russia"  # type: ignore[attr-defined]  # the filters stay
    tab.get_by_role("link", name="Previous").click()  # type: ignore[attr-defined]
    tab.wait_for_load_state()  # type: ignore[attr-defined]
    assert tab.locator("table.listing tbody th a").all_inner_texts() == first_page  # type: ignore[attr-defined]
    assert hosts(tab.requests) == {"127.0.0.1"}, tab.requests  # type: ignore[attr-defined]


def test_search_and_browse_fit_a_phone(phone: object, web_server: str) -> None:
    tab = phone
    for path in ("/", "/id/system/?state=china", "/search?q=Kilo", "/id/"):
        tab.goto(web_server + path)  # type: ignore[attr-defined]
        width = tab.evaluate("document.documentElement.scrollWidth")  # type: ignore[attr-defined]
        assert width <= 375, (path, width)
    tab.goto(web_server + "/id/exercise/")  # type: ignore[attr-defined]
    _suggestions(tab, "Joint Sea")
    box = tab.locator("#site-search-list").bounding_box()  # type: ignore[attr-defined]
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375
    tab.screenshot(path="/tmp/dragonbear-search-phone.png")  # type: ignore[attr-defined]
    tab.keyboard.press("ArrowDown")  # type: ignore[attr-defined]
    tab.keyboard.press("Enter")  # type: ignore[attr-defined]
    tab.wait_for_url("**/id/series/joint-sea")  # type: ignore[attr-defined]
    assert hosts(tab.requests) == {"127.0.0.1"}, tab.requests  # type: ignore[attr-defined]

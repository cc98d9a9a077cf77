"""A canned-query form in a real browser (Debian's Chromium driven by Playwright) on the shipped graph: an
entity field suggests the entities of its parameter's class as one types, a suggestion chosen with the
keyboard fills the field (and stays on the page), Enter sends the form, and the table has the rows the
JSON API gives for the same parameters; every request stays on the server's origin."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from ..conftest import CHROMIUM, NO_CHROMIUM
from .browsing import open_tab

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason=NO_CHROMIUM),
    pytest.mark.browser,
    pytest.mark.server,
    pytest.mark.slow,
]


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    yield from open_tab(browser, 1280)


def _options(tab: object, field: str) -> list[str]:
    """The labels of the suggestions shown under ``field`` (an input id), once there are some."""
    tab.wait_for_function(  # type: ignore[attr-defined]
        "id => { const l = document.getElementById(id + '-list');"
        " return l && !l.hidden && l.querySelectorAll('[role=option]').length > 0; }",
        arg=field,
    )
    return tab.locator(f"#{field}-list [role=option] .label").all_inner_texts()  # type: ignore[attr-defined,no-any-return]


def test_a_suggestion_chosen_by_keyboard_fills_the_field_and_enter_runs_the_query(
    page: object, web_server: str
) -> None:
    tab = page
    tab.goto(web_server + "/queries/transfers")  # type: ignore[attr-defined]
    supplier = tab.get_by_role("combobox", name="supplier")  # type: ignore[attr-defined]
    supplier.click()
    supplier.press_sequentially("Russ", delay=40)
    labels = _options(tab, "param-supplier")
    assert "Russia" in labels
    for _ in range(labels.index("Russia") + 1):
        tab.keyboard.press("ArrowDown")  # type: ignore[attr-defined]
    assert supplier.get_attribute("aria-activedescendant") == f"param-supplier-option-{labels.index('Russia')}"
    tab.keyboard.press("Enter")  # type: ignore[attr-defined]
    assert supplier.input_value() == "Russia"
    assert supplier.get_attribute("aria-expanded") == "false"
    assert urlsplit(tab.url).query == ""  # type: ignore[attr-defined]  # chosen, not sent nor navigated away
    recipient = tab.get_by_role("combobox", name="recipient")  # type: ignore[attr-defined]
    recipient.click()
    recipient.press_sequentially("China", delay=40)
    assert "China" in _options(tab, "param-recipient")  # suggestions of the class agent: no system named China
    tab.keyboard.press("Enter")  # type: ignore[attr-defined]  # none chosen: the form is sent
    tab.wait_for_url("**/queries/transfers?*")  # type: ignore[attr-defined]
    sent = parse_qs(urlsplit(tab.url).query)  # type: ignore[attr-defined]
    assert sent["supplier"] == ["Russia"] and sent["recipient"] == ["China"]
    rows = tab.locator("table.results tbody tr").count()  # type: ignore[attr-defined]
    api = httpx.get(
        web_server + "/api/queries/transfers",
        params={"supplier": "Russia", "recipient": "China", "format": "json"},
        timeout=60,
    )
    assert api.status_code == 200
    assert rows == len(api.json()["results"]["bindings"]) > 0
    assert {urlsplit(u).hostname for u in tab.requests} == {"127.0.0.1"}, tab.requests  # type: ignore[attr-defined]
    searches = [parse_qs(urlsplit(u).query) for u in tab.requests if urlsplit(u).path == "/api/search"]  # type: ignore[attr-defined]
    assert searches and all(s.get("class") == ["dgb:Agent"] for s in searches)


def test_the_site_search_box_still_opens_the_entity_page_on_a_form_page(page: object, web_server: str) -> None:
    tab = page
    tab.goto(web_server + "/queries/transfers")  # type: ignore[attr-defined]
    box = tab.get_by_role("combobox", name="Search names")  # type: ignore[attr-defined]
    box.click()
    box.press_sequentially("jian 11", delay=40)
    assert _options(tab, "site-search")[0] == "Shenyang J-11"
    tab.keyboard.press("ArrowDown")  # type: ignore[attr-defined]
    tab.keyboard.press("Enter")  # type: ignore[attr-defined]
    tab.wait_for_url("**/id/system/j-11")  # type: ignore[attr-defined]

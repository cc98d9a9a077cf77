"""Keyboard-only use and small screens in Debian's Chromium: the skip link, Tab through the site's header
with a visible focus, a search and a filter form sent from the keyboard, the explorer's labelled
sliders, the query page's new-tab button, wide tables that scroll in a focusable region on a phone,
and lineage labels that stay inside their boxes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ..conftest import CHROMIUM, NO_CHROMIUM
from .browsing import open_settled, open_tab

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason=NO_CHROMIUM),
    pytest.mark.browser,
    pytest.mark.server,
    pytest.mark.slow,
]

HEADER = [
    "Dragonbear",
    "Query",
    "Browse",
    "Lineage",
    "Ontology",
    "Charts",
    "Timeline",
    "Map",
    "Download",
    "API",
    "OpenAPI",
]
# What has the focus: its tag, id, text, and whether an outline shows it.
FOCUSED = """() => {
  const el = document.activeElement, style = getComputedStyle(el);
  return { tag: el.tagName, id: el.id, text: (el.innerText || el.value || "").trim(),
           outlined: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
           inMain: el.closest("main") !== null };
}"""


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    yield from open_tab(browser, 1280)


@pytest.fixture
def phone(browser: object) -> Iterator[object]:
    yield from open_tab(browser, 375)


def _press_tab_until(tab: object, done: str, most: int = 40) -> None:
    """Press Tab until the JavaScript condition ``done`` holds for the focused element ``el``."""
    for _ in range(most):
        tab.keyboard.press("Tab")  # type: ignore[attr-defined]
        if tab.evaluate(f"() => {{ const el = document.activeElement; return Boolean({done}); }}"):  # type: ignore[attr-defined]
            return
    raise AssertionError(f"{done} never held within {most} presses of Tab")


@pytest.mark.parametrize("width", [1280, 375], ids=["desktop", "phone"])
def test_tab_walks_the_header_with_a_visible_focus(browser: object, web_server: str, width: int) -> None:
    for tab in open_tab(browser, width):
        tab.goto(web_server + "/id/system/j-11")  # type: ignore[attr-defined]
        tab.keyboard.press("Tab")  # type: ignore[attr-defined]
        skip = tab.evaluate(FOCUSED)  # type: ignore[attr-defined]
        assert skip["text"] == "Skip to content" and skip["outlined"]
        box = tab.locator("a.skip-link").bounding_box()  # type: ignore[attr-defined]
        assert box is not None and box["y"] >= 0 and box["x"] + box["width"] <= width  # shown when focused
        walked = []
        for _ in range(len(HEADER) + 2):
            tab.keyboard.press("Tab")  # type: ignore[attr-defined]
            walked.append(tab.evaluate(FOCUSED))  # type: ignore[attr-defined]
        assert [w["text"] for w in walked[: len(HEADER)]] == HEADER
        assert [w["id"] for w in walked[len(HEADER) :]] == ["site-search", ""]  # the box, then its button
        assert walked[-1]["text"] == "Search"
        assert all(w["outlined"] for w in walked), [w for w in walked if not w["outlined"]]


def test_the_skip_link_moves_the_focus_to_the_content(page: object, web_server: str) -> None:
    tab = page
    tab.goto(web_server + "/id/system/j-11")  # type: ignore[attr-defined]
    tab.keyboard.press("Tab")  # type: ignore[attr-defined]
    tab.keyboard.press("Enter")  # type: ignore[attr-defined]
    assert tab.evaluate("document.activeElement.id") == "content"  # type: ignore[attr-defined]
    tab.keyboard.press("Tab")  # type: ignore[attr-defined]
    after = tab.evaluate(FOCUSED)  # type: ignore[attr-defined]
    assert after["inMain"] and after["outlined"], after  # the next stop is in the content, not the header


def test_a_search_is_sent_from_the_keyboard(page: object, web_server: str) -> None:
    tab = page
    tab.goto(web_server + "/ontology")  # type: ignore[attr-defined]
    _press_tab_until(tab, "el.id === 'site-search'")
    tab.keyboard.type("jian 11", delay=30)  # type: ignore[attr-defined]
    tab.keyboard.press("Enter")  # with no suggestion chosen, Enter searches  # type: ignore[attr-defined]
    tab.wait_for_url("**/search?q=jian+11")  # type: ignore[attr-defined]
    assert tab.locator("main a", has_text="Shenyang J-11").count() >= 1  # type: ignore[attr-defined]


def test_a_filter_form_is_filled_and_sent_from_the_keyboard(page: object, web_server: str) -> None:
    tab = page
    tab.goto(web_server + "/id/system/")  # type: ignore[attr-defined]
    _press_tab_until(tab, "el.id === 'f-state'")
    tab.keyboard.type("China", delay=30)  # a select chooses by typing  # type: ignore[attr-defined]
    assert tab.evaluate("document.getElementById('f-state').value") == "china"  # type: ignore[attr-defined]
    _press_tab_until(tab, "el.type === 'submit' && el.closest('form.filters')")
    tab.keyboard.press("Enter")  # type: ignore[attr-defined]
    tab.wait_for_url("**/id/system/?*state=china*")  # type: ignore[attr-defined]
    assert "China" in tab.locator("main").inner_text()  # type: ignore[attr-defined]


def test_the_explorers_sliders_are_labelled_and_move_with_the_arrow_keys(page: object, web_server: str) -> None:
    tab = page
    tab.goto(web_server + "/explore/j-11")  # type: ignore[attr-defined]
    tab.locator("#explorer-edges tbody tr").first.wait_for()  # type: ignore[attr-defined]
    year = tab.get_by_label("Show links up to the year")  # type: ignore[attr-defined]
    confidence = tab.get_by_label("Hide links rated below")  # type: ignore[attr-defined]
    tab.locator("#explorer-controls input[name=direction]").first.focus()  # type: ignore[attr-defined]
    _press_tab_until(tab, "el.id === 'explorer-year'", most=5)  # reached by Tab from the first control
    tab.keyboard.press("Home")  # the first year of the lineage  # type: ignore[attr-defined]
    first = year.get_attribute("min")
    assert year.input_value() == first
    tab.wait_for_function(  # type: ignore[attr-defined]
        "y => document.getElementById('explorer-year').getAttribute('aria-valuetext') === 'up to ' + y", arg=first
    )
    assert tab.locator("#explorer-year-value").inner_text() == f"up to {first}"  # type: ignore[attr-defined]
    confidence.focus()
    tab.keyboard.press("ArrowRight")  # type: ignore[attr-defined]
    assert confidence.input_value() == "0.05"


def test_the_query_pages_new_tab_button_works_from_the_keyboard(page: object, web_server: str) -> None:
    tab = page
    tab.goto(web_server + "/")  # type: ignore[attr-defined]
    tab.wait_for_function("() => window.dragonbearYasgui && document.getElementById('dragonbear-new-tab')")  # type: ignore[attr-defined]
    before = tab.locator(".tabsList [role=tab]").count()  # type: ignore[attr-defined]
    tab.locator("#dragonbear-new-tab").focus()  # type: ignore[attr-defined]
    tab.keyboard.press("Enter")  # type: ignore[attr-defined]
    tab.wait_for_function(f"() => document.querySelectorAll('.tabsList [role=tab]').length === {before + 1}")  # type: ignore[attr-defined]
    assert tab.locator(".tabsList .addTab").is_hidden()  # type: ignore[attr-defined]
    tab.locator(".tabsList [role=tab]").last.focus()  # type: ignore[attr-defined]
    tab.keyboard.press("Delete")  # closes the tab that has the focus  # type: ignore[attr-defined]
    tab.wait_for_function(f"() => document.querySelectorAll('.tabsList [role=tab]').length === {before}")  # type: ignore[attr-defined]


def test_the_lineage_drawings_boxes_take_a_visible_focus(page: object, web_server: str) -> None:
    tab = page
    tab.goto(web_server + "/id/system/j-11")  # type: ignore[attr-defined]
    _press_tab_until(tab, "el.closest('svg.lineage-graph')", most=80)
    stroke = tab.evaluate("getComputedStyle(document.activeElement.querySelector('rect')).stroke")  # type: ignore[attr-defined]
    assert stroke == "rgb(240, 180, 41)"  # the site's focus colour
    _press_tab_until(tab, "el.closest('svg.lineage-graph') && !el.getAttribute('href').endsWith('/j-11')")
    target = tab.evaluate("document.activeElement.getAttribute('href')")  # type: ignore[attr-defined]
    tab.keyboard.press("Enter")  # type: ignore[attr-defined]
    tab.wait_for_url("**" + target)  # type: ignore[attr-defined]


def test_a_wide_table_scrolls_in_a_focusable_region_on_a_phone(phone: object, web_server: str) -> None:
    tab = phone
    tab.goto(web_server + "/id/state/china")  # type: ignore[attr-defined]
    region = tab.locator(".table-wrap:has(table.claims)").first  # type: ignore[attr-defined]
    tab.wait_for_function("() => document.querySelector('.table-wrap:has(table.claims)').tabIndex === 0")  # type: ignore[attr-defined]
    assert region.get_attribute("role") == "region" and region.get_attribute("aria-label")
    assert region.evaluate("e => e.scrollWidth > e.clientWidth")
    assert tab.evaluate("document.documentElement.scrollWidth") <= 377  # type: ignore[attr-defined]
    region.focus()
    tab.keyboard.press("ArrowRight")  # type: ignore[attr-defined]
    tab.wait_for_function("() => document.querySelector('.table-wrap:has(table.claims)').scrollLeft > 0")  # type: ignore[attr-defined]


# Each text of each box of the lineage drawing, and how far it runs out of its box (<= 0: inside).
TEXT_OUTSIDE = """() => [...document.querySelectorAll("svg.lineage-graph g.node")].flatMap(g => {
  const box = g.querySelector("rect").getBoundingClientRect();
  return [...g.querySelectorAll("text")].map(t => {
    const r = t.getBoundingClientRect();
    return [t.textContent, Math.max(box.left - r.left, r.right - box.right, box.top - r.top, r.bottom - box.bottom)];
  });
})"""


@pytest.mark.parametrize("system", ["j-11", "type-002", "kuznetsov-class", "su-27"])
def test_lineage_labels_stay_inside_their_boxes(page: object, web_server: str, system: str) -> None:
    tab = page
    tab.goto(f"{web_server}/id/system/{system}")  # type: ignore[attr-defined]
    texts = tab.evaluate(TEXT_OUTSIDE)  # type: ignore[attr-defined]
    assert len(texts) >= 4
    assert [(text, out) for text, out in texts if out > 0.5] == []
    assert any(text.endswith("…") or len(text) < 40 for text, _ in texts)


# The visible controls that the keyboard cannot reach: out of the Tab order, or with a positive tabindex
# (which breaks the reading order); and what a mouse pointer offers outside any control. Left out:
# YASGUI's tabs (one tab stop, the arrow keys move between them), its close marks (Delete closes the
# focused tab), <main> (the skip link's target) and the drawings' canvases (their links are in tables).
UNREACHABLE = """() => {
  const shown = e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0 &&
                       getComputedStyle(e).visibility !== "hidden"; };
  const name = e => e.tagName + "." + (e.className.baseVal ?? e.className) + " " + (e.innerText || "").slice(0, 30);
  const controls = [...document.querySelectorAll("a[href], button, input, select, textarea, summary, [tabindex]")]
    .filter(shown).filter(e => !e.matches("main, [role=tab], .closeTab, .CodeMirror *, .CodeMirror-scroll"));
  const out = controls.filter(e => e.disabled ? false : e.tabIndex !== 0).map(name);
  const pointers = [...document.querySelectorAll("body *")].filter(shown)
    .filter(e => getComputedStyle(e).cursor === "pointer")
    .filter(e => !e.closest("a[href], button, input, select, label, summary, [tabindex='0'], [role=tab], canvas"))
    .map(name);
  return [...out, ...pointers];
}"""


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/queries/transfers",
        "/search?q=j-11",
        "/id/system/",
        "/id/system/j-11",
        "/id/state/china",
        "/explore/j-11",
        "/ontology",
        "/charts",
        "/download",
    ],
)
def test_every_visible_control_is_in_the_tab_order(page: object, web_server: str, path: str) -> None:
    tab = page
    open_settled(tab, web_server + path)
    assert tab.evaluate(UNREACHABLE) == []  # type: ignore[attr-defined]

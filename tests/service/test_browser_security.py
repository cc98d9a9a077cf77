"""Text from the data never runs in a page (issue 16), in Debian's Chromium driven by Playwright.

A real `dragonbear serve` on the hostile store of :mod:`tests.service.hostile_data`: names, notes, a SIPRI
comment and a loaded file that hold ``<script>``, ``<img onerror>``, ``"><svg onload>``, ``<iframe srcdoc>``,
a ``</title>`` break-out, a CDATA end and ``javascript:`` IRIs and literals. Every payload sets
``window.__pwned`` if it runs. On every page of the service (the accessibility test's list) and on the
pages that show the hostile text (entity pages, the explorer and its details, the charts, the timeline, the
map, the search page and the search box's suggestions, YASGUI's results, the embeds, the drawings opened
as documents): nothing runs (``window.__pwned`` stays undefined, no dialog opens), the browser reports no
Content-Security-Policy violation (injected markup blocked by the policy would be one), no element carries
an event handler or a ``javascript:`` link, and the hostile text is shown as text.

Skipped only where Debian's Chromium is absent (``.ci/run`` installs it).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ..conftest import CHROMIUM, NO_CHROMIUM, serve_store
from . import hostile_data as hostile
from .browsing import hosts, open_settled
from .test_browser_accessibility import PAGES, _address

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason=NO_CHROMIUM),
    pytest.mark.browser,
    pytest.mark.server,
    pytest.mark.slow,
]

# Recorded before any script of the page runs (an init script is not subject to the page's policy).
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", e => window.__violations.push({
  directive: e.violatedDirective, blocked: e.blockedURI, source: e.sourceFile || e.documentURI, sample: e.sample
}), true);
"""
# YASR (in YASGUI's bundle) gives DataTables the text of each result cell for searching and sorting through
# DOMPurify, which parses it into an inert document (DOMParser): Chrome reports the event handlers of that
# document as violations, though they can never run (the test without the policy shows it).
YASGUI_SCRIPT = "/static/yasgui/yasgui.min.js"
# Elements that only injected markup would make: event handlers, javascript: links, inline frames, inline
# scripts (the pages' own inline script elements are JSON data, never run).
INJECTED = """() => [...document.querySelectorAll(
  "[onerror], [onload], [onclick], [onmouseover], iframe, object, embed, a[href^='javascript:' i], " +
  "script:not([src]):not([type='application/json'])")].map(e => e.outerHTML.slice(0, 120))"""

TRANSFER = "/id/transfer/sipri/russia-china-2015-9m96"


@pytest.fixture(scope="module")
def hostile_server(small_extract: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of a real `dragonbear serve` on the hostile store."""
    store = hostile.build_hostile_store(tmp_path_factory.mktemp("hostile"), small_extract)
    with serve_store(store) as running:
        yield running.base.rstrip("/")


def _tab(browser: object, *, bypass_csp: bool = False) -> Iterator[object]:
    """A tab that records dialogs, the policy's violations, console messages about the policy, and every URL."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=bypass_csp)  # type: ignore[attr-defined]
    context.add_init_script(WATCH)
    page = context.new_page()
    page.dialogs, page.policy_messages, page.requests = [], [], []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    page.on("console", lambda m: page.policy_messages.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("request", lambda r: page.requests.append(r.url))
    yield page
    context.close()


@pytest.fixture
def tab(browser: object) -> Iterator[object]:
    yield from _tab(browser)


def _nothing_ran(tab: object, *, inert_parses: bool = False) -> None:
    """Nothing of the data ran in the tab's page, nothing was blocked by the policy, nothing was injected.

    With ``inert_parses``, the violations reported for YASGUI's inert parses of result cells (event
    handlers in a DOMParser document, see :data:`YASGUI_SCRIPT`) are set aside; no other is."""
    assert tab.evaluate("() => window.__pwned") is None  # type: ignore[attr-defined]
    assert tab.dialogs == []  # type: ignore[attr-defined]
    violations = tab.evaluate("() => window.__violations")  # type: ignore[attr-defined]
    messages = tab.policy_messages  # type: ignore[attr-defined]
    if inert_parses:
        violations = [
            v for v in violations if not (v["directive"] == "script-src-attr" and v["source"].endswith(YASGUI_SCRIPT))
        ]
        messages = [m for m in messages if "inline event handler" not in m]
    assert violations == []
    assert messages == []
    assert tab.evaluate(INJECTED) == []  # type: ignore[attr-defined]
    assert hosts(tab.requests) == {"127.0.0.1"}, tab.requests  # type: ignore[attr-defined]


def _visit(tab: object, url: str, drawn: str | None = None) -> None:
    open_settled(tab, url)
    if drawn:
        tab.locator(drawn).first.wait_for()  # type: ignore[attr-defined]


def _text(tab: object, selector: str = "body") -> str:
    return str(tab.locator(selector).first.text_content())  # type: ignore[attr-defined]


@pytest.mark.parametrize(("path", "drawn"), PAGES)
def test_no_page_runs_the_data_or_breaks_its_policy(tab: object, hostile_server: str, path: str, drawn: str) -> None:
    _visit(tab, _address(hostile_server, path), drawn)
    _nothing_ran(tab)


ENTITY_PAGES = [
    pytest.param("/id/system/j-11", hostile.SYSTEM_NAME, [hostile.SYSTEM_NOTE, hostile.LOADED_COMMENT], id="system"),
    pytest.param(
        "/id/exercise/vostok-2022", hostile.EXERCISE_NAME, [hostile.EXERCISE_NOTE, hostile.PLACE_NAME], id="exercise"
    ),
    pytest.param("/id/series/vostok", hostile.SERIES_NAME, [hostile.EXERCISE_NAME], id="series"),
    pytest.param("/id/place/sea-of-japan", hostile.PLACE_NAME, [hostile.EXERCISE_NAME], id="place"),
    pytest.param(TRANSFER, None, [hostile.SIPRI_COMMENT], id="sipri-deal"),
]


@pytest.mark.parametrize(("path", "title", "shown"), ENTITY_PAGES)
def test_an_entity_page_shows_hostile_names_and_notes_as_text(
    tab: object, hostile_server: str, path: str, title: str | None, shown: list[str]
) -> None:
    _visit(tab, hostile_server + path)
    _nothing_ran(tab)
    if title is not None:
        assert tab.locator("h1").inner_text() == title  # type: ignore[attr-defined]
        assert tab.title().startswith(title)  # type: ignore[attr-defined]
    body = _text(tab)
    assert all(text in body for text in shown), [t for t in shown if t not in body]


def test_a_javascript_iri_is_shown_but_never_linked(tab: object, hostile_server: str) -> None:
    _visit(tab, hostile_server + "/id/system/j-11")
    _nothing_ran(tab)
    assert hostile.JS_IRI in _text(tab)
    assert tab.locator(f"a[href='{hostile.JS_IRI}']").count() == 0  # type: ignore[attr-defined]


VIEWS = [
    pytest.param("/search?q=J-11", None, [hostile.SYSTEM_NAME], id="search"),
    pytest.param("/search?q=Vostok", None, [hostile.SERIES_NAME, hostile.EXERCISE_NAME], id="search-vostok"),
    pytest.param("/explore/j-11", "#explorer-edges tbody tr", [hostile.SYSTEM_NAME], id="explorer"),
    pytest.param("/charts", "figure img", [], id="charts"),
    pytest.param("/timeline?state=china&kind=exercise", None, [hostile.EXERCISE_NAME], id="timeline"),
    pytest.param("/map", "svg.world", [hostile.PLACE_NAME, hostile.EXERCISE_NAME], id="map"),
    pytest.param("/queries/exercises?state=china", None, [hostile.EXERCISE_NAME, hostile.PLACE_NAME], id="query-form"),
    pytest.param("/embed/lineage/j-11", "svg.lineage-graph", [hostile.SYSTEM_NAME], id="embed-lineage"),
    pytest.param("/embed/query/exercises?state=china", None, [hostile.EXERCISE_NAME, hostile.PLACE_NAME], id="embed"),
    pytest.param("/embed/lineage/j-11.svg", None, [hostile.SYSTEM_NAME], id="lineage-svg-document"),
    pytest.param("/charts/deliveries-to-china.svg", None, [hostile.MARKER_NAME], id="chart-svg-document"),
    pytest.param("/embed/chart/deliveries-to-china", "figure img", [], id="embed-chart"),
]


@pytest.mark.parametrize(("path", "drawn", "shown"), VIEWS)
def test_views_show_hostile_text_as_text(
    tab: object, hostile_server: str, path: str, drawn: str | None, shown: list[str]
) -> None:
    _visit(tab, hostile_server + path, drawn)
    _nothing_ran(tab)
    text = _text(tab, ":root")
    assert all(t in text for t in shown), [t for t in shown if t not in text]


def test_the_search_box_suggests_a_hostile_name_as_text(tab: object, hostile_server: str) -> None:
    _visit(tab, hostile_server + "/")
    box = tab.get_by_role("combobox", name="Search names")  # type: ignore[attr-defined]
    box.click()
    box.press_sequentially("J-11", delay=30)
    option = tab.locator("#site-search-list [role=option]", has_text=hostile.SYSTEM_NAME)  # type: ignore[attr-defined]
    option.first.wait_for()
    _nothing_ran(tab)


def test_the_explorer_details_show_a_hostile_name_as_text(tab: object, hostile_server: str) -> None:
    _visit(tab, hostile_server + "/explore/j-11", "#explorer-edges tbody tr")
    tab.wait_for_function("() => window.dragonbearExplorer && window.dragonbearExplorer.cy")  # type: ignore[attr-defined]
    tab.evaluate(f"() => {{ window.dragonbearExplorer.cy.getElementById('{hostile.SYSTEM}').emit('tap'); }}")  # type: ignore[attr-defined]
    tab.locator("#explorer-details").get_by_role("heading", name=hostile.SYSTEM_NAME).wait_for()  # type: ignore[attr-defined]
    _nothing_ran(tab)


@pytest.mark.parametrize("policy", [True, False], ids=["with-the-policy", "without-a-policy"])
def test_yasgui_shows_hostile_results_as_text(browser: object, hostile_server: str, policy: bool) -> None:
    """YASGUI's results show the hostile literals and the ``javascript:`` IRI as text; without any policy
    to block it (a context that bypasses it) nothing runs either: the page itself never runs the data."""
    for tab in _tab(browser, bypass_csp=not policy):
        _visit(tab, hostile_server + "/", ".yasqe .CodeMirror")
        tab.wait_for_function("() => window.dragonbearYasgui && window.dragonbearYasgui.getTab()")  # type: ignore[attr-defined]
        query = (
            "SELECT ?label ?comment ?link WHERE { <" + hostile.SYSTEM + "> rdfs:label ?label ; rdfs:comment ?comment ; "
            "skos:closeMatch ?link FILTER(LANG(?label) = 'en') }"
        )
        tab.evaluate("q => window.dragonbearYasgui.getTab().getYasqe().setValue(q)", query)  # type: ignore[attr-defined]
        tab.locator(".yasqe_queryButton").first.click()  # type: ignore[attr-defined]
        tab.locator(".yasr table td", has_text="J-11").first.wait_for()  # type: ignore[attr-defined]
        tab.wait_for_load_state("networkidle")  # type: ignore[attr-defined]
        results = _text(tab, ".yasr table")
        assert hostile.SYSTEM_NAME in results and hostile.LOADED_COMMENT in results and hostile.JS_IRI in results
        _nothing_ran(tab, inert_parses=True)

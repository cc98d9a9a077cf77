"""The query page and an entity page in a real browser: Debian's Chromium driven by Playwright.

Skipped only where Debian's Chromium is absent (``.ci/run`` installs it). Playwright's own
browser downloads are never used.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

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
    yield from open_tab(browser, 1280, 900)


def test_query_page_runs_a_query_with_yasgui_served_locally(page: object, web_server: str) -> None:
    tab = page
    tab.goto(web_server + "/")  # type: ignore[attr-defined]
    tab.wait_for_function("() => window.dragonbearYasgui && window.dragonbearYasgui.getTab()")  # type: ignore[attr-defined]
    # one tab per canned query, next to the default one
    names = tab.locator(".tabPanel, .tab").all_inner_texts()  # type: ignore[attr-defined]
    assert any("transfers" in n for n in names)
    query = (
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT ?label WHERE { <https://w3id.org/dragonbear/id/system/j-11> rdfs:label ?label }"
    )
    tab.evaluate("q => window.dragonbearYasgui.getTab().getYasqe().setValue(q)", query)  # type: ignore[attr-defined]
    tab.locator(".yasqe_queryButton").first.click()  # type: ignore[attr-defined]
    cell = tab.locator(".yasr table td", has_text="Shenyang J-11").first  # type: ignore[attr-defined]
    cell.wait_for(state="visible")
    tab.screenshot(path="/tmp/dragonbear-query-page.png", full_page=True)  # type: ignore[attr-defined]
    assert hosts(tab.requests) == {"127.0.0.1"}, tab.requests  # type: ignore[attr-defined]
    assert any(u.endswith("/static/yasgui/yasgui.min.js") for u in tab.requests)  # type: ignore[attr-defined]
    assert any(urlsplit(u).path == "/sparql" for u in tab.requests)  # type: ignore[attr-defined]


def test_entity_page_draws_the_lineage_graph(page: object, web_server: str) -> None:
    tab = page
    tab.goto(web_server + "/id/system/j-11")  # type: ignore[attr-defined]
    node = tab.locator("svg.lineage-graph g.node", has_text="Sukhoi Su-27SK")  # type: ignore[attr-defined]
    node.wait_for(state="visible")
    box = node.bounding_box()
    assert box is not None and box["width"] > 50 and box["height"] > 20
    focus = tab.locator("svg.lineage-graph g.node.focus")  # type: ignore[attr-defined]
    assert "Shenyang J-11" in (focus.text_content() or "")  # type: ignore[attr-defined]
    assert tab.locator("h1").inner_text() == "Shenyang J-11"  # type: ignore[attr-defined]
    tab.screenshot(path="/tmp/dragonbear-entity-page.png", full_page=True)  # type: ignore[attr-defined]
    assert hosts(tab.requests) == {"127.0.0.1"}, tab.requests  # type: ignore[attr-defined]
    # the node links to the ancestor's own page
    node.click()
    tab.wait_for_url("**/id/system/su-27sk")  # type: ignore[attr-defined]
    assert "Sukhoi Su-27SK" in tab.locator("h1").inner_text()  # type: ignore[attr-defined]

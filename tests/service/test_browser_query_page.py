"""The query page's YASGUI in a real browser (Debian's Chromium): share links, predeclared prefixes,
completion from the server, leaving the editor with the keyboard, result IRIs linked to local pages,
and no request to another origin."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from ..conftest import CHROMIUM, NO_CHROMIUM

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason=NO_CHROMIUM),
    pytest.mark.browser,
    pytest.mark.server,
    pytest.mark.slow,
]

YASQE = "window.dragonbearYasgui.getTab().getYasqe()"
READY = "() => window.dragonbearYasgui && window.dragonbearYasgui.getTab()"


@pytest.fixture
def context(browser: object) -> Iterator[object]:
    made = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    made.requests = []  # every URL any page of the context asks for
    made.on("request", lambda request: made.requests.append(request.url))
    yield made
    made.close()


def _open(context: object, url: str) -> object:
    tab = context.new_page()  # type: ignore[attr-defined]
    tab.goto(url)
    tab.wait_for_function(READY)
    return tab


def _run(tab: object, query: str) -> None:
    tab.evaluate(f"q => {YASQE}.setValue(q)", query)  # type: ignore[attr-defined]
    tab.locator(".yasqe_queryButton").first.click()  # type: ignore[attr-defined]
    tab.locator(".yasr_results").first.wait_for(state="visible")  # type: ignore[attr-defined]


def test_a_share_link_restores_the_query_and_the_view(context: object, web_server: str) -> None:
    tab = _open(context, web_server + "/")
    query = "SELECT ?l WHERE { system:j-11 rdfs:label ?l }"
    _run(tab, query)
    tab.locator(".yasr table td", has_text="Shenyang J-11").first.wait_for()  # type: ignore[attr-defined]
    tab.locator(".yasr_btn.select_response").first.click()  # type: ignore[attr-defined]
    tab.locator(".yasqe_share").first.click()  # type: ignore[attr-defined]
    link = tab.locator(".yasqe_sharePopup input, .yasqe_sharePopup textarea").first.input_value()  # type: ignore[attr-defined]
    assert urlsplit(link).netloc == urlsplit(web_server).netloc and "query=" in link
    shared = _open(context, link)
    assert shared.evaluate("window.dragonbearYasgui.getTab().getQuery()") == query  # type: ignore[attr-defined]
    shared.locator(".yasr_btn.select_response.selected").first.wait_for()  # type: ignore[attr-defined]
    shared.locator(".yasr_results", has_text='"Shenyang J-11"').first.wait_for()  # type: ignore[attr-defined]


def test_predeclared_prefixes_are_not_errors_and_names_complete_from_the_server(
    context: object, web_server: str
) -> None:
    tab = _open(context, web_server + "/")
    tab.evaluate(f"{YASQE}.setValue('SELECT * WHERE {{ ?s a dgb:SystemModel ; system:x ?o }}')")  # type: ignore[attr-defined]
    tab.wait_for_function(f"() => {YASQE}.queryValid === true")  # type: ignore[attr-defined]
    assert tab.locator(".parseErrorIcon").count() == 0  # type: ignore[attr-defined]
    for text, expected in (("?s a dgb:Sys", "dgb:SystemModel"), ("?s dgb:countryOf", "dgb:countryOfOrigin")):
        tab.evaluate(
            f"t => {{ {YASQE}.setValue('SELECT * WHERE {{ ' + t); {YASQE}.focus(); {YASQE}.setCursor({{line: 0, ch: 200}}) }}",
            text,
        )  # type: ignore[attr-defined]
        tab.keyboard.press("Control+Space")  # type: ignore[attr-defined]
        hint = tab.locator(".CodeMirror-hint", has_text=expected).first  # type: ignore[attr-defined]
        hint.wait_for()
        tab.keyboard.press("Escape")  # type: ignore[attr-defined]
    hosts = {urlsplit(u).hostname for u in context.requests if u.startswith("http")}  # type: ignore[attr-defined]
    assert hosts == {"127.0.0.1"}, context.requests  # type: ignore[attr-defined]


def test_escape_leaves_the_editor_and_tab_moves_on(context: object, web_server: str) -> None:
    tab = _open(context, web_server + "/")
    assert "Escape" in (tab.get_attribute(".CodeMirror textarea", "aria-label") or "")  # type: ignore[attr-defined]
    tab.evaluate(f"{YASQE}.focus()")  # type: ignore[attr-defined]
    tab.keyboard.press("Tab")  # inside the editor Tab still indents
    assert tab.evaluate("document.activeElement.closest('.CodeMirror') !== null")  # type: ignore[attr-defined]
    tab.keyboard.press("Escape")  # type: ignore[attr-defined]
    assert "yasqe_queryButton" in tab.evaluate("document.activeElement.className")  # type: ignore[attr-defined]
    tab.keyboard.press("Tab")  # type: ignore[attr-defined]
    assert tab.evaluate("document.activeElement.closest('.CodeMirror') === null")  # type: ignore[attr-defined]


def test_result_iris_of_the_project_link_to_this_servers_pages(context: object, web_server: str) -> None:
    tab = _open(context, web_server + "/")
    _run(tab, "SELECT ?s ?same WHERE { VALUES ?s { system:j-11 } ?s skos:exactMatch ?same }")
    link = tab.locator(".yasr table td a", has_text="j-11").first  # type: ignore[attr-defined]
    link.wait_for()
    assert link.get_attribute("href") == "/id/system/j-11"
    outside = tab.locator(".yasr table td a[href^='http://dbpedia.org/resource/']")  # type: ignore[attr-defined]
    assert outside.count() >= 1  # other IRIs keep their own address
    link.click()
    tab.wait_for_url("**/id/system/j-11")  # type: ignore[attr-defined]

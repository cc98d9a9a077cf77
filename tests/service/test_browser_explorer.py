"""The lineage explorer (``/explore``): its pages over HTTP, and the interactive graph in a real browser.

The pages are asked of the app in this process (``client``). The browser tests drive Debian's
Chromium with Playwright against the real ``dragonbear serve`` of ``web_server`` and assert on what a
user sees: the table "Links shown" (the text alternative of the graph) and Cytoscape's own state.
They are skipped only where Debian's Chromium is absent.
"""

from __future__ import annotations

import contextlib
import doctest
import fnmatch
import re
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

import pytest
from starlette.testclient import TestClient

import dragonbear.service.web.explorer as explorer_module

from ..conftest import CHROMIUM, NO_CHROMIUM

ROOT = Path(__file__).resolve().parents[2]
SERVICE = ROOT / "service" / "web"
SYSTEM = "https://w3id.org/dragonbear/id/system/"
T = TypeVar("T", bound=Callable[..., object])


def in_browser(test: T) -> T:
    """Chromium against a real server: marked ``browser``, ``server`` and ``slow``; skipped without Chromium."""
    for mark in (
        pytest.mark.skipif(not CHROMIUM.exists(), reason=NO_CHROMIUM),
        pytest.mark.browser,
        pytest.mark.server,
        pytest.mark.slow,
    ):
        test = mark(test)
    return test


# --- Over HTTP ------------------------------------------------------------------------------------


def _assets(html: str) -> list[str]:
    return re.findall(r'<(?:script|link|img|iframe)[^>]+(?:src|href)="([^"]+)"', html)


def test_explorer_page_of_j11_loads_only_its_own_assets(client: TestClient) -> None:
    response = client.get("/explore/j-11")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert "<h1>Lineage of Shenyang J-11</h1>" in html
    assets = _assets(html)
    paths = {urlsplit(a).path for a in assets}
    assert {
        "/static/cytoscape/cytoscape.min.js",
        "/static/cytoscape/cytoscape-dagre.min.js",
        "/static/explorer.js",
        "/static/explorer.css",
        "/static/explorer.groups.js",
        "/static/explorer.table.js",
        "/static/explorer.panels.js",
        "/static/explorer.search.js",
    } <= paths
    assert [a for a in assets if urlsplit(a).scheme not in ("", "data") or a.startswith("//")] == []
    # the browser is told to refuse anything from another origin
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy and "connect-src 'self'" in policy
    config = re.search(r'<script id="explorer-config" type="application/json">(.*?)</script>', html, re.DOTALL)
    assert config is not None and '"api": "/api/lineage/j-11"' in config.group(1)


@pytest.mark.parametrize(
    "path, media, size",
    [
        pytest.param("/static/cytoscape/cytoscape.min.js", "javascript", 300_000, id="cytoscape"),
        pytest.param("/static/cytoscape/cytoscape-dagre.min.js", "javascript", 30_000, id="dagre-layout"),
        pytest.param("/static/cytoscape/LICENSE", "", 1_000, id="licence"),  # any media type
        pytest.param("/static/explorer.js", "javascript", 5_000, id="explorer-script"),
        pytest.param("/static/explorer.groups.js", "javascript", 2_000, id="explorer-groups"),
        pytest.param("/static/explorer.table.js", "javascript", 2_000, id="explorer-table"),
        pytest.param("/static/explorer.panels.js", "javascript", 2_000, id="explorer-panels"),
        pytest.param("/static/explorer.search.js", "javascript", 1_000, id="explorer-search"),
        pytest.param("/static/explorer.css", "text/css", 500, id="explorer-style"),
    ],
)
def test_explorer_static_files_are_served_from_the_package(
    client: TestClient, path: str, media: str, size: int
) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert media in response.headers["content-type"]
    assert len(response.content) > size


def test_vendored_cytoscape_is_the_version_its_readme_names() -> None:
    readme = (SERVICE / "static" / "cytoscape" / "README.md").read_text(encoding="utf-8")
    version = re.search(r"`cytoscape` \*\*([0-9.]+)\*\*", readme)
    assert version is not None
    bundle = (SERVICE / "static" / "cytoscape" / "cytoscape.min.js").read_text(encoding="utf-8")
    assert f'.version="{version.group(1)}"' in bundle


def test_every_static_file_is_package_data() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["dragonbear.service.web"]
    files = [p.relative_to(SERVICE).as_posix() for p in (SERVICE / "static").rglob("*") if p.is_file()]
    assert any(f.startswith("static/cytoscape/") for f in files)
    assert [f for f in files if not any(fnmatch.fnmatch(f, pat) for pat in patterns)] == []


def test_explore_without_a_system_shows_the_search_box(client: TestClient) -> None:
    response = client.get("/explore")
    assert response.status_code == 200
    assert '<input id="explorer-q" name="q" type="search"' in response.text
    assert "content-security-policy" in response.headers


@pytest.mark.parametrize(
    "name, target",
    [
        pytest.param("J-11", "/explore/j-11", id="designation"),
        pytest.param("Flanker", "/explore/su-27", id="reporting-name"),
        pytest.param("歼-11", "/explore/j-11", id="chinese-name"),
    ],
)
def test_search_goes_to_the_explorer_of_the_clear_match(client: TestClient, name: str, target: str) -> None:
    response = client.get("/explore", params={"q": name})
    assert response.status_code == 303
    assert response.headers["location"].endswith(target)


def test_search_lists_the_systems_an_ambiguous_name_may_denote(client: TestClient) -> None:
    response = client.get("/explore", params={"q": "Shenyang"})
    assert response.status_code == 200
    html = response.text
    assert '<a href="/explore/j-11">Shenyang J-11</a>' in html
    assert '<a href="/explore/j-15">Shenyang J-15</a>' in html
    assert "Shenyang Aircraft Corporation" not in html  # an organization, not a system


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/explore/no-such-system", id="unknown-id"),
        pytest.param("/explore/%3Cscript%3E", id="not-an-iri"),
        pytest.param("/explore/https://w3id.org/dragonbear/id/state/china", id="not-a-system"),
    ],
)
def test_unknown_system_is_a_404_page_without_a_stack_trace(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "The graph has no system" in response.text
    assert "Traceback" not in response.text and "<script>" not in response.text


def test_explorer_accepts_the_full_iri_of_a_system(client: TestClient) -> None:
    response = client.get(f"/explore/{SYSTEM}su-27")
    assert response.status_code == 200
    assert "<h1>Lineage of Sukhoi Su-27</h1>" in response.text


def test_site_nav_and_system_pages_link_to_the_explorer(client: TestClient) -> None:
    system = client.get("/id/system/j-11", headers={"Accept": "text/html"}).text
    assert '<a href="/explore/j-11">Explore lineage</a>' in system
    assert '<a href="/explore">Lineage</a>' in system
    state = client.get("/id/state/china", headers={"Accept": "text/html"}).text
    assert "Explore lineage" not in state


def test_explorer_docstring_examples_run() -> None:
    assert doctest.testmod(explorer_module).failed == 0


# --- In the browser -------------------------------------------------------------------------------


@pytest.fixture
def tab(browser: object) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    page = context.new_page()
    page.requests = []  # every URL the page asks for
    page.problems = []  # script errors and console errors (a refused load is one)
    page.on("request", lambda request: page.requests.append(request.url))
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    page.on("console", lambda message: page.problems.append(message.text) if message.type == "error" else None)
    yield page
    context.close()


def _open(tab: object, url: str) -> None:
    tab.goto(url)  # type: ignore[attr-defined]
    tab.wait_for_function("() => window.dragonbearExplorer && window.dragonbearExplorer.cy")  # type: ignore[attr-defined]


def _rows(tab: object) -> list[str]:
    """The rows of the table "Links" (the text alternative), one string per link, cells joined by " | "."""
    cells = tab.evaluate(  # type: ignore[attr-defined]
        "() => [...document.querySelectorAll('#explorer-edges tbody tr[data-edge]')]"
        ".map(tr => [...tr.cells].map(td => td.innerText.trim()).join(' | '))"
    )
    return list(cells)


def _drawn_nodes_become(tab: object, names: list[str]) -> None:
    """Wait (up to 5 s) until the drawn systems are ``names``, then assert it: a key press redraws in the
    page's own time, and the table can be read a moment before the drawing is."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    want = sorted(names)
    with contextlib.suppress(PlaywrightTimeout):  # the assertion below says what is drawn
        tab.wait_for_function(  # type: ignore[attr-defined]
            "(want) => JSON.stringify(window.dragonbearExplorer.cy.nodes(':visible').map(n => n.data('name')).sort())"
            " === JSON.stringify(want)",
            arg=want,
            timeout=5000,
        )
    assert _drawn(tab)["nodes"] == want


def _drawn(tab: object) -> dict[str, list[str]]:
    """What Cytoscape draws: the labels of the visible systems and the ids of the visible links."""
    return tab.evaluate("""() => { const cy = window.dragonbearExplorer.cy;
        return { nodes: cy.nodes(':visible').map(n => n.data('name')).sort(),
                 edges: cy.edges(':visible').map(e => e.data('label')).sort() }; }""")  # type: ignore[attr-defined,no-any-return]


LICENSED = "Shenyang J-11 | derivation | licensed production | Sukhoi Su-27SK | 1998 | 0.85"


@in_browser
def test_j11_explorer_draws_its_lineage_from_local_assets(tab: object, web_server: str) -> None:
    _open(tab, web_server + "/explore/j-11")
    drawn = _drawn(tab)
    assert {"Shenyang J-11", "Sukhoi Su-27SK", "Sukhoi Su-27", "Shenyang J-11B", "Shenyang J-15"} <= set(drawn["nodes"])
    rows = _rows(tab)
    assert any(r.startswith(LICENSED) for r in rows), rows
    # a small lineage is drawn whole: every link of the table is drawn (parallel links as one edge)
    drawn_links = tab.evaluate("() => Object.keys(window.dragonbearExplorer.plan.drawn).length")  # type: ignore[attr-defined]
    assert len(rows) == drawn_links and 0 < len(drawn["edges"]) <= len(rows)
    # the canvas really has the graph laid out in layers: Su-27SK (an ancestor) is drawn above the
    # J-11, or to its left when the lineage is too wide for the box
    placed = tab.evaluate(f"""() => {{ const x = window.dragonbearExplorer, cy = x.cy;
        const a = cy.getElementById('{SYSTEM}su-27sk').position(), b = cy.getElementById('{SYSTEM}j-11').position();
        return x.orientation === 'RL' ? a.x < b.x - 50 : a.y < b.y - 50; }}""")  # type: ignore[attr-defined]
    assert placed is True
    tab.screenshot(path="/tmp/dragonbear-explorer.png", full_page=True)  # type: ignore[attr-defined]
    hosts = {urlsplit(u).hostname for u in tab.requests if not u.startswith(("data:", "blob:", "about:"))}  # type: ignore[attr-defined]
    assert hosts == {"127.0.0.1"}, tab.requests  # type: ignore[attr-defined]
    assert any(urlsplit(u).path == "/api/lineage/j-11" for u in tab.requests)  # type: ignore[attr-defined]
    assert tab.problems == []  # type: ignore[attr-defined]


@in_browser
def test_year_slider_before_the_licence_hides_the_licensed_production(tab: object, web_server: str) -> None:
    _open(tab, web_server + "/explore/j-11")
    slider = tab.locator("#explorer-year")  # type: ignore[attr-defined]
    slider.focus()
    tab.keyboard.press("Home")  # type: ignore[attr-defined]  # the earliest year: one before the first dated link
    for _ in range(1997 - int(slider.get_attribute("min"))):
        tab.keyboard.press("ArrowRight")  # type: ignore[attr-defined]
    assert slider.input_value() == "1997"
    assert not any(r.startswith(LICENSED) for r in _rows(tab))
    assert "licensed production 1998" not in _drawn(tab)["edges"]
    assert "as of 1997" in tab.locator("#explorer-summary").inner_text()  # type: ignore[attr-defined]
    assert "year=1997" in tab.url  # type: ignore[attr-defined]  # the view can be shared
    tab.keyboard.press("ArrowRight")  # type: ignore[attr-defined]
    assert any(r.startswith(LICENSED) for r in _rows(tab))
    assert "licensed production 1998" in _drawn(tab)["edges"]


@in_browser
def test_unticking_a_relation_hides_its_links(tab: object, web_server: str) -> None:
    _open(tab, web_server + "/explore/j-11")
    assert any(" | variant | " in r for r in _rows(tab))
    tab.locator('input[data-relation="variant"]:not([data-kind])').uncheck()  # type: ignore[attr-defined]
    rows = _rows(tab)
    assert rows and not any(" | variant | " in r for r in rows)
    assert "variant of" not in _drawn(tab)["edges"]
    # one kind inside a relation
    tab.locator('input[data-kind="reverse engineering"]').uncheck()  # type: ignore[attr-defined]
    assert not any("reverse engineering" in r for r in _rows(tab))
    assert any(r.startswith(LICENSED) for r in _rows(tab))


@in_browser
def test_minimum_confidence_hides_less_certain_links_and_their_systems(tab: object, web_server: str) -> None:
    _open(tab, web_server + "/explore/j-11")
    slider = tab.locator("#explorer-confidence")  # type: ignore[attr-defined]
    slider.focus()
    for _ in range(14):  # 0.05 a step: 0.70
        tab.keyboard.press("ArrowRight")  # type: ignore[attr-defined]
    assert slider.input_value() == "0.7"
    rows = _rows(tab)
    assert not any(" | 0.60" in r for r in rows), rows  # the reverse-engineering claims (0.6)
    assert any(" | derived design | " in r for r in rows)  # 0.7 stays
    assert any(r.startswith(LICENSED) for r in rows)
    tab.locator("#explorer-unrated").uncheck()  # type: ignore[attr-defined]
    assert not any("not recorded" in r for r in _rows(tab))
    # the J-11B came only through a 0.6 claim and an unrated variant link: it is gone from the drawing
    assert "Shenyang J-11B" not in _drawn(tab)["nodes"]
    assert "Shenyang J-15" in _drawn(tab)["nodes"]


@in_browser
def test_direction_ancestors_keeps_only_where_the_j11_came_from(tab: object, web_server: str) -> None:
    _open(tab, web_server + "/explore/j-11")
    tab.get_by_label("ancestors").check()  # type: ignore[attr-defined]
    tab.wait_for_function("""() => [...document.querySelectorAll('#explorer-edges tr[data-edge]')]
        .every(tr => !tr.cells[0].innerText.includes('J-15') && !tr.cells[3].innerText.includes('J-15'))""")  # type: ignore[attr-defined]
    drawn = _drawn(tab)
    assert {"Shenyang J-11", "Sukhoi Su-27SK", "Sukhoi Su-27"} <= set(drawn["nodes"])
    assert not {"Shenyang J-11B", "Shenyang J-15"} & set(drawn["nodes"])
    assert not any(r.startswith(("Shenyang J-11B |", "Shenyang J-15 |")) for r in _rows(tab))
    assert any(urlsplit(u).query == "direction=up" for u in tab.requests)  # type: ignore[attr-defined]


def _click_node(tab: object, iri: str, *, double: bool = False) -> None:
    box = tab.locator("#explorer-graph").bounding_box()  # type: ignore[attr-defined]
    at = tab.evaluate(f"() => window.dragonbearExplorer.cy.getElementById('{iri}').renderedPosition()")  # type: ignore[attr-defined]
    x, y = box["x"] + at["x"], box["y"] + at["y"]
    if double:
        tab.mouse.dblclick(x, y)  # type: ignore[attr-defined]
    else:
        tab.mouse.click(x, y)  # type: ignore[attr-defined]


@in_browser
def test_clicking_a_system_shows_its_details_with_links(tab: object, web_server: str) -> None:
    _open(tab, web_server + "/explore/j-11")
    _click_node(tab, SYSTEM + "su-27sk")
    details = tab.locator("#explorer-details")  # type: ignore[attr-defined]
    details.get_by_role("heading", name="Sukhoi Su-27SK").wait_for()
    assert details.get_by_role("link", name="Open the entity page").get_attribute("href") == "/id/system/su-27sk"
    recentre = details.get_by_role("link", name="Explore its lineage")
    recentre.click()
    tab.wait_for_url("**/explore/su-27sk")  # type: ignore[attr-defined]
    assert "Lineage of Sukhoi Su-27SK" in tab.locator("h1").inner_text()  # type: ignore[attr-defined]


@in_browser
def test_double_clicking_a_system_opens_its_entity_page(tab: object, web_server: str) -> None:
    _open(tab, web_server + "/explore/j-11")
    _click_node(tab, SYSTEM + "su-27sk", double=True)
    tab.wait_for_url("**/id/system/su-27sk")  # type: ignore[attr-defined]
    assert "Sukhoi Su-27SK" in tab.locator("h1").inner_text()  # type: ignore[attr-defined]


@in_browser
def test_search_box_suggests_systems_from_the_resolver(tab: object, web_server: str) -> None:
    tab.goto(web_server + "/explore")  # type: ignore[attr-defined]
    tab.locator("#explorer-q").press_sequentially("Flanker")  # type: ignore[attr-defined]
    suggestion = tab.locator("#explorer-suggestions a", has_text="Sukhoi Su-27").first  # type: ignore[attr-defined]
    suggestion.click()
    tab.wait_for_url("**/explore/su-27")  # type: ignore[attr-defined]
    assert any(urlsplit(u).path == "/api/resolve" for u in tab.requests)  # type: ignore[attr-defined]
    tab.wait_for_function("() => window.dragonbearExplorer && window.dragonbearExplorer.cy")  # type: ignore[attr-defined]
    assert "Shenyang J-11" in _drawn(tab)["nodes"]


@in_browser
def test_links_cite_their_sources_with_locators(tab: object, web_server: str) -> None:
    _open(tab, web_server + "/explore/j-11")
    licensed = next(r for r in _rows(tab) if r.startswith(LICENSED))
    assert "SIPRI Arms Transfers Database" in licensed and "(row: " in licensed
    row = tab.locator("#explorer-edges tbody tr", has_text="Sukhoi Su-27SK").filter(has_text="licensed production")  # type: ignore[attr-defined]
    hrefs = row.locator("td:last-child a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert hrefs and all(h.startswith("/id/source/") for h in hrefs)


@in_browser
def test_component_fit_leaves_the_drawing_after_its_period(tab: object, web_server: str) -> None:
    # the Admiral Grigorovich-class frigates' DS-71 turbines: a component fit that ended in 2014
    _open(tab, web_server + "/explore/project-11356")
    assert any(" | component | main propulsion | DS-71 gas turbine | until 2014" in r for r in _rows(tab))
    slider = tab.locator("#explorer-year")  # type: ignore[attr-defined]
    slider.focus()
    tab.keyboard.press("Home")  # type: ignore[attr-defined]
    tab.keyboard.press("ArrowRight")  # type: ignore[attr-defined]
    assert slider.input_value() == "2014"
    assert "DS-71 gas turbine" in _drawn(tab)["nodes"]
    tab.keyboard.press("ArrowRight")  # type: ignore[attr-defined]
    assert slider.input_value() == "2015"
    assert not any("DS-71" in r for r in _rows(tab))
    _drawn_nodes_become(tab, ["Admiral Grigorovich-class frigate"])
    tab.keyboard.press("End")  # type: ignore[attr-defined]  # all years, with what has ended
    assert any("DS-71" in r for r in _rows(tab))
    assert tab.locator("#explorer-year-value").inner_text() == "all years"  # type: ignore[attr-defined]

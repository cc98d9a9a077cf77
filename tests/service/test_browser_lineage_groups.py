"""Large lineages in a real browser: the explorer and the entity page of a system with a hundred links or more.

Two subjects. The synthetic hub of tests/lineage_hub.py (128 direct links, 151 in its lineage),
served from a store of its own; and the system of the shipped graph with the most lineage links
(``dgb:derivedFrom``, ``dgb:variantOf``, ``dgb:usesComponent`` either way, the derived graph's
shortcuts), whatever it is when the tests run: a handful of links today, hundreds once the SIPRI
comments are read. Both must show their links grouped by relation and kind with counts, a drawing of
bounded size, and a table that lists every link.

Debian's Chromium driven by Playwright; skipped only where Debian's Chromium is absent.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from dragonbear.graph.store import EmbeddedStore
from dragonbear.service.web.lineage_groups import MAX_DRAWN as PAGE_MAX_DRAWN

from ..conftest import CHROMIUM, NO_CHROMIUM, copy_store, serve_store
from ..lineage_hub import HUB, HUB_LINEAGE_LINKS, PLATFORMS

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason=NO_CHROMIUM),
    pytest.mark.browser,
    pytest.mark.server,
    pytest.mark.slow,
]

SYSTEM = "https://w3id.org/dragonbear/id/system/"
HUB_ID = HUB[len(SYSTEM) :]
EXPLORER_MAX_DRAWN = 40  # explorer.groups.js: DEFAULTS.maxDrawn
MOST_LINKED = """
SELECT ?system (COUNT(DISTINCT ?other) AS ?links) WHERE {
  ?system a dgb:SystemModel .
  { ?system dgb:derivedFrom|dgb:variantOf|dgb:usesComponent ?other }
  UNION { ?other dgb:derivedFrom|dgb:variantOf|dgb:usesComponent ?system }
} GROUP BY ?system ORDER BY DESC(?links) ?system LIMIT 1"""
NEIGHBOURS = """
SELECT DISTINCT ?other WHERE {
  { ?system dgb:derivedFrom|dgb:variantOf|dgb:usesComponent ?other }
  UNION { ?other dgb:derivedFrom|dgb:variantOf|dgb:usesComponent ?system }
}"""


@pytest.fixture(scope="module")
def hub_server(hub_store_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of a real `dragonbear serve` on a copy of the synthetic hub's store."""
    target = copy_store(hub_store_dir, tmp_path_factory.mktemp("hub-served") / "store")
    with serve_store(target) as running:
        yield running.base.rstrip("/")


@pytest.fixture(scope="module")
def largest(store: EmbeddedStore) -> tuple[str, set[str]]:
    """The system of the shipped graph with the most lineage links, and the systems it is linked to."""
    row = next(iter(store.query(MOST_LINKED)))  # type: ignore[call-overload]
    iri = row["system"].value
    others = {r["other"].value for r in store.query(NEIGHBOURS.replace("?system", f"<{iri}>"))}  # type: ignore[union-attr]
    return iri, others


@pytest.fixture
def tab(browser: object) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    page = context.new_page()
    page.problems = []  # script errors and console errors
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    page.on("console", lambda message: page.problems.append(message.text) if message.type == "error" else None)
    yield page
    context.close()


def _api_edges(base: str, system_id: str, *relations: str) -> list[dict[str, object]]:
    query = "".join(f"&relation={r}" for r in relations)
    response = httpx.get(f"{base}/api/lineage/{quote(system_id, safe='')}?direction=both{query}", timeout=120)
    assert response.status_code == 200, response.text
    return [e["data"] for e in response.json()["edges"]]


def _system_edges(base: str, system_id: str) -> list[dict[str, object]]:
    """The links the entity page lists: derivations, variants and component fits between systems."""
    body = httpx.get(
        f"{base}/api/lineage/{quote(system_id, safe='')}?relation=derivation&relation=variant&relation=component",
        timeout=120,
    ).json()
    systems = {n["data"]["id"] for n in body["nodes"] if n["data"]["type"] == "system"}
    edges = [e["data"] for e in body["edges"]]
    return [e for e in edges if e["source"] in systems and e["target"] in systems]


def _open_explorer(tab: object, url: str) -> None:
    tab.goto(url)  # type: ignore[attr-defined]
    tab.wait_for_function("() => window.dragonbearExplorer && window.dragonbearExplorer.plan")  # type: ignore[attr-defined]


def _explorer_state(tab: object) -> dict[str, object]:
    """What the explorer shows: drawn systems and boxes, table rows, table groups with their counts."""
    return tab.evaluate("""() => { const x = window.dragonbearExplorer, cy = x.cy;
        const bodies = [...document.querySelectorAll('#explorer-edges tbody[data-group]')];
        return {
          systems: cy.nodes(':visible').filter(n => !n.hasClass('box')).map(n => n.id()),
          boxes: cy.nodes('.box:visible').map(n => n.data('name') + ' · ' + n.data('label').split('\\n')[1]),
          rows: document.querySelectorAll('#explorer-edges tbody tr[data-edge]').length,
          visibleRows: [...document.querySelectorAll('#explorer-edges tbody tr[data-edge]')].filter(r => !r.hidden).length,
          groups: bodies.map(b => [b.querySelector('.explorer-fold').innerText, +b.dataset.count,
                                   b.querySelectorAll('tr[data-edge]').length]),
          linked: [...document.querySelectorAll('#explorer-edges tbody a[title]')].map(a => a.title),
          toggles: [...document.querySelectorAll('#explorer-groups button')].map(b => [b.innerText, b.getAttribute('aria-expanded')]),
        }; }""")  # type: ignore[attr-defined,no-any-return]


# --- The explorer ---------------------------------------------------------------------------------


def test_explorer_of_a_hub_groups_its_links_and_lists_them_all(tab: object, hub_server: str) -> None:
    _open_explorer(tab, f"{hub_server}/explore/{HUB_ID}")
    edges = _api_edges(hub_server, HUB_ID)
    assert len(edges) > HUB_LINEAGE_LINKS > 100
    state = _explorer_state(tab)
    # the table lists every link, grouped by relation and kind with the count of each group
    assert state["rows"] == len(edges)
    assert sum(n for _name, n, _rows in state["groups"]) == len(edges)  # type: ignore[attr-defined]
    assert all(n == rows for _name, n, rows in state["groups"])  # type: ignore[attr-defined]
    names = [name for name, _n, _rows in state["groups"]]  # type: ignore[attr-defined]
    assert "component fit · weapon" in names and "derivation · licensed production" in names
    assert "transfer · new" in names
    # the drawing: big groups are boxes with their count, and few systems are drawn
    assert "50 platforms · weapon" in state["boxes"]
    assert "14 derived systems · licensed production" in state["boxes"]
    assert "20 recipients · new" in state["boxes"]
    assert len(state["systems"]) + len(state["boxes"]) <= EXPLORER_MAX_DRAWN  # type: ignore[arg-type]
    assert ["▸ 50 platforms · weapon", "false"] in state["toggles"]
    relations = tab.locator("#explorer-relations").inner_text()  # type: ignore[attr-defined]
    assert "component fit (dotted) (53)" in relations and "weapon (50)" in relations
    summary = tab.locator("#explorer-summary").inner_text()  # type: ignore[attr-defined]
    assert f"Showing {len(edges)} of {len(edges)} links" in summary and "collapsed groups" in summary
    tab.screenshot(path="/tmp/dragonbear-explorer-hub.png", full_page=True)  # type: ignore[attr-defined]
    assert tab.problems == []  # type: ignore[attr-defined]


def _click_box(tab: object, name: str) -> None:
    box = tab.locator("#explorer-graph").bounding_box()  # type: ignore[attr-defined]
    at = tab.evaluate(
        """name => window.dragonbearExplorer.cy.nodes('.box')
        .filter(n => n.data('name') === name)[0].renderedPosition()""",
        name,
    )  # type: ignore[attr-defined]
    tab.mouse.click(box["x"] + at["x"], box["y"] + at["y"])  # type: ignore[attr-defined]


def test_a_box_opens_on_a_click_and_closes_from_the_groups_panel(tab: object, hub_server: str) -> None:
    _open_explorer(tab, f"{hub_server}/explore/{HUB_ID}")
    before = _explorer_state(tab)
    platform = SYSTEM + "synthetic-platform-07"
    assert platform not in before["systems"]
    _click_box(tab, f"{PLATFORMS} platforms")
    opened = _explorer_state(tab)
    assert platform in opened["systems"]
    assert not any(b.startswith(f"{PLATFORMS} platforms") for b in opened["boxes"])  # type: ignore[attr-defined]
    assert ["▾ 50 platforms · weapon", "true"] in opened["toggles"]
    assert opened["rows"] == before["rows"]  # the table lists every link either way
    details = tab.locator("#explorer-details")  # type: ignore[attr-defined]
    assert "50 platforms · weapon" in details.inner_text()
    assert details.locator("ul.explorer-members li").count() == PLATFORMS
    tab.screenshot(path="/tmp/dragonbear-explorer-hub-opened.png")  # type: ignore[attr-defined]
    tab.locator("#explorer-groups button", has_text="50 platforms · weapon").click()  # type: ignore[attr-defined]
    closed = _explorer_state(tab)
    assert platform not in closed["systems"] and "50 platforms · weapon" in closed["boxes"]
    assert tab.problems == []  # type: ignore[attr-defined]


def test_table_groups_fold_and_columns_sort(tab: object, hub_server: str) -> None:
    _open_explorer(tab, f"{hub_server}/explore/{HUB_ID}")
    total = _explorer_state(tab)["rows"]
    fold = tab.locator(".explorer-fold", has_text="component fit · weapon")  # type: ignore[attr-defined]
    fold.click()
    assert fold.get_attribute("aria-expanded") == "false"
    assert _explorer_state(tab)["visibleRows"] == total - PLATFORMS  # type: ignore[operator]
    tab.locator(".explorer-fold", has_text="component fit · weapon").click()  # type: ignore[attr-defined]
    assert _explorer_state(tab)["visibleRows"] == total
    tab.locator('#explorer-edges th[data-column="confidence"] button').click()  # type: ignore[attr-defined]
    assert tab.locator('#explorer-edges th[data-column="confidence"]').get_attribute("aria-sort") == "ascending"  # type: ignore[attr-defined]
    groups = tab.evaluate("""() => [...document.querySelectorAll('#explorer-edges tbody[data-group]')].map(b =>
        [...b.querySelectorAll('tr[data-edge] td:nth-child(6)')].map(td => td.innerText))""")  # type: ignore[attr-defined]
    for cells in groups:  # sorted within each group of a relation and kind
        rated = [float(c) for c in cells if c != "not recorded"]
        assert rated == sorted(rated) and cells[: len(cells) - len(rated)] == ["not recorded"] * (
            len(cells) - len(rated)
        )
    assert any(len(set(cells)) > 1 for cells in groups)


def test_filters_still_apply_to_a_grouped_lineage(tab: object, hub_server: str) -> None:
    _open_explorer(tab, f"{hub_server}/explore/{HUB_ID}")
    total = _explorer_state(tab)["rows"]
    tab.locator('input[data-relation="transfer"]:not([data-kind])').uncheck()  # type: ignore[attr-defined]
    state = _explorer_state(tab)
    assert state["rows"] == total - 25  # type: ignore[operator]
    assert not any("recipients" in b for b in state["boxes"])  # type: ignore[attr-defined]


# --- The entity page ------------------------------------------------------------------------------


def _page_state(tab: object) -> dict[str, object]:
    return tab.evaluate("""() => {
        const kinds = [...document.querySelectorAll('details.lineage-kind')];
        return {
          boxes: [...document.querySelectorAll('svg.lineage-graph g.node.group')].map(g => g.textContent),
          systems: document.querySelectorAll('svg.lineage-graph g.node.system').length,
          rows: document.querySelectorAll('details.lineage-kind tbody tr').length,
          kinds: kinds.map(d => [d.dataset.relation, d.dataset.kind, +d.dataset.count, d.querySelectorAll('tbody tr').length]),
          linked: [...document.querySelectorAll('details.lineage-kind tbody a[title]')].map(a => a.title),
          counts: document.querySelector('.lineage-counts').innerText,
        }; }""")  # type: ignore[attr-defined,no-any-return]


def test_entity_page_of_a_hub_draws_boxes_and_lists_every_link(tab: object, hub_server: str) -> None:
    tab.goto(f"{hub_server}/id/system/{HUB_ID}")  # type: ignore[attr-defined]
    edges = _system_edges(hub_server, HUB_ID)
    state = _page_state(tab)
    assert state["rows"] == len(edges) > 100
    assert all(n == rows for _r, _k, n, rows in state["kinds"])  # type: ignore[attr-defined]
    assert sum(n for _r, _k, n, _rows in state["kinds"]) == len(edges)  # type: ignore[attr-defined]
    assert "component fit 53 (electronics 1, main propulsion 1, sensor 1, weapon 50)" in state["counts"]  # type: ignore[operator]
    assert any(b.startswith("50 platforms") for b in state["boxes"])  # type: ignore[attr-defined]
    assert state["systems"] + len(state["boxes"]) <= PAGE_MAX_DRAWN  # type: ignore[operator,arg-type]
    tab.screenshot(path="/tmp/dragonbear-entity-hub.png", full_page=True)  # type: ignore[attr-defined]
    # a box opens its group: the page again, with its members drawn
    tab.locator("svg.lineage-graph g.node.group", has_text="50 platforms").click()  # type: ignore[attr-defined]
    tab.wait_for_url(re.compile(r"\?expand=synthetic-hub-missile~component~weapon~in#lineage$"))  # type: ignore[attr-defined]
    opened = _page_state(tab)
    assert opened["systems"] >= PLATFORMS and opened["rows"] == state["rows"]  # type: ignore[operator]
    tab.locator(".lineage-groups a.lineage-collapse").click()  # type: ignore[attr-defined]
    tab.wait_for_url(re.compile(r"\?collapse=synthetic-hub-missile~component~weapon~in#lineage$"))  # type: ignore[attr-defined]
    assert any(b.startswith("50 platforms") for b in _page_state(tab)["boxes"])  # type: ignore[attr-defined]
    # each table of a relation and kind folds
    weapon = tab.locator('details.lineage-kind[data-kind="weapon"]')  # type: ignore[attr-defined]
    weapon.locator("summary").click()
    assert weapon.get_attribute("open") is None
    assert tab.problems == []  # type: ignore[attr-defined]


# --- The largest family of the shipped graph ------------------------------------------------------


def test_explorer_of_the_largest_family_groups_and_lists_every_link(
    tab: object, web_server: str, largest: tuple[str, set[str]]
) -> None:
    iri, others = largest
    system_id = iri[len(SYSTEM) :]
    _open_explorer(tab, f"{web_server}/explore/{quote(system_id, safe='')}")
    edges = _api_edges(web_server, system_id)
    state = _explorer_state(tab)
    assert state["rows"] == len(edges) and state["groups"]
    assert sum(n for _name, n, _rows in state["groups"]) == len(edges)  # type: ignore[attr-defined]
    assert others <= set(state["linked"])  # type: ignore[arg-type]  # every linked system is in the table
    assert len(state["systems"]) + len(state["boxes"]) <= EXPLORER_MAX_DRAWN  # type: ignore[arg-type]
    big = tab.evaluate("() => window.dragonbearExplorer.plan.groups.filter(g => g.members.length > 12).length")  # type: ignore[attr-defined]
    assert (len(state["boxes"]) > 0) if big else True  # type: ignore[arg-type]
    tab.screenshot(path="/tmp/dragonbear-explorer-largest.png", full_page=True)  # type: ignore[attr-defined]
    assert tab.problems == []  # type: ignore[attr-defined]


def test_entity_page_of_the_largest_family_lists_every_link(
    tab: object, web_server: str, largest: tuple[str, set[str]]
) -> None:
    iri, others = largest
    system_id = iri[len(SYSTEM) :]
    tab.goto(f"{web_server}/id/system/{system_id}")  # type: ignore[attr-defined]
    edges = _system_edges(web_server, system_id)
    state = _page_state(tab)
    assert state["rows"] == len(edges) > 0 and state["kinds"]
    assert sum(n for _r, _k, n, _rows in state["kinds"]) == len(edges)  # type: ignore[attr-defined]
    assert others <= set(state["linked"])  # type: ignore[arg-type]
    assert state["systems"] + len(state["boxes"]) <= PAGE_MAX_DRAWN  # type: ignore[operator,arg-type]
    tab.screenshot(path="/tmp/dragonbear-entity-largest.png", full_page=True)  # type: ignore[attr-defined]
    assert tab.problems == []  # type: ignore[attr-defined]

"""The lineage JSON (``/api/lineage/{id}``) is cytoscape.js's elements format: the cytoscape.js the
package ships loads it as it is, in Debian's Chromium, from the real ``dragonbear serve`` of
``web_server``. Skipped only where Debian's Chromium is absent."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ..conftest import CHROMIUM, NO_CHROMIUM

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason=NO_CHROMIUM),
    pytest.mark.browser,
    pytest.mark.server,
    pytest.mark.slow,
]

# Each way cytoscape.js takes elements: the JSON itself, its two lists, and cy.add() of it.
LOAD = """async ([path, how]) => {
  const json = await (await fetch(path, {headers: {Accept: "application/json"}})).json();
  const cy = how === "add" ? cytoscape({headless: true}) : cytoscape({headless: true,
    elements: how === "whole" ? json : {nodes: json.nodes, edges: json.edges}});
  if (how === "add") { cy.add(json); }
  return {
    nodes: cy.nodes().length, edges: cy.edges().length,
    jsonNodes: json.nodes.length, jsonEdges: json.edges.length,
    focus: cy.getElementById(json.system).data("label") || null,
    ends: cy.edges().every(e => e.source().id() === e.data("source") && e.target().id() === e.data("target")),
    orphans: cy.edges().filter(e => e.source().empty() || e.target().empty()).length,
  };
}"""


@pytest.fixture()
def page(browser: object, web_server: str) -> Iterator[object]:
    context = browser.new_context()  # type: ignore[attr-defined]
    tab = context.new_page()
    tab.problems = []
    tab.goto(f"{web_server}/no-such-page")  # a bare document of the server's origin (a plain-text 404)
    tab.on("console", lambda m: tab.problems.append(m.text) if m.type in ("error", "warning") else None)
    tab.add_script_tag(url="/static/cytoscape/cytoscape.min.js")
    yield tab
    context.close()


@pytest.mark.parametrize("how", ["whole", "lists", "add"])
@pytest.mark.parametrize(
    ("path", "focus"),
    [
        pytest.param("/api/lineage/j-11", "Shenyang J-11", id="j-11"),
        pytest.param(
            "/api/lineage/https%3A%2F%2Fw3id.org%2Fdragonbear%2Fid%2Fstate%2Fchina?direction=up", "China", id="china"
        ),
    ],
)
def test_cytoscape_loads_the_lineage_json_as_it_is(page: object, path: str, focus: str, how: str) -> None:
    got = page.evaluate(LOAD, [path, how])  # type: ignore[attr-defined]
    assert got["jsonEdges"] > 5
    assert (got["nodes"], got["edges"]) == (got["jsonNodes"], got["jsonEdges"])
    assert got["focus"] == focus and got["ends"] and got["orphans"] == 0
    assert page.problems == []  # type: ignore[attr-defined]  # cytoscape.js warns of ids it cannot use

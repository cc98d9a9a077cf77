"""axe-core over every HTML page of the service, at desktop width and on a phone (375 x 800), in Debian's
Chromium: no violation of impact "critical" or "serious", and no page wider than the phone's screen.

axe-core is never shipped nor loaded from a CDN: ``.ci/run`` installs it from npm into ``.ci/node``
(``npm install --no-save --prefix .ci/node axe-core@4``, a folder git ignores), and each test injects
that file with Playwright's ``add_script_tag(path=...)``. Where it is missing the tests skip, except in
CI (``CI`` set), where they fail. The contexts bypass the pages' Content-Security-Policy only so that the
injected script may run (the explorer's pages allow scripts of their own origin only); every request a
page makes is recorded and must stay on the server's origin. Nothing is excluded from the axe runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from dragonbear import data_release

from ..conftest import CHROMIUM, NO_CHROMIUM, ROOT
from ..servers import ci_requires_servers
from .browsing import open_settled

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason=NO_CHROMIUM),
    pytest.mark.browser,
    pytest.mark.server,
    pytest.mark.slow,
]

AXE = ROOT / ".ci" / "node" / "node_modules" / "axe-core" / "axe.min.js"
INSTALL = "npm install --no-save --prefix .ci/node axe-core@4 (.ci/run does)"
PHONE, DESKTOP = (375, 800), (1280, 900)

SHORT_LINK = "/q/ (made of /queries/transfers?supplier=russia&recipient=china)"  # made by the test: _address

# Every HTML page of the service: its path, and how to know it has drawn what its scripts draw.
PAGES = [
    pytest.param("/", ".yasqe .CodeMirror", id="query-page"),
    pytest.param("/queries", None, id="canned-queries"),
    pytest.param("/queries/transfers", None, id="query-form"),
    pytest.param("/queries/transfers?supplier=russia&recipient=china", None, id="query-form-answered"),
    pytest.param("/search?q=j-11", None, id="search"),
    pytest.param("/id/", None, id="browse"),
    pytest.param("/id/system/", None, id="browse-systems"),
    pytest.param("/id/system/?state=china&page=2", None, id="browse-systems-filtered"),
    pytest.param("/id/system/j-11", "svg.lineage-graph", id="system"),
    pytest.param("/id/state/china", None, id="state"),
    pytest.param("/explore", None, id="explorer-search"),
    pytest.param("/explore/j-11", "#explorer-edges tbody tr", id="explorer"),
    pytest.param("/ontology", None, id="ontology"),
    pytest.param("/charts", None, id="charts"),
    pytest.param("/timeline?state=china&kind=exercise", None, id="timeline"),
    pytest.param("/map", "svg.world", id="map"),
    pytest.param("/map?view=transfers", "svg.world", id="map-transfers"),
    pytest.param("/download", None, id="download"),
    pytest.param("/v/", None, id="kept-releases"),
    pytest.param(f"/v/{data_release().version}/", None, id="kept-release"),
    pytest.param(f"/v/{data_release().version}/id/system/j-11", "svg.lineage-graph", id="system-on-a-release"),
    pytest.param("/embed/lineage/j-11", "svg.lineage-graph", id="embed-lineage"),
    pytest.param("/embed/chart/deliveries-to-china", None, id="embed-chart"),
    pytest.param("/embed/query/transfers?supplier=russia&recipient=china", None, id="embed-query"),
    pytest.param(SHORT_LINK, None, id="short-link"),
    pytest.param("/id/system/no-such-system", None, id="not-found-entity"),
    pytest.param("/no/such/page", None, id="not-found"),
]

# The violations axe-core finds, impact "critical" or "serious" only, each with up to three of its nodes.
RUN_AXE = """async () => {
  const result = await axe.run(document, { resultTypes: ["violations"] });
  return result.violations
    .filter(v => v.impact === "critical" || v.impact === "serious")
    .map(v => `${v.impact} ${v.id}: ${v.help} (${v.nodes.length}) ` +
              v.nodes.slice(0, 3).map(n => n.target.join(" ") + " " + n.html.slice(0, 120)).join(" | "));
}"""


@pytest.fixture(scope="module")
def axe_script() -> Path:
    """axe-core's script as npm installed it; a failure in CI where it is missing, else a skip."""
    if not AXE.exists():
        if ci_requires_servers():
            pytest.fail(f"{AXE} is missing in CI: {INSTALL}")
        pytest.skip(f"axe-core is not installed: {INSTALL}")
    return AXE


def _context(browser: object, size: tuple[int, int]) -> Iterator[object]:
    width, height = size
    made = browser.new_context(viewport={"width": width, "height": height}, bypass_csp=True)  # type: ignore[attr-defined]
    made.requests = []  # every URL any page of the context asks for
    made.on("request", lambda request: made.requests.append(request.url))
    yield made
    made.close()


@pytest.fixture(scope="module")
def desktop(browser: object) -> Iterator[object]:
    yield from _context(browser, DESKTOP)


@pytest.fixture(scope="module")
def phone(browser: object) -> Iterator[object]:
    yield from _context(browser, PHONE)


def _hosts(urls: list[str]) -> set[str]:
    return {urlsplit(u).hostname or "" for u in urls if not u.startswith(("data:", "blob:", "about:"))}


def _address(web_server: str, path: str) -> str:
    """The URL of ``path``; for :data:`SHORT_LINK`, of a short link made now (``POST /q``)."""
    if path != SHORT_LINK:
        return web_server + path
    made = httpx.post(
        web_server + "/q", json={"path": "/queries/transfers?supplier=russia&recipient=china"}, timeout=60
    )
    assert made.status_code == 201, made.text
    return str(made.json()["url"])


def _audit(context: object, url: str, drawn: str | None, axe: Path) -> tuple[object, list[str]]:
    """Open ``url``, wait for what its scripts draw, run axe-core; the tab and the serious violations."""
    tab = context.new_page()  # type: ignore[attr-defined]
    open_settled(tab, url)
    if drawn:
        tab.locator(drawn).first.wait_for()
    tab.wait_for_timeout(200)  # the frame's script marks the tables that scroll after a short delay
    tab.add_script_tag(path=str(axe))
    return tab, tab.evaluate(RUN_AXE)


@pytest.mark.parametrize(("path", "drawn"), PAGES)
def test_no_serious_axe_violation_at_desktop_width(
    axe_script: Path, desktop: object, web_server: str, path: str, drawn: str | None
) -> None:
    tab, violations = _audit(desktop, _address(web_server, path), drawn, axe_script)
    tab.close()  # type: ignore[attr-defined]
    assert violations == []
    assert _hosts(desktop.requests) == {"127.0.0.1"}, desktop.requests  # type: ignore[attr-defined]


@pytest.mark.parametrize(("path", "drawn"), PAGES)
def test_no_serious_axe_violation_and_no_sideways_scrolling_on_a_phone(
    axe_script: Path, phone: object, web_server: str, path: str, drawn: str | None
) -> None:
    tab, violations = _audit(phone, _address(web_server, path), drawn, axe_script)
    width = tab.evaluate("document.documentElement.scrollWidth")  # type: ignore[attr-defined]
    header = tab.evaluate(  # type: ignore[attr-defined]
        "Math.max(...[...document.querySelectorAll('header.site a, header.site input, header.site button')]"
        ".map(e => e.getBoundingClientRect().right))"
    )
    tab.close()  # type: ignore[attr-defined]
    assert violations == []
    assert width <= PHONE[0] + 2, f"{path} is {width} px wide on a {PHONE[0]} px screen"
    assert header <= PHONE[0], "the site's header runs off the screen"
    assert _hosts(phone.requests) == {"127.0.0.1"}, phone.requests  # type: ignore[attr-defined]


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_query_page_with_results_has_no_serious_axe_violation(
    axe_script: Path, browser: object, web_server: str, size: tuple[int, int]
) -> None:
    for context in _context(browser, size):
        tab = context.new_page()  # type: ignore[attr-defined]
        tab.goto(web_server + "/")
        tab.wait_for_function("() => window.dragonbearYasgui && window.dragonbearYasgui.getTab()")
        query = "SELECT ?system ?label WHERE { ?system a dgb:SystemModel ; rdfs:label ?label } LIMIT 40"
        tab.evaluate("q => window.dragonbearYasgui.getTab().getYasqe().setValue(q)", query)
        tab.locator(".yasqe_queryButton").first.click()
        tab.locator(".yasr table td a").first.wait_for()
        tab.add_script_tag(path=str(axe_script))
        assert tab.evaluate(RUN_AXE) == []
        assert tab.evaluate("document.documentElement.scrollWidth") <= size[0] + 2

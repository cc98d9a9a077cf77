"""The embeds in a real browser (Debian's Chromium driven by Playwright) on the shipped graph, framed by a
page of another origin (``http://localhost:PORT``, a file in a temporary folder served by Python's
``http.server``; Chromium's local network access checks refuse a page of a public address that frames the
server on 127.0.0.1, which a routed page such as ``http://embedder.test`` would be): each renders inside its
iframe, fits a 320 px frame without sideways scrolling, passes axe-core inside the frame, and asks
nothing of any origin but the server's; a page that forbids framing (the explorer) stays blank there,
so the frame policy is really enforced in these contexts."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from functools import partial
from html import escape
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from ..conftest import CHROMIUM, NO_CHROMIUM
from .browsing import hosts
from .test_browser_accessibility import AXE, INSTALL, RUN_AXE

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason=NO_CHROMIUM),
    pytest.mark.browser,
    pytest.mark.server,
    pytest.mark.slow,
]

EMBEDDER = "embedder.html"
# Each embed, and an element that shows it drew inside the frame.
EMBEDS = {
    "lineage": ("/embed/lineage/j-11", "svg.lineage-graph a"),
    "chart": ("/embed/chart/deliveries-to-china?from=2000&to=2020", "figure img"),
    "query": ("/embed/query/transfers?supplier=russia&recipient=china", "table.results td a"),
}
WIDTH = 320


def _embedder(server: str, frames: dict[str, str]) -> str:
    """Another site's page with one iframe per view, each 320 px wide."""
    iframes = "".join(
        f'<iframe src="{escape(server + path)}" title="{escape(name)}" width="{WIDTH}" height="420" '
        'style="border:0;display:block"></iframe>'
        for name, path in frames.items()
    )
    return f'<!DOCTYPE html><html lang="en"><head><title>Embedder</title></head><body>{iframes}</body></html>'


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def embedder_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """Another site on this machine: ``http://localhost:PORT/`` serving the files of a temporary folder."""
    folder = tmp_path_factory.mktemp("embedder")
    site = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(folder)))
    thread = threading.Thread(target=site.serve_forever, daemon=True)
    thread.start()
    yield f"http://localhost:{site.server_address[1]}/", folder
    site.shutdown()
    site.server_close()


def _open(
    browser: object, server: str, site: tuple[str, Path], frames: dict[str, str], *, bypass_csp: bool
) -> Iterator[object]:
    base, folder = site
    (folder / EMBEDDER).write_text(_embedder(server, frames), encoding="utf-8")
    context = browser.new_context(viewport={"width": 800, "height": 900}, bypass_csp=bypass_csp)  # type: ignore[attr-defined]
    tab = context.new_page()
    tab.requests = []
    tab.on("request", lambda request: tab.requests.append(request.url))
    tab.goto(base + EMBEDDER, wait_until="networkidle")
    yield tab
    context.close()


@pytest.fixture
def framed(browser: object, web_server: str, embedder_site: tuple[str, Path]) -> Iterator[object]:
    """The embedder page with every embed and, as a control, the explorer (which forbids framing)."""
    frames = {name: path for name, (path, _drawn) in EMBEDS.items()} | {"explorer": "/explore/j-11"}
    yield from _open(browser, web_server, embedder_site, frames, bypass_csp=False)


def test_each_embed_renders_inside_a_frame_of_another_site_and_fits_320_px(
    framed: object, web_server: str, embedder_site: tuple[str, Path]
) -> None:
    tab = framed
    for name, (_path, drawn) in EMBEDS.items():
        inside = tab.frame_locator(f'iframe[title="{name}"]')  # type: ignore[attr-defined]
        inside.locator(drawn).first.wait_for(timeout=15000)
        assert inside.locator("a", has_text="Open in Dragonbear").get_attribute("target") == "_blank"
        frame = tab.frame(url=lambda url, name=name: url.startswith(web_server + EMBEDS[name][0].split("?")[0]))  # type: ignore[attr-defined]
        assert frame is not None, name
        width = frame.evaluate("document.documentElement.scrollWidth")
        assert width <= WIDTH, f"the {name} embed is {width} px wide in a {WIDTH} px frame"
        assert frame.evaluate("document.querySelector('header.site, nav') === null")
    explorer = tab.frame_locator('iframe[title="explorer"]').locator("#explorer-edges")  # type: ignore[attr-defined]
    assert explorer.count() == 0, "the explorer, which allows only its own origin to frame it, was framed"
    assert hosts(tab.requests) == {"localhost", "127.0.0.1"}, tab.requests  # type: ignore[attr-defined]
    assert [u for u in tab.requests if "localhost" in u] == [embedder_site[0] + EMBEDDER]  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", list(EMBEDS))
def test_axe_finds_no_serious_violation_inside_an_embed(
    browser: object, web_server: str, embedder_site: tuple[str, Path], name: str
) -> None:
    if not AXE.exists():
        pytest.skip(f"axe-core is not installed: {INSTALL}")
    path, drawn = EMBEDS[name]
    # bypass_csp only so that axe-core may be injected into the frame (the embed allows its own scripts only)
    for tab in _open(browser, web_server, embedder_site, {name: path}, bypass_csp=True):
        tab.frame_locator("iframe").locator(drawn).first.wait_for(timeout=15000)  # type: ignore[attr-defined]
        frame = tab.frames[1]  # type: ignore[attr-defined]
        frame.wait_for_timeout(200)  # the frame's script marks the tables that scroll
        frame.add_script_tag(path=str(Path(AXE)))
        assert frame.evaluate(RUN_AXE) == []
        assert hosts(tab.requests) == {"localhost", "127.0.0.1"}, tab.requests  # type: ignore[attr-defined]

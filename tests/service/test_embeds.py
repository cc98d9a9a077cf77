"""The embeddable views (issue 15): ``/embed/lineage/{system}``, ``/embed/chart/{name}`` and
``/embed/query/{name}`` answer a minimal frame (no site navigation) with the release, the licence, SIPRI's
attribution where its rows come from SIPRI, a link to the full page, and a frame policy that lets any
site frame them; the lineage and the charts also as SVG and PNG; the full pages offer the snippet."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from html import unescape

import pytest
from starlette.testclient import TestClient

from dragonbear.graph.dataset import SIPRI_ATTRIBUTION
from dragonbear.service.runtime.answer_files import CC_BY

PNG = b"\x89PNG\r\n\x1a\n"

EMBEDS = [
    pytest.param("/embed/lineage/j-11", True, id="lineage"),  # links read from SIPRI's comments
    pytest.param("/embed/lineage/j-11?direction=up&as_of=2005&relation=derivation", None, id="lineage-options"),
    pytest.param("/embed/chart/exercises-by-domain", False, id="chart-exercises"),
    pytest.param("/embed/chart/deliveries-to-china?from=2000&to=2020", True, id="chart-tiv"),
    pytest.param("/embed/query/transfers?supplier=russia&recipient=china", True, id="query-sipri"),
    pytest.param("/embed/query/descendants?system=MiG-21", None, id="query"),
]


@pytest.mark.parametrize(("path", "sipri"), EMBEDS)
def test_an_embed_is_a_bare_frame_with_release_licence_and_a_link_to_the_full_page(
    client: TestClient, path: str, sipri: bool | None
) -> None:
    answer = client.get(path)
    assert answer.status_code == 200, answer.text
    html = answer.text
    assert answer.headers["content-security-policy"].endswith("frame-ancestors *")
    assert "x-frame-options" not in answer.headers
    assert "<nav" not in html and 'class="site"' not in html and 'role="search"' not in html
    assert f'<a href="{CC_BY}"' in html and "data release " + answer.headers["dragonbear-release"] in html
    assert 'target="_blank" rel="noopener">Open in Dragonbear</a>' in html
    if sipri is not None:
        assert (SIPRI_ATTRIBUTION in html) is sipri
        assert ("dragonbear-attribution" in answer.headers) is sipri


def test_the_lineage_embed_draws_the_system_and_opens_its_page(client: TestClient) -> None:
    html = client.get("/embed/lineage/j-11").text
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="lineage-graph"' in html
    assert 'href="/id/system/j-11#lineage" target="_blank"' in html
    assert "<h1>Lineage of Shenyang J-11</h1>" in html


@pytest.mark.parametrize("path", ["/embed/lineage/j-11.svg", "/embed/chart/exports-by-region.svg?from=2010"])
def test_the_svg_of_an_embed_parses_as_xml(client: TestClient, path: str) -> None:
    answer = client.get(path)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("image/svg+xml")
    assert ET.fromstring(answer.content).tag == "{http://www.w3.org/2000/svg}svg"


@pytest.mark.slow  # matplotlib draws them (about half a second each)
@pytest.mark.parametrize("path", ["/embed/lineage/j-11.png", "/embed/chart/exercises-by-domain.png"])
def test_the_png_of_an_embed_is_a_png(client: TestClient, path: str) -> None:
    answer = client.get(path)
    assert answer.status_code == 200 and answer.headers["content-type"] == "image/png"
    assert answer.content.startswith(PNG)


@pytest.mark.parametrize(
    ("path", "status", "said"),
    [
        pytest.param("/embed/lineage/no-such-system", 404, "no system 'no-such-system'", id="unknown-system"),
        pytest.param("/embed/lineage/china", 404, "no system 'china'", id="not-a-system"),
        pytest.param("/embed/lineage/j-11.png?direction=sideways", 400, "direction must be one of", id="direction"),
        pytest.param("/embed/lineage/j-11?as_of=20x3", 400, "as_of must be a year", id="year"),
        pytest.param("/embed/lineage/j-11?relation=cousin", 400, "relation must be one of", id="relation"),
        pytest.param("/embed/chart/no-such-chart", 404, "no chart 'no-such-chart'", id="unknown-chart"),
        pytest.param("/embed/chart/no-such-chart.svg", 404, "no chart", id="unknown-chart-image"),
        pytest.param("/embed/chart/exercises-by-domain?from=soon", 400, "is not a year", id="chart-year"),
        pytest.param("/embed/query/no-such-query", 404, "no canned query named", id="unknown-query"),
        pytest.param("/embed/query/transfers?supplier=russia", 400, "needs recipient", id="missing-parameter"),
        pytest.param("/embed/query/transfers?supplier=russia&recipient=China&x=1", 400, "no parameter 'x'", id="extra"),
        pytest.param("/embed/query/transfers?supplier=nowhere-land&recipient=china", 400, "nowhere", id="no-entity"),
    ],
)
def test_a_wrong_name_or_option_is_a_404_or_400_with_a_message(
    client: TestClient, path: str, status: int, said: str
) -> None:
    answer = client.get(path, headers={"Accept": "text/plain"})
    assert answer.status_code == status, answer.text
    assert said in unescape(answer.text)


def test_the_full_pages_offer_the_embed_snippet(client: TestClient) -> None:
    system = unescape(client.get("/id/system/j-11").text)
    assert '<iframe src="http://testserver/embed/lineage/j-11" width="800" height="600"' in system
    assert 'href="http://testserver/embed/lineage/j-11.png"' in system
    charts = unescape(client.get("/charts?from=2000").text)
    assert '<iframe src="http://testserver/embed/chart/deliveries-to-china?from=2000"' in charts
    form = unescape(client.get("/queries/transfers?supplier=russia&recipient=china").text)
    assert '<iframe src="http://testserver/embed/query/transfers?supplier=russia&amp;recipient=china"' in form

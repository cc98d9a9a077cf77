"""The charts' "get this data" panels (issue 15): each chart links its numbers as CSV, JSON and an
Excel-readable workbook at stable URLs, with code that fetches them; every file holds the numbers of
the chart's table and carries the release, the licence and, for the TIV charts, SIPRI's attribution."""

from __future__ import annotations

import csv
import io
import re
from html import unescape

import openpyxl
import pytest
from starlette.testclient import TestClient

from dragonbear.graph.chart_data import CHARTS
from dragonbear.graph.dataset import SIPRI_ATTRIBUTION
from dragonbear.service.runtime.answer_files import CC_BY, XLSX_MEDIA_TYPE

SIPRI_CHARTS = {"deliveries-to-china", "exports-by-region"}
SPAN = {"from": "2000", "to": "2020"}


def _section(html: str, name: str) -> str:
    start = html.index(f'<section class="chart" id="{name}">')
    end = html.find('<section class="chart"', start + 1)
    return html[start : end if end > 0 else len(html)]


def _table(section: str) -> list[list[str]]:
    """The rows of the chart's data table on the page, as the page writes them."""
    data = section[section.index("<summary>Data (") :]
    body = data[data.index("<tbody>") : data.index("</tbody>")]
    return [
        [unescape(re.sub(r"<[^>]+>", "", cell)) for cell in re.findall(r"<td>(.*?)</td>", row)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body)
    ]


def _shown(value: object) -> str:
    return f"{value:,.1f}" if isinstance(value, float) else str(value)


@pytest.fixture(scope="module")
def page_html(client: TestClient) -> str:
    response = client.get("/charts", params=SPAN)
    assert response.status_code == 200
    return response.text


@pytest.mark.parametrize("name", list(CHARTS))
def test_every_chart_has_a_panel_with_stable_links_and_code(page_html: str, name: str) -> None:
    section = _section(page_html, name)
    assert f'<h2 id="get-data-{name}">Get this data</h2>' in section
    for ext in ("csv", "xlsx", "json", "svg", "png"):
        assert f'href="/charts/{name}.{ext}?from=2000&amp;to=2020" download' in section
    for title in ("curl", "Python (pandas)", "R (readr)"):
        assert f"<summary>{title}</summary>" in section
    assert f"read_csv(&quot;http://testserver/charts/{name}.csv?from=2000&amp;to=2020&quot;)" in section
    assert "CC BY 4.0" in section and "Data release" in section
    assert (SIPRI_ATTRIBUTION in section.split('id="get-data-')[1]) == (name in SIPRI_CHARTS)


@pytest.mark.parametrize("name", list(CHARTS))
def test_the_files_hold_the_numbers_of_the_charts_table(client: TestClient, page_html: str, name: str) -> None:
    shown = _table(_section(page_html, name))
    assert shown
    rows = list(csv.reader(io.StringIO(client.get(f"/charts/{name}.csv", params=SPAN).text)))
    header, data = rows[0], rows[1:]
    doc = client.get(f"/charts/{name}.json", params=SPAN).json()
    assert [[row[c] for c in header] for row in doc["rows"]] == [[_parse(v) for v in r] for r in data]
    assert [[_shown(row[c]) for c in header] for row in doc["rows"]] == shown
    response = client.get(f"/charts/{name}.xlsx", params=SPAN)
    assert response.headers["content-type"] == XLSX_MEDIA_TYPE
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Data", "About"]
    values = [list(r) for r in book["Data"].iter_rows(values_only=True)]
    assert values[0] == header and [[_shown(v) for v in r] for r in values[1:]] == shown
    about = {r[0]: r[1] for r in book["About"].iter_rows(values_only=True) if r[0]}
    assert about["Chart"] == CHARTS[name].title and about["Data release"] == doc["release"]
    assert CC_BY in about["Licence"] and about["URL"].endswith(f"/charts/{name}.xlsx?from=2000&to=2020")
    assert ("Attribution" in about) == (name in SIPRI_CHARTS)


def _parse(text: str) -> object:
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


@pytest.mark.parametrize("name", list(CHARTS))
@pytest.mark.parametrize("ext", ["csv", "json", "xlsx", "svg"])
def test_every_file_carries_release_licence_and_attribution(client: TestClient, name: str, ext: str) -> None:
    response = client.get(f"/charts/{name}.{ext}", params=SPAN)
    assert response.status_code == 200
    headers = response.headers
    assert headers["dragonbear-release"] and f'<{CC_BY}>; rel="license"' in headers["link"]
    assert (headers.get("dragonbear-attribution") == SIPRI_ATTRIBUTION) == (name in SIPRI_CHARTS)
    if ext == "svg":
        assert "content-disposition" not in headers  # the page shows it
    else:
        release = headers["dragonbear-release"]
        expected = f'attachment; filename="{name}-2000-2020-{release}.{ext}"'
        assert headers["content-disposition"] == expected
    if ext == "json":
        doc = response.json()
        assert doc["license"] == CC_BY and doc["release"] == headers["dragonbear-release"]
        assert (doc.get("attribution") == SIPRI_ATTRIBUTION) == (name in SIPRI_CHARTS)


def test_a_workbooks_entity_tag_answers_304(client: TestClient) -> None:
    first = client.get("/charts/deliveries-to-china.xlsx")
    again = client.get("/charts/deliveries-to-china.xlsx", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304

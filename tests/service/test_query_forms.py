"""The canned queries without SPARQL: the form pages (``/queries/{name}``) and the files of their answers
(``/api/queries/{name}.{ext}``), from the app in this process (``client``) on the tests' store; the code
snippets of the "get this data" panel run against a real server."""

from __future__ import annotations

import csv
import html as html_lib
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import httpx
import openpyxl
import pytest

from dragonbear.queries.catalogue import load_catalogue

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
TRANSFERS = "supplier=Russia&recipient=China"


def _page(client: httpx.Client, url: str, status: int = 200) -> str:
    response = client.get(url, headers={"Accept": BROWSER})
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    return response.text


def _rows_shown(html: str) -> int:
    table = re.search(r'<table class="results">.*?<tbody>(.*?)</tbody>', html, re.DOTALL)
    return 0 if table is None else table.group(1).count("<tr")


def test_the_index_links_every_canned_query_to_its_form(client: httpx.Client) -> None:
    html = _page(client, "/queries")
    assert set(re.findall(r'href="/queries/([\w-]+)"', html)) == set(load_catalogue())


@pytest.mark.parametrize("name", sorted(load_catalogue()))
def test_every_form_labels_a_field_per_parameter(client: httpx.Client, name: str) -> None:
    html = _page(client, f"/queries/{name}")
    for param in load_catalogue()[name].parameters:
        field = re.search(rf'<input id="param-{param.name}" name="{param.name}" type="(\w+)"[^>]*>', html)
        assert field is not None, param.name
        assert f'<label for="param-{param.name}">' in html
        expected = "number" if param.type in ("year", "integer", "decimal") else "text"
        assert field.group(1) == expected
        assert ("data-suggest" in field.group(0)) == (param.entity_class is not None)
        assert (" required" in field.group(0)) == param.required
    # a query with required parameters runs once the form is sent; one without runs at once
    ready = not any(p.required for p in load_catalogue()[name].parameters)
    assert 'method="get"' in html and ('<h2 id="results">' in html) == ready


def test_a_filled_form_shows_the_same_rows_as_the_api(client: httpx.Client) -> None:
    html = _page(client, f"/queries/transfers?{TRANSFERS}&from=2010")
    api = client.get(f"/api/queries/transfers?{TRANSFERS}&from=2010").json()
    count = len(api["results"]["bindings"])
    assert count > 10
    assert f"<b>{count}</b> rows" in html and _rows_shown(html) == count
    assert 'value="Russia"' in html and 'value="2010"' in html  # the form keeps what was sent
    sparql = html_lib.unescape(re.search(r"The SPARQL behind it</summary><pre><code>(.*?)</code>", html, re.DOTALL)[1])
    assert "VALUES (?supplier ?recipient ?from)" in sparql and "<https://w3id.org/dragonbear/id/state/russia>" in sparql
    assert "Source: SIPRI Arms Transfers Database" in html and "CC BY 4.0" in html


def test_the_panel_links_files_of_the_same_answer(client: httpx.Client) -> None:
    html = _page(client, f"/queries/transfers?{TRANSFERS}")
    links = [html_lib.unescape(u) for u in re.findall(r'href="(/api/queries/transfers\.\w+\?[^"]+)"', html)]
    assert [u.split("?")[0].rsplit(".", 1)[1] for u in links] == ["csv", "xlsx", "json", "tsv"]
    assert all(u.endswith("?supplier=Russia&recipient=China") for u in links)
    rows = list(csv.DictReader(io.StringIO(client.get(links[0]).text)))
    assert _rows_shown(html) == len(rows) > 50


def test_a_wrong_name_is_a_400_page_that_keeps_the_form(client: httpx.Client) -> None:
    html = _page(client, "/queries/transfers?supplier=Nowhereland&recipient=China", 400)
    assert 'role="alert"' in html and "Nowhereland" in html and 'value="China"' in html
    html = _page(client, "/queries/transfers?supplier=Russia", 400)
    assert "Fill in recipient" in html
    html = _page(client, "/queries/transfers?supplier=Russia&recipient=China&from=soon", 400)
    assert "whole number" in html


def test_an_unknown_parameter_or_query_is_a_4xx_page(client: httpx.Client) -> None:
    assert "no parameter 'colour'" in html_lib.unescape(_page(client, "/queries/transfers?colour=red", 400))
    _page(client, "/queries/no-such-query", 404)


def test_the_csv_file_is_named_and_carries_release_licence_and_attribution(client: httpx.Client) -> None:
    response = client.get(f"/api/queries/transfers.csv?{TRANSFERS}")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    release = response.headers["Dragonbear-Release"]
    assert re.fullmatch(r"\d{4}\.\d+\.\d+", release)
    assert response.headers["Content-Disposition"] == f'attachment; filename="transfers-Russia-China-{release}.csv"'
    assert response.headers["Dragonbear-Attribution"] == "Source: SIPRI Arms Transfers Database"
    assert '<https://creativecommons.org/licenses/by/4.0/>; rel="license"' in response.headers["Link"]
    same = client.get(f"/api/queries/transfers?{TRANSFERS}&format=csv")
    assert same.content == response.content


def test_rows_that_owe_nothing_to_sipri_carry_no_attribution(client: httpx.Client) -> None:
    response = client.get("/api/queries/exercises.json")
    assert response.status_code == 200 and response.json()["results"]["bindings"]
    assert "Dragonbear-Attribution" not in response.headers and "Dragonbear-Release" in response.headers


def test_the_workbook_holds_the_rows_and_says_what_they_are(client: httpx.Client) -> None:
    rows = list(csv.reader(io.StringIO(client.get(f"/api/queries/transfers.csv?{TRANSFERS}").text)))
    response = client.get(f"/api/queries/transfers.xlsx?{TRANSFERS}")
    assert response.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Results", "About"]
    sheet = [["" if v is None else v for v in row] for row in book["Results"].iter_rows(values_only=True)]
    assert sheet[0] == rows[0] and len(sheet) == len(rows)
    tiv = rows[0].index("tivDelivered")
    numbers = [r[tiv] for r in sheet[1:] if r[tiv] != ""]
    assert numbers and all(isinstance(n, int | float) for n in numbers)  # numbers stay numbers in Excel
    assert [str(v) for v in sheet[1]] == [v if v else "" for v in rows[1]] or sheet[1][0] == rows[1][0]
    about = {row[0]: row[1] for row in book["About"].iter_rows(min_row=2, values_only=True)}
    assert about["Data release"] == response.headers["Dragonbear-Release"]
    assert "CC BY 4.0" in about["Licence"] and about["Attribution"].startswith("Source: SIPRI Arms Transfers Database")
    assert about["Parameter supplier"] == "Russia"


def test_a_graph_query_has_rdf_files_and_no_workbook(client: httpx.Client) -> None:
    response = client.get("/api/queries/lineage.nt?system=j-11")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/n-triples")
    assert response.headers["Content-Disposition"].endswith('.nt"')
    assert client.get("/api/queries/lineage.xlsx?system=j-11").status_code == 406
    assert client.get(f"/api/queries/transfers.csv?{TRANSFERS}&format=json").status_code == 400


@pytest.mark.server
@pytest.mark.slow
def test_the_panels_snippets_fetch_the_same_answer(web_server: str, tmp_path: Path) -> None:
    html = httpx.get(f"{web_server}/queries/transfers?{TRANSFERS}", headers={"Accept": BROWSER}, timeout=120).text
    snippets = {
        m[0]: html_lib.unescape(m[1])
        for m in re.findall(r"<details><summary>([^<]+)</summary><pre><code>(.*?)</code>", html, re.DOTALL)
    }
    answer = httpx.get(f"{web_server}/api/queries/transfers.csv?{TRANSFERS}", timeout=120)
    expected = list(csv.DictReader(io.StringIO(answer.text)))
    # curl, as written
    subprocess.run(snippets["curl"], shell=True, cwd=tmp_path, check=True, capture_output=True, timeout=60)
    with (tmp_path / "transfers.csv").open(encoding="utf-8") as handle:
        assert list(csv.DictReader(handle)) == expected
    # SPARQLWrapper, as written, then the rows it got
    code = snippets["Python (SPARQLWrapper)"] + "\nimport json\nprint(json.dumps(rows))\n"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    got = json.loads(done.stdout)
    assert sorted(r["transfer"]["value"] for r in got) == sorted(r["transfer"] for r in expected)
    assert 'pd.read_csv("' + f"{web_server}/api/queries/transfers.csv?{TRANSFERS}" in snippets["Python (pandas)"]
    assert 'read_csv("' + f"{web_server}/api/queries/transfers.csv?{TRANSFERS}" in snippets["R (readr)"]


@pytest.mark.parametrize("path", ["/id/state/china", "/id/system/j-11"])
def test_entity_sections_link_their_rows_as_files(client: httpx.Client, path: str) -> None:
    html = _page(client, path)
    blocks = re.findall(r'<p class="get-data muted">(.*?)</p>', html, re.DOTALL)
    assert len(blocks) >= 2  # names and claims; a state's transfers too
    for block in blocks:
        for url in (html_lib.unescape(u) for u in re.findall(r'href="([^"]+)"', block)):
            assert client.get(url, headers={"Accept": BROWSER}).status_code == 200, url
    names = re.search(r"<h2>Names</h2>.*?<tbody>(.*?)</tbody>", html, re.DOTALL)
    assert names is not None
    iri = "https://w3id.org/dragonbear" + path
    rows = list(csv.DictReader(io.StringIO(client.get("/api/queries/names.csv", params={"entity": iri}).text)))
    shown = names.group(1).count("<tr")
    assert len({r["name"] for r in rows}) >= 1 and shown >= 1
    if path == "/id/state/china":
        assert "/timeline.csv?state=" in html_lib.unescape(html)

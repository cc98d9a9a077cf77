"""Charts: numbers that equal SPARQL counts and the SIPRI rows, images, the CLI and the HTTP routes."""

from __future__ import annotations

import csv
import io
import struct
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from dragonbear.errors import LoadError, UsageError
from dragonbear.graph.chart_data import CHARTS, ChartData, chart_data
from dragonbear.graph.chart_queries import read_regions
from dragonbear.graph.charts import render_chart
from dragonbear.graph.store import EmbeddedStore
from dragonbear.pipeline.build import BuildReport

from ..conftest import REGISTER, ROOT, cli

EXTRACT = ROOT / "core" / "data" / "sipri" / "extract.csv"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG_NS = "{http://www.w3.org/2000/svg}"


def _register_rows(path: Path) -> list[list[str]]:
    """The deal rows of a legacy-layout SIPRI register (after its 11 preamble lines and header)."""
    lines = path.read_text(encoding="latin-1").splitlines()[12:]
    return [row for row in csv.reader(lines) if len(row) >= 16]


def _even_split(rows: list[list[str]], year: int, *, suppliers: set[str], recipients: set[str]) -> float:
    """SIPRI's delivered TIV of the matching deals, spread evenly over each deal's delivery years."""
    total = 0.0
    for row in rows:
        years = [int(y) for y in row[10].split(";") if y.strip()]
        if row[1] in suppliers and row[0] in recipients and row[15].strip() and year in years:
            total += float(row[15]) / len(set(years))
    return total


@pytest.fixture(scope="module")
def charts(store: EmbeddedStore) -> dict[str, ChartData]:
    return {name: chart_data(store, name) for name in CHARTS}


@pytest.fixture(scope="module")
def full_charts(full_store: EmbeddedStore) -> dict[str, ChartData]:
    """The charts of all the shipped data, for the checks of every recipient and region."""
    return {name: chart_data(full_store, name) for name in CHARTS}


class _Images(dict[tuple[str, str], bytes]):
    """Charts rendered on first use: ``images[(name, "png")]``."""

    def __init__(self, charts: dict[str, ChartData]) -> None:
        super().__init__()
        self.charts = charts

    def __missing__(self, key: tuple[str, str]) -> bytes:
        self[key] = render_chart(self.charts[key[0]], key[1])
        return self[key]


@pytest.fixture(scope="module")
def images(charts: dict[str, ChartData]) -> _Images:
    return _Images(charts)


def _count(store: EmbeddedStore, sparql: str) -> int:
    return int(next(iter(store.query(sparql)))["n"].value)


# --- numbers -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "year,domain",
    [
        pytest.param(2018, "ground", id="2018-ground"),
        pytest.param(2018, "multi-domain", id="2018-multi-domain"),
        pytest.param(2024, "naval", id="2024-naval"),
        pytest.param(2024, "paramilitary", id="2024-paramilitary"),
    ],
)
def test_exercises_per_year_and_domain_equal_a_sparql_count(
    store: EmbeddedStore, charts: dict[str, ChartData], year: int, domain: str
) -> None:
    expected = _count(
        store,
        f"""SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{
        ?e a ?t ; dgb:startYear {year} ; dgb:participant state:china , state:russia ;
           dgb:operationalDomain/skos:prefLabel "{domain}"@en .
        FILTER(?t IN (dgb:JointExercise, dgb:JointPatrol)) }}""",
    )
    rows = {(y, d): n for y, d, n in charts["exercises-by-domain"].rows}
    assert expected > 0
    assert rows[(year, domain)] == expected


def test_exercises_chart_sets_the_commentarys_2024_count_beside_the_graphs(charts: dict[str, ChartData]) -> None:
    reported = {r.figure.rsplit("/", 1)[-1]: r for r in charts["exercises-by-domain"].reported}
    total_2024 = sum(n for y, _d, n in charts["exercises-by-domain"].rows if y == 2024)
    assert (reported["joint-exercises-2024"].reported, reported["joint-exercises-2024"].counted) == (11, total_2024)
    assert any("Joint military exercises signal" in s for s in reported["joint-exercises-2024"].sources)


def test_exercises_chart_shows_where_sources_report_more_than_the_graph_holds(charts: dict[str, ChartData]) -> None:
    reported = {r.figure.rsplit("/", 1)[-1]: r for r in charts["exercises-by-domain"].reported}
    since_2003 = reported["joint-exercises-2003-2024"]
    assert since_2003.comparator == "more than" and since_2003.reported == 90
    assert since_2003.counted < 90  # the gap is shown, not hidden
    assert since_2003.counted == sum(n for y, _d, n in charts["exercises-by-domain"].rows if 2003 <= y <= 2024)


@pytest.mark.parametrize("year", [pytest.param(2015, id="2015"), pytest.param(2004, id="2004")])
def test_tiv_delivered_to_china_equals_the_sipri_rows_spread_over_delivery_years(
    charts: dict[str, ChartData], year: int
) -> None:
    expected = _even_split(_register_rows(EXTRACT), year, suppliers={"Russia"}, recipients={"China"})
    rows = {(y, s): tiv for y, s, tiv, _deals in charts["deliveries-to-china"].rows}
    assert expected > 100
    assert rows[(year, "Russia")] == pytest.approx(expected, abs=0.01)


def test_tiv_delivered_to_china_in_2015_equals_a_sparql_sum(store: EmbeddedStore, charts: dict[str, ChartData]) -> None:
    total = 0.0
    for row in store.query("""SELECT ?deal (SAMPLE(?tiv) AS ?t) (COUNT(DISTINCT ?y) AS ?n) WHERE {
            ?deal dgb:supplier state:russia ; dgb:recipient state:china ; dgb:tivDelivered ?tiv ;
                  dgb:deliveryYear ?y . FILTER EXISTS { ?deal dgb:deliveryYear 2015 } } GROUP BY ?deal"""):
        total += float(row["t"].value) / int(row["n"].value)
    rows = {(y, s): tiv for y, s, tiv, _deals in charts["deliveries-to-china"].rows}
    assert rows[(2015, "Russia")] == pytest.approx(total, abs=0.01)


def test_deliveries_chart_marks_2014_and_2022_with_the_graphs_events(
    charts: dict[str, ChartData], images: dict[tuple[str, str], bytes]
) -> None:
    markers = charts["deliveries-to-china"].markers
    assert [m.year for m in markers] == [2014, 2022]
    assert [m.iri.rsplit("/", 1)[-1] for m in markers if m.iri] == ["crimea-annexation-2014", "russian-invasion-2022"]
    svg = images[("deliveries-to-china", "svg")].decode("utf-8")
    assert all(m.label in svg.replace("&#x27;", "'") for m in markers)


@pytest.mark.slow
def test_exports_to_sub_saharan_africa_equal_the_sipri_rows_of_that_region(full_charts: dict[str, ChartData]) -> None:
    africa = {r.recipient for r in read_regions() if r.region == "Sub-Saharan Africa"}
    expected = _even_split(_register_rows(EXTRACT), 2015, suppliers={"China"}, recipients=africa)
    rows = {(y, s, r): tiv for y, s, r, tiv, _deals in full_charts["exports-by-region"].rows}
    assert expected > 50
    assert rows[(2015, "China", "Sub-Saharan Africa")] == pytest.approx(expected, abs=0.01)


@pytest.mark.slow
def test_every_recipient_of_the_three_suppliers_has_a_region(full_charts: dict[str, ChartData]) -> None:
    assert not [row for row in full_charts["exports-by-region"].rows if row[2] == "Unassigned"]


@pytest.mark.skipif(not REGISTER.exists(), reason="the full SIPRI register is not on this machine")
def test_shipped_extract_holds_every_deal_the_charts_need_from_the_full_register() -> None:
    def needed(rows: list[list[str]]) -> list[tuple[str, ...]]:
        return sorted(tuple(r) for r in rows if r[1] in ("Soviet Union", "Russia", "China") or r[0] == "China")

    full, shipped = needed(_register_rows(REGISTER)), needed(_register_rows(EXTRACT))
    assert len(full) > 5000
    assert shipped == full


def test_years_narrow_a_chart(store: EmbeddedStore) -> None:
    data = chart_data(store, "deliveries-to-china", first=2014, last=2022)
    assert {row[0] for row in data.rows} == set(range(2014, 2023))
    assert data.years() == list(range(2014, 2023))


@pytest.mark.parametrize(
    "kwargs,message",
    [
        pytest.param(
            {"name": "no-such-chart"},
            "exercises-by-domain, deliveries-to-china, exports-by-region",
            id="unknown-name-lists-charts",
        ),
        pytest.param({"name": "deliveries-to-china", "first": 2020, "last": 2010}, "after", id="first-after-last"),
        pytest.param({"name": "deliveries-to-china", "first": 20}, "out of range", id="year-out-of-range"),
    ],
)
def test_bad_chart_requests_are_usage_errors(store: EmbeddedStore, kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        chart_data(store, **kwargs)  # type: ignore[arg-type]


def test_region_table_with_an_unknown_region_is_a_load_error_with_its_line() -> None:
    text = "# comment\nrecipient,region,note\nNigeria,Sub-Saharan Africa,\nChad,Sahel,\n"
    with pytest.raises(LoadError, match=r"regions.csv:4:6: unknown region 'Sahel'"):
        read_regions(text)


# --- images ------------------------------------------------------------------------------------------


# One PNG is drawn in the inner loop; the others, about half a second each, are slow.
@pytest.mark.parametrize(
    "name", [pytest.param(name, id=name, marks=() if i == 0 else pytest.mark.slow) for i, name in enumerate(CHARTS)]
)
def test_png_has_the_signature_and_a_plausible_size(images: dict[tuple[str, str], bytes], name: str) -> None:
    png = images[(name, "png")]
    assert png.startswith(PNG_SIGNATURE)
    width, height = struct.unpack(">II", png[16:24])
    assert 800 <= width <= 2000 and 500 <= height <= 1500
    assert 20_000 < len(png) < 2_000_000


@pytest.mark.parametrize(
    "name", [pytest.param(name, id=name, marks=() if i == 0 else pytest.mark.slow) for i, name in enumerate(CHARTS)]
)  # one SVG in the inner loop
def test_svg_parses_and_carries_title_axis_units_and_source(
    images: dict[tuple[str, str], bytes], charts: dict[str, ChartData], name: str
) -> None:
    root = ET.fromstring(images[(name, "svg")])
    assert root.tag == f"{SVG_NS}svg"
    text = " ".join("".join(t.itertext()) for t in root.iter(f"{SVG_NS}text"))
    spec = charts[name].spec
    assert spec.title in text and spec.x_label in text and spec.unit in text
    assert "Source: " in text and ("SIPRI Arms Transfers Database" in text or "curated exercise records" in text)


# --- command line ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def store_dir(built: tuple[Path, BuildReport]) -> Path:
    return built[0]


def test_cli_chart_writes_a_png_file(store_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "deliveries.png"
    result = cli("chart", "deliveries-to-china", "--output", str(target), "--from", "1992", store_dir=store_dir)
    assert result.returncode == 0, result.stderr
    assert target.read_bytes().startswith(PNG_SIGNATURE) and str(target) in result.stdout


def test_cli_chart_writes_the_numbers_as_csv_to_standard_output(store_dir: Path, charts: dict[str, ChartData]) -> None:
    result = cli("chart", "exercises-by-domain", "--format", "csv", "--output", "-", store_dir=store_dir)
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["year", "domain", "count"]
    assert [(int(y), d, int(n)) for y, d, n in rows[1:]] == list(charts["exercises-by-domain"].rows)


def test_cli_unknown_chart_is_a_usage_error_with_the_list(store_dir: Path) -> None:
    result = cli("chart", "no-such-chart", store_dir=store_dir)
    assert result.returncode == 2
    assert "unknown chart 'no-such-chart'" in result.stderr and "exports-by-region" in result.stderr


def test_cli_chart_list_names_every_chart(store_dir: Path) -> None:
    result = cli("chart", "--list", store_dir=store_dir)
    assert result.returncode == 0 and all(name in result.stdout for name in CHARTS)


# --- HTTP, from the app in this process ------------------------------------------------------------------


def test_charts_page_shows_each_chart_with_caption_and_data_links(client: TestClient) -> None:
    response = client.get("/charts")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    html = response.text
    assert '<a href="/charts">Charts</a>' in html
    for name, spec in CHARTS.items():
        assert f'src="/charts/{name}.svg"' in html and f'href="/charts/{name}.csv"' in html
        assert spec.title.replace("'", "&#x27;") in html
    assert "Source: SIPRI Arms Transfers Database" in html and "the graph lacks records" in html


@pytest.mark.parametrize(
    "suffix,media,check",
    [
        pytest.param("svg", "image/svg+xml", lambda body: ET.fromstring(body).tag == f"{SVG_NS}svg", id="svg"),
        pytest.param("png", "image/png", lambda body: body.startswith(PNG_SIGNATURE), id="png", marks=pytest.mark.slow),
        pytest.param("csv", "text/csv", lambda body: body.startswith(b"year,supplier,tiv,deals\n"), id="csv"),
    ],
)
def test_chart_routes_answer_in_each_format(client: TestClient, suffix: str, media: str, check) -> None:  # type: ignore[no-untyped-def]
    response = client.get(f"/charts/deliveries-to-china.{suffix}")
    assert response.status_code == 200 and response.headers["content-type"].startswith(media)
    assert check(response.content)


def test_chart_json_over_http_has_the_numbers_of_the_store(client: TestClient, charts: dict[str, ChartData]) -> None:
    doc = client.get("/charts/exercises-by-domain.json", params={"from": 2018, "to": 2024}).json()
    expected = [
        {"year": y, "domain": d, "count": n} for y, d, n in charts["exercises-by-domain"].rows if 2018 <= y <= 2024
    ]
    assert doc["rows"] == expected and doc["unit"] == "count" and "SELECT" in doc["sparql"]
    assert {r["figure"].rsplit("/", 1)[-1] for r in doc["reported"]} >= {"joint-exercises-2024"}


def test_chart_route_answers_304_to_its_entity_tag(client: TestClient) -> None:
    first = client.get("/charts/deliveries-to-china.csv")
    again = client.get("/charts/deliveries-to-china.csv", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304


@pytest.mark.parametrize(
    "path,status",
    [
        pytest.param("/charts/no-such-chart.svg", 404, id="unknown-chart"),
        pytest.param("/charts/deliveries-to-china.gif", 404, id="unknown-format"),
        pytest.param("/charts/deliveries-to-china", 404, id="no-format"),
        pytest.param("/charts/deliveries-to-china.svg?from=last-year", 400, id="bad-year"),
        pytest.param("/charts/deliveries-to-china.svg?from=2020&to=2010", 400, id="from-after-to"),
    ],
)
def test_bad_chart_urls_get_a_4xx_with_a_message(client: TestClient, path: str, status: int) -> None:
    response = client.get(path)
    assert response.status_code == status
    assert response.text.strip() and "Traceback" not in response.text
    if status == 404:
        assert "exercises-by-domain" in response.text

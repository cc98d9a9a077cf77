"""The CSV files meant for spreadsheets never carry a formula a spreadsheet would run (issue 16): the JSON
API's CSV (the file and ``?format=csv``), ``/timeline.csv``, ``/map.csv`` and the charts' CSV; a hostile
name that starts with ``=`` or ``@`` gets a leading single quote there, while numbers (negative
longitudes included) stay numbers. ``/sparql`` answers the W3C's SPARQL CSV byte for byte as the engine
writes it, hostile cells and all. In-process, on the hostile store of :mod:`tests.service.hostile_data`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from starlette.testclient import TestClient

from dragonbear.graph.chart_data import ChartData, chart_spec
from dragonbear.graph.store import open_store

from ..conftest import app_client
from . import hostile_data as hostile

LABELS = f"""SELECT ?e ?label WHERE {{ VALUES ?e {{ <{hostile.EXERCISE}> <{hostile.PLACE}> }}
  ?e <http://www.w3.org/2000/01/rdf-schema#label> ?label FILTER(LANG(?label) = "en") }} ORDER BY ?e"""


@pytest.fixture(scope="module")
def hostile_store(small_extract: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return hostile.build_hostile_store(tmp_path_factory.mktemp("hostile-csv"), small_extract)


@pytest.fixture(scope="module")
def hostile_client(hostile_store: Path) -> Iterator[TestClient]:
    with app_client(hostile_store) as test_client:
        yield test_client


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _no_formula(rows: list[dict[str, str]]) -> None:
    for row in rows:
        for column, cell in row.items():
            assert not cell.startswith(("=", "@", "\t", "\r")), (column, cell)
            if cell.startswith(("+", "-")):
                float(cell)  # a plain number, nothing else


@pytest.mark.slow
@pytest.mark.parametrize(
    "path", ["/api/queries/exercises.csv?state=china", "/api/queries/exercises?state=china&format=csv"]
)
def test_the_json_apis_csv_quotes_what_a_spreadsheet_would_run(hostile_client: TestClient, path: str) -> None:
    answer = hostile_client.get(path)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    rows = _rows(answer.text)
    _no_formula(rows)
    labels = {r["exercise"]: r["label"] for r in rows}
    assert labels[hostile.EXERCISE] == "'" + hostile.EXERCISE_NAME
    assert any(r["places"] == "'" + hostile.PLACE_NAME for r in rows)
    assert any(r["confidence"] == "0.8" for r in rows)  # numbers untouched


@pytest.mark.slow
def test_sparql_csv_stays_the_w3c_format_byte_for_byte(hostile_client: TestClient, hostile_store: Path) -> None:
    answer = hostile_client.get("/sparql", params={"query": LABELS}, headers={"Accept": "text/csv"})
    assert answer.status_code == 200
    engine = open_store(hostile_store, read_only=True).query(LABELS)
    assert answer.content == engine.serialize(format=ox.QueryResultsFormat.CSV)  # type: ignore[union-attr]
    assert {r["label"] for r in _rows(answer.text)} == {hostile.EXERCISE_NAME, hostile.PLACE_NAME}


@pytest.mark.slow
def test_the_timeline_and_map_files_quote_hostile_names_and_keep_numbers(hostile_client: TestClient) -> None:
    timeline = _rows(hostile_client.get("/timeline.csv", params={"state": "china", "kind": "exercise"}).text)
    _no_formula(timeline)
    assert {"'" + hostile.EXERCISE_NAME} <= {r["label"] for r in timeline}
    places = _rows(hostile_client.get("/map.csv").text)
    _no_formula(places)
    assert {"'" + hostile.PLACE_NAME} <= {r["place_label"] for r in places}
    assert any(r["event_label"] == "'" + hostile.EXERCISE_NAME for r in places)
    longitudes = [float(r["long"]) for r in places]
    assert min(longitudes) < 0  # west of Greenwich: a negative number, written as one


def test_a_charts_csv_quotes_a_formula_and_keeps_negative_numbers() -> None:
    data = ChartData(
        chart_spec("deliveries-to-china"),
        ("year", "supplier", "tiv"),
        ((2014, hostile.FORMULA, -1.5), (2015, "Russia", 2.0)),
        caption="",
        sparql="",
    )
    assert _rows(data.to_csv()) == [
        {"year": "2014", "supplier": "'" + hostile.FORMULA, "tiv": "-1.5"},
        {"year": "2015", "supplier": "Russia", "tiv": "2.0"},
    ]

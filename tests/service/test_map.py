"""The map ``/map`` and its files ``/map.csv`` and ``/map.json``, from the app in this process on the
tests' store (``client``): points only where the graph gives sourced coordinates, the other places
listed, and the choropleth of a supplier's deals by recipient."""

from __future__ import annotations

import csv
import io
import re

import httpx
import pytest

from dragonbear.graph.store import EmbeddedStore
from dragonbear.namespaces import DGB, GEO, ID
from dragonbear.service.web.atlas import countries, project
from dragonbear.service.web.map_drawing import BINS, bin_of

PLACE = f"{ID}place/"


def events(client: httpx.Client, **params: str) -> dict[str, object]:
    answer = client.get("/map.json", params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()  # type: ignore[no-any-return]


def test_the_sea_of_japan_is_drawn_at_its_natural_earth_point(client: httpx.Client, store: EmbeddedStore) -> None:
    row = next(
        iter(
            store.select(
                f"SELECT ?lat ?long WHERE {{ <{PLACE}sea-of-japan> <{GEO}location> ?p . ?p <{GEO}lat> ?lat ; <{GEO}long> ?long }}"
            )
        )
    )
    lat, long = float(row["lat"].value), float(row["long"].value)
    assert (lat, long) == (39.1345, 133.6522)
    x, y = project(lat, long)
    page = client.get("/map").text
    link = re.search(
        r'<a href="/id/place/sea-of-japan" aria-label="([^"]+)"[^>]*><circle cx="([^"]+)" cy="([^"]+)"', page
    )
    assert link, "no point for the Sea of Japan"
    assert (float(link.group(2)), float(link.group(3))) == (x, y)
    assert link.group(1).startswith("Sea of Japan: ") and "events" in link.group(1)


def test_every_point_of_the_files_carries_its_source(client: httpx.Client) -> None:
    drawn = events(client)["drawn"]
    assert drawn
    for row in drawn:  # type: ignore[attr-defined]
        assert row["coordinates_source"] == f"{ID}source/natural-earth-4-0-0"
        assert row["coordinates_locator"].startswith(
            ("ne_10m_geography_marine_polys", "ne_10m_geography_regions_polys", "ne_10m_populated_places")
        )


def test_places_without_coordinates_are_listed_and_not_drawn(client: httpx.Client, store: EmbeddedStore) -> None:
    doc = events(client)
    undrawn = {p["place"] for p in doc["without_coordinates"]}  # type: ignore[attr-defined]
    assert {PLACE + "pacific-ocean", PLACE + "chebarkul-training-ground", PLACE + "russian-far-east"} <= undrawn
    for place in undrawn:
        assert not store.query(f"ASK {{ <{place}> <{GEO}location> ?p }}")
    drawn = {r["place"] for r in doc["drawn"]}  # type: ignore[attr-defined]
    assert not drawn & undrawn
    page = client.get("/map").text
    listed = page.split('id="undrawn"', 1)[1].split("</section>", 1)[0]
    assert 'href="/id/place/pacific-ocean"' in listed and 'href="/id/place/pacific-ocean" aria-label' not in page


def test_every_located_dated_event_is_on_the_map_or_listed(client: httpx.Client, store: EmbeddedStore) -> None:
    doc = events(client)
    found = {r["event"] for r in doc["drawn"]} | {e for p in doc["without_coordinates"] for e in p["events"]}  # type: ignore[attr-defined]
    sparql = (
        f"SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ ?e <{DGB}location> ?p ; a <{DGB}Event> "
        f'FILTER(!CONTAINS(STR(?e), "#")) FILTER EXISTS {{ ?e <{DGB}startYear>|<{DGB}startDate> ?d }} }}'
    )
    assert len(found) == int(next(iter(store.select(sparql)))["n"].value)


@pytest.mark.parametrize(
    ("params", "check"),
    [
        pytest.param({"from": "2019", "to": "2019"}, lambda r: r["start"][:4] <= "2019" and (r["end"] or r["start"])[:4] >= "2019", id="years"),
        pytest.param({"kind": "patrol"}, lambda r: r["kind"] == "patrol", id="kind"),
        pytest.param({"state": "iran"}, lambda r: "Iran" in r["states"], id="state"),
    ],
)  # fmt: skip
def test_the_filters_narrow_what_is_drawn(client: httpx.Client, params: dict[str, str], check: object) -> None:
    everything = events(client)["drawn"]
    found = events(client, **params)["drawn"]
    assert found and len(found) < len(everything)  # type: ignore[arg-type]
    assert all(check(row) for row in found)  # type: ignore[attr-defined, operator]


def test_the_csv_holds_the_drawn_rows_with_the_release_and_licence(client: httpx.Client) -> None:
    answer = client.get("/map.csv?kind=exercise")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert rows == [{k: str(v) for k, v in r.items()} for r in events(client, kind="exercise")["drawn"]]  # type: ignore[attr-defined]
    release = answer.headers["Dragonbear-Release"]
    assert f'filename="map-events-exercise-{release}.csv"' in answer.headers["Content-Disposition"]
    assert "creativecommons.org/licenses/by/4.0" in answer.headers["Link"]
    assert "Dragonbear-Attribution" not in answer.headers


def test_the_choropleth_shades_china_for_supplier_russia(client: httpx.Client) -> None:
    doc = client.get("/map.json?view=transfers").json()
    assert doc["supplier"] == f"{ID}state/russia" and doc["attribution"].startswith("Source: SIPRI")
    china = next(r for r in doc["drawn"] if r["recipient"] == f"{ID}state/china")
    assert china["country_id"] == "156" and china["country_name"] == "China" and china["deals"] > 0
    fill = bin_of(china["deals"])
    assert fill is not None
    page = client.get("/map?view=transfers").text
    china_path = next(c for c in countries() if c.name == "China").path()
    assert f'<path class="country" fill="{fill[2]}" d="{china_path}"><title>China: {china["deals"]} deal' in page
    assert "Legend: deals received" in page and all(f"swatch b{n}" in page for n in range(len(BINS)))
    answer = client.get("/map.csv?view=transfers&supplier=russia&from=2000")
    assert answer.headers["Dragonbear-Attribution"] == "Source: SIPRI Arms Transfers Database"
    assert 'filename="map-transfers-russia-2000-' in answer.headers["Content-Disposition"]


def test_a_recipient_the_base_map_does_not_name_is_listed(client: httpx.Client) -> None:
    doc = client.get("/map.json?view=transfers&supplier=china").json()
    for row in doc["not_on_the_base_map"]:
        assert row["country_name"] == ""
        assert row["recipient_label"].casefold() not in {c.name.casefold() for c in countries()}


def test_the_site_navigation_links_the_map(client: httpx.Client) -> None:
    assert '<a href="/map">Map</a>' in client.get("/timeline").text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        pytest.param("state=atlantis", "no state 'atlantis'", id="state"),
        pytest.param("kind=delivery", "kind 'delivery' is not one", id="kind-without-place"),
        pytest.param("kind=battle", "no kind 'battle'", id="kind"),
        pytest.param("from=soon", "from must be a year", id="year"),
        pytest.param("from=2020&to=2010", "after to", id="order"),
        pytest.param("view=globe", "no view 'globe'", id="view"),
        pytest.param("supplier=russia", "has no parameter 'supplier'", id="supplier-on-events"),
        pytest.param("view=transfers&kind=exercise", "has no parameter 'kind'", id="kind-on-transfers"),
        pytest.param("view=transfers&supplier=atlantis", "no state 'atlantis'", id="supplier"),
        pytest.param("view=transfers&from=2020&to=1990", "after to", id="transfer-years"),
        pytest.param("view=transfers&supplier=russia&supplier=china", "more than once", id="twice"),
    ],
)
@pytest.mark.parametrize("path", ["/map", "/map.json", "/map.csv"])
def test_a_bad_parameter_is_a_400_with_a_message(client: httpx.Client, path: str, query: str, message: str) -> None:
    answer = client.get(f"{path}?{query}")
    assert answer.status_code == 400 and message in answer.text


def test_another_file_is_a_404(client: httpx.Client) -> None:
    assert client.get("/map.svg").status_code == 404

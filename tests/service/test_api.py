"""The JSON API (/api/...) and its OpenAPI schema, from the app in this process (the ``client`` fixture)."""

from __future__ import annotations

import csv
import io

import httpx
import pytest

ID = "https://w3id.org/dragonbear/id/"


def test_catalogue_lists_every_canned_query_with_parameters(client: httpx.Client) -> None:
    response = client.get("/api/queries")
    assert response.status_code == 200
    queries = {q["name"]: q for q in response.json()}
    assert {"ancestors", "descendants", "transfers", "exercises", "claims", "conflicts"} <= set(queries)
    params = {p["name"]: p for p in queries["transfers"]["parameters"]}
    assert params["supplier"]["required"] is True and params["supplier"]["type"].startswith("entity ")
    assert params["from"]["type"] == "year" and params["from"]["required"] is False
    assert queries["transfers"]["description"]


def test_transfers_russia_china_2015_include_the_su35_deal(client: httpx.Client) -> None:
    response = client.get(
        "/api/queries/transfers", params={"supplier": "Russia", "recipient": "China", "from": "2015", "to": "2015"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/sparql-results+json")
    rows = response.json()["results"]["bindings"]
    transfers = {r["transfer"]["value"] for r in rows}
    assert ID + "transfer/sipri/russia-china-2015-su-35s" in transfers
    assert all(r["supplier"]["value"] == ID + "state/russia" for r in rows)


@pytest.mark.parametrize(
    ("accept", "media", "check"),
    [
        pytest.param("text/csv", "text/csv", "transfer,", id="csv"),
        pytest.param("text/tab-separated-values", "text/tab-separated-values", "?transfer", id="tsv"),
        pytest.param("application/sparql-results+xml", "application/sparql-results+xml", "<sparql", id="xml"),
    ],
)
def test_canned_query_results_are_negotiated(client: httpx.Client, accept: str, media: str, check: str) -> None:
    response = client.get(
        "/api/queries/transfers",
        params={"supplier": "Russia", "recipient": "China", "from": "2015", "to": "2015"},
        headers={"Accept": accept},
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media)
    assert check in response.text
    assert "russia-china-2015-su-35s" in response.text


def test_format_parameter_wins_over_accept(client: httpx.Client) -> None:
    response = client.get(
        "/api/queries/ancestors",
        params={"system": "J-11", "format": "csv"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert any(
        r["ancestor"] == ID + "system/su-27sk" and r["year"] == "1998" and r["kindLabel"] == "licensed production"
        for r in rows
    )


def test_unknown_canned_query_is_404_json(client: httpx.Client) -> None:
    response = client.get("/api/queries/no-such-query")
    assert response.status_code == 404
    assert response.json()["error"] == "UnknownQueryError"


def test_ambiguous_entity_parameter_is_400_listing_candidates(client: httpx.Client) -> None:
    response = client.get("/api/queries/ancestors", params={"system": "Kilo"})
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "ParameterError" and "ambiguous" in body["message"]
    iris = {c["iri"] for c in body["candidates"]}
    assert ID + "system/kilo-class" in iris and len(iris) >= 2


@pytest.mark.parametrize(
    "params",
    [
        pytest.param({"supplier": "Russia", "recipient": "China", "from": "last year"}, id="not-a-year"),
        pytest.param({"supplier": "Russia"}, id="missing-required"),
        pytest.param({"supplier": "Russia", "recipient": "China", "colour": "red"}, id="unknown-parameter"),
        pytest.param({"supplier": "Atlantis", "recipient": "China"}, id="names-nothing"),
    ],
)
def test_bad_parameters_are_400(client: httpx.Client, params: dict[str, str]) -> None:
    response = client.get("/api/queries/transfers", params=params)
    assert response.status_code == 400
    assert response.json()["error"] == "ParameterError"


def test_repeated_parameter_is_400(client: httpx.Client) -> None:
    response = client.get("/api/queries/transfers?supplier=Russia&supplier=China&recipient=China")
    assert response.status_code == 400


def test_resolve_flanker_gives_su27_first(client: httpx.Client) -> None:
    response = client.get("/api/resolve", params={"q": "Flanker"})
    assert response.status_code == 200
    candidates = response.json()["candidates"]
    assert candidates[0]["iri"] == ID + "system/su-27"
    assert candidates[0]["label"] and candidates[0]["score"] >= 90


def test_resolve_reads_chinese_names(client: httpx.Client) -> None:
    response = client.get("/api/resolve", params={"q": "歼-11"})
    assert response.json()["candidates"][0]["iri"] == ID + "system/j-11"


def test_lineage_of_j11_has_licensed_production_edge_to_su27sk(client: httpx.Client) -> None:
    response = client.get("/api/lineage/j-11")
    assert response.status_code == 200
    graph = response.json()
    nodes = {n["data"]["id"]: n["data"] for n in graph["nodes"]}  # cytoscape.js's elements format
    assert nodes[ID + "system/j-11"]["country"] == ID + "state/china"
    assert nodes[ID + "system/su-27sk"]["label"] == "Sukhoi Su-27SK"
    edges = [e["data"] for e in graph["edges"]]
    edge = next(e for e in edges if e["source"] == ID + "system/j-11" and e["target"] == ID + "system/su-27sk")
    assert edge["kind"] == "licensed production" and edge["year"] == 1998 and edge["confidence"] == 0.85
    # descendants are in the same graph
    assert any(e["source"] == ID + "system/j-15" and e["target"] == ID + "system/j-11" for e in edges)


@pytest.mark.parametrize(
    "system", [pytest.param("no-such-system", id="unknown"), pytest.param("..%2Fstate%2Fchina", id="not-a-system")]
)
def test_lineage_of_unknown_system_is_404(client: httpx.Client, system: str) -> None:
    response = client.get(f"/api/lineage/{system}")
    assert response.status_code == 404
    assert response.json()["error"] == "NotFoundError"


def test_openapi_schema_is_valid_openapi_3(client: httpx.Client) -> None:
    from openapi_spec_validator import validate

    schema = client.get("/openapi.json").json()
    validate(schema)
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    assert {"/api/queries", "/api/queries/{name}", "/api/resolve", "/api/lineage/{system}"} <= set(paths)
    lineage = paths["/api/lineage/{system}"]["get"]["responses"]
    assert lineage["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/LineageGraph")
    assert "404" in lineage
    run = paths["/api/queries/{name}"]["get"]["responses"]
    assert {"application/sparql-results+json", "text/csv"} <= set(run["200"]["content"])
    assert run["400"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorBody")
    assert {"LineageGraph", "LineageEdgeInfo", "QueryInfo", "ResolveResult"} <= set(schema["components"]["schemas"])

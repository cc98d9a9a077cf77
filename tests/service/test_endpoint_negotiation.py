"""Content negotiation, the union default graph, predeclared prefixes and the result cap, from the app
in this process; CORS against a real server."""

from __future__ import annotations

import html
import json
import re

import httpx
import pyoxigraph as ox
import pytest
from starlette.testclient import TestClient

from ..conftest import Server

SELECT = "SELECT ?s WHERE { ?s a dgb:State } ORDER BY ?s LIMIT 3"
CONSTRUCT = "CONSTRUCT { ?s a dgb:State } WHERE { ?s a dgb:State } LIMIT 3"


def get(client: TestClient, query: str, accept: str | None = None, **params: str) -> httpx.Response:
    headers = {"Accept": accept} if accept is not None else {}
    return client.get("/sparql", params={"query": query, **params}, headers=headers)


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        pytest.param(None, "application/sparql-results+json", id="no-accept-json"),
        pytest.param("*/*", "application/sparql-results+json", id="wildcard-json"),
        pytest.param("application/sparql-results+xml", "application/sparql-results+xml", id="xml"),
        pytest.param("text/csv", "text/csv", id="csv"),
        pytest.param("text/tab-separated-values", "text/tab-separated-values", id="tsv"),
        pytest.param(
            "text/csv;q=0.4, application/sparql-results+xml;q=0.9", "application/sparql-results+xml", id="q-values"
        ),
        pytest.param("text/*;q=0.5, application/sparql-results+json;q=0.1", "text/csv", id="type-wildcard"),
        pytest.param("text/html,application/xhtml+xml,*/*;q=0.8", "application/sparql-results+json", id="browser"),
        pytest.param("application/json", "application/sparql-results+json", id="json-alias"),
        pytest.param("application/xml", "application/sparql-results+xml", id="xml-alias"),
        pytest.param("text/xml", "application/sparql-results+xml", id="text-xml-alias"),
        pytest.param("text/plain", "text/csv", id="plain-text-is-csv-as-on-oxigraphs-server"),
        pytest.param(  # the header of a browser's navigation: XML before */*, as Oxigraph's server and Fuseki answer
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            "application/sparql-results+xml",
            id="browser-with-xml",
        ),
    ],
)
def test_select_results_are_negotiated(client: TestClient, accept: str | None, media: str) -> None:
    response = get(client, SELECT, accept)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media
    if media == "text/csv":  # lossy: pyoxigraph does not read it back
        assert len(response.text.strip().splitlines()) == 1 + 3
        return
    parsed = ox.parse_query_results(response.content, format=ox.QueryResultsFormat.from_media_type(media))
    assert len(list(parsed)) == 3  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        pytest.param(None, "text/turtle", id="no-accept-turtle"),
        pytest.param("*/*", "text/turtle", id="wildcard-turtle"),
        pytest.param("application/n-triples", "application/n-triples", id="ntriples"),
        pytest.param("application/ld+json", "application/ld+json", id="jsonld"),
        pytest.param("application/rdf+xml", "application/rdf+xml", id="rdfxml"),
        pytest.param("application/n-quads", "application/n-quads", id="nquads"),
        pytest.param("application/trig", "application/trig", id="trig"),
        pytest.param("text/turtle;q=0.2, application/rdf+xml;q=0.3", "application/rdf+xml", id="q-values"),
        pytest.param("application/xml", "application/rdf+xml", id="xml-alias"),
        pytest.param("text/n3", "text/turtle", id="n3-is-turtle"),
        pytest.param("text/rdf+n3", "text/turtle", id="old-n3-is-turtle"),
        pytest.param("text/plain", "application/n-triples", id="plain-text-is-ntriples"),
    ],
)
def test_construct_results_are_negotiated(client: TestClient, accept: str | None, media: str) -> None:
    response = get(client, CONSTRUCT, accept)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media
    assert len(list(ox.parse(response.content, format=ox.RdfFormat.from_media_type(media)))) == 3  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("query", "fmt", "media"),
    [
        pytest.param(SELECT, "csv", "text/csv", id="select-csv"),
        pytest.param(SELECT, "xml", "application/sparql-results+xml", id="select-xml"),
        pytest.param(CONSTRUCT, "xml", "application/rdf+xml", id="construct-xml"),
        pytest.param(CONSTRUCT, "nt", "application/n-triples", id="construct-nt"),
        pytest.param(CONSTRUCT, "json", "application/ld+json", id="construct-json"),
    ],
)
def test_format_parameter_wins_over_accept(client: TestClient, query: str, fmt: str, media: str) -> None:
    response = get(client, query, "application/sparql-results+json, text/turtle", format=fmt)
    assert response.headers["content-type"].split(";")[0] == media


@pytest.mark.parametrize(
    ("query", "accept", "params"),
    [
        pytest.param(SELECT, "text/turtle", {}, id="select-as-turtle"),
        pytest.param(CONSTRUCT, "text/csv", {}, id="construct-as-csv"),
        pytest.param(SELECT, "image/png, text/html", {}, id="nothing-known"),
        pytest.param(CONSTRUCT, None, {"format": "csv"}, id="format-of-the-other-kind"),
    ],
)
def test_nothing_acceptable_is_406(client: TestClient, query: str, accept: str | None, params: dict[str, str]) -> None:
    response = get(client, query, accept, **params)
    assert response.status_code == 406
    assert response.headers["content-type"].startswith("text/plain")


@pytest.mark.parametrize(
    ("query", "formats", "status", "media"),
    [
        pytest.param(
            SELECT, ["tsv", "text/tab-separated-values"], 200, "text/tab-separated-values", id="name-and-type"
        ),
        pytest.param(
            CONSTRUCT,
            ["json-ld", "application/ld+json,application/x-json+ld"],
            200,
            "application/ld+json",
            id="jsonld-list",
        ),
        pytest.param(CONSTRUCT, ["rdf+xml", "application/rdf+xml"], 200, "application/rdf+xml", id="rdfxml-twice"),
        pytest.param(CONSTRUCT, ["n3"], 200, "text/turtle", id="n3-is-turtle"),
        pytest.param(SELECT, ["csv", ""], 200, "text/csv", id="blank-skipped"),
        pytest.param(SELECT, ["csv", "json"], 400, None, id="two-formats"),
        pytest.param(SELECT, ["json-ld", ""], 406, None, id="graph-format-for-a-select"),
        pytest.param(SELECT, ["text/n3"], 406, None, id="n3-for-a-select"),
        pytest.param(CONSTRUCT, ["tsv", "text/tab-separated-values"], 406, None, id="table-format-for-a-graph"),
    ],
)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_repeated_format_parameter_names_one_format(
    client: TestClient, method: str, query: str, formats: list[str], status: int, media: str | None
) -> None:
    """SPARQLWrapper sends ``format`` twice (its name and the media type, or a blank) for some formats."""
    params = [("query", query), *(("format", f) for f in formats)]
    if method == "GET":
        response = client.get("/sparql", params=params, headers={"Accept": "*/*"})
    else:
        response = client.post("/sparql", data=dict(params[:1]), params=params[1:], headers={"Accept": "*/*"})
    assert response.status_code == status, response.text
    if media is None:
        assert response.headers["content-type"].startswith("text/plain") and "format" in response.text
    else:
        assert response.headers["content-type"].split(";")[0] == media


@pytest.mark.parametrize("accept", ["application/xml", "text/xml", "text/n3", "text/plain", "text/*"])
@pytest.mark.parametrize("query", [pytest.param(SELECT, id="select"), pytest.param(CONSTRUCT, id="construct")])
def test_get_and_post_negotiate_alike(client: TestClient, query: str, accept: str) -> None:
    """A GET with the query alone is answered by the fast path (fastpath.py, the raw answerer); a POST
    goes through the endpoint: both choose the same format."""
    got = get(client, query, accept)
    posted = client.post(
        "/sparql", content=query.encode(), headers={"Content-Type": "application/sparql-query", "Accept": accept}
    )
    form = client.post("/sparql", data={"query": query}, headers={"Accept": accept})
    assert got.status_code == posted.status_code == form.status_code
    assert got.headers.get("content-type") == posted.headers.get("content-type") == form.headers.get("content-type")
    if got.status_code == 200:
        assert got.content == posted.content == form.content


def test_the_query_pages_json_api_links_answer_json_to_a_browser(client: TestClient) -> None:
    """A browser's Accept ranks application/xml (q=0.9) over */* (q=0.8), which now means SPARQL XML,
    so the links labelled JSON say format=json."""
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
    links = re.findall(r'href="(/api/queries/[^"]+)">JSON API<', client.get("/", headers={"Accept": browser}).text)
    assert links
    for link in links:
        response = client.get(html.unescape(link), headers={"Accept": browser})
        assert "json" in response.headers["content-type"], (link, response.headers["content-type"])


def test_default_graph_is_the_union_and_from_restricts_it(client: TestClient) -> None:
    # j-11's label is in the curated graph, the class SystemModel is defined in the ontology graph
    query = "ASK { system:j-11 rdfs:label ?l . dgb:SystemModel a owl:Class }"
    assert json.loads(get(client, query).content)["boolean"] is True
    restricted = query.replace("ASK", "ASK FROM <https://w3id.org/dragonbear/graph/curated>")
    assert json.loads(get(client, restricted).content)["boolean"] is False


def test_protocol_dataset_overrides_from(client: TestClient) -> None:
    query = "ASK FROM <https://w3id.org/dragonbear/graph/curated> { system:j-11 ?p ?o }"
    other = "https://w3id.org/dragonbear/graph/ontology"
    assert json.loads(get(client, query).content)["boolean"] is True
    assert json.loads(get(client, query, **{"default-graph-uri": other}).content)["boolean"] is False


def test_project_prefixes_are_predeclared_and_a_query_prefix_wins(client: TestClient) -> None:
    assert json.loads(get(client, "ASK { state:china a dgb:State }").content)["boolean"] is True
    own = "PREFIX state: <http://example.org/> ASK { state:china a dgb:State }"
    assert json.loads(get(client, own).content)["boolean"] is False
    # A prologue that declares some of the prefixes it uses: the others are still predeclared.
    mixed = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\nSELECT ?l WHERE { state:china rdfs:label ?l }"
    assert "China" in {b["l"]["value"] for b in json.loads(get(client, mixed).content)["results"]["bindings"]}
    wrong = "PREFIX rdfs: <http://example.org/> SELECT ?l WHERE { state:china rdfs:label ?l }"
    assert json.loads(get(client, wrong).content)["results"]["bindings"] == []


def test_relative_iris_resolve_against_the_endpoint(client: TestClient) -> None:
    response = get(client, "SELECT (<x> AS ?iri) {}")
    value = json.loads(response.content)["results"]["bindings"][0]["iri"]["value"]
    assert value == "http://testserver/x"


@pytest.mark.server
@pytest.mark.slow
def test_reads_allow_cross_origin_requests(server: Server) -> None:
    response = httpx.get(
        server.url("/sparql"), params={"query": "ASK {}"}, headers={"Origin": "https://elsewhere.example"}
    )
    assert response.headers["access-control-allow-origin"] == "*"
    preflight = httpx.options(
        server.url("/sparql"),
        headers={
            "Origin": "https://elsewhere.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["access-control-allow-methods"]


@pytest.mark.server
@pytest.mark.slow
def test_writes_are_not_open_to_cross_origin_credentials(server: Server) -> None:
    preflight = httpx.options(
        server.url("/update"),
        headers={
            "Origin": "https://elsewhere.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization",
        },
    )
    assert preflight.status_code == 400


def test_every_answer_states_the_result_count_and_cap(client: TestClient) -> None:
    response = get(client, SELECT)
    assert response.headers["dragonbear-result-count"] == "3"
    assert response.headers["dragonbear-result-cap"] == "100000"


@pytest.mark.parametrize(
    "query",
    [
        pytest.param(
            "SELECT ?s WHERE { GRAPH <https://w3id.org/dragonbear/graph/sipri> { ?s ?p ?o } } LIMIT 51", id="select"
        ),
        pytest.param(
            "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <https://w3id.org/dragonbear/graph/sipri> { ?s ?p ?o } } LIMIT 51",
            id="construct",
        ),
    ],
)
def test_a_result_over_the_cap_is_refused_not_truncated(capped_client: TestClient, query: str) -> None:
    response = get(capped_client, query)
    assert response.status_code == 422
    assert "more than 50" in response.text and "LIMIT" in response.text


def test_a_result_at_the_cap_is_sent_whole(capped_client: TestClient) -> None:
    query = "SELECT ?s WHERE { GRAPH <https://w3id.org/dragonbear/graph/sipri> { ?s ?p ?o } } LIMIT 50"
    response = get(capped_client, query)
    assert response.status_code == 200
    assert len(json.loads(response.content)["results"]["bindings"]) == 50
    assert response.headers["dragonbear-result-cap"] == "50"

"""Every case of the W3C SPARQL 1.1 Protocol and Service Description test suites, against a real server.

The cases come from w3c/rdf-tests (sparql/sparql11/protocol/manifest.ttl and
sparql/sparql11/service-description/manifest.ttl), one ``pytest.param`` per case with its W3C id.
The manifest's requests go to ``/sparql/``; here queries go to ``/sparql`` and updates to
``/update`` (the manifest allows separate endpoints), with the update token. The test graphs
data1..data3 are loaded with `dragonbear load` (see ``conftest.served_copy``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import httpx
import pyoxigraph as ox
import pytest

from ..conftest import TOKEN, Server

pytestmark = [pytest.mark.server, pytest.mark.slow]

D = "http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2F"  # the test graphs' IRI prefix, URL-encoded
FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"
SD = "http://www.w3.org/ns/sparql-service-description#"


@dataclass(frozen=True)
class Call:
    """One request of a W3C case and what its answer must be."""

    method: str
    path: str  # path and query string, as in the manifest (``/sparql`` or ``/update``)
    body: bytes | None = None
    content_type: str | None = None
    status: int = 2  # expected status class: 2 (2xx), 4 (4xx)
    boolean: bool | None = None  # mf:expectedBoolean
    result: str | None = None  # mf:expectedFormat: "boolean", "tabular" or "RDF"
    headers: dict[str, str] = field(default_factory=dict)


def ask(body: str) -> Call:
    """The follow-up query of an update case, which must answer true."""
    return Call("POST", "/sparql", body.encode(), QUERY, boolean=True, result="boolean")


def upd(path: str, body: str | bytes, content_type: str | None = UPDATE, *, status: int = 2) -> Call:
    """An update request of a case (sent with the token)."""
    data = body.encode() if isinstance(body, str) else body
    return Call("POST", path, data, content_type, status=status, headers={"Authorization": f"Bearer {TOKEN}"})


PREFIXES = "PREFIX dc: <http://purl.org/dc/terms/>\nPREFIX foaf: <http://xmlns.com/foaf/0.1/>\n"
INSERT_3 = """INSERT DATA {
    GRAPH <http://kasei.us/2009/09/sparql/data/data1.rdf> { <http://kasei.us/2009/09/sparql/data/data1.rdf> a foaf:Document }
    GRAPH <http://kasei.us/2009/09/sparql/data/data2.rdf> { <http://kasei.us/2009/09/sparql/data/data2.rdf> a foaf:Document }
    GRAPH <http://kasei.us/2009/09/sparql/data/data3.rdf> { <http://kasei.us/2009/09/sparql/data/data3.rdf> a foaf:Document }
} ;
"""
K = "http://kasei.us/2009/09/sparql/data/"

QUERY_CASES = [
    pytest.param(
        [
            Call(
                "POST",
                f"/sparql?default-graph-uri={D}data0.rdf",
                b"query=ASK%20%7B%7D",
                FORM,
                boolean=True,
                result="boolean",
            )
        ],
        id="query_post_form",
    ),
    pytest.param(
        [
            Call(
                "GET",
                f"/sparql?query=ASK%20%7B%20%3Chttp%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2F"
                f"data1.rdf%3E%20a%20%3Ftype%20.%20%3Chttp%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2F"
                f"data2.rdf%3E%20a%20%3Ftype%20.%20%7D&default-graph-uri={D}data1.rdf&default-graph-uri="
                f"{D}data2.rdf",
                boolean=True,
                result="boolean",
            )
        ],
        id="query_dataset_default_graphs_get",
    ),
    pytest.param(
        [
            Call(
                "POST",
                f"/sparql?default-graph-uri={D}data1.rdf&default-graph-uri={D}data2.rdf",
                f"ASK {{ <{K}data1.rdf> a ?type . <{K}data2.rdf> a ?type . }}".encode(),
                QUERY,
                boolean=True,
                result="boolean",
            )
        ],
        id="query_dataset_default_graphs_post",
    ),
    pytest.param(
        [
            Call(
                "POST",
                f"/sparql?named-graph-uri={D}data1.rdf&named-graph-uri={D}data2.rdf",
                f"ASK {{ GRAPH ?g1 {{ <{K}data1.rdf> a ?type }} GRAPH ?g2 {{ <{K}data2.rdf> a ?type }} }}".encode(),
                QUERY,
                boolean=True,
                result="boolean",
            )
        ],
        id="query_dataset_named_graphs_post",
    ),
    pytest.param(
        [
            Call(
                "GET",
                "/sparql?query=ASK%20%7B%20GRAPH%20%3Fg1%20%7B%20%3Chttp%3A%2F%2Fkasei.us%2F2009%2F09"
                "%2Fsparql%2Fdata%2Fdata1.rdf%3E%20a%20%3Ftype%20%7D%20GRAPH%20%3Fg2%20%7B%20%3Chttp%3A%2F%2F"
                "kasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata2.rdf%3E%20a%20%3Ftype%20%7D%20%7D"
                f"&named-graph-uri={D}data1.rdf&named-graph-uri={D}data2.rdf",
                boolean=True,
                result="boolean",
            )
        ],
        id="query_dataset_named_graphs_get",
    ),
    pytest.param(
        [
            Call(
                "POST",
                f"/sparql?default-graph-uri={D}data3.rdf&named-graph-uri={D}data1.rdf&named-graph-uri={D}data2.rdf",
                f"ASK {{\n  <{K}data3.rdf> a ?type\n  GRAPH ?g1 {{ <{K}data1.rdf> a ?type }}\n"
                f"  GRAPH ?g2 {{ <{K}data2.rdf> a ?type }}\n}}".encode(),
                QUERY,
                boolean=True,
                result="boolean",
            )
        ],
        id="query_dataset_full",
    ),
    pytest.param(
        [
            Call(
                "POST",
                f"/sparql?named-graph-uri={D}data1.rdf&named-graph-uri={D}data2.rdf",
                f"ASK FROM <{K}data3.rdf> {{ GRAPH ?g1 {{ <{K}data1.rdf> a ?type }} "
                f"GRAPH ?g2 {{ <{K}data2.rdf> a ?type }} }}".encode(),
                QUERY,
                boolean=True,
                result="boolean",
            )
        ],
        id="query_multiple_dataset",
    ),
    pytest.param(
        [Call("GET", f"/sparql?query=ASK%20%7B%7D&default-graph-uri={D}data0.rdf", boolean=True, result="boolean")],
        id="query_get",
    ),
    pytest.param(
        [Call("POST", f"/sparql?default-graph-uri={D}data0.rdf", b"SELECT (1 AS ?value) {}", QUERY, result="tabular")],
        id="query_content_type_select",
    ),
    pytest.param(
        [Call("POST", f"/sparql?default-graph-uri={D}data0.rdf", b"ASK {}", QUERY, result="boolean")],
        id="query_content_type_ask",
    ),
    pytest.param(
        [
            Call(
                "POST",
                f"/sparql?default-graph-uri={D}data0.rdf",
                b"DESCRIBE <http://example.org/>",
                QUERY,
                result="RDF",
            )
        ],
        id="query_content_type_describe",
    ),
    pytest.param(
        [
            Call(
                "POST",
                f"/sparql?default-graph-uri={D}data0.rdf",
                b"CONSTRUCT { <s> <p> 1 } WHERE {}",
                QUERY,
                result="RDF",
            )
        ],
        id="query_content_type_construct",
    ),
    pytest.param([Call("POST", "/sparql", b"ASK {}", QUERY, boolean=True, result="boolean")], id="query_post_direct"),
    pytest.param(
        [Call("PUT", f"/sparql?query=ASK%20%7B%7D&default-graph-uri={D}data0.rdf", None, FORM, status=4)],
        id="bad_query_method",
    ),
    pytest.param(
        [Call("GET", "/sparql?query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D", status=4)], id="bad_multiple_queries"
    ),
    pytest.param([Call("POST", "/sparql", b"ASK {}", "text/plain", status=4)], id="bad_query_wrong_media_type"),
    pytest.param([Call("POST", "/sparql", b"query=ASK%20%7B%7D", None, status=4)], id="bad_query_missing_form_type"),
    pytest.param([Call("POST", "/sparql", b"ASK {}", None, status=4)], id="bad_query_missing_direct_type"),
    pytest.param(
        [Call("POST", "/sparql", "ASK {}".encode("utf-16"), f"{QUERY}; charset=UTF-16", status=4)],
        id="bad_query_non_utf8",
    ),
    pytest.param([Call("GET", "/sparql?query=ASK%20%7B", status=4)], id="bad_query_syntax"),
]

UPDATE_CASES = [
    pytest.param(
        [
            upd(
                f"/update?using-graph-uri={D}data1.rdf",
                PREFIXES
                + f"""CLEAR ALL ;
INSERT DATA {{ GRAPH <{K}data1.rdf> {{ <{K}data1.rdf> a foaf:Document }} }} ;
INSERT {{ GRAPH <http://example.org/protocol-update-dataset-test/> {{ ?s a dc:BibliographicResource }} }}
WHERE {{ ?s a foaf:Document }}""",
            ),
            ask(f"""ASK {{ GRAPH <http://example.org/protocol-update-dataset-test/> {{
    <{K}data1.rdf> a <http://purl.org/dc/terms/BibliographicResource> }} }}"""),
        ],
        id="update_dataset_default_graph",
    ),
    pytest.param(
        [
            upd(
                f"/update?using-graph-uri={D}data1.rdf&using-graph-uri={D}data2.rdf",
                PREFIXES
                + "DROP ALL ;\n"
                + INSERT_3
                + """INSERT { GRAPH <http://example.org/protocol-update-dataset-graphs-test/> {
        ?s a dc:BibliographicResource } } WHERE { ?s a foaf:Document }""",
            ),
            ask(f"""ASK {{
    GRAPH <http://example.org/protocol-update-dataset-graphs-test/> {{
        <{K}data1.rdf> a <http://purl.org/dc/terms/BibliographicResource> .
        <{K}data2.rdf> a <http://purl.org/dc/terms/BibliographicResource> . }}
    FILTER NOT EXISTS {{ GRAPH <http://example.org/protocol-update-dataset-graphs-test/> {{
            <{K}data3.rdf> a <http://purl.org/dc/terms/BibliographicResource> . }} }} }}"""),
        ],
        id="update_dataset_default_graphs",
    ),
    pytest.param(
        [
            upd(
                f"/update?using-named-graph-uri={D}data1.rdf&using-named-graph-uri={D}data2.rdf",
                PREFIXES
                + "DROP ALL ;\n"
                + INSERT_3
                + """INSERT {
    GRAPH <http://example.org/protocol-update-dataset-named-graphs-test/> { ?s a dc:BibliographicResource } }
WHERE { GRAPH ?g { ?s a foaf:Document } }""",
            ),
            ask(f"""ASK {{
    GRAPH <http://example.org/protocol-update-dataset-named-graphs-test/> {{
        <{K}data1.rdf> a <http://purl.org/dc/terms/BibliographicResource> .
        <{K}data2.rdf> a <http://purl.org/dc/terms/BibliographicResource> . }}
    FILTER NOT EXISTS {{ GRAPH <http://example.org/protocol-update-dataset-named-graphs-test/> {{
            <{K}data3.rdf> a <http://purl.org/dc/terms/BibliographicResource> . }} }} }}"""),
        ],
        id="update_dataset_named_graphs",
    ),
    pytest.param(
        [
            upd(
                f"/update?using-graph-uri={D}data1.rdf&using-named-graph-uri={D}data2.rdf",
                PREFIXES
                + "DROP ALL ;\n"
                + INSERT_3
                + """INSERT {
    GRAPH <http://example.org/protocol-update-dataset-full-test/> { ?s <http://example.org/in> ?in } }
WHERE {
    { GRAPH ?g { ?s a foaf:Document } BIND(?g AS ?in) }
    UNION
    { ?s a foaf:Document . BIND("default" AS ?in) }
}""",
            ),
            ask(f"""ASK {{
    GRAPH <http://example.org/protocol-update-dataset-full-test/> {{
        <{K}data1.rdf> <http://example.org/in> "default" .
        <{K}data2.rdf> <http://example.org/in> <{K}data2.rdf> . }}
    FILTER NOT EXISTS {{ GRAPH <http://example.org/protocol-update-dataset-full-test/> {{
            <{K}data3.rdf> ?p ?o }} }} }}"""),
        ],
        id="update_dataset_full",
    ),
    pytest.param([upd("/update", "update=CLEAR+ALL", FORM)], id="update_post_form"),
    pytest.param([upd("/update", "CLEAR ALL")], id="update_post_direct"),
    pytest.param(
        [
            upd(
                "/update",
                """CLEAR SILENT GRAPH <http://example.org/protocol-base-test/> ;
INSERT DATA { GRAPH <http://example.org/protocol-base-test/> { <http://example.org/s> <http://example.org/p> <test> } }""",
            ),
            ask("""ASK { GRAPH <http://example.org/protocol-base-test/> {
        <http://example.org/s> <http://example.org/p> ?o FILTER (isIRI(?o) && STR(?o) != "test") } }"""),
        ],
        id="update_base_uri",
    ),
    pytest.param(
        [
            Call("GET", "/sparql?update=CLEAR%20ALL", status=4),
            Call("GET", "/update?update=CLEAR%20ALL", status=4, headers={"Authorization": f"Bearer {TOKEN}"}),
        ],
        id="bad_update_get",
    ),
    pytest.param(
        [upd("/update", "update=CLEAR%20NAMED&update=CLEAR%20DEFAULT", FORM, status=4)], id="bad_multiple_updates"
    ),
    pytest.param([upd("/update", "CLEAR NAMED", "text/plain", status=4)], id="bad_update_wrong_media_type"),
    pytest.param([upd("/update", "update=CLEAR%20NAMED", None, status=4)], id="bad_update_missing_form_type"),
    pytest.param(
        [upd("/update", "CLEAR NAMED".encode("utf-16"), f"{UPDATE}; charset=UTF-16", status=4)],
        id="bad_update_non_utf8",
    ),
    pytest.param([upd("/update", "update=CLEAR%20XYZ", FORM, status=4)], id="bad_update_syntax"),
    pytest.param(
        [
            upd(
                "/update?using-named-graph-uri=http%3A%2F%2Fexample%2Fpeople",
                """PREFIX foaf:  <http://xmlns.com/foaf/0.1/>
WITH <http://example/addresses>
DELETE { ?person foaf:givenName 'Bill' }
INSERT { ?person foaf:givenName 'William' }
WHERE {
    ?person foaf:givenName 'Bill'
}""",
                status=4,
            )
        ],
        id="bad_update_dataset_conflict",
    ),
]


def perform(server: Server, call: Call) -> httpx.Response:
    """Send one request of a case and check its status class, result format and boolean."""
    headers = dict(call.headers)
    if call.content_type:
        headers["Content-Type"] = call.content_type
    response = httpx.request(call.method, server.url(call.path), content=call.body, headers=headers, timeout=60)
    assert response.status_code // 100 == call.status, (response.status_code, response.text)
    assert response.status_code != 500
    media = response.headers.get("content-type", "").split(";")[0]
    if call.status == 4:
        assert media == "text/plain" and response.text.strip(), "errors are plain messages"
    if call.result == "boolean":
        assert media in ("application/sparql-results+json", "application/sparql-results+xml")
        value = (
            json.loads(response.content)["boolean"]
            if media.endswith("json")
            else "<boolean>true</boolean>" in response.text
        )
        if call.boolean is not None:
            assert value is call.boolean
    elif call.result == "tabular":
        assert media in (
            "application/sparql-results+json",
            "application/sparql-results+xml",
            "text/csv",
            "text/tab-separated-values",
        )
        assert json.loads(response.content)["head"]["vars"] == ["value"]
    elif call.result == "RDF":
        rdf = ox.RdfFormat.from_media_type(media)
        assert rdf in (ox.RdfFormat.RDF_XML, ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES)
        list(ox.parse(response.content, format=rdf))
    return response


@pytest.mark.parametrize("calls", QUERY_CASES)
def test_w3c_protocol_query_case(server: Server, calls: list[Call]) -> None:
    for call in calls:
        perform(server, call)


@pytest.mark.parametrize("calls", UPDATE_CASES)
def test_w3c_protocol_update_case(writable_server: Server, calls: list[Call]) -> None:
    for call in calls:
        perform(writable_server, call)


def _description(server: Server, accept: str = "text/turtle") -> list[ox.Triple]:
    response = httpx.get(server.url("/sparql"), headers={"Accept": accept}, timeout=60)
    assert response.status_code == 200
    fmt = ox.RdfFormat.from_media_type(response.headers["content-type"].split(";")[0])
    assert fmt is not None, response.headers["content-type"]
    return list(ox.parse(response.content, format=fmt))


def _sd_store(server: Server) -> ox.Store:
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in _description(server))
    return store


@pytest.mark.parametrize(
    "accept", ["text/turtle", "application/rdf+xml", "application/ld+json", "application/n-triples", "*/*"]
)
def test_w3c_service_description_returns_rdf(server: Server, accept: str) -> None:
    """W3C service-description case returns-rdf: GET on the endpoint returns RDF, in every RDF format."""
    assert _description(server, accept)


def test_w3c_service_description_has_endpoint_triple(server: Server) -> None:
    """W3C case has-endpoint-triple: the description has ``?service sd:endpoint <the endpoint URL>``."""
    endpoint = ox.NamedNode(server.url("/sparql"))
    assert list(_sd_store(server).quads_for_pattern(None, ox.NamedNode(SD + "endpoint"), endpoint))


CONFORMANCE = [  # (query over the description, the answer it must give)
    pytest.param(
        "ASK { ?s a sd:Service ; sd:endpoint ?e ; sd:supportedLanguage ?l ; sd:resultFormat ?f }",
        True,
        id="service-with-endpoint-language-formats",
    ),
    pytest.param(
        "ASK { ?s sd:supportedLanguage ?l FILTER(?l NOT IN (sd:SPARQL10Query, sd:SPARQL11Query, sd:SPARQL11Update)) }",
        False,
        id="no-language-outside-the-vocabulary",
    ),
    pytest.param(
        "ASK { ?s sd:feature ?f FILTER(?f NOT IN (sd:DereferencesURIs, sd:UnionDefaultGraph, "
        "sd:RequiresDataset, sd:EmptyGraphs, sd:BasicFederatedQuery)) }",
        False,
        id="no-feature-outside-the-vocabulary",
    ),
    pytest.param("ASK { ?s sd:resultFormat ?f FILTER(!isIRI(?f)) }", False, id="result-formats-are-iris"),
    pytest.param(
        "ASK { ?s sd:defaultDataset ?d . ?d a sd:Dataset ; sd:defaultGraph ?g . ?g a sd:Graph }",
        True,
        id="default-dataset-and-graph",
    ),
    pytest.param(
        "ASK { ?d sd:namedGraph ?n . FILTER NOT EXISTS { ?n a sd:NamedGraph ; sd:name ?name ; sd:graph ?g . "
        "?g a sd:Graph FILTER(isIRI(?name)) } }",
        False,
        id="named-graphs-well-formed",
    ),
    pytest.param(
        "ASK { ?g void:triples ?n FILTER(datatype(?n) != xsd:integer || ?n < 0) }",
        False,
        id="triple-counts-are-integers",
    ),
]


@pytest.mark.parametrize(("query", "expected"), CONFORMANCE)
def test_w3c_service_description_conforms_to_schema(server: Server, query: str, expected: bool) -> None:
    """W3C case conforms-to-schema: the description uses the SD vocabulary as its schema defines it."""
    prologue = (
        f"PREFIX sd: <{SD}> PREFIX void: <http://rdfs.org/ns/void#> PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> "
    )
    assert bool(_sd_store(server).query(prologue + query)) is expected


def test_service_description_declares_union_default_graph_and_links_void(server: Server) -> None:
    store = _sd_store(server)
    assert bool(store.query(f"ASK {{ ?s <{SD}feature> <{SD}UnionDefaultGraph> }}"))
    assert bool(store.query(f"ASK {{ ?s <{SD}supportedLanguage> <{SD}SPARQL11Update> }}"))
    link = list(store.query("SELECT ?v { ?d <http://www.w3.org/2000/01/rdf-schema#seeAlso> ?v }"))
    assert link[0]["v"].value == server.url("/.well-known/void")  # type: ignore[union-attr]


def test_void_counts_triples_per_named_graph(server: Server) -> None:
    response = httpx.get(server.url("/.well-known/void"), timeout=60)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/turtle")
    store = ox.Store()
    store.load(response.content, format=ox.RdfFormat.TURTLE)
    rows = {
        r["g"].value: int(r["n"].value)
        for r in store.query(  # type: ignore[union-attr]
            "SELECT ?g ?n { ?d <http://rdfs.org/ns/void#subset> ?s . ?s <http://www.w3.org/ns/sparql-service-description#name> ?g ;"
            " <http://rdfs.org/ns/void#triples> ?n }"
        )
    }
    assert rows[f"{K}data1.rdf"] == 1
    assert rows["https://w3id.org/dragonbear/graph/sipri"] > 100_000

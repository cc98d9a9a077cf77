"""Real SPARQL clients against the endpoint: SPARQLWrapper and rdflib's SPARQLStore."""

from __future__ import annotations

import json
import urllib.error
import warnings
from xml.dom.minidom import Document

import pytest
import rdflib
import SPARQLWrapper as sw
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper

from ..conftest import Server

pytestmark = [pytest.mark.server, pytest.mark.slow]

STATES = "SELECT ?s WHERE { ?s a <https://w3id.org/dragonbear/ontology#State> } ORDER BY ?s LIMIT 5"


def test_sparqlwrapper_select_json(server: Server) -> None:
    client = SPARQLWrapper(server.url("/sparql"))
    client.setQuery(STATES)
    client.setReturnFormat(JSON)
    rows = client.query().convert()["results"]["bindings"]  # type: ignore[index, call-overload]
    assert len(rows) == 5 and all(r["s"]["value"].startswith("https://w3id.org/dragonbear/id/state/") for r in rows)


def test_sparqlwrapper_post_and_construct_turtle(server: Server) -> None:
    client = SPARQLWrapper(server.url("/sparql"))
    client.setMethod("POST")
    client.setQuery("CONSTRUCT { state:china ?p ?o } WHERE { state:china ?p ?o }")
    client.setReturnFormat(TURTLE)
    graph = rdflib.Graph().parse(data=client.query().convert(), format="turtle")  # type: ignore[arg-type]
    assert (rdflib.URIRef("https://w3id.org/dragonbear/id/state/china"), None, None) in graph


def test_sparqlwrapper_ask(server: Server) -> None:
    client = SPARQLWrapper(server.url("/sparql"))
    client.setQuery("ASK { system:j-11 a dgb:SystemModel }")
    client.setReturnFormat(JSON)
    assert client.query().convert()["boolean"] is True  # type: ignore[index, call-overload]


def test_sparqlwrapper_and_rdflib_query_a_kept_release(server: Server) -> None:
    from dragonbear import data_release

    endpoint = server.url(f"/v/{data_release().version}/sparql")
    client = SPARQLWrapper(endpoint)
    client.setMethod("POST")
    client.setQuery(STATES)
    client.setReturnFormat(JSON)
    rows = client.query().convert()["results"]["bindings"]  # type: ignore[index, call-overload]
    assert len(rows) == 5
    graph = rdflib.Graph(store=SPARQLStore(endpoint, returnFormat="json"))
    assert len(list(graph.query("SELECT ?l WHERE { <https://w3id.org/dragonbear/id/system/j-11> rdfs:label ?l }"))) >= 1


def test_rdflib_sparqlstore_reads_the_graph(server: Server) -> None:
    store = SPARQLStore(server.url("/sparql"), returnFormat="xml")
    graph = rdflib.Graph(store=store)
    rows = list(graph.query(STATES))
    assert len(rows) == 5
    china = rdflib.URIRef("https://w3id.org/dragonbear/id/state/china")
    assert any(True for _ in graph.triples((china, None, None)))


# Every return format SPARQLWrapper offers, and its default (XML), for each query form, by GET, by a
# form POST and by a direct POST. SPARQLWrapper sends format=, output= and results= (format twice for
# TSV, JSON-LD and RDF/XML: its name and the media type, or a blank), and asks for N3 by name.
FORMS = {
    "SELECT": STATES,
    "ASK": "ASK { system:j-11 a dgb:SystemModel }",
    "CONSTRUCT": "CONSTRUCT { state:china ?p ?o } WHERE { state:china ?p ?o }",
    "DESCRIBE": "DESCRIBE state:china",
}
TABLE_FORMATS = {sw.JSON: "json", sw.XML: "xml", sw.CSV: "csv", sw.TSV: "tsv", None: "xml"}
GRAPH_FORMATS = {
    sw.XML: "graph", sw.RDF: "graph", sw.RDFXML: "graph", sw.JSONLD: "graph", sw.JSON: "graph",
    sw.TURTLE: "turtle", sw.N3: "turtle", None: "graph",
}  # fmt: skip
CASES = [
    pytest.param(form, fmt, how, id=f"{form}-{fmt or 'default'}-{how}")
    for form in FORMS
    for fmt in (None, *sw.Wrapper._allowedFormats)
    for how in ("GET", "POST", "POST-direct")
]


def _ask(server: Server, form: str, fmt: str | None, how: str) -> object:
    client = SPARQLWrapper(server.url("/sparql"))
    client.setQuery(FORMS[form])
    if fmt is not None:
        client.setReturnFormat(fmt)
    if how != "GET":
        client.setMethod(sw.POST)
        client.setRequestMethod(sw.POSTDIRECTLY if how == "POST-direct" else sw.URLENCODED)
    with warnings.catch_warnings():  # SPARQLWrapper's own notice that it sends Accept: */* for this format
        warnings.filterwarnings("ignore", "Sending Accept header", RuntimeWarning)
        warnings.filterwarnings("ignore", "ConjunctiveGraph is deprecated", DeprecationWarning)  # its RDF reader
        return client.query().convert()


def _check_table(form: str, kind: str, result: object) -> None:
    if kind == "json":
        assert isinstance(result, dict)
        assert result["boolean"] is True if form == "ASK" else len(result["results"]["bindings"]) == 5
    elif kind == "xml":
        assert isinstance(result, Document)
        tag = "boolean" if form == "ASK" else "result"
        assert result.getElementsByTagName(tag), result.toxml()[:200]
    else:
        assert isinstance(result, bytes)
        lines = result.decode().strip().splitlines()
        assert lines[0] in ("s", "?s") and len(lines) == 6 if form == "SELECT" else lines, lines


def _check_graph(kind: str, result: object) -> None:
    china = rdflib.URIRef("https://w3id.org/dragonbear/id/state/china")
    if kind == "turtle":
        assert isinstance(result, bytes)
        result = rdflib.Graph().parse(data=result.decode(), format="turtle")
    assert isinstance(result, rdflib.Graph) and (china, None, None) in result


@pytest.mark.parametrize(("form", "fmt", "how"), CASES)
def test_sparqlwrapper_gets_every_format_that_applies_and_a_406_for_the_others(
    server: Server, form: str, fmt: str | None, how: str
) -> None:
    """Formats that do not fit the form (CSV for a CONSTRUCT, Turtle for a SELECT) are a 406 that says
    which do, as on Oxigraph's server; SPARQLWrapper raises it as an HTTPError."""
    table = form in ("SELECT", "ASK")
    expected = (TABLE_FORMATS if table else GRAPH_FORMATS).get(fmt)
    if expected is None:
        with pytest.raises(urllib.error.HTTPError) as refused:
            _ask(server, form, fmt, how)
        assert refused.value.code == 406
        assert "does not fit" in refused.value.read().decode()
        return
    result = _ask(server, form, fmt, how)
    if table:
        _check_table(form, expected, result)
    else:
        _check_graph(expected, result)


def test_sparqlwrapper_json_for_a_construct_is_json_ld(server: Server) -> None:
    client = SPARQLWrapper(server.url("/sparql"))
    client.setQuery(FORMS["CONSTRUCT"])
    client.setReturnFormat(sw.JSON)
    client.setOnlyConneg(True)  # Accept only: SPARQLWrapper asks for */*, which is Turtle
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Sending Accept header", RuntimeWarning)
        response = client.query()
    assert response.response.headers["content-type"].startswith("text/turtle")
    client.setOnlyConneg(False)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Sending Accept header", RuntimeWarning)
        raw = client.query().response.read()
    assert any(node.get("@id", "").endswith("/state/china") for node in json.loads(raw))

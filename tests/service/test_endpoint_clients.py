"""Real SPARQL clients against the endpoint: SPARQLWrapper and rdflib's SPARQLStore."""

from __future__ import annotations

import pytest
import rdflib
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


def test_rdflib_sparqlstore_reads_the_graph(server: Server) -> None:
    store = SPARQLStore(server.url("/sparql"), returnFormat="xml")
    graph = rdflib.Graph(store=store)
    rows = list(graph.query(STATES))
    assert len(rows) == 5
    china = rdflib.URIRef("https://w3id.org/dragonbear/id/state/china")
    assert any(True for _ in graph.triples((china, None, None)))

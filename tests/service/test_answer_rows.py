"""The row count of an answer written by pyoxigraph in SPARQL JSON (``json_rows``), read from its bytes
without parsing, equals the count of the parsed answer on the shipped graph: every label and note of
it (texts with commas, brackets, braces and quotes among them) and answers with unbound rows."""

from __future__ import annotations

import json

import pyoxigraph as ox

from dragonbear.graph.store import EmbeddedStore
from dragonbear.service.runtime.jobs import json_rows


def _json(store: EmbeddedStore, sparql: str) -> bytes:
    result = store.query(sparql)
    assert isinstance(result, ox.QuerySolutions)
    return result.serialize(format=ox.QueryResultsFormat.JSON) or b""


def test_the_row_count_read_from_the_bytes_is_the_parsed_count(store: EmbeddedStore) -> None:
    texts = [r["t"].value for r in store.select("SELECT DISTINCT ?t WHERE { ?s ?p ?t FILTER(isLiteral(?t)) }")]
    tricky = [t for t in texts if any(mark in t for mark in (",", "{", "[", '"'))]
    assert len(tricky) > 10, "the shipped graph has texts with commas, brackets and quotes"
    queries = [
        "SELECT ?t WHERE { ?s ?p ?t FILTER(isLiteral(?t)) } LIMIT 5000",
        "SELECT ?s ?t WHERE { ?s ?p ?t FILTER(isLiteral(?t) && (CONTAINS(?t, ',') || CONTAINS(?t, '\"'))) }",
        "SELECT ?nothing ?s WHERE { ?s a ?c } LIMIT 300",  # ?nothing is never bound
        "SELECT ?nothing WHERE { ?s a ?c } LIMIT 30",  # every row empty: {}
        "SELECT ?s WHERE { ?s a <http://example.org/no-such-class> }",
    ]
    for sparql in queries:
        body = _json(store, sparql)
        assert json_rows(body) == len(json.loads(body)["results"]["bindings"]), sparql

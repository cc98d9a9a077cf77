"""The graph on Oxigraph's server (PyPI `oxigraph`) through `RemoteStore`: the same answers as the embedded
store for every canned query, the project's graphs as the default graph, writes, and a server that is down."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from dragonbear.errors import QueryError, StoreError
from dragonbear.graph.remote import RemoteStore
from dragonbear.graph.store import EmbeddedStore
from dragonbear.queries.catalogue import load_catalogue
from dragonbear.service.runtime.names import name_index
from dragonbear.service.web.examples import example_queries

from ..servers import SparqlServer, answer_rows, free_port

pytestmark = [pytest.mark.server, pytest.mark.slow]


@pytest.fixture(scope="module")
def remote(oxigraph_server: SparqlServer, store: EmbeddedStore) -> Iterator[RemoteStore]:
    """The shipped graph, loaded into Oxigraph's server through the Graph Store Protocol."""
    remote = oxigraph_server.store_holding(store)
    yield remote
    remote.close()


def test_the_server_holds_the_same_graphs_and_quads(remote: RemoteStore, store: EmbeddedStore) -> None:
    assert remote.graphs() == store.graphs()
    assert remote.count() == store.count()


@pytest.mark.parametrize("name", sorted(load_catalogue()))
def test_every_canned_query_answers_the_same_on_the_server(
    remote: RemoteStore, store: EmbeddedStore, name: str
) -> None:
    examples = {e.name: e for e in example_queries(load_catalogue(), name_index(store))}
    sparql = examples[name].sparql
    assert answer_rows(remote.query(sparql), sparql) == answer_rows(store.query(sparql), sparql)


def test_the_default_graph_is_the_projects_graphs_not_the_servers(
    remote: RemoteStore, oxigraph_server: SparqlServer
) -> None:
    # Oxigraph's own default graph is empty: the project's graphs are named graphs there.
    plain = httpx.post(
        oxigraph_server.query_url,
        data={"query": "ASK { ?s a <https://w3id.org/dragonbear/ontology#SystemModel> }"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert plain.json()["boolean"] is False
    assert remote.ask("ASK { ?s a dgb:SystemModel }") is True


def test_writes_reach_the_server_and_a_bad_update_is_a_query_error(remote: RemoteStore) -> None:
    remote.update("INSERT DATA { GRAPH <urn:x:remote> { <urn:x:a> <urn:x:b> 1 } }")
    assert remote.has_graph("urn:x:remote") and remote.count("urn:x:remote") == 1
    remote.drop_graph("urn:x:remote")
    assert not remote.has_graph("urn:x:remote")
    with pytest.raises(QueryError, match="refused the update"):
        remote.update("INSERT DATA { nonsense")


def test_a_server_that_does_not_answer_is_a_store_error() -> None:
    down = RemoteStore(f"http://127.0.0.1:{free_port()}/query", timeout=2)
    with pytest.raises(StoreError, match="does not answer"):
        down.ask("ASK {}")

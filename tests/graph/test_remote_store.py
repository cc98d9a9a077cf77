"""The graph on Oxigraph's server (PyPI `oxigraph`) through `RemoteStore`: the same answers as the embedded
store for every canned query, the project's graphs as the default graph, writes, and a server that is down."""

from __future__ import annotations

import io
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from dragonbear.errors import QueryError, StoreError
from dragonbear.graph.remote import RemoteStore
from dragonbear.graph.store import EmbeddedStore
from dragonbear.queries.catalogue import load_catalogue
from dragonbear.service.runtime.names import name_index
from dragonbear.service.web.examples import example_queries

pytestmark = [pytest.mark.server, pytest.mark.slow]

OXIGRAPH = shutil.which("oxigraph") or str(Path(__file__).resolve().parents[2] / ".venv" / "bin" / "oxigraph")


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def oxigraph_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Oxigraph's own server on loopback, on a store of its own, with its default graph left empty."""
    port = _port()
    location = tmp_path_factory.mktemp("oxigraph-server")
    process = subprocess.Popen(
        [OXIGRAPH, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(f"{base}/query", params={"query": "ASK {}"}, timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            raise RuntimeError("oxigraph serve did not answer")
        yield base
    finally:
        process.terminate()
        process.wait(30)


@pytest.fixture(scope="module")
def remote(oxigraph_url: str, store: EmbeddedStore) -> Iterator[RemoteStore]:
    """The shipped graph, loaded into Oxigraph's server through the Graph Store Protocol."""
    remote = RemoteStore(f"{oxigraph_url}/query", update_url=f"{oxigraph_url}/update", data_url=f"{oxigraph_url}/store")
    dump = io.BytesIO()
    store.dump(dump, format=ox.RdfFormat.N_QUADS)
    remote.load(dump.getvalue(), format=ox.RdfFormat.N_QUADS)
    yield remote
    remote.close()


def _rows(result: object) -> list[str]:
    if isinstance(result, ox.QueryBoolean):
        return [str(bool(result))]
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        return sorted(str([str(sol[n]) if sol[n] is not None else None for n in names]) for sol in result)
    return sorted(str(t) for t in result)  # type: ignore[attr-defined]


def test_the_server_holds_the_same_graphs_and_quads(remote: RemoteStore, store: EmbeddedStore) -> None:
    assert remote.graphs() == store.graphs()
    assert remote.count() == store.count()


@pytest.mark.parametrize("name", sorted(load_catalogue()))
def test_every_canned_query_answers_the_same_on_the_server(
    remote: RemoteStore, store: EmbeddedStore, name: str
) -> None:
    examples = {e.name: e for e in example_queries(load_catalogue(), name_index(store))}
    sparql = examples[name].sparql
    assert _rows(remote.query(sparql)) == _rows(store.query(sparql))


def test_the_default_graph_is_the_projects_graphs_not_the_servers(remote: RemoteStore, oxigraph_url: str) -> None:
    # Oxigraph's own default graph is empty: the project's graphs are named graphs there.
    plain = httpx.post(
        f"{oxigraph_url}/query",
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
    down = RemoteStore(f"http://127.0.0.1:{_port()}/query", timeout=2)
    with pytest.raises(StoreError, match="does not answer"):
        down.ask("ASK {}")

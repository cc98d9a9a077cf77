"""The graph on Virtuoso 7.2 (Debian's ``virtuoso-opensource``) through `RemoteStore`: the same graphs, quads and
answers to every canned query as the embedded store, exactly the project's graphs as the default graph
(Virtuoso's own is the union of all its graphs, its system graphs included), its booleans read as everywhere
else, and an answer it cuts at its row limit (``ResultSetMaxRows``) an error, never a part of the answer.

The shipped graph (the session's ``store``) is dumped as N-Quads and loaded through Virtuoso's Graph Store
Protocol (``/sparql-graph-crud-auth``, digest authentication as ``dba``), one request per graph: about a second
for its 29 thousand quads, so Virtuoso's bulk loader (``ld_dir`` and ``rdf_loader_run`` over SQL) is not needed.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pyoxigraph as ox
import pytest

from dragonbear.errors import ResultLimitError
from dragonbear.graph.remote import RemoteStore
from dragonbear.graph.store import EmbeddedStore
from dragonbear.queries.catalogue import load_catalogue
from dragonbear.service.runtime.errors import status_for
from dragonbear.service.runtime.names import name_index
from dragonbear.service.web.examples import example_queries, runnable_query

from ..servers import VIRTUOSO_MAX_ROWS, SparqlServer, answer_rows

pytestmark = [pytest.mark.server, pytest.mark.slow]

_JSON = {"Accept": "application/sparql-results+json"}


@pytest.fixture(scope="module")
def virtuoso(virtuoso_server: SparqlServer, store: EmbeddedStore) -> Iterator[RemoteStore]:
    """The shipped graph, loaded into Virtuoso through the Graph Store Protocol (see the module's text)."""
    remote = virtuoso_server.store_holding(store)
    yield remote
    remote.close()


def test_virtuoso_holds_the_same_graphs_and_quads(virtuoso: RemoteStore, store: EmbeddedStore) -> None:
    assert virtuoso.graphs() == store.graphs()
    assert virtuoso.count() == store.count()
    assert {g: virtuoso.count(g) for g in store.graphs()} == {g: store.count(g) for g in store.graphs()}


@pytest.mark.parametrize("name", sorted(load_catalogue()))
def test_every_canned_query_answers_the_same_on_virtuoso(
    virtuoso: RemoteStore, store: EmbeddedStore, name: str
) -> None:
    examples = {e.name: e for e in example_queries(load_catalogue(), name_index(store))}
    sparql = examples[name].sparql
    assert answer_rows(virtuoso.query(sparql), sparql) == answer_rows(store.query(sparql), sparql)


@pytest.mark.parametrize(
    ("name", "params"),
    [
        # the examples leave these paths untried: the claims example has no rows, the others bind every parameter
        pytest.param("ancestors", {"system": "J-15"}, id="ancestors-at-any-depth"),
        pytest.param("descendants", {"system": "Su-27"}, id="descendants-at-any-depth"),
        pytest.param("figures", {"from": "2020"}, id="figures-from-2020"),
        pytest.param("figures", {}, id="figures-all"),
        pytest.param("claims", {"entity": "China"}, id="claims-of-china"),
        pytest.param("claims", {"entity": "Karakurt"}, id="claims-of-karakurt-in-conflict"),
        pytest.param("single-source", {"source": "sipri-at-2024"}, id="single-source-cited-several-times"),
        pytest.param("exercise-stats", {"from": "2003", "to": "2022"}, id="exercise-stats-2003-2022"),
        pytest.param("as-of", {"year": "2016", "state": "Russia"}, id="as-of-2016-russia"),
        pytest.param("transfer-volumes", {"supplier": "Russia"}, id="transfer-volumes-from-russia"),
        pytest.param("exercises", {}, id="exercises-all"),
    ],
)
def test_canned_queries_with_other_parameters_answer_the_same_on_virtuoso(
    virtuoso: RemoteStore, store: EmbeddedStore, name: str, params: dict[str, str]
) -> None:
    sparql = runnable_query(load_catalogue()[name], params, name_index(store))
    assert answer_rows(virtuoso.query(sparql), sparql) == answer_rows(store.query(sparql), sparql)


def test_the_default_graph_is_exactly_the_projects_graphs(virtuoso: RemoteStore, virtuoso_server: SparqlServer) -> None:
    # Virtuoso's own default graph is the union of every graph it holds, its system graphs included
    system = 'ASK { ?s ?p ?o FILTER(STRSTARTS(STR(?p), "http://www.openlinksw.com/schemas/virtrdf#")) }'
    plain = httpx.post(virtuoso_server.query_url, data={"query": system}, headers=_JSON)
    assert plain.json()["boolean"] is True
    assert virtuoso.ask(system) is False
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    everything = httpx.post(virtuoso_server.query_url, data={"query": count}, headers=_JSON)
    ours = virtuoso.select(count)
    assert int(everything.json()["results"]["bindings"][0]["n"]["value"]) > int(next(ours)["n"].value)  # type: ignore[union-attr]


def test_virtuoso_booleans_read_true_and_false(virtuoso: RemoteStore, virtuoso_server: SparqlServer) -> None:
    query = "SELECT (xsd:boolean(1) AS ?b) WHERE {}"
    plain = httpx.post(virtuoso_server.query_url, data={"query": query}, headers=_JSON)  # xsd: is built in
    assert plain.json()["results"]["bindings"][0]["b"]["value"] == "1"  # Virtuoso's own writing
    assert next(virtuoso.select(query))["b"] == ox.Literal(True)  # type: ignore[call-overload]


def test_an_answer_virtuoso_cuts_at_its_row_limit_is_a_result_limit_error(
    virtuoso: RemoteStore, virtuoso_server: SparqlServer
) -> None:
    everything = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"  # 29 thousand quads: more than the limit
    # Virtuoso answers 200 with the first ResultSetMaxRows rows, and says so only in a header
    plain = httpx.post(virtuoso_server.query_url, data={"query": everything}, headers=_JSON)
    assert plain.status_code == 200 and plain.headers["X-SPARQL-MaxRows"] == str(VIRTUOSO_MAX_ROWS)
    assert len(plain.json()["results"]["bindings"]) == VIRTUOSO_MAX_ROWS
    with pytest.raises(ResultLimitError, match=f"limit of {VIRTUOSO_MAX_ROWS:,} rows") as raised:
        virtuoso.select(everything)
    assert status_for(raised.value) == 422  # the service's answer to a result past its cap
    # an answer within the limit is whole, and carries no header
    within = httpx.post(virtuoso_server.query_url, data={"query": everything + " LIMIT 9999"}, headers=_JSON)
    assert "X-SPARQL-MaxRows" not in within.headers
    assert len(list(virtuoso.select(everything + " LIMIT 9999"))) == 9999

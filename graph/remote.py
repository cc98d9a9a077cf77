"""A SPARQL 1.1 server behind :class:`~dragonbear.graph.store.GraphStore`: queries, updates and the
Graph Store Protocol over HTTP.

Results parse into pyoxigraph's own types with pyoxigraph's parsers (SPARQL JSON results for SELECT
and ASK, N-Triples for CONSTRUCT and DESCRIBE), so code above the store cannot tell the two apart.

The default graph of a query is the union of the *project's* named graphs, whatever the server's own
default graph is (a server's default graph may be empty, or the union plus its system graphs): a query
with no dataset of its own is sent with one ``default-graph-uri`` and one ``named-graph-uri`` per graph
the project wrote, so it sees exactly those graphs on every engine.

Errors are translated once, here: a server that does not answer is a :class:`StoreError`, a query it
refuses a :class:`QueryError` with the server's message, and an answer the server cut at its row limit
(Virtuoso's ``ResultSetMaxRows``, which it signals only with an ``X-SPARQL-MaxRows`` header) a
:class:`ResultLimitError`, never a silent part of the answer.

>>> RemoteStore("http://127.0.0.1:7878/query").query_url
'http://127.0.0.1:7878/query'
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import IO

import httpx
import pyoxigraph as ox

from dragonbear.errors import QueryError, ResultLimitError, StoreError
from dragonbear.graph.remote_texts import (
    canonical_booleans,
    canonical_triple,
    check_not_cut,
    data_block,
    prologue,
    read_bounded,
    values_block,
)
from dragonbear.graph.sparql_limits import check_sparql
from dragonbear.graph.sparql_text import has_dataset_clause, query_form
from dragonbear.graph.store import TypedReads
from dragonbear.namespaces import GRAPH

__all__ = ["BUILD_GRAPH", "HAS_PART", "RemoteStore"]

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
_RESULTS_JSON = "application/sparql-results+json"
_NTRIPLES = "application/n-triples"
_NQUADS = "application/n-quads"
MAX_ANSWER_BYTES = 256 << 20  # the largest answer to a query this process reads from a server
BUILD_GRAPH = "urn:dragonbear:build"  # the build record (graph/publish.py): the project's graphs and build id
HAS_PART = "http://purl.org/dc/terms/hasPart"


class RemoteStore(TypedReads):
    """A SPARQL 1.1 server: its query URL, and its update and Graph Store URLs when it takes writes.

    Args:
        query_url: the SPARQL 1.1 Protocol query endpoint.
        update_url: the update endpoint (None: the store is read-only).
        data_url: the Graph Store HTTP Protocol endpoint (None: loads go through updates).
        auth: HTTP credentials for updates and loads (``httpx.DigestAuth`` for Virtuoso).
        timeout: seconds to wait for an answer.
        max_answer_bytes: the largest answer to a query read (:class:`ResultLimitError` past it);
            whole graphs read through the Graph Store Protocol are not bounded.
    """

    def __init__(
        self,
        query_url: str,
        *,
        update_url: str | None = None,
        data_url: str | None = None,
        auth: httpx.Auth | None = None,
        timeout: float = 60.0,
        max_answer_bytes: int = MAX_ANSWER_BYTES,
    ) -> None:
        self.query_url, self.update_url, self.data_url = query_url, update_url, data_url
        self.max_answer_bytes = max_answer_bytes
        self.row_limit: int | None = None  # where the server cuts answers silently (Virtuoso: ResultSetMaxRows)
        self._client = httpx.Client(timeout=timeout, auth=auth, follow_redirects=True)
        self._graphs: list[str] | None = None

    # --- HTTP ------------------------------------------------------------------------------------

    def _send(
        self,
        method: str,
        url: str,
        *,
        data: object = None,
        content: bytes | None = None,
        params: list[tuple[str, str]] | None = None,
        headers: dict[str, str] | None = None,
        what: str = "query",
        timeout: float | None = None,
        max_bytes: int | None = None,
    ) -> httpx.Response:
        """One request, its errors translated; with ``max_bytes``, the body is read as it streams in and
        the request abandoned past that size (:class:`ResultLimitError`), so an answer of any size
        costs this process at most that much memory."""
        try:
            request = self._client.build_request(
                method,
                url,
                data=data,  # type: ignore[arg-type]
                content=content,
                params=params,  # type: ignore[arg-type]
                headers=headers,
                **({"timeout": timeout} if timeout is not None else {}),  # type: ignore[arg-type]
            )
            response = self._client.send(request, stream=True)
            try:
                body = read_bounded(response, max_bytes if response.status_code < 400 else 1 << 16)
            finally:
                response.close()
        except httpx.TransportError as exc:
            raise StoreError(f"the SPARQL server at {url} does not answer: {exc}") from exc
        response = httpx.Response(response.status_code, headers=response.headers, content=body, request=request)
        if response.status_code >= 500:
            raise StoreError(
                f"the SPARQL server at {url} failed ({response.status_code}): {response.text.strip()[:500]}"
            )
        if response.status_code >= 400:
            raise QueryError(
                f"the SPARQL server refused the {what} ({response.status_code}): {response.text.strip()[:500]}"
            )
        return response

    def _writable(self) -> str:
        if self.update_url is None:
            raise StoreError(f"the SPARQL server at {self.query_url} is read-only here: no update URL was given")
        return self.update_url

    # --- SPARQL ----------------------------------------------------------------------------------

    def forget_graphs(self) -> None:
        """Look the project's graphs up again at the next query (another process may have built)."""
        self._graphs = None

    def _project_graphs(self) -> list[str]:
        if self._graphs is None:
            self._graphs = self.graphs()
        return self._graphs

    def query(
        self,
        sparql: str,
        *,
        substitutions: Mapping[str, Term] | None = None,
        default_graph: list[str] | None = None,
        named_graphs: list[str] | None = None,
        base_iri: str | None = None,
    ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """Run a query of any form on the server (see the module's text for the dataset).

        Raises:
            QueryError: the server refuses the query.
            StoreError: the server does not answer, or fails.
        """
        check_sparql(sparql)  # the server's parser may overflow its stack as pyoxigraph's does
        form = query_form(sparql)
        if substitutions:
            sparql = sparql.replace("{", "{ " + values_block(substitutions) + " ", 1)
        text = (f"BASE <{base_iri}>\n" if base_iri else "") + prologue(sparql) + sparql  # Virtuoso: BASE first
        params: list[tuple[str, str]] = []
        if default_graph is not None or named_graphs is not None:
            params += [("default-graph-uri", g) for g in default_graph or []]
            params += [
                ("named-graph-uri", g) for g in (named_graphs if named_graphs is not None else self._project_graphs())
            ]
        elif not has_dataset_clause(sparql):
            graphs = self._project_graphs()
            params += [("default-graph-uri", g) for g in graphs] + [("named-graph-uri", g) for g in graphs]
        graph_form = form in ("CONSTRUCT", "DESCRIBE")
        response = self._send(
            "POST",
            self.query_url,
            data={"query": text},
            params=params,
            headers={"Accept": _NTRIPLES if graph_form else _RESULTS_JSON},
            max_bytes=self.max_answer_bytes,
        )
        if graph_form:
            triples = [canonical_triple(q.triple) for q in ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES)]
            if self.row_limit is not None and len(triples) >= self.row_limit:
                raise ResultLimitError(
                    f"the SPARQL server cuts answers at {self.row_limit:,} rows and this one has {len(triples):,} "
                    "triples: it was taken as cut (the server says nothing of a cut CONSTRUCT or DESCRIBE); "
                    "narrow the query"
                )
            return iter(triples)  # type: ignore[return-value]
        try:
            payload = canonical_booleans(response.content)
            if form == "SELECT":
                check_not_cut(response.headers, payload)
            return ox.parse_query_results(payload, format=ox.QueryResultsFormat.JSON)
        except (SyntaxError, ValueError) as exc:
            raise StoreError(f"the SPARQL server answered with results that do not parse: {exc}") from exc

    def update(self, sparql: str, *, base_iri: str | None = None, timeout: float | None = None) -> None:
        """Run a SPARQL update on the server (``timeout``: seconds to wait for this one, if not the
        store's; a switch of whole graphs can take minutes on a server that copies them).

        Raises:
            QueryError: the server refuses the update.
            StoreError: no update URL, or the server does not answer.
        """
        check_sparql(sparql, what="update")
        text = (f"BASE <{base_iri}>\n" if base_iri else "") + prologue(sparql) + sparql  # Virtuoso: BASE first
        self._send("POST", self._writable(), data={"update": text}, what="update", timeout=timeout)
        self._graphs = None

    # --- quads -----------------------------------------------------------------------------------

    def quads(
        self,
        graph: str | ox.DefaultGraph | None = None,
        *,
        subject: ox.NamedNode | ox.BlankNode | None = None,
        predicate: ox.NamedNode | None = None,
        object: Term | None = None,
    ) -> Iterator[ox.Quad]:
        """The quads that match a pattern, read with one SELECT."""
        s, p, o = (str(t) if t is not None else f"?{v}" for t, v in ((subject, "s"), (predicate, "p"), (object, "o")))
        if isinstance(graph, ox.DefaultGraph):
            rows = self.select(f"SELECT * WHERE {{ {s} {p} {o} }}", default_graph=[], named_graphs=[])
            return iter(
                [
                    ox.Quad(r["s"] or subject, r["p"] or predicate, r["o"] or object)  # type: ignore[arg-type]
                    for r in rows
                ]
            )
        g = f"<{graph}>" if graph else "?g"
        rows = self.select(
            f"SELECT * WHERE {{ GRAPH {g} {{ {s} {p} {o} }} }}",
            **({"default_graph": [], "named_graphs": [graph]} if graph else {}),  # type: ignore[arg-type]
        )
        return iter(
            [
                ox.Quad(
                    r["s"] or subject,  # type: ignore[arg-type]
                    r["p"] or predicate,  # type: ignore[arg-type]
                    r["o"] or object,  # type: ignore[arg-type]
                    ox.NamedNode(graph) if graph else r["g"],
                )
                for r in rows
            ]
        )

    def contains(self, quad: ox.Quad) -> bool:
        """Whether the server holds ``quad``."""
        if isinstance(quad.graph_name, ox.DefaultGraph):
            return self.ask(f"ASK {{ {quad.subject} {quad.predicate} {quad.object} }}", default_graph=[])
        return self.ask(f"ASK {{ GRAPH {quad.graph_name} {{ {quad.subject} {quad.predicate} {quad.object} }} }}")

    def load(
        self,
        data: bytes,
        *,
        format: ox.RdfFormat,
        graph: str | None = None,
        base_iri: str | None = None,
        bulk: bool = False,
        lenient: bool = False,
    ) -> None:
        """Add an RDF document: through the Graph Store Protocol when the server has one, else as
        ``INSERT DATA`` (the document parsed here first, so a bad one changes nothing).

        A dataset (N-Quads, TriG) with no target graph is sent one graph per request: the protocol has
        no request for a dataset (Oxigraph takes one posted to the store, Virtuoso answers such a
        request with an HTML form, status 200, and loads nothing).

        Raises:
            SyntaxError: the document does not parse (when it is parsed here).
            StoreError: the server refuses or does not answer.
        """
        if self.data_url is not None:
            if graph or not format.supports_datasets:
                self._post_graph(data, format, graph)
            else:
                self._post_graphs(ox.parse(data, format=format, base_iri=base_iri))
            return
        target = ox.NamedNode(graph) if graph else None
        quads = [
            ox.Quad(q.subject, q.predicate, q.object, target) if target is not None else q
            for q in ox.parse(data, format=format, base_iri=base_iri)
        ]
        self.extend(quads)

    def extend(self, quads: Iterable[ox.Quad], *, bulk: bool = False) -> None:
        """Add quads (as N-Quads through the Graph Store Protocol, or as ``INSERT DATA``)."""
        items = list(quads)
        if not items:
            return
        if self.data_url is not None:
            self._post_graphs(items)
            return
        for i in range(0, len(items), 5000):
            self.update(f"INSERT DATA {{ {data_block(items[i : i + 5000])} }}")

    def _post_graph(self, data: bytes, format: ox.RdfFormat, graph: str | None) -> None:
        """POST one graph's document to the Graph Store Protocol (``graph=IRI``, or ``default``)."""
        assert self.data_url is not None
        params = [("graph", graph)] if graph else [("default", "")]
        headers = {"Content-Type": format.media_type}
        self._send("POST", self.data_url, content=data, params=params, headers=headers, what="load")
        self._graphs = None

    def _post_graphs(self, quads: Iterable[ox.Quad]) -> None:
        """POST quads one graph at a time, as N-Triples (see :meth:`load`)."""
        by_graph: dict[str | None, list[ox.Triple]] = {}
        for quad in quads:
            name = None if isinstance(quad.graph_name, ox.DefaultGraph) else quad.graph_name.value
            by_graph.setdefault(name, []).append(quad.triple)
        for name, triples in by_graph.items():
            body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
            self._post_graph(body, ox.RdfFormat.N_TRIPLES, name)

    def remove(self, quads: Iterable[ox.Quad]) -> None:
        """Remove quads (``DELETE DATA``; those the server does not hold are ignored)."""
        items = list(quads)
        for i in range(0, len(items), 5000):
            self.update(f"DELETE DATA {{ {data_block(items[i : i + 5000])} }}")

    # --- graphs ----------------------------------------------------------------------------------

    def has_graph(self, graph: str) -> bool:
        """Whether the named graph holds anything (a server may not keep empty graphs)."""
        return self.ask(f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}", default_graph=[], named_graphs=[graph])

    def add_graph(self, graph: str) -> None:
        """Create an empty named graph (nothing if it exists)."""
        self.update(f"CREATE SILENT GRAPH <{graph}>")

    def clear_graph(self, graph: str | None) -> None:
        """Remove the quads of one named graph (``None``: the default graph)."""
        self.update(f"CLEAR SILENT GRAPH <{graph}>" if graph else "CLEAR SILENT DEFAULT")

    def drop_graph(self, graph: str) -> None:
        """Remove a named graph."""
        self.update(f"DROP SILENT GRAPH <{graph}>")

    def dump(
        self,
        output: IO[bytes],
        *,
        format: ox.RdfFormat,
        graph: str | None = None,
        prefixes: Mapping[str, str] | None = None,
    ) -> None:
        """Write one graph (any format) or every project graph (a quad format) to ``output``.

        Each graph is read whole through the Graph Store Protocol when the server has one (a server's
        row limit, such as Virtuoso's ``ResultSetMaxRows``, applies to queries, not to it), else with
        one SELECT.
        """
        graphs = [graph] if graph is not None else self._project_graphs()
        quads: list[ox.Quad] = []
        for name in graphs:
            quads += self._read_graph(name)
        items: list[ox.Quad] | list[ox.Triple] = quads if format.supports_datasets else [q.triple for q in quads]
        ox.serialize(items, output, format=format, prefixes=dict(prefixes) if prefixes else None)

    def _read_graph(self, graph: str) -> list[ox.Quad]:
        """The quads of one named graph (see :meth:`dump`)."""
        if self.data_url is None:
            return list(self.quads(graph))
        response = self._send(
            "GET", self.data_url, params=[("graph", graph)], headers={"Accept": _NTRIPLES}, what="read"
        )
        node = ox.NamedNode(graph)
        return [
            ox.Quad(t.subject, t.predicate, t.object, node)
            for t in ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES)
        ]

    def graphs(self) -> list[str]:
        """The project's named graphs on the server, sorted: those the build record lists
        (:mod:`dragonbear.graph.publish`), else every graph the server has but its own system graphs.

        The record is read with one small query; the scan reads every quad of the server (seconds on
        Virtuoso, whose system graphs are large).
        """
        rows = self.select(
            f"SELECT ?g WHERE {{ GRAPH <{BUILD_GRAPH}> {{ <{BUILD_GRAPH}> <{HAS_PART}> ?g }} }}",
            default_graph=[],
            named_graphs=[BUILD_GRAPH],
        )
        listed = sorted(r["g"].value for r in rows if isinstance(r["g"], ox.NamedNode))
        return listed or self.scan_graphs()

    def scan_graphs(self) -> list[str]:
        """Every named graph the server holds, less its own system graphs and the project's build
        record and staged graphs, sorted."""
        response = self._send(
            "POST",
            self.query_url,
            data={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"},
            headers={"Accept": _RESULTS_JSON},
        )  # the server's own dataset: every graph it has
        rows = ox.parse_query_results(response.content, format=ox.QueryResultsFormat.JSON)
        found = [r["g"].value for r in rows if isinstance(r["g"], ox.NamedNode)]  # type: ignore[union-attr]
        return sorted(
            g
            for g in found
            if not g.startswith("urn:dragonbear:")  # the build record and staged graphs (graph/publish.py)
            and (
                g.startswith(GRAPH)
                or not g.startswith(
                    (
                        "http://www.openlinksw.com/",
                        "http://www.w3.org/",
                        "urn:activitystreams-owl:",
                        "virtrdf:",
                        "http://localuriqaserver/",  # Virtuoso's service description of /sparql
                    )
                )
            )
        )

    def count(self, graph: str | None = None) -> int:
        """Number of quads (in one graph, or in all the project's graphs: their counts summed, since one
        count over ``GRAPH ?g`` took Virtuoso 9 s where each graph's takes milliseconds)."""
        if graph is None:
            return sum(self.count(g) for g in self._project_graphs())
        where = f"GRAPH <{graph}> {{ ?s ?p ?o }}"
        rows = list(self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}", default_graph=[], named_graphs=[graph]))
        return int(rows[0]["n"].value) if rows else 0

    def flush(self) -> None:
        """Nothing to do: the server makes its writes durable."""

    def close(self) -> None:
        """Close the HTTP connections."""
        self._client.close()

    def __del__(self) -> None:
        # A store a command opened and let go of closes its connections with it.
        client = getattr(self, "_client", None)
        if client is not None:
            client.close()

"""The store interface: what the project needs of a triple store, whichever store answers.

:class:`GraphStore` is the protocol every store implements (the embedded pyoxigraph store of
:mod:`dragonbear.graph.store`, a remote SPARQL 1.1 server in :mod:`dragonbear.graph.remote`):
typed SPARQL (``select``, ``ask``, ``construct``, ``update``), quads by pattern, and RDF documents in
and out. :class:`TypedReads` is what the implementations share: ``select``, ``ask`` and ``construct``
over their ``query``. The rest of the code imports these names from :mod:`dragonbear.graph.store`,
the door to the store layer.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import IO, Protocol

import pyoxigraph as ox

from dragonbear.errors import QueryError

__all__ = ["GraphStore", "QueryKind", "Term", "TypedReads", "query_kind"]

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


class QueryKind:
    """The four SPARQL query forms."""

    SELECT = "SELECT"
    ASK = "ASK"
    CONSTRUCT = "CONSTRUCT"
    DESCRIBE = "DESCRIBE"


def query_kind(result: object) -> str:
    """Return the :class:`QueryKind` of a pyoxigraph query result."""
    if isinstance(result, ox.QuerySolutions):
        return QueryKind.SELECT
    if isinstance(result, ox.QueryBoolean):
        return QueryKind.ASK
    return QueryKind.CONSTRUCT


class GraphStore(Protocol):
    """What the project needs of a triple store: SPARQL, quads, and documents in and out.

    Terms, triples and quads are pyoxigraph's types, whichever store answers (a remote server's
    results parse into the same types with pyoxigraph's results parser). The default graph of every
    query is the union of the named graphs unless a dataset is given.
    """

    def select(
        self,
        sparql: str,
        *,
        substitutions: Mapping[str, Term] | None = None,
        default_graph: list[str] | None = None,
        named_graphs: list[str] | None = None,
        base_iri: str | None = None,
    ) -> ox.QuerySolutions:
        """Run a SELECT query and return its solutions (:class:`QueryError` for another form)."""
        ...

    def ask(
        self,
        sparql: str,
        *,
        substitutions: Mapping[str, Term] | None = None,
        default_graph: list[str] | None = None,
        named_graphs: list[str] | None = None,
        base_iri: str | None = None,
    ) -> bool:
        """Run an ASK query and return its answer."""
        ...

    def construct(
        self,
        sparql: str,
        *,
        substitutions: Mapping[str, Term] | None = None,
        default_graph: list[str] | None = None,
        named_graphs: list[str] | None = None,
        base_iri: str | None = None,
    ) -> ox.QueryTriples:
        """Run a CONSTRUCT or DESCRIBE query and return its triples."""
        ...

    def query(
        self,
        sparql: str,
        *,
        substitutions: Mapping[str, Term] | None = None,
        default_graph: list[str] | None = None,
        named_graphs: list[str] | None = None,
        base_iri: str | None = None,
    ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """Run a query of any form (what a protocol request sends): the caller looks at the result."""
        ...

    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        """Run a SPARQL update in one transaction."""
        ...

    def quads(
        self,
        graph: str | ox.DefaultGraph | None = None,
        *,
        subject: ox.NamedNode | ox.BlankNode | None = None,
        predicate: ox.NamedNode | None = None,
        object: Term | None = None,
    ) -> Iterator[ox.Quad]:
        """The quads that match a pattern (``None`` matches anything: ``graph`` None is every graph,
        ``ox.DefaultGraph()`` the default graph alone)."""
        ...

    def contains(self, quad: ox.Quad) -> bool:
        """Whether the store holds ``quad``."""
        ...

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
        """Add an RDF document: its triples to ``graph``, a quad format's quads to the graphs they name."""
        ...

    def extend(self, quads: Iterable[ox.Quad], *, bulk: bool = False) -> None:
        """Add quads (in one transaction unless ``bulk``)."""
        ...

    def remove(self, quads: Iterable[ox.Quad]) -> None:
        """Remove quads (those the store does not hold are ignored)."""
        ...

    def has_graph(self, graph: str) -> bool:
        """Whether the named graph exists (it may be empty)."""
        ...

    def add_graph(self, graph: str) -> None:
        """Create an empty named graph (nothing if it exists)."""
        ...

    def clear_graph(self, graph: str | None) -> None:
        """Remove the quads of one named graph (``None``: of the default graph), keeping the graph."""
        ...

    def drop_graph(self, graph: str) -> None:
        """Remove a named graph and its quads."""
        ...

    def dump(
        self,
        output: IO[bytes],
        *,
        format: ox.RdfFormat,
        graph: str | None = None,
        prefixes: Mapping[str, str] | None = None,
    ) -> None:
        """Write one graph (a triple format) or the whole store (a quad format) to ``output``."""
        ...

    def graphs(self) -> list[str]:
        """The IRIs of the named graphs."""
        ...

    def count(self, graph: str | None = None) -> int:
        """Number of quads (in one graph, or in all)."""
        ...

    def flush(self) -> None:
        """Make everything written so far durable."""
        ...


class TypedReads:
    """``select``, ``ask`` and ``construct`` over a store's ``query``: what every :class:`GraphStore`
    implementation shares (the embedded store and :class:`~dragonbear.graph.remote.RemoteStore`)."""

    __slots__ = ()

    def query(
        self,
        sparql: str,
        *,
        substitutions: Mapping[str, Term] | None = None,
        default_graph: list[str] | None = None,
        named_graphs: list[str] | None = None,
        base_iri: str | None = None,
    ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        raise NotImplementedError

    def select(
        self,
        sparql: str,
        *,
        substitutions: Mapping[str, Term] | None = None,
        default_graph: list[str] | None = None,
        named_graphs: list[str] | None = None,
        base_iri: str | None = None,
    ) -> ox.QuerySolutions:
        """Run a SELECT query (see :meth:`query` for the dataset).

        Raises:
            QueryError: the query does not parse, or is not a SELECT query.
        """
        result = self.query(
            sparql,
            substitutions=substitutions,
            default_graph=default_graph,
            named_graphs=named_graphs,
            base_iri=base_iri,
        )
        if not isinstance(result, ox.QuerySolutions):
            raise QueryError("a SELECT query was expected")
        return result

    def ask(
        self,
        sparql: str,
        *,
        substitutions: Mapping[str, Term] | None = None,
        default_graph: list[str] | None = None,
        named_graphs: list[str] | None = None,
        base_iri: str | None = None,
    ) -> bool:
        """Run an ASK query (see :meth:`query` for the dataset).

        Raises:
            QueryError: the query does not parse, or is not an ASK query.
        """
        result = self.query(
            sparql,
            substitutions=substitutions,
            default_graph=default_graph,
            named_graphs=named_graphs,
            base_iri=base_iri,
        )
        if not isinstance(result, ox.QueryBoolean):
            raise QueryError("an ASK query was expected")
        return bool(result)

    def construct(
        self,
        sparql: str,
        *,
        substitutions: Mapping[str, Term] | None = None,
        default_graph: list[str] | None = None,
        named_graphs: list[str] | None = None,
        base_iri: str | None = None,
    ) -> ox.QueryTriples:
        """Run a CONSTRUCT or DESCRIBE query (see :meth:`query` for the dataset).

        Raises:
            QueryError: the query does not parse, or is not a CONSTRUCT or DESCRIBE query.
        """
        result = self.query(
            sparql,
            substitutions=substitutions,
            default_graph=default_graph,
            named_graphs=named_graphs,
            base_iri=base_iri,
        )
        if isinstance(result, (ox.QuerySolutions, ox.QueryBoolean)):
            raise QueryError("a CONSTRUCT or DESCRIBE query was expected")
        return result

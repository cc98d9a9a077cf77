"""The store layer: one interface, with the embedded pyoxigraph store behind it.

The rest of the code reaches the store only through :class:`GraphStore`: typed SPARQL (``select``,
``ask``, ``construct``, ``update``), quads by pattern, and RDF documents in and out (which a remote
server takes through the SPARQL 1.1 Graph Store Protocol). Nothing reaches through to the pyoxigraph
``Store`` behind :class:`EmbeddedStore`; a remote SPARQL 1.1 server is the next implementation.

On disk, a store directory holds generations and a ``current`` symlink::

    STORE_DIR/
      current -> gen-20261122T101500-4f2a     (swapped atomically by a build)
      gen-20261122T101500-4f2a/               (a pyoxigraph RocksDB store)

A build writes a new generation and swaps ``current`` with one ``rename``, so a build that fails or
is killed leaves the previous store as it was. ``dragonbear load`` adds to the current generation in
one transaction.

The default graph of every query is the union of all named graphs.

This module is the door to the store layer: it re-exports the interface (:class:`GraphStore`,
:class:`TypedReads`, ``Term``, :class:`QueryKind`) from :mod:`dragonbear.graph.store_interface` and
the generation helpers from :mod:`dragonbear.graph.generations`.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from dragonbear.errors import QueryError, StorageFullError, StoreError, disk_is_full
from dragonbear.graph.generations import current_generation, new_generation, swap_generation
from dragonbear.graph.sparql_limits import check_sparql
from dragonbear.graph.sparql_text import has_dataset_clause
from dragonbear.graph.store_interface import GraphStore, QueryKind, Term, TypedReads, query_kind
from dragonbear.namespaces import PREFIXES

__all__ = [
    "EmbeddedStore",
    "GraphStore",
    "QueryKind",
    "Term",
    "TypedReads",
    "current_generation",
    "new_generation",
    "open_store",
    "query_kind",
    "store_exists",
    "swap_generation",
]

_PREFIX_KEYS = tuple((name + ":", name, iri) for name, iri in PREFIXES.items())


def _prefixes_for(sparql: str) -> dict[str, str]:
    """The project prefixes a query may use (each costs the parser a little on every query): those
    whose ``name:`` occurs in its text, or all of them when escape sequences could hide one."""
    if "\\u" in sparql or "\\U" in sparql:
        return PREFIXES
    return {name: iri for key, name, iri in _PREFIX_KEYS if key in sparql}


def _graph_node(graph: str | None) -> ox.NamedNode | ox.DefaultGraph:
    return ox.NamedNode(graph) if graph else ox.DefaultGraph()


class EmbeddedStore(TypedReads):
    """A pyoxigraph store on disk (or in memory when ``path`` is None): the embedded :class:`GraphStore`.

    >>> store = EmbeddedStore.open(None)
    >>> store.load(b'<http://e/a> <http://e/p> "1" .', format=ox.RdfFormat.N_TRIPLES, graph="http://e/g")
    >>> store.ask("ASK { <http://e/a> <http://e/p> ?o }"), [r["o"].value for r in store.select("SELECT ?o { ?s ?p ?o }")]
    (True, ['1'])
    """

    __slots__ = ("__weakref__", "_store", "path")

    def __init__(self, store: ox.Store, path: Path | None = None) -> None:
        self._store, self.path = store, path

    @classmethod
    def open(cls, path: Path | None, *, read_only: bool = False) -> EmbeddedStore:
        """Open the pyoxigraph store at ``path`` (created if missing), or an in-memory one.

        Raises:
            StoreError: the store cannot be opened (locked by a writer, unreadable, not a store).
            StorageFullError: its disk is full (a store opened to write writes as it opens).
        """
        try:
            if path is None:
                return cls(ox.Store(), None)
            if read_only:
                return cls(ox.Store.read_only(str(path)), path)
            return cls(ox.Store(str(path)), path)
        except OSError as exc:
            if disk_is_full(exc):
                raise StorageFullError.at(path, "opening the store") from exc
            raise StoreError(f"cannot open the store at {path}: {exc}") from exc

    @contextlib.contextmanager
    def _writing(self, what: str) -> Iterator[None]:
        """Raise :class:`StorageFullError` for a full disk met while ``what``; other errors pass as they are."""
        try:
            yield
        except OSError as exc:
            if disk_is_full(exc):
                raise StorageFullError.at(self.path, what) from exc
            raise

    def query(
        self,
        sparql: str,
        *,
        substitutions: Mapping[str, Term] | None = None,
        default_graph: list[str] | None = None,
        named_graphs: list[str] | None = None,
        base_iri: str | None = None,
    ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """Run a SPARQL query with the project prefixes predeclared (a query's own PREFIX wins).

        The dataset is, in order: ``default_graph`` / ``named_graphs`` when either is given (the
        merge of the listed graphs, an empty list meaning an empty default graph; every named graph
        stays available unless ``named_graphs`` lists them), else the query's FROM / FROM NAMED,
        else the union of all named graphs as default graph, with every named graph.

        Raises:
            QueryError: the query does not parse (evaluation errors surface while iterating), or is nested
                or chained past the limits of :mod:`dragonbear.graph.sparql_limits` (QueryComplexityError).
        """
        check_sparql(sparql)  # before the parser, which would overflow its stack on a deep enough text
        subs = {ox.Variable(k): v for k, v in substitutions.items()} if substitutions else None
        kwargs: dict[str, object] = {"prefixes": _prefixes_for(sparql)}
        if base_iri is not None:
            kwargs["base_iri"] = base_iri
        if default_graph is not None or named_graphs is not None:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graph or []]
            if named_graphs is not None:
                kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        elif not has_dataset_clause(sparql):
            kwargs["use_default_graph_as_union"] = True
        try:
            return self._store.query(sparql, substitutions=subs, **kwargs)  # type: ignore[arg-type]
        except SyntaxError as exc:
            raise QueryError(f"SPARQL syntax error: {exc}") from exc
        except (OSError, RuntimeError) as exc:  # evaluation errors of the query itself
            raise QueryError(f"query failed: {exc}") from exc

    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        """Run a SPARQL update in one transaction, with the project prefixes predeclared.

        Raises:
            QueryError: the update does not parse or fails, or is deeper than the limits (QueryComplexityError).
            StorageFullError: the disk is full.
        """
        check_sparql(sparql, what="update")
        try:
            with self._writing("the update"):
                self._store.update(sparql, prefixes=PREFIXES, base_iri=base_iri)
        except SyntaxError as exc:
            raise QueryError(f"SPARQL update syntax error: {exc}") from exc
        except (OSError, RuntimeError) as exc:
            raise QueryError(f"update failed: {exc}") from exc

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
        node = ox.NamedNode(graph) if isinstance(graph, str) else graph
        return iter(self._store.quads_for_pattern(subject, predicate, object, node))

    def contains(self, quad: ox.Quad) -> bool:
        """Whether the store holds ``quad``."""
        return quad in self._store

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
        """Add an RDF document: its triples to ``graph``, a quad format's quads to the graphs they name.

        ``bulk`` loads without a transaction (into a fresh store only); ``lenient`` skips the
        re-validation of IRIs and language tags (for text this project wrote itself).

        Raises:
            SyntaxError: the document is malformed (callers that read user files translate it).
            StorageFullError: the disk is full.
        """
        to_graph = ox.NamedNode(graph) if graph else None
        with self._writing("writing the data"):
            if bulk:
                self._store.bulk_load(data, format=format, to_graph=to_graph, base_iri=base_iri, lenient=lenient)
            else:
                self._store.load(data, format=format, to_graph=to_graph, base_iri=base_iri, lenient=lenient)

    def load_bytes(self, data: bytes, *, format: ox.RdfFormat, graph: str | None, bulk: bool = False) -> None:
        """Same as :meth:`load` (the older name)."""
        self.load(data, format=format, graph=graph, bulk=bulk)

    def extend(self, quads: Iterable[ox.Quad], *, bulk: bool = False) -> None:
        """Add quads (in one transaction unless ``bulk``).

        Raises:
            StorageFullError: the disk is full.
        """
        with self._writing("writing the data"):
            (self._store.bulk_extend if bulk else self._store.extend)(quads)

    def remove(self, quads: Iterable[ox.Quad]) -> None:
        """Remove quads (those the store does not hold are ignored)."""
        with self._writing("removing data"):
            for quad in list(quads):
                self._store.remove(quad)

    def has_graph(self, graph: str) -> bool:
        """Whether the named graph exists (it may be empty)."""
        return self._store.contains_named_graph(ox.NamedNode(graph))

    def add_graph(self, graph: str) -> None:
        """Create an empty named graph (nothing if it exists)."""
        with self._writing("adding a graph"):
            self._store.add_graph(ox.NamedNode(graph))

    def clear_graph(self, graph: str | None) -> None:
        """Remove the quads of one named graph (``None``: of the default graph), keeping the graph."""
        with self._writing("clearing a graph"):
            self._store.clear_graph(_graph_node(graph))

    def drop_graph(self, graph: str) -> None:
        """Remove a named graph and its quads."""
        with self._writing("removing a graph"):
            self._store.remove_graph(ox.NamedNode(graph))

    def dump(
        self,
        output: IO[bytes],
        *,
        format: ox.RdfFormat,
        graph: str | None = None,
        prefixes: Mapping[str, str] | None = None,
    ) -> None:
        """Write one graph (any format) or the whole store (a quad format) to ``output``."""
        kwargs: dict[str, object] = {"prefixes": dict(prefixes)} if prefixes else {}
        if graph is not None:
            kwargs["from_graph"] = ox.NamedNode(graph)
        self._store.dump(output, format, **kwargs)  # type: ignore[arg-type]

    def graphs(self) -> list[str]:
        """The IRIs of the named graphs, sorted."""
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def count(self, graph: str | None = None) -> int:
        """Number of quads (in one graph, or in all)."""
        if graph is None:
            return len(self._store)
        return sum(1 for _ in self._store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))

    def __len__(self) -> int:
        return len(self._store)

    def backup(self, target: Path) -> None:
        """Write a checkpoint of this on-disk store to ``target`` (a directory that must not exist):
        RocksDB files are hard-linked, so it costs what the store's newest writes cost, not its size.

        Raises:
            StoreError: the store is in memory, or the checkpoint cannot be written.
            StorageFullError: the disk is full.
        """
        if self.path is None:
            raise StoreError("an in-memory store has no checkpoint")
        try:
            self._store.backup(str(target))
        except OSError as exc:
            if disk_is_full(exc):
                raise StorageFullError.at(target, "writing a checkpoint") from exc
            raise StoreError(f"cannot write a checkpoint of the store to {target}: {exc}") from exc

    def copy_to(self, target: EmbeddedStore, *, workers: int | None = None, lines_per_chunk: int = 150_000) -> None:
        """Bulk-load every quad of this store into ``target`` (a fresh on-disk store).

        Each graph is written as N-Triples and cut at line boundaries into chunks that load on
        ``workers`` threads (pyoxigraph releases the GIL while it loads): about twice as fast on two
        cores as one ``bulk_load`` call. Not transactional: load into a fresh store only.
        """
        with ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 1) as pool:
            futures = []
            for graph in self.graphs():
                node = ox.NamedNode(graph)
                data = self._store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=node)
                for chunk in _line_chunks(data, lines_per_chunk):  # type: ignore[arg-type]
                    futures.append(
                        pool.submit(
                            target.load, chunk, format=ox.RdfFormat.N_TRIPLES, graph=graph, bulk=True, lenient=True
                        )
                    )
            for future in futures:
                future.result()

    def compact(self) -> None:
        """Compact the store's files into as few as RocksDB's levels allow (pyoxigraph's ``optimize``).

        Every read opens an iterator over each file that may hold its keys: a store written by bulk
        loads, or grown by loads, holds many. Compacted, a look-up of one subject's label took 10.5 µs
        instead of 14.8 on the shipped graph, and 11.7 instead of 43.8 with the synthetic lineage graph
        of ``bench/http.py`` (3.5 million quads), whose compaction took 4.9 s. The compacted files are
        written without the bulk loads' compression: 60 MB became 95 on the shipped graph.

        Raises:
            StorageFullError: the disk is full.
        """
        with self._writing("compacting the store"):
            self._store.optimize()

    def flush(self) -> None:
        """Write everything to disk (no compaction: RocksDB compacts in the background; see :meth:`compact`).

        Raises:
            StorageFullError: the disk is full.
        """
        with self._writing("writing the store to disk"):
            self._store.flush()


def _line_chunks(data: bytes, lines: int) -> Iterator[bytes]:
    start = 0
    while start < len(data):
        end = start
        for _ in range(lines):
            end = data.find(b"\n", end) + 1
            if end == 0:
                end = len(data)
                break
        yield data[start:end]
        start = end


def store_exists(store_dir: Path) -> bool:
    """True when ``store_dir`` holds a built store."""
    return current_generation(store_dir) is not None


def open_store(store_dir: Path, *, read_only: bool = False, create: bool = False) -> EmbeddedStore:
    """Open the current generation of the store in ``store_dir``.

    Args:
        store_dir: the store directory.
        read_only: open without taking the write lock.
        create: make an empty store when the directory holds none.

    Raises:
        StoreError: there is no store and ``create`` is false, or it cannot be opened.
    """
    gen = current_generation(store_dir)
    if gen is None:
        if not create:
            raise StoreError(f"no store at {store_dir}: run `dragonbear build` first")
        gen = new_generation(store_dir)
        EmbeddedStore.open(gen).flush()
        swap_generation(store_dir, gen)
    return EmbeddedStore.open(gen, read_only=read_only)

"""The store layer: one interface, with the embedded pyoxigraph store behind it.

The rest of the code speaks SPARQL to a :class:`GraphStore` and nothing else (plus bulk loading of
RDF documents, which a remote server takes through the SPARQL 1.1 Graph Store Protocol). A later
implementation talks to a remote SPARQL 1.1 server behind the same interface.

On disk, a store directory holds generations and a ``current`` symlink::

    STORE_DIR/
      current -> gen-20261122T101500-4f2a     (swapped atomically by a build)
      gen-20261122T101500-4f2a/               (a pyoxigraph RocksDB store)

A build writes a new generation and swaps ``current`` with one ``rename``, so a build that fails or
is killed leaves the previous store as it was. ``dragonbear load`` adds to the current generation in
one transaction.

The default graph of every query is the union of all named graphs.
"""

from __future__ import annotations

import os
import shutil
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox
from dragonbear.graph.sparql_text import has_dataset_clause

from dragonbear.errors import QueryError, StoreError
from dragonbear.namespaces import PREFIXES

__all__ = [
    "EmbeddedStore",
    "GraphStore",
    "QueryKind",
    "Term",
    "current_generation",
    "new_generation",
    "open_store",
    "query_kind",
    "store_exists",
    "swap_generation",
]

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
CURRENT = "current"


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
    """What the project needs of a triple store."""

    def query(self, sparql: str, *, substitutions: Mapping[str, Term] | None = None,
              default_graph: list[str] | None = None, named_graphs: list[str] | None = None,
              base_iri: str | None = None) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """Run a SPARQL query; the default graph is the union of all named graphs."""
        ...

    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        """Run a SPARQL update in one transaction."""
        ...

    def load_bytes(self, data: bytes, *, format: ox.RdfFormat, graph: str | None, bulk: bool = False) -> None:
        """Add an RDF document to ``graph`` (for quad formats, to the graphs it names)."""
        ...

    def graphs(self) -> list[str]:
        """The IRIs of the named graphs."""
        ...

    def count(self, graph: str | None = None) -> int:
        """Number of quads (in one graph, or in all)."""
        ...


def _prefixes_for(sparql: str) -> dict[str, str]:
    """The project prefixes a query may use (each costs the parser a little on every query): those
    whose ``name:`` occurs in its text, or all of them when escape sequences could hide one."""
    if "\\u" in sparql or "\\U" in sparql:
        return PREFIXES
    return {name: iri for name, iri in PREFIXES.items() if name + ":" in sparql}


@dataclass
class EmbeddedStore:
    """A pyoxigraph store on disk (or in memory when ``path`` is None)."""

    inner: ox.Store
    path: Path | None = None

    @classmethod
    def open(cls, path: Path | None, *, read_only: bool = False) -> EmbeddedStore:
        """Open the pyoxigraph store at ``path`` (created if missing), or an in-memory one."""
        try:
            if path is None:
                return cls(ox.Store(), None)
            if read_only:
                return cls(ox.Store.read_only(str(path)), path)
            return cls(ox.Store(str(path)), path)
        except OSError as exc:
            raise StoreError(f"cannot open the store at {path}: {exc}") from exc

    def query(self, sparql: str, *, substitutions: Mapping[str, Term] | None = None,
              default_graph: list[str] | None = None, named_graphs: list[str] | None = None,
              base_iri: str | None = None) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """Run a SPARQL query with the project prefixes predeclared (a query's own PREFIX wins).

        The dataset is, in order: ``default_graph`` / ``named_graphs`` when either is given (the
        merge of the listed graphs, an empty list meaning an empty default graph; every named graph
        stays available unless ``named_graphs`` lists them), else the query's FROM / FROM NAMED,
        else the union of all named graphs as default graph, with every named graph.

        Raises:
            QueryError: the query does not parse (evaluation errors surface while iterating).
        """
        subs = {ox.Variable(k): v for k, v in (substitutions or {}).items()}
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
            return self.inner.query(sparql, substitutions=subs or None, **kwargs)  # type: ignore[arg-type]
        except SyntaxError as exc:
            raise QueryError(f"SPARQL syntax error: {exc}") from exc
        except (OSError, RuntimeError) as exc:  # evaluation errors of the query itself
            raise QueryError(f"query failed: {exc}") from exc

    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        """Run a SPARQL update in one transaction, with the project prefixes predeclared.

        Raises:
            QueryError: the update does not parse or fails.
        """
        try:
            self.inner.update(sparql, prefixes=PREFIXES, base_iri=base_iri)
        except SyntaxError as exc:
            raise QueryError(f"SPARQL update syntax error: {exc}") from exc
        except (OSError, RuntimeError) as exc:
            raise QueryError(f"update failed: {exc}") from exc

    def load_bytes(self, data: bytes, *, format: ox.RdfFormat, graph: str | None, bulk: bool = False) -> None:
        to_graph = ox.NamedNode(graph) if graph else None
        loader = self.inner.bulk_load if bulk else self.inner.load
        loader(data, format=format, to_graph=to_graph)

    def extend(self, quads: Iterable[ox.Quad], *, bulk: bool = False) -> None:
        """Add quads (in one transaction unless ``bulk``)."""
        (self.inner.bulk_extend if bulk else self.inner.extend)(quads)

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self.inner.named_graphs() if isinstance(g, ox.NamedNode))

    def count(self, graph: str | None = None) -> int:
        if graph is None:
            return len(self.inner)
        return sum(1 for _ in self.inner.quads_for_pattern(None, None, None, ox.NamedNode(graph)))

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        """Iterate the quads of one graph, or of all."""
        return iter(self.inner.quads_for_pattern(None, None, None, ox.NamedNode(graph) if graph else None))

    def copy_to(self, target: EmbeddedStore, *, workers: int | None = None,
                lines_per_chunk: int = 150_000) -> None:
        """Bulk-load every quad of this store into ``target`` (a fresh on-disk store).

        Each graph is written as N-Triples and cut at line boundaries into chunks that load on
        ``workers`` threads (pyoxigraph releases the GIL while it loads): about twice as fast on two
        cores as one ``bulk_load`` call. Not transactional: load into a fresh store only.
        """
        with ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 1) as pool:
            futures = []
            for graph in self.graphs():
                node = ox.NamedNode(graph)
                data = self.inner.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=node)
                for chunk in _line_chunks(data, lines_per_chunk):
                    futures.append(pool.submit(target.inner.bulk_load, input=chunk, format=ox.RdfFormat.N_TRIPLES,
                                               to_graph=node, lenient=True))
            for future in futures:
                future.result()

    def flush(self) -> None:
        """Write everything to disk (no compaction: RocksDB compacts in the background)."""
        self.inner.flush()


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


def current_generation(store_dir: Path) -> Path | None:
    """The generation directory ``current`` points at, or None when there is no store yet."""
    link = store_dir / CURRENT
    if not link.is_symlink() and not link.exists():
        return None
    target = link.resolve()
    return target if target.is_dir() else None


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


def new_generation(store_dir: Path) -> Path:
    """Create and return the (empty) directory of a new generation of the store."""
    store_dir.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    gen = store_dir / f"gen-{stamp}-{uuid.uuid4().hex[:6]}"
    gen.mkdir()
    return gen


def swap_generation(store_dir: Path, gen: Path, *, keep: int = 1) -> None:
    """Point ``current`` at ``gen`` in one atomic rename; keep ``keep`` older generations.

    Unfinished generations of killed builds (never pointed at) are removed too.
    """
    tmp_link = store_dir / f".{CURRENT}-{uuid.uuid4().hex[:6]}"
    os.symlink(gen.name, tmp_link)
    os.replace(tmp_link, store_dir / CURRENT)
    others = sorted((p for p in store_dir.glob("gen-*") if p.is_dir() and p.resolve() != gen.resolve()),
                    key=lambda p: p.name, reverse=True)
    for old in others[keep:]:
        shutil.rmtree(old, ignore_errors=True)

"""Lineage graphs: a networkx view of derivations, variants, component fits and arms transfers.

Every edge points from what *comes from* something to what it comes from (the direction the API has
always drawn: derived system → origin), so one rule reads every relation:

==========  ==========================================  =====================================================
relation    edge                                        attributes (absent ones are left out)
==========  ==========================================  =====================================================
derivation  derived system → origin system; and          kind, kind_iri, year (= start), end, confidence,
            → licensor / partner (``role``)              statement, role (origin, licensor, partner), sources
variant     variant → base system                       kind "variant of", sources (of the variant)
component   platform → component system                  kind (the role), start, end, confidence, maker,
                                                         maker_state, units, statement, sources
transfer    recipient (state, organization) → system     kind (status), year (order), start/end (deliveries),
                                                         supplier, recipient, units, tiv, confidence, sources
==========  ==========================================  =====================================================

The *ancestors* of a node (where it came from, what it depends on) are its successors at any depth,
its *descendants* (what came of it, what breaks if it stops) its predecessors at any depth. Walks go
through systems only: a state or organization is a leaf (the agents of a licence are not a path
from the J-11 to everything Russia ever bought), except where the walk starts.

Two backends answer :func:`ancestors_of` and :func:`descendants_of`: SPARQL property paths over
the materialized shortcuts (``dgb:derivedFrom``, ``dgb:variantOf``, ``dgb:usesComponent``) in
pyoxigraph, and a breadth-first walk of the networkx view. The view costs one load per store
generation (:func:`lineage_view` caches it). Measured on a DAG of a million edges, a walk on the view
is 8 to 17 times faster than the property path for shallow lineages, 4.6 times for deep ancestors, on
par for the widest descendants, and the load pays for itself after about 50 walks; so
:attr:`Backend.AUTO` takes networkx when the view of the store's generation is cached (the server)
and SPARQL otherwise (a one-off command on a store of any size). ``bench/lineage.py`` measures both;
docs/decisions/0013-lineage-backends.md records the numbers and the choice.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dragonbear.graph.lazy import lazy_module

if TYPE_CHECKING:
    import networkx as nx
else:
    nx = lazy_module("networkx")
import pyoxigraph as ox

from dragonbear.errors import NotFoundError, UsageError
from dragonbear.graph.lineage_load import Relation, load_lineage_graph
from dragonbear.graph.store import GraphStore

__all__ = [
    "ALL_RELATIONS",
    "TECHNOLOGY",
    "Backend",
    "Direction",
    "Relation",
    "ancestors_of",
    "as_of",
    "descendants_of",
    "has_cached_view",
    "lineage_subgraph",
    "lineage_view",
    "load_lineage_graph",
    "paths_between",
]


class Direction(StrEnum):
    """Which side of a node's lineage: where it came from (up), what came of it (down), or both."""

    UP = "up"
    DOWN = "down"
    BOTH = "both"


class Backend(StrEnum):
    """How ancestors and descendants are found (see the module docstring)."""

    AUTO = "auto"
    SPARQL = "sparql"
    NETWORKX = "networkx"


ALL_RELATIONS = frozenset(Relation)
TECHNOLOGY = frozenset({Relation.DERIVATION, Relation.VARIANT})

# The walkable (system to system) edges as shortcut properties, and the hops to and from agents.
_PATHS = {
    Relation.DERIVATION: "dgb:derivedFrom",
    Relation.VARIANT: "dgb:variantOf",
    Relation.COMPONENT: "dgb:usesComponent",
}


# --- The view cache: one view per store generation ------------------------------------------------

_LOCK = threading.Lock()
_VIEWS: dict[Path, nx.MultiDiGraph[str]] = {}
_KEEP = 3  # the current generation, the one before it (requests in flight during a swap), a kept release


def has_cached_view(store: GraphStore) -> bool:
    """True when :func:`lineage_view` holds the view of ``store``'s generation."""
    path = getattr(store, "path", None)
    return path is not None and Path(path) in _VIEWS


def lineage_view(store: GraphStore) -> nx.MultiDiGraph[str]:
    """The lineage graph of ``store``, loaded once per store generation and kept.

    A generation never changes once it is current (a write makes a new one), so the view of a store
    opened on a generation directory is cached by that directory; an in-memory store is read anew
    on every call. Treat the result as read-only.
    """
    path = getattr(store, "path", None)
    if path is None:
        return load_lineage_graph(store)
    key = Path(path)
    with _LOCK:
        view = _VIEWS.pop(key, None)
        if view is None:
            view = load_lineage_graph(store)
        _VIEWS[key] = view  # the last used is kept longest
        while len(_VIEWS) > _KEEP:
            del _VIEWS[next(iter(_VIEWS))]
        return view


# --- Walks ------------------------------------------------------------------------------------------


def _walk(graph: nx.MultiDiGraph[str], start: str, *, up: bool, relations: frozenset[Relation]) -> set[str]:
    if start not in graph:
        return set()
    adjacency = graph.succ if up else graph.pred
    nodes = graph.nodes
    every = relations >= ALL_RELATIONS
    found: set[str] = set()
    frontier = [start]
    while frontier:
        node = frontier.pop()
        if node != start and nodes[node].get("type") != "system":
            continue  # agents are leaves
        for nxt, keyed in adjacency[node].items():
            if nxt in found or nxt == start:
                continue
            if every or any(d["relation"] in relations for d in keyed.values()):
                found.add(nxt)
                frontier.append(nxt)
    return found


def _sparql_walk(store: GraphStore, start: str, *, up: bool, relations: frozenset[Relation]) -> set[str]:
    core = "|".join(_PATHS[r] for r in sorted(relations) if r in _PATHS) or "dgb:noSuchProperty"
    first: list[str] = []
    last: list[str] = []
    if Relation.TRANSFER in relations:  # recipient -> system
        (first if up else last).append(
            "^dgb:recipient/dgb:transferredSystem" if up else "^dgb:transferredSystem/dgb:recipient"
        )
    if Relation.DERIVATION in relations:  # derived system -> licensor or partner
        (last if up else first).append(
            "^dgb:derivedSystem/(dgb:licensor|dgb:partner)" if up else "^(dgb:licensor|dgb:partner)/dgb:derivedSystem"
        )
    step = f"({core})*" if up else f"^({core})*"
    head = f"({'|'.join(first)})?/{step}" if first else step
    # The start is written into the path by pyoxigraph's serializer of a checked IRI, not bound by VALUES:
    # Virtuoso refuses a transitive path whose start is bound only by VALUES ("transitive start not given").
    rows = store.select(f"SELECT DISTINCT ?n WHERE {{ {ox.NamedNode(start)} {head} ?n }}")
    found = {row["n"].value for row in rows}
    if last:  # the hop to the agents, bounded by VALUES (a join with every transfer is slow)
        systems = sorted(found)
        for i in range(0, len(systems), 5000):
            values = " ".join(str(ox.NamedNode(n)) for n in systems[i : i + 5000])
            rows = store.select(f"SELECT DISTINCT ?n WHERE {{ VALUES ?s {{ {values} }} ?s {'|'.join(last)} ?n }}")
            found.update(row["n"].value for row in rows)
    found.discard(start)
    return found


def _pick(source: GraphStore | nx.MultiDiGraph[str], backend: Backend) -> nx.MultiDiGraph[str] | None:
    if isinstance(source, nx.MultiDiGraph):
        if backend == Backend.SPARQL:
            raise UsageError("the SPARQL backend needs a store, not a graph")
        return source
    if backend == Backend.NETWORKX or (backend == Backend.AUTO and has_cached_view(source)):
        return lineage_view(source)
    return None


def ancestors_of(
    source: GraphStore | nx.MultiDiGraph[str],
    iri: str,
    *,
    relations: Iterable[Relation] = ALL_RELATIONS,
    backend: Backend = Backend.AUTO,
) -> set[str]:
    """Where ``iri`` came from and what it depends on, at any depth (its successors).

    Args:
        source: a lineage graph, or a store (then the backend decides how, see the module docstring).
        iri: a system, state or organization.
        relations: the kinds of edge to follow.
        backend: force SPARQL property paths or networkx; ``AUTO`` takes networkx when the view of
            the store's generation is cached, SPARQL otherwise.

    Returns:
        The IRIs of the ancestors (not ``iri`` itself); empty for a node without lineage.

    Raises:
        UsageError: the SPARQL backend was asked for with a graph.

    >>> g = nx.MultiDiGraph([("j-11", "su-27sk", {"relation": "derivation"})])
    >>> g.add_nodes_from(["j-11", "su-27sk"], type="system")
    >>> ancestors_of(g, "j-11")
    {'su-27sk'}
    """
    graph, rels = _pick(source, backend), frozenset(Relation(r) for r in relations)
    if graph is None:
        return _sparql_walk(source, iri, up=True, relations=rels)  # type: ignore[arg-type]
    return _walk(graph, iri, up=True, relations=rels)


def descendants_of(
    source: GraphStore | nx.MultiDiGraph[str],
    iri: str,
    *,
    relations: Iterable[Relation] = ALL_RELATIONS,
    backend: Backend = Backend.AUTO,
) -> set[str]:
    """What came of ``iri`` and what depends on it, at any depth (its predecessors).

    Args, Returns and Raises as :func:`ancestors_of`.

    >>> g = nx.MultiDiGraph([("j-11", "su-27sk", {"relation": "derivation"})])
    >>> g.add_nodes_from(["j-11", "su-27sk"], type="system")
    >>> descendants_of(g, "su-27sk")
    {'j-11'}
    """
    graph, rels = _pick(source, backend), frozenset(Relation(r) for r in relations)
    if graph is None:
        return _sparql_walk(source, iri, up=False, relations=rels)  # type: ignore[arg-type]
    return _walk(graph, iri, up=False, relations=rels)


def _active(attrs: dict[str, Any], year: int) -> bool:
    relation = attrs.get("relation")
    begun = attrs.get("year", attrs.get("start")) if relation == Relation.TRANSFER else attrs.get("start")
    if begun is not None and begun > year:
        return False
    end = attrs.get("end")
    return not (relation == Relation.COMPONENT and end is not None and end < year)


def as_of(graph: nx.MultiDiGraph[str], year: int) -> nx.MultiDiGraph[str]:
    """The graph as it stood in ``year``: a copy without what began later or had ended.

    Kept: derivations that began in or before ``year``, transfers ordered by then (delivery start
    when the order year is unknown), component fits whose period contains ``year``; variants and
    undated statements, which cannot be placed, stay. A node that loses all its edges goes.

    >>> g = nx.MultiDiGraph([("a", "b", {"relation": "derivation", "start": 2015})])
    >>> as_of(g, 2013).number_of_nodes(), as_of(g, 2016).number_of_edges()
    (0, 1)
    """
    sliced: nx.MultiDiGraph[str] = nx.MultiDiGraph(graph)
    gone = [(a, b, k) for a, b, k, d in graph.edges(keys=True, data=True) if not _active(d, year)]
    sliced.remove_edges_from(gone)
    touched = {n for a, b, _k in gone for n in (a, b)}
    sliced.remove_nodes_from([n for n in touched if sliced.degree(n) == 0])
    return sliced


def lineage_subgraph(
    source: GraphStore | nx.MultiDiGraph[str],
    iri: str,
    *,
    direction: Direction = Direction.BOTH,
    relations: Iterable[Relation] = ALL_RELATIONS,
    year: int | None = None,
    backend: Backend = Backend.AUTO,
) -> nx.MultiDiGraph[str]:
    """The lineage of ``iri``: it, its ancestors and/or descendants, and the edges between them.

    Args:
        source: a lineage graph or a store (see :func:`ancestors_of` for the backend).
        iri: a system, state or organization.
        direction: up (ancestors), down (descendants) or both.
        relations: the kinds of edge to follow and keep.
        year: if given, the lineage as it stood in that year (:func:`as_of`).
        backend: as in :func:`ancestors_of`.

    Returns:
        A new graph; its ``graph["focus"]`` is ``iri``.

    Raises:
        NotFoundError: ``iri`` is not a node of the lineage graph (no system, state or organization).
    """
    rels = frozenset(Relation(r) for r in relations)
    graph = _pick(source, backend)
    up, down = direction in (Direction.UP, Direction.BOTH), direction in (Direction.DOWN, Direction.BOTH)
    if graph is None:
        nodes = {iri} | (_sparql_walk(source, iri, up=True, relations=rels) if up else set())  # type: ignore[arg-type]
        nodes |= _sparql_walk(source, iri, up=False, relations=rels) if down else set()  # type: ignore[arg-type]
        graph = load_lineage_graph(source, among=nodes)  # type: ignore[arg-type]
    if iri not in graph:
        raise NotFoundError(f"no system, state or organization <{iri}> in the lineage graph")
    nodes = {iri} | (_walk(graph, iri, up=True, relations=rels) if up else set())
    nodes |= _walk(graph, iri, up=False, relations=rels) if down else set()
    sub: nx.MultiDiGraph[str] = nx.MultiDiGraph(focus=iri)
    sub.add_nodes_from((n, graph.nodes[n]) for n in nodes)
    sub.add_edges_from(
        (a, b, k, d)  # type: ignore[misc]
        for a, b, k, d in graph.edges(nodes, keys=True, data=True)
        if b in nodes and d["relation"] in rels
    )
    if year is None:
        return sub
    sliced = as_of(sub, year)
    sliced.add_node(iri, **graph.nodes[iri])
    return lineage_subgraph(sliced, iri, direction=direction, relations=rels)


def paths_between(
    graph: nx.MultiDiGraph[str], a: str, b: str, *, relations: Iterable[Relation] = ALL_RELATIONS, limit: int = 50
) -> list[list[str]]:
    """The lineage paths between ``a`` and ``b``, shortest first, whichever of the two comes from the other.

    Args:
        graph: a lineage graph.
        a, b: two nodes.
        relations: the kinds of edge a path may take.
        limit: at most this many paths.

    Returns:
        Paths as lists of IRIs, each from the node that comes from the other; empty when neither does.

    Raises:
        NotFoundError: ``a`` or ``b`` is not in the graph.

    >>> g = nx.MultiDiGraph([("j-15", "j-11", {"relation": "derivation"}), ("j-11", "su-27", {"relation": "variant"})])
    >>> g.add_nodes_from(g.nodes, type="system")
    >>> paths_between(g, "su-27", "j-15")
    [['j-15', 'j-11', 'su-27']]
    """
    for node in (a, b):
        if node not in graph:
            raise NotFoundError(f"<{node}> is not in the lineage graph")
    rels = {str(r) for r in relations}
    view: nx.DiGraph[str] = nx.DiGraph()
    view.add_edges_from(
        (u, v)
        for u, v, d in graph.edges(data=True)
        if d["relation"] in rels
        and (graph.nodes[u].get("type") == "system" or u in (a, b))
        and (graph.nodes[v].get("type") == "system" or v in (a, b))
    )
    found: list[list[str]] = []
    for x, y in ((a, b), (b, a)):
        if x in view and y in view and nx.has_path(view, x, y):
            found += itertools.islice(nx.shortest_simple_paths(view, x, y), limit)
    return sorted(found, key=len)[:limit]

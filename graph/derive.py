"""Materialize the derived triples queries need into the derived named graph.

pyoxigraph does no reasoning, so the build computes, from the data and the ontology:

1. **shortcuts** from qualified statement nodes: a derivation of kind K gives
   ``derived K.shortcutProperty source`` (the kind's property is declared in the vocabulary with
   ``dgb:shortcutProperty``); a component fit gives ``platform dgb:usesComponent component``.
   Statements ranked ``dgb:DeprecatedRank`` never become shortcuts.
2. **super-properties**: every ``s p o`` with ``p rdfs:subPropertyOf+ q`` gives ``s q o``
   (so ``dgb:involves`` links every statement to every entity it concerns).
3. **transitive closure** of every ``owl:TransitiveProperty`` of the ontology.
4. **inverses** of every ``owl:inverseOf`` pair, in both directions.

Everything goes to :data:`~dragonbear.namespaces.GRAPH_DERIVED`, which queries may include (the
default: the default graph is the union of all graphs) or exclude (name the other graphs).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pyoxigraph as ox

from dragonbear.graph.store import EmbeddedStore
from dragonbear.namespaces import DGB, GRAPH_DERIVED, GRAPH_ONTOLOGY

__all__ = ["materialize", "DerivationReport"]

Edge = tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode, ox.NamedNode | ox.BlankNode | ox.Literal]


@dataclass(frozen=True)
class DerivationReport:
    """How many triples each step of the materialization produced."""

    shortcuts: int
    super_properties: int
    transitive: int
    inverses: int

    @property
    def total(self) -> int:
        return self.shortcuts + self.super_properties + self.transitive + self.inverses


def _data_graphs(store: EmbeddedStore) -> list[str]:
    return [g for g in store.graphs() if g not in (GRAPH_DERIVED, GRAPH_ONTOLOGY)]


def _select(store: EmbeddedStore, sparql: str, graphs: list[str]) -> list[ox.QuerySolution]:
    return list(store.query(sparql, default_graph=graphs))  # type: ignore[arg-type]


def _shortcuts(store: EmbeddedStore, data: list[str]) -> set[Edge]:
    edges: set[Edge] = set()
    rows = _select(store, """
        SELECT ?x ?prop ?y WHERE {
          ?d dgb:derivedSystem ?x ; dgb:sourceSystem ?y ; dgb:derivationKind ?k .
          ?k dgb:shortcutProperty ?prop .
          FILTER NOT EXISTS { ?d dgb:rank dgb:DeprecatedRank }
        }""", data + [GRAPH_ONTOLOGY])
    edges.update((r["x"], r["prop"], r["y"]) for r in rows)
    rows = _select(store, """
        SELECT ?x ?y WHERE {
          ?f a dgb:ComponentFit ; dgb:platform ?x ; dgb:component ?y .
          FILTER NOT EXISTS { ?f dgb:rank dgb:DeprecatedRank }
        }""", data)
    uses = ox.NamedNode(DGB + "usesComponent")
    edges.update((r["x"], uses, r["y"]) for r in rows)
    return edges


def _super_properties(store: EmbeddedStore) -> dict[ox.NamedNode, set[ox.NamedNode]]:
    supers: dict[ox.NamedNode, set[ox.NamedNode]] = defaultdict(set)
    for r in _select(store, "SELECT ?p ?q WHERE { ?p rdfs:subPropertyOf+ ?q FILTER(?p != ?q) }",
                     [GRAPH_ONTOLOGY]):
        supers[r["p"]].add(r["q"])
    return supers


def _asserted_with(store: EmbeddedStore, data: list[str], props: set[ox.NamedNode]) -> set[Edge]:
    if not props:
        return set()
    values = " ".join(str(p) for p in props)
    rows = _select(store, f"SELECT ?s ?p ?o WHERE {{ VALUES ?p {{ {values} }} ?s ?p ?o }}", data)
    return {(r["s"], r["p"], r["o"]) for r in rows}


def _closure(pairs: set[tuple[object, object]]) -> set[tuple[object, object]]:
    succ: dict[object, set[object]] = defaultdict(set)
    for a, b in pairs:
        succ[a].add(b)
    result: set[tuple[object, object]] = set()
    for start in list(succ):
        seen: set[object] = set()
        stack = list(succ[start])
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            stack.extend(succ.get(node, ()))
        result.update((start, n) for n in seen)
    return result


def materialize(store: EmbeddedStore) -> DerivationReport:
    """Recompute the derived graph of ``store`` from its data and ontology graphs.

    Returns:
        Counts of the triples each step added.
    """
    data = _data_graphs(store)
    store.inner.remove_graph(ox.NamedNode(GRAPH_DERIVED))
    supers = _super_properties(store)
    transitive = {r["p"] for r in _select(store, "SELECT ?p WHERE { ?p a owl:TransitiveProperty }",
                                          [GRAPH_ONTOLOGY])}
    inverse_of: dict[ox.NamedNode, set[ox.NamedNode]] = defaultdict(set)
    for r in _select(store, "SELECT ?p ?q WHERE { ?p owl:inverseOf ?q }", [GRAPH_ONTOLOGY]):
        inverse_of[r["p"]].add(r["q"])
        inverse_of[r["q"]].add(r["p"])

    shortcuts = _shortcuts(store, data)
    relevant = set(supers) | transitive | set(inverse_of)
    asserted = _asserted_with(store, data, relevant)
    known = asserted | shortcuts

    added_super: set[Edge] = set()
    for s, p, o in list(known):
        for q in supers.get(p, ()):  # type: ignore[arg-type]
            edge = (s, q, o)
            if edge not in known:
                added_super.add(edge)
    known |= added_super

    added_trans: set[Edge] = set()
    for p in transitive:
        pairs = {(s, o) for s, q, o in known if q == p}
        for s, o in _closure(pairs):  # type: ignore[assignment]
            edge = (s, p, o)
            if edge not in known:
                added_trans.add(edge)  # type: ignore[arg-type]
    known |= added_trans

    added_inv: set[Edge] = set()
    for s, p, o in list(known):
        if isinstance(o, ox.Literal):
            continue
        for q in inverse_of.get(p, ()):  # type: ignore[arg-type]
            edge = (o, q, s)
            if edge not in known:
                added_inv.add(edge)
    known |= added_inv

    derived = (shortcuts - asserted) | added_super | added_trans | added_inv
    graph = ox.NamedNode(GRAPH_DERIVED)
    store.extend(ox.Quad(s, p, o, graph) for s, p, o in derived)
    return DerivationReport(len(shortcuts - asserted), len(added_super), len(added_trans), len(added_inv))

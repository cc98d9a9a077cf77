"""Materialize the derived triples queries need into the derived named graph.

pyoxigraph does no reasoning, so the build computes, from the data and the ontology:

1. **shortcuts** from qualified statement nodes: a derivation of kind K gives
   ``derived K.shortcutProperty source`` (the kind's property is declared in the vocabulary with
   ``dgb:shortcutProperty``); a component fit gives ``platform dgb:usesComponent component``.
   Statements ranked ``dgb:DeprecatedRank`` never become shortcuts.
2. **super-properties**: every ``s p o`` with ``p rdfs:subPropertyOf+ q`` gives ``s q o``
   (so ``dgb:involves`` links every statement to every entity it concerns).
3. **transitive closure** of every ``owl:TransitiveProperty`` of the ontology, unless it would pass
   ``max_closure`` pairs (a deep DAG of thousands of systems closes to hundreds of millions): then
   that closure is skipped, the report says so, and queries use property paths (``dgb:derivedFrom+``).
4. **inverses** of every ``owl:inverseOf`` pair, in both directions.
5. **super-classes**: every ``x a C`` with ``C rdfs:subClassOf+ D`` gives ``x a D`` (so
   ``?e a dgb:GeopoliticalEvent`` finds sanctions and invasions, ``?s a dgb:Statement`` every claim).

Each step is a SPARQL update generated from the ontology, so the work stays inside the store.
Everything goes to :data:`~dragonbear.namespaces.GRAPH_DERIVED`, which queries may include (the
default: the default graph is the union of all graphs) or exclude (name the other graphs).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from dragonbear.graph.store import EmbeddedStore
from dragonbear.namespaces import GRAPH_DERIVED, GRAPH_ONTOLOGY

__all__ = ["materialize", "DerivationReport"]

_D = f"<{GRAPH_DERIVED}>"
_O = f"<{GRAPH_ONTOLOGY}>"
# Data graphs: every graph but the ontology and the derived graph itself.
_DATA = f"FILTER(?g != {_O} && ?g != {_D})"

_SHORTCUTS = f"""
INSERT {{ GRAPH {_D} {{ ?x ?prop ?y }} }}
WHERE {{
  GRAPH {_O} {{ ?k dgb:shortcutProperty ?prop }}
  GRAPH ?g {{ ?d dgb:derivedSystem ?x ; dgb:sourceSystem ?y ; dgb:derivationKind ?k }} {_DATA}
  FILTER NOT EXISTS {{ GRAPH ?g2 {{ ?d dgb:rank dgb:DeprecatedRank }} }}
}};
INSERT {{ GRAPH {_D} {{ ?x dgb:usesComponent ?y }} }}
WHERE {{
  GRAPH ?g {{ ?f dgb:platform ?x ; dgb:component ?y }} {_DATA}
  FILTER NOT EXISTS {{ GRAPH ?g2 {{ ?f dgb:rank dgb:DeprecatedRank }} }}
}}"""


@dataclass(frozen=True)
class DerivationReport:
    """How many triples each step of the materialization added to the derived graph."""

    shortcuts: int
    super_properties: int
    transitive: int
    inverses: int
    super_classes: int = 0
    skipped_closures: tuple[str, ...] = ()

    @property
    def total(self) -> int:
        return self.shortcuts + self.super_properties + self.transitive + self.inverses + self.super_classes


def _pairs(store: EmbeddedStore, query: str) -> list[tuple[str, str]]:
    rows = store.query(query, default_graph=[GRAPH_ONTOLOGY])
    return [(r[0].value, r[1].value) for r in rows]  # type: ignore[union-attr, index]


def _iris(store: EmbeddedStore, query: str) -> list[str]:
    return [r[0].value for r in store.query(query, default_graph=[GRAPH_ONTOLOGY])]  # type: ignore[union-attr, index]


def _derived_count(store: EmbeddedStore) -> int:
    return store.count(GRAPH_DERIVED)


MAX_CLOSURE = 2_000_000


def _closure(edges: list[tuple[ox.NamedNode, ox.NamedNode]], cap: int) -> list[tuple[ox.NamedNode, ox.NamedNode]] | None:
    """All pairs (a, c) with a path a -> ... -> c, or None when there are more than ``cap``."""
    succ: dict[ox.NamedNode, list[ox.NamedNode]] = {}
    for a, b in edges:
        succ.setdefault(a, []).append(b)
    pairs: list[tuple[ox.NamedNode, ox.NamedNode]] = []
    for start in succ:
        seen: set[ox.NamedNode] = set()
        stack = list(succ[start])
        while stack:
            node = stack.pop()
            if node not in seen:
                seen.add(node)
                stack.extend(succ.get(node, ()))
        pairs.extend((start, end) for end in seen)
        if len(pairs) > cap:
            return None
    return pairs


def materialize(store: EmbeddedStore, *, max_closure: int = MAX_CLOSURE) -> DerivationReport:
    """Recompute the derived graph of ``store`` from its data and ontology graphs.

    Args:
        max_closure: the most pairs one transitive closure may add; a larger one is skipped.

    Returns:
        Counts of the triples each step added, and the closures skipped.
    """
    store.inner.remove_graph(ox.NamedNode(GRAPH_DERIVED))
    store.update(_SHORTCUTS)
    n_shortcuts = _derived_count(store)

    # Super-properties: one update per (p, q) of the closure of rdfs:subPropertyOf, reading every
    # graph but the ontology (asserted triples and the shortcuts just derived).
    supers = _pairs(store, "SELECT DISTINCT ?p ?q WHERE { ?p rdfs:subPropertyOf+ ?q FILTER(?p != ?q) }")
    if supers:
        store.update(";\n".join(
            f"INSERT {{ GRAPH {_D} {{ ?s <{q}> ?o }} }} WHERE {{ GRAPH ?g {{ ?s <{p}> ?o }} FILTER(?g != {_O}) }}"
            for p, q in supers))
    n_super = _derived_count(store) - n_shortcuts

    # Transitive closure: the transitive properties are never asserted, only derived as
    # super-properties, so their closure is computed within the derived graph.
    skipped: list[str] = []
    graph = ox.NamedNode(GRAPH_DERIVED)
    for p in _iris(store, "SELECT ?p WHERE { ?p a owl:TransitiveProperty }"):
        rows = store.query(f"SELECT DISTINCT ?s ?o WHERE {{ GRAPH ?g {{ ?s <{p}> ?o }} FILTER(?g != {_O} && isIRI(?o)) }}")
        pairs = _closure([(r[0], r[1]) for r in rows], max_closure)  # type: ignore[union-attr, index]
        if pairs is None:
            skipped.append(p)
            continue
        prop = ox.NamedNode(p)
        store.extend(ox.Quad(a, prop, b, graph) for a, b in pairs)
    n_trans = _derived_count(store) - n_shortcuts - n_super

    inverses = _pairs(store, "SELECT DISTINCT ?p ?q WHERE { { ?p owl:inverseOf ?q } UNION { ?q owl:inverseOf ?p } }")
    if inverses:
        store.update(";\n".join(
            f"INSERT {{ GRAPH {_D} {{ ?o <{q}> ?s }} }} WHERE {{ GRAPH ?g {{ ?s <{p}> ?o }} "
            f"FILTER(?g != {_O} && !isLiteral(?o)) }}"
            for p, q in inverses))
    n_inv = _derived_count(store) - n_shortcuts - n_super - n_trans

    store.update(f"""INSERT {{ GRAPH {_D} {{ ?x a ?super }} }} WHERE {{
        GRAPH {_O} {{ ?c rdfs:subClassOf+ ?super FILTER(isIRI(?super)) }}
        GRAPH ?g {{ ?x a ?c }} FILTER(?g != {_O}) }}""")
    n_classes = _derived_count(store) - n_shortcuts - n_super - n_trans - n_inv
    return DerivationReport(n_shortcuts, n_super, n_trans, n_inv, n_classes, tuple(skipped))

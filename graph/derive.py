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
6. **name keys**: every name of every entity gives ``entity dgb:nameKey key``, its search key and
   its romanized key (:func:`~dragonbear.graph.name_keys.name_keys`: ``"Су-27"`` gives ``су27`` and
   ``su27``), so SPARQL finds entities by any spelling:
   ``?e dgb:nameKey ?k FILTER(CONTAINS(?k, "flanker"))`` (docs/decisions/0014-name-search.md).

Each step is a SPARQL update generated from the ontology, so the work stays inside the store.
Everything goes to :data:`~dragonbear.namespaces.GRAPH_DERIVED`, which queries may include (the
default: the default graph is the union of all graphs) or exclude (name the other graphs).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from dragonbear.graph.name_keys import NAMES_QUERY, name_keys
from dragonbear.graph.store import EmbeddedStore
from dragonbear.namespaces import DGB, GRAPH_DERIVED, GRAPH_ONTOLOGY

__all__ = ["DerivationReport", "credibility", "grade_quads", "materialize", "materialize_grades"]

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
    name_keys: int = 0
    restated: int = 0  # derived triples dropped because another graph asserts them
    grades: int = 0  # credibility and grade triples of attestations

    @property
    def total(self) -> int:
        """The triples the derived graph holds."""
        return (
            self.shortcuts
            + self.super_properties
            + self.transitive
            + self.inverses
            + self.super_classes
            + self.name_keys
            + self.grades
            - self.restated
        )


def _pairs(store: EmbeddedStore, query: str) -> list[tuple[str, str]]:
    rows = store.select(query, default_graph=[GRAPH_ONTOLOGY])
    return [(r[0].value, r[1].value) for r in rows]


def _iris(store: EmbeddedStore, query: str) -> list[str]:
    return [r[0].value for r in store.select(query, default_graph=[GRAPH_ONTOLOGY])]


def _derived_count(store: EmbeddedStore) -> int:
    return store.count(GRAPH_DERIVED)


MAX_CLOSURE = 2_000_000

# The schema the rules read from the ontology graph (shared with dragonbear.graph.derive_delta).
SUPER_PROPERTIES = "SELECT DISTINCT ?p ?q WHERE { ?p rdfs:subPropertyOf+ ?q FILTER(?p != ?q) }"
TRANSITIVE_PROPERTIES = "SELECT ?p WHERE { ?p a owl:TransitiveProperty }"
INVERSES = "SELECT DISTINCT ?p ?q WHERE { { ?p owl:inverseOf ?q } UNION { ?q owl:inverseOf ?p } }"
SUPER_CLASSES = "SELECT DISTINCT ?c ?super WHERE { ?c rdfs:subClassOf+ ?super FILTER(isIRI(?super)) }"
SHORTCUT_PROPERTIES = "SELECT DISTINCT ?k ?prop WHERE { ?k dgb:shortcutProperty ?prop }"
# The edges of one transitive property that its closure starts from (format with p=IRI).
EDGES = f"SELECT DISTINCT ?s ?o WHERE {{{{ GRAPH ?g {{{{ ?s <{{p}}> ?o }}}} FILTER(?g != {_O} && isIRI(?o)) }}}}"


def _closure(
    edges: list[tuple[ox.NamedNode, ox.NamedNode]], cap: int
) -> list[tuple[ox.NamedNode, ox.NamedNode]] | None:
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
    store.drop_graph(GRAPH_DERIVED)
    store.update(_SHORTCUTS)
    n_shortcuts = _derived_count(store)

    # Super-properties: one update per (p, q) of the closure of rdfs:subPropertyOf, reading every
    # graph but the ontology (asserted triples and the shortcuts just derived).
    supers = _pairs(store, SUPER_PROPERTIES)
    if supers:
        store.update(
            ";\n".join(
                f"INSERT {{ GRAPH {_D} {{ ?s <{q}> ?o }} }} WHERE {{ GRAPH ?g {{ ?s <{p}> ?o }} FILTER(?g != {_O}) }}"
                for p, q in supers
            )
        )
    n_super = _derived_count(store) - n_shortcuts

    # Transitive closure: the transitive properties are never asserted, only derived as
    # super-properties, so their closure is computed within the derived graph.
    skipped: list[str] = []
    graph = ox.NamedNode(GRAPH_DERIVED)
    for p in _iris(store, TRANSITIVE_PROPERTIES):
        rows = store.select(EDGES.format(p=p))
        pairs = _closure([(r[0], r[1]) for r in rows], max_closure)
        if pairs is None:
            skipped.append(p)
            continue
        prop = ox.NamedNode(p)
        store.extend(ox.Quad(a, prop, b, graph) for a, b in pairs)
    n_trans = _derived_count(store) - n_shortcuts - n_super

    inverses = _pairs(store, INVERSES)
    if inverses:
        store.update(
            ";\n".join(
                f"INSERT {{ GRAPH {_D} {{ ?o <{q}> ?s }} }} WHERE {{ GRAPH ?g {{ ?s <{p}> ?o }} "
                f"FILTER(?g != {_O} && !isLiteral(?o)) }}"
                for p, q in inverses
            )
        )
    n_inv = _derived_count(store) - n_shortcuts - n_super - n_trans

    store.update(f"""INSERT {{ GRAPH {_D} {{ ?x a ?super }} }} WHERE {{
        GRAPH {_O} {{ ?c rdfs:subClassOf+ ?super FILTER(isIRI(?super)) }}
        GRAPH ?g {{ ?x a ?c }} FILTER(?g != {_O}) }}""")
    n_classes = _derived_count(store) - n_shortcuts - n_super - n_trans - n_inv
    n_keys = _materialize_name_keys(store)
    n_grades = materialize_grades(store)
    n_restated = drop_restated(store, GRAPH_DERIVED)
    return DerivationReport(
        n_shortcuts, n_super, n_trans, n_inv, n_classes, tuple(skipped), n_keys, n_restated, n_grades
    )


def drop_restated(store: EmbeddedStore, graph: str, *, over: tuple[str, ...] | None = None) -> int:
    """Remove from ``graph`` the triples that another graph (or one of ``over``) also holds.

    Oxigraph's union default graph yields a triple once per named graph that holds it, so a triple
    stored twice would be counted twice by ``COUNT`` and joined twice. Each triple is kept in one graph:
    the derived graph gives way to every asserted graph, and the SIPRI graph to the curated facts and
    the ontology (see :func:`dragonbear.pipeline.build.build_store`).

    Returns:
        How many triples were removed.
    """
    before = store.count(graph)
    if over is not None:  # the given graphs are the small side: look each of their triples up in `graph`
        target = ox.NamedNode(graph)
        restated = [ox.Quad(q.subject, q.predicate, q.object, target) for g in over for q in store.quads(g)]
        store.remove([q for q in restated if store.contains(q)])
        return before - store.count(graph)
    store.update(
        f"DELETE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} "
        f"GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != <{graph}>) }}"
    )
    return before - store.count(graph)


def _materialize_name_keys(store: EmbeddedStore) -> int:
    """Add ``entity dgb:nameKey key`` for every search key of every name; return how many were added."""
    keys: set[tuple[ox.NamedNode, str]] = set()
    for row in store.query(NAMES_QUERY):  # type: ignore[union-attr]
        keys.update((row["entity"], key) for key in name_keys(row["name"].value))
    prop, graph = ox.NamedNode(DGB + "nameKey"), ox.NamedNode(GRAPH_DERIVED)
    store.extend(ox.Quad(entity, prop, ox.Literal(key), graph) for entity, key in keys)
    return len(keys)


def credibility(stance: str, reliability: str | None, supporters: int, deniers: int) -> int:
    """The Admiralty credibility (1-6) of one attestation (docs/grading.md).

    Args:
        stance: ``Asserts``, ``Hedged`` or ``Denies``.
        reliability: the source's letter A-F, or ``None``.
        supporters: distinct sources that assert or hedge the statement.
        deniers: distinct sources that deny it.

    >>> credibility("Asserts", "A", 2, 0), credibility("Asserts", "B", 1, 0), credibility("Hedged", "A", 1, 0)
    (1, 2, 3)
    >>> credibility("Asserts", "C", 1, 1), credibility("Denies", "C", 2, 1), credibility("Asserts", "F", 1, 0)
    (4, 5, 6)
    """
    if stance == "Denies":
        if supporters >= 2:
            return 5
        if supporters == 1:
            return 4
        return credibility("Asserts", reliability, 1, 0)
    if deniers:
        return 4
    if supporters >= 2:
        return 1
    if reliability in (None, "F"):
        return 6
    if stance == "Hedged":
        return 3 if reliability in ("A", "B") else 4
    return {"A": 2, "B": 2, "C": 3}.get(reliability, 4)


def materialize_grades(store: EmbeddedStore) -> int:
    """Give every attestation its credibility (``dgb:credibility``) and grade (``dgb:grade``, "B2")."""

    def objects(local: str) -> dict[ox.NamedNode | ox.BlankNode, str]:
        return {q.subject: q.object.value for q in store.quads(predicate=ox.NamedNode(DGB + local))}  # type: ignore[misc, union-attr]

    sources, stances, reliabilities = objects("source"), objects("stance"), objects("sourceReliability")
    statements: dict[object, list[tuple[ox.NamedNode, str, str, str | None]]] = {}
    for quad in store.quads(predicate=ox.NamedNode(DGB + "hasAttestation")):
        att = quad.object
        if att not in sources:
            continue
        stance = stances.get(att, DGB + "Asserts").rsplit("#", 1)[-1]  # type: ignore[arg-type]
        letter = reliabilities[att][-1] if att in reliabilities else None  # type: ignore[index]
        statements.setdefault(quad.subject, []).append((att, sources[att], stance, letter))  # type: ignore[arg-type, index]
    quads = [quad for attestations in statements.values() for quad in grade_quads(attestations)]  # type: ignore[arg-type]
    store.extend(quads)
    return len(quads)


Graded = tuple[ox.NamedNode | ox.BlankNode, str, str, str | None]
"""One attestation of a statement: the node, its source, its stance (local name) and reliability letter."""


def grade_quads(attestations: list[Graded]) -> list[ox.Quad]:
    """The credibility and grade quads (in the derived graph) of the attestations of one statement.

    >>> a, b = ox.NamedNode("http://e/a"), ox.NamedNode("http://e/b")
    >>> [q.object.value for q in grade_quads([(a, "s1", "Asserts", "B"), (b, "s2", "Asserts", "C")])][1::2]
    ['B1', 'C1']
    """
    graph = ox.NamedNode(GRAPH_DERIVED)
    has, grade = ox.NamedNode(DGB + "credibility"), ox.NamedNode(DGB + "grade")
    supporters = len({source for _, source, stance, _ in attestations if stance != "Denies"})
    deniers = len({source for _, source, stance, _ in attestations if stance == "Denies"})
    quads = []
    for att, _source, stance, letter in attestations:
        number = credibility(stance, letter, supporters, deniers)
        quads.append(ox.Quad(att, has, ox.NamedNode(f"{DGB}Credibility{number}"), graph))
        quads.append(ox.Quad(att, grade, ox.Literal(f"{letter or 'F'}{number}"), graph))
    return quads

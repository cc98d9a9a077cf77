"""Keep the derived graph up to date after a change, at the cost of the change rather than of the store.

:func:`~dragonbear.graph.derive.materialize` recomputes the derived graph from every triple: 9 s in
memory and two minutes on disk for a store holding the full SIPRI register. :func:`update_derived`
gives the same derived graph after a change by following the rules of ``materialize`` in the same
order, from the changed triples only (semi-naive evaluation):

1. **shortcuts** of the statement nodes that the changed triples are about, read again from the
   store (so the same-graph join and the test for ``dgb:DeprecatedRank`` are the rule's own);
2. **super-properties**, 4. **inverses** (in materialize's order), 5. **super-classes** and
   6. **name keys**: each follows from one triple, so only the new triples give new ones;
3. **transitive closures**: the pairs through a new edge, the ancestors of its start times the
   descendants of its end;
7. **grades**: recomputed for every attestation of a statement whose attestations changed;
8. a derived triple that another graph asserts is not kept (as ``drop_restated`` does).

Triples that go away (the previous Wikidata graph; a statement newly ranked deprecated takes its
shortcuts away) are handled by "delete and re-derive": what they could have supported is computed
on the store before the change and deleted after it, then derived again from what the store still
holds about the nodes involved, together with the new triples.

``materialize`` skips a closure of more than ``max_closure`` pairs; when a change touches such a
closure, :func:`update_derived` raises :class:`IncrementalUnsupported` and the caller recomputes
everything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from dragonbear.graph.derive import (
    EDGES,
    INVERSES,
    MAX_CLOSURE,
    SHORTCUT_PROPERTIES,
    SUPER_CLASSES,
    SUPER_PROPERTIES,
    TRANSITIVE_PROPERTIES,
    Graded,
    _closure,
    grade_quads,
)
from dragonbear.graph.name_keys import NAMES_QUERY, name_keys
from dragonbear.graph.store import EmbeddedStore
from dragonbear.namespaces import DGB, GRAPH_DERIVED, GRAPH_ONTOLOGY, RDF

__all__ = ["DerivedChange", "IncrementalUnsupported", "update_derived"]

Node = ox.NamedNode | ox.BlankNode
Term = ox.NamedNode | ox.BlankNode | ox.Literal
Triple = tuple[Term, ox.NamedNode, Term]

_DERIVED, _ONTOLOGY = ox.NamedNode(GRAPH_DERIVED), ox.NamedNode(GRAPH_ONTOLOGY)
_TYPE = ox.NamedNode(RDF + "type")


def _dgb(local: str) -> ox.NamedNode:
    return ox.NamedNode(DGB + local)


_DERIVED_SYSTEM, _SOURCE_SYSTEM, _KIND = _dgb("derivedSystem"), _dgb("sourceSystem"), _dgb("derivationKind")
_PLATFORM, _COMPONENT, _USES = _dgb("platform"), _dgb("component"), _dgb("usesComponent")
_RANK, _DEPRECATED = _dgb("rank"), _dgb("DeprecatedRank")
_HAS_ATTESTATION, _SOURCE, _STANCE, _RELIABILITY = (
    _dgb("hasAttestation"),
    _dgb("source"),
    _dgb("stance"),
    _dgb("sourceReliability"),
)
_CREDIBILITY, _GRADE = _dgb("credibility"), _dgb("grade")
_STATEMENT_PARTS = {_DERIVED_SYSTEM, _SOURCE_SYSTEM, _KIND, _PLATFORM, _COMPONENT, _RANK}
_ENDS = (_DERIVED_SYSTEM, _SOURCE_SYSTEM, _PLATFORM, _COMPONENT)
_GRADE_INPUTS = {_SOURCE, _STANCE, _RELIABILITY}


class IncrementalUnsupported(Exception):
    """The change touches what only a full :func:`~dragonbear.graph.derive.materialize` can redo."""


@dataclass
class DerivedChange:
    """What :func:`update_derived` did to the derived graph."""

    added: int = 0
    removed: int = 0
    regraded: int = 0
    nodes_rederived: int = 0


@dataclass(frozen=True)
class _Schema:
    shortcuts: dict[Term, list[ox.NamedNode]]
    supers: dict[Term, list[ox.NamedNode]]
    transitive: list[ox.NamedNode]
    inverses: list[tuple[ox.NamedNode, ox.NamedNode]]
    superclasses: dict[Term, list[ox.NamedNode]]
    max_closure: int = MAX_CLOSURE

    @classmethod
    def read(cls, store: EmbeddedStore, max_closure: int) -> _Schema:
        def pairs(query: str) -> list[tuple[Term, ox.NamedNode]]:
            return [(r[0], r[1]) for r in store.select(query, default_graph=[GRAPH_ONTOLOGY])]

        def grouped(query: str) -> dict[Term, list[ox.NamedNode]]:
            out: dict[Term, list[ox.NamedNode]] = {}
            for a, b in pairs(query):
                out.setdefault(a, []).append(b)
            return out

        transitive = [r[0] for r in store.select(TRANSITIVE_PROPERTIES, default_graph=[GRAPH_ONTOLOGY])]
        return cls(
            grouped(SHORTCUT_PROPERTIES),
            grouped(SUPER_PROPERTIES),
            transitive,
            pairs(INVERSES),  # type: ignore[arg-type]
            grouped(SUPER_CLASSES),
            max_closure,
        )


def update_derived(
    store: EmbeddedStore,
    change: Callable[[], None],
    *,
    added: Sequence[ox.Quad],
    removed: Sequence[ox.Quad],
    max_closure: int = MAX_CLOSURE,
) -> DerivedChange:
    """Apply ``change`` to ``store`` and bring its derived graph to what ``materialize`` would give.

    Args:
        store: a store whose derived graph is up to date (a checkpoint of the current generation).
        change: makes the change: removes the ``removed`` quads and adds the ``added`` ones (in data
            graphs; never the ontology or the derived graph).
        added: the quads the change adds.
        removed: the quads the change removes.
        max_closure: as for ``materialize``.

    Returns:
        How many derived triples were added and removed.

    Raises:
        IncrementalUnsupported: the change touches a transitive closure of more than ``max_closure``
            pairs; recompute everything with ``materialize`` instead.
        QueryError: a query of the store failed.
    """
    schema = _Schema.read(store, max_closure)
    report = DerivedChange()
    gone = {_triple(q) for q in removed}
    deprecated = {q.subject for q in added if q.predicate == _RANK and q.object == _DEPRECATED}
    doomed: set[Triple] = set()
    regrade: set[Node] = set()
    if gone or deprecated:  # before the change: what the triples leaving the store may have supported
        doomed = _consequences(store, schema, gone, _statement_nodes(gone) | deprecated)  # type: ignore[operator]
        regrade = _graded_attestations(store, gone | doomed)
    change()
    report.removed = _remove(store, [ox.Quad(s, p, o, _DERIVED) for s, p, o in doomed if _valid(s, p)])  # type: ignore[arg-type]
    nodes = {t for s, _p, o in (*doomed, *gone) for t in (s, o) if not isinstance(t, ox.Literal)}
    report.nodes_rederived = len(nodes)
    premises, statements, names = _about(store, nodes)
    new = {_triple(q) for q in added}
    premises |= new
    derived = _consequences(store, schema, premises, statements | _statement_nodes(premises), names)
    report.added = _store_derived(store, derived)
    report.removed += _remove(store, [ox.Quad(s, p, o, _DERIVED) for s, p, o in new])  # type: ignore[arg-type]  # now asserted
    report.regraded = _regrade(store, regrade | _graded_attestations(store, premises | derived))
    return report


def _triple(quad: ox.Quad) -> Triple:
    return quad.subject, quad.predicate, quad.object  # type: ignore[return-value]


def _valid(subject: Term, predicate: Term) -> bool:
    """Whether a rule's result is a triple (SPARQL's INSERT leaves out those with a literal subject)."""
    return not isinstance(subject, ox.Literal) and isinstance(predicate, ox.NamedNode)


def _is_data_graph(graph: object) -> bool:
    return isinstance(graph, ox.NamedNode) and graph != _ONTOLOGY and graph != _DERIVED


def _asserted(store: EmbeddedStore, s: Term, p: ox.NamedNode, o: Term) -> bool:
    """Whether a named graph other than the derived one holds the triple (what drop_restated tests)."""
    return any(
        isinstance(q.graph_name, ox.NamedNode) and q.graph_name != _DERIVED
        for q in store.quads(subject=s, predicate=p, object=o)  # type: ignore[arg-type]
    )


def _statement_nodes(triples: Iterable[Triple]) -> set[Node]:
    return {s for s, p, _o in triples if p in _STATEMENT_PARTS and not isinstance(s, ox.Literal)}


def _about(store: EmbeddedStore, nodes: set[Node]) -> tuple[set[Triple], set[Node], set[Triple]]:
    """The premises that can derive a triple about ``nodes`` again: what the named graphs but the
    ontology hold about them, the statement nodes (derivations, fits) that name one of them as an
    end, and their names in the default graph (which only the name keys read, as materialize does)."""
    premises: set[Triple] = set()
    statements: set[Node] = set()
    names: set[Triple] = set()
    for node in nodes:
        for quad in store.quads(subject=node):
            if isinstance(quad.graph_name, ox.DefaultGraph):
                names.add(_triple(quad))
            elif quad.graph_name != _ONTOLOGY:
                premises.add(_triple(quad))
        for prop in _ENDS:
            statements.update(q.subject for q in store.quads(predicate=prop, object=node))  # type: ignore[misc]
    return premises, statements, names


def _consequences(
    store: EmbeddedStore,
    schema: _Schema,
    premises: set[Triple],
    statements: set[Node],
    names: set[Triple] = frozenset(),  # type: ignore[assignment]
) -> set[Triple]:
    """Every triple the rules of materialize derive with one of ``premises`` (or one of the shortcuts
    of ``statements``, or for name keys one of ``names``) among their inputs, given the rest of ``store``."""
    level = premises | _shortcuts(store, schema, statements)
    level |= {(s, q, o) for s, p, o in level for q in schema.supers.get(p, ())}
    for prop in schema.transitive:
        edges = {(s, o) for s, p, o in level if p == prop and isinstance(o, ox.NamedNode)}
        if edges:
            level |= {(a, prop, b) for a, b in _pairs_through(store, schema, prop, edges)}  # type: ignore[arg-type]
    for p, q in schema.inverses:
        level |= {(o, q, s) for s, pp, o in list(level) if pp == p and not isinstance(o, ox.Literal)}
    level |= {(x, _TYPE, c) for x, p, o in level if p == _TYPE for c in schema.superclasses.get(o, ())}
    level |= _name_keys(level | names)
    return {t for t in level if _valid(t[0], t[1])} - premises


def _shortcuts(store: EmbeddedStore, schema: _Schema, statements: set[Node]) -> set[Triple]:
    """The shortcuts of ``statements`` (rule 1 of materialize, for these nodes)."""
    out: set[Triple] = set()
    for node in statements:
        if any(
            isinstance(q.graph_name, ox.NamedNode)
            for q in store.quads(subject=node, predicate=_RANK, object=_DEPRECATED)
        ):
            continue
        by_graph: dict[object, dict[ox.NamedNode, list[Term]]] = {}
        for quad in store.quads(subject=node):
            if _is_data_graph(quad.graph_name) and quad.predicate in _STATEMENT_PARTS:
                by_graph.setdefault(quad.graph_name, {}).setdefault(quad.predicate, []).append(quad.object)  # type: ignore[arg-type]
        for parts in by_graph.values():
            out.update(
                (x, prop, y)
                for x in parts.get(_DERIVED_SYSTEM, ())
                for y in parts.get(_SOURCE_SYSTEM, ())
                for kind in parts.get(_KIND, ())
                for prop in schema.shortcuts.get(kind, ())
            )
            out.update((x, _USES, y) for x in parts.get(_PLATFORM, ()) for y in parts.get(_COMPONENT, ()))
    return out


def _pairs_through(
    store: EmbeddedStore, schema: _Schema, prop: ox.NamedNode, edges: set[tuple[Term, Term]]
) -> set[tuple[Term, Term]]:
    """The closure pairs of ``prop`` that a path through one of ``edges`` gives (the store's edges
    and ``edges`` together).

    Raises:
        IncrementalUnsupported: the closure has more than ``schema.max_closure`` pairs.
    """
    known = {(r[0], r[1]) for r in store.select(EDGES.format(p=prop.value))}
    every = known | edges
    if _closure(list(every), schema.max_closure) is None:  # type: ignore[arg-type]
        raise IncrementalUnsupported(f"the closure of <{prop.value}> passes {schema.max_closure:,} pairs")
    succ: dict[Term, list[Term]] = {}
    pred: dict[Term, list[Term]] = {}
    for a, b in every:
        succ.setdefault(a, []).append(b)
        pred.setdefault(b, []).append(a)
    out: set[tuple[Term, Term]] = set()
    for a, b in edges:
        out.update((x, y) for x in _reach(pred, a) for y in _reach(succ, b))
    return out


def _reach(links: dict[Term, list[Term]], start: Term) -> set[Term]:
    """``start`` and every node reached from it along ``links``."""
    seen, stack = {start}, [start]
    while stack:
        for nxt in links.get(stack.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


def _name_keys(triples: set[Triple]) -> set[Triple]:
    """The ``dgb:nameKey`` triples of the names among ``triples`` (rule 6, with materialize's query)."""
    scratch = EmbeddedStore.open(None)
    graph = ox.NamedNode("urn:dragonbear:names")
    scratch.extend(ox.Quad(s, p, o, graph) for s, p, o in triples if _valid(s, p))  # type: ignore[arg-type]
    key = _dgb("nameKey")
    return {
        (row["entity"], key, ox.Literal(k)) for row in scratch.select(NAMES_QUERY) for k in name_keys(row["name"].value)
    }


def _store_derived(store: EmbeddedStore, triples: set[Triple]) -> int:
    """Add ``triples`` to the derived graph, but those that another graph asserts; return how many."""
    quads = [ox.Quad(s, p, o, _DERIVED) for s, p, o in triples if not _asserted(store, s, p, o)]  # type: ignore[arg-type]
    quads = [q for q in quads if not store.contains(q)]
    store.extend(quads)
    return len(quads)


def _remove(store: EmbeddedStore, quads: list[ox.Quad]) -> int:
    present = [q for q in quads if store.contains(q)]
    store.remove(present)
    return len(present)


def _graded_attestations(store: EmbeddedStore, triples: set[Triple]) -> set[Node]:
    """The attestations whose grade may change with ``triples``: every attestation of a statement
    that one of them attests, or whose attestation they describe."""
    statements = {s for s, p, _o in triples if p == _HAS_ATTESTATION}
    for att in {s for s, p, _o in triples if p in _GRADE_INPUTS and not isinstance(s, ox.Literal)}:
        statements.update(q.subject for q in store.quads(predicate=_HAS_ATTESTATION, object=att))  # type: ignore[misc]
    atts = {o for s, p, o in triples if p == _HAS_ATTESTATION and not isinstance(o, ox.Literal)}
    for statement in statements:
        if not isinstance(statement, ox.Literal):
            atts.update(
                q.object  # type: ignore[misc]
                for q in store.quads(subject=statement, predicate=_HAS_ATTESTATION)
                if not isinstance(q.object, ox.Literal)
            )
    return atts


def _regrade(store: EmbeddedStore, atts: set[Node]) -> int:
    """Replace the derived credibility and grade of ``atts`` (rule 7, for these attestations)."""
    old = [
        q for att in atts for p in (_CREDIBILITY, _GRADE) for q in store.quads(_DERIVED.value, subject=att, predicate=p)
    ]
    new: set[ox.Quad] = set()
    for att in atts:
        for statement in {q.subject for q in store.quads(predicate=_HAS_ATTESTATION, object=att)}:
            graded = [
                g
                for q in store.quads(subject=statement, predicate=_HAS_ATTESTATION)  # type: ignore[arg-type]
                if (g := _graded(store, q.object)) is not None  # type: ignore[arg-type]
            ]
            new.update(q for q in grade_quads(graded) if q.subject == att)
    kept = {q for q in new if not _asserted(store, q.subject, q.predicate, q.object)}  # type: ignore[arg-type]
    store.remove([q for q in old if q not in kept])
    store.extend(kept - set(old))
    return len(atts)


def _graded(store: EmbeddedStore, att: Term) -> Graded | None:
    """What the grade of one attestation is computed from, as materialize_grades reads it."""
    if isinstance(att, ox.Literal):
        return None

    def value(prop: ox.NamedNode) -> str | None:
        values = [q.object.value for q in store.quads(subject=att, predicate=prop)]  # type: ignore[union-attr]
        return values[-1] if values else None

    source = value(_SOURCE)
    if source is None:
        return None
    stance = (value(_STANCE) or DGB + "Asserts").rsplit("#", 1)[-1]
    reliability = value(_RELIABILITY)
    return att, source, stance, reliability[-1] if reliability else None

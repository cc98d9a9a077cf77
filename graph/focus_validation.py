"""Validation of what a change touches: the nodes it can make violate the shapes, and only those.

:func:`~dragonbear.graph.validation.validate_store` checks every node: 11 s on disk for a store holding
the full SIPRI register. After a change that adds (or removes) a few triples, a node can only start
to violate the shapes if the change touched it, because every path of ``ontology/shapes.ttl`` is a
predicate or the inverse of one:

* the subject of an added or removed triple (its values, counts, types and targets changed);
* the object, for the predicates of ``sh:inversePath`` and ``sh:targetObjectsOf`` (for the project's
  shapes: an attestation belongs to exactly one statement);
* after a removed ``rdf:type``: the nodes whose values it typed (``sh:class``).

An added triple can make a value of another node satisfy ``sh:class``, never break it. A change to
``rdfs:subClassOf`` in the data moves the targets of every shape, so :func:`changed_focus_nodes`
answers None and the caller validates everything.

:func:`validate_nodes` copies into a store in memory what the shapes can look at about these nodes
(their triples, the inverse-path triples that point at them, the types of the values they reach,
the ontology graph and the data's ``rdfs:subClassOf`` triples), validates that with
``validate_store``, and keeps the violations whose focus node is one of them: the violations that
``validate_store`` of the whole store would report about them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from dragonbear.errors import LoadError
from dragonbear.graph.shacl_terms import term_text
from dragonbear.graph.store import EmbeddedStore, GraphStore
from dragonbear.graph.validation import ValidationReport, default_shapes_path, validate_store
from dragonbear.namespaces import GRAPH_DERIVED, GRAPH_ONTOLOGY, RDF, RDFS, SH

__all__ = ["ShapeReach", "changed_focus_nodes", "shape_reach", "validate_nodes"]

Node = ox.NamedNode | ox.BlankNode
_FOCUS_GRAPH = "urn:dragonbear:focus"
_TYPE, _SUBCLASS = ox.NamedNode(RDF + "type"), ox.NamedNode(RDFS + "subClassOf")
_SH_PATH, _SH_INVERSE = ox.NamedNode(SH + "path"), ox.NamedNode(SH + "inversePath")
_SH_TARGET_OBJECTS = ox.NamedNode(SH + "targetObjectsOf")


@dataclass(frozen=True)
class ShapeReach:
    """How far the shapes look from a focus node.

    Attributes:
        backward: the predicates whose objects are focus nodes (of ``sh:inversePath`` and
            ``sh:targetObjectsOf``).
        local: every path is a predicate or the inverse of one; false when a shape follows a longer
            path, and a change can then affect nodes it does not touch.
    """

    backward: frozenset[ox.NamedNode]
    local: bool


def shape_reach(shapes_path: Path | None = None) -> ShapeReach:
    """Read how far the shapes look from a focus node.

    Args:
        shapes_path: the shapes file; by default ``ontology/shapes.ttl``.

    Returns:
        The predicates followed backwards, and whether every path is one step.

    Raises:
        LoadError: the shapes do not parse.

    >>> reach = shape_reach()
    >>> reach.local, sorted(p.value.rsplit("#")[-1] for p in reach.backward)
    (True, ['hasAttestation', 'location'])
    """
    path = shapes_path or default_shapes_path()
    try:  # pyoxigraph's parser: a tenth of rdflib's time (the validator parses the shapes with rdflib)
        triples = list(ox.parse(path.read_bytes(), format=ox.RdfFormat.TURTLE))
    except (OSError, SyntaxError) as exc:
        raise LoadError(f"cannot parse the shapes: {exc}", path=path) from exc
    inverse_of = {t.subject: t.object for t in triples if t.predicate == _SH_INVERSE}
    backward = {t.object for t in triples if t.predicate == _SH_TARGET_OBJECTS}
    local = True
    for shape_path in (t.object for t in triples if t.predicate == _SH_PATH):
        if isinstance(inverse_of.get(shape_path), ox.NamedNode):
            backward.add(inverse_of[shape_path])
        elif not isinstance(shape_path, ox.NamedNode):
            local = False
    return ShapeReach(frozenset(backward), local)


def _is_data_graph(graph: object) -> bool:
    return isinstance(graph, ox.NamedNode) and graph.value not in (GRAPH_ONTOLOGY, GRAPH_DERIVED)


def changed_focus_nodes(
    store: GraphStore, reach: ShapeReach, *, added: Sequence[ox.Quad], removed: Sequence[ox.Quad] = ()
) -> set[Node] | None:
    """The nodes whose conformance adding ``added`` and removing ``removed`` can change.

    Args:
        store: the store after the change.
        reach: how far the shapes look (:func:`shape_reach`).
        added: the quads the change added.
        removed: the quads the change removed.

    Returns:
        The nodes, or None when any node's conformance can change (validate everything).
    """
    changed = [*added, *removed]
    if not reach.local or any(q.predicate == _SUBCLASS for q in changed):
        return None
    nodes: set[Node] = {q.subject for q in changed}  # type: ignore[misc]
    nodes |= {q.object for q in changed if q.predicate in reach.backward and not isinstance(q.object, ox.Literal)}  # type: ignore[misc]
    for untyped in {q.subject for q in removed if q.predicate == _TYPE}:
        nodes |= {q.subject for q in store.quads(object=untyped) if _is_data_graph(q.graph_name)}  # type: ignore[misc]
        nodes |= {
            q.object  # type: ignore[misc]
            for q in store.quads(subject=untyped)  # type: ignore[arg-type]
            if q.predicate in reach.backward and _is_data_graph(q.graph_name)
        }
    return nodes


def validate_nodes(
    store: GraphStore, nodes: Iterable[Node], *, reach: ShapeReach | None = None, shapes_path: Path | None = None
) -> ValidationReport:
    """Validate ``nodes`` as focus nodes: what ``validate_store`` of the whole store reports about them.

    Args:
        store: the store (its data graphs: every named graph but the ontology and the derived graph).
        nodes: the focus nodes.
        reach: how far the shapes look (read from the shapes when not given).
        shapes_path: the shapes file; by default ``ontology/shapes.ttl``.

    Returns:
        The report of the violations whose focus node is one of ``nodes``.

    Raises:
        LoadError: the shapes do not parse, or use a constraint the validator does not compile.
    """
    reach = reach or shape_reach(shapes_path)
    nodes = set(nodes)
    data = ox.NamedNode(_FOCUS_GRAPH)
    quads = list(store.quads(GRAPH_ONTOLOGY))
    values: set[object] = set()

    def take(found: Iterable[ox.Quad], value_of: str | None = None) -> None:
        for q in found:
            if _is_data_graph(q.graph_name):
                quads.append(ox.Quad(q.subject, q.predicate, q.object, data))
                if value_of:
                    values.add(getattr(q, value_of))

    for node in nodes:
        take(store.quads(subject=node), "object")
        for prop in reach.backward:
            take(store.quads(predicate=prop, object=node), "subject")
    for value in values - {None}:
        if not isinstance(value, ox.Literal):
            take(store.quads(subject=value, predicate=_TYPE))  # type: ignore[arg-type]
    take(store.quads(predicate=_SUBCLASS))
    scratch = EmbeddedStore.open(None)
    scratch.extend(quads)
    report = validate_store(scratch, data_graphs=[_FOCUS_GRAPH], shapes_path=shapes_path)
    wanted = {term_text(node) for node in nodes}
    violations = [v for v in report.violations if v["focus"] in wanted]
    return ValidationReport(not violations, violations)

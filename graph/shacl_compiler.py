"""Compile the SHACL shapes into SPARQL queries that find violations (used by :mod:`validation`).

Each constraint of a shape becomes one ``SELECT`` returning focus node, value and message; see the
docstring of :mod:`dragonbear.graph.validation` for the supported SHACL Core subset. The value
constraints compile to SPARQL expressions in :mod:`dragonbear.graph.shacl_conditions`; terms, paths
and messages' IRIs are written by :mod:`dragonbear.graph.shacl_terms`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.collection import Collection
from rdflib.term import Literal, Node, URIRef

from dragonbear.errors import LoadError
from dragonbear.graph.shacl_conditions import VALUE_CONSTRAINTS, ValueConditions
from dragonbear.graph.shacl_terms import (
    SHACL,
    TARGETS,
    compact_iris,
    component_iri,
    constraint_parameters,
    is_true,
    path_text,
    sparql_iri,
    sparql_term,
    term_text,
    unsupported,
)
from dragonbear.graph.store import GraphStore
from dragonbear.namespaces import RDF, RDFS, SH

__all__ = ["ConstraintCheck", "GraphUnion", "ShapeCompiler", "SubclassIndex"]

_PROPERTY_CONSTRAINTS = {"minCount", "maxCount", "uniqueLang", "lessThan", "lessThanOrEquals"}
_RDF_TYPE = URIRef(RDF + "type")


@dataclass(frozen=True)
class ConstraintCheck:
    """One constraint of one shape, as a SELECT of ?focus (and ?value when has_value).

    ``guard``, if set, is a cheap ASK that is false when the SELECT cannot return anything.
    """

    shape: str
    path: str
    component: str
    message: str
    query: str
    has_value: bool
    guard: str | None = None


class GraphUnion:
    """Queries over one union of named graphs of a store."""

    def __init__(self, store: GraphStore, graphs: list[str]) -> None:
        self.store, self.graphs = store, graphs

    def select(self, sparql: str) -> ox.QuerySolutions:
        return self.store.select(sparql, default_graph=self.graphs)

    def ask(self, sparql: str) -> bool:
        return self.store.ask(sparql, default_graph=self.graphs)


class SubclassIndex:
    """The classes ``rdfs:subClassOf*`` a class in the validated dataset, looked up once each."""

    def __init__(self, dataset: GraphUnion) -> None:
        self._dataset = dataset
        self._cache: dict[str, list[str]] = {}

    def __call__(self, cls: str) -> list[str]:
        if cls not in self._cache:
            rows = self._dataset.select(f"SELECT DISTINCT ?c WHERE {{ ?c <{RDFS}subClassOf>* <{cls}> }}")
            found = {term_text(r["c"]) for r in rows}
            self._cache[cls] = sorted(found | {cls})
        return self._cache[cls]


class ShapeCompiler:
    """Turns the shapes graph into :class:`ConstraintCheck` queries; raises LoadError on what it cannot compile."""

    def __init__(self, shapes: rdflib.Graph, source: Path, subclasses: Callable[[str], list[str]]) -> None:
        self.g = shapes
        self.source = source
        self.subclasses = subclasses
        self.conditions = ValueConditions(shapes, source, subclasses)

    def checks(self) -> list[ConstraintCheck]:
        shapes = {s for t in TARGETS for s in self.g.subjects(SHACL[t], None)}
        for kind in (rdflib.RDFS.Class, rdflib.OWL.Class):
            for shape in self.g.subjects(_RDF_TYPE, kind):
                if {(shape, _RDF_TYPE, SHACL.NodeShape), (shape, _RDF_TYPE, SHACL.PropertyShape)} & set(self.g):
                    raise unsupported(shape, "targetClass", "implicitly (a shape that is also a class)", self.source)
        result: list[ConstraintCheck] = []
        for shape in sorted(shapes, key=str):
            if self._deactivated(shape):
                continue
            targets = sorted(
                (
                    (str(p)[len(SH) :], o)
                    for p, o in self.g.predicate_objects(shape)
                    if str(p)[len(SH) :] in TARGETS and str(p).startswith(SH)
                ),
                key=str,
            )
            if self.g.value(shape, SHACL.path) is not None:
                result.extend(self._property_checks(shape, shape, targets))
                continue
            result.extend(self._node_checks(shape, targets))
            for prop in sorted(self.g.objects(shape, SHACL.property), key=str):
                if not self._deactivated(prop):
                    result.extend(self._property_checks(prop, shape, targets))
        return result

    def _node_checks(self, shape: Node, targets: list[tuple[str, Node]]) -> Iterator[ConstraintCheck]:
        target = self._target_pattern(targets)
        for name, obj in constraint_parameters(self.g, shape):
            if name not in VALUE_CONSTRAINTS:
                raise unsupported(shape, name, "on a node shape", self.source)
            condition = self.conditions.value_condition(shape, name, obj, "?focus")
            query = (
                f"SELECT DISTINCT ?focus ?value WHERE {{ {{ {target} }} FILTER(!{condition}) BIND(?focus AS ?value) }}"
            )
            message = self._message(shape, name, obj, "")
            yield ConstraintCheck(term_text(shape), "", component_iri(name), message, query, True)

    def _property_checks(self, prop: Node, owner: Node, targets: list[tuple[str, Node]]) -> Iterator[ConstraintCheck]:
        path_node = self.g.value(prop, SHACL.path)
        if path_node is None:
            raise LoadError(f"property shape {term_text(prop)} of {term_text(owner)} has no sh:path", path=self.source)
        path = path_text(self.g, path_node, sparql=True)
        shown = path_text(self.g, path_node)
        shape_name = term_text(prop if isinstance(prop, URIRef) else owner)
        if self.g.value(prop, SHACL.property) is not None:
            raise unsupported(prop, "property", "inside a property shape", self.source)
        for name, obj in constraint_parameters(self.g, prop):
            if name not in _PROPERTY_CONSTRAINTS | VALUE_CONSTRAINTS:
                raise unsupported(prop, name, "on a property shape", self.source)
            if name == "uniqueLang" and not is_true(obj):
                continue
            has_value = name not in ("minCount", "maxCount", "hasValue")
            query = self._property_query(name, obj, prop, path, path_node, targets)
            # maxCount n >= 1 needs a focus node with two values: when no subject has two rows, skip the
            # GROUP BY (a third of the validation time of the SIPRI register).
            guard = (
                f"ASK {{ {{ SELECT (COUNT(*) AS ?_n) (COUNT(DISTINCT ?focus) AS ?_m) "
                f"WHERE {{ ?focus {path} ?_v }} }} FILTER(?_n > ?_m) }}"
                if name == "maxCount" and int(str(obj)) >= 1
                else None
            )
            yield ConstraintCheck(
                shape_name, shown, component_iri(name), self._message(prop, name, obj, shown), query, has_value, guard
            )

    def _property_query(
        self, name: str, obj: Node, prop: Node, path: str, path_node: Node, targets: list[tuple[str, Node]]
    ) -> str:
        """The SELECT for one constraint of a property shape.

        The queries are written for pyoxigraph's planner: MINUS and joins of subqueries run as hash
        joins, and the (costly) target test runs last, on the few violating rows only.
        """
        target = self._target_pattern(targets)
        if (name == "minCount" and int(str(obj)) <= 1) or name == "hasValue":
            wanted = "?_v" if name == "minCount" else sparql_term(obj)
            return f"SELECT DISTINCT ?focus WHERE {{ {{ {target} }} MINUS {{ ?focus {path} {wanted} }} }}"
        if name == "minCount":
            return (
                f"SELECT ?focus WHERE {{ {{ SELECT DISTINCT ?focus WHERE {{ {target} }} }} "
                f"OPTIONAL {{ ?focus {path} ?_v }} }} "
                f"GROUP BY ?focus HAVING (COUNT(DISTINCT ?_v) < {int(str(obj))})"
            )
        if name == "maxCount":
            inner = (
                f"SELECT ?focus WHERE {{ ?focus {path} ?_v }} "
                f"GROUP BY ?focus HAVING (COUNT(DISTINCT ?_v) > {int(str(obj))})"
            )
            projection = "?focus"
        elif name == "uniqueLang":
            inner = (
                f"SELECT ?focus (LANG(?_a) AS ?value) WHERE {{ "
                f"{{ SELECT ?focus ?_a WHERE {{ ?focus {path} ?_a }} }} "
                f"{{ SELECT ?focus ?_b WHERE {{ ?focus {path} ?_b }} }} FILTER(!sameTerm(?_a, ?_b) && "
                f"LANG(?_a) != '' && LCASE(LANG(?_a)) = LCASE(LANG(?_b))) }}"
            )
            projection = "?focus ?value"
        elif name in ("lessThan", "lessThanOrEquals"):
            op = "<" if name == "lessThan" else "<="
            inner = (
                f"SELECT ?focus ?value WHERE {{ "
                f"{{ SELECT ?focus ?value WHERE {{ ?focus {path} ?value }} }} "
                f"{{ SELECT ?focus ?_w WHERE {{ ?focus {sparql_iri(obj)} ?_w }} }} "
                f"FILTER(!COALESCE(?value {op} ?_w, false)) }}"
            )
            projection = "?focus ?value"
        elif name == "class":
            classes = " ".join(sparql_iri(c) for c in self.subclasses(str(obj)))
            inner = (
                f"SELECT ?focus ?value WHERE {{ {{ ?focus {path} ?value }} "
                f"MINUS {{ ?value <{RDF}type> ?_c . VALUES ?_c {{ {classes} }} }} }}"
            )
            projection = "?focus ?value"
        else:
            condition = self.conditions.value_condition(prop, name, obj, "?value")
            inner = f"SELECT ?focus ?value WHERE {{ ?focus {path} ?value FILTER(!{condition}) }}"
            projection = "?focus ?value"
        # A focus node with a value for p is a target of sh:targetSubjectsOf p: no need to check it.
        implied = isinstance(path_node, URIRef) and ("targetSubjectsOf", path_node) in targets
        restrict = "" if implied else f"FILTER EXISTS {{ {target} }}"
        return f"SELECT DISTINCT {projection} WHERE {{ {{ {inner} }} {restrict} }}"

    def _target_pattern(self, targets: list[tuple[str, Node]]) -> str:
        parts = []
        for kind, node in targets:
            if kind == "targetClass":
                classes = " ".join(sparql_iri(c) for c in self.subclasses(str(node)))
                parts.append(f"{{ VALUES ?_tc {{ {classes} }} ?focus <{RDF}type> ?_tc }}")
            elif kind == "targetNode":
                parts.append(f"{{ VALUES ?focus {{ {sparql_term(node)} }} }}")
            elif kind == "targetSubjectsOf":
                parts.append(f"{{ ?focus {sparql_iri(node)} ?_to }}")
            else:
                parts.append(f"{{ ?_ts {sparql_iri(node)} ?focus }}")
        return " UNION ".join(parts)

    def _message(self, shape: Node, name: str, obj: Node, path: str) -> str:
        custom = self.g.value(shape, SHACL.message)
        if custom is not None:
            return str(custom)
        subject = compact_iris(path) if path else "focus node"
        if name == "minCount":
            return f"{subject}: fewer than {obj} value(s)"
        if name == "maxCount":
            return (
                f"{subject}: must not be stated in source data"
                if int(str(obj)) == 0
                else f"{subject}: more than {obj} value(s)"
            )
        if name == "in":
            members = ", ".join(compact_iris(str(m)) for m in Collection(self.g, obj))
            return f"{subject}: value not among {members}"
        if name in ("lessThan", "lessThanOrEquals"):
            return f"{subject}: value not {'<' if name == 'lessThan' else '<='} {compact_iris(str(obj))}"
        if name == "uniqueLang":
            return f"{subject}: more than one value in the same language"
        if name in ("or", "node"):
            return f"{subject}: value matches none of the allowed shapes"
        shown = compact_iris(str(obj)) if not isinstance(obj, Literal) else str(obj)
        return f"{subject}: value does not satisfy sh:{name} {shown}"

    def _deactivated(self, shape: Node) -> bool:
        return is_true(self.g.value(shape, SHACL.deactivated))

"""Compile the SHACL shapes into SPARQL queries that find violations (used by :mod:`validation`).

Each constraint of a shape becomes one ``SELECT`` returning focus node, value and message; see the
docstring of :mod:`dragonbear.graph.validation` for the supported SHACL Core subset.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.collection import Collection
from rdflib.term import BNode, Literal, Node, URIRef

from dragonbear.errors import LoadError
from dragonbear.graph.store import GraphStore
from dragonbear.namespaces import (
    DCTERMS,
    OWL,
    PREFIXES,
    PROV,
    RDF,
    RDFS,
    SCHEMA,
    SH,
    SKOS,
    XSD,
)

SHAPES_NS = "https://w3id.org/dragonbear/shapes#"
_STANDARD_NAMESPACES = (RDF, RDFS, OWL, XSD, SKOS, PROV, DCTERMS, SCHEMA, SH)
_CLASS_KINDS = {OWL + "Class", RDFS + "Class"}
_PROPERTY_KINDS = {RDF + "Property"} | {
    OWL + k
    for k in (
        "ObjectProperty",
        "DatatypeProperty",
        "AnnotationProperty",
        "TransitiveProperty",
        "SymmetricProperty",
        "FunctionalProperty",
        "InverseFunctionalProperty",
    )
}

_sh = rdflib.Namespace(SH)
_TARGETS = ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf")
# sh: parameters that name, describe or organize a shape rather than constrain the data.
_NOT_CONSTRAINTS = {
    *_TARGETS,
    "property",
    "path",
    "name",
    "description",
    "message",
    "severity",
    "order",
    "group",
    "deactivated",
    "defaultValue",
    "flags",
}
# Constraints on each value node alone: they compile to a SPARQL expression, so sh:or and sh:node can
# combine them.
_VALUE_CONSTRAINTS = {
    "datatype",
    "class",
    "nodeKind",
    "in",
    "hasValue",
    "minInclusive",
    "maxInclusive",
    "minExclusive",
    "maxExclusive",
    "pattern",
    "minLength",
    "maxLength",
    "or",
    "node",
}
_PROPERTY_CONSTRAINTS = {"minCount", "maxCount", "uniqueLang", "lessThan", "lessThanOrEquals"}
_COMPARISONS = {"minInclusive": ">=", "maxInclusive": "<=", "minExclusive": ">", "maxExclusive": "<"}
_NODE_KINDS = {
    "IRI": "isIRI({v})",
    "BlankNode": "isBlank({v})",
    "Literal": "isLiteral({v})",
    "BlankNodeOrIRI": "!isLiteral({v})",
    "BlankNodeOrLiteral": "!isIRI({v})",
    "IRIOrLiteral": "!isBlank({v})",
}
# pyoxigraph stores these as xsd:integer; their value ranges.
_INTEGER_TYPES: dict[str, tuple[int | None, int | None]] = {
    "nonNegativeInteger": (0, None),
    "positiveInteger": (1, None),
    "nonPositiveInteger": (None, 0),
    "negativeInteger": (None, -1),
    "long": (-(2**63), 2**63 - 1),
    "int": (-(2**31), 2**31 - 1),
    "short": (-(2**15), 2**15 - 1),
    "byte": (-128, 127),
    "unsignedLong": (0, 2**64 - 1),
    "unsignedInt": (0, 2**32 - 1),
    "unsignedShort": (0, 2**16 - 1),
    "unsignedByte": (0, 255),
}
_NUMERIC_TYPES = {XSD + t for t in ("integer", "decimal", "float", "double")}
# Types whose well-formedness a cast from the lexical form checks.
_CASTABLE_TYPES = {
    XSD + t
    for t in (
        "boolean",
        "date",
        "dateTime",
        "time",
        "gYear",
        "gYearMonth",
        "gMonthDay",
        "gMonth",
        "gDay",
        "duration",
        "dayTimeDuration",
        "yearMonthDuration",
    )
}


# --- compiling shapes to SPARQL ------------------------------------------------------------------

RDF_TYPE = URIRef(RDF + "type")


@dataclass(frozen=True)
class _Check:
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


class _Dataset:
    """Queries over one union of named graphs of a store."""

    def __init__(self, store: GraphStore, graphs: list[str]) -> None:
        self.store, self.graphs = store, graphs

    def select(self, sparql: str) -> ox.QuerySolutions:
        return self.store.select(sparql, default_graph=self.graphs)

    def ask(self, sparql: str) -> bool:
        return self.store.ask(sparql, default_graph=self.graphs)


class _SubclassIndex:
    """The classes ``rdfs:subClassOf*`` a class in the validated dataset, looked up once each."""

    def __init__(self, dataset: _Dataset) -> None:
        self._dataset = dataset
        self._cache: dict[str, list[str]] = {}

    def __call__(self, cls: str) -> list[str]:
        if cls not in self._cache:
            rows = self._dataset.select(f"SELECT DISTINCT ?c WHERE {{ ?c <{RDFS}subClassOf>* <{cls}> }}")
            found = {_term_text(r["c"]) for r in rows}
            self._cache[cls] = sorted(found | {cls})
        return self._cache[cls]


class _ShapeCompiler:
    """Turns the shapes graph into :class:`_Check` queries; raises LoadError on what it cannot compile."""

    def __init__(self, shapes: rdflib.Graph, source: Path, subclasses: Callable[[str], list[str]]) -> None:
        self.g = shapes
        self.source = source
        self.subclasses = subclasses
        self._fresh = 0

    def checks(self) -> list[_Check]:
        shapes = {s for t in _TARGETS for s in self.g.subjects(_sh[t], None)}
        for kind in (rdflib.RDFS.Class, rdflib.OWL.Class):
            for shape in self.g.subjects(RDF_TYPE, kind):
                if {(shape, RDF_TYPE, _sh.NodeShape), (shape, RDF_TYPE, _sh.PropertyShape)} & set(self.g):
                    self._unsupported(shape, "targetClass", "implicitly (a shape that is also a class)")
        result: list[_Check] = []
        for shape in sorted(shapes, key=str):
            if self._deactivated(shape):
                continue
            targets = sorted(
                (
                    (str(p)[len(SH) :], o)
                    for p, o in self.g.predicate_objects(shape)
                    if str(p)[len(SH) :] in _TARGETS and str(p).startswith(SH)
                ),
                key=str,
            )
            if self.g.value(shape, _sh.path) is not None:
                result.extend(self._property_checks(shape, shape, targets))
                continue
            result.extend(self._node_checks(shape, targets))
            for prop in sorted(self.g.objects(shape, _sh.property), key=str):
                if not self._deactivated(prop):
                    result.extend(self._property_checks(prop, shape, targets))
        return result

    def _node_checks(self, shape: Node, targets: list[tuple[str, Node]]) -> Iterator[_Check]:
        target = self._target_pattern(targets)
        for name, obj in self._constraints(shape):
            if name not in _VALUE_CONSTRAINTS:
                self._unsupported(shape, name, "on a node shape")
            condition = self._value_condition(shape, name, obj, "?focus")
            query = (
                f"SELECT DISTINCT ?focus ?value WHERE {{ {{ {target} }} FILTER(!{condition}) BIND(?focus AS ?value) }}"
            )
            message = self._message(shape, name, obj, "")
            yield _Check(_term_text(shape), "", _component(name), message, query, True)

    def _property_checks(self, prop: Node, owner: Node, targets: list[tuple[str, Node]]) -> Iterator[_Check]:
        path_node = self.g.value(prop, _sh.path)
        if path_node is None:
            raise LoadError(
                f"property shape {_term_text(prop)} of {_term_text(owner)} has no sh:path", path=self.source
            )
        path = _path_text(self.g, path_node, sparql=True)
        shown = _path_text(self.g, path_node)
        shape_name = _term_text(prop if isinstance(prop, URIRef) else owner)
        if self.g.value(prop, _sh.property) is not None:
            self._unsupported(prop, "property", "inside a property shape")
        for name, obj in self._constraints(prop):
            if name not in _PROPERTY_CONSTRAINTS | _VALUE_CONSTRAINTS:
                self._unsupported(prop, name, "on a property shape")
            if name == "uniqueLang" and not _true(obj):
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
            yield _Check(
                shape_name, shown, _component(name), self._message(prop, name, obj, shown), query, has_value, guard
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
            wanted = "?_v" if name == "minCount" else _sparql_term(obj)
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
                f"{{ SELECT ?focus ?_w WHERE {{ ?focus {_iri(obj)} ?_w }} }} "
                f"FILTER(!COALESCE(?value {op} ?_w, false)) }}"
            )
            projection = "?focus ?value"
        elif name == "class":
            classes = " ".join(_iri(c) for c in self.subclasses(str(obj)))
            inner = (
                f"SELECT ?focus ?value WHERE {{ {{ ?focus {path} ?value }} "
                f"MINUS {{ ?value <{RDF}type> ?_c . VALUES ?_c {{ {classes} }} }} }}"
            )
            projection = "?focus ?value"
        else:
            condition = self._value_condition(prop, name, obj, "?value")
            inner = f"SELECT ?focus ?value WHERE {{ ?focus {path} ?value FILTER(!{condition}) }}"
            projection = "?focus ?value"
        # A focus node with a value for p is a target of sh:targetSubjectsOf p: no need to check it.
        implied = isinstance(path_node, URIRef) and ("targetSubjectsOf", path_node) in targets
        restrict = "" if implied else f"FILTER EXISTS {{ {target} }}"
        return f"SELECT DISTINCT {projection} WHERE {{ {{ {inner} }} {restrict} }}"

    def _value_condition(self, shape: Node, name: str, obj: Node, var: str, depth: int = 0) -> str:
        """A SPARQL expression that is true when the value in ``var`` satisfies the constraint."""
        if name == "datatype":
            expr = _datatype_condition(str(obj), var)
        elif name == "class":
            self._fresh += 1
            classes = " ".join(_iri(c) for c in self.subclasses(str(obj)))
            class_var = f"?_c{self._fresh}"
            expr = f"EXISTS {{ {var} <{RDF}type> {class_var} . VALUES {class_var} {{ {classes} }} }}"
        elif name == "nodeKind":
            kind = str(obj)[len(SH) :]
            if not str(obj).startswith(SH) or kind not in _NODE_KINDS:
                raise LoadError(f"shape {_term_text(shape)}: unknown sh:nodeKind {obj}", path=self.source)
            expr = _NODE_KINDS[kind].format(v=var)
        elif name == "in":
            members = [f"sameTerm({var}, {_sparql_term(m)})" for m in Collection(self.g, obj)]
            expr = " || ".join(members) or "false"
        elif name == "hasValue":
            expr = f"sameTerm({var}, {_sparql_term(obj)})"
        elif name in _COMPARISONS:
            expr = f"{var} {_COMPARISONS[name]} {_sparql_term(obj)}"
        elif name == "pattern":
            flags = self.g.value(shape, _sh.flags)
            flag_arg = f", {_string(str(flags))}" if flags is not None else ""
            expr = f"!isBlank({var}) && REGEX(STR({var}), {_string(str(obj))}{flag_arg})"
        elif name in ("minLength", "maxLength"):
            op = ">=" if name == "minLength" else "<="
            expr = f"!isBlank({var}) && STRLEN(STR({var})) {op} {int(str(obj))}"
        elif name == "or":
            alternatives = [self._shape_condition(s, var, depth + 1) for s in Collection(self.g, obj)]
            expr = " || ".join(alternatives) or "false"
        else:  # "node"
            expr = self._shape_condition(obj, var, depth + 1)
        return f"COALESCE(({expr}), false)"

    def _shape_condition(self, shape: Node, var: str, depth: int) -> str:
        """A SPARQL expression that is true when the value in ``var`` conforms to ``shape``."""
        if depth > 8:
            raise LoadError(f"shape {_term_text(shape)}: sh:or / sh:node nested too deeply", path=self.source)
        if self.g.value(shape, _sh.path) is not None or self.g.value(shape, _sh.property) is not None:
            self._unsupported(shape, "property", "inside sh:or or sh:node (only value constraints are)")
        parts = []
        for name, obj in self._constraints(shape):
            if name not in _VALUE_CONSTRAINTS:
                self._unsupported(shape, name, "inside sh:or or sh:node")
            parts.append(self._value_condition(shape, name, obj, var, depth))
        return "(" + (" && ".join(parts) or "true") + ")"

    def _constraints(self, shape: Node) -> list[tuple[str, Node]]:
        """The (sh: local name, object) constraint parameters of ``shape``, in a stable order."""
        found = []
        for p, o in self.g.predicate_objects(shape):
            if str(p).startswith(SH) and str(p)[len(SH) :] not in _NOT_CONSTRAINTS:
                found.append((str(p)[len(SH) :], o))
        return sorted(found, key=lambda pair: (pair[0], str(pair[1])))

    def _target_pattern(self, targets: list[tuple[str, Node]]) -> str:
        parts = []
        for kind, node in targets:
            if kind == "targetClass":
                classes = " ".join(_iri(c) for c in self.subclasses(str(node)))
                parts.append(f"{{ VALUES ?_tc {{ {classes} }} ?focus <{RDF}type> ?_tc }}")
            elif kind == "targetNode":
                parts.append(f"{{ VALUES ?focus {{ {_sparql_term(node)} }} }}")
            elif kind == "targetSubjectsOf":
                parts.append(f"{{ ?focus {_iri(node)} ?_to }}")
            else:
                parts.append(f"{{ ?_ts {_iri(node)} ?focus }}")
        return " UNION ".join(parts)

    def _message(self, shape: Node, name: str, obj: Node, path: str) -> str:
        custom = self.g.value(shape, _sh.message)
        if custom is not None:
            return str(custom)
        subject = _compact(path) if path else "focus node"
        if name == "minCount":
            return f"{subject}: fewer than {obj} value(s)"
        if name == "maxCount":
            return (
                f"{subject}: must not be stated in source data"
                if int(str(obj)) == 0
                else f"{subject}: more than {obj} value(s)"
            )
        if name == "in":
            members = ", ".join(_compact(str(m)) for m in Collection(self.g, obj))
            return f"{subject}: value not among {members}"
        if name in ("lessThan", "lessThanOrEquals"):
            return f"{subject}: value not {'<' if name == 'lessThan' else '<='} {_compact(str(obj))}"
        if name == "uniqueLang":
            return f"{subject}: more than one value in the same language"
        if name in ("or", "node"):
            return f"{subject}: value matches none of the allowed shapes"
        shown = _compact(str(obj)) if not isinstance(obj, Literal) else str(obj)
        return f"{subject}: value does not satisfy sh:{name} {shown}"

    def _deactivated(self, shape: Node) -> bool:
        return _true(self.g.value(shape, _sh.deactivated))

    def _unsupported(self, shape: Node, name: str, where: str) -> None:
        raise LoadError(
            f"shape {_term_text(shape)} uses sh:{name} {where}, which the SPARQL validator does "
            f"not compile; add it to graph/validation.py or change the shape",
            path=self.source,
        )


def _datatype_condition(datatype: str, var: str) -> str:
    is_type = f"isLiteral({var}) && sameTerm(DATATYPE({var}), <{datatype}>)"
    if datatype == RDF + "langString":
        return f"isLiteral({var}) && LANG({var}) != ''"
    if datatype.startswith(XSD) and datatype[len(XSD) :] in _INTEGER_TYPES:
        low, high = _INTEGER_TYPES[datatype[len(XSD) :]]
        bounds = (f" && {var} >= {low}" if low is not None else "") + (
            f" && {var} <= {high}" if high is not None else ""
        )
        return f"isLiteral({var}) && sameTerm(DATATYPE({var}), <{XSD}integer>) && isNumeric({var}){bounds}"
    if datatype in _NUMERIC_TYPES:
        return f"{is_type} && isNumeric({var})"
    if datatype in _CASTABLE_TYPES:
        return f"{is_type} && isLiteral(<{datatype}>(STR({var})))"
    return is_type


# --- terms, paths and parsing ----------------------------------------------------------------------


def _path_text(graph: rdflib.Graph, node: Node, *, sparql: bool = False) -> str:
    """A SHACL path as a SPARQL property path; a simple path as its bare IRI unless ``sparql``."""
    if isinstance(node, URIRef):
        return f"<{node}>" if sparql else str(node)
    for kind, template in (
        ("inversePath", "^{}"),
        ("zeroOrMorePath", "{}*"),
        ("oneOrMorePath", "{}+"),
        ("zeroOrOnePath", "{}?"),
    ):
        inner = graph.value(node, _sh[kind])
        if inner is not None:
            return template.format(_wrapped_path(graph, inner))
    alternatives = graph.value(node, _sh.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(_path_text(graph, n, sparql=True) for n in Collection(graph, alternatives)) + ")"
    if graph.value(node, rdflib.RDF.first) is not None:
        return "(" + "/".join(_path_text(graph, n, sparql=True) for n in Collection(graph, node)) + ")"
    raise LoadError(f"unsupported SHACL path {node}")


def _wrapped_path(graph: rdflib.Graph, node: Node) -> str:
    text = _path_text(graph, node, sparql=True)
    return text if isinstance(node, URIRef) or text.startswith("(") else f"({text})"


def _component(name: str) -> str:
    return f"{SH}{name[0].upper()}{name[1:]}ConstraintComponent"


def _true(node: Node | None) -> bool:
    return isinstance(node, Literal) and node.toPython() is True


def _iri(node: Node | str) -> str:
    if isinstance(node, (BNode, Literal)):
        raise LoadError(f"an IRI was expected in the shapes, not {node!r}")
    return f"<{node}>"


def _sparql_term(node: Node) -> str:
    if isinstance(node, Literal):
        if node.language:
            return f"{_string(str(node))}@{node.language}"
        return f"{_string(str(node))}^^<{node.datatype or XSD + 'string'}>"
    return _iri(node)


def _string(text: str) -> str:
    """A SPARQL string literal (JSON escapes are valid SPARQL escapes)."""
    return json.dumps(text)


def _term_text(term: object) -> str:
    """IRIs as their bare text, blank nodes as ``_:id``, literals in N-Triples."""
    if isinstance(term, (ox.NamedNode, URIRef)):
        return str(term.value if isinstance(term, ox.NamedNode) else term)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        return term.n3()
    return str(term)


_COMPACT_PREFIXES = sorted({**PREFIXES, "sh": SH, "dgbsh": SHAPES_NS}.items(), key=lambda item: -len(item[1]))


def _compact(text: str) -> str:
    """Shorten the IRIs in ``text`` (bare, or in angle brackets inside N-Triples or a path) with the
    project's prefixes.

    >>> _compact("^<https://w3id.org/dragonbear/ontology#hasAttestation>")
    '^dgb:hasAttestation'
    """
    if "<" not in text:
        return _curie(text) or text
    return re.sub(r"<([^<>\s]*)>", lambda m: _curie(m.group(1)) or m.group(0), text)


def _curie(iri: str) -> str | None:
    for prefix, ns in _COMPACT_PREFIXES:
        if iri.startswith(ns) and re.fullmatch(r"[\w\-./]*", iri[len(ns) :]):
            return f"{prefix}:{iri[len(ns) :]}"
    return None


def _parse_graph(turtle: str, source: Path | str) -> rdflib.Graph:
    try:
        return rdflib.Graph().parse(data=turtle, format="turtle")
    except Exception as exc:  # rdflib raises assorted exception types for bad Turtle
        raise LoadError(f"cannot parse Turtle: {exc}", path=source) from exc


def _project_ontology_ttl() -> str:
    ontology = resources.files("dragonbear.ontology")
    return "\n".join(
        ontology.joinpath(name).read_text(encoding="utf-8") for name in ("dragonbear.ttl", "vocabularies.ttl")
    )

"""SPARQL expressions for the value constraints of SHACL shapes (what ``sh:or`` and ``sh:node`` combine).

A value constraint (``sh:datatype``, ``sh:class``, ``sh:in``, ``sh:pattern``...) looks at one value
node alone, so it compiles to a SPARQL expression that is true when the value satisfies it; the
checks of :mod:`dragonbear.graph.shacl_compiler` filter on its negation.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import rdflib
from rdflib.collection import Collection
from rdflib.term import Literal, Node

from dragonbear.errors import LoadError
from dragonbear.graph.shacl_terms import (
    SHACL,
    constraint_parameters,
    sparql_iri,
    sparql_string,
    sparql_term,
    term_text,
    unsupported,
)
from dragonbear.namespaces import RDF, SH, XSD

__all__ = ["VALUE_CONSTRAINTS", "ValueConditions"]

# Constraints on each value node alone: they compile to a SPARQL expression, so sh:or and sh:node can
# combine them.
VALUE_CONSTRAINTS = {
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


def _same_term(var: str, node: Node) -> str:
    """A SPARQL expression true when ``var`` is ``node``, written without ``sameTerm``: Virtuoso's
    ``sameTerm`` of a stored term and the same term written in the query is false, for IRIs and for
    literals alike. An IRI is compared with ``=`` (the same test for IRIs); a literal by its text, its
    language and its datatype (``=`` alone would take ``1`` and ``1.0`` as one).

    >>> from rdflib import Literal, URIRef
    >>> _same_term("?v", URIRef("http://e/a"))
    '?v = <http://e/a>'
    >>> _same_term("?v", Literal("a"))
    '(isLiteral(?v) && LANG(?v) = "" && DATATYPE(?v) = <http://www.w3.org/2001/XMLSchema#string> && STR(?v) = "a")'
    """
    if not isinstance(node, Literal):
        return f"{var} = {sparql_term(node)}"
    text = sparql_string(str(node))
    if node.language:
        return f"(isLiteral({var}) && LANG({var}) = {sparql_string(node.language)} && STR({var}) = {text})"
    datatype = node.datatype or XSD + "string"
    return f'(isLiteral({var}) && LANG({var}) = "" && DATATYPE({var}) = <{datatype}> && STR({var}) = {text})'


class ValueConditions:
    """SPARQL expressions for the value constraints of the shapes in ``shapes``.

    Args:
        shapes: the shapes graph.
        source: its file, for errors.
        subclasses: the classes ``rdfs:subClassOf*`` a class (``sh:class`` accepts any of them).
    """

    def __init__(self, shapes: rdflib.Graph, source: Path, subclasses: Callable[[str], list[str]]) -> None:
        self.g = shapes
        self.source = source
        self.subclasses = subclasses
        self._fresh = 0

    def value_condition(self, shape: Node, name: str, obj: Node, var: str, depth: int = 0) -> str:
        """A SPARQL expression that is true when the value in ``var`` satisfies the constraint."""
        if name == "datatype":
            expr = _datatype_condition(str(obj), var)
        elif name == "class":
            self._fresh += 1
            classes = " ".join(sparql_iri(c) for c in self.subclasses(str(obj)))
            class_var = f"?_c{self._fresh}"
            expr = f"EXISTS {{ {var} <{RDF}type> {class_var} . VALUES {class_var} {{ {classes} }} }}"
        elif name == "nodeKind":
            kind = str(obj)[len(SH) :]
            if not str(obj).startswith(SH) or kind not in _NODE_KINDS:
                raise LoadError(f"shape {term_text(shape)}: unknown sh:nodeKind {obj}", path=self.source)
            expr = _NODE_KINDS[kind].format(v=var)
        elif name == "in":
            expr = " || ".join(_same_term(var, m) for m in Collection(self.g, obj)) or "false"
        elif name == "hasValue":
            expr = _same_term(var, obj)
        elif name in _COMPARISONS:
            expr = f"{var} {_COMPARISONS[name]} {sparql_term(obj)}"
        elif name == "pattern":
            flags = self.g.value(shape, SHACL.flags)
            flag_arg = f", {sparql_string(str(flags))}" if flags is not None else ""
            expr = f"!isBlank({var}) && REGEX(STR({var}), {sparql_string(str(obj))}{flag_arg})"
        elif name in ("minLength", "maxLength"):
            op = ">=" if name == "minLength" else "<="
            expr = f"!isBlank({var}) && STRLEN(STR({var})) {op} {int(str(obj))}"
        elif name == "or":
            alternatives = [self.shape_condition(s, var, depth + 1) for s in Collection(self.g, obj)]
            expr = " || ".join(alternatives) or "false"
        else:  # "node"
            expr = self.shape_condition(obj, var, depth + 1)
        return f"COALESCE(({expr}), false)"

    def shape_condition(self, shape: Node, var: str, depth: int) -> str:
        """A SPARQL expression that is true when the value in ``var`` conforms to ``shape``."""
        if depth > 8:
            raise LoadError(f"shape {term_text(shape)}: sh:or / sh:node nested too deeply", path=self.source)
        if self.g.value(shape, SHACL.path) is not None or self.g.value(shape, SHACL.property) is not None:
            raise unsupported(shape, "property", "inside sh:or or sh:node (only value constraints are)", self.source)
        parts = []
        for name, obj in constraint_parameters(self.g, shape):
            if name not in VALUE_CONSTRAINTS:
                raise unsupported(shape, name, "inside sh:or or sh:node", self.source)
            parts.append(self.value_condition(shape, name, obj, var, depth))
        return "(" + (" && ".join(parts) or "true") + ")"


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

"""Terms, paths and parameters of the SHACL shapes, as the SPARQL validator writes and shows them.

Shared by :mod:`dragonbear.graph.shacl_compiler`, :mod:`dragonbear.graph.shacl_conditions` and
:mod:`dragonbear.graph.validation`: SHACL paths as SPARQL property paths, terms as SPARQL and as
text, IRIs shortened with the project's prefixes for messages, a shape's constraint parameters, and
the parsing of the shapes and the ontology.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.collection import Collection
from rdflib.term import BNode, Literal, Node, URIRef

from dragonbear.errors import LoadError
from dragonbear.namespaces import PREFIXES, SH, XSD

__all__ = [
    "SHACL",
    "SHAPES_NS",
    "TARGETS",
    "compact_iris",
    "component_iri",
    "constraint_parameters",
    "is_true",
    "ontology_turtle",
    "parse_turtle",
    "path_text",
    "sparql_iri",
    "sparql_string",
    "sparql_term",
    "term_text",
    "unsupported",
]

SHAPES_NS = "https://w3id.org/dragonbear/shapes#"
SHACL = rdflib.Namespace(SH)
TARGETS = ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf")
# sh: parameters that name, describe or organize a shape rather than constrain the data.
_NOT_CONSTRAINTS = {
    *TARGETS,
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


def path_text(graph: rdflib.Graph, node: Node, *, sparql: bool = False) -> str:
    """A SHACL path as a SPARQL property path; a simple path as its bare IRI unless ``sparql``."""
    if isinstance(node, URIRef):
        return f"<{node}>" if sparql else str(node)
    for kind, template in (
        ("inversePath", "^{}"),
        ("zeroOrMorePath", "{}*"),
        ("oneOrMorePath", "{}+"),
        ("zeroOrOnePath", "{}?"),
    ):
        inner = graph.value(node, SHACL[kind])
        if inner is not None:
            return template.format(_wrapped_path(graph, inner))
    alternatives = graph.value(node, SHACL.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(path_text(graph, n, sparql=True) for n in Collection(graph, alternatives)) + ")"
    if graph.value(node, rdflib.RDF.first) is not None:
        return "(" + "/".join(path_text(graph, n, sparql=True) for n in Collection(graph, node)) + ")"
    raise LoadError(f"unsupported SHACL path {node}")


def _wrapped_path(graph: rdflib.Graph, node: Node) -> str:
    text = path_text(graph, node, sparql=True)
    return text if isinstance(node, URIRef) or text.startswith("(") else f"({text})"


def component_iri(name: str) -> str:
    return f"{SH}{name[0].upper()}{name[1:]}ConstraintComponent"


def is_true(node: Node | None) -> bool:
    return isinstance(node, Literal) and node.toPython() is True


def sparql_iri(node: Node | str) -> str:
    if isinstance(node, (BNode, Literal)):
        raise LoadError(f"an IRI was expected in the shapes, not {node!r}")
    return f"<{node}>"


def sparql_term(node: Node) -> str:
    if isinstance(node, Literal):
        if node.language:
            return f"{sparql_string(str(node))}@{node.language}"
        return f"{sparql_string(str(node))}^^<{node.datatype or XSD + 'string'}>"
    return sparql_iri(node)


def sparql_string(text: str) -> str:
    """A SPARQL string literal (JSON escapes are valid SPARQL escapes)."""
    return json.dumps(text)


def term_text(term: object) -> str:
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


def compact_iris(text: str) -> str:
    """Shorten the IRIs in ``text`` (bare, or in angle brackets inside N-Triples or a path) with the
    project's prefixes.

    >>> compact_iris("^<https://w3id.org/dragonbear/ontology#hasAttestation>")
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


def parse_turtle(turtle: str, source: Path | str) -> rdflib.Graph:
    try:
        return rdflib.Graph().parse(data=turtle, format="turtle")
    except Exception as exc:  # rdflib raises assorted exception types for bad Turtle
        raise LoadError(f"cannot parse Turtle: {exc}", path=source) from exc


def ontology_turtle() -> str:
    ontology = resources.files("dragonbear.ontology")
    return "\n".join(
        ontology.joinpath(name).read_text(encoding="utf-8") for name in ("dragonbear.ttl", "vocabularies.ttl")
    )


def constraint_parameters(graph: rdflib.Graph, shape: Node) -> list[tuple[str, Node]]:
    """The (sh: local name, object) constraint parameters of ``shape``, in a stable order."""
    found = []
    for p, o in graph.predicate_objects(shape):
        if str(p).startswith(SH) and str(p)[len(SH) :] not in _NOT_CONSTRAINTS:
            found.append((str(p)[len(SH) :], o))
    return sorted(found, key=lambda pair: (pair[0], str(pair[1])))


def unsupported(shape: Node, name: str, where: str, source: Path) -> LoadError:
    """The error for a constraint the validator does not compile (``sh:name`` used ``where``)."""
    return LoadError(
        f"shape {term_text(shape)} uses sh:{name} {where}, which the SPARQL validator does "
        f"not compile; add it to graph/validation.py or change the shape",
        path=source,
    )

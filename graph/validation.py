"""Validation of the graph against the project's SHACL shapes, fast enough for the whole SIPRI register.

pySHACL walks the data node by node in Python and takes minutes on the ~1M triples of the SIPRI
register. :func:`validate_store` instead compiles every constraint of ``ontology/shapes.ttl`` into one
SPARQL ``SELECT`` that returns the violating focus nodes (and values), and runs it on pyoxigraph over
the union of the data graphs and the ontology graph. The ontology is mixed in as pySHACL's
``ont_graph`` is: instances of subclasses are targets, values typed with a subclass satisfy
``sh:class``, and the concepts of the vocabularies are validated too. The derived graph that the build
materializes is never validated. :func:`validate_with_pyshacl` runs pySHACL on the same shapes; the
tests check that both report the same violations.

Supported SHACL Core: targets ``sh:targetClass`` (with ``rdfs:subClassOf*``), ``sh:targetNode``,
``sh:targetSubjectsOf``, ``sh:targetObjectsOf``; paths made of IRIs, ``sh:inversePath``,
``sh:alternativePath``, sequences and the ``sh:zeroOrMorePath`` family; constraints ``sh:minCount``,
``sh:maxCount``, ``sh:datatype``, ``sh:class``, ``sh:nodeKind``, ``sh:in``, ``sh:hasValue``,
``sh:minInclusive``, ``sh:maxInclusive``, ``sh:minExclusive``, ``sh:maxExclusive``, ``sh:pattern``
(with ``sh:flags``), ``sh:minLength``, ``sh:maxLength``, ``sh:uniqueLang``, ``sh:lessThan``,
``sh:lessThanOrEquals``, and ``sh:or`` / ``sh:node`` over shapes made of the value constraints.
Any other ``sh:`` parameter raises :class:`~dragonbear.errors.LoadError`, so that no constraint of
the shapes goes unchecked. Every result counts as a violation, whatever its ``sh:severity``.

One difference from pySHACL is deliberate: pyoxigraph stores every integer-derived datatype
(``xsd:nonNegativeInteger``, ``xsd:int`` ...) as ``xsd:integer``, so ``sh:datatype`` of such a type is
checked as "an ``xsd:integer`` in the type's value range".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import rdflib

from dragonbear.errors import UsageError, ValidationError
from dragonbear.graph.shacl_compiler import GraphUnion, ShapeCompiler, SubclassIndex
from dragonbear.graph.shacl_terms import SHACL, compact_iris, ontology_turtle, parse_turtle, path_text, term_text
from dragonbear.graph.store import GraphStore
from dragonbear.namespaces import (
    DCTERMS,
    GEO,
    GRAPH_DERIVED,
    GRAPH_ONTOLOGY,
    OWL,
    PROV,
    RDF,
    RDFS,
    SCHEMA,
    SH,
    SKOS,
    XSD,
)

__all__ = [
    "ValidationReport",
    "default_shapes_path",
    "undeclared_terms",
    "validate_store",
    "validate_with_pyshacl",
]

_STANDARD_NAMESPACES = (RDF, RDFS, OWL, XSD, SKOS, PROV, DCTERMS, SCHEMA, SH, GEO)
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


def default_shapes_path() -> Path:
    """Return the path of the project's shapes, ``ontology/shapes.ttl``."""
    return Path(str(resources.files("dragonbear.ontology").joinpath("shapes.ttl")))


@dataclass
class ValidationReport:
    """The outcome of a validation.

    Attributes:
        conforms: true when there is no violation.
        violations: one dict per result with keys ``focus`` (IRI, or ``_:id``), ``path`` (the IRI of a
            simple path, SPARQL syntax for others, empty for a node constraint), ``value`` (N-Triples,
            or empty), ``constraint`` (the IRI of the SHACL constraint component), ``message`` and
            ``shape``.
    """

    conforms: bool
    violations: list[dict[str, str]] = field(default_factory=list)

    def text(self, limit: int = 20) -> str:
        """Describe the violations in lines a person can read, at most ``limit`` of them.

        >>> ValidationReport(True, []).text()
        'Conforms: no SHACL violations.'
        """
        if self.conforms:
            return "Conforms: no SHACL violations."
        lines = [f"{len(self.violations)} SHACL violation(s):"]
        for v in self.violations[:limit]:
            value = f" (value {compact_iris(v['value'])})" if v["value"] else ""
            lines.append(f"- {v['focus']}: {v['message']}{value}")
        if len(self.violations) > limit:
            lines.append(f"... and {len(self.violations) - limit} more")
        return "\n".join(lines)

    def raise_for_violations(self) -> None:
        """Raise :class:`~dragonbear.errors.ValidationError` carrying the violations, if there are any."""
        if not self.conforms:
            raise ValidationError(self.text(), self.violations)


def validate_store(
    store: GraphStore,
    *,
    data_graphs: list[str] | None = None,
    ontology_graph: str | None = GRAPH_ONTOLOGY,
    shapes_path: Path | None = None,
) -> ValidationReport:
    """Validate the union of named graphs of ``store`` against the SHACL shapes, in SPARQL.

    Args:
        store: the store holding the data and ontology graphs.
        data_graphs: IRIs of the graphs to validate; by default every named graph except the
            ontology graph and the derived graph.
        ontology_graph: IRI of the graph holding ``dragonbear.ttl`` and ``vocabularies.ttl``, mixed
            into the validated data for subclass and concept lookups; None for none.
        shapes_path: the shapes file; by default ``ontology/shapes.ttl``.

    Returns:
        The report; call :meth:`ValidationReport.raise_for_violations` to turn violations into an error.

    Raises:
        LoadError: the shapes do not parse, or use a constraint this validator does not compile.

    >>> from dragonbear.graph.store import EmbeddedStore
    >>> validate_store(EmbeddedStore.open(None), data_graphs=[], ontology_graph=None).conforms
    True
    """
    if data_graphs is None:
        named = store.graphs()
        data_graphs = sorted(g for g in named if g not in {ontology_graph, GRAPH_DERIVED})
    graphs = [*data_graphs, *([ontology_graph] if ontology_graph else [])]
    if not graphs:
        return ValidationReport(True, [])
    dataset = GraphUnion(store, graphs)
    path = shapes_path or default_shapes_path()
    subclasses = SubclassIndex(dataset)
    checks = ShapeCompiler(parse_turtle(path.read_text(encoding="utf-8"), path), path, subclasses).checks()
    violations = []
    for check in checks:
        if check.guard and not dataset.ask(check.guard):
            continue
        for row in dataset.select(check.query):
            value = row["value"] if check.has_value else None
            violations.append(
                {
                    "focus": term_text(row["focus"]),
                    "path": check.path,
                    "value": str(value) if value is not None else "",
                    "constraint": check.component,
                    "message": check.message,
                    "shape": check.shape,
                }
            )
    violations.sort(key=lambda v: (v["focus"], v["path"], v["constraint"], v["value"]))
    return ValidationReport(not violations, violations)


def validate_with_pyshacl(
    data_ttl: str, shapes_path: Path | None = None, ontology_ttl: str | None = None
) -> ValidationReport:
    """Validate Turtle with pySHACL: the reference implementation, for tests and small graphs.

    Args:
        data_ttl: the data, in Turtle.
        shapes_path: the shapes file; by default ``ontology/shapes.ttl``.
        ontology_ttl: the ontology to mix in, in Turtle; by default the project's ontology and
            vocabularies.

    Raises:
        LoadError: the data, ontology or shapes do not parse.
        UsageError: pySHACL is not installed (it is an optional dependency: ``dragonbear[shacl]``).
    """
    try:
        import pyshacl  # optional, slow to import, and needed only here
    except ImportError:
        raise UsageError("pySHACL is not installed: pip install 'dragonbear[shacl]'") from None

    path = shapes_path or default_shapes_path()
    shapes = parse_turtle(path.read_text(encoding="utf-8"), path)
    if ontology_ttl is None:
        ontology_ttl = ontology_turtle()
    ontology = parse_turtle(ontology_ttl, "<ontology>")
    _, results, _ = pyshacl.validate(
        parse_turtle(data_ttl, "<data>"),
        shacl_graph=shapes,
        ont_graph=ontology,
        inference="none",
        advanced=False,
        allow_warnings=False,
    )
    assert isinstance(results, rdflib.Graph)
    violations = []
    # Only the report's own results: sh:detail results of sh:node and sh:or are typed alike.
    for result in results.objects(None, SHACL.result):
        path_node = results.value(result, SHACL.resultPath)
        path_graph = results if (path_node, None, None) in results else shapes
        value = results.value(result, SHACL.value)
        violations.append(
            {
                "focus": term_text(results.value(result, SHACL.focusNode)),
                "path": path_text(path_graph, path_node) if path_node is not None else "",
                "value": value.n3() if value is not None else "",
                "constraint": str(results.value(result, SHACL.sourceConstraintComponent)),
                "message": str(results.value(result, SHACL.resultMessage) or ""),
                "shape": str(results.value(result, SHACL.sourceShape)),
            }
        )
    violations.sort(key=lambda v: (v["focus"], v["path"], v["constraint"], v["value"]))
    return ValidationReport(not violations, violations)


def undeclared_terms(store: GraphStore, *, data_graphs: list[str], ontology_graphs: list[str]) -> list[str]:
    """List the classes and predicates used in ``data_graphs`` that nothing declares.

    A class (object of ``rdf:type``) must be declared an ``owl:Class`` or ``rdfs:Class``, a predicate a
    property, in ``ontology_graphs``, unless it belongs to a standard vocabulary (RDF, RDFS, OWL, XSD,
    SKOS, PROV, Dublin Core terms, schema.org, SHACL, W3C Basic Geo).

    Returns:
        The IRIs, sorted.
    """
    if not data_graphs:
        return []
    used = GraphUnion(store, data_graphs).select(
        f"SELECT DISTINCT ?term ?role WHERE {{ {{ ?s ?term ?o BIND('p' AS ?role) }} "
        f"UNION {{ ?s <{RDF}type> ?term BIND('c' AS ?role) }} }}"
    )
    declared: dict[str, set[str]] = {"c": set(), "p": set()}
    if ontology_graphs:
        kinds = GraphUnion(store, ontology_graphs).select(
            f"SELECT DISTINCT ?term ?kind WHERE {{ ?term <{RDF}type> ?kind }}"
        )
        for row in kinds:
            kind = term_text(row["kind"])
            if kind in _CLASS_KINDS:
                declared["c"].add(term_text(row["term"]))
            elif kind in _PROPERTY_KINDS:
                declared["p"].add(term_text(row["term"]))
    missing = {term_text(row["term"]) for row in used if term_text(row["term"]) not in declared[row["role"].value]}
    return sorted(t for t in missing if not t.startswith(_STANDARD_NAMESPACES))

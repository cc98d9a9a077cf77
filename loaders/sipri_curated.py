"""What the relations read from SIPRI's comments need of the curated graph: names and statements.

:func:`curated_context` indexes the curated quads once: the names of curated systems (with their
variants and bases), and the derivations and component fits curated records state, each with its
attestations. :mod:`dragonbear.loaders.sipri_relations` resolves names against it first and attests
a curated statement instead of writing a second one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from dragonbear.namespaces import DGB, RDF, RDFS, SKOS

__all__ = ["CuratedContext", "CuratedStatement", "curated_context"]


@dataclass
class CuratedStatement:
    """A curated derivation or fit: its ends, values and attestations (IRI -> source IRI, locators)."""

    iri: str
    kind: str | None = None
    units: int | None = None
    start: int | None = None  # start year
    attestations: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class CuratedContext:
    """What the relation writer needs of the curated graph: system names and statements."""

    names: list[tuple[str, str]] = field(default_factory=list)  # (name, system IRI)
    relatives: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # variants and bases
    derivations: dict[tuple[str, str], CuratedStatement] = field(default_factory=dict)  # (derived, source)
    fits: dict[tuple[str, str], CuratedStatement] = field(default_factory=dict)  # (platform, component)


_NAME_PREDICATES = {
    RDFS + "label",
    SKOS + "prefLabel",
    SKOS + "altLabel",
    SKOS + "hiddenLabel",
    DGB + "designation",
    DGB + "natoReportingName",
}


def curated_context(quads: Iterable[ox.Quad]) -> CuratedContext:
    """Index curated quads: names of systems, derivations by (derived, source), fits by (platform, component).

    >>> curated_context([]).names
    []
    """
    by_subject: dict[str, dict[str, list[ox.NamedNode | ox.Literal | ox.BlankNode]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for quad in quads:
        by_subject[quad.subject.value][quad.predicate.value].append(quad.object)  # type: ignore[union-attr, arg-type]
    context = CuratedContext()
    system = DGB + "SystemModel"
    for subject, props in by_subject.items():
        types = {o.value for o in props.get(RDF + "type", [])}
        if system in types:
            context.names.append((subject.rsplit("/", 1)[-1], subject))  # the id: "mig-21"
            for predicate in _NAME_PREDICATES:
                context.names += [(o.value, subject) for o in props.get(predicate, [])]
            for base in props.get(DGB + "variantOf", []):
                context.relatives[subject].add(base.value)
                context.relatives[base.value].add(subject)

        def first(p: str, props: dict[str, list[ox.NamedNode | ox.BlankNode | ox.Literal]] = props) -> str | None:
            return props[p][0].value if props.get(p) else None

        atts = {
            o.value: [loc.value for loc in by_subject.get(o.value, {}).get(DGB + "locator", [])]
            + [src.value for src in by_subject.get(o.value, {}).get(DGB + "source", [])]
            for o in props.get(DGB + "hasAttestation", [])
        }
        derived, source = first(DGB + "derivedSystem"), first(DGB + "sourceSystem")
        if derived and source:
            start = first(DGB + "startYear")
            context.derivations[(derived, source)] = CuratedStatement(
                subject, first(DGB + "derivationKind"), start=int(start) if start else None, attestations=atts
            )
        platform, component = first(DGB + "platform"), first(DGB + "component")
        if platform and component:
            units = first(DGB + "fittedUnits")
            start = first(DGB + "startYear")
            context.fits[(platform, component)] = CuratedStatement(
                subject, units=int(units) if units else None, start=int(start) if start else None, attestations=atts
            )
    return context

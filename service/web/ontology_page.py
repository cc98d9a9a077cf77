"""The documentation page of the ontology (``/ontology``) and its RDF.

The page lists the classes, properties and concept schemes (with their concepts) of the
``dgb:`` namespace, each under an anchor named by its local name, so that a term's IRI
``https://w3id.org/dragonbear/ontology#SystemModel`` lands on its entry as ``/ontology#SystemModel``.
"""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox

from dragonbear.graph.store import GraphStore
from dragonbear.namespaces import DCTERMS, DGB, GRAPH_ONTOLOGY, ONTOLOGY_IRI, OWL, PREFIXES, RDF, RDFS, SKOS
from dragonbear.service.web.layout import esc, iri_link, page, short_iri

__all__ = ["ontology_html", "ontology_triples"]

Description = dict[str, list[ox.NamedNode | ox.BlankNode | ox.Literal]]

_KINDS = (
    ("classes", "Classes", (OWL + "Class",)),
    ("object-properties", "Object properties", (OWL + "ObjectProperty",)),
    ("datatype-properties", "Datatype properties", (OWL + "DatatypeProperty",)),
    ("annotation-properties", "Annotation properties", (OWL + "AnnotationProperty",)),
    ("concept-schemes", "Concept schemes", (SKOS + "ConceptScheme",)),
)
_SHOWN = (
    (RDFS + "subClassOf", "subclass of"),
    (RDFS + "subPropertyOf", "subproperty of"),
    (RDFS + "domain", "domain"),
    (RDFS + "range", "range"),
    (OWL + "inverseOf", "inverse of"),
    (SKOS + "broader", "broader"),
    (DGB + "shortcutProperty", "shortcut property"),
    (SKOS + "exactMatch", "same as"),
    (SKOS + "closeMatch", "close to"),
    (OWL + "equivalentClass", "equivalent class"),
    (OWL + "equivalentProperty", "equivalent property"),
)


def ontology_triples(store: GraphStore) -> list[ox.Triple]:
    """Every triple of the ontology graph (the ontology, its vocabularies and alignment)."""
    query = f"SELECT ?s ?p ?o WHERE {{ GRAPH {ox.NamedNode(GRAPH_ONTOLOGY)} {{ ?s ?p ?o }} }}"
    return [ox.Triple(r["s"], r["p"], r["o"]) for r in store.select(query)]


def _describe(triples: list[ox.Triple]) -> dict[str, Description]:
    terms: dict[str, Description] = defaultdict(lambda: defaultdict(list))
    for t in triples:
        if isinstance(t.subject, ox.NamedNode):
            terms[t.subject.value][t.predicate.value].append(t.object)  # type: ignore[arg-type]
    return terms


def _text(desc: Description, *props: str) -> str:
    for prop in props:
        values = [v for v in desc.get(prop, []) if isinstance(v, ox.Literal)]
        english = [v for v in values if v.language in (None, "", "en")]
        if english or values:
            return (english or values)[0].value
    return ""


def _term_link(iri: str, terms: dict[str, Description]) -> str:
    if iri.startswith(DGB):
        label = _text(terms.get(iri, {}), RDFS + "label", SKOS + "prefLabel")
        return f'<a href="#{esc(iri[len(DGB) :])}" title="{esc(label)}">{esc(short_iri(iri))}</a>'
    return iri_link(iri)


def _entry(iri: str, terms: dict[str, Description]) -> str:
    desc = terms[iri]
    local = iri[len(DGB) :]
    label = _text(desc, RDFS + "label", SKOS + "prefLabel")
    definition = _text(desc, SKOS + "definition", RDFS + "comment")
    rows = [f"<dt>IRI</dt><dd><code>{esc(iri)}</code></dd>"]
    if definition:
        rows.append(f"<dt>definition</dt><dd>{esc(definition)}</dd>")
    extra_types = sorted(
        t.value
        for t in desc.get(RDF + "type", [])
        if isinstance(t, ox.NamedNode)
        and t.value in (OWL + "TransitiveProperty", OWL + "SymmetricProperty", OWL + "FunctionalProperty")
    )
    if extra_types:
        rows.append("<dt>characteristics</dt><dd>" + ", ".join(esc(short_iri(t)) for t in extra_types) + "</dd>")
    for prop, name in _SHOWN:
        values = sorted(v.value for v in desc.get(prop, []) if isinstance(v, ox.NamedNode))
        if values:
            rows.append(f"<dt>{esc(name)}</dt><dd>" + ", ".join(_term_link(v, terms) for v in values) + "</dd>")
    return (
        f'<section class="term" id="{esc(local)}"><h3>{esc(label or local)} '
        f'<span class="muted"><code>dgb:{esc(local)}</code></span></h3><dl class="term">{"".join(rows)}</dl>'
        "</section>"
    )


def _of_type(terms: dict[str, Description], types: tuple[str, ...]) -> list[str]:
    found = [
        iri
        for iri, desc in terms.items()
        if iri.startswith(DGB)
        and any(isinstance(t, ox.NamedNode) and t.value in types for t in desc.get(RDF + "type", []))
    ]
    return sorted(found, key=lambda i: i[len(DGB) :].casefold())


def ontology_html(store: GraphStore) -> str:
    """The documentation page of the ontology as a whole HTML document."""
    terms = _describe(ontology_triples(store))
    head = terms.get(ONTOLOGY_IRI, {})
    title = _text(head, DCTERMS + "title") or "Dragonbear ontology"
    intro = [
        f"<h1>{esc(title)}</h1>",
        f'<p class="note">{esc(_text(head, DCTERMS + "description"))}</p>',
        (
            f"<p>Namespace <code>{esc(DGB)}</code> (prefix <code>dgb:</code>); version "
            f"{esc(_text(head, OWL + 'versionInfo'))}. Also as "
            '<a href="/ontology?format=turtle">Turtle</a>, '
            '<a href="/ontology?format=jsonld">JSON-LD</a>, '
            '<a href="/ontology?format=ntriples">N-Triples</a>.</p>'
        ),
    ]
    toc, sections = [], []
    for anchor, heading, types in _KINDS:
        members = _of_type(terms, types)
        if not members:
            continue
        toc.append(f'<li><a href="#{anchor}">{esc(heading)}</a> ({len(members)})</li>')
        body = []
        for iri in members:
            body.append(_entry(iri, terms))
            if anchor == "concept-schemes":
                concepts = sorted(
                    (
                        c
                        for c, d in terms.items()
                        if any(isinstance(s, ox.NamedNode) and s.value == iri for s in d.get(SKOS + "inScheme", []))
                    ),
                    key=lambda c: _text(terms[c], SKOS + "prefLabel", RDFS + "label").casefold(),
                )
                if concepts:
                    body.append(
                        '<div style="margin-left:2rem">' + "".join(_entry(c, terms) for c in concepts) + "</div>"
                    )
        sections.append(f'<h2 id="{anchor}">{esc(heading)}</h2>' + "".join(body))
    prefixes = ", ".join(f"<code>{esc(p)}:</code>" for p in PREFIXES)
    content = (
        "".join(intro)
        + f"<ul>{''.join(toc)}</ul>"
        + "".join(sections)
        + f'<p class="muted">Prefixes predeclared in queries: {prefixes}.</p>'
    )
    return page(title, content)

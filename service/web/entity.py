"""What the web page of an entity shows, read from the store: names, types, links, properties,
claims with their sources, transfers, conflicts; and the triples an RDF client gets for it.

The claims come from the ``claims`` canned query and the conflicts from the ``conflicts`` one, so the
page and the command line agree on what is said about an entity.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from dragonbear.graph.store import GraphStore
from dragonbear.namespaces import DGB, GRAPH_DERIVED, OWL, RDF, RDFS, SCHEMA, SKOS
from dragonbear.queries.catalogue import CannedQuery
from dragonbear.service.web.examples import bind_values

__all__ = ["ROW_LIMIT", "EntityView", "Row", "entity_exists", "entity_triples", "labels_of", "read_entity"]

Row = dict[str, ox.NamedNode | ox.BlankNode | ox.Literal | None]
ROW_LIMIT = 200

NAME_PROPERTIES = {
    SKOS + "prefLabel": "preferred name",
    RDFS + "label": "label",
    SKOS + "altLabel": "other name",
    SKOS + "hiddenLabel": "search spelling",
    DGB + "natoReportingName": "NATO reporting name",
    DGB + "designation": "designation",
    DGB + "sipriDesignation": "SIPRI designation",
    DGB + "sipriName": "SIPRI name",
}
LINK_PROPERTIES = {
    SKOS + "exactMatch": "same as",
    SKOS + "closeMatch": "close to",
    OWL + "sameAs": "same as",
    SCHEMA + "sameAs": "same as",
}

_SUBJECT_QUERY = f"""
SELECT DISTINCT ?e ?p ?o ?asserted WHERE {{
  ?e ?p ?o .
  BIND(EXISTS {{ GRAPH ?g {{ ?e ?p ?o }} FILTER(?g != {ox.NamedNode(GRAPH_DERIVED)}) }} AS ?asserted)
}}"""
_ATTESTATIONS_QUERY = "SELECT DISTINCT ?e ?s ?p ?o WHERE { ?e dgb:hasAttestation ?s . ?s ?p ?o }"
_TRANSFER_PATTERN = """
  { ?transfer dgb:supplier ?e } UNION { ?transfer dgb:recipient ?e } UNION { ?transfer dgb:transferredSystem ?e }
  ?transfer a dgb:ArmsTransfer ; dgb:supplier ?supplier ; dgb:recipient ?recipient ; dgb:transferredSystem ?system .
"""
_TRANSFERS_QUERY = f"""
SELECT DISTINCT ?e ?transfer ?supplier ?recipient ?system ?orderYear ?quantityOrdered ?quantityDelivered
       ?deliveryStartYear ?deliveryEndYear ?status WHERE {{
  {_TRANSFER_PATTERN}
  OPTIONAL {{ ?transfer dgb:orderYear ?orderYear }}
  OPTIONAL {{ ?transfer dgb:quantityOrdered ?quantityOrdered }}
  OPTIONAL {{ ?transfer dgb:quantityDelivered ?quantityDelivered }}
  OPTIONAL {{ ?transfer dgb:deliveryStartYear ?deliveryStartYear }}
  OPTIONAL {{ ?transfer dgb:deliveryEndYear ?deliveryEndYear }}
  OPTIONAL {{ ?transfer dgb:transferStatus/skos:prefLabel ?status }}
}} ORDER BY ?orderYear ?deliveryStartYear ?transfer LIMIT {ROW_LIMIT}"""
_TRANSFER_COUNT_QUERY = f"SELECT ?e (COUNT(DISTINCT ?transfer) AS ?n) WHERE {{ {_TRANSFER_PATTERN} }} GROUP BY ?e"


@dataclass
class EntityView:
    """Everything the page of one entity shows."""

    iri: str
    label: str
    names: list[tuple[str, ox.Literal]] = field(default_factory=list)  # (what, name)
    types: list[str] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)  # (relation, IRI)
    properties: list[tuple[str, ox.NamedNode | ox.BlankNode | ox.Literal, bool]] = field(default_factory=list)
    claims: list[Row] = field(default_factory=list)
    claim_count: int = 0
    transfers: list[Row] = field(default_factory=list)
    transfer_count: int = 0
    conflicts: list[Row] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def is_system(self) -> bool:
        """True for a system model (which has a lineage)."""
        return DGB + "SystemModel" in self.types

    def label_of(self, iri: str) -> str | None:
        """The English label of ``iri``, if the store has one."""
        return self.labels.get(iri)


def _rows(result: object) -> list[Row]:
    if not isinstance(result, ox.QuerySolutions):
        return []
    names = result.variables
    return [{v.value: sol[v] for v in names} for sol in result]


def labels_of(store: GraphStore, iris: Iterable[str]) -> dict[str, str]:
    """English (or untagged) labels of ``iris``: rdfs:label, else skos:prefLabel, else dcterms:title."""
    wanted = sorted({i for i in iris if i})
    labels: dict[str, str] = {}
    for start in range(0, len(wanted), 400):
        terms = " ".join(str(ox.NamedNode(i)) for i in wanted[start : start + 400])
        query = (
            "SELECT ?s (SAMPLE(?l) AS ?label) WHERE { VALUES ?s { " + terms + " } "
            "VALUES ?p { rdfs:label skos:prefLabel dcterms:title } ?s ?p ?l "
            'FILTER(LANG(?l) = "en" || LANG(?l) = "") } GROUP BY ?s'
        )
        for row in _rows(store.select(query)):
            if row["s"] is not None and row["label"] is not None:
                labels[row["s"].value] = row["label"].value
    return labels


def entity_exists(store: GraphStore, iri: str) -> bool:
    """True when the store holds a triple with ``iri`` as subject."""
    return store.ask(bind_values("ASK WHERE { ?e ?p ?o }", {"e": ox.NamedNode(iri)}))


def entity_triples(store: GraphStore, iri: str) -> list[ox.Triple]:
    """The description an RDF client gets: every triple with ``iri`` as subject, and every triple
    of the attestation nodes of its statements (the sources, locators and stances of its description)."""
    node = ox.NamedNode(iri)
    bound = {"e": node}
    triples = [
        ox.Triple(node, r["p"], r["o"])  # type: ignore[arg-type]
        for r in _rows(store.select(bind_values("SELECT DISTINCT ?e ?p ?o WHERE { ?e ?p ?o }", bound)))
    ]
    triples += [
        ox.Triple(r["s"], r["p"], r["o"])  # type: ignore[arg-type]
        for r in _rows(store.select(bind_values(_ATTESTATIONS_QUERY, bound)))
    ]
    return triples


def read_entity(store: GraphStore, iri: str, catalogue: dict[str, CannedQuery]) -> EntityView | None:
    """Read the page of ``iri`` from the store; None when the store says nothing about it."""
    node = ox.NamedNode(iri)
    rows = _rows(store.select(bind_values(_SUBJECT_QUERY, {"e": node})))
    if not rows:
        return None
    view = EntityView(iri, iri)
    for row in rows:
        p, o = row["p"].value, row["o"]  # type: ignore[union-attr]
        asserted = isinstance(row["asserted"], ox.Literal) and row["asserted"].value == "true"
        if p in NAME_PROPERTIES and isinstance(o, ox.Literal):
            view.names.append((NAME_PROPERTIES[p], o))
        elif p == RDF + "type" and isinstance(o, ox.NamedNode):
            view.types.append(o.value)
        elif p in LINK_PROPERTIES and isinstance(o, ox.NamedNode):
            view.links.append((LINK_PROPERTIES[p], o.value))
        elif o is not None:
            view.properties.append((p, o, asserted))
    order = list(NAME_PROPERTIES.values())
    view.names.sort(key=lambda n: (order.index(n[0]), n[1].language or "", n[1].value))
    view.types.sort()
    view.properties.sort(key=lambda t: (not t[2], t[0], str(t[1])))
    claims = _rows(store.select(bind_values(catalogue["claims"].sparql, {"entity": node})))
    view.claim_count = len(claims)
    view.transfers = _rows(store.select(bind_values(_TRANSFERS_QUERY, {"e": node})))
    counted = _rows(store.select(bind_values(_TRANSFER_COUNT_QUERY, {"e": node})))
    view.transfer_count = int(counted[0]["n"].value) if counted and counted[0]["n"] is not None else 0
    statements = {r["statement"].value for r in claims if r["statement"] is not None} | {iri}
    view.claims = claims[:ROW_LIMIT]
    for row in _rows(store.select(catalogue["conflicts"].sparql)):
        side = row["side"].value.split("#", 1)[0] if row["side"] is not None else ""
        concerns = row["concerns"].value if row["concerns"] is not None else ""
        if concerns == iri or side in statements:
            view.conflicts.append(row)
    view.conflicts = _dedupe(view.conflicts, ("conflict", "side", "source"))
    referenced = {iri, *view.types, *(p for p, _o, _a in view.properties)}
    referenced |= {o.value for _p, o, _a in view.properties if isinstance(o, ox.NamedNode)}
    for row in view.transfers + view.claims + view.conflicts:
        referenced |= {t.value for t in row.values() if isinstance(t, ox.NamedNode)}
    view.labels = labels_of(store, referenced)
    names = [n for what, n in view.names if what in ("preferred name", "label")]
    english = [n.value for n in names if n.language in ("en", None, "")]
    view.label = view.labels.get(iri) or (english[0] if english else names[0].value if names else iri)
    return view


def _dedupe(rows: list[Row], keys: tuple[str, ...]) -> list[Row]:
    seen: set[tuple[str, ...]] = set()
    out = []
    for row in rows:
        key = tuple(str(row.get(k)) for k in keys)
        if key not in seen:
            seen.add(key)
            out.append(row)
    return out

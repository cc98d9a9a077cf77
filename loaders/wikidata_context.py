"""What the Wikidata loader needs to know of the graph: which items are linked, and the curated facts.

The queries that read it are here (:data:`LINK_QUERIES`); :func:`dragonbear.pipeline.wikidata.read_link_context`
runs them on the store, so that the loader itself never touches one.

Read once from the store before an import (the Wikidata graph itself is left out, so a reload never
compares Wikidata with its own earlier import).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dragonbear.namespaces import GRAPH_DERIVED, GRAPH_ONTOLOGY, GRAPH_WIKIDATA, WD

__all__ = ["LINK_QUERIES", "LinkContext"]

_LINKS = f"""
SELECT DISTINCT ?entity ?item WHERE {{
  GRAPH ?g {{ ?entity skos:exactMatch ?item }}
  FILTER(?g != <{GRAPH_WIKIDATA}> && ?g != <{GRAPH_DERIVED}> && ?g != <{GRAPH_ONTOLOGY}>)
  FILTER(isIRI(?entity) && STRSTARTS(STR(?item), "{WD}"))
}}"""
_NAMES = f"""
SELECT ?entity ?name WHERE {{
  ?entity skos:exactMatch ?item FILTER(STRSTARTS(STR(?item), "{WD}"))
  VALUES ?p {{ rdfs:label skos:prefLabel skos:altLabel skos:hiddenLabel }}
  ?entity ?p ?name .
}}"""
_LABELS = "SELECT ?entity ?label WHERE { ?entity rdfs:label ?label FILTER(LANGMATCHES(LANG(?label), 'en') || LANG(?label) = '') }"
_CURATED_VALUES = """
SELECT ?entity ?prop ?value WHERE {
  VALUES ?prop { dgb:countryOfOrigin dgb:manufacturer dgb:serviceEntry }
  { ?entity ?prop ?value }
  UNION
  { ?claim dgb:claimSubject ?entity ; dgb:claimPredicate ?prop .
    { ?claim dgb:claimObject ?value } UNION { ?claim dgb:serviceEntry ?value }
    FILTER NOT EXISTS { ?claim dgb:rank dgb:DeprecatedRank } }
}"""
_ATTESTATIONS = "SELECT ?entity ?att WHERE { ?entity dgb:hasAttestation ?att } ORDER BY ?att"
_DERIVATIONS = """
SELECT ?node ?derived ?source WHERE {
  ?node dgb:derivedSystem ?derived . OPTIONAL { ?node dgb:sourceSystem ?source }
  FILTER NOT EXISTS { ?node dgb:rank dgb:DeprecatedRank }
} ORDER BY ?node"""
_VARIANTS = "SELECT ?a ?b WHERE { ?a dgb:variantOf+ ?b }"


@dataclass
class LinkContext:
    """The graph as the Wikidata loader sees it.

    Attributes:
        entities_of: QID -> our entities linked to it by ``skos:exactMatch`` (normally one).
        labels: our entity -> its English label (else any label).
        names: our entity -> every name it has, for not importing a name twice.
        curated: (entity, ``countryOfOrigin`` | ``manufacturer`` | ``serviceEntry``) -> curated values
            (IRIs, or the dates of service entry).
        attestations: our entity -> its curated attestation nodes (the sources of its description).
        derivations: derived system -> (curated derivation node, source system or None).
        variant_of: system -> every system it is a variant of, at any depth.
    """

    entities_of: dict[str, list[str]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    names: dict[str, set[str]] = field(default_factory=dict)
    curated: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    attestations: dict[str, list[str]] = field(default_factory=dict)
    derivations: dict[str, list[tuple[str, str | None]]] = field(default_factory=dict)
    variant_of: dict[str, set[str]] = field(default_factory=dict)

    def entity_of(self, qid: str) -> str | None:
        """Our one entity linked to ``qid``, or None (unlinked, or linked to several of ours)."""
        found = self.entities_of.get(qid, [])
        return found[0] if len(found) == 1 else None

    def qid_of(self, entity: str) -> str | None:
        """The QID ``entity`` is linked to, if exactly one."""
        found = [qid for qid, iris in self.entities_of.items() if entity in iris]
        return found[0] if len(found) == 1 else None

    def related(self, a: str, b: str) -> bool:
        """Whether two systems are the same, or one is a variant (at any depth) of the other."""
        return a == b or b in self.variant_of.get(a, set()) or a in self.variant_of.get(b, set())

    def label(self, entity: str) -> str:
        """The English label of ``entity`` (its IRI's last segment when it has none)."""
        return self.labels.get(entity, entity.rsplit("/", 1)[-1])


#: The queries :func:`dragonbear.pipeline.wikidata.read_link_context` runs, by what they read.
LINK_QUERIES = {
    "links": _LINKS,
    "names": _NAMES,
    "labels": _LABELS,
    "curated": _CURATED_VALUES,
    "attestations": _ATTESTATIONS,
    "derivations": _DERIVATIONS,
    "variants": _VARIANTS,
}

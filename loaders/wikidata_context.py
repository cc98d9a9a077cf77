"""What the Wikidata loader needs to know of the graph: which items are linked, and the curated facts.

Read once from the store before an import (the Wikidata graph itself is left out, so a reload never
compares Wikidata with its own earlier import).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox
from dragonbear.graph.store import EmbeddedStore

from dragonbear.namespaces import GRAPH_CURATED, GRAPH_DERIVED, GRAPH_ONTOLOGY, GRAPH_WIKIDATA, WD

__all__ = ["LinkContext"]

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

    @classmethod
    def from_store(cls, store: EmbeddedStore) -> LinkContext:
        """Read the links and curated facts of ``store`` (its Wikidata graph is ignored).

        Args:
            store: the store (or in-memory copy) about to receive the import.

        Returns:
            The context.
        """
        context = cls()
        entities: defaultdict[str, set[str]] = defaultdict(set)
        for row in _select(store, _LINKS, None):
            entities[row["item"].value.removeprefix(WD)].add(row["entity"].value)
        context.entities_of = {qid: sorted(iris) for qid, iris in entities.items()}
        data_graphs = [g for g in store.graphs() if g not in (GRAPH_WIKIDATA, GRAPH_DERIVED)]
        for row in _select(store, _NAMES, data_graphs):
            context.names.setdefault(row["entity"].value, set()).add(row["name"].value)
        for row in _select(store, _LABELS, data_graphs):
            context.labels.setdefault(row["entity"].value, row["label"].value)
        for row in _select(store, _CURATED_VALUES, [GRAPH_CURATED]):
            key = (row["entity"].value, row["prop"].value.rsplit("#", 1)[-1])
            context.curated.setdefault(key, set()).add(row["value"].value)
        for row in _select(store, _ATTESTATIONS, [GRAPH_CURATED]):
            context.attestations.setdefault(row["entity"].value, []).append(row["att"].value)
        for row in _select(store, _DERIVATIONS, [GRAPH_CURATED]):
            source = row["source"].value if row["source"] is not None else None
            context.derivations.setdefault(row["derived"].value, []).append((row["node"].value, source))
        for row in _select(store, _VARIANTS, data_graphs):
            context.variant_of.setdefault(row["a"].value, set()).add(row["b"].value)
        return context

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


def _select(store: EmbeddedStore, query: str, graphs: list[str] | None) -> list[ox.QuerySolution]:
    result = store.query(query, default_graph=graphs) if graphs is not None else store.query(query)
    assert isinstance(result, ox.QuerySolutions)
    return list(result)

"""IRIs of the project's namespaces, named graphs and the standard vocabularies it uses.

Every module builds IRIs through this one place, so that the namespace of the ontology
(``https://w3id.org/dragonbear/ontology#``) and of the data (``https://w3id.org/dragonbear/id/``)
are written once.
"""

from __future__ import annotations

import functools
import re
import unicodedata

__all__ = [
    "DGB",
    "ENTITY_KINDS",
    "GRAPH",
    "ID",
    "ONTOLOGY",
    "PREFIXES",
    "entity_iri",
    "graph_iri",
    "party_class",
    "party_iri",
    "slugify",
    "sparql_prologue",
]

ONTOLOGY_IRI = "https://w3id.org/dragonbear/ontology"
ONTOLOGY = ONTOLOGY_IRI
DGB = ONTOLOGY_IRI + "#"
ID = "https://w3id.org/dragonbear/id/"
GRAPH = "https://w3id.org/dragonbear/graph/"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
DCTERMS = "http://purl.org/dc/terms/"
SCHEMA = "https://schema.org/"
# W3C Basic Geo (WGS84 lat/long): the coordinates of places (geo:lat, geo:long, geo:location).
GEO = "http://www.w3.org/2003/01/geo/wgs84_pos#"
SH = "http://www.w3.org/ns/shacl#"
WD = "http://www.wikidata.org/entity/"
DBR = "http://dbpedia.org/resource/"

PREFIXES: dict[str, str] = {
    "dgb": DGB,
    "id": ID,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "prov": PROV,
    "dcterms": DCTERMS,
    "schema": SCHEMA,
    "geo": GEO,
    "wd": WD,
    "dbr": DBR,
}
# One prefix per kind of entity, because a SPARQL prefixed name cannot contain "/":
# system:j-11, state:china, sipri:russia-china-2015-su-35s.
ENTITY_KINDS = (
    "state",
    "org",
    "person",
    "place",
    "system",
    "derivation",
    "fit",
    "transfer",
    "series",
    "exercise",
    "event",
    "figure",
    "claim",
    "conflict",
    "source",
)
PREFIXES.update({kind: f"{ID}{kind}/" for kind in ENTITY_KINDS})
PREFIXES["sipri"] = f"{ID}transfer/sipri/"
PREFIXES["sipri-system"] = f"{ID}system/sipri/"  # systems SIPRI names that no curated system maps to

# Named graphs: one per source dataset, plus the derived graph the build materializes.
GRAPH_ONTOLOGY = GRAPH + "ontology"
GRAPH_CURATED = GRAPH + "curated"
GRAPH_SIPRI = GRAPH + "sipri"
GRAPH_DERIVED = GRAPH + "derived"
GRAPH_BUILD = GRAPH + "build"
GRAPH_WIKIDATA = GRAPH + "wikidata"  # statements and names imported from Wikidata (`dragonbear load-wikidata`)


def graph_iri(name: str) -> str:
    """Return the IRI of the project's named graph ``name``.

    >>> graph_iri("sipri")
    'https://w3id.org/dragonbear/graph/sipri'
    """
    return GRAPH + name


def entity_iri(kind: str, local: str) -> str:
    """Return the IRI of an entity of ``kind`` (``system``, ``state`` ...) with local id ``local``.

    >>> entity_iri("system", "j-11")
    'https://w3id.org/dragonbear/id/system/j-11'
    """
    return f"{ID}{kind}/{local}"


def slugify(text: str) -> str:
    """Lower-case ASCII slug of ``text`` for use in IRIs.

    >>> slugify("S-400 Triumf")
    's-400-triumf'
    >>> slugify("Côte d'Ivoire")
    'cote-d-ivoire'
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug or "x"


def party_class(name: str) -> str:
    """``State``; ``Organization`` for SIPRI's non-state groups (``*``) and international organizations
    (``**``); only ``Agent`` for its ``unknown supplier(s)`` and ``unknown recipient(s)``."""
    if name.startswith("unknown ") and not name.endswith("*"):
        return "Agent"
    return "Organization" if name.endswith("*") else "State"


@functools.cache
def party_iri(name: str) -> str:
    """``id:state/{slug}`` for a state, ``id:org/{slug}`` for anything else (no angle brackets).

    >>> party_iri("Soviet Union"), party_iri("NATO**")
    ('https://w3id.org/dragonbear/id/state/soviet-union', 'https://w3id.org/dragonbear/id/org/nato')
    """
    kind = "state" if party_class(name) == "State" else "org"
    return f"{ID}{kind}/{slugify(name)}"


def sparql_prologue() -> str:
    """PREFIX declarations for every project prefix, for the top of a SPARQL query."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())

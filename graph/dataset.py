"""The DCAT and VoID description of the dataset: what it holds, under which terms, and where to get it.

One description serves both vocabularies: the dataset is a ``dcat:Dataset`` and a ``void:Dataset``
with a title, a description, a publisher, its licence, one ``dcterms:source`` per source document
of the graph, ``dcterms:modified`` (when the store generation was built), one ``dcat:distribution``
per dump (download URL, media type, compression, and byte size when known), and one ``void:subset``
per named graph with its ``void:triples``, plus the SPARQL endpoint and the IRI space.

Licence: the project's own data (ontology, curated facts, derived triples) is under CC BY 4.0. The
SIPRI graph holds facts from the SIPRI Arms Transfers Database, which stay under SIPRI's terms: the
description says so and carries the attribution SIPRI asks for ("Source: SIPRI Arms Transfers
Database") as ``cc:attributionText``. Graphs added with ``dragonbear load`` keep their own terms.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from dragonbear import data_release
from dragonbear.formats import FileFormat
from dragonbear.graph.export import ExportFormat
from dragonbear.graph.store import GraphStore
from dragonbear.namespaces import (
    DCTERMS,
    DGB,
    GRAPH_CURATED,
    GRAPH_DERIVED,
    GRAPH_ONTOLOGY,
    GRAPH_SIPRI,
    ID,
    RDF,
    XSD,
)

__all__ = [
    "CC_BY_4",
    "DATASET",
    "DESCRIPTION_PREFIXES",
    "SIPRI_ATTRIBUTION",
    "SIPRI_URL",
    "Distribution",
    "dataset_description",
    "generation_time",
    "source_documents",
    "store_release",
]

CC_BY_4 = "https://creativecommons.org/licenses/by/4.0/"
SIPRI_URL = "https://www.sipri.org/databases/armstransfers"
SIPRI_ATTRIBUTION = "Source: SIPRI Arms Transfers Database"
SIPRI_RIGHTS = (
    f"{SIPRI_ATTRIBUTION}. The facts of this graph come from the SIPRI Arms Transfers Database and "
    f"remain under SIPRI's terms ({SIPRI_URL}); the CC BY 4.0 licence of the Dragonbear project does "
    "not cover them. Show the attribution wherever they are shown."
)
DATASET_RIGHTS = (
    "The project's own data (ontology, curated facts, derived triples) is licensed under CC BY 4.0. "
    f"The SIPRI graph, and the triples derived from it, hold facts from the SIPRI Arms Transfers "
    f"Database under SIPRI's terms ({SIPRI_ATTRIBUTION}). Graphs added with `dragonbear load` keep "
    "the terms of their own sources."
)

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
DATASET = f"{ID}dataset"  # the dataset itself, with its release
FOAF = "http://xmlns.com/foaf/0.1/"
SD = "http://www.w3.org/ns/sparql-service-description#"
CC = "http://creativecommons.org/ns#"
IANA = "http://www.iana.org/assignments/media-types/"
DESCRIPTION_PREFIXES = {
    "dcat": DCAT,
    "void": VOID,
    "dcterms": DCTERMS,
    "foaf": FOAF,
    "sd": SD,
    "cc": CC,
    "xsd": XSD,
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
}
_GRAPH_TITLES = {
    GRAPH_ONTOLOGY: "The Dragonbear ontology and its vocabularies",
    GRAPH_CURATED: "Curated facts with their attestations",
    GRAPH_SIPRI: "Arms transfers from the SIPRI Arms Transfers Database",
    GRAPH_DERIVED: "Triples the build derives from the other graphs",
}
_OWN_GRAPHS = (GRAPH_ONTOLOGY, GRAPH_CURATED, GRAPH_DERIVED)
_DESCRIPTION = (
    "An open knowledge graph of Russia-China military-technical cooperation: states, organizations, weapon "
    "systems and their variants, technology derivations, arms transfers and exercises, every claim with its "
    "source and confidence."
)


@dataclass(frozen=True)
class Distribution:
    """One downloadable dump: its URL, format, compression, size in bytes (None when not yet known), and
    the one named graph it holds (None: all of them)."""

    url: str
    fmt: ExportFormat
    compressed: bool = False
    byte_size: int | None = None
    graph: str | None = None


def generation_time(generation: Path) -> datetime:
    """When a store generation was made: the time stamp in its name, else its modification time.

    >>> generation_time(Path("/s/gen-20261122T101500-4f2a")).isoformat()
    '2026-11-22T10:15:00+00:00'
    """
    found = re.match(r"gen-(\d{8}T\d{6})", generation.name)
    if found:
        return datetime.strptime(found.group(1), "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
    return datetime.fromtimestamp(generation.stat().st_mtime, tz=UTC)


def source_documents(store: GraphStore) -> list[tuple[str, str]]:
    """The source documents the graph cites, as (IRI, title), in IRI order."""
    rows = store.select(
        "SELECT ?s (SAMPLE(?t) AS ?title) WHERE { ?s a dgb:SourceDocument "
        "OPTIONAL { ?s dcterms:title ?t } } GROUP BY ?s ORDER BY ?s"
    )
    return [
        (r["s"].value, r["title"].value if r["title"] is not None else "")
        for r in rows
        if isinstance(r["s"], ox.NamedNode)
    ]


def _lit(value: str, lang: str | None = None) -> ox.Literal:
    return ox.Literal(value, language=lang) if lang else ox.Literal(value)


def _typed(value: object, datatype: str) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode(XSD + datatype))


def dataset_description(
    base: str,
    counts: dict[str, int],
    *,
    sources: Sequence[tuple[str, str]] = (),
    modified: datetime | None = None,
    distributions: Sequence[Distribution] = (),
    release: str | None = None,
) -> list[ox.Triple]:
    """The DCAT + VoID description of the dataset served at ``base``.

    Args:
        base: the server's base URL, ending with ``/``; the description's own IRI is
            ``{base}.well-known/void`` and the dataset's ``{base}.well-known/void#dataset``.
        counts: triples per named graph.
        sources: the source documents, as (IRI, title) (see :func:`source_documents`).
        modified: when the data was built (see :func:`generation_time`).
        distributions: the dumps to list.
        release: the data release (``dcat:version``); by default the one this package ships.

    Returns:
        The description's triples.

    >>> triples = dataset_description("http://h/", {GRAPH_SIPRI: 3})
    >>> any(t.object == ox.Literal(SIPRI_ATTRIBUTION) for t in triples)
    True
    """
    void, endpoint = f"{base}.well-known/void", f"{base}sparql"
    dataset = ox.NamedNode(f"{void}#dataset")
    out = [
        _triple(ox.NamedNode(void), RDF + "type", ox.NamedNode(VOID + "DatasetDescription")),
        _triple(ox.NamedNode(void), DCTERMS + "title", _lit("DCAT and VoID description of Dragonbear", "en")),
        _triple(ox.NamedNode(void), FOAF + "primaryTopic", dataset),
    ]
    out += _dataset_triples(dataset, base, endpoint, sources, modified, release or data_release().version)
    out.append(_triple(dataset, VOID + "triples", _typed(sum(counts.values()), "integer")))
    for i, (graph, n) in enumerate(sorted(counts.items()), start=1):
        out += _subset_triples(dataset, ox.NamedNode(f"{void}#graph-{i}"), graph, n, endpoint)
    for dist in distributions:
        out += _distribution_triples(dataset, dist)
    return out


def _triple(s: ox.NamedNode | ox.BlankNode, p: str, o: ox.NamedNode | ox.BlankNode | ox.Literal) -> ox.Triple:
    return ox.Triple(s, ox.NamedNode(p), o)


def _dataset_triples(
    dataset: ox.NamedNode,
    base: str,
    endpoint: str,
    sources: Sequence[tuple[str, str]],
    modified: datetime | None,
    release: str,
) -> list[ox.Triple]:
    """The dataset's types, title, publisher, release, terms, sources, date and access points."""
    publisher = ox.BlankNode("publisher")
    out = [
        _triple(dataset, RDF + "type", ox.NamedNode(VOID + "Dataset")),
        _triple(dataset, RDF + "type", ox.NamedNode(DCAT + "Dataset")),
        _triple(dataset, DCTERMS + "title", _lit("Dragonbear", "en")),
        _triple(dataset, DCTERMS + "description", _lit(_DESCRIPTION, "en")),
        _triple(dataset, DCTERMS + "publisher", publisher),
        _triple(publisher, RDF + "type", ox.NamedNode(FOAF + "Organization")),
        _triple(publisher, FOAF + "name", _lit("The Dragonbear project")),
        _triple(dataset, DCAT + "version", _lit(release)),
        _triple(dataset, DCTERMS + "license", ox.NamedNode(CC_BY_4)),
        _triple(dataset, DCTERMS + "rights", _lit(DATASET_RIGHTS, "en")),
        _triple(dataset, CC + "attributionText", _lit(SIPRI_ATTRIBUTION)),
        _triple(dataset, DCTERMS + "source", ox.NamedNode(SIPRI_URL)),
    ]
    out += [_triple(dataset, DCTERMS + "source", ox.NamedNode(source)) for source, _title in sources]
    if modified is not None:
        when = modified.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        out.append(_triple(dataset, DCTERMS + "modified", _typed(when, "dateTime")))
    return [
        *out,
        _triple(dataset, DCAT + "landingPage", ox.NamedNode(base)),
        _triple(dataset, VOID + "sparqlEndpoint", ox.NamedNode(endpoint)),
        _triple(dataset, VOID + "uriSpace", _lit(ID)),
        _triple(dataset, VOID + "vocabulary", ox.NamedNode(DGB)),
    ]


def _subset_triples(dataset: ox.NamedNode, subset: ox.NamedNode, graph: str, n: int, endpoint: str) -> list[ox.Triple]:
    """One named graph as a ``void:subset``: its name, size, title, and terms."""
    out = [
        _triple(dataset, VOID + "subset", subset),
        _triple(subset, RDF + "type", ox.NamedNode(VOID + "Dataset")),
        _triple(subset, SD + "name", ox.NamedNode(graph)),
        _triple(subset, VOID + "sparqlEndpoint", ox.NamedNode(endpoint)),
        _triple(subset, VOID + "triples", _typed(n, "integer")),
    ]
    if graph in _GRAPH_TITLES:
        out.append(_triple(subset, DCTERMS + "title", _lit(_GRAPH_TITLES[graph], "en")))
    if graph in _OWN_GRAPHS:
        out.append(_triple(subset, DCTERMS + "license", ox.NamedNode(CC_BY_4)))
    if graph == GRAPH_SIPRI:
        out += [
            _triple(subset, DCTERMS + "source", ox.NamedNode(SIPRI_URL)),
            _triple(subset, DCTERMS + "rights", _lit(SIPRI_RIGHTS, "en")),
            _triple(subset, CC + "attributionText", _lit(SIPRI_ATTRIBUTION)),
            _triple(subset, CC + "attributionURL", ox.NamedNode(SIPRI_URL)),
        ]
    return out


def _distribution_triples(dataset: ox.NamedNode, dist: Distribution) -> list[ox.Triple]:
    """One dump as a ``dcat:distribution`` and ``void:dataDump``: what it holds, its format and terms."""
    node = ox.NamedNode(dist.url)
    what = (
        f"the graph <{dist.graph}>"
        if dist.graph
        else "all named graphs"
        if dist.fmt.keeps_graphs
        else "the merge of all named graphs"
    )
    title = f"{dist.fmt.label} dump ({what}){', gzipped' if dist.compressed else ''}"
    out = [
        _triple(dataset, DCAT + "distribution", node),
        _triple(dataset, VOID + "dataDump", node),
        _triple(node, RDF + "type", ox.NamedNode(DCAT + "Distribution")),
        _triple(node, DCTERMS + "title", _lit(title, "en")),
        _triple(node, DCAT + "downloadURL", node),
        _triple(node, DCAT + "accessURL", node),
        _triple(node, DCAT + "mediaType", ox.NamedNode(IANA + dist.fmt.media_type)),
    ]
    if dist.compressed:
        out.append(_triple(node, DCAT + "compressFormat", ox.NamedNode(IANA + FileFormat.GZIP.media_type)))
    out += [
        _triple(node, DCTERMS + "license", ox.NamedNode(CC_BY_4)),
        _triple(node, DCTERMS + "rights", _lit(DATASET_RIGHTS, "en")),
    ]
    if dist.byte_size is not None:
        out.append(_triple(node, DCAT + "byteSize", _typed(dist.byte_size, "nonNegativeInteger")))
    return out


def store_release(store: GraphStore) -> str | None:
    """The data release a store was built from (``dcat:version`` of the dataset), if it records one."""
    rows = list(store.select(f"SELECT ?v WHERE {{ <{DATASET}> <{DCAT}version> ?v }}"))
    return rows[0]["v"].value if rows else None

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
    out: list[ox.Triple] = []

    def add(s: ox.NamedNode | ox.BlankNode, p: str, o: ox.NamedNode | ox.BlankNode | ox.Literal) -> None:
        out.append(ox.Triple(s, ox.NamedNode(p), o))

    def iri(value: str) -> ox.NamedNode:
        return ox.NamedNode(value)

    doc = iri(void)
    add(doc, RDF + "type", iri(VOID + "DatasetDescription"))
    add(doc, DCTERMS + "title", _lit("DCAT and VoID description of Dragonbear", "en"))
    add(doc, FOAF + "primaryTopic", dataset)

    add(dataset, RDF + "type", iri(VOID + "Dataset"))
    add(dataset, RDF + "type", iri(DCAT + "Dataset"))
    add(dataset, DCTERMS + "title", _lit("Dragonbear", "en"))
    add(
        dataset,
        DCTERMS + "description",
        _lit(
            "An open knowledge graph of Russia-China military-technical cooperation: states, organizations, weapon "
            "systems and their variants, technology derivations, arms transfers and exercises, every claim with its "
            "source and confidence.",
            "en",
        ),
    )
    publisher = ox.BlankNode("publisher")
    add(dataset, DCTERMS + "publisher", publisher)
    add(publisher, RDF + "type", iri(FOAF + "Organization"))
    add(publisher, FOAF + "name", _lit("The Dragonbear project"))
    add(dataset, DCAT + "version", _lit(release or data_release().version))
    add(dataset, DCTERMS + "license", iri(CC_BY_4))
    add(dataset, DCTERMS + "rights", _lit(DATASET_RIGHTS, "en"))
    add(dataset, CC + "attributionText", _lit(SIPRI_ATTRIBUTION))
    add(dataset, DCTERMS + "source", iri(SIPRI_URL))
    for source, _title in sources:
        add(dataset, DCTERMS + "source", iri(source))
    if modified is not None:
        add(dataset, DCTERMS + "modified", _typed(modified.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), "dateTime"))
    add(dataset, DCAT + "landingPage", iri(base))
    add(dataset, VOID + "sparqlEndpoint", iri(endpoint))
    add(dataset, VOID + "uriSpace", _lit(ID))
    add(dataset, VOID + "vocabulary", iri(DGB))
    add(dataset, VOID + "triples", _typed(sum(counts.values()), "integer"))
    for i, (graph, n) in enumerate(sorted(counts.items()), start=1):
        subset = iri(f"{void}#graph-{i}")
        add(dataset, VOID + "subset", subset)
        add(subset, RDF + "type", iri(VOID + "Dataset"))
        add(subset, SD + "name", iri(graph))
        add(subset, VOID + "sparqlEndpoint", iri(endpoint))
        add(subset, VOID + "triples", _typed(n, "integer"))
        if graph in _GRAPH_TITLES:
            add(subset, DCTERMS + "title", _lit(_GRAPH_TITLES[graph], "en"))
        if graph in _OWN_GRAPHS:
            add(subset, DCTERMS + "license", iri(CC_BY_4))
        if graph == GRAPH_SIPRI:
            add(subset, DCTERMS + "source", iri(SIPRI_URL))
            add(subset, DCTERMS + "rights", _lit(SIPRI_RIGHTS, "en"))
            add(subset, CC + "attributionText", _lit(SIPRI_ATTRIBUTION))
            add(subset, CC + "attributionURL", iri(SIPRI_URL))
    for dist in distributions:
        node = iri(dist.url)
        add(dataset, DCAT + "distribution", node)
        add(dataset, VOID + "dataDump", node)
        add(node, RDF + "type", iri(DCAT + "Distribution"))
        what = (
            f"the graph <{dist.graph}>"
            if dist.graph
            else "all named graphs"
            if dist.fmt.keeps_graphs
            else "the merge of all named graphs"
        )
        add(
            node,
            DCTERMS + "title",
            _lit(f"{dist.fmt.label} dump ({what}){', gzipped' if dist.compressed else ''}", "en"),
        )
        add(node, DCAT + "downloadURL", node)
        add(node, DCAT + "accessURL", node)
        add(node, DCAT + "mediaType", iri(IANA + dist.fmt.media_type))
        if dist.compressed:
            add(node, DCAT + "compressFormat", iri(IANA + FileFormat.GZIP.media_type))
        add(node, DCTERMS + "license", iri(CC_BY_4))
        add(node, DCTERMS + "rights", _lit(DATASET_RIGHTS, "en"))
        if dist.byte_size is not None:
            add(node, DCAT + "byteSize", _typed(dist.byte_size, "nonNegativeInteger"))
    return out


def store_release(store: GraphStore) -> str | None:
    """The data release a store was built from (``dcat:version`` of the dataset), if it records one."""
    rows = list(store.select(f"SELECT ?v WHERE {{ <{DATASET}> <{DCAT}version> ?v }}"))
    return rows[0]["v"].value if rows else None

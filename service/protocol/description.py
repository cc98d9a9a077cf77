"""The service description (W3C SPARQL 1.1 Service Description) and the VoID description.

``GET /sparql`` without a query answers the service description: the endpoint, the languages and
result formats it supports, the feature ``sd:UnionDefaultGraph`` (the default graph is the union of
all named graphs) and the dataset with the triple count of each named graph. It links the VoID
description at ``/.well-known/void``, which describes the dataset in DCAT and VoID together (licence,
SIPRI's attribution, sources, per-graph counts, the dumps of ``/download``; see
:mod:`dragonbear.graph.dataset`). Both are negotiated like a graph (Turtle by default).
"""

from __future__ import annotations

from datetime import datetime

import pyoxigraph as ox
from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from dragonbear.formats import FORMATS_NS, RDF_FORMATS, RESULT_FORMATS
from dragonbear.graph.dataset import (
    DESCRIPTION_PREFIXES,
    Distribution,
    dataset_description,
    generation_time,
    source_documents,
    store_release,
)
from dragonbear.graph.store import GraphStore
from dragonbear.namespaces import PREFIXES
from dragonbear.service.runtime.deps import ServedDep, current_generation_of
from dragonbear.service.runtime.negotiation import ResultKind, choose
from dragonbear.service.runtime.served import ServedStore
from dragonbear.settings import Settings

__all__ = ["VOID_PATH", "describe_service", "router", "service_description", "void_description"]

VOID_PATH = "/.well-known/void"
_PREFIXES = """@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix void: <http://rdfs.org/ns/void#> .
@prefix formats: <http://www.w3.org/ns/formats/> .
@prefix ent: <http://www.w3.org/ns/entailment/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
_FORMATS = tuple(fmt.iri for fmt in (*RESULT_FORMATS, *RDF_FORMATS))  # what the endpoint writes
_SD_PREFIXES = {
    "rdfs": PREFIXES["rdfs"],
    "dcterms": PREFIXES["dcterms"],
    "sd": "http://www.w3.org/ns/sparql-service-description#",
    "void": "http://rdfs.org/ns/void#",
    "formats": FORMATS_NS,
    "foaf": "http://xmlns.com/foaf/0.1/",
}


def _named_graphs(counts: dict[str, int]) -> str:
    return " ,\n".join(
        f"    [ a sd:NamedGraph ; sd:name <{g}> ; sd:graph [ a sd:Graph ; void:triples {n} ] ]"
        for g, n in sorted(counts.items())
    )


def service_description(base: str, counts: dict[str, int], *, updates: bool) -> str:
    """The service description in Turtle, for a server at ``base`` (ending with ``/``)."""
    endpoint, void = f"{base}sparql", f"{base}{VOID_PATH.lstrip('/')}"
    languages = "sd:SPARQL11Query" + (", sd:SPARQL11Update" if updates else "")
    named = _named_graphs(counts)
    return (
        _PREFIXES
        + f"""
<{endpoint}> a sd:Service ;
  sd:endpoint <{endpoint}> ;
  dcterms:title "Dragonbear SPARQL endpoint" ;
  sd:supportedLanguage {languages} ;
  sd:feature sd:UnionDefaultGraph, sd:BasicFederatedQuery ;
  sd:defaultEntailmentRegime ent:Simple ;
  sd:resultFormat {", ".join(f"<{iri}>" for iri in _FORMATS)} ;
  sd:defaultDataset <{void}#dataset> .

<{void}#dataset> a sd:Dataset ;
  rdfs:seeAlso <{void}> ;
  sd:defaultGraph [ a sd:Graph ;
    dcterms:description "The union of all named graphs." ;
    void:triples {sum(counts.values())} ]{" ;" if named else " ."}
"""
        + (f"  sd:namedGraph\n{named} .\n" if named else "")
    )


def void_description(
    base: str,
    counts: dict[str, int],
    *,
    sources: list[tuple[str, str]] | None = None,
    modified: datetime | None = None,
    distributions: list[Distribution] | None = None,
    release: str | None = None,
) -> str:
    """The DCAT + VoID description in Turtle: the dataset, its licence, sources, endpoint, dumps, and
    one subset per named graph (see :func:`dragonbear.graph.dataset.dataset_description`)."""
    triples = dataset_description(
        base, counts, sources=sources or (), modified=modified, distributions=distributions or (), release=release
    )
    return (ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=DESCRIPTION_PREFIXES) or b"").decode("utf-8")


def _negotiated(turtle: str, accept: str | None, fmt: str | None) -> Response:
    rep = choose(ResultKind.GRAPH, accept, fmt)
    triples = list(ox.parse(turtle.encode("utf-8"), format=ox.RdfFormat.TURTLE))
    body = ox.serialize(triples, format=rep.rdf_format, prefixes=_SD_PREFIXES | DESCRIPTION_PREFIXES) or b""
    return Response(body, media_type=rep.content_type, headers={"Vary": "Accept"})


async def describe_service(request: Request, store: ServedStore, settings: Settings, fmt: str | None) -> Response:
    """The service description, negotiated."""
    choose(ResultKind.GRAPH, request.headers.get("accept"), fmt)  # 406 before counting
    counts = await run_in_threadpool(store.graph_counts)
    turtle = service_description(str(request.base_url), counts, updates=settings.update_token is not None)
    return _negotiated(turtle, request.headers.get("accept"), fmt)


router = APIRouter()


def _void_facts(store: GraphStore) -> tuple[list[tuple[str, str]], str | None]:
    return source_documents(store), store_release(store)


@router.get(VOID_PATH, include_in_schema=False)
async def void(request: Request, served: ServedDep) -> Response:
    """The VoID description of the dataset, negotiated (Turtle by default)."""
    from dragonbear.service.protocol.download import dump_cache

    fmt = request.query_params.get("format")
    choose(ResultKind.GRAPH, request.headers.get("accept"), fmt)
    counts = await run_in_threadpool(served.graph_counts)
    sources, release = await run_in_threadpool(served.read, _void_facts, key="void")
    generation = current_generation_of(served)
    base = str(request.base_url)
    turtle = void_description(
        base,
        counts,
        sources=sources,
        modified=generation_time(generation),
        distributions=dump_cache(served.store_dir).distributions(base, generation),
        release=release,
    )
    return _negotiated(turtle, request.headers.get("accept"), fmt)

"""The service description (W3C SPARQL 1.1 Service Description) and the VoID description.

``GET /sparql`` without a query answers the service description: the endpoint, the languages and
result formats it supports, the feature ``sd:UnionDefaultGraph`` (the default graph is the union of
all named graphs) and the dataset with the triple count of each named graph. It links the VoID
description at ``/.well-known/void``. Both are negotiated like a graph (Turtle by default).
"""

from __future__ import annotations

import pyoxigraph as ox
from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from dragonbear.namespaces import DGB, ID, PREFIXES
from dragonbear.service.negotiation import ResultKind, choose
from dragonbear.service.served import ServedStore
from dragonbear.settings import Settings

__all__ = ["VOID_PATH", "describe_service", "make_router", "service_description", "void_description"]

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
_FORMATS = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV", "Turtle",
            "N-Triples", "JSON-LD", "RDF_XML", "N-Quads", "TriG")
_SD_PREFIXES = {"rdfs": PREFIXES["rdfs"], "dcterms": PREFIXES["dcterms"], "sd": "http://www.w3.org/ns/sparql-service-description#",
                "void": "http://rdfs.org/ns/void#", "formats": "http://www.w3.org/ns/formats/",
                "foaf": "http://xmlns.com/foaf/0.1/"}


def _named_graphs(counts: dict[str, int]) -> str:
    return " ,\n".join(f'    [ a sd:NamedGraph ; sd:name <{g}> ; sd:graph [ a sd:Graph ; void:triples {n} ] ]'
                       for g, n in sorted(counts.items()))


def service_description(base: str, counts: dict[str, int], *, updates: bool) -> str:
    """The service description in Turtle, for a server at ``base`` (ending with ``/``)."""
    endpoint, void = f"{base}sparql", f"{base}{VOID_PATH.lstrip('/')}"
    languages = "sd:SPARQL11Query" + (", sd:SPARQL11Update" if updates else "")
    named = _named_graphs(counts)
    return _PREFIXES + f"""
<{endpoint}> a sd:Service ;
  sd:endpoint <{endpoint}> ;
  dcterms:title "Dragonbear SPARQL endpoint" ;
  sd:supportedLanguage {languages} ;
  sd:feature sd:UnionDefaultGraph, sd:BasicFederatedQuery ;
  sd:defaultEntailmentRegime ent:Simple ;
  sd:resultFormat {", ".join(f"formats:{f}" for f in _FORMATS)} ;
  sd:defaultDataset <{void}#dataset> .

<{void}#dataset> a sd:Dataset ;
  rdfs:seeAlso <{void}> ;
  sd:defaultGraph [ a sd:Graph ;
    dcterms:description "The union of all named graphs." ;
    void:triples {sum(counts.values())} ]{" ;" if named else " ."}
""" + (f"  sd:namedGraph\n{named} .\n" if named else "")


def void_description(base: str, counts: dict[str, int]) -> str:
    """The VoID description in Turtle: the dataset, its endpoint, and one subset per named graph."""
    endpoint, void = f"{base}sparql", f"{base}{VOID_PATH.lstrip('/')}"
    subsets = "".join(f"""
<{void}#graph-{i}> a void:Dataset ;
  sd:name <{g}> ;
  void:sparqlEndpoint <{endpoint}> ;
  void:triples {n} .
""" for i, (g, n) in enumerate(sorted(counts.items()), start=1))
    links = ", ".join(f"<{void}#graph-{i}>" for i in range(1, len(counts) + 1))
    return _PREFIXES + f"""
<{void}> a void:DatasetDescription ;
  dcterms:title "VoID description of Dragonbear" ;
  foaf:primaryTopic <{void}#dataset> .

<{void}#dataset> a void:Dataset ;
  dcterms:title "Dragonbear" ;
  dcterms:description "An open knowledge graph of Russia-China military-technical cooperation." ;
  dcterms:source <https://www.sipri.org/databases/armstransfers> ;
  void:sparqlEndpoint <{endpoint}> ;
  void:uriSpace "{ID}" ;
  void:vocabulary <{DGB}> ;
  void:triples {sum(counts.values())}{" ;" if counts else " ."}
""" + (f"  void:subset {links} .\n" if counts else "") + subsets


def _negotiated(turtle: str, accept: str | None, fmt: str | None) -> Response:
    rep = choose(ResultKind.GRAPH, accept, fmt)
    triples = list(ox.parse(turtle.encode("utf-8"), format=ox.RdfFormat.TURTLE))
    body = ox.serialize(triples, format=rep.rdf_format, prefixes=_SD_PREFIXES) or b""
    return Response(body, media_type=rep.content_type, headers={"Vary": "Accept"})


async def describe_service(request: Request, store: ServedStore, settings: Settings, fmt: str | None) -> Response:
    """The service description, negotiated."""
    choose(ResultKind.GRAPH, request.headers.get("accept"), fmt)  # 406 before counting
    counts = await run_in_threadpool(store.graph_counts)
    turtle = service_description(str(request.base_url), counts, updates=settings.update_token is not None)
    return _negotiated(turtle, request.headers.get("accept"), fmt)


def make_router(settings: Settings, store: ServedStore) -> APIRouter:
    """The router of ``/.well-known/void``."""
    router = APIRouter()

    @router.get(VOID_PATH, include_in_schema=False)
    async def void(request: Request) -> Response:
        """The VoID description of the dataset, negotiated (Turtle by default)."""
        fmt = request.query_params.get("format")
        choose(ResultKind.GRAPH, request.headers.get("accept"), fmt)
        counts = await run_in_threadpool(store.graph_counts)
        return _negotiated(void_description(str(request.base_url), counts), request.headers.get("accept"), fmt)

    return router


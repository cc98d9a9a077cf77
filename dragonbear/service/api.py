"""The JSON API: the canned queries, name resolution and lineage graphs.

===========================  ==========================================================================
``GET /api/queries``         the catalogue: every canned query with its parameters
``GET /api/queries/{name}``  run a canned query (``?param=value``); SPARQL JSON (default), XML, CSV, TSV
``GET /api/resolve?q=``      the entities a name may denote, best first
``GET /api/lineage/{id}``    the ancestors and descendants of a system as nodes and edges
===========================  ==========================================================================

Errors are JSON (:class:`ErrorBody`) with the status of :func:`dragonbear.service.errors.status_for`;
a bad or ambiguous parameter is a 400 that lists the candidates.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pyoxigraph as ox
from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from dragonbear.errors import DragonbearError, NotFoundError, ParameterError, UnknownQueryError
from dragonbear.graph.store import GraphStore
from dragonbear.namespaces import ID
from dragonbear.queries.catalogue import CannedQuery, bind_parameters, load_catalogue
from dragonbear.service.errors import status_for
from dragonbear.service.examples import bind_values
from dragonbear.service.lineage import lineage_of
from dragonbear.service.names import name_index
from dragonbear.service.negotiation import RESULTS, ResultKind, choose

__all__ = [
    "CandidateInfo",
    "ErrorBody",
    "LineageEdgeInfo",
    "LineageGraph",
    "LineageNodeInfo",
    "ParameterInfo",
    "QueryInfo",
    "ResolveResult",
    "api_router",
]

StoreProvider = Callable[[], GraphStore]


class ParameterInfo(BaseModel):
    """A parameter of a canned query."""

    name: str
    type: str = Field(description="entity CLASS[,CLASS], year, integer, decimal or string")
    required: bool
    description: str
    example: str


class QueryInfo(BaseModel):
    """A canned query of the catalogue."""

    name: str
    title: str
    description: str
    returns: str
    parameters: list[ParameterInfo]
    url: str = Field(description="this query run with its example values")


class CandidateInfo(BaseModel):
    """An entity a name may denote."""

    iri: str
    label: str
    types: list[str] = []
    score: int | None = Field(None, description="100 IRI or id, 95 preferred name, 90 other name, "
                                                "80 normalized, 60 one edit away, 40 prefix")
    matched: str | None = Field(None, description="the name that matched")


class ResolveResult(BaseModel):
    """The answer of ``/api/resolve``."""

    query: str
    candidates: list[CandidateInfo]


class LineageNodeInfo(BaseModel):
    """A system in a lineage graph."""

    iri: str
    label: str
    country: str | None = None
    country_label: str | None = None


class LineageEdgeInfo(BaseModel):
    """A derivation step or variant link, from the derived system (source) to its origin (target)."""

    source: str
    target: str
    kind: str = Field(description="e.g. 'licensed production', 'reverse engineering', 'variant of'")
    kind_iri: str | None = None
    year: int | None = None
    confidence: float | None = None


class LineageGraph(BaseModel):
    """The ancestors and descendants of a system."""

    system: str
    nodes: list[LineageNodeInfo]
    edges: list[LineageEdgeInfo]


class ErrorBody(BaseModel):
    """An error: what kind, the message, and for an ambiguous or unknown name the candidates."""

    error: str
    message: str
    candidates: list[CandidateInfo] = []


_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "a bad, missing or ambiguous parameter"},
    404: {"model": ErrorBody, "description": "no such query or system"},
}
_RESULT_CONTENT = {rep.media_type: {"schema": {"type": "string"}} for rep in RESULTS[1:]}
_RESULT_CONTENT[RESULTS[0].media_type] = {"schema": {"type": "object", "description": "SPARQL 1.1 JSON results"}}


def _error(exc: DragonbearError, candidates: list[CandidateInfo] | None = None) -> JSONResponse:
    status = status_for(exc)
    if isinstance(exc, ParameterError) and candidates is None:
        candidates = [CandidateInfo(iri=iri, label=label, score=None, matched=None) for iri, label in exc.candidates]
    body = ErrorBody(error=type(exc).__name__, message=str(exc), candidates=candidates or [])
    return JSONResponse(body.model_dump(), status_code=status)


def _query_info(query: CannedQuery) -> QueryInfo:
    examples = {p.name: p.example for p in query.parameters if p.example}
    url = f"/api/queries/{query.name}" + (f"?{urlencode(examples)}" if examples else "")
    return QueryInfo(name=query.name, title=query.title, description=query.description, returns=query.returns,
                     parameters=[ParameterInfo(**p.as_dict()) for p in query.parameters], url=url)  # type: ignore[arg-type]


def _values(request: Request) -> dict[str, str]:
    values: dict[str, str] = {}
    for key, value in request.query_params.multi_items():
        if key == "format":
            continue
        if key in values:
            raise ParameterError(f"parameter {key!r} is given more than once")
        values[key] = value
    return values


def api_router(store_provider: StoreProvider) -> APIRouter:
    """The router of the JSON API.

    Args:
        store_provider: a zero-argument callable returning the store to read (called per request).
    """
    router = APIRouter(prefix="/api", tags=["api"])

    @router.get("/queries", response_model=list[QueryInfo], summary="The canned queries")
    def list_queries() -> list[QueryInfo]:
        """Every canned query with its title, description, result columns and typed parameters."""
        return [_query_info(q) for q in load_catalogue().values()]

    @router.get("/queries/{name}", response_class=Response, summary="Run a canned query",
                responses={200: {"content": _RESULT_CONTENT, "description": "the results"}, **_ERRORS,
                           406: {"model": ErrorBody, "description": "no acceptable result format"}})
    def run_query(name: str, request: Request,
                  format: str | None = Query(None, description="json, xml, csv or tsv (wins over Accept)"),
                  ) -> Response:
        """Run the canned query ``name`` with its parameters given as ``?name=value``.

        Entity parameters take an IRI, a prefixed name or any name in any language; an ambiguous name
        is a 400 listing the candidates.
        """
        catalogue = load_catalogue()
        if name not in catalogue:
            return _error(UnknownQueryError(f"no canned query named {name!r}; known: {', '.join(sorted(catalogue))}"))
        query = catalogue[name]
        store = store_provider()
        try:
            rep = choose(ResultKind.RESULTS, request.headers.get("accept"), format)
            values = _values(request)
            names = name_index(store) if any(p.entity_class for p in query.parameters) else None
            try:
                terms = bind_parameters(query, values, names)
            except NotFoundError as exc:
                raise ParameterError(str(exc)) from exc
            result = store.query(bind_values(query.sparql, terms))
            data = result.serialize(format=rep.results_format or ox.QueryResultsFormat.JSON)  # type: ignore[union-attr]
        except DragonbearError as exc:
            return _error(exc)
        return Response(data or b"", media_type=rep.content_type, headers={"Vary": "Accept"})

    @router.get("/resolve", response_model=ResolveResult, summary="Resolve a name")
    def resolve(q: str = Query(..., min_length=1, description="a name in any language, an IRI or an id"),
                limit: int = Query(10, ge=1, le=100)) -> ResolveResult:
        """The entities a name may denote, best first (scores as in :class:`CandidateInfo`)."""
        found = name_index(store_provider()).candidates(q, limit=limit)
        return ResolveResult(query=q, candidates=[CandidateInfo(**c.as_dict()) for c in found])  # type: ignore[arg-type]

    @router.get("/lineage/{system:path}", response_model=LineageGraph, summary="Lineage of a system",
                responses={404: _ERRORS[404]})
    def lineage(system: str) -> LineageGraph | JSONResponse:
        """Ancestors and descendants of a system (its id, such as ``j-11``, or its IRI) as nodes and edges."""
        iri = system if system.startswith(ID) else f"{ID}system/{system}"
        try:
            ox.NamedNode(iri)
            graph = lineage_of(store_provider(), iri, load_catalogue())
        except ValueError:
            return _error(NotFoundError(f"no system {system!r}"))
        except NotFoundError:
            return _error(NotFoundError(f"no system {system!r}: see /api/resolve?q={system}"))
        except DragonbearError as exc:
            return _error(exc)
        return LineageGraph(
            system=iri,
            nodes=[LineageNodeInfo(iri=n.iri, label=n.label, country=n.country, country_label=n.country_label)
                   for n in graph.nodes.values()],
            edges=[LineageEdgeInfo(source=e.source, target=e.target, kind=e.kind, kind_iri=e.kind_iri, year=e.year,
                                   confidence=e.confidence) for e in graph.edges])

    return router



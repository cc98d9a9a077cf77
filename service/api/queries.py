"""The JSON API: the canned queries, name resolution and lineage graphs.

===========================  ==========================================================================
``GET /api/queries``         the catalogue: every canned query with its parameters
``GET /api/queries/{name}``  run a canned query (``?param=value``); SPARQL JSON (default), XML, CSV, TSV;
                             a CONSTRUCT query (``lineage``) as Turtle (default), N-Triples, JSON-LD ...
``GET /api/resolve?q=``      the entities a name may denote, best first
``GET /api/lineage/{id}``    the ancestors and descendants of a system as nodes and edges
===========================  ==========================================================================

Errors are JSON (:class:`ErrorBody`) with the status of :func:`dragonbear.service.runtime.errors.status_for`;
a bad or ambiguous parameter is a 400 that lists the candidates.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

import pyoxigraph as ox
from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from dragonbear.errors import DragonbearError, NotFoundError, ParameterError, UnknownQueryError
from dragonbear.graph.lineage import Direction, lineage_subgraph, lineage_view
from dragonbear.graph.lineage_export import MEDIA_TYPES, ExportFormat, export_lineage, lineage_json
from dragonbear.graph.store import GraphStore
from dragonbear.namespaces import ID, PREFIXES
from dragonbear.queries.catalogue import CannedQuery, bind_parameters, load_catalogue
from dragonbear.service.runtime.errors import status_for
from dragonbear.service.web.examples import bind_values
from dragonbear.service.web.layout import local_path
from dragonbear.service.web.lineage import lineage_options
from dragonbear.service.runtime.names import name_index
from dragonbear.service.runtime.negotiation import RESULTS, ResultKind, choose

__all__ = [
    "CandidateInfo",
    "ErrorBody",
    "LineageEdgeInfo",
    "LineageGraph",
    "LineageNodeInfo",
    "ParameterInfo",
    "QueryInfo",
    "ResolveResult",
    "SourceRef",
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
                                                "80 normalized or romanized, 60 one letter away, 40 prefix")
    matched: str | None = Field(None, description="the name that matched")
    match: str | None = Field(default=None, description="id, exact, normalized, transliterated, one edit or prefix")
    name_kind: str | None = Field(default=None, description="how the matched name is attached: preferred label, "
                                  "label, NATO reporting name, designation, alternative name, SIPRI designation, "
                                  "SIPRI name, spelling variant, or id")
    name_property: str | None = Field(default=None, description="the property that attaches the matched name")
    family_of: int | None = Field(default=None, description="how many other candidates with the same score are "
                                  "variants of this one (the name is the family's)")
    statements: int | None = Field(default=None, description="how many statements involve the entity")
    rank: int | None = Field(default=None, description="1 for the best candidate")
    ahead_by: str | None = Field(default=None, description="what puts it above the next candidate: score, "
                                 "name kind, family, statements, label or IRI")
    why: str | None = Field(default=None, description="the reasons for its rank, in a sentence")


class ResolveResult(BaseModel):
    """The answer of ``/api/resolve``."""

    query: str
    candidates: list[CandidateInfo]


class LineageNodeInfo(BaseModel):
    """A node of a lineage graph: a system, or a state or organization (a recipient, licensor or partner)."""

    iri: str
    label: str
    type: Literal["system", "state", "organization"] = "system"
    country: str | None = None
    country_label: str | None = None


class SourceRef(BaseModel):
    """A source an edge's statement cites."""

    label: str = Field(description="the title of the source document")
    iri: str
    locator: str | None = Field(None, description="where in the source (page, section, row)")
    stance: str | None = Field(None, description="Asserts, Denies or Hedged")


class LineageEdgeInfo(BaseModel):
    """An edge, from what comes from something (source) to what it comes from (target).

    derivation: derived system -> origin (or -> licensor / partner, see ``role``); variant: variant ->
    base system; component: platform -> component; transfer: recipient -> transferred system.
    """

    source: str
    target: str
    kind: str = Field(description="e.g. 'licensed production', 'reverse engineering', 'variant of', "
                                  "'main propulsion', 'new'")
    kind_iri: str | None = None
    year: int | None = Field(None, description="derivation: start year; transfer: order year")
    confidence: float | None = None
    relation: Literal["derivation", "variant", "component", "transfer"] = "derivation"
    start: int | None = Field(None, description="first year: of a derivation, a component fit, or deliveries")
    end: int | None = Field(None, description="last year: of a derivation, a component fit, or deliveries")
    sources: list[SourceRef] = []
    statement: str | None = Field(None, description="the IRI of the derivation, component fit or transfer")
    role: str | None = Field(None, description="derivation: origin, licensor or partner")
    supplier: str | None = None
    supplier_label: str | None = None
    recipient: str | None = None
    units: int | None = Field(None, description="transfer: units delivered; component: units fitted")
    tiv: float | None = Field(None, description="transfer: SIPRI trend-indicator value delivered, millions")
    maker: str | None = Field(None, description="component: its manufacturer")
    maker_label: str | None = None
    maker_state: str | None = Field(None, description="component: the state its manufacturer is based in")
    maker_state_label: str | None = None


class LineageGraph(BaseModel):
    """The ancestors and/or descendants of a system, state or organization."""

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
_LINEAGE_CONTENT = {MEDIA_TYPES[f]: {"schema": {"type": "string"}} for f in ExportFormat if f != ExportFormat.JSON}


# RDF formats that take prefix declarations (a CONSTRUCT canned query's graph reads better with them)
_PREFIXED = (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML)


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
                  format: str | None = Query(None, description="json, xml, csv or tsv; for a CONSTRUCT query such "
                                             "as lineage turtle, nt, jsonld or rdfxml (wins over Accept)"),
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
            graph = query.form in ("CONSTRUCT", "DESCRIBE")
            rep = choose(ResultKind.GRAPH if graph else ResultKind.RESULTS, request.headers.get("accept"), format)
            values = _values(request)
            names = name_index(store) if any(p.entity_class for p in query.parameters) else None
            try:
                terms = bind_parameters(query, values, names)
            except NotFoundError as exc:
                raise ParameterError(str(exc)) from exc
            result = store.query(bind_values(query.sparql, terms))
            if graph:
                data = ox.serialize(list(result), format=rep.rdf_format or ox.RdfFormat.TURTLE,  # type: ignore[arg-type]
                                    prefixes=PREFIXES if rep.rdf_format in _PREFIXED else None)
            else:
                data = result.serialize(format=rep.results_format or ox.QueryResultsFormat.JSON)  # type: ignore[union-attr]
        except DragonbearError as exc:
            return _error(exc)
        return Response(data or b"", media_type=rep.content_type, headers={"Vary": "Accept"})

    @router.get("/resolve", response_model=ResolveResult, summary="Resolve a name")
    def resolve(q: str = Query(..., min_length=1, description="a name in any language, an IRI or an id"),
                limit: int = Query(10, ge=1, le=100)) -> ResolveResult:
        """The entities a name may denote, best first (scores as in :class:`CandidateInfo`).

        Ties within a score are ordered by name kind, family, statements and label; each candidate
        says why it ranks where it does (``why``, ``ahead_by``). The order never picks for a canned
        query: there a tie is a 400 that lists the candidates.
        """
        found = name_index(store_provider()).candidates(q, limit=limit)
        return ResolveResult(query=q, candidates=[CandidateInfo(**c.as_dict()) for c in found])  # type: ignore[arg-type]

    @router.get("/lineage/{system:path}", response_model=LineageGraph, summary="Lineage of a system",
                responses={200: {"content": _LINEAGE_CONTENT, "description": "the lineage graph"}, **_ERRORS})
    def lineage(system: str,
                direction: str = Query("both", description="up (where it came from, what it depends on), "
                                       "down (what came of it, what depends on it) or both",
                                       json_schema_extra={"enum": [d.value for d in Direction]}),
                as_of: str | None = Query(None, description="a year: the lineage as it stood then (periods "
                                          "containing it, derivations and transfers up to it)",
                                          json_schema_extra={"pattern": "^[0-9]{4}$", "examples": ["2013"]}),
                relation: Annotated[list[str] | None, Query(
                    description="edge kinds to follow: derivation, variant, component, transfer; repeatable "
                                "or comma-separated (default all)")] = None,
                format: str = Query("json", description="json, or a download: dot, graphml, gexf, svg",
                                    json_schema_extra={"enum": [f.value for f in ExportFormat]}),
                ) -> Response:
        """Ancestors and descendants of a system (its id, such as ``j-11``, or its IRI; a state's or
        organization's IRI also works) as nodes and edges, from the view of the store cached per
        generation. See :mod:`dragonbear.graph.lineage` for the edges and their direction."""
        iri = system if system.startswith(ID) else f"{ID}system/{system}"
        try:
            options = lineage_options(direction, as_of, relation, format)
            try:
                ox.NamedNode(iri)
            except ValueError:
                raise NotFoundError(f"no system {system!r}") from None
            view = lineage_view(store_provider())
            if iri not in view:
                raise NotFoundError(f"no system {system!r}: see /api/resolve?q={system}")
            graph = lineage_subgraph(view, iri, direction=options.direction, relations=options.relations,
                                     year=options.year)
        except DragonbearError as exc:
            return _error(exc)
        if options.format == ExportFormat.JSON:
            return JSONResponse(lineage_json(graph))
        name = f"lineage-{iri.rstrip('/').rsplit('/', 1)[-1]}.{options.format.value}"
        return Response(export_lineage(graph, options.format, href=local_path),
                        media_type=MEDIA_TYPES[options.format],
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    return router



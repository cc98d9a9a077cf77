"""The JSON API: the canned queries, name resolution and lineage graphs.

===========================  ==========================================================================
``GET /api/queries``         the catalogue: every canned query with its parameters
``GET /api/queries/{name}``  run a canned query (``?param=value``); SPARQL JSON (default), XML, CSV, TSV;
                             a CONSTRUCT query (``lineage``) as Turtle (default), N-Triples, JSON-LD ...
``GET /api/queries/{name}.{ext}``  the same as a file: ``.csv``, ``.json``, ``.xlsx`` ... (:mod:`~dragonbear.service.runtime.answer_files`)
``GET /api/resolve?q=``      the entities a name may denote, best first
``GET /api/lineage/{id}``    the ancestors and descendants of a system as nodes and edges
===========================  ==========================================================================

Errors are JSON (:class:`~dragonbear.service.api.models.ErrorBody`), answered by the app's one error
handler with the status of :func:`dragonbear.service.runtime.errors.status_for`; a bad or ambiguous
parameter is a 400 that lists the candidates. Its CSV is meant for spreadsheets: a cell a spreadsheet would
run as a formula starts with a single quote (:func:`~dragonbear.service.runtime.answer_files.spreadsheet_answer`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import urlencode

import networkx as nx
import pyoxigraph as ox
from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from dragonbear.errors import NotAcceptableError, NotFoundError, ParameterError, UnknownQueryError
from dragonbear.graph.lineage import Direction, lineage_subgraph, lineage_view
from dragonbear.graph.lineage_export import MEDIA_TYPES, ExportFormat, export_lineage, lineage_json
from dragonbear.graph.store import GraphStore
from dragonbear.namespaces import ID
from dragonbear.queries.catalogue import CannedQuery, bind_parameters, load_catalogue
from dragonbear.service.api.models import (
    CandidateInfo,
    ErrorBody,
    LineageGraph,
    ParameterInfo,
    QueryInfo,
    ResolveResult,
)
from dragonbear.service.runtime.answer_files import (
    XLSX,
    XLSX_MEDIA_TYPE,
    file_facts,
    file_headers,
    split_extension,
    spreadsheet_answer,
    xlsx_answer,
)
from dragonbear.service.runtime.deps import ServedDep
from dragonbear.service.runtime.names import name_index
from dragonbear.service.runtime.negotiation import RESULTS, Representation, ResultKind, choose
from dragonbear.service.web.examples import bind_values
from dragonbear.service.web.layout import local_path
from dragonbear.service.web.lineage import lineage_options

__all__ = ["router"]

_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "a bad, missing or ambiguous parameter"},
    404: {"model": ErrorBody, "description": "no such query or system"},
}
_RESULT_CONTENT = {rep.media_type: {"schema": {"type": "string"}} for rep in RESULTS[1:]}
_RESULT_CONTENT[RESULTS[0].media_type] = {"schema": {"type": "object", "description": "SPARQL 1.1 JSON results"}}
_LINEAGE_CONTENT = {MEDIA_TYPES[f]: {"schema": {"type": "string"}} for f in ExportFormat if f != ExportFormat.JSON}


def _query_info(query: CannedQuery) -> QueryInfo:
    examples = {p.name: p.example for p in query.parameters if p.example}
    url = f"/api/queries/{query.name}" + (f"?{urlencode(examples)}" if examples else "")
    return QueryInfo(
        name=query.name,
        title=query.title,
        description=query.description,
        returns=query.returns,
        parameters=[ParameterInfo(**p.as_dict()) for p in query.parameters],  # type: ignore[arg-type]
        url=url,
    )


def _values(request: Request) -> dict[str, str]:
    values: dict[str, str] = {}
    for key, value in request.query_params.multi_items():
        if key == "format":
            continue
        if key in values:
            raise ParameterError(f"parameter {key!r} is given more than once")
        values[key] = value
    return values


router = APIRouter(prefix="/api", tags=["api"])


@router.get("/queries", response_model=list[QueryInfo], summary="The canned queries")
def list_queries() -> list[QueryInfo]:
    """Every canned query with its title, description, result columns and typed parameters."""
    return [_query_info(q) for q in load_catalogue().values()]


@router.get(
    "/queries/{name}",
    response_class=Response,
    summary="Run a canned query",
    responses={
        200: {"content": _RESULT_CONTENT, "description": "the results"},
        **_ERRORS,
        406: {"model": ErrorBody, "description": "no acceptable result format"},
        422: {"model": ErrorBody, "description": "more results than the server's cap"},
    },
)
def run_query(
    name: str,
    request: Request,
    served: ServedDep,
    format: str | None = Query(
        None,
        description="json, xml, csv or tsv; for a CONSTRUCT query such "
        "as lineage turtle, nt, jsonld or rdfxml (wins over Accept)",
    ),
) -> Response:
    """Run the canned query ``name`` with its parameters given as ``?name=value``.

    Entity parameters take an IRI, a prefixed name or any name in any language; an ambiguous name
    is a 400 listing the candidates. The query runs as ``/sparql`` queries do: against the server's
    time limit (503 past it), within its result cap (422 past it), and kept per store generation.

    ``name`` may end in a file extension (``transfers.csv``, ``.json``, ``.tsv``, ``.xml``, ``.xlsx``;
    ``lineage.ttl``, ``.nt``, ``.jsonld``, ``.rdf``): the answer is then a file named after the query,
    its parameters and the data release, with the release, the licence and (where its rows come from
    SIPRI) SIPRI's attribution in its headers (see :mod:`dragonbear.service.runtime.answer_files`).
    """
    catalogue = load_catalogue()
    name, extension = split_extension(name, list(catalogue))
    if name not in catalogue:
        raise UnknownQueryError(f"no canned query named {name!r}; known: {', '.join(sorted(catalogue))}")
    if extension is not None and format is not None:
        raise ParameterError(f"the file extension .{extension} already names the format; drop format={format!r}")
    query = catalogue[name]
    graph = query.form in ("CONSTRUCT", "DESCRIBE")
    wanted = format if extension is None else ("json" if extension == XLSX else extension)
    rep = choose(ResultKind.GRAPH if graph else ResultKind.RESULTS, request.headers.get("accept"), wanted)
    if extension == XLSX and graph:
        raise NotAcceptableError(f"{name!r} answers with a graph; its files are .ttl, .nt, .jsonld and .rdf")
    values = _values(request)
    cap = served.settings.max_results
    key = ("api/queries", name, tuple(sorted(values.items())))

    def bound(store: GraphStore) -> str:
        names = name_index(store) if any(p.entity_class for p in query.parameters) else None
        try:
            terms = bind_parameters(query, values, names)
        except NotFoundError as exc:
            raise ParameterError(str(exc)) from exc
        return bind_values(query.sparql, terms)

    if extension is None:
        reply = served.read(
            lambda store: spreadsheet_answer(store.query(bound(store)), rep, cap), key=(*key, rep.media_type)
        )
        return Response(
            reply.body,
            media_type=rep.content_type,
            headers={"Vary": "Accept", "Dragonbear-Result-Count": str(reply.count)},
        )
    return _file(request, served, query, values, extension, rep, bound, key)


def _file(
    request: Request,
    served: ServedDep,
    query: CannedQuery,
    values: dict[str, str],
    extension: str,
    rep: Representation,
    bound: Callable[[GraphStore], str],
    key: tuple[object, ...],
) -> Response:
    """The answer of ``query`` as a file (see :func:`run_query`)."""
    cap = served.settings.max_results
    facts = served.read(lambda store: file_facts(store, bound(store)), key=(*key, "facts"))
    headers = file_headers(facts, query.name, values, extension)
    if extension == XLSX:
        body = served.read(
            lambda store: xlsx_answer(
                store.query(bound(store)), facts, title=query.title, url=str(request.url), values=values, cap=cap
            ),
            key=(*key, XLSX),
        )
        return Response(body, media_type=XLSX_MEDIA_TYPE, headers=headers)
    reply = served.read(
        lambda store: spreadsheet_answer(store.query(bound(store)), rep, cap), key=(*key, rep.media_type)
    )
    headers["Dragonbear-Result-Count"] = str(reply.count)
    return Response(reply.body, media_type=rep.content_type, headers=headers)


@router.get("/resolve", response_model=ResolveResult, summary="Resolve a name")
def resolve(
    served: ServedDep,
    q: str = Query(..., min_length=1, description="a name in any language, an IRI or an id"),
    limit: int = Query(10, ge=1, le=100),
) -> ResolveResult:
    """The entities a name may denote, best first (scores as in :class:`CandidateInfo`).

    Ties within a score are ordered by name kind, family, statements and label; each candidate
    says why it ranks where it does (``why``, ``ahead_by``). The order never picks for a canned
    query: there a tie is a 400 that lists the candidates.
    """
    found = served.read(lambda store: name_index(store).candidates(q, limit=limit))
    return ResolveResult(query=q, candidates=[CandidateInfo(**c.as_dict()) for c in found])  # type: ignore[arg-type]


@router.get(
    "/lineage/{system:path}",
    response_model=LineageGraph,
    summary="Lineage of a system",
    responses={200: {"content": _LINEAGE_CONTENT, "description": "the lineage graph"}, **_ERRORS},
)
def lineage(
    system: str,
    served: ServedDep,
    direction: str = Query(
        "both",
        description="up (where it came from, what it depends on), down (what came of it, what depends on it) or both",
        json_schema_extra={"enum": [d.value for d in Direction]},
    ),
    as_of: str | None = Query(
        None,
        description="a year: the lineage as it stood then (periods containing it, derivations and transfers up to it)",
        json_schema_extra={"pattern": "^[0-9]{4}$", "examples": ["2013"]},
    ),
    relation: Annotated[
        list[str] | None,
        Query(
            description="edge kinds to follow: derivation, variant, component, transfer; repeatable "
            "or comma-separated (default all)"
        ),
    ] = None,
    format: str = Query(
        "json",
        description="json, or a download: dot, graphml, gexf, svg",
        json_schema_extra={"enum": [f.value for f in ExportFormat]},
    ),
) -> Response:
    """Ancestors and descendants of a system (its id, such as ``j-11``, or its IRI; a state's or
    organization's IRI also works) as nodes and edges, from the view of the store cached per
    generation. See :mod:`dragonbear.graph.lineage` for the edges and their direction."""
    iri = system if system.startswith(ID) else f"{ID}system/{system}"
    options = lineage_options(direction, as_of, relation, format)
    try:
        ox.NamedNode(iri)
    except ValueError:
        raise NotFoundError(f"no system {system!r}") from None

    def work(store: GraphStore) -> nx.MultiDiGraph[str]:
        view = lineage_view(store)
        if iri not in view:
            raise NotFoundError(f"no system {system!r}: see /api/resolve?q={system}")
        return lineage_subgraph(view, iri, direction=options.direction, relations=options.relations, year=options.year)

    graph = served.read(work)
    if options.format == ExportFormat.JSON:
        return JSONResponse(lineage_json(graph))
    name = f"lineage-{iri.rstrip('/').rsplit('/', 1)[-1]}.{options.format.value}"
    return Response(
        export_lineage(graph, options.format, href=local_path),
        media_type=MEDIA_TYPES[options.format],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )

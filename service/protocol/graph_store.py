"""``/store``: the SPARQL 1.1 Graph Store HTTP Protocol, ``?graph=IRI`` or ``?default``.

Mounted only when an update token is configured. GET is a read and stays public (negotiated like a
CONSTRUCT result, under the same result cap); PUT (replace), POST (add) and DELETE need the bearer
token, and each is one transaction. ``?default`` is the store's own default graph (triples stored
without a graph name), which queries see as part of the union default graph. A body's Content-Type
is one of the registry's RDF formats (:mod:`dragonbear.formats`), or a name pyoxigraph knows for one
(``text/plain`` for N-Triples); anything else is 415.
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from dragonbear.errors import ProtocolError, UnsupportedMediaTypeError
from dragonbear.formats import RDF_FORMATS, Format, Kind
from dragonbear.service.protocol.request import first, graph_iris, media_type_of
from dragonbear.service.protocol.sparql import result_headers
from dragonbear.service.runtime.auth import require_token
from dragonbear.service.runtime.deps import ServedDep
from dragonbear.service.runtime.jobs import GraphJob
from dragonbear.service.runtime.served import ServedStore
from dragonbear.service.runtime.writer import WriteJob

__all__ = ["router"]


def _target(request: Request) -> str | None:
    """The graph a request addresses: an IRI, or None for ``?default``."""
    params: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        params.setdefault(key, []).append(value)
    first(params, "graph")
    graphs = graph_iris(params, "graph")
    if graphs and "default" in params:
        raise ProtocolError("give either ?graph=IRI or ?default, not both")
    if not graphs and "default" not in params:
        raise ProtocolError("name the graph: ?graph=IRI, or ?default for the default graph")
    return graphs[0] if graphs else None


def _body_type(request: Request) -> str:
    media, params = media_type_of(request.headers.get("content-type"))
    if not media:
        raise ProtocolError("the request needs a Content-Type of an RDF format")
    if params.get("charset", "utf-8").lower() not in ("utf-8", "utf8"):
        raise UnsupportedMediaTypeError("the body must be UTF-8")
    if Format.for_media_type(media, Kind.RDF) is None:
        raise UnsupportedMediaTypeError(
            f"{media} is not an RDF format the store reads; send one of " + ", ".join(f.media_type for f in RDF_FORMATS)
        )
    return media


router = APIRouter()
"""``/store``: the app includes it only when an update token is configured."""


@router.get("/store", include_in_schema=False)
async def get_graph(request: Request, served: ServedDep) -> Response:
    """A graph, negotiated (Turtle by default); 404 when the store has no such graph."""
    cap = served.settings.max_results
    job = GraphJob(
        _target(request), accept=request.headers.get("accept"), fmt=request.query_params.get("format"), max_results=cap
    )
    reply = await served.query_async(job)
    return Response(reply.body, media_type=reply.content_type, headers=result_headers(reply.count, cap))


async def _write(request: Request, served: ServedStore, operation: str) -> Response:
    await require_token(request, served.settings.update_token or "")
    graph = _target(request)
    media = _body_type(request) if operation != "delete" else ""
    data = await request.body() if operation != "delete" else b""
    outcome = await run_in_threadpool(
        served.write,
        WriteJob(operation, graph=graph, data=data, media_type=media, base_iri=graph or f"{request.base_url}store"),
    )
    return Response(status_code=201 if outcome.created else 204)


@router.put("/store", include_in_schema=False)
async def put_graph(request: Request, served: ServedDep) -> Response:
    """Replace a graph with the body (201 when it is new, else 204)."""
    return await _write(request, served, "put")


@router.post("/store", include_in_schema=False)
async def post_graph(request: Request, served: ServedDep) -> Response:
    """Add the body to a graph (201 when it is new, else 204)."""
    return await _write(request, served, "post")


@router.delete("/store", include_in_schema=False)
async def delete_graph(request: Request, served: ServedDep) -> Response:
    """Delete a graph (204; 404 when there is none)."""
    return await _write(request, served, "delete")

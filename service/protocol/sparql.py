"""``/sparql``: SPARQL 1.1 queries by GET, form POST and direct POST.

* The default graph is the union of all named graphs; ``default-graph-uri`` / ``named-graph-uri``
  (or a query's FROM / FROM NAMED) define another dataset, the protocol's parameters winning.
* The project prefixes (``dgb:``, ``system:`` ...) are predeclared; a query's own PREFIX wins.
* Relative IRIs resolve against the endpoint's URL.
* The result is negotiated (Accept with q-values and wildcards, or ``format=``); every answer
  carries ``Dragonbear-Result-Count`` and ``Dragonbear-Result-Cap`` headers. A result larger than the
  cap is refused with 422 and a message, never truncated.
* A GET without a query answers the service description.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from dragonbear.errors import ProtocolError
from dragonbear.graph.federation import check_service_calls
from dragonbear.graph.sparql_text import query_form
from dragonbear.service.protocol.description import describe_service
from dragonbear.service.runtime.fastpath import CachedResponse, raw_key
from dragonbear.service.runtime.negotiation import choose, kind_of_form
from dragonbear.service.protocol.request import QUERY_TYPE, Operation, first, graph_iris, read_operation
from dragonbear.service.runtime.served import CACHE_MAX_BODY, ServedStore
from dragonbear.service.runtime.jobs import QueryJob
from dragonbear.settings import Settings

__all__ = ["check_federation", "make_route", "query_job", "result_headers"]


def check_federation(text: str, allowlist: tuple[str, ...]) -> None:
    """Refuse SERVICE calls to endpoints not on the allowlist, so that the server cannot be made to
    reach other hosts (pyoxigraph runs SERVICE calls itself).

    Raises:
        ProtocolError: a SERVICE call to an endpoint not on the allowlist, or to a variable endpoint.
    """
    check_service_calls(text, allowlist)


def query_job(op: Operation, *, base_iri: str, accept: str | None, max_results: int,
              allowlist: tuple[str, ...] = ()) -> QueryJob:
    """The job for a query operation: its protocol dataset and format preferences.

    Raises:
        ProtocolError: an update sent as a query, a SERVICE call off the allowlist, or a graph IRI
            that is not absolute.
    """
    form = query_form(op.text)
    if form == "UPDATE":
        raise ProtocolError("this is a SPARQL update: send it by POST to /update")
    check_federation(op.text, allowlist)
    default = graph_iris(op.params, "default-graph-uri")
    named = graph_iris(op.params, "named-graph-uri")
    given = bool(default or named)
    fmt = first(op.params, "format")
    kind = kind_of_form(form)
    if kind is not None:
        choose(kind, accept, fmt)  # 406 before running the query
    return QueryJob(op.text, default_graphs=default if given else None, named_graphs=named if given else None,
                    base_iri=base_iri, accept=accept, fmt=fmt, max_results=max_results)


def result_headers(count: int, cap: int) -> dict[str, str]:
    """Headers of every query answer: the number of results, the cap, and CORS/caching hints."""
    return {"Dragonbear-Result-Count": str(count), "Dragonbear-Result-Cap": str(cap) if cap else "none",
            "Vary": "Accept"}


def make_route(settings: Settings, store: ServedStore) -> Route:
    """The route of ``/sparql``: a plain Starlette route, which skips FastAPI's parameter solving and
    response checks (about a fifth of the cost of a small query); the app puts it first."""
    hint = "updates are not taken here: send them by POST to /update" + (
        "" if settings.update_token else " (enabled when the server has DRAGONBEAR_UPDATE_TOKEN)")

    async def sparql(request: Request) -> Response:
        """Answer a SPARQL query, or the service description for a GET without one."""
        op = await read_operation(request, name="query", direct_type=QUERY_TYPE, other="update", other_hint=hint)
        accept = request.headers.get("accept")
        if op is None:
            return await describe_service(request, store, settings, first(_params(request), "format"))
        job = query_job(op, base_iri=f"{request.base_url}sparql", accept=accept, max_results=settings.max_results,
                        allowlist=settings.federation_allowlist)
        generation = store.generation()
        reply, etag, source = await store.query_cached(job)
        headers = result_headers(reply.count, settings.max_results) | {"ETag": etag, "Dragonbear-Cache": source}
        response = Response(reply.body, media_type=reply.content_type, headers=headers)
        key = raw_key(generation, request.scope)
        if key is not None and len(reply.body) <= CACHE_MAX_BODY:  # later asks skip all of this
            store.raw_cache.put(key, CachedResponse(reply.body, etag.encode(), tuple(
                (b"dragonbear-cache", b"hit; raw") if k == b"dragonbear-cache" else (k, v)
                for k, v in response.raw_headers if k != b"content-length")))
        if etag in _etags(request.headers.get("if-none-match")):
            return Response(status_code=304, headers=headers)
        return response

    return Route("/sparql", sparql, methods=["GET", "POST"], include_in_schema=False)


def _etags(header: str | None) -> set[str]:
    """The entity tags of an If-None-Match header (weak tags compare as strong ones for GET)."""
    if not header:
        return set()
    return {t.strip().removeprefix("W/") for t in header.split(",") if t.strip()}


def _params(request: Request) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        out.setdefault(key, []).append(value)
    return out

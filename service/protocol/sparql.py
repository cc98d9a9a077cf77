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

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Scope

from dragonbear.errors import ProtocolError
from dragonbear.graph.federation import check_service_calls
from dragonbear.graph.sparql_text import may_call_service, query_form
from dragonbear.service.protocol.description import describe_service
from dragonbear.service.protocol.request import (
    QUERY_TYPE,
    Operation,
    first,
    graph_iris,
    percent_decoded,
    read_operation,
)
from dragonbear.service.runtime.fastpath import Answer, CachedResponse, cached_answer, raw_key, read_headers
from dragonbear.service.runtime.jobs import QueryJob, Reply
from dragonbear.service.runtime.negotiation import choose, kind_of_form, requested_format
from dragonbear.service.runtime.security_headers import ANSWER_HEADERS, secure_headers
from dragonbear.service.runtime.served import CACHE_MAX_BODY, ServedStore
from dragonbear.settings import Settings

__all__ = ["check_federation", "make_route", "only_query", "query_job", "result_headers"]


def check_federation(text: str, allowlist: tuple[str, ...]) -> None:
    """Refuse SERVICE calls to endpoints not on the allowlist, so that the server cannot be made to
    reach other hosts (pyoxigraph runs SERVICE calls itself).

    Raises:
        ProtocolError: a SERVICE call to an endpoint not on the allowlist, or to a variable endpoint.
    """
    if may_call_service(text):
        check_service_calls(text, allowlist)


def query_job(
    op: Operation, *, base_iri: str, accept: str | None, max_results: int, allowlist: tuple[str, ...] = ()
) -> QueryJob:
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
    kind = kind_of_form(form)
    fmt = requested_format(op.params.get("format", []), kind)
    if kind is not None:
        choose(kind, accept, fmt)  # 406 before running the query
    return QueryJob(
        op.text,
        default_graphs=default if given else None,
        named_graphs=named if given else None,
        base_iri=base_iri,
        accept=accept,
        fmt=fmt,
        max_results=max_results,
    )


def result_headers(count: int, cap: int) -> dict[str, str]:
    """Headers of every query answer: the number of results, the cap, and CORS/caching hints."""
    return {
        "Dragonbear-Result-Count": str(count),
        "Dragonbear-Result-Cap": str(cap) if cap else "none",
        "Vary": "Accept",
    }


def only_query(query_string: bytes) -> str | None:
    """The query of a URL query string that holds ``query=`` and nothing else, decoded as Starlette
    decodes parameters (``+`` is a space, UTF-8, undecodable bytes replaced); None for any other.

    >>> only_query(b"query=ASK%20%7B%7D"), only_query(b"query=ASK+%7B%7D&format=csv"), only_query(b"format=csv")
    ('ASK {}', None, None)
    """
    if not query_string.startswith(b"query=") or b"&" in query_string:
        return None
    return percent_decoded(query_string[6:], errors="replace")


def _raw_headers(reply: Reply, etag: str, source: str, cap: bytes) -> list[tuple[bytes, bytes]]:
    """The headers of a query answer as Starlette's ``Response`` writes them (:func:`result_headers`,
    the tag and the cache, then Content-Length and Content-Type), and the security headers that the
    app's middleware adds to every answer, for the raw answerer."""
    media = reply.content_type
    if media.startswith("text/") and "charset=" not in media.lower():
        media += "; charset=utf-8"
    return [
        (b"dragonbear-result-count", str(reply.count).encode()),
        (b"dragonbear-result-cap", cap),
        (b"vary", b"Accept"),
        (b"etag", etag.encode()),
        (b"dragonbear-cache", source.encode()),
        (b"content-length", str(len(reply.body)).encode()),
        (b"content-type", media.encode("latin-1")),
        *ANSWER_HEADERS,
    ]


_RAW_HIT = (b"dragonbear-cache", b"hit; raw")


def _keep(
    store: ServedStore, key: tuple[object, ...] | None, body: bytes, etag: str, headers: list[tuple[bytes, bytes]]
) -> None:
    """Keep a 200 answer in the raw-request map (later asks skip all of this), with the security
    headers (the fast path answers from the map in front of the middleware that adds them)."""
    if key is not None and len(body) <= CACHE_MAX_BODY:
        store.raw_cache.put(
            key,
            CachedResponse(
                body,
                etag.encode(),
                tuple(
                    (b"dragonbear-cache", b"hit; raw") if k == b"dragonbear-cache" else (k, v)
                    for k, v in secure_headers(headers)
                    if k != b"content-length"
                ),
            ),
        )


def make_route(settings: Settings, store: ServedStore) -> Route:
    """The route of ``/sparql``: a plain Starlette route, which skips FastAPI's parameter solving and
    response checks (about a fifth of the cost of a small query); the app puts it first.

    Its endpoint carries ``answer_get``, the raw answerer of the fast path
    (:class:`~dragonbear.service.runtime.fastpath.QueryFastPath`): a same-origin GET whose only
    parameter is the query is read straight from the ASGI scope (one pass over the headers, one
    ``readlink`` for the generation) and answered with raw headers, without Starlette's request,
    URL, query-parameter and response objects; it answers exactly as the endpoint does, whose code
    it shares (:func:`query_job`, :meth:`ServedStore.query_cached`). Anything else, it leaves to the
    endpoint.
    """
    hint = "updates are not taken here: send them by POST to /update" + (
        "" if settings.update_token else " (enabled when the server has DRAGONBEAR_UPDATE_TOKEN)"
    )
    cap = (str(settings.max_results) if settings.max_results else "none").encode()

    sparql = _endpoint(settings, store, hint)
    sparql.answer_get = _raw_answerer(settings, store, cap)  # type: ignore[attr-defined]  # read by QueryFastPath
    return Route("/sparql", sparql, methods=["GET", "POST"], include_in_schema=False)


def _endpoint(settings: Settings, store: ServedStore, hint: str) -> Callable[[Request], Awaitable[Response]]:
    """The endpoint of ``/sparql`` (see :func:`make_route`)."""

    async def sparql(request: Request) -> Response:
        """Answer a SPARQL query, or the service description for a GET without one."""
        op = await read_operation(request, name="query", direct_type=QUERY_TYPE, other="update", other_hint=hint)
        accept = request.headers.get("accept")
        if op is None:
            return await describe_service(request, store, settings, first(_params(request), "format"))
        job = query_job(
            op,
            base_iri=f"{request.base_url}sparql",
            accept=accept,
            max_results=settings.max_results,
            allowlist=settings.federation_allowlist,
        )
        current = store.current()
        reply, etag, source = await store.query_cached(job, current)
        headers = result_headers(reply.count, settings.max_results) | {"ETag": etag, "Dragonbear-Cache": source}
        response = Response(reply.body, media_type=reply.content_type, headers=headers)
        _keep(store, raw_key(current[0], request.scope), reply.body, etag, response.raw_headers)
        if etag in _etags(request.headers.get("if-none-match")):
            return Response(status_code=304, headers=headers)
        return response

    return sparql


def _raw_answerer(settings: Settings, store: ServedStore, cap: bytes) -> Callable[[Scope], Awaitable[Answer | None]]:
    """The raw answerer of ``GET /sparql?query=...`` (see :func:`make_route`)."""

    async def answer_get(scope: Scope) -> Answer | None:
        """Answer a ``GET /sparql?query=...`` from the scope alone, or None to leave it to the endpoint
        (a request with an Origin header, another parameter, or no Host header); errors are raised
        for the caller's error handler."""
        accept, host, tags, origin = read_headers(scope)
        if origin:
            return None
        current = store.current()
        query_string: bytes = scope["query_string"]
        key = (current[0], scope.get("scheme"), host or b"", scope.get("root_path", ""), query_string, accept or b"")
        hit = store.raw_cache.get(key)
        if hit is not None:
            return cached_answer(hit, tags)
        text = only_query(query_string)
        if text is None or host is None:
            return None
        root = scope.get("app_root_path", scope.get("root_path", ""))  # Starlette's request.base_url
        base = f"{scope.get('scheme', 'http')}://{host.decode('latin-1')}{root if root.endswith('/') else root + '/'}sparql"
        accepts = None if accept is None else accept.decode("latin-1")
        found = store.lookup(text, base_iri=base, accept=accepts, current=current)
        keep = True
        if found is not None:  # a look-up of one subject's values: query_job's checks all hold for it
            (reply, etag), source = found, "miss"
            keep = store.asked_before(key)  # kept from its second ask on
        else:
            job = query_job(
                Operation(text),
                base_iri=base,
                accept=accepts,
                max_results=settings.max_results,
                allowlist=settings.federation_allowlist,
            )
            reply, etag, source = await store.query_cached(job, current, tried=store.is_lookup(text))
        headers = _raw_headers(reply, etag, source, cap)
        # Kept with the headers of _raw_headers, for a later ask of the same request.
        if keep and len(reply.body) <= CACHE_MAX_BODY:
            store.raw_cache.put(key, CachedResponse(reply.body, etag.encode(), (*headers[:4], _RAW_HIT, *headers[6:])))
        if tags is not None and etag in _etags(tags.decode("latin-1")):
            return 304, headers[:5], b""
        return 200, headers, reply.body

    return answer_get


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

"""Answers from the cache before any routing: the fast path of ``GET /sparql``.

A query answer is cached per store generation (:meth:`ServedStore.query_cached`). Finding it there
still costs a trip through FastAPI: routing, the request object, reading the protocol parameters,
content negotiation, a thread for the store call. For a repeated ``GET /sparql?query=...`` all of
that gives the same answer as last time, so this middleware keeps a second, smaller map from the
*raw request* (the generation, the exact query string, the ``Accept`` and ``Host`` headers) to the
finished response, and sends it straight from the event loop. Anything else (another path or method,
a request from another origin, whose CORS headers the app's middleware writes, a request not seen
before) goes on to the app unchanged, and the route fills the map after answering with 200.

A same-origin ``GET /sparql`` not in the map is answered directly, without routing and the
middleware stack (which would not change its answer), with the app's error handler: by the endpoint's
raw answerer when it has one (``endpoint.answer_get``, see :func:`dragonbear.service.protocol.sparql.make_route`:
a request with the query as its only parameter, read from the ASGI scope without Starlette's request
and response objects), else by the endpoint itself.

A hit answers ``304 Not Modified`` when ``If-None-Match`` names its entity tag, like the route.

The answers the raw answerer and the map hold carry the security headers in their prebuilt header
lists; the endpoint's answers and the errors answered here get them through
:func:`~dragonbear.service.runtime.security_headers.secured_send` (in a server process nothing
stands in front of this middleware to add them).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from dragonbear.service.runtime.cache import LruCache
from dragonbear.service.runtime.security_headers import secured_send

__all__ = ["RAW_ENTRIES", "Answer", "CachedResponse", "QueryFastPath", "cached_answer", "raw_key", "read_headers"]


RAW_ENTRIES = 4096  # raw requests kept (an :class:`~dragonbear.service.runtime.cache.LruCache`)


@dataclass(frozen=True)
class CachedResponse:
    """A finished 200 answer: its body, its entity tag and its headers (without Content-Length)."""

    body: bytes
    etag: bytes
    headers: tuple[tuple[bytes, bytes], ...]


Answer = tuple[int, list[tuple[bytes, bytes]], bytes]
"""A finished answer: status, headers (with Content-Length when there is a body) and body."""


def read_headers(scope: Scope) -> tuple[bytes | None, bytes | None, bytes | None, bool]:
    """The ``Accept``, ``Host`` and ``If-None-Match`` headers of a request (the first of each, as
    Starlette reads them), and whether it has an ``Origin`` header, in one pass."""
    accept = host = tags = None
    for name, value in scope.get("headers", ()):
        if name == b"accept":
            if accept is None:
                accept = value
        elif name == b"host":
            if host is None:
                host = value
        elif name == b"if-none-match":
            if tags is None:
                tags = value
        elif name == b"origin":
            return accept, host, tags, True
    return accept, host, tags, False


def raw_key(generation: object, scope: Scope) -> tuple[object, ...] | None:
    """The cache key of a request, or None when the request must go through the app.

    Only ``GET`` requests without an ``Origin`` header qualify (CORS answers differ per origin).
    """
    if scope.get("method") != "GET":
        return None
    accept, host, _tags, origin = read_headers(scope)
    if origin:
        return None
    return (
        generation,
        scope.get("scheme"),
        host or b"",
        scope.get("root_path", ""),
        scope.get("query_string", b""),
        accept or b"",
    )


def cached_answer(hit: CachedResponse, tags: bytes | None) -> Answer:
    """The answer to a request found in the cache: 304 when ``tags`` (If-None-Match) names its entity
    tag, else 200 with the body."""
    if tags and hit.etag in {t.strip().removeprefix(b"W/") for t in tags.split(b",")}:
        return 304, [h for h in hit.headers if h[0] != b"content-type"], b""
    return 200, [*hit.headers, (b"content-length", str(len(hit.body)).encode())], hit.body


class QueryFastPath:
    """ASGI middleware that answers ``GET /sparql`` from the raw-request cache when it can.

    Args:
        app: the application behind it.
        cache: the raw answer cache that the ``/sparql`` route fills.
        generation: returns the current store generation (part of every key).
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        cache: LruCache[tuple[object, ...], CachedResponse],
        generation: Callable[[], object],
        endpoint: Callable[[Request], Awaitable[Response]] | None = None,
        on_error: Callable[[Request, Exception], Awaitable[Response]] | None = None,
    ) -> None:
        self.app = app
        self.cache = cache
        self.generation = generation
        self.endpoint = endpoint
        self.on_error = on_error
        self.answer_get: Callable[[Scope], Awaitable[Answer | None]] | None = getattr(endpoint, "answer_get", None)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == "/sparql" and scope.get("query_string"):
            if self.answer_get is not None and self.on_error is not None and scope["method"] == "GET":
                try:
                    answer = await self.answer_get(scope)
                except Exception as exc:  # answered as the app's handler answers it
                    response = await self.on_error(Request(scope, receive), exc)
                    await response(scope, receive, secured_send(send))
                    return
                if answer is not None:
                    status, headers, body = answer
                    await send({"type": "http.response.start", "status": status, "headers": headers})
                    await send({"type": "http.response.body", "body": body})
                    return
            key = raw_key(self.generation(), scope)
            if key is not None:
                hit = self.cache.get(key)
                if hit is not None:
                    await self._answer(scope, hit, send)
                    return
                if self.endpoint is not None and self.on_error is not None:
                    await self._call_endpoint(scope, receive, send)
                    return
        await self.app(scope, receive, send)

    async def _call_endpoint(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A same-origin GET not seen before goes straight to the ``/sparql`` endpoint: routing, CORS
        (no Origin header) and the middleware stack would not change its answer; errors are answered
        by the app's own error handler."""
        request = Request(scope, receive)
        try:
            response = await self.endpoint(request)  # type: ignore[misc]
        except Exception as exc:
            response = await self.on_error(request, exc)  # type: ignore[misc]
        await response(scope, receive, secured_send(send))

    @staticmethod
    async def _answer(scope: Scope, hit: CachedResponse, send: Send) -> None:
        status, headers, body = cached_answer(hit, read_headers(scope)[2])
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

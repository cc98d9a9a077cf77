"""``HEAD`` wherever ``GET`` is: the headers a ``GET`` would get, without the body.

FastAPI's routes take only the methods they name (Starlette's own add ``HEAD`` to ``GET``), so link
checkers, ``curl -I`` and caches that check a page with ``HEAD`` got a 405 from every page of the
service. :class:`HeadAsGet` runs a ``HEAD`` request as the ``GET`` of the same URL and sends the
answer's status and headers (its ``Content-Length`` too) with an empty body. The routes that answer
``HEAD`` themselves without reading their body, the downloads (:data:`OWN_HEAD`: whole-graph dumps
of hundreds of megabytes), keep their own. It stands inside the request limits, so a ``HEAD`` is
held to what a ``GET`` is.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["OWN_HEAD", "HeadAsGet"]

OWN_HEAD = ("/download/",)
"""Path parts of the routes that answer ``HEAD`` themselves (a release's downloads included)."""


class HeadAsGet:
    """ASGI middleware: a ``HEAD`` request is answered as its ``GET``, without the body.

    >>> def run(coroutine):  # nothing in these awaits waits: no event loop needed
    ...     try:
    ...         coroutine.send(None)
    ...     except StopIteration:
    ...         pass
    >>> async def page(scope, receive, send):
    ...     await send({"type": "http.response.start", "status": 200,
    ...                 "headers": [(b"content-length", b"5"), (b"x-method", scope["method"].encode())]})
    ...     await send({"type": "http.response.body", "body": b"hello"})
    >>> sent = []
    >>> async def send(message):
    ...     sent.append(message)
    >>> run(HeadAsGet(page)({"type": "http", "method": "HEAD", "path": "/"}, None, send))
    >>> sent[0]["headers"], sent[1]["body"]
    ([(b'content-length', b'5'), (b'x-method', b'GET')], b'')
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD" or any(p in scope["path"] for p in OWN_HEAD):
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] != "http.response.body":
                await send(message)
            elif not message.get("more_body", False):
                await send({"type": "http.response.body", "body": b"", "more_body": False})

        await self.app({**scope, "method": "GET"}, receive, headers_only)

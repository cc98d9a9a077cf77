"""Limits on what a request may carry, enforced before the app reads it (the outermost middleware).

- A URL (path and query string) longer than ``max_url_bytes`` is answered **414** at once.
- A body larger than the limit of its resource is answered **413**: at once when its
  ``Content-Length`` says so, else as soon as the bytes received pass the limit (a chunked body is
  counted as it arrives and never read whole). The limits are ``max_upload_bytes`` for the Graph
  Store Protocol (``/store``), ``max_update_bytes`` for ``/update`` and ``max_query_bytes`` for
  everything else (queries by POST, forms, short links).

Before this, a 50 MB query body was read whole and parsed before it was refused (400 after 5 s).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dragonbear.errors import DragonbearError, PayloadTooLargeError, UriTooLongError
from dragonbear.settings import Settings

__all__ = ["RequestLimits"]

ErrorResponder = Callable[[Request, Exception], Awaitable[Response]]


def _size(n: int) -> str:
    """``n`` bytes as a person reads them.

    >>> _size(2 << 20), _size(65536), _size(100)
    ('2 MiB', '64 KiB', '100 bytes')
    """
    for unit, shift in (("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if n >= 1 << shift and n % (1 << shift) == 0:
            return f"{n >> shift} {unit}"
    return f"{n:,} bytes"


class RequestLimits:
    """ASGI middleware: 414 for a URL past the limit, 413 for a body past its resource's limit."""

    def __init__(self, app: ASGIApp, *, settings: Settings, on_error: ErrorResponder) -> None:
        self.app = app
        self.settings = settings
        self.on_error = on_error

    def _body_limit(self, path: str) -> tuple[int, str]:
        s = self.settings
        if path == "/store" or path.startswith("/store/"):
            return s.max_upload_bytes, "DRAGONBEAR_MAX_UPLOAD_BYTES"
        if path == "/update":
            return s.max_update_bytes, "DRAGONBEAR_MAX_UPDATE_BYTES"
        return s.max_query_bytes, "DRAGONBEAR_MAX_QUERY_BYTES"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        url = len(scope.get("raw_path") or scope["path"].encode("utf-8", "replace")) + len(
            scope.get("query_string", b"")
        )
        if url > self.settings.max_url_bytes:
            await self._refuse(
                scope,
                receive,
                send,
                UriTooLongError(
                    f"the URL is {url:,} bytes; the server takes at most {_size(self.settings.max_url_bytes)} "
                    "(DRAGONBEAR_MAX_URL_BYTES): send a long query by POST"
                ),
            )
            return
        if scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        limit, setting = self._body_limit(scope["path"])
        declared = next((v for k, v in scope.get("headers", []) if k == b"content-length"), None)
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._refuse(scope, receive, send, _too_large(int(declared), limit, setting))
            return
        await self.app(scope, _counted(receive, limit, setting), send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, error: DragonbearError) -> None:
        response = await self.on_error(Request(scope, receive), error)
        response.headers["Connection"] = "close"  # the body, if any, is not read
        await response(scope, receive, send)


def _too_large(size: int, limit: int, setting: str) -> PayloadTooLargeError:
    return PayloadTooLargeError(
        f"the request body is {'over ' if size < 0 else ''}{abs(size):,} bytes; the server takes at most "
        f"{_size(limit)} here ({setting})"
    )


def _counted(receive: Receive, limit: int, setting: str) -> Receive:
    """``receive`` that raises :class:`PayloadTooLargeError` once the body passes ``limit`` bytes."""
    seen = 0

    async def counted() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise _too_large(-limit, limit, setting)
        return message

    return counted

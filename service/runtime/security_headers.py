"""The headers every response carries for the browser's sake, added in one place.

============================  =====================================================================
``X-Content-Type-Options``    ``nosniff`` on every response: a browser never guesses a type, so a
                              CSV or JSON answer holding HTML is never run as a page or a script.
``Referrer-Policy``           ``strict-origin-when-cross-origin`` on every response: another site a
                              page links to learns at most this server's origin, never the path or
                              query string (a search, a SPARQL query); see decision 29 for why not
                              ``no-referrer``.
``Content-Security-Policy``   on documents (HTML and SVG), :data:`PAGE_POLICY` unless the route set
                              its own: scripts and everything else from this origin only, no inline
                              script or event handler, no plugin, no ``<base>`` elsewhere, forms
                              sent here only, and framing by this origin only. Embeds
                              (``/embed/...``) set :data:`EMBED_POLICY`, the same with
                              ``frame-ancestors *``.
============================  =====================================================================

:class:`SecurityHeaders`, the outermost middleware of the app, adds what a response lacks. The fast
path of ``GET /sparql`` stands in front of the app in a server process and sends answers it built
itself; those answers carry :data:`ANSWER_HEADERS` in their prebuilt header lists (see
:mod:`dragonbear.service.protocol.sparql`), so the most asked path pays nothing per request, and the
fast path's other answers (the endpoint's, its errors) go through :func:`secured_send`.
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "ANSWER_HEADERS",
    "EMBED_POLICY",
    "PAGE_POLICY",
    "REFERRER_POLICY",
    "SecurityHeaders",
    "secure_headers",
    "secured_send",
]


_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
)
#: The policy of every page and image: this origin only, no inline script, framed by this origin only.
PAGE_POLICY = _POLICY + "frame-ancestors 'self'"
#: The policy of an embed: the same, but any site may frame it.
EMBED_POLICY = _POLICY + "frame-ancestors *"
REFERRER_POLICY = "strict-origin-when-cross-origin"

#: The headers of every response, as raw ASGI headers (the fast path's answers carry these).
ANSWER_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", REFERRER_POLICY.encode()),
)
_POLICY_HEADER = (b"content-security-policy", PAGE_POLICY.encode())
_DOCUMENTS = (b"text/html", b"image/svg+xml", b"application/xhtml+xml")


def secure_headers(headers: Iterable[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """``headers`` (raw, lower-case names) with the security headers they lack added.

    >>> h = secure_headers([(b"content-type", b"text/html; charset=utf-8")])
    >>> [k for k, _ in h]
    [b'content-type', b'x-content-type-options', b'referrer-policy', b'content-security-policy']
    >>> own = (b"content-security-policy", EMBED_POLICY.encode())
    >>> secure_headers([(b"content-type", b"text/html"), own]).count(own)
    1
    >>> [k for k, _ in secure_headers([(b"content-type", b"text/csv"), *ANSWER_HEADERS])]
    [b'content-type', b'x-content-type-options', b'referrer-policy']
    """
    out = list(headers)
    seen = {k for k, _ in out}
    for name, value in ANSWER_HEADERS:
        if name not in seen:
            out.append((name, value))
    if b"content-security-policy" not in seen:
        media = next((v for k, v in out if k == b"content-type"), b"")
        if media.lower().startswith(_DOCUMENTS):
            out.append(_POLICY_HEADER)
    return out


def secured_send(send: Send) -> Send:
    """``send``, adding :func:`secure_headers` to the start of a response."""

    async def send_secured(message: Message) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": secure_headers(message.get("headers", ()))}
        await send(message)

    return send_secured


class SecurityHeaders:
    """ASGI middleware: every HTTP response gets the headers of :func:`secure_headers`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.app(scope, receive, secured_send(send))

"""One mapping from errors to HTTP statuses, and the one handler that answers with it.

A project error that is the client's doing gets its 4xx (or 503 for a timeout or a busy server);
anything else is a bug: it is logged with its stack trace and the client gets a 500 with no detail.
The handler answers in the form of the route: JSON under ``/api`` (``{"error", "message",
"candidates"}``, the candidates of an ambiguous name included), an HTML page for a browser on the
web pages, and plain text everywhere else (the SPARQL protocol routes).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response

from dragonbear.errors import (
    DragonbearError,
    ForbiddenError,
    LoadError,
    MemoryCeilingError,
    MethodNotAllowedError,
    NotAcceptableError,
    NotFoundError,
    ParameterError,
    PayloadTooLargeError,
    ProtocolError,
    QueryError,
    QueryTimeoutError,
    ResultLimitError,
    ServiceUnavailableError,
    StorageFullError,
    StoreError,
    TooManyRequestsError,
    UnauthorizedError,
    UnknownQueryError,
    UnsupportedMediaTypeError,
    UriTooLongError,
    UsageError,
    ValidationError,
)

__all__ = ["HTTP_STATUSES", "PAGE_PATHS", "ErrorHandler", "install_error_handler", "status_for"]

#: Path prefixes of the web pages: a browser (``Accept: text/html``) gets their errors as a page.
PAGE_PATHS = ("/id/", "/ontology", "/explore", "/charts", "/static/", "/search", "/queries", "/q")

log = logging.getLogger("dragonbear.service")

# Order matters: the first matching class wins.
HTTP_STATUSES: list[tuple[type[BaseException], int]] = [
    (UnauthorizedError, 401),
    (ForbiddenError, 403),
    (TooManyRequestsError, 429),
    (MethodNotAllowedError, 405),
    (NotAcceptableError, 406),
    (UnsupportedMediaTypeError, 415),
    (PayloadTooLargeError, 413),
    (UriTooLongError, 414),
    (ProtocolError, 400),
    (QueryTimeoutError, 503),
    (MemoryCeilingError, 503),
    (ResultLimitError, 422),
    (UnknownQueryError, 404),
    (QueryError, 400),
    (NotFoundError, 404),
    (LoadError, 400),
    (UsageError, 400),
    (ValidationError, 422),
    (ServiceUnavailableError, 503),
    (StorageFullError, 507),  # Insufficient Storage (RFC 4918): the write could not be stored
    (StoreError, 503),
]


def status_for(error: BaseException) -> int:
    """The HTTP status of ``error``: from :data:`HTTP_STATUSES`, else 500.

    >>> status_for(NotAcceptableError("x")), status_for(QueryError("x")), status_for(KeyError("x"))
    (406, 400, 500)
    """
    for cls, status in HTTP_STATUSES:
        if isinstance(error, cls):
            return status
    return 500


def _status_and_message(request: Request, exc: Exception) -> tuple[int, str, dict[str, str]]:
    headers: dict[str, str] = {}
    if isinstance(exc, StarletteHTTPException):  # routing: unknown path (404), wrong method (405)
        status, message = exc.status_code, str(exc.detail)
        headers.update(exc.headers or {})
    elif isinstance(exc, RequestValidationError):
        status, message = (
            400,
            "bad request parameters: "
            + "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ())[1:])}: {e.get('msg', '')}" for e in exc.errors()),
        )
    else:
        status = status_for(exc)
        message = str(exc) if status != 500 else "internal server error (it is logged)"
        if status == 500:
            log.error("error serving %s %s", request.method, request.url.path, exc_info=exc)
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="dragonbear"'
    if isinstance(exc, TooManyRequestsError):
        headers["Retry-After"] = str(exc.retry_after)
    if status == 503:
        headers.setdefault("Retry-After", "5")
    return status, message.rstrip("\n"), headers


def _wants_page(request: Request, status: int) -> bool:
    """Whether the error goes out as a page: a browser's request for a web page, or for any address
    that does not exist (a mistyped link gets the site's 404 page, with its navigation and search)."""
    path = request.url.path
    if status != 404 and path != "/" and not path.startswith(PAGE_PATHS):
        return False
    return "text/html" in request.headers.get("accept", "")


class ErrorHandler:
    """The app's one error handler.

    Args:
        page: renders an error page (status, title, message) as HTML; the app passes the web pages' own.
    """

    def __init__(self, page: Callable[[int, str], str] | None = None) -> None:
        self.page = page

    async def __call__(self, request: Request, exc: Exception) -> Response:
        """Answer any error raised while serving ``request`` (JSON, HTML or text by route)."""
        status, message, headers = _status_and_message(request, exc)
        if request.url.path.startswith("/api/"):
            candidates = [
                {"iri": iri, "label": label, "score": None, "matched": None}
                for iri, label in (exc.candidates if isinstance(exc, ParameterError) else [])
            ]
            kind = (
                type(exc).__name__
                if isinstance(exc, DragonbearError)
                else ("NotFoundError" if status == 404 else "ProtocolError" if status < 500 else "InternalError")
            )
            return JSONResponse(
                {"error": kind, "message": message, "candidates": candidates}, status_code=status, headers=headers
            )
        if self.page is not None and _wants_page(request, status):
            headers["Vary"] = "Accept"
            return HTMLResponse(self.page(status, message), status_code=status, headers=headers)
        return PlainTextResponse(message + "\n", status_code=status, headers=headers)


handle_error = ErrorHandler()
"""The handler without error pages (plain text and JSON), for code that answers outside the app."""


def install_error_handler(app: FastAPI, *, page: Callable[[int, str], str] | None = None) -> ErrorHandler:
    """Route every error the app can raise to one :class:`ErrorHandler`, and return it."""
    handler = ErrorHandler(page)
    for cls in (DragonbearError, StarletteHTTPException, RequestValidationError, Exception):
        app.add_exception_handler(cls, handler)
    return handler

"""One mapping from errors to HTTP statuses, and the one handler that answers with it.

Every error answer is plain text with the message of the error. A project error that is the
client's doing gets its 4xx (or 503 for a timeout or a busy server); anything else is a bug: it is
logged with its stack trace and the client gets a 500 with no detail.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from dragonbear.errors import (
    DragonbearError,
    ForbiddenError,
    LoadError,
    MethodNotAllowedError,
    NotAcceptableError,
    NotFoundError,
    ProtocolError,
    QueryError,
    QueryTimeoutError,
    ResultLimitError,
    ServiceUnavailableError,
    StoreError,
    UnauthorizedError,
    UnknownQueryError,
    UnsupportedMediaTypeError,
    UsageError,
    ValidationError,
)

__all__ = ["HTTP_STATUSES", "handle_error", "install_error_handler", "status_for"]

log = logging.getLogger("dragonbear.service")

# Order matters: the first matching class wins.
HTTP_STATUSES: list[tuple[type[BaseException], int]] = [
    (UnauthorizedError, 401),
    (ForbiddenError, 403),
    (MethodNotAllowedError, 405),
    (NotAcceptableError, 406),
    (UnsupportedMediaTypeError, 415),
    (ProtocolError, 400),
    (QueryTimeoutError, 503),
    (ResultLimitError, 422),
    (UnknownQueryError, 404),
    (QueryError, 400),
    (NotFoundError, 404),
    (LoadError, 400),
    (UsageError, 400),
    (ValidationError, 422),
    (ServiceUnavailableError, 503),
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


async def handle_error(request: Request, exc: Exception) -> Response:
    """Answer any error raised while serving ``request``, as plain text."""
    headers: dict[str, str] = {}
    if isinstance(exc, StarletteHTTPException):  # routing: unknown path (404), wrong method (405)
        status, message = exc.status_code, str(exc.detail)
        headers.update(exc.headers or {})
    elif isinstance(exc, RequestValidationError):
        status, message = 400, "bad request parameters"
    else:
        status = status_for(exc)
        message = str(exc) if status != 500 else "internal server error (it is logged)"
        if status == 500:
            log.error("error serving %s %s", request.method, request.url.path, exc_info=exc)
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="dragonbear"'
    if status == 503:
        headers.setdefault("Retry-After", "5")
    return PlainTextResponse(message.rstrip("\n") + "\n", status_code=status, headers=headers)


def install_error_handler(app: FastAPI) -> None:
    """Route every error the app can raise to :func:`handle_error`."""
    for cls in (DragonbearError, StarletteHTTPException, RequestValidationError, Exception):
        app.add_exception_handler(cls, handle_error)

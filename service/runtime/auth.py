"""The bearer token that guards writes (``DRAGONBEAR_UPDATE_TOKEN``)."""

from __future__ import annotations

import secrets

from starlette.requests import Request

from dragonbear.errors import ForbiddenError, UnauthorizedError

__all__ = ["require_token"]


def require_token(request: Request, token: str) -> None:
    """Check ``Authorization: Bearer <token>``.

    Raises:
        UnauthorizedError: no bearer token (HTTP 401).
        ForbiddenError: the wrong token (HTTP 403).
    """
    header = request.headers.get("authorization", "")
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise UnauthorizedError("writes need the update token: send Authorization: Bearer <token>")
    if not secrets.compare_digest(value.strip().encode("utf-8"), token.encode("utf-8")):
        raise ForbiddenError("the update token is wrong")

"""The OpenAPI document (``/openapi.json``) with the errors the app really answers.

FastAPI documents a request whose parameters fail its checks as a 422 with its own
``HTTPValidationError`` body; the app's one error handler answers those with a 400 and an
:class:`~dragonbear.service.api.models.ErrorBody`, as every other bad parameter (422 is the result cap
of ``/api/queries/{name}``). Here each operation's 422 of FastAPI becomes that 400, and an operation
that runs queries also documents the 503 of the time limit and of a busy server. Schemathesis found
the difference (``tests/service/test_fuzz_openapi.py``).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

__all__ = ["ERROR_SCHEMA", "document_errors", "install_openapi"]

ERROR_SCHEMA = {"$ref": "#/components/schemas/ErrorBody"}
_FASTAPI_SCHEMAS = ("HTTPValidationError", "ValidationError")


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": ERROR_SCHEMA}}}


def _is_fastapis(response: dict[str, Any]) -> bool:
    """Whether a documented response is FastAPI's own 422 of a failed parameter check."""
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    return str(schema.get("$ref", "")).endswith("/HTTPValidationError")


def document_errors(schema: dict[str, Any]) -> None:
    """Rewrite ``schema`` (an OpenAPI document made by FastAPI) in place: see the module's text.

    >>> doc = {"paths": {"/api/x": {"get": {"parameters": [{"name": "q"}], "responses": {"422": {
    ...     "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HTTPValidationError"}}}}}}}},
    ...     "components": {"schemas": {"HTTPValidationError": {}, "ValidationError": {}, "ErrorBody": {}}}}
    >>> document_errors(doc)
    >>> sorted(doc["paths"]["/api/x"]["get"]["responses"]), sorted(doc["components"]["schemas"])
    (['400', '503'], ['ErrorBody'])
    """
    for methods in schema.get("paths", {}).values():
        for operation in methods.values():
            responses = operation.setdefault("responses", {})
            if _is_fastapis(responses.get("422", {})):
                del responses["422"]
            if operation.get("parameters"):  # the operations that take parameters run queries
                responses.setdefault("400", _error("a bad, missing or ambiguous parameter"))
                responses.setdefault(
                    "503", _error("the query ran past the server's time limit, or the server is busy (see Retry-After)")
                )
    schemas = schema.get("components", {}).get("schemas", {})
    for name in _FASTAPI_SCHEMAS:
        schemas.pop(name, None)


def install_openapi(app: FastAPI) -> None:
    """Have ``app`` serve its OpenAPI document with :func:`document_errors` applied (made once)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document_errors(build())
        assert app.openapi_schema is not None
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]

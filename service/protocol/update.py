"""``/update``: SPARQL 1.1 Update by form POST (``update=``) or direct POST, with the bearer token.

``using-graph-uri`` / ``using-named-graph-uri`` become USING / USING NAMED clauses of each
DELETE/INSERT ... WHERE operation; an update that has its own WITH or USING as well is refused, as
the protocol says. Relative IRIs resolve against the URL of ``/update``. Each request is one
transaction (see :class:`~dragonbear.service.runtime.writer.StoreWriter`). In updates the default graph is the
store's own default graph, as SPARQL Update defines it (the union applies to queries). ``LOAD`` is
refused, since the engine would fetch any URL the update names (internal hosts included).
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from dragonbear.errors import ProtocolError
from dragonbear.graph.sparql_limits import check_sparql
from dragonbear.graph.sparql_text import QUERY_FORMS, add_using_clauses, has_load, query_form, update_dataset_keywords
from dragonbear.service.protocol.request import UPDATE_TYPE, graph_iris, read_operation
from dragonbear.service.protocol.sparql import check_federation
from dragonbear.service.runtime.auth import require_token
from dragonbear.service.runtime.deps import ServedDep, SettingsDep
from dragonbear.service.runtime.writer import WriteJob

__all__ = ["router"]


router = APIRouter()
"""``/update``: the app includes it only when an update token is configured."""


@router.post("/update", include_in_schema=False)
async def update(request: Request, served: ServedDep, settings: SettingsDep) -> Response:
    """Apply a SPARQL update as one transaction; 204 on success."""
    await require_token(request, settings.update_token or "")
    op = await read_operation(
        request,
        name="update",
        direct_type=UPDATE_TYPE,
        other="query",
        other_hint="queries are not taken here: send them to /sparql",
    )
    if op is None:  # pragma: no cover - POST always yields an operation or an error
        raise ProtocolError("no update in the request")
    check_sparql(op.text, what="update")  # refused before the other scans and the trip to the writer
    if query_form(op.text) in QUERY_FORMS:
        raise ProtocolError("this is a SPARQL query: send it to /sparql")
    check_federation(op.text, settings.federation_allowlist)
    if has_load(op.text):  # the engine would fetch any URL, internal hosts included
        raise ProtocolError(
            "LOAD is refused here: the server does not fetch URLs for updates; "
            "load files with `dragonbear load FILE --graph IRI`, or PUT them to /store"
        )
    using = graph_iris(op.params, "using-graph-uri")
    using_named = graph_iris(op.params, "using-named-graph-uri")
    text = op.text
    if using or using_named:
        clash = update_dataset_keywords(text)
        if clash:
            raise ProtocolError(
                f"the update has its own {' and '.join(sorted(clash))}: it cannot take "
                "using-graph-uri or using-named-graph-uri as well"
            )
        text = add_using_clauses(text, using, using_named)
    await run_in_threadpool(served.write, WriteJob("update", text=text, base_iri=f"{request.base_url}update"))
    return Response(status_code=204)

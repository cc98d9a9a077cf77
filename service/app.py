"""The FastAPI application: routers, the error handler, CORS for reads, and the store's lifetime."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool
from starlette.middleware.cors import CORSMiddleware

from dragonbear import __version__
from dragonbear.graph.sparql_limits import configure as configure_query_limits
from dragonbear.service.api import cite, queries, search
from dragonbear.service.api.openapi import install_openapi
from dragonbear.service.protocol import description, download, graph_store, sparql, update
from dragonbear.service.runtime.auth import TokenGuard
from dragonbear.service.runtime.errors import install_error_handler
from dragonbear.service.runtime.fastpath import QueryFastPath
from dragonbear.service.runtime.head import HeadAsGet
from dragonbear.service.runtime.request_limits import RequestLimits
from dragonbear.service.runtime.security_headers import SecurityHeaders
from dragonbear.service.runtime.served import ServedStore
from dragonbear.service.web import (
    browse_page,
    charts_page,
    embeds,
    explorer,
    map_page,
    pages,
    query_forms,
    release_views,
    search_page,
    short_links,
    timeline_page,
)
from dragonbear.service.web.release_views import ReleaseViews
from dragonbear.settings import Settings

__all__ = ["EXPOSED_HEADERS", "create_app"]

#: The response headers a script on another origin may read (CORS): result counts, the cache's tags,
#: and what a file of an answer says about itself (its name, release, licence and attribution).
EXPOSED_HEADERS = [
    "Dragonbear-Result-Count",
    "Dragonbear-Result-Cap",
    "ETag",
    "Dragonbear-Cache",
    "Dragonbear-Release",
    "Dragonbear-Attribution",
    "Content-Disposition",
    "Link",
]

log = logging.getLogger("dragonbear.service")

#: The routers after ``/sparql``, in the order they match.
_ROUTERS = (
    description.router,
    download.router,
    queries.router,
    search.router,
    cite.router,
    browse_page.router,  # before pages: /id/{kind}/ lists a kind, /id/{kind}/{id} is an entity
    search_page.router,
    pages.router,
    charts_page.router,
    timeline_page.router,
    map_page.router,
    explorer.router,
    query_forms.router,
    embeds.router,
    short_links.router,
    release_views.router,
)


WARM_AUTO_QUADS = 1_000_000
WARM_AUTO_BYTES = 400 << 20  # a store of 1M quads takes about 290 MB on disk, compacted (decision 34)


def _disk_bytes(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.iterdir() if f.is_file())


def _warm(store: ServedStore, auto: bool) -> None:
    """Build the name index and the lineage view in the background, so that the first resolve,
    entity page or lineage request does not wait seconds for them.

    ``DRAGONBEAR_WARM=0`` skips it and ``1`` forces it; by default (``auto``) only stores of at most
    :data:`WARM_AUTO_QUADS` quads are warmed: both caches grow with the data (about 500 MiB for a
    store of three million quads), which a server used only for SPARQL would carry for nothing.
    """
    from dragonbear.graph.lineage import lineage_view
    from dragonbear.service.runtime.names import name_index

    try:
        if auto:
            gen = store.generation()
            if gen is not None and gen.is_dir() and _disk_bytes(gen) > WARM_AUTO_BYTES:
                return  # clearly too large: not even counted (a count reads every quad)
            if sum(store.graph_counts().values()) > WARM_AUTO_QUADS:
                return
        local = store.local_store()
        lineage_view(local)
        name_index(local)
    except Exception:  # a cache that failed to warm is built on first use instead
        log.exception("warming the caches failed")


def _lifespan(
    settings: Settings, store: ServedStore, on_stopped: Callable[[], None] | None
) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """Open the store (and warm its caches in the background) when the app starts; close it after."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await run_in_threadpool(store.start)
        if settings.warm is not False:
            threading.Thread(
                target=_warm, args=(store, settings.warm is None), name="dragonbear-warm", daemon=True
            ).start()
        try:
            yield
        finally:
            await run_in_threadpool(store.close)
            if on_stopped is not None:
                on_stopped()

    return lifespan


def create_app(
    settings: Settings, store: ServedStore, *, fast_path: bool = True, on_stopped: Callable[[], None] | None = None
) -> FastAPI:
    """Build the app that serves ``store``; the store opens with the app and closes with it, after
    which ``on_stopped`` is called (the server uses it to leave at once after retiring).

    ``/update`` and ``/store`` exist only when ``settings.update_token`` is set. CORS lets browsers
    elsewhere read (GET and POST of queries without credentials); writes need an Authorization
    header, which CORS does not allow across origins. Every answer carries the security headers
    (:mod:`~dragonbear.service.runtime.security_headers`).
    """

    app = FastAPI(
        title="Dragonbear",
        version=__version__,
        lifespan=_lifespan(settings, store, on_stopped),
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
        description="A knowledge graph of Russia-China military-technical cooperation: SPARQL 1.1 "
        "at /sparql, entity pages under /id/, and a JSON API for the canned queries.",
    )
    app.state.served, app.state.settings = store, settings
    app.state.token_guard = TokenGuard()  # the backoff of wrong update tokens, per process
    configure_query_limits(max_depth=settings.max_query_depth, max_chain=settings.max_query_chain)
    handler = install_error_handler(app, page=pages.error_page)
    # Inside CORS: /v/RELEASE/sparql and /v/RELEASE/id/... are the live routes on a kept release.
    app.add_middleware(ReleaseViews, served=store, on_error=handler)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "POST"],
        allow_headers=["Accept", "Content-Type", "If-None-Match"],
        expose_headers=EXPOSED_HEADERS,
    )
    # Outermost: repeated GET /sparql asks are answered from the cache before any routing.
    route = sparql.make_route(settings, store)
    if fast_path:
        app.add_middleware(
            QueryFastPath, cache=store.raw_cache, generation=store.generation, endpoint=route.endpoint, on_error=handler
        )
    # HEAD answered as GET without the body, on every route (FastAPI's take only the methods they name).
    app.add_middleware(HeadAsGet)
    # A URL or body past its limit is refused before anything reads it.
    app.add_middleware(RequestLimits, settings=settings, on_error=handler)
    # Outermost of all: every answer, refusals included, gets the security headers.
    app.add_middleware(SecurityHeaders)
    app.router.routes.insert(0, route)  # first: the most asked path
    for router in _ROUTERS:
        app.include_router(router)
    if settings.update_token:  # writes exist only with a token
        app.include_router(update.router)
        app.include_router(graph_store.router)
    install_openapi(app)  # the errors as the handler answers them, not FastAPI's 422
    return app

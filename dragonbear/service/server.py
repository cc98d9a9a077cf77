"""Run the endpoint: build the store from the shipped data when there is none, then serve it."""

from __future__ import annotations

import sys

import uvicorn

from dragonbear.graph.build import build_store
from dragonbear.graph.store import store_exists
from dragonbear.service.app import create_app
from dragonbear.service.served import ServedStore
from dragonbear.settings import Settings

__all__ = ["run_server"]


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run_server(settings: Settings, *, http: str = "auto", loop: str = "auto", fast_path: bool = True) -> None:
    """Serve the store of ``settings`` at ``http://host:port/sparql`` until interrupted.

    Args:
        settings: the store, address, workers and limits.
        http: uvicorn's HTTP implementation (``auto`` takes httptools, ``h11`` the pure-Python one).
        loop: uvicorn's event loop (``auto`` takes uvloop, ``asyncio`` the standard one).
        fast_path: answer repeated ``GET /sparql`` asks before routing (see
            :mod:`dragonbear.service.fastpath`); ``bench/http.py`` turns it off to measure what it buys.

    Raises:
        LoadError, ValidationError, StoreError: the first build failed, or the store cannot be opened.
    """
    if not store_exists(settings.store_dir):
        _say(f"No store at {settings.store_dir}: building it from the shipped data (once) ...")
        report = build_store(settings.store_dir, progress=_say)
        _say(report.text())
    app = create_app(settings, ServedStore(settings), fast_path=fast_path)
    _say(f"Dragonbear SPARQL endpoint: http://{settings.host}:{settings.port}/sparql "
         f"({settings.workers} query workers, time limit {settings.query_timeout:g} s, result cap "
         f"{settings.max_results or 'none'}, updates {'on' if settings.update_token else 'off'})")
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="info", access_log=False,
                http=http, loop=loop)  # type: ignore[arg-type]

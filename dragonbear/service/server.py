"""Run the endpoint: build the store from the shipped data when there is none, then serve it.

``dragonbear serve`` is a supervisor (uvicorn's) with ``--workers`` server processes on one listening
socket. Each server process answers HTTP and runs queries itself, in threads (see
:mod:`dragonbear.service.runner`). A process whose query runs past the time limit answers that
client with 503, then retires: it stops accepting connections, answers the requests it has, and
exits, which stops the query and frees its CPU; the supervisor starts a replacement at once, and the
other processes serve meanwhile. A process that dies (out of memory, say) is replaced the same way.
"""

from __future__ import annotations

import functools
import logging
import os
import signal
import sys
import threading

import uvicorn
from uvicorn.supervisors.multiprocess import Multiprocess

from dragonbear.graph.build import build_store
from dragonbear.graph.store import store_exists
from dragonbear.settings import Settings

__all__ = ["run_server"]

log = logging.getLogger("dragonbear.service")

_retiring = threading.Event()


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _retire() -> None:
    """Stop taking connections, answer what is in hand, and exit (uvicorn's graceful shutdown on SIGTERM)."""
    if _retiring.is_set():
        return
    _retiring.set()
    log.warning("server process %d retires: a query is still running past the time limit; it stops taking "
                "connections and exits once its other requests are answered, and a new process replaces it",
                os.getpid())
    os.kill(os.getpid(), signal.SIGTERM)


def _stopped() -> None:
    if _retiring.is_set():  # the late query's thread cannot be joined: leave without waiting for it
        logging.shutdown()
        os._exit(0)


def front_app(settings: Settings, fast_path: bool):  # type: ignore[no-untyped-def]
    """The app of one server process (called by uvicorn in the process)."""
    from dragonbear.service.app import create_app
    from dragonbear.service.served import ServedStore
    return create_app(settings, ServedStore(settings, on_overrun=_retire), fast_path=fast_path, on_stopped=_stopped)


def run_server(settings: Settings, *, http: str = "auto", loop: str = "auto", fast_path: bool = True) -> None:
    """Serve the store of ``settings`` at ``http://host:port/sparql`` until interrupted.

    Args:
        settings: the store, address, number of server processes and limits.
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
    config = uvicorn.Config(functools.partial(front_app, settings, fast_path), factory=True, host=settings.host,
                            port=settings.port, log_level="info", access_log=False, http=http,  # type: ignore[arg-type]
                            loop=loop, workers=settings.workers,  # type: ignore[arg-type]
                            timeout_graceful_shutdown=int(settings.query_timeout) + 5)
    sock = config.bind_socket()
    _say(f"Dragonbear SPARQL endpoint: http://{settings.host}:{settings.port}/sparql "
         f"({settings.workers} server processes, time limit {settings.query_timeout:g} s, result cap "
         f"{settings.max_results or 'none'}, updates {'on' if settings.update_token else 'off'})")
    Multiprocess(config, sockets=[sock]).run()

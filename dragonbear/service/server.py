"""Run the endpoint: build the store from the shipped data when there is none, then serve it.

``dragonbear serve`` is a supervisor (uvicorn's) with ``--workers`` server processes on one listening
socket. Each server process answers HTTP and runs queries itself, in threads (see
:mod:`dragonbear.service.runner`). A process whose query runs past the time limit answers that
client with 503, then retires: it stops accepting connections, answers the requests it has, and
exits, which stops the query and frees its CPU; the supervisor starts a replacement at once, and the
other processes serve meanwhile. A process that dies (out of memory, say) is replaced the same way.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import logging
import os
import signal
import sys
import threading
from pathlib import Path

import uvicorn
from uvicorn.supervisors.multiprocess import Multiprocess

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


PAYLOAD = "DRAGONBEAR_SERVE_PAYLOAD"


def run_server(settings: Settings, *, http: str = "auto", loop: str = "auto", fast_path: bool = True) -> None:
    """Serve the store of ``settings`` at ``http://host:port/sparql`` until interrupted.

    The store is built first when there is none. Then this process becomes the supervisor: it
    replaces itself (``exec``, same process id) with ``python -m dragonbear.service.supervisor``,
    which imports only uvicorn and the settings (about 27 MiB instead of the command line's 70).

    Args:
        settings: the store, address, number of server processes and limits.
        http: uvicorn's HTTP implementation (``auto`` takes httptools, ``h11`` the pure-Python one).
        loop: uvicorn's event loop (``auto`` takes uvloop, ``asyncio`` the standard one).
        fast_path: answer repeated ``GET /sparql`` asks before routing (see
            :mod:`dragonbear.service.fastpath`); ``bench/http.py`` turns it off to measure what it buys.

    Raises:
        LoadError, ValidationError, StoreError: the first build failed, or the store cannot be opened.
    """
    from dragonbear.graph.store import store_exists
    if not store_exists(settings.store_dir):
        from dragonbear.graph.build import build_store
        _say(f"No store at {settings.store_dir}: building it from the shipped data (once) ...")
        report = build_store(settings.store_dir, progress=_say)
        _say(report.text())
    payload = {"settings": {f.name: getattr(settings, f.name) for f in dataclasses.fields(settings)},
               "http": http, "loop": loop, "fast_path": fast_path}
    payload["settings"]["store_dir"] = str(settings.store_dir)
    os.environ[PAYLOAD] = json.dumps(payload)
    os.environ.setdefault("MALLOC_ARENA_MAX", "2")  # query threads would each get a malloc arena
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, [sys.executable, "-m", "dragonbear.service.supervisor"])


def supervise() -> None:
    """The supervisor's main (``python -m dragonbear.service.supervisor``): read the settings that
    :func:`run_server` left in the environment, bind the socket, and keep the server processes."""
    payload = json.loads(os.environ.pop(PAYLOAD))
    values = payload["settings"]
    values["store_dir"] = Path(values["store_dir"])
    values["federation_allowlist"] = tuple(values["federation_allowlist"])
    settings = Settings(**values)
    config = uvicorn.Config(functools.partial(front_app, settings, payload["fast_path"]), factory=True,
                            host=settings.host, port=settings.port, log_level="info", access_log=False,
                            http=payload["http"], loop=payload["loop"], workers=settings.workers,
                            timeout_graceful_shutdown=int(settings.query_timeout) + 5)
    sock = config.bind_socket()
    _say(f"Dragonbear SPARQL endpoint: http://{settings.host}:{settings.port}/sparql "
         f"({settings.workers} server processes, time limit {settings.query_timeout:g} s, result cap "
         f"{settings.max_results or 'none'}, updates {'on' if settings.update_token else 'off'})")
    Multiprocess(config, sockets=[sock]).run()

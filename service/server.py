"""Run the endpoint: build the store from the shipped data when there is none, then serve it.

``dragonbear serve`` is a supervisor (uvicorn's, see :class:`Supervisor`) with ``--workers`` server
processes on one listening socket. Each server process answers HTTP and runs queries itself, in
threads (see :mod:`dragonbear.service.runtime.runner`). A process whose query runs past the time limit
answers that client with 503, then retires: the supervisor starts a replacement, and once it
serves, the old process stops accepting connections, answers the requests it has, and exits, which
stops the query and frees its CPU. A process that dies (out of memory, say) is replaced too.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import logging
import os
import shutil
import signal
import socket
import sys
import tempfile
import threading
from pathlib import Path

import uvicorn
from uvicorn.supervisors.multiprocess import Multiprocess, Process

from dragonbear.settings import Settings

__all__ = ["run_server"]

log = logging.getLogger("dragonbear.service")

_retiring = threading.Event()


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


RETIRE_FALLBACK_SECONDS = 30.0
READY_SECONDS = 60.0  # how long a replacement may take to start serving


def _retire(run_dir: Path) -> None:
    """Ask the supervisor for a replacement, then leave (see :class:`Supervisor`)."""
    if _retiring.is_set():
        return
    _retiring.set()
    log.warning("server process %d retires: a query is still running past the time limit; a new process "
                "replaces it, and this one exits once its other requests are answered", os.getpid())
    try:
        (run_dir / f"retire-{os.getpid()}").touch()
        os.kill(os.getppid(), signal.SIGUSR1)
    except OSError:
        os.kill(os.getpid(), signal.SIGTERM)
        return
    # Should the supervisor not act (it is busy starting another process), leave anyway.
    timer = threading.Timer(RETIRE_FALLBACK_SECONDS, os.kill, (os.getpid(), signal.SIGTERM))
    timer.daemon = True
    timer.start()


def _stopped() -> None:
    if _retiring.is_set():  # the late query's thread cannot be joined: leave without waiting for it
        logging.shutdown()
        os._exit(0)


def front_app(settings: Settings, fast_path: bool, run_dir: str):  # type: ignore[no-untyped-def]
    """The app of one server process (called by uvicorn in the process)."""
    from dragonbear.service.app import create_app
    from dragonbear.service.runtime.served import ServedStore
    store = ServedStore(settings, on_overrun=functools.partial(_retire, Path(run_dir)))
    return create_app(settings, store, fast_path=fast_path, on_stopped=_stopped)


class Supervisor(Multiprocess):
    """uvicorn's process supervisor, plus replacement on request.

    A server process whose query ran past the time limit leaves a ``retire-<pid>`` file in the run
    directory and sends SIGUSR1. The supervisor starts a new process, waits until it serves, and only
    then sends the old one SIGTERM (uvicorn's graceful shutdown: no new connections, the requests in
    hand answered, exit), so the number of serving processes never drops, even with one.
    """

    def __init__(self, config: uvicorn.Config, sockets: list[socket.socket], run_dir: Path) -> None:
        super().__init__(config, sockets)
        self.run_dir = run_dir
        self.retired: list[Process] = []

    def handle_usr1(self) -> None:
        for idx, old in enumerate(list(self.processes)):
            marker = self.run_dir / f"retire-{old.pid}"
            if not marker.exists() or self.should_exit.is_set():
                continue
            new = Process(self.config, self.sockets)
            new.start()
            if new.wait_until_ready(READY_SECONDS, self.should_exit):
                self.processes[idx] = new
            else:  # keep the count: the old one still serves until it leaves on its own
                new.kill()
                new.join()
            old.terminate()
            self.retired.append(old)
            marker.unlink(missing_ok=True)

    def keep_subprocess_alive(self) -> None:
        for old in list(self.retired):  # reap the retired ones once they are gone
            if old.exitcode is not None:
                old.join()
                self.retired.remove(old)
        super().keep_subprocess_alive()

    def join_all(self) -> None:
        super().join_all()
        for old in self.retired:
            old.join()


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
            :mod:`dragonbear.service.runtime.fastpath`); ``bench/http.py`` turns it off to measure what it buys.

    Raises:
        LoadError, ValidationError, StoreError: the first build failed, or the store cannot be opened.
    """
    from dragonbear.graph.store import store_exists
    if not store_exists(settings.store_dir):
        from dragonbear.pipeline.build import build_store
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
    os.execv(sys.executable, [sys.executable, "-P", "-m", "dragonbear.service.supervisor"])


def supervise() -> None:
    """The supervisor's main (``python -m dragonbear.service.supervisor``): read the settings that
    :func:`run_server` left in the environment, bind the socket, and keep the server processes."""
    if PAYLOAD not in os.environ:
        raise SystemExit("this is the process `dragonbear serve` becomes; start the server with `dragonbear serve`")
    payload = json.loads(os.environ.pop(PAYLOAD))
    values = payload["settings"]
    values["store_dir"] = Path(values["store_dir"])
    values["federation_allowlist"] = tuple(values["federation_allowlist"])
    settings = Settings(**values)
    run_dir = Path(tempfile.mkdtemp(prefix="dragonbear-serve-"))
    config = uvicorn.Config(functools.partial(front_app, settings, payload["fast_path"], str(run_dir)), factory=True,
                            host=settings.host, port=settings.port, log_level="info", access_log=False,
                            http=payload["http"], loop=payload["loop"], workers=settings.workers,
                            timeout_graceful_shutdown=int(settings.query_timeout) + 5)
    sock = config.bind_socket()
    _say(f"Dragonbear SPARQL endpoint: http://{settings.host}:{settings.port}/sparql "
         f"({settings.workers} server processes, time limit {settings.query_timeout:g} s, result cap "
         f"{settings.max_results or 'none'}, updates {'on' if settings.update_token else 'off'})")
    try:
        Supervisor(config, [sock], run_dir).run()
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)

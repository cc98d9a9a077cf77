"""Run the endpoint: build the store from the shipped data when there is none, then serve it.

``dragonbear serve`` is a supervisor with ``--workers`` server processes on one listening socket:
granian's (the default, see :func:`_granian_supervisor`) or uvicorn's (:class:`Supervisor`;
``DRAGONBEAR_HTTP_SERVER=uvicorn``). Granian parses HTTP in Rust threads beside the Python event loop;
``docs/decisions/0022-the-hot-path.md`` has the measurements that chose it. Each server process
answers HTTP and runs queries itself, in threads (see :mod:`dragonbear.service.runtime.runner`). A
process whose query runs past the time limit answers that client with 503, then retires: the
supervisor starts a replacement, and once it serves, the old process stops accepting connections,
answers the requests it has, and exits, which stops the query and frees its CPU. A process that dies
(out of memory, say) is replaced too.
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import json
import logging
import os
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import uvicorn
from uvicorn.supervisors.multiprocess import Multiprocess, Process

from dragonbear.addresses import StoreAddress
from dragonbear.errors import UsageError
from dragonbear.service.sockets import BACKLOG, check_address, listening_socket, per_process_sockets
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
    log.warning(
        "server process %d retires: a query it cannot stop still runs (past the time limit or the memory "
        "ceiling); a new process replaces it, and this one exits once its other requests are answered",
        os.getpid(),
    )
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


EXHAUSTED_EXIT = 70
EXHAUSTED_GRACE_SECONDS = 1.0


def _exhausted() -> None:
    """Past the hard memory ceiling, the running queries answered: stop taking connections and leave
    once the answers are sent (a graceful stop, as for a retiring process, but without waiting for a
    replacement, since the query that cannot be stopped still takes memory), or after a second at the
    latest. The supervisor replaces a process that leaves on its own."""
    _retiring.set()

    def leave() -> None:
        logging.shutdown()
        os._exit(EXHAUSTED_EXIT)

    timer = threading.Timer(EXHAUSTED_GRACE_SECONDS, leave)
    timer.daemon = True
    timer.start()
    os.kill(os.getpid(), signal.SIGTERM)


def _stopped() -> None:
    if _retiring.is_set():  # the late query's thread cannot be joined: leave without waiting for it
        logging.shutdown()
        os._exit(0)


def front_app(  # type: ignore[no-untyped-def]
    settings: Settings,
    fast_path: bool,
    run_dir: str,
    inline: bool = True,
    ready: bool = False,
):
    """The app of one server process (called by uvicorn in the process).

    The fast path of ``GET /sparql`` (:class:`~dragonbear.service.runtime.fastpath.QueryFastPath`)
    stands in front of the whole app here, not inside its middleware stack: the error middleware,
    FastAPI's telemetry and body-limit layers and Starlette's dispatch would not change its answers
    (its errors go to the app's own handler), and each costs every request a call or two.
    """
    from starlette.routing import Route

    from dragonbear.service.app import create_app
    from dragonbear.service.runtime.fastpath import QueryFastPath
    from dragonbear.service.runtime.remote_served import served_store

    store = served_store(
        settings, on_overrun=functools.partial(_retire, Path(run_dir)), on_exhausted=_exhausted, inline=inline
    )
    app = create_app(settings, store, fast_path=False, on_stopped=_stopped)
    started = _Started(app, Path(run_dir) if ready else None)
    if not fast_path:
        return started
    route = next(r for r in app.router.routes if isinstance(r, Route) and r.path == "/sparql")
    return QueryFastPath(
        started,
        cache=store.raw_cache,
        generation=store.generation,
        endpoint=route.endpoint,
        on_error=app.exception_handlers[Exception],  # type: ignore[arg-type]
    )


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


class _Started:
    """The app of a server process, seen at its startup: once the app's startup is complete, the
    objects it made (routes, caches warmed in the background) are moved out of the garbage
    collector's reach (``gc.freeze``), so that its full collections, which the answer caches' churn
    sets off every few seconds under load, no longer walk them (they took 70 to 250 ms each on the
    shipped graph, a stall of every request in hand); and on granian the process tells the supervisor
    it serves, by leaving ``ready-<pid>`` in the run directory (uvicorn's supervisor asks its
    processes over a pipe; granian's has no such question)."""

    def __init__(self, app, run_dir: Path | None) -> None:  # type: ignore[no-untyped-def]
        self.app, self.run_dir = app, run_dir

    async def __call__(self, scope, receive, send):  # type: ignore[no-untyped-def]
        if scope["type"] != "lifespan":
            return await self.app(scope, receive, send)

        async def started(message):  # type: ignore[no-untyped-def]
            await send(message)
            if message["type"] == "lifespan.startup.complete":
                threading.Thread(target=_freeze_when_warm, name="dragonbear-freeze", daemon=True).start()
                if self.run_dir is not None:
                    (self.run_dir / f"ready-{os.getpid()}").touch()
                    _say(f"INFO:     Application startup complete (server process {os.getpid()}).")

        return await self.app(scope, receive, started)


def _freeze_when_warm() -> None:
    for thread in threading.enumerate():
        if thread.name == "dragonbear-warm":
            thread.join()
    gc.collect()
    gc.freeze()


def _granian_app(settings: Settings, fast_path: bool, run_dir: str, inline: bool):  # type: ignore[no-untyped-def]
    return front_app(settings, fast_path, run_dir, inline, ready=True)


def _granian_supervisor(settings: Settings, loop: str, run_dir: Path, per_process: bool):  # type: ignore[no-untyped-def]
    """The supervisor on granian: granian's process server (the socket bound once, ``--workers``
    processes, one replaced when it dies), plus replacement on request as :class:`Supervisor` does
    it: on SIGUSR1, each process that left a ``retire-<pid>`` file gets a replacement, and once the
    replacement serves (its ``ready-<pid>`` file) the old one is sent SIGTERM (granian's graceful
    stop: no new connections, the requests in hand answered, then the app's shutdown, after which a
    retiring process exits without waiting for its late query)."""
    from granian.constants import HTTPModes, Interfaces, Loops
    from granian.http import HTTP1Settings
    from granian.log import LogLevels

    return _granian_supervisor_class(run_dir, per_process)(
        "dragonbear",
        address=settings.host,
        port=settings.port,
        interface=Interfaces.ASGI,
        workers=settings.workers,
        loop=Loops.uvloop if loop in ("auto", "uvloop") else Loops.asyncio,
        http=HTTPModes.http1,
        websockets=False,
        log_level=LogLevels.info,
        log_access=False,
        respawn_failed_workers=True,
        workers_kill_timeout=int(settings.query_timeout) + 5,
        backlog=BACKLOG,
        backpressure=CONNECTIONS_PER_PROCESS,
        http1_settings=HTTP1Settings(header_read_timeout=int(HEADER_SECONDS * 1000)),
    )


def _granian_supervisor_class(run_dir: Path, per_process: bool):  # type: ignore[no-untyped-def]
    """granian's process server with one listening socket for all its processes (or, with
    ``per_process``, granian's own socket each: see :func:`per_process_sockets`), which replaces the
    processes that asked to retire on SIGUSR1 (see :func:`_granian_supervisor`)."""
    from granian.net import SocketHolder  # type: ignore[attr-defined]
    from granian.server.mp import MPServer

    class GranianSupervisor(MPServer):
        retire_wanted = False

        def _init_shared_socket(self):  # type: ignore[no-untyped-def]
            if per_process:
                super()._init_shared_socket()  # type: ignore[no-untyped-call]
                return
            # One listening socket that every process inherits, as uvicorn's supervisor has it. On
            # Linux granian has each process bind its own (SO_REUSEPORT), whose queue of connections
            # not yet accepted is reset when that process stops: a retiring process would drop them.
            # Without SO_REUSEPORT (which granian's sockets set): a second server started on the same
            # port fails to bind, where it would otherwise take half of this one's connections.
            self._ssp = None
            self._sso = listening_socket(self.bind_addr, self.bind_port, self.backlog)
            self._sso.set_inheritable(True)
            self._sfd = self._sso.fileno()  # type: ignore[assignment]
            self._shd = SocketHolder(self._sfd, False, self.backlog)  # type: ignore[call-arg,assignment]  # (fd, uds, backlog)

        def startup(self, spawn_target, target_loader):  # type: ignore[no-untyped-def]
            super().startup(spawn_target, target_loader)  # type: ignore[no-untyped-call]
            signal.signal(signal.SIGUSR1, self._on_usr1)

        def _on_usr1(self, *_args):  # type: ignore[no-untyped-def]
            self.retire_wanted = True
            self.main_loop_interrupt.set()

        def _serve_loop(self, spawn_target, target_loader):  # type: ignore[no-untyped-def]
            while True:
                self.main_loop_interrupt.wait()
                self.main_loop_interrupt.clear()
                if self.interrupt_signal:
                    break
                if self.retire_wanted:
                    self.retire_wanted = False
                    _replace_retiring(self, run_dir, spawn_target, target_loader)
                if self.interrupt_children:  # a process died (out of memory, say): replace it
                    # unless it had asked to retire and its replacement already serves
                    workers = [i for i in sorted(set(self.interrupt_children)) if not self.wrks[i].is_alive()]
                    self.interrupt_children.clear()
                    self._respawn_workers(workers, spawn_target, target_loader)

    return GranianSupervisor


def _replace_retiring(server: Any, run_dir: Path, spawn_target: Any, target_loader: Any) -> None:
    """Replace each server process of granian's ``server`` that left a ``retire-<pid>`` file: start a
    new one, and once it serves (its ``ready-<pid>`` file), or fails to, stop the old one gracefully."""
    for idx, old in enumerate(list(server.wrks)):
        marker = run_dir / f"retire-{old._id()}"
        if not marker.exists() or server.interrupt_signal:
            continue
        new = server._spawn_worker(idx=idx, target=spawn_target, callback_loader=target_loader)
        new.start()
        ready = run_dir / f"ready-{new._id()}"
        deadline = time.monotonic() + READY_SECONDS
        while not ready.exists() and new.is_alive() and time.monotonic() < deadline and not server.interrupt_signal:
            time.sleep(0.02)
        if ready.exists():
            server.wrks[idx] = new
        else:  # keep the count: the old one still serves until it leaves on its own
            new.kill()
            new.join()
        old.terminate()
        _say(f"INFO:     Terminated child process [{old._id()}]")
        marker.unlink(missing_ok=True)
        ready.unlink(missing_ok=True)


CONNECTIONS_PER_PROCESS = 8192
"""Connections a server process holds at once (granian's ``backpressure``; its default, 1,024, let
2,000 clients that send a request a byte a second hold every slot: a new client waited 27 s). Past it
new connections wait in the listening queue. What a connection costs once it holds a request is bounded
by the query threads and the time limit, not by this."""
HEADER_SECONDS = 10.0
"""A client has this long to send a request's headers (granian's default is 30 s); a slow client that
sends a byte a second is let go after it."""

PAYLOAD = "DRAGONBEAR_SERVE_PAYLOAD"
HTTP_SERVERS = ("granian", "uvicorn")


def run_server(
    settings: Settings,
    *,
    http: str = "auto",
    loop: str = "auto",
    fast_path: bool = True,
    inline: bool = True,
    server: str | None = None,
) -> None:
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
        inline: run look-ups of one subject's values on the event loop (see
            :class:`~dragonbear.service.runtime.served.ServedStore`); off for ``bench/http.py --steps``.
        server: the HTTP server, ``granian`` or ``uvicorn`` (default: ``DRAGONBEAR_HTTP_SERVER``, else
            :data:`HTTP_SERVERS`' first; ``docs/decisions/0022-the-hot-path.md`` says why); ``http``
            applies to uvicorn only.

    Raises:
        UsageError: the address cannot be listened on (another server listens there, say).
        LoadError, ValidationError, StoreError: the first build failed, or the store cannot be opened.
    """
    check_address(settings.host, settings.port)
    _ensure_store(settings)
    server = server or os.environ.get("DRAGONBEAR_HTTP_SERVER") or HTTP_SERVERS[0]
    if server not in HTTP_SERVERS:
        raise UsageError(f"unknown HTTP server {server!r}: use one of {', '.join(HTTP_SERVERS)}")
    spread = per_process_sockets(os.environ.get("DRAGONBEAR_SOCKETS", "shared")) and server == "granian"
    payload = {
        "settings": {f.name: getattr(settings, f.name) for f in dataclasses.fields(settings)},
        "per_process_sockets": spread,
        "http": http,
        "loop": loop,
        "fast_path": fast_path,
        "inline": inline,
        "server": server,
    }
    payload["settings"]["store_dir"] = str(settings.store_dir)  # type: ignore[index]
    if settings.store_address is not None:
        payload["settings"]["store_address"] = dataclasses.asdict(settings.store_address)  # type: ignore[index]
    os.environ[PAYLOAD] = json.dumps(payload)
    os.environ.setdefault("MALLOC_ARENA_MAX", "2")  # query threads would each get a malloc arena
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, [sys.executable, "-P", "-m", "dragonbear.service.supervisor"])


def _ensure_store(settings: Settings) -> None:
    """Check that the store's server answers, or build the store from the shipped data when there is none."""
    from dragonbear.graph.store import store_exists

    if settings.store_address is not None:
        from dragonbear.graph.locations import open_remote

        open_remote(settings.store_address, timeout=10).close()  # a server that is down: exit 2 here
    elif not store_exists(settings.store_dir):
        from dragonbear.pipeline.build import build_store

        _say(f"No store at {settings.store_dir}: building it from the shipped data (once) ...")
        report = build_store(settings.store_dir, progress=_say)
        _say(report.text())


def supervise() -> None:
    """The supervisor's main (``python -m dragonbear.service.supervisor``): read the settings that
    :func:`run_server` left in the environment, bind the socket, and keep the server processes."""
    if PAYLOAD not in os.environ:
        raise SystemExit("this is the process `dragonbear serve` becomes; start the server with `dragonbear serve`")
    payload = json.loads(os.environ.pop(PAYLOAD))
    values = payload["settings"]
    values["store_dir"] = Path(values["store_dir"])
    if values.get("store_address") is not None:
        values["store_address"] = StoreAddress(**values["store_address"])
    values["federation_allowlist"] = tuple(values["federation_allowlist"])
    settings = Settings(**values)
    run_dir = Path(tempfile.mkdtemp(prefix="dragonbear-serve-"))
    if payload.get("server") == "granian":
        _say(
            f"Dragonbear SPARQL endpoint: http://{settings.host}:{settings.port}/sparql "
            f"({settings.workers} server processes on granian with "
            f"{'a listening socket each' if payload.get('per_process_sockets') else 'one listening socket'}, "
            f"time limit {settings.query_timeout:g} s, result cap "
            f"{settings.max_results or 'none'}, updates {'on' if settings.update_token else 'off'}, "
            f"store {settings.store_label})"
        )
        try:
            _granian_supervisor(settings, payload["loop"], run_dir, payload.get("per_process_sockets", False)).serve(
                target_loader=functools.partial(
                    _granian_app, settings, payload["fast_path"], str(run_dir), payload.get("inline", True)
                ),
                wrap_loader=False,
            )
        except UsageError as exc:  # the address was taken since run_server checked it
            _say(f"error: {exc}")
            raise SystemExit(2) from None
        finally:
            shutil.rmtree(run_dir, ignore_errors=True)
        return
    config = uvicorn.Config(
        functools.partial(front_app, settings, payload["fast_path"], str(run_dir), payload.get("inline", True)),
        factory=True,
        host=settings.host,
        port=settings.port,
        log_level="info",
        access_log=False,
        http=payload["http"],
        loop=payload["loop"],
        workers=settings.workers,
        timeout_graceful_shutdown=int(settings.query_timeout) + 5,
    )
    sock = config.bind_socket()
    _say(
        f"Dragonbear SPARQL endpoint: http://{settings.host}:{settings.port}/sparql "
        f"({settings.workers} server processes, time limit {settings.query_timeout:g} s, result cap "
        f"{settings.max_results or 'none'}, updates {'on' if settings.update_token else 'off'}, "
        f"store {settings.store_label})"
    )
    try:
        Supervisor(config, [sock], run_dir).run()
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)

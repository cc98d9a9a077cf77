"""The servers ``bench/http.py`` compares: the commands that start them, and their CPU time and memory.

:func:`servers_for` lists, for one dataset, ``dragonbear serve`` (with the variants the options ask
for), the Python floor on uvicorn and on granian, Oxigraph's server and rdflib-endpoint; :func:`start`
starts one and waits until it answers and is idle; a :class:`Server` reads the CPU ticks and resident
memory of its process tree and stops it. Loaded by ``bench/http.py`` from its own folder (which it
takes off ``sys.path``).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

Command = tuple[str, list[str], str, dict[str, str]]  # name, command, query URL, environment


@dataclass
class Server:
    name: str
    url: str  # the query URL, to which ?query= is appended
    proc: subprocess.Popen[bytes]

    def pids(self) -> list[int]:
        out = [self.proc.pid]
        for pid in out:  # the whole tree (the supervisor's server processes, granian's workers)
            out += [
                int(p) for p in subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
            ]
        return out

    def cpu_ticks(self) -> int:
        total = 0
        for pid in self.pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime + stime
        return total

    def settle(self, *, idle_ticks: int = 5, window: float = 1.0, limit: float = 120) -> None:
        """Wait until the server is idle (a server warming caches at start would steal the CPU)."""
        deadline = time.time() + limit
        before = self.cpu_ticks()
        while time.time() < deadline:
            time.sleep(window)
            now = self.cpu_ticks()
            if now - before <= idle_ticks:
                return
            before = now

    def memory_mib(self) -> tuple[float, float]:
        """Resident memory of the server and its child processes, in MiB: the sum of their RSS, and
        the sum of their PSS (each shared page split among the processes sharing it, which is what
        several processes really take; for one process the two differ by its shared libraries)."""
        rss = pss = 0
        for pid in self.pids():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
                rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
            except OSError:
                continue
            match = re.search(r"VmRSS:\s+(\d+) kB", status)
            rss += int(match.group(1)) if match else 0
            match = re.search(r"^Pss:\s+(\d+) kB", rollup, re.MULTILINE)
            pss += int(match.group(1)) if match else 0
        return rss / 1024, pss / 1024

    def stop(self) -> None:
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)


def tool(name: str) -> str:
    """A command of this Python's environment (the venv's bin), else one on PATH."""
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else (shutil.which(name) or name)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(name: str, args: list[str], url: str, *, env: dict[str, str] | None = None, wait_s: float = 900) -> Server:
    proc = subprocess.Popen(
        args,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        env={**os.environ, **(env or {})},
    )
    probe = url + "?query=" + urllib.parse.quote("ASK { ?s ?p ?o }")
    deadline = time.time() + wait_s
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{name} exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(
                urllib.request.Request(probe, headers={"Accept": "application/sparql-results+json"}), timeout=30
            ) as r:
                if r.status == 200:
                    server = Server(name, url, proc)
                    server.settle()
                    return server
        except OSError:
            time.sleep(1)
    raise SystemExit(f"{name} did not answer within {wait_s} s")


def _dragonbear(store: Path, port: int, workers: int | None, options: dict[str, object]) -> list[str]:
    launch = (
        "from pathlib import Path; from dragonbear.service.server import run_server; "
        "from dragonbear.settings import Settings; "
        f"run_server(Settings.from_env(store=Path({str(store)!r}), port={port}, workers={workers}), "
        f"**{options!r})"
    )
    return [sys.executable, "-c", launch]


def servers_for(args: argparse.Namespace, data: Path) -> list[Command]:
    """(name, command, query URL, environment) of every server to run on one dataset."""
    store = data / "dragonbear-store"
    out = _dragonbear_servers(args, store)
    if not args.skip_floor:
        out += _floor_servers(store, procs=str(args.workers or 1))
    p = free_port()
    out.append(
        (
            "oxigraph",
            [
                tool("oxigraph"),
                "serve-read-only",
                "--location",
                str(data / "oxigraph-store"),
                "--bind",
                f"127.0.0.1:{p}",
                "--union-default-graph",
            ],
            f"http://127.0.0.1:{p}/query",
            {},
        )
    )
    if not args.skip_rdflib:
        p = free_port()
        out.append(
            (
                "rdflib-endpoint",
                [tool("rdflib-endpoint"), "serve", str(data / "all.nt"), "--host", "127.0.0.1", "--port", str(p)],
                f"http://127.0.0.1:{p}/",
                {},
            )
        )
    return out


def _dragonbear_servers(args: argparse.Namespace, store: Path) -> list[Command]:
    """``dragonbear serve`` in the variants the options ask for (``--uvicorn``, ``--steps``,
    ``--baseline``, ``--also-workers``)."""
    out: list[Command] = []
    variants: list[tuple[str, dict[str, object]]] = [("dragonbear", {})]
    if args.uvicorn and not args.steps:
        variants.append(("dragonbear[uvicorn]", {"server": "uvicorn"}))
    if args.steps:  # each design step alone, to report what it bought
        variants = [
            (
                "dragonbear[uvicorn,h11,asyncio]",
                {"server": "uvicorn", "http": "h11", "loop": "asyncio", "fast_path": False, "inline": False},
            ),
            ("dragonbear[uvicorn,no fast path]", {"server": "uvicorn", "fast_path": False, "inline": False}),
            ("dragonbear[uvicorn,no inline]", {"server": "uvicorn", "inline": False}),
            ("dragonbear[uvicorn]", {"server": "uvicorn"}),
            *variants,
        ]
    for name, options in variants:
        p = free_port()
        out.append((name, _dragonbear(store, p, args.workers, options), f"http://127.0.0.1:{p}/sparql", {}))
    if args.baseline:  # another version of the package, for before/after in one run (on its own default server)
        p = free_port()
        out.append(
            (
                "dragonbear[baseline]",
                _dragonbear(store, p, args.workers, {}),
                f"http://127.0.0.1:{p}/sparql",
                {"PYTHONPATH": str(args.baseline.resolve())},
            )
        )
    for n in args.also_workers:
        p = free_port()
        out.append(
            (
                f"dragonbear[{n} process{'es' if n > 1 else ''}]",
                _dragonbear(store, p, n, {}),
                f"http://127.0.0.1:{p}/sparql",
                {},
            )
        )
    return out


def _floor_servers(store: Path, *, procs: str) -> list[Command]:
    """The Python floor (``bench/floor/bare_asgi.py``) on uvicorn and on granian, with ``procs`` processes."""
    floor = str(Path(__file__).parent / "floor")
    env = {"BARE_ASGI_STORE": str((store / "current").resolve())}
    p = free_port()
    uvicorn = [
        sys.executable,
        "-m",
        "uvicorn",
        "bare_asgi:app",
        "--app-dir",
        floor,
        "--port",
        str(p),
        "--workers",
        procs,
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    out = [("floor[uvicorn]", uvicorn, f"http://127.0.0.1:{p}/sparql", env)]
    p = free_port()
    granian = [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "asgi",
        "--working-dir",
        floor,
        "--host",
        "127.0.0.1",
        "--port",
        str(p),
        "--workers",
        procs,
        "--no-ws",
        "--log-level",
        "warning",
        "bare_asgi:app",
    ]
    out.append(("floor[granian]", granian, f"http://127.0.0.1:{p}/sparql", env))
    return out

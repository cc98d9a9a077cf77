"""Soak: a long run of mixed load, to see latency, errors and memory hold where they started.

For ``--duration`` seconds (600 by default) each, three runs on the shipped graph:

1. ``dragonbear serve`` (with an update token) under ``--connections`` clients (32) that send, one
   request after another, a mix of: never-seen label look-ups (a new variable name each time, so no
   cache answers), repeated queries (20 texts), an aggregate, entity pages (``/id/...``), the JSON API's
   canned queries (their own example URLs) and name search; and, every ``--write-every`` seconds (5),
   one ``INSERT DATA`` through ``/update``.
2. ``dragonbear serve`` again, and ``oxigraph serve-read-only`` (PyPI ``oxigraph``) on the same quads,
   each under the same clients sending the SPARQL part of the mix (look-ups, repeated queries, the
   aggregate), without writes: the read mix, like for like.

In the second half of each run, ``--slow`` more connections (256) each send a request one byte a
second (a slow-loris client), to show whether they starve the others: latency is printed for each half.

Printed per server: requests, p50, p99 and maximum latency per kind of request and per half; every
status that is not 200 (the designed ones, 422 for a result past the cap and 503 for the time limit
or a busy server, apart), transport errors; the memory of the server's processes (RSS and PSS) at the
start, after the first minute and at the end, and its growth since the first minute (the target,
issue 16: under 10%). Nothing is asserted; the exit code is 1 when an undesigned error or the memory
target is missed.

Run: ``python bench/soak.py [--duration 600] [--connections 32] [--slow 256] [--work DIR] [--skip-oxigraph]``.
``--work DIR`` shares its data with ``bench/http.py`` (``DIR/shipped``); the soak writes to a copy.
"""

from __future__ import annotations

import sys

# bench/http.py would shadow the standard library's http package (which httpx imports): take this
# folder off sys.path first, as bench/http.py does.
_FOLDER = __import__("os").path.dirname(__import__("os").path.abspath(__file__))
sys.path[:] = [p for p in sys.path if __import__("os").path.abspath(p or ".") != _FOLDER]

import argparse
import asyncio
import contextlib
import importlib.util
import itertools
import random
import shutil
import statistics
import subprocess
import tempfile
import time
import urllib.parse
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import httpx

_HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("bench_http_servers", _HERE / "http_servers.py")
servers = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
sys.modules["bench_http_servers"] = servers  # a dataclass looks its module up there
_spec.loader.exec_module(servers)  # type: ignore[union-attr]

TOKEN = "soak-token"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
AGGREGATE = "SELECT ?type (COUNT(?s) AS ?n) WHERE { ?s a ?type } GROUP BY ?type ORDER BY DESC(?n) LIMIT 20"
DESIGNED = {"422", "503"}
WEIGHTS = {"new": 40, "repeated": 25, "aggregate": 3, "page": 15, "api": 12, "search": 5}
SPARQL_KINDS = ("new", "repeated", "aggregate")


@dataclass
class Tally:
    """What the clients saw: latencies by (kind, half), statuses by kind."""

    latencies: dict[tuple[str, int], list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: Counter[tuple[str, str]] = field(default_factory=Counter)


@dataclass
class Mix:
    """The requests the clients choose from."""

    entities: list[str]
    api_urls: list[str]
    kinds: tuple[str, ...]
    counter: itertools.count[int] = field(default_factory=itertools.count)

    def request(self, rng: random.Random) -> tuple[str, str, dict[str, str]]:
        """(kind, path, query parameters) of one request."""
        kind = rng.choices(self.kinds, weights=[WEIGHTS[k] for k in self.kinds])[0]
        entity = rng.choice(self.entities)
        if kind == "new":
            var = f"l{next(self.counter)}"
            return kind, "sparql", {"query": f"SELECT ?{var} WHERE {{ <{entity}> <{LABEL}> ?{var} }}"}
        if kind == "repeated":
            fixed = self.entities[rng.randrange(20)]
            return kind, "sparql", {"query": f"SELECT ?l WHERE {{ <{fixed}> <{LABEL}> ?l }}"}
        if kind == "aggregate":
            return kind, "sparql", {"query": AGGREGATE}
        if kind == "page":
            return kind, entity.split("/dragonbear/", 1)[1], {}  # the entity's page: /id/...
        if kind == "api":
            url = urllib.parse.urlsplit(rng.choice(self.api_urls))
            return kind, url.path.lstrip("/"), dict(urllib.parse.parse_qsl(url.query))
        term = entity.rsplit("/", 1)[-1][:4]
        return kind, "api/search", {"q": term}


def _status(response: httpx.Response) -> str:
    return str(response.status_code)


async def _client(base: str, mix: Mix, tally: Tally, clock: Clock, seed: int) -> None:
    rng = random.Random(seed)
    accept = {"Accept": "application/sparql-results+json, text/html;q=0.9, application/json;q=0.8"}
    async with httpx.AsyncClient(base_url=base, timeout=120, headers=accept) as client:
        while not clock.done():
            kind, path, params = mix.request(rng)
            started = time.monotonic()
            try:
                outcome = _status(await client.get("/" + path, params=params))
            except httpx.HTTPError as exc:
                outcome = type(exc).__name__
            tally.latencies[kind, clock.half()].append(time.monotonic() - started)
            tally.statuses[kind, outcome] += 1


async def _writer(base: str, every: float, tally: Tally, clock: Clock) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/sparql-update"}
    async with httpx.AsyncClient(base_url=base, timeout=120, headers=headers) as client:
        for n in itertools.count():
            await asyncio.sleep(every)
            if clock.done():
                return
            update = f'INSERT DATA {{ GRAPH <urn:soak> {{ <urn:soak:{n}> <{LABEL}> "soak {n}" }} }}'
            started = time.monotonic()
            try:
                outcome = _status(await client.post("/update", content=update.encode()))
            except httpx.HTTPError as exc:
                outcome = type(exc).__name__
            tally.latencies["write", clock.half()].append(time.monotonic() - started)
            tally.statuses["write", outcome] += 1


async def _slow_loris(host: str, port: int, clock: Clock, closed: list[float]) -> None:
    """One connection that sends a request one byte a second until the run ends or the server hangs up."""
    request = b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: soak\r\n" + b"X-Slow: " + b"a" * 4096
    opened = time.monotonic()
    try:
        _reader, writer = await asyncio.open_connection(host, port)
    except OSError:
        closed.append(0.0)
        return
    try:
        for byte in request:
            if clock.done():
                return
            writer.write(bytes([byte]))
            await writer.drain()
            await asyncio.sleep(1)
    except OSError:
        closed.append(time.monotonic() - opened)  # the server hung up on it
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()


class Clock:
    """The run's deadline and its halves."""

    def __init__(self, duration: float) -> None:
        self.start, self.duration = time.monotonic(), duration

    def elapsed(self) -> float:
        return time.monotonic() - self.start

    def done(self) -> bool:
        return self.elapsed() >= self.duration

    def half(self) -> int:
        return 0 if self.elapsed() < self.duration / 2 else 1


async def _memory(server: servers.Server, clock: Clock, samples: list[tuple[float, float, float]]) -> None:
    while not clock.done():
        samples.append((clock.elapsed(), *server.memory_mib()))
        await asyncio.sleep(2)
    samples.append((clock.elapsed(), *server.memory_mib()))


async def _soak(server: servers.Server, mix: Mix, args: argparse.Namespace, writes: bool) -> dict[str, object]:
    clock, tally = Clock(args.duration), Tally()
    samples: list[tuple[float, float, float]] = []
    closed: list[float] = []
    base = server.url.rsplit("/", 1)[0]
    parts = urllib.parse.urlsplit(base)
    tasks = [asyncio.create_task(_client(base, mix, tally, clock, seed)) for seed in range(args.connections)]
    tasks.append(asyncio.create_task(_memory(server, clock, samples)))
    if writes:
        tasks.append(asyncio.create_task(_writer(base, args.write_every, tally, clock)))
    await asyncio.sleep(args.duration / 2)
    slow = [
        asyncio.create_task(_slow_loris(parts.hostname or "127.0.0.1", parts.port or 80, clock, closed))
        for _ in range(args.slow)
    ]
    await asyncio.gather(*tasks, *slow)
    return {"tally": tally, "memory": samples, "slow_closed": closed}


def _ms(values: list[float], q: float) -> str:
    if not values:
        return "-"
    ordered = sorted(values)
    return f"{ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000:.1f}"


def report(name: str, outcome: dict[str, object], args: argparse.Namespace) -> bool:
    """Print one server's run; True when it met the targets (no undesigned error, memory growth < 10%)."""
    tally: Tally = outcome["tally"]  # type: ignore[assignment]
    samples: list[tuple[float, float, float]] = outcome["memory"]  # type: ignore[assignment]
    print(f"\n== {name}: {args.duration:g} s, {args.connections} clients; {args.slow} slow clients in the 2nd half")
    print(f"{'kind':<10}{'half':>5}{'requests':>10}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for (kind, half), values in sorted(tally.latencies.items()):
        rate = len(values) / (args.duration / 2)
        print(
            f"{kind:<10}{half + 1:>5}{len(values):>10}{rate:>8.0f}{_ms(values, 0.5):>9}{_ms(values, 0.99):>9}"
            f"{max(values) * 1000:>9.1f}"
        )
    odd = {key: n for key, n in tally.statuses.items() if key[1] not in ("200", "204")}
    undesigned = {key: n for key, n in odd.items() if key[1] not in DESIGNED}
    print(f"statuses other than 200 and 204: {dict(odd) or 'none'}; undesigned: {dict(undesigned) or 'none'}")
    closed: list[float] = outcome["slow_closed"]  # type: ignore[assignment]
    print(
        f"slow clients the server hung up on: {len(closed)} of {args.slow}"
        + (f" (after {statistics.median(closed):.0f} s, median)" if closed else "")
    )
    start = samples[0]
    minute = next((s for s in samples if s[0] >= min(60.0, args.duration / 2)), samples[-1])
    end = samples[-1]
    growth = (end[2] - minute[2]) / minute[2] * 100 if minute[2] else 0.0
    print(
        f"memory (RSS / PSS MiB): start {start[1]:.0f} / {start[2]:.0f}, at {minute[0]:.0f} s "
        f"{minute[1]:.0f} / {minute[2]:.0f}, end {end[1]:.0f} / {end[2]:.0f}; PSS growth since then "
        f"{growth:+.1f}% (target < 10%)"
    )
    marks = [next(s for s in samples if s[0] >= t) for t in range(0, int(samples[-1][0]) + 1, 60)]
    print("PSS MiB by minute: " + ", ".join(f"{mark[2]:.0f}" for mark in marks) + f", end {end[2]:.0f}")
    return not undesigned and growth < 10


def prepare(work: Path) -> tuple[Path, Path, list[str]]:
    """The shipped graph's dragonbear store and Oxigraph store under ``work/shipped`` (as ``bench/http.py``
    makes them, made here when missing), and its labelled entities."""
    shipped = work / "shipped"
    store, oxi = shipped / "dragonbear-store", shipped / "oxigraph-store"
    if not store.exists():
        shipped.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "dragonbear.cli", "build", "--store", str(store)], check=True)
    if not oxi.exists():
        dump = shipped / "all.nq"
        import pyoxigraph as ox

        ox.Store.read_only(str(store / "current")).dump(str(dump), format=ox.RdfFormat.N_QUADS)
        subprocess.run([servers.tool("oxigraph"), "load", "--location", str(oxi), "--file", str(dump)], check=True)
        dump.unlink()
    import pyoxigraph as ox

    rows = ox.Store.read_only(str(store / "current")).query(
        f'SELECT DISTINCT ?s WHERE {{ ?s <{LABEL}> ?l FILTER(STRSTARTS(STR(?s), "https://w3id.org/dragonbear/id/")) }} '
        "ORDER BY ?s LIMIT 2000",
        use_default_graph_as_union=True,
    )
    return store, oxi, [row["s"].value for row in rows]


def _api_urls(base: str) -> list[str]:
    listing = httpx.get(base + "/api/queries", timeout=60).json()
    return [entry["url"] for entry in listing if entry.get("url")]


def _run_dragonbear(store: Path, entities: list[str], args: argparse.Namespace, *, full: bool = True) -> bool:
    with tempfile.TemporaryDirectory(prefix="soak-") as scratch:
        copy = Path(scratch) / "store"
        shutil.copytree(store, copy, symlinks=True)
        port = servers.free_port()
        command = [sys.executable, "-m", "dragonbear.cli", "serve", "--store", str(copy), "--port", str(port)]
        if args.workers:
            command += ["--workers", str(args.workers)]
        url = f"http://127.0.0.1:{port}/sparql"
        server = servers.start("dragonbear", command, url, env={"DRAGONBEAR_UPDATE_TOKEN": TOKEN})
        try:
            if not full:  # the read mix Oxigraph's server gets, for a like-for-like comparison
                outcome = asyncio.run(_soak(server, Mix(entities, [], SPARQL_KINDS), args, writes=False))
                return report("dragonbear serve (read mix)", outcome, args)
            mix = Mix(entities, _api_urls(url.rsplit("/", 1)[0]), tuple(WEIGHTS))
            return report(
                "dragonbear serve (full mix, writes)", asyncio.run(_soak(server, mix, args, writes=True)), args
            )
        finally:
            server.stop()


def _run_oxigraph(oxi: Path, entities: list[str], args: argparse.Namespace) -> bool:
    port = servers.free_port()
    command = [
        servers.tool("oxigraph"),
        "serve-read-only",
        "--location",
        str(oxi),
        "--bind",
        f"127.0.0.1:{port}",
        "--union-default-graph",
    ]
    server = servers.start("oxigraph", command, f"http://127.0.0.1:{port}/query")
    try:
        mix = Mix(entities, [], SPARQL_KINDS)
        outcome = asyncio.run(_soak(server, _oxigraph_paths(mix), args, writes=False))
        return report("oxigraph serve-read-only (read mix)", outcome, args)
    finally:
        server.stop()


def _oxigraph_paths(mix: Mix) -> Mix:
    """The same mix, sent to Oxigraph's query URL (``/query``, not ``/sparql``)."""

    class OxigraphMix(Mix):
        def request(self, rng: random.Random) -> tuple[str, str, dict[str, str]]:
            kind, _path, params = super().request(rng)
            return kind, "query", params

    return OxigraphMix(mix.entities, mix.api_urls, mix.kinds)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=600.0, help="seconds of load per server (600)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--slow", type=int, default=256, help="slow-loris connections in the second half")
    parser.add_argument("--write-every", type=float, default=5.0)
    parser.add_argument("--workers", type=int, default=None, help="server processes of dragonbear serve")
    parser.add_argument("--work", type=Path, default=None, help="keep the data here (shared with bench/http.py)")
    parser.add_argument("--skip-oxigraph", action="store_true")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="dragonbear-soak-"))
    store, oxi, entities = prepare(work)
    print(f"shipped graph: {len(entities)} labelled entities; data in {work}", flush=True)
    ok = _run_dragonbear(store, entities, args)
    if not args.skip_oxigraph:
        ok = _run_dragonbear(store, entities, args, full=False) and ok
        _run_oxigraph(oxi, entities, args)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

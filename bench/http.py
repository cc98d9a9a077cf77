"""Benchmark: the SPARQL endpoint against Oxigraph's server and rdflib-endpoint, same data, one run.

Data: the shipped graph plus a synthetic lineage graph (``bench/synthetic.py``, 60,000 systems in 60
layers, about 1.4 million triples) loaded with ``dragonbear load``. The same quads are given to
``oxigraph serve-read-only --union-default-graph`` (PyPI ``oxigraph``) and, as one N-Triples file, to
``rdflib-endpoint serve`` (PyPI ``rdflib-endpoint``).

Load: ``wrk`` (Debian package) with a Lua script that sends, for each request, a random query of one
class, as GET ``?query=``:

- ``small``: the labels of one random system (200 distinct asks, so repeated ones come from the cache);
- ``small-uncached``: the same over 20,000 systems, so that nearly every ask runs a query;
- ``path``: the ancestors of one random system through ``(dgb:derivedFrom|dgb:variantOf)+``;
- ``aggregate``: derivations per kind and decade over the whole synthetic graph.

Printed: requests per second and latency percentiles per server and class, ratios of this project
against each peer, and each server's resident memory after the run (RSS and PSS summed over its
processes).

Run: ``python bench/http.py [--duration 10] [--connections 8] [--workers 2] [--also-workers 1] [--bare]``.
``--also-workers N`` adds this project with N server processes; ``--bare`` adds ``bench/floor/bare_asgi.py``,
the floor of any Python endpoint on uvicorn. Nothing is asserted.
Targets (issue 3): >= 0.5x Oxigraph server's throughput on small queries and >= 1.0x on aggregates;
>= 10x rdflib-endpoint's; resident memory <= 2x Oxigraph server's.
"""

from __future__ import annotations

import sys

# This file is named http.py, as the issue asks; Python puts its folder first on sys.path, where it
# would shadow the standard library's http package. Take the folder off before anything imports it.
_HERE = __import__("os").path.dirname(__import__("os").path.abspath(__file__))
sys.path[:] = [p for p in sys.path if __import__("os").path.abspath(p or ".") != _HERE]

import argparse
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

def _load_synthetic():  # type: ignore[no-untyped-def]
    import importlib.util
    spec = importlib.util.spec_from_file_location("synthetic", Path(__file__).with_name("synthetic.py"))
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


synthetic = _load_synthetic()

PREFIX = ("PREFIX dgb: <https://w3id.org/dragonbear/ontology#> "
          "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> ")


def queries(kind: str, systems: int, n: int = 200, seed: int = 3) -> list[str]:
    """``n`` queries of one class over the synthetic graph."""
    rng = random.Random(seed)
    picks = [rng.randrange(systems // 2, systems) for _ in range(n)]
    if kind == "small-uncached":  # 20,000 distinct asks: few repeat within a run, so the cache rarely helps
        return [PREFIX + f"SELECT ?l WHERE {{ <{synthetic.system_iri(i)}> rdfs:label ?l }}"
                for i in range(systems // 2, systems)][:20_000]
    if kind == "small":
        return [PREFIX + f"SELECT ?l WHERE {{ <{synthetic.system_iri(i)}> rdfs:label ?l }}" for i in picks]
    if kind == "path":
        return [PREFIX + f"SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {{ <{synthetic.system_iri(i)}> "
                "(dgb:derivedFrom|dgb:variantOf)+ ?a }" for i in picks[:50]]
    return [PREFIX + "SELECT ?kind ?decade (COUNT(*) AS ?n) WHERE { ?d a dgb:Derivation ; dgb:derivationKind ?kind ; "
            "dgb:startYear ?y BIND(FLOOR(?y / 10) * 10 AS ?decade) } GROUP BY ?kind ?decade"]


@dataclass
class Server:
    name: str
    url: str  # the query URL, to which ?query= is appended
    proc: subprocess.Popen[bytes]

    def memory_mib(self) -> tuple[float, float]:
        """Resident memory of the server and its child processes, in MiB: the sum of their RSS, and
        the sum of their PSS (each shared page split among the processes sharing it, which is what
        several processes really take; for one process the two differ by its shared libraries)."""
        rss = pss = 0
        pids = [self.proc.pid] + [int(p) for p in subprocess.run(
            ["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True).stdout.split()]
        for pid in pids:
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


def _tool(name: str) -> str:
    """A command of this Python's environment (the venv's bin), else one on PATH."""
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else (shutil.which(name) or name)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(name: str, args: list[str], url: str, *, wait_s: float = 900) -> Server:
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    probe = url + "?query=" + urllib.parse.quote("ASK { ?s ?p ?o }")
    deadline = time.time() + wait_s
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{name} exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(urllib.request.Request(
                    probe, headers={"Accept": "application/sparql-results+json"}), timeout=30) as r:
                if r.status == 200:
                    return Server(name, url, proc)
        except OSError:
            time.sleep(1)
    raise SystemExit(f"{name} did not answer within {wait_s} s")


LUA = """
local paths = {}
for line in io.lines("%s") do paths[#paths + 1] = line end
math.randomseed(42)
request = function()
  return wrk.format("GET", paths[math.random(#paths)], {["Accept"] = "application/sparql-results+json"})
end
"""


def run_wrk(server: Server, qs: list[str], *, duration: int, connections: int, work: Path) -> dict[str, float]:
    base = urllib.parse.urlsplit(server.url)
    listing = work / f"paths-{server.name}.txt"
    listing.write_text("\n".join(base.path + "?query=" + urllib.parse.quote(q) for q in qs) + "\n")
    script = work / f"script-{server.name}.lua"
    script.write_text(LUA % listing)
    out = subprocess.run(["wrk", "-t", "2", "-c", str(connections), "-d", f"{duration}s", "--timeout", "60s",
                          "--latency", "-s", str(script), f"{base.scheme}://{base.netloc}"],
                         capture_output=True, text=True).stdout
    result: dict[str, float] = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))}  # type: ignore[union-attr]
    for pct, value, unit in re.findall(r"\s(50|90|99)%\s+([\d.]+)(us|ms|s)\b", out):
        result[f"p{pct}_ms"] = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    result["errors"] = float(non2xx.group(1)) if non2xx else 0.0
    return result


def prepare(work: Path, systems: int, depth: int) -> tuple[Path, Path, Path]:
    """Build the dragonbear store, an Oxigraph store and an N-Triples file with the same data."""
    cli = [sys.executable, "-m", "dragonbear.cli"]
    store = work / "dragonbear-store"
    syn = work / "synthetic.nt"
    print(f"synthetic lineage graph: {synthetic.write_synthetic(syn, systems, depth):,} triples", flush=True)
    subprocess.run(cli + ["build", "--store", str(store)], check=True, capture_output=True)
    subprocess.run(cli + ["load", str(syn), "--graph", "https://w3id.org/dragonbear/graph/synthetic",
                          "--store", str(store)], check=True, capture_output=True)
    import pyoxigraph as ox
    dump = work / "all.nq"
    ox.Store.read_only(str(store / "current")).dump(str(dump), format=ox.RdfFormat.N_QUADS)
    ox_store = work / "oxigraph-store"
    subprocess.run([_tool("oxigraph"), "load", "--location", str(ox_store), "--file", str(dump)],
                   check=True, capture_output=True)
    flat = work / "all.nt"
    with dump.open() as src, flat.open("w") as dst:
        for line in src:  # drop the graph name: rdflib-endpoint serves one default graph
            dst.write(re.sub(r" <[^>]*> \.\n$", " .\n", line))
    print(f"quads: {sum(1 for _ in dump.open()):,}", flush=True)
    return store, ox_store, flat


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--systems", type=int, default=60_000)
    parser.add_argument("--depth", type=int, default=60)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=None, help="server processes (default: the server's own default)")
    parser.add_argument("--skip-rdflib", action="store_true", help="rdflib-endpoint needs minutes to load")
    parser.add_argument("--classes", default="small,small-uncached,path,aggregate", help="query classes to run, comma-separated")
    parser.add_argument("--steps", action="store_true",
                        help="also run dragonbear without each design step (h11 + asyncio, no fast path)")
    parser.add_argument("--work", type=Path, help="keep the generated data in this folder and reuse it next time")
    parser.add_argument("--also-workers", type=int, action="append", default=[], metavar="N",
                        help="also run dragonbear with N server processes (repeatable)")
    parser.add_argument("--bare", action="store_true",
                        help="also run bench/floor/bare_asgi.py (an ASGI app that only runs the query: the floor of a "
                             "Python endpoint) on the small classes")
    args = parser.parse_args(argv)
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk")
    classes = {k: queries(k, args.systems) for k in args.classes.split(",")}
    results: dict[str, dict[str, dict[str, float]]] = {}
    memory: dict[str, float] = {}
    pss: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="dragonbear-http-") as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        if (work / "all.nt").exists():
            store, ox_store, flat = work / "dragonbear-store", work / "oxigraph-store", work / "all.nt"
            print(f"reusing the data in {work}", flush=True)
        else:
            store, ox_store, flat = prepare(work, args.systems, args.depth)
        servers = []
        variants = [("dragonbear", {})]
        if args.steps:  # each design step alone, to report what it bought
            variants = [("dragonbear[h11,asyncio]", {"http": "h11", "loop": "asyncio", "fast_path": False}),
                        ("dragonbear[httptools,uvloop]", {"fast_path": False}), *variants]
        for name, options in variants:
            p = free_port()
            launch = ("import sys; from pathlib import Path; from dragonbear.service.server import run_server; "
                      "from dragonbear.settings import Settings; "
                      f"run_server(Settings.from_env(store=Path({str(store)!r}), port={p}, workers={args.workers}), "
                      f"**{options!r})")
            servers.append((name, [sys.executable, "-c", launch], f"http://127.0.0.1:{p}/sparql"))
        for n in args.also_workers:
            p = free_port()
            launch = ("from pathlib import Path; from dragonbear.service.server import run_server; "
                      "from dragonbear.settings import Settings; "
                      f"run_server(Settings.from_env(store=Path({str(store)!r}), port={p}, workers={n}))")
            servers.append((f"dragonbear[{n} process{'es' if n > 1 else ''}]", [sys.executable, "-c", launch],
                            f"http://127.0.0.1:{p}/sparql"))
        if args.bare:
            p = free_port()
            os.environ["BARE_ASGI_STORE"] = str((store / "current").resolve())
            servers.append(("bare-asgi", [sys.executable, "-m", "uvicorn", "bare_asgi:app", "--app-dir",
                                          str(Path(__file__).parent / "floor"), "--port", str(p), "--workers", str(args.workers or 1),
                                          "--no-access-log", "--log-level", "warning"], f"http://127.0.0.1:{p}/sparql"))
        p = free_port()
        servers.append(("oxigraph", [_tool("oxigraph"), "serve-read-only", "--location",
                                     str(ox_store), "--bind", f"127.0.0.1:{p}", "--union-default-graph"],
                        f"http://127.0.0.1:{p}/query"))
        if not args.skip_rdflib:
            p = free_port()
            servers.append(("rdflib-endpoint", [_tool("rdflib-endpoint"), "serve",
                                                str(flat), "--host", "127.0.0.1", "--port", str(p)],
                            f"http://127.0.0.1:{p}/"))
        for name, cmd, url in servers:  # one server at a time: they share two cores with wrk
            print(f"starting {name} ...", flush=True)
            server = start(name, cmd, url)
            try:
                results[name] = {}
                for kind, qs in classes.items():
                    if name == "bare-asgi" and not kind.startswith("small"):
                        continue  # it runs queries on its event loop: long ones would only block it
                    # slow classes get three times the window, so that a query of ~10 s can finish
                    duration = args.duration if kind.startswith("small") else 3 * args.duration
                    results[name][kind] = run_wrk(server, qs, duration=duration,
                                                  connections=args.connections, work=work)
                    r = results[name][kind]
                    print(f"  {kind:<9} {r['rps']:>9.1f} req/s  p50 {r.get('p50_ms', 0):8.1f} ms  "
                          f"p90 {r.get('p90_ms', 0):8.1f} ms  p99 {r.get('p99_ms', 0):8.1f} ms  "
                          f"non-2xx {int(r['errors'])}", flush=True)
                memory[name], pss[name] = server.memory_mib()
                print(f"  resident memory {memory[name]:.0f} MiB (RSS), {pss[name]:.0f} MiB (PSS)", flush=True)
            finally:
                server.stop()
    for mine in [n for n in results if n.startswith("dragonbear")]:
        ours = results[mine]
        for peer in [n for n in results if n != mine]:  # other variants print as peers too
            parts = []
            for k in ours:
                if k not in results[peer]:
                    continue
                theirs = results[peer][k]["rps"]
                parts.append(f"{k} {ours[k]['rps'] / theirs:.2f}x" if theirs > 0 else
                             f"{k}: {peer} completed no request in the window ({ours[k]['rps']:.1f} req/s here)")
            print(f"throughput {mine} / {peer}: {'; '.join(parts)}; memory {memory[mine] / memory[peer]:.2f}x RSS, "
                  f"{pss[mine] / pss[peer]:.2f}x PSS")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

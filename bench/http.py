"""Benchmark: the SPARQL endpoint against the Python floor, Oxigraph's server and rdflib-endpoint, one run.

Data, two datasets, each served by every server in turn:

- ``shipped``: the graph ``dragonbear build`` makes from the shipped data (what a deployment serves);
- ``synthetic``: the shipped graph plus a synthetic lineage graph (``bench/synthetic.py``, 60,000
  systems in 60 layers, about 1.4 million triples) loaded with ``dragonbear load``.

Each dataset's quads are given to ``oxigraph serve-read-only --union-default-graph`` (PyPI
``oxigraph``) and, as one N-Triples file, to ``rdflib-endpoint serve`` (PyPI ``rdflib-endpoint``).

Servers: ``dragonbear serve`` (on granian, and on uvicorn too with ``--uvicorn``); the Python floor
``bench/floor/bare_asgi.py`` (an ASGI app that only runs the query in-process: no protocol checks,
no negotiation, no time limit, no cache) on uvicorn and on granian, with as many processes as
``dragonbear serve``; ``oxigraph serve-read-only``; ``rdflib-endpoint``. ``bench/http_servers.py`` starts
and stops them.

Load: ``wrk`` (Debian package) with a Lua script that sends, for each request, a query of one class,
as GET ``?query=`` with ``Accept: application/sparql-results+json``:

- ``new``: the labels of one random entity (a system, state, organization ... of the shipped graph;
  a synthetic system), with a variable name made of the wrk thread and a request counter, so that
  **no text is ever sent twice**: every request parses, plans and runs a query (no cache can answer);
- ``small``: the labels of one random synthetic system among 200, so that nearly every ask is
  repeated (the answer caches serve them);
- ``path``: the ancestors of one random synthetic system through ``(dgb:derivedFrom|dgb:variantOf)+``;
- ``aggregate``: derivations per kind and decade over the whole synthetic graph.

Every server of a dataset runs at once, idle but for the one under load: the small classes are
measured in ``--rounds`` windows per server, the servers taking turns, and the median is reported, so
that a change in the machine's load (other work on it) falls on every server alike.

Printed: requests per second and latency percentiles per server and class; the ratios of this
project against the floor on the same HTTP server, Oxigraph's server and rdflib-endpoint; and each
server's resident memory after its dataset's classes (RSS and PSS summed over its processes).

Run: ``python bench/http.py [--duration 5] [--rounds 3] [--connections 8] [--workers N] [--uvicorn] [--work DIR]``.
``--work DIR`` keeps the generated data for the next run; ``--skip-rdflib`` leaves out rdflib-endpoint
(minutes to load the synthetic dataset); ``--steps`` adds this project on uvicorn without each design
step (in-loop look-ups, the fast path, httptools and uvloop);
``--also-workers N`` adds it with N server processes. Nothing is asserted.
Targets (issue 13): never-seen small queries at least 0.8x of the floor on the same HTTP server and
0.35x of Oxigraph's server; repeated queries, aggregates and memory no worse than before. (Issue 3:
>= 0.5x Oxigraph's server on repeated small queries, >= 1.0x on aggregates; >= 10x rdflib-endpoint's;
memory <= 2x Oxigraph's server.)
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
import statistics
import subprocess
import tempfile
import urllib.parse
from pathlib import Path


def _load(name: str):  # type: ignore[no-untyped-def]
    """A module of this folder, which is off ``sys.path`` (see above)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name(f"{name}.py"))
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules[name] = module  # a dataclass looks its module up there
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


synthetic = _load("synthetic")
servers = _load("http_servers")


PREFIX = "PREFIX dgb: <https://w3id.org/dragonbear/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
SYNTHETIC_GRAPH = "https://w3id.org/dragonbear/graph/synthetic"
DATASETS = ("shipped", "synthetic")
CLASSES = ("shipped:new", "synthetic:new", "synthetic:small", "synthetic:path", "synthetic:aggregate")
SLOT = "VARNAME"  # replaced in each request by a name no other request uses (see LUA)


def label_query(iri: str, var: str = "l") -> str:
    return PREFIX + f"SELECT ?{var} WHERE {{ <{iri}> rdfs:label ?{var} }}"


def queries(kind: str, systems: int, entities: list[str], *, n: int = 200, seed: int = 3) -> list[str]:
    """The queries of one class: ``new`` ones carry :data:`SLOT` where each request puts its own name."""
    rng = random.Random(seed)
    if kind == "new":
        return [label_query(iri, SLOT) for iri in entities]
    picks = [rng.randrange(systems // 2, systems) for _ in range(n)]
    if kind == "small":
        return [label_query(synthetic.system_iri(i)) for i in picks]
    if kind == "path":
        return [
            PREFIX + f"SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {{ <{synthetic.system_iri(i)}> "
            "(dgb:derivedFrom|dgb:variantOf)+ ?a }"
            for i in picks[:50]
        ]
    if kind == "aggregate":
        return [
            PREFIX + "SELECT ?kind ?decade (COUNT(*) AS ?n) WHERE { ?d a dgb:Derivation ; dgb:derivationKind ?kind ; "
            "dgb:startYear ?y BIND(FLOOR(?y / 10) * 10 AS ?decade) } GROUP BY ?kind ?decade"
        ]
    raise SystemExit(f"unknown class {kind!r}")


# Each wrk thread numbers its requests; a request of a class with SLOT in its paths puts the thread's
# number and its own in the slot, so no two requests of a run send the same text.
LUA = """
local paths = {}
for line in io.lines("%s") do paths[#paths + 1] = line end
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
local n = 0
function init(args)
  math.randomseed(42 + (tid or 0))
end
request = function()
  n = n + 1
  local path = paths[math.random(#paths)]
  if string.find(path, "%s", 1, true) then
    path = string.gsub(path, "%s", "v" .. tostring(tid) .. "x" .. tostring(n))
  end
  return wrk.format("GET", path, {["Accept"] = "application/sparql-results+json"})
end
"""


def run_wrk(
    server: servers.Server, label: str, qs: list[str], *, duration: int, connections: int, work: Path
) -> dict[str, float]:
    base = urllib.parse.urlsplit(server.url)
    slug = re.sub(r"\W+", "-", f"{server.name}-{label}")
    listing = work / f"paths-{slug}.txt"
    listing.write_text("\n".join(base.path + "?query=" + urllib.parse.quote(q) for q in qs) + "\n")
    script = work / f"script-{slug}.lua"
    script.write_text(LUA % (listing, SLOT, SLOT))
    ticks = server.cpu_ticks()
    out = subprocess.run(
        [
            "wrk",
            "-t",
            "2",
            "-c",
            str(connections),
            "-d",
            f"{duration}s",
            "--timeout",
            "60s",
            "--latency",
            "-s",
            str(script),
            f"{base.scheme}://{base.netloc}",
        ],
        capture_output=True,
        text=True,
    ).stdout
    found = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if found is None:
        raise SystemExit(f"wrk printed no rate for {server.name} {label}:\n{out}")
    result: dict[str, float] = {"rps": float(found.group(1))}
    done = re.search(r"(\d+) requests in", out)
    if done and int(done.group(1)):  # CPU time of the server's processes per answer: steadier than the rate
        result["cpu_ms"] = (server.cpu_ticks() - ticks) * 1000 / os.sysconf("SC_CLK_TCK") / int(done.group(1))
    for pct, value, unit in re.findall(r"\s(50|90|99)%\s+([\d.]+)(us|ms|s)\b", out):
        result[f"p{pct}_ms"] = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    result["errors"] = float(non2xx.group(1)) if non2xx else 0.0
    return result


def _labelled(store: Path, limit: int = 2000) -> list[str]:
    """IRIs of the store's labelled entities outside the synthetic graph (the shipped graph's)."""
    import pyoxigraph as ox

    rows = ox.Store.read_only(str(store / "current")).query(
        "SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l } "
        f"FILTER(isIRI(?s) && ?g != <{SYNTHETIC_GRAPH}>) }} ORDER BY ?s LIMIT {limit}"
    )
    return [r["s"].value for r in rows]


def _peers(work: Path, store: Path) -> None:
    """An Oxigraph store and an N-Triples file with the same quads as ``store``."""
    import pyoxigraph as ox

    dump = work / "all.nq"
    ox.Store.read_only(str(store / "current")).dump(str(dump), format=ox.RdfFormat.N_QUADS)
    subprocess.run(
        [servers.tool("oxigraph"), "load", "--location", str(work / "oxigraph-store"), "--file", str(dump)],
        check=True,
        capture_output=True,
    )
    with dump.open() as src, (work / "all.nt").open("w") as dst:
        for line in src:  # drop the graph name: rdflib-endpoint serves one default graph
            dst.write(re.sub(r" <[^>]*> \.\n$", " .\n", line))
    print(f"  {work.name}: {sum(1 for _ in dump.open()):,} quads", flush=True)
    dump.unlink()


def prepare(work: Path, systems: int, depth: int, datasets: set[str]) -> None:
    """Both datasets under ``work``: ``shipped/`` and ``synthetic/``, each with a dragonbear store, an
    Oxigraph store and an N-Triples file of the same quads (and ``entities.txt``, the shipped
    graph's labelled IRIs). A folder that has its ``all.nt`` already is kept."""
    cli = [sys.executable, "-m", "dragonbear.cli"]
    shipped, syn = work / "shipped", work / "synthetic"
    if not (shipped / "all.nt").exists():
        shipped.mkdir(parents=True, exist_ok=True)
        subprocess.run([*cli, "build", "--store", str(shipped / "dragonbear-store")], check=True, capture_output=True)
        _peers(shipped, shipped / "dragonbear-store")
    if not (shipped / "entities.txt").exists():
        (shipped / "entities.txt").write_text("\n".join(_labelled(shipped / "dragonbear-store")) + "\n")
    if "synthetic" in datasets and not (syn / "all.nt").exists():
        syn.mkdir(parents=True, exist_ok=True)
        nt = syn / "synthetic.nt"
        print(f"synthetic lineage graph: {synthetic.write_synthetic(nt, systems, depth):,} triples", flush=True)
        if not (syn / "dragonbear-store").exists():
            shutil.copytree(shipped / "dragonbear-store", syn / "dragonbear-store", symlinks=True)
        subprocess.run(
            [*cli, "load", str(nt), "--graph", SYNTHETIC_GRAPH, "--store", str(syn / "dragonbear-store")],
            check=True,
            capture_output=True,
        )
        _peers(syn, syn / "dragonbear-store")
        nt.unlink()


def _ratio(mine: float, theirs: float) -> str:
    return f"{mine / theirs:.2f}x" if theirs > 0 else "n/a"


def report(results: dict[str, dict[str, dict[str, float]]], memory: dict[str, dict[str, tuple[float, float]]]) -> None:
    """The table of rates and the ratios of each dragonbear variant."""
    names = list(results)
    classes = [c for c in CLASSES if any(c in r for r in results.values())]
    classes += sorted({c for r in results.values() for c in r} - set(classes))
    width = max(12, *(len(n) for n in names))
    print(f"\nrequests per second (load average {os.getloadavg()[0]:.2f} at the end)")
    print(f"{'class':<22}" + "".join(f"{n:>{width + 2}}" for n in names))
    for c in classes:
        print(
            f"{c:<22}"
            + "".join(
                f"{results[n][c]['rps']:>{width + 2}.1f}" if c in results[n] else f"{'-':>{width + 2}}" for n in names
            )
        )
    print("server CPU ms per request")
    for c in classes:
        print(
            f"{c:<22}"
            + "".join(
                f"{results[n][c].get('cpu_ms', 0):>{width + 2}.3f}" if c in results[n] else f"{'-':>{width + 2}}"
                for n in names
            )
        )
    for dataset in DATASETS:
        if any(dataset in m for m in memory.values()):
            print(
                f"{'RSS MiB ' + dataset:<22}"
                + "".join(
                    f"{memory[n][dataset][0]:>{width + 2}.0f}"
                    if dataset in memory.get(n, {})
                    else f"{'-':>{width + 2}}"
                    for n in names
                )
            )
    for mine in [n for n in names if n.startswith("dragonbear")]:
        floor = "floor[uvicorn]" if "uvicorn" in mine else "floor[granian]"
        for peer in [floor, "oxigraph", "rdflib-endpoint"]:
            if peer not in results:
                continue
            parts = [
                f"{c} {_ratio(results[mine][c]['rps'], results[peer][c]['rps'])}"
                for c in classes
                if c in results[mine] and c in results[peer]
            ]
            mem = [
                f"{d} {_ratio(memory[mine][d][0], memory[peer][d][0])} RSS"
                for d in DATASETS
                if d in memory.get(mine, {}) and d in memory.get(peer, {})
            ]
            print(f"{mine} / {peer}: " + "; ".join(parts + mem))


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stopped: the servers are stopped too (finally)
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk")
    wanted = [c.strip() for c in args.classes.split(",") if c.strip()]
    results: dict[str, dict[str, dict[str, float]]] = {}
    memory: dict[str, dict[str, tuple[float, float]]] = {}
    print(f"load average at start: {os.getloadavg()[0]:.2f}", flush=True)
    with tempfile.TemporaryDirectory(prefix="dragonbear-http-") as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        prepare(work, args.systems, args.depth, {c.split(":")[0] for c in wanted})
        entities = {
            "shipped": (work / "shipped" / "entities.txt").read_text().split(),
            "synthetic": [synthetic.system_iri(i) for i in range(args.systems // 2, args.systems)],
        }
        for dataset in DATASETS:
            classes = {
                c: queries(c.split(":")[1], args.systems, entities[dataset])
                for c in wanted
                if c.split(":")[0] == dataset
            }
            if classes:
                _bench_dataset(args, work, dataset, classes, results, memory)
    report(results, memory)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--systems", type=int, default=60_000)
    parser.add_argument("--depth", type=int, default=60)
    parser.add_argument("--duration", type=int, default=5, help="seconds of one window (slow classes: three times)")
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="windows per server and small class, taken in turns; the median is reported",
    )
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument(
        "--workers", type=int, default=None, help="server processes (default: the server's own default)"
    )
    parser.add_argument("--skip-rdflib", action="store_true", help="rdflib-endpoint needs minutes to load")
    parser.add_argument("--skip-floor", action="store_true", help="leave out the floor on uvicorn and granian")
    parser.add_argument(
        "--uvicorn", action="store_true", help="also run dragonbear serve on uvicorn (granian is its default)"
    )
    parser.add_argument(
        "--classes",
        default=",".join(CLASSES),
        help="dataset:class pairs to run, comma-separated (default: %(default)s)",
    )
    parser.add_argument(
        "--only", default="", help="run only the servers whose names start with one of these (comma-separated)"
    )
    parser.add_argument(
        "--steps",
        action="store_true",
        help="also run dragonbear without each design step (h11 + asyncio, no fast path)",
    )
    parser.add_argument("--work", type=Path, help="keep the generated data in this folder and reuse it next time")
    parser.add_argument(
        "--baseline",
        type=Path,
        metavar="DIR",
        help="also run dragonbear from DIR, a folder holding another version of the package "
        "(e.g. git archive of an older commit, its layers linked as dragonbear/...)",
    )
    parser.add_argument(
        "--also-workers",
        type=int,
        action="append",
        default=[],
        metavar="N",
        help="also run dragonbear with N server processes (repeatable)",
    )
    return parser


def _bench_dataset(
    args: argparse.Namespace,
    work: Path,
    dataset: str,
    classes: dict[str, list[str]],
    results: dict[str, dict[str, dict[str, float]]],
    memory: dict[str, dict[str, tuple[float, float]]],
) -> None:
    """Start the servers of one dataset, put each class of queries on them, and keep the medians of the
    rates (in ``results``) and the servers' memory (in ``memory``)."""
    only = [o for o in args.only.split(",") if o]
    started: list[servers.Server] = []
    samples: dict[str, dict[str, list[dict[str, float]]]] = {}
    try:
        for name, cmd, url, env in servers.servers_for(args, work / dataset):
            if not only or name.startswith(tuple(only)):
                print(f"{dataset}: starting {name} ...", flush=True)
                started.append(servers.start(name, cmd, url, env=env))
        for label, qs in classes.items():
            _bench_class(args, work, started, label, qs, samples)
        for server in started:
            memory.setdefault(server.name, {})[dataset] = server.memory_mib()
            rss, pss = memory[server.name][dataset]
            print(f"  {server.name}: resident memory {rss:.0f} MiB (RSS), {pss:.0f} MiB (PSS)", flush=True)
    finally:
        for server in started:
            server.stop()
    for name, by_label in samples.items():
        for label, runs in by_label.items():
            results.setdefault(name, {})[label] = {
                key: statistics.median(r.get(key, 0.0) for r in runs) for key in runs[0]
            }


def _bench_class(
    args: argparse.Namespace,
    work: Path,
    started: list[servers.Server],
    label: str,
    qs: list[str],
    samples: dict[str, dict[str, list[dict[str, float]]]],
) -> None:
    """Put one class of queries on every server, adding each window's figures to ``samples``."""
    kind = label.split(":")[1]
    small = kind in ("new", "small")
    # Small classes: --rounds windows per server, the servers taking turns, so that a change in the
    # machine's load falls on all of them; slow classes: one window of three times the length, so
    # that a query of ~10 s can finish.
    for _ in range(args.rounds if small else 1):
        for server in started:
            if server.name.startswith("floor") and not small:
                continue  # it runs queries on its event loop: long ones would only block it
            duration = args.duration if small else 3 * args.duration
            r = run_wrk(server, label, qs, duration=duration, connections=args.connections, work=work)
            samples.setdefault(server.name, {}).setdefault(label, []).append(r)
            print(
                f"  {server.name:<32} {label:<20} {r['rps']:>9.1f} req/s  "
                f"p50 {r.get('p50_ms', 0):8.2f} ms  p99 {r.get('p99_ms', 0):8.2f} ms  "
                f"cpu {r.get('cpu_ms', 0):6.3f} ms/req  non-2xx {int(r['errors'])}  "
                f"load {os.getloadavg()[0]:.2f}",
                flush=True,
            )
            if not small:
                server.settle(limit=60)  # a query still running would weigh on the next server


if __name__ == "__main__":
    raise SystemExit(main())

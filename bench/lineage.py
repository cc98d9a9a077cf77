"""Benchmark: ancestors and descendants through SPARQL property paths, networkx and rdflib, in one run;
then GET /api/lineage/{id} for every system of the shipped graph.

Data: a synthetic derivation DAG from ``bench/synthetic.py`` (by default 700,000 systems in 60 layers:
about 1,030,000 derivation edges, depth 59), cut to the triples the lineage reads (no attestations:
about 9 million triples) and bulk-loaded into an in-memory pyoxigraph store with the
``dgb:derivedFrom`` shortcut of every derivation (what the build's materializer adds).

Cases: ancestors of a system in layer 2 (shallow) and in the last layer (deep), descendants of a
system in the layer before the last (shallow) and in layer 0 (deep). Each is answered by

- ``sparql``: :func:`dragonbear.graph.lineage.ancestors_of` with ``Backend.SPARQL`` (property paths
  in pyoxigraph);
- ``networkx``: the same function on the view :func:`load_lineage_graph` read (its load is timed
  once, apart);
- ``rdflib``: the same property path in rdflib's SPARQL over an in-memory graph of the
  ``dgb:derivedFrom`` triples only, in a child process with a time limit (reported as not finished
  when it runs out).

HTTP: ``dragonbear serve`` on a fresh build of the shipped graph; one request warms the cached view,
then every system's lineage is fetched once, sequentially; p50, p95 and max are printed.

Run: ``python bench/lineage.py [--systems 700000] [--depth 60] [--rdflib-limit 300]``. Nothing is
asserted; the numbers go in the report and docs/decisions/0013-lineage-backends.md.
"""

from __future__ import annotations

import sys

# bench/http.py would shadow the standard library's http package (urllib needs it): take this
# folder off sys.path before anything imports it.
_HERE = __import__("os").path.dirname(__import__("os").path.abspath(__file__))
sys.path[:] = [p for p in sys.path if __import__("os").path.abspath(p or ".") != _HERE]

import argparse
import importlib.util
import multiprocessing as mp
import os
import queue as queue_module
import re
import socket
import statistics
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from dragonbear.graph.lineage import Backend, Relation, ancestors_of, descendants_of
from dragonbear.graph.lineage_load import load_lineage_graph
from dragonbear.graph.store import EmbeddedStore

_spec = importlib.util.spec_from_file_location("synthetic", Path(__file__).with_name("synthetic.py"))
synthetic = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
_spec.loader.exec_module(synthetic)  # type: ignore[union-attr]

DERIVED_FROM = "<https://w3id.org/dragonbear/ontology#derivedFrom>"
RELATIONS = {Relation.DERIVATION}
_STEP = re.compile(r"/derivation/syn-(\d+)-from-(\d+)>")


# The lines of the synthetic model the lineage reads: systems (type, label) and derivations (type,
# derived and source system, kind, year, confidence). Attestations, categories and countries are
# left out to halve the load (the shipped graph's view carries sources; this one does not).
_KEEP = re.compile(
    r"(#SystemModel>|rdf-schema#label>|#Derivation>|#derivedSystem>|#sourceSystem>|#derivationKind>"
    r"|#startYear>|#confidence>) "
)


def write_dag(path: Path, systems: int, depth: int) -> tuple[int, int, str]:
    """The synthetic DAG as N-Triples, plus one derivedFrom shortcut per derivation.

    Returns:
        The number of triples and of derivation edges, and the layer-0 system with most grandchildren
        (a deep descendants case: a random one may have none).
    """
    triples = edges = 0
    width = max(1, systems // depth)
    children: dict[int, set[int]] = {}
    with path.open("w", encoding="utf-8") as out, path.with_suffix(".edges.nt").open("w", encoding="utf-8") as only:
        for block in synthetic.generate(systems, depth):
            kept = [line for line in block.splitlines(keepends=True) if _KEEP.search(line)]
            out.writelines(kept)
            triples += len(kept)
            for child, parent in sorted(set(_STEP.findall(block))):
                if int(parent) < 2 * width:
                    children.setdefault(int(parent), set()).add(int(child))
                line = f"<{synthetic.system_iri(int(child))}> {DERIVED_FROM} <{synthetic.system_iri(int(parent))}> .\n"
                out.write(line)
                only.write(line)
                triples += 1
                edges += 1
    best = max(range(width), key=lambda p: sum(len(children.get(c, ())) for c in children.get(p, ())))
    return triples, edges, synthetic.system_iri(best)


def _timed(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - start, result


def _rdflib_child(path: str, cases: list[tuple[str, str, str]], queue: mp.Queue) -> None:  # type: ignore[type-arg]
    import rdflib

    graph = rdflib.Graph()
    start = time.perf_counter()
    graph.parse(path, format="nt")
    queue.put(("load", time.perf_counter() - start, len(graph)))
    for name, iri, direction in cases:
        path_text = f"{DERIVED_FROM}+" if direction == "up" else f"^{DERIVED_FROM}+"
        start = time.perf_counter()
        rows = list(graph.query(f"SELECT DISTINCT ?n WHERE {{ <{iri}> {path_text} ?n }}"))
        queue.put((name, time.perf_counter() - start, len(rows)))


def run_rdflib(path: Path, cases: list[tuple[str, str, str]], limit: float) -> dict[str, tuple[float, int] | None]:
    """Times of rdflib per case (and of its load), None for what did not finish within ``limit`` seconds."""
    queue: mp.Queue = mp.get_context("spawn").Queue()  # type: ignore[type-arg]
    child = mp.get_context("spawn").Process(target=_rdflib_child, args=(str(path), cases, queue))
    child.start()
    results: dict[str, tuple[float, int] | None] = {"load": None, **{c[0]: None for c in cases}}
    deadline = time.monotonic() + limit
    while child.is_alive() or not queue.empty():
        try:
            name, seconds, count = queue.get(timeout=max(0.1, min(5, deadline - time.monotonic())))
            results[name] = (seconds, count)
        except queue_module.Empty:
            pass  # nothing yet: look at the clock and the child again
        if time.monotonic() > deadline:
            break
    if child.is_alive():
        child.terminate()
        child.join()
    return results


def bench_dag(args: argparse.Namespace, work: Path) -> None:
    nt = work / "dag.nt"
    seconds, (triples, edges, root) = _timed(write_dag, nt, args.systems, args.depth)
    width = max(1, args.systems // args.depth)
    print(
        f"synthetic DAG: {args.systems:,} systems, {edges:,} derivation edges, depth {args.depth - 1}, "
        f"{triples:,} triples (written in {seconds:.0f} s)"
    )
    store = EmbeddedStore.open(None)  # in memory: the disk of a shared machine made a 20-minute load
    seconds, _ = _timed(
        store.load,
        nt.read_bytes(),
        format=ox.RdfFormat.N_TRIPLES,
        graph="https://w3id.org/dragonbear/graph/synthetic",
        bulk=True,
    )
    print(f"pyoxigraph bulk load (in memory): {seconds:.0f} s")
    iri = synthetic.system_iri
    cases = [
        ("ancestors shallow (layer 2)", iri(2 * width + 5), "up"),
        (f"ancestors deep (layer {args.depth - 1})", iri((args.depth - 1) * width + 5), "up"),
        (f"descendants shallow (layer {args.depth - 2})", iri((args.depth - 2) * width + 5), "down"),
        ("descendants deep (layer 0)", root, "down"),
    ]
    sparql = _walk_times(store, cases, backend=Backend.SPARQL)
    load_seconds, view = _timed(load_lineage_graph, store)
    print(
        f"networkx view load (load_lineage_graph): {load_seconds:.1f} s, "
        f"{view.number_of_nodes():,} nodes, {view.number_of_edges():,} edges"
    )
    networkx = _walk_times(view, cases)
    del view
    rdflib = run_rdflib(nt.with_suffix(".edges.nt"), cases, args.rdflib_limit)
    load = rdflib["load"]
    print(
        f"rdflib load of the {edges:,} derivedFrom triples: "
        + (f"{load[0]:.1f} s" if load else f"not finished within {args.rdflib_limit:.0f} s")
    )
    _print_comparison(cases, sparql, networkx, rdflib, load_seconds)


def _walk_times(source: Any, cases: list[tuple[str, str, str]], **options: Any) -> dict[str, tuple[float, int]]:
    """Seconds and nodes found of each case's walk over ``source`` (the store, or the networkx view)."""
    times: dict[str, tuple[float, int]] = {}
    for name, node, direction in cases:
        walk = ancestors_of if direction == "up" else descendants_of
        seconds, found = _timed(walk, source, node, relations=RELATIONS, **options)
        times[name] = (seconds, len(found))
    return times


def _print_comparison(
    cases: list[tuple[str, str, str]],
    sparql: dict[str, tuple[float, int]],
    networkx: dict[str, tuple[float, int]],
    rdflib: dict[str, tuple[float, int] | None],
    load_seconds: float,
) -> None:
    """The table of the walks on each backend, and after how many walks the view's load pays."""
    print(
        f"\n{'case':<32} {'found':>9} {'sparql':>10} {'networkx':>10} {'rdflib':>10} "
        f"{'sparql/nx':>10} {'rdflib/nx':>10}"
    )
    for name, _node, _direction in cases:
        (s_sec, s_n), (n_sec, n_n) = sparql[name], networkx[name]
        r = rdflib[name]
        assert s_n == n_n, f"backends disagree on {name}: {s_n} vs {n_n}"
        r_text = f"{r[0] * 1000:.1f}ms" if r else "n/f"
        r_ratio = f"{r[0] / n_sec:.1f}x" if r else "n/f"
        print(
            f"{name:<32} {s_n:>9,} {s_sec * 1000:>8.1f}ms {n_sec * 1000:>8.1f}ms {r_text:>10} "
            f"{s_sec / n_sec:>9.1f}x {r_ratio:>10}"
        )
    walks = sum(s for s, _n in sparql.values()) - sum(s for s, _n in networkx.values())
    if walks > 0:
        print(
            f"\nbreak-even: the view's load pays for itself after about "
            f"{load_seconds / (walks / len(cases)):.0f} walks of this mix"
        )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def bench_http(work: Path) -> None:
    store_dir = work / "shipped"
    subprocess.run(
        [sys.executable, "-m", "dragonbear.cli", "build", "--store", str(store_dir)], check=True, capture_output=True
    )
    from dragonbear.graph.store import open_store

    store = open_store(store_dir, read_only=True)
    prefix = "https://w3id.org/dragonbear/id/system/"
    systems = sorted(
        r["s"].value[len(prefix) :]
        for r in store.query(  # type: ignore[union-attr]
            "SELECT DISTINCT ?s WHERE { ?s a dgb:SystemModel }"
        )
        if r["s"].value.startswith(prefix)
    )
    del store
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DRAGONBEAR_")}
    server = subprocess.Popen(
        [sys.executable, "-m", "dragonbear.cli", "serve", "--store", str(store_dir), "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}/api/lineage/"
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/sparql?query=ASK%7B%7D", timeout=5).read()
                break
            except OSError:
                time.sleep(0.2)
        first, _ = _timed(lambda: urllib.request.urlopen(base + "j-11", timeout=120).read())
        timed = []
        for system in systems:
            seconds, _body = _timed(lambda s=system: urllib.request.urlopen(base + s, timeout=60).read())
            timed.append((seconds, system))
        timed.sort()
        times = [t for t, _s in timed]
        p95 = times[int(0.95 * (len(times) - 1))]
        print(
            f"\nGET /api/lineage/{{id}} for all {len(systems):,} systems of the shipped graph (sequential, "
            f"after a first request of {first * 1000:.0f} ms that loads the view): p50 "
            f"{statistics.median(times) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, max {times[-1] * 1000:.1f} ms "
            f"({timed[-1][1]}); over 50 ms: {sum(t > 0.05 for t in times)}"
        )
    finally:
        server.terminate()
        server.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--systems", type=int, default=700_000)
    parser.add_argument("--depth", type=int, default=60)
    parser.add_argument("--rdflib-limit", type=float, default=300, help="seconds for rdflib's load and queries")
    parser.add_argument("--skip-dag", action="store_true")
    parser.add_argument("--skip-http", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="dragonbear-lineage-bench-") as tmp:
        if not args.skip_dag:
            bench_dag(args, Path(tmp))
        if not args.skip_http:
            bench_http(Path(tmp))


if __name__ == "__main__":
    main()

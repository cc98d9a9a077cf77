"""Diagnostic: what one small query costs run directly, through the server's query threads, and
through a worker process over a pipe (the design before decision 0017).

Runs 2,000 label look-ups of the synthetic lineage graph (``bench/http.py --work DIR`` leaves its
store in ``DIR/dragonbear-store``) three ways and prints the mean per query:

- ``direct``: pyoxigraph in this thread, query and JSON serialization;
- ``runner``: :class:`~dragonbear.service.runtime.runner.QueryRunner`, as the server runs a query (one thread
  hop, the project's JSON writer and result cap);
- ``worker process``: the same job sent to a child process over a ``multiprocessing`` pipe and the
  reply pickled back, as the server did before.

Run: ``python bench/runner_overhead.py /tmp/bench-http/dragonbear-store``. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import importlib.util
import multiprocessing
import time
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox

from dragonbear.graph.store import EmbeddedStore, current_generation
from dragonbear.service.runtime.jobs import QueryJob, run_job
from dragonbear.service.runtime.runner import QueryRunner


def _synthetic():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("synthetic", Path(__file__).with_name("synthetic.py"))
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def _serve(conn: Connection, generation: str) -> None:
    store = EmbeddedStore.open(Path(generation), read_only=True)
    conn.send(None)
    while (job := conn.recv()) is not None:
        conn.send(run_job(store, job))


def _job(q: str) -> QueryJob:
    return QueryJob(
        q, base_iri="http://localhost/sparql", accept="application/sparql-results+json", max_results=100_000
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path, help="a store holding the synthetic lineage graph")
    parser.add_argument("--queries", type=int, default=2000)
    args = parser.parse_args()
    gen = current_generation(args.store)
    if gen is None:
        raise SystemExit(f"no store at {args.store}")
    synthetic = _synthetic()
    qs = [
        f"PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT ?l WHERE {{ <{synthetic.system_iri(i)}> "
        "rdfs:label ?l }"
        for i in range(30_000, 30_000 + args.queries)
    ]
    store = EmbeddedStore.open(gen, read_only=True)
    times: dict[str, float] = {}
    start = time.perf_counter()
    for q in qs:
        store.select(q).serialize(format=ox.QueryResultsFormat.JSON)
    times["direct"] = (time.perf_counter() - start) / len(qs)
    runner = QueryRunner(threads=4, timeout=30)
    start = time.perf_counter()
    for q in qs:
        runner.run(lambda q=q: run_job(store, _job(q)))  # type: ignore[misc]
    times["runner"] = (time.perf_counter() - start) / len(qs)
    runner.close()
    parent, child = multiprocessing.get_context("spawn").Pipe()
    process = multiprocessing.get_context("spawn").Process(target=_serve, args=(child, str(gen)), daemon=True)
    process.start()
    parent.recv()
    start = time.perf_counter()
    for q in qs:
        parent.send(_job(q))
        parent.recv()
    times["worker process"] = (time.perf_counter() - start) / len(qs)
    parent.send(None)
    process.join(5)
    print("; ".join(f"{name}: {t * 1e3:.3f} ms ({t / times['direct']:.1f}x)" for name, t in times.items()))


if __name__ == "__main__":
    main()

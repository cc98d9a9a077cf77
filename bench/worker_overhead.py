"""Diagnostic: what one small query costs in-process against through a query worker process.

Runs 2,000 label look-ups of the synthetic lineage graph (``bench/http.py --work DIR`` leaves its
store in ``DIR/dragonbear-store``) with pyoxigraph in this process (query and JSON serialization), then
through :class:`~dragonbear.service.pool.QueryPool` with one worker, and prints the mean per query.
The difference is the price of running queries in killable processes (decision 0007).

Run: ``python bench/worker_overhead.py /tmp/bench-http/dragonbear-store``. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import importlib.util
import time
from pathlib import Path

import pyoxigraph as ox

from dragonbear.graph.store import current_generation
from dragonbear.service.pool import QueryPool
from dragonbear.service.worker import QueryJob


def _synthetic():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("synthetic", Path(__file__).with_name("synthetic.py"))
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path, help="a store holding the synthetic lineage graph")
    parser.add_argument("--queries", type=int, default=2000)
    args = parser.parse_args()
    gen = current_generation(args.store)
    if gen is None:
        raise SystemExit(f"no store at {args.store}")
    synthetic = _synthetic()
    qs = [f"PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT ?l WHERE {{ <{synthetic.system_iri(i)}> "
          "rdfs:label ?l }" for i in range(30_000, 30_000 + args.queries)]
    store = ox.Store.read_only(str(gen))
    start = time.perf_counter()
    for q in qs:
        store.query(q, use_default_graph_as_union=True).serialize(format=ox.QueryResultsFormat.JSON)
    in_process = (time.perf_counter() - start) / len(qs)
    pool = QueryPool(gen, size=1, timeout=30)
    pool.start()
    try:
        start = time.perf_counter()
        for q in qs:
            pool.run(QueryJob(q, default_graphs=None, named_graphs=None, base_iri="http://localhost/sparql",
                              accept="application/sparql-results+json", fmt=None, max_results=100_000))
        through_worker = (time.perf_counter() - start) / len(qs)
    finally:
        pool.close()
    print(f"in-process query + JSON: {in_process * 1e3:.3f} ms; through a worker process: "
          f"{through_worker * 1e3:.3f} ms ({through_worker / in_process:.1f}x)")


if __name__ == "__main__":
    main()

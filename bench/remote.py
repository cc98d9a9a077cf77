"""Benchmark: the graph in the embedded store, on Oxigraph's server and on Virtuoso, one run.

In one run, on the same machine and data (the shipped graph; with ``--full``, the shipped graph with
SIPRI's full 1950-2024 register instead of the extract):

1. Build: ``build_store`` into a directory (the embedded store), and ``build_remote`` onto Oxigraph's
   server (PyPI ``oxigraph``) and onto Virtuoso 7.2 (``virtuoso-t``), both started on loopback by
   ``tests/servers.py``. A remote build is a local build (the same steps, written to a temporary
   store) then a publish: the staging upload (Graph Store POSTs, each graph counted back) and the
   switch (one SPARQL update that MOVEs the staged graphs onto the project's names). The parts are
   read from the times of the progress lines. The embedded store's counterpart of the publish is its
   last step, writing the store to disk.
2. Queries: every canned query with its example parameters, as the SPARQL text the query page shows
   (``example_queries``), ``--repeat`` times on each store, the stores taking turns so that a change
   in the machine's load falls on all of them; the answer is read in full. Median ms per query, and
   the sum of the medians. Virtuoso's ``ResultSetMaxRows`` is raised so that no answer is cut.
3. Memory: each server process's resident memory (``VmRSS``) after the build and after the queries;
   for the embedded store, a fresh Python process that opens the store (after opening, and after
   running every query once): this process made three builds, so its own RSS would say little.

Printed: a markdown table per store and per query, and the ratios server / embedded. Nothing is
asserted. Run: ``python bench/remote.py [--full] [--register PATH] [--repeat N]``. The machine may be
shared: the load average is printed before and after.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Python puts this folder first on sys.path, where bench/http.py would shadow the standard library's
# http package (which httpx imports): take it off, and put tests/ on for tests/servers.py.
sys.path[:] = [str(ROOT / "tests")] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

import servers  # noqa: E402  (tests/servers.py: Oxigraph's server and Virtuoso on loopback)

from dragonbear.addresses import parse_store_address  # noqa: E402
from dragonbear.errors import DragonbearError  # noqa: E402
from dragonbear.graph.locations import open_remote  # noqa: E402
from dragonbear.graph.store import GraphStore, open_store  # noqa: E402
from dragonbear.pipeline.build import build_store  # noqa: E402
from dragonbear.pipeline.remote import build_remote  # noqa: E402
from dragonbear.queries.catalogue import load_catalogue  # noqa: E402
from dragonbear.service.runtime.names import name_index  # noqa: E402
from dragonbear.service.web.examples import example_queries  # noqa: E402

DEFAULT_REGISTER = ROOT.parent / "shared" / "data" / "sipri" / "trade-register.csv"
STORES = ("embedded", "oxigraph", "virtuoso")
WRITE_STEP = "Writing the store to disk"

# Run in a fresh process: open the embedded store, print VmRSS, run each query once, print VmRSS.
EMBEDDED_RSS = """
import json, re, sys
from pathlib import Path
from dragonbear.graph.store import open_store
def rss():
    return int(re.search(r"VmRSS:\\s+(\\d+)", Path("/proc/self/status").read_text()).group(1)) / 1024
store = open_store(Path(sys.argv[1]), read_only=True)
opened = rss()
for text in json.loads(Path(sys.argv[2]).read_text()):
    result = store.query(text)
    bool(result) if type(result).__name__ == "QueryBoolean" else list(result)
print(opened, rss())
"""


def rss_mib(pid: int) -> float:
    """The resident memory of process ``pid`` in MiB (``VmRSS``)."""
    match = re.search(r"VmRSS:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text())
    return int(match.group(1)) / 1024 if match else float("nan")


def server_pid(folder: Path) -> int:
    """The process a ``tests/servers.py`` context manager started on ``folder``: a child of this
    process whose command line names the folder (Oxigraph's ``--location``, Virtuoso's ``-c`` ini)."""
    children = []
    for task in Path("/proc/self/task").iterdir():
        children += (task / "children").read_text().split()
    for pid in children:
        if str(folder) in Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode():
            return int(pid)
    raise SystemExit(f"no child process serves {folder}")


class Clock:
    """A progress callback that keeps each line with the time it came."""

    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.lines: list[tuple[float, str]] = []

    def __call__(self, line: str) -> None:
        self.lines.append((time.perf_counter() - self.start, line))

    def at(self, prefix: str) -> float:
        """Seconds from the start to the first line that starts with ``prefix``."""
        return next(t for t, line in self.lines if line.strip().startswith(prefix))

    def parts(self, total: float) -> dict[str, float]:
        """The build's parts in seconds: the local build (up to writing the store to disk) and the
        rest (writing it, or for a remote build the publish: the staging upload and the switch)."""
        if not any(line.startswith("Switching") for _, line in self.lines):
            start = next(t for t, line in self.lines if WRITE_STEP in line)
            return {"total": total, "local": start, "store": total - start}
        written = next(t for t, line in self.lines if WRITE_STEP in line and "done" in line)
        switching, switched = self.at("Switching"), self.at("Switched")
        return {
            "total": total,
            "local": written,
            "store": total - written,
            "upload": switching - written,
            "switch": switched - switching,
        }


def timed_build(kind: str, build: Callable[..., object]) -> dict[str, float]:
    """Run ``build(progress=...)``; its total time and parts."""
    clock = Clock()
    build(progress=clock)
    parts = clock.parts(time.perf_counter() - clock.start)
    print(f"  {kind}: " + ", ".join(f"{k} {v:.1f} s" for k, v in parts.items()), flush=True)
    return parts


def answer_size(result: object) -> int:
    """Read an answer in full; its rows (solutions or triples), or 1 for a boolean."""
    if type(result).__name__ == "QueryBoolean":
        return int(bool(result))
    return sum(1 for _ in result)  # type: ignore[attr-defined]


def time_queries(
    stores: dict[str, GraphStore], queries: dict[str, str], repeat: int
) -> tuple[dict[str, dict[str, list[float]]], dict[str, dict[str, int | str]]]:
    """Each query ``repeat`` times on each store, the stores taking turns; times in ms, and the rows
    of each answer (or the error's text)."""
    times: dict[str, dict[str, list[float]]] = {k: {q: [] for q in queries} for k in stores}
    rows: dict[str, dict[str, int | str]] = {k: {} for k in stores}
    for _ in range(repeat):
        for name, text in queries.items():
            for kind, store in stores.items():
                if isinstance(rows[kind].get(name), str):
                    continue  # failed before: not again
                start = time.perf_counter()
                try:
                    rows[kind][name] = answer_size(store.query(text))
                except DragonbearError as exc:
                    rows[kind][name] = f"{type(exc).__name__}: {str(exc)[:160]}"
                    print(f"  {kind} {name}: {rows[kind][name]}", flush=True)
                    continue
                times[kind][name].append((time.perf_counter() - start) * 1000)
    return times, rows


def embedded_rss(store_dir: Path, queries: dict[str, str], work: Path) -> tuple[float, float]:
    """RSS in MiB of a fresh process with the embedded store open, and after running each query once."""
    listing = work / "queries.json"
    listing.write_text(json.dumps(list(queries.values())), encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-c", EMBEDDED_RSS, str(store_dir), str(listing)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return float(out[0]), float(out[1])


def report(
    builds: dict[str, dict[str, float]],
    times: dict[str, dict[str, list[float]]],
    rows: dict[str, dict[str, int | str]],
    memory: dict[str, tuple[float, float]],
) -> None:
    """The markdown tables and the ratios server / embedded (a server whose build failed has no times)."""
    kinds = [k for k in STORES if k in times]
    common = [q for q in times["embedded"] if all(isinstance(rows[k].get(q), int) for k in kinds)]
    median = {k: {q: statistics.median(v) for q, v in times[k].items() if v} for k in kinds}
    totals = {k: sum(median[k][q] for q in common) for k in kinds}
    print(
        "\n| store | build s | local build s | write / publish s | staging upload s | switch s "
        f"| queries ms (sum of {len(common)} medians) | RSS after build MiB | RSS after queries MiB |"
    )
    print("|---|--:|--:|--:|--:|--:|--:|--:|--:|")
    for k in STORES:
        cells = [
            f"{builds[k][p]:.1f}" if p in builds[k] else "-" for p in ("total", "local", "store", "upload", "switch")
        ]
        cells += [f"{totals[k]:.0f}" if k in totals else "failed", f"{memory[k][0]:.0f}", f"{memory[k][1]:.0f}"]
        print(f"| {k} | " + " | ".join(cells) + " |")
    print("\n| query | rows | " + " | ".join(f"{k} ms" for k in kinds) + " |")
    print("|---|--:|" + "--:|" * len(kinds))
    for q in times["embedded"]:
        size = str(rows["embedded"].get(q))
        if len({rows[k].get(q) for k in kinds}) > 1:
            size += " (differs: " + ", ".join(f"{k} {str(rows[k].get(q))[:40]}" for k in kinds) + ")"
        cells = " | ".join(f"{median[k][q]:.1f}" if q in median[k] else "error" for k in kinds)
        print(f"| {q} | {size} | {cells} |")
    print("\nRatios server / embedded (publish: against writing the embedded store to disk):")
    for k in kinds[1:]:
        e, s = builds["embedded"], builds[k]
        print(
            f"  {k}: build {s['total'] / e['total']:.2f}, publish {s['store'] / e['store']:.2f}, "
            f"query total {totals[k] / totals['embedded']:.2f}, "
            f"memory after build {memory[k][0] / memory['embedded'][0]:.2f}, "
            f"after queries {memory[k][1] / memory['embedded'][1]:.2f}"
        )


def address_of(server: servers.SparqlServer) -> str:
    """The ``--store`` URL of a server (``oxigraph+http://127.0.0.1:PORT``)."""
    return f"{server.kind}+{server.base}"


def loadavg() -> str:
    return Path("/proc/loadavg").read_text().strip()


def build_all(
    folders: dict[str, Path], started: dict[str, servers.SparqlServer], sipri: Path | None
) -> tuple[dict[str, GraphStore], dict[str, dict[str, float]], dict[str, float]]:
    """Build into the embedded store and onto each server; the stores, the build times, and each
    server's RSS after its build."""
    print("build:", flush=True)
    builds = {"embedded": timed_build("embedded", partial(build_store, folders["embedded"], sipri_path=sipri))}
    stores: dict[str, GraphStore] = {"embedded": open_store(folders["embedded"], read_only=True)}
    print(f"  {stores['embedded'].count():,} quads", flush=True)
    memory = {}
    for kind, server in started.items():
        env = {"DRAGONBEAR_STORE_USER": server.user or "", "DRAGONBEAR_STORE_PASSWORD": server.password or ""}
        address = parse_store_address(address_of(server), env=env)
        remote = open_remote(address, timeout=600)  # type: ignore[arg-type]
        try:
            builds[kind] = timed_build(kind, partial(build_remote, remote, address_of(server), sipri_path=sipri))
            stores[kind] = remote
        except DragonbearError as exc:  # a refused publish: report it, measure the others
            builds[kind] = {}
            print(f"  {kind}: build failed: {str(exc)[:300]}", flush=True)
        memory[kind] = rss_mib(server_pid(folders[kind]))
    return stores, builds, memory


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--full", action="store_true", help="SIPRI's full register instead of the extract")
    parser.add_argument("--register", type=Path, default=DEFAULT_REGISTER)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    sipri = args.register if args.full else None
    print(f"load average before: {loadavg()}")
    print(f"graph: {'the shipped graph with the full register ' + str(sipri) if sipri else 'the shipped graph'}")
    with tempfile.TemporaryDirectory(prefix="dragonbear-bench-remote-") as tmp, ExitStack() as stack:
        work = Path(tmp)
        folders = {k: work / k for k in STORES}
        for folder in folders.values():
            folder.mkdir()
        started = {
            "oxigraph": stack.enter_context(servers.run_oxigraph(folders["oxigraph"])),
            "virtuoso": stack.enter_context(servers.run_virtuoso(folders["virtuoso"], max_rows=10_000_000)),
        }
        stores, builds, after_build = build_all(folders, started, sipri)
        queries = {q.name: q.sparql for q in example_queries(load_catalogue(), name_index(stores["embedded"]))}
        print(f"{len(queries)} canned queries, {args.repeat} times on each store ...", flush=True)
        times, rows = time_queries(stores, queries, args.repeat)
        memory = {k: (after_build[k], rss_mib(server_pid(folders[k]))) for k in started}
        memory["embedded"] = embedded_rss(folders["embedded"], queries, work)
        report(builds, times, rows, memory)
    print(f"load average after: {loadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

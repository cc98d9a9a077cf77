"""Benchmark: `dragonbear load` of a small file costs what the file costs, not what the store holds.

In one run, on the same machine and data:

(a) an empty store: the ontology and one seed triple (made by ``dragonbear load`` of a one-triple file
    into a new store directory);
(b) the full SIPRI register: ``dragonbear build --store DIR`` (the shipped graph), then
    ``dragonbear load-sipri REGISTER --store DIR``, as ``bench/build.py`` does (about 1.4 million quads).

Onto each in turn, ``dragonbear load`` (the real command, in a fresh process, as a user runs it) of
the same small Turtle files: two systems, a licensed production between them with its attestation and source,
and a Russian name (25 triples; each repetition its own IRIs and named graph, so every load adds new
data). Printed: every time, the median of each store, and the ratio (b)/(a). Target: at most 3.

Run: ``python bench/load.py [--register PATH] [--repeat N]``. Nothing is asserted. The times include
starting Python and importing the package (about a second): what a user waits for. Other processes
on the machine make the numbers noisy: the load average is printed before and after.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

DEFAULT_REGISTER = Path(__file__).resolve().parents[2] / "shared" / "data" / "sipri" / "trade-register.csv"

SMALL_FILE = """\
@prefix dgb: <https://w3id.org/dragonbear/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix id: <https://w3id.org/dragonbear/id/> .

id:system\\/bench-origin-{n} a dgb:SystemModel ; rdfs:label "Bench origin {n}"@en ;
    skos:prefLabel "Bench origin {n}"@en ; dgb:category dgb:FighterAircraft .
id:system\\/bench-copy-{n} a dgb:SystemModel ; rdfs:label "Bench copy {n}"@en ;
    skos:prefLabel "Bench copy {n}"@en ; skos:altLabel "Бенч-{n}"@ru ; dgb:category dgb:FighterAircraft .
id:source\\/bench-note-{n} a dgb:SourceDocument ; dcterms:title "Bench note {n}" ;
    dgb:sourceKey "bench-note-{n}" ; dgb:sourceType dgb:NewsReport .
id:derivation\\/bench-copy-{n}-from-origin a dgb:Derivation ;
    rdfs:label "Bench copy {n}, licensed production of bench origin {n}"@en ;
    dgb:derivedSystem id:system\\/bench-copy-{n} ; dgb:sourceSystem id:system\\/bench-origin-{n} ;
    dgb:derivationKind dgb:LicensedProduction ; dgb:rank dgb:NormalRank ;
    dgb:hasAttestation id:derivation\\/bench-copy-{n}-from-origin\\#att .
id:derivation\\/bench-copy-{n}-from-origin\\#att a dgb:Attestation ; dgb:source id:source\\/bench-note-{n} ;
    dgb:stance dgb:Asserts ; dgb:sourceReliability dgb:ReliabilityC ; dgb:locator "paragraph {n}" .
"""


def cli(*args: str) -> list[str]:
    """The `dragonbear` command as a user runs it (the installed package's entry module)."""
    return [sys.executable, "-m", "dragonbear.cli", *args]


def run(args: list[str]) -> float:
    """Run a command; return its wall time in seconds (exit on failure)."""
    start = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
    return wall


def quads(store: Path) -> int:
    """How many quads the store holds (a SPARQL count through the CLI)."""
    out = subprocess.run(
        cli(
            "sparql",
            "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
            "--format",
            "csv",
            "--store",
            str(store),
        ),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return int(out.split()[-1])


def time_loads(stores: dict[str, Path], files: list[Path]) -> dict[str, list[float]]:
    """Load each file into its own named graph of each store, alternating between the stores (so that
    a change in the machine's load falls on both); return the wall times per store."""
    times: dict[str, list[float]] = {label: [] for label in stores}
    for n, path in enumerate(files):
        for label, store in stores.items():
            times[label].append(
                run(cli("load", str(path), "--graph", f"http://example.org/bench/{n}", "--store", str(store)))
            )
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--register", type=Path, default=DEFAULT_REGISTER)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory(prefix="dragonbear-bench-load-") as tmp:
        root = Path(tmp)
        files = []
        for n in range(args.repeat):
            files.append(root / f"small-{n}.ttl")
            files[-1].write_text(SMALL_FILE.format(n=n), encoding="utf-8")
        seed = root / "seed.nt"
        seed.write_text('<http://example.org/seed> <http://example.org/p> "seed" .\n', encoding="utf-8")
        empty, full = root / "empty", root / "full"
        run(cli("load", str(seed), "--store", str(empty)))
        print(f"(a) empty store (ontology and one seed triple): {quads(empty):,} quads")
        wall = run(cli("build", "--store", str(full)))
        wall += run(cli("load-sipri", str(args.register), "--store", str(full)))
        print(f"(b) shipped graph and the full SIPRI register: {quads(full):,} quads (made in {wall:.0f} s)")
        triples = len(list(ox.parse(files[0].read_bytes(), format=ox.RdfFormat.TURTLE)))
        print(f"small file: {files[0].stat().st_size:,} bytes, {triples} triples")
        times = time_loads({"empty": empty, "full": full}, files)
        results = {label: statistics.median(t) for label, t in times.items()}
        for label, letter in (("empty", "a"), ("full", "b")):
            print(
                f"dragonbear load onto ({letter}) {label}: median {results[label]:.2f} s over {len(times[label])} "
                f"({', '.join(f'{t:.2f}' for t in times[label])})"
            )
    ratio = results["full"] / results["empty"]
    print(f"ratio full/empty: {ratio:.2f} (target <= 3)")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

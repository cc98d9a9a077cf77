"""Benchmark: building the store, and loading SIPRI's full register, against Oxigraph's own loader.

In one run, on the same machine and data:

1. ``dragonbear build`` of the shipped graph (ontology, curated facts, SIPRI extract): wall time,
   CPU time and peak resident memory of the process, with the build's own per-step times.
2. ``dragonbear load-sipri`` of the full 1950-2024 register into that store (read, convert, read the
   comments into relations, load, materialize, validate with SHACL, write a new generation): the same
   measures, and the time the comment reading took within the SIPRI step.
3. The SIPRI loader alone against ``oxigraph load`` (PyPI ``oxigraph``) of the same triples as an
   N-Triples file, into fresh on-disk stores, as triples per second and a ratio
   (from ``bench/sipri_load.py``).

Run: ``python bench/build.py [--register PATH] [--repeat N]``. Nothing here is asserted: the numbers
are printed for the issue notes. Targets: the full register loaded and validated in under 15 s on
2 cores; load rate at least 0.8 of Oxigraph's.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import sipri_load

DEFAULT_REGISTER = sipri_load.DEFAULT_REGISTER


def run_measured(args: list[str]) -> tuple[float, float, float, str]:
    """Run a command; return wall seconds, CPU seconds, peak RSS in MiB, and its output."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out = proc.stdout.read() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{out}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out


def step_times(output: str) -> str:
    match = re.search(r"^Time: (.*)$", output, re.M)
    return match.group(1) if match else ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--register", type=Path, default=DEFAULT_REGISTER)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    cli = [sys.executable, "-m", "dragonbear.cli"]
    with tempfile.TemporaryDirectory(prefix="dragonbear-bench-") as tmp:
        store = Path(tmp) / "store"
        wall, cpu, rss, out = run_measured([*cli, "build", "--store", str(store)])
        triples = re.search(r"total\s+([\d,]+)", out)
        print(
            f"dragonbear build (shipped graph, {triples.group(1) if triples else '?'} quads): "
            f"{wall:.2f} s wall, {cpu:.2f} s CPU, peak RSS {rss:.0f} MiB"
        )
        print(f"  steps: {step_times(out)}")
        wall, cpu, rss, out = run_measured([*cli, "load-sipri", str(args.register), "--store", str(store)])
        deals = re.search(r"SIPRI deals: ([\d,]+)", out)
        steps = step_times(out)
        seconds = {k.strip(): float(v) for k, v in re.findall(r"([A-Za-z ]+?) ([\d.]+)s", steps)}
        loaded_validated = sum(v for k, v in seconds.items() if "Writing" not in k and "Reading" not in k)
        print(
            f"dragonbear load-sipri (full register, {deals.group(1) if deals else '?'} deals): "
            f"{wall:.2f} s wall, {cpu:.2f} s CPU, peak RSS {rss:.0f} MiB"
        )
        print(f"  steps: {steps}")
        relations = re.search(r"^Relations read from .*$", out, re.M)
        print(f"  {relations.group(0) if relations else 'no relations reported'}")
        print(
            f"  loaded, materialized and validated in {loaded_validated:.2f} s (target < 15 s); "
            f"writing the new generation to disk adds {seconds.get('Writing the store to disk', 0):.2f} s"
        )
    print()
    print(f"SIPRI loader against `oxigraph load`, fresh on-disk stores, best of {args.repeat}:")
    result = sipri_load.compare(args.register, repeat=args.repeat, extras=False)
    for timing in (result.ours, result.oxigraph):
        print("  " + timing.line())
    print(
        f"  ratio ours/oxigraph rate: best {result.ratio:.2f}, median {result.median_ratio:.2f} (target >= 0.8); "
        f"per CPU-second {result.cpu_ratio:.2f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

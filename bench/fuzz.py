"""Fuzz for longer than CI does: rounds of the fuzz tests (``pytest -m fuzz``) in hypothesis's ``long``
profile until the time is up (issue 16, ``docs/decisions/0030-fuzzing.md``).

Each round is one run of every fuzz test (the in-process ones of ``/sparql``, ``/update``, ``/store``,
the pages, the canned queries, the OpenAPI and the loaders, and the real server's) with
``DRAGONBEAR_FUZZ_PROFILE=long``: ``--scale`` times the examples CI runs of each, random ones, under a
new seed each round (printed, and passed as ``--hypothesis-seed``, so that a round can be run again).
A failing example is kept in hypothesis's database (``.hypothesis/examples``), which replays it first
in every later long run, and the round's output in ``.hypothesis/fuzz-SEED.log``. The first failing
round ends the run; fix the bug, then keep the input as an explicit case in the ``REGRESSIONS`` of
its test module (the inner loop runs those). A round still running at the deadline is stopped and
does not count.

Run: ``python bench/fuzz.py --minutes 30`` (``--scale 5``, ``-k EXPR`` for some tests only,
``--no-server`` to leave out the real server). Exit status 0 when every round passed, 1 when one failed.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOGS = ROOT / ".hypothesis"


def _round(seed: int, args: argparse.Namespace, seconds_left: float) -> int | None:
    """Run one round; its exit status, or None when the deadline stopped it."""
    marker = "fuzz" if args.server else "fuzz and not server"
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "-m",
        marker,
        f"--hypothesis-seed={seed}",
    ]
    command += ["-k", args.k] if args.k else []
    command += ["tests/service", "tests/loaders"]
    env = {**os.environ, "DRAGONBEAR_FUZZ_PROFILE": "long", "DRAGONBEAR_FUZZ_SCALE": str(args.scale)}
    LOGS.mkdir(exist_ok=True)
    log = LOGS / f"fuzz-{seed}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            status = process.wait(timeout=max(seconds_left, 1.0))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGTERM)  # the round and the servers it started
            process.wait()
            log.unlink()
            return None
    if status == 0:
        log.unlink()
    return status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30.0, help="how long to fuzz (default 30)")
    parser.add_argument("--scale", type=float, default=5.0, help="examples per test, times CI's (default 5)")
    parser.add_argument("--seed", type=int, default=None, help="the first round's seed (default: random)")
    parser.add_argument("-k", default=None, help="only the fuzz tests that match this pytest expression")
    parser.add_argument("--no-server", dest="server", action="store_false", help="leave out the real server")
    args = parser.parse_args()
    deadline = time.monotonic() + args.minutes * 60
    seeds = random.Random(args.seed)
    rounds = 0
    while (left := deadline - time.monotonic()) > 0:
        seed = seeds.randrange(2**32) if rounds or args.seed is None else args.seed
        print(f"round {rounds + 1}: seed {seed}, {left / 60:.1f} minutes left", flush=True)
        status = _round(seed, args, left)
        if status is None:
            print("the time is up during the round; it does not count", flush=True)
            break
        if status != 0:
            print(f"round {rounds + 1} failed: see {LOGS / f'fuzz-{seed}.log'}", flush=True)
            raise SystemExit(1)
        rounds += 1
    print(f"{rounds} rounds passed in {args.minutes:g} minutes", flush=True)


if __name__ == "__main__":
    main()

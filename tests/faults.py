"""What the fault tests share (``tests/pipeline/test_faults.py``, ``tests/service/test_server_faults.py``):
a command killed at a fault point (``DRAGONBEAR_FAULT_POINT``, :mod:`dragonbear.fault_points`) or after a
delay, a store's content as counts per named graph (read with the project's API, and from a server), the
layout a store directory may have once what killed writes left is swept, and a small filesystem made
for a test (a tmpfs: root only; skipped elsewhere, except in CI, where it fails).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from dragonbear.fault_points import FAULT_VARIABLE
from dragonbear.graph.generations import CURRENT, DUMPS_DIR, RELEASES_DIR, WRITE_LOCK, current_generation
from dragonbear.graph.store import EmbeddedStore, open_store

from .servers import ci_requires_servers

__all__ = [
    "COUNTS",
    "Counts",
    "assert_dumps_match",
    "assert_swept",
    "children",
    "counts_of",
    "dump_processes",
    "leave_free",
    "processes",
    "run_command",
    "served_counts",
    "small_disk",
    "store_counts",
    "wait_for_dumps",
]

Counts = dict[str, int]
COUNTS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


def counts_of(store: EmbeddedStore) -> Counts:
    """The number of quads in each named graph of ``store``."""
    return {row["g"].value: int(row["n"].value) for row in store.select(COUNTS)}  # type: ignore[union-attr]


def store_counts(store_dir: Path) -> Counts:
    """The counts of the current generation, opened read-only as every reader opens it."""
    store = open_store(store_dir, read_only=True)
    try:
        return counts_of(store)
    finally:
        del store


def served_counts(base: str) -> Counts:
    """The counts a running `dragonbear serve` answers (``base``: its URL ending in ``/``)."""
    response = httpx.get(
        base + "sparql",
        params={"query": COUNTS},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    return {b["g"]["value"]: int(b["n"]["value"]) for b in response.json()["results"]["bindings"]}


def run_command(
    args: Sequence[str], store_dir: Path, *, point: str | None = None, kill_after: float | None = None
) -> tuple[int, float]:
    """Run `dragonbear ARGS --store STORE_DIR` in a subprocess, armed with the fault ``point`` or killed
    with SIGKILL ``kill_after`` seconds after its start (or neither); return its exit code (``-9`` when
    killed) and how long it ran."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DRAGONBEAR_")}
    if point is not None:
        env[FAULT_VARIABLE] = point
    start = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "dragonbear.cli", *args, "--store", str(store_dir)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
    )
    try:
        if kill_after is not None:
            try:
                process.wait(kill_after)
            except subprocess.TimeoutExpired:
                process.send_signal(signal.SIGKILL)
        _, err = process.communicate(timeout=300)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    seconds = time.monotonic() - start
    assert process.returncode in (0, -signal.SIGKILL), err.decode(errors="replace")
    return process.returncode, seconds


def processes() -> dict[int, tuple[int, bytes]]:
    """Every process of the machine: its parent's id and its command line (arguments joined by NUL)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        found[int(entry.name)] = (int(stat.rsplit(")", 1)[1].split()[1]), command)
    return found


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (the server processes of a supervisor)."""
    return sorted(child for child, (parent, _) in processes().items() if parent == pid)


def dump_processes(store_dir: Path) -> list[int]:
    """The detached processes writing the dumps of a generation of ``store_dir`` (a load starts one)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        # Any part: between the fork and the exec of its shell's background job, the process still shows
        # the shell's command line, whose script names the module.
        if any(b"dragonbear.pipeline.dumps" in part for part in command) and str(store_dir).encode() in command:
            found.append(int(entry.name))
    return found


def wait_for_dumps(store_dir: Path, seconds: float = 120) -> None:
    """Wait until no process writes the dumps of ``store_dir`` (they leave on their own)."""
    deadline = time.monotonic() + seconds
    while dump_processes(store_dir):
        assert time.monotonic() < deadline, "a dumps process still runs"
        time.sleep(0.05)


def assert_swept(store_dir: Path) -> None:
    """Check that ``store_dir`` holds nothing a killed write left: its current generation and at most
    one older one, the dumps of those only (no partial file), kept releases that links point at (and at
    most one copy a rebuild replaced), and no mark, temporary link or partial checkpoint."""
    current = current_generation(store_dir)
    assert current is not None, "the store does not open: no current generation"
    names = {p.name for p in store_dir.iterdir()}
    generations = {n for n in names if n.startswith("gen-")}
    assert names - generations <= {WRITE_LOCK, CURRENT, DUMPS_DIR, RELEASES_DIR}, sorted(names)
    assert current.name in generations and len(generations) <= 2, sorted(generations)
    assert all((store_dir / n).is_dir() and not n.endswith(".tmp") for n in generations), sorted(generations)
    dumps = store_dir / DUMPS_DIR
    if dumps.is_dir():
        assert {p.name for p in dumps.iterdir()} <= generations, sorted(p.name for p in dumps.iterdir())
        partial = [p for p in dumps.rglob(".*")]
        assert not partial, partial
    releases = store_dir / RELEASES_DIR
    if releases.is_dir():
        entries = list(releases.iterdir())
        assert not [p for p in entries if p.name.startswith(".")], sorted(p.name for p in entries)
        links = {os.readlink(p) for p in entries if p.is_symlink()}
        assert all((releases / link).is_dir() for link in links), links
        copies = {p.name for p in entries if p.is_dir() and not p.is_symlink()}
        assert len(copies - links) <= 1, sorted(copies - links)  # the copy a rebuild replaced, kept once


def assert_dumps_match(store_dir: Path, counts: Counts) -> None:
    """If the current generation has its N-Quads dump, it holds as many quads as the store."""
    current = current_generation(store_dir)
    assert current is not None
    nquads = store_dir / DUMPS_DIR / current.name / "dragonbear.nq"
    if nquads.exists():
        with nquads.open("rb") as lines:
            assert sum(1 for _ in lines) == sum(counts.values()), f"{nquads} does not hold its generation"


# --- A small filesystem for the store -----------------------------------------------------------------


@contextmanager
def small_disk(folder: Path, megabytes: int) -> Iterator[Path]:
    """A tmpfs of ``megabytes`` mounted on ``folder`` for the test, unmounted afterwards whatever happens.

    Mounting needs root: elsewhere the test is skipped, except in CI (``CI`` set), where it fails, as
    CI runs as root and a skip there would hide the test."""
    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={megabytes}m,mode=0755", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        reason = f"cannot mount a tmpfs for a small disk (root only): {mounted.stderr.strip()}"
        if ci_requires_servers():
            pytest.fail(f"{reason}; CI runs as root and must run this test")
        pytest.skip(reason)
    try:
        yield folder
    finally:
        if subprocess.run(["umount", str(folder)], capture_output=True, check=False).returncode != 0:
            subprocess.run(["umount", "-l", str(folder)], capture_output=True, check=False)


def leave_free(folder: Path, free_bytes: int) -> Path:
    """Fill the filesystem of ``folder`` with a ballast file until about ``free_bytes`` are left; return it."""
    ballast = folder / "ballast"
    stat = os.statvfs(folder)
    size = stat.f_bavail * stat.f_frsize - free_bytes
    with ballast.open("wb") as out:
        if size > 0:
            os.posix_fallocate(out.fileno(), 0, size)
    return ballast

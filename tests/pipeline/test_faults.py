"""Faults lose nothing (issue 16): `dragonbear build`, `load`, `load-sipri` and `load-wikidata`, killed
with SIGKILL at fault points (:mod:`dragonbear.fault_points`: every point of the build and the load, and
those of their own code for the SIPRI and Wikidata loads) and after delays spread over their run, leave a
store that opens at the previous or the new generation, never a mix, while a `dragonbear serve` on the
same store keeps answering from it. What a kill left is swept by the next start (the sweep a server
process runs as it starts, :func:`~dragonbear.graph.generations.sweep_if_idle`), or by the next run of
the command, which then goes through. A full disk during a build or a load is an error that says so,
with the previous generation answering and nothing half-written left.

The content of a generation is its count of quads per named graph: each run of a test changes it (builds
and SIPRI loads alternate two registers, Wikidata imports two files, loads add a graph of their own), so
that "the previous or the new" is a choice between two different states, and a mix of them is neither.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from dragonbear.graph.generations import UNFINISHED, current_generation, sweep_if_idle
from dragonbear.graph.releases import kept_releases
from dragonbear.graph.store import EmbeddedStore
from dragonbear.pipeline.build import BuildReport
from dragonbear.pipeline.update import load_files

from ..conftest import ROOT, copy_store, run_cli, serve_store, write_small_extract
from ..faults import (
    Counts,
    assert_dumps_match,
    assert_swept,
    counts_of,
    leave_free,
    run_command,
    served_counts,
    small_disk,
    store_counts,
    wait_for_dumps,
)

pytestmark = [pytest.mark.slow, pytest.mark.server]

WIKIDATA = ROOT / "tests" / "data" / "wikidata"
SWAP = ("generation.created", "swap.link-made", "swap.renamed", "swap.sweeping")
BUILD = ("build.dumps-written", "build.store-written")
INCREMENTAL = (
    "incremental.checkpoint-written",
    "incremental.applied",
    "incremental.flushed",
    "incremental.swapped",
)
RELEASE = ("release.checkpoint-written", "release.copy-renamed", "release.linked")
DELAYS = 3  # kills after a delay, spread over the command's run, besides the fault points


@dataclass(frozen=True)
class Registers:
    """The two SIPRI registers the builds and SIPRI loads alternate: the deals the curated facts attest,
    and the small cut of the session store (which the base store was built from)."""

    attested: Path
    small: Path


@dataclass(frozen=True)
class Command:
    """A command under test: its arguments for run ``i`` and the points it passes."""

    name: str
    args: Callable[[int, Registers, Path], list[str]]
    points: tuple[str, ...]
    replaces: bool = True  # each run's result is that of its arguments alone (else: a graph is added)


def _load_args(i: int, _registers: Registers, folder: Path) -> list[str]:
    data = folder / f"fault-{i}.nt"
    data.write_text(f'<http://example.org/fault/{i}> <http://example.org/p> "{i}" .\n', encoding="utf-8")
    return ["load", str(data), "--graph", f"http://example.org/fault/{i}"]


# Every point each command passes would make about 40 runs of a second or two; the points of the code
# that builds and loads share (the swap; the checkpoint, change and flush) are taken from one of them each.
COMMANDS = [
    Command(
        "build",
        lambda i, r, _f: ["build", "--sipri", str(r.attested if i % 2 == 0 else r.small)],
        (*SWAP, *BUILD, *RELEASE),
    ),
    Command("load", _load_args, (*SWAP, *INCREMENTAL), replaces=False),
    Command(
        "load-sipri",
        lambda i, r, _f: ["load-sipri", str(r.attested if i % 2 == 0 else r.small)],
        (*BUILD, "swap.renamed"),
    ),
    Command(
        "load-wikidata",
        lambda i, _r, _f: ["load-wikidata", str(WIKIDATA / ("Q173680.json" if i % 2 == 0 else "sparql-results.json"))],
        (*INCREMENTAL, "swap.renamed"),
    ),
]


@pytest.fixture(scope="module")
def registers(small_extract: Path, tmp_path_factory: pytest.TempPathFactory) -> Registers:
    attested = tmp_path_factory.mktemp("registers") / "attested.csv"
    write_small_extract(attested, parties=set())
    return Registers(attested, small_extract)


@pytest.fixture(scope="module")
def fault_base(built: tuple[Path, BuildReport], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The session store with one triple loaded: two generations (so a swap has one to remove) and a
    kept release, at a state no command of these tests makes again."""
    store_dir = copy_store(built[0], tmp_path_factory.mktemp("fault-base") / "store")
    data = store_dir.parent / "base.nt"
    data.write_text('<http://example.org/base> <http://example.org/p> "base" .\n', encoding="utf-8")
    load_files(store_dir, [data], graph="http://example.org/base")
    wait_for_dumps(store_dir)
    return store_dir


def _release_counts(store_dir: Path) -> list[Counts]:
    found = []
    for release in kept_releases(store_dir):
        store = EmbeddedStore.open(release.path, read_only=True)
        found.append(counts_of(store))
        del store
    return found


def _references(command: Command, base: Path, registers: Registers, folder: Path) -> tuple[list[Counts], float]:
    """Run each kind of run of ``command`` to the end on a copy of ``base``: what it makes (for
    commands whose result depends on their arguments alone) and the longest time it took."""
    made, longest = [], 0.0
    for i in range(2 if command.replaces else 1):
        store_dir = copy_store(base, folder / f"reference-{i}")
        code, seconds = run_command(command.args(-2 + i, registers, folder), store_dir)
        assert code == 0
        wait_for_dumps(store_dir)
        made.append(store_counts(store_dir))
        longest = max(longest, seconds)
        shutil.rmtree(store_dir)
    return made, longest


def _expected(command: Command, i: int, before: Counts, made: list[Counts]) -> Counts:
    if command.replaces:
        return made[i % 2]
    return {**before, f"http://example.org/fault/{i}": 1}


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.name)
def test_a_command_killed_anywhere_leaves_the_previous_or_the_new_generation(
    command: Command, fault_base: Path, registers: Registers, tmp_path: Path
) -> None:
    made, seconds = _references(command, fault_base, registers, tmp_path)
    releases = _release_counts(fault_base) + (made if command.name == "build" else [])
    delays = [seconds * (0.3 + 0.65 * k / (DELAYS - 1)) for k in range(DELAYS)]
    runs: list[tuple[str | None, float | None]] = [(p, None) for p in command.points] + [(None, d) for d in delays]
    store_dir = copy_store(fault_base, tmp_path / "store")
    with serve_store(store_dir) as server:
        for i, (point, delay) in enumerate(runs):
            before, generation = store_counts(store_dir), current_generation(store_dir)
            code, _ = run_command(command.args(i, registers, tmp_path), store_dir, point=point, kill_after=delay)
            assert point is None or code == -9, f"{command.name} did not pass the fault point {point}"
            wait_for_dumps(store_dir)
            after, expected = store_counts(store_dir), _expected(command, i, before, made)
            where = f"{command.name} killed at {point or f'{delay:.2f} s'}"
            assert after in (before, expected), f"{where}: a store neither before nor after the change"
            assert (after == before) == (current_generation(store_dir) == generation) or before == expected, where
            assert served_counts(server.base) == after, f"{where}: the server answers from another state"
            assert_dumps_match(store_dir, after)
            assert all(counts in releases for counts in _release_counts(store_dir)), f"{where}: a release is mixed"
            sweep_if_idle(store_dir)  # what the next server process does as it starts
            assert_swept(store_dir)
        # A kill left unswept: the next run of the command sweeps it once it holds the write lock, and goes through.
        killed = run_command(command.args(len(runs), registers, tmp_path), store_dir, point="generation.created")
        assert killed[0] == -9 and any(p.name.startswith(UNFINISHED) for p in store_dir.iterdir())
        before = store_counts(store_dir)
        assert run_command(command.args(len(runs) + 1, registers, tmp_path), store_dir)[0] == 0
        wait_for_dumps(store_dir)
        assert store_counts(store_dir) == _expected(command, len(runs) + 1, before, made)
        assert_swept(store_dir)
        assert served_counts(server.base) == store_counts(store_dir)


# --- A full disk ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("free", "stopped_in"),
    [
        pytest.param(1 << 20, "[8] Writing the downloadable dumps ...", id="in-the-dumps"),
        pytest.param(9 << 20, "[9] Writing the store to disk ...", id="writing-the-store"),  # the dumps: 8.1 MiB
    ],
)
def test_a_build_on_a_full_disk_says_so_and_leaves_the_previous_generation(
    fault_base: Path, registers: Registers, tmp_path: Path, free: int, stopped_in: str
) -> None:
    with small_disk(tmp_path / "disk", _megabytes(fault_base) + 40) as disk:
        store_dir = copy_store(fault_base, disk / "store")
        before, generation = store_counts(store_dir), current_generation(store_dir)
        ballast = leave_free(disk, free)
        result = run_cli("build", "--sipri", str(registers.attested), "--store", str(store_dir))
        assert result.returncode == 2, result.stderr
        assert stopped_in in result.stderr.splitlines()[-2], result.stderr
        _assert_full_disk_error(result.stderr, store_dir)
        assert (store_counts(store_dir), current_generation(store_dir)) == (before, generation)
        assert_swept(store_dir)
        ballast.unlink()  # space again: the same build goes through
        assert run_cli("build", "--sipri", str(registers.attested), "--store", str(store_dir)).returncode == 0
        assert store_counts(store_dir) != before
        assert_swept(store_dir)


@pytest.mark.parametrize(
    ("free", "triples", "stopped"),
    [
        pytest.param(0, 1, "writing a checkpoint stopped", id="at-the-checkpoint"),
        pytest.param(1 << 20, 4_000, "writing the data stopped", id="writing"),  # 4,000 triples: 2.4 MB
    ],
)
def test_a_load_on_a_full_disk_says_so_and_leaves_the_previous_generation(
    fault_base: Path, tmp_path: Path, free: int, triples: int, stopped: str
) -> None:
    data = tmp_path / "many.nt"
    data.write_text(
        "".join(f'<http://example.org/many/{n}> <http://example.org/p> "{"x" * 600}" .\n' for n in range(triples)),
        encoding="utf-8",
    )
    with small_disk(tmp_path / "disk", _megabytes(fault_base) + 40) as disk:
        store_dir = copy_store(fault_base, disk / "store")
        before, generation = store_counts(store_dir), current_generation(store_dir)
        ballast = leave_free(disk, free)
        result = run_cli("load", str(data), "--graph", "http://example.org/many", "--store", str(store_dir))
        assert result.returncode == 2, result.stderr
        _assert_full_disk_error(result.stderr, store_dir)
        assert stopped in result.stderr, result.stderr
        assert (store_counts(store_dir), current_generation(store_dir)) == (before, generation)
        assert_swept(store_dir)
        ballast.unlink()
        assert (
            run_cli("load", str(data), "--graph", "http://example.org/many", "--store", str(store_dir)).returncode == 0
        )
        wait_for_dumps(store_dir)
        assert store_counts(store_dir) == {**before, "http://example.org/many": triples}
        assert_swept(store_dir)


def _megabytes(folder: Path) -> int:
    """What a copy of ``folder`` takes, in MiB (a copy does not keep hard links: each is a file of its own)."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink()) // (1 << 20) + 1


def _assert_full_disk_error(stderr: str, store_dir: Path) -> None:
    last = stderr.strip().splitlines()[-1]
    assert last.startswith("error: the disk of the store is full (" + str(store_dir)), stderr
    assert "nothing was changed" in last and "free some space" in last, last
    assert "Traceback" not in stderr and "RuntimeError" not in stderr, stderr

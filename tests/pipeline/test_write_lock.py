"""`dragonbear build` and `load-sipri` hold the store's write lock, as loads and the server's writes do: a
write that started from the previous generation can never swap its result in over a build's, nor a build
over a write's."""

from __future__ import annotations

import fcntl
import platform
import threading
import time
from pathlib import Path

import pytest

from dragonbear.graph.generations import WRITE_LOCK, current_generation
from dragonbear.pipeline.build import BuildReport, build_store, replace_sipri

from ..conftest import copy_store

pytestmark = pytest.mark.slow

FLOCK = {"x86_64": 73, "aarch64": 32}.get(platform.machine())
"""The number of the flock system call (``/proc/.../syscall`` names a blocked thread's call by number)."""


def _wait_for_flock(thread: threading.Thread) -> None:
    """Wait until ``thread`` is blocked in ``flock`` (read from ``/proc``: at once, not after a guess at
    how long the build takes), or, on a machine whose call numbers this does not know, ten seconds
    (long enough for the build to finish, were it not waiting)."""
    if FLOCK is None:
        thread.join(10)
        return
    deadline = time.monotonic() + 120
    call = Path(f"/proc/self/task/{thread.native_id}/syscall")
    while thread.is_alive() and time.monotonic() < deadline:
        if call.read_text().split()[0] == str(FLOCK):
            return
        time.sleep(0.05)


@pytest.mark.parametrize("change", ["build", "load-sipri"])
def test_a_build_waits_for_the_write_lock_and_then_swaps(
    built: tuple[Path, BuildReport], small_extract: Path, tmp_path: Path, change: str
) -> None:
    store_dir = copy_store(built[0], tmp_path / "store")
    before = current_generation(store_dir)
    done: list[BuildReport] = []

    def run() -> None:
        quiet = lambda _m: None  # noqa: E731
        if change == "build":
            done.append(build_store(store_dir, sipri_path=small_extract, progress=quiet))
        else:
            done.append(replace_sipri(store_dir, small_extract, progress=quiet))

    with open(store_dir / WRITE_LOCK, "a+b") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)  # as the server's writer holds it during a write
        worker = threading.Thread(target=run)
        worker.start()
        _wait_for_flock(worker)
        worker.join(0.5)
        assert worker.is_alive() and not done, "the build went on while another writer held the lock"
        assert current_generation(store_dir) == before
        fcntl.flock(held.fileno(), fcntl.LOCK_UN)
    worker.join(120)
    assert done and current_generation(store_dir) not in (None, before)

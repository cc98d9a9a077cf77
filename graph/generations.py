"""Store generations on disk: a store directory holds generations and a ``current`` symlink.

::

    STORE_DIR/
      current -> gen-20261122T101500-4f2a     (swapped atomically by a build)
      gen-20261122T101500-4f2a/               (a pyoxigraph RocksDB store)
      downloads/gen-20261122T101500-4f2a/     (its whole-graph dumps: graph/dumps.py)

A build writes a new generation and swaps ``current`` with one ``rename``, so a build that fails or is
killed leaves the previous store as it was (decision 0002). Loads, Wikidata imports and HTTP writes
make theirs from a checkpoint of the current one (decision 21), one at a time: they hold
:func:`write_lock`.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

__all__ = [
    "CURRENT",
    "DUMPS_DIR",
    "WRITE_LOCK",
    "current_generation",
    "new_generation",
    "swap_generation",
    "write_lock",
]

CURRENT = "current"
WRITE_LOCK = ".write-lock"  # the file the server's writer locks too (service/runtime/writer.py)
DUMPS_DIR = "downloads"  # the dumps of each generation, in a folder named like it (graph/dumps.py)


@contextlib.contextmanager
def write_lock(store_dir: Path) -> Iterator[None]:
    """Hold the store's write lock (an ``flock`` of ``STORE_DIR/.write-lock``, waited for), so that a
    change starts from the generation the previous one made and none is lost.

    Not reentrant: a process that holds it must not take it again.
    """
    store_dir.mkdir(parents=True, exist_ok=True)
    with open(store_dir / WRITE_LOCK, "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def current_generation(store_dir: Path) -> Path | None:
    """The generation directory ``current`` points at, or None when there is no store yet."""
    link = store_dir / CURRENT
    if not link.is_symlink() and not link.exists():
        return None
    target = link.resolve()
    return target if target.is_dir() else None


def new_generation(store_dir: Path) -> Path:
    """Create and return the (empty) directory of a new generation of the store."""
    store_dir.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    gen = store_dir / f"gen-{stamp}-{uuid.uuid4().hex[:6]}"
    gen.mkdir()
    return gen


def swap_generation(store_dir: Path, gen: Path, *, keep: int = 1) -> None:
    """Point ``current`` at ``gen`` in one atomic rename; keep ``keep`` older generations.

    The generation that was current is kept first, so that an unfinished generation of a killed build
    or load (never pointed at, and newer) is removed rather than kept in its place. The dumps of a
    removed generation go with it, and so do those of generations already gone.
    """
    previous = current_generation(store_dir)
    tmp_link = store_dir / f".{CURRENT}-{uuid.uuid4().hex[:6]}"
    os.symlink(gen.name, tmp_link)
    os.replace(tmp_link, store_dir / CURRENT)
    others = sorted(
        (p for p in store_dir.glob("gen-*") if p.is_dir() and p.resolve() != gen.resolve()),
        key=lambda p: (p.resolve() == previous, p.name),
        reverse=True,
    )
    for old in others[keep:]:
        shutil.rmtree(old, ignore_errors=True)
    dumps = store_dir / DUMPS_DIR
    if dumps.is_dir():
        for folder in dumps.iterdir():
            if folder.is_dir() and not (store_dir / folder.name).is_dir():
                shutil.rmtree(folder, ignore_errors=True)

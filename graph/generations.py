"""Store generations on disk: a store directory holds generations and a ``current`` symlink.

::

    STORE_DIR/
      current -> gen-20261122T101500-4f2a     (swapped atomically by a build)
      gen-20261122T101500-4f2a/               (a pyoxigraph RocksDB store)

A build writes a new generation and swaps ``current`` with one ``rename``, so a build that fails or is
killed leaves the previous store as it was (decision 0002).
"""

from __future__ import annotations

import os
import shutil
import time
import uuid
from pathlib import Path

__all__ = ["CURRENT", "current_generation", "new_generation", "swap_generation"]

CURRENT = "current"


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

    Unfinished generations of killed builds (never pointed at) are removed too.
    """
    tmp_link = store_dir / f".{CURRENT}-{uuid.uuid4().hex[:6]}"
    os.symlink(gen.name, tmp_link)
    os.replace(tmp_link, store_dir / CURRENT)
    others = sorted((p for p in store_dir.glob("gen-*") if p.is_dir() and p.resolve() != gen.resolve()),
                    key=lambda p: p.name, reverse=True)
    for old in others[keep:]:
        shutil.rmtree(old, ignore_errors=True)

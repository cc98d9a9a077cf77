"""Store generations on disk: a store directory holds generations and a ``current`` symlink.

::

    STORE_DIR/
      current -> gen-20261122T101500-4f2a     (swapped atomically by a build)
      gen-20261122T101500-4f2a/               (a pyoxigraph RocksDB store)
      .unfinished-gen-20261122T103000-77ab    (the mark of a generation being written)
      downloads/gen-20261122T101500-4f2a/     (its whole-graph dumps: graph/dumps.py)

A build writes a new generation and swaps ``current`` with one ``rename``, so a build that fails or is
killed leaves the previous store as it was (decision 0002). Loads, Wikidata imports and HTTP writes
make theirs from a checkpoint of the current one (decision 21), one at a time: they hold
:func:`write_lock`.

A new generation carries a mark (an empty file ``.unfinished-<name>``) from before its directory
exists until ``current`` points at it, and an old one from before its removal starts; so whatever a
killed write leaves behind is marked, and :func:`sweep_leftovers` removes it (with the temporary links
of a killed swap and the partial copies of a killed release keep) the next time a write takes the lock
or a server process starts (decision 31).
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

from dragonbear.fault_points import fault_point

__all__ = [
    "CURRENT",
    "DUMPS_DIR",
    "RELEASES_DIR",
    "UNFINISHED",
    "WRITE_LOCK",
    "current_generation",
    "discard_generation",
    "new_generation",
    "swap_generation",
    "sweep_if_idle",
    "sweep_leftovers",
    "write_lock",
]

CURRENT = "current"
WRITE_LOCK = ".write-lock"  # the file the server's writer locks too (service/runtime/writer.py)
DUMPS_DIR = "downloads"  # the dumps of each generation, in a folder named like it (graph/dumps.py)
RELEASES_DIR = "releases"  # the kept releases (graph/releases.py)
UNFINISHED = ".unfinished-"  # the mark of a generation being written or removed: ``.unfinished-gen-...``


@contextlib.contextmanager
def write_lock(store_dir: Path) -> Iterator[None]:
    """Hold the store's write lock (an ``flock`` of ``STORE_DIR/.write-lock``, waited for), so that a
    change starts from the generation the previous one made and none is lost; once it is held, what
    killed writes left behind is swept (:func:`sweep_leftovers`).

    Not reentrant: a process that holds it must not take it again. The lock goes with the process:
    a write killed while holding it holds it no more.
    """
    store_dir.mkdir(parents=True, exist_ok=True)
    with open(store_dir / WRITE_LOCK, "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            sweep_leftovers(store_dir)
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
    _mark(gen).touch()  # first: a kill from here on leaves a marked leftover
    gen.mkdir()
    fault_point("generation.created")
    return gen


def _mark(gen: Path) -> Path:
    """The file that marks ``gen`` as unfinished (being written, or being removed)."""
    return gen.with_name(UNFINISHED + gen.name)


def swap_generation(store_dir: Path, gen: Path, *, keep: int = 1) -> None:
    """Point ``current`` at ``gen`` in one atomic rename; keep ``keep`` older generations.

    The generation that was current is kept first, so that an unfinished generation of a killed build
    or load (never pointed at, and newer) is removed rather than kept in its place. The generations
    to remove are marked before the rename, so that a swap cut short anywhere leaves nothing that
    :func:`sweep_leftovers` does not remove. The dumps of a removed generation go with it, and so do
    those of generations already gone.
    """
    previous = current_generation(store_dir)
    others = sorted(
        (p for p in store_dir.glob("gen-*") if p.is_dir() and p.resolve() != gen.resolve()),
        key=lambda p: (p.resolve() == previous, p.name),
        reverse=True,
    )
    for old in others[keep:]:
        _mark(old).touch()
    tmp_link = store_dir / f".{CURRENT}-{uuid.uuid4().hex[:6]}"
    os.symlink(gen.name, tmp_link)
    fault_point("swap.link-made")
    os.replace(tmp_link, store_dir / CURRENT)
    fault_point("swap.renamed")
    _mark(gen).unlink(missing_ok=True)
    for old in others[keep:]:
        fault_point("swap.sweeping")
        discard_generation(old)
    _remove_orphan_dumps(store_dir)


def discard_generation(gen: Path) -> None:
    """Remove a generation that failed (or an old one), with RocksDB's unfinished checkpoint of it and
    its mark; never the current one (the caller knows it is not).

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     discard_generation(new_generation(Path(tmp)))
    ...     sorted(Path(tmp).iterdir())
    []
    """
    shutil.rmtree(gen, ignore_errors=True)
    shutil.rmtree(gen.with_name(gen.name + ".tmp"), ignore_errors=True)  # RocksDB's checkpoint, cut short
    _mark(gen).unlink(missing_ok=True)


def _remove_orphan_dumps(store_dir: Path) -> None:
    dumps = store_dir / DUMPS_DIR
    if dumps.is_dir():
        for folder in dumps.iterdir():
            if folder.is_dir() and not (store_dir / folder.name).is_dir():
                shutil.rmtree(folder, ignore_errors=True)


def sweep_leftovers(store_dir: Path) -> list[str]:
    """Remove what killed writes left in ``store_dir``: the generations marked unfinished that
    ``current`` does not point at (and their dumps), the marks themselves, the temporary links of a
    swap cut short, and the partial copies and links of a release keep cut short.

    The caller holds the write lock (so no write is under way); :func:`write_lock` calls this once it
    has it. What a reader may be answering from (the current generation, the one before it, kept
    releases and the copy a rebuild replaced) is never marked, so never removed here.

    Returns:
        The names of the generations removed.
    """
    if not store_dir.is_dir():
        return []
    current = current_generation(store_dir)
    removed = []
    for entry in list(store_dir.iterdir()):
        if entry.name.startswith(f".{CURRENT}-") and entry.is_symlink():
            entry.unlink(missing_ok=True)
        elif entry.name.startswith(UNFINISHED):
            gen = store_dir / entry.name.removeprefix(UNFINISHED)
            if current is not None and gen.resolve() == current:  # killed after the rename: finished
                entry.unlink(missing_ok=True)
                continue
            discard_generation(gen)
            removed.append(gen.name)
    _remove_orphan_dumps(store_dir)
    _sweep_releases(store_dir / RELEASES_DIR)
    return sorted(removed)


def _sweep_releases(folder: Path) -> None:
    """Remove the release copies marked unfinished that no link points at, then the marks, the
    partial checkpoints and the temporary links (names starting with a dot) of a keep cut short."""
    if not folder.is_dir():
        return
    pointed = {os.readlink(e) for e in folder.iterdir() if e.is_symlink() and not e.name.startswith(".")}
    for mark in list(folder.glob(f"{UNFINISHED}*")):
        copy = folder / mark.name.removeprefix(UNFINISHED)
        if copy.name not in pointed:
            shutil.rmtree(copy, ignore_errors=True)
        mark.unlink(missing_ok=True)
    for entry in list(folder.iterdir()):
        if not entry.name.startswith("."):
            continue
        if entry.is_symlink() or not entry.is_dir():
            entry.unlink(missing_ok=True)
        else:
            shutil.rmtree(entry, ignore_errors=True)


def sweep_if_idle(store_dir: Path) -> list[str] | None:
    """:func:`sweep_leftovers` if no write holds the lock now (a server process starting does this);
    None, without waiting, if one does.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     store_dir = Path(tmp)
    ...     gen = new_generation(store_dir)  # a write killed here leaves a marked directory
    ...     sweep_if_idle(store_dir), sorted(p.name for p in store_dir.iterdir())
    ([...], ['.write-lock'])
    """
    if not (store_dir / CURRENT).is_symlink() and not any(store_dir.glob(f"{UNFINISHED}*")):
        return []
    try:
        with open(store_dir / WRITE_LOCK, "a+b") as handle:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return None
            try:
                return sweep_leftovers(store_dir)
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    except OSError:  # a store the process may only read: nothing to sweep from here
        return None

"""The whole-graph dumps of a new generation, written with it so that the server's first download of
each dump is answered from disk (:mod:`dragonbear.graph.dumps`).

``dragonbear build`` and ``load-sipri`` call :func:`write_generation_dumps` between validating a
generation and swapping it in: they hold the new graph in memory, and the dumps add about 7 s to a
build of the shipped graph. ``dragonbear load`` and ``load-wikidata`` change a checkpoint on disk in
about a second; dumping would first read the whole generation into memory (12 s on the shipped graph),
so they swap the generation in first and leave the dumps to :func:`dump_in_background`, a detached
process (``python -m dragonbear.pipeline.dumps STORE_DIR GENERATION``) that writes them within seconds
while the command has returned. Until it has, the server makes a missing file on its first request,
as for a store of an older version; both write through a temporary file, so neither sees half a dump.

A store directory holding a file named :data:`NO_DUMPS` gets none: the temporary stores in which a
build or a load for a SPARQL server is made (:mod:`dragonbear.pipeline.remote`), whose dumps nobody
would download.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from dragonbear.graph.dumps import dumps_folder, write_dumps
from dragonbear.graph.store import EmbeddedStore

__all__ = ["NO_DUMPS", "discard_generation_dumps", "dump_in_background", "main", "write_generation_dumps"]

NO_DUMPS = ".no-dumps"


def write_generation_dumps(store: EmbeddedStore, store_dir: Path, generation: Path) -> list[Path]:
    """Write the dumps of ``generation`` (whose quads ``store`` holds) into its dumps folder.

    Args:
        store: the new generation's graph, in memory or on disk (then read into memory first).
        store_dir: the store directory.
        generation: the new generation's directory (not yet current).

    Returns:
        The files written (none when ``store_dir`` holds :data:`NO_DUMPS`).

    Raises:
        StoreError: a dump failed or could not be written; the caller discards the generation.
    """
    if (store_dir / NO_DUMPS).exists():
        return []
    if store.path is not None:
        memory = EmbeddedStore.open(None)
        store.copy_to(memory)
        store = memory
    return write_dumps(store, dumps_folder(store_dir, generation))


def discard_generation_dumps(store_dir: Path, generation: Path) -> None:
    """Remove the dumps of a generation that was not swapped in (a failed build or load)."""
    shutil.rmtree(dumps_folder(store_dir, generation), ignore_errors=True)


def dump_in_background(store_dir: Path, generation: Path) -> bool:
    """Start a detached process that writes the dumps of ``generation`` (already current or about to be).

    The process outlives the caller (started through a shell that exits at once, so nothing waits for
    it); its messages go to ``dumps.log`` in the generation's dumps folder.

    Returns:
        False when ``store_dir`` holds :data:`NO_DUMPS` (nothing started), else True.
    """
    if (store_dir / NO_DUMPS).exists():
        return False
    folder = dumps_folder(store_dir, generation)
    folder.mkdir(parents=True, exist_ok=True)
    script = 'exec "$0" -m dragonbear.pipeline.dumps "$1" "$2" </dev/null >>"$3" 2>&1 &'
    command = ["/bin/sh", "-c", script, sys.executable, str(store_dir), str(generation), str(folder / "dumps.log")]
    subprocess.run(command, check=False, start_new_session=True)
    return True


def main(argv: list[str]) -> int:
    """``python -m dragonbear.pipeline.dumps STORE_DIR GENERATION``: write the generation's dumps
    (read from disk into memory first); exit 0, or 1 when the generation is gone or a dump failed."""
    store_dir, generation = Path(argv[0]), Path(argv[1])
    if not generation.is_dir():
        return 1
    try:
        store = EmbeddedStore.open(generation, read_only=True)
        write_generation_dumps(store, store_dir, generation)
    except Exception as exc:  # a generation removed meanwhile, a full disk: the server makes them on request
        print(f"dumps of {generation.name} not written: {exc}", file=sys.stderr)
        return 1
    if not generation.is_dir():  # swapped out while dumping: leave nothing behind
        discard_generation_dumps(store_dir, generation)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

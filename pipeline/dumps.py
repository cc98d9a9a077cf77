"""The whole-graph dumps of a new generation, written before it becomes current.

``dragonbear build``, ``load``, ``load-sipri`` and ``load-wikidata`` call :func:`write_generation_dumps`
between validating a generation and swapping it in, so the server's first download of each dump is
answered from disk (:mod:`dragonbear.graph.dumps`). A build dumps the in-memory store it has just
validated; a load on a checkpoint reads its new generation into memory once first (RocksDB is several
times slower to dump from than memory, per format).

A store directory holding a file named :data:`NO_DUMPS` gets none: the temporary stores in which a
build or a load for a SPARQL server is made (:mod:`dragonbear.pipeline.remote`), whose dumps nobody
would download.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from dragonbear.graph.dumps import dumps_folder, write_dumps
from dragonbear.graph.store import EmbeddedStore

__all__ = ["NO_DUMPS", "discard_generation_dumps", "write_generation_dumps"]

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

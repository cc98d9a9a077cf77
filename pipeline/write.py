"""What a loader returned, written into a store: quads in one call, text in pieces on worker threads."""

from __future__ import annotations

import os
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import pyoxigraph as ox

from dragonbear.errors import StoreError
from dragonbear.graph.store import GraphStore
from dragonbear.loaders.contract import Loaded

__all__ = ["load_text", "write_loaded"]


def load_text(store: GraphStore, pieces: Iterable[bytes], graph: str, *, workers: int | None = None) -> None:
    """Bulk-load N-Triples ``pieces`` into ``graph``, each on a worker thread while the next is made.

    pyoxigraph releases the GIL while it loads, so on two cores this runs about twice as fast as one
    bulk load. Bulk loading is not transactional: load into a fresh store (a new generation) and
    discard it if this raises. The text is loaded leniently: a loader of this project wrote it.

    Raises:
        StoreError: the store refuses a piece.
    """
    with ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 1, thread_name_prefix="bulk-load") as pool:
        futures: list[Future[None]] = [
            pool.submit(store.load, data, format=ox.RdfFormat.N_TRIPLES, graph=graph, bulk=True, lenient=True)
            for data in pieces
        ]
        for future in futures:
            try:
                future.result()
            except (OSError, SyntaxError, ValueError) as exc:
                raise StoreError(f"cannot load into <{graph}>: {exc}") from exc


def write_loaded(store: GraphStore, loaded: Loaded[Any], *, workers: int | None = None) -> None:
    """Add what a loader returned to ``store``: its quads, then its text (in its graph).

    Raises:
        StoreError: the store refuses the data.
    """
    if loaded.quads:
        store.extend(loaded.quads)
    if loaded.graph is not None:
        load_text(store, loaded.text, loaded.graph, workers=workers)

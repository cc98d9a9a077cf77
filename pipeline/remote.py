"""Builds and loads on a SPARQL server: made and validated locally, then published all at once.

``dragonbear build --store URL`` builds the graph in a temporary embedded store exactly as a local
build does (the ontology, the curated facts, SIPRI, the derived graph, SHACL validation), so nothing
is written to the server unless the whole build succeeded; :func:`~dragonbear.graph.publish.publish`
then copies the graphs under new names and switches them in one update request.

``load``, ``load-sipri`` and ``load-wikidata`` on a server read the server's project graphs into a
temporary store, run the same change as on a local store there (validated, the derived graph
recomputed), and publish only the graphs the change touched.

Neither writes the whole-graph dumps (their temporary stores hold :data:`~dragonbear.pipeline.dumps.NO_DUMPS`):
``dragonbear serve --store URL`` makes each dump from the server's graphs on its first request and
keeps it, for that build, in the local store directory (``STORE_DIR/downloads/``), as before.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox

from dragonbear.graph.generations import new_generation, swap_generation
from dragonbear.graph.publish import graph_digests, publish
from dragonbear.graph.remote import RemoteStore
from dragonbear.graph.store import EmbeddedStore, open_store
from dragonbear.pipeline.build import BuildReport, Progress, build_store, stderr_progress
from dragonbear.pipeline.dumps import NO_DUMPS

__all__ = ["build_remote", "change_remote"]

T = TypeVar("T")


def build_remote(
    remote: RemoteStore, label: str, *, sipri_path: Path | None = None, progress: Progress | None = None
) -> BuildReport:
    """Build the graph locally and make it the server's graphs (see the module's text).

    Args:
        remote: the server.
        label: its address, for the report.
        sipri_path: a SIPRI register instead of the shipped extract.
        progress: called with a line of text per step.

    Raises:
        LoadError, ValidationError: the build failed; nothing was sent to the server.
        StoreError: the server refused or lost a write; its graphs are as they were.
    """
    with tempfile.TemporaryDirectory(prefix="dragonbear-build-") as tmp:
        (Path(tmp) / NO_DUMPS).touch()  # the server makes its dumps from its own graphs
        report = build_store(Path(tmp), sipri_path=sipri_path, progress=progress)
        local = open_store(Path(tmp), read_only=True)
        record = publish(local, remote, progress=progress or stderr_progress)
        del local
    report.generation = None
    report.server = f"{label} (build {record.id})"
    return report


def _mirror(remote: RemoteStore, store_dir: Path) -> None:
    """Read the server's project graphs into a new generation in ``store_dir``."""
    gen = new_generation(store_dir)
    local = EmbeddedStore.open(gen)
    for graph in remote.graphs():
        data = _graph_bytes(remote, graph)
        local.load(data, format=ox.RdfFormat.N_TRIPLES, graph=graph, bulk=True, lenient=True)
    local.flush()
    del local
    swap_generation(store_dir, gen)


def _graph_bytes(remote: RemoteStore, graph: str) -> bytes:
    import io

    out = io.BytesIO()
    remote.dump(out, format=ox.RdfFormat.N_TRIPLES, graph=graph)
    return out.getvalue()


def change_remote(
    remote: RemoteStore, change: Callable[[Path], T], *, progress: Progress | None = None
) -> tuple[T, list[str]]:
    """Run a local change (a function of a store directory, such as ``replace_sipri``) on the
    server's graphs, and publish the graphs it touched.

    Returns:
        What ``change`` returned, and the graphs published.

    Raises:
        DragonbearError: whatever ``change`` raised (nothing was sent), or a StoreError from the server.
    """
    say = progress or stderr_progress
    with tempfile.TemporaryDirectory(prefix="dragonbear-change-") as tmp:
        store_dir = Path(tmp)
        (store_dir / NO_DUMPS).touch()
        say("Reading the server's graphs ...")
        _mirror(remote, store_dir)
        before = graph_digests(open_store(store_dir, read_only=True))
        result = change(store_dir)
        local = open_store(store_dir, read_only=True)
        after = graph_digests(local)
        touched = sorted(g for g in set(before) | set(after) if before.get(g) != after.get(g))
        if touched:
            publish(local, remote, graphs=touched, progress=say)
        del local
    return result, touched

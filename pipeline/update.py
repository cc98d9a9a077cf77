"""Change a built store: add RDF files, and validate the store or files against the shapes.

A load makes a new generation from a checkpoint of the current one (hard-linked RocksDB files), adds
the files' triples, updates the derived triples they give, validates the nodes they touch and swaps
the generation in (:mod:`dragonbear.pipeline.incremental`), so it costs what the files cost, not what
the store holds. A malformed file or a violation leaves the current store as it was.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from dragonbear.errors import UsageError
from dragonbear.graph.derive_delta import IncrementalUnsupported
from dragonbear.graph.generations import write_lock
from dragonbear.graph.store import EmbeddedStore, GraphStore, current_generation
from dragonbear.graph.validation import ValidationReport, validate_store
from dragonbear.loaders.rdf import parse_rdf_file
from dragonbear.namespaces import GRAPH_DERIVED, GRAPH_ONTOLOGY
from dragonbear.pipeline.build import BuildReport, build_generation, load_ontology
from dragonbear.pipeline.incremental import change_generation

__all__ = ["load_files", "validate_current", "validate_files"]

_RESERVED = (GRAPH_ONTOLOGY, GRAPH_DERIVED)


def load_files(
    store_dir: Path, files: list[Path], *, graph: str | None = None, progress: object = None
) -> dict[str, int]:
    """Add RDF ``files`` to the store in ``store_dir``, all or nothing.

    The files are parsed completely first. On a built store the new generation is a checkpoint of
    the current one with the files' triples added, the derived triples they give and the nodes they
    touch validated (a transitive closure too large to materialize falls back to the full rebuild).

    Args:
        store_dir: the store directory; a new one gets the ontology and the files.
        files: RDF files in any format pyoxigraph reads (by extension).
        graph: the named graph for their triples (default: one graph per file).
        progress: called with a line of text at the start and end of each step (default: silent).

    Returns:
        Triples added per named graph.

    Raises:
        UsageError: no file is named, or the files write into a graph the build maintains.
        LoadError: a file is missing or malformed (file, line, column); nothing is changed.
        ValidationError: the result would violate the SHACL shapes; nothing is changed.
        StoreError: the store cannot be read or written; nothing is changed.
    """
    if not files:
        raise UsageError("name at least one file to load")
    if graph in _RESERVED:
        raise UsageError(f"<{graph}> is maintained by the build; load into another graph")
    quads: list[ox.Quad] = []
    for path in files:
        quads.extend(parse_rdf_file(path, graph))
    reserved = {
        q.graph_name.value  # type: ignore[union-attr]
        for q in quads
        if getattr(q.graph_name, "value", None) in _RESERVED
    }
    if reserved:
        raise UsageError(f"the files write into graphs maintained by the build: {', '.join(sorted(reserved))}")
    counts: dict[str, int] = {}
    for q in quads:
        key = q.graph_name.value  # type: ignore[union-attr]
        counts[key] = counts.get(key, 0) + 1
    quiet = progress if callable(progress) else (lambda _m: None)
    with write_lock(store_dir):
        current = current_generation(store_dir)
        if current is not None:
            try:
                change_generation(store_dir, current, quads, report=BuildReport(store_dir), progress=quiet)
                return counts
            except IncrementalUnsupported as exc:
                quiet(f"{exc}: recomputing the whole derived graph")

        def work(store: EmbeddedStore, steps: object) -> None:
            if current is None:
                load_ontology(store)
            store.extend(quads)

        build_generation(store_dir, work, BuildReport(store_dir), quiet, copy_of=current)
    return counts


def validate_current(store: GraphStore) -> ValidationReport:
    """Validate the data graphs of ``store`` (its current generation) against the SHACL shapes."""
    return validate_store(store)


def validate_files(files: list[Path]) -> ValidationReport:
    """Validate RDF ``files`` (with the ontology) against the SHACL shapes, without a store."""
    store = EmbeddedStore.open(None)
    load_ontology(store)
    for path in files:
        store.extend(parse_rdf_file(path))
    return validate_store(store)

"""Changes made on a checkpoint of the current generation: a load costs what its data costs.

``dragonbear load`` and ``dragonbear load-wikidata`` used to read the whole current generation into
memory, add their data, recompute the derived graph, validate every node and write a whole new
generation: 5.6 s for one triple on the shipped graph, 30 s to 90 s on a store holding the full SIPRI
register. :func:`change_generation` instead

1. writes a checkpoint of the current generation (RocksDB, hard-linked files: it costs what the
   newest writes cost, not the store's size) as the new generation;
2. removes the graphs the change replaces and adds its quads, there;
3. brings the derived graph up to date from the changed triples
   (:func:`~dragonbear.graph.derive_delta.update_derived`);
4. validates the nodes the change touched
   (:func:`~dragonbear.graph.focus_validation.validate_nodes`; every node when the change reaches
   further, see :func:`~dragonbear.graph.focus_validation.changed_focus_nodes`);
5. flushes it (and compacts it, after a change of :data:`COMPACT_AFTER_QUADS` quads or more) and
   swaps it in with one atomic rename; its whole-graph dumps are then written by a
   detached process (:func:`~dragonbear.pipeline.dumps.dump_in_background`), so the command does not
   wait for them.

A violation, an error or a kill before step 5 leaves ``current`` as it was; the new generation's
directory is removed (or, after a kill, by the next swap). The caller holds the store's write lock.
See docs/decisions/0021-loads-from-checkpoints.md.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pyoxigraph as ox

from dragonbear.errors import ValidationError
from dragonbear.fault_points import fault_point
from dragonbear.graph.derive_delta import DerivedChange, update_derived
from dragonbear.graph.focus_validation import changed_focus_nodes, shape_reach, validate_nodes
from dragonbear.graph.generations import discard_generation
from dragonbear.graph.store import EmbeddedStore, new_generation, swap_generation
from dragonbear.graph.validation import ValidationReport, validate_store
from dragonbear.pipeline.build import BuildReport, Progress, _Steps
from dragonbear.pipeline.dumps import dump_in_background

__all__ = ["COMPACT_AFTER_QUADS", "change_generation"]

COMPACT_AFTER_QUADS = 100_000
"""A change of at least this many quads (added and removed) is followed by a compaction of the new
generation (:meth:`~dragonbear.graph.store.EmbeddedStore.compact`): its writes left files that every
look-up would read. A smaller change is not: a compaction costs what the whole store costs (5 s for
3.5 million quads), and a small file loaded onto a large store should cost what the file costs."""


def change_generation(
    store_dir: Path,
    current: Path,
    added: Sequence[ox.Quad],
    *,
    report: BuildReport,
    progress: Progress,
    drop_graphs: Sequence[str] = (),
    finish: Callable[[EmbeddedStore], None] | None = None,
) -> None:
    """Make the next generation from a checkpoint of ``current``: ``drop_graphs`` removed, ``added``
    added, the derived graph updated and the touched nodes validated; then swap it in.

    Args:
        store_dir: the store directory.
        current: the current generation (the caller holds the write lock).
        added: the quads to add (in data graphs: never the ontology or the derived graph).
        report: filled with the step times and the validation.
        progress: called with a line of text at the start and end of each step.
        drop_graphs: named graphs to remove first (a replacement).
        finish: called with the new generation once it validates, before it is flushed (for reports).

    Raises:
        ValidationError: the result violates the SHACL shapes; nothing is changed.
        IncrementalUnsupported: the change touches a transitive closure too large to materialize;
            nothing is changed (rebuild the derived graph with :func:`~dragonbear.pipeline.build.build_generation`).
        StoreError: the checkpoint cannot be written or the store cannot be opened.
    """
    steps = _Steps(report, progress)
    gen = new_generation(store_dir)
    gen.rmdir()  # the checkpoint creates it
    try:
        steps.run("Writing a checkpoint of the current store", lambda: _checkpoint(current, gen))
        fault_point("incremental.checkpoint-written")
        store = EmbeddedStore.open(gen)
        changed = _apply(store, added, drop_graphs, steps, report)
        if finish is not None:
            finish(store)
        fault_point("incremental.applied")
        steps.run("Flushing the new generation", store.flush)
        if changed >= COMPACT_AFTER_QUADS:
            steps.run("Compacting the new generation", store.compact)
        del store
        fault_point("incremental.flushed")
    except BaseException:
        discard_generation(gen)
        raise
    swap_generation(store_dir, gen)
    fault_point("incremental.swapped")
    report.generation = gen
    dump_in_background(store_dir, gen)


def _checkpoint(current: Path, gen: Path) -> None:
    source = EmbeddedStore.open(current, read_only=True)
    source.backup(gen)
    del source


def _apply(
    store: EmbeddedStore, added: Sequence[ox.Quad], drop_graphs: Sequence[str], steps: _Steps, report: BuildReport
) -> int:
    """Steps 2 to 4 on the new generation ``store``: the number of quads added and removed; raise
    ValidationError on a violation."""
    removed = [q for graph in drop_graphs if store.has_graph(graph) for q in store.quads(graph)]

    def change() -> None:
        for graph in drop_graphs:
            if store.has_graph(graph):
                store.drop_graph(graph)
        store.extend(added)

    derived: DerivedChange = steps.run(  # type: ignore[assignment]
        "Adding the data and updating the derived triples",
        lambda: update_derived(store, change, added=added, removed=removed),
    )
    steps.progress(
        f"  derived triples: {derived.added:,} added, {derived.removed:,} removed, "
        f"{derived.regraded:,} attestations graded again"
    )
    reach = shape_reach()
    nodes = changed_focus_nodes(store, reach, added=added, removed=removed)
    label = "Validating everything with SHACL" if nodes is None else f"Validating {len(nodes):,} nodes with SHACL"
    validation: ValidationReport = steps.run(
        label,
        lambda: (
            validate_store(store)
            if nodes is None  # type: ignore[assignment]
            else validate_nodes(store, nodes, reach=reach)
        ),
    )
    report.validation = validation
    if not validation.conforms:
        raise ValidationError(
            f"the data violates the SHACL shapes ({len(validation.violations)} violations):\n" + validation.text(),
            validation.violations,
        )
    return len(added) + len(removed)

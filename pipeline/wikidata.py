"""A Wikidata import written into the store: the link context read, the files converted, a generation swapped in.

The conversion itself is :func:`dragonbear.loaders.wikidata.convert_wikidata`; this module reads what it
needs from the store (:func:`read_link_context`) and writes what it returns (:func:`replace_wikidata`).
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox

from dragonbear.errors import StoreError
from dragonbear.graph.derive_delta import IncrementalUnsupported
from dragonbear.graph.generations import write_lock
from dragonbear.graph.store import EmbeddedStore, current_generation
from dragonbear.loaders.wikidata import WikidataReport, convert_wikidata
from dragonbear.loaders.wikidata_context import LINK_QUERIES, LinkContext
from dragonbear.namespaces import GRAPH_CURATED, GRAPH_DERIVED, GRAPH_WIKIDATA, WD
from dragonbear.pipeline.build import BuildReport, Progress, build_generation, list_conflicts
from dragonbear.pipeline.incremental import change_generation
from dragonbear.pipeline.write import write_loaded

__all__ = ["read_link_context", "replace_wikidata"]


def replace_wikidata(
    store_dir: Path, files: list[Path], *, progress: Progress | None = None
) -> tuple[BuildReport, WikidataReport]:
    """Replace the store's Wikidata graph with what ``files`` say about our linked entities, atomically.

    The files are read against the current generation first (a bad file fails before anything is
    written). The new generation is a checkpoint of the current one without its Wikidata graph and
    with the new one, its derived triples updated from what changed and the nodes it touched validated
    with SHACL (:mod:`dragonbear.pipeline.incremental`); only then is it swapped in. Any error leaves
    the store as it was.

    Args:
        store_dir: the store directory (built before).
        files: Wikidata files in any of the three formats.
        progress: called with a line of text at the start and end of each step.

    Returns:
        The build report (the Wikidata graph's triple count, all conflicts, validation) and the
        import report.

    Raises:
        StoreError: there is no store yet, or it cannot be read or written.
        LoadError: a file cannot be read or parsed (file, line and column).
        ValidationError: the result violates the SHACL shapes.
    """
    progress = progress or (lambda message: print(message, file=sys.stderr, flush=True))
    current = current_generation(store_dir)
    if current is None:
        raise StoreError(f"no store at {store_dir}: run `dragonbear build` first")
    progress("Reading links and curated facts, then the Wikidata files ...")
    loaded = convert_wikidata(files, read_link_context(EmbeddedStore.open(current, read_only=True)))
    report = BuildReport(store_dir)
    with write_lock(store_dir):
        if current_generation(store_dir) != current:  # another write came first: read against its result
            current = current_generation(store_dir)
            loaded = convert_wikidata(files, read_link_context(EmbeddedStore.open(current, read_only=True)))
        try:
            change_generation(
                store_dir,
                current,  # type: ignore[arg-type]
                list(loaded.quads),
                report=report,
                progress=progress,
                drop_graphs=[GRAPH_WIKIDATA],
                finish=lambda store: _summarize(store, report),
            )
        except IncrementalUnsupported as exc:
            progress(f"{exc}: recomputing the whole derived graph")

            def work(store: EmbeddedStore, steps: object) -> None:
                steps.run("Adding the Wikidata graph", lambda: write_loaded(store, loaded))  # type: ignore[attr-defined]

            build_generation(
                store_dir, work, report, progress, copy_of=current, keep_graphs=lambda g: g != GRAPH_WIKIDATA
            )
    return report, loaded.report


def _summarize(store: EmbeddedStore, report: BuildReport) -> None:
    """Record the Wikidata graph's size and the store's conflicts in ``report``."""
    report.graph_counts[GRAPH_WIKIDATA] = store.count(GRAPH_WIKIDATA)
    report.conflicts = list_conflicts(store)


def read_link_context(store: EmbeddedStore) -> LinkContext:
    """Read the links and curated facts of ``store`` (its Wikidata graph is ignored).

    Args:
        store: the store (or in-memory copy) about to receive the import.

    Returns:
        The context.
    """
    context = LinkContext()
    entities: defaultdict[str, set[str]] = defaultdict(set)
    for row in _select(store, LINK_QUERIES["links"], None):
        entities[row["item"].value.removeprefix(WD)].add(row["entity"].value)
    context.entities_of = {qid: sorted(iris) for qid, iris in entities.items()}
    data_graphs = [g for g in store.graphs() if g not in (GRAPH_WIKIDATA, GRAPH_DERIVED)]
    for row in _select(store, LINK_QUERIES["names"], data_graphs):
        context.names.setdefault(row["entity"].value, set()).add(row["name"].value)
    for row in _select(store, LINK_QUERIES["labels"], data_graphs):
        context.labels.setdefault(row["entity"].value, row["label"].value)
    for row in _select(store, LINK_QUERIES["curated"], [GRAPH_CURATED]):
        key = (row["entity"].value, row["prop"].value.rsplit("#", 1)[-1])
        context.curated.setdefault(key, set()).add(row["value"].value)
    for row in _select(store, LINK_QUERIES["attestations"], [GRAPH_CURATED]):
        context.attestations.setdefault(row["entity"].value, []).append(row["att"].value)
    for row in _select(store, LINK_QUERIES["derivations"], [GRAPH_CURATED]):
        source = row["source"].value if row["source"] is not None else None
        context.derivations.setdefault(row["derived"].value, []).append((row["node"].value, source))
    for row in _select(store, LINK_QUERIES["variants"], data_graphs):
        context.variant_of.setdefault(row["a"].value, set()).add(row["b"].value)
    return context


def _select(store: EmbeddedStore, query: str, graphs: list[str] | None) -> list[ox.QuerySolution]:
    result = store.query(query, default_graph=graphs) if graphs is not None else store.query(query)
    assert isinstance(result, ox.QuerySolutions)
    return list(result)

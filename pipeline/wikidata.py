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
from dragonbear.graph.store import EmbeddedStore, current_generation
from dragonbear.loaders.wikidata import WikidataReport, convert_wikidata
from dragonbear.loaders.wikidata_context import LINK_QUERIES, LinkContext
from dragonbear.namespaces import GRAPH_CURATED, GRAPH_DERIVED, GRAPH_WIKIDATA, WD
from dragonbear.pipeline.build import BuildReport, Progress, build_generation
from dragonbear.pipeline.write import write_loaded

__all__ = ["read_link_context", "replace_wikidata"]


def replace_wikidata(store_dir: Path, files: list[Path], *, progress: Progress | None = None
                     ) -> tuple[BuildReport, WikidataReport]:
    """Replace the store's Wikidata graph with what ``files`` say about our linked entities, atomically.

    The current generation is read without its Wikidata graph, the files converted, the derived
    graph recomputed and the whole validated with SHACL before the new generation is written and
    swapped in. Any error leaves the store as it was.

    Args:
        store_dir: the store directory (built before).
        files: Wikidata files in any of the three formats.
        progress: called with a line of text at the start and end of each step.

    Returns:
        The build report (graph counts, all conflicts, validation) and the import report.

    Raises:
        StoreError: there is no store yet.
        LoadError: a file cannot be read or parsed (file, line and column).
        ValidationError: the result violates the SHACL shapes.
    """
    progress = progress or (lambda message: print(message, file=sys.stderr, flush=True))
    current = current_generation(store_dir)
    if current is None:
        raise StoreError(f"no store at {store_dir}: run `dragonbear build` first")
    # Read the files against the current store first: a bad file fails before anything is copied.
    progress("Reading links and curated facts, then the Wikidata files ...")
    context = read_link_context(EmbeddedStore.open(current, read_only=True))
    loaded = convert_wikidata(files, context)
    imported = loaded.report
    report = BuildReport(store_dir)

    def work(store: EmbeddedStore, steps: object) -> None:
        steps.run("Adding the Wikidata graph", lambda: write_loaded(store, loaded))  # type: ignore[attr-defined]

    build_generation(store_dir, work, report, progress, copy_of=current, keep_graphs=lambda g: g != GRAPH_WIKIDATA)
    return report, imported


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

"""Build the store from the shipped data, atomically.

Steps (each reported with its time on the progress stream):

1. ontology, vocabularies and alignment → graph ``ontology``
2. curated facts (``core/data/curated``) → graph ``curated``
3. SIPRI register (the shipped extract, or a file given) → graph ``sipri``
4. check that every SIPRI deal the curated facts attest exists
5. materialize shortcuts, super-properties, transitive closure and inverses → graph ``derived``
6. validate the data graphs against the SHACL shapes; a violation fails the build
7. write the whole-graph dumps of the new generation (:mod:`dragonbear.pipeline.dumps`)
8. write the new generation to disk and swap it in with one atomic rename

A build that fails (or is killed) leaves the previous store as it was; its half-built generation is
removed (or, after a kill, swept by the next build).
"""

from __future__ import annotations

import io
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from dragonbear import data_release, shipped_data
from dragonbear.errors import LoadError, StorageFullError, StoreError, ValidationError, disk_is_full
from dragonbear.fault_points import fault_point
from dragonbear.graph.dataset import DATASET, DCAT
from dragonbear.graph.derive import DerivationReport, drop_restated, materialize
from dragonbear.graph.generations import discard_generation, write_lock
from dragonbear.graph.releases import KEEP_RELEASES, keep_release
from dragonbear.graph.store import EmbeddedStore, GraphStore, current_generation, new_generation, swap_generation
from dragonbear.graph.validation import ValidationReport, validate_store
from dragonbear.loaders.curated import load_curated
from dragonbear.loaders.sipri import curated_context, read_sipri
from dragonbear.loaders.sipri_relations import RelationReport
from dragonbear.namespaces import DCTERMS, GRAPH_CURATED, GRAPH_DERIVED, GRAPH_ONTOLOGY, GRAPH_SIPRI, ID, RDF, XSD
from dragonbear.ontology import ontology_files
from dragonbear.pipeline.dumps import discard_generation_dumps, write_generation_dumps
from dragonbear.pipeline.write import write_loaded

__all__ = [
    "BuildReport",
    "Progress",
    "build_generation",
    "build_store",
    "list_conflicts",
    "load_ontology",
    "replace_sipri",
]

Progress = Callable[[str], None]


@dataclass
class BuildReport:
    """What a build produced."""

    store_dir: Path
    generation: Path | None = None
    graph_counts: dict[str, int] = field(default_factory=dict)
    unmapped_designations: dict[str, int] = field(default_factory=dict)
    rejoined_rows: int = 0
    sipri_deals: int = 0
    conflicts: list[dict[str, str]] = field(default_factory=list)
    derivation: DerivationReport | None = None
    relations: RelationReport | None = None
    validation: ValidationReport | None = None
    seconds: dict[str, float] = field(default_factory=dict)
    server: str | None = None  # the SPARQL server the graphs were published to, and the build's id there
    release: str | None = None  # the release kept at /v/RELEASE/ (graph/releases.py), if one was
    release_problem: str | None = None  # why it could not be kept

    def text(self, *, unmapped_limit: int = 25) -> str:
        """The report as a human reads it."""
        lines = [
            f"Store: {self.server}"
            if self.server
            else f"Store: {self.store_dir} (generation {self.generation.name if self.generation else '-'})",
        ]
        if self.release:
            lines.append(f"Release {self.release} kept: served at /v/{self.release}/ after newer builds")
        if self.release_problem:
            lines.append(f"Warning: the release was built and is served, but not kept: {self.release_problem}")
        lines.append("Triples per named graph:")
        lines += [f"  {g:<55} {n:>9,}" for g, n in sorted(self.graph_counts.items())]
        lines.append(f"  {'total':<55} {sum(self.graph_counts.values()):>9,}")
        lines.append(f"SIPRI deals: {self.sipri_deals:,} (broken rows rejoined: {self.rejoined_rows})")
        lines.append(f"Unmapped SIPRI designations (kept as systems of their own): {len(self.unmapped_designations):,}")
        top = sorted(self.unmapped_designations.items(), key=lambda kv: (-kv[1], kv[0]))[:unmapped_limit]
        lines += [f"  {d} ({n} deals)" for d, n in top]
        if len(self.unmapped_designations) > unmapped_limit:
            lines.append(
                f"  ... and {len(self.unmapped_designations) - unmapped_limit} more "
                f"(`dragonbear stats --unmapped` lists all)"
            )
        if self.relations:
            lines.append(self.relations.summary())
            lines += [f"  {line}" for line in self.relations.missed[:unmapped_limit]]
            if len(self.relations.missed) > unmapped_limit:
                lines.append(
                    f"  ... and {len(self.relations.missed) - unmapped_limit} more "
                    f"(`dragonbear stats --missed` lists all)"
                )
        lines.append(f"Conflicts between sources: {len(self.conflicts)}")
        lines += [f"  {c['concerns']}: {c['aspect']} — {c['sides']}" for c in self.conflicts]
        if self.derivation:
            d = self.derivation
            lines.append(
                f"Derived triples: {d.total:,} (shortcuts {d.shortcuts:,}, super-properties "
                f"{d.super_properties:,}, transitive {d.transitive:,}, inverses {d.inverses:,}, "
                f"super-classes {d.super_classes:,}, name keys {d.name_keys:,}, grades {d.grades:,}; "
                f"less {d.restated:,} that other graphs assert)"
            )
            if d.skipped_closures:
                lines.append(
                    "  transitive closures too large to materialize (query them with property paths): "
                    + ", ".join(d.skipped_closures)
                )
        if self.validation:
            v = self.validation
            lines.append("SHACL: conforms" if v.conforms else f"SHACL: {len(v.violations)} violations")
        lines.append("Time: " + ", ".join(f"{k} {s:.2f}s" for k, s in self.seconds.items()))
        return "\n".join(lines)


class _Steps:
    def __init__(self, report: BuildReport, progress: Progress) -> None:
        self.report, self.progress, self.n = report, progress, 0

    def run(self, name: str, func: Callable[[], object]) -> object:
        self.n += 1
        self.progress(f"[{self.n}] {name} ...")
        start = time.perf_counter()
        result = func()
        self.report.seconds[name] = time.perf_counter() - start
        self.progress(f"[{self.n}] {name}: done in {self.report.seconds[name]:.2f}s")
        return result


def stderr_progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def load_ontology(store: EmbeddedStore) -> None:
    for path in ontology_files():
        store.load_bytes(path.read_bytes(), format=ox.RdfFormat.TURTLE, graph=GRAPH_ONTOLOGY)
    release, graph, dataset = data_release(), ox.NamedNode(GRAPH_ONTOLOGY), ox.NamedNode(DATASET)
    store.extend(
        [
            ox.Quad(dataset, ox.NamedNode(RDF + "type"), ox.NamedNode(DCAT + "Dataset"), graph),
            ox.Quad(dataset, ox.NamedNode(DCAT + "version"), ox.Literal(release.version), graph),
            ox.Quad(
                dataset,
                ox.NamedNode(DCTERMS + "issued"),
                ox.Literal(release.issued, datatype=ox.NamedNode(XSD + "date")),
                graph,
            ),
        ]
    )


def _load_sipri(
    store: EmbeddedStore, path: Path, report: BuildReport, curated: Iterable[ox.Quad] | None = None
) -> None:
    # The store's iterator is used up here and held by no frame: an error of read_sipri (a malformed
    # register) keeps its frames, and pyoxigraph refuses to drop an iterator on another thread.
    context = curated_context(store.quads(GRAPH_CURATED) if curated is None else curated)
    loaded = read_sipri(path, graph=GRAPH_SIPRI, context=context)
    write_loaded(store, loaded)
    sipri_report = loaded.report
    report.relations = sipri_report.relations
    report.sipri_deals = sipri_report.deals
    report.unmapped_designations = dict(sipri_report.unmapped)
    report.rejoined_rows = len(sipri_report.rejoined_lines)


def _check_sipri_refs(store: EmbeddedStore, refs: dict[str, str]) -> None:
    if not refs:
        return
    values = " ".join(f"<{ID}transfer/sipri/{key}>" for key in refs)
    rows = store.query(
        f"SELECT ?t WHERE {{ VALUES ?t {{ {values} }} ?t a dgb:ArmsTransfer }}", default_graph=[GRAPH_SIPRI]
    )
    found = {r["t"].value.rsplit("/", 1)[-1] for r in rows}  # type: ignore[union-attr]
    missing = sorted(set(refs) - found)
    if missing:
        where = refs[missing[0]]
        raise LoadError(
            f"curated facts attest SIPRI deals that the register does not hold: {', '.join(missing)}",
            path=where.rsplit(":", 1)[0],
            line=int(where.rsplit(":", 1)[1]) if where.rsplit(":", 1)[-1].isdigit() else None,
        )


def list_conflicts(store: GraphStore) -> list[dict[str, str]]:
    """Each recorded conflict with what it concerns, its aspect and the sources on each side."""
    rows = store.query("""
        SELECT ?c (SAMPLE(?label) AS ?concerns) (SAMPLE(?a) AS ?aspect)
               (GROUP_CONCAT(DISTINCT ?key; SEPARATOR=" vs ") AS ?sides) WHERE {
          ?c a dgb:Conflict ; dgb:conflictBetween ?side .
          OPTIONAL { ?c dgb:aspect ?a }
          OPTIONAL { ?c dgb:conflictConcerns/rdfs:label ?label }
          { ?side dgb:source/dgb:sourceKey ?key } UNION { ?side dgb:hasAttestation/dgb:source/dgb:sourceKey ?key }
        } GROUP BY ?c ORDER BY ?c""")
    return [
        {
            "conflict": r["c"].value,
            "concerns": r["concerns"].value if r["concerns"] else r["c"].value,
            "aspect": r["aspect"].value if r["aspect"] else "",
            "sides": r["sides"].value,
        }
        for r in rows  # type: ignore[union-attr]
    ]


def _count_graphs(store: EmbeddedStore) -> dict[str, int]:
    rows = store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    return {r["g"].value: int(r["n"].value) for r in rows}  # type: ignore[union-attr]


def _finish(store: EmbeddedStore, steps: _Steps, report: BuildReport) -> None:
    # A state or source that the curated facts describe is described again by the SIPRI loader; keep
    # each such triple once (in the curated graph), so the union default graph counts it once.
    steps.run(
        "Dropping SIPRI triples the curated facts state",
        lambda: drop_restated(store, GRAPH_SIPRI, over=(GRAPH_CURATED, GRAPH_ONTOLOGY)),
    )
    report.derivation = steps.run("Materializing derived triples", lambda: materialize(store))  # type: ignore[assignment]
    validation: ValidationReport = steps.run("Validating with SHACL", lambda: validate_store(store))  # type: ignore[assignment]
    report.validation = validation
    if not validation.conforms:
        raise ValidationError(
            f"the data violates the SHACL shapes ({len(validation.violations)} violations):\n" + validation.text(),
            validation.violations,
        )
    report.conflicts = list_conflicts(store)
    report.graph_counts = _count_graphs(store)


def build_generation(
    store_dir: Path,
    work: Callable[[EmbeddedStore, _Steps], None],
    report: BuildReport,
    progress: Progress,
    *,
    copy_of: Path | None = None,
    keep_graphs: Callable[[str], bool] = lambda _g: True,
) -> BuildReport:
    """Build a new generation of the store and swap it in.

    The work happens in memory (RocksDB updates and bulk loads on disk are several times slower):
    the graphs of ``copy_of`` that ``keep_graphs`` accepts are read in, ``work`` adds to them, the
    derived graph is recomputed and the result validated; only then are its whole-graph dumps
    written and is it written to a new generation directory with one bulk load and swapped in. On any
    failure the new directory and its dumps are removed and the current store stays as it was.
    """
    steps = _Steps(report, progress)
    memory = EmbeddedStore.open(None)
    if copy_of is not None:
        steps.run("Reading the current store", lambda: _read_generation(copy_of, memory, keep_graphs))
    work(memory, steps)
    _finish(memory, steps, report)
    gen = new_generation(store_dir)
    try:
        steps.run("Writing the downloadable dumps", lambda: write_generation_dumps(memory, store_dir, gen))
        fault_point("build.dumps-written")
        steps.run("Writing the store to disk", lambda: _write_generation(memory, gen))
        fault_point("build.store-written")
        steps.run("Compacting the store", lambda: _compact_generation(gen))
    except BaseException:
        discard_generation(gen)
        discard_generation_dumps(store_dir, gen)
        raise
    swap_generation(store_dir, gen)
    report.generation = gen
    return report


def _read_generation(gen: Path, memory: EmbeddedStore, keep_graphs: Callable[[str], bool]) -> None:
    source = EmbeddedStore.open(gen, read_only=True)
    for graph in source.graphs():
        if keep_graphs(graph) and graph != GRAPH_DERIVED:
            data = io.BytesIO()
            source.dump(data, format=ox.RdfFormat.N_TRIPLES, graph=graph)
            memory.load(data.getvalue(), format=ox.RdfFormat.N_TRIPLES, graph=graph, lenient=True)


def _compact_generation(gen: Path) -> None:
    """Compact the files the bulk loads wrote (:meth:`EmbeddedStore.compact`: every look-up reads fewer)."""
    disk = EmbeddedStore.open(gen)
    disk.compact()
    del disk


def _write_generation(memory: EmbeddedStore, gen: Path) -> None:
    disk = EmbeddedStore.open(gen)
    memory.copy_to(disk)
    disk.flush()
    del disk


def build_store(
    store_dir: Path,
    *,
    sipri_path: Path | None = None,
    curated_dir: Path | None = None,
    progress: Progress | None = None,
    keep_releases: int = KEEP_RELEASES,
) -> BuildReport:
    """Build a fresh store in ``store_dir`` from the ontology, the curated facts and SIPRI, and keep
    what it made as the release it records (:mod:`dragonbear.graph.releases`).

    Args:
        store_dir: the store directory (created if missing).
        sipri_path: a SIPRI register file in either layout (default: the shipped extract).
        curated_dir: a folder of curated TOML files (default: the shipped ones).
        progress: called with a line of text at the start and end of each step.
        keep_releases: how many releases the store keeps (0: none).

    Returns:
        The build report.

    Raises:
        LoadError: a source file is malformed (with file, line and column).
        ValidationError: the data violates the SHACL shapes.
        StoreError: the store cannot be written.
    """
    progress = progress or stderr_progress
    report = BuildReport(store_dir)

    def work(store: EmbeddedStore, steps: _Steps) -> None:
        steps.run("Loading the ontology", lambda: load_ontology(store))
        curated = steps.run("Loading curated facts", lambda: load_curated(curated_dir or shipped_data("curated")))
        write_loaded(store, curated)  # type: ignore[arg-type]
        steps.run(
            "Loading the SIPRI register",
            lambda: _load_sipri(store, sipri_path or shipped_data("sipri/extract.csv"), report, curated.quads),  # type: ignore[attr-defined]
        )
        steps.run("Checking SIPRI references", lambda: _check_sipri_refs(store, curated.report.sipri_refs))  # type: ignore[attr-defined]

    try:
        with write_lock(store_dir):  # a write of the server's, or a load, waits: neither is lost under the swap
            build_generation(store_dir, work, report, progress)
            if report.generation is not None:
                try:
                    report.release = keep_release(store_dir, report.generation, keep=keep_releases)
                except StoreError as exc:  # the build is live; only its copy at /v/RELEASE/ is missing
                    report.release_problem = str(exc)
            return report
    except OSError as exc:
        if disk_is_full(exc):
            raise StorageFullError.at(store_dir, "the build") from exc
        raise StoreError(f"cannot write the store in {store_dir}: {exc}") from exc


def replace_sipri(store_dir: Path, sipri_path: Path, *, progress: Progress | None = None) -> BuildReport:
    """Replace the SIPRI graph of the store with the register in ``sipri_path``, atomically.

    The current generation is read without its SIPRI graph, the register loaded, the derived graph
    recomputed and the result validated before it is written as a new generation and swapped in.
    """
    progress = progress or stderr_progress
    report = BuildReport(store_dir)

    def work(store: EmbeddedStore, steps: _Steps) -> None:
        steps.run("Loading the SIPRI register", lambda: _reload_sipri(store, sipri_path, report))

    if current_generation(store_dir) is None:
        raise StoreError(f"no store at {store_dir}: run `dragonbear build` first")
    with write_lock(store_dir):  # read the generation the last write made, and let none come between
        current = current_generation(store_dir)
        assert current is not None
        return build_generation(
            store_dir, work, report, progress, copy_of=current, keep_graphs=lambda g: g != GRAPH_SIPRI
        )


def _reload_sipri(store: EmbeddedStore, path: Path, report: BuildReport) -> None:
    _load_sipri(store, path, report)
    rows = store.query(
        "SELECT DISTINCT ?t WHERE { ?t dgb:hasAttestation ?a FILTER(STRSTARTS(STR(?t), STR(sipri:))) }",
        default_graph=[GRAPH_CURATED],
    )
    _check_sipri_refs(store, {r["t"].value.rsplit("/", 1)[-1]: "curated facts" for r in rows})  # type: ignore[union-attr]

"""Loads from a checkpoint: the new generation shares the current one's files, the derived graph and the
validation come out as a full rebuild's would, and bad input changes nothing (issue 13)."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from pathlib import Path

import pyoxigraph as ox
import pytest

from dragonbear.errors import ValidationError
from dragonbear.graph.derive import materialize
from dragonbear.graph.derive_delta import IncrementalUnsupported, update_derived
from dragonbear.graph.focus_validation import changed_focus_nodes, shape_reach, validate_nodes
from dragonbear.graph.store import EmbeddedStore, current_generation, open_store
from dragonbear.graph.validation import validate_store
from dragonbear.loaders.wikidata import convert_wikidata
from dragonbear.namespaces import GRAPH_CURATED, GRAPH_DERIVED, GRAPH_WIKIDATA
from dragonbear.pipeline.build import BuildReport
from dragonbear.pipeline.dumps import NO_DUMPS
from dragonbear.pipeline.update import load_files
from dragonbear.pipeline.wikidata import read_link_context

from ..conftest import copy_store, run_cli

# Each test makes new generations of a store of its own (loads from checkpoints, rebuilds to compare).
pytestmark = pytest.mark.slow

WIKIDATA = Path(__file__).resolve().parent.parent / "data" / "wikidata"
PREFIXES = """@prefix dgb: <https://w3id.org/dragonbear/ontology#> .
@prefix id: <https://w3id.org/dragonbear/id/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
"""
# Two new systems, a licensed production between them with its attestation and source, a Russian name.
NEW_LINEAGE = (
    PREFIXES
    + """
id:system\\/test-origin a dgb:SystemModel ; rdfs:label "Test origin"@en ; dgb:category dgb:FighterAircraft .
id:system\\/test-copy a dgb:SystemModel ; rdfs:label "Test copy"@en ; skos:altLabel "Тест-копия"@ru ;
    dgb:category dgb:FighterAircraft .
id:source\\/test-note a dgb:SourceDocument ; dcterms:title "Test note" ; dgb:sourceKey "test-note" .
id:derivation\\/test-copy-from-origin a dgb:Derivation ; dgb:derivedSystem id:system\\/test-copy ;
    dgb:sourceSystem id:system\\/test-origin ; dgb:derivationKind dgb:LicensedProduction ;
    dgb:hasAttestation id:derivation\\/test-copy-from-origin\\#att .
id:derivation\\/test-copy-from-origin\\#att a dgb:Attestation ; dgb:source id:source\\/test-note ;
    dgb:stance dgb:Asserts ; dgb:sourceReliability dgb:ReliabilityC .
"""
)
# Links between lineages the shipped graph holds (closures through the new edges), a fit, a variant.
JOINED_LINEAGES = (
    PREFIXES
    + """
id:derivation\\/test-su-27-from-s-300 a dgb:Derivation ; dgb:derivedSystem id:system\\/su-27 ;
    dgb:sourceSystem id:system\\/s-300 ; dgb:derivationKind dgb:DerivedDesign ;
    dgb:hasAttestation id:derivation\\/test-su-27-from-s-300\\#att .
id:derivation\\/test-hq-9-from-j-15 a dgb:Derivation ; dgb:derivedSystem id:system\\/hq-9 ;
    dgb:sourceSystem id:system\\/j-15 ; dgb:derivationKind dgb:ModeledAfter ;
    dgb:hasAttestation id:derivation\\/test-hq-9-from-j-15\\#att .
id:fit\\/test-j-11-s-300 a dgb:ComponentFit ; dgb:platform id:system\\/j-11 ; dgb:component id:system\\/s-300 ;
    dgb:hasAttestation id:fit\\/test-j-11-s-300\\#att .
id:derivation\\/test-su-27-from-s-300\\#att a dgb:Attestation ; dgb:source id:source\\/partnership-2025 ;
    dgb:stance dgb:Hedged .
id:derivation\\/test-hq-9-from-j-15\\#att a dgb:Attestation ; dgb:source id:source\\/partnership-2025 ;
    dgb:stance dgb:Asserts .
id:fit\\/test-j-11-s-300\\#att a dgb:Attestation ; dgb:source id:source\\/partnership-2025 ;
    dgb:stance dgb:Asserts .
id:system\\/j-16 dgb:variantOf id:system\\/j-11 ; skos:hiddenLabel "jian sixteen" .
"""
)
DEPRECATION = PREFIXES + "id:derivation\\/hq-9-modeled-after-s-300 dgb:rank dgb:DeprecatedRank .\n"


def _quads(turtle: str, graph: str = "http://example.org/test") -> list[ox.Quad]:
    return [
        ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(graph))
        for t in ox.parse(turtle.encode(), format=ox.RdfFormat.TURTLE)
    ]


def _second_attestation(store: EmbeddedStore) -> str:
    """A curated statement given a second attestation (every grade of the statement changes)."""
    row = next(
        iter(
            store.select(
                f"SELECT ?s WHERE {{ GRAPH <{GRAPH_CURATED}> {{ ?s dgb:hasAttestation ?a }} }} ORDER BY ?s LIMIT 1"
            )
        )
    )
    statement = row["s"].value  # type: ignore[union-attr]
    return (
        PREFIXES + f"<{statement}> dgb:hasAttestation <{statement}#att-test> .\n"
        f"<{statement}#att-test> a dgb:Attestation ; dgb:source id:source\\/partnership-2025 ; "
        "dgb:stance dgb:Denies ; dgb:sourceReliability dgb:ReliabilityA .\n"
    )


@pytest.fixture(scope="module")
def shipped_nquads(built: tuple[Path, BuildReport]) -> bytes:
    """Every quad of the shipped graph (derived graph included), to copy into memory."""
    data = io.BytesIO()
    open_store(built[0], read_only=True).dump(data, format=ox.RdfFormat.N_QUADS)
    return data.getvalue()


def _in_memory(nquads: bytes, extra: Sequence[ox.Quad] = ()) -> EmbeddedStore:
    store = EmbeddedStore.open(None)
    store.load(nquads, format=ox.RdfFormat.N_QUADS)
    if extra:  # a prior state: the extra quads with the derived graph recomputed
        store.extend(extra)
        materialize(store)
    return store


def _derived(store: EmbeddedStore) -> set[ox.Quad]:
    return set(store.quads(GRAPH_DERIVED))


def _change(store: EmbeddedStore, added: Sequence[ox.Quad], drop: Sequence[str]) -> Callable[[], None]:
    def change() -> None:
        for graph in drop:
            store.drop_graph(graph)
        store.extend(added)

    return change


def _wikidata(store_nquads: bytes, files: list[Path]) -> list[ox.Quad]:
    return list(convert_wikidata(files, read_link_context(_in_memory(store_nquads))).quads)


SLOW = pytest.mark.slow
SCENARIOS = [
    "new lineage",
    "joined lineages",
    "deprecation",
    "second attestation",
    "restated derived triple",
    pytest.param("wikidata added", marks=SLOW),
    "wikidata replaced",
    pytest.param("wikidata removed", marks=SLOW),
    "joined lineages removed",
]


def _scenario(nquads: bytes, name: str) -> tuple[list[ox.Quad], list[ox.Quad], list[str]]:
    """The quads in the store before, the quads added, and the graphs dropped, of one scenario."""
    texts = {
        "new lineage": NEW_LINEAGE,
        "joined lineages": JOINED_LINEAGES,
        "deprecation": DEPRECATION,
        "restated derived triple": PREFIXES + "id:system\\/j-11 dgb:derivedFrom id:system\\/su-27sk .\n",
    }
    if name in texts:
        return [], _quads(texts[name]), []
    if name == "second attestation":
        return [], _quads(_second_attestation(_in_memory(nquads))), []
    if name == "joined lineages removed":
        return _quads(JOINED_LINEAGES, "http://example.org/prior"), [], ["http://example.org/prior"]
    every = _wikidata(
        nquads, [WIKIDATA / "Q173680.json", WIKIDATA / "dump-lines.json", WIKIDATA / "sparql-results.json"]
    )
    if name == "wikidata added":
        return [], every, []
    one = _wikidata(nquads, [WIKIDATA / "Q173680.json"]) if name == "wikidata replaced" else []
    return every, one, [GRAPH_WIKIDATA]


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_update_derived_gives_what_materialize_gives(shipped_nquads: bytes, scenario: str) -> None:
    prior, added, drop = _scenario(shipped_nquads, scenario)
    incremental, full = _in_memory(shipped_nquads, prior), _in_memory(shipped_nquads, prior)
    removed = [q for graph in drop for q in incremental.quads(graph)]
    before = _derived(incremental)
    update_derived(incremental, _change(incremental, added, drop), added=added, removed=removed)
    _change(full, added, drop)()
    materialize(full)
    assert _derived(incremental) == _derived(full)
    assert _derived(full) != before  # the scenario changes the derived graph


def test_update_derived_refuses_a_closure_that_materialize_would_skip(shipped_nquads: bytes) -> None:
    store = _in_memory(shipped_nquads)
    added = _quads(JOINED_LINEAGES)
    with pytest.raises(IncrementalUnsupported, match="technologyAncestor"):
        update_derived(store, _change(store, added, []), added=added, removed=[], max_closure=5)


def _violations(report: object) -> set[tuple[str, str, str, str]]:
    return {(v["focus"], v["path"], v["constraint"], v["value"]) for v in report.violations}  # type: ignore[attr-defined]


VIOLATIONS = {
    "second English preferred label": 'id:system\\/j-11 skos:prefLabel "Another name"@en .\n',
    "category outside its scheme": 'id:system\\/j-11 dgb:category dgb:Nonsense ; dgb:startYear "soon" .\n',
    "attestation of a second statement": None,  # an existing attestation: found through sh:inversePath
    "conforming lineage": "",
}


@pytest.mark.parametrize("case", list(VIOLATIONS))
def test_validating_the_touched_nodes_finds_what_validating_everything_finds(shipped_nquads: bytes, case: str) -> None:
    store = _in_memory(shipped_nquads)
    before = _violations(validate_store(store))
    text = VIOLATIONS[case]
    if text is None:
        row = next(
            iter(
                store.select(
                    f"SELECT ?a WHERE {{ GRAPH <{GRAPH_CURATED}> {{ ?s dgb:hasAttestation ?a }} }} ORDER BY ?a LIMIT 1"
                )
            )
        )
        text = f'id:claim\\/test a dgb:Claim ; dgb:statement "test"@en ; dgb:hasAttestation <{row["a"].value}> .\n'  # type: ignore[union-attr]
    added = _quads(PREFIXES + (text or NEW_LINEAGE))
    store.extend(added)
    reach = shape_reach()
    nodes = changed_focus_nodes(store, reach, added=added)
    assert nodes is not None
    local = _violations(validate_nodes(store, nodes, reach=reach))
    everything = _violations(validate_store(store))
    assert local == {v for v in everything if v[0] in {n.value for n in nodes}}
    assert everything - before <= local
    assert bool(local) == (case != "conforming lineage")


def test_validating_after_a_removal_finds_values_that_lost_their_type(shipped_nquads: bytes) -> None:
    typed = _quads(
        PREFIXES + 'id:system\\/test-radar a dgb:SystemModel ; rdfs:label "Test radar"@en ; dgb:category dgb:Radar .\n',
        "http://example.org/types",
    )
    fit = _quads(
        PREFIXES + "id:fit\\/test a dgb:ComponentFit ; dgb:platform id:system\\/j-11 ; "
        "dgb:component id:system\\/test-radar .\n"
    )
    store = _in_memory(shipped_nquads, [*typed, *fit])
    before = _violations(validate_store(store))
    store.drop_graph("http://example.org/types")
    reach = shape_reach()
    nodes = changed_focus_nodes(store, reach, added=[], removed=typed)
    local = _violations(validate_nodes(store, nodes or set(), reach=reach))
    new = _violations(validate_store(store)) - before
    assert {(v[0], v[1]) for v in new} == {
        ("https://w3id.org/dragonbear/id/fit/test", "https://w3id.org/dragonbear/ontology#component")
    }
    assert new <= local


# --- the command: checkpoints, atomicity ------------------------------------------------------------------


def _inodes(gen: Path) -> dict[int, int]:
    """Inode and link count of each RocksDB table file of a generation."""
    return {p.stat().st_ino: p.stat().st_nlink for p in gen.glob("*.sst")}


def _snapshot(store_dir: Path) -> tuple[Path | None, list[str], int]:
    """What `current` points at, the generations on disk, and how many quads the store holds."""
    return (
        current_generation(store_dir),
        sorted(p.name for p in store_dir.glob("gen-*")),
        len(open_store(store_dir, read_only=True)),
    )


def test_load_makes_the_new_generation_from_a_checkpoint_sharing_files_by_hard_link(
    built: tuple[Path, BuildReport], tmp_path: Path
) -> None:
    store_dir = copy_store(built[0], tmp_path / "store")
    before = current_generation(store_dir)
    assert before is not None and _inodes(before)
    data = tmp_path / "lineage.ttl"
    data.write_text(NEW_LINEAGE, encoding="utf-8")
    result = run_cli("load", str(data), "--store", str(store_dir))
    assert result.returncode == 0, result.stderr
    after = current_generation(store_dir)
    assert after is not None and after != before
    shared = set(_inodes(before)) & set(_inodes(after))
    assert shared, "the new generation shares no table file with the one it was made from"
    assert all(_inodes(after)[inode] >= 2 for inode in shared)
    store = open_store(store_dir, read_only=True)
    assert store.ask(
        "ASK { GRAPH <https://w3id.org/dragonbear/graph/derived> { "
        "system:test-copy dgb:licensedProductionOf system:test-origin ; "
        "dgb:technologyAncestor system:test-origin ; dgb:nameKey 'testkopiya' } }"
    )
    assert store.ask(
        "ASK { GRAPH <https://w3id.org/dragonbear/graph/derived> { "
        "<https://w3id.org/dragonbear/id/derivation/test-copy-from-origin#att> dgb:grade 'C3' } }"
    )


def test_load_gives_the_derived_graph_a_rebuild_gives(built: tuple[Path, BuildReport], tmp_path: Path) -> None:
    store_dir = copy_store(built[0], tmp_path / "store")
    for n, text in enumerate((JOINED_LINEAGES, NEW_LINEAGE)):
        data = tmp_path / f"change-{n}.ttl"
        data.write_text(text, encoding="utf-8")
        load_files(store_dir, [data])
    loaded = open_store(store_dir, read_only=True)
    rebuilt = EmbeddedStore.open(None)
    rebuilt.extend(q for q in loaded.quads() if q.graph_name != ox.NamedNode(GRAPH_DERIVED))
    materialize(rebuilt)
    assert _derived(loaded) == _derived(rebuilt)


def test_a_violation_leaves_current_and_its_contents_unchanged(built: tuple[Path, BuildReport], tmp_path: Path) -> None:
    store_dir = copy_store(built[0], tmp_path / "store")
    before = _snapshot(store_dir)
    attestation = next(
        iter(
            open_store(store_dir, read_only=True).select(
                f"SELECT ?a WHERE {{ GRAPH <{GRAPH_CURATED}> {{ ?s dgb:hasAttestation ?a }} }} ORDER BY ?a LIMIT 1"
            )
        )
    )["a"]
    bad = tmp_path / "bad.ttl"  # a claim that takes over an existing attestation (which then has two statements)
    bad.write_text(
        PREFIXES + f'id:claim\\/test a dgb:Claim ; dgb:statement "test"@en ; '
        f"dgb:hasAttestation <{attestation.value}> .\n",
        encoding="utf-8",
    )  # type: ignore[union-attr]
    with pytest.raises(ValidationError) as info:
        load_files(store_dir, [bad])
    assert any(v["focus"] == attestation.value for v in info.value.violations)  # type: ignore[union-attr]
    assert _snapshot(store_dir) == before


def test_a_malformed_file_leaves_current_and_its_contents_unchanged(
    built: tuple[Path, BuildReport], tmp_path: Path
) -> None:
    store_dir = copy_store(built[0], tmp_path / "store")
    before = _snapshot(store_dir)
    bad = tmp_path / "bad.ttl"
    bad.write_text(NEW_LINEAGE + "id:system\\/x rdfs:label oops .\n", encoding="utf-8")
    result = run_cli("load", str(bad), "--store", str(store_dir))
    assert result.returncode == 2 and f"{bad}:" in result.stderr and "Traceback" not in result.stderr
    assert _snapshot(store_dir) == before


def test_a_generation_left_by_a_killed_load_is_never_used_and_swept_by_the_next(
    built: tuple[Path, BuildReport], tmp_path: Path
) -> None:
    store_dir = copy_store(built[0], tmp_path / "store")
    previous = current_generation(store_dir)
    assert previous is not None
    # What a load killed after its checkpoint leaves: a newer generation that `current` never pointed at.
    stray = store_dir / "gen-99991231T235959-dead00"
    EmbeddedStore.open(previous, read_only=True).backup(stray)
    EmbeddedStore.open(stray).extend(_quads(PREFIXES + 'id:system\\/j-11 rdfs:comment "half-written" .\n'))
    assert current_generation(store_dir) == previous
    data = tmp_path / "lineage.ttl"
    data.write_text(NEW_LINEAGE, encoding="utf-8")
    load_files(store_dir, [data])
    assert not stray.exists()
    assert sorted(store_dir.glob("gen-*")) == sorted([previous, current_generation(store_dir)])  # type: ignore[list-item]
    assert not open_store(store_dir, read_only=True).ask('ASK { ?s rdfs:comment "half-written" }')


@pytest.mark.slow
def test_reloading_wikidata_gives_the_derived_graph_a_rebuild_gives(
    built: tuple[Path, BuildReport], tmp_path: Path
) -> None:
    store_dir = copy_store(built[0], tmp_path / "store")
    before = _inodes(current_generation(store_dir))  # type: ignore[arg-type]
    for files in ([WIKIDATA / "Q173680.json", WIKIDATA / "dump-lines.json"], [WIKIDATA / "sparql-results.json"]):
        result = run_cli("load-wikidata", *map(str, files), store_dir=store_dir)
        assert result.returncode == 0, result.stderr
    assert set(before) & set(_inodes(current_generation(store_dir)))  # type: ignore[arg-type]
    loaded = open_store(store_dir, read_only=True)
    rebuilt = EmbeddedStore.open(None)
    rebuilt.extend(q for q in loaded.quads() if q.graph_name != ox.NamedNode(GRAPH_DERIVED))
    materialize(rebuilt)
    assert _derived(loaded) == _derived(rebuilt)


# --- a store holding the full SIPRI register ---------------------------------------------------------------


@pytest.mark.slow
def test_load_onto_the_full_register_checkpoints_derives_and_validates(
    full_register: tuple[Path, str], tmp_path: Path
) -> None:
    full_register_dir = copy_store(full_register[0], tmp_path / "store")  # written: a copy of the session's
    # No dumps of the new generation: a process would spend about 45 CPU-s on them after the test has
    # ended (the dumps of a load are tested on smaller stores: tests/pipeline/test_build_dumps.py).
    (full_register_dir / NO_DUMPS).touch()
    before = current_generation(full_register_dir)
    assert before is not None
    data = tmp_path / "lineage.ttl"
    data.write_text(NEW_LINEAGE, encoding="utf-8")
    result = run_cli("load", str(data), "--store", str(full_register_dir))
    assert result.returncode == 0, result.stderr
    after = current_generation(full_register_dir)
    assert after is not None and set(_inodes(before)) & set(_inodes(after))
    store = open_store(full_register_dir, read_only=True)
    assert store.ask(
        "ASK { GRAPH <https://w3id.org/dragonbear/graph/derived> { "
        "system:test-copy dgb:derivedFrom system:test-origin . "
        "system:test-origin dgb:hasDerivative system:test-copy } }"
    )
    assert store.ask("ASK { ?t a dgb:ArmsTransfer ; dgb:supplier state:brazil }")  # the register is all there
    bad = tmp_path / "bad.ttl"
    bad.write_text(PREFIXES + 'id:system\\/test-copy skos:prefLabel "One"@en , "Two"@en .\n', encoding="utf-8")
    result = run_cli("load", str(bad), "--store", str(full_register_dir))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "test-copy" in result.stderr
    assert current_generation(full_register_dir) == after

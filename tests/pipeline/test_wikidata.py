"""The Wikidata loader: the three file formats, what is imported with which provenance, conflicts, atomicity."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import pyoxigraph as ox
import pytest

from dragonbear.errors import LoadError
from dragonbear.graph.store import EmbeddedStore, current_generation, open_store
from dragonbear.loaders.wikidata_context import LinkContext
from dragonbear.loaders.wikidata_formats import ItemRecord, ItemValue, read_wikidata_file
from dragonbear.loaders.wikidata_statements import StatementWriter
from dragonbear.namespaces import GRAPH_WIKIDATA, ID, WD
from dragonbear.pipeline.build import BuildReport

from ..conftest import cli, copy_store

DATA = Path(__file__).resolve().parent.parent / "data" / "wikidata"
FILES = [DATA / "Q173680.json", DATA / "dump-lines.json", DATA / "sparql-results.json"]
SYSTEM = ID + "system/"


@pytest.fixture(scope="module")
def loaded(built: tuple[Path, BuildReport], tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A copy of the shipped store after `dragonbear load-wikidata` of the three fixture files."""
    store_dir = copy_store(built[0], tmp_path_factory.mktemp("wikidata") / "store")
    result = cli("load-wikidata", *map(str, FILES), store_dir=store_dir)
    assert result.returncode == 0, result.stderr
    return store_dir, result.stdout


def select(store: EmbeddedStore, query: str) -> list[dict[str, str]]:
    rows = store.query(query)
    assert isinstance(rows, ox.QuerySolutions)
    names = [v.value for v in rows.variables]
    return [{n: r[n].value for n in names if r[n] is not None} for r in rows]


# --- formats ------------------------------------------------------------------------------------------


def _gzipped_dump(tmp_path: Path) -> Path:
    target = tmp_path / "dump-lines.json.gz"
    target.write_bytes(gzip.compress((DATA / "dump-lines.json").read_bytes()))
    return target


@pytest.mark.parametrize(
    "make,form,qids",
    [
        pytest.param(lambda _t: DATA / "Q173680.json", "entity-json", ["Q173680"], id="entity-json"),
        pytest.param(lambda _t: DATA / "dump-lines.json", "dump", ["Q245275", "Q39600", "Q4115189"], id="dump-lines"),
        pytest.param(_gzipped_dump, "dump", ["Q245275", "Q39600", "Q4115189"], id="dump-lines-gzip"),
        pytest.param(
            lambda _t: DATA / "sparql-results.json",
            "sparql-results",
            ["Q635779", "Q740536", "Q15397819"],
            id="sparql-results",
        ),
    ],
)
def test_reader_yields_the_items_of_each_format(tmp_path: Path, make, form: str, qids: list[str]) -> None:  # type: ignore[no-untyped-def]
    items = list(read_wikidata_file(make(tmp_path)))
    assert [i.qid for i in items] == qids
    assert {i.form for i in items} == {form}


def test_reader_keeps_revision_modified_and_time_precision() -> None:
    (su27,) = read_wikidata_file(DATA / "Q173680.json")
    assert (su27.revision, su27.modified) == (2150000001, "2024-05-02T08:15:00Z")
    assert su27.aliases["ru"] == ["Т-10"]
    entry = [v for v in su27.values if v.pid == "P729"]
    assert [(v.time, v.precision) for v in entry] == [("+1985-00-00T00:00:00Z", 9)]
    assert su27.skipped_values == {"P176": 1}  # the somevalue statement
    assert all(v.pid != "P31" for v in su27.values)  # not an imported property


def test_reader_reads_sparql_labels_aliases_and_infers_time_precision() -> None:
    j10 = next(i for i in read_wikidata_file(DATA / "sparql-results.json") if i.qid == "Q635779")
    assert j10.labels == {"zh": "歼-10", "ru": "Цзянь-10"}
    assert j10.aliases == {"zh": ["殲-10", "猛龙"]}
    assert sorted((v.pid, v.qid, v.precision) for v in j10.values) == [("P137", "Q148", None), ("P729", None, 9)]


@pytest.mark.parametrize(
    "text,line,column",
    [
        pytest.param('[\n{"type":"item","id":"Q1"},\n  {"type":"item" "id":"Q2"},\n]\n', 3, 18, id="dump-line-syntax"),
        pytest.param('{"entities": {"Q1": {"id": "Q1",\n  "labels": {]}}}', 2, 14, id="entity-json-syntax"),
        pytest.param('[\n{"type":"item","id":"Q1"},\n]\n{"x":1}\n', 4, 1, id="text-after-dump"),
        pytest.param('{"head": {"vars": ["x"]}, "results": {"bindings": []}}', 1, 1, id="results-without-item"),
        pytest.param("<html>", 1, 1, id="not-json"),
    ],
)
def test_reader_rejects_bad_files_with_line_and_column(tmp_path: Path, text: str, line: int, column: int) -> None:
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LoadError) as caught:
        list(read_wikidata_file(path))
    assert (caught.value.path, caught.value.line, caught.value.column) == (str(path), line, column)
    assert str(caught.value).startswith(f"{path}:{line}:{column}: ")


# --- conflict rules, on a hand-made context ------------------------------------------------------------

SYS, ATT = SYSTEM + "x", SYSTEM + "x#att-doc"


def _writer(curated: dict[tuple[str, str], set[str]]) -> StatementWriter:
    context = LinkContext(
        entities_of={"Q1": [SYS], "Q159": [ID + "state/russia"], "Q148": [ID + "state/china"]},
        labels={SYS: "X"},
        curated=curated,
        attestations={SYS: [ATT]},
    )
    return StatementWriter(context)


@pytest.mark.parametrize(
    "curated,value,aspect",
    [
        pytest.param(
            {(SYS, "serviceEntry"): {"1990"}},
            ItemValue("P729", time="+1985-00-00T00:00:00Z", precision=9),
            "year",
            id="service-entry-year-differs",
        ),
        pytest.param(
            {(SYS, "serviceEntry"): {"1985-06"}},
            ItemValue("P729", time="+1985-00-00T00:00:00Z", precision=9),
            None,
            id="service-entry-same-year",
        ),
        pytest.param(
            {(SYS, "countryOfOrigin"): {ID + "state/china"}},
            ItemValue("P495", qid="Q159"),
            "fact",
            id="country-differs",
        ),
        pytest.param(
            {(SYS, "countryOfOrigin"): {ID + "state/russia"}}, ItemValue("P495", qid="Q159"), None, id="country-agrees"
        ),
        pytest.param(
            {(SYS, "countryOfOrigin"): {ID + "state/china"}},
            ItemValue("P495", qid="Q159", rank="deprecated"),
            None,
            id="deprecated-statement-never-conflicts",
        ),
        pytest.param(
            {(SYS, "manufacturer"): {ID + "org/unlinked"}},
            ItemValue("P176", qid="Q99"),
            None,
            id="unlinked-on-both-sides-is-undecidable",
        ),
    ],
)
def test_conflict_recorded_only_where_wikidata_contradicts_curated_facts(
    curated,
    value: ItemValue,  # type: ignore[no-untyped-def]
    aspect: str | None,
) -> None:
    writer = _writer(curated)
    item = ItemRecord("Q1", values=[value], revision=7)
    source = writer.source(item)
    if value.pid == "P729":
        assert writer.service_entry(SYS, item, value, source)
    else:
        writer.claim(SYS, item, value, source)
    lines = writer.conflicts()
    store = ox.Store()
    store.extend(writer.quads)
    found = [
        (q.subject.value, q.object.value)
        for q in store.quads_for_pattern(None, ox.NamedNode("https://w3id.org/dragonbear/ontology#aspect"), None, None)
    ]
    assert [a for _, a in found] == ([aspect] if aspect else [])
    assert len(lines) == (1 if aspect else 0)


# --- the load, as a user runs it ------------------------------------------------------------------------


def test_load_reports_what_it_imported_and_skipped(loaded: tuple[Path, str]) -> None:
    out = loaded[1]
    assert "imported (linked by skos:exactMatch): 5" in out
    assert "2 not linked to an entity of ours" in out
    assert "derivative work (P4969) to an item not linked to ours 1" in out
    assert "SHACL: conforms" in out


def test_load_adds_russian_and_chinese_names_that_resolve(loaded: tuple[Path, str]) -> None:
    store = open_store(loaded[0], read_only=True)
    names = select(
        store,
        f"""SELECT ?name (LANG(?name) AS ?lang) WHERE {{
        GRAPH <{GRAPH_WIKIDATA}> {{ <{SYSTEM}su-27> skos:altLabel ?name }} }} ORDER BY ?name""",
    )
    assert names == [{"name": "Т-10", "lang": "ru"}, {"name": "蘇愷-27", "lang": "zh-hant"}]
    resolved = cli("resolve", "Су-27М", "--format", "json", store_dir=loaded[0])
    assert resolved.returncode == 0, resolved.stderr
    assert f'"{SYSTEM}su-35"' in resolved.stdout


def test_based_on_becomes_a_derivation_with_wikidata_provenance(loaded: tuple[Path, str]) -> None:
    store = open_store(loaded[0], read_only=True)
    rows = select(
        store,
        f"""SELECT ?d ?kind ?confidence ?key ?title ?modified ?note ?locator WHERE {{
        GRAPH <{GRAPH_WIKIDATA}> {{
          ?d a dgb:Derivation ; dgb:derivedSystem <{SYSTEM}su-35> ; dgb:sourceSystem <{SYSTEM}su-27> ;
             dgb:derivationKind ?kind ; dgb:confidence ?confidence ; dgb:hasAttestation ?att .
          ?att dgb:source ?src ; dgb:locator ?locator .
          ?src dgb:sourceKey ?key ; dcterms:title ?title ; dcterms:modified ?modified ; dgb:note ?note }} }}
        ORDER BY ?key""",
    )
    assert [r["key"] for r in rows] == ["wikidata-q173680-r2150000001", "wikidata-q245275-r2150000002"]
    assert {r["kind"].rsplit("#")[-1] for r in rows} == {"DerivedDesign"}
    assert float(rows[0]["confidence"]) < 0.6  # below every curated default
    assert "revision 2150000002" in rows[1]["title"] and rows[1]["modified"] == "2024-06-11T17:40:05Z"
    assert "dump-lines.json" in rows[1]["note"] and "Q173680.json" in rows[0]["note"]
    assert rows[1]["locator"].startswith("Q245275 P144 (based on), statement Q245275$")


def test_service_entry_keeps_wikidata_precision_as_datatype(loaded: tuple[Path, str]) -> None:
    store = open_store(loaded[0], read_only=True)
    rows = select(
        store,
        f"""SELECT ?s ?date (DATATYPE(?date) AS ?type) WHERE {{ GRAPH <{GRAPH_WIKIDATA}> {{
        ?c dgb:claimPredicate dgb:serviceEntry ; dgb:claimSubject ?s ; dgb:serviceEntry ?date }} }} ORDER BY ?s""",
    )
    assert [(r["s"].rsplit("/")[-1], r["date"], r["type"].rsplit("#")[-1]) for r in rows] == [
        ("j-10", "2006", "gYear"),
        ("l-15", "2013-06-15", "date"),
        ("su-27", "1985", "gYear"),
    ]


def test_unlinked_items_and_unlinked_based_on_targets_are_not_imported(loaded: tuple[Path, str]) -> None:
    store = open_store(loaded[0], read_only=True)
    for qid in ("Q4115189", "Q15397819"):
        assert not select(store, f"SELECT * WHERE {{ GRAPH <{GRAPH_WIKIDATA}> {{ ?s ?p <{WD}{qid}> }} }}")
        assert not select(
            store,
            f"SELECT * WHERE {{ GRAPH <{GRAPH_WIKIDATA}> {{ ?s ?p ?o }} "
            f"FILTER(CONTAINS(LCASE(STR(?s)), '{qid.lower()}')) }}",
        )


def test_disagreements_are_listed_by_the_conflicts_query(loaded: tuple[Path, str]) -> None:
    result = cli("query", "conflicts", "--format", "csv", store_dir=loaded[0])
    assert result.returncode == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if "/conflict/wikidata-" in line]
    country = [r for r in rows if "wikidata-q173680-p495" in r]
    assert any("Wikidata item Q173680" in r for r in country)  # the Wikidata side, with its source
    assert any("partnership-2025" in r for r in country)  # the curated side
    based_on = [r for r in rows if "wikidata-q39600-based-on" in r]
    assert any("h-6-licensed-from-tu-16" in r for r in based_on)
    assert any("wikidata-q39600-r2150000004" in r for r in based_on)


def test_store_still_validates_after_the_load(loaded: tuple[Path, str]) -> None:
    result = cli("validate", store_dir=loaded[0])
    assert result.returncode == 0, result.stdout + result.stderr


def test_malformed_file_names_line_and_column_and_leaves_store_unchanged(
    built: tuple[Path, BuildReport], tmp_path: Path
) -> None:
    store_dir = copy_store(built[0], tmp_path / "store")
    before = (current_generation(store_dir), sorted(os.listdir(store_dir)))
    result = cli("load-wikidata", str(DATA / "Q173680.json"), str(DATA / "malformed-dump.json"), store_dir=store_dir)
    assert result.returncode == 2
    assert f"{DATA / 'malformed-dump.json'}:3:" in result.stderr and "Traceback" not in result.stderr
    assert (current_generation(store_dir), sorted(os.listdir(store_dir))) == before
    assert GRAPH_WIKIDATA not in open_store(store_dir, read_only=True).graphs()


@pytest.mark.slow
def test_reload_replaces_the_wikidata_graph(loaded: tuple[Path, str], tmp_path: Path) -> None:
    store_dir = copy_store(loaded[0], tmp_path / "store")
    result = cli("load-wikidata", str(DATA / "Q173680.json"), store_dir=store_dir)
    assert result.returncode == 0, result.stderr
    store = open_store(store_dir, read_only=True)
    subjects = {
        r["s"]
        for r in select(store, f"SELECT DISTINCT ?s WHERE {{ GRAPH <{GRAPH_WIKIDATA}> {{ ?c dgb:claimSubject ?s }} }}")
    }
    assert subjects == {SYSTEM + "su-27"}
    assert not select(store, f"SELECT * WHERE {{ GRAPH <{GRAPH_WIKIDATA}> {{ ?c dgb:derivedSystem <{SYSTEM}h-6> }} }}")


def test_load_without_a_store_says_to_build_first(tmp_path: Path) -> None:
    result = cli("load-wikidata", str(DATA / "Q173680.json"), store_dir=tmp_path / "none")
    assert result.returncode == 2
    assert "run `dragonbear build` first" in result.stderr

"""External links: the checked ids of linked-data-ids.md, `dragonbear link --coverage` and `--suggest`."""

from __future__ import annotations

import csv
import io
import json
import os
import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from dragonbear.graph.store import EmbeddedStore, current_generation
from dragonbear.loaders.curated_terms import dbpedia_iri
from dragonbear.namespaces import DBR, GRAPH_CURATED, GRAPH_ONTOLOGY, ID, WD
from dragonbear.pipeline.build import BuildReport
from dragonbear.pipeline.links import link_coverage, read_external_names, suggest_links

from ..conftest import SHARED, cli

IDS_FILE = SHARED / "design" / "linked-data-ids.md"
DATA = Path(__file__).resolve().parent.parent / "data" / "wikidata"
needs_ids_file = pytest.mark.skipif(not IDS_FILE.is_file(), reason="shared/design/linked-data-ids.md is not available")

# Which entity each checked id of linked-data-ids.md belongs to, and how: "exact" for the entity the
# id names, "close" where the resource is a family article or the later ship (a candidate, not the same thing).
WIKIDATA = {
    "Q159": "state/russia",
    "Q148": "state/china",
    "Q212": "state/ukraine",
    "Q794": "state/iran",
    "Q711": "state/mongolia",
    "Q668": "state/india",
    "Q184": "state/belarus",
    "Q863": "state/tajikistan",
    "Q173680": "system/su-27",
    "Q245275": "system/su-35",
    "Q635779": "system/j-10",
    "Q744253": "system/jf-17",
    "Q740536": "system/l-15",
    "Q317288": "system/mi-17",
    "Q155635": "system/mi-8",
    "Q142549": "system/il-76",
    "Q181815": "system/tu-95",
    "Q39600": "system/h-6",
    "Q274924": "system/admiral-kuznetsov",
}
WIKIDATA_CLASSES = {
    "Q127771": "FighterAircraft",
    "Q170877": "BomberAircraft",
    "Q17205": "AircraftCarrier",
    "Q170013": "Corvette",
    "Q2811": "Submarine",
    "Q34486": "Helicopter",
}
DBPEDIA = {
    **{
        t: [(f"state/{t.lower()}", "exact")]
        for t in ("Russia", "China", "Ukraine", "Iran", "Mongolia", "India", "Belarus", "Tajikistan")
    },
    "Sukhoi_Su-27": [("system/su-27", "exact")],
    "Sukhoi_Su-30": [("system/su-30", "exact"), ("system/su-30mkk", "close")],
    "Sukhoi_Su-33": [("system/su-33", "exact")],
    "Sukhoi_Su-35": [("system/su-35", "exact")],
    "Shenyang_J-11": [("system/j-11", "exact")],
    "Shenyang_J-15": [("system/j-15", "exact")],
    "Chengdu_J-10": [("system/j-10", "exact")],
    "CAC/PAC_JF-17_Thunder": [("system/jf-17", "exact")],
    "Hongdu_L-15": [("system/l-15", "exact")],
    "Mil_Mi-17": [("system/mi-17", "exact")],
    "Mil_Mi-8": [("system/mi-8", "exact")],
    "S-300_missile_system": [("system/s-300", "exact")],
    "S-400_missile_system": [("system/s-400", "exact")],
    "HQ-9": [("system/hq-9", "exact")],
    "Tor_missile_system": [("system/tor", "exact")],
    "Ilyushin_Il-76": [("system/il-76", "exact")],
    "Kilo-class_submarine": [("system/kilo-class", "exact")],
    "Kh-59": [("system/kh-59", "exact")],
    "Soviet_aircraft_carrier_Minsk": [("system/minsk", "exact")],
    "Chinese_aircraft_carrier_Liaoning": [("system/type-001", "exact"), ("system/varyag", "close")],
    "Buyan-class_corvette": [("system/project-21631", "exact")],
    "Karakurt-class_corvette": [("system/project-22800", "exact")],
    "Vostok_2018": [("exercise/vostok-2018", "exact")],
    "Vostok_2022": [("exercise/vostok-2022", "exact")],
    "Rostec": [("org/rostec", "exact")],
    "Stockholm_International_Peace_Research_Institute": [("org/sipri", "exact")],
    "Shenyang_Aircraft_Corporation": [("org/shenyang-aircraft-corporation", "exact")],
}


def _ids_file_wikidata() -> set[str]:
    rows = [
        line
        for line in IDS_FILE.read_text(encoding="utf-8").split("## Wikidata properties")[0].splitlines()
        if line.startswith("|")
    ]
    return {qid for row in rows for qid in re.findall(r"\bQ[1-9][0-9]*\b", row)}


def _ids_file_dbpedia() -> set[str]:
    section = IDS_FILE.read_text(encoding="utf-8").split("## DBpedia resources")[1].split("\n## ")[0]
    body = re.sub(r"\([^)]*\)", "", section.split("\n", 1)[1], flags=re.DOTALL)
    return {token.strip().rstrip(".") for token in re.split(r"[,;]", body) if token.strip()}


def _links(store: EmbeddedStore, graph: str) -> set[tuple[str, str, str]]:
    rows = store.query(
        "SELECT ?s ?p ?o WHERE { VALUES ?p { skos:exactMatch skos:closeMatch } ?s ?p ?o }", default_graph=[graph]
    )
    return {(r["s"].value, "exact" if r["p"].value.endswith("exactMatch") else "close", r["o"].value) for r in rows}  # type: ignore[union-attr]


@needs_ids_file
def test_every_checked_id_of_the_ids_file_is_linked_with_the_right_kind(store: EmbeddedStore) -> None:
    assert _ids_file_wikidata() == set(WIKIDATA) | set(WIKIDATA_CLASSES)
    assert _ids_file_dbpedia() == set(DBPEDIA)
    links = _links(store, GRAPH_CURATED)
    expected = {(ID + entity, "exact", WD + qid) for qid, entity in WIKIDATA.items()}
    expected |= {
        (ID + entity, kind, dbpedia_iri(title).value) for title, pairs in DBPEDIA.items() for entity, kind in pairs
    }
    assert expected - links == set()
    # ... and no external id that the file does not list (remembered ids are often wrong).
    assert {link for link in links if link[2].startswith((WD, DBR))} - expected == set()
    categories = _links(store, GRAPH_ONTOLOGY)
    assert {
        (f"https://w3id.org/dragonbear/ontology#{name}", "close", WD + qid) for qid, name in WIKIDATA_CLASSES.items()
    } <= categories


# --- coverage -----------------------------------------------------------------------------------------


def test_coverage_counts_links_per_class_and_lists_entities_without(store: EmbeddedStore) -> None:
    report = link_coverage(store)
    by_iri = {e.iri: e for e in report.entities}
    assert by_iri[ID + "system/su-27"].wikidata_exact == [WD + "Q173680"]
    assert by_iri[ID + "system/su-30mkk"].dbpedia_close == [DBR + "Sukhoi_Su-30"]
    assert not by_iri[ID + "system/su-30mkk"].checked
    unlinked = {e.iri for e in report.unlinked()}
    assert {ID + "system/j-11b", ID + "org/sukhoi", ID + "place/yellow-sea"} <= unlinked
    assert ID + "system/su-27" not in unlinked
    summary = {row["class"]: row for row in report.summary()}
    assert summary["State"]["wikidata_exact"] == 8
    assert summary["SystemModel"]["close_only"] >= 2
    assert all(e.iri.startswith(ID) and "/sipri/" not in e.iri for e in report.entities)


@pytest.mark.parametrize(
    "fmt,check",
    [
        pytest.param(
            "table",
            lambda out: (
                "Without any link" in out
                and "system/j-11b" in out
                and re.search(r"^State\s+20\s+8\s+8\s", out, re.MULTILINE)
            ),
            id="table",
        ),
        pytest.param(
            "csv",
            lambda out: any(
                r["entity"].endswith("/j-11b") and not r["wikidata_exact"] for r in csv.DictReader(io.StringIO(out))
            ),
            id="csv",
        ),
        pytest.param(
            "json",
            lambda out: any(e["iri"].endswith("/j-11b") and not e["linked"] for e in json.loads(out)["entities"]),
            id="json",
        ),
    ],
)
def test_coverage_command_in_each_format(built: tuple[Path, BuildReport], fmt: str, check) -> None:  # type: ignore[no-untyped-def]
    result = cli("link", "--coverage", "--format", fmt, store_dir=built[0])
    assert result.returncode == 0, result.stderr
    assert check(result.stdout)


# --- suggestions --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,expected",
    [
        pytest.param(
            "dbpedia-labels.ttl",
            {
                ("system/tu-16", DBR + "Tupolev_Tu-16", "new"),
                ("system/su-27", DBR + "Sukhoi_Su-27", "linked"),
                ("system/jf-17", DBR + "CAC/PAC_JF-17_Thunder", "linked"),
            },
            id="dbpedia-turtle",
        ),
        pytest.param(
            "dbpedia-labels.json",
            {("system/h-6", DBR + "Xian_H-6", "new"), ("system/h-5", DBR + "Harbin_H-5", "new")},
            id="dbpedia-rdf-json",
        ),
        pytest.param(
            "dump-lines.json",
            {("system/su-35", WD + "Q245275", "linked"), ("system/h-6", WD + "Q39600", "linked")},
            id="wikidata-dump",
        ),
        pytest.param("sparql-results.json", {("system/j-10", WD + "Q635779", "linked")}, id="wikidata-sparql"),
    ],
)
def test_suggest_matches_external_names_against_ours(
    store: EmbeddedStore, name: str, expected: set[tuple[str, str, str]]
) -> None:
    found = suggest_links(store, read_external_names(DATA / name))
    pairs = {(s.entity.removeprefix(ID), s.external, s.status) for s in found}
    assert expected <= pairs
    assert all(s.score >= 80 for s in found)
    assert not any("Eiffel" in s.external or "Sandbox" in s.external_label for s in found)


@pytest.mark.slow
def test_suggest_writes_a_review_file_and_never_the_store(built: tuple[Path, BuildReport], tmp_path: Path) -> None:
    store_dir = built[0]
    generation = current_generation(store_dir)
    assert generation is not None
    before = (generation, sorted(os.listdir(store_dir)), sorted(os.listdir(generation)))
    review = tmp_path / "review.ttl"
    result = cli(
        "link",
        "--suggest",
        str(DATA / "dbpedia-labels.ttl"),
        "--output",
        str(review),
        "--format",
        "json",
        store_dir=store_dir,
    )
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert {"entity": ID + "system/tu-16", "external": DBR + "Tupolev_Tu-16", "status": "new"}.items() <= next(
        r for r in rows if r["entity"].endswith("/tu-16")
    ).items()
    assert (current_generation(store_dir), sorted(os.listdir(store_dir)), sorted(os.listdir(generation))) == before
    triples = list(ox.parse(path=review, format=ox.RdfFormat.TURTLE))
    close = {(t.subject.value, t.object.value) for t in triples if t.predicate.value.endswith("closeMatch")}
    assert (ID + "system/tu-16", DBR + "Tupolev_Tu-16") in close
    assert (ID + "system/su-27", DBR + "Sukhoi_Su-27") not in close  # already a checked link
    assert all(t.predicate.value.endswith("closeMatch") for t in triples)


@pytest.mark.parametrize(
    "args,message",
    [
        pytest.param([], "exactly one of --coverage or --suggest", id="no-mode"),
        pytest.param(["--coverage", "--suggest", str(DATA / "dump-lines.json")], "exactly one", id="both-modes"),
        pytest.param(["--coverage", "--output", "x.ttl"], "--output goes with --suggest", id="output-without-suggest"),
        pytest.param(["--suggest", str(DATA / "malformed-dump.json")], "malformed-dump.json:3:", id="malformed-file"),
    ],
)
def test_link_rejects_bad_usage_with_a_message(built: tuple[Path, BuildReport], args: list[str], message: str) -> None:
    result = cli("link", *args, store_dir=built[0])
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr

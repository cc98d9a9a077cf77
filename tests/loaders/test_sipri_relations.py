"""The relations read from SIPRI comments, in the shipped graph: what the canned queries now answer.

Each test names the SIPRI row it rests on; the rows are in ``core/data/sipri/extract.csv``.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from dragonbear.graph.store import EmbeddedStore
from dragonbear.loaders.sipri import load_designation_map, read_register, register_to_nquads
from dragonbear.loaders.sipri_comment_names import name_key
from dragonbear.loaders.sipri_curated import CuratedContext, CuratedStatement
from dragonbear.pipeline.build import BuildReport
from dragonbear.pipeline.stats import network_stats

from ..conftest import REGISTER, local, rows


@pytest.mark.slow
def test_dependencies_of_the_jf17_give_the_russian_rd93_with_its_row(full_store: EmbeddedStore) -> None:
    # row: Pakistan,Russia,2004,RD-33 "RD-93 version; for JF-17 combat aircraft from China; incl spare engines"
    found = [r for r in rows(full_store, "dependencies", system="JF-17") if r.get("componentLabel") == "RD-93"]
    assert found, "the JF-17 has no RD-93"
    rd93 = next(r for r in found if local(r["fit"]).startswith("russia-pakistan-2004-rd-33"))
    assert local(rd93["supplier"]) == "russia" and local(rd93["operator"]) == "pakistan"
    assert rd93["role"] == "main propulsion" and rd93["sourceKeys"] == "sipri-at-2024"
    locator = full_store.query(f"""SELECT ?l WHERE {{ <{rd93["fit"]}> dgb:hasAttestation/dgb:locator ?l }}""")
    text = next(iter(locator))["l"].value  # type: ignore[index]
    assert text.startswith("row: Pakistan,Russia,2004,RD-33; comment:") and "for JF-17" in text


@pytest.mark.slow
def test_the_rd93_is_a_variant_of_the_delivered_rd33(full_store: EmbeddedStore) -> None:
    assert full_store.query(
        """ASK { ?v rdfs:label "RD-93"@en ; dgb:variantOf ?base . ?base dgb:sipriDesignation "RD-33" }"""
    )


@pytest.mark.slow
def test_exposure_to_russia_reaches_third_countries_jf17s(full_store: EmbeddedStore) -> None:
    operators = {
        local(r["operator"])
        for r in rows(full_store, "exposure", state="Russia")
        if local(r["platform"]) == "jf-17" and "operator" in r
    }
    assert {"pakistan", "myanmar", "nigeria"} <= operators


@pytest.mark.slow
def test_exposure_counts_the_supplier_of_a_soviet_design(full_store: EmbeddedStore) -> None:
    # AL-31F engines delivered by Russia count for Russia (stateBasis "supplied by")
    found = [
        r for r in rows(full_store, "exposure", state="Russia") if local(r["platform"]) in ("j-10", "j-20", "j-11")
    ]
    assert {local(r["platform"]) for r in found} >= {"j-10", "j-20"}
    assert any(r["stateBasis"] == "supplied by" for r in found)


@pytest.mark.slow
def test_exposure_to_ukraine_gives_zambias_l15s_on_ai222s(full_store: EmbeddedStore) -> None:
    found = [r for r in rows(full_store, "exposure", state="Ukraine") if local(r["platform"]) == "l-15"]
    assert "zambia" in {local(r.get("operator", "")) for r in found}


@pytest.mark.slow
def test_descendants_of_the_mig19_give_the_j6(full_store: EmbeddedStore) -> None:
    found = {(local(r["descendant"]), r["kindLabel"]) for r in rows(full_store, "descendants", system="MiG-19")}
    assert ("j-6", "reverse engineering") in found


@pytest.mark.slow
def test_licensed_production_as_a_named_product_is_a_derivation(full_store: EmbeddedStore) -> None:
    # row: China,United Kingdom,1975,Spey "Incl production under licence in China as WS-9 and WS-9A"
    found = {(r["descendantLabel"], r["kindLabel"]) for r in rows(full_store, "descendants", system="Spey")}
    assert {("WS-9", "licensed production"), ("WS-9A", "licensed production")} <= found
    # the WS-9 powers the JH-7 through the Spey deal's dependency
    assert any(r.get("componentLabel") == "Spey" for r in rows(full_store, "dependencies", system="JH-7"))


@pytest.mark.slow
def test_hedged_relations_are_hedged_with_a_lower_confidence(full_store: EmbeddedStore) -> None:
    rows_ = list(
        full_store.query("""SELECT ?s ?c ?stance WHERE { ?s dgb:hasAttestation ?a ; dgb:confidence ?c .
                                  ?a dgb:readFromText true ; dgb:stance ?stance }""")
    )
    assert rows_
    hedged = {float(r["c"].value) for r in rows_ if r["stance"].value.endswith("Hedged")}  # type: ignore[index]
    plain = {float(r["c"].value) for r in rows_ if r["stance"].value.endswith("Asserts")}  # type: ignore[index]
    assert hedged and max(hedged) < min(plain) < 0.9  # below the register's structured fields


@pytest.mark.slow
def test_a_relation_a_curated_record_states_is_one_relation(full_store: EmbeddedStore) -> None:
    # The curated J-11 licence cites row China,Russia,1996,Su-27S; the comment's kit assembly is not a second statement.
    assert not full_store.query("""ASK { ?d dgb:derivedSystem system:j-11 ; dgb:sourceSystem system:su-27sk .
                                    FILTER(STRSTARTS(STR(?d), STR(id:))) FILTER(CONTAINS(STR(?d), "/sipri/")) }""")
    # the L-15 fit of the curated record gains Zambia's SIPRI deal as an attestation, not a second fit
    fits = list(
        full_store.query(
            "SELECT ?f WHERE { ?f dgb:platform system:l-15 ; dgb:component ?c . ?c rdfs:label ?l "
            "FILTER(CONTAINS(?l, 'AI-222')) }"
        )
    )
    assert len(fits) == 1


@pytest.mark.slow
def test_every_relation_read_from_text_cites_the_register(full_store: EmbeddedStore) -> None:
    assert not full_store.query(
        """ASK { ?a dgb:readFromText true . FILTER NOT EXISTS { ?a dgb:source/dgb:sourceKey "sipri-at-2024" } }"""
    )
    assert not full_store.query("""ASK { ?a dgb:readFromText true ; dgb:locator ?l1 , ?l2 FILTER(?l1 != ?l2) }""")


@pytest.mark.slow
def test_systems_named_only_in_comments_are_never_guessed(full_store: EmbeddedStore) -> None:
    # every system the reader made is named in a comment of the deal it cites
    rows_ = full_store.query("""SELECT ?s ?comment (GROUP_CONCAT(?name; SEPARATOR="|") AS ?names) WHERE {
                            ?s dgb:namedIn ?t . ?t dgb:sipriComment ?comment .
                            { ?s rdfs:label ?name } UNION { ?s skos:altLabel ?name } } GROUP BY ?s ?comment""")
    checked = 0
    for row in rows_:  # type: ignore[union-attr]
        names, comment = row["names"].value.split("|"), row["comment"].value  # type: ignore[index]
        assert any(name_key(name) in name_key(comment) for name in names), (names, comment)
        checked += 1
    assert checked > 400


@pytest.mark.slow
def test_the_network_grew_past_a_thousand_edges(full_store: EmbeddedStore) -> None:
    text = "\n".join(network_stats(full_store))
    print("\n" + text)
    edges = sum(int(line.split()[-2].replace(",", "")) for line in text.splitlines() if line.endswith(" edges"))
    assert edges > 1000


@pytest.mark.slow
def test_build_report_counts_relations_and_lists_what_gave_nothing(full_built: tuple[Path, BuildReport]) -> None:
    report = full_built[1]
    assert report.relations is not None
    assert report.relations.read["dependency"] > 1000 and report.relations.read["LicensedProduction"] > 100
    assert report.relations.missed and all(": " in line for line in report.relations.missed)
    assert "gave nothing" in report.text()


def test_a_curated_statement_that_disagrees_is_a_conflict_with_both_sides() -> None:
    """A curated fit that gives another number of platforms than a SIPRI comment: both kept, a Conflict."""
    register = read_register(Path(__file__).parent.parent / "data" / "sipri" / "legacy-sample.csv")
    deal = next(d for d in register.deals if d.comments and "for" in d.comments.lower())
    curated_fit = "https://w3id.org/dragonbear/id/fit/curated-example"
    data, report = register_to_nquads(register, load_designation_map())
    platform = next(
        q.object.value for q in ox.parse(data, format=ox.RdfFormat.N_QUADS) if q.predicate.value.endswith("#platform")
    )
    component = next(
        q.object.value for q in ox.parse(data, format=ox.RdfFormat.N_QUADS) if q.predicate.value.endswith("#component")
    )
    # the curated fit gives other numbers, and a start after the deal's first delivery
    context = CuratedContext(
        fits={
            (platform, component): CuratedStatement(
                curated_fit,
                units=999,
                start=2099,
                attestations={curated_fit + "#att-paper": ["section 1", "https://w3id.org/dragonbear/id/source/paper"]},
            )
        }
    )
    data, report = register_to_nquads(register, load_designation_map(), context=context)
    quads = list(ox.parse(data, format=ox.RdfFormat.N_QUADS))
    assert report.relations.attested_curated == 1 and report.relations.conflicts == 2, deal.comments
    aspects = {q.object.value for q in quads if q.predicate.value.endswith("#aspect")}
    assert aspects == {"quantity", "year"}
    sides = {q.object.value for q in quads if q.predicate.value.endswith("#conflictBetween")}
    assert curated_fit + "#att-paper" in sides and any("#att-sipri-" in side for side in sides)
    assert not any(
        q.predicate.value.endswith("#platform") and q.object.value == platform for q in quads
    )  # no second fit


@pytest.mark.slow
@pytest.mark.skipif(not REGISTER.exists(), reason="the full register is not beside the checkout")
def test_the_full_register_reads_every_comment() -> None:
    register = read_register(REGISTER)
    _, report = register_to_nquads(register, load_designation_map())
    relations = report.relations
    print(f"\n{relations.summary()}")
    assert relations.comments > 20_000
    assert relations.read["dependency"] > 5_000 and relations.fits > 5_000
    assert relations.read["LicensedProduction"] > 400 and relations.derivations > 300


@pytest.mark.parametrize(
    "spelling", ["Type-052D", "Type 052D", "052D", "type-052d", "Luyang-3", "Luyang III", "Luyang 3"]
)
def test_usual_spellings_of_a_platform_resolve_to_one_system(spelling: str) -> None:
    from dragonbear.loaders.sipri_names import NameIndex

    index = NameIndex()
    index.add("Type-052D", "<x:type-052d>", 3, category="Destroyer")
    index.add("Luyang-3", "<x:type-052d>", 3, category="Destroyer")
    assert index.find(spelling, "Destroyer") == "<x:type-052d>"


def test_a_sipri_system_of_another_kind_is_not_taken_for_a_platform() -> None:
    from dragonbear.loaders.sipri_names import NameIndex

    index = NameIndex()
    index.add("Type-62", "<x:type-62-light-tank>", 2, 10, "ArmouredVehicle")
    assert index.find("Type-62", "FighterAircraft") is None
    assert index.find("Type-62", "ArmouredVehicle") == "<x:type-62-light-tank>"


@pytest.mark.slow
def test_the_type052d_in_the_shipped_graph_has_its_usual_names(full_store: EmbeddedStore) -> None:
    # rows China,...: "for 31 Type-052D (Luyang-3) destroyers produced in China"
    found = list(
        full_store.query("""SELECT DISTINCT ?s WHERE { ?f dgb:platform ?s . ?s rdfs:label ?l
                                  FILTER(REPLACE(LCASE(STR(?l)), "[^a-z0-9]", "") = "type052d") }""")
    )
    assert len(found) == 1
    names = {r["n"].value for r in full_store.query(f"SELECT ?n WHERE {{ <{found[0]['s'].value}> skos:altLabel ?n }}")}  # type: ignore[index]
    assert "Luyang-3" in names


@pytest.mark.slow
def test_no_system_read_from_sipri_duplicates_a_curated_one(full_store: EmbeddedStore) -> None:
    """A system SIPRI's rows or comments name (``system/sipri/...``) never repeats a curated system's name or id."""

    def key(text: str) -> str:
        return name_key(text.rsplit("/", 1)[-1] if text.startswith("https://") else text)

    # SIPRI's "D-30" deal for India's Il-78s names no version; the curated record is the D-30KP-2 of China's deals
    allowed = {"https://w3id.org/dragonbear/id/system/sipri/d-30"}
    curated: dict[str, str] = {}
    for row in full_store.query("""SELECT ?s ?n WHERE { GRAPH <https://w3id.org/dragonbear/graph/curated> {
                                ?s a dgb:SystemModel . { ?s rdfs:label ?n } UNION { ?s skos:altLabel ?n }
                                UNION { ?s dgb:designation ?n } UNION { ?s a dgb:SystemModel BIND(STR(?s) AS ?n) } } }"""):
        curated[key(row["n"].value)] = row["s"].value  # type: ignore[index]
    duplicates = []
    for row in full_store.query("""SELECT ?s ?n WHERE { ?s a dgb:SystemModel ; rdfs:label ?n
                                FILTER(STRSTARTS(STR(?s), "https://w3id.org/dragonbear/id/system/sipri/")) }"""):
        if key(row["n"].value) in curated and row["s"].value not in allowed:  # type: ignore[index]
            duplicates.append((row["s"].value, row["n"].value, curated[key(row["n"].value)]))  # type: ignore[index]
    assert not duplicates


@pytest.mark.slow
def test_a_generic_engine_deal_fits_the_engine_its_comment_names(full_store: EmbeddedStore) -> None:
    # row: China,Germany,...,ship engine "MTU 12V1163 (8850hp) diesel engine for 2 Type-051C (Luzhou) ..."
    components = {r["componentLabel"] for r in rows(full_store, "dependencies", system="Type-051C")}
    assert "MTU 12V1163" in components and "ship engine" not in components
    # no generic designation becomes a hub of unrelated platforms
    assert not full_store.query("""ASK { ?f dgb:component ?c . ?c dgb:sipriDesignation "vehicle engine" }""")

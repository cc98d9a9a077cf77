"""The competency questions of the ontology design (shared/design/ontology.md §3), asked of the
shipped graph, with answers worked out by hand from the three source documents, the SIPRI register
and the public sources the checked notes (shared/design/linked-data-ids.md) point to.
"""

from __future__ import annotations

import csv
import re

import pytest

from dragonbear.graph.store import EmbeddedStore
from dragonbear.namespaces import ID

from ..conftest import REGISTER


def select(store: EmbeddedStore, query: str) -> list[dict[str, str | None]]:
    """Rows as dicts of plain strings (IRIs and literal values)."""
    result = store.query(query)
    names = [v.value for v in result.variables]  # type: ignore[union-attr]
    return [{n: (row[n].value if row[n] is not None else None) for n in names} for row in result]  # type: ignore[union-attr]


def local(iri: str | None) -> str:
    """The last segment of an IRI: after its last '/' or '#'."""
    return re.split(r"[/#]", iri or "")[-1]


def register_rows(recipient: str, supplier: str) -> list[list[str]]:
    """Rows of the real SIPRI register for one pair, read independently of the loader."""
    with REGISTER.open(encoding="latin-1", newline="") as f:
        rows = list(csv.reader(f))[12:]
    return [r for r in rows if len(r) == 16 and r[0] == recipient and r[1] == supplier]


# CQ1 --------------------------------------------------------------------------------------------
def test_cq01_chinese_systems_descending_from_soviet_or_russian_designs(store: EmbeddedStore) -> None:
    rows = select(
        store,
        """
        SELECT ?x (MIN(?year) AS ?earliest) WHERE {
          ?x dgb:countryOfOrigin state:china ; dgb:technologyAncestor ?a .
          ?a dgb:countryOfOrigin ?origin . VALUES ?origin { state:russia state:soviet-union }
          OPTIONAL { ?d dgb:derivedSystem ?x ; dgb:startYear ?year }
        } GROUP BY ?x""",
    )
    found = {local(r["x"]): r["earliest"] for r in rows}
    # partnership-2025 §1: J-11 from the Su-27SK, J-15, HQ-9 after the S-300; notes: Type 001 from Varyag
    assert {"j-11", "j-11b", "j-15", "hq-9", "type-001"} <= set(found)
    assert found["j-11"] == "1998"
    first_hops = {
        local(r["kind"])
        for r in select(
            store,
            """
        SELECT ?kind WHERE { ?d dgb:derivedSystem system:j-11 ; dgb:derivationKind ?kind }""",
        )
    }
    assert first_hops == {"LicensedProduction", "ReverseEngineering"}


# CQ2 --------------------------------------------------------------------------------------------
def test_cq02_sources_for_licensed_production_versus_reverse_engineering_of_j11(store: EmbeddedStore) -> None:
    rows = select(
        store,
        """
        SELECT ?x ?kind ?key ?stance ?confidence WHERE {
          VALUES ?x { system:j-11 system:j-11b }
          ?d dgb:derivedSystem ?x ; dgb:derivationKind ?kind ; dgb:confidence ?confidence ; dgb:hasAttestation ?a .
          ?a dgb:source/dgb:sourceKey ?key ; dgb:stance ?stance .
        }""",
    )
    views = {(local(r["x"]), local(r["kind"]), r["key"]) for r in rows}
    assert ("j-11", "LicensedProduction", "partnership-2025") in views
    assert ("j-11", "LicensedProduction", "sipri-at-2024") in views
    assert ("j-11", "ReverseEngineering", "partnership-2025") in views
    assert any(v[0] == "j-11b" and v[1] == "ReverseEngineering" for v in views)
    assert all(0 < float(r["confidence"] or 0) <= 1 for r in rows)


# CQ3 --------------------------------------------------------------------------------------------
def test_cq03_russia_to_china_transfers_1992_to_2022_match_the_register(store: EmbeddedStore) -> None:
    rows = select(
        store,
        """
        SELECT ?t ?system ?ordered ?delivered ?year ?uncertain ?first ?last WHERE {
          ?t a dgb:ArmsTransfer ; dgb:supplier state:russia ; dgb:recipient state:china ; dgb:transferredSystem ?system .
          OPTIONAL { ?t dgb:quantityOrdered ?ordered } OPTIONAL { ?t dgb:quantityDelivered ?delivered }
          ?t dgb:orderYear ?year ; dgb:orderYearUncertain ?uncertain .
          OPTIONAL { ?t dgb:deliveryStartYear ?first } OPTIONAL { ?t dgb:deliveryEndYear ?last }
          FILTER(?year >= 1992 && ?year <= 2022)
        }""",
    )
    expected = [r for r in register_rows("China", "Russia") if 1992 <= int(r[2]) <= 2022]
    assert len(rows) == len(expected) > 80
    su35 = next(r for r in rows if r["t"] == f"{ID}transfer/sipri/russia-china-2015-su-35s")
    assert (su35["ordered"], su35["delivered"], su35["year"], su35["first"], su35["last"]) == (
        "24",
        "24",
        "2015",
        "2016",
        "2018",
    )
    assert local(su35["system"]) == "su-35"


# CQ4 --------------------------------------------------------------------------------------------
def test_cq04_fighters_delivered_per_period_and_the_change_after_2014(store: EmbeddedStore) -> None:
    rows = select(
        store,
        """
        SELECT ?period (SUM(?n) AS ?units) WHERE {
          ?t dgb:supplier state:russia ; dgb:recipient state:china ; dgb:transferredSystem/dgb:category ?c ;
             dgb:quantityDelivered ?n ; dgb:deliveryStartYear ?y .
          ?c skos:broader* dgb:FighterAircraft .
          BIND(1990 + 5 * FLOOR((?y - 1990) / 5) AS ?period)
        } GROUP BY ?period ORDER BY ?period""",
    )
    by_period = {int(float(r["period"] or 0)): int(r["units"] or 0) for r in rows}
    before = sum(n for p, n in by_period.items() if p < 2015)
    # partnership-2025 (citing SIPRI): over 100 combat aircraft 1992-2014; after 2014 only the 24 Su-35
    assert before > 100
    assert by_period.get(2015) == 24
    assert not any(p > 2015 for p in by_period)


# CQ5 --------------------------------------------------------------------------------------------
def test_cq05_uncertain_rows_and_how_many_sources_support_them(store: EmbeddedStore) -> None:
    rows = select(
        store,
        """
        SELECT ?t (COUNT(DISTINCT ?src) AS ?sources) WHERE {
          ?t dgb:supplier state:russia ; dgb:recipient state:china .
          { ?t dgb:quantityOrderedUncertain true } UNION { ?t dgb:orderYearUncertain true }
          UNION { ?t dgb:quantityDeliveredUncertain true }
          ?t dgb:hasAttestation/dgb:source ?src .
        } GROUP BY ?t""",
    )
    expected = [r for r in register_rows("China", "Russia") if "?" in (r[3], r[5], r[9])]
    assert len(rows) == len(expected)
    sources = {local(r["t"]): int(r["sources"] or 0) for r in rows}
    assert sources["russia-china-2015-s-400-triumf"] == 2  # SIPRI (8 ordered, '?') and partnership-2025


# CQ6 --------------------------------------------------------------------------------------------
def test_cq06_transfer_then_copy_lag(store: EmbeddedStore) -> None:
    rows = select(
        store,
        """
        SELECT ?derived ?source (MIN(?first) AS ?firstDelivery) (MIN(?start) AS ?derivationStart) WHERE {
          ?d dgb:derivedSystem ?derived ; dgb:sourceSystem ?source ; dgb:startYear ?start .
          ?t dgb:transferredSystem ?source ; dgb:recipient state:china ; dgb:deliveryStartYear ?first .
        } GROUP BY ?derived ?source""",
    )
    lag = {
        (local(r["derived"]), local(r["source"])): int(r["derivationStart"] or 0) - int(r["firstDelivery"] or 0)
        for r in rows
    }
    # SIPRI: first Su-27SK-family deliveries to China 1991-92 (mapped to su-27sk); J-11 production from 1998
    first = min(
        int(r[10].split(";")[0])
        for r in register_rows("China", "Soviet Union") + register_rows("China", "Russia")
        if r[6] == "Su-27S" and r[10]
    )
    assert lag[("j-11", "su-27sk")] == 1998 - first


# CQ7 --------------------------------------------------------------------------------------------
def test_cq07_russian_platforms_depending_on_german_or_ukrainian_components(store: EmbeddedStore) -> None:
    rows = select(
        store,
        """
        SELECT DISTINCT ?platform ?country WHERE {
          ?platform dgb:countryOfOrigin ?home . VALUES ?home { state:russia state:soviet-union }
          ?platform dgb:dependsOn ?component .
          { ?component dgb:manufacturer/dgb:basedIn ?country } UNION { ?component dgb:countryOfOrigin ?country }
          VALUES ?country { state:germany state:ukraine }
        }""",
    )
    found = {(local(r["platform"]), local(r["country"])) for r in rows}
    # partnership-2025 §2: German engines in the first Buyan-M; SIPRI: Ukrainian turbines for 11356/22350
    assert {("project-21631", "germany"), ("project-11356", "ukraine"), ("project-22350", "ukraine")} <= found


# CQ8 --------------------------------------------------------------------------------------------
def test_cq08_fits_ended_after_sanctions_and_who_supplied_the_replacement(store: EmbeddedStore) -> None:
    rows = select(
        store,
        """
        SELECT ?fit ?sanction ?replacement ?country WHERE {
          ?fit dgb:endYear ?end ; dgb:endedBy ?sanction .
          ?sanction a dgb:SanctionsAction ; dgb:startYear ?s .
          FILTER(?end - ?s <= 2 && ?end >= ?s)
          OPTIONAL { ?new dgb:replaces ?fit ; dgb:component ?replacement .
                     ?replacement dgb:manufacturer/dgb:basedIn ?country }
        }""",
    )
    found = {local(r["fit"]): (local(r["sanction"]), local(r["country"])) for r in rows}
    assert found["fit-21631-mtu-16v4000"] == ("german-engine-embargo-2014", "china")
    assert found["fit-22350-dt-59"][0] == "ukraine-export-ban-2014"


# CQ9 --------------------------------------------------------------------------------------------
def test_cq09_russian_platforms_with_chinese_components_since_2022(store: EmbeddedStore) -> None:
    rows = select(
        store,
        """
        SELECT DISTINCT ?platform WHERE {
          ?fit a dgb:ComponentFit ; dgb:platform ?platform ; dgb:component ?c ; dgb:confidence ?conf .
          ?platform dgb:countryOfOrigin state:russia .
          { ?c dgb:manufacturer/dgb:basedIn state:china } UNION { ?c dgb:countryOfOrigin state:china }
          OPTIONAL { ?fit dgb:endYear ?end }
          FILTER(?conf >= 0.6 && COALESCE(?end >= 2022, true))
        }""",
    )
    # Buyan-M (partnership-2025 + SIPRI) and Rubin (partnership-2025); Karakurt is disputed (0.45)
    assert {local(r["platform"]) for r in rows} == {"project-21631", "project-22460"}


# CQ10 -------------------------------------------------------------------------------------------
def test_cq10_exercises_per_year_and_domain_with_the_reported_count(store: EmbeddedStore) -> None:
    rows = select(
        store,
        """
        SELECT ?y ?domain (COUNT(DISTINCT ?e) AS ?n) WHERE {
          ?e a dgb:MilitaryActivity ; dgb:startYear ?y ; dgb:participant state:russia , state:china .
          OPTIONAL { ?e dgb:operationalDomain ?domain }
        } GROUP BY ?y ?domain""",
    )
    per_year: dict[int, int] = {}
    naval: dict[int, int] = {}
    for r in rows:
        y, n = int(r["y"] or 0), int(r["n"] or 0)
        per_year[y] = per_year.get(y, 0) + n
        if local(r["domain"]).endswith("NavalDomain"):
            naval[y] = naval.get(y, 0) + n
    reported = select(store, "SELECT ?v WHERE { figure:joint-exercises-2024 dgb:value ?v }")
    assert float(reported[0]["v"] or 0) == 11  # vonessen-2025: 11 joint exercises in 2024
    assert 0 < per_year[2024] <= 11  # the graph records fewer than the dashboard counts, never more

    def share(years: range) -> float:
        total = sum(per_year.get(y, 0) for y in years)
        return sum(naval.get(y, 0) for y in years) / total

    assert share(range(2022, 2025)) > share(range(2003, 2014))


# CQ11 -------------------------------------------------------------------------------------------
def test_cq11_vostok_2018_dates_places_and_participants(store: EmbeddedStore) -> None:
    rows = select(
        store,
        """
        SELECT ?start ?end ?p WHERE {
          exercise:vostok-2018 dgb:startDate ?start ; dgb:endDate ?end ; dgb:participant ?p }""",
    )
    assert {(r["start"], r["end"]) for r in rows} == {("2018-09-11", "2018-09-17")}
    assert {"russia", "china", "mongolia"} <= {local(r["p"]) for r in rows}
    places = select(
        store,
        "SELECT ?place ?outer WHERE { exercise:vostok-2018 dgb:location ?place . "
        "OPTIONAL { ?place dgb:locatedIn+ ?outer } }",
    )
    assert places


# CQ12 -------------------------------------------------------------------------------------------
def test_cq12_exercises_within_six_months_after_the_2022_invasion(store: EmbeddedStore) -> None:
    rows = select(
        store,
        """
        SELECT ?e WHERE {
          event:russian-invasion-2022 dgb:startDate ?d0 .
          ?e a dgb:MilitaryActivity ; dgb:startDate ?d ; dgb:participant state:china .
          BIND((YEAR(?d) * 12 + MONTH(?d)) - (YEAR(?d0) * 12 + MONTH(?d0)) AS ?months)
          FILTER(?months >= 0 && ?months <= 6)
        }""",
    )
    found = {local(r["e"]) for r in rows}
    assert "air-patrol-2022-05" in found  # joint bomber patrol, 24 May 2022
    assert "vostok-2022" not in found  # September 2022: seven months on


# CQ13 -------------------------------------------------------------------------------------------
def test_cq13_parties_to_transfers_that_were_later_sanctioned(store: EmbeddedStore) -> None:
    rows = select(
        store,
        """
        SELECT DISTINCT ?party ?sanction ?by WHERE {
          ?t a dgb:ArmsTransfer ; dgb:supplier ?party ; dgb:recipient state:china ; dgb:orderYear ?y .
          ?sanction a dgb:SanctionsAction ; dgb:sanctionsTarget ?party ; dgb:startYear ?s ; dgb:sanctioningAgent ?by .
          FILTER(?s > ?y)
        }""",
    )
    found = {(local(r["party"]), local(r["sanction"])) for r in rows}
    assert ("russia", "eu-arms-embargo-2014") in found


# CQ14 -------------------------------------------------------------------------------------------
def test_cq14_rostec_group_members_in_china_related_statements(store: EmbeddedStore) -> None:
    rows = select(
        store,
        """
        SELECT DISTINCT ?org WHERE {
          ?org dgb:withinGroupOf org:rostec .
          ?s dgb:involves ?org ; dgb:involves ?china . VALUES ?china { state:china org:avic }
        }""",
    )
    assert "russian-helicopters" in {local(r["org"]) for r in rows}  # the joint heavy-lift helicopter


# CQ15 -------------------------------------------------------------------------------------------
def test_cq15_names_of_a_system_and_what_flanker_resolves_to(store: EmbeddedStore) -> None:
    from dragonbear.graph.resolve import NameIndex

    rows = select(store, "SELECT ?n (LANG(?n) AS ?lang) WHERE { system:j-11 skos:prefLabel|skos:altLabel ?n }")
    langs = {r["lang"] for r in rows}
    assert {"en", "ru", "zh-hans"} <= langs
    assert "歼-11" in {r["n"] for r in rows}
    names = NameIndex.from_store(store)
    assert names.resolve("Flanker").endswith("/system/su-27")
    assert names.resolve("Су-27").endswith("/system/su-27")


# CQ16 -------------------------------------------------------------------------------------------
def test_cq16_single_source_statements(store: EmbeddedStore) -> None:
    rows = select(
        store,
        """
        SELECT ?stmt WHERE {
          ?stmt a dgb:Statement ; dgb:hasAttestation/dgb:source ?doc .
        } GROUP BY ?stmt HAVING (COUNT(DISTINCT ?doc) = 1)""",
    )
    single = {local(r["stmt"]) for r in rows}
    assert "j-11b-unlicensed-derivative" in single
    assert "hq-9-modeled-after-s-300" in single
    assert "russia-china-2015-su-35s" not in single  # SIPRI and the partnership paper


# CQ17 -------------------------------------------------------------------------------------------
def test_cq17_disagreements_on_transfers_and_derivations(store: EmbeddedStore) -> None:
    rows = select(
        store,
        """
        SELECT ?c ?aspect ?stmt WHERE {
          ?c a dgb:Conflict ; dgb:aspect ?aspect ; dgb:conflictBetween ?side .
          { ?stmt dgb:hasAttestation ?side } UNION { ?c dgb:conflictBetween ?stmt . ?stmt a dgb:Statement }
          VALUES ?type { dgb:ArmsTransfer dgb:Derivation } ?stmt a ?type .
        }""",
    )
    found = {(local(r["c"]), r["aspect"]) for r in rows}
    assert ("su-35-deal-quantity", "quantity") in found
    assert ("j-11-derivation-kind", "kind") in found
    att = select(
        store,
        """SELECT ?q WHERE { sipri:russia-china-2015-su-35s dgb:hasAttestation ?a .
                           ?a dgb:source source:partnership-2025 ; dgb:reportedQuantity ?q }""",
    )
    assert [r["q"] for r in att] == ["10"]


# CQ18 -------------------------------------------------------------------------------------------
def test_cq18_what_a_source_asserts_and_what_rests_on_it_alone(store: EmbeddedStore) -> None:
    asserted = select(
        store,
        """SELECT DISTINCT ?stmt WHERE { ?stmt dgb:hasAttestation ?a .
                                ?a dgb:source source:partnership-2025 ; dgb:stance dgb:Asserts }""",
    )
    assert len(asserted) > 30
    rows = select(
        store,
        """
        SELECT ?stmt WHERE {
          ?stmt dgb:hasAttestation/dgb:source source:partnership-2025 .
          FILTER NOT EXISTS { ?stmt dgb:hasAttestation/dgb:source ?other FILTER(?other != source:partnership-2025) }
        }""",
    )
    orphaned = {local(r["stmt"]) for r in rows}
    assert "fit-22460-chinese-diesel" in orphaned  # only the paper reports Rubin's Chinese engines
    assert "russia-china-2015-su-35s" not in orphaned  # SIPRI also records the Su-35 deal


# CQ19 -------------------------------------------------------------------------------------------
def test_cq19_joint_developments_and_partner_roles(store: EmbeddedStore) -> None:
    rows = select(
        store,
        """
        SELECT ?x ?partner WHERE { ?d dgb:derivationKind dgb:JointDevelopment ; dgb:derivedSystem ?x ; dgb:partner ?partner }""",
    )
    partners = {local(r["partner"]) for r in rows if local(r["x"]) == "ahl"}
    assert {"russian-helicopters", "avic"} <= partners


# CQ20 -------------------------------------------------------------------------------------------
def test_cq20_the_relationship_in_2013(store: EmbeddedStore) -> None:
    rows = select(
        store,
        """
        SELECT ?s WHERE {
          { ?s a dgb:ComponentFit . OPTIONAL { ?s dgb:startYear ?a } OPTIONAL { ?s dgb:endYear ?b }
            FILTER(COALESCE(?a <= 2013, true) && COALESCE(?b >= 2013, true)) }
          UNION { ?s a dgb:ArmsTransfer ; dgb:recipient state:china ; dgb:deliveryStartYear ?a ; dgb:deliveryEndYear ?b
                  FILTER(?a <= 2013 && ?b >= 2013) }
          UNION { ?s a dgb:MilitaryActivity ; dgb:startYear 2013 }
        }""",
    )
    found = {local(r["s"]) for r in rows}
    assert {"fit-21631-mtu-16v4000", "joint-sea-2013", "peace-mission-2013"} <= found
    assert "fit-21631-chd622v20" not in found  # Chinese engines only from 2018


# CQ21 -------------------------------------------------------------------------------------------
def test_cq21_timeline_of_2014_and_2022_with_exercises(store: EmbeddedStore) -> None:
    rows = select(
        store,
        """
        SELECT ?e ?d WHERE {
          { ?e a dgb:GeopoliticalEvent } UNION { ?e a dgb:MilitaryActivity ; dgb:participant state:china }
          ?e dgb:startDate ?d ; dgb:startYear ?y . FILTER(?y IN (2014, 2022))
        } ORDER BY ?y (MONTH(?d))""",
    )
    order = [local(r["e"]) for r in rows]
    assert order.index("crimea-annexation-2014") < order.index("joint-sea-2014")
    assert order.index("russian-invasion-2022") < order.index("air-patrol-2022-05") < order.index("vostok-2022")


# CQ22 -------------------------------------------------------------------------------------------
def test_cq22_entities_without_external_links(store: EmbeddedStore) -> None:
    rows = select(
        store,
        """
        SELECT ?x WHERE { ?x a dgb:SystemModel FILTER(STRSTARTS(STR(?x), STR(system:)))
          FILTER NOT EXISTS { ?x skos:exactMatch|skos:closeMatch ?ext } }""",
    )
    unlinked = {local(r["x"]) for r in rows}
    assert "j-11b" in unlinked
    assert "su-27" not in unlinked
    assert store.query("ASK { system:su-27 skos:exactMatch wd:Q173680 }")


# CQ23 -------------------------------------------------------------------------------------------
def test_cq23_reverse_flow_from_china_to_russia(store: EmbeddedStore) -> None:
    rows = select(
        store,
        """
        SELECT ?t ?system ?conf WHERE {
          ?t a dgb:ArmsTransfer ; dgb:supplier state:china ; dgb:recipient state:russia ; dgb:transferredSystem ?system ;
             dgb:confidence ?conf .
          OPTIONAL { ?t dgb:deliveryEndYear ?end }
        }""",
    )
    found = {local(r["t"]): (local(r["system"]), r["conf"]) for r in rows}
    assert found["china-russia-2015-ship-engine"][0] == "chd622v20"
    claims = select(
        store, """SELECT ?c WHERE { ?c a dgb:Claim ; dgb:topic dgb:ComponentSupply ; dgb:about state:china }"""
    )
    assert claims, "claims about China supplying components to Russia"


def test_every_class_and_predicate_the_data_uses_is_declared(store: EmbeddedStore) -> None:
    from dragonbear.graph.validation import undeclared_terms
    from dragonbear.namespaces import GRAPH_CURATED, GRAPH_ONTOLOGY, GRAPH_SIPRI

    assert undeclared_terms(store, data_graphs=[GRAPH_CURATED, GRAPH_SIPRI], ontology_graphs=[GRAPH_ONTOLOGY]) == []


@pytest.mark.parametrize(
    "deal",
    [
        pytest.param("russia-china-2015-s-400-triumf", id="s-400"),
        pytest.param("russia-china-2015-su-35s", id="su-35"),
        pytest.param("ukraine-china-1998-kuznetsov", id="varyag"),
    ],
)
def test_deals_in_sipri_and_a_document_are_one_transfer_with_two_attestations(store: EmbeddedStore, deal: str) -> None:
    rows = select(
        store,
        f"""SELECT (COUNT(DISTINCT ?t) AS ?n) (COUNT(DISTINCT ?src) AS ?s) WHERE {{
        ?t dgb:hasAttestation/dgb:source ?src FILTER(?t = sipri:{deal}) }}""",
    )
    assert int(rows[0]["n"] or 0) == 1 and int(rows[0]["s"] or 0) >= 2

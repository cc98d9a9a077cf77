"""Tests of the curated-facts loader (``dragonbear.loaders.curated``).

The valid fixture ``tests/data/curated/valid`` is a small cut of curated facts in the style of the real
data; each folder of ``tests/data/curated/invalid`` breaks one rule (``several-problems`` breaks three).
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from dragonbear.errors import LoadError
from dragonbear.loaders.contract import Loaded
from dragonbear.loaders.curated import CuratedReport, load_curated
from dragonbear.namespaces import DBR, DCTERMS, DGB, GRAPH_CURATED, ID, RDF, RDFS, SCHEMA, SKOS, WD, XSD

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent.parent / "data" / "curated"
VALID = DATA / "valid"
INVALID = DATA / "invalid"
REAL = ROOT / "core" / "data" / "curated"

SIPRI_SU35 = ID + "transfer/sipri/russia-china-2015-su-35s"
SIPRI_SU27SK = ID + "transfer/sipri/russia-china-1995-su-27sk"
DERIVATION = ID + "derivation/j-11-from-su-27sk"


@pytest.fixture
def curated() -> Loaded[CuratedReport]:
    """The valid fixture, loaded afresh for each test."""
    return load_curated(VALID)


def node(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def dgb(local: str) -> ox.NamedNode:
    return ox.NamedNode(DGB + local)


def typed(value: str, datatype: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype))


def objects(data: Loaded[CuratedReport], subject: str, predicate: ox.NamedNode) -> set[ox.NamedNode | ox.Literal]:
    """Objects of ``subject predicate ?o`` in the loaded quads."""
    return {q.object for q in data.quads if q.subject == node(subject) and q.predicate == predicate}


def has(data: Loaded[CuratedReport], subject: str, predicate: ox.NamedNode, obj: ox.NamedNode | ox.Literal) -> bool:
    return ox.Quad(node(subject), predicate, obj, node(GRAPH_CURATED)) in set(data.quads)


# -- the valid fixture -------------------------------------------------------------------------------


def test_load_puts_every_quad_in_the_curated_graph(curated: Loaded[CuratedReport]) -> None:
    assert curated.quads
    assert {q.graph_name for q in curated.quads} == {node(GRAPH_CURATED)}


def test_load_lists_the_files_it_read_sorted(curated: Loaded[CuratedReport]) -> None:
    names = ["agents.toml", "places.toml", "sources.toml", "statements.toml", "systems.toml"]
    assert [f.name for f in curated.report.files] == names


@pytest.mark.parametrize(
    ("local_id", "iri"),
    [
        pytest.param("russia", ID + "state/russia", id="state"),
        pytest.param("sukhoi", ID + "org/sukhoi", id="organization-kind-is-org"),
        pytest.param("crimea", ID + "place/crimea", id="place"),
        pytest.param("su-27", ID + "system/su-27", id="system"),
        pytest.param("j-11-from-su-27sk", DERIVATION, id="derivation"),
        pytest.param("buyan-m-mtu", ID + "fit/buyan-m-mtu", id="fit"),
        pytest.param("vostok-2018", ID + "exercise/vostok-2018", id="exercise"),
        pytest.param("su-35-quantity", ID + "conflict/su-35-quantity", id="conflict"),
        pytest.param("vonessen-2025", ID + "source/vonessen-2025", id="source-by-key"),
        pytest.param("su-35-deal", SIPRI_SU35, id="sipri-deal-record-is-the-sipri-transfer"),
    ],
)
def test_entities_map_record_ids_to_iris(curated: Loaded[CuratedReport], local_id: str, iri: str) -> None:
    assert curated.report.entities[local_id] == iri


@pytest.mark.parametrize(
    ("subject", "predicate", "obj"),
    [
        pytest.param("state/russia", SKOS + "prefLabel", ox.Literal("Russia", language="en"), id="names-en-pref"),
        pytest.param("state/russia", RDFS + "label", ox.Literal("Russia", language="en"), id="names-en-rdfs-label"),
        pytest.param("state/russia", SKOS + "prefLabel", ox.Literal("Россия", language="ru"), id="names-ru"),
        pytest.param("state/russia", SKOS + "prefLabel", ox.Literal("俄罗斯", language="zh-Hans"), id="names-zh-hans"),
        pytest.param("state/russia", SKOS + "altLabel", ox.Literal("Éluósī", language="zh-Latn-pinyin"), id="pinyin"),
        pytest.param("state/china", SKOS + "altLabel", ox.Literal("PRC", language="en"), id="alt-en"),
        pytest.param("place/tsugol-training-ground", SKOS + "hiddenLabel", ox.Literal("Цугол"), id="hidden-untagged"),
        pytest.param("system/su-27", DGB + "natoReportingName", ox.Literal("Flanker", language="en"), id="nato-en"),
        pytest.param(
            "system/project-21631", DGB + "designation", ox.Literal("Project 21631"), id="designation-untagged"
        ),
        pytest.param("state/russia", DGB + "sipriName", ox.Literal("Russia"), id="sipri-name"),
    ],
)
def test_labels_carry_the_documented_language_tags(
    curated: Loaded[CuratedReport], subject: str, predicate: str, obj: ox.Literal
) -> None:
    assert has(curated, ID + subject, node(predicate), obj)


def test_names_ru_does_not_become_an_rdfs_label(curated: Loaded[CuratedReport]) -> None:
    labels = objects(curated, ID + "state/russia", node(RDFS + "label"))
    assert labels == {ox.Literal("Russia", language="en")}


@pytest.mark.parametrize(
    ("subject", "predicate", "target"),
    [
        pytest.param("state/russia", "exactMatch", WD + "Q159", id="wikidata-exact"),
        pytest.param("system/jf-17", "closeMatch", WD + "Q744253", id="wikidata-candidate-close"),
        pytest.param("system/su-27", "exactMatch", DBR + "Sukhoi_Su-27", id="dbpedia"),
        pytest.param("system/jf-17", "exactMatch", DBR + "CAC%2FPAC_JF-17_Thunder", id="dbpedia-slash-encoded"),
    ],
)
def test_external_ids_become_skos_matches(
    curated: Loaded[CuratedReport], subject: str, predicate: str, target: str
) -> None:
    assert has(curated, ID + subject, node(SKOS + predicate), node(target))


@pytest.mark.parametrize(
    ("subject", "date", "datatype", "year"),
    [
        pytest.param("derivation/j-11-from-su-27sk", "1998", "gYear", "1998", id="year"),
        pytest.param("event/eu-sanctions-2014", "2014-07", "gYearMonth", "2014", id="year-month"),
        pytest.param("exercise/vostok-2018", "2018-09-11", "date", "2018", id="day"),
    ],
)
def test_start_dates_are_typed_by_precision_with_an_integer_year(
    curated: Loaded[CuratedReport], subject: str, date: str, datatype: str, year: str
) -> None:
    assert objects(curated, ID + subject, dgb("startDate")) == {typed(date, datatype)}
    assert objects(curated, ID + subject, dgb("startYear")) == {typed(year, "integer")}


def test_end_dates_get_end_year(curated: Loaded[CuratedReport]) -> None:
    assert objects(curated, ID + "exercise/vostok-2018", dgb("endDate")) == {typed("2018-09-17", "date")}
    assert objects(curated, ID + "fit/buyan-m-mtu", dgb("endYear")) == {typed("2014", "integer")}


def test_attestation_iri_is_statement_iri_with_source_key_and_repeat_suffix(curated: Loaded[CuratedReport]) -> None:
    assert objects(curated, DERIVATION, dgb("hasAttestation")) == {
        node(DERIVATION + "#att-vonessen-2025"),
        node(DERIVATION + "#att-vonessen-2025-2"),
    }


@pytest.mark.parametrize(
    ("attestation", "predicate", "expected"),
    [
        pytest.param("#att-vonessen-2025", RDF + "type", dgb("Attestation"), id="typed"),
        pytest.param("#att-vonessen-2025", DGB + "source", node(ID + "source/vonessen-2025"), id="source"),
        pytest.param("#att-vonessen-2025", DGB + "stance", dgb("Asserts"), id="stance-defaults-to-asserts"),
        pytest.param(
            "#att-vonessen-2025",
            DGB + "sourceReliability",
            dgb("ReliabilityB"),
            id="reliability-defaults-to-the-sources",
        ),
        pytest.param("#att-vonessen-2025", DGB + "locator", ox.Literal("§2 ¶2"), id="locator"),
        pytest.param("#att-vonessen-2025-2", DGB + "stance", dgb("Hedged"), id="explicit-stance"),
        pytest.param("#att-vonessen-2025-2", DGB + "sourceReliability", dgb("ReliabilityC"), id="explicit-reliability"),
    ],
)
def test_attestation_nodes_carry_source_stance_reliability_locator(
    curated: Loaded[CuratedReport], attestation: str, predicate: str, expected: ox.NamedNode | ox.Literal
) -> None:
    assert objects(curated, DERIVATION + attestation, node(predicate)) == {expected}


def test_entities_get_attestations_too(curated: Loaded[CuratedReport]) -> None:
    att = ID + "system/su-27#att-vonessen-2025"
    assert has(curated, ID + "system/su-27", dgb("hasAttestation"), node(att))
    assert has(curated, att, dgb("locator"), ox.Literal("§2 ¶1"))


def test_sipri_register_may_be_cited_without_a_source_record(curated: Loaded[CuratedReport]) -> None:
    att = ID + "transfer/henan-diesels-to-russia#att-sipri-at-2024"
    assert has(curated, att, dgb("source"), node(ID + "source/sipri-at-2024"))
    assert has(curated, att, dgb("sourceReliability"), dgb("ReliabilityA"))
    assert has(curated, att, dgb("reportedQuantity"), typed("28", "nonNegativeInteger"))


def test_sipri_deal_record_adds_attestation_to_the_sipri_transfer(curated: Loaded[CuratedReport]) -> None:
    att = SIPRI_SU35 + "#att-partnership-2025"
    assert objects(curated, SIPRI_SU35, dgb("hasAttestation")) == {node(att)}
    assert objects(curated, att, dgb("reportedQuantity")) == {typed("10", "nonNegativeInteger")}
    assert objects(curated, att, dgb("reportedDeliveryStartYear")) == {typed("2016", "integer")}
    assert objects(curated, att, dgb("reportedDeliveryEndYear")) == {typed("2017", "integer")}


def test_sipri_deal_record_makes_no_transfer_of_its_own(curated: Loaded[CuratedReport]) -> None:
    assert not objects(curated, SIPRI_SU35, node(RDF + "type"))
    assert not objects(curated, SIPRI_SU35, dgb("confidence"))
    assert not any("su-35-deal" in term.value for q in curated.quads for term in (q.subject, q.object))


def test_sipri_refs_name_the_file_and_line_of_each_reference(curated: Loaded[CuratedReport]) -> None:
    statements = VALID / "statements.toml"
    assert curated.report.sipri_refs == {
        "russia-china-1995-su-27sk": f"{statements}:2",
        "russia-china-2015-su-35s": f"{statements}:19",
    }


def test_enabled_by_links_the_sipri_transfer_to_the_derivation(curated: Loaded[CuratedReport]) -> None:
    assert has(curated, SIPRI_SU27SK, dgb("enabledDerivation"), node(DERIVATION))


def test_conflict_node_links_the_disagreeing_attestations(curated: Loaded[CuratedReport]) -> None:
    conflict = ID + "conflict/su-35-quantity"
    assert has(curated, conflict, node(RDF + "type"), dgb("Conflict"))
    assert objects(curated, conflict, dgb("conflictBetween")) == {
        node(SIPRI_SU35 + "#att-sipri-at-2024"),
        node(SIPRI_SU35 + "#att-partnership-2025"),
    }
    assert objects(curated, conflict, dgb("conflictConcerns")) == {node(ID + "state/russia")}
    assert objects(curated, conflict, dgb("aspect")) == {ox.Literal("quantity")}
    assert not objects(curated, conflict, dgb("rank"))


@pytest.mark.parametrize(
    ("subject", "confidence", "level"),
    [
        pytest.param("derivation/j-11-from-su-27sk", "0.9", "HighConfidence", id="explicit"),
        pytest.param("exercise/vostok-2018", "0.8", "HighConfidence", id="default-for-the-documents"),
        pytest.param("fit/buyan-m-chd622v20", "0.6", "ModerateConfidence", id="default-for-trade-press-only"),
        pytest.param("claim/karakurt-chinese-engines", "0.8", "HighConfidence", id="default-with-mixed-sources"),
        pytest.param("transfer/henan-diesels-to-russia", "0.8", "HighConfidence", id="default-with-sipri"),
        # a reliable think tank outside the three documents and SIPRI still gets the lower default
        pytest.param("claim/wider-record-only", "0.6", "ModerateConfidence", id="default-for-the-wider-record"),
    ],
)
def test_statements_get_confidence_and_its_level(
    curated: Loaded[CuratedReport], subject: str, confidence: str, level: str
) -> None:
    assert objects(curated, ID + subject, dgb("confidence")) == {typed(confidence, "decimal")}
    assert objects(curated, ID + subject, dgb("confidenceLevel")) == {dgb(level)}


@pytest.mark.parametrize(
    ("subject", "rank"),
    [
        pytest.param("derivation/j-11-from-su-27sk", "PreferredRank", id="explicit"),
        pytest.param("fit/buyan-m-mtu", "NormalRank", id="fit-default"),
        pytest.param("transfer/henan-diesels-to-russia", "NormalRank", id="transfer-default"),
        pytest.param("figure/joint-exercise-count-2017-2024", "NormalRank", id="figure-default"),
        pytest.param("claim/karakurt-chinese-engines", "NormalRank", id="claim-default"),
        pytest.param("exercise/vostok-2018", "NormalRank", id="exercise-default"),
        pytest.param("event/crimea-annexation", "NormalRank", id="event-default"),
    ],
)
def test_statements_get_a_rank(curated: Loaded[CuratedReport], subject: str, rank: str) -> None:
    assert objects(curated, ID + subject, dgb("rank")) == {dgb(rank)}


def test_entities_get_no_default_confidence_or_rank(curated: Loaded[CuratedReport]) -> None:
    assert not objects(curated, ID + "state/russia", dgb("confidence"))
    assert not objects(curated, ID + "system/su-27", dgb("rank"))


@pytest.mark.parametrize(
    ("subject", "classes"),
    [
        pytest.param("org/sukhoi", {"Organization", "Company"}, id="organization-type"),
        pytest.param("place/crimea", {"Place", "Territory"}, id="territory"),
        pytest.param("place/tsugol-training-ground", {"Place"}, id="place"),
        pytest.param("exercise/vostok-2018", {"MilitaryActivity", "JointExercise"}, id="exercise-default-type"),
        pytest.param("event/crimea-annexation", {"Event", "Annexation"}, id="event-type"),
        pytest.param("system/su-27", {"SystemModel"}, id="system"),
        pytest.param("source/vonessen-2025", {"SourceDocument"}, id="source"),
    ],
)
def test_records_are_typed_with_their_classes(curated: Loaded[CuratedReport], subject: str, classes: set[str]) -> None:
    assert objects(curated, ID + subject, node(RDF + "type")) == {dgb(c) for c in classes}


@pytest.mark.parametrize(
    ("subject", "predicate", "obj"),
    [
        pytest.param("org/sukhoi", "basedIn", node(ID + "state/russia"), id="based-in"),
        pytest.param("org/pla-navy", "armedForceOf", node(ID + "state/china"), id="armed-force-of"),
        pytest.param("system/su-27sk", "variantOf", node(ID + "system/su-27"), id="variant-of"),
        pytest.param("system/su-27", "category", dgb("FighterAircraft"), id="category"),
        pytest.param("system/su-27", "countryOfOrigin", node(ID + "state/russia"), id="country"),
        pytest.param("derivation/j-11-from-su-27sk", "derivedSystem", node(ID + "system/j-11"), id="derived"),
        pytest.param("derivation/j-11-from-su-27sk", "sourceSystem", node(ID + "system/su-27sk"), id="from"),
        pytest.param("derivation/j-11-from-su-27sk", "derivationKind", dgb("LicensedProduction"), id="kind"),
        pytest.param("derivation/j-11-from-su-27sk", "dateQualifier", ox.Literal("circa"), id="date-qualifier"),
        pytest.param("fit/buyan-m-chd622v20", "replaces", node(ID + "fit/buyan-m-mtu"), id="replaces"),
        pytest.param("fit/buyan-m-mtu", "endedBy", node(ID + "event/eu-sanctions-2014"), id="ended-by"),
        pytest.param("fit/buyan-m-chd622v20", "componentRole", dgb("MainPropulsion"), id="role"),
        pytest.param("fit/buyan-m-chd622v20", "fittedUnits", typed("7", "nonNegativeInteger"), id="units"),
        pytest.param("transfer/henan-diesels-to-russia", "supplier", node(ID + "state/china"), id="supplier"),
        pytest.param(
            "transfer/henan-diesels-to-russia",
            "quantityOrdered",
            typed("28", "nonNegativeInteger"),
            id="quantity-ordered",
        ),
        pytest.param(
            "transfer/henan-diesels-to-russia", "quantityQualifier", ox.Literal("at least"), id="quantity-qualifier"
        ),
        pytest.param("transfer/henan-diesels-to-russia", "orderYear", typed("2015", "integer"), id="order-year"),
        pytest.param("transfer/henan-diesels-to-russia", "transferStatus", dgb("NewEquipment"), id="status"),
        pytest.param("exercise/vostok-2018", "host", node(ID + "state/russia"), id="host"),
        pytest.param("exercise/vostok-2018", "operationalDomain", dgb("GroundDomain"), id="domain"),
        pytest.param("exercise/vostok-2018", "personnel", typed("3200", "nonNegativeInteger"), id="personnel"),
        pytest.param("event/eu-sanctions-2014", "sanctioningAgent", node(ID + "state/germany"), id="sanctioning"),
        pytest.param(
            "event/eu-sanctions-2014", "inResponseTo", node(ID + "event/crimea-annexation"), id="in-response-to"
        ),
        pytest.param("event/crimea-annexation", "targetTerritory", node(ID + "place/crimea"), id="territory"),
        pytest.param("claim/karakurt-chinese-engines", "claimPredicate", dgb("componentOf"), id="claim-predicate"),
        pytest.param(
            "claim/karakurt-chinese-engines",
            "statement",
            ox.Literal("Chinese diesel engines were fitted to Karakurt corvettes.", language="en"),
            id="claim-statement-en",
        ),
        pytest.param(
            "figure/joint-exercise-count-2017-2024", "comparator", dgb("Range"), id="figure-bounds-default-to-range"
        ),
        pytest.param("figure/joint-exercise-count-2017-2024", "lowerBound", typed("90", "decimal"), id="lower"),
        pytest.param(
            "figure/joint-exercise-count-2017-2024", "periodStartYear", typed("2017", "integer"), id="period-start"
        ),
    ],
)
def test_record_keys_map_to_their_properties(
    curated: Loaded[CuratedReport], subject: str, predicate: str, obj: ox.NamedNode | ox.Literal
) -> None:
    assert obj in objects(curated, ID + subject, dgb(predicate))


def test_multi_valued_keys_give_one_triple_per_value(curated: Loaded[CuratedReport]) -> None:
    assert objects(curated, ID + "exercise/vostok-2018", dgb("participant")) == {
        node(ID + "state/" + s) for s in ("russia", "china", "mongolia")
    }


def test_attestation_note_is_english(curated: Loaded[CuratedReport]) -> None:
    att = ID + "fit/buyan-m-chd622v20#att-trade-press-2018"
    assert objects(curated, att, dgb("note")) == {
        ox.Literal("Engines ordered after the German embargo.", language="en")
    }


@pytest.mark.parametrize(
    ("predicate", "expected"),
    [
        pytest.param(DGB + "sourceKey", {ox.Literal("partnership-2025")}, id="key"),
        pytest.param(DCTERMS + "creator", {ox.Literal("A. Author"), ox.Literal("B. Author")}, id="authors"),
        pytest.param(DCTERMS + "publisher", {ox.Literal("Example Centre")}, id="publisher-literal"),
        pytest.param(DCTERMS + "issued", {typed("2025-03-14", "date")}, id="issued-typed"),
        pytest.param(SCHEMA + "url", {node("https://example.org/partnership-2025")}, id="url"),
        pytest.param(DGB + "sourceType", {dgb("ThinkTankAnalysis")}, id="type"),
        pytest.param(DGB + "sourceReliability", {dgb("ReliabilityB")}, id="reliability"),
    ],
)
def test_sources_become_source_documents(curated: Loaded[CuratedReport], predicate: str, expected: set[object]) -> None:
    assert objects(curated, ID + "source/partnership-2025", node(predicate)) == expected


@pytest.mark.slow
def test_load_handles_three_thousand_records(tmp_path: Path) -> None:
    sources = (VALID / "sources.toml").read_text(encoding="utf-8")
    (tmp_path / "sources.toml").write_text(sources, encoding="utf-8")
    state = (
        '[[state]]\nid = "russia"\nnames = { en = "Russia" }\n'
        'sources = [{ source = "vonessen-2025", locator = "§1" }]\n'
    )
    records = [state]
    for n in range(1500):
        records.append(
            f'[[system]]\nid = "system-{n}"\nnames = {{ en = "System {n}", ru = "Система {n}" }}\n'
            f'category = "FighterAircraft"\ncountry = "russia"\n'
            f'sources = [{{ source = "vonessen-2025", locator = "§2 ¶{n}" }}]\n'
        )
        records.append(
            f'[[derivation]]\nid = "derivation-{n}"\nderived = "system-{n}"\nfrom = "system-0"\n'
            f'kind = "DerivedDesign"\nstart = "1999"\nsources = [{{ source = "vonessen-2025", '
            f'locator = "§3" }}, {{ source = "partnership-2025", locator = "§4" }}]\n'
        )
    (tmp_path / "facts.toml").write_text("\n".join(records), encoding="utf-8")
    data = load_curated(tmp_path)
    assert len(data.report.entities) == 1 + 1500 + 1500 + sources.count("[[source]]")


# -- invalid fixtures --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("case", "file", "line", "column", "fragment"),
    [
        pytest.param("toml-syntax", "systems.toml", 5, 16, "TOML syntax error", id="toml-syntax-line-and-column"),
        pytest.param(
            "unknown-reference",
            "systems.toml",
            8,
            None,
            "unknown reference 'shenyang-aircraft-corp'",
            id="unknown-reference",
        ),
        pytest.param("duplicate-id", "systems.toml", 10, None, "duplicate id 'russia'", id="duplicate-id-across-files"),
        pytest.param("unknown-concept", "systems.toml", 9, None, "unknown category 'Fighter'", id="unknown-concept"),
        pytest.param(
            "exercise-one-participant",
            "exercises.toml",
            7,
            None,
            "at least two participants",
            id="exercise-with-one-participant",
        ),
        pytest.param(
            "unknown-record-type", "systems.toml", 7, None, "unknown record type [[weapon]]", id="unknown-record-type"
        ),
        pytest.param("missing-key", "systems.toml", 2, None, "missing required key 'category'", id="missing-key"),
        pytest.param("bad-date", "events.toml", 7, None, "bad date '2014-13'", id="bad-date"),
        pytest.param(
            "confidence-out-of-range",
            "systems.toml",
            14,
            None,
            "confidence must be a number from 0 to 1",
            id="confidence-above-one",
        ),
        pytest.param("bad-wikidata", "agents.toml", 2, None, "bad Wikidata id 'Q0159'", id="bad-wikidata-id"),
        pytest.param("unknown-source", "agents.toml", 7, None, "unknown source 'wikipedia'", id="unknown-source"),
    ],
)
def test_load_rejects_invalid_facts_with_file_and_line(
    case: str, file: str, line: int, column: int | None, fragment: str
) -> None:
    with pytest.raises(LoadError) as caught:
        load_curated(INVALID / case)
    error = caught.value
    assert (error.path, error.line, error.column) == (str(INVALID / case / file), line, column)
    assert fragment in error.reason
    assert "problems in the curated facts" not in error.reason  # the fixture breaks one rule only


def test_load_reports_every_problem_at_once_located_at_the_first() -> None:
    with pytest.raises(LoadError) as caught:
        load_curated(INVALID / "several-problems")
    error = caught.value
    assert (error.path, error.line) == (str(INVALID / "several-problems" / "agents.toml"), 7)
    assert "3 problems in the curated facts" in error.reason
    for fragment in ("unknown reference 'rusia'", "bad date '1985-00'", "unknown category 'Fighter'"):
        assert fragment in error.reason


def test_load_rejects_a_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="not found"):
        load_curated(tmp_path / "nowhere")


def test_load_of_an_empty_directory_gives_no_quads(tmp_path: Path) -> None:
    data = load_curated(tmp_path)
    assert (data.quads, data.report.entities, data.report.sipri_refs, data.report.files) == ([], {}, {}, [])


# -- the real curated data ---------------------------------------------------------------------------


def canonical_ids() -> list[str]:
    """Every id listed in docs/canonical-ids.md (the backticked slugs)."""
    text = (ROOT / "docs" / "canonical-ids.md").read_text(encoding="utf-8")
    return [i for i in re.findall(r"`([^`]+)`", text) if re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", i)]


@pytest.mark.skipif(not any(REAL.glob("*.toml")), reason="no curated .toml files written yet")
def test_real_curated_data_loads_and_defines_every_canonical_id() -> None:
    data = load_curated(REAL)
    # sipri-at-2024 is the SIPRI register's source, emitted by the SIPRI loader.
    missing = [i for i in canonical_ids() if i not in data.report.entities and i != "sipri-at-2024"]
    assert not missing, f"canonical ids not defined by the curated data: {missing}"


# -- the real curated data: corrections found in review (issue 11) ----------------------------------------


@pytest.fixture(scope="module")
def real() -> Loaded[CuratedReport]:
    """The shipped curated facts, loaded once for the corrections below (read only)."""
    return load_curated(REAL)


def name_keys_of(data: Loaded[CuratedReport], system: str) -> set[str]:
    """Every name of ``system`` (labels, other names, designations, spellings), lower-cased, letters and
    digits only."""
    names = (RDFS + "label", SKOS + "prefLabel", SKOS + "altLabel", SKOS + "hiddenLabel", DGB + "designation")
    return {
        re.sub(r"[\W_]", "", o.value.casefold())
        for p in names
        for o in objects(data, ID + f"system/{system}", node(p))
        if isinstance(o, ox.Literal)
    }


def test_dt_59_is_not_named_da_80_which_is_a_system_of_its_own(real: Loaded[CuratedReport]) -> None:
    # SIPRI gives the DT-59 20,700-21,700 hp and the DA-80 24,300 hp: two Zorya turbines.
    assert "da80" not in name_keys_of(real, "dt-59")
    assert {"da80", "dn80", "ugt25000"} <= name_keys_of(real, "da-80")
    assert "ugt25000" not in name_keys_of(real, "qc-280")
    for system in ("dt-59", "da-80"):
        assert objects(real, ID + f"system/{system}", dgb("manufacturer")) == {node(ID + "org/zorya-mashproekt")}


def test_qc_280_is_licensed_production_of_the_da_80(real: Loaded[CuratedReport]) -> None:
    derivations = {
        q.subject for q in real.quads if q.predicate == dgb("derivedSystem") and q.object == node(ID + "system/qc-280")
    }
    assert derivations == {node(ID + "derivation/qc-280-licensed-from-da-80")}
    (derivation,) = derivations
    assert objects(real, derivation.value, dgb("sourceSystem")) == {node(ID + "system/da-80")}
    assert objects(real, derivation.value, dgb("derivationKind")) == {dgb("LicensedProduction")}
    assert has(real, ID + "transfer/sipri/ukraine-china-2008-dt-59", dgb("enabledDerivation"), derivation)


@pytest.mark.parametrize(
    ("system", "makers", "designer"),
    [
        pytest.param("al-31f", {"umpo", "salyut"}, "lyulka-design-bureau", id="al-31f"),
        pytest.param("d-30kp2", {"uec-saturn"}, "aviadvigatel", id="d-30kp2"),
    ],
)
def test_soviet_designed_engines_built_in_russia_have_makers_based_in_russia(
    real: Loaded[CuratedReport], system: str, makers: set[str], designer: str
) -> None:
    subject = ID + f"system/{system}"
    assert objects(real, subject, dgb("manufacturer")) == {node(ID + f"org/{m}") for m in makers}
    assert objects(real, subject, dgb("developer")) == {node(ID + f"org/{designer}")}
    assert objects(real, subject, dgb("countryOfOrigin")) == {node(ID + "state/soviet-union")}  # the design
    for org in {*makers, designer}:
        assert objects(real, ID + f"org/{org}", dgb("basedIn")) == {node(ID + "state/russia")}


def test_the_makers_cite_public_sources_a_reader_can_open(real: Loaded[CuratedReport]) -> None:
    for org in ("uec-saturn", "lyulka-design-bureau", "umpo", "salyut", "aviadvigatel"):
        attestations = objects(real, ID + f"org/{org}", dgb("hasAttestation"))
        sources = {s for a in attestations for s in objects(real, a.value, dgb("source"))}
        assert sources and node(ID + "source/dragonbear-linked-data-notes") not in sources
        for source in sources:
            assert objects(real, source.value, node(SCHEMA + "url")), source
        (confidence,) = objects(real, ID + f"org/{org}", dgb("confidence"))
        assert float(confidence.value) < 0.8  # lower than the documents' and SIPRI's

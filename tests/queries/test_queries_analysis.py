"""Golden tests of the lineage and dependency queries on the shipped graph, and of the derived graph.

Each expected row cites the curated record or SIPRI row it comes from; figures derived by a query
(split deliveries, counts) were checked by hand against ``core/data/sipri/extract.csv`` and
``core/data/curated/*.toml``.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pyoxigraph as ox
import pytest
from starlette.testclient import TestClient

from dragonbear.graph.store import EmbeddedStore
from dragonbear.namespaces import DGB, GRAPH_DERIVED, ID
from dragonbear.pipeline.build import BuildReport
from dragonbear.queries.catalogue import load_catalogue, run_canned
from dragonbear.service.runtime.names import name_index

from ..conftest import cli, local, rows

CATALOGUE = load_catalogue()
NEW_QUERIES = (
    "lineage",
    "dependencies",
    "exposure",
    "sanctions-impact",
    "transfer-volumes",
    "exercise-stats",
    "participants",
    "names",
    "single-source",
    "as-of",
)


def test_catalogue_has_the_analysis_queries_with_their_forms() -> None:
    assert set(NEW_QUERIES) <= set(CATALOGUE)
    assert CATALOGUE["lineage"].form == "CONSTRUCT"
    assert {CATALOGUE[n].form for n in NEW_QUERIES if n != "lineage"} == {"SELECT"}


# --- ancestors and descendants with depth ----------------------------------------------------------


def test_ancestors_of_j15_carry_the_depth_of_each_step(store: EmbeddedStore) -> None:
    got = {
        (local(r["child"]), local(r["ancestor"]), r["kindLabel"], r["depth"])
        for r in rows(store, "ancestors", system="J-15")
    }
    assert got == {
        ("j-15", "j-11", "derived design", "1"),  # derivations.toml j-15-from-j-11 (partnership-2025 §1 ¶2)
        ("j-15", "t-10k", "derived design", "1"),  # derivations.toml j-15-from-t-10k
        ("j-11", "su-27sk", "licensed production", "2"),  # partnership-2025 §1 ¶2, SIPRI
        ("j-11", "su-27", "reverse engineering", "2"),  # partnership-2025 §1 ¶6
        ("t-10k", "su-33", "variant of", "2"),
        ("su-27sk", "su-27", "variant of", "3"),
        ("su-33", "su-27", "variant of", "3"),
    }


@pytest.mark.parametrize(
    ("name", "system", "depth", "expected"),
    [
        pytest.param("ancestors", "J-15", "1", {("j-15", "j-11"), ("j-15", "t-10k")}, id="ancestors-depth-1"),
        pytest.param("descendants", "S-300", "1", {("s-300", "hq-9"), ("s-300", "s-300pmu")}, id="descendants-depth-1"),
        pytest.param(
            "descendants",
            "S-300",
            "2",
            {("s-300", "hq-9"), ("s-300", "s-300pmu"), ("s-300pmu", "s-300pmu1")},
            id="descendants-depth-2",
        ),
    ],
)
def test_depth_parameter_limits_the_steps(
    store: EmbeddedStore, name: str, system: str, depth: str, expected: set[tuple[str, str]]
) -> None:
    got = rows(store, name, system=system, depth=depth)
    assert {
        (
            local(r["child" if name == "ancestors" else "parent"]),
            local(r["ancestor" if name == "ancestors" else "descendant"]),
        )
        for r in got
    } == expected
    assert all(int(r["depth"]) <= int(depth) and r["maxDepth"] == depth for r in got)


def test_depth_is_the_shortest_path_when_several_lead_to_a_step() -> None:
    # a -> b -> c and a -> c: c is one step from a, so its own step c -> d has depth 2, not 3
    store = EmbeddedStore.open(None)
    sys_ = {x: ox.NamedNode(f"{ID}system/{x}") for x in "abcd"}
    quads = [
        ox.Quad(
            sys_[x], ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(f"{DGB}SystemModel")
        )
        for x in "abcd"
    ]
    quads += [
        ox.Quad(sys_[x], ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), ox.Literal(f"System {x}"))
        for x in "abcd"
    ]
    quads += [ox.Quad(sys_[s], ox.NamedNode(f"{DGB}variantOf"), sys_[o]) for s, o in ("ab", "bc", "ac", "cd")]
    store.extend(quads)
    got = {
        (local(r["child"]), local(r["ancestor"]), r["depth"]) for r in rows(store, "ancestors", system=sys_["a"].value)
    }
    assert got == {("a", "b", "1"), ("a", "c", "1"), ("b", "c", "2"), ("c", "d", "2")}


# --- lineage as a graph ------------------------------------------------------------------------------


def test_lineage_of_j11_is_a_graph_in_both_directions(store: EmbeddedStore) -> None:
    answer = run_canned(store, "lineage", {"system": "J-11"}, catalogue=CATALOGUE, names=name_index(store))
    triples = {
        (
            local(t.subject.value),
            local(t.predicate.value),
            t.object.value if isinstance(t.object, ox.Literal) else local(t.object.value),
        )
        for t in answer
    }
    assert {
        ("j-11", "licensedProductionOf", "su-27sk"),  # ancestors
        ("j-11", "reverseEngineeredFrom", "su-27"),
        ("su-27sk", "variantOf", "su-27"),
        ("j-15", "derivedDesignOf", "j-11"),  # descendants
        ("j-11b", "reverseEngineeredFrom", "j-11"),
        ("j-11-licensed-production", "startYear", "1998"),
        ("j-11-licensed-production", "derivationKind", "LicensedProduction"),
        ("att-partnership-2025", "locator", "section 1 ('The Beginning'), paragraph 2"),
        ("j-11", "label", "Shenyang J-11"),
        ("su-27", "countryOfOrigin", "soviet-union"),
    } <= triples
    assert ("s-300", "variantOf", "s-300") not in triples and not any(s == "hq-9" for s, _, _ in triples)


@pytest.mark.slow
def test_cli_writes_the_lineage_as_turtle(built: tuple[Path, BuildReport]) -> None:
    result = cli("query", "lineage", "-p", "system=J-11", "--format", "turtle", store_dir=built[0])
    assert result.returncode == 0, result.stderr
    graph = list(ox.parse(result.stdout.encode(), format=ox.RdfFormat.TURTLE))
    assert ox.Triple(
        ox.NamedNode(f"{ID}system/j-11"),
        ox.NamedNode(f"{DGB}licensedProductionOf"),
        ox.NamedNode(f"{ID}system/su-27sk"),
    ) in [q.triple for q in graph]


@pytest.mark.parametrize(
    ("accept", "fmt", "media", "rdf_format"),
    [
        pytest.param(None, None, "text/turtle", ox.RdfFormat.TURTLE, id="default-turtle"),
        pytest.param("application/n-triples", None, "application/n-triples", ox.RdfFormat.N_TRIPLES, id="accept-nt"),
        pytest.param("text/turtle", "jsonld", "application/ld+json", ox.RdfFormat.JSON_LD, id="format-jsonld"),
    ],
)
def test_api_negotiates_the_lineage_graph(
    client: TestClient, accept: str | None, fmt: str | None, media: str, rdf_format: ox.RdfFormat
) -> None:
    response = client.get(
        "/api/queries/lineage",
        params={"system": "J-11", **({"format": fmt} if fmt else {})},
        headers={"Accept": accept} if accept else {},
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(media)
    triples = [q.triple for q in ox.parse(response.content, format=rdf_format)]
    assert (
        ox.Triple(
            ox.NamedNode(f"{ID}system/j-15"), ox.NamedNode(f"{DGB}derivedDesignOf"), ox.NamedNode(f"{ID}system/j-11")
        )
        in triples
    )


def test_api_refuses_a_results_format_for_the_lineage_graph(client: TestClient) -> None:
    response = client.get("/api/queries/lineage", params={"system": "J-11", "format": "csv"})
    assert response.status_code == 406
    assert "turtle" in response.json()["message"]


# --- dependencies, exposure, sanctions ---------------------------------------------------------------


def test_dependencies_of_karakurt_golden(store: EmbeddedStore) -> None:
    got = {
        (
            local(r["component"]),
            r.get("role"),
            r.get("makerLabel"),
            local(r.get("makerState", "-")),
            r["stateBasis"],
            r["confidence"],
            r["inConflict"],
            r["sources"],
        )
        for r in rows(store, "dependencies", system="Karakurt")
    }
    assert got == {
        # dependencies.toml fit-22800-chinese-diesel: partnership-2025 asserts, a 2018 trade-press report denies
        ("chinese-marine-diesel", "main propulsion", None, "china", "component country of origin", "0.45", "true", "1"),
        # fit-22800-zvezda-m507: the trade-press report and the reference work; the same conflict concerns it
        ("zvezda-m507", "main propulsion", "Zvezda", "russia", "maker based in", "0.6", "true", "2"),
    }


def test_dependencies_of_buyan_m_give_periods_and_the_replacement(store: EmbeddedStore) -> None:
    got = {local(r["fit"]): r for r in rows(store, "dependencies", system="Buyan-M")}
    mtu, chd = got["fit-21631-mtu-16v4000"], got["fit-21631-chd622v20"]
    assert (
        mtu.get("startYear"),
        mtu["endYear"],
        local(mtu["endedBy"]),
        local(mtu["replacedBy"]),
        local(mtu["makerState"]),
    ) == (None, "2014", "german-engine-embargo-2014", "fit-21631-chd622v20", "germany")
    assert (chd["startYear"], local(chd["replaces"]), local(chd["maker"]), local(chd["makerState"])) == (
        "2018",
        "fit-21631-mtu-16v4000",
        "henan-diesel",
        "china",
    )


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        # the Chinese diesels in Russian ships (dependencies.toml, partnership-2025 §2 ¶6, SIPRI)
        pytest.param(
            "China",
            {
                ("project-21631", "fit-21631-chd622v20", "russia", "2018"),
                ("project-22800", "fit-22800-chinese-diesel", "russia", None),
                ("project-22460", "fit-22460-chinese-diesel", "russia", None),
            },
            id="china",
        ),
        # Ukrainian engines: Russian frigates until 2014 and the Chinese L-15 trainer
        pytest.param(
            "Ukraine",
            {
                ("project-11356", "fit-11356-dt-59", "russia", None),
                ("project-11356", "fit-11356-ds-71", "russia", None),
                ("project-22350", "fit-22350-dt-59", "russia", None),
                ("l-15", "fit-l-15-ai-222", "china", "2013"),
            },
            id="ukraine",
        ),
        # Soviet-designed engines built in Russia count for Russia through their makers (UMPO and Salyut for the
        # AL-31F, UEC-Saturn for the D-30KP-2; systems.toml, agents.toml); the AL-31FN originates in Russia
        pytest.param(
            "Russia",
            {
                ("j-10", "fit-j-10-al-31fn", "china", "2003"),
                ("j-15", "fit-j-15-al-31f", "china", "2012"),
                ("j-20", "fit-j-20-al-31f", "china", "2017"),
                ("h-6k", "fit-h-6k-d-30kp2", "china", "2009"),
                ("y-20", "fit-y-20-d-30kp2", "china", None),
                # the AK-176 guns of the Type-054A, supplied by Russia (row China,Russia,2004,AK-176 76mm)
                ("type-054a", "fit-type-054a-ak-176", "china", "2008"),
            },
            id="russia",
        ),
    ],
)
@pytest.mark.slow
def test_exposure_golden(
    full_store: EmbeddedStore, state: str, expected: set[tuple[str, str, str, str | None]]
) -> None:
    found = rows(full_store, "exposure", state=state)
    # the curated fits, golden; the fits read from SIPRI's comments are tested in test_sipri_relations.py
    got = {
        (local(r["platform"]), local(r["fit"]), local(r["platformState"]), r.get("startYear"))
        for r in found
        if "/fit/sipri/" not in r["fit"]
    }
    assert got == expected
    assert any("/fit/sipri/" in r["fit"] for r in found)


def test_sanctions_impact_on_russia_in_2014_golden(store: EmbeddedStore) -> None:
    got = {
        (
            local(r["sanctions"]),
            r["sanctioning"],
            local(r["endedFit"]),
            local(r["componentState"]),
            r["fitEndYear"],
            local(r.get("replacement", "-")),
            local(r.get("replacementState", "-")),
            r.get("gapYears"),
        )
        for r in rows(store, "sanctions-impact", state="Russia", year="2014")
    }
    assert got == {
        # German embargo: MTU diesels of the Buyan-M replaced by Henan CHD622V20 from 2018 (SIPRI, partnership-2025)
        (
            "german-engine-embargo-2014",
            "Germany",
            "fit-21631-mtu-16v4000",
            "germany",
            "2014",
            "fit-21631-chd622v20",
            "china",
            "4",
        ),
        # Ukraine's export stop: the gas turbines of two frigate classes, no replacement recorded
        ("ukraine-export-ban-2014", "Ukraine", "fit-11356-dt-59", "ukraine", "2014", "-", "-", None),
        ("ukraine-export-ban-2014", "Ukraine", "fit-11356-ds-71", "ukraine", "2014", "-", "-", None),
        ("ukraine-export-ban-2014", "Ukraine", "fit-22350-dt-59", "ukraine", "2014", "-", "-", None),
    }


@pytest.mark.parametrize(
    ("params", "fits"),
    [
        pytest.param(
            {"state": "Ukraine"}, {"fit-11356-dt-59", "fit-11356-ds-71", "fit-22350-dt-59"}, id="ukraine-imposed"
        ),
        pytest.param({"state": "Germany", "year": "2014"}, {"fit-21631-mtu-16v4000"}, id="germany-2014"),
        pytest.param({"state": "Russia", "year": "2022"}, set(), id="russia-2022-none-recorded"),
    ],
)
def test_sanctions_impact_filters_by_state_and_year(
    store: EmbeddedStore, params: dict[str, str], fits: set[str]
) -> None:
    assert {local(r["endedFit"]) for r in rows(store, "sanctions-impact", **params)} == fits


# --- transfers and exercises -------------------------------------------------------------------------


def test_transfer_volumes_russia_to_china_2014_2016_golden(store: EmbeddedStore) -> None:
    got = [
        (
            r["year"],
            r["category"],
            r["dealsOrdered"],
            r["unitsOrdered"],
            r["tivOrdered"],
            r["dealsDelivering"],
            r["unitsDeliveredSplit"],
            r["tivDeliveredSplit"],
        )
        for r in rows(store, "transfer-volumes", supplier="Russia", recipient="China", **{"from": "2014", "to": "2016"})
    ]
    assert got == [
        # 1997 Kh-31A1 (mapped to the curated Kh-31, an air-to-surface missile) and 2004 Kh-59MK
        ("2014", "air-to-surface missile", "0", "0", "0", "2", "87.5", "87.5"),
        ("2014", "aircraft engine", "1", "100", "325", "3", "71.2", "224.9"),  # 2014 AL-31: 100 ordered, TIV 325
        ("2014", "anti-tank missile", "0", "0", "0", "1", "100", "2"),
        ("2014", "helicopter", "0", "0", "0", "1", "17.3", "125.7"),  # 2012 Mi-17: 52 and 377 over 2012-2014
        ("2014", "naval weapon", "0", "0", "0", "1", "8", "20"),
        ("2014", "transport aircraft", "0", "0", "0", "1", "1.7", "56.7"),  # 2011 Il-76M: 5 and 170 over 2013-2015
        ("2015", "air-to-air missile", "1", "240", "96", "0", "0", "0"),
        ("2015", "air-to-surface missile", "0", "0", "0", "2", "87.5", "87.5"),
        ("2015", "aircraft engine", "2", "10", "32.5", "3", "81.7", "259.1"),
        ("2015", "anti-tank missile", "0", "0", "0", "1", "100", "2"),
        ("2015", "fighter aircraft", "1", "24", "1440", "0", "0", "0"),  # Su-35S ordered 2015
        ("2015", "naval weapon", "0", "0", "0", "2", "11.4", "28.5"),
        ("2015", "radar", "0", "0", "0", "2", "17.1", "78.6"),
        ("2015", "surface-to-air missile", "2", "450", "445", "0", "0", "0"),  # 48N6 and 9M96 for the S-400
        ("2015", "surface-to-air missile system", "1", "8", "520", "0", "0", "0"),
        ("2015", "transport aircraft", "1", "7", "392.7", "2", "5.2", "253"),
        ("2016", "air-to-surface missile", "0", "0", "0", "1", "62.5", "56.3"),
        ("2016", "aircraft engine", "0", "0", "0", "4", "85.1", "269.9"),
        ("2016", "fighter aircraft", "0", "0", "0", "1", "8", "480"),  # 24 Su-35S over 2016-2018
        ("2016", "naval weapon", "0", "0", "0", "3", "12.6", "31.4"),
        ("2016", "radar", "0", "0", "0", "2", "17.1", "78.6"),
        ("2016", "transport aircraft", "0", "0", "0", "1", "3.5", "196.4"),
    ]


def test_transfer_volumes_list_the_deals_behind_each_figure(store: EmbeddedStore) -> None:
    got = {
        (r["year"], r["category"]): set(r["transfers"].split())
        for r in rows(store, "transfer-volumes", supplier="Russia", recipient="China", **{"from": "2015", "to": "2015"})
    }
    assert got[("2015", "fighter aircraft")] == {"sipri/russia-china-2015-su-35s"}
    assert got[("2015", "surface-to-air missile")] == {"sipri/russia-china-2015-48n6", "sipri/russia-china-2015-9m96"}


def test_transfer_volumes_add_up_to_the_register(store: EmbeddedStore) -> None:
    # every Russia -> China deal of the shipped extract, summed from the CSV: the split loses nothing
    # and counts nothing twice (a triple held by two graphs would double a sum)
    lines = (
        (Path(__file__).resolve().parents[2] / "core/data/sipri/extract.csv")
        .read_text(encoding="utf-8", errors="replace")
        .splitlines()
    )
    start = next(i for i, line in enumerate(lines) if line.startswith("Recipient,Supplier"))
    deals = [
        r for r in csv.reader(lines[start + 1 :]) if len(r) > 15 and r[:2] == ["China", "Russia"] and r[10].strip()
    ]
    got = rows(store, "transfer-volumes", supplier="Russia", recipient="China")
    tolerance = 0.05 * len(got)  # each row is rounded to one decimal
    assert abs(sum(float(r["tivDeliveredSplit"]) for r in got) - sum(float(d[15] or 0) for d in deals)) <= tolerance
    assert abs(sum(float(r["unitsDeliveredSplit"]) for r in got) - sum(int(d[8] or 0) for d in deals)) <= tolerance


def test_exercise_stats_2003_2022_counted_and_reported(store: EmbeddedStore) -> None:
    got = rows(store, "exercise-stats", **{"from": "2003", "to": "2022"})
    counted = [r for r in got if r["kind"] == "counted"]
    assert {r["periodStart"] for r in counted} == {"2003", "2005", "2007", "2009", "2010"} | {
        str(y) for y in range(2012, 2023)
    }
    assert sum(int(r["counted"]) for r in counted) == 39  # 39 + 6 in 2023 + 11 in 2024 = the 56 counted for 2003-2024
    assert ("2019", "naval", "3") in {(r["periodStart"], r["domain"], r["counted"]) for r in counted}
    reported = {
        local(r["figure"]): (r["periodStart"], r["periodEnd"], r["domain"], r["counted"], r["reported"])
        for r in got
        if r["kind"] == "reported"
    }
    assert reported == {
        "joint-exercises-2003-2024": ("2003", "2024", "all", "56", "90"),  # vonessen-2025 ¶2: more than 90
        "joint-sea-count-2012-2022": ("2012", "2022", "naval", "11", "11"),  # Joint Sea series only
        "joint-air-patrols-2019-2024": ("2019", "2024", "air", "9", "9"),  # patrols only
        "security-belt-count-2019-2025": ("2019", "2025", "naval", "5", "5"),
        "joint-naval-patrols-2021-2024": ("2021", "2024", "naval", "6", "4"),  # counted as of July 2024
        "joint-exercises-since-2022": ("2022", "2024", "all", "23", "27"),  # vonessen-2025 ¶4
        "naval-and-aerial-exercises-since-2022": ("2022", "2024", "all", "23", "22"),
        "naval-exercises-since-2022": ("2022", "2024", "naval", "14", "16"),
    }


def test_exercise_stats_of_2024_match_the_reported_count(store: EmbeddedStore) -> None:
    got = {(r["kind"], r["domain"]): r for r in rows(store, "exercise-stats", **{"from": "2024", "to": "2024"})}
    assert (got[("reported", "all")]["counted"], got[("reported", "all")]["reported"]) == ("11", "11")  # vonessen ¶3
    assert (got[("reported", "naval")]["counted"], got[("reported", "naval")]["reported"]) == ("7", "7")


# --- participants, names, single source, as of ------------------------------------------------------


def test_participants_of_vostok_2018_golden(store: EmbeddedStore) -> None:
    got = {
        (local(r["participant"]), r["participantType"], r["host"])
        for r in rows(store, "participants", exercise="Vostok-2018")
    }
    assert got == {("russia", "state", "true"), ("china", "state", "false"), ("mongolia", "state", "false")}


@pytest.mark.slow
def test_names_of_su27_in_every_language(full_store: EmbeddedStore) -> None:
    got = {
        (r["name"], r["language"], frozenset(r["kinds"].split("; ")), r["datasets"])
        for r in rows(full_store, "names", entity="Su-27")
    }
    assert got == {  # systems.toml su-27; the SIPRI designation from the register
        ("Sukhoi Su-27", "en", frozenset({"preferred name", "label"}), "curated"),
        ("Су-27", "ru", frozenset({"preferred name"}), "curated"),
        ("苏-27", "zh-hans", frozenset({"preferred name"}), "curated"),
        ("Flanker", "en", frozenset({"NATO reporting name"}), "curated"),  # not repeated as its derived altLabel
        ("Su-27 family", "en", frozenset({"alternative name"}), "curated"),
        ("Su-27S", "", frozenset({"SIPRI designation"}), "sipri"),
        ("Su 27", "", frozenset({"search spelling"}), "curated"),
        ("Su27", "", frozenset({"search spelling"}), "curated"),
        ("Sukhoi 27", "", frozenset({"search spelling"}), "curated"),
    }


@pytest.mark.parametrize(
    ("entity", "expected"),
    [
        # the Vostok-2018 figures and claim rest on the news report alone
        pytest.param(
            "Vostok-2018",
            {
                ("vostok-2018-aircraft", "vostok-2022-news", "0"),
                ("vostok-2018-first-with-non-soviet-bloc-states", "vostok-2022-news", "0"),
                ("vostok-2018-troops", "vostok-2022-news", "0"),
                ("vostok-2018-vehicles", "vostok-2022-news", "0"),
                ("vostok-2018-warships", "vostok-2022-news", "0"),
            },
            id="vostok-2018",
        ),
        # the Chinese diesel in the Karakurt rests on the paper, and a 2018 trade-press report denies it
        pytest.param(
            "Karakurt",
            {
                ("chinese-engines-underperformed", "partnership-2025", "0"),
                ("fit-22800-chinese-diesel", "partnership-2025", "1"),
            },
            id="karakurt",
        ),
    ],
)
def test_single_source_claims_golden(store: EmbeddedStore, entity: str, expected: set[tuple[str, str, str]]) -> None:
    got = {
        (local(r["statement"]), local(r["source"]), r["denials"]) for r in rows(store, "single-source", entity=entity)
    }
    assert got == expected


def test_as_of_2013_golden(store: EmbeddedStore) -> None:
    got = rows(store, "as-of", year="2013")
    assert any(r["kind"] == "dependency" and "/fit/sipri/" in r["item"] for r in got)  # read from SIPRI's comments
    assert {
        (r["kind"], local(r["item"])) for r in got if r["kind"] != "delivery" and "/fit/sipri/" not in r["item"]
    } == {
        # fits ended in 2014 were still active; fits that began by 2013 with no end (dependencies.toml)
        ("dependency", "fit-11356-ds-71"),
        ("dependency", "fit-11356-dt-59"),
        ("dependency", "fit-21631-mtu-16v4000"),
        ("dependency", "fit-22350-dt-59"),
        ("dependency", "fit-h-6k-d-30kp2"),
        ("dependency", "fit-j-10-al-31fn"),
        ("dependency", "fit-j-15-al-31f"),
        ("dependency", "fit-l-15-ai-222"),
        ("dependency", "fit-s-300pmu2-48n6"),
        ("dependency", "fit-type-054a-ak-176"),
        ("exercise", "joint-sea-2013"),
        ("exercise", "peace-mission-2013"),
    }
    russia_china = {
        (local(r["item"]), r["deliveredThatYear"])
        for r in got
        if r["kind"] == "delivery" and local(r["subject"]) == "russia" and local(r["object"]) == "china"
    }
    assert russia_china == {
        ("russia-china-1997-kh-31a1", "true"),
        ("russia-china-1998-9m119", "true"),
        ("russia-china-2004-ak-176-76mm", "true"),
        ("russia-china-2004-kh-59mk", "true"),
        ("russia-china-2004-mineral", "true"),
        ("russia-china-2004-mr-90", "true"),
        ("russia-china-2005-ak-176-76mm", "false"),  # deliveries 2007-2020, none listed for 2013
        ("russia-china-2009-al-31", "true"),
        ("russia-china-2010-ak-176-76mm", "true"),
        ("russia-china-2011-al-31", "true"),
        ("russia-china-2011-d-30", "true"),
        ("russia-china-2011-il-76m", "true"),
        ("russia-china-2012-mi-17", "true"),
    }


@pytest.mark.slow
def test_as_of_with_a_state_keeps_only_its_items(full_store: EmbeddedStore) -> None:
    got = rows(full_store, "as-of", year="2013", state="Ukraine")
    assert {
        (r["kind"], local(r["item"])) for r in got if r["kind"] == "dependency" and "/fit/sipri/" not in r["item"]
    } == {
        ("dependency", "fit-11356-ds-71"),
        ("dependency", "fit-11356-dt-59"),
        ("dependency", "fit-22350-dt-59"),
        ("dependency", "fit-l-15-ai-222"),
    }
    # the fits read from SIPRI's comments that Ukraine supplied (engines, missiles for other states' platforms)
    sipri = [r for r in got if r["kind"] == "dependency" and "/fit/sipri/" in r["item"]]
    assert sipri and all(
        local(r["item"]).startswith("ukraine-")
        or "ukraine" in (local(r.get("subject", "")), local(r.get("object", "")))
        for r in sipri
    )
    assert all(r.get("sourceKeys") for r in got if r["kind"] != "exercise")
    assert all(
        "ukraine" in (local(r.get("subject", "")), local(r.get("object", ""))) for r in got if r["kind"] == "delivery"
    )
    assert not [r for r in got if r["kind"] == "exercise"]


# --- the derived graph: closures without property paths, and leaving it out -------------------------

CLOSURE = "SELECT ?ancestor WHERE { system:j-15 dgb:technologyAncestor ?ancestor }"


def test_transitive_closure_answers_without_property_paths(store: EmbeddedStore) -> None:
    got = {local(r["ancestor"].value) for r in store.query(CLOSURE)}  # type: ignore[index, union-attr]
    assert got == {"j-11", "t-10k", "su-27", "su-27sk", "su-33"}


def test_leaving_out_the_derived_graph_drops_the_inferred_triples(store: EmbeddedStore) -> None:
    asserted = [g for g in store.graphs() if g != GRAPH_DERIVED]
    assert list(store.query(CLOSURE, default_graph=asserted)) == []  # type: ignore[arg-type]
    assert list(
        store.query(f"SELECT * FROM <{GRAPH_DERIVED}> WHERE {{ system:j-15 dgb:technologyAncestor system:su-27 }}")
    )


@pytest.mark.parametrize(
    ("name", "params"),
    [
        pytest.param("exposure", {"state": "China"}, id="dependsOn-closure"),
        pytest.param("lineage", {"system": "J-15"}, id="derivation-shortcuts"),
    ],
)
def test_canned_queries_that_need_inference_find_nothing_without_the_derived_graph(
    store: EmbeddedStore, name: str, params: dict[str, str]
) -> None:
    names = name_index(store)
    with_derived = list(run_canned(store, name, params, catalogue=CATALOGUE, names=names))  # type: ignore[call-overload]
    without = list(run_canned(store, name, params, catalogue=CATALOGUE, names=names, derived=False))  # type: ignore[call-overload]
    assert with_derived and len(without) < len(with_derived)
    if name == "exposure":
        assert without == []


@pytest.mark.slow
def test_cli_asserted_only_leaves_out_the_derived_graph(built: tuple[Path, BuildReport]) -> None:
    full = cli("query", "exposure", "-p", "state=China", "--format", "csv", store_dir=built[0])
    asserted = cli("query", "exposure", "-p", "state=China", "--format", "csv", "--asserted-only", store_dir=built[0])
    assert full.returncode == 0 and "fit-21631-chd622v20" in full.stdout
    assert asserted.returncode == 1 and "fit-21631-chd622v20" not in asserted.stdout

"""The SIPRI loader on the real 2024 trade register, its shipped extract and small cut-out fixtures."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from dragonbear.errors import LoadError
from dragonbear.loaders.sipri import (
    EXTRACT_PARTIES,
    Deal,
    Layout,
    Register,
    SipriReport,
    deal_iri,
    deal_keys,
    load_designation_map,
    read_register,
    read_sipri,
    register_to_nquads,
    write_extract,
)
from dragonbear.loaders.sipri_layouts import CURRENT_HEADER
from dragonbear.namespaces import DGB, GRAPH_SIPRI, ID, SKOS, sparql_prologue

ROOT = Path(__file__).resolve().parents[2]
REGISTER = ROOT.parent / "shared" / "data" / "sipri" / "trade-register.csv"
EXTRACT = ROOT / "core" / "data" / "sipri" / "extract.csv"
DATA = ROOT / "tests" / "data" / "sipri"
LEGACY_SAMPLE = DATA / "legacy-sample.csv"
CURRENT_SAMPLE = DATA / "current-sample.csv"
CANONICAL_IDS = ROOT / "docs" / "canonical-ids.md"
VOCABULARIES = ROOT / "ontology" / "vocabularies.ttl"

needs_register = pytest.mark.skipif(not REGISTER.is_file(), reason="the full SIPRI register is not available")


# ---------------------------------------------------------------------------------------------
# Helpers and fixtures
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def register() -> Register:
    """The full register, parsed once for the module (a read-only value, not a store)."""
    if not REGISTER.is_file():
        pytest.skip("the full SIPRI register is not available")
    return read_register(REGISTER)


@pytest.fixture(scope="module")
def converted(register: Register) -> tuple[bytes, SipriReport]:
    """The full register's N-Quads and report, converted once for the module."""
    return register_to_nquads(register, load_designation_map())


def find_deal(
    register: Register, recipient: str, supplier: str, year: int | None, designation: str, *, line: int | None = None
) -> Deal:
    matches = [
        d
        for d in register.deals
        if (d.recipient, d.supplier, d.order_year, d.designation) == (recipient, supplier, year, designation)
        and line in (None, d.line)
    ]
    assert len(matches) == 1, matches
    return matches[0]


def key_of(register: Register, deal: Deal) -> str:
    return deal_keys(register.deals)[register.deals.index(deal)]


def store_about(data: bytes, *iris: str) -> ox.Store:
    """A fresh in-memory store with the quads of ``data`` whose subject is one of ``iris`` (or a
    fragment of one): the description of a few nodes cut out of a big conversion."""
    prefixes = tuple(f"<{iri}".encode() for iri in iris)
    lines = [line for line in data.split(b"\n") if line.startswith(prefixes)]
    store = ox.Store()
    store.load(input=b"\n".join(lines), format=ox.RdfFormat.N_QUADS)
    return store


def select(store: ox.Store, query: str) -> list[dict[str, str]]:
    results = store.query(sparql_prologue() + query)
    assert isinstance(results, ox.QuerySolutions)
    names = [v.value for v in results.variables]
    return [{name: row[name].value for name in names if row[name] is not None} for row in results]


def values(store: ox.Store, subject: str, predicate: str) -> set[str]:
    rows = select(store, f"SELECT ?o WHERE {{ GRAPH ?g {{ <{subject}> <{predicate}> ?o }} }}")
    return {row["o"] for row in rows}


def legacy_to_current_rows(legacy_csv: Path, *, first_id: int = 10001) -> str:
    """Rewrite a legacy trade register file in SIPRI's current layout: the same preamble, then one
    row per deal and delivery year. Numbers delivered are spread over the years (the remainder in
    the first), the TIV of delivered weapons is put on the first year, '?' flags become Yes/No."""
    text = legacy_csv.read_bytes().decode("iso-8859-1")
    register = read_register(legacy_csv)
    lines = text.split("\n")
    out = io.StringIO()
    out.write("\n".join(lines[: register.header_line - 1]) + "\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CURRENT_HEADER)

    def yes(flag: bool | None) -> str:
        return "Yes" if flag else "No"

    for number, deal in enumerate(register.deals, start=first_id):
        years: list[int | None] = [*deal.delivery_years] or [None]
        delivered = deal.quantity_delivered or 0
        share, rest = divmod(delivered, len(years))
        for index, year in enumerate(years):
            count = share + (rest if index == 0 else 0)
            tiv = (deal.tiv_delivered or "") if index == 0 else "0" if deal.tiv_delivered else ""
            writer.writerow(
                [
                    number,
                    deal.supplier,
                    deal.recipient,
                    deal.designation,
                    deal.description,
                    deal.description,
                    deal.order_year or "",
                    yes(deal.order_year_uncertain),
                    count if year else "",
                    yes(deal.quantity_delivered_uncertain),
                    year or "",
                    "No",
                    deal.status or "",
                    "No",
                    deal.tiv_per_unit or "",
                    tiv,
                    "No",
                ]
            )
    return out.getvalue()


def common_fields(deal: Deal) -> tuple[object, ...]:
    """What both layouts record about a deal."""
    return (
        deal.supplier,
        deal.recipient,
        deal.order_year,
        deal.order_year_uncertain,
        deal.designation,
        deal.description,
        deal.quantity_delivered,
        deal.quantity_delivered_uncertain,
        deal.delivery_years,
        deal.status,
        deal.tiv_per_unit,
        deal.tiv_delivered,
    )


def write_variant(tmp_path: Path, source: Path, edit: dict[int, str], name: str = "variant.csv") -> Path:
    """A copy of ``source`` with the 1-based lines in ``edit`` replaced."""
    lines = source.read_bytes().decode("iso-8859-1").split("\n")
    for line, text in edit.items():
        lines[line - 1] = text
    path = tmp_path / name
    path.write_bytes("\n".join(lines).encode("iso-8859-1"))
    return path


def sample_line(prefix: str) -> int:
    lines = LEGACY_SAMPLE.read_bytes().decode("iso-8859-1").split("\n")
    return next(i for i, line in enumerate(lines, start=1) if line.startswith(prefix))


# ---------------------------------------------------------------------------------------------
# The full register and the shipped extract
# ---------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_full_register_reads_27951_deals_from_27953_data_lines(register: Register) -> None:
    # The README's "27,953 deals" counts data lines; two deals are broken over two lines each.
    assert register.layout is Layout.TRADE_REGISTER
    assert register.encoding == "iso-8859-1"
    assert register.rows == 27953
    assert len(register.deals) == 27951
    assert register.source_key == "sipri-at-2024"
    assert register.issued is not None and register.issued.isoformat() == "2024-10-13"


@pytest.mark.slow
def test_full_register_rejoins_its_two_broken_rows(register: Register, converted: tuple[bytes, SipriReport]) -> None:
    assert register.rejoined_lines == (24336, 26458)
    assert converted[1].rejoined_lines == (24336, 26458)
    btr = find_deal(register, "Thailand", "Ukraine", 2008, "BTR-3", line=24336)
    assert btr.lines == (24336, 24337)
    assert btr.comments.endswith("redesign for other engines")
    assert (btr.tiv_per_unit, btr.tiv_total_order, btr.tiv_delivered) == ("0.25", "3.5", "3.25")
    hermes = find_deal(register, "United Nations**", "Israel", 2015, "Hermes-900")
    assert hermes.lines == (26458, 26459)
    assert (hermes.tiv_per_unit, hermes.tiv_total_order, hermes.tiv_delivered) == ("3", "9", "9")


@pytest.mark.slow
def test_shipped_extract_holds_every_deal_of_russia_soviet_union_ukraine_or_china(
    register: Register, tmp_path: Path
) -> None:
    expected = [d for d in register.deals if d.supplier in EXTRACT_PARTIES or d.recipient in EXTRACT_PARTIES]
    assert len(expected) == 6457
    assert write_extract(REGISTER, tmp_path / "extract.csv") == 6457
    assert (tmp_path / "extract.csv").read_bytes() == EXTRACT.read_bytes()
    extract = read_register(EXTRACT)
    assert extract.preamble == register.preamble
    assert "Source: SIPRI Arms Transfers Database (c) SIPRI." in extract.preamble
    assert [(*common_fields(d), d.comments) for d in extract.deals] == [
        (*common_fields(d), d.comments) for d in expected
    ]


@pytest.mark.slow
def test_extract_deals_keep_the_keys_they_have_in_the_full_register(register: Register) -> None:
    full = dict(zip((id(d) for d in register.deals), deal_keys(register.deals), strict=True))
    expected = [full[id(d)] for d in register.deals if d.supplier in EXTRACT_PARTIES or d.recipient in EXTRACT_PARTIES]
    assert deal_keys(read_register(EXTRACT).deals) == expected


@pytest.mark.slow
def test_deal_iris_are_unique_and_stable_across_two_loads(
    register: Register, converted: tuple[bytes, SipriReport]
) -> None:
    keys = deal_keys(register.deals)
    assert len(set(keys)) == len(keys)
    again = read_register(REGISTER)
    assert deal_keys(again.deals) == keys
    assert register_to_nquads(again, load_designation_map())[0] == converted[0]


def test_deals_sharing_a_key_are_numbered_by_delivery_years() -> None:
    register = read_register(LEGACY_SAMPLE)
    keys = dict(
        zip(
            (d.quantity_ordered for d in register.deals if d.designation == "Mi-17"),
            (k for d, k in zip(register.deals, deal_keys(register.deals), strict=True) if d.designation == "Mi-17"),
            strict=True,
        )
    )
    # 20 ordered, delivered 2020-2022, sorts before 18 ordered, delivered 2021-2022.
    assert keys == {20: "russia-china-2019-mi-17", 18: "russia-china-2019-mi-17-2"}


@pytest.mark.slow
def test_su35s_deal_of_2015_is_mapped_to_su35_with_its_numbers(
    register: Register, converted: tuple[bytes, SipriReport]
) -> None:
    deal = find_deal(register, "China", "Russia", 2015, "Su-35S")
    assert key_of(register, deal) == "russia-china-2015-su-35s"
    iri = deal_iri("russia-china-2015-su-35s")
    store = store_about(converted[0], iri, f"{ID}system/su-35")
    assert values(store, iri, f"{DGB}supplier") == {f"{ID}state/russia"}
    assert values(store, iri, f"{DGB}recipient") == {f"{ID}state/china"}
    assert values(store, iri, f"{DGB}transferredSystem") == {f"{ID}system/su-35"}
    assert values(store, iri, f"{DGB}quantityOrdered") == {"24"}
    assert values(store, iri, f"{DGB}quantityDelivered") == {"24"}
    assert values(store, iri, f"{DGB}deliveryYear") == {"2016", "2017", "2018"}
    assert values(store, iri, f"{DGB}deliveryStartYear") == {"2016"}
    assert values(store, iri, f"{DGB}deliveryEndYear") == {"2018"}
    assert values(store, iri, f"{DGB}orderYear") == {"2015"}
    assert values(store, iri, f"{DGB}orderYearUncertain") == {"false"}
    assert values(store, iri, f"{DGB}transferStatus") == {f"{DGB}NewEquipment"}
    assert values(store, iri, f"{DGB}confidence") == {"0.9"}
    assert values(store, iri, f"{DGB}confidenceLevel") == {f"{DGB}HighConfidence"}
    assert values(store, iri, f"{DGB}sipriDesignation") == {"Su-35S"}
    assert values(store, f"{ID}system/su-35", f"{DGB}sipriDesignation") == {"Su-35S"}
    attestation = f"{iri}#att-sipri-at-2024"
    assert values(store, iri, f"{DGB}hasAttestation") == {attestation}
    assert values(store, attestation, f"{DGB}source") == {f"{ID}source/sipri-at-2024"}
    assert values(store, attestation, f"{DGB}stance") == {f"{DGB}Asserts"}
    assert values(store, attestation, f"{DGB}sourceReliability") == {f"{DGB}ReliabilityA"}
    # one locator: the row as SIPRI names the deal, and its line in the file
    assert values(store, attestation, f"{DGB}locator") == {
        f"row: China,Russia,2015,Su-35S (row {deal.line} of the file)"
    }


@pytest.mark.slow
def test_varyag_row_kuznetsov_from_ukraine_is_a_transfer_of_the_varyag_hull(
    register: Register, converted: tuple[bytes, SipriReport]
) -> None:
    # The one SIPRI 'Kuznetsov' deal is the unfinished second hull, not the class (designations.csv, 1998 row).
    deal = find_deal(register, "China", "Ukraine", 1998, "Kuznetsov")
    assert key_of(register, deal) == "ukraine-china-1998-kuznetsov"
    iri = deal_iri("ukraine-china-1998-kuznetsov")
    store = store_about(converted[0], iri)
    assert values(store, iri, f"{DGB}transferredSystem") == {f"{ID}system/varyag"}
    assert values(store, iri, f"{DGB}supplier") == {f"{ID}state/ukraine"}
    assert values(store, iri, f"{DGB}transferStatus") == {f"{DGB}SecondHand"}
    assert values(store, iri, f"{DGB}deliveryYear") == {"2012"}


@pytest.mark.slow
def test_uncertain_order_year_is_kept_and_lowers_confidence(
    register: Register, converted: tuple[bytes, SipriReport]
) -> None:
    deal = find_deal(register, "China", "Russia", 2002, "48N6")
    assert deal.order_year_uncertain and deal.quantity_ordered_uncertain
    assert key_of(register, deal) == "russia-china-2002-48n6"
    iri = deal_iri("russia-china-2002-48n6")
    store = store_about(converted[0], iri)
    assert values(store, iri, f"{DGB}orderYearUncertain") == {"true"}
    assert values(store, iri, f"{DGB}quantityOrderedUncertain") == {"true"}
    assert values(store, iri, f"{DGB}confidence") == {"0.75"}
    assert values(store, iri, f"{DGB}confidenceLevel") == {f"{DGB}ModerateConfidence"}
    assert values(store, iri, f"{DGB}transferredSystem") == {f"{ID}system/48n6"}


@pytest.mark.slow
def test_every_deal_is_an_arms_transfer_in_the_sipri_graph(converted: tuple[bytes, SipriReport]) -> None:
    data, report = converted
    typed = data.count(
        f"> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{DGB}ArmsTransfer> <{GRAPH_SIPRI}> .\n".encode()
    )
    assert typed == report.deals == 27951
    assert report.triples == data.count(b"\n")
    assert data.count(f"<{DGB}transferredSystem>".encode()) == 27951


@pytest.mark.slow
def test_unmapped_designations_are_listed_and_become_sipri_systems(
    register: Register, converted: tuple[bytes, SipriReport]
) -> None:
    data, report = converted
    assert report.mapped_deals + sum(report.unmapped.values()) == report.deals
    assert report.unmapped["Tiger"] >= 1
    assert "Su-35S" not in report.unmapped
    tiger = find_deal(register, "Russia", "China", 2022, "Tiger")
    iri = deal_iri(key_of(register, tiger))
    store = store_about(data, iri)
    (system,) = values(store, iri, f"{DGB}transferredSystem")
    assert system.startswith(f"{ID}system/sipri/tiger")
    store = store_about(data, system)
    assert values(store, system, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type") == {f"{DGB}SystemModel"}
    assert values(store, system, f"{SKOS}prefLabel") == {"Tiger"}
    assert values(store, system, f"{DGB}sipriDesignation") == {"Tiger"}
    assert values(store, system, f"{DGB}category") == {f"{DGB}ArmouredVehicle"}


@pytest.mark.slow
def test_designations_of_different_kinds_get_separate_sipri_systems(converted: tuple[bytes, SipriReport]) -> None:
    data, report = converted
    # SIPRI's "Cobra" armoured vehicle, "COBRA" anti-tank missile and "COBRA" artillery radar.
    assert report.split_designations["cobra"] == ("AntiTankMissile", "ArmouredVehicle", "Radar")
    store = store_about(data, f"{ID}system/sipri/cobra")
    assert values(store, f"{ID}system/sipri/cobra-armoured-vehicle", f"{SKOS}prefLabel") == {"Cobra"}
    assert values(store, f"{ID}system/sipri/cobra-radar", f"{SKOS}prefLabel") == {"COBRA"}
    assert values(store, f"{ID}system/sipri/cobra-radar", f"{DGB}category") == {f"{DGB}Radar"}
    assert not values(store, f"{ID}system/sipri/cobra", f"{SKOS}prefLabel")


@pytest.mark.slow
def test_mapped_systems_get_no_label_from_the_loader(converted: tuple[bytes, SipriReport]) -> None:
    store = store_about(converted[0], f"{ID}system/su-27sk", f"{ID}system/kuznetsov-class")
    rows = select(store, f"SELECT ?p WHERE {{ GRAPH ?g {{ <{ID}system/su-27sk> ?p ?o }} }}")
    assert {row["p"] for row in rows} == {f"{DGB}sipriDesignation"}
    assert values(store, f"{ID}system/su-27sk", f"{DGB}sipriDesignation") == {"Su-27S"}


@pytest.mark.slow
def test_parties_are_states_or_organizations_named_after_sipri(converted: tuple[bytes, SipriReport]) -> None:
    store = store_about(converted[0], f"{ID}state/soviet-union", f"{ID}org/nato", f"{ID}org/hamas-palestine")
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    assert values(store, f"{ID}state/soviet-union", rdf_type) == {f"{DGB}State"}
    assert values(store, f"{ID}state/soviet-union", f"{DGB}sipriName") == {"Soviet Union"}
    assert values(store, f"{ID}org/nato", rdf_type) == {f"{DGB}Organization"}
    assert values(store, f"{ID}org/nato", "http://www.w3.org/2000/01/rdf-schema#label") == {"NATO"}
    assert values(store, f"{ID}org/nato", f"{DGB}sipriName") == {"NATO**"}
    assert values(store, f"{ID}org/hamas-palestine", "http://www.w3.org/2000/01/rdf-schema#label") == {
        "Hamas (Palestine)"
    }


@pytest.mark.slow
def test_register_is_described_as_a_source_with_sipri_attribution(converted: tuple[bytes, SipriReport]) -> None:
    source = f"{ID}source/sipri-at-2024"
    store = store_about(converted[0], source)
    assert values(store, source, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type") == {f"{DGB}SourceDocument"}
    assert values(store, source, "http://purl.org/dc/terms/title") == {"SIPRI Arms Transfers Database, trade register"}
    assert values(store, source, "http://purl.org/dc/terms/publisher") == {
        "Stockholm International Peace Research Institute"
    }
    assert values(store, source, "http://purl.org/dc/terms/issued") == {"2024-10-13"}
    assert values(store, source, f"{DGB}sourceType") == {f"{DGB}DataRegister"}
    assert values(store, source, f"{DGB}sourceReliability") == {f"{DGB}ReliabilityA"}
    assert values(store, source, "http://www.w3.org/2000/01/rdf-schema#comment") == {
        "Source: SIPRI Arms Transfers Database"
    }


@pytest.mark.slow
def test_every_register_description_has_a_system_category(register: Register) -> None:
    mapping = load_designation_map()
    missing = sorted({d.description for d in register.deals if mapping.category_for(d.description) is None})
    assert missing == []


# ---------------------------------------------------------------------------------------------
# The designation and description tables
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("designation", "supplier", "recipient", "system"),
    [
        pytest.param("Su-27S", "Russia", "China", "su-27sk", id="su-27s-china"),
        pytest.param("Su-27S", "Soviet Union", "China", "su-27sk", id="su-27s-soviet-china"),
        pytest.param("Su-27S", "Russia", "Viet Nam", "su-27", id="su-27s-elsewhere-family"),
        pytest.param("Su-30MK", "Russia", "China", "su-30mkk", id="su-30mk-china"),
        pytest.param("Su-35S", "Russia", "China", "su-35", id="su-35s"),
        pytest.param("Project-636E", "Russia", "China", "project-636", id="project-636e"),
        pytest.param("Project-877E", "Russia", "China", "project-877", id="project-877e"),
        pytest.param("S-400 Triumf", "Russia", "China", "s-400", id="s-400"),
        pytest.param("S-300PMU1", "Russia", "China", "s-300pmu1", id="s-300pmu1"),
        pytest.param("S-300PMU2 Favorit", "Russia", "China", "s-300pmu2", id="s-300pmu2"),
        pytest.param("S-300PMU", "Soviet Union", "Czechoslovakia", "s-300pmu", id="s-300pmu"),
        pytest.param("Tor-M1", "Russia", "China", "tor-m1", id="tor-m1"),
        pytest.param("Kuznetsov", "Ukraine", "China", "kuznetsov-class", id="kuznetsov"),
        pytest.param("Mi-17", "Russia", "China", "mi-17", id="mi-17"),
        pytest.param("Il-76M", "Russia", "China", "il-76", id="il-76m"),
        pytest.param("AL-31", "Russia", "China", "al-31f", id="al-31"),
        pytest.param("D-30", "Russia", "China", "d-30kp2", id="d-30-turbofan"),
        pytest.param("R-77", "Russia", "China", "r-77", id="r-77"),
        pytest.param("Kh-59ME Ovod", "Russia", "China", "kh-59", id="kh-59me"),
        pytest.param("Kh-59MK", "Russia", "China", "kh-59", id="kh-59mk"),
        pytest.param("9M96", "Russia", "China", "9m96", id="9m96"),
        pytest.param("48N6", "Russia", "China", "48n6", id="48n6"),
        pytest.param("AK-176 76mm", "Russia", "China", "ak-176", id="ak-176"),
        pytest.param("ship engine", "China", "Russia", "chd622v20", id="chd622v20"),
        pytest.param("ship engine", "Germany", "Russia", "mtu-16v4000", id="mtu-16v4000"),
    ],
)
def test_designation_table_maps_sipri_designations_to_canonical_systems(
    designation: str, supplier: str, recipient: str, system: str
) -> None:
    assert load_designation_map().system_for(designation, supplier, recipient) == system


@pytest.mark.parametrize(
    ("designation", "supplier", "recipient"),
    [
        pytest.param("Su-30MK", "Russia", "India", id="su-30mki-stays-unmapped"),
        pytest.param("D-30 122mm", "Soviet Union", "China", id="d-30-howitzer"),
        pytest.param("ship engine", "Ukraine", "China", id="other-ship-engines"),
        pytest.param("Mistral", "France", "Qatar", id="mistral-portable-sam"),
    ],
)
def test_designation_table_leaves_other_deals_of_the_same_designation_unmapped(
    designation: str, supplier: str, recipient: str
) -> None:
    assert load_designation_map().system_for(designation, supplier, recipient) is None


def test_designation_table_maps_only_to_canonical_system_ids() -> None:
    text = CANONICAL_IDS.read_text(encoding="utf-8")
    systems_section = text[text.index("Systems:") : text.index("Sources:")]
    canonical = set(re.findall(r"`([a-z0-9-]+)`", systems_section))
    mapping = load_designation_map()
    used = {rule.system for rules in mapping.rules.values() for rule in rules}
    assert used <= canonical, used - canonical


def test_description_table_uses_only_system_category_concepts() -> None:
    store = ox.Store()
    store.load(path=str(VOCABULARIES), format=ox.RdfFormat.TURTLE)
    rows = select(store, "SELECT ?c WHERE { ?c skos:inScheme dgb:SystemCategory }")
    concepts = {row["c"].removeprefix(DGB) for row in rows}
    assert set(load_designation_map().categories.values()) <= concepts


def test_designation_table_rejects_a_system_that_is_not_a_slug(tmp_path: Path) -> None:
    table = tmp_path / "designations.csv"
    table.write_text("designation,supplier,recipient,system,note\nSu-35S,,,Su 35,\n", encoding="utf-8")
    with pytest.raises(LoadError) as error:
        load_designation_map(table)
    assert (error.value.path, error.value.line, error.value.column) == (str(table), 2, len("Su-35S,,,") + 1)


YEAR_HEADER = "designation,supplier,recipient,order_year,system,note\n"


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        pytest.param(
            "AL-31,Russia,China,2OOO,al-31fn,\n",
            len("AL-31,Russia,China,") + 1,
            "order_year '2OOO' is not a year",
            id="letters-in-year",
        ),
        pytest.param(
            "AL-31,Russia,China,99,al-31fn,\n",
            len("AL-31,Russia,China,") + 1,
            "order_year '99' is not a year",
            id="two-digit-year",
        ),
        pytest.param(
            "AL-31,Russia,China,2000,AL 31FN,\n",
            len("AL-31,Russia,China,2000,") + 1,
            "is not a canonical id",
            id="system-after-the-year-column",
        ),
    ],
)
def test_designation_table_rejects_a_bad_order_year_with_file_line_and_column(
    tmp_path: Path, row: str, column: int, message: str
) -> None:
    table = tmp_path / "designations.csv"
    table.write_text(YEAR_HEADER + "AL-31,,,,al-31f,\n" + row, encoding="utf-8")
    with pytest.raises(LoadError, match=re.escape(message)) as error:
        load_designation_map(table)
    assert (error.value.path, error.value.line, error.value.column) == (str(table), 3, column)
    assert str(error.value).startswith(f"{table}:3:{column}: ")


def test_designation_table_rejects_two_rows_with_the_same_year(tmp_path: Path) -> None:
    table = tmp_path / "designations.csv"
    table.write_text(
        YEAR_HEADER + "AL-31,Russia,China,2000,al-31fn,\nAL-31,Russia,China,2005,al-31fn,\n"
        "AL-31,Russia,China,2000,al-31f,\n",
        encoding="utf-8",
    )
    with pytest.raises(LoadError, match="already on line 2") as error:
        load_designation_map(table)
    assert (error.value.line, error.value.column) == (4, 1)


def test_designation_table_rejects_an_unknown_header(tmp_path: Path) -> None:
    table = tmp_path / "designations.csv"
    table.write_text("designation,supplier,recipient,year,system,note\nAL-31,,,,al-31f,\n", encoding="utf-8")
    with pytest.raises(
        LoadError,
        match="header must be designation,supplier,recipient,order_year,system,note"
        r" \(or designation,supplier,recipient,system,note\)",
    ):
        load_designation_map(table)


def test_designation_table_without_the_order_year_column_is_still_read(tmp_path: Path) -> None:
    table = tmp_path / "designations.csv"
    table.write_text(
        "designation,supplier,recipient,system,note\nAL-31,,,al-31f,\nAL-31,Russia,China,al-31fn,\n", encoding="utf-8"
    )
    mapping = load_designation_map(table)
    assert mapping.system_for("AL-31", "Russia", "China", 2000) == "al-31fn"
    assert mapping.system_for("AL-31", "Russia", "India", 2000) == "al-31f"
    assert all(rule.order_year is None for rule in mapping.rules["AL-31"])


def test_a_year_makes_a_rule_more_specific_than_its_parties(tmp_path: Path) -> None:
    table = tmp_path / "designations.csv"
    table.write_text(
        YEAR_HEADER + "AL-31,,,,al-31f,\nAL-31,Russia,China,,al-31fp,\nAL-31,,,2000,al-31fn,\n"
        "AL-31,Russia,,2005,al-31-m1,\n",
        encoding="utf-8",
    )
    mapping = load_designation_map(table)
    assert mapping.system_for("AL-31", "Russia", "China", 2000) == "al-31fn"  # a year beats both parties
    assert mapping.system_for("AL-31", "Russia", "China", 2005) == "al-31-m1"  # year and supplier
    assert mapping.system_for("AL-31", "Russia", "China", 2011) == "al-31fp"
    assert mapping.system_for("AL-31", "Russia", "China", None) == "al-31fp"  # no year meets no year row
    assert mapping.system_for("AL-31", "Russia", "China") == "al-31fp"
    assert mapping.system_for("AL-31", "Russia", "India", 2011) == "al-31f"


# ---------------------------------------------------------------------------------------------
# The current export layout
# ---------------------------------------------------------------------------------------------


def test_current_sample_fixture_is_the_legacy_sample_in_the_current_layout() -> None:
    assert CURRENT_SAMPLE.read_text(encoding="utf-8") == legacy_to_current_rows(LEGACY_SAMPLE)


def test_current_layout_groups_rows_by_deal_id_into_the_same_deals_and_iris() -> None:
    legacy, current = read_register(LEGACY_SAMPLE), read_register(CURRENT_SAMPLE)
    assert current.layout is Layout.CURRENT_EXPORT and current.encoding == "utf-8"
    assert current.source_key == legacy.source_key == "sipri-at-2024"
    assert [common_fields(d) for d in current.deals] == [common_fields(d) for d in legacy.deals]
    assert deal_keys(current.deals) == deal_keys(legacy.deals)
    su35 = current.deals[0]
    assert su35.deal_id == "10001" and len(su35.lines) == 3 and su35.quantity_ordered is None


@pytest.mark.slow
def test_real_china_russia_deals_load_to_the_same_iris_from_either_layout(register: Register, tmp_path: Path) -> None:
    # Every deal between China and Russia, the Soviet Union or Ukraine, converted to the current layout.
    parties = {"Russia", "Soviet Union", "Ukraine"}
    legacy_path = tmp_path / "legacy.csv"
    write_extract(REGISTER, legacy_path, parties={"China"})
    subset = [d for d in read_register(legacy_path).deals if {d.supplier, d.recipient} & parties]
    assert len(subset) == 200
    current_path = tmp_path / "current.csv"
    current_path.write_text(legacy_to_current_rows(legacy_path), encoding="utf-8")
    legacy, current = read_register(legacy_path), read_register(current_path)
    assert len(current.deals) == len(legacy.deals) and current.rows > len(current.deals)
    assert [common_fields(d) for d in current.deals] == [common_fields(d) for d in legacy.deals]
    assert deal_keys(current.deals) == deal_keys(legacy.deals)
    mapping = load_designation_map()
    legacy_report = register_to_nquads(legacy, mapping)[1]
    current_report = register_to_nquads(current, mapping)[1]
    assert current_report.unmapped == legacy_report.unmapped
    assert current_report.mapped_deals == legacy_report.mapped_deals


def test_extract_of_a_current_export_keeps_its_layout_and_all_rows_of_a_deal(tmp_path: Path) -> None:
    assert write_extract(CURRENT_SAMPLE, tmp_path / "extract.csv", parties={"Thailand"}) == 1
    extract = read_register(tmp_path / "extract.csv")
    assert extract.layout is Layout.CURRENT_EXPORT
    assert [common_fields(d) for d in extract.deals] == [common_fields(read_register(CURRENT_SAMPLE).deals[-1])]
    assert len(extract.deals[0].lines) == 2


def test_current_layout_reads_non_ascii_names_as_utf8(tmp_path: Path) -> None:
    text = CURRENT_SAMPLE.read_text(encoding="utf-8").replace("Thailand", "Côte d'Ivoire")
    path = tmp_path / "current.csv"
    path.write_text(text, encoding="utf-8")
    register = read_register(path)
    assert register.encoding == "utf-8"
    assert register.deals[-1].recipient == "Côte d'Ivoire"
    assert deal_keys(register.deals)[-1] == "ukraine-cote-d-ivoire-2008-btr-3"


def test_current_layout_rejects_rows_of_one_deal_that_disagree(tmp_path: Path) -> None:
    lines = CURRENT_SAMPLE.read_text(encoding="utf-8").split("\n")
    index = next(i for i, line in enumerate(lines) if line.startswith("10001,") and ",2017," in line)
    lines[index] = lines[index].replace("10001,Russia,China", "10001,Russia,India")
    path = tmp_path / "current.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(LoadError, match="Recipient") as error:
        read_register(path)
    assert (error.value.line, error.value.column) == (index + 1, len("10001,Russia,") + 1)


# ---------------------------------------------------------------------------------------------
# Loading, sources and bad input
# ---------------------------------------------------------------------------------------------


def test_read_sipri_written_in_pieces_gives_the_same_quads_as_register_to_nquads() -> None:
    from dragonbear.graph.store import EmbeddedStore
    from dragonbear.pipeline.write import write_loaded

    data, report = register_to_nquads(read_register(LEGACY_SAMPLE), load_designation_map())
    expected = ox.Store()
    expected.load(input=data, format=ox.RdfFormat.N_QUADS)  # strict parsing
    store = EmbeddedStore.open(None)
    loaded = read_sipri(LEGACY_SAMPLE, deals_per_chunk=2)
    assert loaded.quads == () and loaded.graph == GRAPH_SIPRI
    write_loaded(store, loaded, workers=2)
    assert loaded.report.triples == report.triples == store.count() == len(expected)
    assert set(store.quads()) == set(expected)
    assert {q.graph_name for q in store.quads()} == {ox.NamedNode(GRAPH_SIPRI)}


@pytest.mark.slow  # all 6,457 deals of the shipped extract
def test_extract_nquads_parse_strictly() -> None:
    data, report = register_to_nquads(read_register(EXTRACT), load_designation_map())
    store = ox.Store()
    store.load(input=data, format=ox.RdfFormat.N_QUADS)
    assert len(store) == report.triples
    assert report.deals == 6457


@pytest.mark.parametrize(
    ("preamble_line", "key"),
    [
        pytest.param("Data generated: 10 Mar 2025 9:01:02 AM", "sipri-at-2025-03-10", id="other-release"),
        pytest.param("Data generated: 13 Oct 2024 2:20:11 PM", "sipri-at-2024", id="2024-release"),
        pytest.param("", "sipri-at-variant", id="no-date-file-name"),
    ],
)
def test_source_key_comes_from_the_data_generated_line(tmp_path: Path, preamble_line: str, key: str) -> None:
    path = write_variant(tmp_path, LEGACY_SAMPLE, {11: preamble_line})
    assert read_register(path).source_key == key


def test_attestations_cite_the_source_key_of_their_file(tmp_path: Path) -> None:
    path = write_variant(tmp_path, LEGACY_SAMPLE, {11: "Data generated: 10 Mar 2025 9:01:02 AM"})
    data, _ = register_to_nquads(read_register(path), load_designation_map())
    iri = deal_iri("russia-china-2015-su-35s")
    store = store_about(data, iri)
    assert values(store, iri, f"{DGB}hasAttestation") == {f"{iri}#att-sipri-at-2025-03-10"}


def bad_year() -> tuple[dict[int, str], int, int]:
    line = sample_line("China,Russia,2015,,24")
    return {line: "China,Russia,2O15,,24,,Su-35S,FGA aircraft,24,,2016; 2017; 2018,New,x,60,1440,1440"}, line, 14


@pytest.mark.parametrize(
    ("make_edit", "message"),
    [
        pytest.param(bad_year, "Year of order is not a year", id="non-numeric-order-year"),
        pytest.param(
            lambda: (
                {
                    (
                        line := sample_line("China,Russia,2015,,24")
                    ): "China,Russia,2015,,24,,Su-35S,FGA aircraft,24,,2016; 2o17,New,x,60,1440,1440"
                },
                line,
                48,
            ),
            "is not a year",
            id="non-numeric-delivery-year",
        ),
        pytest.param(
            lambda: (
                {
                    (
                        line := sample_line("China,Russia,2015,,24")
                    ): "China,Russia,2015,,24,,Su-35S,FGA aircraft,24,,2016,New,x,60,1440"
                },
                line,
                66,
            ),
            "expected 16 fields, found 15",
            id="missing-field",
        ),
        pytest.param(
            lambda: (
                {
                    (
                        line := sample_line("China,Russia,2015,,24")
                    ): "China,Russia,2015,!,24,,Su-35S,FGA aircraft,24,,2016,New,x,60,1440,1440"
                },
                line,
                19,
            ),
            "expected '?' or yes/no",
            id="bad-flag",
        ),
        pytest.param(
            lambda: ({12: "Recipient,Supplier,Year of order, ,Number ordered"}, 12, 50),
            "expected ' ' as field 6, found end of line",
            id="truncated-header",
        ),
        pytest.param(lambda: ({12: "Country,Supplier,Year"}, 13, 1), "missing header", id="missing-header"),
    ],
)
def test_malformed_register_raises_load_error_with_line_and_column(
    tmp_path: Path, make_edit: object, message: str
) -> None:
    assert callable(make_edit)
    edit, line, column = make_edit()
    path = write_variant(tmp_path, LEGACY_SAMPLE, edit)
    with pytest.raises(LoadError, match=re.escape(message)) as error:
        read_register(path)
    assert (error.value.path, error.value.line, error.value.column) == (str(path), line, column)
    assert str(error.value).startswith(f"{path}:{line}:{column}: ")


def test_missing_file_raises_load_error(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="cannot read"):
        read_register(tmp_path / "nothing.csv")

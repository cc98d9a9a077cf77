"""The SIPRI mapping table (``core/data/sipri/designations.csv``) against the curated systems.

Every SIPRI designation that has a curated system maps to it, so no SIPRI-only system
(``id:system/sipri/...``) shares a name with a curated one; a deal maps to the version its comment
names; and each derivation's ``enabled_by`` deal transferred the system the derivation comes from.
Checked over the shipped extract and, where it is available, the full 1950-2024 register.
"""

from __future__ import annotations

import doctest
import importlib
import tomllib
from collections import defaultdict
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from dragonbear.graph.name_keys import name_keys
from dragonbear.loaders.sipri import Register, deal_keys, load_designation_map, read_register
from dragonbear.loaders.sipri_rdf import SystemTable
from dragonbear.namespaces import ID

ROOT = Path(__file__).resolve().parents[2]
REGISTER = ROOT.parent / "shared" / "data" / "sipri" / "trade-register.csv"
EXTRACT = ROOT / "core" / "data" / "sipri" / "extract.csv"
CURATED = ROOT / "core" / "data" / "curated"
SIPRI_OWN = f"<{ID}system/sipri/"

# SIPRI-only systems that may share a normalized name with a curated system, and why.
HOMONYMS = {
    "mistral": "SIPRI's 'Mistral' outside the France-Egypt deal (mapped to mistral-class) is the portable SAM",
    "d-30": "the one 'D-30' turbofan deal left (Russia to India, 2001, for Il-78 tankers) does not name"
    " the version; the curated d-30kp2 is the D-30KP-2 only",
}


@cache
def register_of(name: str) -> Register:
    path = {"extract": EXTRACT, "register": REGISTER}[name]
    if not path.is_file():
        pytest.skip(f"{path} is not available")
    return read_register(path)


@cache
def systems_of(name: str) -> tuple[dict[str, str], SystemTable]:
    """Deal key -> system IRI (without brackets), and the SystemTable, for the extract or the register."""
    deals = register_of(name).deals
    table = SystemTable(load_designation_map(), deals)
    return dict(zip(deal_keys(deals), (iri.strip("<>") for iri in table.iris), strict=True)), table


@cache
def curated(file: str) -> dict[str, list[dict[str, Any]]]:
    with (CURATED / file).open("rb") as handle:
        return tomllib.load(handle)


def curated_names() -> dict[str, set[str]]:
    """Normalized name (``name_keys``: lower-case letters and digits, Cyrillic romanized) -> curated
    system ids."""
    names: dict[str, set[str]] = defaultdict(set)
    for record in curated("systems.toml")["system"]:
        texts = [
            *record.get("names", {}).values(),
            *record.get("alt", []),
            *record.get("designations", []),
            *record.get("hidden", []),
            *([record["pinyin"]] if "pinyin" in record else []),
        ]
        for text in texts:
            for key in name_keys(text):
                names[key].add(record["id"])
    return names


def family_of(system: str) -> set[str]:
    """``system`` and every system linked to it by ``variant_of``, up or down (one family)."""
    records = curated("systems.toml")["system"]
    parent = {r["id"]: r["variant_of"] for r in records if "variant_of" in r}

    def root(s: str) -> str:
        while s in parent:
            s = parent[s]
        return s

    return {r["id"] for r in records if root(r["id"]) == root(system)}


# ---------------------------------------------------------------------------------------------
# No SIPRI-only system duplicates a curated one
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("source", ["extract", pytest.param("register", marks=pytest.mark.slow)])  # full: slow
def test_no_sipri_only_system_has_the_name_of_a_curated_system(source: str) -> None:
    _, table = systems_of(source)
    names = curated_names()
    duplicates: dict[str, list[str]] = {}
    for key, categories in table.own.items():
        for spellings in categories.values():
            for spelling in spellings:
                clash = set().union(*(names.get(k, set()) for k in name_keys(spelling)))
                if clash and key not in HOMONYMS:
                    duplicates[f"system/sipri/{key} ({spelling})"] = sorted(clash)
    assert duplicates == {}, "map these SIPRI designations in designations.csv (or list a homonym)"


def test_every_homonym_listed_is_still_a_sipri_only_system() -> None:
    _, table = systems_of("extract")
    assert set(HOMONYMS) <= set(table.own)


# ---------------------------------------------------------------------------------------------
# Deals map to the version their comment names
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("deal", "system"),
    [
        # Su-27S: the 1992 and 1999 deals are Su-27UBK two-seaters; the others Su-27SK (J-11 kits in 1996)
        pytest.param("russia-china-1992-su-27s", "su-27ubk", id="su-27s-1992-ubk"),
        pytest.param("russia-china-1999-su-27s", "su-27ubk", id="su-27s-1999-ubk"),
        pytest.param("russia-china-1991-su-27s", "su-27sk", id="su-27s-1991"),
        pytest.param("soviet-union-china-1991-su-27s", "su-27sk", id="su-27s-1991-soviet"),
        pytest.param("russia-china-1995-su-27s", "su-27sk", id="su-27s-1995"),
        pytest.param("russia-china-1996-su-27s", "su-27sk", id="su-27s-1996-j-11-kits"),
        pytest.param("russia-china-2003-su-30mk", "su-30mk2", id="su-30mk-2003-mkk2"),
        pytest.param("russia-china-1999-su-30mk", "su-30mkk", id="su-30mk-1999-mkk"),
        pytest.param("russia-china-2001-su-30mk", "su-30mkk", id="su-30mk-2001-mkk"),
        # AL-31: AL-31FN for the J-10; the two 2011 deals share a year (FN for J-10, F for J-15) and stay al-31f
        pytest.param("russia-china-2000-al-31", "al-31fn", id="al-31-2000-fn"),
        pytest.param("russia-china-2005-al-31", "al-31fn", id="al-31-2005-fn"),
        pytest.param("russia-china-2009-al-31", "al-31fn", id="al-31-2009-fn"),
        pytest.param("russia-china-2012-al-31", "al-31fn", id="al-31-2012-fn"),
        pytest.param("russia-china-2011-al-31", "al-31f", id="al-31-2011"),
        pytest.param("russia-china-2011-al-31-2", "al-31f", id="al-31-2011-second"),
        pytest.param("russia-china-2014-al-31", "al-31f", id="al-31-2014-f-m2"),
        pytest.param("russia-china-2015-al-41f-1s", "al-41f-1s", id="al-41f-1s"),
        # AK-176: the 2004 licence for the AK-176; the 2005 and 2010 deals are the Chinese-built H/PJ-26
        pytest.param("russia-china-2004-ak-176-76mm", "ak-176", id="ak-176-2004-licence"),
        pytest.param("russia-china-2005-ak-176-76mm", "h-pj-26", id="ak-176-2005-h-pj-26"),
        pytest.param("russia-china-2010-ak-176-76mm", "h-pj-26", id="ak-176-2010-h-pj-26"),
        pytest.param("ukraine-china-1998-kuznetsov", "varyag", id="kuznetsov-1998-varyag-hull"),
        # Zorya turbines: the 2008 'DT-59' deal is the DA-80 licensed as the QC-280; 'ship engine' rows by comment
        pytest.param("ukraine-china-2008-dt-59", "da-80", id="dt-59-2008-da-80"),
        pytest.param("ukraine-china-1998-dt-59", "dt-59", id="dt-59-1998-probably-da-80-stays"),
        pytest.param("ukraine-russia-2010-dt-59", "dt-59", id="dt-59-2010-russia"),
        pytest.param("ukraine-russia-2010-ship-engine", "ds-71", id="ship-engine-2010-ds-71"),
        pytest.param("ukraine-china-2011-ship-engine", "da-80", id="ship-engine-2011-da-80"),
        pytest.param("ukraine-india-2013-ship-engine", "dt-59", id="ship-engine-2013-india-dt-59"),
        pytest.param("ukraine-china-2011-ai-222", "ai-222", id="ai-222"),
        pytest.param("russia-china-1997-kh-31a1", "kh-31", id="kh-31a1"),
        # the Soviet types China copied, and Chinese exports of the copies
        pytest.param("soviet-union-china-1957-mig-19", "mig-19", id="mig-19"),
        pytest.param("soviet-union-china-1959-mig-21f-13", "mig-21", id="mig-21f-13"),
        pytest.param("soviet-union-china-1957-tu-16", "tu-16", id="tu-16"),
        pytest.param("soviet-union-china-1952-il-28", "il-28", id="il-28"),
        pytest.param("china-pakistan-1965-il-28", "h-5", id="il-28-chinese-h-5"),
        pytest.param("china-pakistan-1971-f-6", "j-6", id="f-6"),
        pytest.param("china-sri-lanka-1990-j-7", "j-7", id="j-7"),
        pytest.param("china-pakistan-2017-type-054a", "type-054a", id="type-054a-p"),
    ],
)
def test_deals_map_to_the_version_their_comment_names(deal: str, system: str) -> None:
    systems, _ = systems_of("extract")
    assert systems[deal] == f"{ID}system/{system}"


def test_deals_of_one_designation_and_parties_map_by_year_in_one_table() -> None:
    # SystemTable caches the look-up per designation, parties and year: one table, several systems.
    systems, table = systems_of("extract")
    su27s = {systems[f"russia-china-{year}-su-27s"] for year in (1991, 1992, 1995, 1996, 1999)}
    assert su27s == {f"{ID}system/su-27sk", f"{ID}system/su-27ubk"}
    assert ("su-27ubk", "Su-27S") in table.canonical and ("su-27sk", "Su-27S") in table.canonical


@pytest.mark.parametrize("source", ["extract", pytest.param("register", marks=pytest.mark.slow)])  # full: slow
def test_a_deal_picked_out_by_year_leaves_sipris_designation_with_the_system_it_names(source: str) -> None:
    # dgb:sipriDesignation is a name: SIPRI's 'Kuznetsov' names the class, not the Varyag hull of the
    # 1998 deal; 'ship engine' names no engine.
    _, table = systems_of(source)
    assert {
        ("kuznetsov-class", "Kuznetsov"),
        ("al-31f", "AL-31"),
        ("dt-59", "DT-59"),
        ("ak-176", "AK-176 76mm"),
        ("su-27sk", "Su-27S"),
        ("su-30mkk", "Su-30MK"),
        ("il-28", "Il-28"),
    } <= table.named
    picked = {
        ("varyag", "Kuznetsov"),
        ("al-31fn", "AL-31"),
        ("da-80", "DT-59"),
        ("h-pj-26", "AK-176 76mm"),
        ("su-27ubk", "Su-27S"),
        ("su-30mk2", "Su-30MK"),
        ("h-5", "Il-28"),
        ("ds-71", "ship engine"),
        ("da-80", "ship engine"),
        ("dt-59", "ship engine"),
    }
    assert picked <= set(table.canonical)  # the deals map to them
    assert not picked & table.named


@pytest.mark.parametrize("source", ["extract", pytest.param("register", marks=pytest.mark.slow)])  # full: slow
def test_every_mapped_system_is_a_curated_system(source: str) -> None:
    _, table = systems_of(source)
    curated_ids = {str(r["id"]) for r in curated("systems.toml")["system"]}
    assert {system for system, _ in table.canonical} <= curated_ids


# ---------------------------------------------------------------------------------------------
# Derivations are enabled by transfers of what they derive from
# ---------------------------------------------------------------------------------------------


def enabled_by_cases() -> list[object]:
    return [
        pytest.param(d["id"], d["enabled_by"], d["from"], id=str(d["id"]))
        for d in curated("derivations.toml")["derivation"]
        if "enabled_by" in d and "from" in d
    ]


@pytest.mark.parametrize(("derivation", "enabled_by", "origin"), enabled_by_cases())
def test_each_enabled_by_deal_transferred_the_system_the_derivation_comes_from(
    derivation: str, enabled_by: str, origin: str
) -> None:
    if enabled_by.startswith("sipri:"):
        systems, _ = systems_of("extract")
        transferred = systems[enabled_by.removeprefix("sipri:")].removeprefix(f"{ID}system/")
    else:
        (transfer,) = [t for t in curated("transfers.toml")["transfer"] if t.get("id") == enabled_by]
        transferred = str(transfer["system"])
    assert transferred in family_of(origin), (
        f"{derivation}: {enabled_by} transferred {transferred}, not {origin} or its family"
    )


def test_all_ten_enabled_by_links_are_checked() -> None:
    assert len(enabled_by_cases()) == 10


# ---------------------------------------------------------------------------------------------
# The docstring examples of the mapping code
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("module", ["dragonbear.loaders.sipri_designations", "dragonbear.loaders.sipri_rdf"])
def test_docstring_examples_run(module: str) -> None:
    result = doctest.testmod(importlib.import_module(module))
    assert result.attempted > 0 and result.failed == 0

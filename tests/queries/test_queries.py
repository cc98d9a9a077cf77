"""Canned queries: every file parses and has a header; golden results on the shipped graph."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest

from dragonbear.errors import NotFoundError, ParameterError, UnknownQueryError
from dragonbear.graph.resolve import NameIndex
from dragonbear.graph.store import EmbeddedStore
from dragonbear.namespaces import PREFIXES
from dragonbear.queries.catalogue import load_catalogue, run_canned
from dragonbear.service.runtime.names import name_index

from ..conftest import local, rows

CATALOGUE = load_catalogue()


@pytest.fixture(scope="module")
def names(store: EmbeddedStore) -> NameIndex:
    return name_index(store)  # the session store's index, built once (as the server keeps it)


def test_catalogue_has_the_issue_queries() -> None:
    assert {"ancestors", "descendants", "transfers", "exercises", "claims", "conflicts"} <= set(CATALOGUE)


@pytest.mark.parametrize("name", [pytest.param(n, id=n) for n in CATALOGUE])
def test_every_canned_query_parses_and_documents_itself(name: str) -> None:
    query = CATALOGUE[name]
    ox.Store().query(query.sparql, prefixes=PREFIXES)
    assert query.title and query.description and query.returns
    for param in query.parameters:
        assert param.description and param.example, f"{name}: parameter {param.name} lacks a description or example"
        # every parameter is projected (or, in a CONSTRUCT, in the template), so each result says what it answers
        head = r"SELECT[^{]*" if query.form == "SELECT" else r"CONSTRUCT\s*\{[^}]*"
        assert re.search(rf"{head}\?{param.var}\b", query.sparql), f"{name}: ?{param.var} is not projected"


def test_ancestors_of_j11_golden(store: EmbeddedStore) -> None:
    got = {
        (local(r["child"]), local(r["ancestor"]), r["kindLabel"], r.get("year"))
        for r in rows(store, "ancestors", system="J-11")
    }
    assert got == {
        ("j-11", "su-27sk", "licensed production", "1998"),  # partnership-2025 §1 ¶2, SIPRI
        ("j-11", "su-27", "reverse engineering", None),  # partnership-2025 §1 ¶6
        ("su-27sk", "su-27", "variant of", None),
    }


def test_descendants_of_s300_golden(store: EmbeddedStore) -> None:
    got = {
        (local(r["parent"]), local(r["descendant"]), r["kindLabel"]) for r in rows(store, "descendants", system="S-300")
    }
    assert ("s-300", "hq-9", "modeled after") in got  # partnership-2025 §1 ¶6
    assert {("s-300", "s-300pmu", "variant"), ("s-300pmu", "s-300pmu1", "variant")} <= got


def test_transfers_golden_s400_and_su35(store: EmbeddedStore) -> None:
    got = {
        local(r["transfer"]): r
        for r in rows(store, "transfers", supplier="Russia", recipient="China", **{"from": "2015", "to": "2015"})
    }
    s400 = got["russia-china-2015-s-400-triumf"]
    assert (
        s400["quantityOrdered"],
        s400["quantityOrderedUncertain"],
        s400["deliveryStartYear"],
        s400["deliveryEndYear"],
        s400["sources"],
    ) == ("8", "true", "2018", "2019", "2")
    assert all(int(r.get("orderYear", 0)) <= 2015 and int(r.get("deliveryEndYear", 9999)) >= 2015 for r in got.values())


def test_transfers_year_filter_narrows(store: EmbeddedStore) -> None:
    everything = rows(store, "transfers", supplier="Soviet Union", recipient="China")
    fifties = rows(store, "transfers", supplier="Soviet Union", recipient="China", to="1959")
    assert len(everything) > len(fifties) > 0
    assert all(int(r["orderYear"]) <= 1959 for r in fifties if "orderYear" in r)


def test_exercises_golden_for_mongolia(store: EmbeddedStore) -> None:
    got = {local(r["exercise"]) for r in rows(store, "exercises", state="Mongolia")}
    assert {"vostok-2018", "vostok-2022"} <= got  # vostok-2022-news ¶7 (2018) and ¶8 (2022)


def test_claims_about_j15_golden(store: EmbeddedStore) -> None:
    got = {(local(r["statement"]), local(r["source"])) for r in rows(store, "claims", entity="J-15")}
    assert {
        ("j-15-from-t-10k", "ain-2011-05-09-j-15"),
        ("j-15-from-t-10k", "partnership-2025"),
        ("j-15-from-j-11", "partnership-2025"),
        ("j-15", "partnership-2025"),
    } <= got


def test_conflicts_golden(store: EmbeddedStore) -> None:
    got = rows(store, "conflicts")
    by_conflict: dict[str, set[str]] = {}
    for r in got:
        by_conflict.setdefault(local(r["conflict"]), set()).add(local(r["source"]))
    assert set(by_conflict) == {
        "su-35-deal-quantity",
        "buyan-m-chinese-engine-hulls",
        "karakurt-chinese-engines",
        "vostok-2022-dates",
        "j-11-derivation-kind",
    }
    assert {"sipri-at-2024", "partnership-2025"} <= by_conflict["su-35-deal-quantity"]
    su35 = [
        r for r in got if local(r["conflict"]) == "su-35-deal-quantity" and local(r["source"]) == "partnership-2025"
    ]
    assert su35[0]["reportedQuantity"] == "10"


@pytest.mark.parametrize(
    "text,expected",
    [
        pytest.param("Flanker", "su-27", id="nato-name"),
        pytest.param("Су-27", "su-27", id="cyrillic"),
        pytest.param("歼-11", "j-11", id="chinese"),
        pytest.param("J11", "j-11", id="no-hyphen"),
        pytest.param("S300", "s-300", id="s300"),
        pytest.param("Shenyang J-11", "j-11", id="full-name"),
        pytest.param("system:j-15", "j-15", id="prefixed"),
        pytest.param("https://w3id.org/dragonbear/id/system/hq-9", "hq-9", id="iri"),
        pytest.param("su-27sk", "su-27sk", id="local-id"),
        pytest.param("Soviet Union", "soviet-union", id="sipri-name"),
    ],
)
def test_names_resolve_in_any_language_and_spelling(names: NameIndex, text: str, expected: str) -> None:
    assert local(names.resolve(text)) == expected


def test_typo_of_one_letter_still_finds_the_system(names: NameIndex) -> None:
    found = names.candidates("Flankr")
    assert found and local(found[0].iri) == "su-27" and found[0].score == 60


def test_ambiguous_name_lists_every_candidate(names: NameIndex) -> None:
    with pytest.raises(ParameterError) as info:
        names.resolve("Kilo")
    assert {local(iri) for iri, _ in info.value.candidates} >= {"project-636", "project-877"}


def test_unknown_name_and_query_raise_project_errors(store: EmbeddedStore, names: NameIndex) -> None:
    with pytest.raises(NotFoundError):
        names.resolve("No Such Aircraft 9000")
    with pytest.raises(UnknownQueryError):
        run_canned(store, "nonexistent", {}, catalogue=CATALOGUE)
    with pytest.raises(ParameterError, match="must be a whole number"):
        run_canned(store, "exercises", {"from": "last year"}, catalogue=CATALOGUE, names=names)

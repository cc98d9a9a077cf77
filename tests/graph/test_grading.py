"""Admiralty grading: every attestation gets the credibility of its information beside its source's reliability."""

from __future__ import annotations

import pytest

from dragonbear.graph.derive import credibility
from dragonbear.graph.store import EmbeddedStore

from ..conftest import local, rows


def test_every_attestation_has_one_grade(store: EmbeddedStore) -> None:
    missing = store.query("ASK { ?s dgb:hasAttestation ?a . ?a dgb:source ?d FILTER NOT EXISTS { ?a dgb:grade ?g } }")
    assert not missing
    assert not store.query("ASK { ?a dgb:grade ?g1 , ?g2 FILTER(?g1 != ?g2) }")


def test_independent_sources_confirm_a_statement(store: EmbeddedStore) -> None:
    # the J-11 licence: the partnership paper and the SIPRI row both support it
    grades = {
        row["grade"]
        for row in rows(store, "claims", entity="J-11")
        if local(row["statement"]) == "j-11-licensed-production"
    }
    assert grades and all(grade.endswith("1") for grade in grades)


def test_a_register_row_is_probably_true_or_confirmed(store: EmbeddedStore) -> None:
    found = [row for row in rows(store, "claims", entity="Su-35") if row["statementType"] == "arms transfer"]
    assert found and all(row["grade"][1] in "12" for row in found)  # the row alone (2), or with the paper (1)


def test_a_hedged_comment_is_possibly_true(store: EmbeddedStore) -> None:
    assert store.query('ASK { ?a dgb:readFromText true ; dgb:stance dgb:Hedged ; dgb:grade "A3" }')


@pytest.mark.parametrize(
    "stance, reliability, supporters, deniers, expected",
    [
        pytest.param("Asserts", "A", 3, 0, 1, id="confirmed"),
        pytest.param("Asserts", "B", 1, 0, 2, id="probably-true"),
        pytest.param("Asserts", "C", 1, 0, 3, id="possibly-true"),
        pytest.param("Hedged", "B", 1, 0, 3, id="hedged-reliable"),
        pytest.param("Asserts", "A", 1, 1, 4, id="disputed"),
        pytest.param("Denies", "C", 2, 1, 5, id="denial-of-confirmed"),
        pytest.param("Asserts", None, 1, 0, 6, id="ungraded-source"),
    ],
)
def test_credibility_scale(stance: str, reliability: str | None, supporters: int, deniers: int, expected: int) -> None:
    assert credibility(stance, reliability, supporters, deniers) == expected

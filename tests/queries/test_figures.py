"""Reported figures as an analyst reads them: the value in words and in columns (issue 12)."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from dragonbear.graph.store import EmbeddedStore

from ..conftest import local, rows


def test_vostok_2018_figures_show_their_numbers(store: EmbeddedStore) -> None:
    got = {local(r["figure"]): r["text"] for r in rows(store, "figures", entity="Vostok-2018")}
    # vostok-2022-news, paragraph 9
    assert got["vostok-2018-troops"] == "nearly 300,000 troops, 2018"
    assert got["vostok-2018-vehicles"] == "36,000 vehicles, 2018"
    assert got["vostok-2018-aircraft"] == "1,000 aircraft, 2018"
    assert got["vostok-2018-warships"] == "80 warships, 2018"


def test_figures_have_their_values_as_columns_and_their_sources(store: EmbeddedStore) -> None:
    found = {local(r["figure"]): r for r in rows(store, "figures")}
    more = found["joint-exercises-2003-2024"]
    assert (more["text"], more["value"], more["comparator"], more["unit"], more["periodStart"], more["periodEnd"]) == (
        "more than 90 exercises, 2003-2024",
        "90",
        "more than",
        "exercises",
        "2003",
        "2024",
    )
    assert more["sourceKeys"] == "vonessen-2025" and more["locators"] == "paragraph 2"
    assert all(r.get("text") for r in found.values()), "every figure has its text"
    assert len(found) >= 30


def test_figures_filter_by_topic_and_years(store: EmbeddedStore) -> None:
    recent = rows(store, "figures", topic="JointExercises", **{"from": "2022"})
    assert recent and all(int(r.get("periodEnd", r.get("periodStart", "0"))) >= 2022 for r in recent)
    assert {r["topic"] for r in recent} == {"joint exercises"}
    assert rows(store, "figures", topic="joint exercises", to="2012") != recent


def test_claims_about_an_entity_show_the_value_of_a_figure(store: EmbeddedStore) -> None:
    texts = {r["text"] for r in rows(store, "claims", entity="Vostok-2018") if r["statementType"] == "reported figure"}
    assert "nearly 300,000 troops, 2018" in texts


def test_persons_are_agents_for_claims_and_names(store: EmbeddedStore) -> None:
    assert rows(store, "claims", entity="Hugo von Essen")
    assert rows(store, "names", entity="Rebekah Koffler")


def test_claims_list_each_attestation_once(store: EmbeddedStore) -> None:
    found = rows(store, "claims", entity="China")
    keys = [(r["statement"], r["source"], r.get("locator")) for r in found]
    assert len(keys) == len(set(keys)), "no attestation is listed twice"
    atts = [(r["statement"], r["source"]) for r in found if r["kind"] == "transfers"]
    assert len(atts) == len(set(atts)), "a SIPRI attestation has one locator"


def test_claims_put_the_entitys_own_claims_before_its_deals(store: EmbeddedStore) -> None:
    kinds = [r["kind"] for r in rows(store, "claims", entity="China")]
    assert kinds[0] == "claims" and kinds[-1] == "transfers"
    assert kinds == sorted(
        kinds,
        key=[
            "claims",
            "figures",
            "exercises",
            "events",
            "derivations",
            "dependencies",
            "descriptions",
            "transfers",
        ].index,
    )


@pytest.mark.slow
def test_claims_of_one_kind_and_the_counts_of_every_kind(full_store: EmbeddedStore) -> None:
    claims = rows(full_store, "claims", entity="China", kind="claims")
    assert claims and {r["kind"] for r in claims} == {"claims"}
    counts = {r["kind"]: int(r["attestations"]) for r in rows(full_store, "claim-kinds", entity="China")}
    assert counts["claims"] == len(claims)
    assert counts["transfers"] > 1000 and sum(counts.values()) == len(rows(full_store, "claims", entity="China"))


def test_statement_pages_say_what_they_state_with_every_attestation(client: TestClient) -> None:
    html = {"Accept": "text/html"}
    figure = client.get("/id/figure/vostok-2018-troops", headers=html).text
    assert "A source reports nearly 300,000 troops, 2018." in figure and "paragraph 9" in figure
    derivation = client.get("/id/derivation/j-11-licensed-production", headers=html).text
    assert "derives from" in derivation and "by licensed production" in derivation
    assert "partnership" in derivation.lower() and "row: China,Russia,1996,Su-27S" in derivation
    claim = client.get("/id/claim/vostok-2018-first-with-non-soviet-bloc-states", headers=html).text
    assert "first Vostok exercise" in claim


def test_an_author_is_affiliated_with_an_organization_and_a_date_conflict_is_one(store: EmbeddedStore) -> None:
    assert store.query("ASK { person:hugo-von-essen dgb:affiliatedWith org:sceeus }")
    assert store.query('ASK { <https://w3id.org/dragonbear/id/conflict/vostok-2022-dates> dgb:aspect "date" }')


@pytest.mark.slow
def test_single_source_answers_without_parameters_within_the_default_time_limit(full_client: TestClient) -> None:
    response = full_client.get("/api/queries/single-source", headers={"Accept": "text/csv"})
    assert response.status_code == 200, response.text[:300]  # the server's default limit is 30 s
    assert response.text.count("\n") > 1000

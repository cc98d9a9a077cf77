"""Names: any spelling of a name finds its entity, ranked with reasons; name keys in SPARQL.

Most tests run on the shipped graph (the session ``store``); the tie-break on the kind of name uses a
few triples cut from the shipped curated and SIPRI data.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from starlette.testclient import TestClient

from dragonbear.errors import ParameterError
from dragonbear.graph.derive import materialize
from dragonbear.graph.name_keys import name_keys
from dragonbear.graph.resolve import NameIndex
from dragonbear.graph.store import EmbeddedStore
from dragonbear.namespaces import DGB, GRAPH_CURATED, GRAPH_DERIVED, ID
from dragonbear.pipeline.build import BuildReport
from dragonbear.queries.catalogue import bind_values, load_catalogue, run_canned
from dragonbear.service.runtime.names import name_index

from ..conftest import cli


def local(iri: str) -> str:
    return re.split(r"[/#]", iri)[-1]


@pytest.fixture(scope="module")
def names(store: EmbeddedStore) -> NameIndex:
    return name_index(store)  # the session store's index, built once (as the server keeps it)


def first(names: NameIndex, text: str) -> str:
    found = names.candidates(text)
    assert found, f"nothing found for {text!r}"
    return local(found[0].iri)


# --- Any name finds its entity first ------------------------------------------------------------


@pytest.mark.parametrize(
    "text,expected",
    [
        pytest.param("Flanker", "su-27", id="nato-name"),
        pytest.param("Су-27", "su-27", id="cyrillic"),
        pytest.param("歼-11", "j-11", id="chinese"),
        pytest.param("J11", "j-11", id="no-hyphen-j11"),
        pytest.param("S300", "s-300", id="no-hyphen-s300"),
        pytest.param("Kilo", "kilo-class", id="kilo-family"),
        pytest.param("  sHENYANG   j-11 ", "j-11", id="case-and-spacing"),
        pytest.param("su 27 sk", "su-27sk", id="spaces-for-hyphens"),
        pytest.param("Су27СК", "su-27sk", id="cyrillic-without-hyphen"),
        pytest.param("Фланкер", "su-27", id="nato-name-in-cyrillic-romanized"),
        pytest.param("С-300", "s-300", id="cyrillic-es-for-latin-s"),
        pytest.param("歼11", "j-11", id="chinese-without-hyphen"),
    ],
)
def test_name_finds_its_entity_first(names: NameIndex, text: str, expected: str) -> None:
    assert first(names, text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        pytest.param("Flankr", "su-27", id="letter-dropped"),
        pytest.param("Flankex", "su-27", id="letter-replaced"),
        pytest.param("Falnker", "su-27", id="letters-swapped"),
        pytest.param("Varshavianka", "project-636", id="transliteration-variant"),
        pytest.param("Kilio", "kilo-class", id="letter-added"),
        pytest.param("Фланкр", "su-27", id="cyrillic-typo"),
    ],
)
def test_one_letter_typo_finds_the_entity_with_score_60(names: NameIndex, text: str, expected: str) -> None:
    found = names.candidates(text)
    assert local(found[0].iri) == expected
    assert (found[0].score, found[0].match) == (60, "one edit")


def test_a_different_digit_is_not_a_typo(names: NameIndex) -> None:
    # Su-24 and Su-25 are other aircraft, not misspellings of Su-27
    assert not {"su-22", "su-24", "su-25"} & {local(c.iri) for c in names.candidates("Су-27", limit=50)}
    assert "s-400" not in {local(c.iri) for c in names.candidates("S300", limit=50)}


# --- Ranking and its explanation -----------------------------------------------------------------


def test_kilo_ranks_the_family_first_then_by_statements(names: NameIndex) -> None:
    found = names.candidates("Kilo")
    # the family first; then its two variants, the one more statements involve first (the SIPRI comments
    # that name a Project-636 platform make it the 636 today)
    assert local(found[0].iri) == "kilo-class" and {local(c.iri) for c in found[1:3]} == {"project-877", "project-636"}
    family, more, fewer = found[:3]
    assert {c.score for c in found[:3]} == {90} and {c.name_kind for c in found[:3]} == {"NATO reporting name"}
    assert (family.family_of, family.ahead_by, family.rank) == (2, "family", 1)
    assert more.statements > fewer.statements and more.ahead_by == "statements"
    assert "NATO reporting name 'Kilo'" in family.why and "variants" in family.why


@pytest.mark.parametrize(
    "text,family,member",
    [
        pytest.param("Hip", "mi-8", "mi-17", id="hip"),
        pytest.param("Grumble", "s-300", "s-300pmu", id="grumble"),
        pytest.param("Gauntlet", "tor", "tor-m1", id="gauntlet"),
    ],
)
def test_shared_nato_name_ranks_the_family_above_its_variant(
    names: NameIndex, text: str, family: str, member: str
) -> None:
    order = [local(c.iri) for c in names.candidates(text)]
    assert order.index(family) < order.index(member)


def test_every_candidate_says_why_it_ranks_where_it_does(names: NameIndex) -> None:
    found = names.candidates("Flanker")
    su27 = found[0]
    assert (su27.matched, su27.match, su27.name_kind, su27.score) == ("Flanker", "exact", "NATO reporting name", 90)
    assert su27.name_property == DGB + "natoReportingName" and su27.ahead_by == "score"
    assert [c.rank for c in found] == list(range(1, len(found) + 1))
    assert all(c.why and str(c.score) in c.why for c in found)
    assert found[-1].ahead_by is None


KIND_TIE_TTL = """
@prefix dgb: <https://w3id.org/dragonbear/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix system: <https://w3id.org/dragonbear/id/system/> .
system:kilo-class a dgb:SystemModel ; skos:hiddenLabel "Kilo" ; skos:prefLabel "Kilo-class submarine"@en .
system:project-877 a dgb:SystemModel ; dgb:natoReportingName "Kilo" ; skos:prefLabel "Проект 877 «Палтус»"@ru .
"""


@pytest.fixture()
def kind_tie_store() -> EmbeddedStore:
    """Two systems of the shipped graph that share "Kilo", attached differently, without their variant link."""
    store = EmbeddedStore.open(None)
    store.load(KIND_TIE_TTL.encode(), format=ox.RdfFormat.TURTLE, graph=GRAPH_CURATED)
    return store


def test_tie_is_broken_by_how_the_name_is_attached(kind_tie_store: EmbeddedStore) -> None:
    found = NameIndex.from_store(kind_tie_store).candidates("kilo")
    assert [(local(c.iri), c.name_kind) for c in found] == [
        ("project-877", "NATO reporting name"),
        ("kilo-class", "spelling variant"),
    ]
    assert found[0].score == found[1].score == 90 and found[0].ahead_by == "name kind"


# --- Strict resolution of canned-query parameters ----------------------------------------------


def test_kilo_stays_ambiguous_for_a_parameter_and_lists_the_family_first(names: NameIndex) -> None:
    with pytest.raises(ParameterError, match="ambiguous") as info:
        names.resolve("Kilo")
    assert [iri for iri, _ in info.value.candidates] == [c.iri for c in names.candidates("Kilo")][:3]
    assert local(info.value.candidates[0][0]) == "kilo-class"


@pytest.mark.parametrize(
    "text,expected",
    [
        pytest.param("Flanker", "su-27", id="leader-by-score"),
        pytest.param("Flankr", "su-27", id="lone-typo"),
        pytest.param("Су27СК", "su-27sk", id="romanized"),
    ],
)
def test_a_leader_alone_in_its_score_resolves(names: NameIndex, text: str, expected: str) -> None:
    assert local(names.resolve(text)) == expected


# --- Name keys and full-text search in SPARQL ----------------------------------------------------


def search(store: EmbeddedStore, needle: str) -> set[str]:
    query = bind_values(
        "SELECT DISTINCT ?e WHERE { ?e dgb:nameKey ?k FILTER(CONTAINS(?k, LCASE(REPLACE(?q, "
        '"[^\\\\p{L}\\\\p{N}]", "")))) }',
        {"q": ox.Literal(needle)},
    )
    rows = store.query(query)
    return {local(r["e"].value) for r in rows}  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "needle",
    [
        pytest.param("flanker", id="nato-name"),
        pytest.param("су27", id="cyrillic"),
        pytest.param("Су-27", id="cyrillic-with-hyphen"),
        pytest.param("SU 27", id="latin-with-space"),
    ],
)
def test_sparql_search_over_name_keys_finds_su27(store: EmbeddedStore, needle: str) -> None:
    assert "su-27" in search(store, needle)


def test_name_keys_are_derived_and_romanize_cyrillic(store: EmbeddedStore) -> None:
    keys = {
        r["k"].value
        for r in store.query(  # type: ignore[union-attr]
            f"SELECT ?k WHERE {{ GRAPH <{GRAPH_DERIVED}> {{ system:su-27 dgb:nameKey ?k }} }}"
        )
    }
    assert {"flanker", "су27", "su27", "sukhoisu27"} <= keys
    assert not store.query(f"ASK {{ GRAPH ?g {{ ?e dgb:nameKey ?k }} FILTER(?g != <{GRAPH_DERIVED}>) }}")


def test_search_key_matches_what_sparql_computes(store: EmbeddedStore) -> None:
    text = "Су-27 «Flanker» J_11 (歼-11)"
    query = bind_values(
        'SELECT (LCASE(REPLACE(?t, "[^\\\\p{L}\\\\p{N}]", "")) AS ?k) WHERE {}', {"t": ox.Literal(text)}
    )
    row = next(iter(store.query(query)))  # type: ignore[call-overload]
    assert row["k"].value in name_keys(text)


def test_materialize_reports_the_name_keys_it_adds(kind_tie_store: EmbeddedStore) -> None:
    report = materialize(kind_tie_store)
    keys = {
        (local(r["e"].value), r["k"].value)  # type: ignore[union-attr]
        for r in kind_tie_store.query(f"SELECT ?e ?k WHERE {{ GRAPH <{GRAPH_DERIVED}> {{ ?e dgb:nameKey ?k }} }}")
    }
    assert keys == {
        ("kilo-class", "kilo"),
        ("kilo-class", "kiloclasssubmarine"),
        ("project-877", "kilo"),
        ("project-877", "проект877палтус"),
        ("project-877", "proekt877paltus"),
    }
    assert report.name_keys == len(keys) == kind_tie_store.count(GRAPH_DERIVED)


def test_canned_name_search_lists_flanker_systems_exact_match_first(store: EmbeddedStore) -> None:
    result = run_canned(store, "name-search", {"text": "Flanker"}, catalogue=load_catalogue())
    rows = [
        {v.value: s[v.value].value for v in result.variables if s[v.value] is not None}  # type: ignore[union-attr]
        for s in result
    ]  # type: ignore[union-attr]
    assert local(rows[0]["entity"]) == "su-27" and rows[0]["exact"] == "true"
    assert {local(r["entity"]) for r in rows} == {
        "su-27",
        "su-27sk",
        "su-27ubk",
        "su-30mk2",
        "su-30mkk",
        "su-33",
        "su-35",
    }


# --- The API and the command line ----------------------------------------------------------------


def test_api_resolve_explains_each_candidate(client: TestClient) -> None:
    from dragonbear.service.api.queries import ResolveResult

    response = client.get("/api/resolve", params={"q": "Kilo"})
    assert response.status_code == 200
    answer = ResolveResult.model_validate(response.json())
    top = answer.candidates[0]
    assert (top.iri, top.rank, top.name_kind, top.family_of, top.ahead_by) == (
        ID + "system/kilo-class",
        1,
        "NATO reporting name",
        2,
        "family",
    )
    assert top.why and top.matched == "Kilo" and top.statements >= 1 and f"{top.statements} statement" in top.why


def test_openapi_documents_the_ranking_fields(client: TestClient) -> None:
    from openapi_spec_validator import validate

    schema = client.get("/openapi.json").json()
    validate(schema)
    fields = schema["components"]["schemas"]["CandidateInfo"]["properties"]
    assert {"score", "matched", "match", "name_kind", "family_of", "statements", "rank", "ahead_by", "why"} <= set(
        fields
    )


def test_api_canned_query_with_kilo_is_400_listing_the_family_first(client: TestClient) -> None:
    response = client.get("/api/queries/descendants", params={"system": "Kilo"})
    assert response.status_code == 400
    assert response.json()["candidates"][0]["iri"] == ID + "system/kilo-class"


@pytest.mark.slow
def test_cli_resolve_prints_why(built: tuple[Path, BuildReport]) -> None:
    table = cli("resolve", "Kilo", store_dir=built[0])
    assert table.returncode == 0, table.stderr
    assert "system:kilo-class" in table.stdout.splitlines()[0] and "variants" in table.stdout
    as_json = json.loads(cli("resolve", "Фланкер", "--format", "json", store_dir=built[0]).stdout)
    assert as_json[0]["iri"].endswith("/system/su-27") and as_json[0]["match"] == "transliterated"

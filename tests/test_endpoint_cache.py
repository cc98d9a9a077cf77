"""Answers are cached per store generation, with entity tags; a write makes new answers."""

from __future__ import annotations

import httpx

from .conftest import TOKEN, Server

QUERY = "SELECT ?l WHERE { system:j-11 rdfs:label ?l } ORDER BY ?l"


def test_repeated_query_is_answered_from_the_cache_with_the_same_tag(server: Server) -> None:
    first = httpx.get(server.url("/sparql"), params={"query": QUERY + " # cache-test-1"})
    second = httpx.get(server.url("/sparql"), params={"query": QUERY + " # cache-test-1"})
    assert first.status_code == second.status_code == 200
    assert (first.headers["Dragonbear-Cache"], second.headers["Dragonbear-Cache"]) == ("miss", "hit; raw")
    assert first.headers["ETag"] == second.headers["ETag"] and first.content == second.content
    assert first.headers["content-type"] == second.headers["content-type"]
    assert second.headers["content-length"] == str(len(second.content))


def test_a_repeated_get_skips_the_app_but_a_post_or_another_origin_does_not(server: Server) -> None:
    query = QUERY + " # cache-test-raw"
    httpx.get(server.url("/sparql"), params={"query": query})
    posted = httpx.post(server.url("/sparql"), data={"query": query})
    assert posted.headers["Dragonbear-Cache"] == "hit"  # the answer cache, through the route
    cross = httpx.get(server.url("/sparql"), params={"query": query}, headers={"Origin": "https://example.org"})
    assert cross.headers["Dragonbear-Cache"] == "hit" and cross.headers["access-control-allow-origin"] == "*"
    raw = httpx.get(server.url("/sparql"), params={"query": query})
    assert raw.headers["Dragonbear-Cache"] == "hit; raw" and raw.content == posted.content


def test_the_format_is_part_of_the_cache_key(server: Server) -> None:
    as_json = httpx.get(server.url("/sparql"), params={"query": QUERY + " # cache-test-2"})
    as_csv = httpx.get(server.url("/sparql"), params={"query": QUERY + " # cache-test-2"}, headers={"Accept": "text/csv"})
    assert as_csv.headers["Dragonbear-Cache"] == "miss"
    assert as_csv.headers["content-type"].startswith("text/csv") and as_json.headers["ETag"] != as_csv.headers["ETag"]


def test_if_none_match_gets_304_without_a_body(server: Server) -> None:
    first = httpx.get(server.url("/sparql"), params={"query": QUERY + " # cache-test-3"})
    again = httpx.get(server.url("/sparql"), params={"query": QUERY + " # cache-test-3"},
                      headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["Dragonbear-Cache"] == "hit; raw" and again.headers["ETag"] == first.headers["ETag"]
    other = httpx.get(server.url("/sparql"), params={"query": QUERY + " # cache-test-3"},
                      headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200


def test_a_write_makes_a_new_generation_and_new_answers(writable_server: Server) -> None:
    query = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <http://example.org/cache-test> { ?s ?p ?o } }"
    before = httpx.get(writable_server.url("/sparql"), params={"query": query})
    cached = httpx.get(writable_server.url("/sparql"), params={"query": query})
    assert cached.headers["Dragonbear-Cache"] == "hit; raw"
    update = httpx.post(writable_server.url("/update"),
                        content=b"INSERT DATA { GRAPH <http://example.org/cache-test> { <http://e/s> <http://e/p> 1 } }",
                        headers={"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"})
    assert update.status_code in (200, 204), update.text
    after = httpx.get(writable_server.url("/sparql"), params={"query": query})
    assert after.headers["Dragonbear-Cache"] == "miss" and after.headers["ETag"] != before.headers["ETag"]
    assert after.json()["results"]["bindings"][0]["n"]["value"] == "1"

"""Answers are cached per store generation, with entity tags; a write makes new answers.

Each server process keeps its own caches. The app in this process (``client``) is one such process;
the sharing of one run by identical queries is tried against a real server. A client that keeps its
connection open to a real server talks to one process; a write is seen by every process.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from starlette.testclient import TestClient

from dragonbear.settings import default_workers

from ..conftest import TOKEN, Server

QUERY = "SELECT ?l WHERE { system:j-11 rdfs:label ?l } ORDER BY ?l"


def test_repeated_query_is_answered_from_the_cache_with_the_same_tag(client: TestClient) -> None:
    first = client.get("/sparql", params={"query": QUERY + " # cache-test-1"})
    second = client.get("/sparql", params={"query": QUERY + " # cache-test-1"})
    assert first.status_code == second.status_code == 200
    assert (first.headers["Dragonbear-Cache"], second.headers["Dragonbear-Cache"]) == ("miss", "hit; raw")
    assert first.headers["ETag"] == second.headers["ETag"] and first.content == second.content
    assert first.headers["content-type"] == second.headers["content-type"]
    assert second.headers["content-length"] == str(len(second.content))


def test_a_repeated_get_skips_the_app_but_a_post_or_another_origin_does_not(client: TestClient) -> None:
    query = QUERY + " # cache-test-raw"
    client.get("/sparql", params={"query": query})
    posted = client.post("/sparql", data={"query": query})
    assert posted.headers["Dragonbear-Cache"] == "hit"  # the answer cache, through the route
    cross = client.get("/sparql", params={"query": query}, headers={"Origin": "https://example.org"})
    assert cross.headers["Dragonbear-Cache"] == "hit" and cross.headers["access-control-allow-origin"] == "*"
    raw = client.get("/sparql", params={"query": query})
    assert raw.headers["Dragonbear-Cache"] == "hit; raw" and raw.content == posted.content


def test_the_format_is_part_of_the_cache_key(client: TestClient) -> None:
    as_json = client.get("/sparql", params={"query": QUERY + " # cache-test-2"})
    as_csv = client.get("/sparql", params={"query": QUERY + " # cache-test-2"}, headers={"Accept": "text/csv"})
    assert as_csv.headers["Dragonbear-Cache"] == "miss"
    assert as_csv.headers["content-type"].startswith("text/csv") and as_json.headers["ETag"] != as_csv.headers["ETag"]


def test_if_none_match_gets_304_without_a_body(client: TestClient) -> None:
    first = client.get("/sparql", params={"query": QUERY + " # cache-test-3"})
    again = client.get(
        "/sparql", params={"query": QUERY + " # cache-test-3"}, headers={"If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304 and again.content == b""
    assert again.headers["Dragonbear-Cache"] == "hit; raw" and again.headers["ETag"] == first.headers["ETag"]
    other = client.get(
        "/sparql", params={"query": QUERY + " # cache-test-3"}, headers={"If-None-Match": '"something-else"'}
    )
    assert other.status_code == 200


def test_a_write_makes_a_new_generation_and_new_answers(writable_client: TestClient) -> None:
    query = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <http://example.org/cache-test> { ?s ?p ?o } }"
    before = writable_client.get("/sparql", params={"query": query})
    cached = writable_client.get("/sparql", params={"query": query})
    assert cached.headers["Dragonbear-Cache"] == "hit; raw"
    update = writable_client.post(
        "/update",
        content=b"INSERT DATA { GRAPH <http://example.org/cache-test> { <http://e/s> <http://e/p> 1 } }",
        headers={"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"},
    )
    assert update.status_code in (200, 204), update.text
    after = writable_client.get("/sparql", params={"query": query})
    assert after.headers["Dragonbear-Cache"] == "miss" and after.headers["ETag"] != before.headers["ETag"]
    assert after.json()["results"]["bindings"][0]["n"]["value"] == "1"


@pytest.mark.server
@pytest.mark.slow
def test_identical_queries_under_way_share_one_run(server: Server) -> None:
    # About a second of work; six clients ask at once over their own connections (any server
    # process). Each process runs it once and the others wait for that run: at most one "miss" per
    # process, and the rest "shared" (or "hit", when they arrive after it finished).
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b FILTER(STRLEN(STR(?b)) > 3) } # shared-run"
    start = threading.Barrier(6)

    def ask(_: int) -> httpx.Response:
        with httpx.Client(timeout=120) as client:
            start.wait()
            return client.get(server.url("/sparql"), params={"query": query})

    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(ask, range(6)))
    assert all(a.status_code == 200 for a in answers)
    assert len({a.content for a in answers}) == 1
    sources = [a.headers["Dragonbear-Cache"] for a in answers]
    assert sources.count("miss") <= default_workers() < 6, sources  # the fixture's server processes
    assert "shared" in sources, sources


def test_a_new_generation_empties_the_caches(writable_client: TestClient) -> None:
    # Every entry is keyed by its generation: once another is current, none would be hit again.
    served = writable_client.app.state.served  # type: ignore[attr-defined]
    writable_client.get("/sparql", params={"query": "ASK { ?s ?p ?o } # forget-1"})
    writable_client.post("/sparql", data={"query": "ASK { ?s ?p ?o } # forget-2"})
    assert len(served.raw_cache) and len(served._answers)
    update = writable_client.post(
        "/update",
        content=b"INSERT DATA { GRAPH <http://example.org/forget> { <http://e/s> <http://e/p> 2 } }",
        headers={"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"},
    )
    assert update.status_code in (200, 204), update.text
    again = writable_client.get("/sparql", params={"query": "ASK { ?s ?p ?o } # forget-3"})
    assert again.headers["Dragonbear-Cache"] == "miss"
    held = [key for key in served.raw_cache.keys() + served._answers.keys() if "forget-3" not in str(key)]
    assert held == [], "entries of the older generation were kept"


def test_a_lookup_is_run_again_rather_than_kept_until_a_get_repeats_it(client: TestClient) -> None:
    # A look-up of one subject's values costs about what keeping its answer would: the answer cache
    # leaves it out; the raw-request map keeps it once the same GET comes a second time.
    served = client.app.state.served  # type: ignore[attr-defined]
    lookup = "SELECT ?lookupCacheTest WHERE { system:j-11 rdfs:label ?lookupCacheTest }"
    kept = len(served._answers)
    kept_raw = len(served.raw_cache)
    first = client.get("/sparql", params={"query": lookup})
    assert len(served.raw_cache) == kept_raw, "a look-up asked once is not kept"
    second = client.get("/sparql", params={"query": lookup})
    third = client.get("/sparql", params={"query": lookup})
    posted = client.post("/sparql", data={"query": lookup})
    answers = (first, second, third, posted)
    assert all(r.status_code == 200 for r in answers)
    assert first.json()["results"]["bindings"], "J-11 has labels"
    assert [r.headers["Dragonbear-Cache"] for r in answers] == ["miss", "miss", "hit; raw", "miss"]
    assert len({r.content for r in answers}) == 1 and len({r.headers["ETag"] for r in answers}) == 1
    assert int(first.headers["Dragonbear-Result-Count"]) == len(first.json()["results"]["bindings"])
    assert len(served._answers) == kept


def test_a_lookup_asked_for_csv_or_past_the_cap_takes_the_query_path(
    client: TestClient, capped_client: TestClient
) -> None:
    # Not SPARQL JSON: the look-up is tried once on the event loop, then run as any query.
    lookup = "SELECT ?p ?o WHERE { system:j-11 ?p ?o }"
    as_json = client.get("/sparql", params={"query": lookup + " LIMIT 40"})
    as_csv = client.get("/sparql", params={"query": lookup + " LIMIT 40"}, headers={"Accept": "text/csv"})
    assert as_json.status_code == as_csv.status_code == 200
    assert as_csv.headers["content-type"].startswith("text/csv")
    rows = len(as_json.json()["results"]["bindings"])
    assert rows > 5 and len(as_csv.text.strip().splitlines()) == rows + 1
    assert as_csv.headers["Dragonbear-Result-Count"] == str(rows)
    capped = capped_client.get("/sparql", params={"query": "SELECT ?p ?o WHERE { state:china ?p ?o }"})
    assert capped.status_code == 422 and "50" in capped.text, capped.text  # 98 rows, past the cap of 50

"""Deep and long SPARQL texts are refused before any parser sees them (graph/sparql_limits.py): nesting
of braces, blank-node brackets, parentheses, property paths and sub-queries at 10^3 to 10^6 levels, by
GET, direct POST and form, for queries and updates, answer 400 with a message naming the limit; long
flat chains (UNION, path sequences, &&, !, triple patterns) the same. The real server keeps answering
ordinary queries while such texts arrive (before the limits, one of them killed its process), and the
command line refuses them with an error instead of aborting.

pyoxigraph's own parser overflows its stack from about 2,000 nested braces on an 8 MiB stack (and from
220 triple patterns in one group in its planner): each case here would abort the process that parsed it.
"""

from __future__ import annotations

import concurrent.futures
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlencode

import httpx
import pytest
from starlette.testclient import TestClient

from dragonbear.graph.sparql_limits import MAX_CHAIN, MAX_DEPTH, configure
from dragonbear.pipeline.build import BuildReport
from dragonbear.settings import Settings

from ..conftest import TOKEN, Server, app_client, cli, copy_store

P = "<https://w3id.org/dragonbear/ontology#derivedFrom>"


def nested(kind: str, n: int) -> str:
    """A query nested ``n`` levels deep in one way."""
    if kind == "braces":
        return "SELECT * WHERE " + "{" * n + "}" * n
    if kind == "brackets":  # blank-node property lists
        return "SELECT * WHERE { ?s ?p " + f"[ {P} " * n + "1" + " ]" * n + " }"
    if kind == "parentheses":
        return "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * n + "?o" + ")" * n + ") }"
    if kind == "property-path":
        return "SELECT * WHERE { ?s " + "(" * n + P + ")" * n + " ?o }"
    if kind == "sub-queries":
        return "SELECT * WHERE " + "{ SELECT * WHERE " * n + "{}" + " }" * n
    raise AssertionError(kind)


def chained(kind: str, n: int) -> str:
    """A query with a flat chain ``n`` long."""
    if kind == "union":
        return "SELECT * WHERE { " + " UNION ".join(["{ ?s ?p ?o }"] * n) + " }"
    if kind == "path-sequence":
        return "SELECT * WHERE { ?s " + "/".join([P] * n) + " ?o }"
    if kind == "and":
        return "SELECT * WHERE { ?s ?p ?o FILTER(" + " && ".join(["?o"] * n) + ") }"
    if kind == "not":
        return "SELECT * WHERE { ?s ?p ?o FILTER(" + "!" * n + "?o) }"
    if kind == "triple-patterns":
        return "SELECT * WHERE { " + " ".join(f"?s{i} {P} ?o ." for i in range(n)) + " }"
    raise AssertionError(kind)


QUERY_BYTES, UPDATE_BYTES = (
    Settings(store_dir=Path(".")).max_query_bytes,
    Settings(store_dir=Path(".")).max_update_bytes,
)
NESTINGS = ["braces", "brackets", "parentheses", "property-path", "sub-queries"]
LEVELS = [10**3, 10**4, pytest.param(10**5, marks=pytest.mark.slow), pytest.param(10**6, marks=pytest.mark.slow)]


@pytest.fixture(scope="module")
def client(built: tuple[Path, BuildReport], tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with app_client(copy_store(built[0], tmp_path_factory.mktemp("depth") / "store"), update_token=TOKEN) as test:
        yield test


def _refused(reply: httpx.Response, setting: str) -> None:
    assert reply.status_code == 400, (reply.status_code, reply.text[:300])
    assert setting in reply.text and "limit" in reply.text, reply.text[:300]


@pytest.mark.parametrize("n", LEVELS)
@pytest.mark.parametrize("kind", NESTINGS)
def test_a_deep_query_is_refused_by_post_and_form(client: TestClient, kind: str, n: int) -> None:
    text = nested(kind, n)
    direct = client.post("/sparql", content=text, headers={"Content-Type": "application/sparql-query"})
    body = urlencode({"query": text})
    form = client.post("/sparql", content=body, headers={"Content-Type": "application/x-www-form-urlencoded"})
    for reply, size in ((direct, len(text.encode())), (form, len(body))):
        if size > QUERY_BYTES:  # larger than a query body may be: refused before it is read
            assert reply.status_code == 413 and "DRAGONBEAR_MAX_QUERY_BYTES" in reply.text
        else:
            _refused(reply, "DRAGONBEAR_MAX_QUERY_DEPTH")
            found = re.search(r"nests (\d+) levels", reply.text)
            assert found and int(found.group(1)) >= n  # the depth it found


@pytest.mark.parametrize("n", [10**3, 10**4])
@pytest.mark.parametrize("kind", NESTINGS)
def test_a_deep_query_is_refused_by_get(client: TestClient, kind: str, n: int) -> None:
    text = nested(kind, n).replace(P, "a")  # short: httpx sends no URL past 64 KiB
    if len(quote(text)) > 60_000:
        text = text.replace(" ", "")
    if len(quote(text)) > 64_000:
        pytest.skip(f"{len(quote(text)):,} characters: longer than a URL httpx sends")
    _refused(client.get("/sparql", params={"query": text}), "DRAGONBEAR_MAX_QUERY_DEPTH")


@pytest.mark.parametrize("n", LEVELS)
@pytest.mark.parametrize("kind", NESTINGS)
def test_a_deep_update_is_refused(client: TestClient, kind: str, n: int) -> None:
    where = nested(kind, n).split("WHERE", 1)[1]
    text = "DELETE { ?s ?p ?o } WHERE " + where
    auth = {"Authorization": f"Bearer {TOKEN}"}
    direct = client.post("/update", content=text, headers={**auth, "Content-Type": "application/sparql-update"})
    body = urlencode({"update": text})  # encoded once (a million levels: tens of megabytes)
    form = client.post("/update", content=body, headers={**auth, "Content-Type": "application/x-www-form-urlencoded"})
    for reply, size in ((direct, len(text.encode())), (form, len(body))):
        if size > UPDATE_BYTES:
            assert reply.status_code == 413 and "DRAGONBEAR_MAX_UPDATE_BYTES" in reply.text
        else:
            _refused(reply, "DRAGONBEAR_MAX_QUERY_DEPTH")


@pytest.mark.parametrize("n", [10**4, pytest.param(10**5, marks=pytest.mark.slow)])
@pytest.mark.parametrize("kind", ["union", "path-sequence", "and", "not", "triple-patterns"])
def test_a_long_chain_is_refused(client: TestClient, kind: str, n: int) -> None:
    text = chained(kind, n)
    reply = client.post("/sparql", data={"query": text})
    if len(urlencode({"query": text})) > QUERY_BYTES:
        assert reply.status_code == 413 and "DRAGONBEAR_MAX_QUERY_BYTES" in reply.text
        return
    _refused(reply, "DRAGONBEAR_MAX_QUERY_CHAIN")


def test_texts_within_the_limits_are_answered(client: TestClient) -> None:
    for text in (nested("braces", MAX_DEPTH - 1), nested("parentheses", 100), chained("union", 200)):
        text = text.replace("SELECT * WHERE", "ASK", 1)
        reply = client.post("/sparql", data={"query": text}, headers={"Accept": "application/sparql-results+json"})
        assert reply.status_code == 200, reply.text[:300]
    # a string, an IRI or a comment full of brackets is not nesting
    text = 'SELECT * WHERE { ?s ?p "' + "{(" * 5000 + '" } # ' + "[" * 5000
    assert client.post("/sparql", data={"query": text}).status_code == 200
    # a large INSERT-like text of typed and tagged literals is not a chain
    values = " ".join(f'"{i}"^^xsd:integer "x-{i}"@en-GB -{i}.5e-3' for i in range(3000))
    big = f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?v {{ {values} }} }}"
    assert client.post("/sparql", data={"query": big}).status_code == 200


def test_the_limits_are_settings(built: tuple[Path, BuildReport], tmp_path: Path) -> None:
    text = nested("braces", 200)
    try:
        with app_client(copy_store(built[0], tmp_path / "store"), max_query_depth=300) as wider:
            assert wider.post("/sparql", data={"query": text}).status_code == 200
        with app_client(copy_store(built[0], tmp_path / "store2"), max_query_depth=50) as narrower:
            reply = narrower.post("/sparql", data={"query": nested("braces", 60)})
            assert reply.status_code == 400 and "the limit is 50" in reply.text
    finally:
        configure(max_depth=MAX_DEPTH, max_chain=MAX_CHAIN)


def test_the_command_line_refuses_a_deep_query(built: tuple[Path, BuildReport]) -> None:
    result = cli("sparql", nested("braces", 10**4), store_dir=built[0])
    assert result.returncode not in (0, 1) and "DRAGONBEAR_MAX_QUERY_DEPTH" in result.stderr


@pytest.mark.server
@pytest.mark.slow
def test_the_server_keeps_answering_while_deep_queries_arrive(server: Server) -> None:
    """The issue's case: a 20 KB POST nested 10,000 braces deep, ten a second, beside ordinary ASKs."""
    deep = nested("braces", 10**4)
    ask = "ASK { ?s ?p ?o }"

    def send_deep() -> int:
        return httpx.post(
            server.url("/sparql"), content=deep, headers={"Content-Type": "application/sparql-query"}, timeout=30
        ).status_code

    def send_ask() -> int:
        return httpx.get(server.url("/sparql"), params={"query": ask}, timeout=30).status_code

    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        deep_codes = [pool.submit(send_deep) for _ in range(60)]
        ask_codes = [pool.submit(send_ask) for _ in range(60)]
        assert {f.result() for f in deep_codes} == {400}
        assert {f.result() for f in ask_codes} == {200}

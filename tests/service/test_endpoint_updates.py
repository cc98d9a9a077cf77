"""Updates and the Graph Store Protocol over HTTP: the token, transactions, and the store's new generations.

Most run against the app in this process on a small writable store (``writable_client``); what
needs several server processes (every process sees a write; concurrent writes through them) runs
against a real `dragonbear serve` (``writable_server``).
"""

from __future__ import annotations

import httpx
import pyoxigraph as ox
import pytest
from starlette.testclient import TestClient

from ..conftest import TOKEN, Server

AUTH = {"Authorization": f"Bearer {TOKEN}"}
G = "http://example.org/updates-test/"


def ask(client: httpx.Client, query: str) -> bool:
    response = client.post("/sparql", content=query.encode(), headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 200, response.text
    return bool(response.json()["boolean"])


def update(client: httpx.Client, text: str, headers: dict[str, str] | None = None) -> httpx.Response:
    return client.post("/update", data={"update": text}, headers=AUTH if headers is None else headers)


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        pytest.param({}, 401, id="no-token"),
        pytest.param({"Authorization": "Bearer"}, 401, id="empty-bearer"),
        pytest.param({"Authorization": f"Basic {TOKEN}"}, 401, id="other-scheme"),
        pytest.param({"Authorization": "Bearer not-the-token"}, 403, id="wrong-token"),
    ],
)
def test_update_needs_the_bearer_token(writable_client: TestClient, headers: dict[str, str], status: int) -> None:
    response = update(writable_client, f"INSERT DATA {{ GRAPH <{G}auth> {{ <{G}s> <{G}p> 1 }} }}", headers)
    assert response.status_code == status
    if status == 401:
        assert response.headers["www-authenticate"].startswith("Bearer")
    assert not ask(writable_client, f"ASK {{ GRAPH <{G}auth> {{ ?s ?p ?o }} }}")


def test_reads_stay_public_when_updates_are_on(writable_client: TestClient) -> None:
    assert ask(writable_client, "ASK { ?s a dgb:State } ") is False  # a small store: the ontology only
    assert writable_client.get("/sparql").status_code == 200


def test_update_is_one_transaction(writable_client: TestClient) -> None:
    """A request whose second operation fails leaves nothing of the first."""
    response = update(
        writable_client,
        f"INSERT DATA {{ GRAPH <{G}tx> {{ <{G}s> <{G}p> 1 }} }} ; LOAD <http://no.such.host.invalid/data.ttl>",
    )
    assert response.status_code == 400
    assert not ask(writable_client, f"ASK {{ GRAPH <{G}tx> {{ ?s ?p ?o }} }}")
    assert update(writable_client, f"INSERT DATA {{ GRAPH <{G}tx> {{ <{G}s> <{G}p> 1 }} }}").status_code == 204
    assert ask(writable_client, f"ASK {{ GRAPH <{G}tx> {{ <{G}s> <{G}p> 1 }} }}")


def test_update_predeclares_the_project_prefixes(writable_client: TestClient) -> None:
    assert (
        update(writable_client, f"INSERT DATA {{ GRAPH <{G}prefix> {{ system:x a dgb:SystemModel }} }}").status_code
        == 204
    )
    assert ask(writable_client, f"ASK {{ GRAPH <{G}prefix> {{ <https://w3id.org/dragonbear/id/system/x> ?p ?o }} }}")


def test_query_sent_to_update_is_refused(writable_client: TestClient) -> None:
    response = update(writable_client, "ASK {}")
    assert response.status_code == 400 and "/sparql" in response.text


def test_graph_store_put_get_post_delete(writable_client: TestClient) -> None:
    client, url = writable_client, "/store"
    target = {"graph": f"{G}gsp"}
    turtle = {"Content-Type": "text/turtle", **AUTH}
    assert client.put(url, params=target, content=b"<http://e/a> <http://e/b> 1 .", headers=turtle).status_code == 201
    assert client.put(url, params=target, content=b"<http://e/a> <http://e/b> 2 .", headers=turtle).status_code == 204
    assert client.post(url, params=target, content=b"<http://e/a> <http://e/b> 3 .", headers=turtle).status_code == 204
    got = client.get(url, params=target, headers={"Accept": "application/n-triples"})
    assert got.status_code == 200 and got.headers["content-type"].startswith("application/n-triples")
    values = sorted(t.object.value for t in ox.parse(got.content, format=ox.RdfFormat.N_TRIPLES))  # type: ignore[union-attr]
    assert values == ["2", "3"]  # PUT replaced 1, POST added 3
    assert client.delete(url, params=target, headers=AUTH).status_code == 204
    assert client.get(url, params=target).status_code == 404
    assert client.delete(url, params=target, headers=AUTH).status_code == 404


def test_graph_store_reads_n3_as_turtle(writable_client: TestClient) -> None:
    target = {"graph": f"{G}n3"}
    headers = {"Content-Type": "text/n3", **AUTH}
    body = b"@prefix e: <http://e/> . e:a e:b 1 ."
    assert writable_client.put("/store", params=target, content=body, headers=headers).status_code == 201
    got = writable_client.get("/store", params=target, headers={"Accept": "text/plain"})
    assert got.headers["content-type"].startswith("application/n-triples")  # N-Triples, once text/plain
    assert got.text.strip() == '<http://e/a> <http://e/b> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .'


@pytest.mark.parametrize(
    ("method", "headers", "body", "status"),
    [
        pytest.param("PUT", {"Content-Type": "text/turtle"}, b"<a> <b> <c> .", 401, id="put-without-token"),
        pytest.param("DELETE", {"Authorization": "Bearer nope"}, None, 403, id="delete-wrong-token"),
        pytest.param(
            "PUT", {"Content-Type": "text/turtle", **AUTH}, b"<http://e/a> <http://e/b> .", 400, id="malformed-turtle"
        ),
        pytest.param("PUT", {"Content-Type": "application/pdf", **AUTH}, b"%PDF", 415, id="not-rdf"),
        pytest.param(  # N3 is read as Turtle (as Jena does): a formula is not Turtle
            "PUT", {"Content-Type": "text/n3", **AUTH}, b"{<http://e/a> <http://e/b> 1} => {} .", 400, id="n3-formula"
        ),
        pytest.param("POST", AUTH, b"<http://e/a> <http://e/b> <http://e/c> .", 400, id="no-content-type"),
    ],
)
def test_graph_store_refuses_bad_writes(
    writable_client: TestClient, method: str, headers: dict[str, str], body: bytes | None, status: int
) -> None:
    response = writable_client.request(method, "/store", params={"graph": f"{G}refused"}, headers=headers, content=body)
    assert response.status_code == status
    assert writable_client.get("/store", params={"graph": f"{G}refused"}).status_code == 404


@pytest.mark.server
@pytest.mark.slow
def test_writes_make_new_generations_and_queries_see_them(writable_server: Server) -> None:
    store_dir = writable_server.log.parent / "store"
    before = (store_dir / "current").resolve()
    query = {"query": f"ASK {{ GRAPH <{G}gen> {{ ?s ?p ?o }} }}"}
    # Kept-alive connections spread over the server processes; each has asked (and cached) before.
    clients = [httpx.Client(base_url=writable_server.base, timeout=60) for _ in range(8)]
    try:
        for client in clients:
            assert client.get("/sparql", params=query).json()["boolean"] is False
        assert update(clients[0], f"INSERT DATA {{ GRAPH <{G}gen> {{ <{G}s> <{G}p> 1 }} }}").status_code == 204
        assert (store_dir / "current").resolve() != before
        for client in clients:  # every server process answers from the new generation
            assert client.get("/sparql", params=query).json()["boolean"] is True
    finally:
        for client in clients:
            client.close()


@pytest.mark.server
@pytest.mark.slow
def test_concurrent_writes_through_several_server_processes_are_all_kept(writable_server: Server) -> None:
    # Each write checkpoints the current generation; without one lock for all server processes, two
    # writes could start from the same generation and the later swap would drop the other write.
    from concurrent.futures import ThreadPoolExecutor

    def write(i: int) -> int:
        with httpx.Client(timeout=120) as client:  # a connection of its own: any server process
            return client.post(
                writable_server.url("/update"),
                content=f"INSERT DATA {{ GRAPH <{G}concurrent> {{ <{G}s{i}> <{G}p> {i} }} }}".encode(),
                headers={"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"},
            ).status_code

    with ThreadPoolExecutor(6) as pool:
        assert list(pool.map(write, range(6))) == [204] * 6
    count = httpx.get(
        writable_server.url("/sparql"),
        params={"query": f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{G}concurrent> {{ ?s ?p ?o }} }}"},
    )
    assert count.json()["results"]["bindings"][0]["n"]["value"] == "6"


def test_load_in_an_update_is_refused_without_a_connection(writable_client: TestClient) -> None:
    import socket

    with socket.socket() as listener:  # an "internal host" the update names
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.settimeout(0.1)  # the answer is in: a connection it made would be waiting already
        port = listener.getsockname()[1]
        response = writable_client.post(
            "/update",
            content=f"LOAD SILENT <http://127.0.0.1:{port}/data.ttl> INTO GRAPH <http://example.org/g>".encode(),
            headers={"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"},
        )
        assert response.status_code == 400 and "LOAD is refused" in response.text
        with pytest.raises(socket.timeout):
            listener.accept()

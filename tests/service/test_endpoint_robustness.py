"""Nothing a client sends produces a 500 (the app in this process, and once a real server's log); a query
past the time limit is stopped while others are served, and its server process replaced (real servers)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx
import pytest
from starlette.testclient import TestClient

from ..conftest import Server, serve_store

Q = "/sparql"
ODD_REQUESTS = [  # (method, path, headers, body)
    pytest.param("GET", Q + "?query=", {}, None, id="empty-query"),
    pytest.param("GET", Q + "?query=%FF%FE", {}, None, id="query-not-utf8-in-url"),
    pytest.param("GET", Q + "?query=%00", {}, None, id="nul-query"),
    pytest.param("GET", Q + "?query=SELECT%20*%20%7B%7D&format=bogus", {}, None, id="unknown-format"),
    pytest.param("GET", Q + "?query=SELECT%20*%20%7B%7D&format=", {}, None, id="empty-format"),
    pytest.param("GET", Q + "?query=SELECT%20*%20%7B%7D&format=a&format=b", {}, None, id="two-formats"),
    pytest.param("GET", Q + "?query=ASK%7B%7D&default-graph-uri=not%20an%20iri", {}, None, id="bad-graph-iri"),
    pytest.param("GET", Q + "?query=ASK%7B%7D&named-graph-uri=", {}, None, id="empty-graph-iri"),
    pytest.param("GET", Q + "?query=ASK%7B%7D", {"Accept": ";;;,,,q=x"}, None, id="garbage-accept"),
    pytest.param("GET", Q + "?query=ASK%7B%7D", {"Accept": "text/csv;q=abc"}, None, id="bad-q-value"),
    pytest.param("GET", Q + "?query=ASK%7B%7D", {"Accept": "*"}, None, id="bare-star-accept"),
    pytest.param("GET", Q, {"Accept": "image/png"}, None, id="description-nothing-acceptable"),
    pytest.param("GET", Q + "?query=SELECT%20(1%2F0%20AS%20%3Fx)%20%7B%7D", {}, None, id="division-by-zero"),
    pytest.param(
        "GET",
        Q + "?query=SELECT%20*%20%7B%20%3Fs%20%3Fp%20%3Fo%20FILTER(%3Fo%20%3E%20%22x%22%5E%5E"
        "%3Chttp%3A%2F%2Fbad%3E)%20%7D%20LIMIT%201",
        {},
        None,
        id="odd-literal",
    ),
    pytest.param(
        "GET",
        Q + "?query=SELECT%20*%20%7B%20SERVICE%20%3Chttp%3A%2F%2Fno.such.host.invalid%2F%3E%20"
        "%7B%20%3Fs%20%3Fp%20%3Fo%20%7D%20%7D",
        {},
        None,
        id="service-to-nowhere",
    ),
    pytest.param("GET", Q + "?query=LOAD%20%3Chttp%3A%2F%2Fx%3E", {}, None, id="update-as-query"),
    pytest.param("GET", Q + "?query=" + "%7B" * 5000, {}, None, id="deep-nesting"),
    pytest.param("GET", Q + "?query=SELECT%20%3F%F0%9F%98%80%20%7B%7D", {}, None, id="emoji-variable"),
    pytest.param("GET", Q + "?query=BASE%20%3Cnot%20absolute%3E%20ASK%7B%7D", {}, None, id="bad-base"),
    pytest.param("POST", Q, {"Content-Type": "application/x-www-form-urlencoded"}, b"", id="empty-form"),
    pytest.param("POST", Q, {"Content-Type": "application/x-www-form-urlencoded"}, b"query=%FF", id="form-not-utf8"),
    pytest.param("POST", Q, {"Content-Type": "application/x-www-form-urlencoded"}, b"\xff\xfe", id="form-bytes"),
    pytest.param("POST", Q, {"Content-Type": "application/x-www-form-urlencoded"}, b"&&&==&", id="form-garbage"),
    pytest.param(
        "POST",
        Q + "?query=ASK%7B%7D",
        {"Content-Type": "application/x-www-form-urlencoded"},
        b"query=ASK%7B%7D",
        id="query-in-url-and-form",
    ),
    pytest.param(
        "POST",
        Q + "?query=ASK%7B%7D",
        {"Content-Type": "application/sparql-query"},
        b"ASK{}",
        id="query-in-url-and-direct-body",
    ),
    pytest.param("POST", Q, {"Content-Type": "application/sparql-query"}, b"", id="empty-direct-body"),
    pytest.param("POST", Q, {"Content-Type": "application/sparql-query"}, b"\x00\x01\x02", id="binary-body"),
    pytest.param("POST", Q, {"Content-Type": "application/sparql-query; charset=latin-1"}, b"ASK {}", id="latin1"),
    pytest.param("POST", Q, {"Content-Type": "application/sparql-update"}, b"CLEAR ALL", id="update-to-sparql"),
    pytest.param("POST", Q, {"Content-Type": "multipart/form-data; boundary=x"}, b"--x--", id="multipart"),
    pytest.param("POST", Q, {"Content-Type": "application/json"}, b'{"query": "ASK {}"}', id="json-body"),
    pytest.param("POST", Q, {"Content-Type": ";;;"}, b"ASK {}", id="garbage-content-type"),
    pytest.param("DELETE", Q, {}, None, id="delete-method"),
    pytest.param("PATCH", Q, {}, b"ASK {}", id="patch-method"),
    pytest.param("HEAD", Q + "?query=ASK%7B%7D", {}, None, id="head-method"),
    pytest.param("GET", "/sparql/../../etc/passwd", {}, None, id="path-traversal"),
    pytest.param("GET", "/nothing-here", {}, None, id="unknown-path"),
    pytest.param("POST", "/update", {"Content-Type": "application/sparql-update"}, b"CLEAR ALL", id="update-no-token"),
    pytest.param(
        "POST",
        "/update",
        {"Content-Type": "application/sparql-update", "Authorization": "Basic eDp5"},
        b"CLEAR ALL",
        id="update-basic-auth",
    ),
    pytest.param(
        "POST",
        "/update",
        {"Content-Type": "application/sparql-update", "Authorization": "Bearer wrong"},
        b"CLEAR ALL",
        id="update-wrong-token",
    ),
    pytest.param("GET", "/store", {}, None, id="store-without-graph"),
    pytest.param("GET", "/store?graph=http://nope.example/g", {}, None, id="store-unknown-graph"),
    pytest.param("GET", "/store?graph=a&graph=b", {}, None, id="store-two-graphs"),
    pytest.param("PUT", "/store?default", {"Content-Type": "text/turtle"}, b"<a> <b> <c> .", id="store-put-no-token"),
    pytest.param("GET", "/.well-known/void", {"Accept": "application/pdf"}, None, id="void-not-acceptable"),
]


@pytest.mark.parametrize(("method", "path", "headers", "body"), ODD_REQUESTS)
def test_odd_request_gets_a_plain_4xx_never_a_500(
    client: TestClient, method: str, path: str, headers: dict[str, str], body: bytes | None
) -> None:
    response = client.request(method, path, headers=headers, content=body)
    assert response.status_code < 500, response.text
    if response.status_code >= 400 and method != "HEAD":
        assert response.headers["content-type"].startswith("text/plain")
        assert "Traceback" not in response.text and response.text.strip()


@pytest.mark.server
@pytest.mark.slow
def test_server_log_has_no_stack_trace_after_odd_requests(server: Server) -> None:
    for param in ODD_REQUESTS:
        method, path, headers, body = param.values
        httpx.request(method, server.url(path), headers=headers, content=body, timeout=60)  # type: ignore[arg-type]
    assert "Traceback" not in server.log.read_text(errors="replace")


SLOW = (
    "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/dragonbear/graph/sipri> "
    "{ ?a ?p ?b . ?c ?q ?d . ?e ?r ?f } }"
)


def _children(pid: int) -> set[int]:
    out: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        out |= {int(c) for c in (task / "children").read_text().split()}
    return out


@pytest.mark.server
@pytest.mark.slow
@pytest.mark.exclusive  # counts what the server loses, or times it: runs alone (tests/conftest.py)
def test_slow_query_is_stopped_while_another_client_is_served(slow_server: Server) -> None:
    workers_before = _children(slow_server.process.pid)
    outcome: dict[str, httpx.Response] = {}
    slow = threading.Thread(
        target=lambda: outcome.setdefault(
            "slow", httpx.get(slow_server.url("/sparql"), params={"query": SLOW}, timeout=120)
        )
    )
    slow.start()
    served_meanwhile = 0
    while slow.is_alive():
        small = httpx.get(slow_server.url("/sparql"), params={"query": "ASK { state:china a dgb:State }"}, timeout=120)
        assert small.status_code == 200 and small.json()["boolean"] is True
        served_meanwhile += 1 if slow.is_alive() else 0
    slow.join()
    assert served_meanwhile >= 1
    response = outcome["slow"]
    assert response.status_code == 503
    assert "time limit of 2 s" in response.text and "stopped" in response.text
    assert response.headers["content-type"].startswith("text/plain")
    # The server process that ran it retires: it exits once its other requests are answered, which
    # stops the query and frees its CPU, and the supervisor starts a replacement.
    deadline = time.monotonic() + 20
    gone: set[int] = set()
    while time.monotonic() < deadline:
        gone = {pid for pid in workers_before - _children(slow_server.process.pid) if not _is_running(pid)}
        if gone and len(_children(slow_server.process.pid)) >= len(workers_before):
            break
        time.sleep(0.1)
    assert len(gone) == 1, "the process that ran the late query did not exit"
    assert len(_children(slow_server.process.pid)) >= len(workers_before), "no replacement was started"
    assert "retires" in slow_server.log.read_text(errors="replace")
    after = httpx.get(slow_server.url("/sparql"), params={"query": "ASK {}"}, timeout=120)
    assert after.status_code == 200


@pytest.mark.server
@pytest.mark.slow
@pytest.mark.exclusive  # counts what the server loses, or times it: runs alone (tests/conftest.py)
def test_a_single_server_process_is_replaced_before_it_leaves(served_copy: Path) -> None:
    # With --workers 1 the late query's process keeps serving until its replacement does: no gap.
    with serve_store(served_copy, "--timeout", "2", "--workers", "1") as single:
        before = _children(single.process.pid)
        slow = httpx.get(single.url("/sparql"), params={"query": SLOW + " # single"}, timeout=120)
        assert slow.status_code == 503 and "time limit of 2 s" in slow.text
        deadline = time.monotonic() + 30
        failures = 0
        while time.monotonic() < deadline:
            try:
                ok = httpx.get(single.url("/sparql"), params={"query": "ASK {}"}, timeout=30).status_code == 200
            except httpx.TransportError:
                ok = False
            failures += 0 if ok else 1
            now = _children(single.process.pid)
            if not any(_is_running(pid) for pid in before - now) and (before - now) and len(now) >= len(before):
                break
            time.sleep(0.05)
        assert before - _children(single.process.pid), "the process that ran the late query did not exit"
        assert failures == 0, "a request failed while the process was replaced"
        log = single.log.read_text(errors="replace")
        retired = log.index(" retires: ")
        old = log[:retired].rsplit("server process ", 1)[1]
        # The replacement served before the old process was told to leave.
        assert log.index("Application startup complete", retired) < log.index(f"Terminated child process [{old}]")


def _is_running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def test_updates_do_not_exist_without_a_token(capped_client: TestClient) -> None:
    response = capped_client.post(
        "/update",
        content=b"CLEAR ALL",
        headers={"Content-Type": "application/sparql-update", "Authorization": "Bearer x"},
    )
    assert response.status_code == 404
    assert capped_client.get("/store", params={"default": ""}).status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("SELECT * WHERE { SERVICE <http://127.0.0.1:%d/sparql> { ?s ?p ?o } }", id="iri"),
        pytest.param("SELECT * WHERE { SERVICE SILENT <http://127.0.0.1:%d/sparql> { ?s ?p ?o } }", id="silent"),
        pytest.param(
            "SELECT * WHERE { BIND(<http://127.0.0.1:%d/sparql> AS ?e) SERVICE ?e { ?s ?p ?o } }", id="variable"
        ),
        pytest.param(
            "PREFIX in: <http://127.0.0.1:%d/> SELECT * WHERE { SERVICE in:sparql { ?s ?p ?o } }", id="prefixed"
        ),
        pytest.param("SELECT * WHERE { SERVICE <http://127.0.0.1:%d/\\u0073parql> { ?s ?p ?o } }", id="escaped-iri"),
    ],
)
def test_service_calls_off_the_allowlist_are_refused_without_a_connection(client: TestClient, query: str) -> None:
    import socket

    with socket.socket() as listener:  # an "internal host" the query tries to reach
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.settimeout(0.1)  # the answer is in: a connection it made would be waiting already
        port = listener.getsockname()[1]
        response = client.get("/sparql", params={"query": query % port})
        assert response.status_code == 400
        assert "is refused" in response.text and "DRAGONBEAR_FEDERATION_ALLOWLIST" in response.text
        with pytest.raises(socket.timeout):
            listener.accept()

"""Limits on what a request may carry (service/runtime/request_limits.py): a URL past its limit is a 414,
a body past its resource's limit a 413 with a message naming the setting, answered from the
Content-Length before the body is read, and for a chunked body as soon as the bytes pass the limit.
In-process with small limits; on the real server with the defaults, over a raw socket that sends only
the start of a 50 MB body."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from starlette.testclient import TestClient

from dragonbear.pipeline.build import BuildReport
from dragonbear.settings import Settings

from ..conftest import TOKEN, Server, app_client, copy_store

SMALL = 4096
ASK = "ASK { ?s ?p ?o }"


@pytest.fixture(scope="module")
def client(built: tuple[Path, BuildReport], tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    store = copy_store(built[0], tmp_path_factory.mktemp("limits") / "store")
    limits = {f"max_{k}_bytes": SMALL for k in ("url", "query", "update", "upload")}
    with app_client(store, update_token=TOKEN, **limits) as test_client:
        yield test_client


def _padded(n: int) -> str:
    return ASK + " #" + "x" * n  # a comment: the query stays the same


def test_a_url_past_its_limit_is_a_414(client: TestClient) -> None:
    reply = client.get("/sparql", params={"query": _padded(SMALL)})
    assert reply.status_code == 414 and "DRAGONBEAR_MAX_URL_BYTES" in reply.text and "POST" in reply.text
    assert client.get("/sparql", params={"query": _padded(100)}).status_code == 200
    assert client.get("/id/system/j-11", params={"x": "y" * SMALL}).status_code == 414  # every path


def test_a_query_body_past_its_limit_is_a_413(client: TestClient) -> None:
    direct = client.post("/sparql", content=_padded(SMALL), headers={"Content-Type": "application/sparql-query"})
    assert direct.status_code == 413 and "DRAGONBEAR_MAX_QUERY_BYTES" in direct.text and "4 KiB" in direct.text
    form = client.post("/sparql", data={"query": _padded(SMALL)})
    assert form.status_code == 413
    ok = client.post("/sparql", content=_padded(100), headers={"Content-Type": "application/sparql-query"})
    assert ok.status_code == 200


def test_an_update_and_an_upload_past_their_limits_are_a_413(client: TestClient) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    update = 'INSERT DATA { <http://e/s> <http://e/p> "' + "x" * SMALL + '" }'
    reply = client.post("/update", content=update, headers={**auth, "Content-Type": "application/sparql-update"})
    assert reply.status_code == 413 and "DRAGONBEAR_MAX_UPDATE_BYTES" in reply.text
    turtle = '<http://e/s> <http://e/p> "' + "x" * SMALL + '" .'
    put = client.put("/store?graph=http://e/g", content=turtle, headers={**auth, "Content-Type": "text/turtle"})
    assert put.status_code == 413 and "DRAGONBEAR_MAX_UPLOAD_BYTES" in put.text


def test_a_chunked_body_is_refused_once_it_passes_the_limit(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield ASK.encode()
        for _ in range(64):
            yield b" #" + b"x" * 1024 + b"\n"

    reply = client.post("/sparql", content=chunks(), headers={"Content-Type": "application/sparql-query"})
    assert reply.status_code == 413 and "over 4,096 bytes" in reply.text


def test_the_defaults_are_ones_a_user_never_meets() -> None:
    settings = Settings(store_dir=Path("/tmp/unused"))
    assert settings.max_url_bytes == 64 << 10 and settings.max_query_bytes == 4 << 20
    assert settings.max_update_bytes == 64 << 20 and settings.max_upload_bytes == 256 << 20


@pytest.mark.server
@pytest.mark.exclusive
@pytest.mark.slow
def test_the_server_answers_413_before_a_50_mb_body_arrives(server: Server) -> None:
    """The issue's case: a 50 MB query body was read whole and parsed before it was refused (400 after
    5 s). Only the headers and 64 KiB are sent here: the answer must come without the rest."""
    parts = urlsplit(server.url("/sparql"))
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        started = time.monotonic()
        sock.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: 52428800\r\n\r\n" + b"#" * 65536
        )
        answer = sock.recv(4096).decode("latin-1")
        assert answer.startswith("HTTP/1.1 413"), answer[:200]
        assert "DRAGONBEAR_MAX_QUERY_BYTES" in answer or "Content-Length" in answer
        assert time.monotonic() - started < 5

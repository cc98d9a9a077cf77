"""``HEAD`` is answered wherever ``GET`` is, as link checkers and ``curl -I`` ask: the status and headers
of the ``GET``, no body (in this process, and from a real server on granian)."""

from __future__ import annotations

import httpx
import pytest
from starlette.testclient import TestClient

from ..conftest import Server

PAGES = [
    "/",
    "/queries",
    "/queries/transfers?supplier=russia&recipient=china",
    "/search?q=j-11",
    "/id/",
    "/id/system/",
    "/id/system/j-11",
    "/id/system/j-11.ttl",
    "/explore/j-11",
    "/ontology",
    "/charts",
    "/timeline",
    "/map",
    "/download",
    "/v/",
    "/api/queries",
    "/api/queries/transfers?supplier=russia&recipient=china",
    "/openapi.json",
    "/static/search.js",
    "/sparql?query=ASK%20%7B%7D",
    "/no/such/page",
    "/id/system/no-such-system",
]
VARYING = {"date", "dragonbear-cache"}  # the time, and whether the answer came from the cache


@pytest.mark.parametrize("path", PAGES)
def test_head_gets_the_status_and_headers_of_get_and_no_body(client: TestClient, path: str) -> None:
    got = client.get(path)
    head = client.head(path)
    assert head.status_code == got.status_code, head.text
    assert head.content == b""
    differ = {name for name in {*got.headers, *head.headers} if got.headers.get(name) != head.headers.get(name)}
    assert differ <= VARYING, differ
    assert int(head.headers["content-length"]) == len(got.content)


def test_head_of_a_write_route_is_refused_as_its_get_is(client: TestClient) -> None:
    assert client.head("/update").status_code == client.get("/update").status_code == 405


@pytest.mark.server
@pytest.mark.slow
@pytest.mark.parametrize("path", ["/", "/id/system/j-11", "/static/search.js", "/api/queries"])
def test_a_real_server_answers_head_with_the_headers_only(server: Server, path: str) -> None:
    got = httpx.get(server.url(path), timeout=60)
    head = httpx.head(server.url(path), timeout=60)
    assert (head.status_code, got.status_code) == (200, 200)
    assert head.content == b"" and int(head.headers["content-length"]) == len(got.content)
    assert head.headers["content-type"] == got.headers["content-type"]

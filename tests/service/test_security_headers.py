"""The headers every answer carries for the browser (issue 16): ``X-Content-Type-Options: nosniff`` and a
``Referrer-Policy`` on every response, and on every document (HTML, SVG) a Content-Security-Policy that
allows scripts from this origin only and framing by this origin only, except the embeds, which any site
may frame. In-process here; on a real server (where the fast path of ``GET /sparql`` stands in front of
the app) at the end."""

from __future__ import annotations

import httpx
import pytest
from starlette.testclient import TestClient

from dragonbear.service.runtime.security_headers import EMBED_POLICY, PAGE_POLICY, REFERRER_POLICY

from ..conftest import Server

ASK = "ASK { ?s ?p ?o }"

DOCUMENTS = [
    pytest.param("/", id="query-page"),
    pytest.param("/id/system/j-11", id="entity"),
    pytest.param("/id/system/", id="browse"),
    pytest.param("/search?q=j-11", id="search"),
    pytest.param("/explore/j-11", id="explorer"),
    pytest.param("/charts", id="charts"),
    pytest.param("/charts/deliveries-to-china.svg", id="chart-svg"),
    pytest.param("/id/system/j-11/lineage.svg", id="lineage-svg"),
    pytest.param("/timeline", id="timeline"),
    pytest.param("/map", id="map"),
    pytest.param("/queries/transfers", id="query-form"),
    pytest.param("/no/such/page", id="not-found-page"),
]

OTHERS = [
    pytest.param("GET", "/sparql?query=" + ASK, id="sparql-get"),
    pytest.param("GET", "/sparql?format=csv&query=" + ASK, id="sparql-get-format"),
    pytest.param("GET", "/sparql?query=SELEC", id="sparql-error"),
    pytest.param("POST", "/sparql", id="sparql-post"),
    pytest.param("GET", "/api/queries/transfers.csv?supplier=russia&recipient=china", id="api-csv"),
    pytest.param("GET", "/api/search?q=j-11", id="api-json"),
    pytest.param("GET", "/static/search.js", id="static-script"),
    pytest.param("GET", "/timeline.csv", id="timeline-csv"),
    pytest.param("POST", "/sparql#too-large", id="body-too-large"),
]


def _each_once(response: httpx.Response) -> None:
    names = [k.lower() for k, _ in response.headers.multi_items()]
    for name in ("x-content-type-options", "referrer-policy", "content-security-policy"):
        assert names.count(name) <= 1, (name, response.headers)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == REFERRER_POLICY


@pytest.mark.parametrize("path", DOCUMENTS)
def test_every_document_forbids_inline_script_and_framing_elsewhere(client: TestClient, path: str) -> None:
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.status_code in (200, 404), response.text
    _each_once(response)
    policy = response.headers["content-security-policy"]
    assert policy == PAGE_POLICY
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"] == "'self'" and "unsafe-inline" not in directives["script-src"]
    assert directives["object-src"] == "'none'" and directives["base-uri"] == "'self'"
    assert directives["form-action"] == "'self'" and directives["frame-ancestors"] == "'self'"


@pytest.mark.parametrize(
    "path", ["/embed/lineage/j-11", "/embed/chart/deliveries-to-china", "/embed/chart/deliveries-to-china.svg"]
)
def test_an_embed_may_be_framed_anywhere_with_the_rest_of_the_policy(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    _each_once(response)
    assert response.headers["content-security-policy"] == EMBED_POLICY
    assert EMBED_POLICY.replace("frame-ancestors *", "") == PAGE_POLICY.replace("frame-ancestors 'self'", "")


@pytest.mark.parametrize(("method", "path"), OTHERS)
def test_every_other_answer_is_never_sniffed(client: TestClient, method: str, path: str) -> None:
    if method == "POST":
        body = ASK + " #" + "x" * (4 << 20) if path.endswith("#too-large") else ASK
        response = client.post(path, content=body, headers={"Content-Type": "application/sparql-query"})
    else:
        response = client.get(path)
    assert response.status_code in (200, 400, 413), response.text
    _each_once(response)
    media = response.headers.get("content-type", "")
    assert ("content-security-policy" in response.headers) == media.startswith("text/html")


def test_a_repeated_query_answered_from_the_cache_has_the_headers_too(client: TestClient) -> None:
    path = "/sparql?query=" + "ASK { ?s a ?kind }"
    first, again = client.get(path), client.get(path)
    assert "hit" in again.headers["dragonbear-cache"], again.headers
    for response in (first, again):
        _each_once(response)


@pytest.mark.server
@pytest.mark.slow
def test_every_answer_of_a_server_process_carries_the_headers(server: Server) -> None:
    """In a server process the fast path of ``GET /sparql`` answers in front of the app: its raw answers,
    its answers from the cache, the endpoint's answers it calls and its errors all carry the headers."""
    ask = server.url("/sparql?query=ASK%20%7B%20%3Fs%20a%20%3Fclass%20%7D")
    answers = {
        "raw": httpx.get(ask, timeout=60),
        "cached": httpx.get(ask, timeout=60),
        "endpoint": httpx.get(ask + "&format=csv", timeout=60),
        "error": httpx.get(server.url("/sparql?query=SELEC"), timeout=60),
        "page": httpx.get(server.url("/id/system/j-11"), timeout=60),
        "embed": httpx.get(server.url("/embed/lineage/j-11"), timeout=60),
    }
    assert "hit" in answers["cached"].headers["dragonbear-cache"]
    for what, answer in answers.items():
        assert answer.headers.get("x-content-type-options") == "nosniff", what
        assert answer.headers.get("referrer-policy") == REFERRER_POLICY, what
    assert answers["page"].headers["content-security-policy"] == PAGE_POLICY
    assert answers["embed"].headers["content-security-policy"] == EMBED_POLICY

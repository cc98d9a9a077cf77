"""Fuzzing the SPARQL protocol routes in this process (issue 16; tests/fuzzing.py has the strategies):
``/sparql`` by GET, direct POST and form with queries random and mutated from the canned and valid
ones, odd parameters, headers and bodies that are not UTF-8; ``/update`` without a token, with a
wrong one and with the right one; ``/store`` reads and writes with mutated Turtle, N-Triples, N-Quads,
TriG, RDF/XML and JSON-LD bodies, random media types and graph parameters.

Every answer is below 500 (or the designed 503 of the time limit), comes within a little more than the
time limit, and the app answers a new ASK after each example. The generated examples are ``slow``
and ``fuzz``; the failures they found are the ``REGRESSIONS`` below, which the inner loop runs.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st
from starlette.testclient import TestClient

from ..conftest import TOKEN
from ..fuzz_requests import ACCEPTS, GRAPH_PARAMS, Sent, query_requests, store_writes, update_requests
from ..fuzzing import (
    assert_answers,
    assert_no_server_error,
    budget,
    fuzz_app,
    media_types,
    mutated_bytes,
    send,
    sparql_queries,
    tiny_store,
)


@pytest.fixture(scope="module")
def reader(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The app on a tiny store, updates on (so that /update and /store exist) but sent writes only
    with a missing or wrong token, which must change nothing."""
    with fuzz_app(tiny_store(tmp_path_factory.mktemp("fuzz-read")), TOKEN) as client:
        yield client


@pytest.fixture(scope="module")
def writer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The app on a tiny store of its own, written to with the token."""
    with fuzz_app(tiny_store(tmp_path_factory.mktemp("fuzz-write")), TOKEN) as client:
        yield client


@pytest.mark.slow
@pytest.mark.fuzz
@given(sent=query_requests())
@budget(600)
def test_fuzzed_queries_get_no_server_error(reader: TestClient, sent: Sent) -> None:
    assert_no_server_error(send(reader, sent), sent)
    assert_answers(reader)


@pytest.mark.slow
@pytest.mark.fuzz
@given(body=mutated_bytes(sparql_queries()), media=media_types(), method=st.sampled_from(["POST", "PUT", "PATCH"]))
@budget(300)
def test_fuzzed_bodies_and_media_types_to_sparql(reader: TestClient, body: bytes, media: str, method: str) -> None:
    reply = send(reader, (method, "/sparql", {"content": body, "headers": {"Content-Type": media}}))
    assert_no_server_error(reply, (method, media, body))
    assert_answers(reader)


@pytest.mark.slow
@pytest.mark.fuzz
@given(sent=update_requests(token=False))
@budget(300)
def test_fuzzed_updates_without_the_token_are_refused(reader: TestClient, sent: Sent) -> None:
    reply = send(reader, sent)
    assert reply.status_code in (401, 403), (reply.status_code, reply.text[:300], sent)
    assert_answers(reader)


@pytest.mark.slow
@pytest.mark.fuzz
@given(sent=update_requests(token=True))
@budget(80)
def test_fuzzed_updates_with_the_token_get_no_server_error(writer: TestClient, sent: Sent) -> None:
    assert_no_server_error(send(writer, sent, write=True), sent)
    assert_answers(writer)


@pytest.mark.slow
@pytest.mark.fuzz
@given(sent=store_writes(token=False))
@budget(200)
def test_fuzzed_store_writes_without_the_token_are_refused(reader: TestClient, sent: Sent) -> None:
    reply = send(reader, sent)
    assert reply.status_code in (401, 403), (reply.status_code, reply.text[:300], sent)
    assert_answers(reader)


@pytest.mark.slow
@pytest.mark.fuzz
@given(sent=store_writes(token=True))
@budget(80)
def test_fuzzed_store_writes_with_the_token_get_no_server_error(writer: TestClient, sent: Sent) -> None:
    assert_no_server_error(send(writer, sent, write=True), sent)
    assert_answers(writer)


@pytest.mark.slow
@pytest.mark.fuzz
@given(params=GRAPH_PARAMS, accept=ACCEPTS)
@budget(150)
def test_fuzzed_store_reads_get_no_server_error(reader: TestClient, params: list[tuple[str, str]], accept: str) -> None:
    reply = send(reader, ("GET", "/store", {"params": params, "headers": {"Accept": accept}}))
    assert_no_server_error(reply, (params, accept))
    assert_answers(reader)


# --- What the fuzzing found: each case as it was found (or shrunk), with the answer it gets now ---------

REGRESSIONS = [
    # An escape past U+10FFFF in an IRI: the SERVICE check's decoding raised ValueError (a 500) before the
    # parser could refuse the query.
    pytest.param(
        (
            "GET",
            "/sparql",
            {
                "params": {
                    "query": "PREFIX dgb: <https://w3id.org/dragonbear/ontology#\\U00110000> "
                    "PREFIX id: <h\x89ttps://w3id.org/dragonbear/id/> DESCRIBE id:system/j-11"
                }
            },
        ),
        400,
        "syntax error",
        id="escape-past-unicode-in-a-prefix",
    ),
    pytest.param(
        (
            "POST",
            "/update",
            {"data": {"update": "INSERT { <urn:s> <urn:p> 1 } WHERE { SERVICE <http://a/\\U00110000> {} }"}},
        ),
        400,
        "SERVICE <http://a/\\U00110000> is refused",
        id="escape-past-unicode-in-a-service-of-an-update",
    ),
    # An escaped surrogate in a SERVICE IRI: decoded into the refusal's message, which then could not be
    # encoded as UTF-8 (the error handler itself failed).
    pytest.param(
        ("GET", "/sparql", {"params": {"query": "SELECT * { SERVICE <http://a/\\uD800> {} }"}}),
        400,
        "SERVICE <http://a/\\uD800> is refused",
        id="escaped-surrogate-in-a-service",
    ),
    pytest.param(
        ("POST", "/sparql", {"data": {"query": "PREFIX w: <http://a/\\uDFFF> SELECT * { SERVICE w:x {} }"}}),
        400,
        "is refused",
        id="escaped-surrogate-in-a-prefix-of-a-service",
    ),
]


@pytest.mark.parametrize(("sent", "status", "message"), REGRESSIONS)
def test_fuzzing_regressions(writer: TestClient, sent: Sent, status: int, message: str) -> None:
    method, path, kwargs = sent
    kwargs = {**kwargs, "headers": {"Authorization": f"Bearer {TOKEN}"}}
    reply = send(writer, (method, path, kwargs))
    assert reply.status_code == status, (reply.status_code, reply.text[:500])
    assert message in reply.text, reply.text[:500]
    assert_answers(writer)

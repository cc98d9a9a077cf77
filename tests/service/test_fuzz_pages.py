"""Fuzzing the pages and the canned queries in this process (issue 16; tests/fuzzing.py has the helpers):
random paths under every route of the app (``/id/``, ``/search``, ``/explore``, ``/charts``,
``/timeline``, ``/map``, ``/queries``, ``/embed``, ``/q``, ``/v``, ``/download``, ``/static``, ``/api``)
with real and mangled segments, parameters and Accept headers; and every canned query with random
values for its parameters, through the JSON API (and its files), the query forms and the embeds.

Every answer is below 500 (or the designed 503), comes within a little more than the time limit,
and the app answers a new ASK after each example. The generated examples are ``slow`` and ``fuzz``;
the failures they found are the ``REGRESSIONS`` below, which the inner loop runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from starlette.testclient import TestClient

from dragonbear.pipeline.build import BuildReport

from ..conftest import TOKEN, copy_store
from ..fuzz_requests import Sent, canned_requests, page_requests, short_link_posts
from ..fuzzing import assert_answers, assert_no_server_error, budget, fuzz_app, send


@pytest.fixture(scope="module")
def pages(built: tuple[Path, BuildReport], tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The app on a copy of the session's small store (its entities, charts, releases and dumps)."""
    with fuzz_app(copy_store(built[0], tmp_path_factory.mktemp("fuzz-pages") / "store"), TOKEN) as client:
        yield client


@pytest.mark.slow
@pytest.mark.fuzz
@given(sent=page_requests())
@budget(500)
def test_fuzzed_pages_get_no_server_error(pages: TestClient, sent: Sent) -> None:
    assert_no_server_error(send(pages, sent), sent)
    assert_answers(pages)


@pytest.mark.slow
@pytest.mark.fuzz
@given(sent=canned_requests())
@budget(500)
def test_fuzzed_canned_query_parameters_get_no_server_error(pages: TestClient, sent: Sent) -> None:
    assert_no_server_error(send(pages, sent), sent)
    assert_answers(pages)


@pytest.mark.slow
@pytest.mark.fuzz
@given(sent=short_link_posts())
@budget(100)
def test_fuzzed_short_links_get_no_server_error(pages: TestClient, sent: Sent) -> None:
    assert_no_server_error(send(pages, sent), sent)
    assert_answers(pages)


# --- What the fuzzing found: each case as it was found, with the answer it gets now -----------------------

REGRESSIONS = [
    # A static file name longer than the file system takes: OSError (ENAMETOOLONG) from the file lookup, a 500.
    pytest.param("/static/" + "x" * 300, id="static-name-too-long"),
    pytest.param("/static/" + "y" * 250 + "/" + "z" * 250 + "/" + "w" * 4000, id="static-path-too-long"),
    # A NUL in a static file's name: ValueError (embedded null byte) from the file lookup, a 500.
    pytest.param("/static/a%00b.js", id="static-name-with-nul"),
]


@pytest.mark.parametrize("path", REGRESSIONS)
def test_fuzzing_regressions(pages: TestClient, path: str) -> None:
    reply = send(pages, ("GET", path, {}))
    assert reply.status_code == 404 and "no static file" in reply.text, (reply.status_code, reply.text[:300])

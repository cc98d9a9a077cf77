"""Fuzzing a real `dragonbear serve` over HTTP (issue 16; ``docs/decisions/0030-fuzzing.md``): a few
hundred requests of every kind the in-process fuzz tests send (queries, updates and Graph Store
writes with the token, pages, canned-query parameters) go to a server of two processes on a copy of
the small store, with a client timeout a little over its time limit. After them the same server
processes are alive, save those that retired by design (a query past the time limit retires its
process, which the supervisor replaces and logs), no process died, and the server answers an ASK.

What only a real server shows: a request that kills a process (a stack overflow, an abort) drops the
connection here instead of failing the test in this process, and the supervisor's log tells a
replacement after a death from one after a retirement.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dragonbear.pipeline.build import BuildReport

from ..conftest import TOKEN, Server, copy_store, serve_store
from ..fuzz_requests import Sent, canned_requests, page_requests, query_requests, store_writes, update_requests
from ..fuzzing import FUZZ_TIMEOUT, HANG_SECONDS, assert_answers, assert_no_server_error, budget, send

pytestmark = pytest.mark.exclusive  # counts what the server loses, or times it: runs alone (tests/conftest.py)

WORKERS = 2


@pytest.fixture(scope="module")
def fuzzed_server(built: tuple[Path, BuildReport], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`dragonbear serve` on a copy of the small store: two processes, the fuzz time limit, updates on,
    no federation."""
    store = copy_store(built[0], tmp_path_factory.mktemp("fuzz-server") / "store")
    with serve_store(
        store,
        "--workers",
        str(WORKERS),
        "--timeout",
        str(FUZZ_TIMEOUT),
        token=TOKEN,
        env_vars={"DRAGONBEAR_FEDERATION_ALLOWLIST": ""},
    ) as running:
        yield running


def server_processes(supervisor: int) -> set[int]:
    """The process ids of the supervisor's children (its server processes), from ``/proc``."""
    children = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:  # gone meanwhile
            continue
        if int(fields[1]) == supervisor:
            children.add(int(stat.parent.name))
    return children


def retired(log: str) -> set[int]:
    """The server processes the log says retired after a query ran past the time limit."""
    return {int(pid) for pid in re.findall(r"server process (\d+) retires", log)}


# Only the right token on a real server: wrong ones from one address are slowed down by design (up to
# 30 s a request, service/runtime/auth.py); the in-process tests send those without the backoff.
REQUESTS = st.one_of(
    query_requests(),
    update_requests(token=True),
    store_writes(token=True),
    page_requests(),
    canned_requests(),
)


@pytest.mark.server
@pytest.mark.slow
@pytest.mark.fuzz
def test_fuzzed_requests_leave_the_server_processes_alive(fuzzed_server: Server) -> None:
    supervisor = fuzzed_server.process.pid
    before = server_processes(supervisor)
    assert len(before) == WORKERS, before
    with httpx.Client(base_url=fuzzed_server.base, timeout=HANG_SECONDS) as client:

        @given(sent=REQUESTS)
        @budget(300)
        def fuzz(sent: Sent) -> None:
            assert_no_server_error(send(client, sent, write=sent[1] in ("/update", "/store")), sent)

        fuzz()
        assert_answers(client)
    log = fuzzed_server.log.read_text(errors="replace")
    assert "Unexpected exit" not in log, log[-3000:]  # granian's word for a process that died
    after = server_processes(supervisor)
    assert len(after) == WORKERS, (before, after, log[-3000:])
    assert before - after <= retired(log), (before, after, log[-3000:])
    assert fuzzed_server.process.poll() is None

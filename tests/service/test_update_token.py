"""The update token (issue 16): never written to a log; wrong tokens slow their client address down (a wait
that doubles with each, one waiting request per address, the rest refused with 429) and are logged with
the address. In-process with the app's log captured, on the guard itself for concurrency and its bounded
table, and on a real server whose log file is read. No assertion on how fast anything is: the waits
applied are read from the guard's record of them."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from starlette.requests import Request
from starlette.testclient import TestClient

from dragonbear.errors import ForbiddenError, TooManyRequestsError, UnauthorizedError
from dragonbear.pipeline.build import BuildReport
from dragonbear.service.runtime.auth import TokenGuard

from ..conftest import TOKEN, Server, app_client, copy_store, run_coroutine

WRONG = ["wrong-token-a81f", "wrong-token-b92e", "wrong-token-c03d"]
INSERT = "INSERT DATA { <urn:x:s> <urn:x:p> 1 }"


def _update(client: TestClient, token: str) -> httpx.Response:
    return client.post(
        "/update",
        content=INSERT,
        headers={"Content-Type": "application/sparql-update", "Authorization": f"Bearer {token}"},
    )


@pytest.fixture(scope="module")
def client(built: tuple[Path, BuildReport], tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    store = copy_store(built[0], tmp_path_factory.mktemp("token") / "store")
    with app_client(store, update_token=TOKEN) as test_client:
        yield test_client


@pytest.mark.slow  # waits 0.5 + 1 + 2 s, as a client that sent wrong tokens does
def test_wrong_tokens_are_slowed_down_and_logged_by_address_never_by_token(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    guard: TokenGuard = client.app.state.token_guard  # type: ignore[attr-defined]
    with caplog.at_level(logging.DEBUG):
        answers = [_update(client, token) for token in WRONG]
        assert [a.status_code for a in answers] == [403, 403, 403]
        assert guard.failures("testclient") == 3
        assert _update(client, TOKEN).status_code == 204
    # each token after the first wrong one waited, twice as long as the one before; the right one too
    assert list(guard.delays)[-3:] == [("testclient", 0.5), ("testclient", 1.0), ("testclient", 2.0)]
    assert guard.failures("testclient") == 0  # the right token cleared the address
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert [w.split(";")[0] for w in warnings if "update token" in w] == [
        f"wrong update token from testclient ({n} in a row)" for n in (1, 2, 3)
    ]
    logged = "\n".join(f"{r.getMessage()} {r.args} {r.exc_text or ''}" for r in caplog.records) + caplog.text
    for secret in (TOKEN, *WRONG):
        assert secret not in logged
        assert all(secret not in a.text for a in answers)


def test_a_request_without_a_token_is_not_counted(client: TestClient) -> None:
    guard: TokenGuard = client.app.state.token_guard  # type: ignore[attr-defined]
    before = guard.failures("testclient")
    answer = client.post("/update", content=INSERT, headers={"Content-Type": "application/sparql-update"})
    assert answer.status_code == 401 and guard.failures("testclient") == before


def _request(address: str, token: str) -> Request:
    scope = {
        "type": "http",
        "method": "POST",
        "path": "/update",
        "headers": [(b"authorization", f"Bearer {token}".encode())],
        "client": (address, 40000),
    }
    return Request(scope)


def test_while_one_request_of_an_address_waits_another_is_refused_with_429() -> None:
    guard = TokenGuard()

    async def race() -> list[BaseException | None]:
        with pytest.raises(ForbiddenError):
            await guard.check(_request("192.0.2.7", WRONG[0]), TOKEN)
        outcomes = await asyncio.gather(
            guard.check(_request("192.0.2.7", WRONG[1]), TOKEN),
            guard.check(_request("192.0.2.7", WRONG[2]), TOKEN),
            guard.check(_request("192.0.2.8", WRONG[2]), TOKEN),  # another address does not wait
            return_exceptions=True,
        )
        return list(outcomes)

    first, second, other = run_coroutine(race())
    assert sorted(type(e).__name__ for e in (first, second)) == ["ForbiddenError", "TooManyRequestsError"]
    refused = next(e for e in (first, second) if isinstance(e, TooManyRequestsError))
    assert refused.retry_after == 1  # the wait of one wrong token, 0.5 s, rounded up
    assert isinstance(other, ForbiddenError)
    assert list(guard.delays) == [("192.0.2.7", 0.5)]
    assert guard.failures("192.0.2.7") == 2 and guard.failures("192.0.2.8") == 1


def test_the_table_of_addresses_is_bounded_and_forgets_quiet_ones() -> None:
    now = [0.0]
    guard = TokenGuard(max_addresses=3, forget_after=60.0, clock=lambda: now[0], sleep=lambda _s: asyncio.sleep(0))

    async def fail(address: str) -> None:
        with pytest.raises(ForbiddenError):
            await guard.check(_request(address, WRONG[0]), TOKEN)

    for n in range(5):
        run_coroutine(fail(f"198.51.100.{n}"))
    assert len(guard) == 3
    assert [guard.failures(f"198.51.100.{n}") for n in range(5)] == [0, 0, 1, 1, 1]  # the oldest dropped
    now[0] = 61.0
    assert guard.failures("198.51.100.4") == 0  # quiet for longer than forget_after
    with pytest.raises(UnauthorizedError):
        run_coroutine(guard.check(Request({"type": "http", "headers": [], "client": ("198.51.100.9", 1)}), TOKEN))


def test_the_waits_double_up_to_a_ceiling() -> None:
    guard = TokenGuard()
    assert [guard.delay_after(n) for n in range(1, 9)] == [0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0]
    assert guard.delay_after(10_000) == 30.0


def test_a_guard_without_waits_still_counts_and_never_refuses() -> None:
    """``base_delay=0``, for a test that sends many wrong tokens from one client on purpose (fuzzing)."""
    guard = TokenGuard(base_delay=0.0)

    async def wrong_ones() -> list[BaseException | None]:
        return list(
            await asyncio.gather(
                *(guard.check(_request("203.0.113.5", WRONG[0]), TOKEN) for _ in range(5)), return_exceptions=True
            )
        )

    assert all(isinstance(e, ForbiddenError) for e in run_coroutine(wrong_ones()))
    assert guard.failures("203.0.113.5") == 5 and list(guard.delays) == []


@pytest.mark.server
@pytest.mark.slow
def test_a_real_servers_log_names_the_address_of_wrong_tokens_and_never_a_token(writable_server: Server) -> None:
    url = writable_server.url("/update")
    statuses = []
    for token in [*WRONG[:2], TOKEN]:
        answer = httpx.post(
            url,
            content=INSERT,
            headers={"Content-Type": "application/sparql-update", "Authorization": f"Bearer {token}"},
            timeout=60,
        )
        statuses.append(answer.status_code)
    assert statuses == [403, 403, 204]
    log = writable_server.log.read_text(encoding="utf-8", errors="replace")
    # one warning per wrong token (the server runs two processes, each with its own count)
    assert log.count("wrong update token from 127.0.0.1 (") == 2
    for secret in (TOKEN, *WRONG):
        assert secret not in log

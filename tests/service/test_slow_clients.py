"""Slow clients (a request sent a byte at a time, on many connections) do not starve the others, and a
client that takes longer than the header time limit to send its headers is let go (real server)."""

from __future__ import annotations

import asyncio
import socket
import time
from pathlib import Path

import httpx
import pytest

from dragonbear.service.server import CONNECTIONS_PER_PROCESS, HEADER_SECONDS

from ..conftest import Server, run_coroutine, serve_store

SLOW = 1500  # more than granian's default of 1,024 connections per process, which they used to fill
SLOW_REQUEST = b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: slow\r\nX-Slow: " + b"a" * 200


@pytest.fixture(scope="module")
def server(served_copy: Path) -> Server:
    with serve_store(served_copy, "--workers", "1") as running:
        yield running  # type: ignore[misc]


async def _slow(port: int, held: asyncio.Event, done: asyncio.Event, open_now: list[int]) -> None:
    _reader, writer = await asyncio.open_connection("127.0.0.1", port)
    open_now.append(1)
    if len(open_now) == SLOW:
        held.set()
    try:
        for byte in SLOW_REQUEST:
            if done.is_set():
                return
            writer.write(bytes([byte]))
            await writer.drain()
            await asyncio.sleep(0.5)
    finally:
        open_now.pop()
        writer.close()


async def _while_held(port: int) -> tuple[list[int], list[int], float]:
    held, done, open_now = asyncio.Event(), asyncio.Event(), []  # type: ignore[var-annotated]
    slow = [asyncio.create_task(_slow(port, held, done, open_now)) for _ in range(SLOW)]
    await asyncio.wait_for(held.wait(), 60)
    started = time.monotonic()
    statuses, still_open = [], []
    async with httpx.AsyncClient(timeout=120) as client:
        for n in range(20):
            answer = await client.get(f"http://127.0.0.1:{port}/sparql", params={"query": f'ASK {{ ?s ?p "{n}" }}'})
            statuses.append(answer.status_code)
            still_open.append(len(open_now))
    took = time.monotonic() - started
    done.set()
    await asyncio.gather(*slow, return_exceptions=True)
    return statuses, still_open, took


@pytest.mark.server
@pytest.mark.slow
@pytest.mark.exclusive  # counts what the server loses, or times it: runs alone (tests/conftest.py)
def test_many_slow_clients_do_not_starve_the_others(server: Server) -> None:
    assert SLOW < CONNECTIONS_PER_PROCESS
    port = int(server.url("").rsplit(":", 1)[1].strip("/"))
    statuses, still_open, took = run_coroutine(_while_held(port))
    print(f"\n20 ASKs answered in {took:.2f} s beside {SLOW} slow clients")
    assert statuses == [200] * 20
    # Every ordinary request was answered while all the slow clients still held their connections,
    # and before the header limit could have let any of them go: none waited for a slot to free.
    assert still_open == [SLOW] * 20
    assert took < HEADER_SECONDS


@pytest.mark.server
@pytest.mark.slow
def test_a_client_slower_than_the_header_limit_is_let_go(server: Server) -> None:
    port = int(server.url("").rsplit(":", 1)[1].strip("/"))
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port)) as conn:
        conn.settimeout(0.5)
        closed_after = None
        for byte in SLOW_REQUEST:  # 250 bytes at two a second: two minutes to send it all
            try:
                conn.send(bytes([byte]))
                if conn.recv(1024) == b"":
                    closed_after = time.monotonic() - started
                    break
            except TimeoutError:
                continue
            except OSError:  # reset by the server
                closed_after = time.monotonic() - started
                break
    print(f"\nlet go after {closed_after} s")
    assert closed_after is not None and closed_after < len(SLOW_REQUEST) / 2, "the server waited for the whole request"
    assert closed_after >= HEADER_SECONDS * 0.9

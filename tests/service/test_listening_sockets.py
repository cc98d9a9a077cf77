"""The server processes' listening sockets (``DRAGONBEAR_SOCKETS``, ``sockets.per_process_sockets``).

With one shared socket (the default), the process that wakes first accepts every connection waiting:
a burst of keep-alive connections often lands on one process. With a socket each (``per-process``),
the kernel spreads them. Tried against a real server: which process holds each connection is read
from ``/proc``. (What the shared socket keeps when a process stops, the retirement, memory-ceiling
and fault tests try.)
"""

from __future__ import annotations

import socket
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from ..conftest import serve_store
from ..faults import children

pytestmark = pytest.mark.exclusive  # counts what the server loses, or times it: runs alone (tests/conftest.py)

QUERY = b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: localhost\r\nAccept: application/sparql-results+json\r\n\r\n"


def _connections_per_process(pids: list[int], port: int) -> dict[int, int]:
    """How many established connections to ``port`` each of ``pids`` holds."""
    established = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "01":
                established.add(f"socket:[{fields[9]}]")
    held = {}
    for pid in pids:
        fds = Path(f"/proc/{pid}/fd")
        links = [str(fd.readlink()) for fd in fds.iterdir() if fd.is_symlink()]
        held[pid] = sum(link in established for link in links)
    return held


@pytest.mark.server
@pytest.mark.slow
@pytest.mark.parametrize("mode", ["per-process", "shared"])
def test_connections_opened_at_once_are_answered_and_spread_with_a_socket_each(served_copy: Path, mode: str) -> None:
    with serve_store(served_copy, "--workers", "2", env_vars={"DRAGONBEAR_SOCKETS": mode}) as server:
        deadline = time.monotonic() + 60  # both processes serving (each says so once its startup is complete)
        while server.log.read_text(errors="replace").count("Application startup complete") < 2:
            assert time.monotonic() < deadline, server.log.read_text(errors="replace")
            time.sleep(0.1)
        log = server.log.read_text(errors="replace")
        assert ("a listening socket each" if mode == "per-process" else "one listening socket") in log
        port = urlsplit(server.url("/")).port
        assert port is not None
        clients = [socket.create_connection(("127.0.0.1", port), timeout=30) for _ in range(16)]
        try:
            for client in clients:
                client.sendall(QUERY)
            for client in clients:
                assert client.recv(65536).startswith(b"HTTP/1.1 200")
            held = _connections_per_process(children(server.process.pid), port)
        finally:
            for client in clients:
                client.close()
    assert sum(held.values()) == 16, held
    if mode == "per-process":  # spread by the kernel: all 16 on one of two sockets has odds of 1 in 32,768
        assert sorted(held.values())[-2:][0] >= 1, held

"""One server per address: `dragonbear serve` on a port where a server already listens stops at once with a
message, and the server there keeps answering alone.

Granian's sockets set ``SO_REUSEPORT``, and with it a second server bound the same port without a word
and took about half of the first one's connections (a store of another day answering every other
request). The supervisor's shared socket no longer sets it, and the command checks the address first.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from dragonbear.errors import UsageError
from dragonbear.service.sockets import listening_socket

from ..conftest import Server


def _port_of(sock: socket.socket) -> int:
    return int(sock.getsockname()[1])


def test_a_port_held_with_reuseport_is_refused_with_a_message() -> None:
    """What granian's own sockets are: a listener with SO_REUSEPORT, which a second one could join."""
    other = socket.socket()
    other.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    other.bind(("127.0.0.1", 0))
    other.listen(8)
    with other, pytest.raises(UsageError, match=r"cannot listen on 127\.0\.0\.1:\d+: Address already in use"):
        listening_socket("127.0.0.1", _port_of(other), 8)


def test_the_server_s_socket_cannot_be_joined() -> None:
    mine = listening_socket("127.0.0.1", 0, 8)
    with mine, socket.socket() as joiner:
        joiner.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        with pytest.raises(OSError):
            joiner.bind(("127.0.0.1", _port_of(mine)))


@pytest.mark.server
@pytest.mark.slow
@pytest.mark.parametrize("sockets", ["shared", "per-process"])
def test_a_second_server_on_the_same_port_stops_and_the_first_answers_alone(
    server: Server, served_copy: Path, sockets: str
) -> None:
    port = urlsplit(server.base).port
    second = subprocess.run(
        [sys.executable, "-m", "dragonbear.cli", "serve", "--store", str(served_copy), "--port", str(port)],
        capture_output=True,
        text=True,
        timeout=120,
        env={"DRAGONBEAR_SOCKETS": sockets, "PATH": "/usr/bin:/bin"},
    )
    assert second.returncode == 2, second.stderr
    assert f"cannot listen on 127.0.0.1:{port}" in second.stderr
    assert "another server listens there" in second.stderr and "Traceback" not in second.stderr
    assert httpx.get(server.url("/sparql"), params={"query": "ASK {}"}, timeout=30).status_code == 200

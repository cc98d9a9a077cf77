"""Where the server listens: one socket per address, and the choice between one socket for all server
processes and one each (``DRAGONBEAR_SOCKETS``).

Granian's own listening sockets set ``SO_REUSEPORT``: a second server started on a port already in use
binds it without a word and takes about half of the first one's connections. The shared socket made
here (:func:`listening_socket`) does not set it, and ``dragonbear serve`` checks its address before it
starts (:func:`check_address`), so that a port in use is an error with a message.
"""

from __future__ import annotations

import errno
import os
import socket

from dragonbear.errors import UsageError

__all__ = ["BACKLOG", "SOCKET_MODES", "check_address", "listening_socket", "per_process_sockets"]

BACKLOG = 4096
"""Connections the kernel queues for the server before one of its processes takes them."""
SOCKET_MODES = ("shared", "per-process")


def listening_socket(host: str, port: int, backlog: int) -> socket.socket:
    """A socket listening on ``host:port`` that no other socket shares: ``SO_REUSEADDR`` (a restart
    binds at once), not ``SO_REUSEPORT``.

    Raises:
        UsageError: the address cannot be listened on (in use, say, by a server started earlier).
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        return socket.create_server((host.strip("[]"), port), family=family, backlog=backlog)
    except OSError as exc:
        reason = os.strerror(exc.errno) if exc.errno else str(exc)
        hint = (
            ": another server listens there (an earlier `dragonbear serve`?); stop it or choose another --port"
            if exc.errno == errno.EADDRINUSE
            else ""
        )
        raise UsageError(f"cannot listen on {host}:{port}: {reason}{hint}") from None


def check_address(host: str, port: int) -> None:
    """Fail now, with a clear message, when the server could not listen on its address (the
    processes would otherwise fail one by one, or, on granian, share the port with another server:
    its sockets set ``SO_REUSEPORT``)."""
    listening_socket(host, port, 1).close()


def per_process_sockets(mode: str) -> bool:
    """Whether the server processes listen on a socket each (``SO_REUSEPORT``) rather than on one shared
    socket, for ``DRAGONBEAR_SOCKETS`` = ``mode`` (``shared``, the default, or ``per-process``).

    The shared socket, which the supervisor holds, loses no connection when a process retires, exits
    past the memory ceiling or dies: the connections wait in its queue for the next process. But they
    are not spread: the process that wakes first accepts every connection waiting, so a burst of
    keep-alive connections (eight at once, say) often lands on one process while the others idle. A
    socket each lets the kernel spread them, but the connections queued on a socket whose process
    stops are reset (unless the kernel moves them to another process's socket: Linux 5.14 and later,
    with ``net.ipv4.tcp_migrate_req = 1``), and with one process, none is listening until its
    replacement is (connections are refused).

    >>> per_process_sockets("shared"), per_process_sockets("per-process")
    (False, True)
    """
    if mode not in SOCKET_MODES:
        raise UsageError(f"unknown DRAGONBEAR_SOCKETS {mode!r}: use one of {', '.join(SOCKET_MODES)}")
    return mode == "per-process"

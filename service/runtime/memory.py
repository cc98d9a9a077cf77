"""A memory ceiling for each server process: a query that would exhaust memory gets a 503.

pyoxigraph cannot stop a query once it runs, and a query whose intermediate results grow without
bound (an ORDER BY over a cross product, say: about 280 MB a second on the shipped graph) would take
its process, and every request in flight on it, down with it. So a thread of each process,
:class:`MemoryGuard`, reads the process's anonymous resident memory (``/proc/self/statm``: resident
less file-backed pages, which the kernel can take back) every 10 ms while a query runs:

- past the ceiling (``DRAGONBEAR_MEMORY_CEILING``; by default 60% of the machine's memory, or of its
  cgroup's limit, divided among the server processes), the query whose thread computes hardest (the
  most CPU over 50 ms: a query that fills memory does not pause; the oldest on a tie) is answered
  with :class:`~dragonbear.errors.MemoryCeilingError` (503, naming the ceiling), and the process
  retires as it does for a late query: a replacement starts, and once it serves, this one stops
  taking connections, answers what it holds and exits, which frees the query's memory;
- past the hard ceiling (a quarter above the ceiling), before the replacement is ready, every query
  still running on the process is answered with a 503 at once, as are those waiting for a thread and
  those that come before it has left (:meth:`~dragonbear.service.runtime.runner.QueryRunner.refuse`),
  and the process exits a moment later, so that no connection is left without an answer and the
  machine keeps its memory.

The other requests on the process are answered: those that finish before the hard ceiling with their
results, the rest with a 503 to try again (``docs/decisions/0032-memory-ceiling.md`` has the
measurements).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, Protocol

from dragonbear.errors import MemoryCeilingError, ServiceUnavailableError

__all__ = ["HARD_FACTOR", "MemoryGuard", "anonymous_bytes"]

log = logging.getLogger("dragonbear.service")

HARD_FACTOR = 1.25
"""The hard ceiling, as a multiple of the ceiling."""
BUSY_INTERVAL = 0.01
BLAME_WINDOW = 0.05
IDLE_INTERVAL = 0.1
_PAGE = os.sysconf("SC_PAGE_SIZE")


def _statm() -> Callable[[], int]:
    try:
        fd = os.open("/proc/self/statm", os.O_RDONLY)
    except OSError:  # not Linux: no ceiling can be read
        return lambda: 0

    def read() -> int:
        fields = os.pread(fd, 128, 0).split()
        return (int(fields[1]) - int(fields[2])) * _PAGE

    return read


anonymous_bytes = _statm()
"""The anonymous resident memory of this process in bytes (0 where ``/proc`` is missing).

>>> anonymous_bytes() > 0
True
"""


class Jobs(Protocol):
    """What the guard needs of :class:`~dragonbear.service.runtime.runner.QueryRunner`."""

    def running(self) -> list[tuple[float, int, Future[Any]]]: ...

    def abandon(self, future: Future[Any], error: BaseException) -> bool: ...


def _cpu(thread: int) -> float:
    """The CPU seconds a thread of this process has spent (0.0 once it has ended)."""
    try:
        return time.clock_gettime(time.pthread_getcpuclockid(thread))
    except (OSError, OverflowError):
        return 0.0


def _mib(size: int) -> str:
    return f"{size / (1 << 20):,.0f} MiB"


class MemoryGuard:
    """Watch this process's memory while queries run, and stop the one that passes the ceiling.

    Args:
        jobs: the runner whose running jobs are answered.
        ceiling: the ceiling in bytes (the hard ceiling is :data:`HARD_FACTOR` times it).
        on_exceeded: called once, from the guard's thread, when a query passed the ceiling (the
            server retires the process); None in-process.
        on_exhausted: called once when the hard ceiling was passed, after every running query was
            answered (the server exits the process); None in-process.
        read: how the memory is read (:func:`anonymous_bytes`).
    """

    def __init__(
        self,
        jobs: Jobs,
        ceiling: int,
        *,
        on_exceeded: Callable[[], None] | None = None,
        on_exhausted: Callable[[], None] | None = None,
        read: Callable[[], int] = anonymous_bytes,
    ) -> None:
        self.jobs = jobs
        self.ceiling = ceiling
        self.hard = int(ceiling * HARD_FACTOR)
        self.on_exceeded = on_exceeded
        self.on_exhausted = on_exhausted
        self.read = read
        self.stopped = 0  # queries answered with a 503 by the guard
        self._exceeded = False
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="dragonbear-memory", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop watching."""
        self._done.set()

    def _watch(self) -> None:
        while not self._done.wait(BUSY_INTERVAL if self.jobs.running() else IDLE_INTERVAL):
            used = self.read()
            if used > self.hard:
                self._exhaust(used)
                return
            if used > self.ceiling and not self._exceeded:
                self._exceed(used, retire=True)

    def _limit_text(self) -> str:
        return f"the memory ceiling of {_mib(self.ceiling)} per server process (DRAGONBEAR_MEMORY_CEILING)"

    def _exceed(self, used: int, *, retire: bool) -> None:
        """Answer the query that has run longest, and retire the process (when ``retire``)."""
        culprit = self._busiest()
        if culprit is None:
            return  # memory a query left behind: the next query that runs is watched as well
        error = MemoryCeilingError(
            f"the query needed more memory than {self._limit_text()} and was stopped; narrow it, or add a LIMIT"
        )
        if not self.jobs.abandon(culprit, error):
            return  # it has just finished
        self.stopped += 1
        self._exceeded = True
        log.warning("a query took this server process to %s, past %s", _mib(used), self._limit_text())
        if retire and self.on_exceeded is not None:
            self.on_exceeded()

    def _busiest(self) -> Future[Any] | None:
        """The running job whose thread spent the most CPU over the next :data:`BLAME_WINDOW` seconds
        (a query that fills memory computes without pause), the one that has run longest on a tie."""
        before = {thread: _cpu(thread) for _started, thread, _future in self.jobs.running()}
        time.sleep(BLAME_WINDOW)
        running = self.jobs.running()
        if not running:
            return None
        spent = {thread: _cpu(thread) - before.get(thread, 0.0) for _started, thread, _future in running}
        return max(running, key=lambda job: (spent[job[1]], -job[0]))[2]

    def _exhaust(self, used: int) -> None:
        """Answer every running query with a 503, then leave (the process is replaced)."""
        log.error(
            "server process %d holds %s, past the hard ceiling of %s: it answers its running queries "
            "with 503 and exits",
            os.getpid(),
            _mib(used),
            _mib(self.hard),
        )
        if not self._exceeded:  # passed both between two readings: the longest query is the one to blame
            self._exceed(used, retire=False)
        for _started, _thread, future in self.jobs.running():
            error = ServiceUnavailableError(
                f"this server process ran short of memory ({self._limit_text()}) while the query ran; try again"
            )
            if self.jobs.abandon(future, error):
                self.stopped += 1
        if self.on_exhausted is not None:
            self.on_exhausted()

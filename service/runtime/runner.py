"""Every read the server makes runs here: in the server process itself, in threads, each against a deadline.

A read is any function of no arguments (a SPARQL query of ``/sparql``, a canned query of the API, the
queries behind an entity page, the explorer or a chart); its result, or the project error it raises,
comes back as it is.

pyoxigraph releases the GIL while it evaluates a query, so a query in a thread does not hold up the
event loop or the other threads; but it cannot be cancelled. A job that passes the time limit is
therefore answered with :class:`~dragonbear.errors.QueryTimeoutError` at once, and the runner calls
``on_overrun``: the server process then retires (it stops taking connections, answers the requests it
has, and exits, which stops the query and frees its CPU) while the other server processes go on
serving and the supervisor starts a replacement (see ``docs/decisions/0017-server-processes.md``).

Before this, every query went to a worker process over a pipe, so that a late one could be killed
alone; that hop cost about 0.6 ms of a small query's 0.8 ms (``bench/runner_overhead.py``).
"""

from __future__ import annotations

import asyncio
import ctypes
import logging
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, InvalidStateError
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, TypeVar

from dragonbear.errors import QueryTimeoutError, ServiceUnavailableError
from dragonbear.graph.sparql_limits import STACK_BYTES, release_frames

__all__ = ["QueryRunner"]

log = logging.getLogger("dragonbear.service")

T = TypeVar("T")
_Task = tuple[Future[Any], Callable[[], Any]]


class _Late(Exception):
    """The deadline of an async job passed (set on its waiter by the event loop's timer)."""


def _expire(waiter: asyncio.Future[Any]) -> None:
    if not waiter.done():
        waiter.set_exception(_Late())


def _settle(waiter: asyncio.Future[Any], future: Future[Any]) -> None:
    """On the event loop: give the waiter the job's outcome, unless it was given up (deadline, cancel)."""
    if waiter.done():
        return
    error = future.exception()
    if error is not None:
        waiter.set_exception(error)
    else:
        waiter.set_result(future.result())


TRIM_AFTER_SECONDS = 0.05


def _libc_trim() -> Callable[[], object]:
    try:
        libc = ctypes.CDLL("libc.so.6")
        return lambda: libc.malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        return lambda: None


_trim = _libc_trim()
"""Give freed heap back to the system (glibc's ``malloc_trim``) after a long job: a path or aggregate
query allocates hundreds of MiB that glibc would otherwise keep in the process."""


def _settle_future(future: Future[Any], result: object, error: BaseException | None) -> None:
    try:
        if error is None:
            future.set_result(result)
        else:
            future.set_exception(error)
    except InvalidStateError:  # answered already by the memory guard
        pass


class QueryRunner:
    """A fixed number of daemon threads that run reads of this process against a deadline.

    Args:
        threads: how many jobs run at once; more wait, and the wait counts against their deadline.
        timeout: the time limit of a job, from the moment it is handed in, in seconds.
        on_overrun: called (once per late job, from the thread that waited) when a job is still
            running at its deadline; the server uses it to retire the process.
    """

    def __init__(self, *, threads: int, timeout: float, on_overrun: Callable[[], None] | None = None) -> None:
        self.threads = threads
        self.timeout = timeout
        self.on_overrun = on_overrun
        self.overruns = 0
        self._tasks: queue.SimpleQueue[_Task | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._excess = 0  # threads to let go once their job ends (replaced after an overrun)
        self._closed = False
        self._refusal = "the server is shutting down"  # what a job handed in once closed is answered
        self._active: dict[Future[Any], tuple[float, int]] = {}  # running jobs: when they started, their thread
        for _ in range(threads):
            self._add_thread()

    def _add_thread(self) -> None:
        # A deep stack (address space, touched as used): the SPARQL parser recurses as deep as a query
        # nests, within the limits of graph/sparql_limits.py.
        previous = threading.stack_size(STACK_BYTES)
        try:
            threading.Thread(target=self._loop, name="dragonbear-query", daemon=True).start()
        finally:
            threading.stack_size(previous)

    def _loop(self) -> None:
        while True:
            task = self._tasks.get()
            if task is None:
                return
            future, work = task
            if future.set_running_or_notify_cancel():  # False: its deadline passed while it waited
                started = time.monotonic()
                self._active[future] = (started, threading.get_ident())
                try:
                    result = work()
                except BaseException as exc:
                    release_frames(exc)
                    _settle_future(future, None, exc)
                else:
                    _settle_future(future, result, None)
                del self._active[future]
                if time.monotonic() - started > TRIM_AFTER_SECONDS:
                    _trim()
            with self._lock:
                if self._excess > 0:
                    self._excess -= 1
                    return

    def running(self) -> list[tuple[float, int, Future[Any]]]:
        """The jobs running now: the ``time.monotonic()`` at which each started, its thread's id, itself."""
        return [(started, thread, future) for future, (started, thread) in list(self._active.items())]

    def abandon(self, future: Future[Any], error: BaseException) -> bool:
        """Answer a running job with ``error`` now (the memory guard's way to stop a query): its thread
        is replaced, and what the job returns once it ends is dropped. False when it had just ended."""
        try:
            future.set_exception(error)
        except InvalidStateError:
            return False
        with self._lock:
            self._excess += 1
        self._add_thread()
        return True

    def submit(self, work: Callable[[], T]) -> Future[T]:
        """Hand in a read; the future holds its result, or the error it raised."""
        if self._closed:
            raise ServiceUnavailableError(self._refusal)
        future: Future[T] = Future()
        self._tasks.put((future, work))
        return future

    def run(self, work: Callable[[], T]) -> T:
        """Run a read and wait for it (from a thread that may block); see :meth:`late` for errors."""
        future = self.submit(work)
        try:
            return future.result(timeout=self.timeout)
        except FutureTimeout:
            return self.late(future)

    async def run_async(self, work: Callable[[], T]) -> T:
        """Run a read and wait for it without blocking the event loop; see :meth:`late` for errors.

        The query thread hands the outcome to the loop with one ``call_soon_threadsafe``, and one
        timer of the loop marks the deadline (``asyncio.wait_for`` over a wrapped, shielded future
        made three futures, a task and their callbacks per read). A caller cancelled while it waits
        leaves the read running to its end (the waiter is then simply not settled).
        """
        future = self.submit(work)
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[T] = loop.create_future()

        def notify(done: Future[T]) -> None:
            try:  # noqa: SIM105 - a plain try costs less than contextlib.suppress on this path
                loop.call_soon_threadsafe(_settle, waiter, done)
            except RuntimeError:  # the loop has closed: nobody waits any more
                pass

        future.add_done_callback(notify)
        timer = loop.call_later(self.timeout, _expire, waiter)
        try:
            return await waiter
        except _Late:
            return self.late(future)
        finally:
            timer.cancel()

    def late(self, future: Future[T]) -> T:
        """A job at its deadline: its reply if it has just finished, else the error to answer with.

        A job that never started (all threads busy) is cancelled and costs nothing more. A running
        one cannot be stopped from here: its thread is replaced, and ``on_overrun`` is told.

        Raises:
            ServiceUnavailableError: the job never started.
            QueryTimeoutError: the job is still running.
        """
        if future.cancel():
            raise ServiceUnavailableError(
                f"all {self.threads} query threads of this server process stayed busy "
                f"for {self.timeout:g} s; try again later"
            )
        if future.done():
            return future.result()
        with self._lock:
            self.overruns += 1
            self._excess += 1
        self._add_thread()
        log.warning("a query ran past the time limit of %g s", self.timeout)
        if self.on_overrun is not None:
            self.on_overrun()
        raise QueryTimeoutError(
            f"the query ran past the time limit of {self.timeout:g} s and was stopped; narrow it, or add a LIMIT"
        )

    def refuse(self, reason: str) -> int:
        """Stop taking jobs, and answer those waiting for a thread with a 503 that gives ``reason`` now
        (a process about to exit: what it would start could not finish); a job handed in later gets
        the same. Returns how many waiting jobs were answered.

        >>> runner = QueryRunner(threads=1, timeout=5)
        >>> runner.refuse("this process is stopping; try again")
        0
        >>> runner.submit(lambda: 1)
        Traceback (most recent call last):
        ...
        dragonbear.errors.ServiceUnavailableError: this process is stopping; try again
        """
        self._refusal = reason
        self._closed = True
        refused = 0
        while True:
            try:
                task = self._tasks.get_nowait()
            except queue.Empty:
                break
            if task is None:
                continue
            future, _work = task
            if future.set_running_or_notify_cancel():
                _settle_future(future, None, ServiceUnavailableError(reason))
                refused += 1
        self.close()
        return refused

    def close(self) -> None:
        """Stop taking jobs; idle threads end (running ones end with their job: they are daemons)."""
        self._closed = True
        for _ in range(self.threads):
            self._tasks.put(None)

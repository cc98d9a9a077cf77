"""The pool of query worker processes, and the writer that swaps in new generations.

A request thread takes an idle worker, sends it a job and waits at most the time limit. A worker
that does not answer in time is killed (which stops its query and frees its CPU) and replaced in
the background; the client gets :class:`~dragonbear.errors.QueryTimeoutError`. Other requests are
served by the other workers meanwhile.

Writes run one at a time in a process of their own on a checkpoint of the current generation; on
success the checkpoint becomes the current generation and the workers reopen on it.
"""

from __future__ import annotations

import logging
import multiprocessing
import queue
import shutil
import threading
from multiprocessing.connection import Connection
from pathlib import Path

from dragonbear import errors
from dragonbear.errors import QueryTimeoutError, ServiceUnavailableError, StoreError
from dragonbear.graph.store import current_generation, new_generation, swap_generation
from dragonbear.service.worker import (
    CountJob,
    GraphJob,
    QueryJob,
    Reply,
    WriteJob,
    apply_write,
    serve_queries,
)

__all__ = ["QueryPool", "StoreWriter", "Worker", "raise_for"]

log = logging.getLogger("dragonbear.service")
_CONTEXT = multiprocessing.get_context("spawn")  # no fork of a process that runs threads and an event loop
_START_SECONDS = 120.0


def raise_for(reply: Reply) -> Reply:
    """Return ``reply``, or raise the project error it carries (a bug becomes a RuntimeError, HTTP 500)."""
    if reply.error is None:
        return reply
    cls = getattr(errors, reply.error, None)
    if isinstance(cls, type) and issubclass(cls, errors.DragonbearError):
        raise cls(reply.message)
    log.error("error in a child process:\n%s", reply.message)
    raise RuntimeError("a child process failed")


class Worker:
    """One query worker process with the store generation it has open."""

    def __init__(self, generation: Path) -> None:
        parent, child = _CONTEXT.Pipe()
        self.generation = generation
        self.conn: Connection = parent
        self.process = _CONTEXT.Process(target=serve_queries, args=(child, str(generation)), daemon=True,
                                        name="dragonbear-query-worker")
        self.process.start()
        child.close()
        try:
            if not parent.poll(_START_SECONDS):
                raise StoreError("a query worker did not start")
            raise_for(parent.recv())
        except (EOFError, OSError) as exc:
            self.kill()
            raise StoreError(f"a query worker could not open the store at {generation}") from exc
        except BaseException:
            self.kill()
            raise

    @property
    def pid(self) -> int | None:
        """The worker's process id."""
        return self.process.pid

    def call(self, job: QueryJob | GraphJob | CountJob, timeout: float) -> Reply:
        """Send ``job`` and wait for the reply at most ``timeout`` seconds; kill the worker past it.

        Raises:
            QueryTimeoutError: no reply in time; the worker was killed.
            ServiceUnavailableError: the worker died while working (out of memory, say).
        """
        try:
            self.conn.send(job)
            if not self.conn.poll(timeout):
                self.kill()
                raise QueryTimeoutError(f"the query ran past the time limit of {timeout:g} s and was stopped; "
                                        "narrow it, or add a LIMIT")
            return self.conn.recv()  # type: ignore[no-any-return]
        except (EOFError, OSError, BrokenPipeError) as exc:
            self.kill()
            raise ServiceUnavailableError("the query worker stopped while running the query (out of memory?); "
                                          "try a smaller query") from exc

    def stop(self) -> None:
        """Ask the worker to exit; kill it if it does not."""
        try:
            self.conn.send(None)
        except OSError:
            pass
        self.process.join(2)
        self.kill()

    def kill(self) -> None:
        """Kill the worker process (idempotent)."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.conn.close()


class QueryPool:
    """Worker processes on the current generation of a store.

    Args:
        generation: the generation directory to open.
        size: number of worker processes.
        timeout: the time limit of a query, in seconds; also how long a request waits for a free worker.
    """

    def __init__(self, generation: Path, *, size: int, timeout: float) -> None:
        self.generation = generation
        self.size = size
        self.timeout = timeout
        self._idle: queue.Queue[Worker] = queue.Queue()
        self._closed = False
        self._lock = threading.Lock()

    def start(self) -> None:
        """Start the workers (in parallel) and wait until each has the store open."""
        threads = [threading.Thread(target=self._add_worker, daemon=True) for _ in range(self.size)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if self._idle.qsize() == 0:
            raise StoreError(f"no query worker could open the store at {self.generation}")

    def run(self, job: QueryJob | GraphJob | CountJob) -> Reply:
        """Run ``job`` on a free worker (blocking); see :meth:`Worker.call` for the errors."""
        if self._closed:
            raise ServiceUnavailableError("the server is shutting down")
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            raise ServiceUnavailableError(f"all {self.size} query workers stayed busy for {self.timeout:g} s; "
                                          "try again later") from None
        healthy = False
        try:
            reply = worker.call(job, self.timeout)
            healthy = True
            return reply
        finally:
            self._release(worker, healthy)

    def worker_pids(self) -> list[int]:
        """Process ids of the idle workers (for diagnostics)."""
        return [w.pid for w in list(self._idle.queue) if w.pid is not None]

    def _release(self, worker: Worker, healthy: bool) -> None:
        if healthy and worker.generation == self.generation and not self._closed:
            self._idle.put(worker)
            return
        threading.Thread(target=worker.stop if healthy else worker.kill, daemon=True).start()
        if not self._closed:
            threading.Thread(target=self._add_worker, daemon=True).start()

    def _add_worker(self) -> None:
        try:
            worker = Worker(self.generation)
        except Exception:
            log.exception("cannot start a query worker")
            return
        if self._closed or worker.generation != self.generation:
            worker.stop()
            if not self._closed:
                self._add_worker()
            return
        self._idle.put(worker)

    def switch(self, generation: Path) -> None:
        """Reopen on ``generation``: idle workers are replaced now, busy ones when their query ends."""
        with self._lock:
            self.generation = generation
            stale: list[Worker] = []
            while True:
                try:
                    stale.append(self._idle.get_nowait())
                except queue.Empty:
                    break
            for worker in stale:
                self._release(worker, True)

    def close(self) -> None:
        """Stop every idle worker; busy ones are killed when their query ends."""
        self._closed = True
        while True:
            try:
                self._idle.get_nowait().stop()
            except queue.Empty:
                return


class StoreWriter:
    """Applies writes one at a time to a checkpoint of the current generation, then swaps it in.

    Args:
        store_dir: the store directory.
        pool: the query pool to reopen on the new generation.
        timeout: the time limit of one write, in seconds (plus the few seconds a process takes to start).
    """

    def __init__(self, store_dir: Path, pool: QueryPool, *, timeout: float) -> None:
        self.store_dir = store_dir
        self.pool = pool
        self.timeout = timeout + 10.0
        self._lock = threading.Lock()

    def apply(self, job: WriteJob) -> Reply:
        """Apply ``job`` as one transaction: all of it becomes visible, or none of it.

        Raises:
            QueryTimeoutError: the write ran past the time limit; nothing was changed.
            StoreError: there is no store.
        """
        with self._lock:
            current = current_generation(self.store_dir)
            if current is None:
                raise StoreError(f"no store at {self.store_dir}")
            target = new_generation(self.store_dir)
            target.rmdir()  # the checkpoint creates it
            parent, child = _CONTEXT.Pipe()
            process = _CONTEXT.Process(target=apply_write, args=(child, str(current), str(target), job),
                                       daemon=True, name="dragonbear-writer")
            process.start()
            child.close()
            try:
                if not parent.poll(self.timeout):
                    raise QueryTimeoutError(f"the update ran past the time limit of {self.timeout:g} s and was "
                                            "stopped; nothing was changed")
                reply: Reply = parent.recv()
                raise_for(reply)
            except (EOFError, OSError) as exc:
                shutil.rmtree(target, ignore_errors=True)
                raise ServiceUnavailableError("the writer process stopped; nothing was changed") from exc
            except BaseException:
                shutil.rmtree(target, ignore_errors=True)
                raise
            finally:
                if process.is_alive():
                    process.kill()
                process.join()
                parent.close()
            swap_generation(self.store_dir, target)
            self.pool.switch(target.resolve())
            return reply

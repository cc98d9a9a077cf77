"""The writer: applies writes one at a time on a copy of the current generation, then swaps it in.

Writes run one at a time (across server processes too: the store's write lock,
:func:`~dragonbear.graph.generations.write_lock`) in a process of their own on a checkpoint of the
current generation; on success the checkpoint becomes the current generation, which every server
process reads from its next request on (:class:`~dragonbear.service.runtime.served.ServedStore` looks
the generation up each time). The writer process dies with the server process that started it, so a
server process killed during a write leaves no process writing behind; what it left on disk is swept
by the next write, or by the next server process to start (decision 31).
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import multiprocessing
import os
import select
import signal
import sys
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from dragonbear.errors import (
    DragonbearError,
    LoadError,
    NotFoundError,
    QueryError,
    QueryTimeoutError,
    ServiceUnavailableError,
    StoreError,
)
from dragonbear.fault_points import fault_point
from dragonbear.formats import Format, Kind
from dragonbear.graph.generations import discard_generation, sweep_if_idle, write_lock
from dragonbear.graph.sparql_limits import configure, limits, with_stack
from dragonbear.graph.sparql_text import query_form
from dragonbear.graph.store import EmbeddedStore, GraphStore, current_generation, new_generation, swap_generation

__all__ = ["COMPACT_AFTER_BYTES", "StoreWriter", "WriteBug", "WriteJob", "WriteOutcome", "apply_job", "apply_write"]

log = logging.getLogger("dragonbear.service")


COMPACT_AFTER_BYTES = 8 << 20
"""A Graph Store body of at least this size (about 100,000 triples in N-Triples) is followed by a
compaction of the new generation, as a large load is (see
:data:`~dragonbear.pipeline.incremental.COMPACT_AFTER_QUADS`); smaller writes cost what they write."""


def _preloaded() -> list[str]:
    """This module, and the main module of the process when it runs as ``python -m NAME`` (which a
    writer process imports again as it starts, as multiprocessing's children do)."""
    main = getattr(sys.modules.get("__main__"), "__spec__", None)
    name = getattr(main, "name", None)
    return [__name__] + ([name] if isinstance(name, str) and not name.endswith("__main__") else [])


# Writers are forked by multiprocessing's fork server: a process of its own that the server process
# starts (a new interpreter, so no fork of a process that runs threads and an event loop) at its first
# write, with this module and the server's main module imported once. A write then costs a fork, not
# an interpreter that imports the package and the server: 55 ms instead of 230 ms for a small update.
_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload(_preloaded())
_PR_SET_PDEATHSIG = 1  # prctl(2): the signal a process gets when its parent dies (Linux)


@dataclass(frozen=True)
class WriteJob:
    """A write: a SPARQL update, or a Graph Store Protocol PUT, POST or DELETE."""

    operation: str  # "update", "put", "post" or "delete"
    text: str = ""  # the update
    base_iri: str | None = None
    graph: str | None = None  # GSP target; None: the store's own default graph
    data: bytes = b""  # GSP body
    media_type: str = ""  # GSP body media type


@dataclass(frozen=True)
class WriteOutcome:
    """What a write that succeeded reports: whether it created the graph it wrote to."""

    created: bool = False


@dataclass(frozen=True)
class WriteBug:
    """A write that failed with an error that is not the project's: a bug, with its stack trace."""

    trace: str


class StoreWriter:
    """Applies writes one at a time to a checkpoint of the current generation, then swaps it in.

    Args:
        store_dir: the store directory.
        timeout: the time limit of one write, in seconds (plus the few seconds a process takes to start).
        on_swap: called with the new generation once it is current.

    Made as its server process starts, it sweeps what killed writes left in the store directory
    (:func:`~dragonbear.graph.generations.sweep_if_idle`: only when no write is under way).
    """

    def __init__(self, store_dir: Path, *, timeout: float, on_swap: Callable[[Path], object] | None = None) -> None:
        self.store_dir = store_dir
        self.on_swap = on_swap
        self.timeout = timeout + 10.0
        self._lock = threading.Lock()
        swept = sweep_if_idle(store_dir)
        if swept:
            log.warning("removed what killed writes left in %s: %s", store_dir, ", ".join(swept))

    def apply(self, job: WriteJob) -> WriteOutcome:
        """Apply ``job`` as one transaction: all of it becomes visible, or none of it.

        Raises:
            QueryTimeoutError: the write ran past the time limit; nothing was changed.
            StoreError: there is no store.
        """
        with self._lock, write_lock(self.store_dir):
            current = current_generation(self.store_dir)
            if current is None:
                raise StoreError(f"no store at {self.store_dir}")
            target = new_generation(self.store_dir)
            target.rmdir()  # the checkpoint creates it
            parent, child = _CONTEXT.Pipe()
            process = _CONTEXT.Process(
                target=apply_write,
                args=(child, str(current), str(target), job, limits()),  # the process's own query limits
                daemon=True,
                name="dragonbear-writer",
            )
            process.start()
            child.close()
            try:
                if not parent.poll(self.timeout):
                    raise QueryTimeoutError(
                        f"the update ran past the time limit of {self.timeout:g} s and was stopped; nothing was changed"
                    )
                outcome = parent.recv()
                fault_point("writer.received")
                if isinstance(outcome, BaseException):
                    raise outcome
                if isinstance(outcome, WriteBug):
                    log.error("a write failed:\n%s", outcome.trace)
                    raise RuntimeError("a write failed")
            except (EOFError, OSError) as exc:
                discard_generation(target)
                raise ServiceUnavailableError("the writer process stopped; nothing was changed") from exc
            except BaseException:
                discard_generation(target)
                raise
            finally:
                if process.is_alive():
                    process.kill()
                process.join()
                parent.close()
            swap_generation(self.store_dir, target)
            fault_point("writer.swapped")
            if self.on_swap is not None:
                self.on_swap(target.resolve())
            return outcome  # type: ignore[no-any-return]


def apply_job(store: GraphStore, job: WriteJob) -> WriteOutcome:
    """Apply a write to ``store`` (a checkpoint here, or a SPARQL server in one request).

    Raises:
        QueryError: a query where an update was expected, or an update the store refuses.
        NotFoundError: DELETE of a graph the store lacks.
        LoadError: a body that does not parse.
    """
    return WriteOutcome(created=_apply(store, job))


def _apply(store: GraphStore, job: WriteJob) -> bool:
    """Apply a write; return True when it created the graph it wrote to."""
    if job.operation == "update":
        if query_form(job.text) not in (None, "UPDATE"):
            raise QueryError("this is a query, not an update")
        store.update(job.text, base_iri=job.base_iri)
        return False
    existed = job.graph is None or store.has_graph(job.graph)
    if job.operation == "delete":
        if not existed:
            raise NotFoundError(f"the store has no graph <{job.graph}>")
        if job.graph is not None:
            store.drop_graph(job.graph)
        else:
            store.clear_graph(None)
        return False
    if job.operation == "put" and existed:
        store.clear_graph(job.graph)
    known = Format.for_media_type(job.media_type, Kind.RDF)  # the registry's: text/n3 is read as Turtle
    fmt = None if known is None else known.rdf_format
    if fmt is None:
        raise LoadError(f"{job.media_type} is not an RDF format the store reads")
    try:
        store.load(job.data, format=fmt, graph=job.graph, base_iri=job.base_iri)
    except (SyntaxError, ValueError) as exc:
        raise LoadError(f"the request body is not valid {job.media_type}: {exc}") from exc
    if not existed and job.graph is not None:
        store.add_graph(job.graph)
    return not existed


def apply_write(
    conn: Connection, current: str, target: str, job: WriteJob, query_limits: tuple[int, int] | None = None
) -> None:
    """Writer process: checkpoint ``current`` into ``target``, apply ``job`` there, flush, report.

    ``query_limits`` are the server's depth and chain limits (:mod:`dragonbear.graph.sparql_limits`).

    What it sends back is a :class:`WriteOutcome`, or the project error the write ended with (pickled
    whole, with its file, line and column), or a :class:`WriteBug` with the stack trace of a bug.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()
    if query_limits is not None:
        configure(max_depth=query_limits[0], max_chain=query_limits[1])
    try:
        source = EmbeddedStore.open(Path(current), read_only=True)
        source.backup(Path(target))
        del source
        fault_point("writer.checkpoint-written")
        store = EmbeddedStore.open(Path(target))
        created = with_stack(lambda: _apply(store, job))  # the parser's stack: as on the query threads
        fault_point("writer.applied")
        store.flush()
        if len(job.data) >= COMPACT_AFTER_BYTES:
            store.compact()
        fault_point("writer.flushed")
        conn.send(WriteOutcome(created=created))
    except DragonbearError as exc:
        conn.send(exc)
    except Exception:
        conn.send(WriteBug(traceback.format_exc()))


def _die_with_parent() -> None:
    """Have this writer process leave when the server process that asked for it dies, so that no
    orphaned write goes on after its lock went with its parent; if that process is already gone, leave
    now. Linux only (elsewhere nothing is done).

    The writer's own parent is the fork server, which the kernel's parent-death signal watches
    (``PR_SET_PDEATHSIG``); the server process is watched through a pidfd, by a thread that ends this
    process as soon as the server process has ended."""
    with contextlib.suppress(AttributeError, OSError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    parent = multiprocessing.parent_process()
    if parent is None or parent.pid is None or not hasattr(os, "pidfd_open"):
        return
    try:
        watched = os.pidfd_open(parent.pid)
    except ProcessLookupError:
        os._exit(1)
    except OSError:  # a kernel without pidfds: the parent-death signal alone
        return
    threading.Thread(target=_leave_when_ended, args=(watched,), name="dragonbear-writer-watch", daemon=True).start()


def _leave_when_ended(pidfd: int) -> None:
    """Wait until the process of ``pidfd`` has ended, then end this one at once (as ``SIGKILL`` would)."""
    select.select([pidfd], [], [])
    os._exit(1)

"""The writer: applies writes one at a time on a copy of the current generation, then swaps it in.

Writes run one at a time (across server processes too: a lock file in the store directory) in a
process of their own on a checkpoint of the current generation; on
success the checkpoint becomes the current generation, which every server process reads from its
next request on (:class:`~dragonbear.service.runtime.served.ServedStore` looks the generation up each time).
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import multiprocessing
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from dragonbear import errors
from dragonbear.errors import QueryTimeoutError, ServiceUnavailableError, StoreError
from dragonbear.graph.store import current_generation, new_generation, swap_generation
from dragonbear.service.runtime.worker import Reply, WriteJob, apply_write

__all__ = ["StoreWriter", "raise_for"]

log = logging.getLogger("dragonbear.service")
_CONTEXT = multiprocessing.get_context("spawn")  # no fork of a process that runs threads and an event loop
WRITE_LOCK = ".write-lock"


def raise_for(reply: Reply) -> Reply:
    """Return ``reply``, or raise the project error it carries (a bug becomes a RuntimeError, HTTP 500)."""
    if reply.error is None:
        return reply
    cls = getattr(errors, reply.error, None)
    if isinstance(cls, type) and issubclass(cls, errors.DragonbearError):
        raise cls(reply.message)
    log.error("a job failed:\n%s", reply.message)
    raise RuntimeError("a job failed")


@contextlib.contextmanager
def _store_lock(store_dir: Path) -> Iterator[None]:
    """Hold the store's write lock (an ``flock`` shared by every server process and waited for), so
    that each write starts from the generation the previous one made and none is lost."""
    with open(store_dir / WRITE_LOCK, "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


class StoreWriter:
    """Applies writes one at a time to a checkpoint of the current generation, then swaps it in.

    Args:
        store_dir: the store directory.
        timeout: the time limit of one write, in seconds (plus the few seconds a process takes to start).
        on_swap: called with the new generation once it is current.
    """

    def __init__(self, store_dir: Path, *, timeout: float, on_swap: Callable[[Path], object] | None = None) -> None:
        self.store_dir = store_dir
        self.on_swap = on_swap
        self.timeout = timeout + 10.0
        self._lock = threading.Lock()

    def apply(self, job: WriteJob) -> Reply:
        """Apply ``job`` as one transaction: all of it becomes visible, or none of it.

        Raises:
            QueryTimeoutError: the write ran past the time limit; nothing was changed.
            StoreError: there is no store.
        """
        with self._lock, _store_lock(self.store_dir):
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
            if self.on_swap is not None:
                self.on_swap(target.resolve())
            return reply

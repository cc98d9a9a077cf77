"""The store as the server holds it: query workers on the current generation, and one writer."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from pathlib import Path

from dragonbear.errors import StoreError
from dragonbear.graph.store import EmbeddedStore, current_generation
from dragonbear.service.fastpath import RawAnswerCache
from dragonbear.service.pool import QueryPool, StoreWriter, raise_for
from dragonbear.service.worker import CountJob, GraphJob, QueryJob, Reply, WriteJob
from dragonbear.settings import Settings

__all__ = ["ServedStore"]


CACHE_ENTRIES = 2048
CACHE_MAX_BODY = 1 << 20  # answers larger than 1 MiB are not kept


class ServedStore:
    """The store a server answers from.

    Nothing is started by the constructor; :meth:`start` opens the workers (the app does it at
    startup) and :meth:`close` stops them.

    Args:
        settings: the store directory, the number of workers, the time limit and the result cap.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.store_dir = settings.store_dir
        self._pool: QueryPool | None = None
        self._writer: StoreWriter | None = None
        self._counts: tuple[Path, dict[str, int]] | None = None
        self._counts_lock = threading.Lock()
        self._local: tuple[Path, EmbeddedStore] | None = None
        self._cache: OrderedDict[tuple[object, ...], tuple[Reply, str]] = OrderedDict()
        self._cache_lock = threading.Lock()
        self.raw_cache = RawAnswerCache()

    def generation(self) -> Path | None:
        """The generation the workers answer from, or None before :meth:`start`."""
        return self._pool.generation if self._pool is not None else None

    def start(self) -> None:
        """Start the query workers on the current generation.

        Raises:
            StoreError: there is no store, or it cannot be opened.
        """
        gen = current_generation(self.store_dir)
        if gen is None:
            raise StoreError(f"no store at {self.store_dir}: run `dragonbear build` first")
        self._pool = QueryPool(gen, size=self.settings.workers, timeout=self.settings.query_timeout)
        self._pool.start()
        self._writer = StoreWriter(self.store_dir, self._pool, timeout=self.settings.query_timeout)

    def close(self) -> None:
        """Stop the workers."""
        if self._pool is not None:
            self._pool.close()

    @property
    def pool(self) -> QueryPool:
        """The query pool (started)."""
        if self._pool is None:
            raise StoreError("the served store is not started")
        return self._pool

    def query(self, job: QueryJob | GraphJob) -> Reply:
        """Run a read job on a worker; raise the project error it ends with."""
        return raise_for(self.pool.run(job))

    def query_cached(self, job: QueryJob) -> tuple[Reply, str, bool]:
        """Run a query, or answer it from the cache of the current generation.

        A store generation never changes once written (a write makes a new one), so an answer is
        valid for as long as its generation is current: the key includes the generation, and the
        entity tag is a hash of the generation and the answer.

        Returns:
            The reply, its entity tag, and whether it came from the cache.
        """
        gen = self.pool.generation
        key = (str(gen), job.sparql, tuple(job.default_graphs or ()), tuple(job.named_graphs or ()),
               job.default_graphs is None, job.named_graphs is None, job.base_iri, job.accept, job.fmt,
               job.max_results)
        with self._cache_lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                return hit[0], hit[1], True
        reply = self.query(job)
        etag = '"' + hashlib.blake2b(str(gen).encode() + b"\0" + reply.body, digest_size=12).hexdigest() + '"'
        if len(reply.body) <= CACHE_MAX_BODY:
            with self._cache_lock:
                self._cache[key] = (reply, etag)
                while len(self._cache) > CACHE_ENTRIES:
                    self._cache.popitem(last=False)
        return reply, etag, False

    def write(self, job: WriteJob) -> Reply:
        """Apply a write as one transaction and reopen the workers on the result."""
        if self._writer is None:
            raise StoreError("the served store is not started")
        return raise_for(self._writer.apply(job))

    def local_store(self) -> EmbeddedStore:
        """A read-only handle on the current generation in this process, for the pages and the API
        (reopened when a write has swapped the generation)."""
        with self._counts_lock:
            gen = self.pool.generation
            if self._local is None or self._local[0] != gen:
                self._local = (gen, EmbeddedStore.open(gen, read_only=True))
            return self._local[1]

    def graph_counts(self) -> dict[str, int]:
        """Triples per named graph of the current generation (counted once per generation)."""
        with self._counts_lock:
            gen = self.pool.generation
            if self._counts is None or self._counts[0] != gen:
                self._counts = (gen, raise_for(self.pool.run(CountJob())).data)
            return dict(self._counts[1])

"""The store as a server process holds it: a read-only handle on the current generation, a
:class:`~dragonbear.service.runtime.runner.QueryRunner` that runs every read on it against the time
limit, the answer caches of the current generation, and the writer.

Every read a route makes goes through here: ``/sparql`` with :meth:`ServedStore.query_cached`, the
JSON API, the pages, the explorer and the charts with :meth:`ServedStore.read` (a function of the
store, run on the runner's threads against the same time limit, its result kept per generation when
the route gives a key).

A query of ``/sparql`` that looks up one subject's values (``SELECT ?l WHERE { <s> rdfs:label ?l }``,
:func:`~dragonbear.graph.sparql_text.bounded_lookup`) runs on the event loop itself, where its answer
is written by pyoxigraph up to 1 MiB (:func:`~dragonbear.service.runtime.jobs.run_bounded`): every
triple the engine reads for it is a row of the answer, so its work is bounded by that size (a
fraction of a millisecond for a label, some milliseconds at worst), and the hop to a query thread and
back cost such a query more CPU than its own run. Its answer is not kept in the answer cache, which
would cost it about as much again (:meth:`ServedStore.lookup`). A larger answer, and every other
query, runs on the query threads against the time limit."""

from __future__ import annotations

import asyncio
import functools
import hashlib
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import TypeVar

from dragonbear.errors import NotFoundError, StoreError
from dragonbear.graph.generations import CURRENT
from dragonbear.graph.releases import kept_releases, release_directory, valid_release_name
from dragonbear.graph.sparql_text import bounded_lookup
from dragonbear.graph.store import EmbeddedStore, GraphStore, current_generation
from dragonbear.service.runtime.cache import LruCache
from dragonbear.service.runtime.fastpath import RAW_ENTRIES, CachedResponse
from dragonbear.service.runtime.jobs import CountJob, GraphJob, QueryJob, Reply, run_bounded, run_job, run_lookup
from dragonbear.service.runtime.memory import MemoryGuard
from dragonbear.service.runtime.runner import QueryRunner
from dragonbear.service.runtime.writer import StoreWriter, WriteJob, WriteOutcome
from dragonbear.settings import Settings

__all__ = ["ServedStore", "entity_tag"]

T = TypeVar("T")


CACHE_ENTRIES = 2048
CACHE_MAX_BODY = 1 << 20  # answers larger than 1 MiB are not kept
ASKED_ENTRIES = 1 << 16  # raw requests of look-ups noted (ServedStore.asked_before)
QUERY_THREADS = max(4, os.cpu_count() or 1)  # queries one server process runs at once
RELEASE_HANDLES = 4  # kept releases a server process holds open at once


def entity_tag(gen: Path, body: bytes) -> str:
    """The entity tag of an answer: a hash of its generation and its bytes (a quoted string).

    >>> entity_tag(Path("/s/g1"), b"x") == entity_tag(Path("/s/g1"), b"x") != entity_tag(Path("/s/g2"), b"x")
    True
    """
    tag = _generation_hash(gen).copy()
    tag.update(body)
    return '"' + tag.hexdigest() + '"'


@functools.lru_cache(maxsize=8)
def _generation_hash(gen: Path) -> hashlib.blake2b:
    return hashlib.blake2b(str(gen).encode() + b"\0", digest_size=12)


_PINNED: ContextVar[tuple[Path, GraphStore] | None] = ContextVar("dragonbear_pinned_release", default=None)


class ServedStore:
    """The store a server process answers from.

    Nothing is opened by the constructor; :meth:`start` opens the store (the app does it at startup)
    and :meth:`close` lets go of it.

    The generation is looked up on every request (one ``readlink``), so a write made through another
    server process, or by ``dragonbear load`` beside the server, is seen by the next request.

    Args:
        settings: the store directory, the time limit and the result cap.
        on_overrun: what to do when a query runs past the time limit or the memory ceiling (the server
            retires the process, see :mod:`dragonbear.service.runtime.runner`); None in tests that run
            the app in-process.
        on_exhausted: what to do when the process passed the hard memory ceiling, once its running
            queries were answered (the server exits it, see :mod:`dragonbear.service.runtime.memory`).
        inline: run look-ups of one subject's values on the event loop, not on a query thread
            (:meth:`query_cached`); ``bench/http.py --steps`` turns it off to measure what it buys.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        on_overrun: Callable[[], None] | None = None,
        on_exhausted: Callable[[], None] | None = None,
        inline: bool = True,
    ) -> None:
        self.settings = settings
        self.on_exhausted = on_exhausted
        self.memory_guard: MemoryGuard | None = None
        self.inline = inline
        self.store_dir = settings.store_dir
        self.runner: QueryRunner | None = None
        self.on_overrun = on_overrun
        self._writer: StoreWriter | None = None
        self._counts: tuple[Path, dict[str, int]] | None = None
        self._counts_lock = threading.Lock()
        self._open_lock = threading.Lock()
        self._link: str | None = None
        self._link_path = str(self.store_dir / CURRENT)
        self._local: tuple[Path, GraphStore] | None = None
        self._releases: OrderedDict[Path, GraphStore] = OrderedDict()
        self._answers: LruCache[tuple[object, ...], tuple[Reply, str]] = LruCache(
            entries=CACHE_ENTRIES, max_bytes=CACHE_MAX_BODY, size=lambda hit: len(hit[0].body)
        )
        self._reads: LruCache[tuple[object, ...], object] = LruCache(entries=CACHE_ENTRIES)
        self._running: dict[tuple[object, ...], asyncio.Future[tuple[Reply, str]]] = {}
        self.raw_cache: LruCache[tuple[object, ...], CachedResponse] = LruCache(entries=RAW_ENTRIES)
        self._asked: set[int] = set()  # see asked_before

    def start(self) -> None:
        """Open the current generation and start the query threads.

        Raises:
            StoreError: there is no store, or it cannot be opened.
        """
        if current_generation(self.store_dir) is None:
            raise StoreError(f"no store at {self.store_dir}: run `dragonbear build` first")
        self.runner = QueryRunner(
            threads=QUERY_THREADS, timeout=self.settings.query_timeout, on_overrun=self.on_overrun
        )
        if self.settings.memory_ceiling > 0:
            self.memory_guard = MemoryGuard(
                self.runner,
                self.settings.memory_ceiling,
                on_exceeded=self.on_overrun,
                on_exhausted=None if self.on_exhausted is None else self._exhausted,
            )
        self.local_store()
        self._writer = StoreWriter(
            self.store_dir, timeout=self.settings.query_timeout, on_swap=lambda gen: self.generation()
        )

    def _exhausted(self) -> None:
        """Past the hard memory ceiling, the running queries answered: the queries waiting for a thread,
        and those that come before the process has left, are answered with a 503 at once (they would
        not finish before it exits), and then ``on_exhausted`` stops the process."""
        if self.runner is not None:
            self.runner.refuse("this server process ran short of memory and is stopping; try again")
        if self.on_exhausted is not None:
            self.on_exhausted()

    def close(self) -> None:
        """Stop the query threads."""
        if self.memory_guard is not None:
            self.memory_guard.close()
        if self.runner is not None:
            self.runner.close()

    def generation(self) -> Path | None:
        """The current generation (reopened here when it changed), or None before :meth:`start`."""
        if self.runner is None:
            return None
        return self._current()[0]

    def current(self) -> tuple[Path, GraphStore]:
        """The current generation and its read-only handle (one ``readlink``), to pass to
        :meth:`query_cached` so that a request looks the generation up once.

        Raises:
            StoreError: the store is not started, or there is none.
        """
        if self.runner is None:
            raise StoreError("the served store is not started")
        return self._current()

    def _current(self) -> tuple[Path, GraphStore]:
        pinned = _PINNED.get()
        if pinned is not None:
            return pinned
        return self._live()

    def _live(self) -> tuple[Path, GraphStore]:
        """The current generation (what :meth:`_current` gives when no release is pinned)."""
        try:
            link = os.readlink(self._link_path)
        except OSError:
            link = None
        local = self._local
        if local is not None and link == self._link:
            return local
        with self._open_lock:
            if self._local is None or link != self._link:
                gen = current_generation(self.store_dir)
                if gen is None:
                    if self._local is not None:  # the link is gone: keep answering from what is open
                        return self._local
                    raise StoreError(f"no store at {self.store_dir}: run `dragonbear build` first")
                if self._local is None or self._local[0] != gen:
                    if self._local is not None:  # a write made another generation current
                        self._forget()
                    self._local = (gen, EmbeddedStore.open(gen, read_only=True))
                self._link = link
            return self._local

    def _forget(self) -> None:
        """Empty the answer caches: every key holds a generation, and none of the older one would be hit
        again (a server taking a write every few seconds kept thousands of dead entries, about 90 MiB of
        the shipped graph's pages and API answers; ``bench/soak.py``). Kept releases' entries go too,
        and are made again when asked for."""
        self._answers.clear()
        self._reads.clear()
        self.raw_cache.clear()
        self._asked.clear()

    def release(self, version: str) -> tuple[Path, GraphStore]:
        """The kept release ``version`` (:mod:`dragonbear.graph.releases`): its checkpoint and a
        read-only handle on it, opened once and kept (the :data:`RELEASE_HANDLES` last used).

        Raises:
            NotFoundError: the store keeps no release of that name (the message names those it keeps).
        """
        path = release_directory(self.store_dir, version) if valid_release_name(version) else None
        if path is None:
            kept = ", ".join(r.version for r in kept_releases(self.store_dir)) or "none"
            raise NotFoundError(f"release {version!r} is not kept by this server (kept: {kept}; see /v/)")
        with self._open_lock:
            handle = self._releases.get(path)
            if handle is None:
                handle = EmbeddedStore.open(path, read_only=True)
                self._releases[path] = handle
                while len(self._releases) > RELEASE_HANDLES:
                    self._releases.popitem(last=False)
            self._releases.move_to_end(path)
            return path, handle

    @contextmanager
    def pinned(self, release: tuple[Path, GraphStore]) -> Iterator[None]:
        """Within this block (and the tasks and threads it starts), every read of this served store
        (:meth:`read`, :meth:`query_cached`, :meth:`current` ...) answers from ``release`` instead of
        the current generation: how ``/v/RELEASE/...`` serves the live routes on a kept release."""
        token = _PINNED.set(release)
        try:
            yield
        finally:
            _PINNED.reset(token)

    def _runner(self) -> QueryRunner:
        if self.runner is None:
            raise StoreError("the served store is not started")
        return self.runner

    def query(self, job: QueryJob | GraphJob) -> Reply:
        """Run a read job against the time limit (blocking); raise the project error it ends with."""
        local = self._current()[1]
        return self._runner().run(lambda: run_job(local, job))

    async def query_async(self, job: QueryJob | GraphJob) -> Reply:
        """:meth:`query` without blocking the event loop."""
        local = self._current()[1]
        return await self._runner().run_async(lambda: run_job(local, job))

    def read(self, work: Callable[[GraphStore], T], *, key: Hashable | None = None) -> T:
        """Run ``work`` on the current generation, on the runner's threads against the time limit.

        Args:
            work: what to read (a page, an API answer, a chart's numbers); it gets the store.
            key: when given, the result is kept for the current generation under this key, and the
                next read with the same key in the same generation gets it without running ``work``.

        Returns:
            What ``work`` returned.

        Raises:
            QueryTimeoutError: ``work`` ran past the time limit.
            ServiceUnavailableError: every query thread stayed busy until the time limit.
            DragonbearError: whatever ``work`` raised, as it raised it.
        """
        gen, local = self._current()
        full_key = (str(gen), key) if key is not None else None
        if full_key is not None:
            hit = self._reads.get(full_key)
            if hit is not None:
                return hit  # type: ignore[return-value]
        value = self._runner().run(lambda: work(local))
        if full_key is not None and value is not None:
            self._reads.put(full_key, value)
        return value

    def _inline(self, job: QueryJob) -> bool:
        """Whether a query runs here, on the event loop, rather than on a query thread: a look-up of one
        subject's values (:func:`~dragonbear.graph.sparql_text.bounded_lookup`) over the default
        dataset. Its work is bounded by its answer, which :func:`run_bounded` bounds (1 MiB, else the
        threads run it); the hop to a thread and back would cost it more than its own run."""
        return self.inline and job.default_graphs is None and job.named_graphs is None and bounded_lookup(job.sparql)

    def _key(self, gen: Path, job: QueryJob) -> tuple[object, ...]:
        return (
            str(gen),
            job.sparql,
            tuple(job.default_graphs or ()),
            tuple(job.named_graphs or ()),
            job.default_graphs is None,
            job.named_graphs is None,
            job.base_iri,
            job.accept,
            job.fmt,
            job.max_results,
        )

    def _remember(self, key: tuple[object, ...], gen: Path, reply: Reply) -> str:
        etag = entity_tag(gen, reply.body)
        self._answers.put(key, (reply, etag))
        return etag

    def asked_before(self, key: Hashable) -> bool:
        """Whether the raw request ``key`` (of a look-up answered by :meth:`lookup`) was asked before in
        this generation, noting it if not: the fast path keeps a look-up's answer from its second ask on.

        Keeping each answer costs a never-seen look-up about a tenth of its run, and a look-up asked
        once is the common case; the cost of a repeated one is one more run. A hash per request is
        noted, up to :data:`ASKED_ENTRIES`, then the notes start again.
        """
        mark = hash(key)
        if mark in self._asked:
            return True
        if len(self._asked) >= ASKED_ENTRIES:
            self._asked.clear()
        self._asked.add(mark)
        return False

    def is_lookup(self, sparql: str) -> bool:
        """Whether this store runs ``sparql`` here and now as a look-up (see :meth:`lookup`)."""
        return self.inline and bounded_lookup(sparql)

    def lookup(
        self, sparql: str, *, base_iri: str, accept: str | None, current: tuple[Path, GraphStore]
    ) -> tuple[Reply, str] | None:
        """The answer and entity tag of a look-up of one subject's values over the default dataset
        (``GET /sparql?query=...``), run here and now; None for any other query, and for a look-up
        whose answer is not small SPARQL JSON: then :meth:`query_cached` runs it (``tried`` says which,
        from :meth:`is_lookup`).

        Such an answer is not kept in the answer cache: running the look-up again costs about what
        keeping it would (the raw-request map of the fast path still keeps repeated ``GET`` asks).

        Raises:
            QueryError: the query does not parse or fails (``ResultLimitError`` past the cap).
            NotAcceptableError: no format the client accepts fits the result.
        """
        if not self.inline:
            return None
        gen, local = current
        reply = run_lookup(
            local, sparql, base_iri=base_iri, accept=accept, cap=self.settings.max_results, checked=False
        )
        if reply is None:
            return None
        return reply, entity_tag(gen, reply.body)

    async def query_cached(
        self, job: QueryJob, current: tuple[Path, GraphStore] | None = None, *, tried: bool | None = None
    ) -> tuple[Reply, str, str]:
        """Run a query, or answer it from the cache of the current generation, or share the run of the
        same query already under way in this process.

        A store generation never changes once written (a write makes a new one), so an answer is
        valid for as long as its generation is current: the key includes the generation, and the
        entity tag is a hash of the generation and the answer. Identical queries that arrive while
        one runs wait for that run instead of starting their own (eight clients asking for the same
        20-second aggregate would otherwise run it eight times at once, and all past the limit).

        Args:
            job: the query.
            current: the generation and handle the request already looked up (:meth:`current`).
            tried: whether the caller already tried the query as a look-up with :meth:`lookup` (True:
                it is one, but too large or not SPARQL JSON; False: it is none), so as not to try again.

        Returns:
            The reply, its entity tag, and where it came from: ``miss`` (run now), ``hit`` (the
            cache) or ``shared`` (the run of an identical query under way).
        """
        gen, local = current if current is not None else self._current()
        fast_json = not tried
        if tried is None and self._inline(job):  # answered here and now, not kept (see :meth:`lookup`)
            reply = run_bounded(local, job)
            if reply is not None:
                return reply, entity_tag(gen, reply.body), "miss"
            fast_json = False  # past 1 MiB (or not JSON): the thread writes it row by row at once
        key = self._key(gen, job)
        hit = self._answers.get(key)
        if hit is not None:
            return hit[0], hit[1], "hit"
        running = self._running.get(key)
        if running is not None:
            reply, etag = await asyncio.shield(running)
            return reply, etag, "shared"  # type: ignore[return-value]
        shared: asyncio.Future[tuple[Reply, str]] = asyncio.get_running_loop().create_future()
        self._running[key] = shared
        try:
            reply = await self._runner().run_async(lambda: run_job(local, job, fast_json=fast_json))
            etag = self._remember(key, gen, reply)
            shared.set_result((reply, etag))
            return reply, etag, "miss"
        except BaseException as exc:
            shared.set_exception(exc)
            shared.exception()  # retrieved: no warning when nobody else waited
            raise
        finally:
            del self._running[key]

    def write(self, job: WriteJob) -> WriteOutcome:
        """Apply a write as one transaction; the next request of any server process reads the result."""
        if self._writer is None:
            raise StoreError("the served store is not started")
        return self._writer.apply(job)

    def local_store(self) -> GraphStore:
        """The read-only handle on the current generation in this process, for warming its caches
        at startup (reopened when a write has swapped the generation); routes read with :meth:`read`."""
        return self._current()[1]

    def graph_counts(self) -> dict[str, int]:
        """Triples per named graph of the current generation (counted once per generation)."""
        gen, local = self._current()
        with self._counts_lock:
            if self._counts is None or self._counts[0] != gen:
                self._counts = (gen, self._runner().run(lambda: run_job(local, CountJob())).data)
            return dict(self._counts[1])

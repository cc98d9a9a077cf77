"""The served store in front of a SPARQL server (``dragonbear serve --store URL``).

Everything a route does goes through the same :class:`~dragonbear.service.runtime.served.ServedStore`
as on the embedded store: the query threads and the time limit, the result cap, the answer caches and
the entity tags. What differs is where the answers come from and what a "generation" is:

- Queries go to the server over HTTP (:class:`~dragonbear.graph.remote.RemoteStore`), with the
  project's graphs as the dataset; nothing runs on the event loop but a look-up of the build record.
- The generation is the server's build record (:func:`~dragonbear.graph.publish.build_record`),
  looked up at most once every :data:`REFRESH` seconds: a ``dragonbear build --store URL`` made
  elsewhere is seen within that time, and the cached answers of the old build are never served after.
  Writes that reach the server by another way than this project do not change the record; the cache
  keeps answers for at most that long then (:data:`ANSWER_TTL`).
- Writes (``/update`` and ``/store`` with the token) go to the server, one request each, in the
  server's own transaction; the record is renewed so every process's cache moves on.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from dragonbear.errors import NotFoundError, StoreError
from dragonbear.graph.locations import open_remote
from dragonbear.graph.publish import build_record, record_update
from dragonbear.graph.remote import RemoteStore
from dragonbear.graph.store import GraphStore
from dragonbear.service.runtime.runner import QueryRunner
from dragonbear.service.runtime.served import QUERY_THREADS, ServedStore
from dragonbear.service.runtime.writer import WriteJob, WriteOutcome, apply_job
from dragonbear.settings import Settings

__all__ = ["ANSWER_TTL", "REFRESH", "RemoteServedStore", "served_store"]

REFRESH = 1.0  # seconds between look-ups of the server's build record
ANSWER_TTL = 60.0  # seconds an answer is kept when the server has no build record to key it on


class RemoteServedStore(ServedStore):
    """:class:`ServedStore` whose graph is on a SPARQL server (see the module's text)."""

    def __init__(self, settings: Settings, *, on_overrun: Callable[[], None] | None = None) -> None:
        super().__init__(settings, on_overrun=on_overrun, inline=False)
        if settings.store_address is None:
            raise StoreError("a remote served store needs a server address")
        self.address = settings.store_address
        self._remote: RemoteStore | None = None
        self._seen: tuple[Path, float] | None = None
        self._record_lock = threading.Lock()

    def start(self) -> None:
        """Check that the server answers and start the query threads.

        Raises:
            StoreError: the server does not answer.
        """
        # A query past the time limit is answered 503 by the runner, and its thread gives up on the
        # server 5 s later (the HTTP client's time-out closes the connection): nothing runs on in this
        # process, so the process is not retired as it is when pyoxigraph runs a query that cannot be
        # stopped (on_overrun is not used).
        self._remote = open_remote(self.address, timeout=self.settings.query_timeout + 5)
        self.runner = QueryRunner(threads=QUERY_THREADS, timeout=self.settings.query_timeout, on_overrun=None)
        self._live()

    def close(self) -> None:
        """Stop the query threads and close the connections to the server."""
        super().close()
        if self._remote is not None:
            self._remote.close()

    def _generation_of(self, remote: RemoteStore) -> Path:
        record = build_record(remote)
        if record is None:  # never built by this project: answers are kept for ANSWER_TTL at most
            slot = int(time.time() // ANSWER_TTL)
            return self.store_dir / f"gen-{datetime.fromtimestamp(slot * ANSWER_TTL, UTC):%Y%m%dT%H%M%S}-unbuilt"
        return self.store_dir / f"gen-{record.modified:%Y%m%dT%H%M%S}-{record.id}"

    def release(self, version: str) -> tuple[Path, GraphStore]:
        """No release is kept on a SPARQL server: each build there replaces the last.

        Raises:
            NotFoundError: always.
        """
        raise NotFoundError(
            f"release {version!r} is not kept: this server's graph is on a SPARQL server, where each build "
            "replaces the last; the current release is served at /sparql and /id/"
        )

    def _live(self) -> tuple[Path, GraphStore]:
        remote = self._remote
        if remote is None:
            raise StoreError("the served store is not started")
        seen, now = self._seen, time.monotonic()
        if seen is not None and now - seen[1] < REFRESH:
            return seen[0], remote
        with self._record_lock:
            if self._seen is None or now - self._seen[1] >= REFRESH:
                gen = self._generation_of(remote)
                if self._seen is not None and gen != self._seen[0]:
                    remote.forget_graphs()  # a new build may have other graphs
                self._seen = (gen, now)
            return self._seen[0], remote

    def write(self, job: WriteJob) -> WriteOutcome:
        """Apply a write on the server (one request, its transaction), then renew the build record."""
        remote = self._remote
        if remote is None:
            raise StoreError("the served store is not started")
        graphs = set(remote.graphs())
        outcome = apply_job(remote, job)
        if job.operation == "update":  # an update may have made or emptied any graph: look
            graphs = set(remote.scan_graphs())
        elif job.graph is not None:
            graphs = graphs - {job.graph} if job.operation == "delete" else graphs | {job.graph}
        when = datetime.now(UTC).replace(microsecond=0)
        remote.update(record_update(graphs, uuid.uuid4().hex[:12], when))
        remote.forget_graphs()
        with self._record_lock:
            self._seen = None
        return outcome


def served_store(
    settings: Settings,
    *,
    on_overrun: Callable[[], None] | None = None,
    on_exhausted: Callable[[], None] | None = None,
    inline: bool = True,
) -> ServedStore:
    """The served store the settings name: on a SPARQL server, or the embedded store's generations
    (the memory ceiling watches only the latter: a SPARQL server's queries use its own memory)."""
    if settings.store_address is not None:
        return RemoteServedStore(settings, on_overrun=on_overrun)
    return ServedStore(settings, on_overrun=on_overrun, on_exhausted=on_exhausted, inline=inline)

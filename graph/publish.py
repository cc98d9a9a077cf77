"""Replace the project's graphs on a SPARQL server so that a failed replacement changes nothing.

A build (or a load) is made and validated in a local embedded store first; :func:`publish` then
copies its graphs to the server under *new* graph names (``urn:dragonbear:staging:<id>:<graph>``),
checks that the server holds every quad, and switches in one SPARQL update request:
``MOVE`` each new graph onto its project name (``MOVE`` drops what the target held), ``DROP`` the
project graphs the build no longer has, and rewrite the build record. A server runs one update
request as one transaction (Oxigraph's server; Virtuoso's SPARQL endpoint), so readers see the old
graphs or the new ones, never a mix. Anything that fails before the switch leaves the old graphs
answering and the staging graphs dropped.

The build record, in the graph :data:`BUILD_GRAPH`, says when the graphs were made and under which
id; a server process keys its answer cache on that id, so a build made by another machine is seen.
"""

from __future__ import annotations

import contextlib
import hashlib
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

import pyoxigraph as ox

from dragonbear.errors import DragonbearError, StoreError
from dragonbear.graph.remote import BUILD_GRAPH, HAS_PART, RemoteStore
from dragonbear.graph.store import GraphStore
from dragonbear.namespaces import XSD

__all__ = ["BUILD_GRAPH", "STAGING", "BuildRecord", "build_record", "graph_digests", "publish", "record_update"]

STAGING = "urn:dragonbear:staging:"
_RECORD = ox.NamedNode(BUILD_GRAPH)
_ID = ox.NamedNode("http://purl.org/dc/terms/identifier")
_MODIFIED = ox.NamedNode("http://purl.org/dc/terms/modified")
CHUNK = 100_000  # quads sent in one Graph Store request
SWITCH_TIMEOUT = 3600.0  # seconds the switch may take (Oxigraph's server copies the quads a MOVE moves)


@dataclass(frozen=True)
class BuildRecord:
    """The build a server holds: its id and when it was published."""

    id: str
    modified: datetime


def build_record(store: GraphStore) -> BuildRecord | None:
    """The record of the last :func:`publish` on ``store``, or None (never published there)."""
    rows = list(
        store.select(
            f"SELECT ?id ?t WHERE {{ GRAPH <{BUILD_GRAPH}> {{ {_RECORD} {_ID} ?id ; {_MODIFIED} ?t }} }}",
            default_graph=[],
            named_graphs=[BUILD_GRAPH],
        )
    )
    if not rows:
        return None
    return BuildRecord(rows[0]["id"].value, datetime.fromisoformat(rows[0]["t"].value))


def graph_digests(store: GraphStore) -> dict[str, str]:
    """A digest of each named graph's quads (sorted N-Triples), to tell which graphs a change touched.

    >>> s = __import__("dragonbear.graph.store", fromlist=["x"]).EmbeddedStore.open(None)
    >>> s.load(b'<http://e/a> <http://e/p> "1" .', format=ox.RdfFormat.N_TRIPLES, graph="http://e/g")
    >>> list(graph_digests(s))
    ['http://e/g']
    """
    out = {}
    for graph in store.graphs():
        lines = sorted(str(q.triple) for q in store.quads(graph))
        out[graph] = hashlib.sha256("\n".join(lines).encode()).hexdigest()
    return out


def _send_graph(local: GraphStore, remote: RemoteStore, graph: str, target: str) -> int:
    """Copy one graph of ``local`` to ``target`` on ``remote`` in chunks; the number of quads sent."""
    batch: list[ox.Triple] = []
    sent = 0
    for quad in local.quads(graph):
        batch.append(quad.triple)
        if len(batch) == CHUNK:
            remote.load(
                ox.serialize(batch, format=ox.RdfFormat.N_TRIPLES) or b"", format=ox.RdfFormat.N_TRIPLES, graph=target
            )
            sent, batch = sent + len(batch), []
    if batch:
        remote.load(
            ox.serialize(batch, format=ox.RdfFormat.N_TRIPLES) or b"", format=ox.RdfFormat.N_TRIPLES, graph=target
        )
        sent += len(batch)
    return sent


def record_update(graphs: Iterable[str], build_id: str, when: datetime) -> str:
    """The update that writes the build record: the project's graphs, the build's id and time.

    >>> print(record_update(["http://g"], "1", datetime(2026, 1, 1, tzinfo=UTC)))
    DROP SILENT GRAPH <urn:dragonbear:build> ;
    INSERT DATA { GRAPH <urn:dragonbear:build> { <urn:dragonbear:build> <http://purl.org/dc/terms/identifier> "1" ; <http://purl.org/dc/terms/modified> "2026-01-01T00:00:00+00:00"^^<http://www.w3.org/2001/XMLSchema#dateTime> ; <http://purl.org/dc/terms/hasPart> <http://g> } }
    """
    stamp = ox.Literal(when.isoformat(), datatype=ox.NamedNode(XSD + "dateTime"))
    parts = "".join(f" ; <{HAS_PART}> <{g}>" for g in sorted(graphs))
    return (
        f"DROP SILENT GRAPH {_RECORD} ;\n"
        f'INSERT DATA {{ GRAPH {_RECORD} {{ {_RECORD} {_ID} "{build_id}" ; {_MODIFIED} {stamp}{parts} }} }}'
    )


def _switch(
    staged: dict[str, str], dropped: Iterable[str], graphs: Iterable[str], build_id: str, when: datetime
) -> str:
    """The one update request that puts the staged graphs in place and records the project's ``graphs``.

    >>> print(_switch({"http://g": "urn:s:g"}, ["http://old"], ["http://g"], "1", datetime(2026, 1, 1, tzinfo=UTC)))
    MOVE SILENT GRAPH <urn:s:g> TO GRAPH <http://g> ;
    DROP SILENT GRAPH <http://old> ;
    DROP SILENT GRAPH <urn:dragonbear:build> ;
    INSERT DATA { GRAPH <urn:dragonbear:build> { ... <http://purl.org/dc/terms/hasPart> <http://g> } }
    """
    steps = [f"MOVE SILENT GRAPH <{stage}> TO GRAPH <{graph}>" for graph, stage in staged.items()]
    steps += [f"DROP SILENT GRAPH <{graph}>" for graph in dropped]
    return " ;\n".join([*steps, record_update(graphs, build_id, when)])


def _hint(error: Exception) -> str:
    """What to change on the server when it refused the switch for a reason of its configuration.

    >>> _hint(StoreError("Virtuoso 40000 Error SR325: Transaction aborted because it's log after image size went above the limit"))[:50]
    '. Virtuoso keeps the log of one transaction under '
    """
    if "SR325" in str(error):
        return (
            ". Virtuoso keeps the log of one transaction under TransactionAfterImageLimit (50 MB unless set), "
            "and the switch moves every quad in one transaction: set TransactionAfterImageLimit in the "
            "[Parameters] of virtuoso.ini well above the size of the data (the full SIPRI register's 1.4 "
            "million quads do not fit under the default), restart Virtuoso and build again"
        )
    return ""


def publish(
    local: GraphStore,
    remote: RemoteStore,
    *,
    graphs: Iterable[str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> BuildRecord:
    """Make the server's project graphs those of ``local``, all at once (see the module's text).

    Args:
        local: the built and validated graph.
        remote: the server.
        graphs: only these graphs of ``local`` changed (the others are left as they are on the
            server); None sends every graph and drops the server's project graphs ``local`` lacks.
        progress: called with a line of text per step.

    Returns:
        The new build record.

    Raises:
        StoreError: the server refused or lost a write; its graphs are as they were.
    """
    say = progress or (lambda _line: None)
    build_id = uuid.uuid4().hex[:12]
    wanted = list(local.graphs()) if graphs is None else list(graphs)
    staged = {g: f"{STAGING}{build_id}:{g}" for g in wanted if local.has_graph(g)}
    before = remote.graphs()
    dropped = [g for g in before if g not in staged] if graphs is None else [g for g in wanted if g not in staged]
    after = sorted(set(staged) | (set() if graphs is None else set(before) - set(dropped)))
    try:
        for graph, stage in staged.items():
            sent = _send_graph(local, remote, graph, stage)
            held = remote.count(stage)
            if held != sent:
                raise StoreError(f"the server holds {held:,} of the {sent:,} triples sent for <{graph}>")
            say(f"  {sent:>10,} triples sent for <{graph}>")
        when = datetime.now(UTC).replace(microsecond=0)
        say(f"Switching {len(staged)} graphs in one update ...")
        remote.update(_switch(staged, dropped, after, build_id, when), timeout=SWITCH_TIMEOUT)
    except DragonbearError as exc:
        for (
            stage
        ) in staged.values():  # if the server is gone, what was staged stays there, outside the project's graphs
            with contextlib.suppress(DragonbearError):
                remote.drop_graph(stage)
        raise StoreError(f"the graphs on the server were left as they were: {exc}{_hint(exc)}") from exc
    say(f"Switched {len(staged)} graphs on the server in one update (build {build_id}).")
    return BuildRecord(build_id, when)

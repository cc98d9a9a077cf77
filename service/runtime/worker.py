"""Code that runs in the server's child processes: query workers and the one-shot writer.

pyoxigraph cannot cancel a query running in a thread, so queries run in worker processes, each with
the current generation of the store open read-only; the server kills a worker whose query runs past
the time limit, which stops the query and frees its CPU. A write runs in a process of its own on a
RocksDB checkpoint (hard links) of the current generation, which the server swaps in when it
succeeds (see ``docs/decisions/0007-endpoint-workers-and-writes.md``).

Jobs and replies cross the process boundary by pickling: they are plain dataclasses, and errors
travel as the name of a class of :mod:`dragonbear.errors` plus a message.
"""

from __future__ import annotations

import json
import signal
import traceback
from dataclasses import dataclass, field
from itertools import islice
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox

from dragonbear.errors import DragonbearError, LoadError, NotFoundError, QueryError, ResultLimitError
from dragonbear.graph.sparql_text import query_form
from dragonbear.graph.store import EmbeddedStore
from dragonbear.namespaces import PREFIXES, XSD
from dragonbear.service.runtime.negotiation import Representation, ResultKind, choose

__all__ = ["CountJob", "GraphJob", "QueryJob", "Reply", "WriteJob", "apply_write", "run_job", "serve_queries"]


@dataclass(frozen=True)
class QueryJob:
    """A SPARQL query with its protocol dataset and the client's format preferences."""

    sparql: str
    default_graphs: list[str] | None = None
    named_graphs: list[str] | None = None
    base_iri: str | None = None
    accept: str | None = None
    fmt: str | None = None
    max_results: int = 0


@dataclass(frozen=True)
class GraphJob:
    """Graph Store Protocol GET: one named graph (or the store's own default graph when ``graph`` is None)."""

    graph: str | None
    accept: str | None = None
    fmt: str | None = None
    max_results: int = 0


@dataclass(frozen=True)
class CountJob:
    """Count the triples of each named graph (for the service description and VoID)."""


@dataclass(frozen=True)
class WriteJob:
    """A write: a SPARQL update, or a Graph Store Protocol PUT, POST or DELETE."""

    operation: str                      # "update", "put", "post" or "delete"
    text: str = ""                      # the update
    base_iri: str | None = None
    graph: str | None = None            # GSP target; None: the store's own default graph
    data: bytes = b""                   # GSP body
    media_type: str = ""                # GSP body media type


@dataclass(frozen=True)
class Reply:
    """What a child process answers: a body, or an error (a :mod:`dragonbear.errors` class name, or "bug")."""

    body: bytes = b""
    content_type: str = ""
    count: int = 0
    data: dict[str, int] = field(default_factory=dict)
    error: str | None = None
    message: str = ""


def _term(term: object) -> dict[str, object]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, object] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD + "string":
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {"subject": _term(term.subject), "predicate": _term(term.predicate),
                                            "object": _term(term.object)}}
    raise TypeError(f"unexpected term {term!r}")


def _cap_error(cap: int, what: str) -> ResultLimitError:
    return ResultLimitError(f"the result has more than {cap:,} {what}, the server's result cap; nothing was "
                            "sent. Narrow the query, or page through it with LIMIT and OFFSET")


def _take(items: object, cap: int, what: str) -> list[object]:
    try:
        taken = list(islice(items, cap + 1)) if cap else list(items)  # type: ignore[call-overload]
    except (OSError, RuntimeError, ValueError) as exc:
        raise QueryError(f"query failed: {exc}") from exc
    if cap and len(taken) > cap:
        raise _cap_error(cap, what)
    return taken


def _solutions(result: ox.QuerySolutions, rep: Representation, cap: int) -> Reply:
    names = [v.value for v in result.variables]
    rows = _take(result, cap, "rows")
    bindings = [{n: _term(sol[n]) for n in names if sol[n] is not None} for sol in rows]  # type: ignore[index]
    body = json.dumps({"head": {"vars": names}, "results": {"bindings": bindings}},
                      ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    if rep.results_format != ox.QueryResultsFormat.JSON:
        parsed = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        body = parsed.serialize(format=rep.results_format) or b""
    return Reply(body=body, content_type=rep.content_type, count=len(rows))


def _triples(triples: list[object], rep: Representation) -> Reply:
    body = ox.serialize(triples, format=rep.rdf_format, prefixes=PREFIXES) or b""  # type: ignore[arg-type]
    return Reply(body=body, content_type=rep.content_type, count=len(triples))


def _run_query(store: EmbeddedStore, job: QueryJob) -> Reply:
    result = store.query(job.sparql, default_graph=job.default_graphs, named_graphs=job.named_graphs,
                         base_iri=job.base_iri)
    if isinstance(result, ox.QueryBoolean):
        rep = choose(ResultKind.RESULTS, job.accept, job.fmt)
        return Reply(body=result.serialize(format=rep.results_format) or b"", content_type=rep.content_type,
                     count=1)
    if isinstance(result, ox.QuerySolutions):
        return _solutions(result, choose(ResultKind.RESULTS, job.accept, job.fmt), job.max_results)
    rep = choose(ResultKind.GRAPH, job.accept, job.fmt)
    return _triples(_take(result, job.max_results, "triples"), rep)


def _run_graph(store: EmbeddedStore, job: GraphJob) -> Reply:
    rep = choose(ResultKind.GRAPH, job.accept, job.fmt)
    if job.graph is not None and not store.has_graph(job.graph):
        raise NotFoundError(f"the store has no graph <{job.graph}>")
    quads = store.quads(job.graph if job.graph is not None else ox.DefaultGraph())
    triples = [q.triple for q in _take(quads, job.max_results, "triples")]  # type: ignore[attr-defined]
    return _triples(triples, rep)


def _count(store: EmbeddedStore) -> Reply:
    rows = store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
                       named_graphs=None)
    counts = {r["g"].value: int(r["n"].value) for r in rows}
    for graph in store.graphs():
        counts.setdefault(graph, 0)
    return Reply(data=counts)


def run_job(store: EmbeddedStore, job: QueryJob | GraphJob | CountJob) -> Reply:
    """Run one read job; project errors become error replies, anything else a "bug" reply."""
    try:
        if isinstance(job, QueryJob):
            return _run_query(store, job)
        if isinstance(job, GraphJob):
            return _run_graph(store, job)
        return _count(store)
    except DragonbearError as exc:
        return Reply(error=type(exc).__name__, message=str(exc))
    except Exception:  # noqa: BLE001 - a bug: sent back, the server logs it and answers 500
        return Reply(error="bug", message=traceback.format_exc())


def serve_queries(conn: Connection, generation: str) -> None:
    """Worker process main loop: open ``generation`` read-only, answer jobs until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server stops its workers itself
    try:
        store = EmbeddedStore.open(Path(generation), read_only=True)
    except DragonbearError as exc:
        conn.send(Reply(error=type(exc).__name__, message=str(exc)))
        return
    conn.send(Reply())
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):  # the server is gone
            return
        if job is None:
            return
        conn.send(run_job(store, job))


def _apply(store: EmbeddedStore, job: WriteJob) -> bool:
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
    fmt = ox.RdfFormat.from_media_type(job.media_type)
    if fmt is None:
        raise LoadError(f"{job.media_type} is not an RDF format the store reads")
    try:
        store.load(job.data, format=fmt, graph=job.graph, base_iri=job.base_iri)
    except (SyntaxError, ValueError) as exc:
        raise LoadError(f"the request body is not valid {job.media_type}: {exc}") from exc
    if not existed and job.graph is not None:
        store.add_graph(job.graph)
    return not existed


def apply_write(conn: Connection, current: str, target: str, job: WriteJob) -> None:
    """Writer process: checkpoint ``current`` into ``target``, apply ``job`` there, flush, report."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        source = EmbeddedStore.open(Path(current), read_only=True)
        source.backup(Path(target))
        del source
        store = EmbeddedStore.open(Path(target))
        created = _apply(store, job)
        store.flush()
        conn.send(Reply(data={"created": int(created)}))
    except DragonbearError as exc:
        conn.send(Reply(error=type(exc).__name__, message=str(exc)))
    except Exception:  # noqa: BLE001 - a bug: sent back, the server logs it and answers 500
        conn.send(Reply(error="bug", message=traceback.format_exc()))

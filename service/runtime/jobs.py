"""Read jobs of the server: a SPARQL query, a Graph Store read, the graph counts; and their answers.

A job runs on a thread of :class:`~dragonbear.service.runtime.runner.QueryRunner` against the time
limit, with the server's result cap: a result past the cap is an error, never a silent cut. Errors are
the project's exceptions, raised as they are (with their file, line and candidates); nothing is turned
into a class name and back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from itertools import islice
from json.encoder import encode_basestring as _string  # as json.dumps(ensure_ascii=False)

import pyoxigraph as ox

from dragonbear.errors import NotFoundError, QueryError, ResultLimitError
from dragonbear.graph.sparql_text import Lookup, bounded_lookup, read_lookup
from dragonbear.graph.store import GraphStore
from dragonbear.namespaces import PREFIXES, XSD
from dragonbear.service.runtime.negotiation import Representation, ResultKind, choose

__all__ = ["CountJob", "GraphJob", "QueryJob", "Reply", "answer", "json_rows", "run_bounded", "run_job", "run_lookup"]


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
class Reply:
    """The answer of a job: a body in a negotiated format, or data (graph counts)."""

    body: bytes = b""
    content_type: str = ""
    count: int = 0
    data: dict[str, int] = field(default_factory=dict)


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
        return {
            "type": "triple",
            "value": {"subject": _term(term.subject), "predicate": _term(term.predicate), "object": _term(term.object)},
        }
    raise TypeError(f"unexpected term {term!r}")


def _cap_error(cap: int, what: str) -> ResultLimitError:
    return ResultLimitError(
        f"the result has more than {cap:,} {what}, the server's result cap; nothing was "
        "sent. Narrow the query, or page through it with LIMIT and OFFSET"
    )


def _take(items: object, cap: int, what: str) -> list[object]:
    try:
        taken = list(islice(items, cap + 1)) if cap else list(items)  # type: ignore[call-overload]
    except (OSError, RuntimeError, ValueError) as exc:
        raise QueryError(f"query failed: {exc}") from exc
    if cap and len(taken) > cap:
        raise _cap_error(cap, what)
    return taken


FAST_BYTES = 1 << 20
"""Answers in SPARQL JSON up to this size are written by pyoxigraph's serializer (see :func:`_fast_json`)."""


class _Spill(Exception):
    """The answer written by pyoxigraph passed :data:`FAST_BYTES`."""


class _Bounded:
    """A binary writer that keeps what pyoxigraph writes, up to a bound."""

    __slots__ = ("bound", "chunks", "size")

    def __init__(self, bound: int) -> None:
        self.chunks: list[bytes] = []
        self.size, self.bound = 0, bound

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.bound:
            raise _Spill
        self.chunks.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass


def _fast_json(result: ox.QuerySolutions, rep: Representation, cap: int) -> Reply | None:
    """SPARQL JSON written by pyoxigraph (in Rust, without a Python object per row and term), its
    rows counted once written; None when the answer passes :data:`FAST_BYTES`, whose query the
    caller then runs again on the row-by-row path (which holds no more than the cap in memory).

    Raises:
        ResultLimitError: more rows than ``cap``.
        QueryError: the query failed while its results were written.
    """
    out = _Bounded(FAST_BYTES)
    try:
        result.serialize(out, format=ox.QueryResultsFormat.JSON)  # type: ignore[arg-type]
    except _Spill:
        return None
    except OSError as exc:  # pyoxigraph reports the writer's exception as an OSError caused by it
        if isinstance(exc.__cause__, _Spill) or isinstance(exc.__context__, _Spill) or out.size > out.bound:
            return None
        raise QueryError(f"query failed: {exc}") from exc
    except (RuntimeError, ValueError) as exc:
        raise QueryError(f"query failed: {exc}") from exc
    body = b"".join(out.chunks)
    count = json_rows(body)
    if cap and count > cap:
        raise _cap_error(cap, "rows")
    return Reply(body=body, content_type=rep.content_type, count=count)


def json_rows(body: bytes) -> int:
    r"""The number of rows of an answer in SPARQL JSON as pyoxigraph writes it (compact, no spaces).

    A row is an object that opens an item of the ``bindings`` array: ``{"`` after ``[`` or ``,``. A
    term opens after ``:``, and inside a JSON string a ``"`` always follows a backslash, never a
    ``{``, so the two byte counts (in C) find the rows and nothing else. An answer with an empty row
    (``{}``, whose text a string could hold too) is parsed instead.

    >>> json_rows(b'{"head":{"vars":["v"]},"results":{"bindings":[]}}')
    0
    >>> json_rows(b'{"head":{"vars":["v"]},"results":{"bindings":[{"v":{"type":"literal","value":",{\\"[{\\""}},'
    ...           b'{"v":{"type":"literal","value":"x"}}]}}')
    2
    >>> json_rows(b'{"head":{"vars":["v"]},"results":{"bindings":[{},{"v":{"type":"literal","value":"{}"}}]}}')
    2
    """
    if b"{}" in body:
        return len(json.loads(body)["results"]["bindings"])
    return body.count(b'[{"') + body.count(b',{"')


def _solutions(result: ox.QuerySolutions, rep: Representation, cap: int) -> Reply:
    names = [v.value for v in result.variables]
    rows = _take(result, cap, "rows")
    bindings = [{n: _term(sol[n]) for n in names if sol[n] is not None} for sol in rows]  # type: ignore[index]
    body = json.dumps(
        {"head": {"vars": names}, "results": {"bindings": bindings}}, ensure_ascii=False, separators=(",", ":")
    ).encode("utf-8")
    if rep.results_format != ox.QueryResultsFormat.JSON:
        parsed = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        body = parsed.serialize(format=rep.results_format) or b""
    return Reply(body=body, content_type=rep.content_type, count=len(rows))


def _triples(triples: list[object], rep: Representation) -> Reply:
    body = ox.serialize(triples, format=rep.rdf_format, prefixes=PREFIXES) or b""  # type: ignore[arg-type]
    return Reply(body=body, content_type=rep.content_type, count=len(triples))


def answer(result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples, rep: Representation, cap: int) -> Reply:
    """Serialize a query result in ``rep``, within the result cap.

    Args:
        result: what the store answered.
        rep: the negotiated representation (a results format for SELECT and ASK, an RDF format for
            CONSTRUCT and DESCRIBE).
        cap: the most rows or triples (0: no cap).

    Raises:
        ResultLimitError: more rows or triples than ``cap``; nothing is sent.
        QueryError: the query failed while its results were read.
    """
    if isinstance(result, ox.QueryBoolean):
        return Reply(body=result.serialize(format=rep.results_format) or b"", content_type=rep.content_type, count=1)
    if isinstance(result, ox.QuerySolutions):
        return _solutions(result, rep, cap)
    return _triples(_take(result, cap, "triples"), rep)


def _run_query(store: GraphStore, job: QueryJob, fast_json: bool = True) -> Reply:
    result = store.query(
        job.sparql, default_graph=job.default_graphs, named_graphs=job.named_graphs, base_iri=job.base_iri
    )
    kind = ResultKind.GRAPH if isinstance(result, ox.QueryTriples) else ResultKind.RESULTS
    rep = choose(kind, job.accept, job.fmt)
    if fast_json and isinstance(result, ox.QuerySolutions) and rep.results_format == ox.QueryResultsFormat.JSON:
        reply = _fast_json(result, rep, job.max_results)
        if reply is not None:
            return reply
        result = store.query(
            job.sparql, default_graph=job.default_graphs, named_graphs=job.named_graphs, base_iri=job.base_iri
        )  # a large answer: again, row by row against the cap
    return answer(result, rep, job.max_results)


def run_bounded(store: GraphStore, job: QueryJob) -> Reply | None:
    """Run a query whose work is bounded by its answer (see :func:`~dragonbear.graph.sparql_text.bounded_lookup`)
    where it is called, when its answer is SPARQL JSON (or a boolean): the answer written by pyoxigraph,
    at most :data:`FAST_BYTES`. None when the answer would be larger, or in another format: the caller
    then runs the job on a query thread (:func:`run_job`).

    Raises:
        QueryError: the query does not parse or fails (``ResultLimitError`` past the cap).
        NotAcceptableError: no format the client accepts fits the result.
    """
    if job.fmt is not None or job.default_graphs is not None or job.named_graphs is not None:
        rep = choose(ResultKind.RESULTS, job.accept, job.fmt)
        if rep.results_format != ox.QueryResultsFormat.JSON:
            return None
        result = store.query(
            job.sparql, default_graph=job.default_graphs, named_graphs=job.named_graphs, base_iri=job.base_iri
        )
        return _bounded_answer(result, rep, job.max_results)
    return run_lookup(store, job.sparql, base_iri=job.base_iri, accept=job.accept, cap=job.max_results)


def run_lookup(
    store: GraphStore, sparql: str, *, base_iri: str | None, accept: str | None, cap: int, checked: bool = True
) -> Reply | None:
    """:func:`run_bounded` for a query over the default dataset with no ``format=`` parameter: what a
    ``GET /sparql?query=...`` asks (the server's hot path), without a :class:`QueryJob`. A look-up read
    from its text (:func:`~dragonbear.graph.sparql_text.read_lookup`) is answered from the store's index
    (:func:`_indexed`), any other by the engine.

    Args:
        checked: the caller knows ``sparql`` is a bounded look-up; False: a query that is none gets None.

    Raises:
        QueryError: the query does not parse or fails (``ResultLimitError`` past the cap).
        NotAcceptableError: no format the client accepts fits the result.
    """
    found = read_lookup(sparql, PREFIXES)
    if found is None and not checked and not bounded_lookup(sparql):
        return None
    rep = choose(ResultKind.RESULTS, accept)
    if rep.results_format != ox.QueryResultsFormat.JSON:
        return None
    if found is not None:
        reply = _indexed(store, found, rep, cap)
        if reply is not None:
            return reply
    return _bounded_answer(store.query(sparql, base_iri=base_iri), rep, cap)


_XSD_STRING = XSD + "string"
INDEXED_BYTES = 1 << 16
INDEXED_ROWS = 2048  # more rows than fit in INDEXED_BYTES
"""Answers read from the index are written in Python up to this size; a larger one is left to the
engine, which writes up to :data:`FAST_BYTES` in Rust (on the event loop, the faster for long answers)."""


def _indexed(store: GraphStore, found: Lookup, rep: Representation, cap: int) -> Reply | None:
    """The answer of a look-up read from the store's index (its subject's quads in every graph, which
    are the solutions of its pattern over the union default graph, in the engine's order), written
    as pyoxigraph writes SPARQL JSON; None, for the engine to answer, when a value is a blank node,
    a triple or a literal with a base direction, or the answer would pass :data:`INDEXED_BYTES`.

    Raises:
        ResultLimitError: more rows than ``cap``.
        QueryError: the store failed while its quads were read.
    """
    # The quads are read in one call and their iterator dropped here: pyoxigraph's iterator may only
    # be dropped on its own thread, and one kept by an exception's traceback could be collected on another.
    limits = [1 if found.ask else INDEXED_ROWS, cap + 1 if cap else INDEXED_ROWS]
    bound = min(limits if found.limit is None else [*limits, found.limit])
    try:
        quads = list(islice(store.quads(None, subject=found.subject, predicate=found.predicate), bound))
    except (OSError, RuntimeError) as exc:
        raise QueryError(f"query failed: {exc}") from exc
    if found.ask:
        body = b'{"head":{},"boolean":true}' if quads else b'{"head":{},"boolean":false}'
        return Reply(body=body, content_type=rep.content_type, count=1)
    if len(quads) == INDEXED_ROWS < min(found.limit or INDEXED_ROWS + 1, cap + 1 if cap else INDEXED_ROWS + 1):
        return None  # maybe more: the engine answers, or refuses past the cap
    rows = _indexed_rows(quads, found, cap)
    if rows is None:
        return None
    head = '","'.join(found.head)  # variable names are ASCII letters, digits and underscores
    body = f'{{"head":{{"vars":["{head}"]}},"results":{{"bindings":[{",".join(rows)}]}}}}'.encode()
    return Reply(body=body, content_type=rep.content_type, count=len(rows))


def _indexed_rows(quads: list[ox.Quad], found: Lookup, cap: int) -> list[str] | None:
    """The rows of :func:`_indexed` in SPARQL JSON, or None where the engine answers."""
    rows: list[str] = []
    size, ovar, pvar = 0, found.object_var, found.predicate_var
    object_first = pvar is None or found.head[0] == ovar  # a row's keys in the order of the head
    first, second = (ovar, pvar) if object_first else (pvar, ovar)
    opening, middle = f'{{"{first}":', f',"{second}":'
    for quad in quads:
        value = quad.object
        if type(value) is ox.Literal:
            term = '{"type":"literal","value":' + _string(value.value)
            if value.language:
                if value.direction is not None:
                    return None
                term += ',"xml:lang":' + _string(value.language) + "}"
            elif value.datatype.value != _XSD_STRING:
                term += ',"datatype":' + _string(value.datatype.value) + "}"
            else:
                term += "}"
        elif type(value) is ox.NamedNode:
            term = '{"type":"uri","value":' + _string(value.value) + "}"
        else:
            return None
        size += len(term)
        if size > INDEXED_BYTES:
            return None
        if pvar is None:
            rows.append(opening + term + "}")
        else:
            named = '{"type":"uri","value":' + _string(quad.predicate.value) + "}"
            rows.append(
                opening + term + middle + named + "}" if object_first else opening + named + middle + term + "}"
            )
        if cap and len(rows) > cap:
            raise _cap_error(cap, "rows")
    return rows


def _bounded_answer(
    result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples, rep: Representation, cap: int
) -> Reply | None:
    if isinstance(result, ox.QueryBoolean):
        return answer(result, rep, cap)
    if not isinstance(result, ox.QuerySolutions):  # not a lookup after all: the threads run it
        return None
    return _fast_json(result, rep, cap)


def _run_graph(store: GraphStore, job: GraphJob) -> Reply:
    rep = choose(ResultKind.GRAPH, job.accept, job.fmt)
    if job.graph is not None and not store.has_graph(job.graph):
        raise NotFoundError(f"the store has no graph <{job.graph}>")
    quads = store.quads(job.graph if job.graph is not None else ox.DefaultGraph())
    triples = [q.triple for q in _take(quads, job.max_results, "triples")]  # type: ignore[attr-defined]
    return _triples(triples, rep)


def _count(store: GraphStore) -> Reply:
    rows = store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g", named_graphs=None)
    counts = {r["g"].value: int(r["n"].value) for r in rows}  # type: ignore[union-attr]
    for graph in store.graphs():
        counts.setdefault(graph, 0)
    return Reply(data=counts)


def run_job(store: GraphStore, job: QueryJob | GraphJob | CountJob, *, fast_json: bool = True) -> Reply:
    """Run one read job (``fast_json=False``: a query's SPARQL JSON row by row at once, for a query
    whose answer is known to pass :data:`FAST_BYTES`).

    Raises:
        QueryError: the query does not parse or fails (``ResultLimitError`` past the cap).
        NotAcceptableError: no format the client accepts fits the result.
        NotFoundError: a Graph Store read of a graph the store does not have.
    """
    if isinstance(job, QueryJob):
        return _run_query(store, job, fast_json)
    if isinstance(job, GraphJob):
        return _run_graph(store, job)
    return _count(store)

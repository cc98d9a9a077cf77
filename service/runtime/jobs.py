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

import pyoxigraph as ox

from dragonbear.errors import NotFoundError, QueryError, ResultLimitError
from dragonbear.graph.store import GraphStore
from dragonbear.namespaces import PREFIXES, XSD
from dragonbear.service.runtime.negotiation import Representation, ResultKind, choose

__all__ = ["CountJob", "GraphJob", "QueryJob", "Reply", "answer", "run_job"]


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
        return Reply(body=result.serialize(format=rep.results_format) or b"", content_type=rep.content_type,
                     count=1)
    if isinstance(result, ox.QuerySolutions):
        return _solutions(result, rep, cap)
    return _triples(_take(result, cap, "triples"), rep)


def _run_query(store: GraphStore, job: QueryJob) -> Reply:
    result = store.query(job.sparql, default_graph=job.default_graphs, named_graphs=job.named_graphs,
                         base_iri=job.base_iri)
    kind = ResultKind.GRAPH if isinstance(result, ox.QueryTriples) else ResultKind.RESULTS
    return answer(result, choose(kind, job.accept, job.fmt), job.max_results)


def _run_graph(store: GraphStore, job: GraphJob) -> Reply:
    rep = choose(ResultKind.GRAPH, job.accept, job.fmt)
    if job.graph is not None and not store.has_graph(job.graph):
        raise NotFoundError(f"the store has no graph <{job.graph}>")
    quads = store.quads(job.graph if job.graph is not None else ox.DefaultGraph())
    triples = [q.triple for q in _take(quads, job.max_results, "triples")]  # type: ignore[attr-defined]
    return _triples(triples, rep)


def _count(store: GraphStore) -> Reply:
    rows = store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
                       named_graphs=None)
    counts = {r["g"].value: int(r["n"].value) for r in rows}
    for graph in store.graphs():
        counts.setdefault(graph, 0)
    return Reply(data=counts)


def run_job(store: GraphStore, job: QueryJob | GraphJob | CountJob) -> Reply:
    """Run one read job.

    Raises:
        QueryError: the query does not parse or fails (``ResultLimitError`` past the cap).
        NotAcceptableError: no format the client accepts fits the result.
        NotFoundError: a Graph Store read of a graph the store does not have.
    """
    if isinstance(job, QueryJob):
        return _run_query(store, job)
    if isinstance(job, GraphJob):
        return _run_graph(store, job)
    return _count(store)

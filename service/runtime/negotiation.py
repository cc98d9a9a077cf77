"""Content negotiation: the Accept header (q-values, wildcards) and the ``format=`` shortcut.

SELECT and ASK results: SPARQL JSON (the default), XML, CSV and TSV. CONSTRUCT and DESCRIBE
results, the service description and graphs: Turtle (the default), N-Triples, JSON-LD, RDF/XML,
N-Quads and TriG. This module is plain Python (no HTTP), so the query worker processes use it too.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import pyoxigraph as ox

from dragonbear.errors import NotAcceptableError, ProtocolError

__all__ = ["GRAPHS", "RESULTS", "Representation", "ResultKind", "choose", "kind_of_form"]


class ResultKind(str, enum.Enum):
    """What a response carries: a results table (SELECT, ASK) or a graph (CONSTRUCT, DESCRIBE, ...)."""

    RESULTS = "results"
    GRAPH = "graph"

    @property
    def label(self) -> str:
        """How messages name the kind."""
        return "SELECT or ASK" if self is ResultKind.RESULTS else "graph (CONSTRUCT, DESCRIBE)"


@dataclass(frozen=True)
class Representation:
    """One serialization the server can write."""

    media_type: str
    names: tuple[str, ...]           # ``format=`` values
    aliases: tuple[str, ...] = ()    # other media types an Accept header may use for it
    results_format: ox.QueryResultsFormat | None = None
    rdf_format: ox.RdfFormat | None = None

    @property
    def content_type(self) -> str:
        """The Content-Type header value."""
        text = self.media_type.startswith("text/") or self.media_type.endswith(("json", "xml", "trig", "triples",
                                                                                "quads"))
        return f"{self.media_type}; charset=utf-8" if text else self.media_type


RESULTS: tuple[Representation, ...] = (
    Representation("application/sparql-results+json", ("json", "srj"), ("application/json",),
                   results_format=ox.QueryResultsFormat.JSON),
    Representation("application/sparql-results+xml", ("xml", "srx"), results_format=ox.QueryResultsFormat.XML),
    Representation("text/csv", ("csv",), results_format=ox.QueryResultsFormat.CSV),
    Representation("text/tab-separated-values", ("tsv",), results_format=ox.QueryResultsFormat.TSV),
)
GRAPHS: tuple[Representation, ...] = (
    Representation("text/turtle", ("turtle", "ttl"), ("application/x-turtle",), rdf_format=ox.RdfFormat.TURTLE),
    Representation("application/n-triples", ("ntriples", "nt"), rdf_format=ox.RdfFormat.N_TRIPLES),
    Representation("application/ld+json", ("jsonld", "json-ld", "json"), ("application/json",),
                   rdf_format=ox.RdfFormat.JSON_LD),
    Representation("application/rdf+xml", ("rdfxml", "rdf", "xml"), rdf_format=ox.RdfFormat.RDF_XML),
    Representation("application/n-quads", ("nquads", "nq"), rdf_format=ox.RdfFormat.N_QUADS),
    Representation("application/trig", ("trig",), rdf_format=ox.RdfFormat.TRIG),
)


def kind_of_form(form: str | None) -> ResultKind | None:
    """The result kind of a query form (``SELECT`` ...), None when the form is unknown."""
    if form in ("SELECT", "ASK"):
        return ResultKind.RESULTS
    if form in ("CONSTRUCT", "DESCRIBE"):
        return ResultKind.GRAPH
    return None


def _ranges(accept: str) -> list[tuple[str, str, float]]:
    """(type, subtype, q) of each media range; a q that does not parse counts as 1."""
    ranges = []
    for item in accept.split(","):
        parts = [p.strip() for p in item.split(";")]
        media = parts[0].lower()
        if "/" not in media:
            if media == "*":
                media = "*/*"
            else:
                continue
        q = 1.0
        for param in parts[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = min(1.0, max(0.0, float(value.strip())))
                except ValueError:
                    q = 1.0
        kind, _, sub = media.partition("/")
        ranges.append((kind.strip(), sub.strip(), q))
    return ranges


def _quality(rep: Representation, ranges: list[tuple[str, str, float]]) -> tuple[float, int]:
    """The q of the most specific range that matches ``rep`` (exact 2, type/* 1, */* 0)."""
    best: tuple[int, float] | None = None
    for media in (rep.media_type, *rep.aliases):
        kind, sub = media.split("/", 1)
        for rkind, rsub, q in ranges:
            if (rkind, rsub) == (kind, sub):
                spec = 2
            elif rkind == kind and rsub == "*":
                spec = 1
            elif (rkind, rsub) == ("*", "*"):
                spec = 0
            else:
                continue
            if best is None or spec > best[0] or (spec == best[0] and q > best[1]):
                best = (spec, q)
    return (0.0, -1) if best is None else (best[1], best[0])


def choose(kind: ResultKind, accept: str | None, fmt: str | None = None) -> Representation:
    """The representation to write for a result of ``kind``.

    Args:
        kind: results (SELECT, ASK) or a graph.
        accept: the Accept header, or None.
        fmt: the ``format=`` parameter (a name such as ``csv`` or a media type); it wins over Accept.

    Raises:
        NotAcceptableError: nothing the client accepts (or the format asked for) fits ``kind``.
        ProtocolError: a ``format=`` value the server does not know at all.

    >>> choose(ResultKind.RESULTS, "text/csv;q=0.5, application/sparql-results+xml").media_type
    'application/sparql-results+xml'
    >>> choose(ResultKind.GRAPH, "*/*").media_type, choose(ResultKind.GRAPH, None, "nt").media_type
    ('text/turtle', 'application/n-triples')
    """
    offered = RESULTS if kind is ResultKind.RESULTS else GRAPHS
    return choose_among(offered, accept, fmt, kind.label, others=RESULTS + GRAPHS)


def choose_among(offered: tuple[Representation, ...], accept: str | None, fmt: str | None, label: str, *,
                 others: tuple[Representation, ...] = ()) -> Representation:
    """The representation of ``offered`` to write: ``fmt`` if given, else the best the Accept header takes.

    Args:
        offered: what the server can write, the default first.
        label: how messages name what is answered ("citation").
        others: representations of other kinds of answer (a format of theirs is 406, not 400).

    Raises:
        NotAcceptableError: nothing the client accepts (or the format asked for) is offered.
        ProtocolError: a ``format=`` value the server does not know at all.
    """
    kind_label = label
    if fmt:
        wanted = fmt.strip().lower()
        for rep in offered:
            if wanted in rep.names or wanted == rep.media_type or wanted in rep.aliases:
                return rep
        if any(wanted in r.names or wanted == r.media_type for r in others):
            raise NotAcceptableError(f"format {fmt!r} does not fit a {kind_label} result; use one of "
                                     + ", ".join(r.names[0] for r in offered))
        raise ProtocolError(f"unknown format {fmt!r}; use one of " + ", ".join(r.names[0] for r in offered))
    if accept is None or not accept.strip():
        return offered[0]
    ranges = _ranges(accept)
    scored = [(_quality(rep, ranges), -i, rep) for i, rep in enumerate(offered)]
    (q, _spec), _, best = max(scored, key=lambda t: (t[0][0], t[0][1], t[1]))
    if q <= 0:
        raise NotAcceptableError(f"cannot answer with any of the accepted media types ({accept}); a {kind_label} "
                                 "result is available as " + ", ".join(r.media_type for r in offered))
    return best

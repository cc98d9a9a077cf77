"""Content negotiation: the Accept header (q-values, wildcards) and the ``format=`` shortcut.

SELECT and ASK results: SPARQL JSON (the default), XML, CSV and TSV. CONSTRUCT and DESCRIBE
results, the service description and graphs: Turtle (the default), N-Triples, JSON-LD, RDF/XML,
N-Quads and TriG. Both lists are the registry's (:mod:`dragonbear.formats`). This module is plain
Python (no HTTP): the answers of the query threads are negotiated with it too.

It holds the one Accept parser of the service: :func:`media_ranges` reads the header,
:func:`quality` scores media types against it, :func:`rank` picks among representations, and
:func:`choose_page` decides between a page (HTML) and RDF; :func:`requested_format` reads a
``format=`` parameter given more than once.
"""

from __future__ import annotations

import enum
import functools
from dataclasses import dataclass
from typing import NamedTuple

import pyoxigraph as ox

from dragonbear.errors import NotAcceptableError, ProtocolError
from dragonbear.formats import RDF_FORMATS, RESULT_FORMATS, Format, bare_media_type

__all__ = [
    "GRAPHS",
    "HTML",
    "RESULTS",
    "MediaRange",
    "Representation",
    "ResultKind",
    "choose",
    "choose_among",
    "choose_page",
    "kind_of_form",
    "media_ranges",
    "quality",
    "rank",
    "requested_format",
]


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
    """One serialization the server can write: a registry format (:meth:`of`), or another (citations, HTML).

    >>> Representation.of(Format.TURTLE).names, Representation.of(Format.TURTLE).content_type
    (('turtle', 'ttl', 'n3'), 'text/turtle; charset=utf-8')
    """

    media_type: str
    names: tuple[str, ...]  # ``format=`` values
    aliases: tuple[str, ...] = ()  # other media types an Accept header may use for it
    results_format: ox.QueryResultsFormat | None = None
    rdf_format: ox.RdfFormat | None = None
    format: Format | None = None  # the registry's format, when it is one

    @classmethod
    def of(cls, fmt: Format) -> Representation:
        """The representation of a registry format: its media type, short names and aliases."""
        return cls(
            fmt.media_type,
            fmt.names,
            fmt.aliases,
            results_format=fmt.results_format,
            rdf_format=fmt.rdf_format,
            format=fmt,
        )

    def is_named(self, name: str) -> bool:
        """Whether ``name`` (lower case, without parameters) is one of its names, its media type or an alias."""
        return name in self.names or name == self.media_type or name in self.aliases

    @property
    def content_type(self) -> str:
        """The Content-Type header value."""
        if self.format is not None:
            return self.format.content_type
        text = self.media_type.startswith("text/") or self.media_type.endswith(
            ("json", "xml", "trig", "triples", "quads")
        )
        return f"{self.media_type}; charset=utf-8" if text else self.media_type


RESULTS: tuple[Representation, ...] = tuple(Representation.of(f) for f in RESULT_FORMATS)
GRAPHS: tuple[Representation, ...] = tuple(Representation.of(f) for f in RDF_FORMATS)
HTML = Representation("text/html", ("html",), ("application/xhtml+xml",))


def kind_of_form(form: str | None) -> ResultKind | None:
    """The result kind of a query form (``SELECT`` ...), None when the form is unknown."""
    if form in ("SELECT", "ASK"):
        return ResultKind.RESULTS
    if form in ("CONSTRUCT", "DESCRIBE"):
        return ResultKind.GRAPH
    return None


class MediaRange(NamedTuple):
    """One media range of an Accept header: ``type/subtype`` (either may be ``*``) and its q-value."""

    type: str
    subtype: str
    q: float


def media_ranges(accept: str) -> list[MediaRange]:
    """The media ranges of an Accept header, in order.

    A bare ``*`` counts as ``*/*``; an item without a slash is skipped; a q that does not parse counts
    as 1 and q is kept within 0 and 1.

    Args:
        accept: the header's value.

    Returns:
        The ranges, lower case.

    >>> media_ranges("text/HTML, */*;q=0.8, junk")
    [MediaRange(type='text', subtype='html', q=1.0), MediaRange(type='*', subtype='*', q=0.8)]
    """
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
        ranges.append(MediaRange(kind.strip(), sub.strip(), q))
    return ranges


def quality(media_types: tuple[str, ...], ranges: list[MediaRange], aliases: tuple[str, ...] = ()) -> tuple[float, int]:
    """(q, specificity) of the most specific range that matches one of ``media_types`` or ``aliases``.

    Specificity is 2 for an exact match, 1 for ``type/*``, 0 for ``*/*`` and -1 (with q 0) for none.
    An alias matches only when named exactly: ``text/*`` asks for CSV or TSV, not for SPARQL XML,
    whose alias ``text/xml`` is there for the clients that name it.

    Args:
        media_types: a media type (or several), matched by wildcards too.
        ranges: the ranges of an Accept header (:func:`media_ranges`).
        aliases: other media types of the same format, matched only exactly.

    Returns:
        The q-value of that range and its specificity.

    >>> quality(("text/csv",), media_ranges("text/*;q=0.5, */*;q=0.1")), quality(("image/png",), [])
    ((0.5, 1), (0.0, -1))
    >>> quality(("application/sparql-results+xml",), media_ranges("text/*"), aliases=("text/xml",))
    (0.0, -1)
    """
    best: tuple[int, float] | None = None
    for media in (*media_types, *aliases):
        kind, sub = media.split("/", 1)
        alias = media in aliases and media not in media_types
        for rkind, rsub, q in ranges:
            if (rkind, rsub) == (kind, sub):
                spec = 2
            elif alias:
                continue
            elif rkind == kind and rsub == "*":
                spec = 1
            elif (rkind, rsub) == ("*", "*"):
                spec = 0
            else:
                continue
            if best is None or spec > best[0] or (spec == best[0] and q > best[1]):
                best = (spec, q)
    return (0.0, -1) if best is None else (best[1], best[0])


def rank(offered: tuple[Representation, ...], accept: str | None) -> Representation | None:
    """The representation of ``offered`` the Accept header ranks highest, the first among equals.

    Args:
        offered: what the server can write, the default first.
        accept: the Accept header; None or blank takes the default.

    Returns:
        The representation, or None when the header accepts none of them.

    >>> rank(GRAPHS, "application/*;q=0.9, text/turtle;q=0.5").media_type, rank(GRAPHS, "image/png")
    ('application/n-triples', None)
    """
    if accept is None or not accept.strip():
        return offered[0]
    ranges = media_ranges(accept)
    scored = [(quality((rep.media_type,), ranges, rep.aliases), -i, rep) for i, rep in enumerate(offered)]
    (q, _spec), _, best = max(scored, key=lambda t: (t[0][0], t[0][1], t[1]))
    return best if q > 0 else None


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
    return _choose(kind, accept, fmt)


@functools.lru_cache(maxsize=512)
def _choose(kind: ResultKind, accept: str | None, fmt: str | None) -> Representation:
    """:func:`choose`, remembered: a server sees few distinct Accept headers, and every query asks
    twice (before it runs, for a 406, and for its answer). Errors are not remembered."""
    offered = RESULTS if kind is ResultKind.RESULTS else GRAPHS
    return choose_among(offered, accept, fmt, kind.label, others=RESULTS + GRAPHS)


def requested_format(values: list[str], kind: ResultKind | None) -> str | None:
    """The one format that the ``format=`` parameters of a query ask for, or None for none.

    SPARQLWrapper sends ``format`` (and ``output`` and ``results``, which this server does not read)
    twice on purpose for TSV, JSON-LD and RDF/XML: its own name, then the media type
    (``format=tsv&format=text/tab-separated-values``), and a blank second value where it has none
    (``format=json-ld&format=`` for a SELECT). So the parameter may repeat as long as its values name
    one format: blank values are skipped, and values that name different formats are a 400, where
    Virtuoso and Fuseki silently take the first. A value of the other kind of result is a 406, as one
    ``format=`` is (:func:`choose`): JSON-LD for a SELECT, CSV for a CONSTRUCT. Mature servers differ
    here (Virtuoso writes a SELECT's table as RDF and a graph as CSV, Oxigraph's server answers 406);
    this server says which formats fit.

    Args:
        values: every ``format`` value of the request, in order.
        kind: what the query answers, None when its form is unknown (it will not parse).

    Returns:
        The first value that is not blank, or None.

    Raises:
        ProtocolError: values naming two different formats, or an unknown format.
        NotAcceptableError: a format of the other kind of result.

    >>> requested_format(["tsv", "text/tab-separated-values"], ResultKind.RESULTS)
    'tsv'
    >>> requested_format(["json-ld", ""], ResultKind.GRAPH), requested_format([" "], ResultKind.GRAPH)
    ('json-ld', None)
    >>> requested_format(["csv", "json"], ResultKind.RESULTS)
    Traceback (most recent call last):
    ...
    dragonbear.errors.ProtocolError: the format parameter names different formats (csv, json); give one
    """
    given = [v for v in values if v.strip()]
    if not given:
        return None
    if kind is not None:
        chosen = {choose(kind, None, value) for value in given}
        if len(chosen) > 1:
            raise ProtocolError(f"the format parameter names different formats ({', '.join(given)}); give one")
    return given[0]


def choose_among(
    offered: tuple[Representation, ...],
    accept: str | None,
    fmt: str | None,
    label: str,
    *,
    others: tuple[Representation, ...] = (),
) -> Representation:
    """The representation of ``offered`` to write: ``fmt`` if given, else the best the Accept header takes.

    Args:
        offered: what the server can write, the default first.
        accept: the Accept header, or None.
        fmt: a ``format=`` value: a short name, a media type, or a list of media types separated by
            commas (the first one offered counts); it wins over ``accept``.
        label: how messages name what is answered ("citation").
        others: representations of other kinds of answer (a format of theirs is 406, not 400).

    Raises:
        NotAcceptableError: nothing the client accepts (or the format asked for) is offered.
        ProtocolError: a ``format=`` value the server does not know at all.
    """
    kind_label = label
    if fmt:
        # A name or a media type; SPARQLWrapper sends its Accept list ("application/ld+json,application/x-json+ld"):
        # its first item the server writes counts.
        wanted = [bare_media_type(item) for item in fmt.split(",") if item.strip()]
        for name in wanted:
            for rep in offered:
                if rep.is_named(name):
                    return rep
        if any(r.is_named(name) for name in wanted for r in others):
            raise NotAcceptableError(
                f"format {fmt!r} does not fit a {kind_label} result; use one of "
                + ", ".join(r.names[0] for r in offered)
            )
        raise ProtocolError(f"unknown format {fmt!r}; use one of " + ", ".join(r.names[0] for r in offered))
    best = rank(offered, accept)
    if best is None:
        raise NotAcceptableError(
            f"cannot answer with any of the accepted media types ({accept}); a {kind_label} "
            "result is available as " + ", ".join(r.media_type for r in offered)
        )
    return best


def choose_page(accept: str | None, fmt: str | None) -> Representation | None:
    """The RDF representation to answer a page's request with, or None for the HTML page.

    No Accept header, or one that ranks HTML at least as high as any RDF syntax, gets HTML (a
    browser); an RDF client gets what it asks for, Turtle first among equals. ``format=html`` (or
    ``text/html``) asks for the page; another ``format=`` value is an RDF format, as in :func:`choose`.

    Args:
        accept: the Accept header, or None.
        fmt: the ``format=`` parameter, or None.

    Raises:
        NotAcceptableError: nothing the client accepts is offered.
        ProtocolError: an unknown ``format=`` value.

    >>> choose_page("text/html,application/xhtml+xml,*/*;q=0.8", None) is None
    True
    >>> choose_page("text/turtle", None).media_type, choose_page("*/*;q=0.1", "jsonld").media_type
    ('text/turtle', 'application/ld+json')
    """
    if fmt:
        return None if fmt.strip().lower() in (*HTML.names, HTML.media_type) else choose(ResultKind.GRAPH, None, fmt)
    if accept is None or not accept.strip():
        return None
    best = rank((HTML, *GRAPHS), accept)
    if best is None:
        raise NotAcceptableError(
            f"cannot answer with any of the accepted media types ({accept}); offered: "
            + ", ".join(r.media_type for r in (HTML, *GRAPHS))
        )
    return None if best is HTML else best

"""The formats the project speaks: one registry over pyoxigraph's ``RdfFormat`` and ``QueryResultsFormat``.

:class:`Format` holds every RDF syntax and SPARQL results format that the command line, content
negotiation, the dumps, the Graph Store Protocol and the file loaders read or write. Media types,
file extensions, labels, format IRIs and dataset support come from pyoxigraph's own format objects;
the registry adds only what pyoxigraph does not carry: the project's short names (``turtle``, ``ttl``,
``json``...), the extra media types an ``Accept`` header may use for a format (``application/json``)
and the extra file extensions the loaders take (``.owl``). The first format of each kind is its
default (SPARQL JSON, Turtle).

The extra names and media types are those clients send in practice, each as Oxigraph's server (whose
media-type table pyoxigraph shares), Jena Fuseki and Virtuoso read it: ``application/xml`` and
``text/xml`` are SPARQL XML results for SELECT and ASK and RDF/XML for graphs; ``text/plain`` is CSV
for SELECT and ASK (as on Oxigraph's server) and N-Triples for graphs (its media type before RDF 1.1);
``text/n3``, ``application/n3``, ``text/rdf+n3`` and the name ``n3`` are Turtle, which is N3 without
N3's own additions (Jena writes and reads N3 as Turtle too); ``rdf+xml`` and ``json-ld`` are the names
SPARQLWrapper sends in ``format=``. A response always carries the format's own media type.

:class:`FileFormat` holds the project's other files, which pyoxigraph does not know: chart images and
numbers, lineage graphs and reference lists (their media types and file extensions).

>>> Format.named("nt").media_type, Format.for_extension(".owl").label
('application/n-triples', 'RDF/XML')
>>> Format.named("json", Kind.RESULTS).media_type, Format.named("json", Kind.RDF).media_type
('application/sparql-results+json', 'application/ld+json')
"""

from __future__ import annotations

import enum

import pyoxigraph as ox

__all__ = ["FORMATS_NS", "RDF_FORMATS", "RESULT_FORMATS", "FileFormat", "Format", "Kind", "bare_media_type"]

FORMATS_NS = "http://www.w3.org/ns/formats/"


def bare_media_type(media: str) -> str:
    """A media type without its parameters, in lower case.

    Args:
        media: a media type, maybe with parameters (``text/csv; charset=utf-8``).

    Returns:
        The type and subtype alone.

    >>> bare_media_type("Text/CSV; charset=utf-8")
    'text/csv'
    """
    return media.partition(";")[0].strip().lower()


class Kind(str, enum.Enum):
    """What a format writes: SPARQL results (SELECT, ASK) or RDF (graphs and datasets)."""

    RESULTS = "results"
    RDF = "rdf"


class Format(enum.Enum):
    """An RDF syntax or SPARQL results format, on top of its pyoxigraph format.

    Each member is (pyoxigraph format, short names, extra media types, extra file extensions); the
    first short name is the format's own. Everything else is read from pyoxigraph.

    >>> Format.TURTLE.media_type, Format.TURTLE.extension, Format.TURTLE.supports_datasets
    ('text/turtle', 'ttl', False)
    >>> Format.CSV.media_type, Format.CSV.content_type
    ('text/csv', 'text/csv; charset=utf-8')
    >>> Format.of(ox.RdfFormat.N_QUADS) is Format.N_QUADS
    True
    """

    # SPARQL results of SELECT and ASK; the first is the default.
    SPARQL_JSON = (ox.QueryResultsFormat.JSON, ("json", "srj"), ("application/json",), ())
    SPARQL_XML = (ox.QueryResultsFormat.XML, ("xml", "srx"), ("application/xml", "text/xml"), ())
    CSV = (ox.QueryResultsFormat.CSV, ("csv",), ("text/plain",), ())
    TSV = (ox.QueryResultsFormat.TSV, ("tsv",), (), ())
    # RDF: graphs (CONSTRUCT, DESCRIBE, pages, descriptions) and datasets (dumps); the first is the default.
    TURTLE = (
        ox.RdfFormat.TURTLE,
        ("turtle", "ttl", "n3"),
        ("application/x-turtle", "application/turtle", "text/n3", "application/n3", "text/rdf+n3"),
        ("turtle",),
    )
    N_TRIPLES = (ox.RdfFormat.N_TRIPLES, ("ntriples", "nt"), ("text/plain",), ("ntriples",))
    JSON_LD = (ox.RdfFormat.JSON_LD, ("jsonld", "json-ld", "json"), ("application/json",), ("json",))
    RDF_XML = (
        ox.RdfFormat.RDF_XML,
        ("rdfxml", "rdf", "xml", "rdf+xml"),
        ("application/xml", "text/xml"),
        ("owl", "xml"),
    )
    N_QUADS = (ox.RdfFormat.N_QUADS, ("nquads", "nq"), (), ("nquads",))
    TRIG = (ox.RdfFormat.TRIG, ("trig",), (), ())

    def __init__(
        self,
        syntax: ox.RdfFormat | ox.QueryResultsFormat,
        names: tuple[str, ...],
        aliases: tuple[str, ...],
        extensions: tuple[str, ...],
    ) -> None:
        self.syntax = syntax
        self.names = names
        self.aliases = aliases
        self._extensions = extensions

    @property
    def kind(self) -> Kind:
        """Results or RDF."""
        return Kind.RDF if isinstance(self.syntax, ox.RdfFormat) else Kind.RESULTS

    @property
    def short_name(self) -> str:
        """The format's own short name (``turtle``, ``json``), as the command line and ``format=`` take it."""
        return self.names[0]

    @property
    def rdf_format(self) -> ox.RdfFormat | None:
        """The pyoxigraph RDF format, None for a results format."""
        return self.syntax if isinstance(self.syntax, ox.RdfFormat) else None

    @property
    def results_format(self) -> ox.QueryResultsFormat | None:
        """The pyoxigraph results format, None for an RDF format."""
        return self.syntax if isinstance(self.syntax, ox.QueryResultsFormat) else None

    @property
    def media_type(self) -> str:
        """pyoxigraph's media type, without parameters (pyoxigraph's CSV and TSV carry a charset)."""
        return bare_media_type(self.syntax.media_type)

    @property
    def media_types(self) -> tuple[str, ...]:
        """The media type, then the others an ``Accept`` header may name the format by."""
        return (self.media_type, *self.aliases)

    @property
    def content_type(self) -> str:
        """The ``Content-Type`` of a response: every format here is text, in UTF-8."""
        return f"{self.media_type}; charset=utf-8"

    @property
    def extension(self) -> str:
        """pyoxigraph's file extension, without the dot (``ttl``, ``nq``, ``srj``)."""
        return self.syntax.file_extension

    @property
    def extensions(self) -> tuple[str, ...]:
        """Every file extension the format is read from: pyoxigraph's, then the project's."""
        return (self.extension, *self._extensions)

    @property
    def label(self) -> str:
        """pyoxigraph's name of the format for people (``Turtle``, ``SPARQL Results in JSON``)."""
        return self.syntax.name

    @property
    def iri(self) -> str:
        """The format's IRI in the W3C list of format IRIs (the service description's ``sd:resultFormat``).

        pyoxigraph's IRI, moved into :data:`FORMATS_NS` where pyoxigraph uses another namespace
        (``https://www.w3.org/ns/formats/data/JSON-LD``).

        >>> Format.JSON_LD.iri, Format.SPARQL_JSON.iri
        ('http://www.w3.org/ns/formats/JSON-LD', 'http://www.w3.org/ns/formats/SPARQL_Results_JSON')
        """
        return FORMATS_NS + self.syntax.iri.rstrip("/").rsplit("/", 1)[1]

    @property
    def supports_datasets(self) -> bool:
        """True for the RDF formats that keep named graphs (N-Quads, TriG, JSON-LD)."""
        return self.rdf_format is not None and self.rdf_format.supports_datasets

    @property
    def takes_prefixes(self) -> bool:
        """True for the syntaxes whose pyoxigraph writer declares prefixes (Turtle, TriG, RDF/XML); the
        others ignore them.

        >>> [f.short_name for f in Format if f.takes_prefixes]
        ['turtle', 'rdfxml', 'trig']
        """
        return self.syntax in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML)

    @classmethod
    def of_kind(cls, kind: Kind | None = None) -> tuple[Format, ...]:
        """The formats of ``kind`` (all when None), the default first.

        >>> [f.short_name for f in Format.of_kind(Kind.RESULTS)]
        ['json', 'xml', 'csv', 'tsv']
        """
        return tuple(f for f in cls if kind is None or f.kind is kind)

    @classmethod
    def of(cls, syntax: ox.RdfFormat | ox.QueryResultsFormat | None) -> Format | None:
        """The registry's format of a pyoxigraph format, None for one the project does not speak (N3) or None."""
        return None if syntax is None else next((f for f in cls if f.syntax == syntax), None)

    @classmethod
    def named(cls, name: str, kind: Kind | None = None) -> Format | None:
        """The format a short name or media type names, among those of ``kind``.

        Args:
            name: a short name (``ttl``), or a media type (or alias) of the format; case does not matter.
            kind: the kind to look among; None looks at results formats first (``json``, ``xml``).

        Returns:
            The format, or None when no format of ``kind`` has that name.

        >>> Format.named("TTL"), Format.named("xml", Kind.RDF), Format.named("html")
        (<Format.TURTLE>, <Format.RDF_XML>, None)
        """
        wanted = name.strip().lower()
        return next((f for f in cls.of_kind(kind) if wanted in f.names or wanted in f.media_types), None)

    @classmethod
    def for_media_type(cls, media: str, kind: Kind | None = None) -> Format | None:
        """The format of a media type: the registry's own and aliases, then pyoxigraph's aliases.

        Args:
            media: a media type; parameters and case do not matter.
            kind: the kind to look among; None looks at results formats first (``application/json``).

        Returns:
            The format, or None when it is not one of the registry's.

        >>> Format.for_media_type("application/json; charset=utf-8", Kind.RDF), Format.for_media_type("text/n3")
        (<Format.JSON_LD>, <Format.TURTLE>)
        >>> Format.for_media_type("text/plain"), Format.for_media_type("application/pdf")
        (<Format.CSV>, None)
        >>> Format.for_media_type("application/x-trig")  # pyoxigraph knows this one
        <Format.TRIG>
        """
        bare = bare_media_type(media)
        found = next((f for f in cls.of_kind(kind) if bare in f.media_types), None)
        if found is None and kind is not Kind.RDF:
            found = cls.of(ox.QueryResultsFormat.from_media_type(bare))
        if found is None and kind is not Kind.RESULTS:
            found = cls.of(ox.RdfFormat.from_media_type(bare))
        return found

    @classmethod
    def for_extension(cls, extension: str, kind: Kind | None = Kind.RDF) -> Format | None:
        """The format of a file extension (with or without the dot; case does not matter).

        Args:
            extension: ``ttl``, ``.nq``, ``.OWL``...
            kind: the kind to look among; RDF unless told (a file to load is RDF).

        Returns:
            The format, or None when no format of ``kind`` has that extension.

        >>> Format.for_extension(".NQ"), Format.for_extension("csv"), Format.for_extension("csv", Kind.RESULTS)
        (<Format.N_QUADS>, None, <Format.CSV>)
        """
        wanted = extension.strip().lower().removeprefix(".")
        return next((f for f in cls.of_kind(kind) if wanted in f.extensions), None)

    def __repr__(self) -> str:
        return f"<Format.{self.name}>"


RESULT_FORMATS: tuple[Format, ...] = Format.of_kind(Kind.RESULTS)
RDF_FORMATS: tuple[Format, ...] = Format.of_kind(Kind.RDF)


class FileFormat(enum.Enum):
    """The project's other files, which pyoxigraph does not know: (file extension, media type).

    Charts (PNG, SVG, and their numbers as CSV or JSON), lineage graphs (JSON, DOT, GraphML, GEXF,
    SVG), reference lists (BibTeX, RIS, CSL-JSON, text) and gzipped dumps.

    >>> FileFormat.for_extension("gexf").media_type, FileFormat.CSV.content_type
    ('application/gexf+xml', 'text/csv; charset=utf-8')
    """

    JSON = ("json", "application/json")
    CSV = ("csv", "text/csv")
    SVG = ("svg", "image/svg+xml")
    PNG = ("png", "image/png")
    DOT = ("dot", "text/vnd.graphviz")
    GRAPHML = ("graphml", "application/graphml+xml")
    GEXF = ("gexf", "application/gexf+xml")
    BIBTEX = ("bib", "application/x-bibtex")
    RIS = ("ris", "application/x-research-info-systems")
    CSL_JSON = ("csl.json", "application/vnd.citationstyles.csl+json")
    TEXT = ("txt", "text/plain")
    GZIP = ("gz", "application/gzip")

    def __init__(self, extension: str, media_type: str) -> None:
        self.extension = extension
        self.media_type = media_type

    @property
    def content_type(self) -> str:
        """The ``Content-Type`` of a response: a ``text/`` type with its charset (UTF-8)."""
        return f"{self.media_type}; charset=utf-8" if self.media_type.startswith("text/") else self.media_type

    @classmethod
    def for_extension(cls, extension: str) -> FileFormat | None:
        """The format of a file extension (with or without the dot), None when there is none.

        >>> FileFormat.for_extension(".SVG"), FileFormat.for_extension("ttl")
        (<FileFormat.SVG>, None)
        """
        wanted = extension.strip().lower().removeprefix(".")
        return next((f for f in cls if f.extension == wanted), None)

    def __repr__(self) -> str:
        return f"<FileFormat.{self.name}>"

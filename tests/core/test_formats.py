"""The one registry of formats (``dragonbear.formats``): it agrees with pyoxigraph, and every format the
command line, content negotiation, the dumps, the loaders and the service description offer is one of
its formats. Also the one Accept parser of :mod:`dragonbear.service.runtime.negotiation`."""

from __future__ import annotations

import mimetypes
from types import SimpleNamespace

import pyoxigraph as ox
import pytest

from dragonbear.errors import NotAcceptableError, UnsupportedMediaTypeError
from dragonbear.formats import FORMATS_NS, RDF_FORMATS, RESULT_FORMATS, FileFormat, Format, Kind

PARAMS = [pytest.param(f, id=f.name) for f in Format]
# pyoxigraph formats the project does not speak: N3 (no use for it), streaming JSON-LD (JSON-LD's variant).
NOT_SPOKEN = {ox.RdfFormat.N3, ox.RdfFormat.STREAMING_JSON_LD}


@pytest.mark.parametrize("fmt", PARAMS)
def test_media_types_extensions_and_dataset_support_are_pyoxigraphs(fmt: Format) -> None:
    syntax = fmt.syntax
    parse = type(syntax)
    assert fmt.media_type == syntax.media_type.split(";")[0].strip()
    assert fmt.extension == syntax.file_extension
    assert fmt.label == syntax.name
    assert parse.from_media_type(fmt.media_type) == syntax
    assert parse.from_extension(fmt.extension) == syntax
    assert fmt.iri.rsplit("/", 1)[1] == syntax.iri.rsplit("/", 1)[1] and fmt.iri.startswith(FORMATS_NS)
    if isinstance(syntax, ox.RdfFormat):
        assert fmt.kind is Kind.RDF and fmt.rdf_format == syntax and fmt.results_format is None
        assert fmt.supports_datasets is syntax.supports_datasets
    else:
        assert fmt.kind is Kind.RESULTS and fmt.results_format == syntax and fmt.rdf_format is None
        assert fmt.supports_datasets is False
    # The project's extra media types and extensions, where pyoxigraph knows them, name the same format
    # (N3's media types name Turtle, which the project writes for N3 as Jena does).
    for alias in fmt.aliases:
        known = parse.from_media_type(alias)
        assert known in (syntax, None) or (known, syntax) == (ox.RdfFormat.N3, ox.RdfFormat.TURTLE), alias
    for extension in fmt.extensions:
        assert parse.from_extension(extension) in (syntax, None), extension
    assert Format.of(syntax) is fmt


@pytest.mark.parametrize("fmt", [pytest.param(f, id=f.name) for f in RDF_FORMATS])
def test_the_formats_that_take_prefixes_are_those_pyoxigraph_writes_them_in(fmt: Format) -> None:
    node = ox.NamedNode("http://example.org/ns#a")
    graph = ox.NamedNode("http://example.org/g") if fmt.supports_datasets else ox.DefaultGraph()
    data = ox.serialize([ox.Quad(node, node, node, graph)], format=fmt.rdf_format, prefixes={"exns": node.value[:-1]})
    assert (b"exns" in (data or b"")) is fmt.takes_prefixes


def test_every_format_pyoxigraph_writes_is_in_the_registry_once() -> None:
    known = [getattr(cls, attr) for cls in (ox.RdfFormat, ox.QueryResultsFormat) for attr in dir(cls) if attr.isupper()]
    assert {f for f in known if f not in NOT_SPOKEN} == {f.syntax for f in Format}
    assert len({f.syntax for f in Format}) == len(Format)


@pytest.mark.parametrize("kind", list(Kind))
def test_names_media_types_and_extensions_are_unique_within_a_kind(kind: Kind) -> None:
    formats = Format.of_kind(kind)
    for attribute in ("names", "media_types", "extensions"):
        values = [v for f in formats for v in getattr(f, attribute)]
        assert len(values) == len(set(values)), (kind, attribute)
    for fmt in formats:
        assert all(Format.named(n, kind) is fmt for n in (*fmt.names, *fmt.media_types))
        assert all(Format.for_media_type(m.upper() + "; charset=utf-8", kind) is fmt for m in fmt.media_types)
        assert all(Format.for_extension("." + e.upper(), kind) is fmt for e in fmt.extensions)


def test_the_short_names_and_aliases_the_service_has_always_taken() -> None:
    """The names, aliases and defaults the hand-written tables had before the registry."""
    assert [(f.media_type, f.names, f.aliases) for f in RESULT_FORMATS] == [
        ("application/sparql-results+json", ("json", "srj"), ("application/json",)),
        ("application/sparql-results+xml", ("xml", "srx"), ("application/xml", "text/xml")),
        ("text/csv", ("csv",), ("text/plain",)),
        ("text/tab-separated-values", ("tsv",), ()),
    ]
    n3 = ("text/n3", "application/n3", "text/rdf+n3")  # and the name n3: Turtle, as Jena writes N3
    assert [(f.media_type, f.names, f.aliases) for f in RDF_FORMATS] == [
        ("text/turtle", ("turtle", "ttl", "n3"), ("application/x-turtle", "application/turtle", *n3)),
        ("application/n-triples", ("ntriples", "nt"), ("text/plain",)),
        ("application/ld+json", ("jsonld", "json-ld", "json"), ("application/json",)),
        ("application/rdf+xml", ("rdfxml", "rdf", "xml", "rdf+xml"), ("application/xml", "text/xml")),
        ("application/n-quads", ("nquads", "nq"), ()),
        ("application/trig", ("trig",), ()),
    ]


def test_the_cli_offers_registry_formats() -> None:
    from dragonbear.cli.output import OutputFormat

    for choice in OutputFormat:
        if choice is OutputFormat.table:
            assert choice.registry_format is None
            continue
        assert choice.registry_format is not None and choice.value == choice.registry_format.short_name
    assert {c.registry_format for c in OutputFormat} >= set(RESULT_FORMATS)


def test_negotiation_offers_the_registry() -> None:
    from dragonbear.service.runtime.negotiation import GRAPHS, RESULTS, Representation

    assert tuple(Representation.of(f) for f in RESULT_FORMATS) == RESULTS
    assert tuple(Representation.of(f) for f in RDF_FORMATS) == GRAPHS
    for rep in RESULTS + GRAPHS:
        assert rep.format is not None
        assert (rep.media_type, rep.names, rep.aliases) == (rep.format.media_type, rep.format.names, rep.format.aliases)
        assert (rep.results_format, rep.rdf_format) == (rep.format.results_format, rep.format.rdf_format)
        assert rep.content_type == f"{rep.media_type}; charset=utf-8"


def test_dumps_and_downloads_are_registry_formats() -> None:
    from dragonbear.graph.export import ExportFormat
    from dragonbear.service.protocol.download import dump_files

    for choice in ExportFormat:
        fmt = Format.named(choice.value, Kind.RDF)
        assert fmt is not None and choice.registry_format is fmt and choice.value == fmt.short_name
        assert (choice.rdf_format, choice.extension, choice.media_type, choice.label, choice.keeps_graphs) == (
            fmt.syntax,
            fmt.extension,
            fmt.media_type,
            fmt.label,
            fmt.supports_datasets,
        )
        assert ExportFormat.from_extension(fmt.extension) is choice
    assert {f.fmt.registry_format for f in dump_files()} == {c.registry_format for c in ExportFormat}
    assert {f.media_type for f in dump_files() if f.compressed} == {FileFormat.GZIP.media_type}


def test_the_loader_reads_the_registrys_extensions() -> None:
    from pathlib import Path

    from dragonbear.errors import LoadError
    from dragonbear.loaders.rdf import FORMATS, format_for

    assert {f".{e}": f.syntax for f in RDF_FORMATS for e in f.extensions} == FORMATS
    assert {
        ".ttl",
        ".turtle",
        ".nt",
        ".ntriples",
        ".nq",
        ".nquads",
        ".trig",
        ".jsonld",
        ".json",
        ".rdf",
        ".owl",
        ".xml",
    } == set(FORMATS)
    for suffix, syntax in FORMATS.items():
        assert format_for(Path("a" + suffix.upper())) == syntax
    for name in ("a.txt", "a.n3", "a.csv", "a"):
        with pytest.raises(LoadError, match="unknown RDF file extension"):
            format_for(Path(name))


def test_the_service_description_lists_the_registry() -> None:
    from dragonbear.service.protocol.description import service_description

    sd = "http://www.w3.org/ns/sparql-service-description#resultFormat"
    triples = ox.parse(
        service_description("http://example.org/", {}, updates=False).encode(), format=ox.RdfFormat.TURTLE
    )
    listed = {t.object.value for t in triples if t.predicate.value == sd}
    assert listed == {f.iri for f in Format}
    assert FORMATS_NS + "JSON-LD" in listed and FORMATS_NS + "SPARQL_Results_TSV" in listed


@pytest.mark.parametrize(
    ("media", "accepted"),
    [
        pytest.param("text/turtle", True, id="turtle"),
        pytest.param("application/x-turtle; charset=UTF-8", True, id="turtle-alias"),
        pytest.param("application/n-quads", True, id="nquads"),
        pytest.param("text/plain", True, id="ntriples-by-pyoxigraphs-alias"),
        pytest.param("text/n3", True, id="n3-read-as-turtle"),
        pytest.param("application/xml", True, id="rdfxml-by-its-xml-alias"),
        pytest.param("application/sparql-results+json", False, id="results-format"),
        pytest.param("application/pdf", False, id="not-rdf"),
    ],
)
def test_the_graph_store_reads_the_registrys_rdf_formats(media: str, accepted: bool) -> None:
    from dragonbear.service.protocol.graph_store import _body_type

    request = SimpleNamespace(headers={"content-type": media})
    if accepted:
        assert _body_type(request) == media.split(";")[0].strip().lower()  # type: ignore[arg-type]
    else:
        with pytest.raises(UnsupportedMediaTypeError, match="text/turtle"):
            _body_type(request)  # type: ignore[arg-type]


def test_other_files_take_their_media_types_from_the_registry() -> None:
    from dragonbear.graph.charts import ChartFormat
    from dragonbear.graph.citations import CitationFormat
    from dragonbear.graph.lineage_export import MEDIA_TYPES, ExportFormat

    for choice in (*ChartFormat, *CitationFormat, *ExportFormat):
        expected = MEDIA_TYPES[choice] if choice in MEDIA_TYPES else choice.media_type  # type: ignore[index, union-attr]  # noqa: SIM401 - the default exists only for some kinds
        assert FileFormat[choice.name].media_type == expected
    assert (
        MEDIA_TYPES[ExportFormat.DOT] == "text/vnd.graphviz"
        and CitationFormat.RIS.media_type == "application/x-research-info-systems"
    )
    python = mimetypes.MimeTypes(filenames=())  # Python's own table, not the machine's
    for fmt in FileFormat:
        known = python.guess_type(f"a.{fmt.extension}")[0]
        if fmt.extension in ("json", "csv", "svg", "png", "txt"):
            assert known == fmt.media_type, fmt
    assert len({f.extension for f in FileFormat}) == len(FileFormat)


# The Accept parser.

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
HEADERS = [
    None,
    "",
    "*/*",
    "*",
    BROWSER,
    "text/html",
    "application/xhtml+xml",
    "text/turtle",
    "text/*",
    "application/*",
    "text/html;q=0.5, text/turtle",
    "text/html, text/turtle",
    "text/turtle;q=0.9, */*",
    "application/ld+json;q=0.5, text/html;q=0.4",
    "application/json",
    "text/html;q=0, text/turtle;q=0",
    "image/png",
    "text/html;q=abc",
    "application/rdf+xml;q=0.3, application/n-triples;q=0.3",
    " TEXT/Turtle ; q=0.7 , application/trig;q=0.7",
    "junk, text/html",
]


@pytest.mark.parametrize("accept", [pytest.param(h, id=repr(h)) for h in HEADERS])
def test_choose_page_decides_as_the_pages_do(accept: str | None) -> None:
    """:func:`choose_page` is the pages' choice between HTML and RDF (so pages.py can call it)."""
    from dragonbear.service.runtime.negotiation import choose_page
    from dragonbear.service.web.pages import pick_representation

    def outcome(pick):  # type: ignore[no-untyped-def]
        try:
            rep = pick(accept, None)
        except NotAcceptableError as exc:
            return str(exc)
        return None if rep is None else rep.media_type

    assert outcome(choose_page) == outcome(pick_representation)


@pytest.mark.parametrize(
    ("accept", "fmt", "json"),
    [
        pytest.param(None, None, False, id="no-accept"),
        pytest.param("*/*", None, False, id="anything"),
        pytest.param(BROWSER, None, False, id="browser"),
        pytest.param("application/json", None, True, id="json"),
        pytest.param("text/html;q=0.5, application/json", None, True, id="json-preferred"),
        pytest.param("text/html, application/json", None, False, id="html-among-equals"),
        pytest.param("image/png", None, False, id="neither"),
        pytest.param("text/html", "json", True, id="format-json"),
    ],
)
def test_the_download_listing_uses_the_one_parser(accept: str | None, fmt: str | None, json: bool) -> None:
    from dragonbear.service.protocol.download import _wants_json

    request = SimpleNamespace(
        headers={"accept": accept} if accept is not None else {}, query_params={"format": fmt} if fmt else {}
    )
    assert _wants_json(request) is json  # type: ignore[arg-type]

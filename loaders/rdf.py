"""Load any RDF file (Turtle, N-Triples, N-Quads, TriG, JSON-LD, RDF/XML) as quads.

Files are parsed completely before anything reaches the store, so a malformed file raises
:class:`~dragonbear.errors.LoadError` with its path, line and column and changes nothing.
"""

from __future__ import annotations

import xml.parsers.expat
from pathlib import Path

import pyoxigraph as ox

from dragonbear.errors import LoadError
from dragonbear.formats import RDF_FORMATS, Format, Kind
from dragonbear.namespaces import GRAPH, slugify

__all__ = ["FORMATS", "default_graph_for", "format_for", "parse_rdf_file"]

FORMATS: dict[str, ox.RdfFormat] = {
    f".{ext}": fmt.rdf_format for fmt in RDF_FORMATS for ext in fmt.extensions if fmt.rdf_format is not None
}
"""Each file extension the loader reads (with its dot), and its format: the registry's RDF formats."""


def format_for(path: Path) -> ox.RdfFormat:
    """The RDF format of ``path`` from its extension (``.gz`` is not supported).

    Args:
        path: a file name; the case of its extension does not matter.

    Returns:
        The pyoxigraph format.

    Raises:
        LoadError: the extension is not one of :data:`FORMATS`.

    >>> format_for(Path("a.TTL")), format_for(Path("ontology.owl"))
    (<RdfFormat Turtle>, <RdfFormat RDF/XML>)
    """
    fmt = Format.for_extension(path.suffix, Kind.RDF)
    if fmt is None or fmt.rdf_format is None:
        known = ", ".join(sorted(FORMATS))
        raise LoadError(f"unknown RDF file extension {path.suffix!r} (known: {known})", path=path)
    return fmt.rdf_format


def default_graph_for(path: Path) -> str:
    """The named graph a file goes to when no ``--graph`` is given: one graph per file name.

    >>> default_graph_for(Path("/tmp/My Data.ttl"))
    'https://w3id.org/dragonbear/graph/file/my-data'
    """
    return f"{GRAPH}file/{slugify(path.stem)}"


def _check_xml(data: bytes, path: Path) -> None:
    """Check that RDF/XML is well-formed XML and declares no external entity, before pyoxigraph reads
    it (its own messages for these give no line).

    Raises:
        LoadError: malformed XML, or an external entity (nothing is fetched), with line and column.

    >>> _check_xml(b'<!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]><r/>', Path("a.rdf"))
    Traceback (most recent call last):
    dragonbear.errors.LoadError: a.rdf:1:52: the XML declares the external entity 'e' (file:///etc/passwd): an RDF file is read alone, without the files or URLs it names
    """
    parser = xml.parsers.expat.ParserCreate()

    def refuse_external(
        name: str, _param: bool, value: str | None, _base: str | None, system: str | None, *_: object
    ) -> None:
        if value is None:  # external: SYSTEM or PUBLIC
            raise LoadError(
                f"the XML declares the external entity {name!r} ({system}): an RDF file is read alone, "
                "without the files or URLs it names",
                path=path,
                line=parser.CurrentLineNumber,
                column=parser.CurrentColumnNumber + 1,
            )

    parser.EntityDeclHandler = refuse_external
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as exc:
        raise LoadError(
            f"malformed XML: {xml.parsers.expat.ErrorString(exc.code)}",
            path=path,
            line=exc.lineno,
            column=exc.offset + 1,
        ) from exc


def parse_rdf_file(path: Path, graph: str | None = None) -> list[ox.Quad]:
    """Parse ``path`` completely into quads; triples go to ``graph`` (default: one per file).

    Args:
        path: an RDF file; its format comes from its extension.
        graph: the named graph for the file's triples. Quad formats keep the graphs they name.

    Returns:
        Every quad of the file.

    Raises:
        LoadError: the file is missing, unreadable or malformed (with line and column).
    """
    fmt = format_for(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LoadError(f"cannot read file: {exc.strerror or exc}", path=path) from exc
    if fmt == ox.RdfFormat.RDF_XML:
        _check_xml(data, path)
    target = ox.NamedNode(graph or default_graph_for(path))
    base = path.resolve().as_uri()
    try:
        quads = []
        for quad in ox.parse(data, format=fmt, base_iri=base):
            if isinstance(quad.graph_name, ox.DefaultGraph):
                quad = ox.Quad(quad.subject, quad.predicate, quad.object, target)
            quads.append(quad)
        return quads
    except SyntaxError as exc:
        message = str(exc.msg) if hasattr(exc, "msg") else str(exc)
        raise LoadError(message, path=path, line=exc.lineno, column=exc.offset) from exc
    except (ValueError, OSError) as exc:
        raise LoadError(str(exc), path=path) from exc

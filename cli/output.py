"""Serialize query results for the command line: SPARQL result formats, RDF formats and text tables."""

from __future__ import annotations

import enum
import json

import pyoxigraph as ox

from dragonbear.errors import UsageError
from dragonbear.namespaces import PREFIXES

__all__ = ["OutputFormat", "render_result", "shorten"]


class OutputFormat(str, enum.Enum):
    """Output formats of ``dragonbear sparql`` and ``dragonbear query``."""

    json = "json"
    csv = "csv"
    tsv = "tsv"
    xml = "xml"
    table = "table"
    turtle = "turtle"
    ntriples = "ntriples"
    jsonld = "jsonld"


_RESULT_FORMATS = {
    OutputFormat.json: ox.QueryResultsFormat.JSON,
    OutputFormat.csv: ox.QueryResultsFormat.CSV,
    OutputFormat.tsv: ox.QueryResultsFormat.TSV,
    OutputFormat.xml: ox.QueryResultsFormat.XML,
}
_RDF_FORMATS = {
    OutputFormat.turtle: ox.RdfFormat.TURTLE,
    OutputFormat.ntriples: ox.RdfFormat.N_TRIPLES,
    OutputFormat.jsonld: ox.RdfFormat.JSON_LD,
}


def shorten(term: object) -> str:
    """A term as a person reads it: prefixed IRIs, plain literal values.

    >>> shorten(ox.NamedNode("https://w3id.org/dragonbear/id/system/j-11"))
    'system:j-11'
    >>> shorten(ox.Literal("Су-27", language="ru")), shorten(ox.Literal("Flanker", language="en"))
    ('Су-27@ru', 'Flanker')
    """
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        for prefix, iri in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
            if term.value.startswith(iri):
                return f"{prefix}:{term.value[len(iri):]}"
        return f"<{term.value}>"
    if isinstance(term, ox.Literal):
        return f"{term.value}@{term.language}" if term.language and term.language != "en" else term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(term)


def _table(result: ox.QuerySolutions) -> tuple[str, int]:
    names = [v.value for v in result.variables]
    rows = [[shorten(sol[n]) for n in names] for sol in result]
    if not names:
        return "", len(rows)
    widths = [min(60, max([len(n)] + [len(r[i]) for r in rows])) for i, n in enumerate(names)]

    def fmt(cells: list[str]) -> str:
        return " | ".join((c if len(c) <= 60 else c[:57] + "...").ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    lines = [fmt(names), "-+-".join("-" * w for w in widths)] + [fmt(r) for r in rows]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n", len(rows)


def render_result(result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples,
                  fmt: OutputFormat | None) -> tuple[bytes, int]:
    """Serialize a query result; return the bytes and the number of results (rows, triples, or 1/0).

    Raises:
        UsageError: the format does not fit the kind of result (Turtle for a SELECT, say).
    """
    if isinstance(result, ox.QueryBoolean):
        fmt = fmt or OutputFormat.table
        count = 1 if bool(result) else 0
        if fmt == OutputFormat.table:
            return (b"true\n" if result else b"false\n"), count
        if fmt not in _RESULT_FORMATS:
            raise UsageError(f"an ASK result cannot be written as {fmt.value}; use json, csv, tsv, xml or table")
        return result.serialize(format=_RESULT_FORMATS[fmt]), count
    if isinstance(result, ox.QuerySolutions):
        fmt = fmt or OutputFormat.table
        if fmt == OutputFormat.table:
            text, count = _table(result)
            return text.encode("utf-8"), count
        if fmt not in _RESULT_FORMATS:
            raise UsageError(f"a SELECT result cannot be written as {fmt.value}; use json, csv, tsv, xml or table")
        # Results can be read once: write JSON, count its rows, and convert when another format is asked for.
        data = result.serialize(format=ox.QueryResultsFormat.JSON)
        count = len(json.loads(data)["results"]["bindings"])
        if fmt != OutputFormat.json:
            data = ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON).serialize(  # type: ignore[union-attr]
                format=_RESULT_FORMATS[fmt])
        return data, count
    fmt = fmt or OutputFormat.turtle
    if fmt not in _RDF_FORMATS:
        raise UsageError(f"a CONSTRUCT or DESCRIBE result cannot be written as {fmt.value}; "
                         "use turtle, ntriples or jsonld")
    triples = list(result)
    return ox.serialize(triples, format=_RDF_FORMATS[fmt], prefixes=PREFIXES) or b"", len(triples)

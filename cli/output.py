"""Serialize query results for the command line: SPARQL result formats, RDF formats and text tables.

The formats are the registry's (:mod:`dragonbear.formats`): each ``--format`` value but ``table`` is a
results format's short name or, failing that, an RDF format's.
"""

from __future__ import annotations

import enum
import json

import pyoxigraph as ox

from dragonbear.errors import UsageError
from dragonbear.formats import Format, Kind
from dragonbear.namespaces import PREFIXES

__all__ = ["OutputFormat", "render_result", "shorten"]


class OutputFormat(str, enum.Enum):
    """Output formats of ``dragonbear sparql`` and ``dragonbear query``: registry formats by short name, and
    ``table`` (text for people).

    >>> OutputFormat.json.registry_format, OutputFormat.turtle.registry_format, OutputFormat.table.registry_format
    (<Format.SPARQL_JSON>, <Format.TURTLE>, None)
    """

    json = Format.SPARQL_JSON.short_name
    csv = Format.CSV.short_name
    tsv = Format.TSV.short_name
    xml = Format.SPARQL_XML.short_name
    table = "table"
    turtle = Format.TURTLE.short_name
    ntriples = Format.N_TRIPLES.short_name
    jsonld = Format.JSON_LD.short_name

    @property
    def registry_format(self) -> Format | None:
        """The registry's format: a results format of that name, else an RDF one; None for ``table``."""
        return Format.named(self.value, Kind.RESULTS) or Format.named(self.value, Kind.RDF)


def _names(kind: Kind) -> str:
    """The ``--format`` values for a kind of result, for messages."""
    names = [f.value for f in OutputFormat if f.registry_format is not None and f.registry_format.kind is kind]
    return ", ".join(names[:-1]) + " or " + names[-1]


def _results_format(fmt: OutputFormat, what: str) -> ox.QueryResultsFormat:
    """The pyoxigraph results format of ``fmt``; ``what`` names the result in the message.

    Raises:
        UsageError: ``fmt`` is not a results format.
    """
    found = fmt.registry_format.results_format if fmt.registry_format is not None else None
    if found is None:
        raise UsageError(f"{what} cannot be written as {fmt.value}; use {_names(Kind.RESULTS)} or table")
    return found


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
                return f"{prefix}:{term.value[len(iri) :]}"
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
        return " | ".join(
            (c if len(c) <= 60 else c[:57] + "...").ljust(w) for c, w in zip(cells, widths, strict=True)
        ).rstrip()

    lines = [fmt(names), "-+-".join("-" * w for w in widths)] + [fmt(r) for r in rows]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n", len(rows)


def render_result(
    result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples, fmt: OutputFormat | None
) -> tuple[bytes, int]:
    """Serialize a query result; return the bytes and the number of results (rows, triples, or 1/0).

    Raises:
        UsageError: the format does not fit the kind of result (Turtle for a SELECT, say).
    """
    if isinstance(result, ox.QueryBoolean):
        fmt = fmt or OutputFormat.table
        count = 1 if bool(result) else 0
        if fmt == OutputFormat.table:
            return (b"true\n" if result else b"false\n"), count
        return result.serialize(format=_results_format(fmt, "an ASK result")) or b"", count
    if isinstance(result, ox.QuerySolutions):
        fmt = fmt or OutputFormat.table
        if fmt == OutputFormat.table:
            text, count = _table(result)
            return text.encode("utf-8"), count
        target = _results_format(fmt, "a SELECT result")
        # Results can be read once: write JSON, count its rows, and convert when another format is asked for.
        data = result.serialize(format=ox.QueryResultsFormat.JSON) or b""
        count = len(json.loads(data)["results"]["bindings"])
        if target != ox.QueryResultsFormat.JSON:
            data = ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON).serialize(format=target) or b""
        return data, count
    fmt = fmt or OutputFormat.turtle
    rdf = fmt.registry_format.rdf_format if fmt.registry_format is not None else None
    if rdf is None:
        raise UsageError(f"a CONSTRUCT or DESCRIBE result cannot be written as {fmt.value}; use {_names(Kind.RDF)}")
    triples = list(result)
    return ox.serialize(triples, format=rdf, prefixes=PREFIXES) or b"", len(triples)

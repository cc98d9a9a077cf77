"""The answers of the canned queries as files: stable URLs, spreadsheets, and what each file carries.

``/api/queries/{name}.{ext}`` is the same answer as ``/api/queries/{name}?format=...``, under a URL that
names its format, so that a link in a page, a notebook or an article stays what it says:

=========  ======================================  =========  =============================================
extension  SELECT / ASK                            extension  CONSTRUCT / DESCRIBE
=========  ======================================  =========  =============================================
``json``   SPARQL JSON results                     ``ttl``    Turtle
``csv``    SPARQL CSV results, for spreadsheets    ``nt``     N-Triples
``tsv``    SPARQL TSV results                      ``jsonld`` JSON-LD
``xml``    SPARQL XML results                      ``rdf``    RDF/XML
``xlsx``   a workbook: the rows, and a sheet
           saying what they are
=========  ======================================  =========  =============================================

The CSV of the JSON API (the file and ``?format=csv``) is meant for spreadsheets: a cell that a spreadsheet
would run as a formula gets a leading single quote (:func:`spreadsheet_answer`; see
:mod:`dragonbear.spreadsheet`). ``/sparql`` answers the W3C's SPARQL CSV unchanged.

Every file is an attachment (``Content-Disposition``) named after the query, its parameters and the data
release, and carries in its headers the release (``Dragonbear-Release``), the licence (``Link: <...>;
rel="license"``) and, when its rows come from SIPRI, SIPRI's attribution (``Dragonbear-Attribution``).
The workbook carries the same on its second sheet, where a spreadsheet user sees them.

Rows "come from SIPRI" (:func:`rows_from_sipri`) when the answer holds a SIPRI deal or a system named
only by SIPRI, or when the answer changes once the SIPRI graph is left out of the query's dataset. The
charts' files (``/charts/{name}.{csv,json,xlsx}``) carry the same headers, decided the same way.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from dragonbear import data_release
from dragonbear.errors import ResultLimitError
from dragonbear.graph.dataset import SIPRI_ATTRIBUTION, SIPRI_URL, store_release
from dragonbear.graph.store import GraphStore
from dragonbear.namespaces import GRAPH_SIPRI, PREFIXES, XSD
from dragonbear.service.runtime.jobs import Reply, answer
from dragonbear.service.runtime.negotiation import Representation
from dragonbear.spreadsheet import XLSX_MEDIA_TYPE, Cell, Sheet, neutralize_csv, workbook

__all__ = [
    "CC_BY",
    "FILE_EXTENSIONS",
    "XLSX",
    "XLSX_MEDIA_TYPE",
    "FileFacts",
    "file_facts",
    "file_headers",
    "rows_from_sipri",
    "solution_table",
    "split_extension",
    "spreadsheet_answer",
    "xlsx_answer",
    "xlsx_table",
]

CC_BY = "https://creativecommons.org/licenses/by/4.0/"
XLSX = "xlsx"
RESULT_EXTENSIONS = ("json", "csv", "tsv", "xml", XLSX)
GRAPH_EXTENSIONS = ("ttl", "nt", "jsonld", "rdf")
FILE_EXTENSIONS = RESULT_EXTENSIONS + GRAPH_EXTENSIONS
_SIPRI_NAMESPACES = (PREFIXES["sipri"], PREFIXES["sipri-system"])
_NUMERIC = {XSD + t for t in ("integer", "int", "long", "short", "decimal", "double", "float", "nonNegativeInteger")}


def split_extension(name: str, known: Sequence[str]) -> tuple[str, str | None]:
    """``transfers.csv`` as ``("transfers", "csv")`` when ``transfers`` is a known query; else ``(name, None)``.

    >>> split_extension("transfers.csv", ["transfers"]), split_extension("transfers", ["transfers"])
    (('transfers', 'csv'), ('transfers', None))
    >>> split_extension("transfers.exe", ["transfers"])
    ('transfers.exe', None)
    """
    stem, dot, ext = name.rpartition(".")
    if dot and stem in known and ext.lower() in FILE_EXTENSIONS:
        return stem, ext.lower()
    return name, None


def _cell(term: object) -> Cell:
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        if term.datatype.value in _NUMERIC:
            try:
                number = float(term.value)
            except ValueError:
                return term.value
            return (
                int(number)
                if number.is_integer() and "." not in term.value and "e" not in term.value.lower()
                else number
            )
        return term.value
    if isinstance(term, ox.NamedNode):
        return term.value
    return str(term)


def solution_table(result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples) -> tuple[list[str], list[list[Cell]]]:
    """An answer as a header row and rows of plain values (IRIs as text, numbers as numbers).

    ASK is one column, ``boolean``; a graph is ``subject``, ``predicate``, ``object``.
    """
    if isinstance(result, ox.QueryBoolean):
        return ["boolean"], [[bool(result)]]
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        return names, [[_cell(solution[n]) for n in names] for solution in result]
    return ["subject", "predicate", "object"], [[_cell(t.subject), _cell(t.predicate), _cell(t.object)] for t in result]


def _fingerprint(result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples) -> tuple[bool, list[str]]:
    """What an answer holds, order aside, and whether it names a SIPRI deal or SIPRI-only system."""
    if isinstance(result, ox.QueryBoolean):
        return False, [str(bool(result))]
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        rows = [[solution[n] for n in names] for solution in result]
    else:
        rows = [[t.subject, t.predicate, t.object] for t in result]
    sipri = any(isinstance(t, ox.NamedNode) and t.value.startswith(_SIPRI_NAMESPACES) for row in rows for t in row)
    return sipri, sorted(" ".join("" if t is None else str(t) for t in row) for row in rows)


def rows_from_sipri(store: GraphStore, sparql: str) -> bool:
    """Whether the answer of ``sparql`` comes, in any part, from SIPRI's register.

    True when the answer names a SIPRI deal (``sipri:``) or a system only SIPRI names (``sipri-system:``),
    or when it is not the same once the SIPRI graph is left out of the dataset, as the default graph and
    as a named graph (``GRAPH <.../sipri>`` then matches nothing; the query runs twice).
    """
    sipri, full = _fingerprint(store.query(sparql))
    if sipri:
        return True
    graphs = store.graphs()
    if GRAPH_SIPRI not in graphs:
        return False
    others = [g for g in graphs if g != GRAPH_SIPRI]
    _, without = _fingerprint(store.query(sparql, default_graph=others, named_graphs=others))
    return full != without


@dataclass(frozen=True)
class FileFacts:
    """What a file of an answer says about itself."""

    release: str
    sipri: bool


def file_facts(store: GraphStore, sparql: str) -> FileFacts:
    """The release of ``store`` (the shipped release when the store records none) and whether the
    answer of ``sparql`` owes SIPRI an attribution."""
    return FileFacts(store_release(store) or data_release().version, rows_from_sipri(store, sparql))


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def file_headers(facts: FileFacts, query: str, values: dict[str, str], extension: str) -> dict[str, str]:
    """The headers of a file: attachment name, release, licence links and (for SIPRI rows) attribution.

    >>> h = file_headers(FileFacts("1.2.0", True), "transfers", {"supplier": "Russia", "recipient": "China"}, "csv")
    >>> h["Content-Disposition"], h["Dragonbear-Attribution"]
    ('attachment; filename="transfers-Russia-China-1.2.0.csv"', 'Source: SIPRI Arms Transfers Database')
    """
    parts = [query, *(_UNSAFE.sub("-", v).strip("-")[:40] for v in values.values())]
    filename = "-".join(p for p in parts if p) + f"-{_UNSAFE.sub('-', facts.release)}.{extension}"
    links = [f'<{CC_BY}>; rel="license"', '</.well-known/void>; rel="describedby"']
    headers = {"Content-Disposition": f'attachment; filename="{filename}"', "Dragonbear-Release": facts.release}
    if facts.sipri:
        links.append(f'<{SIPRI_URL}>; rel="license"; title="SIPRI terms"')
        headers["Dragonbear-Attribution"] = SIPRI_ATTRIBUTION
    headers["Link"] = ", ".join(links)
    return headers


def xlsx_answer(
    result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples,
    facts: FileFacts,
    *,
    title: str,
    url: str,
    values: dict[str, str],
    cap: int,
) -> bytes:
    """The workbook of an answer: its rows on the first sheet, what they are on the second.

    Raises:
        ResultLimitError: more rows than ``cap``.
    """
    headers, rows = solution_table(result)
    if len(rows) > cap:
        raise ResultLimitError(f"the answer has more than {cap} rows, the server's limit for a file")
    params: list[list[Cell]] = [[f"Parameter {k}", v] for k, v in values.items()]
    return xlsx_table("Results", headers, rows, facts, described=[["Query", title], *params, ["URL", url]])


def xlsx_table(
    name: str, headers: Sequence[str], rows: Sequence[Sequence[Cell]], facts: FileFacts, *, described: list[list[Cell]]
) -> bytes:
    """A workbook of ``rows`` on a sheet ``name`` and an *About* sheet: the ``described`` lines (what
    the rows are, their URL), then the release, the time, the licence and, for SIPRI rows, SIPRI's
    attribution.

    >>> import io, zipfile
    >>> data = xlsx_table("Data", ["year", "n"], [[2020, 3]], FileFacts("1.0", True), described=[["Chart", "c"]])
    >>> b"SIPRI Arms Transfers Database" in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet2.xml")
    True
    """
    about: list[list[Cell]] = [
        *described,
        ["Data release", facts.release],
        ["Retrieved", dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")],
        ["Licence", f"Dragonbear data: CC BY 4.0 ({CC_BY})"],
    ]
    if facts.sipri:
        about.append(["Attribution", f"{SIPRI_ATTRIBUTION}. SIPRI's facts remain under SIPRI's terms ({SIPRI_URL})."])
    return workbook([Sheet(name, headers, rows), Sheet("About", ["", ""], about)])


def spreadsheet_answer(
    result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples, rep: Representation, cap: int
) -> Reply:
    """:func:`~dragonbear.service.runtime.jobs.answer`, with the cells of a CSV answer that a spreadsheet
    would run as formulas neutralized (:func:`dragonbear.spreadsheet.neutralize_csv`): the JSON API's CSV.

    Raises:
        ResultLimitError: more rows or triples than ``cap``.
        QueryError: the query failed while its results were read.
    """
    reply = answer(result, rep, cap)
    if rep.results_format == ox.QueryResultsFormat.CSV:
        return dataclasses.replace(reply, body=neutralize_csv(reply.body.decode("utf-8")).encode("utf-8"))
    return reply

"""The SPARQL of the charts (:mod:`dragonbear.graph.chart_data`) and the recipient-to-region table.

Each query runs as printed at ``/sparql`` (the endpoint predeclares the project prefixes). Years are
bound by a ``VALUES (?from ?to)`` row of integers or ``UNDEF`` (:func:`bind_years`), and regions by a
``VALUES (?recipient ?assigned)`` block of IRIs and plain literals written by pyoxigraph's serializer
(:func:`region_values`), never by formatting user text into the query.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib import resources

import pyoxigraph as ox

from dragonbear.errors import LoadError
from dragonbear.namespaces import GRAPH_SIPRI, party_iri

__all__ = [
    "DELIVERIES_QUERY",
    "EXERCISES_QUERY",
    "EXERCISE_RECORDS_QUERY",
    "EXPORTS_QUERY",
    "MARKERS_QUERY",
    "RECIPIENTS_QUERY",
    "REGIONS",
    "REGION_SOURCE",
    "REPORTED_QUERY",
    "RegionRow",
    "bind_years",
    "read_regions",
    "region_values",
]

REGIONS = (
    "North Africa",
    "Sub-Saharan Africa",
    "Americas",
    "Asia and Oceania",
    "Europe",
    "Middle East",
    "International organizations",
    "Unknown",
)
REGION_SOURCE = (
    "Regions: SIPRI's grouping in 'Trends in International Arms Transfers, 2023' (SIPRI Fact Sheet, "
    "Stockholm International Peace Research Institute, March 2024); each SIPRI recipient assigned "
    "by Dragonbear in core/data/sipri/regions.csv."
)
_YEARS = "VALUES (?from ?to) { (#FROM# #TO#) }"
_IN_YEARS = "FILTER(COALESCE(?year >= ?from, true) && COALESCE(?year <= ?to, true))"

EXERCISES_QUERY = f"""SELECT ?year ?domain ?domainLabel (COUNT(DISTINCT ?activity) AS ?activities) WHERE {{
  {_YEARS}
  VALUES ?type {{ dgb:JointExercise dgb:JointPatrol }}
  ?activity a ?type ; dgb:participant state:russia , state:china ; dgb:startYear ?year .
  {_IN_YEARS}
  OPTIONAL {{ ?activity dgb:operationalDomain ?domain .
             OPTIONAL {{ ?domain skos:prefLabel ?dl FILTER(LANG(?dl) = "en") }} }}
  BIND(COALESCE(?dl, "unrecorded") AS ?domainLabel)
}}
GROUP BY ?year ?domain ?domainLabel
ORDER BY ?year ?domainLabel"""

EXERCISE_RECORDS_QUERY = """SELECT ?activity ?label ?type ?year ?domainLabel ?series ?seriesLabel WHERE {
  VALUES ?type { dgb:JointExercise dgb:JointPatrol }
  ?activity a ?type ; dgb:participant state:russia , state:china ; dgb:startYear ?year .
  OPTIONAL { ?activity rdfs:label ?label FILTER(LANG(?label) = "en") }
  OPTIONAL { ?activity dgb:operationalDomain/skos:prefLabel ?domainLabel FILTER(LANG(?domainLabel) = "en") }
  OPTIONAL { ?activity dgb:partOfSeries ?series .
             OPTIONAL { ?series rdfs:label ?seriesLabel FILTER(LANG(?seriesLabel) = "en") } }
}
ORDER BY ?year ?label"""

REPORTED_QUERY = """SELECT ?figure ?measure ?value ?comparator ?start ?end ?domainLabel ?series ?seriesLabel ?note
       ?source ?sourceTitle ?locator WHERE {
  VALUES ?measure { dgb:JointExerciseCount dgb:JointPatrolCount }
  ?figure a dgb:ReportedFigure ; dgb:measure ?measure ; dgb:about state:russia , state:china ; dgb:value ?value ;
          dgb:periodStartYear ?start ; dgb:periodEndYear ?end .
  OPTIONAL { ?figure dgb:comparator/skos:prefLabel ?comparator FILTER(LANG(?comparator) = "en") }
  OPTIONAL { ?figure dgb:countsDomain/skos:prefLabel ?domainLabel FILTER(LANG(?domainLabel) = "en") }
  OPTIONAL { ?figure dgb:about ?series . ?series a dgb:ExerciseSeries .
             OPTIONAL { ?series rdfs:label ?seriesLabel FILTER(LANG(?seriesLabel) = "en") } }
  OPTIONAL { ?figure dgb:note ?note }
  OPTIONAL { ?figure dgb:hasAttestation ?att . ?att dgb:source ?source .
             OPTIONAL { ?source dcterms:title ?sourceTitle } OPTIONAL { ?att dgb:locator ?locator } }
}
ORDER BY ?start ?end ?figure"""

# Per deal: its delivered TIV and its number of delivery years; then the share of every delivery year.
# Every pattern reads the SIPRI graph alone: the default graph is the union of the named graphs, in which
# a triple that two graphs hold (Russia's dgb:sipriName, in the curated and the SIPRI graph) comes twice.
_DEAL_SHARES = """  {{ SELECT ?deal ?supplier{extra} (SAMPLE(?delivered) AS ?total) (COUNT(DISTINCT ?y) AS ?years) WHERE {{
      VALUES ?supplier {{ {suppliers} }}
      GRAPH <{graph}> {{ ?deal a dgb:ArmsTransfer ; dgb:supplier ?supplier ; dgb:recipient {recipient} ;
                          dgb:tivDelivered ?delivered ; dgb:deliveryYear ?y }}
    }} GROUP BY ?deal ?supplier{extra} }}
  GRAPH <{graph}> {{ ?deal dgb:deliveryYear ?year }}
  {in_years}
  BIND(?total / ?years AS ?share)"""
_SUPPLIER_NAMES = (
    'VALUES (?supplier ?supplierName) { (state:soviet-union "Soviet Union") (state:russia "Russia") '
    '(state:china "China") }'
)

DELIVERIES_QUERY = f"""SELECT ?year ?supplierName (SUM(?share) AS ?tiv) (COUNT(DISTINCT ?deal) AS ?deals) WHERE {{
  {_YEARS}
  {_SUPPLIER_NAMES}
{
    _DEAL_SHARES.format(
        extra="",
        suppliers="state:soviet-union state:russia",
        graph=GRAPH_SIPRI,
        recipient="state:china",
        in_years=_IN_YEARS,
    )
}
}}
GROUP BY ?year ?supplierName
ORDER BY ?year ?supplierName"""

EXPORTS_QUERY = f"""SELECT ?year ?supplierName ?region (SUM(?share) AS ?tiv) (COUNT(DISTINCT ?deal) AS ?deals) WHERE {{
  {_YEARS}
  {_SUPPLIER_NAMES}
{
    _DEAL_SHARES.format(
        extra=" ?recipient",
        suppliers="state:soviet-union state:russia state:china",
        graph=GRAPH_SIPRI,
        recipient="?recipient",
        in_years=_IN_YEARS,
    )
}
  OPTIONAL {{ VALUES (?recipient ?assigned) {{
#REGIONS#
  }} }}
  BIND(COALESCE(?assigned, "Unassigned") AS ?region)
}}
GROUP BY ?year ?supplierName ?region
ORDER BY ?year ?supplierName ?region"""

RECIPIENTS_QUERY = f"""SELECT DISTINCT ?recipient ?recipientName WHERE {{
  VALUES ?supplier {{ state:soviet-union state:russia state:china }}
  GRAPH <{GRAPH_SIPRI}> {{ ?deal a dgb:ArmsTransfer ; dgb:supplier ?supplier ; dgb:recipient ?recipient ;
                          dgb:tivDelivered ?delivered }}
  OPTIONAL {{ ?recipient dgb:sipriName ?recipientName }}
}}"""

MARKERS_QUERY = """SELECT ?event ?year ?label WHERE {
  VALUES ?event { event:crimea-annexation-2014 event:russian-invasion-2022 }
  ?event dgb:startYear ?year .
  OPTIONAL { ?event rdfs:label ?label FILTER(LANG(?label) = "en") }
}"""


def bind_years(sparql: str, first: int | None, last: int | None) -> str:
    """``sparql`` with its ``#FROM#`` and ``#TO#`` placeholders set to integers or ``UNDEF``.

    >>> bind_years("VALUES (?from ?to) { (#FROM# #TO#) }", 2014, None)
    'VALUES (?from ?to) { (2014 UNDEF) }'
    """

    def term(year: int | None) -> str:
        return "UNDEF" if year is None else str(int(year))

    return sparql.replace("#FROM#", term(first)).replace("#TO#", term(last))


@dataclass(frozen=True)
class RegionRow:
    """One row of the region table: SIPRI's recipient name, its region, and a note on the choice."""

    recipient: str
    region: str
    note: str = ""


def read_regions(text: str | None = None, *, path: str = "core/data/sipri/regions.csv") -> list[RegionRow]:
    """The recipient-to-region table: the shipped one, or ``text`` in the same CSV layout.

    Lines starting with ``#`` are comments; then a header ``recipient,region,note``.

    Raises:
        LoadError: a missing column, an unknown region or a recipient listed twice (with file:line:column).

    >>> rows = read_regions()
    >>> next(r.region for r in rows if r.recipient == "Nigeria")
    'Sub-Saharan Africa'
    """
    if text is None:
        text = resources.files("dragonbear").joinpath("data", "sipri", "regions.csv").read_text(encoding="utf-8")
    lines = [
        (number, line)
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip() and not line.startswith("#")
    ]
    if not lines or [c.strip() for c in lines[0][1].split(",")][:2] != ["recipient", "region"]:
        raise LoadError(
            "expected a header line 'recipient,region,note'", path=path, line=lines[0][0] if lines else 1, column=1
        )
    rows, seen = [], set()
    for (number, line), cells in zip(lines[1:], csv.reader(line for _, line in lines[1:]), strict=False):
        if len(cells) < 2 or not cells[0].strip():
            raise LoadError("expected recipient,region[,note]", path=path, line=number, column=1)
        recipient, region = cells[0].strip(), cells[1].strip()
        if region not in REGIONS:
            raise LoadError(
                f"unknown region {region!r}; regions: {', '.join(REGIONS)}",
                path=path,
                line=number,
                column=line.find(cells[1]) + 1,
            )
        if recipient in seen:
            raise LoadError(f"recipient {recipient!r} is listed twice", path=path, line=number, column=1)
        seen.add(recipient)
        rows.append(RegionRow(recipient, region, cells[2].strip() if len(cells) > 2 else ""))
    return rows


def region_values(rows: list[RegionRow] | None = None) -> str:
    """The rows of the ``VALUES (?recipient ?assigned)`` block: SIPRI's party IRI and the region literal."""
    rows = read_regions() if rows is None else rows
    return "\n".join(f"    ({ox.NamedNode(party_iri(r.recipient))} {ox.Literal(r.region)})" for r in rows)

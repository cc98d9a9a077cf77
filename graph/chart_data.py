"""The numbers behind the charts, each from a SPARQL query on the store, so that they trace to sources.

Three charts (:data:`CHARTS`):

``exercises-by-domain``
    Joint Russia-China exercises and patrols per start year and operational domain, counted over the
    curated records (``dgb:JointExercise`` and ``dgb:JointPatrol`` with both states as participants).
    Counts that sources report (``dgb:ReportedFigure`` of measure ``JointExerciseCount`` or
    ``JointPatrolCount``) are set beside the graph's own count over the same years, domain and series,
    so that a gap between the records and a source shows instead of hiding.
``deliveries-to-china``
    Soviet and Russian deliveries to China per delivery year, in SIPRI TIV, with 2014 and 2022 marked.
``exports-by-region``
    Soviet, Russian and Chinese arms exports per delivery year and recipient region, in SIPRI TIV.

The SIPRI trade register gives each deal's delivered TIV as one total and its delivery years as a
list, not a TIV per year; the queries spread a deal's delivered TIV evenly over its delivery years
(see docs/decisions/0008-charts-tiv-per-delivery-year.md). Regions come from the table shipped in
``core/data/sipri/regions.csv``, bound into the query as a ``VALUES`` block. Every :class:`ChartData` carries the query it ran, ready for ``/sparql``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from dragonbear.errors import UsageError
from dragonbear.graph.chart_queries import (
    DELIVERIES_QUERY,
    EXERCISE_RECORDS_QUERY,
    EXERCISES_QUERY,
    EXPORTS_QUERY,
    MARKERS_QUERY,
    RECIPIENTS_QUERY,
    REGION_SOURCE,
    REPORTED_QUERY,
    bind_years,
    read_regions,
    region_values,
)
from dragonbear.graph.store import GraphStore
from dragonbear.spreadsheet import spreadsheet_csv

__all__ = ["CHARTS", "ChartData", "ChartSpec", "Marker", "ReportedCount", "chart_data", "chart_spec"]

SIPRI_CAPTION = "Source: SIPRI Arms Transfers Database; Dragonbear"
TIV_UNIT = "SIPRI TIV, millions"
EVEN_SPLIT_NOTE = (
    "SIPRI's trade register gives each deal's delivered TIV as one total; it is spread evenly "
    "over the deal's delivery years."
)


@dataclass(frozen=True)
class ChartSpec:
    """What a chart shows: its name, title, axis labels and unit."""

    name: str
    title: str
    description: str
    x_label: str
    y_label: str
    unit: str


CHARTS: dict[str, ChartSpec] = {
    spec.name: spec
    for spec in (
        ChartSpec(
            "exercises-by-domain",
            "Joint Russia–China military exercises and patrols per year, by domain",
            "Exercises and patrols with both Russia and China taking part, by start year and the domain the "
            "curated records give, beside the counts sources report.",
            "Start year",
            "Exercises and patrols",
            "count",
        ),
        ChartSpec(
            "deliveries-to-china",
            "Soviet and Russian arms deliveries to China per year",
            "Deliveries of major conventional arms from the Soviet Union and Russia to China by delivery year, "
            "in SIPRI trend-indicator values; 2014 and 2022 marked.",
            "Delivery year",
            f"Deliveries ({TIV_UNIT})",
            TIV_UNIT,
        ),
        ChartSpec(
            "exports-by-region",
            "Russian and Chinese arms exports by recipient region",
            "Arms exports of the Soviet Union (to 1991), Russia (from 1992) and China by delivery year and "
            "recipient region, in SIPRI trend-indicator values; sub-Saharan Africa highlighted.",
            "Delivery year",
            f"Exports ({TIV_UNIT})",
            TIV_UNIT,
        ),
    )
}


@dataclass(frozen=True)
class Marker:
    """A year to mark on a time axis, with the event that makes it notable."""

    year: int
    label: str
    iri: str | None = None


@dataclass(frozen=True)
class ReportedCount:
    """A count that a source reports, with the graph's own count over the same scope."""

    figure: str
    reported: float
    comparator: str
    start: int
    end: int
    domain: str | None
    series: str | None
    patrols_only: bool
    counted: int
    sources: tuple[str, ...]
    note: str = ""
    source_titles: tuple[str, ...] = ()

    def scope(self) -> str:
        """The scope in words, e.g. ``naval, 2022–2024``."""
        years = str(self.start) if self.start == self.end else f"{self.start}–{self.end}"
        what = "patrols" if self.patrols_only else "exercises and patrols"
        parts = [p for p in (self.domain, self.series) if p]
        return f"{what}, {', '.join([*parts, years])}" if parts else f"{what}, all domains, {years}"


@dataclass(frozen=True)
class ChartData:
    """A chart's numbers in long form (``columns`` and ``rows``), its marks, notes and the query it ran."""

    spec: ChartSpec
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    caption: str
    sparql: str
    first_year: int | None = None
    last_year: int | None = None
    markers: tuple[Marker, ...] = ()
    reported: tuple[ReportedCount, ...] = ()
    notes: tuple[str, ...] = ()
    records: tuple[dict[str, Any], ...] = field(default=(), repr=False)

    @property
    def name(self) -> str:
        """The chart's name."""
        return self.spec.name

    def years(self) -> list[int]:
        """Every year from the first to the last with data (or the requested span)."""
        seen = [int(row[0]) for row in self.rows]
        lo = self.first_year if self.first_year is not None else min(seen, default=0)
        hi = self.last_year if self.last_year is not None else max(seen, default=-1)
        return list(range(lo, hi + 1))

    def to_csv(self) -> str:
        """The rows as CSV with a header line, for spreadsheets: no cell is run as a formula
        (:func:`dragonbear.spreadsheet.spreadsheet_csv`)."""
        return spreadsheet_csv([self.columns, *self.rows], lineterminator="\n")

    def to_json(self) -> str:
        """Everything: spec, rows as objects, marks, reported counts, notes, caption and query."""
        doc = {
            "name": self.name,
            "title": self.spec.title,
            "description": self.spec.description,
            "xLabel": self.spec.x_label,
            "yLabel": self.spec.y_label,
            "unit": self.spec.unit,
            "from": self.first_year,
            "to": self.last_year,
            "caption": self.caption,
            "rows": [dict(zip(self.columns, row, strict=False)) for row in self.rows],
            "markers": [{"year": m.year, "label": m.label, "iri": m.iri} for m in self.markers],
            "reported": [
                {
                    "figure": r.figure,
                    "reported": r.reported,
                    "comparator": r.comparator,
                    "from": r.start,
                    "to": r.end,
                    "domain": r.domain,
                    "series": r.series,
                    "scope": r.scope(),
                    "countedInGraph": r.counted,
                    "sources": list(r.sources),
                    "note": r.note,
                }
                for r in self.reported
            ],
            "records": list(self.records),
            "notes": list(self.notes),
            "sparql": self.sparql,
        }
        return json.dumps(doc, ensure_ascii=False, indent=2)


def chart_spec(name: str) -> ChartSpec:
    """The chart called ``name``.

    Raises:
        UsageError: no chart has that name (the message lists the charts).

    >>> chart_spec("deliveries-to-china").unit
    'SIPRI TIV, millions'
    """
    try:
        return CHARTS[name]
    except KeyError:
        raise UsageError(f"unknown chart {name!r}; charts: {', '.join(CHARTS)}") from None


def _check_years(first: int | None, last: int | None) -> None:
    for year in (first, last):
        if year is not None and not 1900 <= year <= 2100:
            raise UsageError(f"year {year} is out of range (1900-2100)")
    if first is not None and last is not None and first > last:
        raise UsageError(f"the first year ({first}) is after the last ({last})")


def chart_data(store: GraphStore, name: str, *, first: int | None = None, last: int | None = None) -> ChartData:
    """Run the chart's queries on ``store`` and return its numbers.

    Args:
        store: the store to query.
        name: a chart of :data:`CHARTS`.
        first: the first year to include (default: the first with data).
        last: the last year to include (default: the last with data).

    Returns:
        The chart's data.

    Raises:
        UsageError: an unknown chart, a year out of range, or ``first`` after ``last``.
    """
    spec = chart_spec(name)
    _check_years(first, last)
    build = {"exercises-by-domain": _exercises, "deliveries-to-china": _deliveries, "exports-by-region": _exports}
    return build[name](store, spec, first, last)


def _select(store: GraphStore, sparql: str) -> list[dict[str, Any]]:
    """Rows of a SELECT as dicts of Python values (int, float, str or None)."""
    result = store.query(sparql)
    names = [v.value for v in result.variables]  # type: ignore[union-attr]
    return [{var: None if solution[var] is None else _python(solution[var]) for var in names} for solution in result]  # type: ignore[union-attr]


def _python(term: Any) -> Any:
    datatype = getattr(getattr(term, "datatype", None), "value", "")
    if datatype.endswith(("#integer", "#nonNegativeInteger", "#int", "#long")):
        return int(term.value)
    if datatype.endswith(("#decimal", "#double", "#float")):
        return float(term.value)
    return term.value


def _markers(store: GraphStore) -> tuple[Marker, ...]:
    """2014 and 2022, labelled with the graph's events of those years (plain labels if it lacks them)."""
    found = {
        row["year"]: Marker(row["year"], f"{row['year']}: {row['label'] or row['event']}", row["event"])
        for row in _select(store, MARKERS_QUERY)
    }
    fallback = {2014: "2014: annexation of Crimea", 2022: "2022: full-scale invasion of Ukraine"}
    return tuple(found.get(year) or Marker(year, label) for year, label in fallback.items())


# --- exercises ---------------------------------------------------------------------------------------


def _exercises(store: GraphStore, spec: ChartSpec, first: int | None, last: int | None) -> ChartData:
    sparql = bind_years(EXERCISES_QUERY, first, last)
    rows = tuple((r["year"], r["domainLabel"], r["activities"]) for r in _select(store, sparql))
    records = _exercise_records(store)
    shown = [r for r in records if (first is None or r["year"] >= first) and (last is None or r["year"] <= last)]
    reported = tuple(
        rc
        for rc in _reported(store, records)
        if (first is None or rc.start >= first) and (last is None or rc.end <= last)
    )
    titles = sorted({f"'{title}'" for rc in reported for title in rc.source_titles})
    caption = "Source: Dragonbear curated exercise records (each cites its sources)" + (
        f"; reported counts: {', '.join(titles)}" if titles else ""
    )
    notes = (
        "An exercise or patrol counts in the year it began, once, in the one domain its record gives.",
        (
            "Reported counts are set beside the graph's count over the same years, domain and series; where "
            "a source reports more than the graph records, the graph lacks records."
        ),
    )
    return ChartData(
        spec,
        ("year", "domain", "count"),
        rows,
        caption,
        sparql,
        first,
        last,
        reported=reported,
        notes=notes,
        records=tuple(shown),
    )


def _exercise_records(store: GraphStore) -> list[dict[str, Any]]:
    """One record per activity (a patrol typed as an exercise too counts once, as a patrol)."""
    by_iri: dict[str, dict[str, Any]] = {}
    for r in _select(store, EXERCISE_RECORDS_QUERY):
        kind = "patrol" if r["type"].endswith("#JointPatrol") else "exercise"
        record = by_iri.setdefault(
            r["activity"],
            {
                "activity": r["activity"],
                "label": r["label"] or r["activity"],
                "kind": kind,
                "year": r["year"],
                "domain": r["domainLabel"] or "unrecorded",
                "series": r["series"],
                "seriesLabel": r["seriesLabel"],
            },
        )
        if kind == "patrol":
            record["kind"] = "patrol"
    return sorted(by_iri.values(), key=lambda rec: (rec["year"], rec["label"]))


def _reported(store: GraphStore, records: list[dict[str, Any]]) -> list[ReportedCount]:
    """Counts sources report for Russia and China, each with the graph's count over the same scope."""
    figures: dict[str, dict[str, Any]] = {}
    for r in _select(store, REPORTED_QUERY):
        fig = figures.setdefault(r["figure"], {**r, "sources": [], "domains": set(), "titles": set()})
        if r["domainLabel"]:
            fig["domains"].add(r["domainLabel"])
        if r["source"]:
            cited = (r["sourceTitle"] or r["source"]) + (f" ({r['locator']})" if r["locator"] else "")
            if cited not in fig["sources"]:
                fig["sources"].append(cited)
                fig["titles"].add(r["sourceTitle"] or r["source"])
    out = []
    for fig in figures.values():
        patrols, domains = fig["measure"].endswith("#JointPatrolCount"), fig["domains"]
        counted = sum(
            1
            for rec in records
            if fig["start"] <= rec["year"] <= fig["end"]
            and (not domains or rec["domain"] in domains)
            and (fig["series"] is None or rec["series"] == fig["series"])
            and (not patrols or rec["kind"] == "patrol")
        )
        out.append(
            ReportedCount(
                fig["figure"],
                float(fig["value"]),
                fig["comparator"] or "exactly",
                fig["start"],
                fig["end"],
                " and ".join(sorted(domains)) or None,
                fig["seriesLabel"],
                patrols,
                counted,
                tuple(sorted(fig["sources"])),
                fig["note"] or "",
                tuple(sorted(fig["titles"])),
            )
        )
    return sorted(out, key=lambda rc: (rc.start, rc.end, rc.figure))


# --- SIPRI ---------------------------------------------------------------------------------------------


def _deliveries(store: GraphStore, spec: ChartSpec, first: int | None, last: int | None) -> ChartData:
    sparql = bind_years(DELIVERIES_QUERY, first, last)
    rows = tuple((r["year"], r["supplierName"], round(r["tiv"], 3), r["deals"]) for r in _select(store, sparql))
    notes = (EVEN_SPLIT_NOTE, "Soviet deliveries run to 1991 and Russian ones from 1992, as SIPRI records them.")
    return ChartData(
        spec,
        ("year", "supplier", "tiv", "deals"),
        rows,
        SIPRI_CAPTION,
        sparql,
        first,
        last,
        markers=_markers(store),
        notes=notes,
    )


def _exports(store: GraphStore, spec: ChartSpec, first: int | None, last: int | None) -> ChartData:
    table = read_regions()
    sparql = bind_years(EXPORTS_QUERY.replace("#REGIONS#", region_values(table)), first, last)
    rows = tuple(
        (r["year"], r["supplierName"], r["region"], round(r["tiv"], 3), r["deals"]) for r in _select(store, sparql)
    )
    notes = [
        EVEN_SPLIT_NOTE,
        REGION_SOURCE,
        "Soviet exports run to 1991 and Russian ones from 1992, as SIPRI records them.",
    ]
    if any(row[2] == "Unassigned" for row in rows):
        known = {r.recipient for r in table}
        missing = sorted({r["recipientName"] or r["recipient"] for r in _select(store, RECIPIENTS_QUERY)} - known)
        notes.append("Recipients charted as Unassigned (no region in the table): " + ", ".join(missing) + ".")
    return ChartData(
        spec,
        ("year", "supplier", "region", "tiv", "deals"),
        rows,
        SIPRI_CAPTION,
        sparql,
        first,
        last,
        markers=_markers(store),
        notes=tuple(notes),
    )

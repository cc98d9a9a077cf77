"""The charts on the web: ``GET /charts`` (a page) and ``GET /charts/{name}.{svg,png,json,csv,xlsx}``.

Every chart is computed and drawn at most once per store generation and span of years (the served
store keeps what it read per generation; a write, a new generation, renews every chart), on the
runner's threads against the server's time limit. ``?from=YEAR&to=YEAR`` narrow a chart to a span of years.

Each chart on the page has a "get this data" panel (:mod:`~dragonbear.service.web.data_panel`): its
numbers as CSV, JSON and an Excel-readable workbook at stable URLs, and code that fetches them. Every
file carries the release (``Dragonbear-Release``), the licence (``Link: <...>; rel="license"``) and,
when its numbers come from SIPRI (:func:`~dragonbear.service.runtime.answer_files.rows_from_sipri` of
the chart's query: the TIV charts), SIPRI's attribution (``Dragonbear-Attribution``), as the canned
queries' files do; the JSON holds them too (``release``, ``license``, ``attribution``), and the
workbook on its *About* sheet. The numbers files are attachments named after the chart, its years and
the release; the images are not (the page shows them).
"""

from __future__ import annotations

import hashlib
import json
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from dragonbear.errors import NotFoundError, UsageError
from dragonbear.formats import FileFormat
from dragonbear.graph.chart_data import CHARTS, ChartData, chart_data
from dragonbear.graph.dataset import SIPRI_ATTRIBUTION
from dragonbear.graph.store import GraphStore
from dragonbear.service.runtime.answer_files import (
    CC_BY,
    XLSX,
    XLSX_MEDIA_TYPE,
    FileFacts,
    file_facts,
    file_headers,
    xlsx_table,
)
from dragonbear.service.runtime.deps import ServedDep
from dragonbear.service.web.data_panel import data_panel, table_snippets
from dragonbear.service.web.embed_frame import embed_snippet
from dragonbear.service.web.layout import esc, iri_link, page, table
from dragonbear.service.web.share import share_form
from dragonbear.spreadsheet import Cell

__all__ = [
    "DATA_EXTENSIONS",
    "MEDIA_TYPES",
    "chart_and_facts",
    "chart_years",
    "charts_page_html",
    "router",
    "years_query",
]

MEDIA_TYPES = {f.extension: f.content_type for f in (FileFormat.SVG, FileFormat.PNG, FileFormat.JSON, FileFormat.CSV)}
MEDIA_TYPES[XLSX] = XLSX_MEDIA_TYPE
DATA_EXTENSIONS = ("csv", XLSX, "json")  # the chart's numbers; svg and png draw them
_LABELS = {"csv": "CSV", XLSX: "Excel (.xlsx)", "json": "JSON", "svg": "SVG", "png": "PNG"}


def chart_years(request: Request) -> tuple[int | None, int | None]:
    """The span of years asked for (``?from=YEAR&to=YEAR``), each None when not given.

    Raises:
        UsageError: a value that is not a year.
    """
    out: list[int | None] = []
    for key in ("from", "to"):
        raw = request.query_params.get(key)
        if raw is None or raw.strip() == "":
            out.append(None)
            continue
        try:
            out.append(int(raw))
        except ValueError:
            raise UsageError(f"{key}={raw!r} is not a year") from None
    return out[0], out[1]


def years_query(first: int | None, last: int | None) -> str:
    """The query string of a span of years, "" for none.

    >>> years_query(2000, None)
    '?from=2000'
    """
    params = [f"{k}={v}" for k, v in (("from", first), ("to", last)) if v is not None]
    return "?" + "&".join(params) if params else ""


def _data_table(data: ChartData) -> str:
    rows = [[esc(f"{v:,.1f}" if isinstance(v, float) else v) for v in row] for row in data.rows]
    return table(data.columns, rows)


def _reported_table(data: ChartData) -> str:
    rows = [
        [
            esc(f"{r.comparator} {r.reported:g}"),
            esc(r.scope()),
            esc(r.counted),
            esc("the graph lacks records" if r.counted < r.reported else "")
            + ("<br>" if r.counted < r.reported and r.note else "")
            + esc(r.note),
            "<br>".join(esc(s) for s in r.sources),
            iri_link(r.figure),
        ]
        for r in data.reported
    ]
    return table(["reported", "scope", "counted in the graph", "note", "source", "figure"], rows)


def _panel(data: ChartData, query: str, facts: FileFacts, base_url: str) -> str:
    """The chart's "get this data" panel: its numbers' files, its images, code, release and licence."""
    base = f"/charts/{quote(data.name)}"
    links = [(f"{base}.{ext}{query}", _LABELS[ext]) for ext in (*DATA_EXTENSIONS, "svg", "png")]
    sipri = f" {esc(SIPRI_ATTRIBUTION)}; SIPRI's facts remain under SIPRI's terms." if facts.sipri else ""
    note = (
        f'<p class="note">Data release {esc(facts.release)}. Dragonbear data is licensed under '
        f'<a href="{CC_BY}">CC BY 4.0</a>.{sipri} Unit: {esc(data.spec.unit)}.</p>'
    )
    snippets = table_snippets(f"{base_url}{base}.csv{query}", f"{data.name}.csv")
    snippets["Embed (iframe)"] = embed_snippet(
        f"{base_url}/embed/chart/{quote(data.name)}{query}", data.spec.title, 560
    )
    return data_panel(links, snippets, ident=f"get-data-{data.name}", note=note)


def _section(data: ChartData, query: str, facts: FileFacts, base_url: str) -> str:
    base = f"/charts/{quote(data.name)}"
    notes = "".join(f"<li>{esc(n)}</li>" for n in data.notes)
    reported = (
        f"<h3>Counts reported by sources, beside the graph's own</h3>{_reported_table(data)}" if data.reported else ""
    )
    return (
        f'<section class="chart" id="{esc(data.name)}"><h2>{esc(data.spec.title)}</h2>'
        f"<p>{esc(data.spec.description)}</p>"
        f'<figure><img src="{base}.svg{esc(query)}" alt="{esc(data.spec.title)}" style="max-width:100%">'
        f'<figcaption class="muted">{esc(data.caption)}</figcaption></figure>'
        f"<ul>{notes}</ul>{reported}"
        f"<details><summary>Data ({len(data.rows)} rows)</summary>{_data_table(data)}</details>"
        f"{_panel(data, query, facts, base_url)}"
        f"<details><summary>SPARQL (runs as is at <code>/sparql</code>)</summary>"
        f"<pre><code>{esc(data.sparql)}</code></pre></details></section>"
    )


def charts_page_html(
    charts: list[tuple[ChartData, FileFacts]], first: int | None, last: int | None, base_url: str = ""
) -> str:
    """The charts page: each chart with its caption, notes, table, "get this data" panel and query.

    Args:
        charts: each chart's numbers and what its files say about them.
        first: the first year asked for, if any.
        last: the last year asked for, if any.
        base_url: the server's URL without a trailing slash, for the code snippets.

    Returns:
        The page's HTML.
    """
    span = (
        f" ({first if first is not None else '…'}–{last if last is not None else '…'})"
        if first is not None or last is not None
        else ""
    )
    body = (
        f"<h1>Charts{esc(span)}</h1><p>Each chart is drawn from SPARQL queries on the graph; its numbers "
        "are linked as CSV, JSON and an Excel workbook, and its query can be run at the endpoint. Narrow "
        "the years with <code>?from=YEAR&amp;to=YEAR</code>.</p>"
        + share_form("/charts" + years_query(first, last))
        + "".join(_section(data, years_query(first, last), facts, base_url) for data, facts in charts)
    )
    return page("Charts", body)


router = APIRouter(include_in_schema=False)


def chart_and_facts(store: GraphStore, name: str, first: int | None, last: int | None) -> tuple[ChartData, FileFacts]:
    """A chart's numbers over a span of years, and what its files say about them (release, SIPRI)."""
    data = chart_data(store, name, first=first, last=last)
    return data, file_facts(store, data.sparql)


def _numbers_file(data: ChartData, fmt: str, facts: FileFacts, url: str) -> bytes:
    """The chart's numbers as CSV, JSON (with the release, licence and attribution) or a workbook."""
    if fmt == "csv":
        return data.to_csv().encode("utf-8")
    if fmt == "json":
        doc = json.loads(data.to_json())
        doc.update(release=facts.release, license=CC_BY)
        if facts.sipri:
            doc["attribution"] = SIPRI_ATTRIBUTION
        return json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8")
    described: list[list[Cell]] = [["Chart", data.spec.title], ["Unit", data.spec.unit]]
    described += [
        [label, year] for label, year in (("From", data.first_year), ("To", data.last_year)) if year is not None
    ]
    described += [["URL", url], ["Caption", data.caption]]
    described.extend(["Note", note] for note in data.notes)
    return xlsx_table("Data", data.columns, data.rows, facts, described=described)


def _chart_body(
    store: GraphStore, name: str, fmt: str, first: int | None, last: int | None, url: str
) -> tuple[bytes, str, FileFacts]:
    data, facts = chart_and_facts(store, name, first, last)
    if fmt in ("svg", "png"):
        from dragonbear.graph.charts import render_chart  # matplotlib: loaded on the first drawing only

        body = render_chart(data, fmt)
    else:
        body = _numbers_file(data, fmt, facts, url)
    return body, '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"', facts


@router.get("/charts", response_class=HTMLResponse)
def charts_page(request: Request, served: ServedDep) -> HTMLResponse:
    """Every chart with its caption, notes, data and query (kept per store generation and span)."""
    first, last = chart_years(request)
    charts = [
        served.read(
            lambda store, n=name: chart_and_facts(store, n, first, last),  # type: ignore[misc]
            key=("chart+facts", name, first, last),
        )
        for name in CHARTS
    ]
    return HTMLResponse(charts_page_html(charts, first, last, str(request.base_url).rstrip("/")))


@router.get("/charts/{filename}")
def chart_file(filename: str, request: Request, served: ServedDep) -> Response:
    """One chart as SVG, PNG, JSON, CSV or a workbook, with an entity tag (304 when it matches
    ``If-None-Match``) and the release, licence and attribution in its headers."""
    name, _, ext = filename.rpartition(".")
    if name not in CHARTS or ext not in MEDIA_TYPES:
        raise NotFoundError(
            f"no chart {filename!r}; charts: " + ", ".join(f"{n}.{{{','.join(MEDIA_TYPES)}}}" for n in CHARTS)
        )
    first, last = chart_years(request)
    url = f"{str(request.base_url).rstrip('/')}/charts/{quote(name)}.{ext}{years_query(first, last)}"
    body, tag, facts = served.read(
        lambda store: _chart_body(store, name, ext, first, last, url), key=("chart-file", url)
    )
    years = {k: str(v) for k, v in (("from", first), ("to", last)) if v is not None}
    headers = {**file_headers(facts, name, years, ext), "ETag": tag, "Cache-Control": "no-cache"}
    if ext not in DATA_EXTENSIONS:
        del headers["Content-Disposition"]  # the page shows the images
    if request.headers.get("if-none-match") == tag:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=MEDIA_TYPES[ext], headers=headers)
